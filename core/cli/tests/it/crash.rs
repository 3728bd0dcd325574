//! Crash safety of the mesh commit path: three `bitcraps-node` processes play one table over loopback while a
//! bettor thread keeps bets coming on every node, and one of them (the victim) is killed with SIGKILL 100 times:
//! half of the kills at a random moment of a round, half aimed at `bitcraps_table::store::commit_round` (after
//! the victim's journal grows with a final round, once its SQLite write transaction is open, plus a random
//! fraction of a millisecond). After each kill, with the process dead, its database passes
//! `PRAGMA integrity_check`, the start-up check (ledger invariant, escrow = open bets, every roll whole) and
//! [`check_dead_db`] (every stored round whole, nothing of a round that is not stored), and holds at least as many
//! final rounds as at the previous kill; then the victim restarts on the same data dir and must play again (a
//! round goes final with its signature) before the next kill. At the end every node agrees on the table: state
//! hash, every round, every ledger balance.
//!
//! The kill moments come from a seeded RNG; the seed is printed, and `BITCRAPS_CRASH_SEED` replays one. Where a
//! kill landed is measured: in an open SQLite write transaction of the victim (its WAL write lock, listed in
//! `/proc/<pid>/fdinfo` on Linux) and between its journal append and its SQLite commit (the journal holds a round
//! SQLite does not).

#![cfg(unix)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use bitcraps_api::Command;
use bitcraps_ledger::Reason;
use bitcraps_ledger::check::check_store;
use bitcraps_table::state::TableState;
use bitcraps_wire::{NodeId, Payload, SignedMessage, TableId};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rusqlite::{Connection, OpenFlags, params};

use crate::mesh_game::{host_table, join_all, start_mesh};
use crate::mesh_support::{NodeProcess, describe, ledger, mesh_config, wait_for};

const KILLS: usize = 100;
const NODES: usize = 3;
/// The victim: the last node, whose static peers are all the others (it dials them again after each restart).
const VICTIM: usize = NODES - 1;
const ROLL_INTERVAL_MS: u32 = 100;
const BUY_IN: u64 = 100_000;
/// Short phase timeouts, so a round waiting for the dead victim's commit or reveal does not hold the table long; a
/// victim killed between its commit and its reveal withholds and is unseated and banned (for the least ban, 1 s),
/// then rejoins.
const EXTRA: &str = "ban_secs = 1\n[consensus]\nround_timeout_ms = 300\nvalidator_timeout_ms = 200\n";
const KINDS: [&str; 7] = ["pass", "field", "dont_pass", "place_6", "place_8", "any_7", "come"];
const BET_EVERY: Duration = Duration::from_millis(40);
const SEED_VAR: &str = "BITCRAPS_CRASH_SEED";
const DB_FILE: &str = "bitcraps.sqlite3";

/// When a kill lands.
#[derive(Debug, Clone, Copy)]
enum Aim {
    /// This long after the victim is back at the table: anywhere in a round.
    Anywhere(Duration),
    /// This long after the victim's SQLite write transaction opens, following a journal append: in `commit_round`.
    Commit(Duration),
}

/// A thread that bets on every node every [`BET_EVERY`]; the victim's endpoint is replaced after each restart.
struct Bettor {
    endpoints: Arc<Mutex<Vec<(String, String)>>>,
    stop: Arc<AtomicBool>,
    thread: JoinHandle<usize>,
}

