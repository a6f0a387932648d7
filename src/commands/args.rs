//! What several commands' arguments share: the `--format text|json` choice and the value
//! parsers of a reporting period and a generation time, each with the sentence it says when
//! the value will not do.

use yjb_return::date::Timestamp;
use yjb_return::period::Period;

/// `--format` of `validate`, `check`, `reproduce` and `diff`: text to read, or JSON for other
/// programs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    #[default]
    Text,
    Json,
}

impl Format {
    pub fn is_json(self) -> bool {
        self == Format::Json
    }
}

/// A reporting period, e.g. "2024-25 Q2" (also "2024-25Q2", "2024/25 Q2" or "Q2 2024-25").
pub fn period(s: &str) -> Result<Period, String> {
    s.parse()
        .map_err(|e: yjb_return::period::PeriodError| e.to_string())
}

/// A generation time in UTC, e.g. 2024-10-21T09:30:00Z.
pub fn timestamp(s: &str) -> Result<Timestamp, String> {
    Timestamp::parse(s)
        .ok_or_else(|| {
        format!("{s:?} is not a UTC time between the years 1900 and 9999; write it like 2024-10-21T09:30:00Z")
    })
}
