//! What the check's tests are made from: a complete return as a document, the day they check
//! on, and the codes of what they find.

use super::document::Document;
use crate::definitions::{Definitions, Source};
use crate::export::records::Export;
use crate::kpi;
use crate::validate::Finding;

/// The day the tests check on: after every period they use.
pub(super) fn today() -> crate::date::Date {
    crate::date::Date::new(2026, 12, 6).unwrap()
}

pub(super) fn document() -> Document {
    let defs = Definitions::latest(&Source::Embedded).unwrap();
    let mut ret = crate::write::xml::tests::sample();
    ret.measures = kpi::compute(
        &Export::default(),
        ret.identity.period,
        &kpi::Codes::from_definitions(&defs),
    );
    Document {
        file: "r/return.json".into(),
        ret,
        places: Vec::new(),
        shown: Vec::new(),
        conflicts: Vec::new(),
        sha256: "11".repeat(32),
    }
}

pub(super) fn codes(findings: &[Finding]) -> Vec<(String, Option<String>)> {
    findings
        .iter()
        .map(|f| (f.code.clone(), f.column.clone()))
        .collect()
}