impl Bettor {
    fn start(nodes: &[NodeProcess], table: &str, seed: u64) -> Self {
        let all = nodes.iter().map(|n| (n.api.clone(), n.token.clone())).collect::<Vec<_>>();
        let endpoints = Arc::new(Mutex::new(all));
        let stop = Arc::new(AtomicBool::new(false));
        let (targets, stopped, table) = (Arc::clone(&endpoints), Arc::clone(&stop), table.to_owned());
        let thread = std::thread::Builder::new()
            .name("crash-bettor".into())
            .spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .timeout_global(Some(Duration::from_secs(2)))
                    .build()
                    .into();
                let mut rng = StdRng::seed_from_u64(seed);
                let mut accepted = 0;
                while !stopped.load(Ordering::Relaxed) {
                    let now: Vec<(String, String)> = targets.lock().unwrap().clone();
                    for (api, token) in now {
                        let kind = KINDS[rng.gen_range(0..KINDS.len())].to_owned();
                        let amount = rng.gen_range(1..=20) * 6;
                        let bet = Command::PlaceBet { table_id: table.clone(), kind, amount };
                        // A dead or restarting victim refuses the connection: skip it.
                        let sent = agent
                            .post(format!("{api}/api/v1/commands"))
                            .header("Authorization", &format!("Bearer {token}"))
                            .send_json(&bet);
                        accepted += usize::from(sent.is_ok_and(|r| r.status() == 200));
                    }
                    std::thread::sleep(BET_EVERY);
                }
                accepted
            })
            .unwrap();
        Self { endpoints, stop, thread }
    }

    fn set(&self, index: usize, node: &NodeProcess) {
        self.endpoints.lock().unwrap()[index] = (node.api.clone(), node.token.clone());
    }

    /// Stops the thread; how many bets the nodes accepted.
    fn stop(self) -> usize {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap()
    }
}

fn round(node: &NodeProcess, table: &str) -> u64 {
    node.table(table).map_or(0, |t| t.round)
}

/// Bytes in the journal's files: they grow when a final round (or an advert) is appended, just before
/// `commit_round`.
fn journal_bytes(data_dir: &Path) -> u64 {
    let Ok(files) = std::fs::read_dir(data_dir.join("journal")) else { return 0 };
    files.filter_map(Result::ok).filter_map(|f| f.metadata().ok()).map(|m| m.len()).sum()
}

/// The `/proc` entry listing the fcntl locks the victim holds on its `-shm` file (`/proc/<pid>/fdinfo/<fd>`, Linux;
/// `None` elsewhere). Reading it does not disturb the victim, unlike `/proc/locks`, whose every read blocks all
/// lock calls on the machine for a moment.
fn shm_locks(pid: u32) -> Option<PathBuf> {
    let shm = format!("{DB_FILE}-shm");
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?;
    let fd = fds.filter_map(Result::ok).find(|fd| std::fs::read_link(fd.path()).is_ok_and(|p| p.ends_with(&shm)))?;
    Some(PathBuf::from(format!("/proc/{pid}/fdinfo/{}", fd.file_name().to_string_lossy())))
}

/// Whether the victim holds SQLite's WAL write lock (byte 120 of the `-shm` file): a write transaction is open.
fn writing(shm_locks: Option<&Path>) -> bool {
    let Some(text) = shm_locks.and_then(|p| std::fs::read_to_string(p).ok()) else { return false };
    text.lines().filter(|l| l.starts_with("lock:")).any(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        f.len() >= 9 && f[2] == "POSIX" && f[4] == "WRITE" && f[7] == "120"
    })
}

/// Waits for the moment `aim` names, then SIGKILLs the victim; whether it had a write transaction open then.
fn kill_victim(victim: &mut NodeProcess, aim: Aim) -> bool {
    let dir = victim.data_dir.clone();
    let locks = shm_locks(victim.child.id());
    match aim {
        Aim::Anywhere(after) => std::thread::sleep(after),
        Aim::Commit(after) => {
            // `commit_round` opens its transaction a few milliseconds after the journal grows (the journal syncs
            // first) and holds it for a millisecond or so: poll tightly; if it slipped by, aim at the next round.
            for _ in 0..5 {
                let before = journal_bytes(&dir);
                let deadline = Instant::now() + Duration::from_secs(10);
                while journal_bytes(&dir) <= before {
                    assert!(Instant::now() < deadline, "the victim's journal did not grow within 10 s");
                    std::thread::sleep(Duration::from_micros(100));
                }
                let deadline = Instant::now() + Duration::from_millis(20);
                while locks.is_some() && !writing(locks.as_deref()) && Instant::now() < deadline {
                    std::thread::yield_now();
                }
                if locks.is_none() || Instant::now() < deadline {
                    break;
                }
            }
            std::thread::sleep(after);
        }
    }
    let in_transaction = writing(locks.as_deref());
    victim.child.kill().unwrap(); // SIGKILL
    victim.child.wait().unwrap();
    in_transaction
}

