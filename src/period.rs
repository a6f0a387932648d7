//! Reporting periods: quarters of the UK financial year (April to March).

use std::fmt;
use std::str::FromStr;

use crate::date::Date;

/// One quarter of a financial year, e.g. `2024-25 Q2` (July to September 2024).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Period {
    /// The calendar year in which the financial year starts (2024 for 2024-25).
    start_year: i32,
    /// 1 to 4.
    quarter: u8,
}

/// Why a period could not be read; the message shows the spellings that work.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error(
        "{} is not a reporting period: write the financial year and quarter, e.g. \"2024-25 Q2\" (also \"2024-25Q2\", \"2024/25 Q2\" or \"Q2 2024-25\")",
        shown(.0)
    )]
    Unreadable(String),
    #[error(
        "{} names quarter {quarter}, but a financial year has four quarters (Q1-Q4)",
        shown(.text)
    )]
    NoSuchQuarter { text: String, quarter: String },
}

/// The user's text as quoted in a message: escaped, and cut short if it is long (a period
/// read from a damaged file can be anything).
fn shown(text: &str) -> String {
    const MAX: usize = 40;
    if text.chars().count() > MAX {
        let start: String = text.chars().take(MAX).collect();
        format!("{start:?}...")
    } else {
        format!("{text:?}")
    }
}

impl Period {
    pub fn new(start_year: i32, quarter: u8) -> Option<Period> {
        ((1..=4).contains(&quarter) && (1990..=9998).contains(&start_year)).then_some(Period {
            start_year,
            quarter,
        })
    }

    pub fn start_year(self) -> i32 {
        self.start_year
    }

    pub fn quarter(self) -> u8 {
        self.quarter
    }

    /// The financial year as written in the return, e.g. `2024-25`.
    pub fn year_label(self) -> String {
        format!("{}-{:02}", self.start_year, (self.start_year + 1) % 100)
    }

    /// First day of the quarter.
    pub fn start(self) -> Date {
        let (year, month) = self.first_month();
        Date::new(year, month, 1).expect("first of a month exists")
    }

    /// Last day of the quarter (inclusive).
    pub fn end(self) -> Date {
        self.shift(1).start().add_days(-1)
    }

    /// Whether `date` falls inside the quarter, both ends included.
    pub fn contains(self, date: Date) -> bool {
        self.start() <= date && date <= self.end()
    }

    /// The quarter that holds `date`.
    pub fn containing(date: Date) -> Period {
        let (year, quarter) = match date.month() {
            4..=6 => (date.year(), 1),
            7..=9 => (date.year(), 2),
            10..=12 => (date.year(), 3),
            _ => (date.year() - 1, 4),
        };
        Period {
            start_year: year,
            quarter,
        }
    }

    /// The latest quarter an export taken on `extract` covers whole: the quarter that ended
    /// on or before that day.
    pub fn latest_complete(extract: Date) -> Period {
        let current = Period::containing(extract);
        if extract == current.end() {
            current
        } else {
            current.shift(-1)
        }
    }

    /// The quarter `n` quarters later (negative: earlier).
    pub fn shift(self, n: i32) -> Period {
        let index = self.start_year * 4 + i32::from(self.quarter) - 1 + n;
        Period {
            start_year: index.div_euclid(4),
            quarter: (index.rem_euclid(4) + 1) as u8,
        }
    }

    fn first_month(self) -> (i32, u32) {
        match self.quarter {
            1 => (self.start_year, 4),
            2 => (self.start_year, 7),
            3 => (self.start_year, 10),
            _ => (self.start_year + 1, 1),
        }
    }
}

impl FromStr for Period {
    type Err = PeriodError;

    /// Accepts `2024-25 Q2`, `2024-25Q2`, `2024/25 Q2` and the quarter first, `Q2 2024-25` or
    /// `Q2 2024/25` (any case, surrounding spaces ignored). The second year must follow the
    /// first: `2024-26 Q1` is refused. Works on characters, never byte offsets, so any text
    /// gives an error rather than a panic.
    fn from_str(text: &str) -> Result<Period, PeriodError> {
        let unreadable = || PeriodError::Unreadable(text.to_string());
        let t = text.trim().to_ascii_lowercase();
        let (year, quarter) = match t.strip_prefix('q') {
            Some(rest) => {
                let year = rest.trim_start_matches(|c: char| c.is_ascii_digit());
                let quarter = rest.strip_suffix(year).unwrap_or_default();
                if !year.starts_with(char::is_whitespace) {
                    return Err(unreadable());
                }
                (year.trim(), quarter)
            }
            None => {
                let (year, quarter) = t.rsplit_once('q').ok_or_else(unreadable)?;
                (year.trim(), quarter.trim())
            }
        };
        let (start, end) = year.split_once(['-', '/']).ok_or_else(unreadable)?;
        let start = digits(start, 4).ok_or_else(unreadable)?;
        let end = digits(end, 2).ok_or_else(unreadable)?;
        if (start + 1) % 100 != end {
            return Err(unreadable());
        }
        let quarter = match quarter {
            "1" | "2" | "3" | "4" => quarter.parse().map_err(|_| unreadable())?,
            q if (1..=2).contains(&q.len()) && q.bytes().all(|b| b.is_ascii_digit()) => {
                return Err(PeriodError::NoSuchQuarter {
                    text: text.to_string(),
                    quarter: format!("Q{q}"),
                });
            }
            _ => return Err(unreadable()),
        };
        Period::new(start, quarter).ok_or_else(unreadable)
    }
}

