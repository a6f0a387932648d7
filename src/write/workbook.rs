//! `return.xlsx`, the return for people: a cover naming the return, then one sheet per KPI
//! section laid out by the template (`templates/<version>/return-layout.json`).
//!
//! One sheet per section, because each prints on its own A4 landscape page and a board member
//! can go straight to the KPI they care about. Every figure is a value, never a formula, so
//! any reader (and `check`) sees the number. The measure code sits in the last column of each
//! row so the figures can be read back by code; a percentage row shows `numerator /
//! denominator`. On a sheet with a column per group the code shown is the All column's real
//! code (`kpi1.all.suitable`), never the spec's `GROUP` placeholder, and a footnote says that
//! each other column has its group in place of `all`; the reader does the same.
//!
//! The cover is written for people and read back exactly: the population is a number cell
//! shown with a thousands separator, the generation time as `29 Nov 2026 10:21:05 UTC`.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx};
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError,
};

use crate::measures::{Identity, Measures, Return};
use crate::names::COVER;
use crate::text::cut;
use crate::text::xml_safe;
use crate::write::template::{GROUP, Kind, Layout, Line, Section};

const POPULATION: &str = "Population aged 10-17";

/// A cell of a return workbook: its sheet, Excel row and 0-based column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub sheet: String,
    pub row: u32,
    pub col: u32,
}

impl Place {
    /// The cell as Excel names it, to type into its Name Box: `Cohort!B5`,
    /// `'KPI1 Accommodation'!B5`.
    pub fn reference(&self) -> String {
        format!(
            "{}!{}{}",
            crate::excel::sheet_ref(&self.sheet),
            crate::excel::column_letters(self.col),
            self.row
        )
    }
}

/// A figure shown on several rows of a workbook (the cohort, on each KPI sheet) with another
/// value than where it is first shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub code: String,
    pub place: Place,
    pub value: i64,
    /// The first showing, which is the one read as the return's figure.
    pub first: Place,
    pub first_value: i64,
}

/// A percentage, rate or ratio as a workbook cell shows it: numerator / denominator × `per`.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    pub numerator: String,
    /// A measure code; `None` for a rate, whose denominator is the 10-17 population.
    pub denominator: Option<String>,
    /// 100 for a percentage, 1 for a ratio, 10,000 for a rate per 10,000.
    pub per: f64,
    /// The number in the cell (0.5 for 50%: the cell holds a fraction formatted as a
    /// percentage), `None` when the cell is empty.
    pub value: Option<f64>,
    pub place: Place,
}

/// The cover's identity rows: label, then how to read the value back.
const COVER_FIELDS: [&str; 10] = [
    "YJS code",
    "YJS name",
    "Nation",
    POPULATION,
    "Period",
    "Status",
    "Definitions version",
    "Tool version",
    "Input SHA-256",
    "Generated at",
];

const FIRST_LINE_ROW: u32 = 4;

/// The group whose column's code a by-group sheet shows (the spec's `all`, always present).
const ALL: &str = "all";

/// Under a sheet that shows percentages or ratios: why some cells are blank.
const BLANK_NOTE: &str = "Blank: nobody to count, the denominator is 0 (a blank is not 0%).";

/// Under a sheet with a column per group: how to read the measure codes.
fn codes_note(layout: &Layout) -> String {
    let others: Vec<String> = layout
        .groups
        .iter()
        .filter(|g| g.code != ALL)
        .map(|g| g.code.clone())
        .collect();
    format!(
        "Measure codes are those of the All column; in each other column the group takes the \
         place of \"{ALL}\" ({}).",
        others.join(", ")
    )
}

/// The cover's Status of a final return, and the start of a provisional one's (read back by
/// `check`; a workbook written before provisional returns existed has no Status row).
const FINAL: &str = "Final";
const PROVISIONAL: &str = "PROVISIONAL";
const PROVISIONAL_WORDS: &str = "PROVISIONAL: these figures were made before the quarter's \
    records were complete (or marked provisional by the officer). They will change. Do not \
    send this return to the YJB; build it again from a full export once the quarter has closed.";

/// The most non-empty cells a sheet of a return workbook may hold when read back (a return's
/// sheets hold a few hundred).
const MAX_CELLS: u64 = 100_000;

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{0}")]
    Xlsx(#[from] XlsxError),
    #[error("the generation time {0:?} is not a UTC time")]
    Time(String),
}

