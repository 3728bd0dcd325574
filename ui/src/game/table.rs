//! One joined table in detail, on the Game tab: the round phase with its countdown and the puck, the dice history
//! and the last roll's chip changes ([`rolls`]), the players with their chips (the shooter marked), the open
//! bets with Remove on this node's own, the bet layout ([`layout`]), a Place bet row, and the game history.

use bitcraps_api::{Command, TableSummary};

use super::{bet_kinds, layout, rolls};
use crate::format;

/// Shown when nobody has a bet on the table.
pub const NO_BETS: &str = "No open bets";

/// What the Place bet row of one table holds between frames.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BetDraft {
    /// A rules-engine bet name, e.g. `pass`.
    pub kind: String,
    pub amount: u64,
}

impl BetDraft {
    /// The first bet in the engine's order the table's phase allows (pass on the come-out, come on a point), of
    /// the table's minimum.
    pub fn for_table(table: &TableSummary) -> Self {
        let point = bet_kinds::table_point(&table.phase);
        let kind = bitcraps_rules::BetKind::all().into_iter().find(|k| bet_kinds::allowed(*k, point));
        Self { kind: kind.map_or_else(|| "pass".to_owned(), |k| k.to_string()), amount: table.min_bet.max(1) }
    }
}

/// What [`show`] needs besides the table: this node's id (its bets get a Remove button) and the time now.
#[derive(Clone, Copy, Debug)]
pub struct Viewer<'a> {
    pub own_id: &'a str,
    pub now_ms: u64,
}

/// Draws the joined `table`.
pub fn show(
    ui: &mut egui::Ui,
    table: &TableSummary,
    viewer: Viewer<'_>,
    draft: &mut BetDraft,
    queued: &mut Vec<Command>,
) {
    let own_id = viewer.own_id;
    ui.heading(format!("Table {} · {}", format::short_id(&table.table_id), table.phase));
    rolls::round_status(ui, table, viewer.now_ms);
    rolls::dice_history(ui, table);
    rolls::last_roll(ui, table, own_id);
    if !table.state_hash.is_empty() {
        ui.label(format!("State hash {}", format::short_id(&table.state_hash))).on_hover_text(&table.state_hash);
    }
    ui.add_space(4.0);
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| players(ui, table, own_id));
        ui.add_space(36.0);
        ui.vertical(|ui| bets(ui, table, own_id, queued));
    });
    ui.add_space(4.0);
    place_bet(ui, table, draft, queued);
    layout::show(ui, table, draft);
    ui.add_space(4.0);
    rolls::history(ui, table, own_id);
}

fn player_name(node_id: &str, own_id: &str) -> String {
    let short = format::short_id(node_id);
    if node_id == own_id { format!("{short} (you)") } else { short.to_owned() }
}

fn players(ui: &mut egui::Ui, table: &TableSummary, own_id: &str) {
    ui.strong("Players");
    egui::Grid::new(("players_grid", &table.table_id)).num_columns(3).spacing([18.0, 4.0]).striped(true).show(
        ui,
        |ui| {
            for title in ["Player", "Chips", ""] {
                ui.strong(title);
            }
            ui.end_row();
            for seat in &table.players {
                ui.label(player_name(&seat.node_id, own_id)).on_hover_text(&seat.node_id);
                ui.label(seat.balance.to_string());
                ui.label(if seat.is_shooter { "shooter" } else { "" });
                ui.end_row();
            }
        },
    );
}

fn bets(ui: &mut egui::Ui, table: &TableSummary, own_id: &str, queued: &mut Vec<Command>) {
    ui.strong("Open bets");
    if table.bets.is_empty() {
        ui.label(NO_BETS);
        return;
    }
    egui::Grid::new(("bets_grid", &table.table_id)).num_columns(5).spacing([18.0, 4.0]).striped(true).show(ui, |ui| {
        for title in ["Bet", "Player", "Kind", "Amount", ""] {
            ui.strong(title);
        }
        ui.end_row();
        for bet in &table.bets {
            ui.label(format!("#{}", bet.bet_id));
            ui.label(player_name(&bet.node_id, own_id)).on_hover_text(&bet.node_id);
            ui.label(&bet.kind);
            ui.label(bet.amount.to_string());
            if bet.node_id == own_id {
                if ui.button("Remove").clicked() {
                    queued.push(Command::RemoveBet { table_id: table.table_id.clone(), bet_id: bet.bet_id });
                }
            } else {
                ui.label("");
            }
            ui.end_row();
        }
    });
}

fn place_bet(ui: &mut egui::Ui, table: &TableSummary, draft: &mut BetDraft, queued: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        let title = ui.strong("Place bet");
        egui::ComboBox::from_id_salt(("bet_kind", &table.table_id))
            .selected_text(draft.kind.as_str())
            .show_ui(ui, |ui| {
                for name in bet_kinds::names() {
                    let label = name.clone();
                    ui.selectable_value(&mut draft.kind, name, label);
                }
            })
            .response
            .labelled_by(title.id);
        let most = if table.max_bet >= table.min_bet && table.max_bet > 0 { table.max_bet } else { u64::MAX };
        let amount = egui::DragValue::new(&mut draft.amount).range(table.min_bet.max(1)..=most).speed(1.0);
        super::field(ui, "Amount", amount);
        if ui.button("Place").clicked() {
            queued.push(Command::PlaceBet {
                table_id: table.table_id.clone(),
                kind: draft.kind.clone(),
                amount: draft.amount,
            });
        }
    });
}
