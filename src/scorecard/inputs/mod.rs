//! The service's own files beside the archive: `targets.csv`, `benchmarks.csv` and
//! `commentary.csv`, kept in Excel by the officer. Every error names the file, the row as Excel
//! numbers it (the header is row 1), the column and the value, and every error of a file is
//! listed at once so the officer fixes them in one pass.

mod table;

pub use table::CsvError;

use super::exact::Exact;
use super::indicators::{Catalogue, Polarity};
use super::status::Target;
use crate::period::Period;
use table::{Limits, Table};

/// The longest commentary a quarter's figure carries (a spreadsheet cell holds 32,767).
pub const MAX_COMMENT_CHARS: usize = 2_000;

/// The most benchmarks one indicator takes: page 1 prints every one in the indicator's row,
/// and a row must fit on a page.
pub const MAX_BENCHMARKS: usize = 6;

/// Each file's columns, the longest text each takes and where it is shown ([`Limits`]).
const TARGET_LIMITS: &Limits = &[
    ("indicator", 40, "an indicator's id"),
    ("from_period", 20, "a quarter, like 2024-25 Q1"),
    ("target", 20, "a number"),
    ("floor", 20, "a number"),
    ("note", 500, "it is printed beside the indicator"),
    ("owner", 100, "it is printed beside the indicator"),
];

const BENCHMARK_LIMITS: &Limits = &[
    ("indicator", 40, "an indicator's id"),
    ("comparator", 60, "it is printed in the benchmarks column"),
    ("period", 60, "it is printed in the benchmarks column"),
    ("value", 20, "a number"),
    ("source", 300, "it is printed under the indicator's chart"),
];

const COMMENTARY_LIMITS: &Limits = &[
    ("indicator", 40, "an indicator's id"),
    ("period", 20, "a quarter, like 2024-25 Q1"),
    (
        "text",
        MAX_COMMENT_CHARS,
        "a board reads a paragraph, so shorten it",
    ),
];

/// A target row: from its period until a later row for the same indicator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetRow {
    pub indicator: String,
    pub from: Period,
    pub target: Target,
    pub note: String,
    /// The lead officer or partner answerable for it (optional column).
    pub owner: String,
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

