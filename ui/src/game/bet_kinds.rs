//! The bet kinds the Game tab offers, straight from the rules engine: every [`BetKind`] in the engine's order,
//! grouped like a craps layout (line, come, field and big, numbers, hardways, one-roll props, hops), each with its
//! payout and exact house edge from [`bitcraps_rules::edge::edge_table`].
//!
//! The names are the engine's own (`Display`/`FromStr`): `pass`, `dont_pass`, `place_6`, `hard_8`, `c_and_e`, ...
//! The node checks the name again when the bet is placed, so nothing here can make a wrong bet.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use bitcraps_rules::BetKind;
use bitcraps_rules::edge::{EdgeRow, edge_table};

/// One variant of a bet's payout and edge (e.g. Field when 12 pays 2:1, Buy with commission up front).
#[derive(Clone, Debug, PartialEq)]
pub struct EdgeVariant {
    /// Empty when the bet has one variant.
    pub variant: String,
    pub payout: String,
    /// The house edge per bet resolved, in percent.
    pub percent: f64,
    /// The same edge as an exact fraction, e.g. `7/495`.
    pub exact: String,
}

/// One cell of the layout.
#[derive(Clone, Debug, PartialEq)]
pub struct BetCell {
    pub kind: BetKind,
    /// The engine's name, as the node parses it.
    pub name: String,
    /// A short name for people, e.g. `Don't pass`, `Place 6`.
    pub label: String,
    /// What the engine knows of its payout and edge (empty if the edge table could not be computed).
    pub edges: Vec<EdgeVariant>,
}

/// A block of the layout: rows of cells under a title.
#[derive(Clone, Debug, PartialEq)]
pub struct BetGroup {
    pub title: &'static str,
    pub rows: Vec<Vec<BetCell>>,
}

/// Every bet kind's name in the engine's display order (the Place row's menu).
pub fn names() -> Vec<String> {
    BetKind::all().iter().map(ToString::to_string).collect()
}

/// The layout, computed once (the edge table walks every dice outcome of every bet).
pub fn layout() -> &'static [BetGroup] {
    static LAYOUT: OnceLock<Vec<BetGroup>> = OnceLock::new();
    LAYOUT.get_or_init(build_layout)
}

/// The point of a table's craps phase as the node writes it (`come-out`, `point 6`); `None` on the come-out.
pub fn table_point(phase: &str) -> Option<u8> {
    phase.strip_prefix("point ").and_then(|p| p.trim().parse().ok())
}

/// Whether `kind` may be bet in a phase with `point` (`None`: come-out): line bets on the come-out only, come
/// bets and line odds only with a point on, the rest always.
pub const fn allowed(kind: BetKind, point: Option<u8>) -> bool {
    match kind {
        BetKind::Pass | BetKind::DontPass => point.is_none(),
        BetKind::Come | BetKind::DontCome | BetKind::PassOdds | BetKind::DontPassOdds => point.is_some(),
        _ => true,
    }
}

/// A short name for people.
pub fn label(kind: BetKind) -> String {
    match kind {
        BetKind::Pass => "Pass line".to_owned(),
        BetKind::DontPass => "Don't pass".to_owned(),
        BetKind::Come => "Come".to_owned(),
        BetKind::DontCome => "Don't come".to_owned(),
        BetKind::PassOdds => "Pass odds".to_owned(),
        BetKind::DontPassOdds => "Don't pass odds".to_owned(),
        BetKind::ComeOdds(p) => format!("Come odds {p}"),
        BetKind::DontComeOdds(p) => format!("Don't come odds {p}"),
        BetKind::Field => "Field".to_owned(),
        BetKind::Place(p) => format!("Place {p}"),
        BetKind::PlaceToLose(p) => format!("Place to lose {p}"),
        BetKind::Buy(p) => format!("Buy {p}"),
        BetKind::Lay(p) => format!("Lay {p}"),
        BetKind::Big6 => "Big 6".to_owned(),
        BetKind::Big8 => "Big 8".to_owned(),
        BetKind::Hard(h) => format!("Hard {}", h.number()),
        BetKind::AnySeven => "Any 7".to_owned(),
        BetKind::AnyCraps => "Any craps".to_owned(),
        BetKind::Two => "Two".to_owned(),
        BetKind::Three => "Three".to_owned(),
        BetKind::Eleven => "Eleven".to_owned(),
        BetKind::Twelve => "Twelve".to_owned(),
        BetKind::Horn => "Horn".to_owned(),
        BetKind::CAndE => "C & E".to_owned(),
        BetKind::Hop(d) => {
            let d = d.sorted();
            format!("Hop {}-{}", d.d1(), d.d2())
        }
        BetKind::World => "World".to_owned(),
    }
}

/// Which block and row of the layout a kind goes in.
const fn slot(kind: BetKind) -> (usize, usize) {
    match kind {
        BetKind::Pass | BetKind::DontPass => (0, 0),
        BetKind::PassOdds | BetKind::DontPassOdds => (0, 1),
        BetKind::Come | BetKind::DontCome => (1, 0),
        BetKind::ComeOdds(_) => (1, 1),
        BetKind::DontComeOdds(_) => (1, 2),
        BetKind::Field | BetKind::Big6 | BetKind::Big8 => (2, 0),
        BetKind::Place(_) => (3, 0),
        BetKind::PlaceToLose(_) => (3, 1),
        BetKind::Buy(_) => (3, 2),
        BetKind::Lay(_) => (3, 3),
        BetKind::Hard(_) => (4, 0),
        BetKind::Hop(_) => (6, 0),
        _ => (5, 0),
    }
}

