//! The Resources tab: the newest resource sample with units, and plots of either the samples held in memory (live,
//! the last 15 minutes) or the node's stored history of the last hour (min–max band and average per bucket).
//!
//! The x axis is minutes relative to the newest data (node time), so the plots move only when data arrives and
//! render the same for a recorded stream. The plots pan (drag), zoom (Ctrl+scroll, right-drag a box) and reset on
//! double-click, with their x axes linked; the y axes are linear or log10 ([`YScale`]); hovering shows the value,
//! its unit and its time.

use bitcraps_api::ResourceSample;
use egui::Id;
use egui_plot::{FilledArea, GridInput, GridMark, HoverPosition, Line, Plot, PlotPoints, PlotUi, uniform_grid_spacer};
use serde::{Deserialize, Serialize};

use crate::format;
use crate::plot_axes::{minute_steps, minutes_label, value_steps};
use crate::state::{DashboardState, HISTORY_MS};
use crate::stored_history::{HOUR_MS, StoredHistory};

pub mod charts;
pub mod history_loader;
pub mod plot_decimate;

use charts::{CHARTS, Chart, SERIES_COLORS, TimeRange, YScale, hover_label};
use plot_decimate::min_max_per_column;

const PLOT_HEIGHT: f32 = 180.0;
const MS_PER_MIN: f64 = 60_000.0;

/// What the Resources tab shows, kept between runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ResourcesView {
    pub range: TimeRange,
    pub scale: YScale,
}

/// Draws the Resources tab.
pub fn show(ui: &mut egui::Ui, state: &DashboardState, view: &mut ResourcesView) {
    ui.heading("Resource use");
    ui.add_space(6.0);
    let Some(latest) = state.latest_sample() else {
        let text = if state.snapshot.is_some() {
            "No resource samples yet: the node's sampler has not reported."
        } else {
            "Waiting for the node's first snapshot…"
        };
        ui.label(text);
        return;
    };
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        current_values(ui, latest, state);
        ui.add_space(8.0);
        controls(ui, view);
        if view.range == TimeRange::Hour {
            ui.weak(stored_status(&state.stored));
        }
        ui.add_space(6.0);
        plots(ui, state, latest.at_ms, *view);
    });
}

fn current_values(ui: &mut egui::Ui, s: &ResourceSample, state: &DashboardState) {
    let memory = if s.system_memory_total_bytes > 0 {
        let share = s.system_memory_used_bytes as f64 / s.system_memory_total_bytes as f64 * 100.0;
        format!(
            "{} / {} ({share:.0} %)",
            format::bytes(s.system_memory_used_bytes),
            format::bytes(s.system_memory_total_bytes)
        )
    } else {
        format::bytes(s.system_memory_used_bytes)
    };
    let interval =
        state.snapshot.as_ref().map_or_else(String::new, |snap| format::interval_ms(snap.node.sampler_interval_ms));
    let rows: [(&str, String); 12] = [
        ("Process CPU", format::percent(s.process_cpu_percent)),
        ("RSS", format::bytes(s.rss_bytes)),
        ("Threads", format::count(s.threads)),
        ("Open fds", format::count(s.open_fds)),
        ("Disk read", format::rate(s.disk_read_bytes_per_s)),
        ("Disk write", format::rate(s.disk_write_bytes_per_s)),
        ("Network rx", format::rate(s.net_rx_bytes_per_s)),
        ("Network tx", format::rate(s.net_tx_bytes_per_s)),
        ("System CPU", format::percent(s.system_cpu_percent)),
        ("System memory", memory),
        ("DB size", format::bytes(s.db_size_bytes)),
        ("DB write p95", s.db_write_p95_ms.map_or_else(|| "no writes".to_owned(), format::millis)),
    ];
    egui::Grid::new("resource_values").num_columns(6).spacing([24.0, 6.0]).striped(true).show(ui, |ui| {
        for pair in rows.chunks(3) {
            for (name, value) in pair {
                ui.label(*name);
                ui.strong(value);
            }
            ui.end_row();
        }
    });
    ui.weak(format!("{} samples held, sampled every {interval}", state.samples.len()));
}

fn controls(ui: &mut egui::Ui, view: &mut ResourcesView) {
    ui.horizontal(|ui| {
        ui.label("Range:");
        for range in [TimeRange::Live, TimeRange::Hour] {
            ui.selectable_value(&mut view.range, range, range.label());
        }
        ui.separator();
        ui.label("Y axis:");
        for scale in [YScale::Linear, YScale::Log] {
            ui.selectable_value(&mut view.scale, scale, scale.label());
        }
        ui.separator();
        ui.weak("Drag to pan, Ctrl+scroll or right-drag to zoom, double-click to reset");
    });
}

/// One line about the stored history: what it is, or why it is missing.
fn stored_status(stored: &StoredHistory) -> String {
    if let Some(error) = &stored.error {
        return format!("Could not load the stored history: {error}");
    }
    if stored.ranges.is_empty() {
        return "Loading the node's stored history of the last hour…".to_owned();
    }
    let step = stored.ranges.values().next().map_or(0, |r| r.step_ms);
    format!(
        "Stored history up to {} UTC in {} buckets: band = min–max of each bucket, line = its average",
        format::clock_utc(stored.to_ms),
        format::interval_ms(step)
    )
}

