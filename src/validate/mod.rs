//! `validate`: apply the data dictionary to an export and list every problem.
//!
//! Per sheet: the header is matched to the schema's columns (aliases included), each data row's
//! cells are read as their column's type ([`coerce`]), and the row is checked against the
//! sheet's JSON Schema, compiled once. Rules JSON Schema cannot say (one date against another,
//! one row against another, one sheet against another) live in [`rows`] and [`cross`]. Every
//! rule has a code in the catalogue (`schemas/<version>/rules.json`) that gives its severity.

pub mod acknowledge;
pub mod coerce;
pub mod cross;
pub mod finding;
pub mod input;
pub mod records;
pub mod rows;
mod schema;

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use serde::Serialize;
use serde_json::{Map, Value};

use crate::date::Date;
use crate::definitions::{Definitions, Severity, normalise};
use crate::export::workbook::{RawSheet, Workbook};
use crate::period::Period;
pub use finding::{Finding, Related, column_letters, sheet_ref};

/// What the caller knows beyond the file.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The reporting period the export is meant for, when known.
    pub period: Option<Period>,
    /// The officer asked for a provisional return: an export taken before the period ended is
    /// then allowed (noted, not an error).
    pub provisional: bool,
}

/// A sheet of the export, matched to its definition.
#[derive(Debug, Clone)]
pub struct SheetData {
    /// Canonical name (`Interventions`).
    pub name: String,
    /// As named in the workbook (`Orders`).
    pub sheet_name: String,
    /// Canonical column name → 0-based column index in the workbook sheet.
    pub columns: HashMap<String, u32>,
    /// Canonical column name → header as typed, where it differs from the canonical name.
    pub headers: HashMap<String, String>,
    /// Columns of the definition absent from the header row.
    pub missing: Vec<String>,
    /// Data rows, read as their columns' types (blank and unreadable cells left out).
    pub rows: Vec<Row>,
}

/// One data row, as the schema sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub row: u32,
    pub values: Map<String, Value>,
}

impl Row {
    pub fn text(&self, column: &str) -> Option<&str> {
        self.values.get(column).and_then(Value::as_str)
    }

    pub fn date(&self, column: &str) -> Option<Date> {
        self.text(column).and_then(Date::parse_text)
    }

    pub fn flag(&self, column: &str) -> Option<bool> {
        self.values.get(column).and_then(Value::as_bool)
    }

    pub fn number(&self, column: &str) -> Option<f64> {
        self.values.get(column).and_then(Value::as_f64)
    }
}

/// Whether a catalogue rule was applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleStatus {
    Ran,
    /// Every sheet it reads is absent.
    NotApplicable,
    /// The rule itself failed: a defect in the tool, reported so silence never looks like a pass.
    FailedInternally,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleRun {
    pub code: String,
    pub severity: Severity,
    pub title: String,
    pub fix: String,
    pub status: RuleStatus,
    pub findings: usize,
}

/// Everything `validate` learned about one export.
#[derive(Debug)]
pub struct Validation {
    pub sha256: String,
    pub definitions_version: String,
    pub definitions_hash: String,
    pub period: Option<Period>,
    pub findings: Vec<Finding>,
    pub rules: Vec<RuleRun>,
    pub sheets: Vec<SheetData>,
    pub workbook: Workbook,
    /// Problems with the acknowledgements sidecar (lines that matched nothing, say).
    pub acknowledgement_notes: Vec<String>,
}

impl Validation {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    pub fn has_errors(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.severity >= Severity::Error && f.acknowledged.is_none())
    }

    pub fn internal_failures(&self) -> usize {
        self.rules
            .iter()
            .filter(|r| r.status == RuleStatus::FailedInternally)
            .count()
    }

    pub fn sheet(&self, name: &str) -> Option<&SheetData> {
        self.sheets.iter().find(|s| s.name == name)
    }

    /// A one-line verdict for people.
    pub fn verdict(&self) -> &'static str {
        if self.internal_failures() > 0 {
            "incomplete: some rules failed inside the tool"
        } else if self.has_errors() {
            "errors found: fix them before building the return"
        } else if self
            .findings
            .iter()
            .any(|f| f.severity == Severity::Warning && f.acknowledged.is_none())
        {
            "passed with warnings"
        } else if self.count(Severity::Warning) > 0 {
            "passed (every warning acknowledged)"
        } else {
            "passed"
        }
    }
}

/// Collects findings, filling severity from the catalogue and location from the sheet.
pub(crate) struct Collector<'d> {
    defs: &'d Definitions,
    findings: Vec<Finding>,
}

