//! The node's one entry point: [`Node::start`] brings every part up and returns a [`NodeHandle`] that stops it.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use bitcraps_api::{API_TOKEN_FILE, API_URL_FILE, EventKind, Snapshot};
use bitcraps_net::now_ms;
use bitcraps_storage::{self as storage, Db, StorageError};
use rand::RngCore;
use tokio::sync::watch;

use crate::api::{self, ApiState};
use crate::config::Config;
use crate::error::{StartError, StopError};
use crate::identity::Identity;
use crate::lock::DataDirLock;
use crate::paths::{DB_FILE, JOURNAL_DIR, write_private};
use crate::sampler::Sampler;
use crate::state::{Shared, SharedParts};

/// Everything [`Node::start`] needs.
#[derive(Debug, Clone)]
pub struct NodeOptions {
    pub config: Config,
    pub data_dir: PathBuf,
}

/// The BitCraps node.
#[derive(Debug)]
pub struct Node;

/// A running node. Dropping it without [`NodeHandle::shutdown`] leaves the tasks running until the runtime ends.
#[derive(Debug)]
pub struct NodeHandle {
    shared: Arc<Shared>,
    addr: SocketAddr,
    shutdown_tx: Arc<watch::Sender<bool>>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    sampler: Option<std::thread::JoinHandle<()>>,
    /// Transport, mesh and table protocol (empty with `net.enabled = false`).
    net: Vec<tokio::task::JoinHandle<()>>,
    journal: Option<bitcraps_journal::Journal>,
    _lock: DataDirLock,
}

impl Node {
    /// Starts a node on `options.data_dir`: takes the data dir lock, loads the identity, opens the database,
    /// starts the resource sampler and serves the control API. Must be called inside a tokio runtime.
    pub async fn start(options: NodeOptions) -> Result<NodeHandle, StartError> {
        let NodeOptions { config, data_dir } = options;
        config.validate()?;
        let lock = DataDirLock::acquire(&data_dir)?;
        let identity = Identity::load_or_create(&data_dir)?;
        let db_path = data_dir.join(DB_FILE);
        let db = storage::open(&db_path, &config.storage)?;
        let ledger = bitcraps_ledger::check::check_store(&db)
            .map_err(|source| StartError::LedgerCheck { path: db_path.display().to_string(), source })?;
        tracing::info!(minted = %ledger.minted, tables = ledger.tables, rolls = ledger.rolls, "ledger check passed");
        let started_at_ms = now_ms();
        let interval_ms = config.sampler.interval_ms;
        let sample_capacity = usize::try_from(config.sampler.history_minutes * 60_000 / interval_ms).unwrap_or(900);
        let history_start = started_at_ms.saturating_sub(config.sampler.history_minutes * 60_000);
        let history =
            storage::resource_samples::recent(&db, history_start, sample_capacity).map_err(StorageError::from)?;
        let journal = open_journal(&config, &data_dir)?;

        let listen_error = |source| StartError::Listen {
            what: "api.bind/api.port",
            addr: format!("{}:{}", config.api.bind, config.api.port),
            source,
        };
        let listener = tokio::net::TcpListener::bind((config.api.bind, config.api.port)).await.map_err(listen_error)?;
        let addr = listener.local_addr().map_err(listen_error)?;
        let api_url = format!("http://{addr}");
        let token = load_or_create_token(&data_dir)?;
        let web_dir = config.api.web_dir.clone().unwrap_or_else(default_web_dir);
        let alerts =
            crate::alerts::service::start(&config.alerts, &db, &data_dir, format!("{api_url}/#token={token}"))?;

        let shared = Arc::new(Shared::new(SharedParts {
            node_id: identity.node_id(),
            started_at_ms,
            data_dir: data_dir.clone(),
            db_path,
            api_url: api_url.clone(),
            token,
            web_dir,
            event_history: config.api.event_history,
            sampler_interval_ms: interval_ms,
            sample_capacity,
            db: Db::new(db),
            history,
            alerts,
            journal: journal_status(&journal),
        }));
        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let shutdown_tx = Arc::new(shutdown_tx);
        let state = ApiState {
            shared: shared.clone(),
            walls: api::walls::Walls::new(addr, config.api.allow_remote),
            shutdown: shutdown_rx.clone(),
            request_shutdown: shutdown_tx.clone(),
        };
        let server = tokio::spawn(api::serve(listener, state));
        crate::maintenance::spawn(shared.db().clone(), shutdown_rx.clone(), config.games.clone());
        let net = if config.net.enabled {
            crate::start::start(&config, &identity, &shared, journal.appender(), shutdown_rx.clone())?
        } else {
            Vec::new()
        };
        let sampler = spawn_sampler(shared.clone(), shutdown_rx, config.sampler.retention_days)?;
        let url_file = data_dir.join(API_URL_FILE);
        write_private(&url_file, api_url.as_bytes())
            .map_err(|source| StartError::File { path: url_file.display().to_string(), source })?;
        tracing::info!(node_id = %shared.node_id, %api_url, data_dir = %data_dir.display(), "node started");
        Ok(NodeHandle {
            shared,
            addr,
            shutdown_tx,
            server,
            sampler: Some(sampler),
            net,
            journal: Some(journal),
            _lock: lock,
        })
    }
}

