//! The `mesh_rounds` and `mesh_messages` tables: every final round of a mesh table (dice, the agreed view, the
//! round latency here) and the signed messages that made it final (commits, reveals, state signatures), which
//! this node hands to peers that are catching up. `equivocation_proofs` keeps the two signed messages of each
//! equivocation seen.

use bitcraps_wire::{NodeId, SignedMessage, TableId};
use rusqlite::{Connection, params};

use crate::StorageError;
use crate::mesh_tables::{decode, encode};
use crate::to_db_amount;

/// Creates the tables.
pub const MIGRATION: &str = "
CREATE TABLE mesh_rounds (
    mesh_id TEXT NOT NULL REFERENCES mesh_tables (mesh_id) ON DELETE CASCADE,
    round INTEGER NOT NULL,
    attempt INTEGER NOT NULL,
    d1 INTEGER NOT NULL,
    d2 INTEGER NOT NULL,
    state_hash BLOB NOT NULL,
    revealers INTEGER NOT NULL,
    withheld BLOB NOT NULL,
    latency_ms INTEGER NOT NULL,
    final_at_ms INTEGER NOT NULL,
    PRIMARY KEY (mesh_id, round)
) WITHOUT ROWID;
CREATE TABLE mesh_messages (
    mesh_id TEXT NOT NULL REFERENCES mesh_tables (mesh_id) ON DELETE CASCADE,
    round INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    message BLOB NOT NULL,
    PRIMARY KEY (mesh_id, round, seq)
) WITHOUT ROWID;
CREATE TABLE equivocation_proofs (
    id INTEGER PRIMARY KEY,
    origin TEXT NOT NULL,
    mesh_id TEXT NOT NULL,
    first BLOB NOT NULL,
    second BLOB NOT NULL,
    at_ms INTEGER NOT NULL
);
";

/// One final round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundRow {
    pub round: u64,
    pub attempt: u32,
    pub dice: (u8, u8),
    pub state_hash: [u8; 32],
    pub revealers: usize,
    pub withheld: Vec<NodeId>,
    pub latency_ms: u64,
    pub final_at_ms: u64,
}

/// Records a final round and its messages.
pub fn insert(
    conn: &Connection,
    table: &TableId,
    row: &RoundRow,
    messages: &[SignedMessage],
) -> Result<(), StorageError> {
    let id = table.to_hex();
    let round = to_db_amount(row.round)?;
    conn.prepare_cached(
        "INSERT INTO mesh_rounds (mesh_id, round, attempt, d1, d2, state_hash, revealers, withheld, latency_ms,
                                  final_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        id,
        round,
        row.attempt,
        row.dice.0,
        row.dice.1,
        row.state_hash.as_slice(),
        row.revealers as i64,
        encode(&row.withheld),
        to_db_amount(row.latency_ms)?,
        to_db_amount(row.final_at_ms)?,
    ])?;
    let mut stmt =
        conn.prepare_cached("INSERT INTO mesh_messages (mesh_id, round, seq, message) VALUES (?1, ?2, ?3, ?4)")?;
    for (seq, message) in messages.iter().enumerate() {
        stmt.execute(params![id, round, seq as i64, encode(message)])?;
    }
    Ok(())
}

/// The newest `limit` rounds of a table, newest first.
pub fn recent(conn: &Connection, table: &TableId, limit: usize) -> Result<Vec<RoundRow>, StorageError> {
    let mut stmt = conn.prepare_cached(
        "SELECT round, attempt, d1, d2, state_hash, revealers, withheld, latency_ms, final_at_ms FROM mesh_rounds
         WHERE mesh_id = ?1 ORDER BY round DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![table.to_hex(), limit as i64], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, u32>(1)?,
            r.get::<_, u8>(2)?,
            r.get::<_, u8>(3)?,
            r.get::<_, Vec<u8>>(4)?,
            r.get::<_, i64>(5)?,
            r.get::<_, Vec<u8>>(6)?,
            r.get::<_, i64>(7)?,
            r.get::<_, i64>(8)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (round, attempt, d1, d2, hash, revealers, withheld, latency, at) = row?;
        let bad = || StorageError::Inconsistent(format!("mesh table {table} round {round} is malformed"));
        out.push(RoundRow {
            round: u64::try_from(round).map_err(|_| bad())?,
            attempt,
            dice: (d1, d2),
            state_hash: hash.try_into().map_err(|_| bad())?,
            revealers: usize::try_from(revealers).unwrap_or(0),
            withheld: decode(&withheld).ok_or_else(bad)?,
            latency_ms: u64::try_from(latency).unwrap_or(0),
            final_at_ms: u64::try_from(at).unwrap_or(0),
        });
    }
    Ok(out)
}

/// The messages of rounds `from_round..`, oldest first, whole rounds only, until about `budget` bytes.
pub fn messages_from(
    conn: &Connection,
    table: &TableId,
    from_round: u64,
    budget: usize,
) -> Result<Vec<SignedMessage>, StorageError> {
    let mut stmt = conn.prepare_cached(
        "SELECT round, message FROM mesh_messages WHERE mesh_id = ?1 AND round >= ?2 ORDER BY round, seq",
    )?;
    let mut rows = stmt.query(params![table.to_hex(), to_db_amount(from_round)?])?;
    let (mut out, mut size, mut round_start, mut current) = (Vec::new(), 0usize, 0usize, None);
    while let Some(row) = rows.next()? {
        let round: i64 = row.get(0)?;
        let bytes: Vec<u8> = row.get(1)?;
        if current != Some(round) {
            if size > budget || out.len() >= bitcraps_wire::message::MAX_SYNC_MESSAGES {
                break;
            }
            current = Some(round);
            round_start = out.len();
        }
        size += bytes.len();
        let message: SignedMessage =
            decode(&bytes).ok_or_else(|| StorageError::Inconsistent(format!("mesh message of round {round}")))?;
        out.push(message);
        if out.len() > bitcraps_wire::message::MAX_SYNC_MESSAGES {
            out.truncate(round_start);
            break;
        }
    }
    Ok(out)
}

/// Keeps the proof of an equivocation.
pub fn insert_proof(
    conn: &Connection,
    table: &TableId,
    origin: &NodeId,
    first: &SignedMessage,
    second: &SignedMessage,
    at_ms: u64,
) -> Result<(), StorageError> {
    conn.prepare_cached(
        "INSERT INTO equivocation_proofs (origin, mesh_id, first, second, at_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![origin.to_hex(), table.to_hex(), encode(first), encode(second), to_db_amount(at_ms)?])?;
    Ok(())
}
