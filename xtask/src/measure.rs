//! `cargo xtask measure-idle`: idle CPU and memory of the release binaries, 30 s each, read from /proc (Linux).
//!
//! Measures the headless node, the tray app with its embedded node (dashboard closed) and the dashboard window
//! connected to a node (once on each tab), each under Xvfb where it needs a display. Then the dashboard's start-up:
//! from spawning the process to its window titled "connected", which it sets in the frame that first shows the
//! node's live snapshot (polled with xdotool every 10 ms). Prints tables for the closing note.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::build::target_dir;
use crate::e2e::support::{Guard, RunningNode, dbus_session, fresh_dir, read_when_present, start_node, xvfb};

/// The dashboard's tabs, as its `--tab` option names them.
const TABS: [&str; 4] = ["health", "game", "resources", "alerts"];
const IDLE: Duration = Duration::from_secs(30);
const WARM_UP: Duration = Duration::from_secs(5);
/// Dashboard launches timed; the first one after the build is the coldest this machine allows (the page cache
/// cannot be dropped without root).
const START_RUNS: usize = 7;

/// CPU (percent of one core) and memory of one process over the idle window.
struct Reading {
    cpu_percent: f64,
    rss_mib_end: f64,
    rss_mib_max: f64,
}

pub fn run() -> anyhow::Result<()> {
    crate::build::all(true)?;
    let bin = target_dir()?.join("release");
    let (_xvfb, display) = xvfb()?;
    let (_dbus, bus) = dbus_session()?;

    let node_dir = fresh_dir("measure-node")?;
    let RunningNode { guard: mut node, api_url, token, node_id, .. } =
        start_node(&bin.join(crate::exe("bitcraps-node")), &node_dir, &node_dir.join("absent.toml"), |_| {})?;
    let headless = measure(node.child.id())?;

    // Each tab draws a different amount, and every frame is rasterised whole: one reading per tab.
    let prefs = fresh_dir("measure-dashboard-prefs")?;
    let mut windows = Vec::new();
    for tab in TABS {
        let mut dashboard = Guard::spawn(
            Command::new(bin.join(crate::exe("bitcraps-dashboard")))
                .args(["--connect", &api_url, "--tab", tab])
                .env("BITCRAPS_TOKEN", &token)
                .env("DISPLAY", &display)
                .env("XDG_DATA_HOME", &prefs)
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
            "bitcraps-dashboard",
        )?;
        windows.push((format!("bitcraps-dashboard (connected, {tab} tab)"), measure(dashboard.child.id())?));
        dashboard.child.kill()?;
        dashboard.child.wait()?;
    }
    let starts = (0..START_RUNS)
        .map(|_| start_up(&bin.join(crate::exe("bitcraps-dashboard")), &api_url, &token, &node_id, &display))
        .collect::<anyhow::Result<Vec<_>>>()?;
    node.child.kill()?;

    let home = fresh_dir("measure-desktop")?;
    let mut app = Guard::spawn(
        Command::new(bin.join(crate::exe("bitcraps")))
            .env("DISPLAY", &display)
            .env("DBUS_SESSION_BUS_ADDRESS", &bus)
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
        "bitcraps",
    )?;
    read_when_present(&home.join("data").join("bitcraps").join("api-url"), Duration::from_secs(30))?;
    let tray = measure(app.child.id())?;
    app.child.kill()?;

    println!("\nIdle for {} s after {} s warm-up (release builds):", IDLE.as_secs(), WARM_UP.as_secs());
    println!("{:<46} {:>8} {:>12} {:>12}", "process", "CPU %", "RSS end MiB", "RSS max MiB");
    let processes =
        [("bitcraps-node (headless)".to_owned(), headless), ("bitcraps (tray app + node)".to_owned(), tray)];
    for (name, r) in processes.iter().chain(&windows) {
        println!("{name:<46} {:>8.2} {:>12.1} {:>12.1}", r.cpu_percent, r.rss_mib_end, r.rss_mib_max);
    }
    let ms: Vec<String> = starts.iter().map(|d| format!("{:.0}", d.as_secs_f64() * 1000.0)).collect();
    let mut sorted = starts.clone();
    sorted.sort();
    println!(
        "\nDashboard start to first live frame, {START_RUNS} launches (ms, in order): {}; median {:.0} ms, max {:.0} ms",
        ms.join(", "),
        sorted[sorted.len() / 2].as_secs_f64() * 1000.0,
        sorted[sorted.len() - 1].as_secs_f64() * 1000.0,
    );
    Ok(())
}

