//! A mesh table's agreed state and the one deterministic function every node runs to play a round.
//!
//! [`TableState`] is what all honest nodes hold after each final round: the rules engine, who sits where, and
//! an in-memory [`Book`] of the table's accounts (each player's chips at this table, the table's escrow, and
//! the house's and the mint's share of it). [`TableState::play_round`] takes the round's revealed actions and
//! nonces and the players who withheld, and returns the next state and the [`RoundEffects`] the node writes to
//! SQLite once the round is final. It uses the same rules engine and ledger postings as local tables, so the
//! money rules are defined once.
//!
//! Order inside a round (the same on every node): each revealer's actions, revealers in ascending node id and
//! each one's actions in the order signed (join, take down, bet, leave); refused actions are skipped and
//! reported. Then each withholder forfeits every open bet and is unseated. Then the dice roll. A leaver's bets
//! that may come down are returned; contract bets (a pass or come bet with its point set) are forfeited.

use std::collections::BTreeMap;

use bitcraps_rules::{Bet, BetId, Dice, Outcome, PlayerId, Resolution, RollOutcome, Settlement, Table};
use bitcraps_wire::{Action, NodeId, TableId, TableParams};
use sha2::{Digest, Sha256};

use bitcraps_ledger::{Account, Book, Entry, LedgerError, Reason, postings};

/// A table's agreed state after its last final round.
#[derive(Debug, Clone)]
pub struct TableState {
    /// The table's id on the mesh.
    pub id: TableId,
    /// Its row in this node's `craps_tables` (names its escrow account).
    pub local: bitcraps_ledger::TableId,
    pub host: NodeId,
    pub params: TableParams,
    pub created_ms: u64,
    /// The rules engine; its open roll is the round being played.
    pub engine: Table,
    /// Seated players and their seat ids in the engine.
    pub players: BTreeMap<NodeId, PlayerId>,
    /// Consecutive final rounds each seated player took no part in (no commit).
    pub missed: BTreeMap<NodeId, u32>,
    /// Balances of this table's accounts.
    pub book: Book,
    /// [`TableState::hash`] of this state.
    pub hash: [u8; 32],
}

/// One revealer's part in a round.
#[derive(Debug, Clone)]
pub struct Revealed {
    pub player: NodeId,
    pub nonce: [u8; 32],
    pub actions: Vec<Action>,
}

/// Everything a final round changed, for SQLite.
#[derive(Debug, Clone, Default)]
pub struct RoundEffects {
    /// Mints, placements and take-downs, in order (not tied to the roll).
    pub action_entries: Vec<Entry>,
    /// Settlements of the roll and of forfeited bets (tied to the roll).
    pub roll_entries: Vec<Entry>,
    /// Players seated this round.
    pub seated: Vec<(NodeId, PlayerId)>,
    /// Bets placed this round, as placed.
    pub placed: Vec<Bet>,
    /// Bets taken down this round.
    pub taken_down: Vec<BetId>,
    /// Players who withheld their reveal: bets forfeited, unseated.
    pub forfeited: Vec<NodeId>,
    /// Players who left.
    pub left: Vec<NodeId>,
    /// The roll, its resolutions preceded by those of forfeited bets (so the stored roll counts them).
    pub outcome: Option<RollOutcome>,
    /// Actions refused, with why (they change nothing).
    pub refused: Vec<(NodeId, String)>,
}

/// Why a round could not be played or a state not built.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("round {got} does not follow this table's state (open roll {expected})")]
    WrongRound { expected: u64, got: u64 },
    #[error("nobody revealed: no dice")]
    NoReveals,
    #[error("ledger: {0}")]
    Ledger(#[from] LedgerError),
    #[error("the host's buy-in must be 1..={max}, not {got}")]
    BadBuyIn { got: u64, max: u64 },
}

/// Rounds in a row a seated player may sit out (send no commit) before the table unseats them.
pub const MAX_MISSED_ROUNDS: u32 = 3;

/// The account that holds `node`'s chips at `table`.
pub fn player_account(table: &TableId, node: &NodeId) -> Account {
    Account::Player(format!("{}:{}", table.to_hex(), node.to_hex()))
}

/// A node's seat id in the rules engine: the first 63 bits of its key (SQLite integers are signed 64-bit).
pub fn seat_id(node: &NodeId) -> PlayerId {
    let mut first = [0u8; 8];
    first.copy_from_slice(&node.0[..8]);
    PlayerId(u64::from_be_bytes(first) >> 1)
}

