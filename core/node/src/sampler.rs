//! The resource sampler: measures the node process and the machine with `sysinfo` at a fixed interval.

use std::time::Instant;

use bitcraps_api::ResourceSample;
use sysinfo::{Networks, Pid, ProcessRefreshKind, ProcessesToUpdate, System};

/// Measures resource use; each call to [`Sampler::sample`] reports rates since the previous call.
pub struct Sampler {
    system: System,
    networks: Networks,
    pid: Pid,
    last: Instant,
}

impl std::fmt::Debug for Sampler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sampler").field("pid", &self.pid).finish_non_exhaustive()
    }
}

/// The platform gave sysinfo nothing to work with.
#[derive(Debug, thiserror::Error)]
#[error("resource sampler unavailable: {0}")]
pub struct SamplerError(String);

impl Sampler {
    /// A sampler for the current process, primed so that the first sample has meaningful rates.
    pub fn new() -> Result<Self, SamplerError> {
        let pid = sysinfo::get_current_pid().map_err(|e| SamplerError(e.to_string()))?;
        let system = System::new().map_err(|e| SamplerError(e.to_string()))?;
        let networks = Networks::new_with_refreshed_list().map_err(|e| SamplerError(e.to_string()))?;
        let mut sampler = Self { system, networks, pid, last: Instant::now() };
        sampler.refresh();
        Ok(sampler)
    }

    fn refresh(&mut self) {
        self.system.refresh_processes_specifics(
            ProcessesToUpdate::Some(&[self.pid]),
            false,
            ProcessRefreshKind::nothing().with_memory().with_cpu().with_disk_usage().with_tasks(),
        );
        self.system.refresh_cpu_usage();
        self.system.refresh_memory();
        self.networks.refresh(true);
    }

    /// Takes one sample stamped `at_ms`; `db_size_bytes` is measured by the caller, who owns the database.
    pub fn sample(&mut self, at_ms: u64, db_size_bytes: u64) -> ResourceSample {
        self.refresh();
        let now = Instant::now();
        let seconds = now.duration_since(self.last).as_secs_f64().max(1e-3);
        self.last = now;
        let (rx, tx) = self
            .networks
            .iter()
            .fold((0u64, 0u64), |(rx, tx), (_, data)| (rx + data.received(), tx + data.transmitted()));
        let mut sample = ResourceSample {
            at_ms,
            net_rx_bytes_per_s: rx as f64 / seconds,
            net_tx_bytes_per_s: tx as f64 / seconds,
            system_cpu_percent: self.system.global_cpu_usage(),
            system_memory_used_bytes: self.system.used_memory(),
            system_memory_total_bytes: self.system.total_memory(),
            db_size_bytes,
            ..ResourceSample::default()
        };
        if let Some(process) = self.system.process(self.pid) {
            let disk = process.disk_usage();
            sample.process_cpu_percent = process.cpu_usage();
            sample.rss_bytes = process.memory();
            sample.threads = process.tasks().and_then(|t| u32::try_from(t.len()).ok());
            sample.open_fds = process.open_files().and_then(|n| u32::try_from(n).ok());
            sample.disk_read_bytes_per_s = disk.read_bytes as f64 / seconds;
            sample.disk_write_bytes_per_s = disk.written_bytes as f64 / seconds;
        }
        sample
    }
}
