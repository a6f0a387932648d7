//! How every sheet of the report looks and prints: the formats made once ([`Styles`]), the
//! print setup ([`Page`]: A4 landscape, one page wide, the header row repeated, a page header
//! naming the export and the day of the run) and the privacy notice at the top of each sheet.
//!
//! Invariant: every text placed in a page header is shown literally (`&` doubled) and cut to
//! what a header holds; a fatal finding is coloured as an error.

use std::path::Path;

use rust_xlsxwriter::{
    Color, Format, FormatAlign, FormatBorder, FormatUnderline, Worksheet, XlsxError,
};

use crate::date::Date;
use crate::definitions::Severity;
use crate::excel::cell_text as xml_safe;

pub(super) const NOTICE: &str = "This report contains children's case identifiers: keep it within the youth justice service. It is not for submission to the YJB.";

/// The formats the report uses, made once.
pub(super) struct Styles {
    pub(super) bold: Format,
    pub(super) title: Format,
    /// The privacy notice: bold dark red, wrapped across the sheet's width.
    pub(super) notice: Format,
    pub(super) link: Format,
    pub(super) top: Format,
    pub(super) wrap: Format,
    pub(super) header: Format,
    /// Fill of an Issues severity cell or of a highlighted cell, by severity.
    pub(super) severity: [(Severity, Format); 3],
    pub(super) severity_header: [(Severity, Format); 3],
    pub(super) date: Format,
}

impl Styles {
    pub(super) fn new() -> Styles {
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
    pub(super) fn fill(&self, s: Severity, header: bool) -> &Format {
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
pub(super) struct Page {
    file: String,
    date: Date,
}

impl Page {
    pub(super) fn new(file: &str, date: Date) -> Page {
        // The name alone: a long folder path would crowd the header (Excel allows 255 characters).
        let name = Path::new(file)
            .file_name()
            .map_or_else(|| file.to_string(), |n| n.to_string_lossy().into_owned());
        let name = name.chars().take(80).collect();
        Page { file: name, date }
    }

    pub(super) fn apply(
        &self,
        ws: &mut Worksheet,
        title: &str,
        header_row: u32,
    ) -> Result<(), XlsxError> {
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
pub(super) fn header_safe(text: &str) -> String {
    xml_safe(text).replace('&', "&&")
}

/// The privacy notice across the first `columns` columns of `row`, two lines high so that it
/// wraps rather than being clipped when the sheet is narrower than the sentence.
pub(super) fn notice(
    ws: &mut Worksheet,
    row: u32,
    columns: u16,
    styles: &Styles,
) -> Result<(), XlsxError> {
    ws.set_row_height(row, 30)?;
    if columns > 1 {
        ws.merge_range(row, 0, row, columns - 1, NOTICE, &styles.notice)?;
    } else {
        ws.write_string_with_format(row, 0, NOTICE, &styles.notice)?;
    }
    Ok(())
}

pub(super) fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Info => "note",
        Severity::Warning => "warning",
        Severity::Error => "error",
        Severity::Fatal => "fatal",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(super) fn page_headers_name_the_file_not_its_folder_and_escape_ampersands() {
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