/// Rounds of `table` with messages in a dead node's journal (its highest round + 1).
fn journal_rounds(data_dir: &Path, table: &TableId) -> usize {
    let mut rounds = 0;
    for record in bitcraps_journal::replay(&data_dir.join("journal")).unwrap() {
        let record = record.expect("the journal reads (a torn tail is cut quietly)");
        let signed: SignedMessage = postcard::from_bytes(&record.payload).unwrap();
        if let Payload::Commit { table: t, round, .. }
        | Payload::Reveal { table: t, round, .. }
        | Payload::StateSig { table: t, round, .. } = signed.decode_unverified().unwrap().payload
            && t == *table
        {
            rounds = rounds.max(usize::try_from(round).unwrap() + 1);
        }
    }
    rounds
}

/// A `mesh_rounds` row as the check reads it.
struct RoundRow {
    attempt: u32,
    dice: (u8, u8),
    state_hash: Vec<u8>,
    revealers: usize,
    withheld: Vec<u8>,
    final_at_ms: i64,
}

/// What a dead victim's database holds.
#[derive(Debug, Clone, Copy, Default)]
struct Stored {
    rounds: usize,
    bets: usize,
    roll_entries: usize,
}

/// Checks the database of a dead node; what it holds. `commit_round` writes in one transaction the round's action
/// entries (stakes: bet id, no roll) and bet rows (`placed_for_roll` = the round), take-downs, the roll's entries
/// (`roll_number` = the round) and settlements, the `rolls` row, the engine state (open roll = the next round),
/// the agreed seats, balances and hash in `mesh_tables`, the `mesh_rounds` row and the round's signed messages,
/// every row stamped with the same time. So with `n` rounds stored:
/// - `mesh_rounds` and `rolls` hold exactly rounds `0..n`, with the same dice and time stamp each;
/// - each round's messages are there: the commits of its revealers and withholders, its revealers' reveals and
///   signatures on its state hash, all of that round and attempt; there is no message of a later round;
/// - every entry of a roll and every bet belongs to a stored round and carries that round's time stamp; every bet
///   has its stake entry of the same time and every stake entry its bet;
/// - the engine is at roll `n`, `mesh_tables` holds the last round's state hash, which is the hash of the stored
///   engine, seats and balances (`store::load` recomputes it), and those balances are the ledger's;
/// - and the start-up check passes: the ledger invariant, escrow = open bets, each roll's settlements and entries.
fn check_dead_db(data_dir: &Path, table: &TableId) -> Stored {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let db = Connection::open_with_flags(data_dir.join(DB_FILE), flags).unwrap();
    let integrity: String = db.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(integrity, "ok");
    let tables = bitcraps_table::store::load(&db).unwrap_or_else(|e| panic!("the stored state does not load: {e}"));
    assert_eq!(tables.len(), 1, "one mesh table");
    let state = &tables[0].0;
    assert_eq!(state.id, *table);
    let rounds = check_rounds(&db, state);
    let report = check_store(&db).unwrap_or_else(|e| panic!("the start-up check fails: {e}"));
    assert_eq!(report.rolls, rounds.len(), "one roll per stored round");
    check_messages(&db, table, &rounds);
    let (bets, roll_entries) = check_bets_and_entries(&db, state.local.0, &rounds);
    let accounts: BTreeMap<String, i64> =
        query(&db, "SELECT account, balance FROM accounts", [], |r| Ok((r.get(0)?, r.get(1)?))).into_iter().collect();
    for (account, balance) in state.book.balances() {
        let stored = accounts.get(&account.to_string()).copied().unwrap_or(0);
        assert_eq!(stored, balance, "{account}: the ledger's balance and the stored state's");
    }
    Stored { rounds: rounds.len(), bets, roll_entries }
}

