//! Writing `return.xlsx`: the cover, then a sheet per section of the template, every figure a
//! value (never a formula), each row's measure code in its last column.
//!
//! Invariant: the same return, layout and notes give the same bytes; a blank cell is a zero
//! denominator, never a 0%.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook};

use super::codes::{ALL, codes_note};
use super::cover::{COVER_FIELDS, FINAL, POPULATION, PROVISIONAL_WORDS, written_time};
use super::error::WriteError;
use super::style::{Formats, page_setup};
use crate::measures::Return;
use crate::names::COVER;
use crate::text::xml_safe;
use crate::write::template::{GROUP, Kind, Layout, Line, Section};

const FIRST_LINE_ROW: u32 = 4;

/// Under a sheet that shows percentages or ratios: why some cells are blank.
pub(super) const BLANK_NOTE: &str =
    "Blank: nobody to count, the denominator is 0 (a blank is not 0%).";

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
