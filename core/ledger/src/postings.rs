//! What the rules engine's reports mean in money: pure functions from a placement, a take-down, a roll or an
//! abort to the ledger [`Entry`]s that record it. Nothing here touches a balance or the database.
//!
//! | event                | entries                                                                        |
//! |----------------------|--------------------------------------------------------------------------------|
//! | bet placed           | stake player → escrow; up-front commission player → escrow                     |
//! | bet taken down       | stake + up-front commission escrow → player                                    |
//! | bet settled by a roll| returned escrow → player; lost escrow → house; winnings house → player;        |
//! |                      | commission on win player → house; up-front commission held escrow → house       |
//! | table aborted        | every open bet's stake + up-front commission escrow → player                   |
//!
//! Zero amounts make no entry. Winnings are posted before the commission they pay for, so a player's balance
//! never dips below zero in between.

use bitcraps_rules::{Bet, BetId, Placement, PlayerId, Removal, RollOutcome};

use crate::{Account, Entry, Reason};
use bitcraps_storage::TableId;

/// Entries for a bet accepted by the table.
pub fn placement(table: TableId, player: &Account, p: &Placement) -> Vec<Entry> {
    let escrow = Account::Escrow(table);
    let mut entries = Vec::with_capacity(2);
    push(&mut entries, player, &escrow, p.stake, Reason::Stake, table, None, p.bet_id);
    push(&mut entries, player, &escrow, p.commission, Reason::CommissionHeld, table, None, p.bet_id);
    entries
}

/// Entries for a bet taken down.
pub fn removal(table: TableId, player: &Account, r: &Removal) -> Vec<Entry> {
    let mut entries = Vec::with_capacity(1);
    push(&mut entries, &Account::Escrow(table), player, r.total(), Reason::TakeDown, table, None, r.bet_id);
    entries
}

/// Entries for every bet a roll settled. `player_account` maps a seat to its account; `held_commission` says
/// what up-front commission each settled bet holds in escrow (read from the table before the roll).
pub fn roll(
    table: TableId,
    outcome: &RollOutcome,
    player_account: impl Fn(PlayerId) -> Account,
    held_commission: impl Fn(BetId) -> u64,
) -> Vec<Entry> {
    let escrow = Account::Escrow(table);
    let house = Account::House;
    let at = Some(outcome.roll_number);
    let mut entries = Vec::with_capacity(outcome.resolutions.len() * 2);
    for r in &outcome.resolutions {
        let s = &r.settlement;
        let player = player_account(r.player);
        let bet = r.bet_id;
        push(&mut entries, &escrow, &player, s.returned, Reason::Returned, table, at, bet);
        push(&mut entries, &escrow, &house, s.lost, Reason::Lost, table, at, bet);
        push(&mut entries, &house, &player, s.winnings, Reason::Winnings, table, at, bet);
        push(&mut entries, &player, &house, s.commission, Reason::Commission, table, at, bet);
        push(&mut entries, &escrow, &house, held_commission(bet), Reason::Commission, table, at, bet);
    }
    entries
}

/// Entries refunding every open bet when a table is aborted.
pub fn abort(table: TableId, open_bets: &[Bet], player_account: impl Fn(PlayerId) -> Account) -> Vec<Entry> {
    let escrow = Account::Escrow(table);
    let mut entries = Vec::with_capacity(open_bets.len());
    for bet in open_bets {
        let amount = bet.amount.saturating_add(bet.commission_paid);
        push(&mut entries, &escrow, &player_account(bet.player), amount, Reason::AbortRefund, table, None, bet.id);
    }
    entries
}

/// What an open bet holds in escrow: its stake and any up-front commission.
pub const fn escrowed(bet: &Bet) -> u64 {
    bet.amount.saturating_add(bet.commission_paid)
}

#[allow(clippy::too_many_arguments)] // one row of the table above; a struct would only rename the columns
fn push(
    entries: &mut Vec<Entry>,
    debit: &Account,
    credit: &Account,
    amount: u64,
    reason: Reason,
    table: TableId,
    roll: Option<u64>,
    bet: BetId,
) {
    if amount > 0 {
        entries.push(Entry {
            debit: debit.clone(),
            credit: credit.clone(),
            amount,
            reason,
            table: Some(table),
            roll,
            bet: Some(bet),
        });
    }
}