/// `mesh_rounds` and `rolls` against each other and against the stored state.
fn check_rounds(db: &Connection, state: &TableState) -> Vec<RoundRow> {
    let sql = "SELECT round, attempt, d1, d2, state_hash, revealers, withheld, final_at_ms FROM mesh_rounds
               WHERE mesh_id = ?1 ORDER BY round";
    let rows = query(db, sql, params![state.id.to_hex()], |r| {
        let row = RoundRow {
            attempt: r.get(1)?,
            dice: (r.get(2)?, r.get(3)?),
            state_hash: r.get(4)?,
            revealers: usize::try_from(r.get::<_, i64>(5)?).unwrap(),
            withheld: r.get(6)?,
            final_at_ms: r.get(7)?,
        };
        Ok((r.get::<_, i64>(0)?, row))
    });
    let mut rounds = Vec::with_capacity(rows.len());
    for (i, (number, row)) in rows.into_iter().enumerate() {
        assert_eq!(number, i as i64, "mesh rounds are numbered without a gap");
        rounds.push(row);
    }
    assert_eq!(state.round(), rounds.len() as u64, "the engine is at the roll after the last stored round");
    if let Some(last) = rounds.last() {
        assert_eq!(state.hash.as_slice(), last.state_hash, "mesh_tables holds the last round's state");
    }
    let sql = "SELECT roll_number, d1, d2, at_ms FROM rolls WHERE table_id = ?1 ORDER BY roll_number";
    let rolls = query(db, sql, params![state.local.0], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?), r.get(3)?)));
    assert_eq!(rolls.len(), rounds.len(), "a roll row per stored round");
    for (row, (i, (roll, dice, at_ms))) in rounds.iter().zip(rolls.into_iter().enumerate()) {
        assert_eq!((roll, dice, at_ms), (i as i64, row.dice, row.final_at_ms), "roll {i} and its mesh round");
    }
    rounds
}

/// Each stored round's signed messages: there, of that round and attempt, and naming its view.
fn check_messages(db: &Connection, table: &TableId, rounds: &[RoundRow]) {
    let mut messages: BTreeMap<i64, Vec<SignedMessage>> = BTreeMap::new();
    let sql = "SELECT round, message FROM mesh_messages WHERE mesh_id = ?1 ORDER BY round, seq";
    for (round, bytes) in query(db, sql, params![table.to_hex()], |r| Ok((r.get(0)?, r.get::<_, Vec<u8>>(1)?))) {
        messages.entry(round).or_default().push(postcard::from_bytes(&bytes).unwrap());
    }
    let numbers: Vec<i64> = messages.keys().copied().collect();
    assert_eq!(numbers, (0..rounds.len() as i64).collect::<Vec<_>>(), "messages of exactly the stored rounds");
    for ((number, signed), row) in messages.into_iter().zip(rounds) {
        let slot = (*table, number as u64, row.attempt);
        let (mut commits, mut reveals, mut sigs) = (0, 0, 0);
        for message in signed {
            match message.decode_unverified().unwrap().payload {
                Payload::Commit { table, round, attempt, .. } if (table, round, attempt) == slot => commits += 1,
                Payload::Reveal { table, round, attempt, .. } if (table, round, attempt) == slot => reveals += 1,
                Payload::StateSig { table, round, attempt, state_hash, .. }
                    if (table, round, attempt) == slot && state_hash.as_slice() == row.state_hash =>
                {
                    sigs += 1;
                }
                other => panic!("round {number}: a stored message of another round or view: {other:?}"),
            }
        }
        let withheld: Vec<NodeId> = postcard::from_bytes(&row.withheld).unwrap();
        assert_eq!(commits, row.revealers + withheld.len(), "round {number}: its players' commits");
        assert_eq!(reveals, row.revealers, "round {number}: its revealers' reveals");
        assert!(sigs >= 1, "round {number}: no signature on its state");
    }
}

