//! Reading the raw cells of an `.xlsx` export, defensively.
//!
//! The bytes are read once (so they can be hashed for the audit trail), sniffed rather than
//! trusted by extension, checked for zip bombs from the central directory (the zip reader then
//! holds every entry to its declared size), and each sheet is streamed cell by cell with a cap
//! on rows, so a hostile or broken file is refused with a sentence, never a crash or a hang.

use std::cell::Cell as Flag;
use std::io::{BufReader, Cursor};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

use calamine::{DataRef, Reader, Xlsx, XlsxError};

use crate::date::Date;

/// At most this many non-blank rows per sheet: a youth justice caseload is a few thousand.
pub const MAX_ROWS: usize = 200_000;
/// Cells beyond this column are ignored (an export has about thirty columns).
pub const MAX_COLUMNS: u32 = 512;
/// The most a workbook may unpack to.
pub const MAX_UNPACKED_BYTES: u64 = 1 << 30;
/// An entry that compresses better than this (and is not tiny) is treated as a zip bomb.
pub const MAX_COMPRESSION_RATIO: u64 = 500;

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
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Number(n) => format_number(*n),
            Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            Cell::Date(d) => d.to_string(),
            Cell::Error(e) => e.clone(),
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
    pub fn cell(&self, col: usize) -> &Cell {
        self.cells.get(col).unwrap_or(&Cell::Empty)
    }
}

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

/// Why a file could not be read at all. Each is a sentence for the person who chose the file.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum ReadError {
    #[error(
        "this is not an Excel .xlsx workbook (it is not a zip file): export the caseload again as .xlsx"
    )]
    NotXlsx,
    #[error("{0}")]
    WrongKind(String),
    #[error(
        "this is an old-style .xls workbook or a password-protected one: open it in Excel, remove any password and save it as an Excel workbook (.xlsx)"
    )]
    OldOrEncrypted,
    #[error("the workbook is damaged and cannot be read ({0}): export the caseload again")]
    Damaged(String),
    #[error(
        "the workbook would unpack to far more data than any export holds ({0}); it was not opened"
    )]
    TooLarge(String),
    #[error(
        "sheet \"{sheet}\" holds more than {limit} rows; a caseload export is far smaller (is formatting applied to whole columns?)"
    )]
    TooManyRows { sheet: String, limit: usize },
}

impl ReadError {
    /// The catalogue code of this failure.
    pub fn code(&self) -> &'static str {
        match self {
            ReadError::NotXlsx | ReadError::WrongKind(_) => "F001",
            ReadError::OldOrEncrypted => "F002",
            ReadError::Damaged(_) => "F003",
            ReadError::TooLarge(_) => "F004",
            ReadError::TooManyRows { .. } => "F005",
        }
    }
}

/// Reads every sheet of the workbook in `bytes`.
pub fn read(bytes: &[u8]) -> Result<Workbook, ReadError> {
    let sha256 = crate::sha256_hex(bytes);
    precheck(bytes)?;
    guarded(|| {
        let mut xlsx = Xlsx::new(Cursor::new(bytes)).map_err(|e| damaged(None, &e))?;
        let names = xlsx.sheet_names();
        let mut sheets = Vec::with_capacity(names.len());
        for name in names {
            sheets.push(read_sheet(&mut xlsx, &name)?);
        }
        Ok(Workbook { sha256, sheets })
    })?
}

/// The checks made before a workbook is opened: it is a zip, not an old or encrypted file,
/// not a zip bomb, and no count in it would make the reader reserve memory the content cannot
/// fill. Used by every reader of untrusted .xlsx files (the export, and a return workbook
/// given to `check`).
pub fn precheck(bytes: &[u8]) -> Result<(), ReadError> {
    sniff(bytes)?;
    check_zip(bytes)?;
    check_shared_strings(bytes)
}

thread_local! {
    /// Set while [`guarded`] runs: a panic then is reported as a damaged file, not printed.
    static GUARDED: Flag<bool> = const { Flag::new(false) };
}

/// Runs the spreadsheet library over untrusted bytes. A panic inside it (arithmetic on a
/// hostile cell reference, say) is a defect of the library on a damaged file: it becomes a
/// sentence for the user, never a crash or a stack trace.
pub fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, ReadError> {
    static QUIET_HOOK: Once = Once::new();
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !GUARDED.with(Flag::get) {
                previous(info);
            }
        }));
    });
    let outer = GUARDED.with(|g| g.replace(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(outer));
    result.map_err(|_| ReadError::Damaged(FORMAT.into()))
}

const FORMAT: &str = "its contents do not follow the Excel format";

