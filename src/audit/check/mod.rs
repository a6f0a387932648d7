//! Checks on a finished return before it is sent: structure, identity, the figures' internal
//! consistency, and agreement with the files built beside it (a figure typed over by hand in
//! the workbook or the XML is caught here).
//!
//! Findings use the same shape as `validate`'s, with `sheet` naming the file (or the workbook
//! sheet), `row` the workbook row where there is one, and `column` the measure code.
//!
//! The checks run on one document alone (`alone`: identity, definitions, measures, the figures'
//! consistency, with the period against the time in `period` and the percentages shown in
//! `shown`), then on the document against the other files of its return and its manifest
//! (`against`). The rules and the findings they make are in `rules`; a return read from one
//! file is a [`Document`].

mod against;
mod alone;
mod document;
mod period;
mod rules;
mod shown;
#[cfg(test)]
mod testkit;

pub use against::{as_built, check_against};
pub use alone::check_document;
pub use document::Document;
pub use period::{cannot_cover, period_against_time};
pub use rules::{RULES, finding, finding_at, finding_in};
