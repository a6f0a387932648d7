//! The *Guidance* sheet (how every value, RAG, direction, trend and mark is worked out, and what
//! each indicator counts) and the *Sources* sheet (each return used, and the figures a later
//! submission moved).

use rust_xlsxwriter::{Workbook, XlsxError};

use super::print::{
    Formats, GUIDANCE, SOURCES, column_breaks, column_px, fit_row, fit_width, heading_width,
    print_setup, safe, scale_for,
};
use crate::scorecard::Scorecard;
use crate::scorecard::indicators::Basis;
use crate::scorecard::paper;
use crate::scorecard::publication::revision_lines;

const TITLE_WIDTH: f64 = 30.0;
const TEXT_WIDTH: f64 = 110.0;

pub fn guidance_sheet(wb: &mut Workbook, s: &Scorecard, f: &Formats) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name(GUIDANCE)?;
    print_setup(
        ws,
        s,
        scale_for(column_px(TITLE_WIDTH) + column_px(TEXT_WIDTH)),
    )?;
    ws.set_column_width(0, TITLE_WIDTH)?;
    ws.set_column_width(1, TEXT_WIDTH)?;
    ws.write_string_with_format(0, 0, "How to read this scorecard", &f.title)?;
    ws.set_row_height(0, 20)?;
    let section = f.section.clone().set_text_wrap();
    let mut row = 2;
    for (title, text) in paper::guidance(s) {
        ws.write_string_with_format(row, 0, title, &section)?;
        ws.write_string_with_format(row, 1, &text, &f.wrap)?;
        fit_row(
            ws,
            row,
            &[(title, TITLE_WIDTH, true), (&text, TEXT_WIDTH, false)],
        )?;
        row += 1;
    }
    row += 1;
    ws.write_string_with_format(row, 0, "The indicators", &f.title)?;
    ws.set_row_height(row, 20)?;
    row += 1;
    for (c, h) in ["Indicator", "What it counts"].iter().enumerate() {
        ws.write_string_with_format(row, c as u16, *h, &f.header)?;
    }
    ws.set_repeat_rows(row, row)?;
    row += 1;
    for card in &s.cards {
        let ind = &card.indicator;
        let basis = match ind.basis {
            Basis::Quarter => "",
            Basis::Rolling => " Summed over the four quarters to the one shown.",
        };
        let name = safe(&format!("{} ({})", ind.label, ind.id));
        let what = safe(&format!(
            "{} ({}).{basis} Made from {}{}{}.",
            ind.explanation,
            ind.polarity.words(),
            ind.numerator.join(" + "),
            ind.denominator
                .as_ref()
                .map(|d| format!(" / {d}"))
                .unwrap_or_default(),
            ind.per
                .map(|p| format!(" per {p} of the 10-17 population"))
                .unwrap_or_default()
        ));
        ws.write_string_with_format(row, 0, &name, &f.wrap)?;
        ws.write_string_with_format(row, 1, &what, &f.wrap)?;
        fit_row(
            ws,
            row,
            &[(&name, TITLE_WIDTH, false), (&what, TEXT_WIDTH, false)],
        )?;
        row += 1;
    }
    Ok(())
}

pub fn sources_sheet(wb: &mut Workbook, s: &Scorecard, f: &Formats) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name(SOURCES)?;
    let yes = |b: bool| if b { "yes" } else { "no" };
    // One row per return, then a row for each further line of figures that moved (a row
    // never taller than a page, nor than Excel's 409 points).
    let mut rows: Vec<[String; 10]> = Vec::new();
    for src in &s.sources {
        let moved = revision_lines(&src.revisions, s.paper.publication);
        rows.push([
            src.period.to_string(),
            yes(src.in_window).to_string(),
            src.folder.clone(),
            src.submission_words(),
            src.definitions_version.clone(),
            paper::time_words(&src.generated_at),
            yes(src.provisional).to_string(),
            yes(!src.revisions.is_empty()).to_string(),
            moved.first().cloned().unwrap_or_default(),
            src.input_sha256.clone(),
        ]);
        for line in moved.iter().skip(1) {
            let mut more: [String; 10] = Default::default();
            more[8] = line.clone();
            rows.push(more);
        }
    }
    let headers = [
        "Quarter",
        "In the window",
        "Folder",
        "Submission",
        "Definitions version",
        "Generated at",
        "Provisional",
        "Revised",
        "Figures that moved",
        "Input SHA-256",
    ];
    // Every column as wide as its text but the figures that moved, which wrap.
    let moved_width = 60.0;
    let widths: Vec<f64> = (0..headers.len())
        .map(|k| {
            if k == 8 {
                moved_width
            } else {
                fit_width(
                    rows.iter().map(|r| r[k].as_str()),
                    false,
                    heading_width(headers[k], 7.0),
                )
            }
        })
        .collect();
    let scale = 75;
    print_setup(ws, s, scale)?;
    for (c, (h, w)) in headers.iter().zip(&widths).enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &f.header)?;
        ws.set_column_width(c as u16, *w)?;
    }
    let head: Vec<(&str, f64, bool)> = headers
        .iter()
        .zip(&widths)
        .map(|(h, w)| (*h, *w, true))
        .collect();
    fit_row(ws, 0, &head)?;
    ws.set_repeat_rows(0, 0)?;
    ws.set_repeat_columns(0, 0)?;
    ws.set_vertical_page_breaks(&column_breaks(&widths, 1, scale))?;
    for (i, cells) in rows.iter().enumerate() {
        let row = 1 + i as u32;
        for (c, v) in cells.iter().enumerate() {
            let fmt = if c == 8 { &f.wrap } else { &f.text };
            ws.write_string_with_format(row, c as u16, safe(v), fmt)?;
        }
        fit_row(ws, row, &[(&cells[8], moved_width, false)])?;
    }
    let gap_row = 2 + rows.len() as u32;
    if !s.gaps.is_empty() {
        let gaps: Vec<String> = s.gaps.iter().map(ToString::to_string).collect();
        ws.write_string_with_format(
            gap_row,
            0,
            format!(
                "Gaps in the window (no return on file, shown empty): {}",
                gaps.join(", ")
            ),
            &f.sub,
        )?;
    }
    Ok(())
}
