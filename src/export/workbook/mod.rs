//! Reading the raw cells of an `.xlsx` export, defensively.
//!
//! The bytes are read once (so they can be hashed for the audit trail), sniffed rather than
//! trusted by extension, checked for zip bombs from the central directory (the zip reader then
//! holds every entry to its declared size), and each sheet is streamed row by row: a row's
//! cells are handed to the caller as borrowed [`CellRef`]s and forgotten, so reading holds one
//! row at a time whatever the sheet's size. A hostile or broken file is refused with a
//! sentence, never a crash or a hang.
//!
//! [`open`] checks the file first ([`mod@precheck`]), runs the spreadsheet library with its
//! panics contained ([`guard`]) and hands each sheet's rows on as cells ([`cell`]), each read
//! from calamine's value as the dictionary says (`value`); a file refused is a [`ReadError`]
//! ([`error`]).

pub mod cell;
pub mod error;
pub mod guard;
pub mod precheck;
mod value;

pub use cell::{Cell, CellRef, RawRow, RawSheet, Workbook};
pub use error::ReadError;

use std::collections::HashMap;
use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use calamine::{DataRef, Reader, Xlsx, XlsxError};

use error::{FORMAT, damaged};
use guard::{guarded, unguarded};
use precheck::precheck;
use value::{Slot, constant_boolean};

/// The last row number Excel has: a sheet holds at most 1,048,575 data rows under its header.
/// A row beyond it cannot come from Excel or any tool that writes for it.
pub const EXCEL_ROWS: u32 = 1_048_576;
/// Cells beyond this column are ignored (an export has about thirty columns).
pub const MAX_COLUMNS: u32 = 512;
/// The most text all the cells read may hold, shared strings resolved: a cell naming a shared
/// string costs a few bytes of the file however long the string, so this is bounded apart
/// from the unpacked size. A 1,000,000-intervention export holds 102 MB.
pub const MAX_TEXT_BYTES: u64 = 1 << 30;

/// An export opened for streaming: its hash, its sheets' names, and calamine's reader (which
/// holds the shared strings; each sheet is unpacked only as [`Book::rows`] reads it).
pub struct Book<'b> {
    xlsx: Xlsx<Cursor<&'b [u8]>>,
    sha256: String,
    names: Vec<String>,
    /// The most rows, and the highest row number, a sheet may have: Excel's.
    row_limit: u32,
    /// The text of every cell handed on so far, in bytes, and the most there may be.
    text_bytes: u64,
    text_limit: u64,
}

/// What the whole of a sheet told about formulas, known once it has been read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Formulas {
    /// The first cell holding a formula, if any (row, 0-based column).
    pub first: Option<(u32, u32)>,
    pub count: usize,
}

/// Reads every sheet of the workbook in `bytes` into memory, for readers that want all of it at
/// once (telling what a file is, fuzzing); validation streams instead.
pub fn read(bytes: &[u8]) -> Result<Workbook, ReadError> {
    let mut book = open(bytes)?;
    let mut sheets = Vec::new();
    for (index, name) in book.sheet_names().to_vec().into_iter().enumerate() {
        let mut rows = Vec::new();
        let formulas = book.rows(index, &mut |row, cells| {
            rows.push(RawRow::from_cells(row, cells));
        })?;
        sheets.push(RawSheet {
            name,
            rows,
            first_formula: formulas.first,
            formula_count: formulas.count,
        });
    }
    Ok(Workbook {
        sha256: book.sha256,
        sheets,
    })
}

/// Opens the workbook in `bytes` after the checks of [`precheck()`].
pub fn open(bytes: &[u8]) -> Result<Book<'_>, ReadError> {
    let sha256 = crate::hash::sha256_hex(bytes);
    precheck(bytes)?;
    let xlsx = guarded(|| Xlsx::new(Cursor::new(bytes)))?.map_err(|e| damaged(None, &e))?;
    let names = xlsx.sheet_names();
    Ok(Book {
        xlsx,
        sha256,
        names,
        row_limit: EXCEL_ROWS,
        text_bytes: 0,
        text_limit: MAX_TEXT_BYTES,
    })
}

