//! What the end-to-end tests share: temp dirs under target/, an X server, a D-Bus session, waiting, HTTP.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::build::target_dir;

/// A child process killed when dropped, so a failing test never leaves it behind.
pub struct Guard {
    pub child: Child,
    name: String,
}

impl Guard {
    pub fn spawn(cmd: &mut Command, name: &str) -> anyhow::Result<Self> {
        let child = cmd.spawn().with_context(|| format!("starting {name}"))?;
        Ok(Self { child, name: name.to_owned() })
    }

    /// Waits up to `limit` for the process to exit by itself.
    pub fn wait_exit(&mut self, limit: Duration) -> anyhow::Result<std::process::ExitStatus> {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait()? {
                return Ok(status);
            }
            if started.elapsed() > limit {
                bail!("{} did not exit within {limit:?}", self.name);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A fresh directory `target/e2e/<name>`.
pub fn fresh_dir(name: &str) -> anyhow::Result<PathBuf> {
    let dir = target_dir()?.join("e2e").join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// `target/screenshots/<name>`; tests write screenshots only there, never over committed files.
pub fn screenshot_path(name: &str) -> anyhow::Result<PathBuf> {
    let dir = target_dir()?.join("screenshots");
    std::fs::create_dir_all(&dir)?;
    Ok(dir.join(name))
}

/// The debug binary `name`.
pub fn binary(name: &str) -> anyhow::Result<PathBuf> {
    let path = target_dir()?.join("debug").join(crate::exe(name));
    anyhow::ensure!(path.is_file(), "{} is not built (run `cargo xtask build`)", path.display());
    Ok(path)
}

/// Polls `probe` every 100 ms until it yields a value, for at most `limit`.
pub fn wait_for<T>(what: &str, limit: Duration, mut probe: impl FnMut() -> Option<T>) -> anyhow::Result<T> {
    let started = Instant::now();
    loop {
        if let Some(value) = probe() {
            return Ok(value);
        }
        if started.elapsed() > limit {
            bail!("timed out after {limit:?} waiting for {what}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// An Xvfb server on a free display number.
pub fn xvfb() -> anyhow::Result<(Guard, String)> {
    let mut guard = Guard::spawn(
        Command::new("Xvfb")
            // -noreset: without it the server resets when its last client leaves, and a window opened during
            // the reset fails to connect (tests open one dashboard after another).
            .args(["-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp", "-noreset"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null()),
        "Xvfb",
    )?;
    let stdout = guard.child.stdout.take().context("Xvfb stdout")?;
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    let display = format!(":{}", line.trim());
    anyhow::ensure!(display.len() > 1, "Xvfb did not report a display");
    Ok((guard, display))
}

/// A private D-Bus session bus; returns its address for `DBUS_SESSION_BUS_ADDRESS`.
pub fn dbus_session() -> anyhow::Result<(Guard, String)> {
    let mut guard = Guard::spawn(
        Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null()),
        "dbus-daemon",
    )?;
    let stdout = guard.child.stdout.take().context("dbus-daemon stdout")?;
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    anyhow::ensure!(line.contains('='), "dbus-daemon printed no address: {line:?}");
    Ok((guard, line.trim().to_owned()))
}

/// `GET url` with the bearer token; returns (status, body).
pub fn http_get(url: &str, token: Option<&str>) -> anyhow::Result<(u16, String)> {
    let mut request = agent().get(url);
    if let Some(token) = token {
        request = request.header("Authorization", &format!("Bearer {token}"));
    }
    let mut response = request.call()?;
    Ok((response.status().as_u16(), response.body_mut().read_to_string()?))
}

/// POSTs a JSON `body` with the bearer `token`: (HTTP status, body).
pub fn http_post(url: &str, token: &str, body: &str) -> anyhow::Result<(u16, String)> {
    let mut response = agent()
        .post(url)
        .header("Authorization", &format!("Bearer {token}"))
        .content_type("application/json")
        .send(body)?;
    Ok((response.status().as_u16(), response.body_mut().read_to_string()?))
}

/// An HTTP client that returns error statuses as answers and gives up after 10 s.
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into()
}

/// A `memory_high` rule that fires on any node (over 1 MB of RSS for 0.4 s): config text for a real firing alert.
pub const LOWERED_MEMORY_RULE: &str = r#"
[[alerts.rules]]
name = "memory_high"
metric = "process_rss_bytes"
description = "Node memory (RSS) high"
warning = 1000000.0
for_ms = 400
"#;

/// The node's snapshot as JSON.
pub fn snapshot(api_url: &str, token: &str) -> anyhow::Result<serde_json::Value> {
    let (status, body) = http_get(&format!("{api_url}/api/v1/snapshot"), Some(token))?;
    anyhow::ensure!(status == 200, "snapshot answered {status}: {body}");
    Ok(serde_json::from_str(&body)?)
}

/// Reads a file the node writes into its data dir, once it exists.
pub fn read_when_present(path: &Path, limit: Duration) -> anyhow::Result<String> {
    wait_for(&format!("{}", path.display()), limit, || {
        std::fs::read_to_string(path).ok().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
    })
}

/// A headless node process and how to reach its API.
pub struct RunningNode {
    pub guard: Guard,
    pub api_url: String,
    pub token: String,
    pub node_id: String,
    /// Where its mesh transport listens (`host:port`; empty with the mesh off).
    pub listen: String,
}

/// Starts `exe` (a `bitcraps-node`) on `data_dir` with the config file `config` (which need not exist), with
/// `env` applied to its command, and waits until it serves. Its logs stay in `<data_dir>/logs`.
pub fn start_node(
    exe: &Path,
    data_dir: &Path,
    config: &Path,
    env: impl FnOnce(&mut Command),
) -> anyhow::Result<RunningNode> {
    let mut cmd = Command::new(exe);
    cmd.arg("--data-dir").arg(data_dir).arg("--config").arg(config).stdout(Stdio::null()).stderr(Stdio::null());
    env(&mut cmd);
    let guard = Guard::spawn(&mut cmd, "bitcraps-node")?;
    let api_url = read_when_present(&data_dir.join("api-url"), Duration::from_secs(60))?;
    let token = read_when_present(&data_dir.join("api-token"), Duration::from_secs(5))?;
    let snapshot = snapshot(&api_url, &token)?;
    let node_id = snapshot["node"]["node_id"].as_str().context("node id")?.to_owned();
    let listen = snapshot["net"]["listen_addr"].as_str().unwrap_or_default().to_owned();
    Ok(RunningNode { guard, api_url, token, node_id, listen })
}
