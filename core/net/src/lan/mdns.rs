//! Discovery on the LAN by mDNS (`mdns-sd`): the node registers `_bitcraps._tcp.local.` (instance name: the first
//! 16 hex digits of its id; TXT `id=<64 hex>`; the listen port) and browses the same type. A discovered peer is
//! dialled with its announced id as the identity it must prove, unless it is this node, linked, banned or being
//! dialled; discovered peers that are not linked are tried again every `reconnect_max_ms`. mDNS failures are
//! logged and never stop the transport. Resolved peers are expected in the hub's peer book until their
//! announcement is withdrawn.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bitcraps_wire::NodeId;
use mdns_sd::{ServiceDaemon, ServiceEvent, ServiceInfo};

use super::book::PeerKey;
use super::hub::Hub;
use super::stopped;

/// The DNS-SD service type of BitCraps nodes.
pub const SERVICE_TYPE: &str = "_bitcraps._tcp.local.";

/// The TXT key carrying the node id.
pub const TXT_ID: &str = "id";

/// The instance name of a node: the first 16 hex digits of its id.
pub fn instance_name(id: &NodeId) -> String {
    id.to_hex()[..16].to_owned()
}

/// The service this node announces.
pub fn service_info(id: &NodeId, port: u16) -> Result<ServiceInfo, mdns_sd::Error> {
    let instance = instance_name(id);
    let host = format!("{instance}.local.");
    let hex = id.to_hex();
    let txt = [(TXT_ID, hex.as_str())];
    Ok(ServiceInfo::new(SERVICE_TYPE, &instance, &host, "", port, &txt[..])?.enable_addr_auto())
}

/// The id and the address to dial of a resolved service, if it is a well-formed BitCraps announcement.
fn discovered(
    id_text: Option<&str>,
    addrs: impl Iterator<Item = std::net::IpAddr>,
    port: u16,
) -> Option<(NodeId, SocketAddr)> {
    let id = NodeId::from_hex(id_text?)?;
    let mut addrs: Vec<_> = addrs.collect();
    // IPv4 first (an IPv6 link-local address would need its scope).
    addrs.sort_by_key(|ip| (!ip.is_ipv4(), ip.is_loopback()));
    Some((id, SocketAddr::new(*addrs.first()?, port)))
}

/// Announces this node and dials the peers it finds, until shutdown. Returns at once (with a warning) if mDNS
/// cannot start.
pub async fn run(hub: Arc<Hub>, port: u16, retry: Duration) {
    let daemon = match ServiceDaemon::new() {
        Ok(daemon) => daemon,
        Err(e) => {
            tracing::warn!(error = %e, "lan: mDNS unavailable; discovery is off");
            return;
        }
    };
    match service_info(&hub.me, port) {
        Ok(info) => {
            if let Err(e) = daemon.register(info) {
                tracing::warn!(error = %e, "lan: mDNS registration failed");
            }
        }
        Err(e) => tracing::warn!(error = %e, "lan: mDNS service info refused"),
    }
    match daemon.browse(SERVICE_TYPE) {
        Ok(found) => browse(&hub, &found, retry).await,
        Err(e) => tracing::warn!(error = %e, "lan: mDNS browse failed"),
    }
    if let Err(e) = daemon.shutdown() {
        tracing::warn!(error = %e, "lan: mDNS shutdown failed");
    }
}

async fn browse(hub: &Arc<Hub>, found: &mdns_sd::Receiver<ServiceEvent>, retry: Duration) {
    let mut shutdown = hub.shutdown.clone();
    let mut peers: HashMap<String, (NodeId, SocketAddr)> = HashMap::new();
    let dialling: Arc<Mutex<HashSet<NodeId>>> = Arc::default();
    let mut tick = tokio::time::interval(retry);
    loop {
        tokio::select! {
            () = stopped(&mut shutdown) => return,
            event = found.recv_async() => match event {
                Ok(ServiceEvent::ServiceResolved(service)) => {
                    let addrs = service.get_addresses().iter().map(mdns_sd::ScopedIp::to_ip_addr);
                    match discovered(service.get_property_val_str(TXT_ID), addrs, service.get_port()) {
                        Some(peer) => {
                            if peer.0 != hub.me {
                                hub.expect(PeerKey::Id(peer.0), false);
                            }
                            peers.insert(service.fullname.clone(), peer);
                        }
                        None => tracing::debug!(name = %service.fullname, "lan: mDNS service without a usable id"),
                    }
                }
                Ok(ServiceEvent::ServiceRemoved(_, fullname)) => {
                    if let Some((id, _)) = peers.remove(&fullname) {
                        hub.forget(PeerKey::Id(id));
                    }
                }
                Ok(_) => continue,
                Err(e) => {
                    tracing::warn!(error = %e, "lan: mDNS browsing stopped");
                    return;
                }
            },
            _ = tick.tick() => {}
        }
        for &(id, addr) in peers.values() {
            if id == hub.me || hub.is_linked(&id) || hub.bans.is_banned(&id) {
                continue;
            }
            if !dialling.lock().map(|mut d| d.insert(id)).unwrap_or(false) {
                continue;
            }
            let (hub, dialling) = (Arc::clone(hub), Arc::clone(&dialling));
            tokio::spawn(async move {
                let _ = hub.dial(addr, Some(id)).await;
                if let Ok(mut d) = dialling.lock() {
                    d.remove(&id);
                }
            });
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

    use super::*;

    #[test]
    fn the_announcement_names_the_node() {
        let id = NodeId([0xab; 32]);
        let info = service_info(&id, 7000).unwrap();
        assert_eq!(info.get_fullname(), format!("abababababababab.{SERVICE_TYPE}"));
        assert_eq!(info.get_port(), 7000);
        assert_eq!(info.get_property_val_str(TXT_ID), Some(id.to_hex().as_str()));
    }

    #[test]
    fn a_discovered_peer_needs_an_id_and_an_address() {
        let id = NodeId([7; 32]);
        let hex = id.to_hex();
        let v4 = IpAddr::V4(Ipv4Addr::new(192, 168, 1, 9));
        let v6 = IpAddr::V6(Ipv6Addr::LOCALHOST);
        let got = discovered(Some(&hex), [v6, v4].into_iter(), 7000).unwrap();
        assert_eq!(got, (id, SocketAddr::new(v4, 7000)));
        assert_eq!(discovered(None, [v4].into_iter(), 7000), None);
        assert_eq!(discovered(Some("zz"), [v4].into_iter(), 7000), None);
        assert_eq!(discovered(Some(&hex), std::iter::empty(), 7000), None);
    }
}
