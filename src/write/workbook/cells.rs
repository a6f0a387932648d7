//! A sheet of a return workbook read into its non-empty cells, kept sparse, refusing a sheet
//! with more cells than a return holds.
//!
//! Invariant: memory is bounded by the cells a sheet holds (at most [`MAX_CELLS`]), never by
//! how far away a cell is typed.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{DataRef, Xlsx};

use super::error::{ReadError, unreadable};
use crate::text::cut;

/// The most non-empty cells a sheet of a return workbook may hold when read back (a return's
/// sheets hold a few hundred).
const MAX_CELLS: u64 = 100_000;

/// A cell of a return workbook as the reader keeps it.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    Text(String),
    Number(f64),
    Other,
}

impl Value {
    pub(super) fn text(&self) -> String {
        match self {
            Value::Text(s) => s.trim().to_string(),
            Value::Number(n) => crate::export::workbook::cell::format_number(*n),
            Value::Other => String::new(),
        }
    }
}

/// A sheet's non-empty cells by Excel row number, then 0-based column. Kept sparse, so a
/// cell typed far away (`XFD1048576`) costs one entry, not the rectangle up to it.
pub(super) type Cells = BTreeMap<u32, BTreeMap<u32, Value>>;

/// Reads every non-empty cell of a sheet, refusing a sheet with more than a return holds.
pub(super) fn read_cells(wb: &mut Xlsx<Cursor<&[u8]>>, name: &str) -> Result<Cells, ReadError> {
    let not = |e: calamine::XlsxError| {
        unreadable(&crate::export::workbook::error::damaged(Some(name), &e))
    };
    let mut reader = wb.worksheet_cells_reader(name).map_err(not)?;
    let mut cells = Cells::new();
    let mut count: u64 = 0;
    while let Some(cell) = reader.next_cell().map_err(not)? {
        let value = match cell.get_value() {
            DataRef::Empty => continue,
            DataRef::String(s) => Value::Text(s.clone()),
            DataRef::SharedString(s) => Value::Text(s.to_string()),
            DataRef::Float(f) => Value::Number(*f),
            DataRef::Int(i) => Value::Number(*i as f64),
            _ => Value::Other,
        };
        count += 1;
        if count > MAX_CELLS {
            return Err(ReadError::NotAReturn(format!(
                "sheet {} holds more than {MAX_CELLS} cells, far more than a return holds",
                cut(name)
            )));
        }
        let (row, col) = cell.get_position();
        cells
            .entry(row.saturating_add(1))
            .or_default()
            .insert(col, value);
    }
    Ok(cells)
}
