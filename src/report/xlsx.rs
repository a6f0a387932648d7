//! The validation report for people: an Excel workbook a data officer works through, on screen
//! or on paper.
//!
//! Sheet "Issues" lists every finding (never truncated) as a filterable table, each linked to
//! its cell; "Summary" gives the verdict, the findings per rule, every rule's status and any
//! acknowledgement that was not applied; "By child" gathers findings per child; then a copy of
//! each export sheet that has findings, holding its header and the rows a finding is on or
//! involves, each at its own row number (the rows between hidden, the row numbers printed),
//! with the offending cells coloured (errors red, warnings amber, notes blue) and the message
//! as a cell note.
//!
//! Every sheet prints as the return workbook does: A4 landscape, one page wide, its header row
//! repeated on each page, and a page header naming the export and the day of the run.
//!
//! Sheets whose rows are written in order (Issues, By child and the copies, which grow with the
//! export) use rust_xlsxwriter's constant-memory mode, so a large export's report costs a few
//! megabytes rather than a copy of every cell. In that mode a write to an earlier row is
//! silently dropped: each of those sheets is written strictly top to bottom.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, FormatUnderline, Note,
    Table, TableColumn, Url, Workbook, Worksheet, XlsxError,
};

// Every string this report writes is also cut to what one Excel cell holds.
use crate::date::Date;
use crate::definitions::Severity;
use crate::excel::cell_text as xml_safe;
use crate::excel::sheet_ref;
use crate::export::workbook::{Cell, CellRef, RawRow, RawSheet, format_number};
use crate::validate::{Finding, RuleStatus, Validation};

const NOTICE: &str = "This report contains children's case identifiers: keep it within the youth justice service. It is not for submission to the YJB.";

/// The columns of the Issues table: header, least and greatest width in characters. Sheet,
/// Cell, Column and Child widen to their longest value within those bounds; Message, How to
/// fix and the free-text columns wrap. The widths keep a finding's thirteen columns on one
/// landscape page at a readable scale.
const ISSUE_COLUMNS: [(&str, f64, f64); 13] = [
    ("#", 5.0, 5.0),
    ("Severity", 9.0, 9.0),
    ("Rule", 6.0, 6.0),
    ("Sheet", 8.0, 18.0),
    ("Cell", 10.0, 40.0),
    ("Row", 6.0, 6.0),
    ("Column", 10.0, 24.0),
    ("Header as typed", 14.0, 14.0),
    ("Value", 16.0, 16.0),
    ("Message", 48.0, 48.0),
    ("How to fix", 36.0, 36.0),
    ("Child", 8.0, 18.0),
    ("Acknowledged", 20.0, 20.0),
];
/// Issues columns whose text wraps within the column rather than spilling over.
const WRAPPED: [usize; 7] = [3, 6, 7, 8, 9, 10, 12];

/// Writes the report dated `date` (the day of the run, printed in every page header and
/// recorded as the document's creation date): the same validation and date give the same bytes.
pub fn render_dated(v: &Validation, file: &str, date: Date) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new()
            .set_title("yjb-return validation report")
            .set_comment(NOTICE)
            .set_creation_datetime(&excel_date(date)?),
    );
    let report = Report {
        v,
        file,
        styles: Styles::new(),
        page: Page::new(file, date),
        copies: copy_names(&v.workbook.sheets),
    };
    report.issues(&mut wb)?;
    report.summary(&mut wb)?;
    report.by_child(&mut wb)?;
    for sheet in v.workbook.sheets.iter().filter(|s| has_findings(v, s)) {
        report.copy(&mut wb, sheet)?;
    }
    wb.save_to_buffer()
        .map(crate::workbook_bytes::same_everywhere)
}