impl Book<'_> {
    /// SHA-256 of the file's bytes, lower-case hex.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// The sheets' names, in the workbook's order.
    pub fn sheet_names(&self) -> &[String] {
        &self.names
    }

    /// Streams the non-blank rows of sheet `index` to `visit`, in the order the file stores
    /// them (Excel's: ascending), as Excel's row number and the row's cells by 0-based column
    /// (trailing blanks left out). Blank and whitespace-only cells are `Empty`; a row holding
    /// nothing else is skipped.
    pub fn rows(
        &mut self,
        index: usize,
        visit: &mut dyn FnMut(u32, &[CellRef<'_>]),
    ) -> Result<Formulas, ReadError> {
        // The library runs guarded (a panic inside it is a damaged file), the visitor, the
        // tool's own code, unguarded: a panic there is a defect of the tool, and goes on.
        let mut panicked = None;
        let result = guarded(|| {
            self.stream(index, &mut |row, cells| {
                let outcome = unguarded(|| catch_unwind(AssertUnwindSafe(|| visit(row, cells))));
                outcome.map_err(|payload| panicked = Some(payload)).is_ok()
            })
        });
        if let Some(payload) = panicked {
            std::panic::resume_unwind(payload);
        }
        result?
    }

    /// [`Book::rows`]'s reading; stops when `visit` returns false.
    fn stream(
        &mut self,
        index: usize,
        visit: &mut dyn FnMut(u32, &[CellRef<'_>]) -> bool,
    ) -> Result<Formulas, ReadError> {
        let name = self.names.get(index).cloned().unwrap_or_default();
        let limit = self.row_limit;
        let text_limit = self.text_limit;
        let failed = |e: XlsxError| damaged(Some(&name), &e);
        let mut reader = self.xlsx.worksheet_cells_reader(&name).map_err(failed)?;
        let mut formulas = Formulas::default();
        // The current row's cells, shared strings borrowed from calamine; text calamine made
        // for a cell (an inline string) is held aside until the row is handed on.
        let mut cells: Vec<CellRef<'_>> = Vec::new();
        let mut owned: Vec<(usize, String)> = Vec::new();
        let mut current: Option<u32> = None;
        // Rows handed on, which Excel's grid bounds, and the text of their cells (shared
        // strings resolved), which the unpacked size bounds.
        let mut rows: u32 = 0;
        let text_bytes = &mut self.text_bytes;
        let mut flush = |row: u32,
                         cells: &mut Vec<CellRef<'_>>,
                         owned: &mut Vec<(usize, String)>|
         -> Result<(), ReadError> {
            rows += 1;
            // A hand-made sheet may store one row number again and again: the count is bounded
            // as well as the numbers.
            if row > limit || rows > limit {
                return Err(ReadError::TooManyRows {
                    sheet: name.clone(),
                    limit,
                });
            }
            let go_on = if owned.is_empty() {
                visit(row, cells)
            } else {
                let mut with_owned = cells.clone();
                for (col, s) in owned.iter() {
                    with_owned[*col] = CellRef::Text(s.trim());
                }
                visit(row, &with_owned)
            };
            cells.clear();
            owned.clear();
            if go_on {
                Ok(())
            } else {
                Err(ReadError::Damaged(FORMAT.into()))
            }
        };
        // Shared formulas whose anchor is a boolean constant, by their index: a derived cell
        // carries only the index. (Asking the library for each derived cell's text would make
        // it grow a table to a size read from the file, `si="4000000000"`.)
        let mut constant_shared: HashMap<usize, bool> = HashMap::new();
        while let Some(record) = reader.next_cell_with_formula_metadata().map_err(failed)? {
            let (row, col) = record.pos;
            let mut value = record.value;
            if let Some(formula) = &record.formula {
                match constant_boolean(formula, &mut constant_shared) {
                    Some(b) => value = DataRef::Bool(b),
                    None => {
                        formulas.count += 1;
                        formulas.first.get_or_insert((row.saturating_add(1), col));
                    }
                }
            }
            if col >= MAX_COLUMNS {
                continue;
            }
            let Some(slot) = Slot::of(value) else {
                continue;
            };
            // Many cells can name one long shared string: the text they hold is bounded
            // like the file's unpacked size, so that no file makes memory run out.
            *text_bytes += slot.text_len() as u64;
            if *text_bytes > text_limit {
                return Err(ReadError::TooLarge(format!(
                    "its cells hold more than {} MiB of text",
                    text_limit >> 20
                )));
            }
            let excel_row = row.saturating_add(1);
            if let Some(previous) = current.filter(|r| *r != excel_row) {
                flush(previous, &mut cells, &mut owned)?;
            }
            current = Some(excel_row);
            let col = col as usize;
            if cells.len() <= col {
                cells.resize(col + 1, CellRef::Empty);
            }
            // A cell written twice in a row (only by hand) keeps its last value.
            if !owned.is_empty() {
                owned.retain(|(c, _)| *c != col);
            }
            match slot {
                Slot::Ready(cell) => cells[col] = cell,
                Slot::Owned(text) => {
                    // Not blank, so that the row's length and blankness are right.
                    cells[col] = CellRef::Text(" ");
                    owned.push((col, text));
                }
            }
        }
        if let Some(last) = current {
            flush(last, &mut cells, &mut owned)?;
        }
        Ok(formulas)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::Date;

    /// Every row a workbook streams, with its cells owned.
    fn stream(bytes: &[u8]) -> Result<Vec<(String, Vec<RawRow>, Formulas)>, ReadError> {
        stream_limited(bytes, EXCEL_ROWS)
    }

    fn stream_limited(
        bytes: &[u8],
        row_limit: u32,
    ) -> Result<Vec<(String, Vec<RawRow>, Formulas)>, ReadError> {
        let mut book = open(bytes)?;
        book.row_limit = row_limit;
        let mut sheets = Vec::new();
        for (i, name) in book.sheet_names().to_vec().into_iter().enumerate() {
            let mut rows = Vec::new();
            let formulas = book.rows(i, &mut |row, cells| {
                rows.push(RawRow {
                    row,
                    cells: cells.iter().map(CellRef::to_cell).collect(),
                })
            })?;
            sheets.push((name, rows, formulas));
        }
        Ok(sheets)
    }

    #[test]
    fn streams_rows_with_their_numbers_and_cells_read_as_the_dictionary_says() {
        use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet().set_name("Children").unwrap();
        let date = Format::new().set_num_format("dd/mm/yyyy");
        ws.write_string(0, 0, "child_id").unwrap();
        ws.write_string(0, 2, " DOB ").unwrap();
        ws.write_number(1, 0, 123.0).unwrap();
        let dob = ExcelDateTime::from_ymd(2010, 2, 28).unwrap();
        ws.write_datetime_with_format(1, 1, &dob, &date).unwrap();
        ws.write_boolean(1, 2, true).unwrap();
        // A whitespace-only row is blank and skipped; row numbers are kept.
        ws.write_string(2, 0, "   ").unwrap();
        ws.write_string(3, 3, "  C2 ").unwrap();
        ws.write_formula(3, 4, Formula::new("=1+1").set_result("2"))
            .unwrap();
        ws.write_number(4, MAX_COLUMNS as u16, 9.0).unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let sheets = stream(&bytes).unwrap();
        let (name, rows, formulas) = &sheets[0];
        assert_eq!(name, "Children");
        let numbers: Vec<u32> = rows.iter().map(|r| r.row).collect();
        assert_eq!(
            numbers,
            vec![1, 2, 4],
            "a row holding only a far column is blank"
        );
        assert_eq!(rows[0].cells[2], Cell::Text("DOB".into()));
        assert_eq!(rows[0].cells[1], Cell::Empty);
        assert_eq!(
            rows[1].cells,
            vec![
                Cell::Number(123.0),
                Cell::Date(Date::new(2010, 2, 28).unwrap()),
                Cell::Bool(true)
            ]
        );
        assert_eq!(rows[2].cell(3), &Cell::Text("C2".into()));
        assert_eq!(rows[2].cell(4), &Cell::Number(2.0));
        assert_eq!(
            *formulas,
            Formulas {
                first: Some((4, 4)),
                count: 1
            }
        );
        assert_eq!(Cell::Number(123.0).display(), "123");
        assert_eq!(Cell::Bool(false).display(), "FALSE");
    }

    #[test]
    fn a_constant_true_or_false_formula_is_a_boolean_not_a_formula() {
        // LibreOffice Calc saves each boolean cell as `TRUE()` or `FALSE()` with its value
        // cached; a hand-made workbook holds the other spellings.
        use rust_xlsxwriter::{Formula, Workbook};
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet().set_name("Children").unwrap();
        ws.write_string(0, 0, "a").unwrap();
        let constants = [
            ("TRUE()", "TRUE", true),
            ("=FALSE()", "FALSE", false),
            ("true", "1", true),
            ("=False", "0", false),
            // What the formula says wins over a cached value that disagrees.
            ("TRUE()", "0", true),
        ];
        for (i, (formula, cached, _)) in constants.iter().enumerate() {
            ws.write_formula(1, i as u16, Formula::new(*formula).set_result(*cached))
                .unwrap();
        }
        // A calculation that gives a boolean is a formula.
        ws.write_formula(2, 0, Formula::new("=TRUE()+0").set_result("1"))
            .unwrap();
        ws.write_formula(2, 1, Formula::new("=NOT(FALSE())").set_result("TRUE"))
            .unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let sheets = stream(&bytes).unwrap();
        let (_, rows, formulas) = &sheets[0];
        let read: Vec<&Cell> = rows[1].cells.iter().collect();
        let want: Vec<Cell> = constants.iter().map(|(_, _, b)| Cell::Bool(*b)).collect();
        assert_eq!(read, want.iter().collect::<Vec<_>>());
        assert_eq!(
            *formulas,
            Formulas {
                first: Some((3, 0)),
                count: 2
            }
        );
    }

    #[test]
    fn a_shared_constant_boolean_formula_is_a_boolean_in_every_cell_it_covers() {
        let rows = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>
            <row r="2"><c r="A2" t="b"><f t="shared" ref="A2:A4" si="7">TRUE()</f><v>1</v></c>
              <c r="B2"><f t="shared" ref="B2:B3" si="3">A2*2</f><v>2</v></c></row>
            <row r="3"><c r="A3" t="b"><f t="shared" si="7"/><v>1</v></c>
              <c r="B3"><f t="shared" si="3"/><v>2</v></c></row>
            <row r="4"><c r="A4" t="b"><f t="shared" si="7"/><v>1</v></c>
              <c r="B4" t="b"><f aca="false">FALSE()</f><v>0</v></c></row>"#;
        let sheets = stream(&with_sheet_data(rows)).unwrap();
        let (_, rows, formulas) = &sheets[0];
        for r in &rows[1..] {
            assert_eq!(r.cell(0), &Cell::Bool(true), "row {}", r.row);
        }
        assert_eq!(rows[3].cell(1), &Cell::Bool(false));
        // Only the two cells of the shared calculation are formulas.
        assert_eq!(
            *formulas,
            Formulas {
                first: Some((2, 1)),
                count: 2
            }
        );
    }

    /// A workbook whose one sheet holds the given `<sheetData>` content.
    fn with_sheet_data(rows: &str) -> Vec<u8> {
        use std::io::Write;
        let parts = [
            (
                "[Content_Types].xml",
                r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string(),
            ),
            (
                "_rels/.rels",
                r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string(),
            ),
            (
                "xl/workbook.xml",
                r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Children" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string(),
            ),
            (
                "xl/_rels/workbook.xml.rels",
                r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string(),
            ),
            (
                "xl/worksheets/sheet1.xml",
                format!(
                    r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>"#
                ),
            ),
        ];
        let mut buf = Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut buf);
        for (name, text) in parts {
            zip.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
        buf.into_inner()
    }

    #[test]
    fn the_last_row_excel_has_is_read_and_one_beyond_it_is_refused() {
        let cell = |r: u32| {
            format!(r#"<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>x{r}</t></is></c></row>"#)
        };
        let last = stream(&with_sheet_data(&(cell(1) + &cell(EXCEL_ROWS)))).unwrap();
        assert_eq!(last[0].1[1].row, EXCEL_ROWS);
        let beyond = stream(&with_sheet_data(&(cell(1) + &cell(EXCEL_ROWS + 1))));
        let err = beyond.unwrap_err();
        assert_eq!(err.code(), "F005");
        assert!(err.to_string().contains("beyond row 1048576"), "{err}");
    }

    #[test]
    fn a_row_number_stored_again_and_again_is_bounded_by_the_count_of_rows() {
        // Rows are taken in the order the file stores them, repeats included...
        let mut rows = String::new();
        for _ in 0..3 {
            rows.push_str(r#"<row r="2"><c r="A2" t="inlineStr"><is><t>a</t></is></c></row><row r="3"><c r="A3" t="inlineStr"><is><t>b</t></is></c></row>"#);
        }
        let file = with_sheet_data(&rows);
        let sheets = stream(&file).unwrap();
        let numbers: Vec<u32> = sheets[0].1.iter().map(|r| r.row).collect();
        assert_eq!(numbers, vec![2, 3, 2, 3, 2, 3]);
        // ... and no more of them than the grid has rows (here a grid of five rows).
        assert_eq!(stream_limited(&file, 6).unwrap()[0].1.len(), 6);
        assert_eq!(stream_limited(&file, 5).unwrap_err().code(), "F005");
    }

    #[test]
    fn cells_repeating_a_long_shared_string_are_bounded_by_the_text_they_hold() {
        // Forty cells naming one shared string of 32,000 characters (Excel's most, nearly):
        // 1.28 MB of text from a file of a few kilobytes.
        use rust_xlsxwriter::Workbook;
        let long = "x".repeat(32_000);
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        for r in 0..40 {
            ws.write_string(r, 0, &long).unwrap();
        }
        let bytes = wb.save_to_buffer().unwrap();
        let read = |limit: u64| {
            let mut book = open(&bytes)?;
            book.text_limit = limit;
            book.rows(0, &mut |_, _| {})
        };
        assert!(bytes.len() < 50_000, "{}", bytes.len());
        assert!(read(2 << 20).is_ok());
        let err = read(1 << 20).unwrap_err();
        assert_eq!(err.code(), "F004");
        assert!(err.to_string().contains("more than 1 MiB of text"), "{err}");
    }
}
