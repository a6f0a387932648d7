//! What every sheet of the scorecard workbook shares: the sheets' names, the font the widths
//! are measured in, the cell formats, widths and row heights fitted to their text, and the
//! print set-up that keeps every page standing alone and readable.

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Worksheet, XlsxError};

use crate::scorecard::Scorecard;
use crate::scorecard::indicators::Unit;
use crate::scorecard::metrics;
use crate::scorecard::paper::Furniture;
use crate::scorecard::status::{Direction, Rag};
use crate::text::xml_safe;
use crate::write::workbook::style::header_safe;

pub const SCORECARD: &str = "Scorecard";
pub const CHARTS: &str = "Charts";
pub const DATA: &str = "Data";
pub const GUIDANCE: &str = "Guidance";
pub const SOURCES: &str = "Sources";

/// Every cell's font: Arial (Liberation Sans, with the same widths, where Arial is absent), so
/// the widths the rows and columns are sized for are the widths printed.
pub const FONT: &str = "Arial";
pub const FONT_SIZE: f64 = 10.0;

/// The least print scale: Arial 10 prints at 7 points.
pub const MIN_SCALE: u16 = 70;

/// A4 landscape inside the margins set below (0.4 inch each side), in pixels at 100%.
pub const PRINTABLE_WIDTH_PX: f64 = (11.69 - 0.8) * 96.0;

/// A row's line of Arial 10, in points, as Excel and LibreOffice draw it.
const ROW_LINE: f64 = 12.75;

pub struct Formats {
    pub title: Format,
    pub sub: Format,
    pub banner: Format,
    pub header: Format,
    pub section: Format,
    pub text: Format,
    pub wrap: Format,
    pub bold_num: Format,
    pub counts: Format,
    pub better: Format,
    pub worse: Format,
    pub rag: [Format; 3],
    pub plain_rag: Format,
}

impl Default for Formats {
    fn default() -> Formats {
        Formats::new()
    }
}

impl Formats {
    pub fn new() -> Formats {
        let base = Format::new().set_font_name(FONT).set_font_size(FONT_SIZE);
        let border = base
            .clone()
            .set_align(FormatAlign::Top)
            .set_border(FormatBorder::Thin)
            .set_border_color(Color::RGB(0xB0B0B0));
        let rag = |fill: u32, font: u32| {
            border
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(fill))
                .set_font_color(Color::RGB(font))
        };
        Formats {
            title: base.clone().set_bold().set_font_size(14),
            sub: base.clone().set_font_color(Color::RGB(0x404040)),
            banner: base
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_border(FormatBorder::Medium),
            header: border
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_font_color(Color::White)
                .set_background_color(Color::RGB(0x1F4E79)),
            section: border
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(0xE8EEF5)),
            text: border.clone(),
            wrap: border.clone().set_text_wrap(),
            bold_num: border.clone().set_bold(),
            counts: border.clone().set_align(FormatAlign::Right),
            better: border
                .clone()
                .set_bold()
                .set_font_color(Color::RGB(0x004D00)),
            worse: border
                .clone()
                .set_bold()
                .set_font_color(Color::RGB(0x8B0000)),
            rag: [
                rag(0xFFC7CE, 0x8B0000),
                rag(0xFFE699, 0x5C3300),
                rag(0xC6EFCE, 0x004D00),
            ],
            plain_rag: border.clone().set_align(FormatAlign::Center),
        }
    }

    pub fn rag(&self, r: Rag) -> &Format {
        &self.rag[match r {
            Rag::Red => 0,
            Rag::Amber => 1,
            Rag::Green => 2,
        }]
    }

    pub fn direction(&self, d: Direction) -> &Format {
        match d {
            Direction::Better => &self.better,
            Direction::Worse => &self.worse,
            _ => &self.text,
        }
    }
}

/// The number format of an indicator's values.
pub fn num_format(unit: Unit) -> &'static str {
    match unit {
        Unit::Percent => "0.0%",
        Unit::Rate => "0.0",
        Unit::Ratio => "0.00",
        Unit::Count => "#,##0",
    }
}

/// A value as stored in a cell: percentages as fractions, so Excel shows them with `%`.
pub fn stored(unit: Unit, shown: f64) -> f64 {
    if unit == Unit::Percent {
        shown / 100.0
    } else {
        shown
    }
}

pub fn exact_f64(x: &crate::scorecard::exact::Exact) -> f64 {
    use num_traits::ToPrimitive;
    match (x.numer().to_f64(), x.denom().to_f64()) {
        (Some(n), Some(d)) => n / d,
        _ => 0.0,
    }
}

/// The pixels a column `width` characters wide takes across a page: Excel gives Arial 10 seven
/// pixels a character and five of padding, LibreOffice a little more (its digit is 7.4 pixels
/// wide), so the wider is counted.
pub fn column_px(width: f64) -> f64 {
    width * 7.5 + 5.0
}

/// The room for text in a column, in points: Excel's narrower measure, so a row sized for it
/// holds its text in either.
fn text_room(width: f64) -> f64 {
    width * 7.0 * 0.75
}

