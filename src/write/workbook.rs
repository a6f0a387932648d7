//! `return.xlsx`, the return for people: a cover naming the return, then one sheet per KPI
//! section laid out by the template (`templates/<version>/return-layout.json`).
//!
//! One sheet per section, because each prints on its own A4 landscape page and a board member
//! can go straight to the KPI they care about. Every figure is a value, never a formula, so
//! any reader (and `check`) sees the number. The measure code sits in the last column of each
//! row, `GROUP` standing for the column's group as in the spec, so the figures can be read
//! back by code; a percentage row shows `numerator / denominator`.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError,
};

use crate::audit::check::ShownPercentage;
use crate::measures::{Identity, Measures, Return};
use crate::report::xml_safe;
use crate::write::template::{GROUP, Kind, Layout, Line, Section};

pub const COVER: &str = "Cover";

/// The cover's identity rows: label, then how to read the value back.
const COVER_FIELDS: [&str; 10] = [
    "YJS code",
    "YJS name",
    "Nation",
    "Population aged 10-17",
    "Period",
    "Status",
    "Definitions version",
    "Tool version",
    "Input SHA-256",
    "Generated at",
];

const FIRST_LINE_ROW: u32 = 4;

/// The cover's Status of a final return, and the start of a provisional one's (read back by
/// `check`; a workbook written before provisional returns existed has no Status row).
const FINAL: &str = "Final";
const PROVISIONAL: &str = "PROVISIONAL";
const PROVISIONAL_WORDS: &str = "PROVISIONAL: these figures were made before the quarter's \
    records were complete (or marked provisional by the officer). They will change. Do not \
    send this return to the YJB; build it again from a full export once the quarter has closed.";