impl TableState {
    /// A new table with its host seated with `host_buy_in` chips; also returns the mint entry.
    pub fn open(
        id: TableId,
        local: bitcraps_ledger::TableId,
        host: NodeId,
        params: TableParams,
        created_ms: u64,
        host_buy_in: u64,
    ) -> Result<(Self, Entry), StateError> {
        if host_buy_in == 0 || host_buy_in > params.max_buy_in {
            return Err(StateError::BadBuyIn { got: host_buy_in, max: params.max_buy_in });
        }
        let mut engine = Table::new(params.rules);
        let seat = seat_id(&host);
        // An empty table always seats.
        let _ = engine.seat(seat);
        let mint = mint_entry(&id, &host, host_buy_in);
        let mut book = Book::new();
        book.post(std::slice::from_ref(&mint))?;
        let mut state = Self {
            id,
            local,
            host,
            params,
            created_ms,
            engine,
            players: BTreeMap::from([(host, seat)]),
            missed: BTreeMap::new(),
            book,
            hash: [0; 32],
        };
        state.hash = state.compute_hash();
        Ok((state, mint))
    }

    /// The round being played: the engine's open roll.
    pub const fn round(&self) -> u64 {
        self.engine.open_roll()
    }

    /// Chips `node` holds at this table (not on a bet).
    pub fn chips(&self, node: &NodeId) -> u64 {
        u64::try_from(self.book.balance(&player_account(&self.id, node))).unwrap_or(0)
    }

    /// Who a seat id belongs to.
    pub fn node_of(&self, seat: PlayerId) -> Option<NodeId> {
        self.players.iter().find(|(_, s)| **s == seat).map(|(n, _)| *n)
    }

    /// Plays round `round`: the revealers' actions, the withholders' forfeits, then the roll.
    pub fn play_round(
        &self,
        round: u64,
        dice: Dice,
        revealed: &[Revealed],
        withheld: &[NodeId],
    ) -> Result<(TableState, RoundEffects), StateError> {
        if round != self.round() {
            return Err(StateError::WrongRound { expected: self.round(), got: round });
        }
        if revealed.is_empty() {
            return Err(StateError::NoReveals);
        }
        let mut next = self.clone();
        let mut fx = RoundEffects::default();
        let mut forfeits = Vec::new();
        let mut order: Vec<&Revealed> = revealed.iter().collect();
        order.sort_by_key(|r| r.player);
        for r in order {
            for action in &r.actions {
                if let Err(why) = next.apply_action(r.player, *action, &mut fx, &mut forfeits) {
                    fx.refused.push((r.player, why));
                }
            }
        }
        let mut withheld = withheld.to_vec();
        withheld.sort();
        for w in &withheld {
            if next.players.contains_key(w) {
                next.leave(*w, false, &mut fx, &mut forfeits);
                fx.forfeited.push(*w);
            }
        }
        // Players seated before this round who sent no commit: after MAX_MISSED_ROUNDS in a row they leave (a
        // crashed, banned or departed player must not hold the table's quorum and timeouts forever).
        for player in self.players.keys() {
            let took_part = revealed.iter().any(|r| r.player == *player) || withheld.contains(player);
            if took_part || !next.players.contains_key(player) {
                next.missed.remove(player);
                continue;
            }
            let missed = next.missed.entry(*player).or_insert(0);
            *missed += 1;
            if *missed >= MAX_MISSED_ROUNDS {
                next.missed.remove(player);
                next.leave(*player, true, &mut fx, &mut forfeits);
                fx.left.push(*player);
            }
        }
        let held: BTreeMap<BetId, u64> = self
            .engine
            .bets()
            .iter()
            .chain(fx.placed.iter())
            .map(|b| (b.id, b.commission_paid))
            .chain(forfeits.iter().map(|(r, held): &(Resolution, u64)| (r.bet_id, *held)))
            .collect();
        let mut outcome = next.engine.roll(dice);
        outcome.resolutions.splice(0..0, forfeits.into_iter().map(|(r, _)| r));
        let (table, players) = (next.id, next.players.clone());
        let seat_owner = |seat: PlayerId| {
            players
                .iter()
                .find(|(_, s)| **s == seat)
                .map(|(n, _)| *n)
                .or_else(|| self.node_of(seat))
                .map_or(Account::House, |n| player_account(&table, &n))
        };
        fx.roll_entries =
            postings::roll(next.local, &outcome, seat_owner, |b| held.get(&b).copied().unwrap_or_default());
        next.book.post(&fx.roll_entries)?;
        fx.outcome = Some(outcome);
        next.hash = next.compute_hash();
        Ok((next, fx))
    }

