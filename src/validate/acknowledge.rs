//! Acknowledged queries: a warning that is right (an unusual but true case) can be explained
//! once, in a sidecar CSV beside the export, and the explanation travels with the figures.
//!
//! The sidecar is `<export name>.acknowledgements.csv` with columns
//! `code,sheet,row,column,value,explanation`. `validate --acknowledgements-template` writes one
//! listing the current warnings with the explanation left empty; the officer fills it in Excel.
//! Only warnings can be acknowledged: an error must be fixed in the source system.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::{Finding, Validation};
use crate::definitions::Severity;

/// The longest explanation accepted: it is printed on the return's cover, one per query, and
/// a paragraph says all a query needs.
pub const MAX_EXPLANATION_CHARS: usize = 2_000;

/// The longest text each column takes, in characters, and why: measured as the file is read,
/// so an over-long cell is named with its line and column. `value` is not used (the finding
/// is matched by code, sheet, row and column) and may hold what one Excel cell holds.
const LIMITS: [(&str, usize, &str); 6] = [
    ("code", 20, "a rule code such as W316"),
    ("sheet", 100, "a sheet's name"),
    ("row", 10, "a row number"),
    ("column", 100, "a column's name"),
    ("value", 32_767, "what one Excel cell holds"),
    (
        "explanation",
        MAX_EXPLANATION_CHARS,
        "it is printed on the return's cover",
    ),
];

/// One line of the sidecar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acknowledgement {
    pub code: String,
    pub sheet: String,
    pub row: Option<u32>,
    pub column: Option<String>,
    pub explanation: String,
    /// Line number in the sidecar, for messages.
    pub line: usize,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AcknowledgementError {
    #[error("{file} line {line}: {message}")]
    Line {
        file: String,
        line: usize,
        message: String,
    },
    /// A cell longer than its column allows; `start` is its beginning, cut.
    #[error(
        "{file} line {line}, column {column}: {start:?} is {length} characters long; keep it to \
         {most} or fewer ({why})"
    )]
    TooLong {
        file: String,
        line: usize,
        column: &'static str,
        start: String,
        length: usize,
        most: usize,
        why: &'static str,
    },
}

/// The sidecar's conventional path: `q2-export.xlsx` → `q2-export.acknowledgements.csv`.
pub fn sidecar_path(export: &Path) -> PathBuf {
    let stem = export
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    export.with_file_name(format!("{stem}.acknowledgements.csv"))
}

pub const HEADER: &str = "code,sheet,row,column,value,explanation";

/// Parses a sidecar. Lines with an empty explanation are ignored (not yet acknowledged).
pub fn parse(text: &str, file: &str) -> Result<Vec<Acknowledgement>, AcknowledgementError> {
    let mut out = Vec::new();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (i, record) in crate::csv::records(text).into_iter().enumerate() {
        let line = i + 1;
        let err = |message: String| AcknowledgementError::Line {
            file: file.to_string(),
            line,
            message,
        };
        if i == 0 {
            if record.first().map(|f| f.trim().to_ascii_lowercase()) != Some("code".into()) {
                return Err(err(format!("the first line must be the header: {HEADER}")));
            }
            continue;
        }
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if record.len() < 6 {
            return Err(err(format!(
                "expected 6 columns ({HEADER}), found {}",
                record.len()
            )));
        }
        for (field, (column, most, why)) in record.iter().zip(LIMITS) {
            let field = field.trim();
            let length = field.chars().count();
            if length > most {
                let mut start: String = field.chars().take(40).collect();
                start.push_str("...");
                return Err(AcknowledgementError::TooLong {
                    file: file.to_string(),
                    line,
                    column,
                    start,
                    length,
                    most,
                    why,
                });
            }
        }
        let explanation = record[5].trim().to_string();
        if explanation.is_empty() {
            continue;
        }
        let row = match record[2].trim() {
            "" => None,
            r => Some(r.parse::<u32>().map_err(|_| {
                err(format!(
                    "row \"{}\" is not a row number",
                    crate::text::cut(r)
                ))
            })?),
        };
        let column = Some(record[3].trim().to_string()).filter(|c| !c.is_empty());
        out.push(Acknowledgement {
            code: record[0].trim().to_uppercase(),
            sheet: record[1].trim().to_string(),
            row,
            column,
            explanation,
            line,
        });
    }
    Ok(out)
}

