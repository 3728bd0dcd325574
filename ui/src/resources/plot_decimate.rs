//! Fewer points for a line than it has samples, keeping its peaks: the min and the max of each pixel column, in
//! time order. A line plotted from the result looks the same at that width as one of every sample.

/// `points` (sorted by x) reduced to at most about `2 * columns` points: per column of equal x width, its lowest
/// and highest point in the order they occur. Returns `points` unchanged when it is short enough already.
pub fn min_max_per_column(points: Vec<[f64; 2]>, columns: usize) -> Vec<[f64; 2]> {
    let columns = columns.max(1);
    if points.len() <= 2 * columns {
        return points;
    }
    let (Some(first), Some(last)) = (points.first(), points.last()) else { return points };
    let (x0, width) = (first[0], (last[0] - first[0]).max(f64::MIN_POSITIVE));
    let column_of = |x: f64| (((x - x0) / width * columns as f64) as usize).min(columns - 1);
    let mut out = Vec::with_capacity(2 * columns + 2);
    let mut i = 0;
    while i < points.len() {
        let column = column_of(points[i][0]);
        let (mut low, mut high) = (i, i);
        let mut j = i + 1;
        while j < points.len() && column_of(points[j][0]) == column {
            if points[j][1] < points[low][1] {
                low = j;
            }
            if points[j][1] > points[high][1] {
                high = j;
            }
            j += 1;
        }
        out.push(points[low.min(high)]);
        if low != high {
            out.push(points[low.max(high)]);
        }
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_every_peak_and_the_time_order() {
        let mut points: Vec<[f64; 2]> = (0..3600).map(|i| [f64::from(i), 1.0]).collect();
        points[1234][1] = 99.0;
        points[2000][1] = -5.0;
        let out = min_max_per_column(points, 300);
        assert!(out.len() <= 600, "{}", out.len());
        assert!(out.contains(&[1234.0, 99.0]) && out.contains(&[2000.0, -5.0]));
        assert!(out.windows(2).all(|w| w[0][0] < w[1][0]));
    }

    #[test]
    fn short_lines_stay_as_they_are() {
        let points = vec![[0.0, 1.0], [1.0, 2.0]];
        assert_eq!(min_max_per_column(points.clone(), 1), points);
        assert!(min_max_per_column(Vec::new(), 10).is_empty());
    }
}
