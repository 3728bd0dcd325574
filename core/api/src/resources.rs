//! One measurement of the node's resource use, as sampled by the node's resource sampler.

use serde::{Deserialize, Serialize};

/// Resource use at one instant. Rates are averaged over the interval since the previous sample.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(default)]
pub struct ResourceSample {
    /// Unix time of the sample, in milliseconds.
    pub at_ms: u64,
    /// CPU used by the node process, in percent of one core (may exceed 100 on several cores).
    pub process_cpu_percent: f32,
    /// Resident set size of the node process, in bytes.
    pub rss_bytes: u64,
    /// Threads of the node process (`None` where the platform does not report it).
    pub threads: Option<u32>,
    /// Open file descriptors / handles of the node process (`None` where the platform does not report it).
    pub open_fds: Option<u32>,
    /// Bytes per second the process read from disk.
    pub disk_read_bytes_per_s: f64,
    /// Bytes per second the process wrote to disk.
    pub disk_write_bytes_per_s: f64,
    /// Bytes per second received over all network interfaces of the machine.
    pub net_rx_bytes_per_s: f64,
    /// Bytes per second sent over all network interfaces of the machine.
    pub net_tx_bytes_per_s: f64,
    /// CPU use of the whole machine, in percent of all cores.
    pub system_cpu_percent: f32,
    /// Memory in use on the machine, in bytes.
    pub system_memory_used_bytes: u64,
    /// Memory installed on the machine, in bytes.
    pub system_memory_total_bytes: u64,
    /// Size of the node's SQLite database including its WAL, in bytes.
    pub db_size_bytes: u64,
    /// p95 of the node's SQLite write latency over the sliding window (30-60 s) ending at this sample, in
    /// milliseconds (`None` when the window holds no write, or from an older node).
    pub db_write_p95_ms: Option<f64>,
}
