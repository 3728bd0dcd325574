//! `bitcraps-cli journal replay --table ID`: recomputes a mesh table from the signed messages in the data dir's
//! journal ([`bitcraps_table::replay`]) and compares every round with what SQLite holds: the dice and
//! state hash in `mesh_rounds` and the dice of the table's `rolls` row of the same number.
//!
//! Exit code: 0 when every round matches, 1 on any mismatch, 2 when the replay itself fails (a bad argument, an
//! unknown table, an unreadable journal or database, a journal that does not replay).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use anyhow::{Context, anyhow};
use bitcraps_node::paths;
use bitcraps_table::replay::{ReplayedRound, replay_table};
use bitcraps_wire::{SignedMessage, TableId};
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use serde::Serialize;

/// Options of `journal replay`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The table's mesh id (32 hex digits, as the API shows it).
    #[arg(long)]
    pub table: String,
    /// The node's data dir (default: the per-OS data dir).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// The node's config file, for `consensus.agreement_threshold` (default: the per-OS config file).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// One round compared: the journal's replay against SQLite.
#[derive(Debug, Serialize)]
struct RoundReport {
    round: u64,
    /// `None` when the round is in SQLite only.
    attempt: Option<u32>,
    dice: Option<(u8, u8)>,
    state_hash: Option<String>,
    withheld: Vec<String>,
    settlements: Option<usize>,
    house_delta: Option<i64>,
    ok: bool,
    /// What differs (empty when `ok`).
    problems: Vec<String>,
}

/// The whole comparison.
#[derive(Debug, Serialize)]
struct Report {
    table: String,
    rounds: Vec<RoundReport>,
    matched: usize,
    mismatched: usize,
}

/// A `mesh_rounds` row: dice and state hash.
type MeshRound = ((i64, i64), Vec<u8>);

/// Runs the replay; `Ok(true)` when every round matches.
pub fn run(args: &Args) -> anyhow::Result<bool> {
    let table = TableId::from_hex(&args.table)
        .ok_or_else(|| anyhow!("--table must be 32 hex digits (a mesh table id), not {:?}", args.table))?;
    let options = bitcraps_node::resolve_options(args.config.as_deref(), args.data_dir.as_deref())?;
    let db_path = options.data_dir.join(paths::DB_FILE);
    let db = Connection::open_with_flags(&db_path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .with_context(|| format!("opening the database {} read-only", db_path.display()))?;
    let local: i64 = db
        .query_row("SELECT local_id FROM mesh_tables WHERE mesh_id = ?1", params![table.to_hex()], |r| r.get(0))
        .optional()
        .with_context(|| format!("reading mesh_tables of {}", db_path.display()))?
        .ok_or_else(|| anyhow!("unknown table {table}: {} has no such mesh table", db_path.display()))?;
    let messages = read_journal(&options.data_dir.join(paths::JOURNAL_DIR))?;
    let replayed = replay_table(table, messages, &options.config.consensus)
        .with_context(|| format!("replaying table {table} from the journal"))?;
    let mesh_rounds = mesh_rounds(&db, &table)?;
    let rolls = rolls(&db, local)?;
    let report = compare(&table, &replayed, &mesh_rounds, &rolls);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", render(&report));
    }
    Ok(report.mismatched == 0)
}

/// Every record of the journal in `dir`, decoded.
fn read_journal(dir: &std::path::Path) -> anyhow::Result<Vec<SignedMessage>> {
    let shown = dir.display();
    let mut messages = Vec::new();
    for record in bitcraps_journal::replay(dir).with_context(|| format!("opening the journal {shown}"))? {
        let record = record.with_context(|| format!("reading the journal {shown}"))?;
        let message = postcard::from_bytes(&record.payload)
            .with_context(|| format!("journal record {} is not a signed message", record.seq))?;
        messages.push(message);
    }
    Ok(messages)
}

/// The table's `mesh_rounds` rows by round.
fn mesh_rounds(db: &Connection, table: &TableId) -> anyhow::Result<BTreeMap<u64, MeshRound>> {
    let mut stmt = db.prepare("SELECT round, d1, d2, state_hash FROM mesh_rounds WHERE mesh_id = ?1")?;
    let rows = stmt.query_map(params![table.to_hex()], |r| {
        Ok((r.get::<_, i64>(0)?, (r.get::<_, i64>(1)?, r.get::<_, i64>(2)?), r.get::<_, Vec<u8>>(3)?))
    })?;
    let mut out = BTreeMap::new();
    for row in rows {
        let (round, dice, hash) = row.context("reading mesh_rounds")?;
        let round = u64::try_from(round).map_err(|_| anyhow!("mesh_rounds has a negative round {round}"))?;
        out.insert(round, (dice, hash));
    }
    Ok(out)
}

