//! [`Phase`]: where a table's round stands (betting, commit, reveal, sign), each with the time it ends.

/// Where the round stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Betting { opens_at: u64 },
    Commit { closes_at: u64 },
    Reveal { closes_at: u64 },
    Sign { deadline: u64 },
}

impl Phase {
    /// The name the API shows.
    pub const fn name(&self) -> &'static str {
        match self {
            Phase::Betting { .. } => "betting",
            Phase::Commit { .. } => "commit",
            Phase::Reveal { .. } => "reveal",
            Phase::Sign { .. } => "sign",
        }
    }

    pub(crate) const fn deadline(&self) -> u64 {
        match *self {
            Phase::Betting { opens_at: t }
            | Phase::Commit { closes_at: t }
            | Phase::Reveal { closes_at: t }
            | Phase::Sign { deadline: t } => t,
        }
    }
}
