//! What a status display says about a node (the desktop app's tray today): a plain reading of the node
//! ([`NodeStatus`]), the tooltip text made from it, and a one-line summary for the top of a menu (Linux trays show no
//! tooltips). Pure text from API data, so every front end words it the same and the texts are unit-tested without
//! a tray.

use crate::{AlertSummary, GameSummary, Health, HealthLevel, NetSummary, short_id};

/// The node as a status display shows it: running (with a reading) or paused.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeStatus {
    Running(NodeReading),
    Paused,
}

/// One reading of the running node, as the tooltip shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeReading {
    /// The node's id (hex).
    pub node_id: String,
    pub health: Health,
    /// Peers linked now.
    pub peers: usize,
    /// Tables this node is seated at.
    pub tables_seated: usize,
    /// Tables this node knows.
    pub tables_known: usize,
    /// Alerts pending or firing, as `rule (severity, state)`.
    pub alerts: Vec<String>,
}

impl NodeReading {
    /// A reading from what the node reports.
    pub fn new(node_id: &str, health: Health, game: &GameSummary, net: &NetSummary, alerts: &[AlertSummary]) -> Self {
        Self {
            node_id: node_id.to_owned(),
            health,
            peers: net.peers.len(),
            tables_seated: game.tables.iter().filter(|t| t.joined).count(),
            tables_known: game.tables.len(),
            alerts: alerts.iter().map(|a| format!("{} ({}, {})", a.rule, a.severity, a.state)).collect(),
        }
    }
}

/// The health level in words.
fn health_word(level: HealthLevel) -> &'static str {
    match level {
        HealthLevel::Green => "healthy",
        HealthLevel::Yellow => "degraded",
        HealthLevel::Red => "unhealthy",
    }
}

impl NodeStatus {
    /// The tooltip: node id and health (with the reasons when not green), then peers and tables, then active alerts.
    pub fn tooltip(&self) -> String {
        let reading = match self {
            Self::Paused => return "BitCraps node paused: off the mesh (Resume node to start it again)".to_owned(),
            Self::Running(reading) => reading,
        };
        let name = health_word(reading.health.level);
        let health = if reading.health.level == HealthLevel::Green || reading.health.reasons.is_empty() {
            name.to_owned()
        } else {
            format!("{name}: {}", reading.health.reasons.join("; "))
        };
        let peers = match reading.peers {
            1 => "1 peer linked".to_owned(),
            n => format!("{n} peers linked"),
        };
        let tables = format!("seated at {}/{} tables", reading.tables_seated, reading.tables_known);
        let alerts = if reading.alerts.is_empty() {
            "no active alerts".to_owned()
        } else {
            format!("alerts: {}", reading.alerts.join(", "))
        };
        format!("BitCraps node {} — {health}\n{peers} · {tables}\n{alerts}", short_id(&reading.node_id))
    }

    /// One line for a menu's first (disabled) item: id, health level, peers, tables and the number of active alerts.
    pub fn summary_line(&self) -> String {
        let reading = match self {
            Self::Paused => return "Node paused".to_owned(),
            Self::Running(reading) => reading,
        };
        let health = health_word(reading.health.level);
        let alerts = match reading.alerts.len() {
            0 => String::new(),
            1 => " · 1 alert".to_owned(),
            n => format!(" · {n} alerts"),
        };
        format!(
            "Node {} {health} · {} peers · {}/{} tables{alerts}",
            short_id(&reading.node_id),
            reading.peers,
            reading.tables_seated,
            reading.tables_known
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{PeerSummary, TableSummary};

    const ID: &str = "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789";

    fn table(joined: bool) -> TableSummary {
        TableSummary { joined, ..TableSummary::default() }
    }

    fn reading(health: Health) -> NodeReading {
        let game = GameSummary { tables: vec![table(true), table(false), table(false)], ..GameSummary::default() };
        let net = NetSummary { peers: vec![PeerSummary::default(); 2], ..NetSummary::default() };
        NodeReading::new(ID, health, &game, &net, &[])
    }

    #[test]
    fn a_healthy_node_shows_peers_tables_and_no_alerts() {
        let text = NodeStatus::Running(reading(Health::default())).tooltip();
        assert_eq!(
            text,
            "BitCraps node abcdef0123456789 — healthy\n2 peers linked · seated at 1/3 tables\nno active alerts"
        );
    }

    #[test]
    fn a_degraded_node_says_why_and_names_its_alerts() {
        let health = Health { level: HealthLevel::Yellow, reasons: vec!["system CPU at 80 % (>= 75 %)".into()] };
        let alert = AlertSummary {
            rule: "memory_high".into(),
            severity: "warning".into(),
            state: "firing".into(),
            ..AlertSummary::default()
        };
        let game = GameSummary::default();
        let net = NetSummary { peers: vec![PeerSummary::default()], ..NetSummary::default() };
        let text = NodeStatus::Running(NodeReading::new(ID, health, &game, &net, &[alert])).tooltip();
        assert!(text.contains("degraded: system CPU at 80 % (>= 75 %)"), "{text}");
        assert!(text.contains("1 peer linked · seated at 0/0 tables"), "{text}");
        assert!(text.ends_with("alerts: memory_high (warning, firing)"), "{text}");
        let red = Health { level: HealthLevel::Red, reasons: vec![] };
        assert!(NodeStatus::Running(reading(red)).tooltip().contains("— unhealthy\n"));
    }

    #[test]
    fn a_paused_node_says_so() {
        let text = NodeStatus::Paused.tooltip();
        assert!(text.contains("paused") && text.contains("Resume node"), "{text}");
        assert!(!text.contains("healthy"));
        assert_eq!(NodeStatus::Paused.summary_line(), "Node paused");
    }

    #[test]
    fn the_summary_line_counts_peers_tables_and_alerts() {
        let mut running = reading(Health::default());
        assert_eq!(
            NodeStatus::Running(running.clone()).summary_line(),
            "Node abcdef0123456789 healthy · 2 peers · 1/3 tables"
        );
        running.alerts = vec!["memory_high (warning, firing)".into(), "disk_free_low (warning, firing)".into()];
        running.health.level = HealthLevel::Red;
        assert!(NodeStatus::Running(running).summary_line().ends_with("unhealthy · 2 peers · 1/3 tables · 2 alerts"));
    }
}
