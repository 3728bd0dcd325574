//! Web start-up: the API URL is the page's origin, the token comes from the URL fragment `#token=…` (fragments are
//! never sent to a server), and eframe's `WebRunner` draws into the canvas `bitcraps_canvas`.

use wasm_bindgen::JsCast as _;

use crate::connection::{ConnectConfig, Connection};

/// The value of `token` in a URL fragment like `#token=abc` or `#a=b&token=abc`.
pub fn token_from_fragment(fragment: &str) -> Option<String> {
    fragment
        .trim_start_matches('#')
        .split('&')
        .find_map(|pair| pair.strip_prefix("token="))
        .map(str::to_owned)
        .filter(|t| !t.is_empty())
}

/// Starts the dashboard in the page's canvas. Errors are logged to the browser console.
pub fn start() {
    eframe::WebLogger::init(log::LevelFilter::Info).ok();
    wasm_bindgen_futures::spawn_local(async {
        if let Err(err) = run().await {
            log::error!("the dashboard failed to start: {err:?}");
        }
    });
}

async fn run() -> Result<(), wasm_bindgen::JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let canvas = document
        .get_element_by_id(crate::CANVAS_ID)
        .ok_or("no canvas with id bitcraps_canvas")?
        .dyn_into::<web_sys::HtmlCanvasElement>()
        .map_err(|_| "bitcraps_canvas is not a canvas")?;
    let location = window.location();
    let api_url = location.origin()?;
    let token = token_from_fragment(&location.hash()?);
    let (config, problem) = match token {
        Some(token) => (Some(Connection::new(ConnectConfig { api_url, token })), None),
        None => (None, Some("no API token: open this page as <node URL>/#token=<the node's api-token>".to_owned())),
    };
    let app = crate::DashboardApp::new(config, problem);
    eframe::WebRunner::new()
        .start(canvas, eframe::WebOptions::default(), Box::new(|cc| Ok(Box::new(app.started(cc)))))
        .await
}
