//! The Health tab's Peers section: the linked peers as a table sortable by any column (click a header; click it
//! again to reverse), then one line of mesh statistics. The sort is part of the persisted UI state ([`PeerSort`]).
//!
//! A pure view of [`NetSummary`]: durations are measured against the snapshot's clock (`node.now_ms`), never the
//! local one.

use std::cmp::Ordering;

use bitcraps_api::{NetStats, NetSummary, PeerSummary};
use serde::{Deserialize, Serialize};

use crate::format;

/// Shown when the node is on the mesh but no peer is linked.
pub const NO_PEERS: &str = "No peers linked";
/// Shown when the node runs with `net.enabled = false`.
pub const NOT_ON_MESH: &str = "Not on the mesh";

/// A column of the peers table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeerColumn {
    #[default]
    NodeId,
    Transport,
    Address,
    Direction,
    Rtt,
    Reputation,
    ConnectedFor,
    Bytes,
    Messages,
}

impl PeerColumn {
    /// Every column, left to right.
    pub const ALL: [Self; 9] = [
        Self::NodeId,
        Self::Transport,
        Self::Address,
        Self::Direction,
        Self::Rtt,
        Self::Reputation,
        Self::ConnectedFor,
        Self::Bytes,
        Self::Messages,
    ];

    /// The column's title.
    pub fn title(self) -> &'static str {
        match self {
            Self::NodeId => "Node id",
            Self::Transport => "Transport",
            Self::Address => "Address",
            Self::Direction => "Direction",
            Self::Rtt => "RTT",
            Self::Reputation => "Reputation",
            Self::ConnectedFor => "Connected for",
            Self::Bytes => "Bytes in / out",
            Self::Messages => "Messages in / out",
        }
    }

    /// Compares two peers by this column (ascending); ties fall back to the node id.
    pub fn compare(self, a: &PeerSummary, b: &PeerSummary) -> Ordering {
        let by = match self {
            Self::NodeId => Ordering::Equal,
            Self::Transport => a.transport.cmp(&b.transport),
            Self::Address => a.address.cmp(&b.address),
            Self::Direction => a.outbound.cmp(&b.outbound),
            Self::Rtt => a.rtt_ms.total_cmp(&b.rtt_ms),
            Self::Reputation => a.reputation.cmp(&b.reputation),
            // Ascending by the duration shown: the newest link first.
            Self::ConnectedFor => b.connected_since_ms.cmp(&a.connected_since_ms),
            Self::Bytes => (a.bytes_in + a.bytes_out).cmp(&(b.bytes_in + b.bytes_out)),
            Self::Messages => (a.messages_in + a.messages_out).cmp(&(b.messages_in + b.messages_out)),
        };
        by.then_with(|| a.node_id.cmp(&b.node_id))
    }
}

/// How the peers table is sorted (kept between runs with the other UI state).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PeerSort {
    pub column: PeerColumn,
    pub descending: bool,
}

impl PeerSort {
    /// A click on `column`'s header: sort by it ascending, or reverse it if it is the sort already.
    pub fn click(&mut self, column: PeerColumn) {
        if self.column == column {
            self.descending = !self.descending;
        } else {
            *self = Self { column, descending: false };
        }
    }

    /// `peers` in this order.
    pub fn sorted<'a>(&self, peers: &'a [PeerSummary]) -> Vec<&'a PeerSummary> {
        let mut rows: Vec<&PeerSummary> = peers.iter().collect();
        rows.sort_by(|a, b| {
            let order = self.column.compare(a, b);
            if self.descending { order.reverse() } else { order }
        });
        rows
    }

    /// Whether the table is sorted by `column`, and then whether descending.
    pub fn direction(&self, column: PeerColumn) -> Option<bool> {
        (self.column == column).then_some(self.descending)
    }
}

/// Draws the Peers section for `net` as of `now_ms`, sorted by `sort` (a header click changes it).
pub fn show(ui: &mut egui::Ui, net: &NetSummary, now_ms: u64, sort: &mut PeerSort) {
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
        let mut clicked = None;
        let grid = egui::Grid::new("peers_grid").num_columns(PeerColumn::ALL.len()).spacing([18.0, 4.0]).striped(true);
        grid.show(ui, |ui| {
            for column in PeerColumn::ALL {
                if header(ui, column, sort.direction(column)) {
                    clicked = Some(column);
                }
            }
            ui.end_row();
            for peer in sort.sorted(&net.peers) {
                peer_row(ui, peer, now_ms);
            }
        });
        if let Some(column) = clicked {
            sort.click(column);
        }
    }
    ui.add_space(4.0);
    ui.label(stats_line(&net.stats, net.banned.len()));
}

/// A column header: its title as a frameless button, with a triangle on the sorted column (painted: the default
/// fonts have no arrow glyphs). True when clicked.
fn header(ui: &mut egui::Ui, column: PeerColumn, direction: Option<bool>) -> bool {
    ui.horizontal(|ui| {
        ui.spacing_mut().item_spacing.x = 3.0;
        let button = egui::Button::new(egui::RichText::new(column.title()).strong()).frame(false);
        let clicked = ui.add(button).on_hover_text("Sort by this column").clicked();
        if let Some(descending) = direction {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(8.0, 8.0), egui::Sense::hover());
            let (c, h) = (rect.center(), 3.5);
            let points = if descending {
                vec![egui::pos2(c.x - h, c.y - h), egui::pos2(c.x + h, c.y - h), egui::pos2(c.x, c.y + h)]
            } else {
                vec![egui::pos2(c.x - h, c.y + h), egui::pos2(c.x + h, c.y + h), egui::pos2(c.x, c.y - h)]
            };
            let colour = ui.visuals().strong_text_color();
            ui.painter().add(egui::Shape::convex_polygon(points, colour, egui::Stroke::NONE));
        }
        clicked
    })
    .inner
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

#[cfg(test)]
mod tests {
    use super::*;

    fn peer(id: &str, rtt_ms: f64, since: u64) -> PeerSummary {
        PeerSummary { node_id: id.into(), rtt_ms, connected_since_ms: since, ..PeerSummary::default() }
    }

    #[test]
    fn a_header_click_sorts_by_its_column_and_a_second_reverses() {
        let peers = [peer("b", 3.0, 10), peer("a", 9.0, 30), peer("c", 1.0, 20)];
        let ids = |sort: &PeerSort| sort.sorted(&peers).iter().map(|p| p.node_id.clone()).collect::<String>();
        let mut sort = PeerSort::default();
        assert_eq!(ids(&sort), "abc");
        sort.click(PeerColumn::Rtt);
        assert_eq!((ids(&sort).as_str(), sort.direction(PeerColumn::Rtt)), ("cba", Some(false)));
        sort.click(PeerColumn::Rtt);
        assert_eq!((ids(&sort).as_str(), sort.direction(PeerColumn::Rtt)), ("abc", Some(true)));
        sort.click(PeerColumn::ConnectedFor);
        assert_eq!(ids(&sort), "acb", "ascending by the duration shown: newest link first");
        assert_eq!(sort.direction(PeerColumn::Rtt), None);
    }
}
