//! What `validate` learns about one export ([`Validation`]), and what its caller tells it
//! beyond the file ([`Options`]).

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;

use super::finding::Finding;
use crate::definitions::{Definitions, Severity};
use crate::export::workbook::Workbook;
use crate::period::Period;
use crate::schema::ColumnDef;
use crate::schema::row::Row;

/// What the caller knows beyond the file.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The reporting period the export is meant for, when known.
    pub period: Option<Period>,
    /// The officer asked for a provisional return: an export taken before the period ended is
    /// then allowed (noted, not an error).
    pub provisional: bool,
    /// Told each sheet as it is read and each stage after.
    pub progress: crate::progress::Progress,
    /// The day of the run, from the shell's clock (the engine never asks it): an export cannot
    /// have been taken after it (E453). Every shell gives it; without it (a test, a fuzzer)
    /// that rule does not run, and says so.
    pub today: Option<crate::date::Date>,
}

/// Whether [`validate_book`] keeps the export's cells once each row is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cells {
    /// Every cell of every sheet stays in [`Validation::workbook`]: the report workbook is
    /// made from them (the redacted copy reads the export again instead).
    Keep,
    /// Cells are dropped row by row; the workbook lists only the sheets' names.
    Drop,
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
    /// The definition's columns, in the order a [`Row`] holds their values.
    pub layout: Arc<[ColumnDef]>,
}

impl SheetData {
    /// The position of `column` in the definition, which indexes a [`Row`]'s values.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.layout.iter().position(|c| c.name == name)
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
    /// It checks the export against a reporting period, and none was given (`--period`).
    NotRun,
}

/// The rule that checks the export against the day of the run ([`Options::today`]).
pub const TODAY_RULE: &str = "E453";

/// The rules that check the export against the reporting period: they run only when one is
/// given.
pub const PERIOD_RULES: [&str; 4] = ["E450", "E451", "W452", "I454"];

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
    /// What [`check`] found in `workbook`, under `defs`.
    pub(super) fn new(
        defs: &Definitions,
        options: &Options,
        (findings, rules, sheets): (Vec<Finding>, Vec<RuleRun>, Vec<SheetData>),
        workbook: Workbook,
    ) -> Validation {
        Validation {
            sha256: workbook.sha256.clone(),
            definitions_version: defs.version.clone(),
            definitions_hash: defs.hash.clone(),
            period: options.period,
            findings,
            rules,
            sheets,
            workbook,
            acknowledgement_notes: Vec::new(),
        }
    }

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

    /// Why no return can be built from this export, if none can: an error not acknowledged,
    /// or a rule that failed inside the tool. Every shell words it its own way.
    pub fn refusal(&self) -> Option<Refusal> {
        if self.internal_failures() == 0 && !self.has_errors() {
            return None;
        }
        let blocking: Vec<&str> = self
            .findings
            .iter()
            .filter(|f| f.severity >= Severity::Error && f.acknowledged.is_none())
            .map(|f| f.code.as_str())
            .collect();
        let period_only =
            !blocking.is_empty() && blocking.iter().all(|c| *c == "E450" || *c == "E451");
        Some(if period_only {
            Refusal::Period {
                early: blocking.contains(&"E451"),
            }
        } else {
            Refusal::Errors
        })
    }

    /// The export's extract date and the quarter it most likely covers (the last one that had
    /// ended when it was taken), when its Service sheet gives the date.
    pub fn likely_period(&self) -> Option<(crate::date::Date, Period)> {
        let taken = self
            .sheet("Service")
            .and_then(|s| s.rows.first())
            .and_then(|r| r.date("extract_date"))?;
        Some((taken, Period::latest_complete(taken)))
    }
}

/// Why a return cannot be built from a validated export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The only errors say the export does not cover the period (E450, E451): the period is
    /// to be checked, not the data. `early`: the export was taken before the period ended
    /// (E451), so a provisional return could be built from it.
    Period { early: bool },
    /// Errors to fix in the case-management system (or a rule failed inside the tool).
    Errors,
}
