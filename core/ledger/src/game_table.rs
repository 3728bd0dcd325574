//! [`GameTable`]: one craps table whose every change is checked first and then committed in one transaction —
//! engine state, game rows and ledger entries together — and adopted in memory only after the commit.

use std::collections::BTreeMap;

use bitcraps_rules::{BetError, BetId, BetKind, Dice, Placement, PlayerId, Removal, RollOutcome, Table, TableRules};
use rusqlite::Connection;

use crate::{Account, LedgerError, postings, store};
use crate::{GameError, TableId, TableStatus};
use bitcraps_storage::{bets, craps_tables, rolls, seats};

/// One table: the engine's state, the accounts of its seats, and its status.
#[derive(Debug, Clone)]
pub struct GameTable {
    id: TableId,
    table: Table,
    accounts: BTreeMap<PlayerId, Account>,
    status: TableStatus,
}

impl GameTable {
    /// Opens a new table with `rules`.
    pub fn open(conn: &mut Connection, rules: TableRules, now_ms: u64) -> Result<Self, GameError> {
        let table = Table::new(rules);
        let id = craps_tables::insert(conn, &table, now_ms)?;
        Ok(Self { id, table, accounts: BTreeMap::new(), status: TableStatus::Open })
    }

    /// Loads a table as last committed (after a restart, too).
    pub fn load(conn: &Connection, id: TableId) -> Result<Self, GameError> {
        let row = craps_tables::get(conn, id)?.ok_or(GameError::UnknownTable(id))?;
        let mut accounts = BTreeMap::new();
        for (player, key) in seats::of_table(conn, id)? {
            accounts.insert(player, key.parse::<Account>().map_err(|e| LedgerError::Malformed(e.to_string()))?);
        }
        Ok(Self { id, table: row.table, accounts, status: row.status })
    }

    /// The table's id.
    pub const fn id(&self) -> TableId {
        self.id
    }

    /// The rules engine's state.
    pub const fn table(&self) -> &Table {
        &self.table
    }

    /// Open, aborted or closed.
    pub const fn status(&self) -> TableStatus {
        self.status
    }

    /// The account a seat plays for.
    pub fn account(&self, player: PlayerId) -> Result<&Account, GameError> {
        self.accounts.get(&player).ok_or(GameError::NoAccount { table: self.id, player })
    }

    /// Seats `player`, who plays for `account`.
    pub fn seat(
        &mut self,
        conn: &mut Connection,
        player: PlayerId,
        account: Account,
        now_ms: u64,
    ) -> Result<(), GameError> {
        self.ensure_open()?;
        let mut next = self.table.clone();
        next.seat(player)?;
        let tx = conn.transaction()?;
        seats::insert(&tx, self.id, player, &account.to_string(), now_ms)?;
        craps_tables::save(&tx, self.id, self.status, &next, now_ms)?;
        tx.commit()?;
        self.table = next;
        self.accounts.insert(player, account);
        Ok(())
    }

    /// Places a bet named as [`BetKind`] parses it, for an amount as it arrives at the boundary (signed).
    pub fn place_named(
        &mut self,
        conn: &mut Connection,
        player: PlayerId,
        kind: &str,
        amount: i64,
        for_roll: u64,
        now_ms: u64,
    ) -> Result<Placement, GameError> {
        let kind: BetKind = kind.parse()?;
        let amount = u64::try_from(amount).map_err(|_| GameError::NegativeAmount { amount })?;
        self.place_bet(conn, player, kind, amount, for_roll, now_ms)
    }