    fn apply_action(
        &mut self,
        player: NodeId,
        action: Action,
        fx: &mut RoundEffects,
        forfeits: &mut Vec<(Resolution, u64)>,
    ) -> Result<(), String> {
        let seat = self.players.get(&player).copied();
        match action {
            Action::Join { buy_in } => {
                if seat.is_some() {
                    return Err("already seated".into());
                }
                if buy_in == 0 || buy_in > self.params.max_buy_in {
                    return Err(format!("buy-in {buy_in} outside 1..={}", self.params.max_buy_in));
                }
                if self.players.len() >= usize::from(self.params.max_seats) {
                    return Err("the table is full".into());
                }
                let id = seat_id(&player);
                self.engine.seat(id).map_err(|e| e.to_string())?;
                let mint = mint_entry(&self.id, &player, buy_in);
                self.book.post(std::slice::from_ref(&mint)).map_err(|e| e.to_string())?;
                fx.action_entries.push(mint);
                self.players.insert(player, id);
                fx.seated.push((player, id));
            }
            Action::Bet { kind, amount } => {
                let seat = seat.ok_or("not seated")?;
                let mut engine = self.engine.clone();
                let placement =
                    engine.place_bet(seat, kind, amount, self.engine.open_roll()).map_err(|e| e.to_string())?;
                let account = player_account(&self.id, &player);
                let entries = postings::placement(self.local, &account, &placement);
                self.book.post(&entries).map_err(|_| format!("not enough chips for {}", placement.total()))?;
                if let Some(bet) = engine.bet(placement.bet_id) {
                    fx.placed.push(bet.clone());
                }
                self.engine = engine;
                fx.action_entries.extend(entries);
            }
            Action::RemoveBet { bet_id } => {
                let seat = seat.ok_or("not seated")?;
                let mut engine = self.engine.clone();
                let removal = engine.remove_bet(seat, BetId(bet_id)).map_err(|e| e.to_string())?;
                let entries = postings::removal(self.local, &player_account(&self.id, &player), &removal);
                self.book.post(&entries).map_err(|e| e.to_string())?;
                self.engine = engine;
                fx.taken_down.push(removal.bet_id);
                fx.action_entries.extend(entries);
            }
            Action::Leave => {
                seat.ok_or("not seated")?;
                self.leave(player, true, fx, forfeits);
                fx.left.push(player);
            }
        }
        Ok(())
    }

    /// Unseats `player`. A leaver's bets that may come down are returned; everything else is forfeited.
    fn leave(&mut self, player: NodeId, returning: bool, fx: &mut RoundEffects, forfeits: &mut Vec<(Resolution, u64)>) {
        let Some(seat) = self.players.remove(&player) else { return };
        if returning {
            let ids: Vec<BetId> = self.engine.bets().iter().filter(|b| b.player == seat).map(|b| b.id).collect();
            for id in ids {
                let mut engine = self.engine.clone();
                if let Ok(removal) = engine.remove_bet(seat, id) {
                    let entries = postings::removal(self.local, &player_account(&self.id, &player), &removal);
                    if self.book.post(&entries).is_ok() {
                        self.engine = engine;
                        fx.taken_down.push(id);
                        fx.action_entries.extend(entries);
                    }
                }
            }
        }
        for bet in self.engine.forfeit_bets(seat) {
            let resolution = Resolution {
                bet_id: bet.id,
                player: seat,
                kind: bet.kind,
                outcome: Outcome::Lose,
                settlement: Settlement::lose(bet.amount),
            };
            forfeits.push((resolution, bet.commission_paid));
        }
        self.missed.remove(&player);
        // The player was seated (they were in `players`), so unseating succeeds.
        let _ = self.engine.unseat(seat);
    }

    /// SHA-256 over the engine state, the seats and every balance of the table's accounts (escrow named
    /// canonically, since its row id differs between nodes).
    pub fn compute_hash(&self) -> [u8; 32] {
        let mut h = Sha256::new()
            .chain_update(b"bitcraps-state-v1")
            .chain_update(self.id.0)
            .chain_update(postcard::to_stdvec(&self.engine).unwrap_or_default());
        for (node, seat) in &self.players {
            h.update(node.0);
            h.update(seat.0.to_be_bytes());
            h.update(self.missed.get(node).copied().unwrap_or(0).to_be_bytes());
        }
        let mut balances: Vec<(String, i64)> = self
            .book
            .balances()
            .map(|(account, balance)| {
                let key = match account {
                    Account::Escrow(_) => "escrow".to_owned(),
                    other => other.to_string(),
                };
                (key, balance)
            })
            .collect();
        balances.sort();
        for (key, balance) in balances {
            h.update((key.len() as u64).to_be_bytes());
            h.update(key.as_bytes());
            h.update(balance.to_be_bytes());
        }
        h.finalize().into()
    }
}

fn mint_entry(table: &TableId, node: &NodeId, amount: u64) -> Entry {
    Entry {
        debit: Account::Mint,
        credit: player_account(table, node),
        amount,
        reason: Reason::Mint,
        table: None,
        roll: None,
        bet: None,
    }
}