/// The generation time as the cover shows it (`29 Nov 2026 10:21:05 UTC`); a text that is
/// not a UTC time (none is, from a build) is shown as it is.
fn written_time(generated_at: &str) -> String {
    crate::date::Timestamp::parse(generated_at)
        .map_or_else(|| xml_safe(generated_at).into_owned(), |t| t.written())
}

/// The generation time read back from the cover: as [`written_time`] writes it, or as a
/// returns written before it did (`2026-11-29T10:21:05Z`).
fn read_time(text: &str) -> String {
    crate::date::Timestamp::parse_written(text).map_or_else(|| text.to_string(), |t| t.to_string())
}

pub fn created(generated_at: &str) -> Result<ExcelDateTime, WriteError> {
    let t = crate::date::Timestamp::parse(generated_at)
        .ok_or_else(|| WriteError::Time(generated_at.to_string()))?;
    let (h, m, s) = t.hms();
    Ok(ExcelDateTime::from_ymd(
        t.date.year() as u16,
        t.date.month() as u8,
        t.date.day() as u8,
    )?
    .and_hms(h as u16, m as u8, s)?)
}

struct Formats {
    title: Format,
    heading: Format,
    intro: Format,
    header: Format,
    label: Format,
    subheading: Format,
    count: Format,
    percent: Format,
    rate: Format,
    ratio: Format,
    code: Format,
    note: Format,
    population: Format,
    bold: Format,
    wrap: Format,
    warning: Format,
}

impl Formats {
    fn new() -> Formats {
        let grey = Color::RGB(0x595959);
        let rule = Format::new().set_border_bottom(FormatBorder::Thin);
        Formats {
            title: Format::new().set_bold().set_font_size(16),
            heading: Format::new().set_bold().set_font_size(14),
            intro: Format::new()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_font_color(grey),
            header: rule
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(0xDDEBF7)),
            label: Format::new(),
            subheading: Format::new().set_bold().set_italic(),
            count: Format::new().set_num_format("#,##0"),
            percent: Format::new()
                .set_num_format("0.0%")
                .set_font_color(Color::RGB(0x1F4E79)),
            rate: Format::new().set_num_format("0.0"),
            ratio: Format::new().set_num_format("0.00"),
            code: Format::new()
                .set_font_color(grey)
                .set_font_size(9)
                .set_indent(1),
            note: Format::new()
                .set_italic()
                .set_font_color(grey)
                .set_font_size(9),
            population: Format::new()
                .set_num_format("#,##0")
                .set_align(FormatAlign::Left),
            bold: Format::new().set_bold().set_align(FormatAlign::Top),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            warning: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_font_color(Color::RGB(0x9C0006))
                .set_background_color(Color::RGB(0xFFC7CE)),
        }
    }
}

fn page_setup(ws: &mut Worksheet, id: &Identity) {
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_header(format!(
        "&L{} ({})&CQuarterly return {}{}&RPage &P of &N",
        header_safe(&id.yjs_name),
        header_safe(&id.yjs_code),
        id.period,
        if id.provisional { " - PROVISIONAL" } else { "" },
    ));
    ws.set_footer(format!(
        "&LDefinitions {} · yjb-return {}&RGenerated {}",
        header_safe(&id.definitions_version),
        header_safe(&id.tool_version),
        header_safe(&written_time(&id.generated_at))
    ));
}

/// `&` starts a control code in Excel headers; names are shown literally.
pub fn header_safe(text: &str) -> String {
    xml_safe(text).replace('&', "&&")
}

