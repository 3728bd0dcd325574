//! The table state machine: seats and shooter rotation, the puck (come-out or point), open bets,
//! and the checks that keep bad input from changing anything.

use crate::bet::{Bet, BetId, BetKind, PlayerId, Working};
use crate::dice::Dice;
use crate::error::BetError;
use crate::outcome::{Placement, Removal, Resolution, RollOutcome};
use crate::payout::{Payline, commission, ratio};
use crate::phase::{Phase, Point};
use crate::resolve::{Decision, decide};
use crate::rules::{CommissionPolicy, TableRules};

/// One craps table: rules, phase, seated players, the shooter and the open bets.
///
/// Rolls are numbered from 0; bets are taken for the open roll ([`Table::open_roll`]) only.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Table {
    rules: TableRules,
    phase: Phase,
    open_roll: u64,
    seats: Vec<PlayerId>,
    shooter: usize,
    /// Open bets, in increasing id order.
    bets: Vec<Bet>,
    next_bet_id: u64,
}

impl Table {
    /// An empty table on the come-out, open for roll 0.
    pub fn new(rules: TableRules) -> Self {
        Self {
            rules,
            phase: Phase::ComeOut,
            open_roll: 0,
            seats: Vec::new(),
            shooter: 0,
            bets: Vec::new(),
            next_bet_id: 0,
        }
    }

    /// The table's rules.
    pub const fn rules(&self) -> &TableRules {
        &self.rules
    }

    /// Come-out, or the point that is on.
    pub const fn phase(&self) -> Phase {
        self.phase
    }

    /// The number of the next roll: the one bets are open for.
    pub const fn open_roll(&self) -> u64 {
        self.open_roll
    }

    /// Seated players, in shooting order.
    pub fn seats(&self) -> &[PlayerId] {
        &self.seats
    }

    /// Who holds the dice (`None` with nobody seated).
    pub fn shooter(&self) -> Option<PlayerId> {
        self.seats.get(self.shooter).copied()
    }

    /// Every open bet, in id order.
    pub fn bets(&self) -> &[Bet] {
        &self.bets
    }

    /// One open bet.
    pub fn bet(&self, id: BetId) -> Option<&Bet> {
        self.index_of(id).ok().map(|i| &self.bets[i])
    }

    /// Seats a player at the end of the shooting order.
    pub fn seat(&mut self, player: PlayerId) -> Result<(), BetError> {
        if self.seats.contains(&player) {
            return Err(BetError::AlreadySeated { player });
        }
        self.seats.push(player);
        Ok(())
    }

    /// Unseats a player. Their open bets stay and resolve as usual. If they held the dice, the
    /// next player in order shoots.
    pub fn unseat(&mut self, player: PlayerId) -> Result<(), BetError> {
        let i = self.seats.iter().position(|p| *p == player).ok_or(BetError::NotSeated { player })?;
        self.seats.remove(i);
        if i < self.shooter {
            self.shooter -= 1;
        }
        if self.shooter >= self.seats.len() {
            self.shooter = 0;
        }
        Ok(())
    }

    /// Takes every open bet of `player` off the table without returning anything: what a player who withheld
    /// their dice reveal (or left with contract bets up) forfeits. Returns the bets, in id order.
    pub fn forfeit_bets(&mut self, player: PlayerId) -> Vec<Bet> {
        let (forfeited, kept) = std::mem::take(&mut self.bets).into_iter().partition(|b| b.player == player);
        self.bets = kept;
        forfeited
    }

