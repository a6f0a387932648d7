//! The status of each value (scorecard.md section 3): RAG against target and floor, the small
//! base and fragile marks, the two directions of travel and the trend. Pure functions over
//! exact values, each with hand-worked tests.

use num_bigint::BigInt;
use num_traits::{Signed, Zero};

use super::exact::{Exact, Shown, whole};
use super::indicators::{Polarity, Unit};

/// Red, amber or green against a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Rag {
    Red,
    Amber,
    Green,
}

impl Rag {
    pub fn word(self) -> &'static str {
        match self {
            Rag::Red => "red",
            Rag::Amber => "amber",
            Rag::Green => "green",
        }
    }

    /// The word a board pack prints in the coloured cell.
    pub fn label(self) -> &'static str {
        match self {
            Rag::Red => "RED",
            Rag::Amber => "AMBER",
            Rag::Green => "GREEN",
        }
    }
}

/// A target in the indicator's unit, and the floor (the minimum acceptable, on its worse side).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub target: Exact,
    pub floor: Option<Exact>,
}

/// Whether `a` is at least as good as `b` for this polarity (`None` for context).
fn at_least_as_good(a: &Exact, b: &Exact, polarity: Polarity) -> Option<bool> {
    match polarity {
        Polarity::High => Some(a >= b),
        Polarity::Low => Some(a <= b),
        Polarity::Context => None,
    }
}

/// RAG of a value, compared at the shown precision: GREEN at or better than the target, AMBER
/// worse than the target but at or better than the floor, RED otherwise (and RED for anything
/// worse than the target when there is no floor). `None` for a context indicator.
pub fn rag(value: &Exact, decimals: u32, t: &Target, polarity: Polarity) -> Option<Rag> {
    let shown = Shown::of(value, decimals).to_exact();
    if at_least_as_good(&shown, &t.target, polarity)? {
        return Some(Rag::Green);
    }
    match &t.floor {
        Some(floor) if at_least_as_good(&shown, floor, polarity)? => Some(Rag::Amber),
        _ => Some(Rag::Red),
    }
}

/// Which way a fragile RAG tips: the colour with the numerator one more and one fewer, each
/// only where it differs from the colour shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Tips {
    pub more: Option<Rag>,
    pub fewer: Option<Rag>,
}

impl Tips {
    /// `1 more: GREEN; 1 fewer: RED`, only the sides that change.
    pub fn words(self) -> String {
        let sides: Vec<String> = [("1 more", self.more), ("1 fewer", self.fewer)]
            .into_iter()
            .filter_map(|(side, r)| r.map(|r| format!("{side}: {}", r.label())))
            .collect();
        sides.join("; ")
    }
}

/// Where a RAG rests on one child: recomputed with the numerator one more and one fewer (not
/// below 0, same denominator), the colours that differ from the one shown; `None` when neither
/// does (a robust RAG, or none). `worth` is one child's worth.
pub fn tips(
    value: &Exact,
    numerator: i64,
    worth: &Exact,
    decimals: u32,
    t: &Target,
    polarity: Polarity,
) -> Option<Tips> {
    let now = rag(value, decimals, t, polarity)?;
    let other = |r: Option<Rag>| r.filter(|r| *r != now);
    let more = other(rag(&(value + worth), decimals, t, polarity));
    let fewer = if numerator >= 1 {
        other(rag(&(value - worth), decimals, t, polarity))
    } else {
        None
    };
    (more.is_some() || fewer.is_some()).then_some(Tips { more, fewer })
}

/// A percentage or ratio on fewer than `small_base` (but at least one) is marked; rates and
/// counts never are.
pub fn small_base(unit: Unit, denominator: Option<i64>, small_base: i64) -> bool {
    matches!(unit, Unit::Percent | Unit::Ratio)
        && denominator.is_some_and(|n| n > 0 && n < small_base)
}

