//! `bitcraps-cli odds` as a real process: every row of the rules engine's edge table, as JSON and as an aligned
//! text table.

use std::process::Command;

fn cli(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_bitcraps-cli")).args(args).output().expect("bitcraps-cli runs")
}

#[test]
fn odds_json_is_the_engines_edge_table() {
    let out = cli(&["odds", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let expected = bitcraps_rules::edge::edge_table().unwrap();
    assert_eq!(rows.len(), expected.len());
    for (row, want) in rows.iter().zip(&expected) {
        assert_eq!(row["bet"], want.bet.as_str());
        assert_eq!(row["variant"], want.variant.as_str());
        assert_eq!(row["payout"], want.payout.as_str());
        assert_eq!(row["edge_per_resolved"], want.edge_per_resolved.to_string().as_str());
        assert_eq!(row["edge_per_roll"], want.edge_per_roll.to_string().as_str());
    }
    assert_eq!(rows[0]["bet"], "pass");
    assert_eq!(rows[0]["edge_per_resolved"], "7/495");
}

#[test]
fn odds_text_is_an_aligned_table_with_percentages_and_fractions() {
    let out = cli(&["odds"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2 + bitcraps_rules::edge::edge_table().unwrap().len(), "header, rule, one line per row");
    let header = lines[0];
    let pass = lines.iter().find(|l| l.starts_with("pass ")).unwrap();
    assert!(pass.contains("1.414 %") && pass.contains("7/495"), "{pass}");
    let dont_pass = lines.iter().find(|l| l.starts_with("dont_pass ")).unwrap();
    assert!(dont_pass.contains("1.364 %") && dont_pass.contains("3/220"), "{dont_pass}");
    // Percentages are right-aligned under their header.
    let column_end = header.find("edge/resolved").unwrap() + "edge/resolved".len();
    for line in &lines[2..] {
        assert_eq!(&line[column_end - 2..column_end], " %", "{line}");
    }
}

#[test]
fn unknown_subcommands_fail_with_usage() {
    let out = cli(&["network", "status"]);
    assert!(!out.status.success(), "nothing pretends to work yet");
    assert!(String::from_utf8_lossy(&out.stderr).contains("Usage"));
}

#[test]
fn journal_verify_reports_an_intact_journal_and_fails_on_damage() {
    let dir = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let mut config = bitcraps_node::Config::default();
        config.net.enabled = false;
        let options = bitcraps_node::NodeOptions { config, data_dir: dir.path().to_owned() };
        let node = bitcraps_node::Node::start(options).await.unwrap();
        node.shutdown().await.unwrap();
    });
    let data_dir = dir.path().to_str().unwrap();
    let intact = cli(&["journal", "verify", "--data-dir", data_dir]);
    assert!(intact.status.success(), "{}", String::from_utf8_lossy(&intact.stderr));
    // Damage the first segment's header: verify must say so and exit non-zero.
    let journal = dir.path().join("journal");
    let segment = std::fs::read_dir(&journal).unwrap().map(|e| e.unwrap().path()).find(|p| p.is_file()).unwrap();
    let mut bytes = std::fs::read(&segment).unwrap();
    bytes[0] ^= 0xff;
    std::fs::write(&segment, bytes).unwrap();
    let damaged = cli(&["journal", "verify", "--data-dir", data_dir]);
    assert!(!damaged.status.success());
}
