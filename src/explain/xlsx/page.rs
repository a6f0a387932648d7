//! What every sheet of the explanation's workbook shares: its formats and its page.

use rust_xlsxwriter::{
    Color, Format, FormatAlign, FormatBorder, FormatUnderline, Worksheet, XlsxError,
};

/// The row of a sheet's column headers.
pub const HEADER_ROW: u32 = 4;

pub struct Styles {
    pub title: Format,
    pub notice: Format,
    pub header: Format,
    /// A narrow column's header, read upwards.
    pub turned: Format,
    pub wrap: Format,
    pub top: Format,
    pub link: Format,
    pub percent: Format,
    /// A number or word in a narrow column, centred.
    pub centre: Format,
}

impl Styles {
    pub fn new() -> Styles {
        let top = Format::new().set_align(FormatAlign::Top);
        Styles {
            title: Format::new().set_bold().set_font_size(14),
            notice: Format::new()
                .set_bold()
                .set_font_color(Color::RGB(0x9C0006)),
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Bottom)
                .set_border_bottom(FormatBorder::Thin),
            turned: Format::new()
                .set_bold()
                .set_rotation(90)
                .set_align(FormatAlign::Bottom)
                // Over the middle of its column (LibreOffice draws it at the right edge else).
                .set_align(FormatAlign::Center)
                .set_border_bottom(FormatBorder::Thin),
            wrap: top.clone().set_text_wrap(),
            link: Format::new()
                .set_font_color(Color::RGB(0x0563C1))
                .set_underline(FormatUnderline::Single)
                .set_align(FormatAlign::Top),
            percent: top.clone().set_num_format("0.0%"),
            centre: top.clone().set_align(FormatAlign::Center),
            top,
        }
    }
}

/// `&` starts a control code in Excel's page headers; text is shown literally.
fn header_safe(text: &str) -> String {
    crate::text::xml_safe(text).replace('&', "&&")
}

/// A4 landscape, one page wide, the header row on every page, the notice above and below.
pub fn page(ws: &mut Worksheet, title: &str, header_row: u32) -> Result<(), XlsxError> {
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    ws.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
    ws.set_repeat_rows(header_row, header_row)?;
    ws.set_header(format!(
        "&L{}&RContains case identifiers: keep inside the service",
        header_safe(title)
    ));
    ws.set_footer("&LContains case identifiers: keep inside the service&RPage &P of &N");
    ws.set_freeze_panes(header_row + 1, 0)?;
    Ok(())
}

/// The section a measure belongs to: its code's first part (`kpi1`, `cohort`, `fte`).
pub fn section(code: &str) -> &str {
    code.split('.').next().unwrap_or(code)
}

/// How many lines `text` takes wrapped in a column `width` units wide (a character a unit, to
/// be safe): rows are sized from it, as neither Excel nor LibreOffice sizes a row for wrapped
/// text when opening a file.
pub fn wrapped_lines(text: &str, width: f64) -> u32 {
    let per_line = (width.floor() as usize).max(1);
    // No more bytes than a line holds: no more characters either, one line (most reasons).
    if text.len() <= per_line {
        return 1;
    }
    let mut lines = 1;
    let mut used = 0;
    for word in text.split(' ') {
        let len = word.chars().count();
        if used > 0 && used + 1 + len > per_line {
            lines += 1;
            used = 0;
        }
        used += if used > 0 { len + 1 } else { len };
        while used > per_line {
            lines += 1;
            used -= per_line;
        }
    }
    lines.min(40)
}
