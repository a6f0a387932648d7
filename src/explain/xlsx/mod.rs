//! `explain --out FILE.xlsx`: a Measures sheet (every measure asked for, its figure and the
//! sheet that lists its records) and one sheet per section of the return (`cohort`, `kpi1`,
//! ... `caseload`), each record a row with a column per measure of the section: the amount it
//! adds where it counts, `outside` where it is in the percentage's denominator without
//! counting, `near miss` where a rule left it out. Filterable, printable on A4 landscape, and
//! every page says that it holds case identifiers. No link leads outside the file.

mod measures;
mod page;
mod rows;
mod section;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook, XlsxError};

use super::json::Source;
use super::model::{Explanation, NOTICE};
use page::{Styles, section};

/// The workbook of an explanation.
pub fn render(x: &Explanation, source: &Source) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let created = x.extract_date.map_or_else(
        || ExcelDateTime::from_ymd(2000, 1, 1),
        |d| {
            ExcelDateTime::from_ymd(
                d.year().clamp(1900, 9999) as u16,
                d.month() as u8,
                d.day() as u8,
            )
        },
    )?;
    wb.set_properties(
        &DocProperties::new()
            .set_title("yjb-return explanation of the return's figures")
            .set_comment(NOTICE)
            .set_creation_datetime(&created),
    );
    // The sections of a large export hold millions of cells: a lighter compression saves
    // most of the time spent squeezing them, for a somewhat larger file.
    wb.set_zip_compression_level(1);
    let styles = Styles::new();
    let title = match &x.service {
        Some((code, name)) => format!("{} ({code}), {}", name, x.period),
        None => x.period.to_string(),
    };
    let title: String = crate::text::cut(&title).into_owned();
    // The sections asked for, in the return's order.
    let mut sections: Vec<&str> = Vec::new();
    for m in x.measures() {
        let s = section(m.code);
        if !sections.contains(&s) {
            sections.push(s);
        }
    }
    measures::sheet(&mut wb, x, source, &title, &styles)?;
    // The library names its sheets' parts by their order: Measures is the first.
    let mut splices = Vec::new();
    for (i, s) in sections.into_iter().enumerate() {
        let part = format!("xl/worksheets/sheet{}.xml", i + 2);
        splices.push(section::sheet(&mut wb, x, s, &title, &styles, part)?);
    }
    let book = wb.save_to_buffer()?;
    rows::splice(&book, splices).map(crate::workbook_bytes::same_everywhere)
}
