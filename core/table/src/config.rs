//! The `[consensus]` section: the table protocol's timeouts and agreement threshold (the runbook's
//! `[consensus.performance]` defaults).

use bitcraps_api::{InvalidSetting, check_range};
use serde::Deserialize;

/// The table protocol (commit-reveal rounds), with the runbook's `[consensus.performance]` defaults.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConsensusConfig {
    /// How long a phase of a round (commits, then signatures) waits before it closes or the attempt restarts.
    pub round_timeout_ms: u64,
    /// How long the reveal phase waits for a committed player's reveal before they forfeit.
    pub validator_timeout_ms: u64,
    /// Share of the seated players whose signatures make a roll final.
    pub agreement_threshold: f64,
}

impl Default for ConsensusConfig {
    fn default() -> Self {
        Self { round_timeout_ms: 2_000, validator_timeout_ms: 500, agreement_threshold: 0.67 }
    }
}

impl ConsensusConfig {
    /// Checks every value; names the key on error.
    pub fn validate(&self) -> Result<(), InvalidSetting> {
        check_range("consensus.round_timeout_ms", self.round_timeout_ms, 50..=600_000, "milliseconds")?;
        check_range("consensus.validator_timeout_ms", self.validator_timeout_ms, 10..=600_000, "milliseconds")?;
        let t = self.agreement_threshold;
        if !(t > 0.5 && t <= 1.0) {
            return Err(InvalidSetting {
                key: "consensus.agreement_threshold",
                value: t.to_string(),
                allowed: "a share above 0.5 and at most 1.0 (two thirds is 0.67)".to_owned(),
            });
        }
        Ok(())
    }

    /// Signatures needed among `seated` players: at least the threshold share, and at least one.
    pub fn quorum(&self, seated: usize) -> usize {
        let needed = (self.agreement_threshold * seated as f64 - 1e-9).ceil();
        (needed as usize).clamp(1, seated.max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quorum_is_two_thirds_rounded_up() {
        let c = ConsensusConfig::default();
        assert_eq!([1, 2, 3, 4, 6, 8].map(|n| c.quorum(n)), [1, 2, 3, 3, 5, 6]);
    }
}
