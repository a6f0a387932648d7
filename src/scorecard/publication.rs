//! The publication copy (scorecard.md section 6): every count from 1 to below the threshold is
//! shown as `c`, and so is every value worked from it; where the scorecard shows a part beside
//! its total, the rest of the total is a part too (one subtraction away), so a part whose rest
//! is small is suppressed as well. Which parts and totals the scorecard shows together is
//! recorded in docs/decisions.md; this module holds the rules, as pure functions.

use super::archive::Revision;
use super::indicators::{Catalogue, Indicator, Unit};

/// The GSS symbol for a figure withheld to protect confidentiality.
pub const SYMBOL: &str = "c";

/// The default threshold: counts below 5 are suppressed.
pub const DEFAULT_BELOW: u32 = 5;

/// The least threshold that suppresses anything (counts below 2: a count of 1).
pub const MIN_BELOW: u32 = 2;

/// A threshold of the publication copy: counts from 1 to `below - 1` are withheld.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Suppression {
    pub below: u32,
}

impl Suppression {
    /// A count that is withheld: at least 1 and below the threshold (0 is always shown).
    pub fn small(self, count: i64) -> bool {
        count >= 1 && count < i64::from(self.below)
    }

    /// Whether a figure is withheld, from its counts: the numerator (a percentage's or ratio's
    /// numerator, a rate's events, a count) and the denominator (a percentage's or ratio's, a
    /// rate's population), and for a count that is a part of another count shown beside it,
    /// that total. A percentage's numerator is a part of its denominator, so the rest
    /// (denominator minus numerator) is small too when it is; a ratio's two counts are not
    /// parts of one total (reoffences per reoffender).
    pub fn hides(
        self,
        unit: Unit,
        numerator: i64,
        denominator: Option<i64>,
        total: Option<i64>,
    ) -> bool {
        let rest_of =
            |whole: Option<i64>| whole.is_some_and(|w| w >= numerator && self.small(w - numerator));
        self.small(numerator)
            || denominator.is_some_and(|d| self.small(d))
            || match unit {
                Unit::Percent => rest_of(denominator),
                Unit::Count => rest_of(total),
                Unit::Ratio | Unit::Rate => false,
            }
    }

    /// The words every page of a publication copy carries.
    pub fn banner(self) -> String {
        format!(
            "Publication copy: counts below {} are suppressed ({SYMBOL})",
            self.below
        )
    }
}

/// A figure of a return as the Sources page and `scorecard.json` show it: `None` where absent,
/// or withheld (the second value says which).
pub fn count_shown(rule: Option<Suppression>, count: Option<i64>) -> (Option<i64>, bool) {
    match count {
        Some(n) if rule.is_some_and(|r| r.small(n)) => (None, true),
        other => (other, false),
    }
}

/// How many moved figures a printed line of the Sources page lists, so a resubmission that
/// moved hundreds runs on over rows rather than one row taller than a page.
pub const MOVED_PER_LINE: usize = 20;

/// The figures that moved between two submissions, `per` to a line: `kpi1.all.suitable 25 →
/// 26; ...`, each count from 1 to below the threshold of a publication copy shown as `c`.
pub fn moved_lines(r: &Revision, rule: Option<Suppression>, per: usize) -> Vec<String> {
    let v = |x: Option<i64>| match count_shown(rule, x) {
        (_, true) => SYMBOL.to_string(),
        (Some(n), false) => n.to_string(),
        (None, false) => "absent".to_string(),
    };
    let all: Vec<String> = r
        .moved
        .iter()
        .map(|m| format!("{} {} → {}", m.code, v(m.was), v(m.now)))
        .collect();
    all.chunks(per.max(1)).map(|part| part.join("; ")).collect()
}

/// The Sources page's lines of a return's revisions: `since 2024-25-Q3: ...`, `since ...
/// (continued): ...`.
pub fn revision_lines(revisions: &[Revision], rule: Option<Suppression>) -> Vec<String> {
    revisions
        .iter()
        .flat_map(|r| {
            moved_lines(r, rule, MOVED_PER_LINE)
                .into_iter()
                .enumerate()
                .map(move |(k, line)| {
                    let more = if k == 0 { "" } else { " (continued)" };
                    format!("since {}{more}: {line}", r.folder)
                })
        })
        .collect()
}

