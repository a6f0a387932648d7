//! The service's own files beside the archive: `targets.csv`, `benchmarks.csv` and
//! `commentary.csv`, kept in Excel by the officer. Every error names the file, the row as Excel
//! numbers it (the header is row 1), the column and the value, and every error of a file is
//! listed at once so the officer fixes them in one pass.

use std::fmt;

use super::exact::{Exact, parse_decimal};
use super::indicators::{Catalogue, Indicator, Polarity, Unit};
use super::status::Target;
use crate::period::Period;

/// The longest commentary a quarter's figure carries (a spreadsheet cell holds 32,767).
pub const MAX_COMMENT_CHARS: usize = 2_000;

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

/// A target row: from its period until a later row for the same indicator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetRow {
    pub indicator: String,
    pub from: Period,
    pub target: Target,
    pub note: String,
}

/// The targets of every indicator.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Targets(Vec<TargetRow>);

impl Targets {
    /// The row in force for an indicator at a quarter: the latest `from_period` not after it.
    pub fn at(&self, indicator: &str, period: Period) -> Option<&TargetRow> {
        self.0
            .iter()
            .filter(|t| t.indicator == indicator && t.from <= period)
            .max_by_key(|t| t.from)
    }
}

/// A published comparator figure the service copied in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Benchmark {
    pub indicator: String,
    pub comparator: String,
    /// Shown as given: benchmarks have their own, often older, periods.
    pub period: String,
    pub value: Exact,
    pub source: String,
}

/// The officer's explanation of one quarter's figure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub indicator: String,
    pub period: Period,
    pub text: String,
}

/// A CSV read into rows by column name.
struct Table<'a> {
    file: &'a str,
    header: Vec<String>,
    rows: Vec<(usize, Vec<String>)>,
}

impl<'a> Table<'a> {
    fn read(
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
                value: header.join(","),
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

    fn get<'r>(&self, row: &'r [String], column: &str) -> &'r str {
        self.header
            .iter()
            .position(|h| h == column)
            .and_then(|i| row.get(i))
            .map_or("", |s| s.trim())
    }

    fn error(&self, row: usize, column: &str, value: &str, message: String) -> CsvError {
        CsvError {
            file: self.file.to_string(),
            row,
            column: column.to_string(),
            value: value.to_string(),
            message,
        }
    }

    fn indicator<'c>(
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

    fn period(&self, row: usize, column: &str, value: &str) -> Result<Period, CsvError> {
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
    fn number(
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
        parse_decimal(digits).ok_or_else(|| {
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
        })
    }
}

