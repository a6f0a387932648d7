//! What reading an export gives: each cell as the export holds it, before any column's rules
//! are applied, borrowed while its row streams ([`CellRef`]) or owned once kept ([`Cell`]),
//! and the rows, sheets and workbook kept in memory when they are wanted whole.
//!
//! Invariant: text is trimmed and never empty (whitespace-only text is empty); a value shows as
//! a person reads it in Excel (numbers without `.0`, booleans as `TRUE` and `FALSE`).

use std::fmt;

use crate::date::Date;

/// One cell as the export holds it, before any column's rules are applied.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    /// Trimmed text (never empty: whitespace-only text is `Empty`).
    Text(String),
    Number(f64),
    Bool(bool),
    /// A real Excel date cell (its time part dropped).
    Date(Date),
    /// An Excel error value such as `#N/A`.
    Error(String),
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        matches!(self, Cell::Empty)
    }

    /// The value as a person would read it in the cell, for messages and reports.
    pub fn display(&self) -> String {
        self.as_ref().to_string()
    }

    /// The cell borrowed, as rows are streamed.
    pub fn as_ref(&self) -> CellRef<'_> {
        match self {
            Cell::Empty => CellRef::Empty,
            Cell::Text(s) => CellRef::Text(s),
            Cell::Number(n) => CellRef::Number(*n),
            Cell::Bool(b) => CellRef::Bool(*b),
            Cell::Date(d) => CellRef::Date(*d),
            Cell::Error(e) => CellRef::Error(e),
        }
    }
}

/// A cell of the row being read, borrowed from the workbook: reading a sheet allocates nothing
/// per cell. The same cases as [`Cell`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CellRef<'a> {
    Empty,
    /// Trimmed text, never empty.
    Text(&'a str),
    Number(f64),
    Bool(bool),
    Date(Date),
    Error(&'a str),
}

impl CellRef<'_> {
    pub fn is_empty(&self) -> bool {
        matches!(self, CellRef::Empty)
    }

    /// The cell owned, to be kept after its row is gone.
    pub fn to_cell(&self) -> Cell {
        match *self {
            CellRef::Empty => Cell::Empty,
            CellRef::Text(s) => Cell::Text(s.to_string()),
            CellRef::Number(n) => Cell::Number(n),
            CellRef::Bool(b) => Cell::Bool(b),
            CellRef::Date(d) => Cell::Date(d),
            CellRef::Error(e) => Cell::Error(e.to_string()),
        }
    }
}

/// The value as a person would read it in the cell: numbers without `.0`, booleans as Excel
/// shows them.
impl fmt::Display for CellRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CellRef::Empty => Ok(()),
            CellRef::Text(s) | CellRef::Error(s) => f.write_str(s),
            CellRef::Number(n) => f.write_str(&format_number(*n)),
            CellRef::Bool(b) => f.write_str(if *b { "TRUE" } else { "FALSE" }),
            CellRef::Date(d) => write!(f, "{d}"),
        }
    }
}

/// Integral numbers print without `.0` (an ID stored as a number is still the ID).
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// A non-blank row.
#[derive(Debug, Clone, PartialEq)]
pub struct RawRow {
    /// Excel's row number (1-based).
    pub row: u32,
    /// Cells by 0-based column index; trailing empties are not stored.
    pub cells: Vec<Cell>,
}

impl RawRow {
    /// A streamed row, owned.
    pub fn from_cells(row: u32, cells: &[CellRef<'_>]) -> RawRow {
        RawRow {
            row,
            cells: cells.iter().map(CellRef::to_cell).collect(),
        }
    }

    pub fn cell(&self, col: usize) -> &Cell {
        self.cells.get(col).unwrap_or(&Cell::Empty)
    }
}

/// A sheet's cells kept in memory. Validation keeps them only when asked to (for the report
/// workbook); otherwise `rows` is empty and the sheet was streamed.
#[derive(Debug, Clone, PartialEq)]
pub struct RawSheet {
    /// The sheet's name as typed in the workbook.
    pub name: String,
    pub rows: Vec<RawRow>,
    /// The first cell holding a formula, if any (row, 0-based column).
    pub first_formula: Option<(u32, u32)>,
    pub formula_count: usize,
}

#[derive(Debug, Clone)]
pub struct Workbook {
    /// SHA-256 of the file's bytes, lower-case hex.
    pub sha256: String,
    pub sheets: Vec<RawSheet>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_like_excel_ids() {
        assert_eq!(format_number(123.0), "123");
        assert_eq!(format_number(7.5), "7.5");
        assert_eq!(format_number(-2.0), "-2");
    }
}
