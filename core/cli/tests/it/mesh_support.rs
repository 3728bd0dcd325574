//! Real `bitcraps-node` processes on loopback for the mesh tests: start one with a config, read its snapshot,
//! post commands, stop it, and read its ledger afterwards.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bitcraps_api::{Command as ApiCommand, Snapshot, TableSummary};
use bitcraps_net::NetConfig;
use bitcraps_net::lan::LanTransport;
use bitcraps_net::transport::{BanList, LinkHandle, Transport, TransportEvent};

/// One node process.
pub struct NodeProcess {
    pub child: Child,
    pub data_dir: PathBuf,
    pub api: String,
    pub token: String,
    pub node_id: String,
    pub listen: String,
}

/// The `[net]` and `[consensus]` part of a test node's config: loopback, no mDNS, the given static peers.
pub fn mesh_config(peers: &[String], extra: &str) -> String {
    let peers = peers.iter().map(|p| format!("{p:?}")).collect::<Vec<_>>().join(", ");
    format!(
        "[sampler]\ninterval_ms = 1000\n[net]\nlisten = \"127.0.0.1:0\"\nmdns = false\npeers = [{peers}]\n\
         keepalive_ms = 500\nidle_timeout_ms = 3000\nreconnect_min_ms = 50\nreconnect_max_ms = 500\n{extra}"
    )
}

impl NodeProcess {
    /// Starts a node on `data_dir` with `config` (TOML) and waits until it serves.
    pub fn start(data_dir: &Path, config: &str) -> Self {
        std::fs::create_dir_all(data_dir).unwrap();
        let config_path = data_dir.join("test-config.toml");
        std::fs::write(&config_path, config).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_bitcraps-node"))
            .arg("--data-dir")
            .arg(data_dir)
            .arg("--config")
            .arg(&config_path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("bitcraps-node starts");
        let stdout = child.stdout.take().unwrap();
        let dashboard = BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find(|line| line.starts_with("Dashboard: "))
            .expect("the node prints its dashboard URL");
        let (api, token) = dashboard.trim_start_matches("Dashboard: ").split_once("/#token=").unwrap();
        let mut node = Self {
            child,
            data_dir: data_dir.to_owned(),
            api: api.to_owned(),
            token: token.to_owned(),
            node_id: String::new(),
            listen: String::new(),
        };
        let snapshot = node.snapshot();
        node.node_id = snapshot.node.node_id;
        node.listen = snapshot.net.listen_addr;
        assert!(!node.listen.is_empty(), "the LAN transport listens");
        node
    }

    /// `id@addr`, as another node's `net.peers` names this one.
    pub fn peer_entry(&self) -> String {
        format!("{}@{}", self.node_id, self.listen)
    }

    pub fn snapshot(&self) -> Snapshot {
        let body = ureq::get(format!("{}/api/v1/snapshot", self.api))
            .header("Authorization", &format!("Bearer {}", self.token))
            .call()
            .expect("snapshot")
            .body_mut()
            .read_to_string()
            .unwrap();
        serde_json::from_str(&body).unwrap()
    }

    /// The table `id` as this node shows it.
    pub fn table(&self, id: &str) -> Option<TableSummary> {
        self.snapshot().game.tables.into_iter().find(|t| t.table_id == id)
    }

    /// Posts a command: (HTTP status, body).
    pub fn command(&self, command: &ApiCommand) -> (u16, String) {
        let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
        let mut response = agent
            .post(format!("{}/api/v1/commands", self.api))
            .header("Authorization", &format!("Bearer {}", self.token))
            .send_json(command)
            .expect("command request completes");
        (response.status().as_u16(), response.body_mut().read_to_string().unwrap_or_default())
    }

    /// SIGTERM, then waits (kills after 5 s).
    pub fn stop(mut self) -> PathBuf {
        #[cfg(unix)]
        {
            let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline {
                if self.child.try_wait().ok().flatten().is_some() {
                    return self.data_dir.clone();
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.data_dir.clone()
    }
}

impl Drop for NodeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `check` every 50 ms until it holds or `timeout` passes.
pub fn wait_for(what: &str, timeout: Duration, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if check() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("timed out after {timeout:?} waiting for {what}");
}

/// Every ledger balance of a stopped node's database, escrow named without its local row id.
pub fn ledger(data_dir: &Path) -> BTreeMap<String, i64> {
    let db = rusqlite::Connection::open(data_dir.join("bitcraps.sqlite3")).unwrap();
    bitcraps_ledger::check::check_store(&db).expect("the start-up check passes");
    let mut stmt = db.prepare("SELECT account, balance FROM accounts").unwrap();
    stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .map(|(account, balance)| (if account.starts_with("escrow:") { "escrow".into() } else { account }, balance))
        .collect()
}

/// One line per node: the table's round, phase, seats and consensus counters (for failure messages).
pub fn describe(nodes: &[NodeProcess], table: &str) -> String {
    nodes
        .iter()
        .map(|n| {
            let s = n.snapshot();
            let c = &s.game.consensus;
            match s.game.tables.iter().find(|t| t.table_id == table) {
                Some(t) => format!(
                    "{}: round {} {} seated {} joined {} final {} failed {} peers {}",
                    &n.node_id[..8],
                    t.round,
                    t.round_phase,
                    t.seated,
                    t.joined,
                    c.rounds_final,
                    c.attempts_failed,
                    s.net.peers.len()
                ),
                None => format!("{}: no table", &n.node_id[..8]),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Multi-process mesh tests take turns: each starts several nodes, and timing assertions (a partition heals within
/// 5 s) must not depend on how many other node processes share the machine's cores at that moment.
pub fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());
    TURN.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// An in-process LAN transport (key from `seed`) linked to `node`: its key, the link's handle, the transport's
/// events (queue of `capacity`) and the sender that stops it.
pub async fn lan_link_to(
    seed: u8,
    node: &NodeProcess,
    capacity: usize,
) -> (
    ed25519_dalek::SigningKey,
    LinkHandle,
    tokio::sync::mpsc::Receiver<TransportEvent>,
    tokio::sync::watch::Sender<bool>,
) {
    let key = ed25519_dalek::SigningKey::from_bytes(&[seed; 32]);
    let config = NetConfig {
        listen: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        peers: vec![node.peer_entry()],
        mdns: false,
        ..NetConfig::default()
    };
    let transport = LanTransport::bind(&config, key.clone()).unwrap();
    let (tx, mut events) = tokio::sync::mpsc::channel(capacity);
    let (stop, shutdown) = tokio::sync::watch::channel(false);
    tokio::spawn(Box::new(transport).run(tx, BanList::default(), shutdown));
    let handle = loop {
        match tokio::time::timeout(Duration::from_secs(10), events.recv()).await.unwrap().unwrap() {
            TransportEvent::Up { handle, .. } => break handle,
            _ => continue,
        }
    };
    (key, handle, events, stop)
}
