//! The `bets` table: every bet placed at a table, open or settled, with its exact settlement.
//!
//! Status: `open` while on the table; then `win`, `lose` or `push` (settled by roll `settled_roll`),
//! `taken_down` (removed by the player) or `refunded` (table aborted).

use bitcraps_rules::{Bet, Outcome, Resolution};
use rusqlite::types::Value;
use rusqlite::{Connection, params, params_from_iter};

use crate::batch;
use crate::to_db_amount;
use crate::{StorageError, TableId};

/// Creates the table.
pub const MIGRATION_6: &str = "
CREATE TABLE bets (
    table_id INTEGER NOT NULL REFERENCES craps_tables (id) ON DELETE CASCADE,
    bet_id INTEGER NOT NULL,
    player_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    stake INTEGER NOT NULL CHECK (stake > 0),
    commission_held INTEGER NOT NULL,
    placed_for_roll INTEGER NOT NULL,
    placed_at_ms INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'win', 'lose', 'push', 'taken_down', 'refunded')),
    settled_roll INTEGER,
    returned INTEGER,
    lost INTEGER,
    winnings INTEGER,
    commission INTEGER,
    PRIMARY KEY (table_id, bet_id)
) WITHOUT ROWID;
CREATE INDEX bets_open ON bets (table_id) WHERE status = 'open';
";

/// Records a newly placed bet.
pub fn insert(conn: &Connection, table: TableId, bet: &Bet, at_ms: u64) -> Result<(), StorageError> {
    conn.prepare_cached(
        "INSERT INTO bets (table_id, bet_id, player_id, kind, stake, commission_held, placed_for_roll, placed_at_ms,
                           status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'open')",
    )?
    .execute(params![
        table.0,
        to_db_amount(bet.id.0)?,
        to_db_amount(bet.player.0)?,
        bet.kind.to_string(),
        to_db_amount(bet.amount)?,
        to_db_amount(bet.commission_paid)?,
        to_db_amount(bet.placed_for_roll)?,
        to_db_amount(at_ms)?,
    ])?;
    Ok(())
}

/// Records the bets settled by roll `roll`, several per statement; each must be open.
pub fn settle_all(
    conn: &Connection,
    table: TableId,
    roll: u64,
    resolutions: &[Resolution],
) -> Result<(), StorageError> {
    let roll = to_db_amount(roll)?;
    let mut rest = resolutions;
    for size in batch::chunks(resolutions.len()) {
        let (chunk, tail) = rest.split_at(size);
        rest = tail;
        let mut values = Vec::with_capacity(size * 6);
        for r in chunk {
            let status = match r.outcome {
                Outcome::Win => "win",
                Outcome::Lose => "lose",
                Outcome::Push => "push",
            };
            let s = &r.settlement;
            values.extend([
                Value::Integer(to_db_amount(r.bet_id.0)?),
                Value::Text(status.to_owned()),
                Value::Integer(to_db_amount(s.returned)?),
                Value::Integer(to_db_amount(s.lost)?),
                Value::Integer(to_db_amount(s.winnings)?),
                Value::Integer(to_db_amount(s.commission)?),
            ]);
        }
        values.extend([Value::Integer(table.0), Value::Integer(roll)]);
        let (t, n) = (size * 6 + 1, size * 6 + 2);
        let sql = format!(
            "UPDATE bets SET status = v.column2, settled_roll = ?{n}, returned = v.column3, lost = v.column4,
                             winnings = v.column5, commission = v.column6
             FROM (VALUES {}) AS v
             WHERE bets.table_id = ?{t} AND bets.bet_id = v.column1 AND bets.status = 'open'",
            batch::placeholders(size, 6)
        );
        let changed = conn.prepare_cached(&sql)?.execute(params_from_iter(values))?;
        if changed != size {
            return Err(StorageError::Inconsistent(format!(
                "table {table}: {size} bets to settle, {changed} were open"
            )));
        }
    }
    Ok(())
}

/// Marks an open bet taken down.
pub fn take_down(conn: &Connection, table: TableId, bet_id: u64) -> Result<(), StorageError> {
    let changed = conn
        .prepare_cached(
            "UPDATE bets SET status = 'taken_down' WHERE table_id = ?1 AND bet_id = ?2 AND status = 'open'",
        )?
        .execute(params![table.0, to_db_amount(bet_id)?])?;
    expect_one(changed, table, bet_id)
}

/// Marks every open bet of a table refunded; returns how many.
pub fn refund_all(conn: &Connection, table: TableId) -> rusqlite::Result<usize> {
    conn.execute("UPDATE bets SET status = 'refunded' WHERE table_id = ?1 AND status = 'open'", params![table.0])
}

/// The open bets of a table: id and what each holds in escrow (stake plus up-front commission), by id.
pub fn open_escrow(conn: &Connection, table: TableId) -> rusqlite::Result<Vec<(u64, u64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT bet_id, stake + commission_held FROM bets WHERE table_id = ?1 AND status = 'open' ORDER BY bet_id",
    )?;
    let rows = stmt.query_map(params![table.0], |row| {
        Ok((u64::try_from(row.get::<_, i64>(0)?).unwrap_or(0), u64::try_from(row.get::<_, i64>(1)?).unwrap_or(0)))
    })?;
    rows.collect()
}

/// How many bets each roll of a table settled: (roll, count).
pub fn settled_per_roll(conn: &Connection, table: TableId) -> rusqlite::Result<Vec<(i64, i64)>> {
    let mut stmt = conn.prepare(
        "SELECT settled_roll, count(*) FROM bets WHERE table_id = ?1 AND settled_roll IS NOT NULL GROUP BY settled_roll",
    )?;
    let rows = stmt.query_map(params![table.0], |row| Ok((row.get(0)?, row.get(1)?)))?;
    rows.collect()
}

fn expect_one(changed: usize, table: TableId, bet_id: u64) -> Result<(), StorageError> {
    if changed == 1 {
        Ok(())
    } else {
        Err(StorageError::Inconsistent(format!("table {table}: no open bet #{bet_id} to update")))
    }
}
