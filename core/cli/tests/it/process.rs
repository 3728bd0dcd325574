//! The headless binary as a real process: one node per data dir, clean and fast shutdown on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn spawn_node(data_dir: &std::path::Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_bitcraps-node"))
        .arg("--data-dir")
        .arg(data_dir)
        .arg("--config")
        .arg(data_dir.join("absent-config.toml"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bitcraps-node starts")
}

/// Waits for the "Dashboard:" line on stdout, which the node prints once it serves.
fn wait_until_serving(child: &mut Child) -> String {
    let stdout = child.stdout.take().unwrap();
    BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find(|line| line.starts_with("Dashboard: "))
        .expect("the node prints its dashboard URL")
}

#[test]
fn a_second_node_on_the_same_data_dir_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut first = spawn_node(dir.path());
    wait_until_serving(&mut first);
    let second = spawn_node(dir.path()).wait_with_output().unwrap();
    assert!(!second.status.success());
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(stderr.contains("in use by another bitcraps node"), "{stderr}");
    assert!(stderr.contains(&first.id().to_string()), "names the holder's pid: {stderr}");
    first.kill().unwrap();
    first.wait().unwrap();
}

#[cfg(unix)]
#[test]
fn sigterm_stops_the_node_within_two_seconds_with_an_intact_database() {
    let dir = tempfile::tempdir().unwrap();
    let mut node = spawn_node(dir.path());
    let url = wait_until_serving(&mut node);
    assert!(url.contains("#token="), "{url}");
    std::thread::sleep(Duration::from_millis(1500)); // let it write a sample or two
    let started = Instant::now();
    let status = Command::new("kill").arg("-TERM").arg(node.id().to_string()).status().unwrap();
    assert!(status.success());
    let exit = node.wait().unwrap();
    let took = started.elapsed();
    assert!(exit.success(), "exit status {exit:?}");
    assert!(took < Duration::from_secs(2), "shutdown took {took:?}");
    assert!(!dir.path().join("api-url").exists(), "api-url removed on a clean stop");
    let db = rusqlite::Connection::open(dir.path().join("bitcraps.sqlite3")).unwrap();
    let check: String = db.query_row("PRAGMA integrity_check", [], |row| row.get(0)).unwrap();
    assert_eq!(check, "ok");
    let samples: i64 = db.query_row("SELECT count(*) FROM resource_samples", [], |row| row.get(0)).unwrap();
    assert!(samples >= 1, "samples were stored");
}