    /// Places a bet for roll `for_roll`, which must be the open roll.
    ///
    /// Checks, in order: seated player, roll number, non-zero amount, the phase (Pass/Don't Pass
    /// on the come-out only, Come/Don't Come with a point on only), then for odds a flat bet to go
    /// behind and the odds limit, for anything else the table min and max, and that split bets
    /// divide evenly. Buy and Lay under [`CommissionPolicy::Upfront`] are charged commission now.
    pub fn place_bet(
        &mut self,
        player: PlayerId,
        kind: BetKind,
        amount: u64,
        for_roll: u64,
    ) -> Result<Placement, BetError> {
        if !self.seats.contains(&player) {
            return Err(BetError::NotSeated { player });
        }
        let open_roll = self.open_roll;
        if for_roll < open_roll {
            return Err(BetError::RollClosed { for_roll, open_roll });
        }
        if for_roll > open_roll {
            return Err(BetError::RollNotOpen { for_roll, open_roll });
        }
        if amount == 0 {
            return Err(BetError::ZeroAmount);
        }
        let kind = match kind {
            BetKind::Hop(d) => BetKind::Hop(d.sorted()),
            other => other,
        };
        let point = self.check_phase(kind)?;
        if kind.is_odds() {
            self.check_odds(player, kind, amount)?;
        } else {
            if amount < self.rules.min_bet {
                let min = self.rules.min_bet;
                return Err(BetError::BelowTableMin { amount, min });
            }
            if amount > self.rules.max_bet {
                let max = self.rules.max_bet;
                return Err(BetError::AboveTableMax { amount, max });
            }
        }
        let ways = kind.split_ways();
        if !amount.is_multiple_of(ways) {
            return Err(BetError::IndivisibleAmount { amount, ways });
        }
        let commission_paid = match (self.rules.commission, kind) {
            (CommissionPolicy::Upfront, BetKind::Buy(_)) => commission(amount),
            (CommissionPolicy::Upfront, BetKind::Lay(p)) => commission(ratio(Payline::LayOdds(p)).pays(amount)),
            _ => 0,
        };
        let bet_id = BetId(self.next_bet_id);
        self.next_bet_id += 1;
        self.bets.push(Bet {
            id: bet_id,
            player,
            kind,
            amount,
            placed_for_roll: for_roll,
            working: Working::Auto,
            point,
            commission_paid,
        });
        Ok(Placement { bet_id, stake: amount, commission: commission_paid })
    }

    /// Takes a bet down, returning its stake and any up-front commission.
    ///
    /// A Pass or Come bet whose point is set cannot come down ([`BetError::ContractBet`]); a
    /// Don't bet cannot come down while its odds would be left above the limit.
    pub fn remove_bet(&mut self, player: PlayerId, bet_id: BetId) -> Result<Removal, BetError> {
        let i = self.owned_index(player, bet_id)?;
        let bet = &self.bets[i];
        if bet.kind.is_contract() && bet.point.is_some() {
            return Err(BetError::ContractBet { bet_id });
        }
        if let Some(p) = bet.point
            && let Some(odds_kind) = odds_behind(bet.kind, p)
        {
            let remaining = self.flat_on(player, bet.kind, p) - bet.amount;
            let up = self.odds_up(player, odds_kind);
            if up > self.odds_limit(odds_kind, p, remaining) {
                return Err(BetError::OddsStillUp { bet_id });
            }
        }
        let bet = self.bets.remove(i);
        Ok(Removal { bet_id, player, stake: bet.amount, commission: bet.commission_paid })
    }

    /// Calls a bet on or off (or back to the table default). Line bets are always working.
    pub fn set_working(&mut self, player: PlayerId, bet_id: BetId, working: Working) -> Result<(), BetError> {
        let i = self.owned_index(player, bet_id)?;
        let bet = &mut self.bets[i];
        if bet.kind.is_line() {
            return Err(BetError::AlwaysWorking { kind: bet.kind });
        }
        bet.working = working;
        Ok(())
    }

    /// Rolls the dice: resolves every open bet, moves the puck, and passes the dice on a seven-out.
    pub fn roll(&mut self, dice: Dice) -> RollOutcome {
        let phase_before = self.phase;
        let total = dice.total();
        let rules = self.rules;
        let mut resolutions = Vec::new();
        let mut travelled = Vec::new();
        self.bets.retain_mut(|bet| match decide(&rules, phase_before, bet, dice) {
            Decision::Stay => true,
            Decision::Travel(p) => {
                bet.point = Some(p);
                travelled.push((bet.id, p));
                true
            }
            Decision::Settle(settlement) => {
                resolutions.push(Resolution {
                    bet_id: bet.id,
                    player: bet.player,
                    kind: bet.kind,
                    outcome: settlement.outcome(),
                    settlement,
                });
                false
            }
        });
        let shooter = self.shooter();
        let seven_out = !phase_before.is_come_out() && total == 7;
        if seven_out && !self.seats.is_empty() {
            self.shooter = (self.shooter + 1) % self.seats.len();
        }
        self.phase = phase_before.after(total);
        let roll_number = self.open_roll;
        self.open_roll += 1;
        RollOutcome {
            roll_number,
            dice,
            phase_before,
            phase_after: self.phase,
            seven_out,
            shooter,
            next_shooter: self.shooter(),
            resolutions,
            travelled,
        }
    }

