//! The record rows of the section sheets, written as the sheet's XML by the explanation itself.
//!
//! A large export's sections hold millions of cells. Given one by one to the spreadsheet
//! library, each cost it a copy, a table entry and a formatted write (with a temporary file
//! between): most of `explain --out`'s own time. The library writes each sheet with its
//! heading, columns, page and filter; the rows under the heading are then spliced into the
//! sheet's XML here, cell by cell as the library would write them (inline strings escaped its
//! way, numbers as it shows them, each cell in its column's format), and the workbook's zip is
//! written again around them. In memory only: the engine touches no file.

use std::fmt::Write as _;
use std::io::{Cursor, Read, Write};

use rust_xlsxwriter::XlsxError;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

/// Excel's longest text in a cell, in UTF-16 units.
const MAX_STRING_LEN: usize = 32_767;

/// A sheet's rows as XML, each cell in its column's format, passed on to `sink` a few rows
/// at a time.
pub struct Rows<'w> {
    /// The column names (`A`, `B`, ... ) and each column's format's index, from the sheet.
    names: Vec<String>,
    styles: Vec<u32>,
    xml: String,
    sink: &'w mut dyn Write,
    row: u32,
}

/// How much XML is gathered before it is passed on.
const CHUNK: usize = 1 << 16;

