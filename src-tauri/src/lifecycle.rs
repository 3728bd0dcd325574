//! The embedded node's life in the app: started at launch, paused (shut down cleanly: it leaves the mesh, releases
//! the data dir lock, the dashboard closes), resumed from the same options, and stopped on quit. One transition
//! runs at a time; a stop the node asks for itself (the API's `shutdown` command) quits the app, a pause does not.
//! [`AppState`] holds the node and the dashboard child, which opens only while the node runs.

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use bitcraps_node::{Node, NodeHandle, NodeOptions};
use tauri::{AppHandle, Manager};

use crate::dashboard::Dashboard;

/// What the app holds while it runs: the node's options, the embedded node (none while paused) and the dashboard
/// child.
pub struct AppState {
    /// What the node started with at launch; a resume starts it again from these.
    options: NodeOptions,
    node: Mutex<Option<NodeHandle>>,
    /// Bumped by every pause (see [`adopt`]).
    generation: AtomicU64,
    /// Held by a pause, resume or quit while it runs.
    transitions: tokio::sync::Mutex<()>,
    dashboard: Mutex<Dashboard>,
    /// Set by the first quit; later ones (the node's own stop signal echoing it) do nothing.
    quitting: AtomicBool,
}

impl AppState {
    /// The state of an app whose node will start from `options` (nothing runs yet).
    pub fn new(options: NodeOptions) -> Self {
        Self {
            options,
            node: Mutex::new(None),
            generation: AtomicU64::new(0),
            transitions: tokio::sync::Mutex::new(()),
            dashboard: Mutex::new(Dashboard::default()),
            quitting: AtomicBool::new(false),
        }
    }

    /// The node's data dir.
    pub fn data_dir(&self) -> &Path {
        &self.options.data_dir
    }
}

/// Calls `read` with the running node; `None` while it is paused.
pub fn with_node<T>(app: &AppHandle, read: impl FnOnce(&NodeHandle) -> T) -> Option<T> {
    lock(&app.state::<AppState>().node).as_ref().map(read)
}

/// Shows the dashboard child connected to the running node, as `open` does it ([`Dashboard::open`] or
/// [`Dashboard::open_host_table`]). Does nothing while the node is paused.
pub fn show_dashboard(app: &AppHandle, open: impl FnOnce(&mut Dashboard, &str, &str) -> anyhow::Result<()>) {
    let Some((url, token)) = with_node(app, |n| (n.api_url().to_owned(), n.token().to_owned())) else {
        tracing::info!("the node is paused: resume it to open the dashboard");
        return;
    };
    if let Err(e) = open(&mut lock(&app.state::<AppState>().dashboard), &url, &token) {
        tracing::error!(error = %e, "cannot open the dashboard");
    }
}

/// Pauses the running node, or resumes the paused one.
pub fn pause_or_resume(app: &AppHandle) {
    if lock(&app.state::<AppState>().node).is_some() {
        pause(app);
    } else {
        resume(app);
    }
}

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

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
