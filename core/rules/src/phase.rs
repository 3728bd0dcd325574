//! Point numbers and the table's phase: come-out, or a point is on.

/// A point number: 4, 5, 6, 8, 9 or 10.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Point {
    /// 4 (three ways to roll it).
    Four,
    /// 5 (four ways).
    Five,
    /// 6 (five ways).
    Six,
    /// 8 (five ways).
    Eight,
    /// 9 (four ways).
    Nine,
    /// 10 (three ways).
    Ten,
}

impl Point {
    /// All six point numbers, in increasing order.
    pub const ALL: [Point; 6] = [Point::Four, Point::Five, Point::Six, Point::Eight, Point::Nine, Point::Ten];

    /// The dice total this point stands for.
    pub const fn number(self) -> u8 {
        match self {
            Point::Four => 4,
            Point::Five => 5,
            Point::Six => 6,
            Point::Eight => 8,
            Point::Nine => 9,
            Point::Ten => 10,
        }
    }

    /// The point for a dice total, if that total is a point number.
    pub const fn from_total(total: u8) -> Option<Point> {
        match total {
            4 => Some(Point::Four),
            5 => Some(Point::Five),
            6 => Some(Point::Six),
            8 => Some(Point::Eight),
            9 => Some(Point::Nine),
            10 => Some(Point::Ten),
            _ => None,
        }
    }
}

impl std::fmt::Display for Point {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.number())
    }
}

/// A hard-way number: 4, 6, 8 or 10 rolled as a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum HardWay {
    /// Hard 4 (2-2).
    Four,
    /// Hard 6 (3-3).
    Six,
    /// Hard 8 (4-4).
    Eight,
    /// Hard 10 (5-5).
    Ten,
}

impl HardWay {
    /// All four hard-way numbers.
    pub const ALL: [HardWay; 4] = [HardWay::Four, HardWay::Six, HardWay::Eight, HardWay::Ten];

    /// The dice total of this hard way.
    pub const fn number(self) -> u8 {
        match self {
            HardWay::Four => 4,
            HardWay::Six => 6,
            HardWay::Eight => 8,
            HardWay::Ten => 10,
        }
    }

    /// The hard way for a dice total, if it has one.
    pub const fn from_total(total: u8) -> Option<HardWay> {
        match total {
            4 => Some(HardWay::Four),
            6 => Some(HardWay::Six),
            8 => Some(HardWay::Eight),
            10 => Some(HardWay::Ten),
            _ => None,
        }
    }
}

/// Where the table is in its cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Phase {
    /// The puck is off: the next roll is a come-out roll.
    #[default]
    ComeOut,
    /// The puck is on this point.
    Point(Point),
}

impl Phase {
    /// The point, if one is on.
    pub const fn point(self) -> Option<Point> {
        match self {
            Phase::ComeOut => None,
            Phase::Point(p) => Some(p),
        }
    }

    /// True on a come-out roll.
    pub const fn is_come_out(self) -> bool {
        matches!(self, Phase::ComeOut)
    }

    /// The phase after a roll with this total.
    ///
    /// Come-out: a point number sets the point; anything else keeps the puck off.
    /// Point on: making the point or a seven turns the puck off; anything else keeps it.
    pub const fn after(self, total: u8) -> Phase {
        match self {
            Phase::ComeOut => match Point::from_total(total) {
                Some(p) => Phase::Point(p),
                None => Phase::ComeOut,
            },
            Phase::Point(p) => {
                if total == 7 || total == p.number() {
                    Phase::ComeOut
                } else {
                    Phase::Point(p)
                }
            }
        }
    }
}

impl std::fmt::Display for Phase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Phase::ComeOut => f.write_str("come-out"),
            Phase::Point(p) => write!(f, "point {p}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phase_transitions() {
        let cases = [
            (Phase::ComeOut, 7, Phase::ComeOut),
            (Phase::ComeOut, 2, Phase::ComeOut),
            (Phase::ComeOut, 11, Phase::ComeOut),
            (Phase::ComeOut, 6, Phase::Point(Point::Six)),
            (Phase::Point(Point::Six), 6, Phase::ComeOut),
            (Phase::Point(Point::Six), 7, Phase::ComeOut),
            (Phase::Point(Point::Six), 8, Phase::Point(Point::Six)),
            (Phase::Point(Point::Four), 12, Phase::Point(Point::Four)),
        ];
        for (before, total, after) in cases {
            assert_eq!(before.after(total), after, "{before} then {total}");
        }
    }

    #[test]
    fn numbers_round_trip() {
        for p in Point::ALL {
            assert_eq!(Point::from_total(p.number()), Some(p));
        }
        for h in HardWay::ALL {
            assert_eq!(HardWay::from_total(h.number()), Some(h));
        }
        assert_eq!(Point::from_total(7), None);
    }
}
