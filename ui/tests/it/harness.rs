//! The one place tests build an `egui_kittest` harness, and load fixtures.

use std::path::PathBuf;

use bitcraps_api::Snapshot;
use bitcraps_ui::{Dashboard, DashboardState};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

/// Window size of every harness (and so of every image snapshot).
pub const SIZE: [f32; 2] = [1100.0, 760.0];

/// Path of a file under `tests/fixtures/`.
pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// A snapshot read from `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> Snapshot {
    let path = fixture_path(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A dashboard showing `state`, rendered by wgpu (a software Vulkan driver on CI) so it can take image snapshots.
pub fn harness(state: DashboardState) -> Harness<'static, Dashboard> {
    let mut harness = Harness::builder()
        .with_size(SIZE)
        .wgpu()
        .build_ui_state(|ui, dashboard: &mut Dashboard| dashboard.show(ui), Dashboard::new(state));
    harness.run();
    harness
}

/// A dashboard showing the fixture `name` on an open connection.
pub fn harness_for(name: &str) -> Harness<'static, Dashboard> {
    harness(DashboardState::from_snapshot(fixture(name)))
}

/// Clicks the tab labelled `label` and lets the UI settle.
pub fn open_tab(harness: &mut Harness<'_, Dashboard>, label: &str) {
    harness.get_by_label(label).click();
    harness.run();
    // Take the pointer away so image snapshots show no cursor or hover highlight.
    harness.remove_cursor();
    harness.run();
}

/// A dashboard showing `state` at `pixels_per_point` (2.0: a 200 % display), in a window of the same physical size
/// as [`harness`]'s, so the view gets `1 / pixels_per_point` of the room.
pub fn harness_scaled(state: DashboardState, pixels_per_point: f32) -> Harness<'static, Dashboard> {
    let mut harness = Harness::builder()
        .with_size([SIZE[0] / pixels_per_point, SIZE[1] / pixels_per_point])
        .with_pixels_per_point(pixels_per_point)
        .wgpu()
        .build_ui_state(|ui, dashboard: &mut Dashboard| dashboard.show(ui), Dashboard::new(state));
    harness.run();
    harness
}
