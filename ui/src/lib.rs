//! The BitCraps Node dashboard: an egui view of the node's control API.
//!
//! The same crate runs natively (eframe, the `bitcraps-dashboard` binary) and as wasm in a browser. It never
//! touches tokio, SQLite or radios: it reads the node's snapshot and event stream over one WebSocket
//! ([`connection`]) into plain data ([`state`]) and draws that data ([`app`] and one module per tab). The Resources
//! tab's 1-hour view also reads the stored history from the range endpoint ([`resources::history_loader`]).
//!
//! Architecture invariant: the views are pure functions of [`state::DashboardState`], so every tab is tested with
//! `egui_kittest` from recorded snapshots, without a network.

// One folder per tab; a tab imports only the shared modules below, never another tab.
pub mod alerts;
pub mod game;
pub mod health;
pub mod resources;

// The tab bar and the window: the one module that imports the tabs.
pub mod app;

// Shared by the tabs and the app: they import no tab.
pub mod command_result;
pub mod connection;
pub mod format;
pub mod latency_history;
pub mod plot_axes;
pub mod plot_frame;
pub mod state;
pub mod stored_history;

#[cfg(not(target_arch = "wasm32"))]
pub mod native;
#[cfg(target_arch = "wasm32")]
pub mod web;

pub use app::{Dashboard, DashboardApp, Tab, UiPrefs};
pub use connection::ConnectConfig;
pub use state::{ConnectionStatus, DashboardState};

/// Id of the HTML canvas the web build draws into.
pub const CANVAS_ID: &str = "bitcraps_canvas";