/// Writes the return workbook. `notes` are the acknowledged queries, shown on the cover.
pub fn return_workbook(
    ret: &Return,
    layout: &Layout,
    notes: &[String],
) -> Result<Vec<u8>, WriteError> {
    let id = &ret.identity;
    let f = Formats::new();
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!(
                "{} {} {}",
                layout.title,
                xml_safe(&id.yjs_code),
                id.period
            ))
            .set_author("yjb-return")
            .set_company(xml_safe(&id.yjs_name))
            .set_comment("Counts only; the acknowledged queries are the officer's own words.")
            .set_creation_datetime(&created(&id.generated_at)?),
    );

    let cover = wb.add_worksheet().set_name(COVER)?;
    page_setup(cover, id);
    cover.set_column_width(0, 26)?;
    cover.set_column_width(1, 80)?;
    cover.write_string_with_format(0, 0, &layout.title, &f.title)?;
    cover.merge_range(
        1,
        0,
        1,
        1,
        "Counts only: no figure identifies a child. The acknowledged queries are the officer's own words.",
        &f.intro,
    )?;
    let values = [
        xml_safe(&id.yjs_code).into_owned(),
        xml_safe(&id.yjs_name).into_owned(),
        xml_safe(&id.nation).into_owned(),
        String::new(), // the population, written as a number below
        id.period.to_string(),
        if id.provisional {
            PROVISIONAL_WORDS.to_string()
        } else {
            FINAL.to_string()
        },
        xml_safe(&id.definitions_version).into_owned(),
        xml_safe(&id.tool_version).into_owned(),
        xml_safe(&id.input_sha256).into_owned(),
        written_time(&id.generated_at),
    ];
    for (i, (label, value)) in COVER_FIELDS.iter().zip(values.iter()).enumerate() {
        let r = 3 + i as u32;
        cover.write_string_with_format(r, 0, *label, &f.bold)?;
        if *label == "Status" && id.provisional {
            cover.write_string_with_format(r, 1, value, &f.warning)?;
            cover.set_row_height(r, 45)?;
        } else if *label == POPULATION {
            cover.write_number_with_format(r, 1, id.population_10_17 as f64, &f.population)?;
        } else {
            cover.write_string(r, 1, value)?;
        }
    }
    let mut r = 4 + COVER_FIELDS.len() as u32;
    cover.write_string_with_format(r, 0, "Sections", &f.bold)?;
    for section in &layout.sections {
        cover.write_string(r, 1, &section.heading)?;
        r += 1;
    }
    r += 1;
    cover.write_string_with_format(r, 0, "Acknowledged queries", &f.bold)?;
    if notes.is_empty() {
        cover.write_string(r, 1, "None")?;
    }
    for note in notes {
        cover.write_string_with_format(r, 1, xml_safe(note), &f.wrap)?;
        // Wrapped text does not grow its row by itself in every spreadsheet program.
        let lines = note.chars().count().div_ceil(90).max(1);
        cover.set_row_height(r, 15.0 * lines as f64)?;
        r += 1;
    }

    for section in &layout.sections {
        write_section(&mut wb, ret, layout, section, &f)?;
    }
    Ok(crate::workbook_bytes::same_everywhere(wb.save_to_buffer()?))
}

fn write_section(
    wb: &mut Workbook,
    ret: &Return,
    layout: &Layout,
    section: &Section,
    f: &Formats,
) -> Result<(), WriteError> {
    let ws = wb.add_worksheet().set_name(&section.sheet)?;
    page_setup(ws, &ret.identity);
    let columns: Vec<String> = if section.by_group {
        layout.groups.iter().map(|g| g.label.clone()).collect()
    } else {
        vec!["Value".to_string()]
    };
    let code_col = columns.len() as u16 + 1;
    // Wide enough for the longest label on one line: wrapped labels overlap their neighbours
    // in programs that do not grow rows to fit. Excel's widest column is 255 characters: a
    // label from a definitions folder can be longer than any column.
    let widest = section
        .lines
        .iter()
        .map(|l| l.label.chars().count())
        .max()
        .unwrap_or(0);
    ws.set_column_width(0, (widest as f64 + 2.0).clamp(40.0, 255.0))?;
    for c in 1..code_col {
        ws.set_column_width(c, 13)?;
    }
    ws.set_column_width(code_col, 48)?;
    ws.write_string_with_format(0, 0, &section.heading, &f.heading)?;
    ws.merge_range(1, 0, 1, code_col, &section.intro, &f.intro)?;
    ws.set_row_height(1, 32)?;
    ws.write_string_with_format(3, 0, "Measure", &f.header)?;
    for (i, c) in columns.iter().enumerate() {
        ws.write_string_with_format(3, i as u16 + 1, c, &f.header)?;
    }
    ws.write_string_with_format(3, code_col, "Measure code", &f.header)?;
    ws.set_freeze_panes(FIRST_LINE_ROW, 1)?;
    ws.set_repeat_rows(3, 3)?;

    let mut r = FIRST_LINE_ROW;
    for line in &section.lines {
        if line.optional && !present(ret, layout, section, line) {
            continue;
        }
        if let Some(h) = &line.heading {
            r += 1;
            ws.write_string_with_format(r, 0, h, &f.subheading)?;
            r += 1;
        }
        ws.write_string_with_format(r, 0, &line.label, &f.label)?;
        let codes = layout.expand(section, &line.code);
        let dens = line.denominator.as_ref().map(|d| layout.expand(section, d));
        for (i, (_, code)) in codes.iter().enumerate() {
            let c = i as u16 + 1;
            let value = ret.measures.get(code);
            let den = dens.as_ref().and_then(|d| ret.measures.get(&d[i].1));
            match (&line.kind, value) {
                (Kind::Count | Kind::Hours, Some(v)) => {
                    ws.write_number_with_format(r, c, v as f64, &f.count)?;
                }
                (Kind::Percent, Some(n)) => {
                    if let Some(d) = den.filter(|d| *d != 0) {
                        ws.write_number_with_format(r, c, n as f64 / d as f64, &f.percent)?;
                    }
                }
                (Kind::Ratio, Some(n)) => {
                    if let Some(d) = den.filter(|d| *d != 0) {
                        ws.write_number_with_format(r, c, n as f64 / d as f64, &f.ratio)?;
                    }
                }
                (Kind::Rate { per }, Some(n)) => {
                    let population = ret.identity.population_10_17;
                    if population > 0 {
                        let rate = n as f64 * f64::from(*per) / population as f64;
                        ws.write_number_with_format(r, c, rate, &f.rate)?;
                    }
                }
                (_, None) => {}
            }
        }
        let code = if section.by_group {
            line.code_text().replace(GROUP, ALL)
        } else {
            line.code_text()
        };
        ws.write_string_with_format(r, code_col, code, &f.code)?;
        r += 1;
    }
    // Footnotes, below the table, for whoever reads the printed page.
    r += 1;
    if section
        .lines
        .iter()
        .any(|l| matches!(l.kind, Kind::Percent | Kind::Ratio))
    {
        ws.write_string_with_format(r, 0, BLANK_NOTE, &f.note)?;
        r += 1;
    }
    if section.by_group {
        ws.write_string_with_format(r, 0, codes_note(layout), &f.note)?;
    }
    Ok(())
}