/// Spawns the dashboard and returns how long it took until its window title says it shows the node live.
fn start_up(exe: &Path, api_url: &str, token: &str, node_id: &str, display: &str) -> anyhow::Result<Duration> {
    // xdotool's regex misses the title's non-ASCII separators; the id and "connected" identify it.
    let pattern = format!("{}.*connected", node_id.get(..16).context("short node id")?);
    let window_shown = || {
        Command::new("xdotool")
            .args(["search", "--name", &pattern])
            .env("DISPLAY", display)
            .output()
            .is_ok_and(|out| !out.stdout.trim_ascii().is_empty())
    };
    // The window of the previous launch must be gone, or it would be found at once.
    let gone = Instant::now();
    while window_shown() {
        anyhow::ensure!(gone.elapsed() < Duration::from_secs(10), "an earlier dashboard window stays open");
        std::thread::sleep(Duration::from_millis(50));
    }
    let started = Instant::now();
    let mut dashboard = Guard::spawn(
        Command::new(exe)
            .args(["--connect", api_url])
            .env("BITCRAPS_TOKEN", token)
            .env("DISPLAY", display)
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
        "bitcraps-dashboard",
    )?;
    loop {
        if window_shown() {
            let took = started.elapsed();
            dashboard.child.kill()?;
            dashboard.child.wait()?;
            return Ok(took);
        }
        anyhow::ensure!(started.elapsed() < Duration::from_secs(30), "the dashboard did not connect within 30 s");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn measure(pid: u32) -> anyhow::Result<Reading> {
    std::thread::sleep(WARM_UP);
    let proc_dir = Path::new("/proc").join(pid.to_string());
    let ticks_per_s = 100.0; // USER_HZ on Linux
    let start_ticks = cpu_ticks(&proc_dir)?;
    let started = Instant::now();
    let mut rss_max: f64 = 0.0;
    while started.elapsed() < IDLE {
        rss_max = rss_max.max(rss_mib(&proc_dir)?);
        std::thread::sleep(Duration::from_millis(500));
    }
    let ticks = cpu_ticks(&proc_dir)? - start_ticks;
    let cpu_percent = 100.0 * ticks / ticks_per_s / started.elapsed().as_secs_f64();
    let rss_end = rss_mib(&proc_dir)?;
    Ok(Reading { cpu_percent, rss_mib_end: rss_end, rss_mib_max: rss_max.max(rss_end) })
}

/// utime + stime of the process, in clock ticks.
fn cpu_ticks(proc_dir: &Path) -> anyhow::Result<f64> {
    let stat = std::fs::read_to_string(proc_dir.join("stat")).context("reading /proc/<pid>/stat")?;
    let after_name = stat.rsplit_once(')').map(|(_, rest)| rest).context("malformed stat")?;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // After the name: state is field 3, utime field 14, stime field 15 (1-based in proc(5)).
    let utime: f64 = fields.get(11).context("no utime")?.parse()?;
    let stime: f64 = fields.get(12).context("no stime")?.parse()?;
    Ok(utime + stime)
}

fn rss_mib(proc_dir: &Path) -> anyhow::Result<f64> {
    let status = std::fs::read_to_string(proc_dir.join("status"))?;
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .context("no VmRSS")?
        .parse()?;
    Ok(kib / 1024.0)
}
