//! Acknowledged queries: a warning that is right (an unusual but true case) can be explained
//! once, in a sidecar CSV beside the export, and the explanation travels with the figures.
//!
//! The sidecar is `<export name>.acknowledgements.csv` with columns
//! `code,sheet,row,column,value,explanation`. `validate --acknowledgements-template` writes one
//! listing the current warnings with the explanation left empty; the officer fills it in Excel.
//! Only warnings can be acknowledged: an error must be fixed in the source system.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::{Finding, Validation};
use crate::definitions::Severity;

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
        let explanation = record[5].trim().to_string();
        if explanation.is_empty() {
            continue;
        }
        let row = match record[2].trim() {
            "" => None,
            r => Some(
                r.parse::<u32>()
                    .map_err(|_| err(format!("row \"{r}\" is not a row number")))?,
            ),
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
    fn sidecar_sits_beside_the_export() {
        assert_eq!(
            sidecar_path(Path::new("samples/2024-25/q2-export.xlsx")),
            PathBuf::from("samples/2024-25/q2-export.acknowledgements.csv")
        );
    }
}
