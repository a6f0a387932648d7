//! The terminal summary: a verdict and counts, the findings grouped by sheet with how to fix
//! each, then the findings per rule folded onto a line or two.
//!
//! Only ASCII punctuation of the tool's own: a council laptop's console may use a code page in
//! which "…" or box-drawing characters come out as `?`.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use crate::definitions::Severity;
use crate::validate::{Finding, RuleStatus, Validation};

/// How many findings the terminal shows unless asked for all.
pub const DEFAULT_LIMIT: usize = 40;

/// Width the folded "By rule" line wraps at.
const WIDTH: usize = 100;

/// One finding on one line: `ERROR E201 Interventions!E17 end_date "2024-13-01": not a date`.
pub fn line(f: &Finding) -> String {
    let mut s = format!("{} {}", f.severity.label(), f.code);
    match (&f.location, &f.sheet) {
        (Some(loc), _) => write!(s, " {loc}").unwrap(),
        (None, Some(sheet)) => write!(s, " {sheet}").unwrap(),
        _ => {}
    }
    if let Some(col) = f.header.as_ref().or(f.column.as_ref())
        && f.row.is_some()
    {
        write!(s, " {col}").unwrap();
    }
    if let Some(v) = &f.value {
        write!(s, " {v:?}").unwrap();
    }
    write!(s, ": {}", f.message).unwrap();
    if !f.record.is_empty() {
        let keys: Vec<String> = f
            .record
            .iter()
            .map(|(column, value)| format!("{column} {}", cut(value, RECORD_CHARS)))
            .collect();
        write!(s, " [{}]", keys.join(", ")).unwrap();
    }
    if !f.related.is_empty() {
        let also: Vec<&str> = f.related.iter().map(|r| r.location.as_str()).collect();
        write!(s, " [also {}]", also.join(", ")).unwrap();
    }
    if let Some(why) = &f.acknowledged {
        write!(s, " (acknowledged: {why})").unwrap();
    }
    s
}

/// The most of one key of a finding's record the terminal shows: ids are a few characters.
const RECORD_CHARS: usize = 40;