impl<'d> Collector<'d> {
    fn new(defs: &'d Definitions) -> Self {
        Collector {
            defs,
            findings: Vec::new(),
        }
    }

    /// Records a finding on `sheet` at `row`/`column` (either may be `None`).
    pub(crate) fn at(
        &mut self,
        code: &str,
        sheet: &SheetData,
        row: Option<u32>,
        column: Option<&str>,
        value: Option<String>,
        message: impl Into<String>,
    ) -> &mut Finding {
        let col_index = column.and_then(|c| sheet.columns.get(c).copied());
        let location = match (row, col_index) {
            (Some(r), Some(c)) => {
                format!("{}!{}{r}", sheet_ref(&sheet.sheet_name), column_letters(c))
            }
            (Some(r), None) => format!("{}!{r}:{r}", sheet_ref(&sheet.sheet_name)),
            _ => sheet_ref(&sheet.sheet_name),
        };
        let header = column.and_then(|c| sheet.headers.get(c).cloned());
        self.push(Finding {
            code: code.to_string(),
            severity: self.severity(code),
            sheet: Some(sheet.name.clone()),
            row,
            column: column.map(str::to_string),
            value,
            message: message.into(),
            location: Some(location),
            header,
            related: Vec::new(),
            child_id: None,
            acknowledged: None,
            sheet_name: Some(sheet.sheet_name.clone()),
            col_index,
        })
    }

    /// Records a finding about a sheet the workbook lacks (or the file as a whole).
    fn about(&mut self, code: &str, sheet: Option<&str>, message: impl Into<String>) {
        self.push(Finding {
            code: code.to_string(),
            severity: self.severity(code),
            sheet: sheet.map(str::to_string),
            row: None,
            column: None,
            value: None,
            message: message.into(),
            location: None,
            header: None,
            related: Vec::new(),
            child_id: None,
            acknowledged: None,
            sheet_name: None,
            col_index: None,
        });
    }

    fn push(&mut self, finding: Finding) -> &mut Finding {
        self.findings.push(finding);
        self.findings.last_mut().expect("just pushed")
    }

    fn severity(&self, code: &str) -> Severity {
        match self.defs.rule(code) {
            Some(rule) => rule.severity,
            None => {
                debug_assert!(false, "rule {code} is not in the catalogue");
                Severity::Error
            }
        }
    }
}

/// Applies every rule of the definitions to a workbook.
pub fn validate(workbook: Workbook, defs: &Definitions, options: &Options) -> Validation {
    let mut out = Collector::new(defs);
    let sheets = match_sheets(&workbook, defs, &mut out);
    let mut matched: Vec<SheetData> = Vec::new();
    let mut extract_date = None;
    for (def_index, raw) in sheets.iter().enumerate() {
        let Some(raw) = raw else { continue };
        let def = &defs.sheets[def_index];
        let mut sheet = match_header(raw, def, &mut out);
        schema::read_rows(raw, def, &mut sheet, extract_date, &mut out);
        if def.name == "Service" {
            extract_date = service_checks(&sheet, options, &mut out);
            extract_not_in_future(
                &sheet,
                extract_date,
                crate::date::Timestamp::now().date,
                &mut out,
            );
        }
        matched.push(sheet);
    }
    let mut failed: Vec<&'static [&'static str]> = Vec::new();
    for (codes, check) in rows::CHECKS.iter().chain(cross::CHECKS) {
        let result = catch_unwind(AssertUnwindSafe(|| check(&matched, &mut out)));
        if result.is_err() {
            failed.push(codes);
        }
    }
    let mut findings = out.findings;
    sort_findings(&mut findings, defs);
    let rules = defs
        .rules
        .iter()
        .map(|rule| {
            let applicable = rule.sheets.is_empty()
                || rule
                    .sheets
                    .iter()
                    .any(|s| matched.iter().any(|m| &m.name == s));
            let status = if failed
                .iter()
                .any(|codes| codes.contains(&rule.code.as_str()))
            {
                RuleStatus::FailedInternally
            } else if applicable {
                RuleStatus::Ran
            } else {
                RuleStatus::NotApplicable
            };
            RuleRun {
                code: rule.code.clone(),
                severity: rule.severity,
                title: rule.title.clone(),
                fix: rule.fix.clone(),
                status,
                findings: findings.iter().filter(|f| f.code == rule.code).count(),
            }
        })
        .collect();
    Validation {
        sha256: workbook.sha256.clone(),
        definitions_version: defs.version.clone(),
        definitions_hash: defs.hash.clone(),
        period: options.period,
        findings,
        rules,
        sheets: matched,
        workbook,
        acknowledgement_notes: Vec::new(),
    }
}

