//! Games in SQLite: a roll is one transaction, a table reloads after a restart, the node refuses to start on an
//! unsound ledger, game retention and the idle maintenance job (time passed in), and the `[games]` config.

use std::path::Path;

use bitcraps_ledger::check::check_store;
use bitcraps_ledger::{Account, store};
use bitcraps_ledger::{GameError, GameTable};
use bitcraps_node::{Config, Node, NodeOptions};
use bitcraps_rules::{BetKind, PlayerId, Point, TableRules};
use bitcraps_storage::{GameRetention, GamesConfig};
use bitcraps_storage::{game_archive, ledger_entries, rolls};
use bitcraps_storage::{maintenance, retention};
use rusqlite::Connection;

use crate::game_support::{dice, dump, funded_table, open_db};

const DAY_MS: u64 = 24 * 3_600_000;

/// Four players with a few bets each on the come-out.
fn busy_table(conn: &mut Connection) -> GameTable {
    let mut game = funded_table(conn, TableRules::default(), &[1000, 1000, 1000, 1000]);
    for p in 0..4 {
        for (kind, amount) in [(BetKind::Pass, 10), (BetKind::Field, 10), (BetKind::Place(Point::Six), 12)] {
            game.place_bet(conn, PlayerId(p), kind, amount, 0, 1).unwrap();
        }
    }
    game
}

#[test]
fn a_roll_is_committed_in_one_transaction() {
    // Make the last writes of a roll fail: the settlements and ledger entries written before them must vanish.
    for (name, trigger) in [
        ("the roll row", "BEFORE INSERT ON rolls"),
        ("the table state", "BEFORE UPDATE OF state ON craps_tables"),
        ("the last ledger entry", "BEFORE INSERT ON ledger_entries WHEN NEW.reason = 'winnings' AND NEW.bet_id = 10"),
    ] {
        let mut conn = open_db(Path::new(":memory:"));
        let mut game = busy_table(&mut conn);
        let (before, table_before) = (dump(&conn), game.table().clone());
        conn.execute_batch(&format!("CREATE TEMP TRIGGER fail {trigger} BEGIN SELECT RAISE(ABORT, 'injected'); END;"))
            .unwrap();
        let err = game.roll(&mut conn, dice(5, 6), 2).unwrap_err(); // 11: pass and field win, place 6 is off
        assert!(matches!(err, GameError::Sqlite(_) | GameError::Ledger(_) | GameError::Storage(_)), "{name}: {err}");
        assert_eq!(dump(&conn), before, "a failure at {name} left part of the roll behind");
        assert_eq!(game.table(), &table_before);
        conn.execute_batch("DROP TRIGGER temp.fail").unwrap();
        let outcome = game.roll(&mut conn, dice(5, 6), 3).unwrap();
        assert_eq!(outcome.resolutions.len(), 8, "pass and field of four players");
        let stored = rolls::of_table(&conn, game.id()).unwrap();
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].settled, 8);
        assert_eq!(ledger_entries::per_roll(&conn, game.id().0).unwrap(), vec![(0, stored[0].entries)]);
        assert_eq!(stored[0].entries, 16, "returned and winnings for each");
        check_store(&conn).unwrap();
    }
}

#[test]
fn a_table_reloads_after_a_restart_and_plays_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("games.sqlite3");
    let mut conn = open_db(&path);
    let mut game = busy_table(&mut conn);
    for (a, b) in [(2, 2), (1, 2), (3, 3), (6, 6)] {
        game.roll(&mut conn, dice(a, b), 5).unwrap();
    }
    game.place_bet(&mut conn, PlayerId(1), BetKind::PassOdds, 20, 4, 6).unwrap();
    drop(conn);

    let mut conn = open_db(&path);
    let mut reloaded = GameTable::load(&conn, game.id()).unwrap();
    assert_eq!(reloaded.table(), game.table());
    assert_eq!(reloaded.account(PlayerId(3)).unwrap(), &crate::game_support::player(3));
    reloaded.roll(&mut conn, dice(1, 3), 7).unwrap(); // the point, 4
    game.roll(&mut Connection::open_in_memory().unwrap(), dice(1, 3), 7).unwrap_err(); // (the stale copy's db)
    let report = check_store(&conn).unwrap();
    assert_eq!(report.rolls, 5);
}

