//! The node on the mesh: transports, the flooding mesh above them, and the statistics of both.
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
//! - [`start`]: wires transport, mesh and the table protocol together at node start.

pub mod lan;
pub mod mesh;
pub mod metrics;
pub mod start;
pub mod transport;