impl NodeHandle {
    /// Base URL of the control API.
    pub fn api_url(&self) -> &str {
        &self.shared.api_url
    }

    /// The address the API listens on.
    pub fn api_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API bearer token.
    pub fn token(&self) -> &str {
        &self.shared.token
    }

    /// The node's id (hex Ed25519 public key).
    pub fn node_id(&self) -> &str {
        &self.shared.node_id
    }

    /// The dashboard URL for a browser; the token rides in the fragment, which never reaches the server.
    pub fn dashboard_url(&self) -> String {
        format!("{}/#token={}", self.shared.api_url, self.shared.token)
    }

    /// The node's overall health now (cheap: no sample history is copied).
    pub fn health(&self) -> bitcraps_api::Health {
        self.shared.health()
    }

    /// The data dir the node owns.
    pub fn data_dir(&self) -> &Path {
        &self.shared.data_dir
    }

    /// The tables the node knows and the consensus statistics (no sample history is copied, unlike a snapshot).
    pub fn game(&self) -> bitcraps_api::GameSummary {
        self.shared.game_summary(now_ms())
    }

    /// The linked peers and the mesh statistics.
    pub fn net(&self) -> bitcraps_api::NetSummary {
        self.shared.metrics.net.summary(now_ms())
    }

    /// The alerts pending or firing now.
    pub fn active_alerts(&self) -> Vec<bitcraps_api::AlertSummary> {
        self.shared.alerts.active(now_ms())
    }

    /// The node's state now.
    pub fn snapshot(&self) -> Snapshot {
        self.shared.snapshot(now_ms())
    }

    /// Resolves when something (a client's shutdown command, or [`NodeHandle::shutdown`]) asks the node to stop.
    /// The future owns what it needs, so a host can wait on it while the handle is kept elsewhere.
    pub fn stop_requested(&self) -> impl Future<Output = ()> + Send + 'static {
        let mut rx = self.shutdown_tx.subscribe();
        async move {
            // An error means the sender is gone, which is a stop too.
            let _ = rx.wait_for(|stop| *stop).await;
        }
    }

    /// Stops the node: tells clients, stops the sampler and the API, checkpoints the database, removes `api-url`.
    pub async fn shutdown(mut self) -> Result<(), StopError> {
        self.shared.publish(EventKind::NodeStopping, now_ms());
        self.shutdown_tx.send_replace(true);
        if let Some(sampler) = self.sampler.take() {
            tokio::task::spawn_blocking(move || sampler.join()).await?.map_err(|_| StopError::SamplerPanicked)?;
        }
        // The table protocol appends to the journal: let it stop first.
        for task in self.net.drain(..) {
            if tokio::time::timeout(Duration::from_millis(1000), task).await.is_err() {
                tracing::warn!("a mesh task did not stop within 1 s");
            }
        }
        if let Some(journal) = self.journal.take() {
            journal.close().await?;
        }
        match tokio::time::timeout(Duration::from_millis(1500), &mut self.server).await {
            Ok(joined) => joined??,
            Err(_) => {
                tracing::warn!("API connections still open after 1.5 s; closing them");
                self.server.abort();
            }
        }
        let db = self.shared.db().clone();
        tokio::task::spawn_blocking(move || {
            db.lock().execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA optimize;")
        })
        .await??;
        let _ = std::fs::remove_file(self.shared.data_dir.join(API_URL_FILE));
        tracing::info!("node stopped");
        Ok(())
    }
}

