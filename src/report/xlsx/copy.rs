//! The copies of the export's sheets that have findings: each holds its header and the rows a
//! finding is on or involves, at their own row numbers (the rows between hidden, the numbers
//! printed), the offending cells coloured by their worst severity and the messages as a note.
//!
//! Invariant: a copy is written strictly top to bottom when its rows come in order (it then
//! streams), and the ordinary way when they do not, so no row is ever dropped.

use std::collections::{BTreeMap, BTreeSet};

use rust_xlsxwriter::{Note, Workbook, Worksheet, XlsxError};

use super::Report;
use super::cells::{fit_rows, streaming_sheet, wrapped_lines, write_cell};
use super::style::{Styles, severity_word};
use crate::definitions::Severity;
use crate::excel::cell_text as xml_safe;
use crate::export::workbook::cell::format_number;
use crate::export::workbook::{Cell, RawRow, RawSheet};

/// What one cell of a copy is marked with: the worst severity and every finding's message.
pub(super) struct Mark {
    severity: Severity,
    messages: Vec<String>,
}

impl Report<'_> {
    /// A copy of an export sheet holding its header and the rows a finding is on or involves,
    /// each at its own row number (the rows between are hidden, so the numbers Excel shows and
    /// prints are the export's, and every link and cell reference of the Issues sheet holds):
    /// each cell with a finding coloured by its worst severity and carrying the messages as a
    /// note.
    pub(super) fn copy(&self, wb: &mut Workbook, sheet: &RawSheet) -> Result<(), XlsxError> {
        let (v, styles, page) = (self.v, &self.styles, &self.page);
        let name = self.copies.get(&sheet.name).unwrap_or(&sheet.name);
        // Row → column → mark, in the order the sheet is written; and the rows shown.
        let mut marks: BTreeMap<u32, BTreeMap<u32, Mark>> = BTreeMap::new();
        let mut shown: BTreeSet<u32> = BTreeSet::from([1]);
        for f in v
            .findings
            .iter()
            .filter(|f| f.sheet_name.as_deref() == Some(sheet.name.as_str()))
        {
            shown.extend(f.related.iter().map(|r| r.row));
            let Some(row) = f.row.filter(|r| *r >= 1) else {
                continue;
            };
            shown.insert(row);
            let mark = marks
                .entry(row)
                .or_default()
                .entry(f.col_index.unwrap_or(0))
                .or_insert(Mark {
                    severity: f.severity,
                    messages: Vec::new(),
                });
            mark.severity = mark.severity.max(f.severity);
            mark.messages.push(format!(
                "{} {}: {}",
                f.code,
                severity_word(f.severity),
                f.message
            ));
        }
        let kept: Vec<&RawRow> = sheet
            .rows
            .iter()
            .filter(|r| shown.contains(&r.row))
            .collect();
        // Rows arrive sorted from the reader; were they not, a constant-memory sheet would drop
        // the out-of-order ones, so such a sheet is written the ordinary way.
        let ws = streaming_sheet(wb, name, kept.is_sorted_by_key(|r| r.row), kept.len())?;
        let widths = column_widths(kept.iter().copied());
        for (col, width) in widths.iter().enumerate() {
            ws.set_column_width(col as u16, *width)?;
        }
        page.apply(ws, &format!("{name}: the rows with findings"), 0)?;
        ws.set_freeze_panes(1, 0)?;
        // Rows not written are hidden, and the row numbers print beside each row.
        ws.hide_unused_rows(true);
        ws.set_print_headings(true);
        let mut rows = kept.into_iter().peekable();
        let mut marked = marks.iter().peekable();
        loop {
            let r = match (rows.peek(), marked.peek()) {
                (Some(raw), Some((m, _))) => raw.row.min(**m),
                (Some(raw), None) => raw.row,
                (None, Some((m, _))) => **m,
                (None, None) => break,
            };
            let row_marks = marked.next_if(|(m, _)| **m == r).map(|(_, m)| m);
            let mut written = false;
            while let Some(raw) = rows.next_if(|x| x.row == r) {
                write_copy_row(ws, raw, row_marks.filter(|_| !written), &widths, styles)?;
                written = true;
            }
            if !written {
                let empty = RawRow {
                    row: r,
                    cells: Vec::new(),
                };
                write_copy_row(ws, &empty, row_marks, &widths, styles)?;
            }
            for (col, mark) in row_marks.into_iter().flatten() {
                let note = Note::new(xml_safe(&mark.messages.join("\n")))
                    .set_author("yjb-return")
                    .add_author_prefix(false)
                    .set_width(360)
                    .set_height(120);
                ws.insert_note(r - 1, *col as u16, &note)?;
            }
        }
        Ok(())
    }
}

