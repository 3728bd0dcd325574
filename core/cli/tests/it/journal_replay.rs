//! `bitcraps-cli journal replay` against real nodes: three processes play 20+ rolls; the journals of two of them
//! replay to exactly the dice and state hashes their SQLite holds; a `rolls` row changed behind the node's back
//! makes the replay exit 1 naming that round.

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use bitcraps_api::Command as ApiCommand;

use crate::mesh_game::{host_table, join_all, start_mesh};
use crate::mesh_support::{NodeProcess, describe, wait_for};

const ROLLS: u64 = 20;

fn replay(data_dir: &Path, table: &str, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bitcraps-cli"))
        .args(["journal", "replay", "--table", table, "--data-dir"])
        .arg(data_dir)
        .args(extra)
        .output()
        .expect("bitcraps-cli runs")
}

/// The round lines of the text report: (round, the rest of the line).
fn round_lines(stdout: &[u8]) -> Vec<(u64, String)> {
    String::from_utf8_lossy(stdout)
        .lines()
        .filter_map(|line| {
            let (first, rest) = line.trim_start().split_once(' ')?;
            Some((first.parse().ok()?, rest.to_owned()))
        })
        .collect()
}

#[test]
fn the_journal_replays_to_what_sqlite_holds_and_a_changed_roll_is_named() {
    let _turn = crate::mesh_support::one_at_a_time();
    let root = tempfile::tempdir().unwrap();
    let nodes = start_mesh(root.path(), 3, "");
    wait_for("a linked mesh", Duration::from_secs(20), || nodes.iter().all(|n| !n.snapshot().net.peers.is_empty()));
    let table = host_table(&nodes[0], 100);
    join_all(&nodes, &table);
    let start = nodes[0].table(&table).unwrap().round;
    while nodes[0].table(&table).unwrap().round < start + ROLLS {
        for (i, node) in nodes.iter().enumerate() {
            let kind = ["field", "pass", "any_7"][i].to_owned();
            let _ = node.command(&ApiCommand::PlaceBet { table_id: table.clone(), kind, amount: 12 });
        }
        std::thread::sleep(Duration::from_millis(80));
    }
    for node in &nodes {
        let _ = node.command(&ApiCommand::LeaveTable { table_id: table.clone() });
    }
    wait_for("everyone left, one round everywhere", Duration::from_secs(20), || {
        let tables: Vec<_> = nodes.iter().map(|n| n.table(&table).unwrap()).collect();
        tables.iter().all(|t| t.seated == 0 && t.round == tables[0].round)
    });
    let rounds = nodes[0].table(&table).unwrap().round;
    let context = describe(&nodes, &table);
    let dirs: Vec<_> = nodes.into_iter().map(NodeProcess::stop).collect();

    for dir in &dirs[..2] {
        let out = replay(dir, &table, &[]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{stdout}\n{}\n{context}", String::from_utf8_lossy(&out.stderr));
        let lines = round_lines(&out.stdout);
        assert_eq!(lines.iter().map(|(r, _)| *r).collect::<Vec<_>>(), (0..rounds).collect::<Vec<_>>(), "{stdout}");
        assert!(lines.iter().all(|(_, rest)| rest.ends_with(" ok")), "{stdout}");
        assert!(stdout.contains(&format!("{rounds} rounds, {rounds} ok, 0 MISMATCH")), "{stdout}");
    }
    let json = replay(&dirs[1], &table, &["--json"]);
    assert_eq!(json.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["matched"], rounds);
    assert_eq!(report["mismatched"], 0);
    assert!(report["rounds"].as_array().unwrap().iter().any(|r| r["settlements"].as_u64() > Some(0)));

    // Change one roll's dice behind the node's back.
    let changed = start + 5;
    let db = rusqlite::Connection::open(dirs[1].join("bitcraps.sqlite3")).unwrap();
    let local: i64 =
        db.query_row("SELECT local_id FROM mesh_tables WHERE mesh_id = ?1", [&table], |r| r.get(0)).unwrap();
    let updated = db
        .execute(
            "UPDATE rolls SET d1 = d1 % 6 + 1 WHERE table_id = ?1 AND roll_number = ?2",
            rusqlite::params![local, changed as i64],
        )
        .unwrap();
    assert_eq!(updated, 1);
    drop(db);
    let out = replay(&dirs[1], &table, &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    for (round, rest) in round_lines(&out.stdout) {
        if round == changed {
            assert!(rest.contains("MISMATCH: rolls dice"), "{stdout}");
        } else {
            assert!(rest.ends_with(" ok"), "{stdout}");
        }
    }
    assert!(stdout.contains(&format!("{} ok, 1 MISMATCH", rounds - 1)), "{stdout}");
    // The untouched node still matches.
    assert_eq!(replay(&dirs[0], &table, &[]).status.code(), Some(0));

    // Errors exit 2 and say what is wrong.
    let bad = replay(&dirs[0], "not-a-table", &[]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("32 hex digits"));
    let unknown = replay(&dirs[0], &"ab".repeat(16), &[]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("unknown table"));
}
