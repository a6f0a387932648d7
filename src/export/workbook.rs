//! Reading the raw cells of an `.xlsx` export, defensively.
//!
//! The bytes are read once (so they can be hashed for the audit trail), sniffed rather than
//! trusted by extension, checked for zip bombs from the central directory (the zip reader then
//! holds every entry to its declared size), and each sheet is streamed row by row: a row's
//! cells are handed to the caller as borrowed [`CellRef`]s and forgotten, so reading holds one
//! row at a time whatever the sheet's size. A hostile or broken file is refused with a
//! sentence, never a crash or a hang.

use std::cell::Cell as Flag;
use std::collections::HashMap;
use std::fmt;
use std::io::{BufReader, Cursor};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

use calamine::{
    CellErrorType, DataRef, ExcelDateTime, ExcelDateTimeType, Reader, Xlsx, XlsxError,
    XlsxFormulaMetadata,
};

use crate::date::Date;

/// The last row number Excel has: a sheet holds at most 1,048,575 data rows under its header.
/// A row beyond it cannot come from Excel or any tool that writes for it.
pub const EXCEL_ROWS: u32 = 1_048_576;
/// Cells beyond this column are ignored (an export has about thirty columns).
pub const MAX_COLUMNS: u32 = 512;
/// The most a workbook may unpack to. Measured: an export unpacks to about 1.1 KB per
/// intervention in all (Excel's fullest Interventions sheet, every row complete, is about
/// 1.26 GB); this leaves room for the other sheets and suppliers' extra columns. The
/// reasoning is in docs/decisions.md.
pub const MAX_UNPACKED_BYTES: u64 = 3 << 30;
/// The most text all the cells read may hold, shared strings resolved: a cell naming a shared
/// string costs a few bytes of the file however long the string, so this is bounded apart
/// from the unpacked size. A 1,000,000-intervention export holds 102 MB.
pub const MAX_TEXT_BYTES: u64 = 1 << 30;
/// An entry that compresses better than this (and is not tiny) is treated as a zip bomb.
/// Sheets as spreadsheet programs write them compress about 8:1, shared strings about 10:1;
/// deflate cannot exceed about 1,030:1.
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

/// Why a file could not be read at all. Each is a sentence for the person who chose the file.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum ReadError {
    #[error(
        "this is not an Excel .xlsx workbook (it is not a zip file): export the caseload again as .xlsx"
    )]
    NotXlsx,
    /// A zip file that is another kind of document (named), or no document at all.
    #[error(
        "{}",
        match .0 {
            Some(kind) => format!(
                "this is {kind}, not an Excel .xlsx workbook: open it and save it as an Excel workbook (.xlsx)"
            ),
            None => "this is a zip file but not an Excel workbook: export the caseload again as .xlsx".to_string(),
        }
    )]
    WrongKind(Option<&'static str>),
    #[error(
        "this is an old-style .xls workbook or a password-protected one: open it in Excel, remove any password and save it as an Excel workbook (.xlsx)"
    )]
    OldOrEncrypted,
    #[error(
        "this is an old-style .xls workbook: open it in Excel and save it as an Excel workbook (.xlsx) with File > Save As"
    )]
    OldXls,
    #[error(
        "this workbook is password-protected, so it cannot be read: open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with Password, and clear it), save it and close it"
    )]
    Encrypted,
    #[error("the workbook is damaged and cannot be read ({0}): export the caseload again")]
    Damaged(String),
    #[error(
        "the workbook would unpack to far more data than any export holds ({0}); it was not opened"
    )]
    TooLarge(String),
    #[error(
        "sheet \"{sheet}\" holds rows beyond row {limit}, the last row Excel has: it was not written by a spreadsheet program; export the caseload again"
    )]
    TooManyRows { sheet: String, limit: u32 },
}

