//! The Health tab's latency plots: consensus round p50/p95/p99 and message propagation p95 over time, from the
//! quantiles the node sent in each snapshot and live update ([`crate::latency_history`]). The x axis is minutes
//! before the newest point (node time), so the plots move only when the node sends something.

use egui_plot::{GridInput, GridMark, Line, Plot, PlotPoints, uniform_grid_spacer};

use crate::format;
use crate::latency_history::{LatencyHistory, LatencyPoint};
use crate::plot_axes::{minute_steps, minutes_label, value_steps};

/// Shown instead of the plots until the node has reported a consensus round or a propagation.
pub const NO_LATENCY_YET: &str = "No consensus rounds or mesh messages measured yet";
/// Height of each plot, in points.
const PLOT_HEIGHT: f32 = 160.0;

type Read = fn(&LatencyPoint) -> Option<f64>;
/// One line of a plot: its legend name and how to read it from a point (`None`: the window saw nothing).
type Series = (&'static str, Read);

/// The plots: (id, heading, lines).
const PLOTS: [(&str, &str, &[Series]); 2] = [
    (
        "consensus_round_plot",
        "Consensus round (ms)",
        &[
            ("round p50", |p| (p.round.count > 0).then_some(p.round.p50_ms)),
            ("round p95", |p| (p.round.count > 0).then_some(p.round.p95_ms)),
            ("round p99", |p| (p.round.count > 0).then_some(p.round.p99_ms)),
        ],
    ),
    (
        "propagation_plot",
        "Message propagation (ms)",
        &[("propagation p95", |p| (p.propagation.count > 0).then_some(p.propagation.p95_ms))],
    ),
];

/// Draws both plots side by side.
pub fn show(ui: &mut egui::Ui, history: &LatencyHistory) {
    ui.heading("Latency over time");
    ui.add_space(4.0);
    let Some(newest) = history.points().last().map(|p| p.at_ms) else {
        ui.label(NO_LATENCY_YET);
        return;
    };
    let width = ((ui.available_width() - 16.0) / 2.0).max(200.0);
    ui.horizontal_top(|ui| {
        for (id, heading, lines) in PLOTS {
            ui.vertical(|ui| {
                ui.strong(heading);
                plot(ui, id, width, history, newest, lines);
            });
        }
    });
}

fn plot(ui: &mut egui::Ui, id: &str, width: f32, history: &LatencyHistory, newest: u64, lines: &[Series]) {
    let minutes_before = |at_ms: u64| -((newest - at_ms.min(newest)) as f64) / 60_000.0;
    let series: Vec<(&str, Vec<[f64; 2]>)> = lines
        .iter()
        .map(|(name, read)| {
            let points = history.points().filter_map(|p| read(p).map(|y| [minutes_before(p.at_ms), y])).collect();
            (*name, points)
        })
        .collect();
    let mut plot = Plot::new(id)
        .width(width)
        .height(PLOT_HEIGHT)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        // At least the last minute: one point alone would otherwise get an axis reaching hours into the future.
        .include_x(-1.0)
        .include_x(0.0)
        .include_y(0.0)
        .x_grid_spacer(uniform_grid_spacer(|input: GridInput| minute_steps(input.base_step_size)))
        .y_grid_spacer(uniform_grid_spacer(|input: GridInput| value_steps(input.base_step_size)))
        .x_axis_formatter(|mark: GridMark, _| minutes_label(mark.value))
        .y_axis_formatter(|mark: GridMark, _| format::millis(mark.value));
    if series.len() > 1 {
        plot = plot.legend(crate::plot_frame::legend());
    }
    crate::plot_frame::show_outlined(ui, plot, |plot_ui| {
        for (name, points) in series {
            plot_ui.line(Line::new(name, PlotPoints::from(points)));
        }
    });
}
