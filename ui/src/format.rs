//! Human-readable units for the dashboard: bytes, rates, percentages, durations.
//!
//! Pure functions of their arguments (no clock, no locale), so the views render the same text in tests, natively
//! and in the browser.

/// Node and table ids shortened as every front end shows them.
pub use bitcraps_api::short_id;

/// Binary byte units, as `ps`, `top` and most dashboards show memory.
const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

/// Formats a byte count, e.g. `512 B`, `1.5 KiB`, `123.4 MiB`.
pub fn bytes(n: u64) -> String {
    // `as f64` loses precision only above 2^53 bytes, far past anything shown here.
    bytes_f64(n as f64)
}

/// Formats a byte rate, e.g. `1.2 MiB/s`.
pub fn rate(bytes_per_s: f64) -> String {
    if bytes_per_s.is_finite() && bytes_per_s >= 0.0 {
        format!("{}/s", bytes_f64(bytes_per_s))
    } else {
        "n/a".to_owned()
    }
}

fn bytes_f64(n: f64) -> String {
    if !n.is_finite() || n < 0.0 {
        return "n/a".to_owned();
    }
    let mut value = n;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{value:.0} {}", UNITS[0])
    } else if value >= 100.0 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// Formats a percentage, e.g. `12.5 %`.
pub fn percent(p: f32) -> String {
    if p.is_finite() { format!("{p:.1} %") } else { "n/a".to_owned() }
}

/// Formats a duration given in milliseconds, coarsely: `4 s`, `3 min 4 s`, `2 h 3 min`, `1 d 2 h`.
pub fn duration_ms(ms: u64) -> String {
    let s = ms / 1000;
    let (d, h, m, sec) = (s / 86_400, (s / 3600) % 24, (s / 60) % 60, s % 60);
    if d > 0 {
        format!("{d} d {h} h {m} min")
    } else if h > 0 {
        format!("{h} h {m} min {sec} s")
    } else if m > 0 {
        format!("{m} min {sec} s")
    } else {
        format!("{sec} s")
    }
}

/// The UTC time of day of a Unix time in milliseconds: `14:03:07`.
pub fn clock_utc(unix_ms: u64) -> String {
    let s = unix_ms / 1000 % 86_400;
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// Formats a sampling interval given in milliseconds: `500 ms`, `1 s`, `1.5 s`.
pub fn interval_ms(ms: u64) -> String {
    if ms == 0 {
        "off".to_owned()
    } else if ms < 1000 {
        format!("{ms} ms")
    } else if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", ms as f64 / 1000.0)
    }
}

/// Formats a count the platform may not report.
pub fn count(n: Option<u32>) -> String {
    n.map_or_else(|| "n/a".to_owned(), |n| n.to_string())
}

/// Formats a latency in milliseconds with the precision its size deserves: `0.08 ms`, `4.1 ms`, `120 ms`.
pub fn millis(ms: f64) -> String {
    if !ms.is_finite() || ms < 0.0 {
        "n/a".to_owned()
    } else if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else if ms >= 1.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.2} ms")
    }
}

/// Formats p50/p95/p99 of a latency window, e.g. `18.5 / 61.0 / 120 ms`; `no data` when it saw nothing.
pub fn quantiles(q: &bitcraps_api::LatencyQuantiles) -> String {
    if q.count == 0 {
        return "no data".to_owned();
    }
    let bare = |ms: f64| millis(ms).trim_end_matches(" ms").to_owned();
    format!("{} / {} / {} ms", bare(q.p50_ms), bare(q.p95_ms), bare(q.p99_ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_units() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(1023), "1023 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(150 * 1024 * 1024), "150 MiB");
        assert_eq!(rate(2.5 * 1024.0 * 1024.0), "2.5 MiB/s");
        assert_eq!(rate(f64::NAN), "n/a");
        assert_eq!(percent(12.34), "12.3 %");
        assert_eq!(duration_ms(4_000), "4 s");
        assert_eq!(duration_ms(184_000), "3 min 4 s");
        assert_eq!(duration_ms(7_384_000), "2 h 3 min 4 s");
        assert_eq!(duration_ms(93_784_000), "1 d 2 h 3 min");
        assert_eq!(clock_utc(1_700_000_000_000), "22:13:20");
        assert_eq!(interval_ms(500), "500 ms");
        assert_eq!(interval_ms(1000), "1 s");
        assert_eq!(interval_ms(1500), "1.5 s");
        assert_eq!(count(None), "n/a");
        assert_eq!(count(Some(7)), "7");
        assert_eq!(short_id("0123456789abcdef0123"), "0123456789abcdef");
        assert_eq!(short_id("abc"), "abc");
        assert_eq!(millis(0.084), "0.08 ms");
        assert_eq!(millis(4.12), "4.1 ms");
        assert_eq!(millis(120.4), "120 ms");
        let q = bitcraps_api::LatencyQuantiles { p50_ms: 18.5, p95_ms: 61.0, p99_ms: 120.4, max_ms: 0.0, count: 3 };
        assert_eq!(quantiles(&q), "18.5 / 61.0 / 120 ms");
        assert_eq!(quantiles(&bitcraps_api::LatencyQuantiles::default()), "no data");
    }
}