/// The most cells a sheet of a return workbook may declare when read back.
const MAX_CELLS: u64 = 100_000;

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{0}")]
    Xlsx(#[from] XlsxError),
    #[error("the generation time {0:?} is not a UTC time")]
    Time(String),
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
        header_safe(&id.generated_at)
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
            .set_comment("Counts only: no child's identifier appears in this workbook.")
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
        "Counts only: nothing in this return identifies a child.",
        &f.intro,
    )?;
    let values = [
        xml_safe(&id.yjs_code).into_owned(),
        xml_safe(&id.yjs_name).into_owned(),
        xml_safe(&id.nation).into_owned(),
        id.population_10_17.to_string(),
        id.period.to_string(),
        if id.provisional {
            PROVISIONAL_WORDS.to_string()
        } else {
            FINAL.to_string()
        },
        xml_safe(&id.definitions_version).into_owned(),
        xml_safe(&id.tool_version).into_owned(),
        xml_safe(&id.input_sha256).into_owned(),
        xml_safe(&id.generated_at).into_owned(),
    ];
    for (i, (label, value)) in COVER_FIELDS.iter().zip(values.iter()).enumerate() {
        let r = 3 + i as u32;
        cover.write_string_with_format(r, 0, *label, &f.bold)?;
        if *label == "Status" && id.provisional {
            cover.write_string_with_format(r, 1, value, &f.warning)?;
            cover.set_row_height(r, 45)?;
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
    Ok(wb.save_to_buffer()?)
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
    // in programs that do not grow rows to fit.
    let widest = section
        .lines
        .iter()
        .map(|l| l.label.chars().count())
        .max()
        .unwrap_or(0);
    ws.set_column_width(0, (widest as f64 + 2.0).max(40.0))?;
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
        ws.write_string_with_format(r, code_col, line.code_text(), &f.code)?;
        r += 1;
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
    /// (measure code, sheet, Excel row) of every figure.
    pub places: Vec<(String, String, u32)>,
    pub percentages: Vec<ShownPercentage>,
    /// A figure shown on several rows (the cohort, on each KPI sheet) with another value
    /// than its first showing: (code, sheet, row, value here, value first shown).
    pub conflicts: Vec<(String, String, u32, i64, i64)>,
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
}

fn text(cell: Option<&Data>) -> String {
    match cell {
        Some(Data::String(s)) => s.trim().to_string(),
        Some(Data::Float(f)) => crate::export::workbook::format_number(*f),
        Some(Data::Int(i)) => i.to_string(),
        _ => String::new(),
    }
}

/// Reads the identity from the cover and every figure back by its measure code.
pub fn read_workbook(bytes: &[u8]) -> Result<ReadBack, ReadError> {
    let not = |m: &str| ReadError::NotAReturn(m.to_string());
    crate::export::workbook::precheck(bytes).map_err(|e| not(&e.to_string()))?;
    let mut wb = Xlsx::new(Cursor::new(bytes)).map_err(|e| not(&e.to_string()))?;
    let names = wb.sheet_names();
    if !names.iter().any(|n| n == COVER) {
        return Err(not("it has no Cover sheet"));
    }
    for name in &names {
        // A return's sheets hold a few hundred cells; a sheet declaring millions is refused
        // before it is materialised.
        let declared = wb
            .worksheet_cells_reader(name)
            .map_err(|e| not(&e.to_string()))?
            .dimensions()
            .len();
        if declared > MAX_CELLS {
            return Err(not(&format!(
                "sheet {name} declares {declared} cells, far more than a return holds"
            )));
        }
    }
    let cover = wb.worksheet_range(COVER).map_err(|e| not(&e.to_string()))?;
    let mut fields: Vec<Option<String>> = vec![None; COVER_FIELDS.len()];
    for row in cover.rows() {
        let label = text(row.first());
        if let Some(i) = COVER_FIELDS.iter().position(|f| *f == label) {
            fields[i] = Some(text(row.get(1)));
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
                "the cover's Status is {other:?}, neither {FINAL:?} nor {PROVISIONAL:?}"
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
            .map_err(|e: crate::period::PeriodError| not(&e.to_string()))?,
        provisional,
        definitions_version: field(6)?,
        tool_version: field(7)?,
        input_sha256: field(8)?,
        generated_at: field(9)?,
    };

    let mut measures = Measures::new();
    let mut places = Vec::new();
    let mut percentages = Vec::new();
    let mut conflicts = Vec::new();
    for name in names.iter().filter(|n| *n != COVER) {
        let range = wb.worksheet_range(name).map_err(|e| not(&e.to_string()))?;
        let (top, left) = range.start().unwrap_or((0, 0));
        let mut header: Option<Vec<String>> = None;
        for (i, row) in range.rows().enumerate() {
            let excel_row = top + i as u32 + 1;
            let cell = |c: usize| -> Option<&Data> {
                (c >= left as usize)
                    .then(|| row.get(c - left as usize))
                    .flatten()
            };
            if header.is_none() {
                if text(cell(0)) == "Measure" {
                    let cols: Vec<String> = (1..)
                        .map(|c| text(cell(c)))
                        .take_while(|t| !t.is_empty())
                        .collect();
                    header = Some(cols);
                }
                continue;
            }
            let cols = header.as_ref().expect("set above");
            let code_col = cols.len();
            let code_text = text(cell(code_col));
            if code_text.is_empty() {
                continue;
            }
            let groups: Vec<Option<String>> = if code_col == 1 + 1 && cols[0] == "Value" {
                vec![None]
            } else {
                cols[..code_col - 1]
                    .iter()
                    .map(|label| Some(group_code(label)))
                    .collect()
            };
            let number = |c: usize| -> Option<f64> {
                match cell(c) {
                    Some(Data::Float(f)) => Some(*f),
                    Some(Data::Int(i)) => Some(*i as f64),
                    _ => None,
                }
            };
            let fill = |pattern: &str, g: &Option<String>| match g {
                Some(g) => pattern.replace(GROUP, g),
                None => pattern.to_string(),
            };
            if let Some((n, d)) = code_text.split_once(" / ") {
                for (k, g) in groups.iter().enumerate() {
                    percentages.push(ShownPercentage {
                        numerator: fill(n, g),
                        denominator: fill(d, g),
                        value: number(k + 1).map(|v| v * 100.0),
                        sheet: name.clone(),
                        row: excel_row,
                    });
                }
                continue;
            }
            if code_text.contains(" per ") || code_text.contains(" ÷ ") {
                continue; // rates and ratios are derived, not measures
            }
            for (k, g) in groups.iter().enumerate() {
                let code = fill(&code_text, g);
                let value = match cell(k + 1) {
                    Some(Data::Float(f)) if f.fract() == 0.0 => *f as i64,
                    Some(Data::Int(i)) => *i,
                    other => {
                        return Err(ReadError::Cell {
                            sheet: name.clone(),
                            row: excel_row,
                            message: format!(
                                "measure {code} holds {:?}, not a whole number",
                                text(other)
                            ),
                        });
                    }
                };
                if let Some(first) = measures.get(&code) {
                    if first != value {
                        conflicts.push((code, name.clone(), excel_row, value, first));
                    }
                    continue;
                }
                measures.set(code.clone(), value);
                places.push((code, name.clone(), excel_row));
            }
        }
    }
    Ok(ReadBack {
        ret: Return { identity, measures },
        places,
        percentages,
        conflicts,
    })
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
            .percentages
            .iter()
            .find(|p| p.numerator == "kpi1.community.suitable")
            .unwrap();
        assert!((shown.value.unwrap() - 75.0).abs() < 1e-9);
        let empty = back
            .percentages
            .iter()
            .find(|p| p.numerator == "kpi1.custody.suitable")
            .unwrap();
        assert_eq!(empty.value, None, "zero denominator leaves the cell empty");
        let (_, sheet, row) = back
            .places
            .iter()
            .find(|(c, _, _)| c == "kpi7.pcc.attended")
            .unwrap();
        assert_eq!(sheet, "KPI7 Management board");
        assert!(*row > 4);
        // Partners without rows are not shown.
        assert!(back.ret.measures.get("kpi7.courts.attended").is_none());
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
}
