//! Partitions of a four-player table, made by pausing node processes (SIGSTOP/SIGCONT) and by killing and
//! restarting one: with three of four players a round is final (2/3 rule), with two it stalls; after healing
//! the table rolls again within 5 s, and a restarted node catches up from its stored state (and reports its
//! discovery, connection set-up and state-sync times).

#![cfg(unix)]

use std::process::Command;
use std::time::{Duration, Instant};

use crate::mesh_game::{host_table, join_all, start_mesh};
use crate::mesh_support::{NodeProcess, mesh_config, wait_for};

fn signal(node: &NodeProcess, sig: &str) {
    assert!(Command::new("kill").arg(sig).arg(node.child.id().to_string()).status().unwrap().success());
}

fn round(node: &NodeProcess, table: &str) -> u64 {
    node.table(table).unwrap().round
}

#[test]
fn rounds_follow_the_two_thirds_rule_and_resume_within_five_seconds_of_healing() {
    let _turn = crate::mesh_support::one_at_a_time();
    let root = tempfile::tempdir().unwrap();
    let nodes = start_mesh(root.path(), 4, "");
    let table = host_table(&nodes[0], 100);
    join_all(&nodes, &table);

    // One of four away: three signatures are a quorum, the table rolls on.
    signal(&nodes[3], "-STOP");
    let before = round(&nodes[0], &table);
    wait_for("rolls with three of four", Duration::from_secs(15), || round(&nodes[0], &table) >= before + 3);
    signal(&nodes[3], "-CONT");
    wait_for("the paused node catches up", Duration::from_secs(15), || {
        round(&nodes[3], &table) >= round(&nodes[0], &table)
    });

    // Two of four away: no quorum, no roll.
    signal(&nodes[2], "-STOP");
    signal(&nodes[3], "-STOP");
    std::thread::sleep(Duration::from_millis(1500));
    let stalled = round(&nodes[0], &table);
    std::thread::sleep(Duration::from_secs(4));
    assert_eq!(round(&nodes[0], &table), stalled, "two of four cannot finalize a roll");
    assert_eq!(round(&nodes[1], &table), stalled);

    // Heal: rolls again within 5 s.
    signal(&nodes[2], "-CONT");
    signal(&nodes[3], "-CONT");
    let healed = Instant::now();
    wait_for("rolling again after healing", Duration::from_secs(5), || round(&nodes[0], &table) > stalled);
    let resumed_ms = healed.elapsed().as_millis();
    println!("partition healed: the table rolled again after {resumed_ms} ms");
    for n in &nodes {
        wait_for("every node past the stall", Duration::from_secs(10), || round(n, &table) > stalled);
    }
}

#[test]
fn a_killed_player_restarts_from_its_database_and_catches_up() {
    let _turn = crate::mesh_support::one_at_a_time();
    let root = tempfile::tempdir().unwrap();
    let mut nodes = start_mesh(root.path(), 4, "");
    let table = host_table(&nodes[0], 100);
    join_all(&nodes, &table);
    let victim = nodes.pop().unwrap();
    let dir = victim.data_dir.clone();
    drop(victim); // SIGKILL
    let at_kill = round(&nodes[0], &table);
    wait_for("rolls without it", Duration::from_secs(15), || round(&nodes[0], &table) >= at_kill + 3);
    let peers = vec![nodes[0].peer_entry(), nodes[1].peer_entry()];
    let back = NodeProcess::start(&dir, &mesh_config(&peers, ""));
    let t = back.table(&table).expect("the table survives the kill");
    assert!(t.joined, "still seated after the restart");
    wait_for("the restarted node catches up", Duration::from_secs(15), || {
        round(&back, &table) >= round(&nodes[0], &table)
    });
    let (a, b) = (back.table(&table).unwrap(), nodes[0].table(&table).unwrap());
    if a.round == b.round {
        assert_eq!(a.state_hash, b.state_hash);
    }
    // The restarted node measured how it found its peers, linked and caught up.
    let net = back.snapshot().net;
    let stats = &net.stats;
    let p95 = |q: &bitcraps_api::LatencyQuantiles| format!("p95 {:.2} ms of {}", q.p95_ms, q.count);
    println!(
        "restarted node: discovery {}, connection set-up {}, state sync {}, {} of {} attempts succeeded",
        p95(&stats.discovery),
        p95(&stats.connection_setup),
        p95(&stats.state_sync),
        stats.connection_successes,
        stats.connection_attempts
    );
    assert!(stats.discovery.count >= 2, "a discovery per configured peer: {:?}", stats.discovery);
    assert!(stats.connection_setup.count >= 2, "{:?}", stats.connection_setup);
    assert!(stats.connection_successes >= 2 && stats.connection_attempts >= stats.connection_successes, "{stats:?}");
    assert!(stats.state_sync.count > 0, "catching up timed its sync answers: {:?}", stats.state_sync);
    assert_eq!((net.partition.as_str(), net.expected_peers, net.expected_peers_linked), ("connected", 2, 2));
}