/// What the copies of the export hold, and which sheets have none.
fn copies_fact(v: &Validation) -> String {
    let (with, without): (Vec<&RawSheet>, Vec<&RawSheet>) =
        v.workbook.sheets.iter().partition(|s| has_findings(v, s));
    let names = |sheets: &[&RawSheet]| -> Vec<String> {
        sheets
            .iter()
            .map(|s| s.name.chars().take(40).collect())
            .collect()
    };
    let mut fact = if with.is_empty() {
        "none: no finding is on a sheet".to_string()
    } else {
        format!(
            "{}: the header and the rows with findings, at their own row numbers (the rows \
             between are hidden)",
            crate::text::list(&names(&with), 10)
        )
    };
    if !without.is_empty() {
        fact.push_str(&format!(
            "; no findings on {}",
            crate::text::list(&names(&without), 10)
        ));
    }
    fact
}

/// Whether a finding is on a sheet of the export: only those sheets are copied.
fn has_findings(v: &Validation, sheet: &RawSheet) -> bool {
    v.findings
        .iter()
        .any(|f| f.sheet_name.as_deref() == Some(sheet.name.as_str()))
}

/// What every sheet of the report is written from.
struct Report<'a> {
    v: &'a Validation,
    /// The export's name as given on the command line.
    file: &'a str,
    styles: Styles,
    page: Page,
    /// Each export sheet's name → the name of its copy in the report.
    copies: HashMap<String, String>,
}

/// The formats the report uses, made once.
struct Styles {
    bold: Format,
    title: Format,
    /// The privacy notice: bold dark red, wrapped across the sheet's width.
    notice: Format,
    link: Format,
    top: Format,
    wrap: Format,
    header: Format,
    /// Fill of an Issues severity cell or of a highlighted cell, by severity.
    severity: [(Severity, Format); 3],
    severity_header: [(Severity, Format); 3],
    date: Format,
}

impl Styles {
    fn new() -> Styles {
        let top = Format::new().set_align(FormatAlign::Top);
        let fill = |bg: u32, fg: u32| {
            Format::new()
                .set_background_color(Color::RGB(bg))
                .set_font_color(Color::RGB(fg))
                .set_border(FormatBorder::Thin)
                .set_align(FormatAlign::Top)
        };
        let severity = [
            (Severity::Info, fill(0xDDEBF7, 0x1F4E78)),
            (Severity::Warning, fill(0xFFEB9C, 0x9C5700)),
            (Severity::Error, fill(0xFFC7CE, 0x9C0006)),
        ];
        let severity_header = severity
            .clone()
            .map(|(s, f)| (s, f.set_bold().set_text_wrap()));
        Styles {
            bold: Format::new().set_bold().set_align(FormatAlign::Top),
            title: Format::new().set_bold().set_font_size(14),
            notice: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_font_color(Color::RGB(0x9C0006)),
            link: Format::new()
                .set_font_color(Color::RGB(0x0563C1))
                .set_underline(FormatUnderline::Single)
                .set_align(FormatAlign::Top),
            wrap: top.clone().set_text_wrap(),
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_border_bottom(FormatBorder::Thin),
            top,
            severity,
            severity_header,
            date: Format::new()
                .set_num_format("yyyy-mm-dd")
                .set_align(FormatAlign::Top),
        }
    }

    /// The fill for a severity (a fatal finding is shown as an error).
    fn fill(&self, s: Severity, header: bool) -> &Format {
        let s = s.min(Severity::Error);
        let list = if header {
            &self.severity_header
        } else {
            &self.severity
        };
        list.iter()
            .find(|(x, _)| *x == s)
            .map_or(&self.top, |(_, f)| f)
    }
}

/// The print setup every sheet shares: A4 landscape, one page wide, header row repeated, and
/// a page header naming the export and the day of the run.
struct Page {
    file: String,
    date: Date,
}

impl Page {
    fn new(file: &str, date: Date) -> Page {
        // The name alone: a long folder path would crowd the header (Excel allows 255 characters).
        let name = Path::new(file)
            .file_name()
            .map_or_else(|| file.to_string(), |n| n.to_string_lossy().into_owned());
        let name = name.chars().take(80).collect();
        Page { file: name, date }
    }

