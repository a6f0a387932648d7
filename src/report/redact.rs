//! A shareable copy of an export for a bug report (`validate --redact`).
//!
//! Every identifier (child, intervention, offence, victim) is replaced by a pseudonym that is
//! the same wherever the identifier appears, whatever the cell's type (an id stored as a
//! date-formatted number is still an id), so references between sheets still resolve and the
//! copy gives the same findings as the original. Columns the dictionary does not know are
//! emptied (they may hold names or notes), and sheets it does not know are left out. A value
//! that is not one its column allows (free text typed into a code column, say) is replaced by
//! `REDACTED`, which fails the same rule. Row 1 keeps only the headers the dictionary
//! recognises: when an export has lost its header row, row 1 is a child's record. Dates,
//! codes and numbers stay, because the rules depend on them: the copy is pseudonymised, not
//! anonymous, and the officer shares it under the service's information-sharing rules.

use std::collections::HashMap;

use foldhash::fast::FixedState;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use super::xlsx::cells::write_cell;
use crate::definitions::Definitions;
use crate::excel::column_letters;
use crate::export::workbook::{self, CellRef, ReadError};
use crate::schema::{ColumnDef, ColumnType};
use crate::validate::{Validation, Value, coerce};

/// What replaces a value its column does not allow.
const REDACTED: &str = "REDACTED";

/// The identifier columns and the prefix of their pseudonyms; `child_id` is shared by every
/// sheet that names a child, `intervention_id` by Interventions and Victims.
const IDENTIFIERS: [(&str, &str); 4] = [
    ("child_id", "CHILD-"),
    ("intervention_id", "INT-"),
    ("offence_id", "OFF-"),
    ("victim_id", "VIC-"),
];

/// Hands out pseudonyms in order of first appearance, so the same export always gives the
/// same copy: for each kind of identifier (by its place in [`IDENTIFIERS`]), the pseudonym of
/// each identifier seen.
#[derive(Default)]
struct Pseudonyms {
    seen: [HashMap<String, String, FixedState>; IDENTIFIERS.len()],
}

impl Pseudonyms {
    fn get(&mut self, kind: usize, id: &str) -> &str {
        let seen = &mut self.seen[kind];
        if !seen.contains_key(id) {
            let p = format!("{}{:04}", IDENTIFIERS[kind].1, seen.len() + 1);
            seen.insert(id.to_string(), p);
        }
        &seen[id]
    }
}

/// What the copy makes of a column the dictionary knows.
#[derive(Clone, Copy)]
enum Column<'d> {
    /// An identifier, by its place in [`IDENTIFIERS`]: replaced by a pseudonym.
    Identifier(usize),
    /// Kept where its value is one the column allows.
    Kept(&'d ColumnDef),
}

/// Whether a cell holds a value its column allows (and so cannot be free text about a child).
fn allowed(cell: CellRef<'_>, column: &ColumnDef) -> bool {
    // A code off the column's list is read as text (for the enum check to report).
    match coerce::coerce(cell, column, &mut String::new()) {
        Err(_) => false,
        Ok(Value::Text { .. }) => column.kind != ColumnType::Code,
        Ok(_) => true,
    }
}

/// Why the redacted copy could not be made.
#[derive(Debug, thiserror::Error)]
pub enum RedactError {
    /// The export could not be read again (it was read once, so this is not expected).
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error(transparent)]
    Write(#[from] XlsxError),
}

/// How the copy's sheets are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// In constant-memory mode, one row at a time, the rows in the order the export stores
    /// them.
    Streamed,
    /// In memory, for an export whose rows are not stored in order.
    InMemory,
}

/// A sheet's rows came out of order, so a streamed copy would have lost some.
struct OutOfOrder;

/// Writes the redacted copy of the export in `bytes`, which `v` is the validation of under
/// `defs`. The export is read again, row by row, and each sheet of the copy written in
/// rust_xlsxwriter's constant-memory mode: the copy costs a row in memory (and the finished
/// file), not every cell of the export twice over. A sheet whose rows a hand-made file stores
/// out of order cannot be streamed (a row written after a later one would be lost): the copy
/// is then made again in memory.
pub fn render(v: &Validation, defs: &Definitions, bytes: &[u8]) -> Result<Vec<u8>, RedactError> {
    match copy(v, defs, bytes, Mode::Streamed)? {
        Ok(copy) => Ok(copy),
        Err(OutOfOrder) => match copy(v, defs, bytes, Mode::InMemory)? {
            Ok(copy) => Ok(copy),
            Err(OutOfOrder) => unreachable!("a copy in memory takes rows in any order"),
        },
    }
}