/// Finds each defined sheet in the workbook by normalised name or alias.
fn match_sheets<'w>(
    workbook: &'w Workbook,
    defs: &Definitions,
    out: &mut Collector<'_>,
) -> Vec<Option<&'w RawSheet>> {
    let mut found: Vec<Option<&RawSheet>> = vec![None; defs.sheets.len()];
    for raw in &workbook.sheets {
        let name = normalise(&raw.name);
        let Some(i) = defs
            .sheets
            .iter()
            .position(|d| normalise(&d.name) == name || d.aliases.contains(&name))
        else {
            continue;
        };
        if let Some(first) = found[i] {
            out.about(
                "E104",
                Some(&defs.sheets[i].name),
                format!(
                    "sheets \"{}\" and \"{}\" are both sheet {}; only the first is read",
                    first.name, raw.name, defs.sheets[i].name
                ),
            );
        } else {
            found[i] = Some(raw);
        }
    }
    for (def, raw) in defs.sheets.iter().zip(&found) {
        if raw.is_none() && def.required {
            out.about(
                "E101",
                Some(&def.name),
                format!("the workbook has no sheet named {}", def.name),
            );
        }
    }
    found
}

fn match_header(
    raw: &RawSheet,
    def: &crate::definitions::SheetDef,
    out: &mut Collector<'_>,
) -> SheetData {
    let mut sheet = SheetData {
        name: def.name.clone(),
        sheet_name: raw.name.clone(),
        columns: HashMap::new(),
        headers: HashMap::new(),
        missing: Vec::new(),
        rows: Vec::new(),
    };
    let header = raw.rows.first().filter(|r| r.row == 1);
    let mut unknown = Vec::new();
    let mut aliases_used = Vec::new();
    let mut duplicates = Vec::new();
    for (index, cell) in header
        .map(|h| h.cells.as_slice())
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        if cell.is_empty() {
            continue;
        }
        let typed = cell.display();
        let norm = normalise(&typed);
        let Some(col) = def
            .columns
            .iter()
            .find(|c| c.name == norm || c.aliases.contains(&norm))
        else {
            unknown.push((index as u32, typed));
            continue;
        };
        if sheet.columns.contains_key(&col.name) {
            duplicates.push((col.name.clone(), index as u32, typed));
            continue;
        }
        sheet.columns.insert(col.name.clone(), index as u32);
        if typed != col.name {
            sheet.headers.insert(col.name.clone(), typed.clone());
        }
        if col.name != norm {
            aliases_used.push((col.name.clone(), typed));
        }
    }
    for (name, index, typed) in duplicates {
        let first = sheet.columns[&name];
        let f = out.at(
            "E103",
            &sheet,
            Some(1),
            None,
            Some(typed.clone()),
            format!(
                "header \"{typed}\" in column {} is column {name} again (first in column {}); only the first is read",
                column_letters(index),
                column_letters(first)
            ),
        );
        f.col_index = Some(index);
        f.column = Some(name);
        f.location = Some(format!(
            "{}!{}1",
            sheet_ref(&sheet.sheet_name),
            column_letters(index)
        ));
    }
    for col in &def.columns {
        if !sheet.columns.contains_key(&col.name) {
            sheet.missing.push(col.name.clone());
        }
    }
    for name in sheet.missing.clone() {
        out.at(
            "E102",
            &sheet,
            None,
            Some(&name),
            None,
            format!("column {name} is missing from the header row (row 1)"),
        );
    }
    // One finding per sheet, on the first unknown header, naming every one with its column.
    if let Some((first, typed)) = unknown.first() {
        let list: Vec<String> = unknown
            .iter()
            .map(|(i, t)| format!("\"{t}\" ({})", column_letters(*i)))
            .collect();
        let f = out.at(
            "W110",
            &sheet,
            Some(1),
            None,
            Some(typed.clone()),
            format!(
                "{} not in the data dictionary {} ignored: {}",
                match unknown.len() {
                    1 => "1 column".to_string(),
                    n => format!("{n} columns"),
                },
                if unknown.len() == 1 { "was" } else { "were" },
                list.join(", ")
            ),
        );
        f.col_index = Some(*first);
        f.location = Some(format!(
            "{}!{}1",
            sheet_ref(&sheet.sheet_name),
            column_letters(*first)
        ));
    }
    for (name, typed) in aliases_used {
        out.at(
            "I111",
            &sheet,
            Some(1),
            Some(&name),
            Some(typed.clone()),
            format!("header \"{typed}\" was read as column {name}"),
        );
    }
    if let Some((row, col)) = raw.first_formula {
        let f = out.at(
            "W112",
            &sheet,
            Some(row),
            None,
            None,
            format!(
                "the sheet holds {} formula cell(s); their last calculated values were used (a formula never calculated reads as blank)",
                raw.formula_count
            ),
        );
        f.col_index = Some(col);
        f.location = Some(format!(
            "{}!{}{row}",
            sheet_ref(&sheet.sheet_name),
            column_letters(col)
        ));
        f.column = sheet
            .columns
            .iter()
            .find(|(_, i)| **i == col)
            .map(|(n, _)| n.clone());
    }
    sheet
}

