//! The `seats` table: which account each table-local player id stands for. Rows stay after a player leaves, so
//! their open bets still settle to the right account.
//!
//! Only local tables (`bitcraps_ledger::GameTable`, a test fixture behind the `testing` feature) seat players
//! here; mesh tables keep their seats in `mesh_tables`.

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

#[cfg(feature = "testing")]
pub use rows::{insert, of_table};

#[cfg(feature = "testing")]
mod rows {
    use bitcraps_rules::PlayerId;
    use rusqlite::{Connection, params};

    use crate::{StorageError, TableId, to_db_amount};

    /// Records a seat: `account` is the ledger account's key.
    pub fn insert(
        conn: &Connection,
        table: TableId,
        player: PlayerId,
        account: &str,
        at_ms: u64,
    ) -> Result<(), StorageError> {
        conn.prepare_cached("INSERT INTO seats (table_id, player_id, account, seated_at_ms) VALUES (?1, ?2, ?3, ?4)")?
            .execute(params![table.0, to_db_amount(player.0)?, account, to_db_amount(at_ms)?])?;
        Ok(())
    }

    /// Every seat of a table: player and account key.
    pub fn of_table(conn: &Connection, table: TableId) -> Result<Vec<(PlayerId, String)>, StorageError> {
        let mut stmt =
            conn.prepare_cached("SELECT player_id, account FROM seats WHERE table_id = ?1 ORDER BY player_id")?;
        let rows = stmt.query_map(params![table.0], |row| Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?)))?;
        let mut seats = Vec::new();
        for row in rows {
            let (player, key) = row?;
            seats.push((PlayerId(u64::try_from(player).unwrap_or(0)), key));
        }
        Ok(seats)
    }
}
