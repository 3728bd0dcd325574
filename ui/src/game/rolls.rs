//! A joined table's round and roll history: the round phase (betting, commit, reveal, sign) with its countdown and
//! attempt, the puck (point ON/OFF), the last rolls as dice chips, the last roll's result with each player's chip
//! change, and the game history (the recent rolls with their changes).

use bitcraps_api::{BalanceChange, RollSummary, TableSummary};

use super::bet_kinds;
use crate::format;

/// Shown before the table's first final roll.
pub const NO_ROLLS: &str = "No rolls yet";
/// The round phases in their order.
pub const ROUND_PHASES: [&str; 4] = ["betting", "commit", "reveal", "sign"];

/// Rolls listed, newest first.
const ROLL_ROWS: usize = 10;

/// `+10`, `-5` or `0`.
pub fn delta_text(delta: i64) -> String {
    if delta > 0 { format!("+{delta}") } else { delta.to_string() }
}

/// When the phase closes, from `deadline_ms` and `now_ms` (`None` without a deadline).
pub fn countdown(deadline_ms: u64, now_ms: u64) -> Option<String> {
    if deadline_ms == 0 {
        return None;
    }
    let left = deadline_ms.saturating_sub(now_ms);
    Some(if left == 0 { "closing now".to_owned() } else { format!("closes in {:.1} s", left as f64 / 1000.0) })
}

/// The puck: `ON · point 6` or `OFF · come-out`.
pub fn puck_text(phase: &str) -> String {
    match bet_kinds::table_point(phase) {
        Some(p) => format!("ON · point {p}"),
        None => "OFF · come-out".to_owned(),
    }
}

/// The round line: the phase steps, the countdown and the attempt; then the puck.
pub fn round_status(ui: &mut egui::Ui, table: &TableSummary, now_ms: u64) {
    ui.horizontal_wrapped(|ui| {
        ui.strong(format!("Round {}", table.round));
        for (i, phase) in ROUND_PHASES.iter().enumerate() {
            if i > 0 {
                ui.weak(">");
            }
            let current = table.round_phase == *phase;
            let text = egui::RichText::new(*phase);
            ui.label(if current { text.strong().color(ui.visuals().hyperlink_color) } else { text.weak() });
        }
        if table.round_phase.is_empty() {
            ui.weak("(phase not known yet)");
        }
        if let Some(countdown) = countdown(table.phase_deadline_ms, now_ms) {
            let phase = if table.round_phase.is_empty() { "phase" } else { table.round_phase.as_str() };
            ui.label(format!("{phase} {countdown}"));
        }
        if table.attempt > 0 {
            ui.label(format!("attempt {}", table.attempt + 1))
                .on_hover_text("earlier attempts of this round ended without a quorum and were restarted");
        }
    });
    ui.horizontal(|ui| {
        ui.strong("Puck");
        let on = bet_kinds::table_point(&table.phase).is_some();
        let fill = if on { ui.visuals().selection.bg_fill } else { ui.visuals().faint_bg_color };
        egui::Frame::new().fill(fill).corner_radius(8.0).inner_margin(egui::vec2(8.0, 2.0)).show(ui, |ui| {
            ui.strong(puck_text(&table.phase));
        });
    });
}

/// The last rolls as dice chips, newest first.
pub fn dice_history(ui: &mut egui::Ui, table: &TableSummary) {
    ui.horizontal_wrapped(|ui| {
        ui.strong("Dice");
        if table.recent_rolls.is_empty() {
            ui.label(NO_ROLLS);
        }
        for roll in table.recent_rolls.iter().take(ROLL_ROWS) {
            let total = total(roll);
            let fill =
                if total == 7 { ui.visuals().error_fg_color.gamma_multiply(0.35) } else { ui.visuals().faint_bg_color };
            egui::Frame::new().fill(fill).corner_radius(4.0).inner_margin(egui::vec2(6.0, 2.0)).show(ui, |ui| {
                ui.label(format!("{}+{}={total}", roll.d1, roll.d2)).on_hover_text(format!(
                    "round {}, point after: {}",
                    roll.round,
                    point_text(roll.point)
                ));
            });
        }
    });
}

