//! `bitcraps-rules`: the pure craps rules engine.
//!
//! No I/O, no clock, no randomness: the node agrees on each roll and hands it in as [`Dice`]. The
//! crate compiles to `wasm32-unknown-unknown`.
//!
//! - [`Table`] is the state machine: seats and shooter rotation, come-out and point, open bets.
//!   [`Table::place_bet`], [`Table::remove_bet`] and [`Table::set_working`] reject bad input with a
//!   [`BetError`] and change nothing; [`Table::roll`] settles bets and reports a [`RollOutcome`]
//!   whose [`Settlement`]s carry exact integer amounts for a double-entry ledger.
//! - [`payout`] is the one table of payout ratios and the rounding rule (house's favour).
//! - [`edge`] computes every bet's house edge exactly, by driving this engine over all dice outcomes.
//!
//! ```
//! use bitcraps_rules::{BetKind, Dice, PlayerId, Table, TableRules};
//!
//! let mut table = Table::new(TableRules::default());
//! let alice = PlayerId(1);
//! table.seat(alice)?;
//! table.place_bet(alice, BetKind::Pass, 10, table.open_roll())?;
//! let outcome = table.roll(Dice::new(3, 4)?);
//! assert_eq!(outcome.resolutions[0].settlement.winnings, 10);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod bet;
mod bet_name;
mod dice;
pub mod edge;
mod error;
mod outcome;
pub mod payout;
mod phase;
pub mod resolve;
mod rules;
mod table;

pub use bet::{Bet, BetId, BetKind, PlayerId, Working};
pub use dice::{Dice, DiceError};
pub use error::BetError;
pub use outcome::{Outcome, Placement, Removal, Resolution, RollOutcome, Settlement};
pub use payout::FieldVariant;
pub use phase::{HardWay, Phase, Point};
pub use rules::{CommissionPolicy, OddsLimit, TableRules};
pub use table::Table;