    fn apply(&self, ws: &mut Worksheet, title: &str, header_row: u32) -> Result<(), XlsxError> {
        ws.set_landscape();
        ws.set_paper_size(9); // A4
        ws.set_print_fit_to_pages(1, 0);
        ws.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
        ws.set_repeat_rows(header_row, header_row)?;
        ws.set_header(format!(
            "&L{}&C{}&R{}",
            header_safe(&self.file),
            header_safe(title),
            self.date
        ));
        ws.set_footer(
            "&LContains children's case identifiers: keep it within the youth justice service&RPage &P of &N",
        );
        Ok(())
    }
}

/// `&` starts a control code in Excel headers; names are shown literally.
fn header_safe(text: &str) -> String {
    xml_safe(text).replace('&', "&&")
}

/// How many lines `text` takes when wrapped in a column `width` units wide. A unit is the
/// width of a digit; ordinary text fits about 1.15 characters per unit in Calibri (and its
/// LibreOffice twin, Carlito). Rows are sized from this estimate because neither Excel nor
/// LibreOffice reliably resizes a row for wrapped text when opening a file.
fn wrapped_lines(text: &str, width: f64) -> u32 {
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
fn fit_rows(ws: &mut Worksheet, row: u32, lines: u32) -> Result<(), XlsxError> {
    if lines > 1 {
        ws.set_row_height(row, (15 * lines.min(27)) as f64)?;
    }
    Ok(())
}

fn excel_date(d: Date) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(
        d.year().clamp(1900, 9999) as u16,
        d.month() as u8,
        d.day() as u8,
    )
}

/// Names for the copies of the export's sheets, kept clear of the report's own sheets.
fn copy_names(sheets: &[RawSheet]) -> HashMap<String, String> {
    let mut taken: Vec<String> = ["Issues", "Summary", "By child"].map(String::from).to_vec();
    let mut names: HashMap<String, String> = HashMap::new();
    for sheet in sheets {
        let name = crate::excel::sheet_name(&sheet.name, &taken);
        taken.push(name.clone());
        names.insert(sheet.name.clone(), name);
    }
    names
}

/// The privacy notice across the first `columns` columns of `row`, two lines high so that it
/// wraps rather than being clipped when the sheet is narrower than the sentence.
fn notice(ws: &mut Worksheet, row: u32, columns: u16, styles: &Styles) -> Result<(), XlsxError> {
    ws.set_row_height(row, 30)?;
    if columns > 1 {
        ws.merge_range(row, 0, row, columns - 1, NOTICE, &styles.notice)?;
    } else {
        ws.write_string_with_format(row, 0, NOTICE, &styles.notice)?;
    }
    Ok(())
}

/// A sheet named `name`, written top to bottom: in constant-memory mode when its rows come
/// `in_order`, keeping one row in memory and the rest in an unnamed temporary file that the
/// operating system removes even if the tool is killed. Should the temporary folder refuse the file, the
/// sheet is kept in memory instead: the report still appears, at some cost in memory. Where there
/// is no operating system (WebAssembly in a browser: no temporary folder, and asking for one
/// stops the module) it is always kept in memory.
pub(crate) fn streaming_sheet<'w>(
    wb: &'w mut Workbook,
    name: &str,
    in_order: bool,
) -> Result<&'w mut Worksheet, XlsxError> {
    const NO_TEMPORARY_FOLDER: bool = cfg!(all(target_family = "wasm", target_os = "unknown"));
    if !(in_order && !NO_TEMPORARY_FOLDER && wb.add_worksheet_with_constant_memory().is_ok()) {
        wb.add_worksheet();
    }
    let last = wb.worksheets().len().saturating_sub(1);
    wb.worksheet_from_index(last)?.set_name(name)
}

fn table(headers: &[&str]) -> Table {
    let columns: Vec<TableColumn> = headers
        .iter()
        .map(|h| TableColumn::new().set_header(*h))
        .collect();
    Table::new().set_columns(&columns)
}

