//! The `ledger_entries` table: the journal, one row per movement (`amount` from `debit` to `credit`), with why,
//! the table, the roll and the bet. Rows are never updated; they outlive archived games (they are the money's
//! record, and the start-up check re-adds them).

use rusqlite::types::Value;
use rusqlite::{Connection, params, params_from_iter};

use crate::{StorageError, TableId, batch, to_db_amount};

/// Creates the table.
pub const MIGRATION_3: &str = "
CREATE TABLE ledger_entries (
    id INTEGER PRIMARY KEY,
    at_ms INTEGER NOT NULL,
    debit TEXT NOT NULL,
    credit TEXT NOT NULL,
    amount INTEGER NOT NULL CHECK (amount > 0),
    reason TEXT NOT NULL,
    table_id INTEGER,
    roll_number INTEGER,
    bet_id INTEGER,
    CHECK (debit <> credit)
);
CREATE INDEX ledger_entries_table_roll ON ledger_entries (table_id, roll_number);
";

/// One new row: `amount` from the `debit` account to the `credit` account (account keys), with why and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRow {
    pub debit: String,
    pub credit: String,
    pub amount: u64,
    pub reason: &'static str,
    pub table: Option<TableId>,
    pub roll: Option<u64>,
    pub bet: Option<u64>,
}

/// Appends entries, several rows per statement.
pub fn insert_all(conn: &Connection, entries: &[EntryRow], at_ms: u64) -> Result<(), StorageError> {
    let at = to_db_amount(at_ms)?;
    let mut rest = entries;
    for size in batch::chunks(entries.len()) {
        let (chunk, tail) = rest.split_at(size);
        rest = tail;
        let mut values = Vec::with_capacity(size * 8);
        for e in chunk {
            let opt = |v: Option<u64>| v.map(to_db_amount).transpose().map(|v| v.map_or(Value::Null, Value::Integer));
            values.extend([
                Value::Integer(at),
                Value::Text(e.debit.clone()),
                Value::Text(e.credit.clone()),
                Value::Integer(to_db_amount(e.amount)?),
                Value::Text(e.reason.to_owned()),
                e.table.map_or(Value::Null, |t| Value::Integer(t.0)),
                opt(e.roll)?,
                opt(e.bet)?,
            ]);
        }
        let sql = format!(
            "INSERT INTO ledger_entries (at_ms, debit, credit, amount, reason, table_id, roll_number, bet_id) VALUES {}",
            batch::placeholders(size, 8)
        );
        conn.prepare_cached(&sql)?.execute(params_from_iter(values))?;
    }
    Ok(())
}

/// Each account's credits minus debits over the whole journal, added in `i128` here rather than by SQLite's
/// `SUM`, which fails with "integer overflow" once a total leaves `i64` (a flood of huge amounts must not stop the
/// node from starting).
pub fn net_by_account(conn: &Connection) -> rusqlite::Result<Vec<(String, i128)>> {
    let mut totals: std::collections::BTreeMap<String, i128> = std::collections::BTreeMap::new();
    let mut stmt = conn.prepare("SELECT debit, credit, amount FROM ledger_entries")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let amount = i128::from(row.get::<_, i64>(2)?);
        *totals.entry(row.get(0)?).or_default() -= amount;
        *totals.entry(row.get(1)?).or_default() += amount;
    }
    Ok(totals.into_iter().collect())
}

/// How many entries each roll of a table posted: (roll, count).
pub fn per_roll(conn: &Connection, table_id: i64) -> rusqlite::Result<Vec<(i64, i64)>> {
    let mut stmt = conn.prepare(
        "SELECT roll_number, count(*) FROM ledger_entries WHERE table_id = ?1 AND roll_number IS NOT NULL
         GROUP BY roll_number",
    )?;
    let rows = stmt.query_map(params![table_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
    rows.collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn totals_beyond_i64_are_added_exactly() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(MIGRATION_3).unwrap();
        let row = |amount| EntryRow {
            debit: "mint".into(),
            credit: "player:ab".into(),
            amount,
            reason: "mint",
            table: None,
            roll: None,
            bet: None,
        };
        let max = i64::MAX as u64;
        insert_all(&conn, &[row(max), row(max), row(5)], 1).unwrap();
        let totals: std::collections::BTreeMap<String, i128> = net_by_account(&conn).unwrap().into_iter().collect();
        let expected = 2 * i128::from(i64::MAX) + 5;
        assert_eq!(totals["player:ab"], expected);
        assert_eq!(totals["mint"], -expected);
    }
}