#[tokio::test(flavor = "multi_thread")]
async fn node_start_checks_the_ledger_and_refuses_an_unsound_one() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join(bitcraps_node::paths::DB_FILE);
    {
        let mut conn = open_db(&db_path);
        let mut game = busy_table(&mut conn);
        game.roll(&mut conn, dice(3, 4), 2).unwrap();
    }
    let options = || NodeOptions { config: Config::default(), data_dir: dir.path().to_owned() };
    let node = Node::start(options()).await.expect("a sound ledger starts");
    node.shutdown().await.unwrap();

    let conn = open_db(&db_path);
    conn.execute("UPDATE accounts SET balance = balance + 1 WHERE account = 'player:p0'", []).unwrap();
    drop(conn);
    let err = Node::start(options()).await.expect_err("a minted-from-nowhere unit stops the start").to_string();
    assert!(err.contains("refusing to start") && err.contains("player:p0"), "{err}");
}

#[test]
fn old_games_are_archived_compressed_or_deleted_and_archives_expire() {
    for policy in [GameRetention::Archive, GameRetention::Delete] {
        let config = GamesConfig { retention: policy, ..GamesConfig::default() };
        let mut conn = open_db(Path::new(":memory:"));
        let mut old = busy_table(&mut conn);
        old.roll(&mut conn, dice(2, 2), 1000).unwrap(); // point 4: the field bets settle
        old.roll(&mut conn, dice(3, 4), 1000).unwrap(); // seven-out: pass and place 6 lose
        let mut with_bet = GameTable::open(&mut conn, TableRules::default(), 1000).unwrap();
        with_bet.seat(&mut conn, PlayerId(0), crate::game_support::player(0), 1000).unwrap();
        with_bet.place_bet(&mut conn, PlayerId(0), BetKind::Field, 10, 0, 1000).unwrap();
        let recent = GameTable::open(&mut conn, TableRules::default(), 80 * DAY_MS).unwrap();
        let entries_before: i64 = conn.query_row("SELECT count(*) FROM ledger_entries", [], |r| r.get(0)).unwrap();

        let report = retention::apply(&mut conn, 91 * DAY_MS, &config).unwrap();
        let expected_archived = usize::from(policy == GameRetention::Archive);
        assert_eq!((report.archived, report.deleted), (expected_archived, 1 - expected_archived), "{policy:?}");
        assert!(GameTable::load(&conn, old.id()).is_err(), "the old game left the live tables");
        GameTable::load(&conn, with_bet.id()).unwrap();
        GameTable::load(&conn, recent.id()).unwrap();
        let entries_after: i64 = conn.query_row("SELECT count(*) FROM ledger_entries", [], |r| r.get(0)).unwrap();
        assert_eq!(entries_after, entries_before, "ledger entries are never archived");
        check_store(&conn).unwrap();

        let archived = game_archive::read_json(&conn, old.id()).unwrap();
        if policy == GameRetention::Archive {
            let json: serde_json::Value = serde_json::from_str(&archived.unwrap()).unwrap();
            assert_eq!(json["bets"].as_array().unwrap().len(), 12);
            assert_eq!(json["rolls"][1]["settled"], 8);
            assert_eq!(json["table"]["state"]["open_roll"], 2);
            let purged = retention::apply(&mut conn, (91 + 366) * DAY_MS, &config).unwrap();
            assert_eq!(purged.archives_purged, 1);
            assert!(game_archive::read_json(&conn, old.id()).unwrap().is_none());
        } else {
            assert!(archived.is_none());
        }
    }
}