/// What is wrong with a workbook the library refused, in words (the library's own messages,
/// such as "Expecting alphanumeric character", mean nothing to a data officer).
pub fn damaged(sheet: Option<&str>, e: &XlsxError) -> ReadError {
    let what = match e {
        XlsxError::Io(_) | XlsxError::Zip(_) => "its zip archive is damaged",
        XlsxError::Xml(_)
        | XlsxError::XmlAttr(_)
        | XlsxError::XmlEof(_)
        | XlsxError::Encoding(_) => "a part of it is not well-formed XML",
        XlsxError::Alphanumeric(_)
        | XlsxError::NumericColumn(_)
        | XlsxError::RangeWithoutColumnComponent
        | XlsxError::RangeWithoutRowComponent
        | XlsxError::ColumnNumberOverflow
        | XlsxError::RowNumberOverflow
        | XlsxError::DimensionCount(_) => "a cell reference in it is malformed",
        XlsxError::FileNotFound(_) | XlsxError::RelationshipNotFound => "a part of it is missing",
        XlsxError::Password => "it is password-protected",
        _ => FORMAT,
    };
    ReadError::Damaged(match sheet {
        Some(name) => format!("sheet \"{name}\": {what}"),
        None => what.to_string(),
    })
}

/// The fewest bytes one shared string takes (`<si/>`).
const MIN_SHARED_STRING_BYTES: u64 = 5;
/// A declared count this small is harmless to reserve, whatever the content.
const HARMLESS_SHARED_STRINGS: u64 = 1 << 20;

/// Refuses a shared-strings table whose declared `uniqueCount` is more than its content could
/// hold: the library reserves memory for that many strings up front, so
/// `uniqueCount="4294967295"` in a tiny file would otherwise ask for about 100 GB and abort.
fn check_shared_strings(bytes: &[u8]) -> Result<(), ReadError> {
    use quick_xml::events::Event;
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|_| ReadError::Damaged("its zip archive is damaged".into()))?;
    for i in 0..archive.len() {
        let entry = archive
            .by_index(i)
            .map_err(|_| ReadError::Damaged("its zip archive is damaged".into()))?;
        let is_table = entry
            .name()
            .map(|n| n.to_ascii_lowercase().ends_with("sharedstrings.xml"))
            .unwrap_or(false);
        if !is_table {
            continue;
        }
        let size = entry.size();
        let mut xml = quick_xml::Reader::from_reader(BufReader::new(entry));
        let mut buf = Vec::new();
        let declared = loop {
            buf.clear();
            match xml.read_event_into(&mut buf) {
                Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "sst" => {
                    break e
                        .try_get_attribute("uniqueCount")
                        .ok()
                        .flatten()
                        .and_then(|a| count(&a.value));
                }
                Ok(Event::Eof) | Err(_) => break None,
                Ok(_) => {}
            }
        };
        if let Some(n) = declared
            && n > HARMLESS_SHARED_STRINGS
            && n > size / MIN_SHARED_STRING_BYTES
        {
            return Err(ReadError::Damaged(format!(
                "its shared-strings table says it holds {n} strings, but its {size} bytes \
                 cannot hold more than {}",
                size / MIN_SHARED_STRING_BYTES
            )));
        }
    }
    Ok(())
}

/// A count as the library reads it: decimal digits, leading zeros allowed.
fn count(raw: &str) -> Option<u64> {
    let digits = raw.trim_start_matches('0');
    if digits.is_empty() {
        return Some(0);
    }
    digits
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| digits.parse().ok())
        .flatten()
}

fn sniff(bytes: &[u8]) -> Result<(), ReadError> {
    if bytes.starts_with(b"PK\x03\x04") {
        Ok(())
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        Err(ReadError::OldOrEncrypted)
    } else if bytes.starts_with(b"PK\x05\x06") {
        Err(ReadError::Damaged("the zip archive is empty".into()))
    } else {
        Err(ReadError::NotXlsx)
    }
}

/// Refuses zip bombs and non-workbook zips from the central directory alone, before anything
/// is decompressed.
fn check_zip(bytes: &[u8]) -> Result<(), ReadError> {
    let broken = || ReadError::Damaged("its zip archive is incomplete or damaged".into());
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| broken())?;
    let mut total: u64 = 0;
    let mut has_workbook = false;
    let mut kind = None;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|_| broken())?;
        let name = entry.name().map_err(|_| broken())?.into_owned();
        match name.as_str() {
            "xl/workbook.xml" => has_workbook = true,
            "xl/workbook.bin" => kind = Some("an .xlsb (binary) workbook"),
            "content.xml" => kind = Some("an OpenDocument (.ods) spreadsheet"),
            "word/document.xml" => kind = Some("a Word document"),
            _ => {}
        }
        if entry.encrypted() {
            return Err(ReadError::OldOrEncrypted);
        }
        let size = entry.size();
        total = total.saturating_add(size);
        if size > (1 << 20) && size / entry.compressed_size().max(1) > MAX_COMPRESSION_RATIO {
            return Err(ReadError::TooLarge(format!(
                "{name} is {size} bytes compressed {}:1",
                size / entry.compressed_size().max(1)
            )));
        }
    }
    if total > MAX_UNPACKED_BYTES {
        return Err(ReadError::TooLarge(format!("{total} bytes in all")));
    }
    match (has_workbook, kind) {
        (true, _) => Ok(()),
        (false, Some(kind)) => Err(ReadError::WrongKind(format!(
            "this is {kind}, not an Excel .xlsx workbook: open it and save it as an Excel workbook (.xlsx)"
        ))),
        (false, None) => Err(ReadError::WrongKind(
            "this is a zip file but not an Excel workbook: export the caseload again as .xlsx"
                .into(),
        )),
    }
}

