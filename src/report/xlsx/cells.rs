//! Writing cells and rows: a value as its own kind of cell, text cut to what a cell holds,
//! rows made tall enough for their wrapped text, tables, and sheets written top to bottom in
//! constant-memory mode. The report and its redacted copy (`redact`) both write with these.
//!
//! Invariant: text is always written as text (a cell beginning with `=` stays data), made
//! XML-safe and cut to one cell's length; a row is never made taller than Excel allows.

use rust_xlsxwriter::{ExcelDateTime, Format, Table, TableColumn, Workbook, Worksheet, XlsxError};

use crate::date::Date;
use crate::excel::cell_text as xml_safe;
use crate::export::workbook::CellRef;

/// How many lines `text` takes when wrapped in a column `width` units wide. A unit is the
/// width of a digit; ordinary text fits about 1.15 characters per unit in Calibri (and its
/// LibreOffice twin, Carlito). Rows are sized from this estimate because neither Excel nor
/// LibreOffice reliably resizes a row for wrapped text when opening a file.
pub(super) fn wrapped_lines(text: &str, width: f64) -> u32 {
    let per_line = ((width * 1.15).floor() as usize).max(1);
    let mut lines = 0;
    for paragraph in text.split('\n') {
        lines += 1;
        let mut used = 0;
        for word in paragraph.split(' ') {
            let mut len = word.chars().count();
            if used > 0 && used + 1 + len > per_line {
                lines += 1;
                used = 0;
            } else if used > 0 {
                used += 1;
            }
            // A word longer than a line breaks across lines.
            while used + len > per_line {
                len -= per_line - used;
                lines += 1;
                used = 0;
            }
            used += len;
        }
    }
    lines
}

/// Makes a row tall enough for `lines` lines of text (Excel allows at most 409 points).
pub(super) fn fit_rows(ws: &mut Worksheet, row: u32, lines: u32) -> Result<(), XlsxError> {
    if lines > 1 {
        ws.set_row_height(row, (15 * lines.min(27)) as f64)?;
    }
    Ok(())
}

pub(super) fn excel_date(d: Date) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(
        d.year().clamp(1900, 9999) as u16,
        d.month() as u8,
        d.day() as u8,
    )
}

/// A sheet of at least this many rows is streamed; a smaller one is kept in memory, as every
/// sheet is in the browser's page, so that the page's workbooks of any but the largest export
/// are the program's byte for byte (a streamed sheet stores its text inline, a kept one in the
/// shared strings: the same cells, other bytes).
pub(crate) const STREAMED_FROM: usize = 10_000;

/// A sheet named `name` of `rows` rows, written top to bottom: in constant-memory mode when its
/// rows come `in_order` and are at least [`STREAMED_FROM`], keeping one row in memory and the
/// rest in an unnamed temporary file that the operating system removes even if the tool is
/// killed. Should the temporary folder refuse the file, the
/// sheet is kept in memory instead: the report still appears, at some cost in memory. Where there
/// is no operating system (WebAssembly in a browser: no temporary folder, and asking for one
/// stops the module) it is always kept in memory.
pub(crate) fn streaming_sheet<'w>(
    wb: &'w mut Workbook,
    name: &str,
    in_order: bool,
    rows: usize,
) -> Result<&'w mut Worksheet, XlsxError> {
    const NO_TEMPORARY_FOLDER: bool = cfg!(all(target_family = "wasm", target_os = "unknown"));
    let streamed = in_order && rows >= STREAMED_FROM && !NO_TEMPORARY_FOLDER;
    if !(streamed && wb.add_worksheet_with_constant_memory().is_ok()) {
        wb.add_worksheet();
    }
    let last = wb.worksheets().len().saturating_sub(1);
    wb.worksheet_from_index(last)?.set_name(name)
}

pub(super) fn table(headers: &[&str]) -> Table {
    let columns: Vec<TableColumn> = headers
        .iter()
        .map(|h| TableColumn::new().set_header(*h))
        .collect();
    Table::new().set_columns(&columns)
}

pub(crate) fn write_cell(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    cell: CellRef<'_>,
    format: Option<&Format>,
    date_format: &Format,
) -> Result<(), XlsxError> {
    // Without a format, the plain cell (no format made for each of a million cells).
    match (cell, format) {
        (CellRef::Empty, Some(f)) => {
            ws.write_blank(r, c, f)?;
        }
        (CellRef::Empty, None) => {}
        // Text is always written as text: a cell beginning with `=` stays data.
        (CellRef::Text(s) | CellRef::Error(s), Some(f)) => {
            ws.write_string_with_format(r, c, xml_safe(s), f)?;
        }
        (CellRef::Text(s) | CellRef::Error(s), None) => {
            ws.write_string(r, c, xml_safe(s))?;
        }
        (CellRef::Number(n), Some(f)) => {
            ws.write_number_with_format(r, c, n, f)?;
        }
        (CellRef::Number(n), None) => {
            ws.write_number(r, c, n)?;
        }
        (CellRef::Bool(b), Some(f)) => {
            ws.write_boolean_with_format(r, c, b, f)?;
        }
        (CellRef::Bool(b), None) => {
            ws.write_boolean(r, c, b)?;
        }
        (CellRef::Date(d), Some(f)) => {
            let df = f.clone().set_num_format("yyyy-mm-dd");
            ws.write_datetime_with_format(r, c, &excel_date(d)?, &df)?;
        }
        (CellRef::Date(d), None) => {
            ws.write_datetime_with_format(r, c, &excel_date(d)?, date_format)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_lines_follow_the_words() {
        // 10 units hold 11 characters.
        assert_eq!(wrapped_lines("", 10.0), 1);
        assert_eq!(wrapped_lines("abcde fghij", 10.0), 1);
        assert_eq!(wrapped_lines("abcde fghijk", 10.0), 2);
        assert_eq!(wrapped_lines("one\ntwo", 10.0), 2);
        // A word longer than a line breaks: 25 characters over lines of 11.
        assert_eq!(wrapped_lines(&"x".repeat(25), 10.0), 3);
        // Four "ab" to a line of 11: "ab ab ab ab".
        assert_eq!(wrapped_lines("ab ".repeat(8).trim_end(), 10.0), 2);
        assert_eq!(wrapped_lines("ab ".repeat(9).trim_end(), 10.0), 3);
    }

    /// The sheet's XML in a workbook of one sheet of `rows` rows of text, written as the
    /// reports write theirs.
    fn sheet_xml(rows: usize) -> String {
        use std::io::Read;
        let mut wb = Workbook::new();
        let ws = streaming_sheet(&mut wb, "Rows", true, rows).unwrap();
        for r in 0..rows {
            ws.write_string(r as u32, 0, format!("row {r}")).unwrap();
        }
        let bytes = wb.save_to_buffer().unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        zip.by_name("xl/worksheets/sheet1.xml")
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        xml
    }

    #[test]
    fn a_sheet_is_streamed_from_its_threshold_and_kept_below_it() {
        // Kept in memory, as the browser's page keeps every sheet: text in the shared strings.
        let kept = sheet_xml(STREAMED_FROM - 1);
        assert!(!kept.contains("inlineStr"));
        assert!(kept.contains(&format!("<c r=\"A{}\" t=\"s\">", STREAMED_FROM - 1)));
        // Streamed (on the command line, which has a temporary folder): text inline.
        let streamed = sheet_xml(STREAMED_FROM);
        assert!(streamed.contains(&format!("row {}", STREAMED_FROM - 1)));
        assert!(streamed.contains("inlineStr"));
    }
}
