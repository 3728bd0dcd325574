//! The Health tab's tiles: one per runbook speed target (peer discovery, connection set-up, message propagation,
//! consensus round, state sync, signature verification). Each shows the node's measured p95 with p50/p99 below,
//! the seed target, and a colour: within the target, above it, or no data yet.

use bitcraps_api::{LatencyQuantiles, Snapshot};
use egui::{Color32, RichText};

use crate::format;

/// Colour of a tile within its target.
const WITHIN: Color32 = Color32::from_rgb(0x2e, 0xa0, 0x43);
/// Colour of a tile above its target.
const ABOVE: Color32 = Color32::from_rgb(0xda, 0x36, 0x33);

/// How a measurement compares with its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TileStatus {
    /// The window holds no observation.
    NoData,
    /// p95 is below the target.
    Within,
    /// p95 is at or above the target.
    Above,
}

impl TileStatus {
    /// The word shown on the tile.
    pub fn label(self) -> &'static str {
        match self {
            Self::NoData => "no data yet",
            Self::Within => "within target",
            Self::Above => "above target",
        }
    }
}

/// One tile: a measured latency and its target.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tile {
    pub name: &'static str,
    pub quantiles: LatencyQuantiles,
    /// The runbook's seed target, in milliseconds.
    pub target_ms: f64,
}

impl Tile {
    /// p95 against the target.
    pub fn status(&self) -> TileStatus {
        if self.quantiles.count == 0 {
            TileStatus::NoData
        } else if self.quantiles.p95_ms < self.target_ms {
            TileStatus::Within
        } else {
            TileStatus::Above
        }
    }

    /// The target as the tile says it, e.g. `target < 500 ms`.
    pub fn target_text(&self) -> String {
        if self.target_ms >= 1000.0 {
            format!("target < {} s", self.target_ms / 1000.0)
        } else {
            format!("target < {} ms", self.target_ms)
        }
    }
}

/// The six tiles for `snapshot`, in runbook order, with the runbook's seed targets.
pub fn tiles(snapshot: &Snapshot) -> [Tile; 6] {
    let stats = &snapshot.net.stats;
    let tile = |name, quantiles, target_ms| Tile { name, quantiles, target_ms };
    [
        tile("Peer discovery", stats.discovery, 10_000.0),
        tile("Connection set-up", stats.connection_setup, 5_000.0),
        tile("Message propagation", stats.propagation, 500.0),
        tile("Consensus round", snapshot.game.consensus.round_latency, 2_000.0),
        tile("State sync", stats.state_sync, 200.0),
        tile("Signature verification", stats.signature_verify, 100.0),
    ]
}

/// Draws the tiles in a row that wraps on narrow windows.
pub fn show(ui: &mut egui::Ui, snapshot: &Snapshot) {
    ui.heading("Speed targets");
    ui.add_space(4.0);
    ui.horizontal_wrapped(|ui| {
        for tile in tiles(snapshot) {
            show_tile(ui, &tile);
        }
    });
}

fn show_tile(ui: &mut egui::Ui, tile: &Tile) {
    let status = tile.status();
    let colour = match status {
        TileStatus::NoData => ui.visuals().weak_text_color(),
        TileStatus::Within => WITHIN,
        TileStatus::Above => ABOVE,
    };
    egui::Frame::group(ui.style()).stroke(egui::Stroke::new(1.5, colour)).show(ui, |ui| {
        ui.set_width(150.0);
        ui.vertical(|ui| {
            ui.strong(tile.name);
            let q = &tile.quantiles;
            let p95 = if q.count == 0 { "—".to_owned() } else { format!("p95 {}", format::millis(q.p95_ms)) };
            let detail = if q.count == 0 {
                "no observations".to_owned()
            } else {
                format!("p50 {} · p99 {} · n {}", format::millis(q.p50_ms), format::millis(q.p99_ms), q.count)
            };
            let max =
                if q.count == 0 { "no observations".to_owned() } else { format!("max {}", format::millis(q.max_ms)) };
            ui.label(RichText::new(p95).size(18.0).color(colour)).on_hover_text(max);
            ui.small(detail);
            ui.small(tile.target_text());
            ui.label(RichText::new(status.label()).color(colour));
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p95_is_compared_with_the_target() {
        let q = |p95_ms, count| LatencyQuantiles { p95_ms, count, ..LatencyQuantiles::default() };
        let tile = |quantiles| Tile { name: "x", quantiles, target_ms: 500.0 };
        assert_eq!(tile(q(0.0, 0)).status(), TileStatus::NoData);
        assert_eq!(tile(q(499.0, 3)).status(), TileStatus::Within);
        assert_eq!(tile(q(500.0, 3)).status(), TileStatus::Above);
        assert_eq!(tile(q(0.0, 0)).target_text(), "target < 500 ms");
        assert_eq!(Tile { target_ms: 2_000.0, ..tile(q(0.0, 0)) }.target_text(), "target < 2 s");
    }
}
