//! Byzantine peers against six honest `bitcraps-node` processes: a player who equivocates, a player who
//! withholds a reveal, a peer forging signatures, one replaying old messages, and one sending oversized and
//! garbage frames. The honest nodes finish the game with identical ledgers, every bad peer is banned, nothing
//! crashes, and no honest token is lost.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bitcraps_net::lan::testing::RawClient;
use bitcraps_net::transport::{LinkHandle, TransportEvent};
use bitcraps_rules::BetKind;
use bitcraps_table::crypto;
use bitcraps_wire::{Action, Envelope, MeshFrame, Message, NodeId, PROTOCOL_VERSION, Payload, SignedMessage, TableId};
use ed25519_dalek::SigningKey;
use tokio::sync::{mpsc, watch};

use crate::mesh_game::{host_table, join_all, start_mesh};
use crate::mesh_support::{NodeProcess, describe, ledger, wait_for};

/// How a bad peer misbehaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Misbehaviour {
    /// Joins, then signs two different commits for one round.
    Equivocate,
    /// Joins, bets, then never reveals.
    Withhold,
    /// Re-sends every message it gets with one bit of the signature flipped.
    Forge,
    /// Records messages and sends them again once they are older than the honest nodes accept.
    Replay,
}

/// A peer on a real LAN link, driven by the test.
struct BadPeer {
    key: SigningKey,
    handle: LinkHandle,
    events: mpsc::Receiver<TransportEvent>,
    _stop: watch::Sender<bool>,
}

fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64
}

impl BadPeer {
    async fn connect(seed: u8, honest: &NodeProcess) -> BadPeer {
        let (key, handle, events, stop) = crate::mesh_support::lan_link_to(seed, honest, 4096).await;
        BadPeer { key, handle, events, _stop: stop }
    }

    fn id(&self) -> NodeId {
        NodeId(self.key.verifying_key().to_bytes())
    }

    fn send(&self, message: SignedMessage) {
        let envelope = Envelope { ttl: 7, hop_sent_us: now_ms() * 1000, message };
        let _ = self.handle.send(MeshFrame::Flood(envelope).encode());
    }

    fn sign(&self, payload: Payload) -> SignedMessage {
        let message = Message { version: PROTOCOL_VERSION, origin: self.id(), timestamp_ms: now_ms(), payload };
        SignedMessage::sign(&message, &self.key)
    }