/// Service must hold one row; its extract_date bounds every other date.
fn service_checks(sheet: &SheetData, options: &Options, out: &mut Collector<'_>) -> Option<Date> {
    match sheet.rows.as_slice() {
        [] => {
            out.at(
                "E105",
                sheet,
                None,
                None,
                None,
                "sheet Service has no data row; it needs exactly one",
            );
            return None;
        }
        [_] => {}
        [_, extra @ ..] => {
            for row in extra {
                out.at(
                    "E105",
                    sheet,
                    Some(row.row),
                    None,
                    None,
                    "sheet Service must hold exactly one row; this extra row was ignored",
                );
            }
        }
    }
    let first = &sheet.rows[0];
    let extract = first.date("extract_date");
    if let (Some(extract), Some(period)) = (extract, options.period) {
        period_against_extract(sheet, first.row, extract, period, options.provisional, out);
    }
    extract
}

/// The export must cover the period asked for: a period that starts after the export was taken
/// is always an error (most often a mistyped period); one that ends after it is an error
/// unless the return is provisional (return-format.md).
fn period_against_extract(
    sheet: &SheetData,
    row: u32,
    extract: Date,
    period: Period,
    provisional: bool,
    out: &mut Collector<'_>,
) {
    let taken = extract.long();
    if extract < period.start() {
        let likely = Period::latest_complete(extract);
        out.at(
            "E450",
            sheet,
            Some(row),
            Some("extract_date"),
            Some(extract.to_string()),
            format!(
                "the export was taken on {taken}, before {period} began on {}: check the \
                 period (this export most likely covers {likely})",
                period.start().long()
            ),
        );
    } else if extract < period.end() {
        let (code, consequence) = if provisional {
            (
                "I452",
                "the return is provisional: its figures will change once the quarter is complete",
            )
        } else {
            (
                "E451",
                "its figures would be incomplete: take a new export after the quarter closes, \
                 or add --provisional for an early look",
            )
        };
        out.at(
            code,
            sheet,
            Some(row),
            Some("extract_date"),
            Some(extract.to_string()),
            format!(
                "the export was taken on {taken}, before {period} ended on {}: {consequence}",
                period.end().long()
            ),
        );
    }
}

/// E453: an export cannot have been taken in the future, and a far-future extract_date
/// (9999-12-31) would switch off every "date after the extract date" check. One day of slack
/// allows for an export taken just after midnight in the UK, before UTC's midnight.
fn extract_not_in_future(
    sheet: &SheetData,
    extract: Option<Date>,
    today: Date,
    out: &mut Collector<'_>,
) {
    let Some(extract) = extract.filter(|d| *d > today.add_days(1)) else {
        return;
    };
    let row = sheet.rows.first().map(|r| r.row);
    out.at(
        "E453",
        sheet,
        row,
        Some("extract_date"),
        Some(extract.to_string()),
        format!("the export cannot have been taken on {extract}, after today ({today})"),
    );
}

fn sort_findings(findings: &mut [Finding], defs: &Definitions) {
    let order = |f: &Finding| {
        f.sheet
            .as_ref()
            .and_then(|s| defs.sheets.iter().position(|d| &d.name == s))
            .map_or(0, |i| i + 1)
    };
    findings.sort_by(|a, b| {
        (
            order(a),
            a.row.unwrap_or(0),
            a.col_index.unwrap_or(0),
            &a.code,
        )
            .cmp(&(
                order(b),
                b.row.unwrap_or(0),
                b.col_index.unwrap_or(0),
                &b.code,
            ))
    });
}

#[cfg(test)]
mod tests;
