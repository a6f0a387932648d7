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
mod collector;
pub mod cross;
mod extract;
pub mod finding;
mod header;
mod identifying;
pub mod input;
pub mod record;
pub mod records;
pub mod rows;
mod sheet;
mod sheets;
mod validation;

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::definitions::Definitions;
use crate::export::workbook::{
    self, Book, Cell, CellRef, Formulas, RawRow, RawSheet, ReadError, Workbook,
};
pub use crate::schema::row::{Row, Value};
use collector::Collector;
use extract::{extract_not_in_future, service_checks};
pub use finding::{Finding, Related};
use header::match_sheets;
pub use validation::{
    Cells, Options, PERIOD_RULES, Refusal, RuleRun, RuleStatus, SheetData, TODAY_RULE, Validation,
};

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
            if let Some(today) = options.today {
                extract_not_in_future(&sheet, extract_date, today, &mut out);
            }
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
    let shared = sheets::Sheets::new(&matched);
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
            } else if (options.period.is_none() && PERIOD_RULES.contains(&rule.code.as_str()))
                || (options.today.is_none() && rule.code == TODAY_RULE)
            {
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