/// Marks the warnings each acknowledgement names. Returns the acknowledgements that matched
/// nothing, or named an error (which cannot be acknowledged), so the officer can tidy them.
pub fn apply<'a>(
    v: &mut Validation,
    acks: &'a [Acknowledgement],
) -> Vec<(&'a Acknowledgement, &'static str)> {
    let mut unused = Vec::new();
    for ack in acks {
        let matches = |f: &Finding| {
            f.code == ack.code
                && f.sheet.as_deref() == Some(ack.sheet.as_str())
                && f.row == ack.row
                && (ack.column.is_none() || f.column == ack.column)
        };
        let mut matched = false;
        let mut error = false;
        for f in v.findings.iter_mut().filter(|f| matches(f)) {
            if f.severity == Severity::Warning {
                f.acknowledged = Some(ack.explanation.clone());
                matched = true;
            } else {
                error = true;
            }
        }
        if !matched {
            unused.push((
                ack,
                if error {
                    "only warnings can be acknowledged; errors must be fixed"
                } else {
                    "matches no warning in this export"
                },
            ));
        }
    }
    unused
}

/// The identifier columns whose values must not appear in an explanation.
const IDENTIFIERS: [&str; 4] = ["child_id", "intervention_id", "offence_id", "victim_id"];

/// W460: explanations are the officer's free text and travel to the YJB in return.xlsx and
/// manifest.json, so one that holds an identifier of this export, a date, a UK postcode, a UK
/// phone number or what looks like a person's name (the heuristics of `identifying`) is
/// flagged on the finding it acknowledges. It cannot itself be acknowledged: the fix is to
/// reword the explanation.
pub fn identifying_explanations(v: &mut Validation) {
    let ids: HashSet<&str> = v
        .sheets
        .iter()
        .flat_map(|s| s.rows.iter())
        .flat_map(|r| IDENTIFIERS.iter().filter_map(|c| r.text(c)))
        .collect();
    let mut warnings = Vec::new();
    for f in &v.findings {
        let Some(explanation) = &f.acknowledged else {
            continue;
        };
        let Some(why) = super::identifying::why(explanation, &ids) else {
            continue;
        };
        warnings.push(Finding {
            code: "W460".to_string(),
            severity: Severity::Warning,
            value: None,
            message: format!(
                "the explanation acknowledging {} here contains {why}: explanations go to the \
                 YJB in return.xlsx and manifest.json, so describe the case without \
                 identifiers, dates, names, addresses or phone numbers",
                f.code
            ),
            related: Vec::new(),
            child_id: None,
            acknowledged: None,
            ..f.clone()
        });
    }
    if let Some(rule) = v.rules.iter_mut().find(|r| r.code == "W460") {
        rule.findings += warnings.len();
        for w in &mut warnings {
            w.severity = rule.severity;
        }
    }
    v.findings.extend(warnings);
}

/// A sidecar listing every current warning, explanation empty, for the officer to fill in.
pub fn template(v: &Validation) -> String {
    let mut s = format!("{HEADER}\n");
    for f in v
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
    {
        writeln!(
            s,
            "{},{},{},{},{},{}",
            f.code,
            csv(f.sheet.as_deref().unwrap_or("")),
            f.row.map(|r| r.to_string()).unwrap_or_default(),
            csv(f.column.as_deref().unwrap_or("")),
            csv(f.value.as_deref().unwrap_or("")),
            csv(f.acknowledged.as_deref().unwrap_or(""))
        )
        .unwrap();
    }
    s
}