    fn index_of(&self, id: BetId) -> Result<usize, usize> {
        self.bets.binary_search_by_key(&id, |b| b.id)
    }

    fn owned_index(&self, player: PlayerId, bet_id: BetId) -> Result<usize, BetError> {
        let i = self.index_of(bet_id).map_err(|_| BetError::UnknownBet { bet_id })?;
        if self.bets[i].player != player {
            return Err(BetError::NotYourBet { bet_id, player });
        }
        Ok(i)
    }

    /// Checks the kind may be bet now; returns the point the new bet rides on.
    fn check_phase(&self, kind: BetKind) -> Result<Option<Point>, BetError> {
        let phase = self.phase;
        let refuse = || BetError::NotAllowedInPhase { kind, phase };
        match kind {
            BetKind::Pass | BetKind::DontPass if !phase.is_come_out() => Err(refuse()),
            BetKind::Come | BetKind::DontCome if phase.is_come_out() => Err(refuse()),
            BetKind::PassOdds | BetKind::DontPassOdds => match phase.point() {
                Some(p) => Ok(Some(p)),
                None => Err(BetError::NoBaseBet { kind }),
            },
            BetKind::ComeOdds(p) | BetKind::DontComeOdds(p) => Ok(Some(p)),
            _ => Ok(None),
        }
    }

    fn check_odds(&self, player: PlayerId, kind: BetKind, amount: u64) -> Result<(), BetError> {
        let (flat_kind, p) = match kind {
            BetKind::PassOdds => (BetKind::Pass, self.phase.point()),
            BetKind::DontPassOdds => (BetKind::DontPass, self.phase.point()),
            BetKind::ComeOdds(p) => (BetKind::Come, Some(p)),
            BetKind::DontComeOdds(p) => (BetKind::DontCome, Some(p)),
            _ => return Ok(()),
        };
        let p = p.ok_or(BetError::NoBaseBet { kind })?;
        let flat = self.flat_on(player, flat_kind, p);
        if flat == 0 {
            return Err(BetError::NoBaseBet { kind });
        }
        let allowed = self.odds_limit(kind, p, flat).saturating_sub(self.odds_up(player, kind));
        if amount > allowed {
            return Err(BetError::OddsAboveLimit { amount, allowed });
        }
        Ok(())
    }

    /// The player's flat bets of `flat_kind` riding on `point`.
    fn flat_on(&self, player: PlayerId, flat_kind: BetKind, point: Point) -> u64 {
        self.bets
            .iter()
            .filter(|b| b.player == player && b.kind == flat_kind && b.point == Some(point))
            .map(|b| b.amount)
            .sum()
    }

    /// The player's odds of `odds_kind` already up.
    fn odds_up(&self, player: PlayerId, odds_kind: BetKind) -> u64 {
        self.bets.iter().filter(|b| b.player == player && b.kind == odds_kind).map(|b| b.amount).sum()
    }

    fn odds_limit(&self, odds_kind: BetKind, point: Point, flat: u64) -> u64 {
        match odds_kind {
            BetKind::DontPassOdds | BetKind::DontComeOdds(_) => self.rules.odds.max_lay(point, flat),
            _ => self.rules.odds.max_take(point, flat),
        }
    }
}

/// The odds kind that goes behind a Don't flat bet (take-side flats are contracts and never come
/// down with a point set).
const fn odds_behind(flat: BetKind, point: Point) -> Option<BetKind> {
    match flat {
        BetKind::DontPass => Some(BetKind::DontPassOdds),
        BetKind::DontCome => Some(BetKind::DontComeOdds(point)),
        _ => None,
    }
}
