//! `validate`: apply the data dictionary to an export and list every problem.
//!
//! The export is streamed one sheet at a time, in the definitions' order (so `Service`'s
//! `extract_date` is known before other sheets' dates are checked), one row at a time: the
//! header is matched to the schema's columns (aliases included), each data row's cells are
//! read as their column's type ([`coerce`]) and checked against the sheet's JSON Schema,
//! compiled once ([`schema`]), and the row is kept as typed values ([`Row`]) while its cells
//! are dropped. Rules JSON Schema cannot say (one date against another, one row against
//! another, one sheet against another) live in [`rows`] and [`cross`]. Every rule has a code
//! in the catalogue (`schemas/<version>/rules.json`) that gives its severity.

pub mod acknowledge;
pub mod coerce;
pub mod cross;
pub mod finding;
mod identifying;
pub mod input;
pub mod record;
pub mod records;
mod row;
pub mod rows;
pub mod schema;
mod sheet;

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use serde::Serialize;

use crate::cut::cut;
use crate::date::Date;
use crate::definitions::{ColumnDef, Definitions, Severity, normalise};
use crate::export::workbook::{
    self, Book, Cell, CellRef, Formulas, RawRow, RawSheet, ReadError, Workbook,
};
use crate::period::Period;
pub use finding::{Finding, Related, column_letters, sheet_ref};
pub use row::{Row, Value};

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
    fn new(
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

    /// Records a finding on `sheet` at `row`/`column` (either may be `None`). The value is
    /// [`cut`](crate::cut::cut) here, so that no finding holds a long cell whole.
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
            value: value.map(crate::cut::cut_owned),
            message: message.into(),
            location: Some(location),
            header,
            related: Vec::new(),
            child_id: None,
            record: Vec::new(),
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
            record: Vec::new(),
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

/// Applies every rule of the definitions to a workbook whose cells are already in memory.
/// The workbook is kept whole in the result.
pub fn validate(workbook: Workbook, defs: &Definitions, options: &Options) -> Validation {
    let names: Vec<String> = workbook.sheets.iter().map(|s| s.name.clone()).collect();
    let mut read = |index: usize, visit: &mut dyn FnMut(u32, &[CellRef<'_>])| {
        let Some(sheet) = workbook.sheets.get(index) else {
            return Ok(Formulas::default());
        };
        for raw in &sheet.rows {
            let cells: Vec<CellRef<'_>> = raw.cells.iter().map(Cell::as_ref).collect();
            visit(raw.row, &cells);
        }
        Ok(Formulas {
            first: sheet.first_formula,
            count: sheet.formula_count,
        })
    };
    match check::<std::convert::Infallible>(&names, &mut read, defs, options, false) {
        Ok((findings, rules, sheets, _)) => {
            Validation::new(defs, options, (findings, rules, sheets), workbook)
        }
        Err(never) => match never {},
    }
}

/// Streams the workbook in `bytes` through every rule of the definitions (see
/// [`validate_book`]).
pub fn validate_file(
    bytes: &[u8],
    defs: &Definitions,
    options: &Options,
    cells: Cells,
) -> Result<Validation, ReadError> {
    validate_book(workbook::open(bytes)?, defs, options, cells)
}

/// Streams an opened workbook through every rule of the definitions. Only the sheets the
/// definitions name are read, unless every cell is to be kept.
pub fn validate_book(
    mut book: Book<'_>,
    defs: &Definitions,
    options: &Options,
    cells: Cells,
) -> Result<Validation, ReadError> {
    let names = book.sheet_names().to_vec();
    let progress = &options.progress;
    let mut read = |index: usize, visit: &mut dyn FnMut(u32, &[CellRef<'_>])| {
        progress.reading(names.get(index).map_or("", String::as_str));
        let mut rows = 0u64;
        book.rows(index, &mut |row, cells| {
            rows += 1;
            progress.row(rows);
            visit(row, cells);
        })
    };
    let (findings, rules, sheets, kept) =
        check(&names, &mut read, defs, options, cells == Cells::Keep)?;
    let workbook = Workbook {
        sha256: book.sha256().to_string(),
        sheets: kept,
    };
    Ok(Validation::new(
        defs,
        options,
        (findings, rules, sheets),
        workbook,
    ))
}

/// Reads sheet `index` of the workbook, handing each non-blank row to the visitor.
type ReadSheet<'a, E> =
    dyn FnMut(usize, &mut dyn FnMut(u32, &[CellRef<'_>])) -> Result<Formulas, E> + 'a;

/// What [`check`] learned: the findings (sorted), every rule's run, the matched sheets, and
/// every sheet of the workbook (with its cells when they were kept).
type Checked = (Vec<Finding>, Vec<RuleRun>, Vec<SheetData>, Vec<RawSheet>);

/// The per-sheet loop, then the rules across rows and sheets.
fn check<E>(
    names: &[String],
    read: &mut ReadSheet<'_, E>,
    defs: &Definitions,
    options: &Options,
    keep_cells: bool,
) -> Result<Checked, E> {
    let mut out = Collector::new(defs);
    let found = match_sheets(names, defs, &mut out);
    let mut kept: Vec<RawSheet> = names
        .iter()
        .map(|name| RawSheet {
            name: name.clone(),
            rows: Vec::new(),
            first_formula: None,
            formula_count: 0,
        })
        .collect();
    let mut matched: Vec<SheetData> = Vec::new();
    let mut extract_date = None;
    for (def, index) in defs.sheets.iter().zip(&found) {
        let Some(index) = *index else { continue };
        let mut cells = keep_cells.then(Vec::new);
        let (sheet, formulas) = sheet::read(
            &names[index],
            def,
            extract_date,
            &mut |visit| read(index, visit),
            cells.as_mut(),
            &mut out,
        )?;
        if def.name == "Service" {
            extract_date = service_checks(&sheet, options, &mut out);
            extract_not_in_future(
                &sheet,
                extract_date,
                crate::date::Timestamp::now().date,
                &mut out,
            );
        }
        kept[index].first_formula = formulas.first;
        kept[index].formula_count = formulas.count;
        kept[index].rows = cells.unwrap_or_default();
        matched.push(sheet);
    }
    if keep_cells {
        // The report copies every sheet, those the definitions do not know included.
        for (index, sheet) in kept.iter_mut().enumerate() {
            if !found.contains(&Some(index)) {
                let mut rows = Vec::new();
                let formulas = read(index, &mut |row, cells| {
                    rows.push(RawRow::from_cells(row, cells))
                })?;
                sheet.rows = rows;
                sheet.first_formula = formulas.first;
                sheet.formula_count = formulas.count;
            }
        }
    }
    options.progress.stage("Checking rows against one another");
    let mut failed: Vec<&'static [&'static str]> = Vec::new();
    let shared = cross::Sheets::new(&matched);
    for (codes, check) in rows::CHECKS.iter().chain(cross::CHECKS) {
        let result = catch_unwind(AssertUnwindSafe(|| check(&shared, &mut out)));
        if result.is_err() {
            failed.push(codes);
        }
    }
    let mut findings = out.findings;
    sort_findings(&mut findings, defs);
    record::fill(&mut findings, &matched);
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for f in &findings {
        *counts.entry(f.code.as_str()).or_default() += 1;
    }
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
            } else if options.period.is_none() && PERIOD_RULES.contains(&rule.code.as_str()) {
                RuleStatus::NotRun
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
                findings: counts.get(rule.code.as_str()).copied().unwrap_or(0),
            }
        })
        .collect();
    Ok((findings, rules, matched, kept))
}

/// Finds each defined sheet in the workbook by normalised name or alias: for each sheet of the
/// definitions, the index of the workbook sheet that is it.
fn match_sheets(
    names: &[String],
    defs: &Definitions,
    out: &mut Collector<'_>,
) -> Vec<Option<usize>> {
    let mut found: Vec<Option<usize>> = vec![None; defs.sheets.len()];
    for (index, raw) in names.iter().enumerate() {
        let name = normalise(raw);
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
                    cut(&names[first]),
                    cut(raw),
                    defs.sheets[i].name
                ),
            );
        } else {
            found[i] = Some(index);
        }
    }
    for (def, index) in defs.sheets.iter().zip(&found) {
        if index.is_none() && def.required {
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
        layout: def.columns.clone(),
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
            // Shown in every finding of the column: a header padded out to any length still
            // matches its column once normalised.
            sheet
                .headers
                .insert(col.name.clone(), cut(&typed).into_owned());
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
                "header \"{}\" in column {} is column {name} again (first in column {}); only the first is read",
                cut(&typed),
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
    for col in def.columns.iter() {
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
            .map(|(i, t)| format!("\"{}\" ({})", cut(t), column_letters(*i)))
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
            format!("header \"{}\" was read as column {name}", cut(&typed)),
        );
    }
    sheet
}

/// Formula cells are read by their cached values: said once per sheet, on the first.
fn formula_warning(sheet: &SheetData, formulas: Formulas, out: &mut Collector<'_>) {
    if let Some((row, col)) = formulas.first {
        let f = out.at(
            "W112",
            sheet,
            Some(row),
            None,
            None,
            format!(
                "the sheet holds {} formula cell(s); their last calculated values were used (a formula never calculated reads as blank)",
                formulas.count
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
/// unless the return is provisional; one whose following quarter had also ended when the export
/// was taken is a query (W452: most often a mistyped period the other way, but rebuilding an
/// old quarter late is sometimes right) (return-format.md).
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
                "I454",
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
    } else if extract > period.shift(1).end() {
        let (next, likely) = (period.shift(1), Period::latest_complete(extract));
        out.at(
            "W452",
            sheet,
            Some(row),
            Some("extract_date"),
            Some(extract.to_string()),
            format!(
                "the export was taken on {taken}, after {next}, the quarter following {period}, \
                 had ended on {}: check the period (this export most likely covers {likely}); \
                 if rebuilding {period} from it is right, acknowledge this query",
                next.end().long()
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
