//! Multi-row statements for the hot path (a roll's settlements and ledger entries): rows go in chunks of
//! [`MAX_CHUNK`], then the binary digits of the rest (16, 8, 4, 2, 1), so six cached statements cover any count
//! and a row costs a fraction of a statement of its own.

/// Rows per statement at most (well under SQLite's limit of 32766 parameters for any row width used here).
pub const MAX_CHUNK: usize = 32;

/// The chunk sizes `n` rows are written in, largest first.
pub fn chunks(n: usize) -> Vec<usize> {
    let mut sizes = vec![MAX_CHUNK; n / MAX_CHUNK];
    let rest = n % MAX_CHUNK;
    sizes.extend((0..usize::BITS).rev().map(|bit| 1usize << bit).filter(|size| rest & size != 0));
    sizes
}

/// `rows` groups of `columns` numbered placeholders from `?1`: `(?1, ?2), (?3, ?4)`. Numbered, so a statement
/// may add its own parameters after them (`?5`, ...) in any place.
pub fn placeholders(rows: usize, columns: usize) -> String {
    let row = |r: usize| {
        let params: Vec<String> = (1..=columns).map(|c| format!("?{}", r * columns + c)).collect();
        format!("({})", params.join(", "))
    };
    (0..rows).map(row).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_add_up() {
        assert_eq!(chunks(0), Vec::<usize>::new());
        assert_eq!(chunks(5), vec![4, 1]);
        assert_eq!(chunks(75), vec![32, 32, 8, 2, 1]);
        for n in 0..200 {
            assert_eq!(chunks(n).iter().sum::<usize>(), n);
        }
        assert_eq!(placeholders(2, 2), "(?1, ?2), (?3, ?4)");
    }
}