    /// The next flooded message from the honest side, until `deadline`.
    async fn next(&mut self, deadline: Instant) -> Option<(Message, SignedMessage)> {
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            match tokio::time::timeout(left, self.events.recv()).await.ok()?? {
                TransportEvent::Frame { frame, .. } => {
                    if let Ok(MeshFrame::Flood(env)) = MeshFrame::decode(&frame)
                        && let Ok(message) = env.message.verify()
                    {
                        return Some((message, env.message));
                    }
                }
                TransportEvent::Down { .. } => return None,
                _ => {}
            }
        }
    }

    /// Plays (or misplays) the table for `run_for`.
    async fn play(mut self, table: TableId, how: Misbehaviour, run_for: Duration) {
        let deadline = Instant::now() + run_for;
        let mut committed: BTreeSet<(u64, u32)> = BTreeSet::new();
        let mut nonces = std::collections::BTreeMap::new();
        let mut rounds_played = 0u32;
        let mut recorded: Vec<SignedMessage> = Vec::new();
        while let Some((message, signed)) = self.next(deadline).await {
            if message.origin == self.id() {
                continue;
            }
            match how {
                Misbehaviour::Forge => {
                    // A new message in an honest node's name, signed with the forger's own key.
                    let mut forged = message.clone();
                    forged.timestamp_ms += 1;
                    self.send(SignedMessage::sign(&forged, &self.key));
                    continue;
                }
                Misbehaviour::Replay => {
                    recorded.push(signed);
                    let old: Vec<SignedMessage> = recorded
                        .iter()
                        .filter(|s| s.decode_unverified().is_ok_and(|m| m.timestamp_ms + 2_500 < now_ms()))
                        .cloned()
                        .collect();
                    recorded.retain(|s| !old.contains(s));
                    for s in old {
                        self.send(s);
                    }
                    continue;
                }
                Misbehaviour::Equivocate | Misbehaviour::Withhold => {}
            }
            // Commit early for the next round (as soon as this one is being signed), and to any attempt seen.
            let slot = match message.payload {
                Payload::StateSig { round, .. } => Some((round + 1, 0)),
                Payload::Commit { round, attempt, .. } => Some((round, attempt)),
                _ => None,
            };
            if let Some((round, attempt)) = slot
                && committed.insert((round, attempt))
            {
                let mut nonce = [0u8; 32];
                nonce[..8].copy_from_slice(&now_ms().to_be_bytes());
                nonce[8] = self.key.as_bytes()[0];
                // Join is refused (and skipped) once seated; the bet then plays.
                let actions = vec![Action::Join { buy_in: 100_000 }, Action::Bet { kind: BetKind::Field, amount: 60 }];
                let commitment = crypto::commitment(&table, round, attempt, &self.id(), &nonce);
                self.send(self.sign(Payload::Commit { table, round, attempt, commitment, actions: actions.clone() }));
                if how == Misbehaviour::Equivocate && rounds_played > 3 {
                    let other = crypto::commitment(&table, round, attempt, &self.id(), &[0xee; 32]);
                    self.send(self.sign(Payload::Commit {
                        table,
                        round,
                        attempt,
                        commitment: other,
                        actions: actions.clone(),
                    }));
                }
                nonces.insert((round, attempt), nonce);
                rounds_played += 1;
            }
            if let Payload::Reveal { round, attempt, .. } = message.payload
                && let Some(nonce) = nonces.remove(&(round, attempt))
                && !(how == Misbehaviour::Withhold && rounds_played > 3)
            {
                self.send(self.sign(Payload::Reveal { table, round, attempt, nonce }));
            }
        }
    }
}

/// Sends an oversized frame header, then (on a new link) garbage ciphertext: banned after both.
async fn frame_abuser(seed: u8, honest: &NodeProcess) {
    let key = SigningKey::from_bytes(&[seed; 32]);
    let addr: SocketAddr = honest.listen.parse().unwrap();
    let mut client = RawClient::connect(addr, &key, None).await.unwrap();
    client.send_raw(&[0xff, 0xff]).await.unwrap();
    assert!(client.closed_within(Duration::from_secs(5)).await, "an oversized header closes the link");
    let mut client = RawClient::connect(addr, &key, None).await.unwrap();
    client.send_raw(&[0x00, 0x20]).await.unwrap();
    client.send_raw(&[0xab; 0x20]).await.unwrap();
    assert!(client.closed_within(Duration::from_secs(5)).await, "garbage ciphertext closes the link");
}