/// Reads `targets.csv`: `indicator,from_period,target,floor,note`, and optionally `owner`
/// (`floor`, `note` and `owner` may be blank or absent).
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
        let long = table.too_long(row, r, TARGET_LIMITS);
        if !long.is_empty() {
            errors.extend(long);
            continue;
        }
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
                owner: table.get(r, "owner").to_string(),
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
        let long = table.too_long(row, r, BENCHMARK_LIMITS);
        if !long.is_empty() {
            errors.extend(long);
            continue;
        }
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
            if out
                .iter()
                .filter(|b: &&Benchmark| b.indicator == ind.id)
                .count()
                >= MAX_BENCHMARKS
            {
                return Err(table.error(
                    row,
                    "indicator",
                    &ind.id,
                    format!(
                        "has more than {MAX_BENCHMARKS} benchmarks; keep the {MAX_BENCHMARKS} \
                         the board compares against (page 1 prints each one beside the \
                         indicator)"
                    ),
                ));
            }
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
        let long = table.too_long(row, r, COMMENTARY_LIMITS);
        if !long.is_empty() {
            errors.extend(long);
            continue;
        }
        let parsed = || -> Result<Option<Comment>, CsvError> {
            let ind = table.indicator(catalogue, row, table.get(r, "indicator"))?;
            let period = table.period(row, "period", table.get(r, "period"))?;
            let text = table.get(r, "text");
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

    fn errors(result: Result<impl std::fmt::Debug, Vec<CsvError>>) -> Vec<String> {
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
        assert_eq!(y1.owner, "", "no owner column: no owner");
        // The optional owner column.
        let text = "indicator,from_period,target,owner,note
                    ete,2023-24 Q1,75,Education Lead,first year
";
        let t = parse_targets(text, "targets.csv", &embedded()).unwrap();
        let row = t.at("ete", p("2024-25 Q1")).unwrap();
        assert_eq!(
            (row.owner.as_str(), row.note.as_str()),
            ("Education Lead", "first year")
        );
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
        // Six benchmarks of one indicator are read; a seventh is named.
        let many: String = (0..8)
            .map(|k| format!("ete,Comparator {k},2023-24,60,x\n"))
            .collect();
        let found = errors(parse_benchmarks(
            &format!("indicator,comparator,period,value,source\n{many}syv_rate,England,2023,5,x\n"),
            "b.csv",
            &embedded(),
        ));
        assert_eq!(
            found,
            [
                "b.csv row 8, column indicator: \"ete\" has more than 6 benchmarks; keep the 6 \
                 the board compares against (page 1 prints each one beside the indicator)",
                "b.csv row 9, column indicator: \"ete\" has more than 6 benchmarks; keep the 6 \
                 the board compares against (page 1 prints each one beside the indicator)"
            ]
        );
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
            found[0].contains("is 2001 characters long; keep it to 2000 or fewer"),
            "{found:?}"
        );
    }

    #[test]
    fn a_percentage_above_100_or_any_value_below_0_is_refused() {
        // 100 and 0 are allowed; 100.5, 150%, -5 are not, each named with its cell. A rate
        // above 100 is fine (per 100,000), but not below 0; nor a ratio or a benchmark.
        let text = "indicator,from_period,target,floor\n\
                    ete,2023-24 Q1,100,0\n\
                    ete,2024-25 Q1,150%,\n\
                    accommodation,2024-25 Q1,100.5,\n\
                    ete_hours,2024-25 Q1,60,-5\n\
                    reoffending_binary,2024-25 Q1,30,101%\n\
                    fte_rate,2024-25 Q1,250,300\n\
                    custody_rate,2024-25 Q1,-0.3,\n\
                    reoffending_frequency,2024-25 Q1,- 2,\n";
        let found = errors(parse_targets(text, "targets.csv", &embedded()));
        assert_eq!(found.len(), 6, "{found:#?}");
        for (i, want) in [
            "targets.csv row 3, column target: \"150%\" is above 100%, but ete is a percentage",
            "targets.csv row 4, column target: \"100.5\" is above 100%, but accommodation is a \
             percentage",
            "targets.csv row 5, column floor: \"-5\" is below 0, but ete_hours is a percentage",
            "targets.csv row 6, column floor: \"101%\" is above 100%",
            "targets.csv row 8, column target: \"-0.3\" is below 0, but custody_rate is a rate",
            "targets.csv row 9, column target: \"- 2\" is below 0, but reoffending_frequency is a \
             ratio",
        ]
        .iter()
        .enumerate()
        {
            assert!(found[i].starts_with(want), "{}", found[i]);
        }
        let found = errors(parse_benchmarks(
            "indicator,comparator,period,value,source\n\
             ete,England,2023-24,100.1%,x\n\
             cohort,England,2023-24,-1,x\n\
             fte_rate,England,2023,1500,x\n",
            "b.csv",
            &embedded(),
        ));
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].starts_with("b.csv row 2, column value: \"100.1%\" is above 100%"));
        assert!(
            found[1]
                .starts_with("b.csv row 3, column value: \"-1\" is below 0, but cohort is a count")
        );
    }

    #[test]
    fn every_text_column_has_a_length_limit_named_with_row_and_column() {
        let long = "x".repeat(40_000);
        let text = format!(
            "indicator,from_period,target,floor,note,owner\n\
             ete,2024-25 Q1,80,75,{},\n\
             ete_hours,2024-25 Q1,60,,fine,{}\n\
             {},2024-25 Q1,60,,,\n\
             accommodation,2024-25 Q1,{},,,\n",
            "n".repeat(501),
            "o".repeat(101),
            "i".repeat(41),
            "9".repeat(21),
        );
        let found = errors(parse_targets(&text, "targets.csv", &embedded()));
        assert_eq!(found.len(), 4, "{found:#?}");
        assert!(found[0].starts_with(&format!(
            "targets.csv row 2, column note: \"{}...\" is 501 characters long; keep it to 500 or fewer",
            "n".repeat(40)
        )), "{}", found[0]);
        assert!(
            found[1].starts_with("targets.csv row 3, column owner: "),
            "{}",
            found[1]
        );
        assert!(
            found[1].contains("is 101 characters long; keep it to 100"),
            "{}",
            found[1]
        );
        assert!(
            found[2].starts_with("targets.csv row 4, column indicator: "),
            "{}",
            found[2]
        );
        assert!(
            found[3].starts_with("targets.csv row 5, column target: "),
            "{}",
            found[3]
        );
        // At the limit is allowed.
        let text = format!(
            "indicator,from_period,target,floor,note\nete,2024-25 Q1,80,75,{}\n",
            "n".repeat(500)
        );
        assert!(parse_targets(&text, "t.csv", &embedded()).is_ok());
        for (column, line) in [
            ("comparator", format!("ete,{long},2023-24,50%,src")),
            ("period", format!("ete,England,{long},50%,src")),
            ("source", format!("ete,England,2023-24,50%,{long}")),
        ] {
            let found = errors(parse_benchmarks(
                &format!("indicator,comparator,period,value,source\n{line}\n"),
                "b.csv",
                &embedded(),
            ));
            assert_eq!(found.len(), 1, "{found:#?}");
            let want = format!(
                "b.csv row 2, column {column}: \"{}...\" is 40000 characters long",
                "x".repeat(40)
            );
            assert!(found[0].starts_with(&want), "{}", found[0]);
        }
        let found = errors(parse_commentary(
            &format!("indicator,period,text\nete,{long},x\n"),
            "c.csv",
            &embedded(),
        ));
        assert!(
            found[0].starts_with("c.csv row 2, column period: "),
            "{found:?}"
        );
        // A hostile header is cut too.
        let found = errors(parse_targets(&format!("{long}\n"), "t.csv", &embedded()));
        assert!(found[0].chars().count() < 400, "{}", found[0]);
    }

    #[test]
    fn a_file_saved_with_classic_mac_line_ends_is_read_as_with_windows_ones() {
        let lf = "indicator,from_period,target,floor,note\n\
                  ete,2023-24 Q1,75%,70,first year\n\
                  accommodation,2023-24 Q1,90,,\n";
        for text in [
            lf.to_string(),
            lf.replace('\n', "\r\n"),
            lf.replace('\n', "\r"),
        ] {
            let t = parse_targets(&text, "targets.csv", &embedded()).unwrap();
            assert_eq!(t.at("ete", p("2024-25 Q1")).unwrap().note, "first year");
            assert!(t.at("accommodation", p("2024-25 Q1")).is_some());
        }
        let b = "indicator,comparator,period,value,source\rete,England,2023-24,68.5%,x\r";
        assert_eq!(parse_benchmarks(b, "b.csv", &embedded()).unwrap().len(), 1);
        let c = "indicator,period,text\rete,2024-25 Q4,one\rete,2024-25 Q3,two";
        assert_eq!(parse_commentary(c, "c.csv", &embedded()).unwrap().len(), 2);
    }
}
