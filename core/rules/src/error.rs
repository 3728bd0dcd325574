//! Typed errors. A rejected call changes nothing on the table.

use crate::bet::{BetId, BetKind, PlayerId};
use crate::phase::Phase;

/// Why a bet could not be placed, changed or taken down. The table is unchanged when one is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BetError {
    /// A bet name did not parse (see [`BetKind`]'s `FromStr`).
    #[error("unknown bet type {name:?}")]
    UnknownBetKind {
        /// The name that was given.
        name: String,
    },
    /// Bets must stake at least one unit.
    #[error("a bet must stake more than zero")]
    ZeroAmount,
    /// Below the table minimum (odds bets are exempt from the minimum).
    #[error("{amount} is below the table minimum of {min}")]
    BelowTableMin {
        /// The amount offered.
        amount: u64,
        /// The table minimum.
        min: u64,
    },
    /// Above the table maximum (odds bets are limited by the odds limit instead).
    #[error("{amount} is above the table maximum of {max}")]
    AboveTableMax {
        /// The amount offered.
        amount: u64,
        /// The table maximum.
        max: u64,
    },
    /// The odds (with the player's odds already up on the same point) exceed the odds limit.
    #[error("odds of {amount} exceed the limit: at most {allowed} more may be taken")]
    OddsAboveLimit {
        /// The amount offered.
        amount: u64,
        /// How much more the player may still take on this point.
        allowed: u64,
    },
    /// Odds need a flat bet of the player's on that point.
    #[error("{kind} needs a flat bet of the player's on its point")]
    NoBaseBet {
        /// The odds bet offered.
        kind: BetKind,
    },
    /// The bet was placed for a roll that has already been rolled.
    #[error("roll {for_roll} is closed; bets are open for roll {open_roll}")]
    RollClosed {
        /// The roll the bet was meant for.
        for_roll: u64,
        /// The roll currently open for betting.
        open_roll: u64,
    },
    /// The bet was placed for a roll that is not open yet.
    #[error("roll {for_roll} is not open yet; bets are open for roll {open_roll}")]
    RollNotOpen {
        /// The roll the bet was meant for.
        for_roll: u64,
        /// The roll currently open for betting.
        open_roll: u64,
    },
    /// This bet cannot be made in the table's current phase (e.g. Pass while a point is on).
    #[error("{kind} cannot be bet during the {phase}")]
    NotAllowedInPhase {
        /// The bet offered.
        kind: BetKind,
        /// The table's phase.
        phase: Phase,
    },
    /// A split bet (horn, C&E, world) must divide evenly over its numbers.
    #[error("{amount} does not split evenly {ways} ways")]
    IndivisibleAmount {
        /// The amount offered.
        amount: u64,
        /// Into how many parts the bet splits.
        ways: u64,
    },
    /// No open bet has this id (it may have been resolved).
    #[error("no open bet {bet_id}")]
    UnknownBet {
        /// The id asked for.
        bet_id: BetId,
    },
    /// The bet belongs to another player.
    #[error("bet {bet_id} is not player {player}'s")]
    NotYourBet {
        /// The bet.
        bet_id: BetId,
        /// The player who asked.
        player: PlayerId,
    },
    /// A Pass or Come bet whose point is set is a contract bet: it stays until it resolves.
    #[error("bet {bet_id} is a contract bet and cannot be taken down")]
    ContractBet {
        /// The bet.
        bet_id: BetId,
    },
    /// Taking this flat bet down would leave the player's odds on that point above the limit.
    #[error("take the odds down before flat bet {bet_id}")]
    OddsStillUp {
        /// The flat bet.
        bet_id: BetId,
    },
    /// Line bets are always working; only other bets can be called on or off.
    #[error("{kind} is always working")]
    AlwaysWorking {
        /// The bet's kind.
        kind: BetKind,
    },
    /// The player is not seated at this table.
    #[error("player {player} is not seated")]
    NotSeated {
        /// The player.
        player: PlayerId,
    },
    /// The player is already seated.
    #[error("player {player} is already seated")]
    AlreadySeated {
        /// The player.
        player: PlayerId,
    },
    /// Not raised by this crate (it keeps no balances): a variant for the ledger to map its own
    /// shortfall to, so a front end sees one error type for every rejected bet.
    #[error("insufficient balance: {needed} needed, {available} available")]
    InsufficientBalance {
        /// Units the bet needs (stake plus any up-front commission).
        needed: u64,
        /// Units the player has.
        available: u64,
    },
}

impl BetError {
    /// A stable machine-readable code, for `{code, message}` error bodies at the API boundary.
    pub const fn code(&self) -> &'static str {
        match self {
            BetError::UnknownBetKind { .. } => "unknown_bet_kind",
            BetError::ZeroAmount => "zero_amount",
            BetError::BelowTableMin { .. } => "below_table_min",
            BetError::AboveTableMax { .. } => "above_table_max",
            BetError::OddsAboveLimit { .. } => "odds_above_limit",
            BetError::NoBaseBet { .. } => "no_base_bet",
            BetError::RollClosed { .. } => "roll_closed",
            BetError::RollNotOpen { .. } => "roll_not_open",
            BetError::NotAllowedInPhase { .. } => "not_allowed_in_phase",
            BetError::IndivisibleAmount { .. } => "indivisible_amount",
            BetError::UnknownBet { .. } => "unknown_bet",
            BetError::NotYourBet { .. } => "not_your_bet",
            BetError::ContractBet { .. } => "contract_bet",
            BetError::OddsStillUp { .. } => "odds_still_up",
            BetError::AlwaysWorking { .. } => "always_working",
            BetError::NotSeated { .. } => "not_seated",
            BetError::AlreadySeated { .. } => "already_seated",
            BetError::InsufficientBalance { .. } => "insufficient_balance",
        }
    }
}
