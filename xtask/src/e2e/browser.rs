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
    let RunningNode { guard: mut node, api_url, token, node_id, .. } =
        start_node(&binary("bitcraps-node")?, &data_dir, &data_dir.join("absent.toml"), |_| {})?;
    let browser = Browser::start()?;
    check_dashboard(&browser, &api_url, &token, &node_id)?;
    drop(browser);
    node.child.kill()?;
    Ok(())
}

fn check_dashboard(browser: &Browser, api_url: &str, token: &str, node_id: &str) -> anyhow::Result<()> {
    browser.open(&format!("{api_url}/#token={token}"))?;
    let short_id = &node_id[..16];
    let title = browser.wait_title("the page title to say connected", Duration::from_secs(90), |title| {
        title.contains(short_id) && title.contains("connected")
    })?;
    println!("e2e browser: page title {title:?}");
    // The page's WebSocket is an authenticated subscriber on the node: live data flows to it.
    let subscribers = snapshot(api_url, token)?["node"]["event_subscribers"].as_u64().unwrap_or(0);
    if subscribers < 1 {
        bail!("the node has no event subscriber although the page says connected");
    }
    std::thread::sleep(Duration::from_secs(3)); // a few live samples on the plots
    let path = browser.screenshot("browser-dashboard.png")?;
    println!("e2e browser: ok, screenshot {}", path.display());
    Ok(())
}

/// Headless Chromium driven over WebDriver by its own chromedriver; the session and the driver end when dropped.
pub struct Browser {
    _driver: Guard,
    driver: String,
    session: String,
}

impl Browser {
    pub fn start() -> anyhow::Result<Self> {
        let port = super::mesh::free_port()?;
        let driver_process = Guard::spawn(
            Command::new("chromedriver").arg(format!("--port={port}")).stdout(Stdio::null()).stderr(Stdio::null()),
            "chromedriver",
        )?;
        let driver = format!("http://127.0.0.1:{port}");
        wait_for("chromedriver", Duration::from_secs(20), || webdriver(&driver, "GET", "/status", None).ok())?;
        let session = webdriver(&driver, "POST", "/session", Some(capabilities()))?;
        let session = session["value"]["sessionId"].as_str().context("WebDriver session id")?.to_owned();
        Ok(Self { _driver: driver_process, driver, session })
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> anyhow::Result<Value> {
        webdriver(&self.driver, method, &format!("/session/{}{path}", self.session), body)
    }

    /// Loads `url`.
    pub fn open(&self, url: &str) -> anyhow::Result<()> {
        self.call("POST", "/url", Some(json!({ "url": url }))).map(drop)
    }

    /// Waits until the page title satisfies `check`; returns it.
    pub fn wait_title(&self, what: &str, limit: Duration, check: impl Fn(&str) -> bool) -> anyhow::Result<String> {
        let mut last = String::new();
        let found = wait_for(what, limit, || {
            let title = self.call("GET", "/title", None).ok()?["value"].as_str()?.to_owned();
            last.clone_from(&title);
            check(&title).then_some(title)
        });
        found.with_context(|| format!("the page title was {last:?}"))
    }

    /// Clicks the page at (`x`, `y`) to focus the canvas, then presses Ctrl+`key`.
    pub fn ctrl_key(&self, x: u32, y: u32, key: &str) -> anyhow::Result<()> {
        let pointer = json!({ "type": "pointer", "id": "mouse", "parameters": { "pointerType": "mouse" }, "actions": [
            { "type": "pointerMove", "x": x, "y": y }, { "type": "pointerDown", "button": 0 },
            { "type": "pointerUp", "button": 0 } ] });
        self.call("POST", "/actions", Some(json!({ "actions": [pointer] })))?;
        let keys = json!({ "type": "key", "id": "keyboard", "actions": [
            { "type": "keyDown", "value": "\u{E009}" }, { "type": "keyDown", "value": key },
            { "type": "keyUp", "value": key }, { "type": "keyUp", "value": "\u{E009}" } ] });
        self.call("POST", "/actions", Some(json!({ "actions": [keys] }))).map(drop)
    }

    /// The page as a PNG in `target/screenshots/<name>`.
    pub fn screenshot(&self, name: &str) -> anyhow::Result<std::path::PathBuf> {
        let shot = self.call("GET", "/screenshot", None)?;
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["value"].as_str().context("screenshot data")?)
            .context("decoding the screenshot")?;
        let path = screenshot_path(name)?;
        std::fs::write(&path, png)?;
        Ok(path)
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Close the browser whatever happened; chromedriver itself is killed by its guard.
        let _ = self.call("DELETE", "", None);
    }
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
