//! Sheet "Summary": the facts of the run (export, hashes, period, definitions, tool, verdict,
//! what the copies hold), the counts by severity, the acknowledgements that changed nothing,
//! and every rule with its status and number of findings.
//!
//! Invariant: counts are written as numbers; every fact wraps within the table's width, so the
//! printed page is never widened by a long value.

use rust_xlsxwriter::{Workbook, XlsxError};

use super::Report;
use super::cells::{fit_rows, table, wrapped_lines};
use super::has_findings;
use super::style::{notice, severity_word};
use crate::definitions::Severity;
use crate::excel::cell_text as xml_safe;
use crate::export::workbook::RawSheet;
use crate::validate::{RuleStatus, Validation};

impl Report<'_> {
    /// Summary: the facts of the run, the counts, acknowledgements not applied, and every rule
    /// with its status and number of findings.
    pub(super) fn summary(&self, wb: &mut Workbook) -> Result<(), XlsxError> {
        let (v, file, styles, page) = (self.v, self.file, &self.styles, &self.page);
        let ws = wb.add_worksheet().set_name("Summary")?;
        let widths = [22.0, 10.0, 70.0, 28.0, 10.0];
        for (col, width) in widths.iter().enumerate() {
            ws.set_column_width(col as u16, *width)?;
        }
        ws.write_string_with_format(0, 0, "Validation summary", &styles.title)?;
        notice(ws, 1, widths.len() as u16, styles)?;
        let facts = [
            ("Export", file.to_string()),
            ("Input SHA-256", v.sha256.clone()),
            (
                "Period",
                v.period
                    .map(|p| p.to_string())
                    .unwrap_or_else(|| "(not given)".into()),
            ),
            ("Definitions version", v.definitions_version.clone()),
            ("Definitions SHA-256", v.definitions_hash.clone()),
            (
                "Tool version",
                format!("yjb-return {}", env!("CARGO_PKG_VERSION")),
            ),
            ("Verdict", v.verdict().to_string()),
            ("Copies of the export", copies_fact(v)),
        ];
        let mut row = 3u32;
        for (k, val) in &facts {
            ws.write_string_with_format(row, 0, *k, &styles.bold)?;
            // Across the table's width and wrapped: text running on past it would widen the
            // printed page, and so shrink it.
            let val = xml_safe(val);
            fit_rows(ws, row, wrapped_lines(&val, widths[1..].iter().sum()))?;
            ws.merge_range(row, 1, row, 4, &val, &styles.wrap)?;
            row += 1;
        }
        // Counts are numbers, so Excel neither flags them as text nor refuses to add them up.
        for (k, severity) in [
            ("Errors", Severity::Error),
            ("Warnings", Severity::Warning),
            ("Notes", Severity::Info),
        ] {
            ws.write_string_with_format(row, 0, k, &styles.bold)?;
            ws.write_number_with_format(row, 1, v.count(severity) as f64, &styles.top)?;
            row += 1;
        }
        if !v.acknowledgement_notes.is_empty() {
            row += 1;
            // Nothing beside it, so the heading runs on across the empty cells to its right.
            ws.write_string_with_format(
            row,
            0,
            "Acknowledgements not applied: these lines of the acknowledgements file changed nothing; correct or delete them",
            &styles.bold,
        )?;
            row += 1;
            for note in &v.acknowledgement_notes {
                let note = xml_safe(note);
                fit_rows(ws, row, wrapped_lines(&note, widths[1..].iter().sum()))?;
                ws.merge_range(row, 1, row, 4, &note, &styles.wrap)?;
                row += 1;
            }
        }
        let top = row + 1;
        for (i, rule) in v.rules.iter().enumerate() {
            let row = top + 1 + i as u32;
            ws.write_string_with_format(row, 0, &rule.code, &styles.top)?;
            ws.write_string_with_format(
                row,
                1,
                severity_word(rule.severity),
                styles.fill(rule.severity, false),
            )?;
            fit_rows(ws, row, wrapped_lines(&rule.title, widths[2]))?;
            ws.write_string_with_format(row, 2, &rule.title, &styles.wrap)?;
            ws.write_string_with_format(
                row,
                3,
                match rule.status {
                    RuleStatus::Ran => "ran",
                    RuleStatus::NotApplicable => "not applicable (sheet absent)",
                    RuleStatus::FailedInternally => "FAILED INSIDE THE TOOL",
                    RuleStatus::NotRun => "not run (needs --period)",
                },
                &styles.top,
            )?;
            ws.write_number_with_format(row, 4, rule.findings as f64, &styles.top)?;
        }
        ws.add_table(
            top,
            0,
            top + v.rules.len().max(1) as u32,
            4,
            &table(&["Rule", "Severity", "What it checks", "Status", "Findings"]),
        )?;
        page.apply(ws, "Validation summary", top)?;
        Ok(())
    }
}

/// What the copies of the export hold, and which sheets have none.
pub(super) fn copies_fact(v: &Validation) -> String {
    let (with, without): (Vec<&RawSheet>, Vec<&RawSheet>) =
        v.workbook.sheets.iter().partition(|s| has_findings(v, s));
    let names = |sheets: &[&RawSheet]| -> Vec<String> {
        sheets
            .iter()
            .map(|s| s.name.chars().take(40).collect())
            .collect()
    };
    let mut fact = if with.is_empty() {
        "none: no finding is on a sheet".to_string()
    } else {
        format!(
            "{}: the header and the rows with findings, at their own row numbers (the rows \
             between are hidden)",
            crate::text::list(&names(&with), 10)
        )
    };
    if !without.is_empty() {
        fact.push_str(&format!(
            "; no findings on {}",
            crate::text::list(&names(&without), 10)
        ));
    }
    fact
}
