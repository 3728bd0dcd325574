//! README screenshots of every dashboard panel: three headless nodes on loopback play a real table (one hosts, two
//! join, the dice roll until everyone's chips moved) with a memory alert rule lowered on the host so the Alerts panel
//! has a firing alert; then the native dashboard of the host opens on each tab (`--tab`) under Xvfb and the screen
//! goes to `target/screenshots/dashboard-<tab>.png`. Tests never write over committed files:
//! `cargo xtask screenshot --update-docs` copies the images into `docs/screenshots/`.

use std::process::{Command, Stdio};
use std::time::Duration;

use super::mesh::{Player, host_and_join, play_until_chips_move, start_peer, wait_linked};
use super::support::{Guard, LOWERED_MEMORY_RULE, RunningNode, binary, xvfb};
use super::x11;
use crate::process::workspace_root;

/// The tabs, by their `--tab` names.
const TABS: [&str; 4] = ["health", "game", "resources", "alerts"];

/// The Alerts panel shows a real firing alert: notifications off, the memory rule lowered.
const ALERTS: &str = "[alerts]\nnotifications = false\n";

pub fn run(update_docs: bool) -> anyhow::Result<()> {
    println!("e2e screenshot: every panel of a node at a live table, under Xvfb");
    let mut nodes: Vec<RunningNode> = Vec::new();
    let mut dirs = Vec::new();
    for i in 0..3 {
        let peers: Vec<String> = nodes.iter().map(|n| n.listen.clone()).collect();
        let extra = if i == 0 { format!("{ALERTS}{LOWERED_MEMORY_RULE}") } else { String::new() };
        let (dir, node) = start_peer(&format!("screenshot-node{i}"), &peers, &extra)?;
        nodes.push(node);
        dirs.push(dir);
    }
    let players: Vec<Player> = nodes.iter().enumerate().map(|(i, n)| Player::of(format!("node {i}"), n)).collect();
    wait_linked(&players, 2)?;
    let table_id = host_and_join(&players[0], &players[1..], 1_000)?;
    let rolls = play_until_chips_move(&players, &table_id)?;
    println!("e2e screenshot: table {table_id} played {rolls} rolls");

    let (_xvfb, display) = xvfb()?;
    let host_dir = &dirs[0];
    let pattern = format!("{}.*connected.*table", &players[0].node_id[..16]);
    let mut written = Vec::new();
    for tab in TABS {
        let mut dashboard = Guard::spawn(
            Command::new(binary("bitcraps-dashboard")?)
                .arg("--data-dir")
                .arg(host_dir)
                .args(["--tab", tab])
                .env("DISPLAY", &display)
                .env("XDG_DATA_HOME", host_dir.join("dashboard-state"))
                .stdout(Stdio::null()),
            "bitcraps-dashboard",
        )?;
        x11::window(
            &display,
            "the dashboard to connect and show the table",
            &pattern,
            Duration::from_secs(90),
            |_| true,
        )?;
        std::thread::sleep(Duration::from_secs(3)); // live samples and a roll or two
        let name = format!("dashboard-{tab}.png");
        written.push(x11::screenshot(&display, &name, Some("1100x760+0+0"))?);
        dashboard.child.kill()?;
        let _ = dashboard.child.wait();
        println!("e2e screenshot: {name}");
    }
    for mut node in nodes {
        node.guard.child.kill()?;
    }
    if update_docs {
        let docs = workspace_root().join("docs").join("screenshots");
        std::fs::create_dir_all(&docs)?;
        for path in &written {
            if let Some(name) = path.file_name() {
                std::fs::copy(path, docs.join(name))?;
            }
        }
        println!("e2e screenshot: copied {} images into {}", written.len(), docs.display());
    }
    println!("e2e screenshot: ok");
    Ok(())
}
