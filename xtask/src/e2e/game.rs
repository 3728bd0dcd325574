//! The whole game end to end: the desktop app `bitcraps` under Xvfb with the mesh on loopback (fixed listen port,
//! no mDNS) and two headless `bitcraps-node`s peered to it. The desktop app's embedded node hosts a table through
//! its control API (the `api-url` / `api-token` files in its data dir), the two nodes join, all three bet (pass
//! line, then the field every round) and the dice roll until every player's chips moved. Then the desktop dashboard
//! (opened by a second launch) must show the table and the node's chips in its window title, and a headless-Chromium
//! dashboard of one headless node must show that node's chips in the page title; both are screenshot on the Game
//! tab.

use std::time::Duration;

use anyhow::{Context, bail};

use super::browser::Browser;
use super::desktop_app::DesktopSession;
use super::mesh::{
    BUY_IN, Player, free_port, host_and_join, mesh_config, play_until_chips_move, start_peer, wait_linked,
};
use super::support::{RunningNode, read_when_present, snapshot};
use super::x11;

/// Betting time between rolls: short, so a few rolls fit in the test.
const ROLL_INTERVAL_MS: u32 = 1_000;

pub fn run() -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    println!("e2e game: the desktop app hosts a table, two headless nodes join, dice roll, chips move");
    let session = DesktopSession::new("game-desktop-home")?;
    let mesh_port = free_port()?;
    let desktop_listen = format!("127.0.0.1:{mesh_port}");
    session.write_config(&mesh_config(&desktop_listen, &[]))?;
    let mut app = session.start()?;
    let data_dir = session.data_dir();
    let api_url = read_when_present(&data_dir.join("api-url"), Duration::from_secs(60))?;
    let token = read_when_present(&data_dir.join("api-token"), Duration::from_secs(5))?;
    let node_id = snapshot(&api_url, &token)?["node"]["node_id"].as_str().context("node id")?.to_owned();
    let desktop = Player { name: "the desktop app".into(), api_url, token, node_id };

    let mut nodes: Vec<RunningNode> = Vec::new();
    for i in 1..=2 {
        let mut peers = vec![desktop_listen.clone()];
        peers.extend(nodes.iter().map(|n| n.listen.clone()));
        nodes.push(start_peer(&format!("game-node{i}"), &peers, "")?.1);
    }
    let headless: Vec<Player> =
        nodes.iter().enumerate().map(|(i, n)| Player::of(format!("headless node {}", i + 1), n)).collect();
    let everyone: Vec<Player> = std::iter::once(desktop.clone()).chain(headless.iter().cloned()).collect();
    wait_linked(&everyone, 2)?;
    println!("e2e game: three nodes linked on loopback ({:.0} s)", started.elapsed().as_secs_f64());

    let table_id = host_and_join(&desktop, &headless, ROLL_INTERVAL_MS)?;
    let rolls = play_until_chips_move(&everyone, &table_id)?;
    let short_table = &table_id[..16];
    println!("e2e game: table {table_id}: {rolls} rolls, chips moved ({:.0} s)", started.elapsed().as_secs_f64());

    // The desktop dashboard: its window title carries the table and the node's chips, as the node reports them.
    session.second_launch("--open-dashboard")?;
    let pattern = format!("{}.*table {short_table}", &desktop.node_id[..16]);
    let (window, title) = x11::window(
        &session.display,
        "the desktop dashboard's title to show the table and the node's chips",
        &pattern,
        Duration::from_secs(90),
        |title| title_chips(title, short_table).is_some_and(|c| c != BUY_IN && desktop.chips(&table_id) == Some(c)),
    )?;
    check_moved(&title, short_table)?;
    println!("e2e game: desktop dashboard window {window} titled {title:?}");
    x11::press(&session.display, &window, "ctrl+2")?;
    std::thread::sleep(Duration::from_secs(3));
    let path = x11::screenshot(&session.display, "game-desktop.png", None)?;
    println!("e2e game: screenshot {}", path.display());

    // A headless node's dashboard in headless Chromium: the page title carries that node's chips.
    let player = &headless[0];
    let browser = Browser::start()?;
    browser.open(&format!("{}/#token={}", player.api_url, player.token))?;
    let title = browser.wait_title(
        "the browser dashboard's title to show the table and the node's chips",
        Duration::from_secs(90),
        |title| title_chips(title, short_table).is_some_and(|c| c != BUY_IN && player.chips(&table_id) == Some(c)),
    )?;
    check_moved(&title, short_table)?;
    println!("e2e game: browser dashboard of {} titled {title:?}", player.name);
    browser.ctrl_key(4, 4, "2")?;
    std::thread::sleep(Duration::from_secs(3));
    let path = browser.screenshot("game-browser.png")?;
    println!("e2e game: screenshot {}", path.display());
    drop(browser);

    session.second_launch("--quit")?;
    let status = app.wait_exit(Duration::from_secs(15))?;
    if !status.success() {
        bail!("the desktop app exited with {status}");
    }
    for mut node in nodes {
        node.guard.child.kill()?;
    }
    println!("e2e game: ok in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// The chips in a dashboard title `… · table <short id> · <chips> chips`, if it shows that table.
fn title_chips(title: &str, short_table: &str) -> Option<u64> {
    let rest = title.split_once(&format!(" · table {short_table} · "))?.1;
    rest.strip_suffix(" chips")?.parse().ok()
}

/// The title's chips must differ from the buy-in: the dice moved them.
fn check_moved(title: &str, short_table: &str) -> anyhow::Result<()> {
    match title_chips(title, short_table) {
        Some(chips) if chips != BUY_IN => Ok(()),
        _ => bail!("the title {title:?} does not show chips moved away from the buy-in of {BUY_IN}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chips_are_read_from_the_title() {
        let title = "BitCraps · 5f3a9c0e7b21d84f · connected · table 7c1e04b9a2d35f68 · 935 chips";
        assert_eq!(title_chips(title, "7c1e04b9a2d35f68"), Some(935));
        assert_eq!(title_chips(title, "0000000000000000"), None);
        assert_eq!(title_chips("BitCraps · 5f3a9c0e7b21d84f · connected", "7c1e04b9a2d35f68"), None);
        assert!(check_moved(title, "7c1e04b9a2d35f68").is_ok());
        assert!(check_moved(&title.replace("935", "1000"), "7c1e04b9a2d35f68").is_err());
    }
}
