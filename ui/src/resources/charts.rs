//! What the Resources tab plots: the charts, their units, the y scale (linear or log10), and the hover label.
//!
//! egui_plot has no log axis, so a log chart plots `log10(value)` and its tick and hover labels turn the plotted
//! value back into the real one ([`YScale::to_value`]) before formatting it with the chart's unit.

use bitcraps_api::ResourceSample;
use egui::Color32;
use serde::{Deserialize, Serialize};

use crate::format;

/// Which history the plots show.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeRange {
    /// The samples the dashboard holds in memory (the last 15 minutes), per sample.
    #[default]
    Live,
    /// The node's stored history of the last hour, from the range endpoint, as min/max bands and averages.
    Hour,
}

impl TimeRange {
    /// The selector's label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Live => "Live (15 min)",
            Self::Hour => "1 hour",
        }
    }
}

/// How the y axes map values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum YScale {
    #[default]
    Linear,
    /// log10 of the value; values at or below the unit's floor are drawn at the floor.
    Log,
}

impl YScale {
    /// The selector's label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Linear => "Linear",
            Self::Log => "Log",
        }
    }

    /// The plotted y of `value` (NaN stays NaN: a gap).
    pub fn to_plot(self, value: f64, unit: Unit) -> f64 {
        match self {
            Self::Linear => value,
            // `f64::max` would turn NaN into the floor.
            Self::Log if value.is_nan() => value,
            Self::Log => value.max(unit.log_floor()).log10(),
        }
    }

    /// The value a plotted y stands for.
    pub fn to_value(self, plotted: f64) -> f64 {
        match self {
            Self::Linear => plotted,
            Self::Log => 10f64.powf(plotted),
        }
    }
}

/// What the y axis of a chart measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Percent,
    Bytes,
    Rate,
    Count,
    Millis,
}

impl Unit {
    /// A value with its unit, as the axes and hover labels show it.
    pub fn format(self, value: f64) -> String {
        match self {
            Self::Percent if value.abs() < 10.0 && value.fract() != 0.0 => format!("{value:.1} %"),
            Self::Percent => format!("{value:.0} %"),
            Self::Bytes if value < 0.0 => String::new(),
            Self::Bytes => format::bytes(value.round() as u64),
            Self::Rate if value < 0.0 => String::new(),
            Self::Rate => format::rate(value),
            Self::Count => format!("{value:.0}"),
            Self::Millis if value < 0.0 => String::new(),
            Self::Millis => format::millis(value),
        }
    }

    /// The smallest value a log chart distinguishes: one byte, one thousandth of a percent or millisecond.
    fn log_floor(self) -> f64 {
        match self {
            Self::Percent | Self::Millis => 1e-3,
            Self::Bytes | Self::Rate | Self::Count => 1.0,
        }
    }
}

/// One plotted series: its legend name, how to read it from a sample, and the node's stored metric of it (`None`:
/// not stored, so live only).
pub struct Series {
    pub name: &'static str,
    pub read: fn(&ResourceSample) -> f64,
    pub stored: Option<&'static str>,
}

/// One plot: id, title, unit, series, and a value (read from the newest sample) the y range must include besides 0.
pub struct Chart {
    pub id: &'static str,
    pub title: &'static str,
    pub unit: Unit,
    pub series: &'static [Series],
    pub include_y: fn(&ResourceSample) -> Option<f64>,
}

