//! A CSV of the service's read into rows by column name, each cell measured against its
//! column's limit, with the errors every reader of `targets.csv`, `benchmarks.csv` and
//! `commentary.csv` gives: an unknown indicator, a period or number that does not read.

use crate::period::Period;
use crate::scorecard::exact::{Exact, parse_decimal};
use crate::scorecard::indicators::{Catalogue, Indicator, Unit};
use std::fmt;

/// One located error in a CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvError {
    pub file: String,
    /// Excel's row number (the header is row 1).
    pub row: usize,
    pub column: String,
    pub value: String,
    pub message: String,
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} row {}, column {}: {:?} {}",
            self.file, self.row, self.column, self.value, self.message
        )
    }
}

/// The longest text each column of a CSV takes, in characters, and where it is shown. Every
/// cell is measured when the file is read, so an over-long one is named with its row and
/// column rather than failing the workbook later (one cell holds at most 32,767 characters,
/// a page far fewer).
pub(super) type Limits = [(&'static str, usize, &'static str)];

/// The start of an over-long value, for a message.
fn start_of(value: &str, chars: usize) -> String {
    if value.chars().count() <= chars {
        return value.to_string();
    }
    let mut start: String = value.chars().take(chars).collect();
    start.push_str("...");
    start
}

/// A CSV read into rows by column name.
pub(super) struct Table<'a> {
    file: &'a str,
    header: Vec<String>,
    pub(super) rows: Vec<(usize, Vec<String>)>,
}

impl<'a> Table<'a> {
    pub(super) fn read(
        text: &str,
        file: &'a str,
        required: &[&str],
        errors: &mut Vec<CsvError>,
    ) -> Option<Table<'a>> {
        let mut records = crate::csv::records(text).into_iter();
        let header: Vec<String> = records
            .next()
            .unwrap_or_default()
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .collect();
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|c| !header.iter().any(|h| h == c))
            .collect();
        if !missing.is_empty() {
            errors.push(CsvError {
                file: file.to_string(),
                row: 1,
                column: missing.join(", "),
                value: start_of(&header.join(","), 80),
                message: format!(
                    "is the header; it needs the column(s) {} (the first row names the columns: {})",
                    missing.join(", "),
                    required.join(",")
                ),
            });
            return None;
        }
        let rows = records
            .enumerate()
            .map(|(i, r)| (i + 2, r))
            .filter(|(_, r)| r.iter().any(|f| !f.trim().is_empty()))
            .collect();
        Some(Table { file, header, rows })
    }

    /// An error for each cell of `row` longer than its column's limit.
    pub(super) fn too_long(&self, row: usize, r: &[String], limits: &Limits) -> Vec<CsvError> {
        limits
            .iter()
            .filter_map(|&(column, most, why)| {
                let value = self.get(r, column);
                let length = value.chars().count();
                (length > most).then(|| {
                    self.error(
                        row,
                        column,
                        &start_of(value, 40),
                        format!("is {length} characters long; keep it to {most} or fewer ({why})"),
                    )
                })
            })
            .collect()
    }

    pub(super) fn get<'r>(&self, row: &'r [String], column: &str) -> &'r str {
        self.header
            .iter()
            .position(|h| h == column)
            .and_then(|i| row.get(i))
            .map_or("", |s| s.trim())
    }

    pub(super) fn error(&self, row: usize, column: &str, value: &str, message: String) -> CsvError {
        CsvError {
            file: self.file.to_string(),
            row,
            column: column.to_string(),
            value: value.to_string(),
            message,
        }
    }

    pub(super) fn indicator<'c>(
        &self,
        catalogue: &'c Catalogue,
        row: usize,
        value: &str,
    ) -> Result<&'c Indicator, CsvError> {
        catalogue.get(value).ok_or_else(|| {
            let known: Vec<&str> = catalogue.indicators.iter().map(|i| i.id.as_str()).collect();
            self.error(
                row,
                "indicator",
                value,
                format!(
                    "is not an indicator of the scorecard; use one of {}",
                    known.join(", ")
                ),
            )
        })
    }

    pub(super) fn period(&self, row: usize, column: &str, value: &str) -> Result<Period, CsvError> {
        value.parse().map_err(|_| {
            self.error(
                row,
                column,
                value,
                "is not a reporting period; write it like 2024-25 Q1".to_string(),
            )
        })
    }

    /// A number in the indicator's unit; `%` only on a percentage.
    pub(super) fn number(
        &self,
        ind: &Indicator,
        row: usize,
        column: &str,
        value: &str,
    ) -> Result<Exact, CsvError> {
        let (digits, percent) = match value.strip_suffix('%') {
            Some(d) => (d.trim_end(), true),
            None => (value, false),
        };
        if percent && ind.unit != Unit::Percent {
            return Err(self.error(
                row,
                column,
                value,
                format!(
                    "has a %, but {} is not a percentage; write the number alone",
                    ind.id
                ),
            ));
        }
        // Every indicator's value is a share, a rate, a ratio or a count of children and
        // events: none is below 0, and a percentage is at most 100.
        let what = match ind.unit {
            Unit::Percent => "a percentage, which is between 0 and 100",
            Unit::Rate => "a rate of events in the population, which cannot be negative",
            Unit::Ratio => "a ratio of two counts, which cannot be negative",
            Unit::Count => "a count, which cannot be negative",
        };
        if let Some(magnitude) = digits.strip_prefix('-')
            && parse_decimal(magnitude.trim_start())
                .is_some_and(|m| m > crate::scorecard::exact::whole(0))
        {
            return Err(self.error(
                row,
                column,
                value,
                format!("is below 0, but {} is {what}", ind.id),
            ));
        }
        let number = parse_decimal(digits).ok_or_else(|| {
            let like = if ind.unit == Unit::Percent {
                "75 or 75%"
            } else {
                "12.5"
            };
            self.error(
                row,
                column,
                value,
                format!("is not a number; write it like {like}"),
            )
        })?;
        if ind.unit == Unit::Percent && number > crate::scorecard::exact::whole(100) {
            return Err(self.error(
                row,
                column,
                value,
                format!("is above 100%, but {} is {what}", ind.id),
            ));
        }
        Ok(number)
    }
}
