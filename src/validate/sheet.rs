//! One sheet as it streams past: the header matched, then each data row read as its columns'
//! types, checked against the sheet's compiled schema, and kept as typed values.

use std::sync::Arc;

use super::coerce::{coerce, shown};
use super::collector::Collector;
use super::header::{formula_warning, match_header};
use super::validation::SheetData;
use crate::date::Date;
use crate::definitions::SheetDef;
use crate::export::workbook::{CellRef, Formulas, RawRow, RawSheet};
use crate::schema::checks::{Broken, Violation};
use crate::schema::row::{Row, Rows, Value};
use crate::schema::{ColumnDef, ColumnType};

/// Nothing in a youth justice caseload is older than this.
pub const EARLIEST_DATE: (i32, u32, u32) = (1990, 1, 1);

/// Reads a sheet, handing each non-blank row to the visitor.
type ReadRows<'a, E> = dyn FnMut(&mut dyn FnMut(u32, &[CellRef<'_>])) -> Result<Formulas, E> + 'a;

/// Streams sheet `name` through `read`, matching its header to `def` and checking every data
/// row; `extract_date` bounds its dates. When `cells` is given, every row's cells are kept
/// there too.
pub(super) fn read<E>(
    name: &str,
    def: &SheetDef,
    extract_date: Option<Date>,
    read: &mut ReadRows<'_, E>,
    mut cells: Option<&mut Vec<RawRow>>,
    out: &mut Collector<'_>,
) -> Result<(SheetData, Formulas), E> {
    let mut state: Option<(SheetData, Typing<'_>)> = None;
    let formulas = read(&mut |row, row_cells| {
        if let Some(kept) = cells.as_deref_mut() {
            kept.push(RawRow::from_cells(row, row_cells));
        }
        let (sheet, typing) = state.get_or_insert_with(|| {
            // The header is row 1 when the sheet's first stored row is row 1.
            let header = RawSheet {
                name: name.to_string(),
                rows: (row == 1)
                    .then(|| RawRow::from_cells(row, row_cells))
                    .into_iter()
                    .collect(),
                first_formula: None,
                formula_count: 0,
            };
            let sheet = match_header(&header, def, out);
            let typing = Typing::new(def, &sheet, extract_date);
            (sheet, typing)
        });
        if row > 1 {
            typing.row(sheet, row, row_cells, out);
        }
    })?;
    let (mut sheet, typing) = state.unwrap_or_else(|| {
        let empty = RawSheet {
            name: name.to_string(),
            rows: Vec::new(),
            first_formula: None,
            formula_count: 0,
        };
        let sheet = match_header(&empty, def, out);
        let typing = Typing::new(def, &sheet, extract_date);
        (sheet, typing)
    });
    sheet.rows = typing.finish();
    formula_warning(&sheet, formulas, out);
    Ok((sheet, formulas))
}

/// How one column of the definition is read.
struct Plan {
    /// Its column in the workbook (`usize::MAX` when the header lacks it: reads as blank).
    source: usize,
    /// Recorded at the end of an intervention: ignored while it is open.
    at_end: bool,
    date: bool,
}

/// Reading one sheet's data rows: where each column is, and the scratch space one row needs.
struct Typing<'d> {
    def: &'d SheetDef,
    columns: Arc<[ColumnDef]>,
    /// How to read each column of the definition.
    plan: Vec<Plan>,
    /// The workbook columns of `end_date` and `release_date`, when the sheet has fields
    /// recorded "at the end".
    end_columns: Option<[Option<usize>; 2]>,
    earliest: Date,
    extract_date: Option<Date>,
    rows: Rows,
    // Scratch for one row.
    bad: Vec<bool>,
    violations: Vec<Violation<'d>>,
}