/// The newest roll: dice, total, the point before and after, each player's chip change (this node's marked).
pub fn last_roll(ui: &mut egui::Ui, table: &TableSummary, own_id: &str) {
    let Some(roll) = table.recent_rolls.first() else { return };
    ui.horizontal_wrapped(|ui| {
        ui.strong(format!("Last roll (round {})", roll.round));
        ui.label(format!("{} + {} = {}", roll.d1, roll.d2, total(roll)));
        ui.label(format!("point {} -> {}", point_text(roll.point_before), point_text(roll.point)));
    });
    ui.horizontal_wrapped(|ui| {
        ui.label("Chip changes:");
        if roll.changes.is_empty() {
            ui.weak("none reported");
        }
        for change in &roll.changes {
            change_chip(ui, change, own_id);
        }
    });
}

fn change_chip(ui: &mut egui::Ui, change: &BalanceChange, own_id: &str) {
    let own = change.node_id == own_id;
    let name = if own { "you".to_owned() } else { format::short_id(&change.node_id).to_owned() };
    let colour = match change.delta {
        d if d > 0 => ui.visuals().hyperlink_color,
        d if d < 0 => ui.visuals().error_fg_color,
        _ => ui.visuals().weak_text_color(),
    };
    let text = egui::RichText::new(format!("{name} {}", delta_text(change.delta))).color(colour);
    let stroke = if own { ui.visuals().selection.stroke } else { egui::Stroke::NONE };
    egui::Frame::new().stroke(stroke).corner_radius(4.0).inner_margin(egui::vec2(6.0, 2.0)).show(ui, |ui| {
        ui.label(if own { text.strong() } else { text }).on_hover_text(&change.node_id);
    });
}

/// The game history: the recent rolls with the point, this node's change and everyone's.
pub fn history(ui: &mut egui::Ui, table: &TableSummary, own_id: &str) {
    ui.strong("Game history");
    if table.recent_rolls.is_empty() {
        ui.label(NO_ROLLS);
        return;
    }
    egui::Grid::new(("rolls_grid", &table.table_id)).num_columns(6).spacing([18.0, 4.0]).striped(true).show(ui, |ui| {
        for title in ["Round", "Dice", "Point", "Your change", "Latency", "Forfeited"] {
            ui.strong(title);
        }
        ui.end_row();
        for roll in table.recent_rolls.iter().take(ROLL_ROWS) {
            roll_row(ui, roll, own_id);
        }
    });
}

fn roll_row(ui: &mut egui::Ui, roll: &RollSummary, own_id: &str) {
    ui.label(roll.round.to_string());
    ui.label(format!("{} + {} = {}", roll.d1, roll.d2, total(roll)));
    ui.label(point_text(roll.point));
    let own = roll.changes.iter().find(|c| c.node_id == own_id).map_or_else(|| "—".to_owned(), |c| delta_text(c.delta));
    let others: Vec<String> = roll
        .changes
        .iter()
        .filter(|c| c.node_id != own_id)
        .map(|c| format!("{} {}", format::short_id(&c.node_id), delta_text(c.delta)))
        .collect();
    let response = ui.label(own);
    if !others.is_empty() {
        response.on_hover_text(others.join("\n"));
    }
    ui.label(format::millis(roll.latency_ms));
    let forfeited: Vec<&str> = roll.forfeited.iter().map(|id| format::short_id(id)).collect();
    ui.label(if forfeited.is_empty() { "—".to_owned() } else { forfeited.join(", ") });
    ui.end_row();
}

fn total(roll: &RollSummary) -> u16 {
    u16::from(roll.d1) + u16::from(roll.d2)
}

fn point_text(point: u8) -> String {
    if point == 0 { "off".to_owned() } else { point.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts() {
        assert_eq!(delta_text(10), "+10");
        assert_eq!(delta_text(-5), "-5");
        assert_eq!(delta_text(0), "0");
        assert_eq!(countdown(0, 5), None);
        assert_eq!(countdown(12_400, 10_000).as_deref(), Some("closes in 2.4 s"));
        assert_eq!(countdown(9_000, 10_000).as_deref(), Some("closing now"));
        assert_eq!(puck_text("point 6"), "ON · point 6");
        assert_eq!(puck_text("come-out"), "OFF · come-out");
    }
}