fn read_sheet(xlsx: &mut Xlsx<Cursor<&[u8]>>, name: &str) -> Result<RawSheet, ReadError> {
    let damaged = |e: XlsxError| damaged(Some(name), &e);
    let mut reader = xlsx.worksheet_cells_reader(name).map_err(damaged)?;
    let mut sheet = RawSheet {
        name: name.to_string(),
        rows: Vec::new(),
        first_formula: None,
        formula_count: 0,
    };
    let mut current: Option<RawRow> = None;
    // The formula's text is never needed, only whether there is one; asking for the text
    // would make the library grow a table to a size read from the file (`si="4000000000"`).
    while let Some(record) = reader.next_cell_with_formula_metadata().map_err(damaged)? {
        let (row, col) = record.pos;
        if record.formula.is_some() {
            sheet.formula_count += 1;
            sheet.first_formula.get_or_insert((row + 1, col));
        }
        if col >= MAX_COLUMNS {
            continue;
        }
        let cell = convert(record.value);
        if cell.is_empty() {
            continue;
        }
        let excel_row = row + 1;
        if current.as_ref().is_some_and(|r| r.row != excel_row) {
            push_row(&mut sheet, current.take())?;
        }
        let raw = current.get_or_insert_with(|| RawRow {
            row: excel_row,
            cells: Vec::new(),
        });
        let col = col as usize;
        if raw.cells.len() <= col {
            raw.cells.resize(col + 1, Cell::Empty);
        }
        raw.cells[col] = cell;
    }
    push_row(&mut sheet, current)?;
    // Streams normally arrive in row order; make sure of it for the rules that rely on it.
    sheet.rows.sort_by_key(|r| r.row);
    Ok(sheet)
}

fn push_row(sheet: &mut RawSheet, row: Option<RawRow>) -> Result<(), ReadError> {
    if let Some(row) = row {
        if sheet.rows.len() >= MAX_ROWS {
            return Err(ReadError::TooManyRows {
                sheet: sheet.name.clone(),
                limit: MAX_ROWS,
            });
        }
        sheet.rows.push(row);
    }
    Ok(())
}

fn convert(value: DataRef<'_>) -> Cell {
    match value {
        DataRef::Empty => Cell::Empty,
        DataRef::String(s) => text(&s),
        DataRef::SharedString(s) => text(s),
        DataRef::Float(f) => Cell::Number(f),
        DataRef::Int(i) => Cell::Number(i as f64),
        DataRef::Bool(b) => Cell::Bool(b),
        DataRef::DateTime(dt) => {
            if dt.is_datetime() {
                let (y, m, d, ..) = dt.to_ymd_hms_milli();
                Date::new(i32::from(y), u32::from(m), u32::from(d))
                    .map_or_else(|| Cell::Number(dt.as_f64()), Cell::Date)
            } else {
                Cell::Number(dt.as_f64())
            }
        }
        DataRef::DateTimeIso(s) => s
            .get(..10)
            .and_then(Date::parse_text)
            .map_or_else(|| text(&s), Cell::Date),
        DataRef::DurationIso(s) => text(&s),
        DataRef::Error(e) => Cell::Error(e.to_string()),
    }
}

fn text(s: &str) -> Cell {
    let t = s.trim();
    if t.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(t.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_a_workbook() {
        assert_eq!(read(b"hello, world").unwrap_err(), ReadError::NotXlsx);
        assert_eq!(read(b"").unwrap_err(), ReadError::NotXlsx);
        let ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0];
        assert_eq!(read(&ole).unwrap_err(), ReadError::OldOrEncrypted);
        assert!(matches!(
            read(b"PK\x03\x04truncated").unwrap_err(),
            ReadError::Damaged(_)
        ));
    }

    #[test]
    fn numbers_print_like_excel_ids() {
        assert_eq!(format_number(123.0), "123");
        assert_eq!(format_number(7.5), "7.5");
        assert_eq!(format_number(-2.0), "-2");
    }
}
