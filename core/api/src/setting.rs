//! [`InvalidSetting`]: a configuration value outside what its key allows, named by key. Every crate that owns a
//! config section validates it with [`check_range`], so a malformed config names the key and the problem the same
//! way whichever crate refused it.

use std::fmt;

/// A config value that is not allowed: the key, the value as written, and what is allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidSetting {
    pub key: &'static str,
    pub value: String,
    pub allowed: String,
}

impl fmt::Display for InvalidSetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "config key `{}` = {}: {}", self.key, self.value, self.allowed)
    }
}

impl std::error::Error for InvalidSetting {}

/// Accepts `value` inside `range`; otherwise an error naming the key, the value and the range (plus `note`, if any,
/// in parentheses). The allowed text is derived from the range checked, so the two cannot drift apart.
pub fn check_range<T: PartialOrd + fmt::Display>(
    key: &'static str,
    value: T,
    range: std::ops::RangeInclusive<T>,
    note: &str,
) -> Result<(), InvalidSetting> {
    if range.contains(&value) {
        return Ok(());
    }
    let note = if note.is_empty() { String::new() } else { format!(" ({note})") };
    let allowed = format!("an integer from {} to {}{note}", range.start(), range.end());
    Err(InvalidSetting { key, value: value.to_string(), allowed })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_out_of_range_names_key_value_and_range() {
        assert_eq!(check_range("a.b", 5, 1..=5, ""), Ok(()));
        let err = check_range("a.b", 6, 1..=5, "seconds").err().map(|e| e.to_string());
        assert_eq!(err.as_deref(), Some("config key `a.b` = 6: an integer from 1 to 5 (seconds)"));
    }
}
