//! Overall node health from the latest resource sample, using the runbook's resource levels
//! (yellow at 75 % use, red at 90 %).

use bitcraps_api::{Health, HealthLevel, ResourceSample};

/// Resource use (percent) at which health turns yellow.
pub const YELLOW_PERCENT: f64 = 75.0;
/// Resource use (percent) at which health turns red.
pub const RED_PERCENT: f64 = 90.0;

/// Assesses one sample: system CPU and system memory use against the runbook's levels.
pub fn assess(sample: &ResourceSample) -> Health {
    let mut health = Health::default();
    let memory_percent = if sample.system_memory_total_bytes == 0 {
        0.0
    } else {
        100.0 * sample.system_memory_used_bytes as f64 / sample.system_memory_total_bytes as f64
    };
    for (what, percent) in [("system CPU", f64::from(sample.system_cpu_percent)), ("system memory", memory_percent)] {
        let level = if percent >= RED_PERCENT {
            HealthLevel::Red
        } else if percent >= YELLOW_PERCENT {
            HealthLevel::Yellow
        } else {
            continue;
        };
        let limit = if level == HealthLevel::Red { RED_PERCENT } else { YELLOW_PERCENT };
        health.reasons.push(format!("{what} at {percent:.0} % (>= {limit:.0} %)"));
        health.level = health.level.max(level);
    }
    health
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_the_runbook_thresholds() {
        let sample = |cpu: f32, used: u64| ResourceSample {
            system_cpu_percent: cpu,
            system_memory_used_bytes: used,
            system_memory_total_bytes: 100,
            ..ResourceSample::default()
        };
        assert_eq!(assess(&sample(10.0, 10)).level, HealthLevel::Green);
        assert_eq!(assess(&sample(80.0, 10)).level, HealthLevel::Yellow);
        let red = assess(&sample(80.0, 95));
        assert_eq!(red.level, HealthLevel::Red);
        assert_eq!(red.reasons.len(), 2, "{:?}", red.reasons);
    }
}
