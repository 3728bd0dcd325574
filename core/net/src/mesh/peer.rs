//! One neighbour as the mesh keeps it: its links, its rate limit (a token bucket), its reputation and its
//! counters for the peers table. Pure state: every method takes the time.

use std::time::{Duration, Instant};

use bitcraps_api::PeerSummary;

use crate::transport::{LinkHandle, LinkId, LinkInfo};

/// Reputation of a neighbour never seen misbehaving.
pub const START_REPUTATION: i32 = 100;
/// One point of reputation comes back per this much good time.
pub const RECOVERY_EVERY: Duration = Duration::from_secs(10);

/// Reputation lost for one misdeed.
pub mod penalty {
    /// A frame or message that does not decode.
    pub const MALFORMED: i32 = 20;
    /// A signature that does not verify (or an origin that is no key): forged or corrupted on purpose.
    pub const BAD_SIGNATURE: i32 = 25;
    /// A message too old (a replay) or from the future.
    pub const STALE: i32 = 10;
    /// A message of another protocol version (an old node, not malice).
    pub const VERSION: i32 = 5;
    /// Each second in which the neighbour sent more than its rate allows (not per message: a burst of excess
    /// alone does not get a peer banned, a sustained flood does, after about a minute).
    pub const RATE_LIMITED: i32 = 2;
    /// The transport caught the link breaking its rules (oversized, undecryptable or malformed frames).
    pub const TRANSPORT: i32 = 50;

    /// The penalty for a message the mesh refused for `reason` ([`bitcraps_wire::DecodeError::reason`] or
    /// "stale").
    pub fn for_reason(reason: &str) -> i32 {
        match reason {
            "bad_signature" => BAD_SIGNATURE,
            "stale" => STALE,
            "version" => VERSION,
            _ => MALFORMED,
        }
    }

    /// The penalty for a transport's `Rejected` reason, if the peer is to blame for it.
    pub fn for_transport(reason: &str) -> Option<i32> {
        matches!(reason, "oversized" | "decrypt" | "malformed").then_some(TRANSPORT)
    }
}

/// A token bucket: `rate` tokens a second up to `burst`.
#[derive(Debug, Clone)]
pub struct TokenBucket {
    tokens: f64,
    rate: f64,
    burst: f64,
    refilled: Instant,
}

impl TokenBucket {
    /// A full bucket.
    pub fn new(rate_per_sec: u32, burst: u32, now: Instant) -> Self {
        let burst = f64::from(burst.max(1));
        Self { tokens: burst, rate: f64::from(rate_per_sec.max(1)), burst, refilled: now }
    }

    /// Takes one token if there is one.
    pub fn take(&mut self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.refilled).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.rate).min(self.burst);
        self.refilled = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// A neighbour: zero or more links (none once they all went down, kept while its reputation recovers).
#[derive(Debug)]
pub struct Peer {
    /// Its links, oldest first; messages go on the first.
    pub links: Vec<(LinkId, LinkHandle)>,
    /// What the first link's handshake said.
    pub info: Option<LinkInfo>,
    pub reputation: i32,
    /// Banned by this node: frames still queued from it are dropped.
    pub banned: bool,
    pub bucket: TokenBucket,
    /// When reputation last came back (or was last lost).
    recovered: Instant,
    /// Start of the last second in which the neighbour was penalized for its rate.
    rate_penalized: Option<Instant>,
    pub connected_since_ms: u64,
    pub rtt_ms: f64,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub messages_in: u64,
    pub messages_out: u64,
}

impl Peer {
    /// A neighbour with no links yet.
    pub fn new(bucket: TokenBucket, now: Instant) -> Self {
        Self {
            links: Vec::new(),
            info: None,
            reputation: START_REPUTATION,
            banned: false,
            bucket,
            recovered: now,
            rate_penalized: None,
            connected_since_ms: 0,
            rtt_ms: 0.0,
            bytes_in: 0,
            bytes_out: 0,
            messages_in: 0,
            messages_out: 0,
        }
    }