/// The Issues columns' widths for these findings.
fn issue_widths(v: &Validation) -> [f64; 13] {
    let mut longest = [0usize; 13];
    let mut see = |col: usize, text: Option<&str>| {
        if let Some(t) = text {
            longest[col] = longest[col].max(t.chars().count());
        }
    };
    for f in &v.findings {
        see(3, f.sheet.as_deref());
        see(4, f.location.as_deref());
        for r in &f.related {
            see(4, Some(&r.location));
        }
        see(6, f.column.as_deref());
        see(11, f.child_id.as_deref());
    }
    let mut widths = [0.0; 13];
    for (col, (_, least, most)) in ISSUE_COLUMNS.iter().enumerate() {
        widths[col] = (longest[col] as f64 + 2.0).clamp(*least, *most);
    }
    widths
}

/// What one cell of a copy is marked with: the worst severity and every finding's message.
struct Mark {
    severity: Severity,
    messages: Vec<String>,
}

/// A row of the Issues table: the finding's number, the finding (or a copy standing for
/// another row it involves), the cell it points at and how to fix it.
struct IssueRow<'a> {
    n: usize,
    finding: &'a Finding,
    location: Option<&'a str>,
    fix: &'a str,
}

/// The row of the table's header on the Issues and By child sheets, under the title and the
/// privacy notice.
const TOP: u32 = 3;