/// Reads `targets.csv`: `indicator,from_period,target,floor,note` (`floor` and `note` may be
/// blank or absent).
pub fn parse_targets(
    text: &str,
    file: &str,
    catalogue: &Catalogue,
) -> Result<Targets, Vec<CsvError>> {
    let mut errors = Vec::new();
    let Some(table) = Table::read(
        text,
        file,
        &["indicator", "from_period", "target"],
        &mut errors,
    ) else {
        return Err(errors);
    };
    let mut rows: Vec<(usize, TargetRow)> = Vec::new();
    for (row, r) in &table.rows {
        let row = *row;
        let parsed = || -> Result<TargetRow, CsvError> {
            let ind = table.indicator(catalogue, row, table.get(r, "indicator"))?;
            let from = table.period(row, "from_period", table.get(r, "from_period"))?;
            let raw_target = table.get(r, "target");
            if ind.polarity == Polarity::Context {
                return Err(table.error(
                    row,
                    "target",
                    raw_target,
                    format!(
                        "is a target for {}, which is shown for context only (neither higher nor \
                         lower is better); remove the row",
                        ind.id
                    ),
                ));
            }
            let target = table.number(ind, row, "target", raw_target)?;
            let raw_floor = table.get(r, "floor");
            let floor = match raw_floor {
                "" => None,
                f => Some(table.number(ind, row, "floor", f)?),
            };
            if let Some(floor) = &floor {
                let better_side = match ind.polarity {
                    Polarity::High => *floor > target,
                    _ => *floor < target,
                };
                if better_side {
                    let (side, way) = match ind.polarity {
                        Polarity::High => ("above", "at or below"),
                        _ => ("below", "at or above"),
                    };
                    return Err(table.error(
                        row,
                        "floor",
                        raw_floor,
                        format!(
                            "is {side} the target {raw_target}; the floor is the least acceptable \
                             figure, so for {} ({}) it must be {way} the target",
                            ind.id,
                            ind.polarity.words()
                        ),
                    ));
                }
            }
            if let Some((first, _)) = rows
                .iter()
                .find(|(_, t)| t.indicator == ind.id && t.from == from)
            {
                return Err(table.error(
                    row,
                    "from_period",
                    table.get(r, "from_period"),
                    format!(
                        "repeats row {first}, which already sets {}'s target from {from}; keep one",
                        ind.id
                    ),
                ));
            }
            Ok(TargetRow {
                indicator: ind.id.clone(),
                from,
                target: Target { target, floor },
                note: table.get(r, "note").to_string(),
            })
        };
        match parsed() {
            Ok(t) => rows.push((row, t)),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(Targets(rows.into_iter().map(|(_, t)| t).collect()))
    } else {
        Err(errors)
    }
}

/// Reads `benchmarks.csv`: `indicator,comparator,period,value,source`.
pub fn parse_benchmarks(
    text: &str,
    file: &str,
    catalogue: &Catalogue,
) -> Result<Vec<Benchmark>, Vec<CsvError>> {
    let mut errors = Vec::new();
    let Some(table) = Table::read(
        text,
        file,
        &["indicator", "comparator", "period", "value", "source"],
        &mut errors,
    ) else {
        return Err(errors);
    };
    let mut out = Vec::new();
    for (row, r) in &table.rows {
        let row = *row;
        let parsed = || -> Result<Benchmark, CsvError> {
            let ind = table.indicator(catalogue, row, table.get(r, "indicator"))?;
            let comparator = table.get(r, "comparator");
            if comparator.is_empty() {
                return Err(table.error(
                    row,
                    "comparator",
                    comparator,
                    "is empty; name who the figure is for, e.g. England".to_string(),
                ));
            }
            let value = table.number(ind, row, "value", table.get(r, "value"))?;
            Ok(Benchmark {
                indicator: ind.id.clone(),
                comparator: comparator.to_string(),
                period: table.get(r, "period").to_string(),
                value,
                source: table.get(r, "source").to_string(),
            })
        };
        match parsed() {
            Ok(b) => out.push(b),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Reads `commentary.csv`: `indicator,period,text`. Rows with no text are skipped; two rows for
/// the same quarter are both shown, in file order.
pub fn parse_commentary(
    text: &str,
    file: &str,
    catalogue: &Catalogue,
) -> Result<Vec<Comment>, Vec<CsvError>> {
    let mut errors = Vec::new();
    let Some(table) = Table::read(text, file, &["indicator", "period", "text"], &mut errors) else {
        return Err(errors);
    };
    let mut out = Vec::new();
    for (row, r) in &table.rows {
        let row = *row;
        let parsed = || -> Result<Option<Comment>, CsvError> {
            let ind = table.indicator(catalogue, row, table.get(r, "indicator"))?;
            let period = table.period(row, "period", table.get(r, "period"))?;
            let text = table.get(r, "text");
            if text.chars().count() > MAX_COMMENT_CHARS {
                let start: String = text.chars().take(40).collect();
                return Err(table.error(
                    row,
                    "text",
                    &format!("{start}…"),
                    format!(
                        "is longer than {MAX_COMMENT_CHARS} characters; a board reads a paragraph, \
                         so shorten it"
                    ),
                ));
            }
            Ok((!text.is_empty()).then(|| Comment {
                indicator: ind.id.clone(),
                period,
                text: text.to_string(),
            }))
        };
        match parsed() {
            Ok(c) => out.extend(c),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scorecard::exact::whole;
    use crate::scorecard::indicators::tests::embedded;

    fn p(s: &str) -> Period {
        s.parse().unwrap()
    }

    fn errors(result: Result<impl fmt::Debug, Vec<CsvError>>) -> Vec<String> {
        result
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn targets_apply_from_their_period_until_the_next_row() {
        let text = "indicator,from_period,target,floor,note\n\
                    ete,2023-24 Q1,75%,70,first year\n\
                    ete,2024-25 Q1,80,,raised\n\
                    reoffending_binary,2023-24 Q1,30,35,\n";
        let t = parse_targets(text, "targets.csv", &embedded()).unwrap();
        assert_eq!(t.at("ete", p("2022-23 Q4")), None);
        let y1 = t.at("ete", p("2023-24 Q4")).unwrap();
        assert_eq!(
            (&y1.target.target, &y1.target.floor),
            (&whole(75), &Some(whole(70)))
        );
        assert_eq!(y1.note, "first year");
        let y2 = t.at("ete", p("2024-25 Q3")).unwrap();
        assert_eq!((&y2.target.target, &y2.target.floor), (&whole(80), &None));
        assert!(t.at("accommodation", p("2024-25 Q3")).is_none());
    }

    #[test]
    fn a_floor_equal_to_its_target_is_allowed() {
        let text = "indicator,from_period,target,floor\nete,2024-25 Q1,75,75\n";
        assert!(parse_targets(text, "t.csv", &embedded()).is_ok());
    }

    #[test]
    fn every_target_error_names_file_row_column_and_value() {
        let text = "indicator,from_period,target,floor,note\n\
                    ete,2024-25 Q1,75,70,\n\
                    etee,2024-25 Q1,75,,\n\
                    ete,2024-25 Q5,75,,\n\
                    accommodation,2024-25 Q1,seventy,,\n\
                    accommodation,2024-25 Q1,70,80,\n\
                    reoffending_binary,2024-25 Q1,30,25,\n\
                    ete,2024-25 Q1,78,,\n\
                    cohort,2024-25 Q1,50,,\n\
                    fte_rate,2024-25 Q1,200%,,\n";
        let found = errors(parse_targets(text, "targets.csv", &embedded()));
        assert_eq!(found.len(), 8, "{found:#?}");
        assert!(
            found[0]
                .starts_with("targets.csv row 3, column indicator: \"etee\" is not an indicator")
        );
        assert!(found[1].starts_with(
            "targets.csv row 4, column from_period: \"2024-25 Q5\" is not a reporting period"
        ));
        assert!(
            found[2].starts_with("targets.csv row 5, column target: \"seventy\" is not a number")
        );
        assert!(
            found[3].starts_with("targets.csv row 6, column floor: \"80\" is above the target 70"),
            "{}",
            found[3]
        );
        assert!(
            found[4].starts_with("targets.csv row 7, column floor: \"25\" is below the target 30"),
            "{}",
            found[4]
        );
        assert!(
            found[5]
                .starts_with("targets.csv row 8, column from_period: \"2024-25 Q1\" repeats row 2"),
            "{}",
            found[5]
        );
        assert!(found[6].starts_with("targets.csv row 9, column target: \"50\" is a target for cohort, which is shown for context"), "{}", found[6]);
        assert!(found[7].starts_with("targets.csv row 10, column target: \"200%\" has a %, but fte_rate is not a percentage"), "{}", found[7]);
    }

    #[test]
    fn rows_are_numbered_as_excel_does_even_across_a_quoted_line_break() {
        let text = "indicator,period,text\n\
                    ete,2024-25 Q1,\"two\nlines\"\n\
                    ete,2024-25 QX,x\n";
        let found = errors(parse_commentary(text, "c.csv", &embedded()));
        assert!(
            found[0].starts_with("c.csv row 3, column period"),
            "{found:?}"
        );
    }

    #[test]
    fn a_missing_column_is_named() {
        let found = errors(parse_targets(
            "indicator,target\nete,75\n",
            "t.csv",
            &embedded(),
        ));
        assert!(
            found[0].starts_with("t.csv row 1, column from_period"),
            "{found:?}"
        );
    }

    #[test]
    fn benchmarks_and_commentary() {
        let b = parse_benchmarks(
            "indicator,comparator,period,value,source\n\
             ete,England,2023-24,68.5%,Youth justice statistics (invented)\n",
            "b.csv",
            &embedded(),
        )
        .unwrap();
        assert_eq!(b[0].value, crate::scorecard::exact::ratio(137, 2).unwrap());
        assert_eq!(b[0].period, "2023-24");
        let found = errors(parse_benchmarks(
            "indicator,comparator,period,value,source\n\
             ete,,2023-24,68,x\n\
             syv_rate,England,2023-24,5.1%,x\n\
             ete,England,2023-24,n/a,x\n",
            "b.csv",
            &embedded(),
        ));
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].contains("column comparator"));
        assert!(found[1].contains("has a %"));
        assert!(found[2].contains("is not a number"));
        let c = parse_commentary(
            "indicator,period,text\nete,2024-25 Q4,Two children moved schools.\nete,2024-25 Q3,\n",
            "c.csv",
            &embedded(),
        )
        .unwrap();
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].period, p("2024-25 Q4"));
        let long = format!(
            "indicator,period,text\nete,2024-25 Q4,{}\n",
            "x".repeat(2_001)
        );
        let found = errors(parse_commentary(&long, "c.csv", &embedded()));
        assert!(
            found[0].starts_with("c.csv row 2, column text"),
            "{found:?}"
        );
        assert!(
            found[0].contains("longer than 2000 characters"),
            "{found:?}"
        );
    }
}