fn csv(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_quoted_fields_and_skips_empty_explanations() {
        let text = "code,sheet,row,column,value,explanation\r\n\
            w316,Interventions,17,accommodation_suitable,Y,\"Emergency foster bed, judged suitable by the panel\"\r\n\
            W420,Interventions,20,start_date,2024-07-01,\r\n";
        let acks = parse(text, "x.csv").unwrap();
        assert_eq!(acks.len(), 1);
        assert_eq!(acks[0].code, "W316");
        assert_eq!(acks[0].row, Some(17));
        assert_eq!(
            acks[0].explanation,
            "Emergency foster bed, judged suitable by the panel"
        );
    }

    #[test]
    fn refuses_a_file_without_header_or_with_bad_rows() {
        assert!(parse("W316,Interventions,17,,,x\n", "a.csv").is_err());
        let err = parse(
            &format!("{HEADER}\nW316,Interventions,seven,,,x\n"),
            "a.csv",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "a.csv line 2: row \"seven\" is not a row number"
        );
    }

    #[test]
    fn an_over_long_explanation_is_refused_with_its_line() {
        let long = "x".repeat(MAX_EXPLANATION_CHARS + 1);
        let err = parse(
            &format!("{HEADER}\nW316,Interventions,17,,,{long}\n"),
            "a.csv",
        )
        .unwrap_err();
        assert!(
            err.to_string().starts_with(&format!(
                "a.csv line 2, column explanation: \"{}...\" is 2001 characters long; keep it \
                 to 2000 or fewer",
                "x".repeat(40)
            )),
            "{err}"
        );
    }

    #[test]
    fn every_column_has_a_length_limit_named_with_line_and_column() {
        let long = "y".repeat(40_000);
        for (line, column) in [
            (format!("{long},Interventions,17,,,why"), "code"),
            (format!("W316,{long},17,,,why"), "sheet"),
            (format!("W316,Interventions,{long},,,why"), "row"),
            (format!("W316,Interventions,17,{long},,why"), "column"),
            (format!("W316,Interventions,17,,{long}{long},why"), "value"),
        ] {
            let err = parse(&format!("{HEADER}\n{line}\n"), "a.csv").unwrap_err();
            let text = err.to_string();
            assert!(
                text.starts_with(&format!("a.csv line 2, column {column}: \"yyyy")),
                "{text}"
            );
            assert!(text.chars().count() < 200, "the value is cut: {text}");
        }
        // A value as long as an Excel cell holds is fine (it is not used).
        let value = "v".repeat(32_767);
        assert!(
            parse(
                &format!("{HEADER}\nW316,Interventions,17,,{value},why\n"),
                "a.csv"
            )
            .is_ok()
        );
    }

    #[test]
    fn a_sidecar_saved_with_cr_crlf_or_lf_line_ends_is_read_alike() {
        let lf = format!(
            "{HEADER}\nW316,Interventions,17,accommodation_suitable,Y,\"Kinship\nplacement\"\n\
             W420,Interventions,20,,,Agreed at panel\n"
        );
        let want = parse(&lf, "a.csv").unwrap();
        assert_eq!(want.len(), 2);
        assert_eq!(want[1].line, 3);
        for text in [lf.replace('\n', "\r\n"), lf.replace('\n', "\r")] {
            let got = parse(&text, "a.csv").unwrap();
            assert_eq!(got.len(), 2, "{text:?}");
            assert_eq!(
                (got[1].code.as_str(), got[1].row, got[1].line),
                ("W420", Some(20), 3)
            );
        }
    }

    #[test]
    fn sidecar_sits_beside_the_export() {
        assert_eq!(
            sidecar_path(Path::new("samples/2024-25/q2-export.xlsx")),
            PathBuf::from("samples/2024-25/q2-export.acknowledgements.csv")
        );
    }
}
