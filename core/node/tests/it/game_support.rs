//! Helpers for the ledger and game tests: a database with a funded table, a full dump of the game and ledger
//! tables (to prove a refused call changed nothing), dice.

use std::path::Path;

use bitcraps_ledger::GameTable;
use bitcraps_ledger::{Account, store};
use bitcraps_rules::{Dice, PlayerId, TableRules};
use bitcraps_storage as storage;
use bitcraps_storage::StorageConfig;
use rusqlite::Connection;
use rusqlite::types::ValueRef;

/// What the house bank is minted with.
pub const BANK: u64 = 10_000_000;

/// A database at `path` (`:memory:` for a throwaway one) with the node's pragmas and migrations.
pub fn open_db(path: &Path) -> Connection {
    storage::open(path, &StorageConfig::default()).unwrap()
}

/// The account of seat `n`.
pub fn player(n: u64) -> Account {
    Account::player(&format!("p{n}")).unwrap()
}

/// Mints the bank and `balances[i]` for player `i`, opens a table with `rules` and seats everyone.
pub fn funded_table(conn: &mut Connection, rules: TableRules, balances: &[u64]) -> GameTable {
    store::mint(conn, &Account::House, BANK, 0).unwrap();
    let mut game = GameTable::open(conn, rules, 0).unwrap();
    for (i, balance) in (0u64..).zip(balances) {
        if *balance > 0 {
            store::mint(conn, &player(i), *balance, 0).unwrap();
        }
        game.seat(conn, PlayerId(i), player(i), 0).unwrap();
    }
    game
}

/// Two dice.
pub fn dice(a: u8, b: u8) -> Dice {
    Dice::new(a, b).unwrap()
}

/// Every row of every game and ledger table, as text: equal dumps mean nothing changed.
pub fn dump(conn: &Connection) -> String {
    let mut out = String::new();
    for table in ["accounts", "ledger_entries", "craps_tables", "seats", "bets", "rolls", "game_archive"] {
        out.push_str(table);
        out.push('\n');
        let mut stmt = conn.prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2")).unwrap();
        let columns = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for i in 0..columns {
                match row.get_ref(i).unwrap() {
                    ValueRef::Null => out.push_str("NULL"),
                    ValueRef::Integer(v) => out.push_str(&v.to_string()),
                    ValueRef::Real(v) => out.push_str(&v.to_string()),
                    ValueRef::Text(t) => out.push_str(&String::from_utf8_lossy(t)),
                    ValueRef::Blob(b) => out.push_str(&format!("<{} bytes>", b.len())),
                }
                out.push('|');
            }
            out.push('\n');
        }
    }
    out
}