/// The width (in characters) that shows every one of `texts` on one line, at least `least`.
pub fn fit_width<'a>(texts: impl IntoIterator<Item = &'a str>, bold: bool, least: f64) -> f64 {
    texts
        .into_iter()
        .map(|t| {
            let pt = metrics::width(t, FONT_SIZE, bold);
            (pt / 0.75 / 7.0).ceil() + 1.0
        })
        .fold(least, f64::max)
}

/// The width (in characters) a heading needs so no word of it is broken: its longest word in
/// bold, at least `least`.
pub fn heading_width(heading: &str, least: f64) -> f64 {
    fit_width(heading.split_whitespace(), true, least)
}

/// Sets a row as tall as its wrapped cells: rust_xlsxwriter does not measure text, and a row
/// left at the default height hides all but the first line (LibreOffice prints the rest over
/// the next row). `cells` are (text, column width in characters, bold).
pub fn fit_row(ws: &mut Worksheet, row: u32, cells: &[(&str, f64, bool)]) -> Result<(), XlsxError> {
    let lines = cells
        .iter()
        .map(|(text, width, bold)| metrics::lines(text, FONT_SIZE, *bold, text_room(*width)))
        .max()
        .unwrap_or(1);
    if lines > 1 {
        // Excel's tallest row is 409 points; the texts are kept short enough not to need more.
        ws.set_row_height(row, (ROW_LINE * lines as f64 + 3.0).min(409.0))?;
    }
    Ok(())
}

/// The print scale that fits `px` pixels of columns across the page, no less than
/// [`MIN_SCALE`] and no more than 100.
pub fn scale_for(px: f64) -> u16 {
    let fit = (PRINTABLE_WIDTH_PX * 0.97 / px * 100.0).floor();
    (fit.clamp(f64::from(MIN_SCALE), 100.0)) as u16
}

/// Where a sheet's columns break across pages at `scale`: each page as many whole columns as
/// fit, after the `repeat` first columns printed on every page. Returns the first column of
/// every page after the first.
pub fn column_breaks(widths: &[f64], repeat: usize, scale: u16) -> Vec<u32> {
    let room = PRINTABLE_WIDTH_PX * 0.97 * 100.0 / f64::from(scale);
    let fixed: f64 = widths.iter().take(repeat).map(|w| column_px(*w)).sum();
    let mut breaks = Vec::new();
    let mut used = fixed;
    for (c, w) in widths.iter().enumerate().skip(repeat) {
        let px = column_px(*w);
        if used + px > room && used > fixed {
            breaks.push(c as u32);
            used = fixed;
        }
        used += px;
    }
    breaks
}

/// A4 landscape at `scale`, with the furniture of every page in the header and footer.
pub fn print_setup(ws: &mut Worksheet, s: &Scorecard, scale: u16) -> Result<(), XlsxError> {
    let f = Furniture::of(s);
    let cut = |text: &str, most: usize| -> String {
        let t: String = text.chars().take(most).collect();
        header_safe(&t)
    };
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_margins(0.4, 0.4, 0.65, 0.6, 0.25, 0.25);
    ws.set_print_scale(scale);
    ws.set_header_footer_scale_with_doc(false);
    // The size comes before the font's name, so a text starting with a digit ("6 December")
    // is never read as part of the size. LibreOffice scales the header with the sheet whatever
    // the flag says: 9 points at 70% still prints above 7.
    ws.set_header(format!(
        "&L&9&\"{FONT}\"{}&C&9&\"{FONT},Bold\"{}&R&9&\"{FONT}\"{}",
        cut(&f.service, 90),
        cut(f.classification.as_deref().unwrap_or(""), 40),
        cut(&f.scorecard_to, 40),
    ));
    ws.set_footer(format!(
        "&L&9&\"{FONT}\"{}&C&9&\"{FONT},Bold\"{}&R&9&\"{FONT}\"page &P of &N",
        cut(&f.date, 30),
        cut(f.publication.as_deref().unwrap_or(""), 80),
    ));
    Ok(())
}

/// Text for a cell, with characters XML cannot hold taken out.
pub fn safe(text: &str) -> String {
    xml_safe(text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scorecard::metrics;

    #[test]
    fn percentages_are_stored_as_fractions() {
        assert_eq!(stored(Unit::Percent, 75.0), 0.75);
        assert_eq!(stored(Unit::Rate, 12.5), 12.5);
        assert_eq!(num_format(Unit::Percent), "0.0%");
    }

    #[test]
    fn columns_fit_their_text_and_break_across_pages() {
        // "2024-25-Q3-resubmission-2" is 25 characters of Arial 10.
        let w = fit_width(["2024-25-Q3-resubmission-2"], false, 5.0);
        assert!(text_room(w) >= metrics::width("2024-25-Q3-resubmission-2", 10.0, false));
        assert_eq!(fit_width(["a"], false, 8.0), 8.0);
        // 1,045 pixels of page less 3%: at 100% two columns of 60 (455 px each) fit, a third
        // breaks.
        assert_eq!(column_breaks(&[60.0, 60.0, 60.0], 0, 100), vec![2]);
        // The first column repeated on every page: each later page holds it and one more.
        assert_eq!(column_breaks(&[60.0, 60.0, 60.0, 60.0], 1, 100), vec![2, 3]);
        assert_eq!(scale_for(10_000.0), MIN_SCALE);
        assert_eq!(scale_for(500.0), 100);
        assert_eq!(scale_for(1_200.0), 84);
    }
}
