//! The terminal summary: a verdict, counts, and findings grouped by sheet.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::definitions::Severity;
use crate::validate::{Finding, RuleStatus, Validation};

/// How many findings the terminal shows unless asked for all.
pub const DEFAULT_LIMIT: usize = 40;

/// One finding on one line: `ERROR E201 Interventions!E17 end_date "2024-13-01": not a date`.
pub fn line(f: &Finding) -> String {
    let mut s = format!("{} {}", f.severity.label(), f.code);
    match (&f.location, &f.sheet) {
        (Some(loc), _) => write!(s, " {loc}").unwrap(),
        (None, Some(sheet)) => write!(s, " {sheet}").unwrap(),
        _ => {}
    }
    if let Some(col) = f.header.as_ref().or(f.column.as_ref()) {
        if f.row.is_some() {
            write!(s, " {col}").unwrap();
        }
    }
    if let Some(v) = &f.value {
        write!(s, " {v:?}").unwrap();
    }
    write!(s, ": {}", f.message).unwrap();
    if !f.related.is_empty() {
        let also: Vec<&str> = f.related.iter().map(|r| r.location.as_str()).collect();
        write!(s, " [also {}]", also.join(", ")).unwrap();
    }
    if let Some(why) = &f.acknowledged {
        write!(s, " (acknowledged: {why})").unwrap();
    }
    s
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
        "  definitions {} ({}…){period}, input sha256 {}…",
        v.definitions_version,
        &v.definitions_hash[..12],
        &v.sha256[..12]
    )
    .unwrap();
    writeln!(s, "Verdict: {}", v.verdict()).unwrap();
    writeln!(
        s,
        "  {} error(s), {} warning(s), {} note(s)",
        v.count(Severity::Error),
        v.count(Severity::Warning),
        v.count(Severity::Info)
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
    if v.findings.is_empty() {
        return s;
    }
    let mut by_rule: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for f in &v.findings {
        let title = v
            .rules
            .iter()
            .find(|r| r.code == f.code)
            .map_or("", |r| r.title.as_str());
        *by_rule.entry((f.code.as_str(), title)).or_default() += 1;
    }
    writeln!(s, "\nBy rule:").unwrap();
    for ((code, title), n) in by_rule {
        writeln!(s, "  {code} {n:>5}  {title}").unwrap();
    }
    let shown = limit.unwrap_or(usize::MAX).min(v.findings.len());
    let mut sheet: Option<&str> = None;
    for f in &v.findings[..shown] {
        let this = f.sheet.as_deref().unwrap_or("(file)");
        if sheet != Some(this) {
            writeln!(s, "\n{this}").unwrap();
            sheet = Some(this);
        }
        writeln!(s, "  {}", line(f)).unwrap();
    }
    if shown < v.findings.len() {
        writeln!(
            s,
            "\n…and {} more (--all lists every finding; --report FILE.xlsx writes them all for Excel)",
            v.findings.len() - shown
        )
        .unwrap();
    }
    s
}