impl ReadError {
    /// The catalogue code of this failure.
    pub fn code(&self) -> &'static str {
        match self {
            ReadError::NotXlsx | ReadError::WrongKind(_) => "F001",
            ReadError::OldOrEncrypted | ReadError::OldXls | ReadError::Encrypted => "F002",
            ReadError::Damaged(_) => "F003",
            ReadError::TooLarge(_) => "F004",
            ReadError::TooManyRows { .. } => "F005",
        }
    }

    /// What is wrong with the file, without the advice its message gives for an export (to
    /// export the caseload again): for a workbook that was never meant to be an export, such
    /// as a return's, whose reader gives its own.
    pub fn fault(&self) -> String {
        match self {
            ReadError::NotXlsx => "it is not an Excel .xlsx workbook (it is not a zip file)".into(),
            ReadError::WrongKind(Some(kind)) => {
                format!("it is {kind}, not an Excel .xlsx workbook")
            }
            ReadError::WrongKind(None) => "it is a zip file but not an Excel workbook".into(),
            ReadError::OldOrEncrypted => {
                "it is an old-style .xls workbook or a password-protected one".into()
            }
            ReadError::OldXls => "it is an old-style .xls workbook".into(),
            ReadError::Encrypted => "it is password-protected".into(),
            ReadError::Damaged(what) => {
                format!("the workbook is damaged and cannot be read ({what})")
            }
            ReadError::TooLarge(what) => format!(
                "the workbook would unpack to far more data than a spreadsheet of its kind holds \
                 ({what}); it was not opened"
            ),
            ReadError::TooManyRows { sheet, limit } => format!(
                "sheet \"{sheet}\" holds rows beyond row {limit}, the last row Excel has: it was \
                 not written by a spreadsheet program"
            ),
        }
    }
}

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

/// Opens the workbook in `bytes` after the checks of [`precheck`].
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

/// The boolean a formula stands for when it is only a constant: `TRUE()`, `FALSE()`, `TRUE` or
/// `FALSE`, in any case, with or without `=`. LibreOffice Calc saves every boolean cell as such
/// a formula (with its value cached): it is a yes/no typed in, not a calculation, so it is read
/// as the boolean and not counted as a formula. A shared formula's anchor is remembered by its
/// index in `shared`, for the cells derived from it, which carry only the index.
fn constant_boolean(
    formula: &XlsxFormulaMetadata,
    shared: &mut HashMap<usize, bool>,
) -> Option<bool> {
    let of_text = |text: &str| {
        let text = text.trim();
        let text = text.strip_prefix('=').unwrap_or(text).trim();
        let text = text.strip_suffix("()").unwrap_or(text);
        if text.eq_ignore_ascii_case("TRUE") {
            Some(true)
        } else if text.eq_ignore_ascii_case("FALSE") {
            Some(false)
        } else {
            None
        }
    };
    match formula {
        XlsxFormulaMetadata::Normal { formula } => of_text(formula),
        XlsxFormulaMetadata::Shared {
            shared_index,
            formula,
            ..
        } => {
            let constant = of_text(formula);
            match constant {
                Some(b) => shared.insert(*shared_index, b),
                None => shared.remove(shared_index),
            };
            constant
        }
        XlsxFormulaMetadata::SharedDerived { shared_index } => shared.get(shared_index).copied(),
        _ => None,
    }
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

/// Runs `f`, the tool's own code called from inside [`guarded`], with panics reported as
/// usual.
fn unguarded<T>(f: impl FnOnce() -> T) -> T {
    let outer = GUARDED.with(|g| g.replace(false));
    let result = f();
    GUARDED.with(|g| g.set(outer));
    result
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
        Err(compound_kind(bytes))
    } else if bytes.starts_with(b"PK\x05\x06") {
        Err(ReadError::Damaged("the zip archive is empty".into()))
    } else {
        Err(ReadError::NotXlsx)
    }
}

