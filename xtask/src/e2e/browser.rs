//! Browser end to end: a headless node serves the wasm dashboard; headless Chromium (driven over WebDriver by
//! chromedriver) loads it with the token in the URL fragment; the page must connect and show the node's data.

use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};
use base64::Engine;
use serde_json::{Value, json};

use super::support::{Guard, RunningNode, binary, fresh_dir, screenshot_path, snapshot, start_node, wait_for};

pub fn run() -> anyhow::Result<()> {
    println!("e2e browser: headless node + its web dashboard in headless Chromium");
    let data_dir = fresh_dir("browser-node")?;
    let RunningNode { guard: mut node, api_url, token, node_id } =
        start_node(&binary("bitcraps-node")?, &data_dir, &data_dir.join("absent.toml"), |_| {})?;

    let port = free_port()?;
    let _driver = Guard::spawn(
        Command::new("chromedriver").arg(format!("--port={port}")).stdout(Stdio::null()).stderr(Stdio::null()),
        "chromedriver",
    )?;
    let driver = format!("http://127.0.0.1:{port}");
    wait_for("chromedriver", Duration::from_secs(20), || webdriver(&driver, "GET", "/status", None).ok())?;
    let session = webdriver(&driver, "POST", "/session", Some(capabilities()))?;
    let session_id = session["value"]["sessionId"].as_str().context("WebDriver session id")?.to_owned();
    let result = check_dashboard(&driver, &session_id, &api_url, &token, &node_id);
    // Close the browser whatever happened; the result above is what counts.
    let _ = webdriver(&driver, "DELETE", &format!("/session/{session_id}"), None);
    result?;
    node.child.kill()?;
    Ok(())
}

fn check_dashboard(driver: &str, session: &str, api_url: &str, token: &str, node_id: &str) -> anyhow::Result<()> {
    let url = format!("{api_url}/#token={token}");
    webdriver(driver, "POST", &format!("/session/{session}/url"), Some(json!({ "url": url })))?;
    let short_id = &node_id[..16];
    let title = wait_for("the page title to say connected", Duration::from_secs(90), || {
        let title = webdriver(driver, "GET", &format!("/session/{session}/title"), None).ok()?;
        let title = title["value"].as_str()?.to_owned();
        (title.contains(short_id) && title.contains("connected")).then_some(title)
    })?;
    println!("e2e browser: page title {title:?}");
    // The page's WebSocket is an authenticated subscriber on the node: live data flows to it.
    let subscribers = snapshot(api_url, token)?["node"]["event_subscribers"].as_u64().unwrap_or(0);
    if subscribers < 1 {
        bail!("the node has no event subscriber although the page says connected");
    }
    std::thread::sleep(Duration::from_secs(3)); // a few live samples on the plots
    let shot = webdriver(driver, "GET", &format!("/session/{session}/screenshot"), None)?;
    let png = base64::engine::general_purpose::STANDARD
        .decode(shot["value"].as_str().context("screenshot data")?)
        .context("decoding the screenshot")?;
    let path = screenshot_path("browser-dashboard.png")?;
    std::fs::write(&path, png)?;
    println!("e2e browser: ok, screenshot {}", path.display());
    Ok(())
}

fn capabilities() -> Value {
    json!({ "capabilities": { "alwaysMatch": { "goog:chromeOptions": {
        "binary": "/usr/bin/chromium",
        "args": [
            "--headless=new", "--no-sandbox", "--enable-unsafe-swiftshader", "--use-angle=swiftshader",
            "--disable-dev-shm-usage", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--window-size=1280,800"
        ]
    }}}})
}

/// One WebDriver call; WebDriver errors come back as HTTP errors with a JSON explanation.
fn webdriver(driver: &str, method: &str, path: &str, body: Option<Value>) -> anyhow::Result<Value> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into();
    let url = format!("{driver}{path}");
    let mut response = match (method, body) {
        ("POST", body) => agent.post(&url).send_json(body.unwrap_or_else(|| json!({})))?,
        ("DELETE", _) => agent.delete(&url).call()?,
        _ => agent.get(&url).call()?,
    };
    let status = response.status().as_u16();
    let value: Value = serde_json::from_str(&response.body_mut().read_to_string()?)?;
    if status != 200 {
        bail!("WebDriver {method} {path} answered {status}: {value}");
    }
    Ok(value)
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}
