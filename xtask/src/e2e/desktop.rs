//! Desktop end to end, under Xvfb and a private D-Bus session: start the tray app `bitcraps`, check its embedded
//! node answers, open the dashboard through a second launch (`--open-dashboard`), check the dashboard child runs and
//! its window title says connected, take the screenshot; pause the node (`--pause`: `api-url` disappears, the
//! dashboard closes, the data dir lock is free) and resume it (`--resume`: the same node answers again); open the
//! Host a table dialog (`--host-table`); quit through a second launch (`--quit`), check a clean exit.

use std::process::Command;
use std::time::Duration;

use anyhow::{Context, bail};

use super::desktop_app::DesktopSession;
use super::support::{binary, read_when_present, snapshot, wait_for};
use super::x11;
use crate::process::output;

pub fn run() -> anyhow::Result<()> {
    println!("e2e desktop: tray app under Xvfb, dashboard, pause and resume through second launches");
    let session = DesktopSession::new("desktop-home")?;
    let mut app = session.start()?;

    let data_dir = session.data_dir();
    let api_url = read_when_present(&data_dir.join("api-url"), Duration::from_secs(60))?;
    let token = read_when_present(&data_dir.join("api-token"), Duration::from_secs(5))?;
    let node_id = snapshot(&api_url, &token)?["node"]["node_id"].as_str().context("node id")?.to_owned();
    println!("e2e desktop: embedded node {node_id} answers at {api_url}");

    session.second_launch("--open-dashboard")?;
    let title = format!("BitCraps · {} · connected", &node_id[..16]);
    let pattern = format!("{}.*connected", &node_id[..16]);
    let connected_window =
        |what: &str| x11::window(&session.display, what, &pattern, Duration::from_secs(90), |name| name == title);
    let (window, _) = connected_window("the dashboard window to say connected")?;
    let app_pid = app.child.id().to_string();
    let dashboard_pids = || output(Command::new("pgrep").args(["-P", &app_pid, "bitcraps-dash"]));
    let children = dashboard_pids().context("the dashboard runs as a child of the desktop app")?;
    println!("e2e desktop: dashboard pid {} shows window {window} titled {title:?}", children.trim());

    std::thread::sleep(Duration::from_secs(3)); // a few live samples on the plots
    let path = x11::screenshot(&session.display, "desktop-dashboard.png", None)?;
    println!("e2e desktop: screenshot {}", path.display());

    session.second_launch("--pause")?;
    wait_for("the paused node to remove api-url", Duration::from_secs(15), || {
        (!data_dir.join("api-url").exists()).then_some(())
    })?;
    wait_for("the dashboard to close on pause", Duration::from_secs(10), || {
        dashboard_pids().map_or(Some(()), |pids| pids.trim().is_empty().then_some(()))
    })?;
    if snapshot(&api_url, &token).is_ok() {
        bail!("the paused node still answers at {api_url}");
    }
    if app.child.try_wait()?.is_some() {
        bail!("the desktop app exited on pause");
    }
    println!("e2e desktop: paused (api-url gone, dashboard closed, app still running)");

    session.second_launch("--resume")?;
    let resumed_url = read_when_present(&data_dir.join("api-url"), Duration::from_secs(30))?;
    let resumed_id = snapshot(&resumed_url, &token)?["node"]["node_id"].as_str().context("node id")?.to_owned();
    if resumed_id != node_id {
        bail!("the resumed node is {resumed_id}, not {node_id}");
    }
    println!("e2e desktop: resumed, the same node answers at {resumed_url}");

    session.second_launch("--host-table")?;
    connected_window("the dashboard opened by --host-table to say connected")?;
    std::thread::sleep(Duration::from_secs(2));
    let path = x11::screenshot(&session.display, "desktop-host-table.png", None)?;
    println!("e2e desktop: Host a table dialog, screenshot {}", path.display());

    session.second_launch("--quit")?;
    let status = app.wait_exit(Duration::from_secs(10))?;
    if !status.success() {
        bail!("the desktop app exited with {status}");
    }
    if data_dir.join("api-url").exists() {
        bail!("the embedded node did not stop cleanly (api-url is still there)");
    }
    let left = output(Command::new("pgrep").args(["-f", &binary("bitcraps-dashboard")?.display().to_string()]));
    if left.is_ok_and(|pids| !pids.trim().is_empty()) {
        bail!("the dashboard child outlived the app");
    }
    println!("e2e desktop: ok, clean exit");
    Ok(())
}
