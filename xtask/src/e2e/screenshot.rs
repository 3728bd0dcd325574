//! `cargo xtask screenshot`: the README's picture. A headless node sampling every 200 ms and the native dashboard
//! on its Resources tab under Xvfb; the screen goes to target/screenshots/dashboard-resources.png (copy it to
//! docs/screenshots/ by hand when the UI changes: tests never write over committed files).

use std::process::{Command, Stdio};
use std::time::Duration;

use super::support::{Guard, RunningNode, binary, fresh_dir, screenshot_path, start_node, wait_for, xvfb};
use crate::process::output;

pub fn run() -> anyhow::Result<()> {
    println!("e2e screenshot: the Resources tab of a live node under Xvfb");
    let data_dir = fresh_dir("screenshot-node")?;
    let config = data_dir.join("config.toml");
    std::fs::write(&config, "[sampler]\ninterval_ms = 200\n")?;
    let RunningNode { guard: mut node, node_id, .. } =
        start_node(&binary("bitcraps-node")?, &data_dir, &config, |_| {})?;
    let (_xvfb, display) = xvfb()?;
    let mut dashboard = Guard::spawn(
        Command::new(binary("bitcraps-dashboard")?)
            .arg("--data-dir")
            .arg(&data_dir)
            .args(["--tab", "resources"])
            .env("DISPLAY", &display)
            .stdout(Stdio::null()),
        "bitcraps-dashboard",
    )?;
    let pattern = format!("{}.*connected", &node_id[..16]);
    wait_for("the dashboard to connect", Duration::from_secs(90), || {
        output(Command::new("xdotool").args(["search", "--name", &pattern]).env("DISPLAY", &display))
            .ok()
            .filter(|ids| !ids.trim().is_empty())
    })?;
    std::thread::sleep(Duration::from_secs(10)); // fifty samples on the plots
    let path = screenshot_path("dashboard-resources.png")?;
    crate::process::run(
        Command::new("import").args(["-window", "root", "-crop", "1100x760+0+0"]).arg(&path).env("DISPLAY", &display),
    )?;
    dashboard.child.kill()?;
    node.child.kill()?;
    println!("e2e screenshot: ok, {}", path.display());
    Ok(())
}
