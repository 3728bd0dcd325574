//! What the API shows of the mesh tables ([`bitcraps_api::GameSummary`]), kept current by the service, and the
//! door through which API commands reach it.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Mutex, OnceLock, PoisonError};

use bitcraps_api::{
    BalanceChange, BetSummary, ConsensusStats, ErrorCode, GameSummary, LatencyQuantiles, RollSummary, SeatSummary,
    TableSummary,
};
use bitcraps_wire::{NodeId, TableId};
use tokio::sync::{mpsc, oneshot};

use crate::machine::Machine;
use crate::state::player_account;
use bitcraps_ledger::{Account, Entry};

/// Rolls kept per table for the API.
pub const RECENT_ROLLS: usize = 20;

/// A game command for the service (from the control API).
#[derive(Debug)]
pub enum GameCommand {
    Host(bitcraps_api::HostTable),
    Join { table: TableId, buy_in: u64 },
    Leave { table: TableId },
    Bet { table: TableId, kind: String, amount: u64 },
    Remove { table: TableId, bet_id: u64 },
}

/// Why a game command was refused: a stable code and a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct GameRefusal {
    pub code: ErrorCode,
    pub message: String,
}

impl GameRefusal {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }
}

/// A command and where its answer goes.
pub type Request = (GameCommand, oneshot::Sender<Result<String, GameRefusal>>);

/// Counters of the table protocol.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counters {
    pub rounds_final: u64,
    pub attempts_failed: u64,
    pub forfeits: u64,
    pub equivocations: u64,
}

/// The service's published view and its command door.
#[derive(Debug, Default)]
pub struct GamesView {
    summary: Mutex<GameSummary>,
    requests: OnceLock<mpsc::Sender<Request>>,
}