/// Whether the return holds any measure of an optional line.
fn present(ret: &Return, layout: &Layout, section: &Section, line: &Line) -> bool {
    layout
        .expand(section, &line.code)
        .iter()
        .any(|(_, c)| ret.measures.get(c).is_some())
}

/// A return read back from its workbook.
#[derive(Debug, Clone)]
pub struct ReadBack {
    pub ret: Return,
    /// The cell of every figure (its first showing).
    pub places: Vec<(String, Place)>,
    /// Every percentage, rate and ratio the workbook shows.
    pub shown: Vec<Shown>,
    /// A figure shown on several rows (the cohort, on each KPI sheet) with another value
    /// than its first showing.
    pub conflicts: Vec<Conflict>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("not a return workbook: {0}")]
    NotAReturn(String),
    #[error("sheet {sheet} row {row}: {message}")]
    Cell {
        sheet: String,
        row: u32,
        message: String,
    },
    /// A figure's cell that cannot be read: `cell` as Excel names it (`Cohort!B5`).
    #[error("{cell}: {message}")]
    At { cell: String, message: String },
}

/// A cell of a return workbook as the reader keeps it.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Text(String),
    Number(f64),
    Other,
}

impl Value {
    fn text(&self) -> String {
        match self {
            Value::Text(s) => s.trim().to_string(),
            Value::Number(n) => crate::export::workbook::cell::format_number(*n),
            Value::Other => String::new(),
        }
    }
}

/// A sheet's non-empty cells by Excel row number, then 0-based column. Kept sparse, so a
/// cell typed far away (`XFD1048576`) costs one entry, not the rectangle up to it.
type Cells = BTreeMap<u32, BTreeMap<u32, Value>>;

