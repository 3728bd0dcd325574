//! A real game for the end-to-end tests: nodes on loopback (no mDNS, static peers), one hosts a table through the
//! control API, the others join, everyone bets, the dice roll until every player's chips moved. Shared by the game
//! test and the screenshots.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use serde_json::{Value, json};

use super::support::{RunningNode, binary, fresh_dir, http_post, snapshot, start_node, wait_for};

/// Chips every player brings to the test table.
pub const BUY_IN: u64 = 1_000;

/// The `[net]` part of a node's config: the mesh on loopback at `listen`, mDNS off, `peers` dialled; a fast sampler
/// so the plots fill quickly.
pub fn mesh_config(listen: &str, peers: &[String]) -> String {
    let peers = peers.iter().map(|p| format!("{p:?}")).collect::<Vec<_>>().join(", ");
    format!(
        "[sampler]\ninterval_ms = 200\n[net]\nlisten = {listen:?}\nmdns = false\npeers = [{peers}]\n\
         keepalive_ms = 500\nidle_timeout_ms = 3000\nreconnect_min_ms = 50\nreconnect_max_ms = 500\n"
    )
}

/// Starts a headless node in a fresh `target/e2e/<name>` on loopback, dialling `peers`, with `extra` appended to
/// its config; returns its data dir and the node.
pub fn start_peer(name: &str, peers: &[String], extra: &str) -> anyhow::Result<(PathBuf, RunningNode)> {
    let dir = fresh_dir(name)?;
    let config = dir.join("config.toml");
    std::fs::write(&config, mesh_config("127.0.0.1:0", peers) + extra)?;
    let node = start_node(&binary("bitcraps-node")?, &dir, &config, |_| {})?;
    Ok((dir, node))
}

/// A free TCP port on loopback.
pub fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A node at the table, reached through its control API.
#[derive(Clone, Debug)]
pub struct Player {
    /// What failure messages call it.
    pub name: String,
    pub api_url: String,
    pub token: String,
    pub node_id: String,
}

impl Player {
    /// The player `name` playing through `node`'s API.
    pub fn of(name: String, node: &RunningNode) -> Self {
        Self { name, api_url: node.api_url.clone(), token: node.token.clone(), node_id: node.node_id.clone() }
    }

    /// Posts a command; an answer other than 200 is an error with the node's explanation.
    pub fn command(&self, command: &Value) -> anyhow::Result<Value> {
        let url = format!("{}/api/v1/commands", self.api_url);
        let (status, body) = http_post(&url, &self.token, &command.to_string())?;
        if status != 200 {
            bail!("{} refused {command}: {status} {body}", self.name);
        }
        Ok(serde_json::from_str(&body).unwrap_or(Value::Null))
    }

    pub fn snapshot(&self) -> anyhow::Result<Value> {
        snapshot(&self.api_url, &self.token).with_context(|| format!("the snapshot of {}", self.name))
    }

    /// The table `table_id` as this node shows it.
    pub fn table(&self, table_id: &str) -> Option<Value> {
        let snapshot = self.snapshot().ok()?;
        snapshot["game"]["tables"].as_array()?.iter().find(|t| t["table_id"] == table_id).cloned()
    }

    /// This node's chips at `table_id` (not counting open bets), if it is seated there.
    pub fn chips(&self, table_id: &str) -> Option<u64> {
        seat_chips(&self.table(table_id)?, &self.node_id)
    }
}

/// `node_id`'s chips in a table summary (JSON), if seated.
pub fn seat_chips(table: &Value, node_id: &str) -> Option<u64> {
    table["players"].as_array()?.iter().find(|p| p["node_id"] == node_id)?["balance"].as_u64()
}

/// Waits until every player has `count` linked peers.
pub fn wait_linked(players: &[Player], count: usize) -> anyhow::Result<()> {
    for player in players {
        wait_for(&format!("{} to link {count} peers", player.name), Duration::from_secs(30), || {
            let peers = player.snapshot().ok()?["net"]["peers"].as_array()?.len();
            (peers >= count).then_some(())
        })?;
    }
    Ok(())
}

/// `host` opens a table (rolls every `roll_interval_ms`), every other player joins; returns the table id once all
/// are seated everywhere.
pub fn host_and_join(host: &Player, others: &[Player], roll_interval_ms: u32) -> anyhow::Result<String> {
    let table = json!({ "min_bet": 5, "max_bet": 500, "buy_in": BUY_IN, "max_buy_in": BUY_IN, "max_seats": 8,
                        "roll_interval_ms": roll_interval_ms });
    host.command(&json!({ "type": "host_table", "table": table }))?;
    let table_id = wait_for(&format!("{} to list its table", host.name), Duration::from_secs(10), || {
        Some(host.snapshot().ok()?["game"]["tables"].get(0)?["table_id"].as_str()?.to_owned())
    })?;
    for player in others {
        wait_for(&format!("{} to see the table advert", player.name), Duration::from_secs(30), || {
            player.table(&table_id)
        })?;
        player.command(&json!({ "type": "join_table", "table_id": table_id, "buy_in": BUY_IN }))?;
    }
    let seats = others.len() + 1;
    for player in std::iter::once(host).chain(others) {
        wait_for(&format!("{} to see {seats} players seated", player.name), Duration::from_secs(45), || {
            (player.table(&table_id)?["seated"].as_u64()? == seats as u64).then_some(())
        })?;
    }
    Ok(table_id)
}

/// Every round, each player bets the field (it settles on every roll) and, until one is taken, the pass line (refused
/// while a point is on), until the dice moved every player's chips away from the buy-in. Returns the number of
/// rolls played meanwhile.
pub fn play_until_chips_move(players: &[Player], table_id: &str) -> anyhow::Result<u64> {
    let round = |p: &Player| p.table(table_id).and_then(|t| t["round"].as_u64());
    let first_round = round(&players[0]).context("the table's round")?;
    let mut on_pass_line = vec![false; players.len()];
    let mut last_bet_round = None;
    let outcome = wait_for("every player's chips to move after a roll", Duration::from_secs(60), || {
        let current = round(&players[0])?;
        let moved = players.iter().all(|p| p.chips(table_id).is_some_and(|c| c != BUY_IN));
        if moved && current > first_round {
            return Some(current - first_round);
        }
        if last_bet_round != Some(current) {
            last_bet_round = Some(current);
            for (player, on_pass) in players.iter().zip(on_pass_line.iter_mut()) {
                let bet = |kind: &str, amount: u64| {
                    player.command(&json!({ "type": "place_bet", "table_id": table_id, "kind": kind,
                                            "amount": amount }))
                };
                if !*on_pass {
                    *on_pass = bet("pass", 10).is_ok();
                }
                // Refused while the previous field bet is still open: the next round tries again.
                let _ = bet("field", 5);
            }
        }
        None
    });
    outcome.map_err(|e| {
        let chips: Vec<String> = players.iter().map(|p| format!("{}: {:?}", p.name, p.chips(table_id))).collect();
        e.context(format!("chips now {}", chips.join(", ")))
    })
}
