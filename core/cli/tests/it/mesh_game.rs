//! Eight `bitcraps-node` processes on loopback play one table over the mesh: one hosts, seven join, 200+ rolls
//! of random bets; afterwards every node's ledger is the same, supply is conserved, and every start-up check
//! passes.

use std::time::Duration;

use bitcraps_api::{Command, HostTable};
use rand::{Rng, SeedableRng};

use crate::mesh_support::{NodeProcess, describe, ledger, mesh_config, wait_for};

const NODES: usize = 8;
const ROLLS: u64 = 200;
const BUY_IN: u64 = 100_000;
const KINDS: [&str; 8] = ["field", "pass", "dont_pass", "place_6", "place_8", "any_7", "come", "hard_8"];

/// Hosts a table on `host` and returns its id.
pub fn host_table(host: &NodeProcess, roll_interval_ms: u32) -> String {
    let table = HostTable {
        min_bet: 1,
        max_bet: 1_000,
        buy_in: BUY_IN,
        max_buy_in: BUY_IN,
        max_seats: 8,
        roll_interval_ms,
        ..HostTable::default()
    };
    let (status, body) = host.command(&Command::HostTable { table });
    assert_eq!(status, 200, "{body}");
    let id = host.snapshot().game.tables[0].table_id.clone();
    assert!(body.contains(&id), "{body}");
    id
}

/// Joins every node to `table` and waits until all are seated everywhere.
pub fn join_all(nodes: &[NodeProcess], table: &str) {
    for node in nodes {
        wait_for("the table advert", Duration::from_secs(10), || node.table(table).is_some());
        if !node.table(table).unwrap().joined {
            let (status, body) = node.command(&Command::JoinTable { table_id: table.to_owned(), buy_in: BUY_IN });
            assert_eq!(status, 200, "{body}");
        }
    }
    for node in nodes {
        wait_for("every player seated", Duration::from_secs(20), || {
            node.table(table).is_some_and(|t| t.seated as usize == nodes.len())
        });
    }
}

/// Starts `n` nodes, each linked to the first and to the previous one.
pub fn start_mesh(root: &std::path::Path, n: usize, extra: &str) -> Vec<NodeProcess> {
    let mut nodes: Vec<NodeProcess> = Vec::with_capacity(n);
    for i in 0..n {
        let mut peers = Vec::new();
        if i > 0 {
            peers.push(nodes[0].peer_entry());
        }
        if i > 1 {
            peers.push(nodes[i - 1].peer_entry());
        }
        nodes.push(NodeProcess::start(&root.join(format!("node{i}")), &mesh_config(&peers, extra)));
    }
    nodes
}

#[test]
fn eight_processes_play_two_hundred_rolls_and_end_with_identical_ledgers() {
    let _turn = crate::mesh_support::one_at_a_time();
    let root = tempfile::tempdir().unwrap();
    let nodes = start_mesh(root.path(), NODES, "");
    wait_for("a linked mesh", Duration::from_secs(20), || nodes.iter().all(|n| !n.snapshot().net.peers.is_empty()));
    let table = host_table(&nodes[0], 100);
    join_all(&nodes, &table);
    let start = nodes[0].table(&table).unwrap().round;
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let mut accepted = 0;
    while nodes[0].table(&table).unwrap().round < start + ROLLS {
        for node in &nodes {
            if rng.gen_bool(0.5) {
                let kind = KINDS[rng.gen_range(0..KINDS.len())].to_owned();
                let command = Command::PlaceBet { table_id: table.clone(), kind, amount: rng.gen_range(1..=50) * 6 };
                let (status, _) = node.command(&command);
                accepted += usize::from(status == 200);
            }
        }
        std::thread::sleep(Duration::from_millis(60));
    }
    assert!(accepted > 100, "bets were placed ({accepted})");
    // Let every node reach the same final round, then stop them all.
    for node in &nodes {
        let _ = node.command(&Command::LeaveTable { table_id: table.clone() });
    }
    let left = std::time::Instant::now();
    while !nodes.iter().all(|n| n.table(&table).is_some_and(|t| t.seated == 0)) {
        assert!(left.elapsed() < Duration::from_secs(45), "not everyone left:\n{}", describe(&nodes, &table));
        std::thread::sleep(Duration::from_millis(50));
    }
    let rounds: Vec<u64> = nodes.iter().map(|n| n.table(&table).unwrap().round).collect();
    wait_for("the same round everywhere", Duration::from_secs(10), || {
        let r: Vec<u64> = nodes.iter().map(|n| n.table(&table).unwrap().round).collect();
        r.iter().all(|x| *x == r[0])
    });
    let hashes: Vec<String> = nodes.iter().map(|n| n.table(&table).unwrap().state_hash).collect();
    assert!(hashes.iter().all(|h| *h == hashes[0]), "one state hash: {hashes:?} (rounds {rounds:?})");
    let dirs: Vec<_> = nodes.into_iter().map(NodeProcess::stop).collect();
    let ledgers: Vec<_> = dirs.iter().map(|d| ledger(d)).collect();
    for (i, l) in ledgers.iter().enumerate() {
        assert_eq!(l, &ledgers[0], "node {i}'s ledger differs from node 0's");
    }
    let supply: i64 = ledgers[0].values().sum();
    assert_eq!(supply, 0, "balances sum to zero");
    assert_eq!(ledgers[0]["mint"], -((NODES as i64) * BUY_IN as i64), "minted exactly the buy-ins");
    assert!(ledgers[0].get("house").is_some_and(|h| *h != 0), "money moved");
}