/// One row of a copy, its marked cells filled (blank ones too, so the colour shows).
pub(super) fn write_copy_row(
    ws: &mut Worksheet,
    raw: &RawRow,
    marks: Option<&BTreeMap<u32, Mark>>,
    widths: &[f64],
    styles: &Styles,
) -> Result<(), XlsxError> {
    let r = raw.row - 1;
    let header = raw.row == 1;
    if header {
        let lines = raw
            .cells
            .iter()
            .zip(widths)
            .map(|(cell, width)| match cell {
                Cell::Text(s) => wrapped_lines(s, *width),
                _ => 1,
            })
            .max()
            .unwrap_or(1);
        fit_rows(ws, r, lines)?;
    }
    let width = marks
        .and_then(|m| m.keys().next_back())
        .map_or(0, |c| *c as usize + 1)
        .max(raw.cells.len());
    for c in 0..width {
        let cell = raw.cell(c);
        let format = match marks.and_then(|m| m.get(&(c as u32))) {
            Some(mark) => Some(styles.fill(mark.severity, header)),
            None if header => Some(&styles.header),
            None => None,
        };
        match (cell, format) {
            (Cell::Empty, Some(f)) => {
                ws.write_blank(r, c as u16, f)?;
            }
            (Cell::Empty, None) => {}
            _ => write_cell(ws, r, c as u16, cell.as_ref(), format, &styles.date)?,
        }
    }
    Ok(())
}

/// Column widths for a copy from the rows it holds (autofit cannot see a constant-memory
/// sheet): wide enough for the longest value but never wider than 30, a long header wrapping
/// rather than widening a column of Y and N, so that the sheet prints one page wide at a
/// readable scale.
pub(super) fn column_widths<'r>(rows: impl Iterator<Item = &'r RawRow>) -> Vec<f64> {
    let mut widths: Vec<usize> = Vec::new();
    for raw in rows {
        if widths.len() < raw.cells.len() {
            widths.resize(raw.cells.len(), 0);
        }
        for (c, cell) in raw.cells.iter().enumerate() {
            let shown = match cell {
                Cell::Empty => 0,
                Cell::Text(s) | Cell::Error(s) => s.chars().count(),
                Cell::Number(n) => format_number(*n).len(),
                Cell::Bool(_) => 5,
                Cell::Date(_) => 10,
            };
            let shown = if raw.row == 1 { shown.min(10) } else { shown };
            widths[c] = widths[c].max(shown);
        }
    }
    widths
        .into_iter()
        .map(|w| (w as f64 + 2.0).clamp(6.0, 30.0))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::Date;

    #[test]
    fn copy_widths_follow_the_values_not_long_headers() {
        let sheet = RawSheet {
            name: "S".into(),
            rows: vec![
                RawRow {
                    row: 1,
                    cells: vec![
                        Cell::Text("accommodation_suitable".into()),
                        Cell::Text("id".into()),
                        Cell::Text("notes".into()),
                    ],
                },
                RawRow {
                    row: 2,
                    cells: vec![
                        Cell::Text("Y".into()),
                        Cell::Date(Date::new(2024, 1, 2).unwrap()),
                        Cell::Text("n".repeat(100)),
                    ],
                },
            ],
            first_formula: None,
            formula_count: 0,
        };
        // Header counted up to 10 characters, a date is 10, long text capped at 30.
        assert_eq!(column_widths(sheet.rows.iter()), [12.0, 12.0, 30.0]);
    }
}
