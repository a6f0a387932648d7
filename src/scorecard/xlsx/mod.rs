//! `scorecard.xlsx`, for the board pack: the *Scorecard* (summary counts beside last quarter's,
//! then one row per indicator from what to what, with every benchmark, the target's note and
//! owner, and every quarter of the window), *Charts* (one Excel line chart per indicator, the
//! target as a second series, gaps as gaps), *Data* (indicator x quarter, everything behind each
//! figure), *Guidance* and *Sources*.
//!
//! Printed, every page carries the service, "Scorecard to ...", the date in words, "page N of
//! M" and any classification or publication mark; no text prints below 7 points (Arial 10 at a
//! scale of 70% or more), every wrapped row is as tall as its text, and a sheet wider than a
//! page is printed across pages with its first columns repeated. A RAG cell holds its word or
//! letter as well as its colour, so it survives a black-and-white printer and a colour-blind
//! reader. Every figure is a value, never a formula; percentages are stored as fractions
//! formatted `0.0%`, like the return workbook.

mod data;
mod notes;
pub mod print;
mod scorecard;
mod texts;

use rust_xlsxwriter::{DocProperties, Format, Workbook};

pub use print::{CHARTS, DATA, GUIDANCE, SCORECARD, SOURCES};
use print::{FONT, FONT_SIZE, Formats, safe};

use super::Scorecard;
use crate::write::workbook::WriteError;
use crate::write::workbook::writer::created;

/// Writes the scorecard workbook; the document's creation time is the generation time, so the
/// same scorecard gives the same bytes.
pub fn scorecard_xlsx(s: &Scorecard) -> Result<Vec<u8>, WriteError> {
    let f = Formats::new();
    let mut wb = Workbook::new();
    wb.set_default_format(
        &Format::new().set_font_name(FONT).set_font_size(FONT_SIZE),
        17,
        64,
    )?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("{} to {}", safe(&s.title), s.to))
            .set_author("yjb-return")
            .set_company(safe(&s.yjs_name))
            .set_comment("Counts only: no child's identifier appears in this workbook.")
            .set_creation_datetime(&created(&s.generated_at)?),
    );
    scorecard::sheet(&mut wb, s, &f)?;
    data::charts_sheet(&mut wb, s, &f)?;
    data::data_sheet(&mut wb, s, &f)?;
    notes::guidance_sheet(&mut wb, s, &f)?;
    notes::sources_sheet(&mut wb, s, &f)?;
    Ok(crate::workbook_bytes::same_everywhere(wb.save_to_buffer()?))
}
