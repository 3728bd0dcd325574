//! The embedded node's life in the app: started at launch, paused (shut down cleanly: it leaves the mesh, releases
//! the data dir lock, the dashboard closes), resumed from the same options, and stopped on quit. One transition
//! runs at a time; a stop the node asks for itself (the API's `shutdown` command) quits the app, a pause does not.

use std::sync::atomic::Ordering;

use bitcraps_node::{Node, NodeHandle};
use tauri::{AppHandle, Manager};

use crate::{AppState, lock};

/// Starts the node from the app's options.
pub async fn start(state: &AppState) -> anyhow::Result<NodeHandle> {
    Ok(Node::start(state.options.clone()).await?)
}

/// Takes `node` as the running node and watches for it to ask for a stop.
pub fn adopt(app: &AppHandle, node: NodeHandle) {
    let state = app.state::<AppState>();
    tracing::info!(url = %node.api_url(), "embedded node serving");
    let generation = state.generation.load(Ordering::SeqCst);
    let stop_requested = node.stop_requested();
    *lock(&state.node) = Some(node);
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        stop_requested.await;
        // A pause bumped the generation before stopping the node: that stop is not a quit.
        if app.state::<AppState>().generation.load(Ordering::SeqCst) == generation {
            tracing::info!("node asked to stop");
            quit(&app);
        }
    });
}

/// Quits on SIGTERM / Ctrl-C, whether the node runs or is paused.
pub fn spawn_termination_watch(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        bitcraps_node::termination_signal().await;
        tracing::info!("termination signal received");
        quit(&app);
    });
}

/// Shuts the node down cleanly and closes the dashboard; the app keeps running with a grey icon.
pub fn pause(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let _one_at_a_time = state.transitions.lock().await;
        if state.quitting.load(Ordering::SeqCst) {
            return;
        }
        state.generation.fetch_add(1, Ordering::SeqCst);
        let Some(node) = lock(&state.node).take() else {
            tracing::info!("the node is already paused");
            return;
        };
        lock(&state.dashboard).close();
        match node.shutdown().await {
            Ok(()) => tracing::info!("node paused"),
            Err(e) => tracing::error!(error = %e, "the node did not shut down cleanly while pausing"),
        }
    });
}

/// Starts the node again from the options it started with at launch.
pub fn resume(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let _one_at_a_time = state.transitions.lock().await;
        if state.quitting.load(Ordering::SeqCst) || lock(&state.node).is_some() {
            return;
        }
        match start(&state).await {
            Ok(node) => {
                adopt(&app, node);
                tracing::info!("node resumed");
            }
            Err(e) => tracing::error!("cannot resume the node: {e:#}"),
        }
    });
}

/// Stops the dashboard child and the node cleanly, then exits.
pub fn quit(app: &AppHandle) {
    if app.state::<AppState>().quitting.swap(true, Ordering::SeqCst) {
        return;
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        // Let a pause or resume in progress finish first, so the node is never left half stopped.
        let _one_at_a_time = state.transitions.lock().await;
        lock(&state.dashboard).close();
        let node = lock(&state.node).take();
        let code = match node {
            Some(node) => match node.shutdown().await {
                Ok(()) => 0,
                Err(e) => {
                    tracing::error!(error = %e, "node shutdown failed");
                    1
                }
            },
            None => 0,
        };
        app.exit(code);
    });
}