/// The sampler's named thread: a sample every interval (re-read each time, so the API can change it), old rows
/// pruned hourly, prompt exit on shutdown.
fn spawn_sampler(
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
    retention_days: u64,
) -> Result<std::thread::JoinHandle<()>, StartError> {
    let mut sampler = Sampler::new()?;
    // A tiny timer runtime of the thread's own, so that a shutdown wakes the wait at once.
    let timer = tokio::runtime::Builder::new_current_thread().enable_time().build().map_err(StartError::Thread)?;
    let handle = std::thread::Builder::new()
        .name("resource-sampler".into())
        .spawn(move || {
            let retention_ms = retention_days * 24 * 3_600_000;
            let mut next_prune_ms = 0;
            let mut next_downsample_ms = 0;
            loop {
                let interval = Duration::from_millis(shared.sampler_interval_ms.load(Ordering::Relaxed));
                let stop =
                    timer.block_on(async { tokio::time::timeout(interval, shutdown.wait_for(|s| *s)).await.is_ok() });
                if stop {
                    return;
                }
                let now = now_ms();
                shared.record_sample(sampler.sample(now, storage::db_size_bytes(&shared.db_path)));
                if now >= next_downsample_ms {
                    next_downsample_ms = now + crate::metrics_store::MINUTE_MS;
                    if let Err(e) = crate::metrics_store::downsample(
                        &shared.db().lock(),
                        now,
                        crate::metrics_store::Retention { raw_ms: retention_ms, ..Default::default() },
                    ) {
                        tracing::warn!(error = %e, "could not downsample resource samples");
                    }
                }
                if now >= next_prune_ms {
                    next_prune_ms = now + 3_600_000;
                    if let Err(e) =
                        storage::resource_samples::delete_before(&shared.db().lock(), now.saturating_sub(retention_ms))
                    {
                        tracing::warn!(error = %e, "could not prune old resource samples");
                    }
                    let history_before = now.saturating_sub(crate::metrics_store::SUMMARY_RETENTION_MS);
                    if let Err(e) = storage::alert_history::delete_before(&shared.db().lock(), history_before) {
                        tracing::warn!(error = %e, "could not prune old alert history");
                    }
                }
            }
        })
        .map_err(StartError::Thread)?;
    Ok(handle)
}

/// Opens (verifying and recovering) the table journal in `<data dir>/journal` with the configured backend.
fn open_journal(config: &Config, data_dir: &Path) -> Result<bitcraps_journal::Journal, StartError> {
    let dir = data_dir.join(JOURNAL_DIR);
    let journal = bitcraps_journal::Journal::open(config.journal.journal_config(dir.clone())?)
        .map_err(|source| StartError::Journal { dir: dir.display().to_string(), source })?;
    tracing::info!(backend = %journal.backend(), records = journal.opened_at().next_seq, "table journal open");
    Ok(journal)
}

fn journal_status(journal: &bitcraps_journal::Journal) -> bitcraps_api::JournalStatus {
    let backend = journal.backend();
    bitcraps_api::JournalStatus {
        backend: backend.kind.as_str().to_owned(),
        reason: backend.reason.clone(),
        records: journal.opened_at().next_seq,
    }
}

/// Reuses the token in `<data dir>/api-token` if it is well-formed, else makes a new random one (0600).
fn load_or_create_token(data_dir: &Path) -> Result<String, StartError> {
    let path = data_dir.join(API_TOKEN_FILE);
    if let Ok(text) = std::fs::read_to_string(&path) {
        let text = text.trim();
        if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(text.to_owned());
        }
    }
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    write_private(&path, token.as_bytes())
        .map_err(|source| StartError::File { path: path.display().to_string(), source })?;
    Ok(token)
}

/// `dashboard-web` beside the running executable: where xtask builds it and installers ship it.
fn default_web_dir() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("dashboard-web")))
        .unwrap_or_else(|| PathBuf::from("dashboard-web"))
}
