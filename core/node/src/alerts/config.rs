//! The `[alerts]` config section: desktop notifications on or off, and rules beyond (or replacing) the defaults.

use serde::Deserialize;

use super::defaults::merged;
use super::rules::{Rule, RuleError, validate_all};

/// Alerting: desktop notifications and rules beyond (or replacing) the defaults of [`super::defaults`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AlertsConfig {
    /// Show desktop notifications when alerts fire (and resolve, where the rule asks).
    pub notifications: bool,
    /// `[[alerts.rules]]`: a rule named like a default replaces it; any other name adds a rule.
    pub rules: Vec<bitcraps_api::AlertRule>,
}

impl Default for AlertsConfig {
    fn default() -> Self {
        Self { notifications: true, rules: Vec::new() }
    }
}

impl AlertsConfig {
    /// The default rules merged with the configured ones, validated.
    pub fn validated_rules(&self) -> Result<Vec<Rule>, RuleError> {
        validate_all(&merged(&self.rules))
    }
}