/// Reads every non-empty cell of a sheet, refusing a sheet with more than a return holds.
fn read_cells(wb: &mut Xlsx<Cursor<&[u8]>>, name: &str) -> Result<Cells, ReadError> {
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

/// What to do about a return workbook that cannot be opened as a workbook at all: build wrote
/// one Excel opens, so this is another file or one damaged since, and the cure is to build the
/// return again (an export's advice, to export the caseload again, does not fit).
const REBUILD: &str = "this is not a return.xlsx as build wrote it, or it was damaged since: \
     build the return again from its export (for an archived return, `yjb-return reproduce \
     FOLDER --out NEW-FOLDER` rebuilds its files)";

/// A return workbook the spreadsheet reader refused, in words that fit a return.
fn unreadable(e: &crate::export::workbook::ReadError) -> ReadError {
    ReadError::NotAReturn(format!("{}: {REBUILD}", e.fault()))
}

/// Reads the identity from the cover and every figure back by its measure code.
pub fn read_workbook(bytes: &[u8]) -> Result<ReadBack, ReadError> {
    crate::export::workbook::precheck::precheck(bytes).map_err(|e| unreadable(&e))?;
    crate::export::workbook::guard::guarded(|| read_checked(bytes)).map_err(|e| unreadable(&e))?
}

fn read_checked(bytes: &[u8]) -> Result<ReadBack, ReadError> {
    let not = |m: &str| ReadError::NotAReturn(m.to_string());
    let mut wb = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| unreadable(&crate::export::workbook::error::damaged(None, &e)))?;
    let names = wb.sheet_names();
    if !names.iter().any(|n| n == COVER) {
        return Err(not("it has no Cover sheet"));
    }
    let cover = read_cells(&mut wb, COVER)?;
    let mut fields: Vec<Option<String>> = vec![None; COVER_FIELDS.len()];
    for row in cover.values() {
        let label = row.get(&0).map(Value::text).unwrap_or_default();
        if let Some(i) = COVER_FIELDS.iter().position(|f| *f == label) {
            fields[i] = Some(row.get(&1).map(Value::text).unwrap_or_default());
        }
    }
    let field = |i: usize| -> Result<String, ReadError> {
        fields[i]
            .clone()
            .ok_or_else(|| not(&format!("the cover has no {:?} row", COVER_FIELDS[i])))
    };
    let period_text = field(4)?;
    let provisional = match fields[5].as_deref() {
        None | Some(FINAL) => false,
        Some(s) if s.starts_with(PROVISIONAL) => true,
        Some(other) => {
            return Err(not(&format!(
                "the cover's Status is {:?}, neither {FINAL:?} nor {PROVISIONAL:?}",
                cut(other)
            )));
        }
    };
    let identity = Identity {
        yjs_code: field(0)?,
        yjs_name: field(1)?,
        nation: field(2)?,
        population_10_17: field(3)?
            .parse()
            .map_err(|_| not("the cover's population is not a whole number"))?,
        period: period_text
            .parse()
            .map_err(|e: crate::period::PeriodError| not(&format!("the cover's period: {e}")))?,
        provisional,
        definitions_version: field(6)?,
        tool_version: field(7)?,
        input_sha256: field(8)?,
        generated_at: read_time(&field(9)?),
    };

    let mut measures = Measures::new();
    let mut places = Vec::new();
    let mut firsts: BTreeMap<String, Place> = BTreeMap::new();
    let mut shown = Vec::new();
    let mut conflicts = Vec::new();
    for name in names.iter().filter(|n| *n != COVER) {
        let cells = read_cells(&mut wb, name)?;
        let mut header: Option<Vec<Option<String>>> = None;
        for (&excel_row, row) in &cells {
            let cell = |c: usize| u32::try_from(c).ok().and_then(|c| row.get(&c));
            let text = |c: usize| cell(c).map(Value::text).unwrap_or_default();
            let Some(groups) = &header else {
                if text(0) == "Measure" {
                    header = Some(groups_of(name, excel_row, row)?);
                }
                continue;
            };
            let code_col = groups.len() + 1;
            let code_text = text(code_col);
            if code_text.is_empty() {
                continue;
            }
            let number = |c: usize| -> Option<f64> {
                match cell(c) {
                    Some(Value::Number(f)) => Some(*f),
                    _ => None,
                }
            };
            let fill = |pattern: &str, g: &Option<String>| match g {
                Some(g) => in_column(pattern, g),
                None => pattern.to_string(),
            };
            let place = |k: usize| Place {
                sheet: name.clone(),
                row: excel_row,
                col: u32::try_from(k + 1).unwrap_or(u32::MAX),
            };
            if let Some((numerator, denominator, per)) = derived(&code_text) {
                for (k, g) in groups.iter().enumerate() {
                    shown.push(Shown {
                        numerator: fill(numerator, g),
                        denominator: denominator.map(|d| fill(d, g)),
                        per,
                        value: number(k + 1),
                        place: place(k),
                    });
                }
                continue;
            }
            for (k, g) in groups.iter().enumerate() {
                let code = fill(&code_text, g);
                let value = match cell(k + 1) {
                    Some(Value::Number(f)) if f.fract() == 0.0 && f.abs() < 1e15 => *f as i64,
                    other => {
                        return Err(ReadError::At {
                            cell: place(k).reference(),
                            message: format!(
                                "measure {} holds {:?}, not a whole number",
                                cut(&code),
                                cut(&other.map(Value::text).unwrap_or_default())
                            ),
                        });
                    }
                };
                if let (Some(first_value), Some(first)) = (measures.get(&code), firsts.get(&code)) {
                    if first_value != value {
                        conflicts.push(Conflict {
                            code,
                            place: place(k),
                            value,
                            first: first.clone(),
                            first_value,
                        });
                    }
                    continue;
                }
                measures.set(code.clone(), value);
                firsts.insert(code.clone(), place(k));
                places.push((code, place(k)));
            }
        }
    }
    Ok(ReadBack {
        ret: Return { identity, measures },
        places,
        shown,
        conflicts,
    })
}