/// Bets and ledger entries of the table (local id `local`) against the stored rounds; (bets, roll entries).
fn check_bets_and_entries(db: &Connection, local: i64, rounds: &[RoundRow]) -> (usize, usize) {
    let final_at = |round: i64| usize::try_from(round).ok().and_then(|r| rounds.get(r)).map(|r| r.final_at_ms);
    let sql = "SELECT roll_number, at_ms FROM ledger_entries WHERE table_id = ?1 AND roll_number IS NOT NULL";
    let entries = query(db, sql, params![local], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)));
    for (roll, at_ms) in &entries {
        assert_eq!(final_at(*roll), Some(*at_ms), "an entry of roll {roll} is part of that stored round");
    }
    let sql = "SELECT bet_id, at_ms FROM ledger_entries WHERE table_id = ?1 AND reason = ?2";
    let stakes: BTreeMap<i64, i64> =
        query(db, sql, params![local, Reason::Stake.as_str()], |r| Ok((r.get(0)?, r.get(1)?))).into_iter().collect();
    let sql = "SELECT bet_id, placed_for_roll, placed_at_ms, settled_roll FROM bets WHERE table_id = ?1";
    let bets = query(db, sql, params![local], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?, r.get::<_, Option<i64>>(3)?))
    });
    for (bet, placed_for, placed_at, settled) in &bets {
        assert_eq!(final_at(*placed_for), Some(*placed_at), "bet {bet} is part of the stored round {placed_for}");
        assert_eq!(stakes.get(bet), Some(placed_at), "bet {bet} has its stake entry, of the same round");
        if let Some(roll) = settled {
            assert!(final_at(*roll).is_some(), "bet {bet} was settled by roll {roll}, which is not stored");
        }
    }
    assert_eq!(stakes.len(), bets.len(), "every stake entry has its bet");
    (bets.len(), entries.len())
}

