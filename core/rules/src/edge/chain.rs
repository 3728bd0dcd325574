//! The exact absorbing Markov chain of one bet, built by rolling the engine itself.
//!
//! A state is the table's phase together with the bet as it lies (its point, its working call):
//! exactly what [`crate::resolve::decide`] reads. From each state every one of the 36 dice outcomes
//! is rolled on a clone of the table; the outcome either settles the bet (absorbing, with the
//! settlement's exact net) or leads to another state. The expectations then solve the linear system
//! `36·x_i − Σ_j c_ij·x_j = b_i` (with `c_ij` the number of outcomes leading from `i` to `j`) by
//! Gaussian elimination over exact rationals.

use std::collections::{HashMap, VecDeque};

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Zero};

use crate::bet::{Bet, BetId};
use crate::dice::Dice;
use crate::phase::Phase;
use crate::table::Table;

use super::EdgeError;

/// More states than any bet reaches (a Come bet reaches 7 phases × 7 bet positions).
const MAX_STATES: usize = 256;

/// Exact expectations for one bet from its starting state until it settles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expectations {
    /// Expected net of the settlement, in units (winnings − lost − commission at settlement).
    pub net: BigRational,
    /// Probability the bet is decided (settled other than by a push).
    pub decided: BigRational,
    /// Expected number of rolls until the bet settles, pushes included.
    pub rolls: BigRational,
}

/// Per state: how many of the 36 outcomes lead to each other state, and the integer sums of
/// what the absorbing outcomes contribute.
struct Row {
    to: Vec<(usize, i64)>,
    net: i128,
    decided: i64,
}

/// Solves the chain of bet `bet_id`, starting from `table` as it is.
pub fn expectations(table: &Table, bet_id: BetId) -> Result<Expectations, EdgeError> {
    let mut index: HashMap<(Phase, Bet), usize> = HashMap::new();
    let mut tables: Vec<Table> = Vec::new();
    let start = key(table, bet_id).ok_or(EdgeError::NotOnTable { bet_id })?;
    index.insert(start, 0);
    tables.push(table.clone());
    let mut rows: Vec<Row> = Vec::new();
    let mut queue = VecDeque::from([0usize]);
    while let Some(i) = queue.pop_front() {
        let mut row = Row { to: Vec::new(), net: 0, decided: 0 };
        for dice in Dice::all() {
            let mut next = tables[i].clone();
            let outcome = next.roll(dice);
            if let Some(r) = outcome.resolutions.iter().find(|r| r.bet_id == bet_id) {
                row.net += r.settlement.net();
                row.decided += i64::from(!r.settlement.is_push());
                continue;
            }
            let k = key(&next, bet_id).ok_or(EdgeError::NotOnTable { bet_id })?;
            let j = match index.get(&k) {
                Some(j) => *j,
                None => {
                    let j = tables.len();
                    if j >= MAX_STATES {
                        return Err(EdgeError::TooManyStates { limit: MAX_STATES });
                    }
                    index.insert(k, j);
                    tables.push(next);
                    queue.push_back(j);
                    j
                }
            };
            match row.to.iter_mut().find(|(t, _)| *t == j) {
                Some((_, c)) => *c += 1,
                None => row.to.push((j, 1)),
            }
        }
        // States are numbered in the order they are queued, so row `i` is the `i`-th pushed.
        rows.push(row);
    }
    solve(&rows)
}

fn key(table: &Table, bet_id: BetId) -> Option<(Phase, Bet)> {
    table.bet(bet_id).map(|b| (table.phase(), b.clone()))
}

fn int(v: i128) -> BigRational {
    BigRational::from_integer(BigInt::from(v))
}

/// Gaussian elimination with three right-hand sides (net, decided, rolls).
fn solve(rows: &[Row]) -> Result<Expectations, EdgeError> {
    let n = rows.len();
    let mut a: Vec<Vec<BigRational>> = vec![vec![BigRational::zero(); n + 3]; n];
    for (i, row) in rows.iter().enumerate() {
        a[i][i] = int(36);
        for (j, c) in &row.to {
            a[i][*j] -= int(i128::from(*c));
        }
        a[i][n] = int(row.net);
        a[i][n + 1] = int(i128::from(row.decided));
        a[i][n + 2] = int(36);
    }
    for col in 0..n {
        let pivot = (col..n).find(|r| !a[*r][col].is_zero()).ok_or(EdgeError::NeverResolves)?;
        a.swap(col, pivot);
        let inv = BigRational::one() / &a[col][col];
        for v in a[col].iter_mut().skip(col) {
            *v *= &inv;
        }
        let pivot_row = a[col].clone();
        for (r, row) in a.iter_mut().enumerate() {
            if r == col || row[col].is_zero() {
                continue;
            }
            let factor = row[col].clone();
            for (v, p) in row.iter_mut().zip(&pivot_row).skip(col) {
                if !p.is_zero() {
                    *v -= &factor * p;
                }
            }
        }
    }
    Ok(Expectations { net: a[0][n].clone(), decided: a[0][n + 1].clone(), rolls: a[0][n + 2].clone() })
}
