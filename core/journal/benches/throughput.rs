//! The journal benchmark, per backend available here (a custom harness: `cargo bench -p bitcraps-journal`).
//!
//! - Throughput: 100 000 records of 256 bytes, synced every 1 000 records (the time limit set out of reach), all
//!   appended concurrently from tokio tasks; records/s and the process's CPU time (user + system, getrusage).
//! - Latency: the default durability policy (1 000 records or 2 ms), 16 appenders each appending in a loop; the
//!   p50/p99/max time from `append` to its acknowledgement (hdrhistogram).
//!
//! Files go under the target dir (a real disk, not tmpfs, so syncs cost what they cost). `JOURNAL_BENCH_ROUNDS`
//! sets the rounds per backend (default 3; the median is reported).
// A benchmark fails loudly on any error.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use bitcraps_journal::{BackendChoice, Durability, Journal, JournalConfig};
use hdrhistogram::Histogram;

const RECORDS: usize = 100_000;
const RECORD_BYTES: usize = 256;
const SYNC_EVERY: u32 = 1_000;
const LATENCY_APPENDERS: usize = 16;
const LATENCY_EACH: usize = 2_000;

struct Throughput {
    records_per_s: f64,
    cpu: Duration,
}

fn main() {
    let rounds: usize = std::env::var("JOURNAL_BENCH_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(3);
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let backends = bitcraps_journal::available_backends();
    let mut results: Vec<(String, Vec<Throughput>)> = Vec::new();
    for backend in &backends {
        results.push((describe(*backend, &runtime), Vec::new()));
    }
    for _ in 0..rounds {
        for (i, backend) in backends.iter().enumerate() {
            results[i].1.push(runtime.block_on(throughput(*backend)));
        }
    }
    println!("throughput: {RECORDS} records x {RECORD_BYTES} B, fdatasync every {SYNC_EVERY}, median of {rounds}");
    let mut std_median = None;
    for (name, mut runs) in results {
        runs.sort_by(|a, b| a.records_per_s.total_cmp(&b.records_per_s));
        let median = &runs[runs.len() / 2];
        let (rate, cpu) = (median.records_per_s, median.cpu);
        let base = *std_median.get_or_insert((rate, cpu));
        println!(
            "  {name:<28} {rate:>10.0} records/s  cpu {:>6.1} ms  ({:.2}x std throughput, {:.2}x std cpu)",
            cpu.as_secs_f64() * 1e3,
            rate / base.0,
            cpu.as_secs_f64() / base.1.as_secs_f64().max(1e-9),
        );
    }
    println!("ack latency, default policy, {LATENCY_APPENDERS} appenders x {LATENCY_EACH}:");
    for backend in &backends {
        let hist = runtime.block_on(latency(*backend));
        println!(
            "  {:<28} p50 {:>7.0} us  p99 {:>7.0} us  max {:>7.0} us",
            describe(*backend, &runtime),
            hist.value_at_quantile(0.5) as f64,
            hist.value_at_quantile(0.99) as f64,
            hist.max() as f64,
        );
    }
}

fn bench_dir() -> tempfile::TempDir {
    tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap()
}

fn describe(backend: BackendChoice, runtime: &tokio::runtime::Runtime) -> String {
    let dir = bench_dir();
    let mut config = JournalConfig::new(dir.path());
    config.backend = backend;
    let journal = Journal::open(config).unwrap();
    let name = format!("{backend:?} ({})", journal.backend().kind);
    runtime.block_on(journal.close()).unwrap();
    name
}

async fn throughput(backend: BackendChoice) -> Throughput {
    let dir = bench_dir();
    let mut config = JournalConfig::new(dir.path());
    config.backend = backend;
    config.durability = Durability { every_records: SYNC_EVERY, every: Duration::from_secs(10) };
    let journal = Journal::open(config).unwrap();
    let cpu_before = cpu_time();
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..RECORDS {
        let appender = journal.appender();
        tasks.spawn(async move { appender.append(record(i)).await.unwrap() });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
    let elapsed = started.elapsed();
    let cpu = cpu_time().saturating_sub(cpu_before);
    journal.close().await.unwrap();
    Throughput { records_per_s: RECORDS as f64 / elapsed.as_secs_f64(), cpu }
}

async fn latency(backend: BackendChoice) -> Histogram<u64> {
    let dir = bench_dir();
    let mut config = JournalConfig::new(dir.path());
    config.backend = backend;
    let journal = Journal::open(config).unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for t in 0..LATENCY_APPENDERS {
        let appender = journal.appender();
        tasks.spawn(async move {
            let mut hist = Histogram::<u64>::new(3).unwrap();
            for i in 0..LATENCY_EACH {
                let started = Instant::now();
                appender.append(record(t * LATENCY_EACH + i)).await.unwrap();
                hist.record(started.elapsed().as_micros() as u64).unwrap();
            }
            hist
        });
    }
    let mut total = Histogram::<u64>::new(3).unwrap();
    while let Some(hist) = tasks.join_next().await {
        total.add(hist.unwrap()).unwrap();
    }
    journal.close().await.unwrap();
    total
}

fn record(i: usize) -> Vec<u8> {
    let mut payload = vec![(i % 251) as u8; RECORD_BYTES];
    payload[..8].copy_from_slice(&(i as u64).to_le_bytes());
    payload
}

/// User + system CPU time of this process so far.
#[cfg(unix)]
fn cpu_time() -> Duration {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes one `rusage` into the pointer it is given, which points at a zeroed local of
    // exactly that type; RUSAGE_SELF is a valid `who`.
    #[allow(unsafe_code)]
    let usage = unsafe {
        if libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()) != 0 {
            return Duration::ZERO;
        }
        usage.assume_init()
    };
    let micros = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
    Duration::from_micros(micros(usage.ru_utime) + micros(usage.ru_stime))
}

/// CPU time is not measured on this platform.
#[cfg(not(unix))]
fn cpu_time() -> Duration {
    Duration::ZERO
}
