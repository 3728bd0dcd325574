//! The Game tab: the craps tables the node knows with Join and Leave, the joined tables in detail ([`table`]: round
//! phase and countdown, puck, dice, chip changes, bet layout, game history), the Host a table dialog ([`host`]),
//! and the table protocol's consensus statistics.
//!
//! Buttons queue commands in [`DashboardState::outbox`], as the Alerts tab does; the connection sends them over the
//! event socket and the node's answer shows under the tables list. What the forms hold between frames lives in
//! [`GameForm`].

use std::collections::BTreeMap;

use bitcraps_api::{Command, ConsensusStats, TableSummary};

use crate::state::DashboardState;
use crate::{command_result, format};

pub mod bet_kinds;
pub mod host;
pub mod layout;
pub mod rolls;
pub mod table;

use table::BetDraft;

/// Shown when the node reports no tables.
pub const NO_TABLES: &str = "No tables on the mesh yet: host one (Host a table… above), or wait for a host's advert.";
/// The buy-in a Join button offers until it is changed.
pub const JOIN_BUY_IN: u64 = 1_000;

/// Column titles of the tables list.
const COLUMNS: [&str; 10] =
    ["Table", "Host", "Seats", "Limits", "Phase", "Round", "Round phase", "Joined", "Buy-in", ""];

/// What the Game tab's forms hold between frames.
#[derive(Clone, Debug, Default)]
pub struct GameForm {
    /// The Host a table dialog.
    pub host: host::HostForm,
    /// The buy-in each table's Join button offers, by table id (absent: [`JOIN_BUY_IN`]).
    pub join_buy_in: BTreeMap<String, u64>,
    /// The Place bet row of each joined table, by table id.
    pub bets: BTreeMap<String, BetDraft>,
}

/// Draws the Game tab.
pub fn show(ui: &mut egui::Ui, state: &mut DashboardState, form: &mut GameForm) {
    let mut queued = Vec::new();
    ui.horizontal(|ui| {
        ui.heading("Craps tables");
        if state.snapshot.is_some() {
            host::show(ui, &mut form.host, &mut queued);
        }
    });
    ui.add_space(6.0);
    let Some(snapshot) = &state.snapshot else {
        ui.label("Waiting for the node's first snapshot…");
        return;
    };
    egui::ScrollArea::vertical().auto_shrink(false).show(ui, |ui| {
        let tables = &snapshot.game.tables;
        if tables.is_empty() {
            ui.label(NO_TABLES);
        } else {
            tables_grid(ui, tables, form, &mut queued);
        }
        command_result::show(ui, state);
        for joined in tables.iter().filter(|t| t.joined) {
            ui.separator();
            let draft = form.bets.entry(joined.table_id.clone()).or_insert_with(|| BetDraft::for_table(joined));
            let viewer = table::Viewer { own_id: &snapshot.node.node_id, now_ms: snapshot.node.now_ms };
            table::show(ui, joined, viewer, draft, &mut queued);
        }
        ui.separator();
        consensus(ui, &snapshot.game.consensus);
    });
    state.outbox.extend(queued);
}

fn tables_grid(ui: &mut egui::Ui, tables: &[TableSummary], form: &mut GameForm, queued: &mut Vec<Command>) {
    egui::Grid::new("tables_grid").num_columns(COLUMNS.len()).spacing([18.0, 6.0]).striped(true).show(ui, |ui| {
        let mut buy_in_header = None;
        for title in COLUMNS {
            let header = ui.strong(title);
            if title == "Buy-in" {
                buy_in_header = Some(header.id);
            }
        }
        ui.end_row();
        for table in tables {
            ui.label(format::short_id(&table.table_id)).on_hover_text(&table.table_id);
            ui.label(format::short_id(&table.host_id)).on_hover_text(&table.host_id);
            ui.label(format!("{} / {}", table.seated, table.max_seats));
            ui.label(format!("{}-{}", table.min_bet, table.max_bet));
            ui.label(&table.phase);
            ui.label(table.round.to_string());
            ui.label(if table.round_phase.is_empty() { "—" } else { &table.round_phase });
            ui.label(if table.joined { "yes" } else { "no" });
            if table.joined {
                ui.label("");
                if ui.button("Leave").clicked() {
                    queued.push(Command::LeaveTable { table_id: table.table_id.clone() });
                }
            } else {
                let buy_in = form.join_buy_in.entry(table.table_id.clone()).or_insert(JOIN_BUY_IN);
                let most = if table.max_buy_in > 0 { table.max_buy_in } else { u64::MAX };
                let field = ui.add(egui::DragValue::new(buy_in).range(1..=most).speed(10.0));
                if let Some(id) = buy_in_header {
                    field.labelled_by(id);
                }
                if ui.button("Join").clicked() {
                    queued.push(Command::JoinTable { table_id: table.table_id.clone(), buy_in: *buy_in });
                }
            }
            ui.end_row();
        }
    });
}

/// A value field with its label in front, the label naming it for screen readers (and tests).
pub fn field(ui: &mut egui::Ui, label: &str, value: egui::DragValue<'_>) -> egui::Response {
    let label = ui.label(label);
    ui.add(value).labelled_by(label.id)
}

fn consensus(ui: &mut egui::Ui, stats: &ConsensusStats) {
    ui.heading("Consensus");
    ui.label(consensus_line(stats));
}

/// The consensus statistics as one line of text.
pub fn consensus_line(stats: &ConsensusStats) -> String {
    format!(
        "Rounds final {} · attempts failed {} · forfeits {} · equivocations {} · round latency p50/p95/p99 {}",
        stats.rounds_final,
        stats.attempts_failed,
        stats.forfeits,
        stats.equivocations,
        format::quantiles(&stats.round_latency),
    )
}