/// The group of each figure column, from a sheet's header row: `Measure`, then the group
/// labels (or `Value` alone), then `Measure code`. A heading cleared or typed over is a
/// sentence, not a guess.
fn groups_of(
    sheet: &str,
    row: u32,
    cells: &BTreeMap<u32, Value>,
) -> Result<Vec<Option<String>>, ReadError> {
    let labels: Vec<String> = (1..)
        .map(|c| cells.get(&c).map(Value::text).unwrap_or_default())
        .take_while(|t| !t.is_empty())
        .take(64)
        .collect();
    let bad = |why: &str| ReadError::Cell {
        sheet: cut(sheet).into_owned(),
        row,
        message: format!(
            "the header row should read Measure, the group columns and Measure code, but {why} \
             (was a heading cleared or typed over?)"
        ),
    };
    match labels.split_last() {
        Some((last, groups)) if last == "Measure code" && !groups.is_empty() => {
            if groups.len() == 1 && groups[0] == "Value" {
                Ok(vec![None])
            } else {
                Ok(groups.iter().map(|l| Some(group_code(l))).collect())
            }
        }
        Some((last, _)) if last == "Measure code" => Err(bad("it has no group columns")),
        Some((last, _)) => Err(bad(&format!("its last heading is {:?}", cut(last)))),
        None => Err(bad("the headings after Measure are empty")),
    }
}

/// A derived row's measure code column: `n / d` (a percentage), `n ÷ d` (a ratio) or `n per
/// 10,000 of population_10_17` (a rate): numerator, denominator (none for the population) and
/// what n/d is multiplied by to give the number shown.
fn derived(code_text: &str) -> Option<(&str, Option<&str>, f64)> {
    if let Some((n, d)) = code_text.split_once(" / ") {
        return Some((n, Some(d), 100.0));
    }
    if let Some((n, d)) = code_text.split_once(" ÷ ") {
        return Some((n, Some(d), 1.0));
    }
    let (n, rest) = code_text.split_once(" per ")?;
    let per = rest.strip_suffix(" of population_10_17")?.replace(',', "");
    Some((n, None, per.parse().ok()?))
}

/// A code shown on a by-group sheet, for the column of group `g`: the All column's code with
/// `g` in place of `all` (`kpi1.all.suitable` -> `kpi1.community.suitable`), or the spec's
/// `GROUP` placeholder filled in, as returns written before showed it. A code of neither form
/// is kept whole, and the figures it then reads twice are told apart as conflicts.
fn in_column(code: &str, g: &str) -> String {
    if code.contains(GROUP) {
        return code.replace(GROUP, g);
    }
    let mut parts = code.splitn(3, '.');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(head), Some(ALL), Some(rest)) => format!("{head}.{g}.{rest}"),
        (Some(head), Some(ALL), None) => format!("{head}.{g}"),
        _ => code.to_string(),
    }
}

