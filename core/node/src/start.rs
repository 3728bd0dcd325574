//! Brings the node onto the mesh: the LAN transport, the mesh router above it, and the table protocol above
//! that, wired by channels and sharing one ban list and the node's shutdown signal. Each part gets the narrow
//! handles it needs (the database, the net statistics, the games view), never the whole node state.

use std::sync::Arc;

use bitcraps_net::lan::LanTransport;
use bitcraps_net::mesh;
use bitcraps_net::transport::{BanList, Transport};
use bitcraps_table::service::{self, ServiceParts};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use crate::config::Config;
use crate::error::StartError;
use crate::identity::Identity;
use crate::state::Shared;

/// Transport events waiting for the mesh.
const TRANSPORT_QUEUE: usize = 8192;

/// Starts transport, mesh and table protocol; returns their tasks (they end on `shutdown`).
pub fn start(
    config: &Config,
    identity: &Identity,
    shared: &Shared,
    journal: bitcraps_journal::Appender,
    shutdown: watch::Receiver<bool>,
) -> Result<Vec<JoinHandle<()>>, StartError> {
    let lan = LanTransport::bind(&config.net, identity.signing_key().clone()).map_err(|source| StartError::Listen {
        what: "net.listen",
        addr: config.net.listen.to_string(),
        source,
    })?;
    let status = shared.metrics.net.clone();
    let bans = BanList::default();
    status.set_enabled(true);
    status.set_listen_addr(lan.local_addr().to_string());
    status.set_bans(bans.clone());
    tracing::info!(listen = %lan.local_addr(), peers = config.net.peers.len(), mdns = config.net.mdns, "on the mesh");
    let (events_tx, events_rx) = mpsc::channel(TRANSPORT_QUEUE);
    let transport = tokio::spawn(Box::new(lan).run(events_tx, bans.clone(), shutdown.clone()));
    let (mesh, deliveries, router) =
        mesh::spawn(&config.net, identity.id(), events_rx, bans, status.clone(), shutdown.clone());
    let games = service::spawn(ServiceParts {
        db: shared.db().clone(),
        net: status,
        games: Arc::clone(&shared.games),
        key: identity.signing_key().clone(),
        config: config.consensus.clone(),
        mesh,
        deliveries,
        journal,
        max_frame_bytes: config.net.max_frame_bytes,
        shutdown,
    })
    .map_err(StartError::Tables)?;
    Ok(vec![transport, router, games])
}