/// Block titles, by the first number of a kind's slot in the layout.
pub const GROUPS: [&str; 7] =
    ["Line bets", "Come", "Field and big 6/8", "Numbers", "Hardways", "One-roll bets", "Hop bets"];

fn build_layout() -> Vec<BetGroup> {
    let rows = edge_table().unwrap_or_default();
    let mut by_name: BTreeMap<&str, Vec<&EdgeRow>> = BTreeMap::new();
    for row in &rows {
        by_name.entry(row.bet.as_str()).or_default().push(row);
    }
    let mut groups: Vec<BetGroup> = GROUPS.iter().map(|&title| BetGroup { title, rows: Vec::new() }).collect();
    for kind in BetKind::all() {
        let name = kind.to_string();
        let edges = by_name.get(edge_name(kind, &name).as_str()).map(|rows| variants(rows)).unwrap_or_default();
        let (group, row) = slot(kind);
        let rows = &mut groups[group].rows;
        while rows.len() <= row {
            rows.push(Vec::new());
        }
        rows[row].push(BetCell { kind, label: label(kind), name, edges });
    }
    groups
}

/// The edge table's row name for `kind`: every hop of a kind (easy or hard) has the edge of the one listed.
fn edge_name(kind: BetKind, name: &str) -> String {
    match kind {
        BetKind::Hop(d) if d.is_pair() => "hop_3_3".to_owned(),
        BetKind::Hop(_) => "hop_1_2".to_owned(),
        _ => name.to_owned(),
    }
}

fn variants(rows: &[&EdgeRow]) -> Vec<EdgeVariant> {
    rows.iter()
        .map(|r| EdgeVariant {
            variant: r.variant.clone(),
            payout: r.payout.clone(),
            percent: r.edge_per_resolved_f64 * 100.0,
            exact: r.edge_per_resolved.to_string(),
        })
        .collect()
}

impl BetCell {
    /// The payout to show in the cell: the one for `point` when the bet has a variant per point (line odds), the
    /// common payout when every variant pays the same, else the first variant's.
    pub fn payout(&self, point: Option<u8>) -> &str {
        let for_point = point.and_then(|p| self.edges.iter().find(|e| e.variant == format!("point {p}")));
        for_point.or_else(|| self.edges.first()).map_or("", |e| e.payout.as_str())
    }

    /// The house edge to show in the cell: one figure, or the range over the variants.
    pub fn edge_text(&self) -> String {
        let percents = self.edges.iter().map(|e| e.percent);
        let low = percents.clone().fold(f64::INFINITY, f64::min);
        let high = percents.fold(f64::NEG_INFINITY, f64::max);
        if self.edges.is_empty() {
            "edge n/a".to_owned()
        } else if (high - low).abs() < 1e-9 {
            format!("edge {low:.2}%")
        } else {
            format!("edge {low:.2} to {high:.2}%")
        }
    }

    /// Every variant's payout and exact edge, one per line (the cell's hover text).
    pub fn details(&self) -> String {
        let mut lines = vec![format!("{} ({})", self.label, self.name)];
        for e in &self.edges {
            let variant = if e.variant.is_empty() { String::new() } else { format!("{}: ", e.variant) };
            lines.push(format!("{variant}pays {} · house edge {} (about {:.4}%)", e.payout, e.exact, e.percent));
        }
        lines.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_engines_and_unique() {
        let names = names();
        assert_eq!(names[0], "pass");
        assert!(names.contains(&"place_6".to_owned()) && names.contains(&"hard_10".to_owned()));
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len());
        assert!(names.iter().all(|n| n.parse::<BetKind>().is_ok()));
    }

    #[test]
    fn layout_holds_every_kind_once_with_its_edge() {
        let cells: Vec<&BetCell> = layout().iter().flat_map(|g| g.rows.iter().flatten()).collect();
        assert_eq!(cells.len(), BetKind::all().len());
        assert!(cells.iter().all(|c| !c.edges.is_empty()), "every kind has an edge");
        let pass = cells.iter().find(|c| c.name == "pass").map(|c| c.edge_text());
        assert_eq!(pass.as_deref(), Some("edge 1.41%"));
        let place_6 = cells.iter().find(|c| c.name == "place_6").map(|c| c.payout(None).to_owned());
        assert_eq!(place_6.as_deref(), Some("7:6"));
    }

    #[test]
    fn phase_rules() {
        assert_eq!(table_point("come-out"), None);
        assert_eq!(table_point("point 6"), Some(6));
        assert!(allowed(BetKind::Pass, None) && !allowed(BetKind::Pass, Some(6)));
        assert!(!allowed(BetKind::Come, None) && allowed(BetKind::Come, Some(4)));
        assert!(allowed(BetKind::Field, None) && allowed(BetKind::Field, Some(9)));
    }
}