#[test]
fn maintenance_runs_only_when_idle_and_rested() {
    let config = GamesConfig { idle_minutes: 10, maintenance_interval_hours: 24, ..GamesConfig::default() };
    let min = 60_000;
    assert!(maintenance::is_due(0, None, None, &config), "a node that never rolled is idle");
    assert!(!maintenance::is_due(100 * min, Some(95 * min), None, &config), "a roll 5 minutes ago");
    assert!(maintenance::is_due(100 * min, Some(90 * min), None, &config));
    assert!(!maintenance::is_due(100 * min, Some(0), Some(50 * min), &config), "ran 50 minutes ago");
    assert!(maintenance::is_due(25 * 60 * min, Some(0), Some(0), &config));

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.sqlite3");
    let mut conn = open_db(&path);
    let auto_vacuum: i64 = conn.query_row("PRAGMA auto_vacuum", [], |r| r.get(0)).unwrap();
    assert_eq!(auto_vacuum, 2, "a new database is created with incremental auto-vacuum");
    let mut game = busy_table(&mut conn);
    game.roll(&mut conn, dice(2, 2), 0).unwrap(); // a point, then sevens: every bet settles
    for _ in 0..50 {
        game.roll(&mut conn, dice(3, 4), 0).unwrap();
    }
    let at = rolls::last_at_ms(&conn).unwrap();
    assert_eq!(at, Some(0));
    let report = maintenance::run(&mut conn, 200 * DAY_MS, &config).unwrap();
    assert!(!report.converted);
    assert_eq!(report.retention.archived, 1);
    assert!(report.free_pages_after <= report.free_pages_before);
    check_store(&conn).unwrap();
}

#[test]
fn maintenance_converts_a_database_made_before_incremental_vacuum() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite3");
    Connection::open(&path).unwrap().execute_batch("CREATE TABLE legacy (x); DROP TABLE legacy;").unwrap();
    let mut conn = open_db(&path);
    let before: i64 = conn.query_row("PRAGMA auto_vacuum", [], |r| r.get(0)).unwrap();
    assert_eq!(before, 0);
    let report = maintenance::run(&mut conn, 0, &GamesConfig::default()).unwrap();
    assert!(report.converted);
    let after: i64 = conn.query_row("PRAGMA auto_vacuum", [], |r| r.get(0)).unwrap();
    assert_eq!(after, 2);
    assert!(!maintenance::run(&mut conn, 0, &GamesConfig::default()).unwrap().converted);
}

#[test]
fn games_config_errors_name_the_key() {
    for (text, key) in [
        ("[games]\nactive_days = 0", "games.active_days"),
        ("[games]\narchive_days = 0", "games.archive_days"),
        ("[games]\nidle_minutes = 0", "games.idle_minutes"),
        ("[games]\nmaintenance_interval_hours = 10000", "games.maintenance_interval_hours"),
        ("[games]\nretention = \"shred\"", "retention"),
    ] {
        let error = Config::parse(text, Path::new("test.toml")).unwrap_err().to_string();
        assert!(error.contains(key), "{text:?}: {error}");
    }
    let config = Config::parse("[games]\nretention = \"delete\"\nactive_days = 30", Path::new("t.toml")).unwrap();
    assert_eq!(config.games.retention, GameRetention::Delete);
    assert_eq!(config.games.archive_days, 365, "defaults fill what the file leaves out");
}

#[test]
fn minting_and_balances() {
    let mut conn = open_db(Path::new(":memory:"));
    let alice = Account::player("alice").unwrap();
    store::mint(&mut conn, &alice, 500, 0).unwrap();
    store::mint(&mut conn, &alice, 250, 0).unwrap();
    assert_eq!(store::balance(&conn, &alice).unwrap(), 750);
    assert_eq!(store::balance(&conn, &Account::Mint).unwrap(), -750);
    assert!(store::mint(&mut conn, &alice, u64::MAX, 0).is_err(), "beyond i64 is refused");
    assert_eq!(store::verify(&conn).unwrap().supply(), 750);
}

#[test]
fn the_start_check_catches_a_half_applied_roll() {
    for (what, tamper) in [
        ("a roll row without its settlements", "UPDATE bets SET status = 'open', settled_roll = NULL WHERE bet_id = 1"),
        ("settlements without their roll row", "DELETE FROM rolls WHERE roll_number = 0"),
        ("a roll missing a ledger entry", "DELETE FROM ledger_entries WHERE id = (SELECT max(id) FROM ledger_entries)"),
        ("the engine state behind the rows", "UPDATE craps_tables SET state = json_set(state, '$.open_roll', 0)"),
    ] {
        let mut conn = open_db(Path::new(":memory:"));
        let mut game = busy_table(&mut conn);
        game.roll(&mut conn, dice(5, 6), 2).unwrap();
        check_store(&conn).unwrap();
        conn.execute_batch(tamper).unwrap();
        assert!(check_store(&conn).is_err(), "{what} went unnoticed");
    }
}
