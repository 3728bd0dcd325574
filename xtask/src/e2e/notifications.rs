//! Real desktop notifications end to end: Xvfb, a private D-Bus session and Debian's `dunst` notification daemon;
//! `bitcraps-node` runs with a memory rule lowered to 1 MB RSS. The firing notification must reach dunst exactly
//! once with the rule, severity, value and threshold in its text (read back with `dunstctl history`); raising the
//! threshold through the API rule-edit command must resolve the alert and notify that once too.

use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::Context;

use super::support::{
    Guard, LOWERED_MEMORY_RULE, RunningNode, binary, dbus_session, fresh_dir, http_post, snapshot, start_node,
    wait_for, xvfb,
};

const FIRING: &str = "BitCraps alert: memory_high firing (warning)";
const RESOLVED: &str = "BitCraps alert: memory_high resolved (warning)";

pub fn run() -> anyhow::Result<()> {
    println!("e2e notifications: dunst on a private session bus, a node over a lowered memory threshold");
    let dir = fresh_dir("notifications")?;
    let (_xvfb, display) = xvfb()?;
    let (_dbus, bus) = dbus_session()?;
    let env = |cmd: &mut Command| {
        cmd.env("DISPLAY", &display)
            .env("DBUS_SESSION_BUS_ADDRESS", &bus)
            .env("HOME", &dir)
            .env("XDG_CONFIG_HOME", dir.join("config"))
            .env("XDG_RUNTIME_DIR", &dir)
            .env_remove("WAYLAND_DISPLAY");
    };
    let dunstrc = dir.join("dunstrc");
    // Long timeouts: notifications stay displayed until the test closes them into the history.
    std::fs::write(&dunstrc, "[global]\n    history_length = 100\n[urgency_normal]\n    timeout = 0\n")?;
    let mut dunst_cmd = Command::new("dunst");
    dunst_cmd.arg("-config").arg(&dunstrc).stdout(Stdio::null()).stderr(Stdio::null());
    env(&mut dunst_cmd);
    let _dunst = Guard::spawn(&mut dunst_cmd, "dunst").context("dunst (apt install dunst)")?;
    wait_for("dunst on the session bus", Duration::from_secs(20), || dunstctl(&env, &["is-paused"]).ok())?;

    let config = dir.join("config.toml");
    std::fs::write(&config, format!("[sampler]\ninterval_ms = 200\n{LOWERED_MEMORY_RULE}"))?;
    let data_dir = dir.join("data");
    let RunningNode { guard: _node, api_url, token, .. } =
        start_node(&binary("bitcraps-node")?, &data_dir, &config, |cmd| env(cmd))?;

    let firing = wait_for("the firing notification in dunst", Duration::from_secs(30), || {
        let found = summaries(&env).ok()?.into_iter().filter(|(s, _)| s == FIRING).collect::<Vec<_>>();
        (!found.is_empty()).then_some(found)
    })?;
    // Two more seconds (ten evaluations) of firing must not add a notification.
    std::thread::sleep(Duration::from_secs(2));
    let firing_count = summaries(&env)?.iter().filter(|(s, _)| s == FIRING).count();
    anyhow::ensure!(firing_count == 1, "expected one firing notification, dunst shows {firing_count}");
    let body = &firing[0].1;
    anyhow::ensure!(
        body.contains("Node memory (RSS) high") && body.contains("process_rss_bytes") && body.contains("1.0 MB"),
        "notification body lacks the rule, value or threshold: {body:?}"
    );
    let alerts = snapshot(&api_url, &token)?["alerts"].clone();
    anyhow::ensure!(alerts.to_string().contains("memory_high"), "snapshot lacks the alert: {alerts}");
    println!("e2e notifications: dunst got {FIRING:?}: {body:?}");

    let raise =
        r#"{"type":"set_alert_rule","rule":{"name":"memory_high","metric":"process_rss_bytes","warning":1e15}}"#;
    let (status, answer) = http_post(&format!("{api_url}/api/v1/commands"), &token, raise)?;
    anyhow::ensure!(status == 200, "set_alert_rule answered {status}: {answer}");
    wait_for("the alert to resolve", Duration::from_secs(20), || {
        let s = snapshot(&api_url, &token).ok()?;
        let active = s["alerts"].as_array()?.iter().any(|a| a["rule"] == "memory_high");
        let resolved =
            s["alert_history"].as_array()?.iter().any(|h| h["rule"] == "memory_high" && h["event"] == "resolved");
        (!active && resolved).then_some(())
    })?;
    wait_for("the resolved notification in dunst", Duration::from_secs(20), || {
        summaries(&env).ok()?.iter().any(|(s, _)| s == RESOLVED).then_some(())
    })?;
    std::thread::sleep(Duration::from_secs(1));
    let all = summaries(&env)?;
    let count = |what: &str| all.iter().filter(|(s, _)| s == what).count();
    anyhow::ensure!(count(FIRING) == 1 && count(RESOLVED) == 1, "expected one firing and one resolved: {all:?}");
    println!("e2e notifications: alert resolved; dunst history holds exactly one firing and one resolved notification");
    Ok(())
}

fn dunstctl(env: &impl Fn(&mut Command), args: &[&str]) -> anyhow::Result<String> {
    let mut cmd = Command::new("dunstctl");
    cmd.args(args);
    env(&mut cmd);
    crate::process::output(&mut cmd)
}

/// Closes displayed notifications into the history, then reads (summary, body) of every BitCraps one.
fn summaries(env: &impl Fn(&mut Command)) -> anyhow::Result<Vec<(String, String)>> {
    dunstctl(env, &["close-all"])?;
    let history: serde_json::Value = serde_json::from_str(&dunstctl(env, &["history"])?)?;
    let text = |n: &serde_json::Value, key: &str| n[key]["data"].as_str().unwrap_or_default().to_owned();
    Ok(history["data"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|group| group.as_array().into_iter().flatten())
        .filter(|n| text(n, "appname") == "BitCraps Node")
        .map(|n| (text(n, "summary"), text(n, "body")))
        .collect())
}