/// `text` cut to `most` characters, `...` saying so.
fn cut(text: &str, most: usize) -> String {
    if text.chars().count() <= most {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(most).collect();
    cut.push_str("...");
    cut
}

/// `1 error`, `2 errors`.
pub fn count(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The start of a hash, enough to tell two apart.
fn short(hash: &str) -> String {
    hash.chars().take(12).collect()
}

/// The heading of a sheet's findings: the canonical name, and the name as typed when the
/// export calls it something else (`Interventions (sheet "Orders")`).
fn heading(f: &Finding) -> String {
    match (&f.sheet, &f.sheet_name) {
        (Some(sheet), Some(typed)) if typed != sheet => {
            format!("{sheet} (sheet \"{}\")", crate::text::cut(typed))
        }
        (Some(sheet), _) => sheet.clone(),
        (None, _) => "(the file)".to_string(),
    }
}

/// The whole terminal report. `limit` caps the findings listed (`None`: all).
pub fn render(v: &Validation, file: &str, limit: Option<usize>) -> String {
    let mut s = String::new();
    let period = v
        .period
        .map(|p| format!(", period {p}"))
        .unwrap_or_default();
    writeln!(s, "{file}").unwrap();
    writeln!(
        s,
        "  definitions {} ({}...){period}, input sha256 {}...",
        v.definitions_version,
        short(&v.definitions_hash),
        short(&v.sha256)
    )
    .unwrap();
    writeln!(s, "Verdict: {}", v.verdict()).unwrap();
    writeln!(
        s,
        "  {}, {}, {}",
        count(v.count(Severity::Error), "error"),
        count(v.count(Severity::Warning), "warning"),
        count(v.count(Severity::Info), "note")
    )
    .unwrap();
    for rule in v
        .rules
        .iter()
        .filter(|r| r.status == RuleStatus::FailedInternally)
    {
        writeln!(
            s,
            "  rule {} failed inside the tool: please report this",
            rule.code
        )
        .unwrap();
    }
    if !v.acknowledgement_notes.is_empty() {
        writeln!(
            s,
            "\nAcknowledgements not applied (correct or delete these lines):"
        )
        .unwrap();
        for note in &v.acknowledgement_notes {
            writeln!(s, "  {note}").unwrap();
        }
    }
    if v.findings.is_empty() {
        return s;
    }
    let fixes: HashMap<&str, &str> = v
        .rules
        .iter()
        .map(|r| (r.code.as_str(), r.fix.as_str()))
        .collect();
    let shown = limit.unwrap_or(usize::MAX).min(v.findings.len());
    let mut group: Option<String> = None;
    for f in v.findings.iter().take(shown) {
        let this = heading(f);
        if group.as_ref() != Some(&this) {
            writeln!(s, "\n{this}").unwrap();
            group = Some(this);
        }
        writeln!(s, "  {}", line(f)).unwrap();
        if let Some(fix) = fixes.get(f.code.as_str()).filter(|x| !x.is_empty()) {
            writeln!(s, "    fix: {fix}").unwrap();
        }
    }
    if shown < v.findings.len() {
        writeln!(
            s,
            "\n...and {} more (--all lists every finding; --report FILE.xlsx writes them all for Excel)",
            v.findings.len() - shown
        )
        .unwrap();
    }
    let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &v.findings {
        *by_rule.entry(f.code.as_str()).or_default() += 1;
    }
    let counts: Vec<String> = by_rule
        .iter()
        .map(|(code, n)| format!("{code} ({n})"))
        .collect();
    s.push('\n');
    s.push_str(&fold("By rule:", &counts));
    s
}

/// `label` followed by `items` separated by commas, wrapped at [`WIDTH`] with continuation
/// lines indented.
fn fold(label: &str, items: &[String]) -> String {
    let mut out = String::new();
    let mut line = label.to_string();
    for (i, item) in items.iter().enumerate() {
        let piece = if i + 1 < items.len() {
            format!("{item},")
        } else {
            item.clone()
        };
        if line.len() + 1 + piece.len() > WIDTH && line.trim_start() != label {
            out.push_str(&line);
            out.push('\n');
            line = "  ".to_string();
        } else {
            line.push(' ');
        }
        line.push_str(&piece);
    }
    out.push_str(&line);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_say_one_and_many() {
        assert_eq!(count(0, "error"), "0 errors");
        assert_eq!(count(1, "note"), "1 note");
        assert_eq!(count(2, "warning"), "2 warnings");
    }

    #[test]
    fn by_rule_folds_onto_as_few_lines_as_fit() {
        let items: Vec<String> = (0..3).map(|i| format!("E20{i} (1)")).collect();
        assert_eq!(
            fold("By rule:", &items),
            "By rule: E200 (1), E201 (1), E202 (1)\n"
        );
        // 20 items of 10 characters with their comma: 9 fit after the label, then 9 more.
        let items: Vec<String> = (10..30).map(|i| format!("E2{i} (1)")).collect();
        let folded = fold("By rule:", &items);
        let lines: Vec<&str> = folded.lines().collect();
        assert_eq!(lines.len(), 3, "{folded}");
        assert!(lines.iter().all(|l| l.len() <= WIDTH), "{folded}");
        assert!(lines[1].starts_with("  E2"), "{folded}");
        assert!(folded.ends_with("E229 (1)\n"), "{folded}");
    }

    #[test]
    fn headings_name_the_sheet_as_typed_when_it_differs() {
        let mut f = Finding {
            code: "E201".into(),
            severity: Severity::Error,
            sheet: Some("Interventions".into()),
            row: Some(2),
            column: None,
            value: None,
            message: "m".into(),
            location: None,
            header: None,
            related: Vec::new(),
            child_id: None,
            record: Vec::new(),
            acknowledged: None,
            sheet_name: Some("Orders".into()),
            col_index: None,
        };
        assert_eq!(heading(&f), "Interventions (sheet \"Orders\")");
        f.sheet_name = Some("Interventions".into());
        assert_eq!(heading(&f), "Interventions");
        f.sheet_name = None;
        assert_eq!(heading(&f), "Interventions");
        f.sheet = None;
        assert_eq!(heading(&f), "(the file)");
    }

    #[test]
    fn a_line_names_the_record_to_fix_each_key_cut_to_a_sensible_length() {
        let mut f = Finding {
            code: "E301".into(),
            severity: Severity::Error,
            sheet: Some("Interventions".into()),
            row: Some(2),
            column: Some("end_date".into()),
            value: Some("2024-02-01".into()),
            message: "end_date is before start_date".into(),
            location: Some("Interventions!E2".into()),
            header: None,
            related: Vec::new(),
            child_id: Some("C1".into()),
            record: vec![
                ("intervention_id".into(), "I-1".into()),
                ("child_id".into(), "C1".into()),
            ],
            acknowledged: None,
            sheet_name: Some("Interventions".into()),
            col_index: Some(4),
        };
        assert_eq!(
            line(&f),
            "ERROR E301 Interventions!E2 end_date \"2024-02-01\": end_date is before start_date \
             [intervention_id I-1, child_id C1]"
        );
        f.record[0].1 = "é".repeat(200);
        let shown = line(&f);
        assert!(
            shown.ends_with(&format!(
                ": end_date is before start_date [intervention_id {}..., child_id C1]",
                "é".repeat(40)
            )),
            "{shown}"
        );
        f.record.clear();
        assert!(line(&f).ends_with("start_date"), "{}", line(&f));
    }
}
