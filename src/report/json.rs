//! The machine-readable report (`--format json`).

use serde::Serialize;

use crate::definitions::Severity;
use crate::validate::{Finding, RuleRun, Validation};

#[derive(Serialize)]
struct Report<'a> {
    verdict: &'static str,
    tool_version: &'static str,
    definitions_version: &'a str,
    definitions_hash: &'a str,
    input: Input<'a>,
    period: Option<String>,
    /// The report names children's case ids so the officer can find them.
    contains_case_identifiers: bool,
    summary: Summary,
    acknowledgement_notes: &'a [String],
    rules: &'a [RuleRun],
    findings: &'a [Finding],
}

#[derive(Serialize)]
struct Input<'a> {
    file: &'a str,
    sha256: &'a str,
}

#[derive(Serialize)]
struct Summary {
    errors: usize,
    warnings: usize,
    info: usize,
}

/// A short machine token for the verdict.
pub fn verdict_token(v: &Validation) -> &'static str {
    if v.internal_failures() > 0 {
        "incomplete"
    } else if v.has_errors() {
        "errors"
    } else if v
        .findings
        .iter()
        .any(|f| f.severity == Severity::Warning && f.acknowledged.is_none())
    {
        "warnings"
    } else {
        "passed"
    }
}

pub fn render(v: &Validation, file: &str) -> String {
    let report = Report {
        verdict: verdict_token(v),
        tool_version: env!("CARGO_PKG_VERSION"),
        definitions_version: &v.definitions_version,
        definitions_hash: &v.definitions_hash,
        input: Input {
            file,
            sha256: &v.sha256,
        },
        period: v.period.map(|p| p.to_string()),
        contains_case_identifiers: true,
        summary: Summary {
            errors: v.count(Severity::Error),
            warnings: v.count(Severity::Warning),
            info: v.count(Severity::Info),
        },
        acknowledgement_notes: &v.acknowledgement_notes,
        rules: &v.rules,
        findings: &v.findings,
    };
    let mut s = serde_json::to_string_pretty(&report).expect("serialisable");
    s.push('\n');
    s
}

/// The JSON for a file that could not be read at all.
pub fn unreadable(file: &str, code: &str, message: &str) -> String {
    let value = serde_json::json!({
        "verdict": "unreadable",
        "tool_version": env!("CARGO_PKG_VERSION"),
        "input": {"file": file},
        "findings": [{
            "code": code, "severity": "fatal", "sheet": null, "row": null,
            "column": null, "value": null, "message": message,
        }],
    });
    let mut s = serde_json::to_string_pretty(&value).expect("serialisable");
    s.push('\n');
    s
}