/// Every chart of the tab, in display order.
pub const CHARTS: [Chart; 9] = [
    Chart {
        id: "process_cpu_plot",
        title: "Process CPU use",
        unit: Unit::Percent,
        series: &[Series {
            name: "% of one core",
            read: |s| f64::from(s.process_cpu_percent),
            stored: Some("process_cpu_percent"),
        }],
        include_y: |_| Some(10.0),
    },
    Chart {
        id: "system_cpu_plot",
        title: "System CPU use",
        unit: Unit::Percent,
        series: &[Series {
            name: "% of all cores",
            read: |s| f64::from(s.system_cpu_percent),
            stored: Some("system_cpu_percent"),
        }],
        include_y: |_| Some(100.0),
    },
    Chart {
        id: "rss_plot",
        title: "Node memory (RSS)",
        unit: Unit::Bytes,
        series: &[Series { name: "RSS", read: |s| s.rss_bytes as f64, stored: Some("process_rss_bytes") }],
        include_y: |_| None,
    },
    Chart {
        id: "system_memory_plot",
        title: "System memory used",
        unit: Unit::Bytes,
        series: &[Series {
            name: "used",
            read: |s| s.system_memory_used_bytes as f64,
            stored: Some("system_memory_used_bytes"),
        }],
        include_y: |s| Some(s.system_memory_total_bytes as f64),
    },
    Chart {
        id: "disk_plot",
        title: "Disk I/O",
        unit: Unit::Rate,
        series: &[
            Series { name: "read", read: |s| s.disk_read_bytes_per_s, stored: Some("disk_read_bytes_per_second") },
            Series { name: "write", read: |s| s.disk_write_bytes_per_s, stored: Some("disk_write_bytes_per_second") },
        ],
        include_y: |_| None,
    },
    Chart {
        id: "net_plot",
        title: "Network I/O",
        unit: Unit::Rate,
        series: &[
            Series { name: "rx", read: |s| s.net_rx_bytes_per_s, stored: Some("network_receive_bytes_per_second") },
            Series { name: "tx", read: |s| s.net_tx_bytes_per_s, stored: Some("network_transmit_bytes_per_second") },
        ],
        include_y: |_| None,
    },
    Chart {
        id: "handles_plot",
        title: "Threads and open files",
        unit: Unit::Count,
        series: &[
            Series { name: "threads", read: |s| s.threads.map_or(f64::NAN, f64::from), stored: None },
            Series { name: "fds", read: |s| s.open_fds.map_or(f64::NAN, f64::from), stored: None },
        ],
        include_y: |_| None,
    },
    Chart {
        id: "db_plot",
        title: "Database size",
        unit: Unit::Bytes,
        series: &[Series { name: "DB", read: |s| s.db_size_bytes as f64, stored: Some("database_size_bytes") }],
        include_y: |_| None,
    },
    Chart {
        id: "db_write_plot",
        title: "Database write latency (p95)",
        unit: Unit::Millis,
        series: &[Series {
            name: "p95",
            read: |s| s.db_write_p95_ms.unwrap_or(f64::NAN),
            stored: Some("database_write_p95_ms"),
        }],
        include_y: |_| None,
    },
];

/// Colours of a chart's series, in order (a band takes its line's colour, faded).
pub const SERIES_COLORS: [Color32; 2] = [Color32::from_rgb(0xdc, 0x6a, 0x5c), Color32::from_rgb(0x5b, 0x8f, 0xd8)];

/// Every stored metric the charts plot, in chart order: the 1-hour view asks the node for each.
pub fn stored_metrics() -> impl Iterator<Item = &'static str> {
    CHARTS.iter().flat_map(|c| c.series.iter().filter_map(|s| s.stored))
}

/// The hover label of the point at plotted `(x_min, y)` of series `name`: its value with the unit, its time of day
/// (UTC, node clock) and how long before the newest data (`origin_ms`, where x = 0) it was.
pub fn hover_label(name: &str, x_min: f64, y: f64, unit: Unit, scale: YScale, origin_ms: u64) -> String {
    let value = unit.format(scale.to_value(y));
    let offset_ms = (x_min * 60_000.0).round();
    let at_ms = (origin_ms as f64 + offset_ms).max(0.0) as u64;
    let ago = format::duration_ms((-offset_ms).max(0.0) as u64);
    if name.is_empty() {
        format!("{value}\n{} UTC, {ago} ago", format::clock_utc(at_ms))
    } else {
        format!("{name}: {value}\n{} UTC, {ago} ago", format::clock_utc(at_ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hover_labels_show_the_real_value_with_its_unit_and_the_time() {
        // 12:00:00 UTC on some day; the point is 90 s before it.
        let origin = 1_700_000_000_000 - 1_700_000_000_000 % 86_400_000 + 12 * 3_600_000;
        assert_eq!(
            hover_label("rx", -1.5, 2048.0, Unit::Rate, YScale::Linear, origin),
            "rx: 2.0 KiB/s\n11:58:30 UTC, 1 min 30 s ago"
        );
        assert_eq!(
            hover_label("p95", 0.0, 0.5f64.log10(), Unit::Millis, YScale::Log, origin),
            "p95: 0.50 ms\n12:00:00 UTC, 0 s ago"
        );
        assert_eq!(
            hover_label("", -60.0, 3.0, Unit::Bytes, YScale::Log, origin),
            "1000 B\n11:00:00 UTC, 1 h 0 min 0 s ago"
        );
    }

    #[test]
    fn log_scale_round_trips_and_floors_zero() {
        let plotted = YScale::Log.to_plot(1_048_576.0, Unit::Bytes);
        assert!((YScale::Log.to_value(plotted) - 1_048_576.0).abs() < 1e-6);
        assert_eq!(YScale::Log.to_plot(0.0, Unit::Bytes), 0.0);
        assert_eq!(YScale::Log.to_plot(0.0, Unit::Percent), -3.0);
        assert!(YScale::Log.to_plot(f64::NAN, Unit::Rate).is_nan());
        assert_eq!(YScale::Linear.to_plot(5.0, Unit::Count), 5.0);
    }

    #[test]
    fn every_stored_metric_is_named_once() {
        let names: Vec<&str> = stored_metrics().collect();
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(names.len(), unique.len());
        assert!(names.contains(&"database_write_p95_ms"));
    }
}
