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
//!
//! The sheets are written in the order they appear, each by a method of `Report` (which holds
//! what they are written from) in a file of its own: `issues`, `summary`, `by_child`, then
//! each `copy`. What makes them look and print alike is in `style`; writing cells, sizing
//! rows and streaming sheets in `cells` (which `redact` writes with too).

mod by_child;
pub(crate) mod cells;
mod copy;
mod issues;
mod style;
mod summary;

use std::collections::HashMap;

use rust_xlsxwriter::{DocProperties, Url, Workbook, Worksheet, XlsxError};

// Every string this report writes is also cut to what one Excel cell holds.
use crate::date::Date;
use crate::excel::cell_text as xml_safe;
use crate::excel::sheet_ref;
use crate::export::workbook::RawSheet;
use crate::validate::{Finding, Validation};
use cells::{excel_date, table};
use style::{NOTICE, Page, Styles, notice};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definitions::{Definitions, Source};
    use crate::validate::input::validate_bytes;

    pub(super) fn flawed() -> Validation {
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
    fn the_same_validation_and_day_give_the_same_bytes() {
        let v = flawed();
        let day = Date::new(2024, 10, 21).unwrap();
        let a = render_dated(&v, "flawed-export.xlsx", day).unwrap();
        let b = render_dated(&v, "flawed-export.xlsx", day).unwrap();
        assert!(a == b, "the report is not deterministic");
        let c = render_dated(&v, "flawed-export.xlsx", day.add_days(1)).unwrap();
        assert!(a != c, "the date of the run is not in the report");
    }
}
