//! How the return workbook looks and prints: its formats, made once, and each sheet's page
//! setup (A4 landscape, one page wide, a header naming the service and the period, a footer
//! naming the definitions, the tool and the generation time).
//!
//! Invariant: every name placed in a page header or footer is shown literally (`&` doubled)
//! and XML-safe.

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Worksheet};

use super::cover::written_time;
use crate::measures::Identity;
use crate::text::xml_safe;

pub(super) struct Formats {
    pub(super) title: Format,
    pub(super) heading: Format,
    pub(super) intro: Format,
    pub(super) header: Format,
    pub(super) label: Format,
    pub(super) subheading: Format,
    pub(super) count: Format,
    pub(super) percent: Format,
    pub(super) rate: Format,
    pub(super) ratio: Format,
    pub(super) code: Format,
    pub(super) note: Format,
    pub(super) population: Format,
    pub(super) bold: Format,
    pub(super) wrap: Format,
    pub(super) warning: Format,
}

impl Formats {
    pub(super) fn new() -> Formats {
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

pub(super) fn page_setup(ws: &mut Worksheet, id: &Identity) {
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
