//! The cover as both halves read it: its identity rows, the Status of a final or provisional
//! return, and the generation time as people read it (`29 Nov 2026 10:21:05 UTC`).
//!
//! Invariant: what the writer puts on the cover the reader reads back exactly, and a cover
//! written before (no Status row, an ISO time) still reads.

use crate::text::xml_safe;

pub(super) const POPULATION: &str = "Population aged 10-17";

/// The cover's identity rows: label, then how to read the value back.
pub(super) const COVER_FIELDS: [&str; 10] = [
    "YJS code",
    "YJS name",
    "Nation",
    POPULATION,
    "Period",
    "Status",
    "Definitions version",
    "Tool version",
    "Input SHA-256",
    "Generated at",
];

/// The cover's Status of a final return, and the start of a provisional one's (read back by
/// `check`; a workbook written before provisional returns existed has no Status row).
pub(super) const FINAL: &str = "Final";
pub(super) const PROVISIONAL: &str = "PROVISIONAL";
pub(super) const PROVISIONAL_WORDS: &str = "PROVISIONAL: these figures were made before the quarter's \
    records were complete (or marked provisional by the officer). They will change. Do not \
    send this return to the YJB; build it again from a full export once the quarter has closed.";

/// The generation time as the cover shows it (`29 Nov 2026 10:21:05 UTC`); a text that is
/// not a UTC time (none is, from a build) is shown as it is.
pub(super) fn written_time(generated_at: &str) -> String {
    crate::date::Timestamp::parse(generated_at)
        .map_or_else(|| xml_safe(generated_at).into_owned(), |t| t.written())
}

/// The generation time read back from the cover: as [`written_time`] writes it, or as a
/// returns written before it did (`2026-11-29T10:21:05Z`).
pub(super) fn read_time(text: &str) -> String {
    crate::date::Timestamp::parse_written(text).map_or_else(|| text.to_string(), |t| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cover_written_before_reads_back() {
        assert_eq!(read_time("2024-10-21T09:30:00Z"), "2024-10-21T09:30:00Z");
        assert_eq!(
            read_time("21 Oct 2024 09:30:00 UTC"),
            "2024-10-21T09:30:00Z"
        );
    }
}