/// What one child is worth, in words: "1 child = 5.0 points".
pub fn worth_words(unit: Unit, worth: &Exact) -> String {
    match unit {
        Unit::Percent => format!("1 child = {} points", super::exact::show(worth, 1)),
        Unit::Ratio => format!("1 child = {}", super::exact::show(worth, 2)),
        Unit::Rate => format!("1 child = {}", super::exact::show(worth, 2)),
        Unit::Count => "1 child = 1".to_string(),
    }
}

/// A direction of travel. Polarity indicators get better/worse/same, context ones up/down/level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Direction {
    #[serde(rename = "better")]
    Better,
    #[serde(rename = "worse")]
    Worse,
    #[serde(rename = "same")]
    Same,
    #[serde(rename = "up")]
    Up,
    #[serde(rename = "down")]
    Down,
    #[serde(rename = "level")]
    Level,
    #[serde(rename = "n/a")]
    NotApplicable,
}

/// How a value moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Movement {
    Up,
    Level,
    Down,
}

impl Direction {
    pub fn word(self) -> &'static str {
        match self {
            Direction::Better => "better",
            Direction::Worse => "worse",
            Direction::Same => "same",
            Direction::Up => "up",
            Direction::Down => "down",
            Direction::Level => "level",
            Direction::NotApplicable => "n/a",
        }
    }

    /// The arrow shows the movement; the word says whether it is better or worse.
    pub fn movement(self, polarity: Polarity) -> Option<Movement> {
        Some(match (self, polarity) {
            (Direction::NotApplicable, _) => return None,
            (Direction::Same | Direction::Level, _) => Movement::Level,
            (Direction::Up, _) | (Direction::Better, Polarity::High) => Movement::Up,
            (Direction::Worse, Polarity::Low) => Movement::Up,
            _ => Movement::Down,
        })
    }

    pub fn arrow(self, polarity: Polarity) -> &'static str {
        match self.movement(polarity) {
            Some(Movement::Up) => "↑",
            Some(Movement::Level) => "→",
            Some(Movement::Down) => "↓",
            None => "",
        }
    }
}

/// The direction from `earlier` to `later`: `same` (or `level`) when the change is at most one
/// child's worth at the later quarter, so a change of one child never moves the arrow.
pub fn direction(
    earlier: &Exact,
    later: &Exact,
    worth_later: &Exact,
    polarity: Polarity,
) -> Direction {
    let change = later - earlier;
    if change.abs() <= *worth_later {
        return match polarity {
            Polarity::Context => Direction::Level,
            _ => Direction::Same,
        };
    }
    let up = change.is_positive();
    match (polarity, up) {
        (Polarity::Context, true) => Direction::Up,
        (Polarity::Context, false) => Direction::Down,
        (Polarity::High, true) | (Polarity::Low, false) => Direction::Better,
        _ => Direction::Worse,
    }
}

/// The trend over the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Trend {
    #[serde(rename = "improving")]
    Improving,
    #[serde(rename = "worsening")]
    Worsening,
    #[serde(rename = "rising")]
    Rising,
    #[serde(rename = "falling")]
    Falling,
    #[serde(rename = "no clear trend")]
    NoClearTrend,
}

impl Trend {
    pub fn word(self) -> &'static str {
        match self {
            Trend::Improving => "improving",
            Trend::Worsening => "worsening",
            Trend::Rising => "rising",
            Trend::Falling => "falling",
            Trend::NoClearTrend => "no clear trend",
        }
    }
}

/// The fewest values a trend is drawn through.
pub const TREND_MIN_VALUES: usize = 4;

