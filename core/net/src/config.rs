//! The `[net]` section: links, discovery and the mesh's defences (defaults from the performance runbook).

use std::net::SocketAddr;

use bitcraps_wire::NodeId;
use serde::Deserialize;

use bitcraps_api::{InvalidSetting, check_range};

/// Links, discovery and the mesh.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NetConfig {
    /// Whether the node joins the mesh at all.
    pub enabled: bool,
    /// Where the LAN transport listens (port 0: any free port).
    pub listen: SocketAddr,
    /// Peers to keep a link to: `"host:port"` or `"<node id hex>@host:port"` (the id is then checked in the
    /// handshake).
    pub peers: Vec<String>,
    /// Find and announce peers on the LAN by mDNS (`_bitcraps._tcp.local.`).
    pub mdns: bool,
    /// Largest decrypted frame a link accepts, in bytes; larger frames are refused without reading them.
    pub max_frame_bytes: usize,
    /// Keepalive ping interval per link.
    pub keepalive_ms: u64,
    /// A link that receives nothing for this long is closed.
    pub idle_timeout_ms: u64,
    /// A write (or a handshake) that takes longer than this closes the link.
    pub io_timeout_ms: u64,
    /// First reconnect delay to a static peer; doubles up to `reconnect_max_ms`.
    pub reconnect_min_ms: u64,
    /// Longest reconnect delay.
    pub reconnect_max_ms: u64,
    /// Hops a message this node originates may travel.
    pub ttl: u8,
    /// Message ids remembered for de-duplication (bounded LRU).
    pub dedup_capacity: usize,
    /// Messages a neighbour may send per second (token bucket rate)…
    pub rate_per_sec: u32,
    /// …with this burst.
    pub rate_burst: u32,
    /// Messages older than this (by their origin timestamp) are refused as replays.
    pub max_message_age_ms: u64,
    /// A neighbour whose reputation falls to this score or below is banned.
    pub ban_threshold: i32,
    /// How long a ban lasts.
    pub ban_secs: u64,
}

impl Default for NetConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            listen: SocketAddr::from(([0, 0, 0, 0], 0)),
            peers: Vec::new(),
            mdns: true,
            max_frame_bytes: 16 * 1024,
            keepalive_ms: 2_000,
            idle_timeout_ms: 10_000,
            io_timeout_ms: 5_000,
            reconnect_min_ms: 100,
            reconnect_max_ms: 2_000,
            ttl: 7,
            dedup_capacity: 65_536,
            rate_per_sec: 5_000,
            rate_burst: 10_000,
            max_message_age_ms: 60_000,
            ban_threshold: 0,
            ban_secs: 600,
        }
    }
}

/// A static peer from `net.peers`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticPeer {
    /// The identity the peer must prove, if given.
    pub id: Option<NodeId>,
    pub addr: SocketAddr,
}

impl NetConfig {
    /// Checks every value; names the key on error.
    pub fn validate(&self) -> Result<(), InvalidSetting> {
        // 65 535 bytes of Noise message minus its 16-byte tag.
        check_range("net.max_frame_bytes", self.max_frame_bytes, 1024..=65_519, "bytes")?;
        check_range("net.keepalive_ms", self.keepalive_ms, 100..=60_000, "milliseconds")?;
        check_range("net.idle_timeout_ms", self.idle_timeout_ms, 500..=600_000, "milliseconds")?;
        if self.idle_timeout_ms <= self.keepalive_ms {
            return Err(InvalidSetting {
                key: "net.idle_timeout_ms",
                value: self.idle_timeout_ms.to_string(),
                allowed: format!("more than net.keepalive_ms ({})", self.keepalive_ms),
            });
        }
        check_range("net.io_timeout_ms", self.io_timeout_ms, 100..=60_000, "milliseconds")?;
        check_range("net.reconnect_min_ms", self.reconnect_min_ms, 10..=60_000, "milliseconds")?;
        check_range("net.reconnect_max_ms", self.reconnect_max_ms, self.reconnect_min_ms..=600_000, "milliseconds")?;
        check_range("net.ttl", self.ttl, 1..=32, "hops")?;
        check_range("net.dedup_capacity", self.dedup_capacity, 1024..=10_000_000, "message ids")?;
        check_range("net.rate_per_sec", self.rate_per_sec, 1..=1_000_000, "messages per second")?;
        check_range("net.rate_burst", self.rate_burst, 1..=10_000_000, "messages")?;
        check_range("net.max_message_age_ms", self.max_message_age_ms, 1_000..=3_600_000, "milliseconds")?;
        check_range("net.ban_threshold", self.ban_threshold, -1000..=99, "reputation starts at 100")?;
        check_range("net.ban_secs", self.ban_secs, 1..=30 * 86_400, "seconds")?;
        self.static_peers()?;
        Ok(())
    }

    /// The static peers, parsed.
    pub fn static_peers(&self) -> Result<Vec<StaticPeer>, InvalidSetting> {
        self.peers.iter().map(|entry| parse_peer(entry)).collect()
    }
}

fn parse_peer(entry: &str) -> Result<StaticPeer, InvalidSetting> {
    let bad = |why: &str| InvalidSetting {
        key: "net.peers",
        value: format!("{entry:?}"),
        allowed: format!("\"host:port\" or \"<64 hex digit node id>@host:port\" ({why})"),
    };
    let (id, addr) = match entry.split_once('@') {
        Some((id, addr)) => (Some(NodeId::from_hex(id).ok_or_else(|| bad("the node id is not 64 hex digits"))?), addr),
        None => (None, entry),
    };
    let addr = addr.parse().map_err(|_| bad("not a socket address"))?;
    Ok(StaticPeer { id, addr })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn static_peers_parse_or_name_the_problem() {
        let id = "ab".repeat(32);
        let net =
            NetConfig { peers: vec!["127.0.0.1:7000".into(), format!("{id}@127.0.0.1:7001")], ..Default::default() };
        let peers = net.static_peers().unwrap();
        assert_eq!(peers[1].id.unwrap().to_hex(), id);
        let bad = NetConfig { peers: vec!["xyz@127.0.0.1:1".into()], ..Default::default() };
        let err = bad.validate().unwrap_err().to_string();
        assert!(err.contains("net.peers") && err.contains("64 hex"), "{err}");
    }
}
