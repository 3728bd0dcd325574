//! Crash safety: a child process plays rolls on a database and is killed with SIGKILL at a random point, 100
//! times. After each kill the database passes `PRAGMA integrity_check`, the ledger invariant and the start-up
//! check (which proves every roll is stored completely or not at all), and every roll the child reported as
//! committed is there. At the end a real node starts on the same data dir.
//!
//! The child is this test binary itself, re-executed to run the ignored test [`crash_child`] with the database
//! path in [`CHILD_DB`]: no extra binary, and the child plays through exactly the library code the node uses.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use bitcraps_ledger::GameTable;
use bitcraps_ledger::check::check_store;
use bitcraps_node::{Config, Node, NodeOptions};
use bitcraps_rules::{BetKind, CommissionPolicy, Dice, PlayerId, TableRules};
use bitcraps_storage::craps_tables;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::game_support::{BANK, funded_table, open_db};

/// The database the child plays on; without it [`crash_child`] does nothing.
const CHILD_DB: &str = "BITCRAPS_CRASH_CHILD_DB";
/// The child's random seed.
const CHILD_SEED: &str = "BITCRAPS_CRASH_CHILD_SEED";
const READY: &str = "crash-child-ready";
const PLAYERS: u64 = 4;
const PLAYER_FUNDS: u64 = 1_000_000;
const RUNS: u64 = 100;

#[test]
#[ignore = "the crash test's child process: crash::sigkill_at_random_points_leaves_every_roll_whole runs it"]
fn crash_child() {
    let Some(db) = std::env::var_os(CHILD_DB) else { return };
    let seed: u64 = std::env::var(CHILD_SEED).unwrap().parse().unwrap();
    let mut conn = open_db(Path::new(&db));
    let id = craps_tables::ids(&conn).unwrap()[0];
    let mut game = GameTable::load(&conn, id).unwrap();
    let mut rng = StdRng::seed_from_u64(seed);
    let kinds = BetKind::all();
    println!("{READY}");
    for now in 0u64.. {
        for p in 0..PLAYERS {
            let who = PlayerId(p);
            if rng.gen_bool(0.7) {
                let kind = kinds[rng.gen_range(0..kinds.len())];
                let roll = game.table().open_roll();
                let _refused_or_placed = game.place_bet(&mut conn, who, kind, rng.gen_range(1..15) * 20, roll, now);
            }
            let mine: Vec<_> = game.table().bets().iter().filter(|b| b.player == who).map(|b| b.id).collect();
            if !mine.is_empty() && rng.gen_bool(0.1) {
                let _refused_or_removed = game.remove_bet(&mut conn, who, mine[rng.gen_range(0..mine.len())], now);
            }
        }
        let dice = Dice::new(rng.gen_range(1..=6), rng.gen_range(1..=6)).unwrap();
        let outcome = game.roll(&mut conn, dice, now).unwrap();
        println!("committed {}", outcome.roll_number);
    }
}

#[test]
fn sigkill_at_random_points_leaves_every_roll_whole() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(bitcraps_node::paths::DB_FILE);
    {
        let mut conn = open_db(&path);
        let rules = TableRules { commission: CommissionPolicy::Upfront, ..TableRules::default() };
        funded_table(&mut conn, rules, &[PLAYER_FUNDS; PLAYERS as usize]);
    }
    let minted = i128::from(BANK) + i128::from(PLAYER_FUNDS * PLAYERS);
    let mut rng = StdRng::seed_from_u64(0x00c0_ffee);
    let mut stored_rolls = 0;
    for run in 0..RUNS {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["crash::crash_child", "--exact", "--ignored", "--nocapture", "--test-threads", "1"])
            .env(CHILD_DB, &path)
            .env(CHILD_SEED, run.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Drain the child's stdout on a thread (a full pipe would stall it): READY (after libtest's "test ... "), then
        // the last committed roll.
        let stdout = child.stdout.take().unwrap();
        let (ready_tx, ready_rx) = mpsc::channel();
        let reader = std::thread::Builder::new()
            .name("crash-child-stdout".into())
            .spawn(move || {
                let mut last_committed = None;
                for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                    if line.ends_with(READY) {
                        let _ = ready_tx.send(());
                    } else if let Some(n) = line.strip_prefix("committed ") {
                        last_committed = Some(n.parse::<usize>().unwrap());
                    }
                }
                last_committed
            })
            .unwrap();
        ready_rx.recv_timeout(Duration::from_secs(20)).expect("the child starts playing");
        std::thread::sleep(Duration::from_micros(rng.gen_range(0..40_000)));
        child.kill().unwrap(); // SIGKILL on Unix
        let status = child.wait().unwrap();
        assert!(!status.success(), "run {run}: the child was killed, not finished");
        let last_committed = reader.join().unwrap();

        let conn = open_db(&path);
        let integrity: String = conn.query_row("PRAGMA integrity_check", [], |row| row.get(0)).unwrap();
        assert_eq!(integrity, "ok", "run {run}");
        let report = check_store(&conn).unwrap_or_else(|e| panic!("run {run}: {e}"));
        assert_eq!(report.minted, minted, "run {run}");
        if let Some(n) = last_committed {
            assert!(report.rolls > n, "run {run}: roll {n} was reported committed but {} are stored", report.rolls);
        }
        assert!(report.rolls >= stored_rolls, "run {run}: committed rolls vanished");
        stored_rolls = report.rolls;
    }
    assert!(stored_rolls >= RUNS as usize, "the children played ({stored_rolls} rolls)");

    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let node = Node::start(NodeOptions { config: Config::default(), data_dir: dir.path().to_owned() })
            .await
            .expect("a node starts on the crashed data dir");
        node.shutdown().await.unwrap();
    });
    let took = started.elapsed();
    println!("crash test: {RUNS} SIGKILLs, {stored_rolls} rolls stored, {took:?}");
    assert!(took < Duration::from_secs(60), "the crash test took {took:?}");
}
