//! The Host a table dialog: limits, odds, field variant, buy-ins, seats and roll interval, checked with the node's
//! own rules (`table_params` in the node's consensus service) before anything is sent, so a bad value shows as a
//! message here instead of a refused command.

use bitcraps_api::{Command, HostTable};

/// The button that opens the dialog.
pub const OPEN: &str = "Host a table…";
/// The dialog's title.
pub const TITLE: &str = "New table";
/// The button that sends the table.
pub const SEND: &str = "Host";
/// The button that closes the dialog.
pub const CANCEL: &str = "Cancel";

/// The Host dialog's state between frames.
#[derive(Clone, Debug, Default)]
pub struct HostForm {
    pub open: bool,
    pub table: HostTable,
}

/// What is wrong with `h`, by the node's rules (empty: the node accepts it).
pub fn errors(h: &HostTable) -> Vec<String> {
    let mut errors = Vec::new();
    if h.min_bet == 0 {
        errors.push("Min bet must be at least 1.".to_owned());
    }
    if h.min_bet > h.max_bet {
        errors.push(format!("Min bet ({}) must not exceed max bet ({}).", h.min_bet, h.max_bet));
    }
    if !(1..=16).contains(&h.max_seats) {
        errors.push("Seats must be 1 to 16.".to_owned());
    }
    if !(100..=600_000).contains(&h.roll_interval_ms) {
        errors.push("Roll interval must be 100 to 600000 ms.".to_owned());
    }
    if !matches!(h.field_pays_on_12, 2 | 3) {
        errors.push(format!("The field pays 2x or 3x on 12, not {}x.", h.field_pays_on_12));
    }
    if h.odds_multiple > 100 {
        errors.push(format!("Odds multiple must be 0 (3-4-5x) or 1 to 100, not {}.", h.odds_multiple));
    }
    if h.buy_in == 0 || h.buy_in > h.max_buy_in {
        errors.push(format!("Buy-in must be 1 to the max buy-in ({}).", h.max_buy_in));
    }
    errors
}

/// Draws the button that opens the dialog, and the dialog when open; a valid Host queues [`Command::HostTable`].
pub fn show(ui: &mut egui::Ui, form: &mut HostForm, queued: &mut Vec<Command>) {
    if ui.button(OPEN).clicked() {
        form.open = true;
    }
    if !form.open {
        return;
    }
    let mut open = true;
    let mut close = false;
    egui::Window::new(TITLE).open(&mut open).collapsible(false).resizable(false).show(ui.ctx(), |ui| {
        fields(ui, &mut form.table);
        let errors = errors(&form.table);
        for error in &errors {
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
        ui.horizontal(|ui| {
            if ui.button(SEND).clicked() && errors.is_empty() {
                queued.push(Command::HostTable { table: form.table.clone() });
                close = true;
            }
            if ui.button(CANCEL).clicked() {
                close = true;
            }
        });
    });
    form.open = open && !close;
}

fn fields(ui: &mut egui::Ui, t: &mut HostTable) {
    egui::Grid::new("host_table_fields").num_columns(2).spacing([12.0, 6.0]).show(ui, |ui| {
        row(ui, "Min bet", egui::DragValue::new(&mut t.min_bet).speed(1.0));
        row(ui, "Max bet", egui::DragValue::new(&mut t.max_bet).speed(5.0));
        row(ui, "Odds multiple (0 = 3-4-5x)", egui::DragValue::new(&mut t.odds_multiple).speed(0.1));
        ui.label("Field pays on 12");
        ui.horizontal(|ui| {
            for pays in [2, 3] {
                ui.selectable_value(&mut t.field_pays_on_12, pays, format!("{pays}x"))
                    .on_hover_text(format!("the field pays {pays} to 1 on 12"));
            }
        });
        ui.end_row();
        row(ui, "Buy-in", egui::DragValue::new(&mut t.buy_in).speed(10.0));
        row(ui, "Max buy-in", egui::DragValue::new(&mut t.max_buy_in).speed(10.0));
        row(ui, "Seats", egui::DragValue::new(&mut t.max_seats).speed(0.1));
        row(ui, "Roll interval ms", egui::DragValue::new(&mut t.roll_interval_ms).speed(100.0));
    });
}

fn row(ui: &mut egui::Ui, label: &str, value: egui::DragValue<'_>) {
    super::field(ui, label, value);
    ui.end_row();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_each_rule_is_checked() {
        assert!(errors(&HostTable::default()).is_empty());
        let bad = [
            HostTable { min_bet: 0, ..HostTable::default() },
            HostTable { min_bet: 600, max_bet: 500, ..HostTable::default() },
            HostTable { max_seats: 17, ..HostTable::default() },
            HostTable { roll_interval_ms: 99, ..HostTable::default() },
            HostTable { field_pays_on_12: 4, ..HostTable::default() },
            HostTable { odds_multiple: 101, ..HostTable::default() },
            HostTable { buy_in: 20_000, ..HostTable::default() },
        ];
        for h in bad {
            assert_eq!(errors(&h).len(), 1, "{h:?}");
        }
    }
}