impl GamesView {
    /// The tables and consensus counters as last published (the round latency window lives in
    /// `bitcraps_net::metrics::NetStatus`; the node's snapshot joins the two).
    pub fn summary(&self) -> GameSummary {
        self.summary.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    pub(crate) fn connect(&self, requests: mpsc::Sender<Request>) {
        let _ = self.requests.set(requests);
    }

    /// Sends a command to the service and waits for its answer.
    pub async fn command(&self, command: GameCommand) -> Result<String, GameRefusal> {
        let unavailable =
            || GameRefusal::new(ErrorCode::NotOnMesh, "the table protocol is not running (net.enabled = false?)");
        let requests = self.requests.get().ok_or_else(unavailable)?;
        let (reply, answer) = oneshot::channel();
        requests.send((command, reply)).await.map_err(|_| unavailable())?;
        answer.await.map_err(|_| unavailable())?
    }

    /// Publishes the tables as the machines hold them.
    pub(crate) fn publish(
        &self,
        me: &NodeId,
        machines: &BTreeMap<TableId, Machine>,
        rolls: &BTreeMap<TableId, VecDeque<RollSummary>>,
        counters: Counters,
    ) {
        let tables = machines.values().map(|m| table_summary(me, m, rolls.get(&m.state().id))).collect();
        let consensus = ConsensusStats {
            rounds_final: counters.rounds_final,
            attempts_failed: counters.attempts_failed,
            forfeits: counters.forfeits,
            equivocations: counters.equivocations,
            round_latency: LatencyQuantiles::default(),
        };
        *self.summary.lock().unwrap_or_else(PoisonError::into_inner) = GameSummary { tables, consensus };
    }
}

fn table_summary(me: &NodeId, m: &Machine, rolls: Option<&VecDeque<RollSummary>>) -> TableSummary {
    let s = m.state();
    let rules = s.engine.rules();
    let shooter = s.engine.shooter();
    TableSummary {
        table_id: s.id.to_hex(),
        host_id: s.host.to_hex(),
        seated: s.players.len() as u32,
        max_seats: u32::from(s.params.max_seats),
        phase: s.engine.phase().to_string(),
        min_bet: rules.min_bet,
        max_bet: rules.max_bet,
        max_buy_in: s.params.max_buy_in,
        roll_interval_ms: s.params.roll_interval_ms,
        round: s.round(),
        round_phase: m.phase().name().to_owned(),
        phase_deadline_ms: match m.next_deadline() {
            u64::MAX => 0,
            deadline => deadline,
        },
        attempt: m.attempt(),
        joined: s.players.contains_key(me),
        players: s
            .players
            .iter()
            .map(|(node, seat)| SeatSummary {
                node_id: node.to_hex(),
                balance: s.chips(node),
                is_shooter: shooter == Some(*seat),
            })
            .collect(),
        bets: s
            .engine
            .bets()
            .iter()
            .map(|b| BetSummary {
                bet_id: b.id.0,
                node_id: s.node_of(b.player).map(|n| n.to_hex()).unwrap_or_default(),
                kind: b.kind.to_string(),
                amount: b.amount,
            })
            .collect(),
        recent_rolls: rolls.map(|r| r.iter().cloned().collect()).unwrap_or_default(),
        state_hash: hex::encode(s.hash),
    }
}

/// Each player's chip change in one round, from the round's ledger entries: what their player account at `table`
/// received minus what it paid. `players` (the seated players) are listed even when their balance did not move;
/// anyone else whose account moved (a player who left or forfeited) follows. Sorted by node id.
pub(crate) fn balance_changes<'a, 'b>(
    table: &TableId,
    players: impl IntoIterator<Item = &'a NodeId>,
    entries: impl IntoIterator<Item = &'b Entry>,
) -> Vec<BalanceChange> {
    let mut deltas: BTreeMap<String, i64> = BTreeMap::new();
    let prefix = format!("{}:", table.to_hex());
    for node in players {
        if let Account::Player(name) = player_account(table, node) {
            deltas.entry(name).or_default();
        }
    }
    let amount = |e: &Entry| i64::try_from(e.amount).unwrap_or(i64::MAX);
    for entry in entries {
        for (account, sign) in [(&entry.credit, 1), (&entry.debit, -1)] {
            if let Account::Player(name) = account
                && name.starts_with(&prefix)
            {
                let delta = deltas.entry(name.clone()).or_default();
                *delta = delta.saturating_add(sign * amount(entry));
            }
        }
    }
    deltas.into_iter().map(|(name, delta)| BalanceChange { node_id: name[prefix.len()..].to_owned(), delta }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use bitcraps_ledger::Reason;

    fn entry(debit: Account, credit: Account, amount: u64) -> Entry {
        Entry { debit, credit, amount, reason: Reason::Stake, table: None, roll: None, bet: None }
    }

    #[test]
    fn balance_changes_sum_credits_minus_debits_per_player_of_the_table() {
        let table = TableId([7; 16]);
        let other_table = TableId([8; 16]);
        let (alice, bob, carol) = (NodeId([1; 32]), NodeId([2; 32]), NodeId([3; 32]));
        let escrow = Account::Escrow(bitcraps_ledger::TableId(1));
        let entries = [
            // Alice stakes 10 and wins 10 back with her stake; Bob stakes 5 and loses it.
            entry(player_account(&table, &alice), escrow.clone(), 10),
            entry(player_account(&table, &bob), escrow.clone(), 5),
            entry(escrow.clone(), player_account(&table, &alice), 10),
            entry(Account::House, player_account(&table, &alice), 10),
            // Carol (not seated any more) is paid her chips back; another table's entry is ignored.
            entry(escrow.clone(), player_account(&table, &carol), 3),
            entry(player_account(&other_table, &alice), escrow, 50),
        ];
        let changes = balance_changes(&table, [&alice, &bob], &entries);
        let expected =
            [(alice, 10), (bob, -5), (carol, 3)].map(|(node, delta)| BalanceChange { node_id: node.to_hex(), delta });
        assert_eq!(changes, expected);
    }

    #[test]
    fn balance_changes_list_seated_players_without_entries() {
        let table = TableId([7; 16]);
        let alice = NodeId([1; 32]);
        let changes = balance_changes(&table, [&alice], std::iter::empty());
        assert_eq!(changes, vec![BalanceChange { node_id: alice.to_hex(), delta: 0 }]);
    }
}