/// The group code of a column header (`Out of court` → `out_of_court`).
fn group_code(label: &str) -> String {
    label.trim().to_lowercase().replace([' ', '-'], "_")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definitions::{Definitions, Source};
    use crate::export::records::Export;
    use crate::kpi::{Codes, compute};

    fn full() -> (Return, Layout) {
        let defs = Definitions::latest(&Source::Embedded).unwrap();
        let layout = Layout::load(&defs).unwrap();
        let mut ret = crate::write::xml::tests::sample();
        let mut m = compute(
            &Export::default(),
            ret.identity.period,
            &Codes::from_definitions(&defs),
        );
        // Non-zero, consistent figures for the percentages to show.
        let mut edited = Measures::new();
        for (code, v) in m.iter() {
            let v = match code {
                "cohort.community.children" | "cohort.all.children" => 4,
                "kpi1.community.suitable" | "kpi1.all.suitable" => 3,
                "kpi1.community.type.parents" | "kpi1.all.type.parents" => 4,
                "kpi2.community.status.neet" | "kpi2.all.status.neet" => 4,
                "kpi7.meetings" => 2,
                "kpi9.children" => 3,
                "reoffending.cohort" => 10,
                "reoffending.reoffenders" => 4,
                "reoffending.reoffences" => 9,
                _ => v,
            };
            edited.set(code, v);
        }
        edited.set("kpi7.pcc.attended", 1);
        edited.set("kpi7.pcc.senior", 0);
        edited.set("kpi7.pcc.disproportionality_data", 1);
        m = edited;
        ret.measures = m;
        (ret, layout)
    }

    #[test]
    fn reads_back_every_figure_and_percentage() {
        let (ret, layout) = full();
        let bytes = return_workbook(
            &ret,
            &layout,
            &["W316 at Interventions row 7: truly suitable".into()],
        )
        .unwrap();
        let back = read_workbook(&bytes).unwrap();
        assert_eq!(back.ret, ret);
        let shown = back
            .shown
            .iter()
            .find(|p| p.numerator == "kpi1.community.suitable")
            .unwrap();
        assert!((shown.value.unwrap() - 0.75).abs() < 1e-9);
        assert_eq!(shown.per, 100.0);
        let empty = back
            .shown
            .iter()
            .find(|p| p.numerator == "kpi1.custody.suitable")
            .unwrap();
        assert_eq!(empty.value, None, "zero denominator leaves the cell empty");
        let (_, place) = back
            .places
            .iter()
            .find(|(c, _)| c == "kpi7.pcc.attended")
            .unwrap();
        assert_eq!(place.sheet, "KPI7 Management board");
        assert!(place.row > 4);
        assert_eq!(place.col, 1, "the Value column, B");
        let (_, place) = back
            .places
            .iter()
            .find(|(c, _)| c == "kpi1.community.suitable")
            .unwrap();
        assert_eq!(place.reference(), "'KPI1 Accommodation'!D6");
        // Partners without rows are not shown.
        assert!(back.ret.measures.get("kpi7.courts.attended").is_none());
        // Rates and ratios are read back too: 3 children per 10,000 of 48,210; 9 ÷ 4.
        let rate = back
            .shown
            .iter()
            .find(|p| p.numerator == "kpi9.children")
            .unwrap();
        assert_eq!((rate.denominator.as_deref(), rate.per), (None, 10_000.0));
        assert!((rate.value.unwrap() - 3.0 * 10_000.0 / 48_210.0).abs() < 1e-9);
        let ratio = back
            .shown
            .iter()
            .find(|p| p.numerator == "reoffending.reoffences")
            .unwrap();
        assert_eq!(
            ratio.denominator.as_deref(),
            Some("reoffending.reoffenders")
        );
        assert!((ratio.value.unwrap() - 2.25).abs() < 1e-9);
    }

    #[test]
    fn the_cover_and_the_codes_read_as_people_write_them_and_back_exactly() {
        let (mut ret, layout) = full();
        ret.identity.generated_at = "2026-11-29T10:21:05Z".into();
        let bytes = return_workbook(&ret, &layout, &[]).unwrap();
        let mut wb = Xlsx::new(Cursor::new(bytes.as_slice())).unwrap();
        let cover = read_cells(&mut wb, COVER).unwrap();
        let value = |label: &str| {
            cover
                .values()
                .find(|row| row.get(&0) == Some(&Value::Text(label.into())))
                .and_then(|row| row.get(&1).cloned())
                .unwrap()
        };
        assert_eq!(value(POPULATION), Value::Number(48_210.0));
        assert_eq!(
            value("Generated at"),
            Value::Text("29 Nov 2026 10:21:05 UTC".into())
        );
        let kpi1 = read_cells(&mut wb, "KPI1 Accommodation").unwrap();
        let texts: Vec<String> = kpi1
            .values()
            .flat_map(|row| row.values().map(Value::text))
            .collect();
        assert!(
            texts.contains(&"kpi1.all.suitable".to_string()),
            "{texts:?}"
        );
        assert!(texts.contains(&"kpi1.all.suitable / cohort.all.children".to_string()));
        assert!(texts.contains(&BLANK_NOTE.to_string()));
        assert!(texts.contains(&codes_note(&layout)), "{texts:?}");
        for name in wb.sheet_names() {
            for row in read_cells(&mut wb, &name).unwrap().values() {
                for cell in row.values() {
                    assert!(!cell.text().contains(GROUP), "{name}: {}", cell.text());
                }
            }
        }
        // KPI 9 has no group columns: no note on codes.
        let kpi9 = read_cells(&mut wb, "KPI9 Serious violence").unwrap();
        assert!(
            !kpi9
                .values()
                .flat_map(|row| row.values())
                .any(|c| c.text().starts_with("Measure codes are"))
        );
        assert_eq!(read_workbook(&bytes).unwrap().ret, ret);
    }

    #[test]
    fn each_columns_code_is_the_all_columns_with_its_group() {
        assert_eq!(
            in_column("kpi1.all.suitable", "community"),
            "kpi1.community.suitable"
        );
        assert_eq!(
            in_column("kpi1.all.type.nfa", "out_of_court"),
            "kpi1.out_of_court.type.nfa"
        );
        assert_eq!(in_column("caseload.all", "custody"), "caseload.custody");
        // As returns written before showed it.
        assert_eq!(
            in_column("kpi1.GROUP.suitable", "custody"),
            "kpi1.custody.suitable"
        );
        // Only the second part is the group: "all" elsewhere stays.
        assert_eq!(in_column("x.y.all", "community"), "x.y.all");
        assert_eq!(in_column("kpi1.suitable", "community"), "kpi1.suitable");
    }

    #[test]
    fn a_cover_written_before_reads_back() {
        assert_eq!(read_time("2024-10-21T09:30:00Z"), "2024-10-21T09:30:00Z");
        assert_eq!(
            read_time("21 Oct 2024 09:30:00 UTC"),
            "2024-10-21T09:30:00Z"
        );
    }

    #[test]
    fn a_header_row_with_a_heading_cleared_is_a_sentence_not_a_panic() {
        let row = |cells: &[(u32, &str)]| -> BTreeMap<u32, Value> {
            cells
                .iter()
                .map(|(c, t)| (*c, Value::Text(t.to_string())))
                .collect()
        };
        let groups = groups_of(
            "Cohort",
            4,
            &row(&[(0, "Measure"), (1, "Out of court"), (2, "Measure code")]),
        );
        assert_eq!(groups.unwrap(), [Some("out_of_court".to_string())]);
        let single = groups_of(
            "KPI7",
            4,
            &row(&[(0, "Measure"), (1, "Value"), (2, "Measure code")]),
        );
        assert_eq!(single.unwrap(), [None]);
        // "Prevention" cleared: the headings after Measure are empty.
        for cells in [
            &[(0, "Measure"), (2, "Out of court"), (3, "Measure code")][..],
            &[(0, "Measure"), (1, "Measure code")][..],
            &[(0, "Measure"), (1, "Prevention"), (2, "All")][..],
        ] {
            let err = groups_of("Cohort", 4, &row(cells)).unwrap_err().to_string();
            assert!(
                err.starts_with("sheet Cohort row 4: the header row should read Measure"),
                "{err}"
            );
        }
    }

    #[test]
    fn the_same_return_gives_the_same_bytes() {
        let (ret, layout) = full();
        let a = return_workbook(&ret, &layout, &[]).unwrap();
        let b = return_workbook(&ret, &layout, &[]).unwrap();
        assert_eq!(a, b);
        let mut later = ret.clone();
        later.identity.generated_at = "2024-10-22T09:30:00Z".into();
        assert_ne!(return_workbook(&later, &layout, &[]).unwrap(), a);
    }

    #[test]
    fn no_child_identifier_and_names_with_ampersands_are_safe() {
        let (mut ret, layout) = full();
        ret.identity.yjs_name = "Smith & Jones \u{B}YJS".into();
        let bytes = return_workbook(&ret, &layout, &[]).unwrap();
        let back = read_workbook(&bytes).unwrap();
        assert_eq!(back.ret.identity.yjs_name, "Smith & Jones YJS");
    }

    #[test]
    fn a_damaged_return_workbook_is_advised_to_be_rebuilt_not_exported_again() {
        let (ret, layout) = full();
        let bytes = return_workbook(&ret, &layout, &[]).unwrap();
        let damaged = [
            bytes[..bytes.len() / 2].to_vec(),
            b"not a workbook".to_vec(),
            b"PK\x05\x06".to_vec(),
        ];
        for bytes in damaged {
            let said = read_workbook(&bytes).unwrap_err().to_string();
            assert!(said.starts_with("not a return workbook: "), "{said}");
            assert!(said.contains("build the return again"), "{said}");
            assert!(!said.contains("export the caseload"), "{said}");
        }
    }
}