impl Report<'_> {
    /// The head of a sheet that is one table: column widths, print setup, title and privacy
    /// notice, and the table's header on row [`TOP`], the table holding `rows` rows (at least
    /// one, as Excel requires). Everything above the table's rows is written first, as a
    /// streaming sheet needs.
    fn table_head(
        &self,
        ws: &mut Worksheet,
        title: &str,
        headers: &[&str],
        widths: &[f64],
        rows: usize,
    ) -> Result<(), XlsxError> {
        for (col, width) in widths.iter().enumerate() {
            ws.set_column_width(col as u16, *width)?;
        }
        self.page.apply(ws, title, TOP)?;
        ws.set_freeze_panes(TOP + 1, 0)?;
        ws.write_string_with_format(0, 0, title, &self.styles.title)?;
        notice(ws, 1, headers.len() as u16, &self.styles)?;
        ws.add_table(
            TOP,
            0,
            TOP + rows.max(1) as u32,
            headers.len() as u16 - 1,
            &table(headers),
        )
        .map(|_| ())
    }

    /// Where a link to `cell` of an export sheet goes: the cell in the sheet's copy.
    fn target(&self, sheet: &str, cell: &str) -> Option<String> {
        let copy = self.copies.get(sheet)?;
        Some(format!("internal:{}!{cell}", sheet_ref(copy)))
    }

    /// Issues: every finding, and every other row a finding involves, one table row each.
    fn issues(&self, wb: &mut Workbook) -> Result<(), XlsxError> {
        let v = self.v;
        let ws = streaming_sheet(wb, "Issues", true)?;
        let rows: usize = v.findings.iter().map(|f| 1 + f.related.len()).sum();
        let widths = issue_widths(v);
        let headers = ISSUE_COLUMNS.map(|(h, _, _)| h);
        self.table_head(ws, "Validation issues", &headers, &widths, rows)?;
        let mut r = TOP + 1;
        for (n, f) in v.findings.iter().enumerate() {
            let fix = v
                .rules
                .iter()
                .find(|rule| rule.code == f.code)
                .map_or("", |rule| rule.fix.as_str());
            let row = IssueRow {
                n: n + 1,
                finding: f,
                location: f.location.as_deref(),
                fix,
            };
            self.issue(ws, r, &row, &widths)?;
            r += 1;
            for rel in &f.related {
                let mut also = f.clone();
                also.row = Some(rel.row);
                also.value = None;
                also.message = format!("also involved in finding #{}", n + 1);
                let row = IssueRow {
                    n: n + 1,
                    finding: &also,
                    location: Some(&rel.location),
                    fix: "",
                };
                self.issue(ws, r, &row, &widths)?;
                r += 1;
            }
        }
        Ok(())
    }

    /// One row of the Issues table, its height fitted to its wrapped text.
    fn issue(
        &self,
        ws: &mut Worksheet,
        r: u32,
        row: &IssueRow<'_>,
        widths: &[f64; 13],
    ) -> Result<(), XlsxError> {
        let styles = &self.styles;
        let (f, fix) = (row.finding, row.fix);
        let text = |col: usize| {
            if WRAPPED.contains(&col) {
                &styles.wrap
            } else {
                &styles.top
            }
        };
        let cells = [
            (3, f.sheet.as_deref()),
            (6, f.column.as_deref()),
            (7, f.header.as_deref()),
            (8, f.value.as_deref()),
            (9, Some(f.message.as_str())),
            (10, Some(fix)),
            (11, f.child_id.as_deref()),
            (12, f.acknowledged.as_deref()),
        ];
        let lines = cells
            .iter()
            .filter(|(col, _)| WRAPPED.contains(col))
            .filter_map(|(col, value)| Some(wrapped_lines((*value)?, widths[*col])))
            .max()
            .unwrap_or(1);
        fit_rows(ws, r, lines)?;
        ws.write_number_with_format(r, 0, row.n as f64, &styles.top)?;
        ws.write_string_with_format(
            r,
            1,
            severity_word(f.severity),
            styles.fill(f.severity, false),
        )?;
        ws.write_string_with_format(r, 2, &f.code, &styles.top)?;
        if let Some(loc) = row.location {
            self.link(ws, r, 4, f, loc)?;
        }
        if let Some(excel_row) = f.row {
            ws.write_number_with_format(r, 5, f64::from(excel_row), &styles.top)?;
        }
        for (col, value) in cells {
            if let Some(value) = value.filter(|s| !s.is_empty()) {
                ws.write_string_with_format(r, col as u16, xml_safe(value), text(col))?;
            }
        }
        Ok(())
    }
    /// Summary: the facts of the run, the counts, acknowledgements not applied, and every rule
    /// with its status and number of findings.
    fn summary(&self, wb: &mut Workbook) -> Result<(), XlsxError> {
        let (v, file, styles, page) = (self.v, self.file, &self.styles, &self.page);
        let ws = wb.add_worksheet().set_name("Summary")?;
        let widths = [22.0, 10.0, 70.0, 28.0, 10.0];
        for (col, width) in widths.iter().enumerate() {
            ws.set_column_width(col as u16, *width)?;
        }
        ws.write_string_with_format(0, 0, "Validation summary", &styles.title)?;
        notice(ws, 1, widths.len() as u16, styles)?;
        let facts = [
            ("Export", file.to_string()),
            ("Input SHA-256", v.sha256.clone()),
            (
                "Period",
                v.period
                    .map(|p| p.to_string())
                    .unwrap_or_else(|| "(not given)".into()),
            ),
            ("Definitions version", v.definitions_version.clone()),
            ("Definitions SHA-256", v.definitions_hash.clone()),
            (
                "Tool version",
                format!("yjb-return {}", env!("CARGO_PKG_VERSION")),
            ),
            ("Verdict", v.verdict().to_string()),
            ("Copies of the export", copies_fact(v)),
        ];
        let mut row = 3u32;
        for (k, val) in &facts {
            ws.write_string_with_format(row, 0, *k, &styles.bold)?;
            // Across the table's width and wrapped: text running on past it would widen the
            // printed page, and so shrink it.
            let val = xml_safe(val);
            fit_rows(ws, row, wrapped_lines(&val, widths[1..].iter().sum()))?;
            ws.merge_range(row, 1, row, 4, &val, &styles.wrap)?;
            row += 1;
        }
        // Counts are numbers, so Excel neither flags them as text nor refuses to add them up.
        for (k, severity) in [
            ("Errors", Severity::Error),
            ("Warnings", Severity::Warning),
            ("Notes", Severity::Info),
        ] {
            ws.write_string_with_format(row, 0, k, &styles.bold)?;
            ws.write_number_with_format(row, 1, v.count(severity) as f64, &styles.top)?;
            row += 1;
        }
        if !v.acknowledgement_notes.is_empty() {
            row += 1;
            // Nothing beside it, so the heading runs on across the empty cells to its right.
            ws.write_string_with_format(
            row,
            0,
            "Acknowledgements not applied: these lines of the acknowledgements file changed nothing; correct or delete them",
            &styles.bold,
        )?;
            row += 1;
            for note in &v.acknowledgement_notes {
                let note = xml_safe(note);
                fit_rows(ws, row, wrapped_lines(&note, widths[1..].iter().sum()))?;
                ws.merge_range(row, 1, row, 4, &note, &styles.wrap)?;
                row += 1;
            }
        }
        let top = row + 1;
        for (i, rule) in v.rules.iter().enumerate() {
            let row = top + 1 + i as u32;
            ws.write_string_with_format(row, 0, &rule.code, &styles.top)?;
            ws.write_string_with_format(
                row,
                1,
                severity_word(rule.severity),
                styles.fill(rule.severity, false),
            )?;
            fit_rows(ws, row, wrapped_lines(&rule.title, widths[2]))?;
            ws.write_string_with_format(row, 2, &rule.title, &styles.wrap)?;
            ws.write_string_with_format(
                row,
                3,
                match rule.status {
                    RuleStatus::Ran => "ran",
                    RuleStatus::NotApplicable => "not applicable (sheet absent)",
                    RuleStatus::FailedInternally => "FAILED INSIDE THE TOOL",
                    RuleStatus::NotRun => "not run (needs --period)",
                },
                &styles.top,
            )?;
            ws.write_number_with_format(row, 4, rule.findings as f64, &styles.top)?;
        }
        ws.add_table(
            top,
            0,
            top + v.rules.len().max(1) as u32,
            4,
            &table(&["Rule", "Severity", "What it checks", "Status", "Findings"]),
        )?;
        page.apply(ws, "Validation summary", top)?;
        Ok(())
    }

    /// By child: per child, how many findings, how many errors, which rules, and a link to the
    /// first.
    fn by_child(&self, wb: &mut Workbook) -> Result<(), XlsxError> {
        let v = self.v;
        let styles = &self.styles;
        let ws = streaming_sheet(wb, "By child", true)?;
        let mut children: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
        for f in &v.findings {
            if let Some(child) = &f.child_id {
                children.entry(child).or_default().push(f);
            }
        }
        let headers = ["Child", "Findings", "Errors", "Rules", "First cell"];
        let widths = [16.0, 10.0, 10.0, 30.0, 24.0];
        self.table_head(ws, "Findings by child", &headers, &widths, children.len())?;
        for (i, (child, fs)) in children.iter().enumerate() {
            let row = TOP + 1 + i as u32;
            ws.write_string(row, 0, xml_safe(child))?;
            ws.write_number(row, 1, fs.len() as f64)?;
            ws.write_number(
                row,
                2,
                fs.iter().filter(|f| f.severity >= Severity::Error).count() as f64,
            )?;
            let mut codes: Vec<&str> = fs.iter().map(|f| f.code.as_str()).collect();
            codes.dedup();
            let codes = codes.join(", ");
            fit_rows(ws, row, wrapped_lines(&codes, widths[3]))?;
            ws.write_string_with_format(row, 3, codes, &styles.wrap)?;
            if let Some(first) = fs.first()
                && let Some(loc) = first.location.as_deref()
            {
                self.link(ws, row, 4, first, loc)?;
            }
        }
        Ok(())
    }

    /// A copy of an export sheet holding its header and the rows a finding is on or involves,
    /// each at its own row number (the rows between are hidden, so the numbers Excel shows and
    /// prints are the export's, and every link and cell reference of the Issues sheet holds):
    /// each cell with a finding coloured by its worst severity and carrying the messages as a
    /// note.
    fn copy(&self, wb: &mut Workbook, sheet: &RawSheet) -> Result<(), XlsxError> {
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
        let ws = streaming_sheet(wb, name, kept.is_sorted_by_key(|r| r.row))?;
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

    /// A link from a report cell to the cell `location` names in the export's copy.
    fn link(
        &self,
        ws: &mut Worksheet,
        r: u32,
        c: u16,
        f: &Finding,
        location: &str,
    ) -> Result<(), XlsxError> {
        let cell = location.rsplit_once('!').map_or("A1", |(_, c)| c);
        let cell = if cell.contains(':') {
            format!("A{}", cell.split(':').next().unwrap_or("1"))
        } else {
            cell.to_string()
        };
        match f.sheet_name.as_deref().and_then(|s| self.target(s, &cell)) {
            Some(url) => {
                ws.write_url_with_format(
                    r,
                    c,
                    Url::new(url).set_text(xml_safe(location)),
                    &self.styles.link,
                )?;
            }
            None => {
                ws.write_string_with_format(r, c, xml_safe(location), &self.styles.top)?;
            }
        }
        Ok(())
    }
}

