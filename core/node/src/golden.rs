//! Golden signals of the node itself: latency windows ([`LatencyWindow`], from `bitcraps-net`) for API requests,
//! database writes and event publication, with their error counts.

use bitcraps_net::window::LatencyWindow;

/// The node's golden signals.
#[derive(Debug, Default)]
pub struct GoldenSignals {
    /// Control API request latency; errors are 5xx answers.
    pub api: LatencyWindow,
    /// Latency of resource-sample inserts into SQLite.
    pub db_write: LatencyWindow,
    /// Latency of publishing one event.
    pub event_publish: LatencyWindow,
}