fn plots(ui: &mut egui::Ui, state: &DashboardState, newest_ms: u64, view: ResourcesView) {
    let gap = ui.spacing().item_spacing.x;
    let columns = if ui.available_width() > 900.0 { 4 } else { 2 };
    let width = ((ui.available_width() - gap * columns as f32) / columns as f32).max(140.0);
    let cutoff = newest_ms.saturating_sub(HISTORY_MS);
    let live: Vec<&ResourceSample> = state.samples.iter().filter(|s| s.at_ms > cutoff).collect();
    let link = Id::unique(("resources_x", view.range, view.scale));
    egui::Grid::new("resource_plots").num_columns(columns).spacing([gap, 12.0]).show(ui, |ui| {
        for (i, chart) in CHARTS.iter().enumerate() {
            ui.vertical(|ui| {
                ui.strong(chart.title);
                if view.range == TimeRange::Hour && chart.series.iter().all(|s| s.stored.is_none()) {
                    ui.allocate_ui(egui::vec2(width, PLOT_HEIGHT), |ui| {
                        ui.weak("Not stored by the node: live view only");
                    });
                    return;
                }
                let include_y = live.last().and_then(|s| (chart.include_y)(s));
                let frame = Frame { width, view, link, include_y };
                match view.range {
                    TimeRange::Live => draw(ui, chart, &frame, newest_ms, |plot_ui| {
                        live_lines(plot_ui, chart, &live, newest_ms, view.scale, width)
                    }),
                    TimeRange::Hour => {
                        let origin = state.stored.to_ms;
                        draw(ui, chart, &frame, origin, |plot_ui| {
                            stored_bands(plot_ui, chart, &state.stored, view.scale)
                        });
                    }
                }
            });
            if i % columns == columns - 1 {
                ui.end_row();
            }
        }
    });
}

/// What every plot of one frame shares.
struct Frame {
    width: f32,
    view: ResourcesView,
    link: Id,
    include_y: Option<f64>,
}

fn draw(ui: &mut egui::Ui, chart: &Chart, frame: &Frame, origin_ms: u64, items: impl FnOnce(&mut PlotUi<'_>)) {
    let (unit, scale) = (chart.unit, frame.view.scale);
    let window_min = match frame.view.range {
        TimeRange::Live => HISTORY_MS as f64 / MS_PER_MIN,
        TimeRange::Hour => HOUR_MS as f64 / MS_PER_MIN,
    };
    let mut plot = Plot::new((chart.id, frame.view.range, scale))
        .width(frame.width)
        .height(PLOT_HEIGHT)
        .allow_drag(true)
        .allow_zoom(true)
        .allow_scroll(false) // the wheel scrolls the tab; Ctrl+wheel zooms
        .allow_boxed_zoom(true)
        .allow_double_click_reset(true)
        .link_axis(frame.link, [true, false])
        .link_cursor(frame.link, [true, false])
        .include_x(-window_min)
        .include_x(0.0)
        .x_grid_spacer(uniform_grid_spacer(|input: GridInput| minute_steps(input.base_step_size)))
        .x_axis_formatter(|mark: GridMark, _| minutes_label(mark.value))
        .y_axis_formatter(move |mark: GridMark, _| unit.format(scale.to_value(mark.value)))
        .label_formatter(move |pos: &HoverPosition<'_>| match pos {
            HoverPosition::NearDataPoint { plot_name, position, .. } => {
                Some(hover_label(plot_name, position.x, position.y, unit, scale, origin_ms))
            }
            HoverPosition::Elsewhere { .. } => None,
        });
    if scale == YScale::Linear {
        plot = plot
            .include_y(0.0)
            .y_grid_spacer(uniform_grid_spacer(|input: GridInput| value_steps(input.base_step_size)));
    }
    if let Some(y) = frame.include_y {
        plot = plot.include_y(scale.to_plot(y, unit));
    }
    if chart.series.len() > 1 || frame.view.range == TimeRange::Hour {
        plot = plot.legend(crate::plot_frame::legend());
    }
    crate::plot_frame::show_outlined(ui, plot, items);
}

fn live_lines(
    plot_ui: &mut PlotUi<'_>,
    chart: &Chart,
    window: &[&ResourceSample],
    newest_ms: u64,
    scale: YScale,
    width: f32,
) {
    let x = |s: &ResourceSample| -((newest_ms.saturating_sub(s.at_ms)) as f64) / MS_PER_MIN;
    for (series, color) in chart.series.iter().zip(SERIES_COLORS) {
        let points: Vec<[f64; 2]> = window
            .iter()
            .map(|s| [x(s), scale.to_plot((series.read)(s), chart.unit)])
            .filter(|[_, y]| y.is_finite())
            .collect();
        let points = min_max_per_column(points, width as usize);
        plot_ui.line(Line::new(series.name, PlotPoints::from(points)).color(color));
    }
}

fn stored_bands(plot_ui: &mut PlotUi<'_>, chart: &Chart, stored: &StoredHistory, scale: YScale) {
    for (series, color) in chart.series.iter().zip(SERIES_COLORS) {
        let Some(range) = series.stored.and_then(|metric| stored.range(metric)) else { continue };
        let x = |at_ms: u64| (at_ms as f64 - stored.to_ms as f64) / MS_PER_MIN;
        let y = |v: f64| scale.to_plot(v, chart.unit);
        let xs: Vec<f64> = range.points.iter().map(|p| x(p.at_ms)).collect();
        let mins: Vec<f64> = range.points.iter().map(|p| y(p.min)).collect();
        let maxs: Vec<f64> = range.points.iter().map(|p| y(p.max)).collect();
        let band = FilledArea::new(format!("{} min–max", series.name), &xs, &mins, &maxs);
        plot_ui.add(band.fill_color(color.gamma_multiply(0.3)));
        let avg: Vec<[f64; 2]> = range.points.iter().map(|p| [x(p.at_ms), y(p.avg)]).collect();
        plot_ui.line(Line::new(format!("{} avg", series.name), PlotPoints::from(avg)).color(color));
    }
}
