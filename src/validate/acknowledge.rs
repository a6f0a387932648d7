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
        let length = explanation.chars().count();
        if length > MAX_EXPLANATION_CHARS {
            return Err(err(format!(
                "the explanation is {length} characters long; keep it under \
                 {MAX_EXPLANATION_CHARS} (it is printed on the return's cover)"
            )));
        }
        let row = match record[2].trim() {
            "" => None,
            r => Some(r.parse::<u32>().map_err(|_| {
                err(format!(
                    "row \"{}\" is not a row number",
                    crate::cut::cut(r)
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
/// manifest.json, so one that holds an identifier of this export, a date or what looks like
/// a person's name is flagged on the finding it acknowledges. It cannot itself be
/// acknowledged: the fix is to reword the explanation.
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
        let Some(why) = identifying(explanation, &ids) else {
            continue;
        };
        warnings.push(Finding {
            code: "W460".to_string(),
            severity: Severity::Warning,
            value: None,
            message: format!(
                "the explanation acknowledging {} here contains {why}: explanations go to the \
                 YJB in return.xlsx and manifest.json, so describe the case without \
                 identifiers, dates or names",
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

/// Words that begin with a capital in an explanation without being anyone's name: the
/// services, courts and plans a youth justice officer writes about.
const NOT_NAMES: &[&str] = &[
    "youth",
    "justice",
    "service",
    "services",
    "court",
    "courts",
    "crown",
    "magistrates",
    "team",
    "panel",
    "board",
    "council",
    "county",
    "city",
    "borough",
    "police",
    "probation",
    "health",
    "education",
    "social",
    "care",
    "children",
    "children's",
    "early",
    "help",
    "order",
    "referral",
    "rehabilitation",
    "plan",
    "support",
    "foster",
    "home",
    "school",
    "college",
    "camhs",
    "nhs",
    "yjb",
    "yjs",
    "send",
    "ehcp",
    "neet",
    "the",
    "a",
    "an",
    "this",
    "that",
    "he",
    "she",
    "they",
    "we",
    "it",
    "his",
    "her",
    "their",
    "on",
    "in",
    "at",
    "after",
    "before",
    "since",
    "until",
    "during",
    "local",
    "authority",
    "emergency",
    "placement",
    "unit",
    "centre",
    "center",
    "secure",
    "training",
    "institution",
    "accommodation",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "england",
    "wales",
    "mental",
    "substance",
    "misuse",
    "victim",
    "victims",
    "officer",
    "manager",
    "worker",
    "case",
    "assessment",
    "agreed",
    "confirmed",
];

const TITLES: &[&str] = &["mr", "mrs", "ms", "miss", "mx", "dr", "master"];

const MONTHS: &[&str] = &[
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Why an explanation looks like it identifies someone, if it does: the first identifier of
/// the export, date or name-like pair of words found in it, quoted.
fn identifying(explanation: &str, ids: &HashSet<&str>) -> Option<String> {
    let words: Vec<&str> = explanation
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .collect();
    // An identifier: the word, or a run of letters and digits inside it. A bare number of one
    // or two digits is too common in prose to say ("2 weeks").
    for word in &words {
        let pieces = std::iter::once(*word).chain(word.split(|c: char| !c.is_alphanumeric()));
        for piece in pieces {
            let distinctive = piece.chars().count() >= 3
                || (piece.chars().any(char::is_alphabetic)
                    && piece.chars().any(|c| c.is_ascii_digit()));
            if distinctive && ids.contains(piece) {
                return Some(format!("\"{piece}\", an identifier in this export"));
            }
        }
    }
    // A date: three numbers separated by / - or . (12/03/2009, 2009-03-12), or a day or
    // year beside a month's name (12 March, March 2009).
    for (i, word) in words.iter().enumerate() {
        let parts: Vec<&str> = word.split(['/', '-', '.']).collect();
        if parts.len() == 3
            && parts
                .iter()
                .all(|p| (1..=4).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
        {
            return Some(format!("\"{word}\", which looks like a date"));
        }
        if MONTHS.contains(&word.to_lowercase().as_str()) {
            let number = |w: Option<&&str>, max: u32| {
                w.map(|w| w.trim_end_matches(|c: char| c.is_alphabetic()))
                    .and_then(|w| w.parse::<u32>().ok())
                    .is_some_and(|n| (1..=max).contains(&n))
            };
            let day_before = i > 0 && number(words.get(i - 1), 31);
            let year_after =
                number(words.get(i + 1), 2100) && words.get(i + 1).is_some_and(|w| w.len() == 4);
            if day_before || year_after {
                let from = if day_before { i - 1 } else { i };
                let to = if year_after { i + 1 } else { i };
                return Some(format!(
                    "\"{}\", which looks like a date",
                    words[from..=to].join(" ")
                ));
            }
        }
    }
    // A name: a title and a capitalised word (Mr Smith), or two capitalised words that are
    // not the start of a sentence and not the usual names of services (Jamie Smith).
    let capitalised = |w: &str| {
        let mut chars = w.chars();
        chars.next().is_some_and(char::is_uppercase)
            && w.chars().count() >= 2
            && chars.all(|c| c.is_lowercase() || c == '\'' || c == '-')
    };
    let ordinary = |w: &str| {
        let w = w.to_lowercase();
        NOT_NAMES.contains(&w.as_str()) || MONTHS.contains(&w.as_str())
    };
    let raw: Vec<&str> = explanation.split_whitespace().collect();
    for i in 1..words.len() {
        let (a, b) = (words[i - 1], words[i]);
        if TITLES.contains(&a.to_lowercase().as_str()) && capitalised(b) {
            return Some(format!("\"{a} {b}\", which looks like a name"));
        }
        let sentence_start = i == 1
            || raw
                .get(i - 2)
                .is_some_and(|w| w.ends_with(['.', '!', '?', ':']));
        let joined = !raw
            .get(i - 1)
            .is_some_and(|w| w.ends_with([',', ';', '.', ':']));
        if capitalised(a)
            && capitalised(b)
            && joined
            && !sentence_start
            && !ordinary(a)
            && !ordinary(b)
        {
            return Some(format!("\"{a} {b}\", which looks like a name"));
        }
    }
    None
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
            err.to_string()
                .starts_with("a.csv line 2: the explanation is 2001 characters"),
            "{err}"
        );
    }

    #[test]
    fn identifiers_dates_and_names_are_noticed_in_explanations() {
        let ids: HashSet<&str> = ["C1234", "2", "INT-0001", "55501"].into_iter().collect();
        let flagged = |text: &str| identifying(text, &ids);
        for (text, found) in [
            ("Placed with C1234's aunt.", "\"C1234\", an identifier"),
            ("See INT-0001 for the order.", "\"INT-0001\", an identifier"),
            ("Episode 55501 ended early", "\"55501\", an identifier"),
            (
                "Born 12/03/2009, placed in emergency foster care",
                "\"12/03/2009\", which looks like a date",
            ),
            ("Moved on 2024-07-01 to supported housing", "\"2024-07-01\""),
            (
                "Placement agreed on 12 March after review",
                "\"12 March\", which looks like a date",
            ),
            ("Placement agreed in March 2024 by panel", "\"March 2024\""),
            (
                "Lives with Mrs Okafor, a kinship carer",
                "\"Mrs Okafor\", which looks like a name",
            ),
            (
                "Placed with Jamie Smith temporarily",
                "\"Jamie Smith\", which looks like a name",
            ),
        ] {
            let why = flagged(text).unwrap_or_else(|| panic!("not flagged: {text}"));
            assert!(why.contains(found), "{text}: {why}");
        }
        for text in [
            "Emergency foster bed, judged suitable by the panel",
            "Youth Court agreed the Referral Order plan after 2 weeks",
            "Early Help and Social Care confirmed the plan. Health visits weekly.",
            "Suitable: the NHS unit is a secure children's home",
            "May be reviewed next quarter",
        ] {
            assert_eq!(flagged(text), None, "{text}");
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
