//! The Measures sheet: every measure asked for, its figure, its denominator and percentage,
//! how many records it counts, leaves outside and misses narrowly, and a link to its sheet.

use rust_xlsxwriter::{Url, Workbook, XlsxError};

use super::page::{HEADER_ROW, Styles, page, section};
use crate::explain::json::{Source, percent};
use crate::explain::model::{Explanation, Status};
use crate::kpi::tally::Unit;

pub fn sheet(
    wb: &mut Workbook,
    x: &Explanation,
    source: &Source,
    title: &str,
    st: &Styles,
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name("Measures")?;
    page(ws, &format!("{title}: measures"), HEADER_ROW)?;
    ws.write_string_with_format(
        0,
        0,
        format!("The return's figures explained: {title}"),
        &st.title,
    )?;
    ws.write_string_with_format(
        1,
        0,
        "Contains case identifiers: keep inside the service.",
        &st.notice,
    )?;
    ws.write_string(
        2,
        0,
        format!(
            "From {}, definitions {} (SHA-256 of the export {}). Each measure's records are on \
             its section's sheet.",
            crate::text::cut(source.file),
            source.definitions_version,
            source.sha256
        ),
    )?;
    let headers = [
        ("Measure", 28.0),
        ("Value", 8.0),
        ("Unit", 7.0),
        ("Of (denominator)", 24.0),
        ("Denominator", 11.0),
        ("%", 7.0),
        ("Counted", 8.0),
        ("Outside", 8.0),
        ("Near misses", 8.0),
        ("Counted from", 58.0),
        ("Listed on sheet", 10.0),
    ];
    ws.set_row_height(HEADER_ROW, 30.0)?;
    for (c, (h, w)) in headers.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
        ws.write_string_with_format(HEADER_ROW, c as u16, *h, &st.header)?;
    }
    let mut row = HEADER_ROW;
    for m in x.measures() {
        row += 1;
        ws.write_string_with_format(row, 0, m.code, &st.top)?;
        ws.write_number_with_format(row, 1, m.value as f64, &st.top)?;
        ws.write_string_with_format(
            row,
            2,
            match m.unit {
                Unit::Count => "count",
                Unit::Hours => "hours",
            },
            &st.top,
        )?;
        if let Some((code, value)) = m.denominator {
            ws.write_string_with_format(row, 3, code, &st.top)?;
            ws.write_number_with_format(row, 4, value as f64, &st.top)?;
            if let Some(p) = percent(&m) {
                ws.write_number_with_format(row, 5, p / 100.0, &st.percent)?;
            }
        }
        for (c, status) in [
            (6, Status::Counted),
            (7, Status::Outside),
            (8, Status::NearMiss),
        ] {
            if status == Status::Outside && m.denominator.is_none() {
                continue;
            }
            ws.write_number_with_format(row, c, m.with(status).count() as f64, &st.centre)?;
        }
        ws.write_string_with_format(row, 9, m.universe, &st.top)?;
        let sheet = section(m.code);
        ws.write_url_with_format(
            row,
            10,
            Url::new(format!("internal:'{sheet}'!A1")).set_text(sheet),
            &st.link,
        )?;
    }
    ws.autofilter(
        HEADER_ROW,
        0,
        row.max(HEADER_ROW + 1),
        headers.len() as u16 - 1,
    )?;
    for (code, why) in &x.absent {
        row += 2;
        ws.write_string(row, 0, format!("{}: {why}", crate::text::cut(code)))?;
    }
    Ok(())
}
