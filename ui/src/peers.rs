//! The Health tab's Peers section: the linked peers as a table, then one line of mesh statistics.
//!
//! A pure view of [`NetSummary`]: durations are measured against the snapshot's clock (`node.now_ms`), never the
//! local one.

use bitcraps_api::{NetStats, NetSummary, PeerSummary};

use crate::format;

/// Shown when the node is on the mesh but no peer is linked.
pub const NO_PEERS: &str = "No peers linked";
/// Shown when the node runs with `net.enabled = false`.
pub const NOT_ON_MESH: &str = "Not on the mesh";

/// Column titles of the peers table.
const COLUMNS: [&str; 9] = [
    "Node id",
    "Transport",
    "Address",
    "Direction",
    "RTT",
    "Reputation",
    "Connected for",
    "Bytes in / out",
    "Messages in / out",
];

/// Draws the Peers section for `net` as of `now_ms`.
pub fn show(ui: &mut egui::Ui, net: &NetSummary, now_ms: u64) {
    ui.heading("Peers");
    ui.add_space(4.0);
    if !net.enabled {
        ui.label(NOT_ON_MESH);
        return;
    }
    if !net.listen_addr.is_empty() {
        ui.label(format!("Listening on {}", net.listen_addr));
    }
    if net.peers.is_empty() {
        ui.label(NO_PEERS);
    } else {
        egui::Grid::new("peers_grid").num_columns(COLUMNS.len()).spacing([18.0, 4.0]).striped(true).show(ui, |ui| {
            for title in COLUMNS {
                ui.strong(title);
            }
            ui.end_row();
            for peer in &net.peers {
                peer_row(ui, peer, now_ms);
            }
        });
    }
    ui.add_space(4.0);
    ui.label(stats_line(&net.stats, net.banned.len()));
}

fn peer_row(ui: &mut egui::Ui, peer: &PeerSummary, now_ms: u64) {
    ui.label(format::short_id(&peer.node_id)).on_hover_text(&peer.node_id);
    ui.label(&peer.transport);
    ui.label(&peer.address);
    ui.label(if peer.outbound { "out" } else { "in" });
    ui.label(if peer.rtt_ms > 0.0 { format::millis(peer.rtt_ms) } else { "—".to_owned() });
    ui.label(peer.reputation.to_string());
    ui.label(format::duration_ms(now_ms.saturating_sub(peer.connected_since_ms)));
    ui.label(format!("{} / {}", format::bytes(peer.bytes_in), format::bytes(peer.bytes_out)));
    ui.label(format!("{} / {}", peer.messages_in, peer.messages_out));
    ui.end_row();
}

/// The mesh statistics as one line of text.
pub fn stats_line(stats: &NetStats, banned: usize) -> String {
    let dropped = if stats.dropped.is_empty() {
        "none".to_owned()
    } else {
        let parts: Vec<String> = stats.dropped.iter().map(|d| format!("{} {}", d.reason, d.count)).collect();
        parts.join(", ")
    };
    let p95 = |q: &bitcraps_api::LatencyQuantiles| {
        if q.count == 0 { "no data".to_owned() } else { format::millis(q.p95_ms) }
    };
    format!(
        "Messages/s in {:.1} / out {:.1} · relayed {} · duplicates {} · dropped: {dropped} · propagation p50/p95/p99 {} \
         · per-hop p95 {} · signature verify p95 {} · banned {banned}",
        stats.messages_in_per_sec,
        stats.messages_out_per_sec,
        stats.relayed,
        stats.duplicates,
        format::quantiles(&stats.propagation),
        p95(&stats.per_hop),
        p95(&stats.signature_verify),
    )
}