/// The copy, written in `mode`.
fn copy(
    v: &Validation,
    defs: &Definitions,
    bytes: &[u8],
    mode: Mode,
) -> Result<Result<Vec<u8>, OutOfOrder>, RedactError> {
    let mut book = workbook::open(bytes)?;
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new()
            .set_title("yjb-return redacted export")
            .set_comment("Identifiers replaced by pseudonyms; dates and codes kept.")
            .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?),
    );
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    let mut names = Pseudonyms::default();
    let mut taken: Vec<String> = Vec::new();
    for data in &v.sheets {
        let Some(index) = book
            .sheet_names()
            .iter()
            .position(|n| *n == data.sheet_name)
        else {
            continue;
        };
        let def = defs.sheet(&data.name);
        // By 0-based column of the sheet: `None` for a column the dictionary does not know.
        let mut known: Vec<Option<Column<'_>>> = Vec::new();
        for (name, &col) in &data.columns {
            let Some(column) = def.and_then(|d| d.column(name)) else {
                continue;
            };
            let col = col as usize;
            if known.len() <= col {
                known.resize(col + 1, None);
            }
            known[col] = Some(
                match IDENTIFIERS.iter().position(|(id, _)| *id == column.name) {
                    Some(kind) => Column::Identifier(kind),
                    None => Column::Kept(column),
                },
            );
        }
        let name = crate::excel::sheet_name(&data.sheet_name, &taken);
        taken.push(name.clone());
        let ws = super::xlsx::cells::streaming_sheet(
            &mut wb,
            &name,
            mode == Mode::Streamed,
            data.rows.len(),
        )?;
        // The reader hands rows to a visitor that cannot stop it: the first failure is kept
        // and the rest of the sheet passes unwritten.
        let mut failed: Option<Result<XlsxError, OutOfOrder>> = None;
        let mut last = 0;
        book.rows(index, &mut |row, cells| {
            if failed.is_some() {
                return;
            }
            if mode == Mode::Streamed && row <= last {
                failed = Some(Err(OutOfOrder));
                return;
            }
            last = row;
            let written = write_row(ws, row, cells, &known, &mut names, &date_format);
            failed = written.err().map(Ok);
        })?;
        match failed {
            Some(Ok(e)) => return Err(e.into()),
            Some(Err(OutOfOrder)) => return Ok(Err(OutOfOrder)),
            None => {}
        }
    }
    if v.sheets.is_empty() {
        wb.add_worksheet();
    }
    Ok(Ok(crate::workbook_bytes::same_everywhere(
        wb.save_to_buffer()?,
    )))
}

/// One row of the copy: the header row keeps only the headers the dictionary recognised,
/// identifiers become pseudonyms, values their column does not allow become `REDACTED`, and
/// columns the dictionary does not know stay empty.
fn write_row(
    ws: &mut Worksheet,
    row: u32,
    cells: &[CellRef<'_>],
    known: &[Option<Column<'_>>],
    names: &mut Pseudonyms,
    date_format: &Format,
) -> Result<(), XlsxError> {
    let r = row - 1;
    for (c, &cell) in cells.iter().enumerate() {
        if cell.is_empty() {
            continue;
        }
        let column = known.get(c).copied().flatten();
        let header;
        let number;
        let cell = match (r, column) {
            // The header row: only the headers the dictionary recognised are kept.
            (0, Some(_)) => cell,
            (0, None) => {
                header = format!("column_{}", column_letters(c as u32));
                CellRef::Text(&header)
            }
            (_, None) => continue,
            // An id stored as a number (or a date) is the same id as its text.
            (_, Some(Column::Identifier(kind))) => CellRef::Text(match cell {
                CellRef::Text(id) => names.get(kind, id),
                other => {
                    number = other.to_string();
                    names.get(kind, &number)
                }
            }),
            (_, Some(Column::Kept(col))) if allowed(cell, col) => cell,
            (_, Some(Column::Kept(_))) => CellRef::Text(REDACTED),
        };
        write_cell(ws, r, c as u16, cell, None, date_format)?;
    }
    Ok(())
}
