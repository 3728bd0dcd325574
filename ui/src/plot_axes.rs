//! Axis grids and labels shared by the dashboard's time plots (the Resources charts and the Health latency plots):
//! grid steps that stay on round times and round values at every zoom, and the minutes label of a time axis.

/// Grid steps of a time axis in minutes that stay on round times at every zoom (1 s, 5 s, 15 s, 30 s, 1, 2, 5, 10,
/// 15, 30, 60, 120 min), from egui_plot's smallest grid step `min_step` (the value of 8 points): the finest step at
/// or above it, and as the coarsest the first one wider than 64 points, so labels (which need 60) show.
pub fn minute_steps(min_step: f64) -> [f64; 3] {
    const LADDER: [f64; 12] = [1.0 / 60.0, 5.0 / 60.0, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0];
    let at_least = |v: f64| LADDER.iter().position(|&step| step >= v).unwrap_or(LADDER.len() - 1);
    let coarse = at_least(min_step * 8.0).max(2);
    let fine = at_least(min_step).min(coarse - 2);
    let middle = (fine + coarse) / 2;
    [LADDER[fine], LADDER[middle.max(fine + 1)], LADDER[coarse]]
}

/// Grid steps of a linear value axis on the 1-2-5 ladder (…, 0.1, 0.2, 0.5, 1, 2, 5, 10, …), from egui_plot's
/// smallest grid step `min_step` (the value of 8 points): the finest rung at or above it, then twice coarser steps
/// that it divides (1 → 2 → 10, 2 → 10 → 20, 5 → 10 → 20), so labels of two steps never crowd each other. The
/// coarsest is at least 32 points apart and its labels (which need 20) show; egui_plot's default powers of ten can
/// leave an axis with one label (0 to 885 ms on a 140-point plot: 100 ms steps are 16 points apart).
pub fn value_steps(min_step: f64) -> [f64; 3] {
    if !(min_step.is_finite() && min_step > 0.0) {
        return [1.0, 2.0, 10.0];
    }
    let decade_of = |step: f64| 10f64.powf((step.log10() + 1e-9).floor());
    let decade = decade_of(min_step);
    let fine = [1.0, 2.0, 5.0, 10.0].map(|rung| rung * decade).into_iter().find(|&s| s >= min_step * (1.0 - 1e-9));
    let fine = fine.unwrap_or(10.0 * decade);
    // The next coarser step that `step` divides: 1 -> 2, 2 -> 10, 5 -> 10 (times the decade).
    let coarser = |step: f64| {
        let decade = decade_of(step);
        if (step / decade).round() == 1.0 { 2.0 * decade } else { 10.0 * decade }
    };
    let middle = coarser(fine);
    [fine, middle, coarser(middle)]
}

/// A time-axis label in minutes: `-15 min`, `-0.5 min`, `0 min`.
pub fn minutes_label(minutes: f64) -> String {
    let rounded = (minutes * 100.0).round() / 100.0;
    if rounded == 0.0 {
        "0 min".to_owned()
    } else if rounded.fract() == 0.0 {
        format!("{rounded:.0} min")
    } else {
        format!("{rounded} min")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_axis_steps_and_labels_stay_round() {
        assert_eq!(minute_steps(0.0), [1.0 / 60.0, 5.0 / 60.0, 0.25]);
        assert_eq!(minute_steps(3.0), [5.0, 10.0, 30.0]);
        assert_eq!(minute_steps(0.6), [1.0, 2.0, 5.0]);
        assert_eq!(minute_steps(1e9), [30.0, 60.0, 120.0]);
        assert_eq!(minutes_label(-15.0), "-15 min");
        assert_eq!(minutes_label(-0.25), "-0.25 min");
        assert_eq!(minutes_label(-1e-9), "0 min");
    }

    #[test]
    fn value_steps_follow_the_one_two_five_ladder_and_divide_each_other() {
        let close = |got: [f64; 3], want: [f64; 3]| got.iter().zip(want).all(|(g, w)| (g - w).abs() <= w * 1e-9);
        assert!(close(value_steps(8.0), [10.0, 20.0, 100.0]));
        assert!(close(value_steps(10.0), [10.0, 20.0, 100.0]));
        assert!(close(value_steps(1.0), [1.0, 2.0, 10.0]));
        assert!(close(value_steps(0.15), [0.2, 1.0, 2.0]));
        assert!(close(value_steps(3e6), [5e6, 1e7, 2e7]));
        assert_eq!(value_steps(0.0), [1.0, 2.0, 10.0]);
        assert_eq!(value_steps(f64::NAN), [1.0, 2.0, 10.0]);
    }
}