/// Exactly `len` ASCII digits, as a number.
fn digits(s: &str, len: usize) -> Option<i32> {
    (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} Q{}", self.year_label(), self.quarter)
    }
}

impl serde::Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Period {
        s.parse().unwrap()
    }

    #[test]
    fn accepts_the_year_first_and_the_quarter_first() {
        for s in [
            "2024-25 Q2",
            "2024-25Q2",
            "2024/25 Q2",
            " 2024-25 q2 ",
            "Q2 2024-25",
            "Q2 2024/25",
            "q2 2024-25",
            " q2  2024/25 ",
        ] {
            assert_eq!(p(s), Period::new(2024, 2).unwrap(), "{s}");
        }
        assert_eq!(p("1999-00 Q4").to_string(), "1999-00 Q4");
    }

    #[test]
    fn refuses_other_text() {
        for s in [
            "2024-26 Q1",
            "2024-25 Q5",
            "2024-25 Q0",
            "2024 Q1",
            "Q12024-25",
            "Q2 2024-26",
            "Q 2024-25",
            "2024-25 Q",
            "2024-25 Q123",
            "",
            "q",
            "2024-2€ Q1",
            "€024-25 Q1",
            "2024-25 Q€",
            "Q€ 2024-25",
            "２０２４-25 Q1",
        ] {
            assert!(s.parse::<Period>().is_err(), "{s}");
        }
        let msg = "2024 Q1".parse::<Period>().unwrap_err().to_string();
        assert!(
            msg.contains("2024-25 Q2") && msg.contains("Q2 2024-25"),
            "{msg}"
        );
    }

    #[test]
    fn a_fifth_quarter_is_explained() {
        for (s, q) in [
            ("2024-25 Q5", "Q5"),
            ("Q0 2024-25", "Q0"),
            ("2024-25 Q12", "Q12"),
        ] {
            let msg = s.parse::<Period>().unwrap_err().to_string();
            assert!(
                msg.contains(&format!("names quarter {q}"))
                    && msg.contains("a financial year has four quarters (Q1-Q4)"),
                "{msg}"
            );
        }
    }

    #[test]
    fn long_or_strange_text_is_quoted_short_and_escaped() {
        let long = "x".repeat(1000);
        let msg = long.parse::<Period>().unwrap_err().to_string();
        assert!(msg.len() < 250 && msg.contains("..."), "{msg}");
        let msg = "2024\n25 Q1".parse::<Period>().unwrap_err().to_string();
        assert!(!msg.contains('\n'), "{msg}");
    }

    #[test]
    fn quarters_cover_the_financial_year() {
        let d = |y, m, day| Date::new(y, m, day).unwrap();
        assert_eq!(
            (p("2024-25 Q1").start(), p("2024-25 Q1").end()),
            (d(2024, 4, 1), d(2024, 6, 30))
        );
        assert_eq!(
            (p("2024-25 Q2").start(), p("2024-25 Q2").end()),
            (d(2024, 7, 1), d(2024, 9, 30))
        );
        assert_eq!(
            (p("2024-25 Q3").start(), p("2024-25 Q3").end()),
            (d(2024, 10, 1), d(2024, 12, 31))
        );
        assert_eq!(
            (p("2024-25 Q4").start(), p("2024-25 Q4").end()),
            (d(2025, 1, 1), d(2025, 3, 31))
        );
        assert!(p("2024-25 Q2").contains(d(2024, 7, 1)));
        assert!(p("2024-25 Q2").contains(d(2024, 9, 30)));
        assert!(!p("2024-25 Q2").contains(d(2024, 6, 30)));
        assert!(!p("2024-25 Q2").contains(d(2024, 10, 1)));
    }

    #[test]
    fn the_quarter_holding_a_date_and_the_last_complete_one() {
        let d = |y, m, day| Date::new(y, m, day).unwrap();
        assert_eq!(Period::containing(d(2024, 4, 1)), p("2024-25 Q1"));
        assert_eq!(Period::containing(d(2024, 9, 30)), p("2024-25 Q2"));
        assert_eq!(Period::containing(d(2025, 1, 1)), p("2024-25 Q4"));
        assert_eq!(Period::containing(d(2025, 3, 31)), p("2024-25 Q4"));
        assert_eq!(Period::latest_complete(d(2024, 10, 18)), p("2024-25 Q2"));
        assert_eq!(Period::latest_complete(d(2024, 9, 30)), p("2024-25 Q2"));
        assert_eq!(Period::latest_complete(d(2024, 9, 29)), p("2024-25 Q1"));
        assert_eq!(Period::latest_complete(d(2025, 2, 14)), p("2024-25 Q3"));
    }

    #[test]
    fn shifts_across_years() {
        assert_eq!(p("2024-25 Q2").shift(-4), p("2023-24 Q2"));
        assert_eq!(p("2024-25 Q1").shift(-1), p("2023-24 Q4"));
        assert_eq!(p("2024-25 Q4").shift(1), p("2025-26 Q1"));
    }
}
