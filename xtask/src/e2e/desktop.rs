//! Desktop end to end, under Xvfb and a private D-Bus session: start the tray app `bitcraps`, check its embedded
//! node answers, open the dashboard through a second launch (`--open-dashboard`), check the dashboard child runs and
//! its window title says connected, take the screenshot, quit through a second launch (`--quit`), check a clean exit.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};

use super::support::{
    Guard, binary, dbus_session, fresh_dir, read_when_present, screenshot_path, snapshot, wait_for, xvfb,
};
use crate::process::output;

pub fn run() -> anyhow::Result<()> {
    println!("e2e desktop: tray app under Xvfb, dashboard through a second launch");
    let home = fresh_dir("desktop-home")?;
    let (_xvfb, display) = xvfb()?;
    let (_dbus, bus) = dbus_session()?;
    let app_exe = binary("bitcraps")?;
    binary("bitcraps-dashboard")?;
    let env = |cmd: &mut Command| {
        cmd.env("DISPLAY", &display)
            .env("DBUS_SESSION_BUS_ADDRESS", &bus)
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_RUNTIME_DIR", &home)
            .env_remove("WAYLAND_DISPLAY")
            .stdout(Stdio::null());
    };
    let mut app_cmd = Command::new(&app_exe);
    env(&mut app_cmd);
    let mut app = Guard::spawn(&mut app_cmd, "bitcraps")?;

    let data_dir = home.join("data").join("bitcraps");
    let api_url = read_when_present(&data_dir.join("api-url"), Duration::from_secs(60))?;
    let token = read_when_present(&data_dir.join("api-token"), Duration::from_secs(5))?;
    let node_id = snapshot(&api_url, &token)?["node"]["node_id"].as_str().context("node id")?.to_owned();
    println!("e2e desktop: embedded node {node_id} answers at {api_url}");

    second_launch(&app_exe, "--open-dashboard", &env)?;
    let title = format!("BitCraps · {} · connected", &node_id[..16]);
    // xdotool's regex misses non-ASCII characters, so search by the ASCII parts and compare the whole title.
    let ascii_pattern = format!("{}.*connected", &node_id[..16]);
    let window = wait_for("the dashboard window to say connected", Duration::from_secs(90), || {
        let ids = output(Command::new("xdotool").args(["search", "--name", &ascii_pattern]).env("DISPLAY", &display));
        ids.ok()?
            .lines()
            .find(|id| {
                output(Command::new("xdotool").args(["getwindowname", id]).env("DISPLAY", &display))
                    .is_ok_and(|name| name.trim() == title)
            })
            .map(str::to_owned)
    })?;
    let children = output(Command::new("pgrep").args(["-P", &app.child.id().to_string(), "bitcraps-dash"]))
        .context("the dashboard runs as a child of the desktop app")?;
    println!("e2e desktop: dashboard pid {} shows window {window} titled {title:?}", children.trim());

    std::thread::sleep(Duration::from_secs(3)); // a few live samples on the plots
    let path = screenshot_path("desktop-dashboard.png")?;
    crate::process::run(Command::new("import").args(["-window", "root"]).arg(&path).env("DISPLAY", &display))?;
    println!("e2e desktop: screenshot {}", path.display());

    second_launch(&app_exe, "--quit", &env)?;
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

/// Launches the app again with `flag`; single-instance forwards it to the running app and the launch exits.
fn second_launch(app_exe: &Path, flag: &str, env: &dyn Fn(&mut Command)) -> anyhow::Result<()> {
    let mut cmd = Command::new(app_exe);
    cmd.arg(flag);
    env(&mut cmd);
    let mut second = Guard::spawn(&mut cmd, "second bitcraps launch")?;
    second.wait_exit(Duration::from_secs(30))?;
    Ok(())
}