/// One row of a copy, its marked cells filled (blank ones too, so the colour shows).
fn write_copy_row(
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
fn column_widths<'r>(rows: impl Iterator<Item = &'r RawRow>) -> Vec<f64> {
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

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Info => "note",
        Severity::Warning => "warning",
        Severity::Error => "error",
        Severity::Fatal => "fatal",
    }
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
    use crate::definitions::{Definitions, Source};
    use crate::validate::input::validate_bytes;

    fn flawed() -> Validation {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/samples/2024-25/flawed-export.xlsx"
        );
        let bytes = std::fs::read(path).unwrap();
        let defs = Definitions::latest(&Source::Embedded).unwrap();
        let options = crate::validate::Options {
            period: "2024-25 Q2".parse().ok(),
            provisional: false,
            ..Default::default()
        };
        validate_bytes(&bytes, &defs, &options, None, crate::validate::Cells::Keep).unwrap()
    }

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

    #[test]
    fn the_cell_column_holds_the_longest_location() {
        let v = flawed();
        let widths = issue_widths(&v);
        let longest = v
            .findings
            .iter()
            .filter_map(|f| f.location.as_deref())
            .map(|l| l.chars().count())
            .max()
            .unwrap();
        assert!(longest >= "BoardAttendance!D12".len());
        assert_eq!(widths[4], longest as f64 + 2.0);
        assert_eq!(widths[9], 48.0);
    }

    #[test]
    fn the_same_validation_and_day_give_the_same_bytes() {
        let v = flawed();
        let day = Date::new(2024, 10, 21).unwrap();
        let a = render_dated(&v, "flawed-export.xlsx", day).unwrap();
        let b = render_dated(&v, "flawed-export.xlsx", day).unwrap();
        assert!(a == b, "the report is not deterministic");
        let c = render_dated(&v, "flawed-export.xlsx", day.add_days(1)).unwrap();
        assert!(a != c, "the date of the run is not in the report");
    }

    #[test]
    fn page_headers_name_the_file_not_its_folder_and_escape_ampersands() {
        let page = Page::new(
            "/data/exports/Q2 R&D export.xlsx",
            Date::new(2024, 10, 21).unwrap(),
        );
        assert_eq!(page.file, "Q2 R&D export.xlsx");
        assert_eq!(header_safe(&page.file), "Q2 R&&D export.xlsx");
        let long = Page::new(&"a".repeat(300), Date::new(2024, 10, 21).unwrap());
        assert_eq!(long.file.chars().count(), 80);
    }
}
