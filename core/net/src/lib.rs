//! The node on the mesh: transports, the flooding mesh above them, and the statistics of both.
//!
//! **Rule:** `bitcraps-net` moves signed messages and knows nothing of what they mean: no SQLite (rusqlite), no
//! rules engine, no ledger, no table protocol. It depends on the wire format, the API's DTOs (for its
//! statistics) and the libraries of its transports. The BLE transport will live here beside the LAN one.
//!
//! ```text
//!  LAN (TCP + Noise XX, mDNS)  ─┐                         ┌─► consensus (table protocol): Delivery
//!  BLE (later)                 ─┴─► TransportEvent ─► mesh ┤
//!                                  ◄── LinkHandle ───────  └─◄ MeshHandle: broadcast / send / ban
//! ```
//!
//! - [`transport`]: the [`transport::Transport`] trait, link events and handles, the ban list.
//! - [`lan`]: the LAN transport.
//! - [`mesh`]: decode, verify, de-duplicate, rate-limit, score and flood messages; deliver new ones.
//! - [`metrics`]: the mesh's histograms and counters (Prometheus and the snapshot).
//! - [`config`]: the `[net]` config section.
//! - [`window`]: sliding-window latency histograms (HDR), shared with the node's golden signals.

mod clock;
pub mod config;
pub mod lan;
pub mod mesh;
pub mod metrics;
pub mod transport;
pub mod window;

pub use clock::now_ms;
pub use config::{NetConfig, StaticPeer};
