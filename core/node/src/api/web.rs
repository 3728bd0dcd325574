//! Serves the wasm build of the dashboard at `/` from a directory, or explains how to build it.
//!
//! The directory is looked at per request, so a dashboard built while the node runs is served on the next reload.

use std::path::Path;

use axum::Router;
use axum::handler::HandlerWithoutStateExt;
use axum::http::StatusCode;
use axum::response::Html;
use tower_http::services::ServeDir;

use super::ApiState;

/// Adds the dashboard's static files as the router's fallback; while `dir` holds no build, a page saying how to
/// make one answers instead.
pub fn mount(router: Router<ApiState>, dir: &Path) -> Router<ApiState> {
    let page = format!(
        "<!doctype html><title>BitCraps dashboard not built</title><h1>The web dashboard is not built</h1>\
         <p>This node serves the dashboard from <code>{}</code>, which holds no <code>index.html</code>.</p>\
         <p>Build it with <code>cargo xtask build-web</code> (or set <code>api.web_dir</code> in the config), \
         then reload. The native dashboard works without it: <code>bitcraps-dashboard</code>.</p>",
        html_escape(&dir.display().to_string())
    );
    let index = dir.join("index.html");
    let not_found = move || {
        let built = index.is_file();
        let page = page.clone();
        async move {
            if built {
                (StatusCode::NOT_FOUND, Html("not found".to_owned()))
            } else {
                (StatusCode::NOT_FOUND, Html(page))
            }
        }
    };
    router.fallback_service(ServeDir::new(dir).not_found_service(not_found.into_service()))
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}