/// Tells an old .xls from a password-protected .xlsx: both are OLE compound files, told apart
/// by the names of their streams, which the file's directory holds in UTF-16LE, each ended by
/// a NUL: an encrypted .xlsx has `EncryptionInfo` and `EncryptedPackage`, an .xls `Workbook`
/// (Excel 97 and later) or `Book` (Excel 5).
fn compound_kind(bytes: &[u8]) -> ReadError {
    let has = |name: &str| {
        let needle: Vec<u8> = name
            .encode_utf16()
            .chain([0])
            .flat_map(u16::to_le_bytes)
            .collect();
        bytes.windows(needle.len()).any(|w| w == needle)
    };
    if has("EncryptedPackage") || has("EncryptionInfo") {
        ReadError::Encrypted
    } else if has("Workbook") || has("Book") {
        ReadError::OldXls
    } else {
        ReadError::OldOrEncrypted
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
            return Err(ReadError::Encrypted);
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
        (false, kind) => Err(ReadError::WrongKind(kind)),
    }
}

/// A cell of the row being gathered: ready to hand on, or text calamine made for it (an
/// inline string), borrowed when the row is handed on.
enum Slot<'a> {
    Ready(CellRef<'a>),
    Owned(String),
}

impl<'a> Slot<'a> {
    /// Calamine's value as the dictionary reads it, or `None` when it is blank (whitespace
    /// is blank): text trimmed, date cells as dates (a number formatted as a time, or a date
    /// Excel cannot hold, stays a number), numbers as `f64`.
    fn of(value: DataRef<'a>) -> Option<Slot<'a>> {
        let owned = |s: String| (!s.trim().is_empty()).then_some(Slot::Owned(s));
        let ready = |c: CellRef<'a>| Some(Slot::Ready(c));
        match value {
            DataRef::Empty => None,
            DataRef::SharedString(s) => {
                let t = trim(s);
                (!t.is_empty()).then_some(Slot::Ready(CellRef::Text(t)))
            }
            DataRef::String(s) | DataRef::DurationIso(s) => owned(s),
            DataRef::DateTimeIso(s) => match s.get(..10).and_then(Date::parse_text) {
                Some(d) => ready(CellRef::Date(d)),
                None => owned(s),
            },
            DataRef::Float(f) => ready(CellRef::Number(f)),
            DataRef::Int(i) => ready(CellRef::Number(i as f64)),
            DataRef::Bool(b) => ready(CellRef::Bool(b)),
            DataRef::DateTime(dt) => ready(match excel_date(&dt) {
                Some(d) => CellRef::Date(d),
                None => CellRef::Number(dt.as_f64()),
            }),
            DataRef::Error(e) => ready(CellRef::Error(error_text(&e))),
        }
    }

    /// The bytes of text the cell holds.
    fn text_len(&self) -> usize {
        match self {
            Slot::Ready(CellRef::Text(s)) => s.len(),
            Slot::Owned(s) => s.len(),
            Slot::Ready(_) => 0,
        }
    }
}

/// The date of a date-formatted cell (its time part dropped), or `None` for a time or a
/// duration, or a date Excel cannot hold. A whole serial number of the 1900 date system (what
/// nearly every date cell holds) is converted directly, which is several times quicker than
/// calamine's general conversion of dates and times; the rest go through calamine. A test
/// holds the two to the same date for every whole serial Excel has.
fn excel_date(dt: &ExcelDateTime) -> Option<Date> {
    /// 1 March 1900, the first serial after Excel's fictitious 29 February 1900, and
    /// 31 December 9999, the last date Excel has.
    const DIRECT: std::ops::RangeInclusive<f64> = 61.0..=2_958_465.0;
    /// Serial 25,569 is 1 January 1970.
    const UNIX_EPOCH: i64 = 25_569;
    let serial = dt.as_f64();
    if DIRECT.contains(&serial)
        && serial.fract() == 0.0
        && *dt == ExcelDateTime::new(serial, ExcelDateTimeType::DateTime, false)
    {
        return Some(Date::from_days_since_epoch(serial as i64 - UNIX_EPOCH));
    }
    if !dt.is_datetime() {
        return None;
    }
    let (y, m, d, ..) = dt.to_ymd_hms_milli();
    Date::new(i32::from(y), u32::from(m), u32::from(d))
}

/// `s` without leading and trailing whitespace; most text needs no trimming, and saying so
/// from its first and last bytes saves decoding it.
fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(z)) if a.is_ascii_graphic() && z.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// Excel's spelling of an error value.
fn error_text(e: &CellErrorType) -> &'static str {
    match e {
        CellErrorType::Div0 => "#DIV/0!",
        CellErrorType::NA => "#N/A",
        CellErrorType::Name => "#NAME?",
        CellErrorType::Null => "#NULL!",
        CellErrorType::Num => "#NUM!",
        CellErrorType::Ref => "#REF!",
        CellErrorType::Value => "#VALUE!",
        CellErrorType::GettingData => "#DATA!",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn refuses_what_is_not_a_workbook() {
        assert_eq!(open(b"hello, world").err(), Some(ReadError::NotXlsx));
        assert_eq!(open(b"").err(), Some(ReadError::NotXlsx));
        let ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0];
        assert_eq!(open(&ole).err(), Some(ReadError::OldOrEncrypted));
        // The stream names of a directory entry, UTF-16LE and NUL-ended.
        let with = |name: &str| {
            let mut bytes = ole.to_vec();
            bytes.extend(name.encode_utf16().chain([0]).flat_map(u16::to_le_bytes));
            bytes
        };
        assert_eq!(read(&with("Workbook")).unwrap_err(), ReadError::OldXls);
        assert_eq!(read(&with("Book")).unwrap_err(), ReadError::OldXls);
        assert_eq!(
            read(&with("EncryptedPackage")).unwrap_err(),
            ReadError::Encrypted
        );
        assert_eq!(
            read(&with("EncryptionInfo")).unwrap_err(),
            ReadError::Encrypted
        );
        // A name that merely ends like one is not it.
        assert_eq!(
            read(&with("NotAWorkbookX")).unwrap_err(),
            ReadError::OldOrEncrypted
        );
        assert_eq!(ReadError::Encrypted.code(), "F002");
        assert!(matches!(
            open(b"PK\x03\x04truncated").err(),
            Some(ReadError::Damaged(_))
        ));
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

    #[test]
    fn date_cells_read_as_calamine_reads_them() {
        let calamine = |dt: ExcelDateTime| {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            Date::new(i32::from(y), u32::from(m), u32::from(d))
        };
        // Every whole serial Excel has, and either side of them.
        for serial in 0..=2_958_466 {
            let dt = ExcelDateTime::new(f64::from(serial), ExcelDateTimeType::DateTime, false);
            assert_eq!(excel_date(&dt), calamine(dt), "serial {serial}");
        }
        assert_eq!(
            excel_date(&ExcelDateTime::new(
                45_565.0,
                ExcelDateTimeType::DateTime,
                false
            )),
            Date::new(2024, 9, 30)
        );
        // Excel's fictitious 29 February 1900 is no date; the days before it are.
        let serial = |s: f64| ExcelDateTime::new(s, ExcelDateTimeType::DateTime, false);
        assert_eq!(excel_date(&serial(60.0)), None);
        assert_eq!(excel_date(&serial(59.0)), Date::new(1900, 2, 28));
        // A time of day is dropped; the 1904 date system counts from 1 January 1904.
        assert_eq!(excel_date(&serial(45_565.75)), Date::new(2024, 9, 30));
        let from_1904 = ExcelDateTime::new(44_103.0, ExcelDateTimeType::DateTime, true);
        assert_eq!(excel_date(&from_1904), Date::new(2024, 9, 30));
        // A duration is not a date.
        let duration = ExcelDateTime::new(45_565.0, ExcelDateTimeType::TimeDelta, false);
        assert_eq!(excel_date(&duration), None);
    }

    #[test]
    fn numbers_print_like_excel_ids() {
        assert_eq!(format_number(123.0), "123");
        assert_eq!(format_number(7.5), "7.5");
        assert_eq!(format_number(-2.0), "-2");
    }
}