impl<'d> Typing<'d> {
    fn new(def: &'d SheetDef, sheet: &SheetData, extract_date: Option<Date>) -> Typing<'d> {
        let at = |name: &str| sheet.columns.get(name).map(|&i| i as usize);
        Typing {
            def,
            columns: def.columns.clone(),
            plan: def
                .columns
                .iter()
                .map(|c| Plan {
                    source: at(&c.name).unwrap_or(usize::MAX),
                    at_end: c.at_end,
                    date: c.kind == ColumnType::Date,
                })
                .collect(),
            end_columns: def
                .columns
                .iter()
                .any(|c| c.at_end)
                .then(|| [at("end_date"), at("release_date")]),
            earliest: Date::new(EARLIEST_DATE.0, EARLIEST_DATE.1, EARLIEST_DATE.2)
                .unwrap_or_else(|| unreachable!("a real date")),
            extract_date,
            rows: Rows::new(def.columns.clone()),
            bad: vec![false; def.columns.len()],
            violations: Vec::new(),
        }
    }

    /// Reads, checks and keeps one data row.
    fn row(&mut self, sheet: &SheetData, row: u32, cells: &[CellRef<'_>], out: &mut Collector<'_>) {
        let cell = |i: Option<usize>| {
            i.and_then(|i| cells.get(i))
                .copied()
                .unwrap_or(CellRef::Empty)
        };
        // "At the end" fields are ignored while an intervention is open.
        let ended = self
            .end_columns
            .is_some_and(|[end, release]| !cell(end).is_empty() || !cell(release).is_empty());
        self.bad.fill(false);
        // Every value starts blank; a column that is absent, ignored or blank stays so.
        let at = self.rows.start(row, self.columns.len());
        for (i, plan) in self.plan.iter().enumerate() {
            if plan.at_end && !ended {
                continue;
            }
            let raw = cells.get(plan.source).copied().unwrap_or(CellRef::Empty);
            if raw.is_empty() {
                continue;
            }
            let col = &self.columns[i];
            match coerce(raw, col, self.rows.text()) {
                Ok(value) => {
                    if let (true, Value::Date(date)) = (plan.date, value) {
                        self.date_range(sheet, row, col, raw, date, out);
                    }
                    self.rows.set(at + i, value);
                }
                Err(e) => {
                    out.at(
                        e.code,
                        sheet,
                        Some(row),
                        Some(&col.name),
                        Some(shown(raw)),
                        e.message(raw),
                    );
                    self.bad[i] = true;
                }
            }
        }
        self.violations.clear();
        self.def
            .checks
            .check(&self.rows.last(), &mut self.violations);
        for v in &self.violations {
            report(v, &self.columns, &self.bad, sheet, row, cells, out);
        }
    }

    /// E202 and E203: a date before 1990, or after the export was taken.
    fn date_range(
        &self,
        sheet: &SheetData,
        row: u32,
        col: &ColumnDef,
        raw: CellRef<'_>,
        date: Date,
        out: &mut Collector<'_>,
    ) {
        if date < self.earliest {
            out.at(
                "E202",
                sheet,
                Some(row),
                Some(&col.name),
                Some(shown(raw)),
                format!("{date} is before {}: check the year", self.earliest),
            );
        } else if let Some(extract) = self.extract_date
            && date > extract
        {
            out.at(
                "E203",
                sheet,
                Some(row),
                Some(&col.name),
                Some(shown(raw)),
                format!("{date} is after the export's extract_date {extract}"),
            );
        }
    }

    /// The typed rows, in row order.
    fn finish(self) -> Vec<Row> {
        self.rows.finish()
    }
}

/// Turns one schema violation into a finding on the right cell, with the rule's code or, for
/// a keyword no rule annotates, the generic code of the keyword.
fn report(
    violation: &Violation<'_>,
    columns: &[ColumnDef],
    bad: &[bool],
    sheet: &SheetData,
    row: u32,
    cells: &[CellRef<'_>],
    out: &mut Collector<'_>,
) {
    let cell = |name: &str| {
        sheet
            .columns
            .get(name)
            .and_then(|&i| cells.get(i as usize))
            .copied()
            .unwrap_or(CellRef::Empty)
    };
    let column = violation
        .column
        .and_then(|i| columns.get(i).map(|c| (i, c)));
    if let Some((i, col)) = column
        && (bad.get(i).copied().unwrap_or(false) || sheet.missing.contains(&col.name))
    {
        return;
    }
    // A condition read from a cell that could not be read is unknown, not false.
    if violation.rule.is_some_and(|r| {
        r.condition
            .iter()
            .any(|&c| bad.get(c).copied().unwrap_or(false))
    }) {
        return;
    }
    let name = column.map(|(_, c)| c.name.as_str());
    let value = name.map(cell).filter(|c| !c.is_empty()).map(shown);
    let col_name = name.unwrap_or("");
    let (code, message) = match (violation.rule, &violation.broken) {
        (Some(rule), broken) => {
            let title = out
                .defs
                .rule(&rule.code)
                .map_or_else(|| rule.code.clone(), |r| r.title.clone());
            let message = match broken {
                Broken::Required => format!("{title}: {col_name} is blank"),
                _ => title,
            };
            (rule.code.as_str(), message)
        }
        (None, Broken::Required) => ("E209", "required value missing".to_string()),
        (None, Broken::Enum(options)) => (
            "E208",
            format!(
                "not a code of {col_name} (use one of: {})",
                options.join(", ")
            ),
        ),
        (None, Broken::Minimum(limit)) => ("E210", format!("below the minimum of {limit}")),
        (None, Broken::Maximum(limit)) => ("E210", format!("above the maximum of {limit}")),
        (None, Broken::ExclusiveMinimum(limit)) => ("E210", format!("must be more than {limit}")),
        (None, Broken::ExclusiveMaximum(limit)) => ("E210", format!("must be less than {limit}")),
        (None, Broken::Other(what)) => ("E208", format!("not an allowed value ({what})")),
    };
    let child = cell("child_id");
    let finding = out.at(code, sheet, Some(row), name, value, message);
    finding.child_id = (!child.is_empty()).then(|| shown(child));
}
