//! Serves the wasm build of the dashboard at `/` from a directory, or explains how to build it.

use std::path::Path;

use axum::Router;
use axum::http::StatusCode;
use axum::response::Html;
use tower_http::services::ServeDir;

use super::ApiState;

/// Adds the dashboard's static files as the router's fallback if `dir` holds a build, else a page saying how to
/// make one.
pub fn mount(router: Router<ApiState>, dir: &Path) -> Router<ApiState> {
    if dir.join("index.html").is_file() {
        router.fallback_service(ServeDir::new(dir))
    } else {
        let page = format!(
            "<!doctype html><title>BitCraps dashboard not built</title><h1>The web dashboard is not built</h1>\
             <p>This node serves the dashboard from <code>{}</code>, which holds no <code>index.html</code>.</p>\
             <p>Build it with <code>cargo xtask build-web</code> (or set <code>api.web_dir</code> in the config), \
             then reload. The native dashboard works without it: <code>bitcraps-dashboard</code>.</p>",
            html_escape(&dir.display().to_string())
        );
        router.fallback(move || {
            let page = page.clone();
            async move { (StatusCode::NOT_FOUND, Html(page)) }
        })
    }
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}
