//! The Resources tab: the newest resource sample with units, and plots of the last 15 minutes of samples.
//!
//! The x axis is minutes relative to the newest sample (node time), so the plots move only when a sample arrives
//! and render the same for a recorded stream.

use bitcraps_api::ResourceSample;
use egui_plot::{GridMark, HoverPosition, Legend, Line, Plot, PlotPoints};

use crate::format;
use crate::state::{DashboardState, HISTORY_MS};

const PLOT_HEIGHT: f32 = 180.0;
const MS_PER_MIN: f64 = 60_000.0;
/// Plotted window, in minutes.
const WINDOW_MIN: f64 = HISTORY_MS as f64 / MS_PER_MIN;

/// Draws the Resources tab.
pub fn show(ui: &mut egui::Ui, state: &DashboardState) {
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
        ui.add_space(10.0);
        plots(ui, state, latest.at_ms);
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
    let rows: [(&str, String); 11] = [
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

/// One plotted series: its legend name and how to read it from a sample.
type Series = (&'static str, fn(&ResourceSample) -> f64);

/// One plot: id, title, unit, series, and a value (read from the newest sample) the y range must include besides 0.
struct Chart {
    id: &'static str,
    title: &'static str,
    unit: Unit,
    series: &'static [Series],
    include_y: fn(&ResourceSample) -> Option<f64>,
}

const CHARTS: [Chart; 8] = [
    Chart {
        id: "process_cpu_plot",
        title: "Process CPU use",
        unit: Unit::Percent,
        series: &[("% of one core", |s| f64::from(s.process_cpu_percent))],
        include_y: |_| Some(10.0),
    },
    Chart {
        id: "system_cpu_plot",
        title: "System CPU use",
        unit: Unit::Percent,
        series: &[("% of all cores", |s| f64::from(s.system_cpu_percent))],
        include_y: |_| Some(100.0),
    },
    Chart {
        id: "rss_plot",
        title: "Node memory (RSS)",
        unit: Unit::Bytes,
        series: &[("RSS", |s| s.rss_bytes as f64)],
        include_y: |_| None,
    },
    Chart {
        id: "system_memory_plot",
        title: "System memory used",
        unit: Unit::Bytes,
        series: &[("used", |s| s.system_memory_used_bytes as f64)],
        include_y: |s| Some(s.system_memory_total_bytes as f64),
    },
    Chart {
        id: "disk_plot",
        title: "Disk I/O",
        unit: Unit::Rate,
        series: &[("read", |s| s.disk_read_bytes_per_s), ("write", |s| s.disk_write_bytes_per_s)],
        include_y: |_| None,
    },
    Chart {
        id: "net_plot",
        title: "Network I/O",
        unit: Unit::Rate,
        series: &[("rx", |s| s.net_rx_bytes_per_s), ("tx", |s| s.net_tx_bytes_per_s)],
        include_y: |_| None,
    },
    Chart {
        id: "handles_plot",
        title: "Threads and open files",
        unit: Unit::Count,
        series: &[
            ("threads", |s| s.threads.map_or(f64::NAN, f64::from)),
            ("fds", |s| s.open_fds.map_or(f64::NAN, f64::from)),
        ],
        include_y: |_| None,
    },
    Chart {
        id: "db_plot",
        title: "Database size",
        unit: Unit::Bytes,
        series: &[("DB", |s| s.db_size_bytes as f64)],
        include_y: |_| None,
    },
];

fn plots(ui: &mut egui::Ui, state: &DashboardState, newest_ms: u64) {
    let cutoff = newest_ms.saturating_sub(HISTORY_MS);
    let window: Vec<&ResourceSample> = state.samples.iter().filter(|s| s.at_ms > cutoff).collect();
    let x = |s: &ResourceSample| -((newest_ms.saturating_sub(s.at_ms)) as f64) / MS_PER_MIN;
    let gap = ui.spacing().item_spacing.x;
    let columns = if ui.available_width() > 900.0 { 4 } else { 2 };
    let width = ((ui.available_width() - gap * columns as f32) / columns as f32).max(140.0);
    egui::Grid::new("resource_plots").num_columns(columns).spacing([gap, 12.0]).show(ui, |ui| {
        for (i, chart) in CHARTS.iter().enumerate() {
            ui.vertical(|ui| {
                ui.strong(chart.title);
                let include_y = window.last().and_then(|s| (chart.include_y)(s));
                draw(ui, chart, include_y, width, &window, x);
            });
            if i % columns == columns - 1 {
                ui.end_row();
            }
        }
    });
}

/// What the y axis of a chart measures.
#[derive(Clone, Copy)]
enum Unit {
    Percent,
    Bytes,
    Rate,
    Count,
}

impl Unit {
    fn format(self, value: f64) -> String {
        match self {
            Self::Percent => format!("{value:.0} %"),
            Self::Bytes if value < 0.0 => String::new(),
            Self::Bytes => format::bytes(value as u64),
            Self::Rate if value < 0.0 => String::new(),
            Self::Rate => format::rate(value),
            Self::Count => format!("{value:.0}"),
        }
    }
}

fn draw(
    ui: &mut egui::Ui,
    chart: &Chart,
    include_y: Option<f64>,
    width: f32,
    window: &[&ResourceSample],
    x: impl Fn(&ResourceSample) -> f64,
) {
    let unit = chart.unit;
    let lines: Vec<(&str, Vec<[f64; 2]>)> = chart
        .series
        .iter()
        .map(|(name, read)| {
            let points = window.iter().map(|s| [x(s), read(s)]).filter(|[_, y]| y.is_finite()).collect();
            (*name, points)
        })
        .collect();
    let mut plot = Plot::new(chart.id)
        .width(width)
        .height(PLOT_HEIGHT)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .include_x(-WINDOW_MIN)
        .include_x(0.0)
        .include_y(0.0)
        .include_y(include_y.unwrap_or(0.0))
        .x_axis_formatter(|mark: GridMark, _| format!("{:.0} min", mark.value))
        .y_axis_formatter(move |mark: GridMark, _| unit.format(mark.value))
        .label_formatter(move |pos: &HoverPosition<'_>| match pos {
            HoverPosition::NearDataPoint { plot_name, position, .. } => {
                Some(format!("{plot_name}: {}", unit.format(position.y)))
            }
            HoverPosition::Elsewhere { .. } => None,
        });
    if lines.len() > 1 {
        plot = plot.legend(Legend::default());
    }
    plot.show(ui, |plot_ui| {
        for (name, points) in lines {
            plot_ui.line(Line::new(name, PlotPoints::from(points)));
        }
    });
}