    /// Places a bet: the engine checks it, the player's balance must cover stake plus up-front commission
    /// ([`BetError::InsufficientBalance`] otherwise), then both move to the table's escrow.
    pub fn place_bet(
        &mut self,
        conn: &mut Connection,
        player: PlayerId,
        kind: BetKind,
        amount: u64,
        for_roll: u64,
        now_ms: u64,
    ) -> Result<Placement, GameError> {
        self.ensure_open()?;
        let mut next = self.table.clone();
        let placement = next.place_bet(player, kind, amount, for_roll)?;
        let account = self.account(player)?;
        let bet = next.bet(placement.bet_id).ok_or_else(|| missing(placement.bet_id))?;
        let tx = conn.transaction()?;
        let available = u64::try_from(store::balance(&tx, account)?).unwrap_or(0);
        let needed = placement.total();
        if needed > available {
            return Err(BetError::InsufficientBalance { needed, available }.into());
        }
        store::post(&tx, &postings::placement(self.id, account, &placement), now_ms)?;
        bets::insert(&tx, self.id, bet, now_ms)?;
        craps_tables::save(&tx, self.id, self.status, &next, now_ms)?;
        tx.commit()?;
        self.table = next;
        Ok(placement)
    }

    /// Takes a bet down; its stake and up-front commission go back to the player.
    pub fn remove_bet(
        &mut self,
        conn: &mut Connection,
        player: PlayerId,
        bet_id: BetId,
        now_ms: u64,
    ) -> Result<Removal, GameError> {
        self.ensure_open()?;
        let mut next = self.table.clone();
        let removal = next.remove_bet(player, bet_id)?;
        let account = self.account(player)?;
        let tx = conn.transaction()?;
        store::post(&tx, &postings::removal(self.id, account, &removal), now_ms)?;
        bets::take_down(&tx, self.id, bet_id.0)?;
        craps_tables::save(&tx, self.id, self.status, &next, now_ms)?;
        tx.commit()?;
        self.table = next;
        Ok(removal)
    }

    /// Rolls: the engine settles every open bet; the roll row, each settlement, every ledger entry and the new
    /// engine state are committed in one transaction.
    pub fn roll(&mut self, conn: &mut Connection, dice: Dice, now_ms: u64) -> Result<RollOutcome, GameError> {
        self.ensure_open()?;
        let mut next = self.table.clone();
        let outcome = next.roll(dice);
        for r in &outcome.resolutions {
            self.account(r.player)?;
        }
        let entries = postings::roll(
            self.id,
            &outcome,
            |p| self.accounts.get(&p).cloned().unwrap_or(Account::House),
            |b| self.table.bet(b).map_or(0, |bet| bet.commission_paid),
        );
        let tx = conn.transaction()?;
        store::post(&tx, &entries, now_ms)?;
        bets::settle_all(&tx, self.id, outcome.roll_number, &outcome.resolutions)?;
        rolls::insert(&tx, self.id, &outcome, entries.len(), now_ms)?;
        craps_tables::save(&tx, self.id, self.status, &next, now_ms)?;
        tx.commit()?;
        self.table = next;
        Ok(outcome)
    }

    /// Aborts the table: every open bet's stake and up-front commission go back to its player, and the table
    /// takes nothing more. Returns how many bets were refunded.
    pub fn abort(&mut self, conn: &mut Connection, now_ms: u64) -> Result<usize, GameError> {
        self.ensure_open()?;
        for bet in self.table.bets() {
            self.account(bet.player)?;
        }
        let entries =
            postings::abort(self.id, self.table.bets(), |p| self.accounts.get(&p).cloned().unwrap_or(Account::House));
        let tx = conn.transaction()?;
        store::post(&tx, &entries, now_ms)?;
        let refunded = bets::refund_all(&tx, self.id)?;
        craps_tables::save(&tx, self.id, TableStatus::Aborted, &self.table, now_ms)?;
        tx.commit()?;
        self.status = TableStatus::Aborted;
        Ok(refunded)
    }

    fn ensure_open(&self) -> Result<(), GameError> {
        match self.status {
            TableStatus::Open => Ok(()),
            status => Err(GameError::TableNotOpen { table: self.id, status }),
        }
    }
}

fn missing(bet_id: BetId) -> GameError {
    GameError::Inconsistent(format!("bet {bet_id} accepted by the engine is not on the table"))
}