/// The count an indicator is a part of, when the scorecard shows both: a count of some groups
/// of a measure (`caseload.community.open_at_end + caseload.custody.open_at_end`) is a part of
/// the count of all of them (`caseload.all.open_at_end`), the groups of a return's measure
/// adding up to its `all` (each child counted once, in one group).
pub fn total_of<'c>(ind: &Indicator, catalogue: &'c Catalogue) -> Option<&'c Indicator> {
    if ind.unit != Unit::Count {
        return None;
    }
    let split = |code: &str| -> Option<(String, String, String)> {
        let mut parts = code.splitn(3, '.');
        Some((
            parts.next()?.to_string(),
            parts.next()?.to_string(),
            parts.next()?.to_string(),
        ))
    };
    let groups: Vec<(String, String, String)> = ind
        .numerator
        .iter()
        .map(|c| split(c))
        .collect::<Option<_>>()?;
    let (measure, _, suffix) = groups.first()?.clone();
    if groups
        .iter()
        .any(|(m, g, s)| *m != measure || *s != suffix || g == "all")
    {
        return None;
    }
    let all = format!("{measure}.all.{suffix}");
    catalogue.indicators.iter().find(|other| {
        other.id != ind.id && other.unit == Unit::Count && other.numerator == [all.clone()]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scorecard::indicators::tests::embedded;

    const FIVE: Suppression = Suppression { below: 5 };

    #[test]
    fn counts_from_1_to_4_are_small_and_0_is_shown() {
        assert!(!FIVE.small(0));
        for n in 1..=4 {
            assert!(FIVE.small(n), "{n}");
        }
        assert!(!FIVE.small(5));
        assert!(!FIVE.small(-1));
        let two = Suppression { below: 2 };
        assert!(two.small(1) && !two.small(2));
    }

    #[test]
    fn a_percentage_is_withheld_with_either_count_or_its_rest() {
        // 22 of 28: 22, 28 and the 6 not counted are all 5 or more.
        assert!(!FIVE.hides(Unit::Percent, 22, Some(28), None));
        // 3 of 7: the numerator is small.
        assert!(FIVE.hides(Unit::Percent, 3, Some(7), None));
        // 26 of 29: the 3 not counted are one subtraction away.
        assert!(FIVE.hides(Unit::Percent, 26, Some(29), None));
        // 0 of 3: the denominator is small (and so is the rest).
        assert!(FIVE.hides(Unit::Percent, 0, Some(3), None));
        // 0 of 20 and 20 of 20: 0 is shown, and so is a rest of 0.
        assert!(!FIVE.hides(Unit::Percent, 0, Some(20), None));
        assert!(!FIVE.hides(Unit::Percent, 20, Some(20), None));
        // 0 of 0: no data, nothing to withhold.
        assert!(!FIVE.hides(Unit::Percent, 0, Some(0), None));
    }

    #[test]
    fn ratios_rates_and_counts() {
        // 19 reoffences by 8 reoffenders: not parts of one total, both 5 or more.
        assert!(!FIVE.hides(Unit::Ratio, 19, Some(8), None));
        // 9 reoffences by 3 reoffenders: the reoffenders are few.
        assert!(FIVE.hides(Unit::Ratio, 9, Some(3), None));
        // A rate of 4 events in 48,210 children: the events are few.
        assert!(FIVE.hides(Unit::Rate, 4, Some(48_210), None));
        assert!(!FIVE.hides(Unit::Rate, 56, Some(48_210), None));
        assert!(!FIVE.hides(Unit::Rate, 0, Some(48_210), None));
        // A count alone, and a count that is a part of 40 shown beside it.
        assert!(FIVE.hides(Unit::Count, 3, None, None));
        assert!(!FIVE.hides(Unit::Count, 36, None, None));
        assert!(FIVE.hides(Unit::Count, 36, None, Some(40)), "the rest is 4");
        assert!(!FIVE.hides(Unit::Count, 35, None, Some(40)));
    }

    #[test]
    fn figures_that_moved_are_withheld_below_the_threshold() {
        use crate::scorecard::archive::Moved;
        let r = Revision {
            folder: "2024-25-Q3".into(),
            moved: vec![
                Moved {
                    code: "kpi1.all.suitable".into(),
                    was: Some(25),
                    now: Some(26),
                },
                Moved {
                    code: "kpi1.community.suitable".into(),
                    was: Some(4),
                    now: Some(5),
                },
                Moved {
                    code: "kpi9.children".into(),
                    was: None,
                    now: Some(0),
                },
            ],
        };
        assert_eq!(
            moved_lines(&r, None, 10).join("; "),
            "kpi1.all.suitable 25 → 26; kpi1.community.suitable 4 → 5; kpi9.children absent → 0"
        );
        assert_eq!(
            moved_lines(&r, Some(FIVE), 10).join("; "),
            "kpi1.all.suitable 25 → 26; kpi1.community.suitable c → 5; kpi9.children absent → 0"
        );
        assert_eq!(count_shown(Some(FIVE), Some(3)), (None, true));
        // Two to a line: the third runs on.
        assert_eq!(
            moved_lines(&r, None, 2),
            [
                "kpi1.all.suitable 25 → 26; kpi1.community.suitable 4 → 5",
                "kpi9.children absent → 0"
            ]
        );
        let many = Revision {
            folder: "2024-25-Q3".into(),
            moved: (0..45)
                .map(|k| Moved {
                    code: format!("m{k}"),
                    was: Some(k),
                    now: Some(k + 1),
                })
                .collect(),
        };
        let lines = revision_lines(&[many], None);
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("since 2024-25-Q3: m0 0 → 1; m1 1 → 2"));
        assert!(lines[2].starts_with("since 2024-25-Q3 (continued): m40 40 → 41"));
        assert_eq!(count_shown(None, Some(3)), (Some(3), false));
    }

    #[test]
    fn the_court_caseload_is_a_part_of_the_whole_caseload() {
        let c = embedded();
        let court = c.get("court_caseload_end").unwrap();
        assert_eq!(
            total_of(court, &c).map(|t| t.id.as_str()),
            Some("caseload_end")
        );
        for id in ["caseload_end", "cohort", "accommodation", "fte_rate"] {
            assert_eq!(total_of(c.get(id).unwrap(), &c), None, "{id}");
        }
    }
}