    /// Lowers the reputation by `points`; true when it fell to `threshold` or below (ban it).
    pub fn penalize(&mut self, points: i32, threshold: i32, now: Instant) -> bool {
        self.reputation = self.reputation.saturating_sub(points);
        self.recovered = now;
        self.reputation <= threshold
    }

    /// The penalty for one more message over the rate: [`penalty::RATE_LIMITED`] once per second of excess.
    pub fn rate_penalty(&mut self, now: Instant) -> Option<i32> {
        match self.rate_penalized {
            Some(at) if now.saturating_duration_since(at) < Duration::from_secs(1) => None,
            _ => {
                self.rate_penalized = Some(now);
                Some(penalty::RATE_LIMITED)
            }
        }
    }

    /// Gives back one point per [`RECOVERY_EVERY`] since the last change, up to [`START_REPUTATION`].
    pub fn recover(&mut self, now: Instant) {
        if self.reputation >= START_REPUTATION {
            self.recovered = now;
            return;
        }
        let periods = now.saturating_duration_since(self.recovered).as_secs() / RECOVERY_EVERY.as_secs();
        if periods > 0 {
            let points = i32::try_from(periods).unwrap_or(i32::MAX);
            self.reputation = self.reputation.saturating_add(points).min(START_REPUTATION);
            self.recovered += RECOVERY_EVERY * u32::try_from(periods).unwrap_or(u32::MAX);
        }
    }

    /// The peers-table row, while the neighbour has a link.
    pub fn summary(&self) -> Option<PeerSummary> {
        let info = self.info.as_ref().filter(|_| !self.links.is_empty())?;
        Some(PeerSummary {
            node_id: info.peer.to_hex(),
            address: info.addr.to_string(),
            transport: info.transport.to_owned(),
            outbound: info.outbound,
            rtt_ms: self.rtt_ms,
            reputation: self.reputation,
            connected_since_ms: self.connected_since_ms,
            bytes_in: self.bytes_in,
            bytes_out: self.bytes_out,
            messages_in: self.messages_in,
            messages_out: self.messages_out,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_allows_the_burst_then_the_rate() {
        let t0 = Instant::now();
        let mut bucket = TokenBucket::new(10, 3, t0);
        assert_eq!([(); 4].map(|()| bucket.take(t0)), [true, true, true, false]);
        // 100 ms later one token is back, not two.
        let t1 = t0 + Duration::from_millis(100);
        assert_eq!([bucket.take(t1), bucket.take(t1)], [true, false]);
        // Never more than the burst.
        let t2 = t1 + Duration::from_secs(60);
        assert_eq!([(); 4].map(|()| bucket.take(t2)), [true, true, true, false]);
    }

    #[test]
    fn rate_excess_costs_once_a_second_and_reputation_recovers_slowly() {
        let t0 = Instant::now();
        let mut peer = Peer::new(TokenBucket::new(1, 1, t0), t0);
        assert_eq!(peer.rate_penalty(t0), Some(penalty::RATE_LIMITED));
        assert_eq!(peer.rate_penalty(t0 + Duration::from_millis(500)), None);
        assert_eq!(peer.rate_penalty(t0 + Duration::from_millis(1_000)), Some(penalty::RATE_LIMITED));
        assert!(!peer.penalize(25, 0, t0));
        assert!(!peer.penalize(50, 0, t0));
        assert_eq!(peer.reputation, 25);
        peer.recover(t0 + Duration::from_secs(35));
        assert_eq!(peer.reputation, 28);
        peer.recover(t0 + Duration::from_secs(40));
        assert_eq!(peer.reputation, 29);
        peer.recover(t0 + Duration::from_secs(100_000));
        assert_eq!(peer.reputation, START_REPUTATION);
        assert!(peer.penalize(100, 0, t0));
    }
}