fn query<T>(
    db: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Vec<T> {
    db.prepare(sql).unwrap().query_map(params, row).unwrap().map(Result::unwrap).collect()
}

/// Starts the victim again on its data dir and waits until it plays: seated (rejoining if it was unseated) and
/// every node past `stalled_at`, the highest round any node had reached (with three players, a round is final only
/// with the victim's signature). Whether it had to rejoin.
fn restart(nodes: &mut Vec<NodeProcess>, dir: &Path, config: &str, table: &str, kill: usize) -> bool {
    let stalled_at = nodes.iter().map(|n| round(n, table)).max().unwrap();
    nodes.push(NodeProcess::start(dir, config));
    let mut asked_join: Option<Instant> = None;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let t = nodes[VICTIM].table(table).expect("the restarted victim loads the table");
        if t.joined && nodes.iter().all(|n| round(n, table) > stalled_at) {
            return asked_join.is_some();
        }
        if !t.joined && asked_join.is_none_or(|at| at.elapsed() > Duration::from_secs(2)) {
            let (status, body) =
                nodes[VICTIM].command(&Command::JoinTable { table_id: table.to_owned(), buy_in: BUY_IN });
            assert!(status == 200 || asked_join.is_some(), "kill {kill}: rejoining: {body}");
            asked_join = Some(Instant::now());
        }
        assert!(
            Instant::now() < deadline,
            "kill {kill}: the victim did not get back to the table within 30 s (every node was at round \
             {stalled_at} or below when it restarted):\n{}",
            describe(nodes, table)
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn sigkill_in_commit_round_leaves_every_stored_round_whole() {
    let _turn = crate::mesh_support::one_at_a_time();
    let started = Instant::now();
    let seed = std::env::var(SEED_VAR).ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
    });
    println!("crash test: seed {seed} (replay with {SEED_VAR}={seed})");
    let mut rng = StdRng::seed_from_u64(seed);
    let root = tempfile::tempdir().unwrap();
    let mut nodes = start_mesh(root.path(), NODES, EXTRA);
    wait_for("a linked mesh", Duration::from_secs(20), || nodes.iter().all(|n| !n.snapshot().net.peers.is_empty()));
    let table_hex = host_table(&nodes[0], ROLL_INTERVAL_MS);
    let table = TableId::from_hex(&table_hex).unwrap();
    join_all(&nodes, &table_hex);
    let bettor = Bettor::start(&nodes, &table_hex, seed ^ 0xbe77);
    let first = round(&nodes[0], &table_hex);
    wait_for("rounds with bets", Duration::from_secs(20), || round(&nodes[0], &table_hex) >= first + 3);
    let dir = nodes[VICTIM].data_dir.clone();
    let config = mesh_config(&nodes[..VICTIM].iter().map(NodeProcess::peer_entry).collect::<Vec<_>>(), EXTRA);

    let mut last = Stored::default();
    let (mut aimed, mut in_transaction, mut journal_ahead, mut rejoined) = (0, 0, 0, 0);
    for kill in 0..KILLS {
        let aim = if rng.gen_bool(0.5) {
            aimed += 1;
            Aim::Commit(Duration::from_micros(rng.gen_range(0..400)))
        } else {
            Aim::Anywhere(Duration::from_micros(rng.gen_range(0..150_000)))
        };
        let mut victim = nodes.pop().unwrap();
        let writing = kill_victim(&mut victim, aim);
        drop(victim);
        let stored = check_dead_db(&dir, &table);
        assert!(
            stored.rounds >= last.rounds,
            "kill {kill}: committed rounds were lost: {} stored, {} at the previous kill",
            stored.rounds,
            last.rounds
        );
        let journaled = journal_rounds(&dir, &table);
        assert!(journaled >= stored.rounds, "kill {kill}: SQLite holds a round its journal does not");
        in_transaction += usize::from(writing);
        journal_ahead += usize::from(journaled > stored.rounds);
        println!(
            "kill {kill:3} {aim:?}: {} -> {} rounds stored, {} bets, {} roll entries; journal {journaled} rounds{}",
            last.rounds,
            stored.rounds,
            stored.bets,
            stored.roll_entries,
            if writing { "; in a write transaction" } else { "" }
        );
        last = stored;
        let back = restart(&mut nodes, &dir, &config, &table_hex, kill);
        rejoined += usize::from(back);
        bettor.set(VICTIM, &nodes[VICTIM]);
    }
    let accepted = bettor.stop();
    let agreed = finish(nodes, &table_hex, &table);
    let took = started.elapsed();
    println!(
        "crash test: {KILLS} SIGKILLs ({aimed} aimed at commit_round): {in_transaction} in an open SQLite write \
         transaction, {journal_ahead} between the journal append and the SQLite commit; {rejoined} rejoins; \
         {} rounds stored by the victim at its last kill, {agreed} final everywhere; {accepted} bets accepted; \
         {took:.1?} in all, {:.0?} per kill",
        last.rounds,
        took / KILLS as u32
    );
    assert!(accepted > 500, "bets were placed ({accepted})");
    assert!(journal_ahead >= KILLS / 10, "too few kills landed in the commit path ({journal_ahead})");
}

/// Everyone leaves; then every node shows one state hash, and, stopped, holds the same rounds and the same ledger
/// (which passes the start-up check and sums to zero). The number of rounds.
fn finish(nodes: Vec<NodeProcess>, table_hex: &str, table: &TableId) -> usize {
    for node in &nodes {
        let _ = node.command(&Command::LeaveTable { table_id: table_hex.to_owned() });
    }
    let left = Instant::now();
    loop {
        let tables: Vec<_> = nodes.iter().filter_map(|n| n.table(table_hex)).collect();
        if tables.len() == NODES && tables.iter().all(|t| t.seated == 0 && t.round == tables[0].round) {
            let hashes: Vec<&String> = tables.iter().map(|t| &t.state_hash).collect();
            assert!(hashes.iter().all(|h| *h == hashes[0]), "one state hash: {hashes:?}");
            break;
        }
        assert!(left.elapsed() < Duration::from_secs(30), "not everyone left:\n{}", describe(&nodes, table_hex));
        std::thread::sleep(Duration::from_millis(50));
    }
    let dirs: Vec<_> = nodes.into_iter().map(NodeProcess::stop).collect();
    let ledgers: Vec<_> = dirs.iter().map(|d| ledger(d)).collect();
    let rounds: Vec<_> = dirs.iter().map(|d| agreed_rounds(d, table)).collect();
    for i in 1..NODES {
        assert_eq!(ledgers[i], ledgers[0], "node {i}'s ledger differs from node 0's");
        assert!(rounds[i] == rounds[0], "node {i}'s rounds differ from node 0's");
    }
    assert_eq!(ledgers[0].values().sum::<i64>(), 0, "balances sum to zero");
    rounds[0].len()
}

/// A stored round as every node must have it: number, dice, state hash and withholders.
type AgreedRound = (i64, u8, u8, Vec<u8>, Vec<u8>);

/// Every stored round of `table` on a stopped node.
fn agreed_rounds(data_dir: &Path, table: &TableId) -> Vec<AgreedRound> {
    let db = Connection::open_with_flags(data_dir.join(DB_FILE), OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let sql = "SELECT round, d1, d2, state_hash, withheld FROM mesh_rounds WHERE mesh_id = ?1 ORDER BY round";
    query(&db, sql, params![table.to_hex()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
}