/// The least-squares line through `points` (x = the quarter's position in the window, y = the
/// unrounded value): when its rise from the first to the last point is more than one child's
/// worth (`worth`, at the `--to` quarter), improving or worsening by polarity (rising or
/// falling for context), else no clear trend. `None` with fewer than four points.
///
/// The slope is Σ (n·xᵢ − Σx)·yᵢ / (n·Σx² − (Σx)²): integer weights on exact values, so the
/// comparison with one child's worth is exact.
pub fn trend(points: &[(i64, Exact)], worth: &Exact, polarity: Polarity) -> Option<Trend> {
    if points.len() < TREND_MIN_VALUES {
        return None;
    }
    let n = points.len() as i64;
    let sx: i64 = points.iter().map(|(x, _)| x).sum();
    let sxx: i64 = points.iter().map(|(x, _)| x * x).sum();
    let denominator = n * sxx - sx * sx;
    let first = points.first().map_or(0, |(x, _)| *x);
    let last = points.last().map_or(0, |(x, _)| *x);
    if denominator == 0 {
        return Some(Trend::NoClearTrend);
    }
    let weighted = points
        .iter()
        .fold(Exact::zero(), |acc, (x, y)| acc + y * whole(n * x - sx));
    let rise = weighted * Exact::new(BigInt::from(last - first), BigInt::from(denominator));
    if rise.abs() <= *worth {
        return Some(Trend::NoClearTrend);
    }
    Some(match (polarity, rise.is_positive()) {
        (Polarity::Context, true) => Trend::Rising,
        (Polarity::Context, false) => Trend::Falling,
        (Polarity::High, true) | (Polarity::Low, false) => Trend::Improving,
        _ => Trend::Worsening,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scorecard::exact::{parse_decimal, ratio};

    fn pct(n: i64, d: i64) -> Exact {
        ratio(100 * n, d).unwrap()
    }

    fn target(t: &str, floor: Option<&str>) -> Target {
        Target {
            target: parse_decimal(t).unwrap(),
            floor: floor.map(|f| parse_decimal(f).unwrap()),
        }
    }

    #[test]
    fn rag_at_exactly_the_target_and_the_floor_at_the_shown_precision() {
        let t = target("75", Some("70"));
        // 15 of 20 = 75.0%: exactly the target is green.
        assert_eq!(rag(&pct(15, 20), 1, &t, Polarity::High), Some(Rag::Green));
        // 14 of 20 = 70.0%: exactly the floor is amber.
        assert_eq!(rag(&pct(14, 20), 1, &t, Polarity::High), Some(Rag::Amber));
        // 13 of 20 = 65.0%: below the floor is red.
        assert_eq!(rag(&pct(13, 20), 1, &t, Polarity::High), Some(Rag::Red));
        // 2999 of 4000 = 74.975%, shown 75.0: green at the shown precision, though below 75.
        assert_eq!(
            rag(&pct(2999, 4000), 1, &t, Polarity::High),
            Some(Rag::Green)
        );
        // 2998 of 4000 = 74.95% shows 75.0 too (half up); 2997 of 4000 = 74.925 shows 74.9.
        assert_eq!(
            rag(&pct(2998, 4000), 1, &t, Polarity::High),
            Some(Rag::Green)
        );
        assert_eq!(
            rag(&pct(2997, 4000), 1, &t, Polarity::High),
            Some(Rag::Amber)
        );
        // 139 of 200 = 69.5% is below the 70 floor: red.
        assert_eq!(rag(&pct(139, 200), 1, &t, Polarity::High), Some(Rag::Red));
    }

    #[test]
    fn rag_without_a_floor_is_red_below_target_and_a_floor_at_the_target_has_no_amber() {
        let t = target("75", None);
        assert_eq!(rag(&pct(14, 20), 1, &t, Polarity::High), Some(Rag::Red));
        let t = target("75", Some("75"));
        assert_eq!(rag(&pct(15, 20), 1, &t, Polarity::High), Some(Rag::Green));
        assert_eq!(rag(&pct(149, 200), 1, &t, Polarity::High), Some(Rag::Red));
    }

    #[test]
    fn rag_mirrors_for_lower_is_better() {
        // Reoffending: target 30%, floor 35%.
        let t = target("30", Some("35"));
        assert_eq!(rag(&pct(3, 10), 1, &t, Polarity::Low), Some(Rag::Green));
        assert_eq!(rag(&pct(1, 10), 1, &t, Polarity::Low), Some(Rag::Green));
        assert_eq!(rag(&pct(7, 20), 1, &t, Polarity::Low), Some(Rag::Amber));
        assert_eq!(rag(&pct(8, 20), 1, &t, Polarity::Low), Some(Rag::Red));
        assert_eq!(rag(&pct(1, 10), 1, &t, Polarity::Context), None);
    }

    #[test]
    fn a_rag_resting_on_one_child_tips_and_a_robust_one_does_not() {
        let t = target("75", Some("70"));
        // 15 of 20 = 75%, green; 14 of 20 is amber, 16 of 20 still green.
        let (v, w) = (pct(15, 20), ratio(100, 20).unwrap());
        let tipped = tips(&v, 15, &w, 1, &t, Polarity::High).unwrap();
        assert_eq!(
            tipped,
            Tips {
                more: None,
                fewer: Some(Rag::Amber)
            }
        );
        assert_eq!(tipped.words(), "1 fewer: AMBER");
        // 90 of 100 = 90%: 89% and 91% are both green: robust.
        let (v, w) = (pct(90, 100), ratio(100, 100).unwrap());
        assert_eq!(tips(&v, 90, &w, 1, &t, Polarity::High), None);
        // 0 of 20, red: one fewer is impossible (not below 0), one more is 5%, still red.
        let (v, w) = (pct(0, 20), ratio(100, 20).unwrap());
        assert_eq!(tips(&v, 0, &w, 1, &t, Polarity::High), None);
        // 14 of 20 = 70%, amber at the floor: one more (75%) is green, one fewer (65%) red.
        let (v, w) = (pct(14, 20), ratio(100, 20).unwrap());
        let both = tips(&v, 14, &w, 1, &t, Polarity::High).unwrap();
        assert_eq!(both.words(), "1 more: GREEN; 1 fewer: RED");
        // Lower is better: 6 of 20 = 30% against target 30: one more child (35%) is amber,
        // one fewer (25%) still green.
        let t = target("30", Some("35"));
        let (v, w) = (pct(6, 20), ratio(100, 20).unwrap());
        assert_eq!(
            tips(&v, 6, &w, 1, &t, Polarity::Low).map(Tips::words),
            Some("1 more: AMBER".to_string())
        );
        // Context has no RAG, so nothing tips.
        assert_eq!(tips(&v, 6, &w, 1, &t, Polarity::Context), None);
    }

    #[test]
    fn small_base_marks_percentages_and_ratios_only() {
        assert!(small_base(Unit::Percent, Some(9), 10));
        assert!(small_base(Unit::Ratio, Some(1), 10));
        assert!(!small_base(Unit::Percent, Some(10), 10));
        assert!(
            !small_base(Unit::Percent, Some(0), 10),
            "no data, not a small base"
        );
        assert!(!small_base(Unit::Rate, Some(5), 10));
        assert!(!small_base(Unit::Count, None, 10));
        assert_eq!(
            worth_words(Unit::Percent, &ratio(100, 20).unwrap()),
            "1 child = 5.0 points"
        );
        assert_eq!(
            worth_words(Unit::Percent, &ratio(100, 3).unwrap()),
            "1 child = 33.3 points"
        );
        assert_eq!(
            worth_words(Unit::Ratio, &ratio(1, 4).unwrap()),
            "1 child = 0.25"
        );
    }

    #[test]
    fn direction_same_just_under_and_just_over_one_childs_worth() {
        let h = Polarity::High;
        // Later quarter: 20 children, one child = 5 points.
        let w = ratio(100, 20).unwrap();
        // 60% -> 65%: exactly one child's worth: same.
        assert_eq!(
            direction(&pct(12, 20), &pct(13, 20), &w, h),
            Direction::Same
        );
        // 59.9..% -> 65%: a hair over one child's worth: better.
        assert_eq!(
            direction(&pct(599, 1000), &pct(13, 20), &w, h),
            Direction::Better
        );
        // 60.1% -> 65%: just under: same.
        assert_eq!(
            direction(&pct(601, 1000), &pct(13, 20), &w, h),
            Direction::Same
        );
        assert_eq!(
            direction(&pct(16, 20), &pct(13, 20), &w, h),
            Direction::Worse
        );
        // Lower is better: a fall is better, the arrow still points down.
        let d = direction(&pct(16, 20), &pct(13, 20), &w, Polarity::Low);
        assert_eq!((d, d.arrow(Polarity::Low)), (Direction::Better, "↓"));
        assert_eq!(Direction::Worse.arrow(Polarity::High), "↓");
        assert_eq!(Direction::Same.arrow(Polarity::High), "→");
        // Context: up, level or down only.
        assert_eq!(
            direction(&whole(40), &whole(41), &whole(1), Polarity::Context),
            Direction::Level
        );
        assert_eq!(
            direction(&whole(40), &whole(42), &whole(1), Polarity::Context),
            Direction::Up
        );
        assert_eq!(
            direction(&whole(40), &whole(38), &whole(1), Polarity::Context),
            Direction::Down
        );
    }

    #[test]
    fn trend_needs_four_values() {
        let w = whole(1);
        let three = [(0, whole(10)), (1, whole(20)), (2, whole(30))];
        assert_eq!(trend(&three, &w, Polarity::High), None);
        let four = [
            (0, whole(10)),
            (1, whole(20)),
            (2, whole(30)),
            (3, whole(40)),
        ];
        assert_eq!(trend(&four, &w, Polarity::High), Some(Trend::Improving));
        assert_eq!(trend(&four, &w, Polarity::Low), Some(Trend::Worsening));
        assert_eq!(trend(&four, &w, Polarity::Context), Some(Trend::Rising));
    }

    #[test]
    fn trend_compares_the_lines_rise_with_one_childs_worth() {
        // Values 10, 11, 12, 12 at x = 0, 1, 2, 3: slope = (4·Σxy − Σx·Σy)/(4·Σx² − (Σx)²)
        // = (4·71 − 6·45)/(4·14 − 36) = 14/20 = 0.7; the rise over x 0..3 is 2.1.
        let pts = [
            (0, whole(10)),
            (1, whole(11)),
            (2, whole(12)),
            (3, whole(12)),
        ];
        let just_under = ratio(21, 10).unwrap();
        assert_eq!(
            trend(&pts, &just_under, Polarity::High),
            Some(Trend::NoClearTrend)
        );
        let a_hair_less = ratio(209, 100).unwrap();
        assert_eq!(
            trend(&pts, &a_hair_less, Polarity::High),
            Some(Trend::Improving)
        );
        // A gap keeps its position: x = 0, 1, 3, 4 with a line y = 2x has rise 8.
        let gap = [(0, whole(0)), (1, whole(2)), (3, whole(6)), (4, whole(8))];
        assert_eq!(
            trend(&gap, &whole(7), Polarity::Low),
            Some(Trend::Worsening)
        );
        assert_eq!(
            trend(&gap, &whole(8), Polarity::Low),
            Some(Trend::NoClearTrend)
        );
        // Falling values of a lower-is-better indicator improve.
        let falling = [
            (0, pct(9, 10)),
            (1, pct(7, 10)),
            (2, pct(5, 10)),
            (3, pct(3, 10)),
            (4, pct(1, 10)),
        ];
        assert_eq!(
            trend(&falling, &ratio(100, 10).unwrap(), Polarity::Low),
            Some(Trend::Improving)
        );
        assert_eq!(
            trend(&falling, &ratio(100, 10).unwrap(), Polarity::Context),
            Some(Trend::Falling)
        );
    }
}
