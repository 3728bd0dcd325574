//! The `accounts` table: each ledger account's balance, materialized from the journal in `ledger_entries`.
//!
//! The CHECK constraint backs the ledger's rule that only the mint and the house may be negative.

use rusqlite::{Connection, OptionalExtension, params};

/// Creates the table.
pub const MIGRATION_2: &str = "
CREATE TABLE accounts (
    account TEXT PRIMARY KEY,
    balance INTEGER NOT NULL,
    CHECK (balance >= 0 OR account IN ('mint', 'house'))
) WITHOUT ROWID;
";

/// The balance of `account`; zero if it has no row.
pub fn balance(conn: &Connection, account: &str) -> rusqlite::Result<i64> {
    let found = conn
        .prepare_cached("SELECT balance FROM accounts WHERE account = ?1")?
        .query_row(params![account], |row| row.get(0))
        .optional()?;
    Ok(found.unwrap_or(0))
}

/// Sets the balance of `account`, creating its row if needed.
pub fn set_balance(conn: &Connection, account: &str, balance: i64) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO accounts (account, balance) VALUES (?1, ?2)
         ON CONFLICT (account) DO UPDATE SET balance = excluded.balance",
    )?
    .execute(params![account, balance])?;
    Ok(())
}

/// Every account and its balance, by key.
pub fn all(conn: &Connection) -> rusqlite::Result<Vec<(String, i64)>> {
    let mut stmt = conn.prepare_cached("SELECT account, balance FROM accounts ORDER BY account")?;
    let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    rows.collect()
}
