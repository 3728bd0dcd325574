//! Notification throttling per rule: repeats with backoff per severity, and a gate that widens while a rule keeps
//! notifying, so a flapping metric yields a bounded number of notifications.
//!
//! A firing alert is never forgotten: if the gate is closed when it fires, it is notified once the gate opens,
//! provided it is still firing.

use bitcraps_api::AlertSeverity;

/// The first gap the gate imposes after a notification of a rule.
pub const GATE_BASE_MS: u64 = 60_000;
/// The widest the gate grows while a rule keeps notifying.
pub const GATE_MAX_MS: u64 = 3_600_000;
/// A rule quiet for this long starts again at [`GATE_BASE_MS`].
pub const QUIET_MS: u64 = 3_600_000;
/// Repeats back off up to this gap.
pub const REPEAT_MAX_MS: u64 = 86_400_000;

/// First repeat of a still-firing, unacknowledged alert (`None`: never repeated).
pub fn repeat_after_ms(severity: AlertSeverity) -> Option<u64> {
    match severity {
        AlertSeverity::Info => None,
        AlertSeverity::Warning => Some(2 * 3_600_000),
        AlertSeverity::Critical => Some(30 * 60_000),
    }
}

/// Why a notification is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    Firing,
    Escalated,
    Repeat,
    Resolved,
}

/// Notification bookkeeping of one rule.
#[derive(Debug, Clone, Default)]
pub struct Throttle {
    /// Severity notified in the current episode.
    notified: Option<AlertSeverity>,
    next_repeat_ms: u64,
    repeat_gap_ms: u64,
    gate_ms: u64,
    backoff_ms: u64,
    last_sent_ms: Option<u64>,
}

impl Throttle {
    /// What, if anything, a firing alert at `severity` should notify at `now_ms`.
    pub fn due(&self, severity: AlertSeverity, now_ms: u64) -> Option<NoticeKind> {
        if now_ms < self.gate_ms {
            return None;
        }
        match self.notified {
            None => Some(NoticeKind::Firing),
            Some(n) if severity > n => Some(NoticeKind::Escalated),
            Some(_) => {
                (repeat_after_ms(severity).is_some() && now_ms >= self.next_repeat_ms).then_some(NoticeKind::Repeat)
            }
        }
    }

    /// Records that a `kind` notification at `severity` went out.
    pub fn notified(&mut self, kind: NoticeKind, severity: AlertSeverity, now_ms: u64) {
        self.notified = Some(self.notified.map_or(severity, |n| n.max(severity)));
        let base = repeat_after_ms(severity).unwrap_or(REPEAT_MAX_MS);
        self.repeat_gap_ms = match kind {
            NoticeKind::Repeat => (self.repeat_gap_ms * 2).clamp(base, REPEAT_MAX_MS),
            _ => base,
        };
        self.next_repeat_ms = now_ms + self.repeat_gap_ms;
        self.sent(now_ms);
    }

    /// Closes the gate after any notification of this rule.
    pub fn sent(&mut self, now_ms: u64) {
        let recent = self.last_sent_ms.is_some_and(|t| now_ms.saturating_sub(t) < QUIET_MS);
        self.backoff_ms = if recent { (self.backoff_ms * 2).clamp(GATE_BASE_MS, GATE_MAX_MS) } else { GATE_BASE_MS };
        self.gate_ms = now_ms + self.backoff_ms;
        self.last_sent_ms = Some(now_ms);
    }

    /// The episode ended: returns the severity notified in it (a resolve is worth telling only then).
    pub fn resolved(&mut self) -> Option<AlertSeverity> {
        self.repeat_gap_ms = 0;
        self.next_repeat_ms = 0;
        self.notified.take()
    }
}