/// The dice of the table's `rolls` rows by roll number.
fn rolls(db: &Connection, local: i64) -> anyhow::Result<BTreeMap<u64, (i64, i64)>> {
    let mut stmt = db.prepare("SELECT roll_number, d1, d2 FROM rolls WHERE table_id = ?1")?;
    let rows = stmt.query_map(params![local], |r| Ok((r.get::<_, i64>(0)?, (r.get(1)?, r.get(2)?))))?;
    let mut out = BTreeMap::new();
    for row in rows {
        let (number, dice) = row.context("reading rolls")?;
        let number = u64::try_from(number).map_err(|_| anyhow!("rolls has a negative roll number {number}"))?;
        out.insert(number, dice);
    }
    Ok(out)
}

/// Round by round over every round any of the three sources has.
fn compare(
    table: &TableId,
    replayed: &[ReplayedRound],
    mesh_rounds: &BTreeMap<u64, MeshRound>,
    rolls: &BTreeMap<u64, (i64, i64)>,
) -> Report {
    let journal: BTreeMap<u64, &ReplayedRound> = replayed.iter().map(|r| (r.round, r)).collect();
    let numbers: BTreeSet<u64> = journal.keys().chain(mesh_rounds.keys()).chain(rolls.keys()).copied().collect();
    let mut rounds = Vec::with_capacity(numbers.len());
    for number in numbers {
        let mut problems = Vec::new();
        let replay = journal.get(&number).copied();
        let dice = replay.map(|r| (i64::from(r.dice.0), i64::from(r.dice.1)));
        match (replay, mesh_rounds.get(&number)) {
            (None, _) => problems.push("not in the journal".to_owned()),
            (Some(_), None) => problems.push("no mesh_rounds row".to_owned()),
            (Some(r), Some((stored_dice, hash))) => {
                if dice != Some(*stored_dice) {
                    problems.push(format!("mesh_rounds dice {}+{}", stored_dice.0, stored_dice.1));
                }
                if hash.as_slice() != r.state_hash.as_slice() {
                    problems.push(format!("mesh_rounds state_hash {}", hex::encode(hash)));
                }
            }
        }
        match rolls.get(&number) {
            None => problems.push("no rolls row".to_owned()),
            Some(stored) if replay.is_some() && dice != Some(*stored) => {
                problems.push(format!("rolls dice {}+{}", stored.0, stored.1));
            }
            Some(_) => {}
        }
        rounds.push(RoundReport {
            round: number,
            attempt: replay.map(|r| r.attempt),
            dice: replay.map(|r| r.dice),
            state_hash: replay.map(|r| hex::encode(r.state_hash)),
            withheld: replay.map(|r| r.withheld.iter().map(|n| n.to_hex()).collect()).unwrap_or_default(),
            settlements: replay.map(|r| r.settlements),
            house_delta: replay.map(|r| r.house_delta),
            ok: problems.is_empty(),
            problems,
        });
    }
    let matched = rounds.iter().filter(|r| r.ok).count();
    let mismatched = rounds.len() - matched;
    Report { table: table.to_hex(), rounds, matched, mismatched }
}

/// The report as an aligned text table and a summary line.
fn render(report: &Report) -> String {
    let mut out = format!(
        "{:>7}  {:>7}  {:<4}  {:<16}  {:>7}  {:>8}  journal vs SQLite\n",
        "round", "attempt", "dice", "state hash", "settled", "house"
    );
    for r in &report.rounds {
        let dash = || "-".to_owned();
        let verdict = if r.ok { "ok".to_owned() } else { format!("MISMATCH: {}", r.problems.join("; ")) };
        out.push_str(&format!(
            "{:>7}  {:>7}  {:<4}  {:<16}  {:>7}  {:>8}  {verdict}\n",
            r.round,
            r.attempt.map_or_else(dash, |a| a.to_string()),
            r.dice.map_or_else(dash, |(d1, d2)| format!("{d1}+{d2}")),
            r.state_hash.as_ref().map_or_else(dash, |h| h.chars().take(16).collect()),
            r.settlements.map_or_else(dash, |s| s.to_string()),
            r.house_delta.map_or_else(dash, |d| format!("{d:+}")),
        ));
    }
    let house: i64 = report.rounds.iter().filter_map(|r| r.house_delta).sum();
    out.push_str(&format!(
        "table {}: {} rounds, {} ok, {} MISMATCH (house {house:+} over the replayed rounds)\n",
        report.table,
        report.rounds.len(),
        report.matched,
        report.mismatched
    ));
    out
}