impl<'w> Rows<'w> {
    fn new(styles: Vec<u32>, sink: &'w mut dyn Write) -> Rows<'w> {
        Rows {
            names: (0..styles.len() as u16).map(column_name).collect(),
            styles,
            xml: String::with_capacity(CHUNK + 4096),
            sink,
            row: 0,
        }
    }

    /// Passes on what is gathered.
    fn flush(&mut self) -> Result<(), XlsxError> {
        self.sink.write_all(self.xml.as_bytes())?;
        self.xml.clear();
        Ok(())
    }

    /// Starts row `row` (0-based), `height` points high when not the default.
    pub fn start(&mut self, row: u32, height: Option<u32>) {
        self.row = row;
        self.xml.push_str(r#"<row r=""#);
        push_number(&mut self.xml, u64::from(row) + 1);
        if let Some(h) = height {
            self.xml.push_str(r#"" ht=""#);
            push_number(&mut self.xml, u64::from(h));
            self.xml.push_str(r#"" customHeight="1"#);
        }
        self.xml.push_str(r#"">"#);
    }

    pub fn end(&mut self) -> Result<(), XlsxError> {
        self.xml.push_str("</row>");
        if self.xml.len() >= CHUNK {
            self.flush()?;
        }
        Ok(())
    }

    /// The start of cell `col`'s element, with its column's format.
    fn cell(&mut self, col: u16) {
        // Written piece by piece: `write!` costs several times as much, per million cells.
        let name = self.names.get(usize::from(col)).map_or("A", String::as_str);
        let style = self.styles.get(usize::from(col)).copied().unwrap_or(0);
        self.xml.push_str(r#"<c r=""#);
        self.xml.push_str(name);
        push_number(&mut self.xml, u64::from(self.row) + 1);
        if style > 0 {
            self.xml.push_str(r#"" s=""#);
            push_number(&mut self.xml, u64::from(style));
        }
        self.xml.push('"');
    }

    /// A text cell; nothing for empty text (as the library: Excel ignores it).
    pub fn text(&mut self, col: u16, text: &str) -> Result<(), XlsxError> {
        if text.is_empty() {
            return Ok(());
        }
        if text.len() > MAX_STRING_LEN && text.encode_utf16().count() > MAX_STRING_LEN {
            return Err(XlsxError::MaxStringLengthExceeded);
        }
        self.cell(col);
        let preserve = text.starts_with(['\t', '\n', ' ']) || text.ends_with(['\t', '\n', ' ']);
        self.xml.push_str(if preserve {
            r#" t="inlineStr"><is><t xml:space="preserve">"#
        } else {
            r#" t="inlineStr"><is><t>"#
        });
        escape_into(&mut self.xml, text);
        self.xml.push_str("</t></is></c>");
        Ok(())
    }

    /// A whole number.
    pub fn count(&mut self, col: u16, n: i64) {
        self.cell(col);
        // Shown as the library shows the same number as a float (whole: no decimals).
        if n.unsigned_abs() < 1 << 53 {
            self.xml.push_str("><v>");
            if n < 0 {
                self.xml.push('-');
            }
            push_number(&mut self.xml, n.unsigned_abs());
            self.xml.push_str("</v></c>");
        } else {
            let _ = write!(self.xml, "><v>{}</v></c>", n as f64);
        }
    }

    /// A number with decimals.
    pub fn number(&mut self, col: u16, x: f64) {
        self.cell(col);
        let _ = write!(self.xml, "><v>{x}</v></c>");
    }
}

/// `n` in decimal digits.
fn push_number(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&digits[at..]).unwrap_or("0"));
}

/// `A`, `B`, ... `Z`, `AA`, ... for 0-based column `col`.
fn column_name(col: u16) -> String {
    let mut n = u32::from(col) + 1;
    let mut name = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        name.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

/// `text` escaped as the library escapes a cell's text: `&`, `<`, `>` as entities, control
/// characters (but tab and line feed) and U+FFFE/U+FFFF as `_xHHHH_`, and a literal `_xHHHH_`
/// in the text kept literal as `_x005F_xHHHH_`.
fn escape_into(out: &mut String, text: &str) {
    let plain = text.bytes().all(|b| {
        !matches!(b, b'&' | b'<' | b'>' | b'_' | 0xEF) && (b >= 0x20 || b == 9 || b == 10)
    });
    if plain {
        out.push_str(text);
        return;
    }
    let literal = escape_escapes(text);
    for ch in literal.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\t' | '\n' => out.push(ch),
            c if u32::from(c) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                let _ = write!(out, "_x{:04X}_", u32::from(c));
            }
            c => out.push(c),
        }
    }
}

/// A literal `_xHHHH_` (four hex digits) made `_x005F_xHHHH_`, so Excel does not read it as
/// an escaped character.
fn escape_escapes(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("_x") {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 12);
    let mut rest = text;
    while let Some(at) = rest.find("_x") {
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        let b = from.as_bytes();
        if b.len() >= 7 && b[2..6].iter().all(u8::is_ascii_hexdigit) && b[6] == b'_' {
            out.push_str("_x005F");
        }
        out.push_str("_x");
        rest = &from[2..];
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// Each column's format index, as the sheet's `<cols>` gives it, for `columns` columns.
fn column_styles(sheet: &str, columns: usize) -> Vec<u32> {
    let mut styles = vec![0; columns];
    let cols = sheet
        .split_once("<cols>")
        .and_then(|(_, r)| r.split_once("</cols>"))
        .map_or("", |(c, _)| c);
    for col in cols.split("<col ").skip(1) {
        let attr = |name: &str| -> Option<usize> {
            let (_, r) = col.split_once(&format!(" {name}=\""))?;
            r.split_once('"')?.0.parse().ok()
        };
        // `min` opens the element: give the split a space before it.
        let min = col
            .strip_prefix("min=\"")
            .and_then(|r| r.split_once('"'))
            .and_then(|(v, _)| v.parse::<usize>().ok())
            .or_else(|| attr("min"));
        let (Some(min), Some(max), Some(style)) = (min, attr("max"), attr("style")) else {
            continue;
        };
        for c in min.max(1)..=max.min(columns) {
            styles[c - 1] = style as u32;
        }
    }
    styles
}

/// What writes its rows (into the rows given, each cell in its column's format).
pub type Fill<'f> = Box<dyn FnOnce(&mut Rows) -> Result<(), XlsxError> + 'f>;

/// A sheet whose rows are written here: its part in the zip, its columns, the last row it
/// writes (0-based; `None` for none), and what writes them.
pub struct Splice<'f> {
    pub part: String,
    pub columns: usize,
    pub last: Option<u32>,
    pub fill: Fill<'f>,
}

/// The workbook `book` (as the library saved it) with each splice's rows added to its sheet.
pub fn splice(book: &[u8], splices: Vec<Splice>) -> Result<Vec<u8>, XlsxError> {
    let mut splices: Vec<Option<Splice>> = splices.into_iter().map(Some).collect();
    let mut archive = ZipArchive::new(Cursor::new(book))?;
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    // As the library writes its parts.
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(1))
        .unix_permissions(0o600)
        .last_modified_time(DateTime::default());
    for i in 0..archive.len() {
        let name = archive.by_index_raw(i)?.name()?.to_string();
        let Some(s) = splices
            .iter_mut()
            .find(|s| s.as_ref().is_some_and(|s| s.part == name))
            .and_then(Option::take)
        else {
            out.raw_copy_file(archive.by_index_raw(i)?)?;
            continue;
        };
        let mut sheet = String::new();
        archive.by_index(i)?.read_to_string(&mut sheet)?;
        let (head, tail) = sheet
            .rsplit_once("</sheetData>")
            .ok_or(XlsxError::ParameterError(format!(
                "no sheet data in {name}"
            )))?;
        let head = match s.last {
            Some(row) => with_dimension(head, row, s.columns),
            None => head.to_string(),
        };
        out.start_file(name, options)?;
        out.write_all(head.as_bytes())?;
        let mut rows = Rows::new(column_styles(&sheet, s.columns), &mut out);
        (s.fill)(&mut rows)?;
        rows.flush()?;
        out.write_all(b"</sheetData>")?;
        out.write_all(tail.as_bytes())?;
    }
    Ok(out.finish()?.into_inner())
}

/// The sheet's head with its dimension reaching row `last` (0-based) and its last column.
fn with_dimension(head: &str, last: u32, columns: usize) -> String {
    let Some((before, rest)) = head.split_once("<dimension ref=\"") else {
        return head.to_string();
    };
    let Some((_, after)) = rest.split_once('"') else {
        return head.to_string();
    };
    let corner = column_name(columns.saturating_sub(1) as u16);
    format!("{before}<dimension ref=\"A1:{corner}{}\"{after}", last + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_in_decimal() {
        for n in [0, 7, 10, 99_999, u64::MAX] {
            let mut s = String::new();
            push_number(&mut s, n);
            assert_eq!(s, n.to_string());
        }
        let mut xml = Vec::new();
        let mut rows = Rows::new(vec![0], &mut xml);
        rows.start(0, None);
        rows.count(0, -42);
        rows.end().unwrap();
        rows.flush().unwrap();
        assert_eq!(
            String::from_utf8(xml).unwrap(),
            r#"<row r="1"><c r="A1"><v>-42</v></c></row>"#
        );
    }

    #[test]
    fn columns_are_named_as_excel_names_them() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
    }

    #[test]
    fn text_is_escaped_as_the_library_escapes_it() {
        let esc = |t: &str| {
            let mut s = String::new();
            escape_into(&mut s, t);
            s
        };
        assert_eq!(esc("plain text"), "plain text");
        assert_eq!(esc("A & B <c>"), "A &amp; B &lt;c&gt;");
        assert_eq!(esc("tab\there\nline"), "tab\there\nline");
        assert_eq!(esc("bell\u{7}"), "bell_x0007_");
        assert_eq!(esc("x\u{FFFF}"), "x_xFFFF_");
        assert_eq!(
            esc("_x0041_ and _xZZ and a_x"),
            "_x005F_x0041_ and _xZZ and a_x"
        );
        assert_eq!(esc("é_under_score"), "é_under_score");
    }

    #[test]
    fn cells_take_their_columns_format() {
        let sheet = r#"<cols><col min="1" max="1" width="8" style="1" customWidth="1"/><col min="2" max="3" width="7" style="2" customWidth="1"/></cols>"#;
        assert_eq!(column_styles(sheet, 4), vec![1, 2, 2, 0]);
        let mut xml = Vec::new();
        let mut rows = Rows::new(column_styles(sheet, 4), &mut xml);
        rows.start(5, Some(30));
        rows.text(0, " lead").unwrap();
        rows.count(1, 24);
        rows.number(2, 7.25);
        rows.text(3, "").unwrap();
        rows.text(3, "d").unwrap();
        rows.end().unwrap();
        rows.flush().unwrap();
        assert_eq!(
            String::from_utf8(xml).unwrap(),
            r#"<row r="6" ht="30" customHeight="1"><c r="A6" s="1" t="inlineStr"><is><t xml:space="preserve"> lead</t></is></c><c r="B6" s="2"><v>24</v></c><c r="C6" s="2"><v>7.25</v></c><c r="D6" t="inlineStr"><is><t>d</t></is></c></row>"#
        );
    }

    #[test]
    fn the_dimension_reaches_the_last_row() {
        assert_eq!(
            with_dimension(r#"<x/><dimension ref="A1:K5"/><y>"#, 99, 11),
            r#"<x/><dimension ref="A1:K100"/><y>"#
        );
    }

    #[test]
    fn text_longer_than_excel_holds_is_refused() {
        let mut xml = Vec::new();
        let mut rows = Rows::new(vec![0], &mut xml);
        rows.start(0, None);
        assert!(rows.text(0, &"x".repeat(40_000)).is_err());
    }
}