#[test]
fn honest_nodes_finish_the_game_and_ban_every_bad_peer() {
    let _turn = crate::mesh_support::one_at_a_time();
    let root = tempfile::tempdir().unwrap();
    let nodes = start_mesh(root.path(), 6, "max_message_age_ms = 2000\n");
    let table = host_table(&nodes[0], 300);
    join_all(&nodes, &table);
    let table_id = TableId::from_hex(&table).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let bad_ids = runtime.block_on(async {
        let equivocator = BadPeer::connect(201, &nodes[1]).await;
        let withholder = BadPeer::connect(202, &nodes[2]).await;
        let forger = BadPeer::connect(203, &nodes[3]).await;
        let replayer = BadPeer::connect(204, &nodes[4]).await;
        let ids = [equivocator.id(), withholder.id(), forger.id(), replayer.id(), {
            let k = SigningKey::from_bytes(&[205; 32]);
            NodeId(k.verifying_key().to_bytes())
        }];
        let run = Duration::from_secs(12);
        let tasks = vec![
            tokio::spawn(equivocator.play(table_id, Misbehaviour::Equivocate, run)),
            tokio::spawn(withholder.play(table_id, Misbehaviour::Withhold, run)),
            tokio::spawn(forger.play(table_id, Misbehaviour::Forge, run)),
            tokio::spawn(replayer.play(table_id, Misbehaviour::Replay, run)),
        ];
        frame_abuser(205, &nodes[5]).await;
        for t in tasks {
            t.await.unwrap();
        }
        ids
    });
    let hex: Vec<String> = bad_ids.iter().map(NodeId::to_hex).collect();
    // Every bad peer is banned by the node it attacked (the equivocator by everyone who saw both commits).
    for (i, bad) in hex.iter().enumerate() {
        let s = nodes[i + 1].snapshot();
        println!(
            "bad peer {i} at node {}: banned {:?}, dropped {:?}, equivocations {}, forfeits {}, seated {:?}",
            i + 1,
            s.net.banned.contains(bad),
            s.net.stats.dropped,
            s.game.consensus.equivocations,
            s.game.consensus.forfeits,
            s.game.tables.first().map(|t| t.players.iter().map(|p| p.node_id[..6].to_owned()).collect::<Vec<_>>()),
        );
    }
    for (i, bad) in hex.iter().enumerate() {
        wait_for("the bad peer banned", Duration::from_secs(30), || nodes[i + 1].snapshot().net.banned.contains(bad));
    }
    // The equivocator's neighbour receives both commits; the others get them flooded or passed on as the proof,
    // unless they had already banned the equivocator for a round that named it withheld.
    assert!(nodes[1].snapshot().game.consensus.equivocations >= 1, "the equivocation was detected");
    wait_for("both bad players unseated", Duration::from_secs(30), || {
        let t = nodes[0].table(&table).unwrap();
        !t.players.iter().any(|p| p.node_id == hex[0] || p.node_id == hex[1])
    });
    let t = nodes[0].table(&table).unwrap();
    assert_eq!(t.seated, 6);
    // The honest table goes on.
    let round = t.round;
    wait_for("rolls after the attacks", Duration::from_secs(15), || {
        nodes[0].table(&table).is_some_and(|t| t.round >= round + 3)
    });
    for n in &nodes {
        let _ = n.command(&bitcraps_api::Command::LeaveTable { table_id: table.clone() });
    }
    let left = std::time::Instant::now();
    while !nodes.iter().all(|n| n.table(&table).is_some_and(|t| t.seated == 0)) {
        assert!(left.elapsed() < Duration::from_secs(45), "not everyone left:\n{}", describe(&nodes, &table));
        std::thread::sleep(Duration::from_millis(50));
    }
    wait_for("the same round everywhere", Duration::from_secs(10), || {
        let r: Vec<u64> = nodes.iter().map(|n| n.table(&table).unwrap().round).collect();
        r.iter().all(|x| *x == r[0])
    });
    let honest_ids: Vec<String> = nodes.iter().map(|n| n.node_id.clone()).collect();
    let mut dirs = Vec::new();
    for mut n in nodes {
        assert!(n.child.try_wait().unwrap().is_none(), "no honest node crashed");
        dirs.push(n.stop());
    }
    let ledgers: Vec<_> = dirs.iter().map(|d| ledger(d)).collect();
    for l in &ledgers {
        assert_eq!(l, &ledgers[0], "identical ledgers");
    }
    let l = &ledgers[0];
    assert_eq!(l.values().sum::<i64>(), 0);
    // The honest players did not bet: each holds exactly the buy-in it brought. No honest token was lost.
    for id in &honest_ids {
        assert_eq!(l[&format!("player:{table}:{id}")], 100_000, "honest player {id}");
    }
    // Whether the withholder's join landed before it began withholding depends on timing: seated, it forfeited and
    // lost its seat; still joining, its withheld commit kept it out. Either way it is banned (checked above).
}
