//! The `seats` table: which account each table-local player id stands for. Rows stay after a player leaves, so
//! their open bets still settle to the right account.

use bitcraps_rules::PlayerId;
use rusqlite::{Connection, params};

use crate::games::{GameError, TableId};
use crate::ledger::{Account, LedgerError, to_db_amount};

/// Creates the table.
pub const MIGRATION_5: &str = "
CREATE TABLE seats (
    table_id INTEGER NOT NULL REFERENCES craps_tables (id) ON DELETE CASCADE,
    player_id INTEGER NOT NULL,
    account TEXT NOT NULL,
    seated_at_ms INTEGER NOT NULL,
    PRIMARY KEY (table_id, player_id)
) WITHOUT ROWID;
";

/// Records a seat.
pub fn insert(
    conn: &Connection,
    table: TableId,
    player: PlayerId,
    account: &Account,
    at_ms: u64,
) -> Result<(), GameError> {
    conn.prepare_cached("INSERT INTO seats (table_id, player_id, account, seated_at_ms) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![table.0, to_db_amount(player.0)?, account.to_string(), to_db_amount(at_ms)?])?;
    Ok(())
}

/// Every seat of a table: player and account.
pub fn of_table(conn: &Connection, table: TableId) -> Result<Vec<(PlayerId, Account)>, GameError> {
    let mut stmt =
        conn.prepare_cached("SELECT player_id, account FROM seats WHERE table_id = ?1 ORDER BY player_id")?;
    let rows = stmt.query_map(params![table.0], |row| Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?)))?;
    let mut seats = Vec::new();
    for row in rows {
        let (player, key) = row?;
        let account = key.parse::<Account>().map_err(|e| LedgerError::Malformed(e.to_string()))?;
        seats.push((PlayerId(u64::try_from(player).unwrap_or(0)), account));
    }
    Ok(seats)
}
