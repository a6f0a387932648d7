//! `explain`: who is behind a figure, and what moved it.
//!
//! The KPI modules decide every record of every measure for the build (`kpi::compute`); here
//! the same decisions are heard by a tally that also keeps the records and the sentences
//! saying why ([`collect`]), so an explanation always adds up to the return. For each measure
//! asked for ([`select`]): the records it counts, each on the row that decides it; for a
//! percentage, the records of its denominator it does not count; and the near misses, records
//! that touch the period but a rule left out. Two exports of one period are compared record by
//! record ([`compare`]). The explanation is rendered as terminal text, JSON or a workbook, each
//! saying first that it holds case identifiers.

pub mod collect;
pub mod compare;
pub mod fields;
pub mod json;
pub mod model;
pub mod select;
pub mod text;
pub mod xlsx;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use crate::definitions::{Definitions, Severity};
use crate::export::records::Export;
use crate::kpi::Codes;
use crate::kpi::tally::FamilyDef;
use crate::period::Period;
use crate::validate::{Finding, Validation};
use collect::Collector;
pub use model::{Entry, Explanation, Measure, MeasureRef, NOTICE, Status};
pub use select::{Selection, UnknownMeasure};

/// Why an export is not explained.
#[derive(Debug, thiserror::Error)]
pub enum ExplainError {
    /// Its validation found errors: it is refused as `build` refuses it.
    #[error(
        "the export has errors, so its figures are not explained (as build would not count them)"
    )]
    Refused,
    #[error(transparent)]
    Records(#[from] crate::validate::records::RecordError),
}

/// The export's own name of each sheet, by the dictionary's name.
pub fn sheet_names(v: &Validation) -> BTreeMap<String, String> {
    v.sheets
        .iter()
        .map(|s| (s.name.clone(), s.sheet_name.clone()))
        .collect()
}

/// The export's warnings (acknowledged or not), which an explanation lists: they do not stop
/// it.
pub fn warnings(v: &Validation) -> Vec<&Finding> {
    v.findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .collect()
}

/// Every measure code the return can have under these definitions: the names `--measure`
/// may select among.
pub fn known_codes(defs: &Definitions, period: Period) -> Vec<String> {
    select::known_codes(&Codes::from_definitions(defs), period)
}

/// Explains the measures `selection` asks for in a validated export. Refused when the
/// validation found errors (or a rule failed), as `build` refuses it.
pub fn explain(
    v: &Validation,
    defs: &Definitions,
    period: Period,
    selection: &Selection,
) -> Result<Explanation, ExplainError> {
    if v.has_errors() || v.internal_failures() > 0 {
        return Err(ExplainError::Refused);
    }
    let export = v.export()?;
    Ok(explain_export(
        &export,
        &Codes::from_definitions(defs),
        period,
        selection,
        &sheet_names(v),
    ))
}

/// Explains the measures `selection` asks for in a typed export, naming its sheets as
/// `sheets` says the export names them.
pub fn explain_export(
    export: &Export,
    codes: &Codes,
    period: Period,
    selection: &Selection,
    sheets: &BTreeMap<String, String>,
) -> Explanation {
    let wanted = |def: &FamilyDef| def.all_codes().any(|c| selection.selects(c));
    let mut collector = Collector::new(&wanted, sheets);
    crate::kpi::decide(export, period, codes, &mut collector);
    let families = collector.finish();
    let mut asked = Vec::new();
    for (i, c) in families.iter().enumerate() {
        for r in c.measures(i) {
            if selection.selects(c.code_and_value(r.part).0) {
                asked.push(r);
            }
        }
    }
    let absent = selection
        .codes()
        .filter(|name| {
            !families
                .iter()
                .any(|c| c.def.all_codes().any(|code| select::matches(name, code)))
        })
        .map(|name| {
            (
                name.to_string(),
                "the return has no such measure for this period: a board partner other than \
                 the five statutory ones appears only when it has a line in BoardAttendance in \
                 the period"
                    .to_string(),
            )
        })
        .collect();
    Explanation {
        period,
        service: export
            .service
            .as_ref()
            .map(|s| (s.yjs_code.to_string(), s.yjs_name.to_string())),
        extract_date: export.service.as_ref().map(|s| s.extract_date),
        families,
        asked,
        absent,
    }
}

/// Compares two validated exports of one period: the measures `selection` asks for whose
/// figures differ, and the records that moved them. Refused when either has errors.
pub fn compare(
    old: &Validation,
    new: &Validation,
    defs: &Definitions,
    period: Period,
    selection: &Selection,
) -> Result<compare::Comparison, ExplainError> {
    for v in [old, new] {
        if v.has_errors() || v.internal_failures() > 0 {
            return Err(ExplainError::Refused);
        }
    }
    let codes = Codes::from_definitions(defs);
    let (old_export, new_export) = (old.export()?, new.export()?);
    let every = Selection::every();
    let old_x = explain_export(&old_export, &codes, period, &every, &sheet_names(old));
    let new_x = explain_export(&new_export, &codes, period, &every, &sheet_names(new));
    Ok(compare::compare(
        (&old_export, &old_x),
        (&new_export, &new_x),
        |code| selection.selects(code),
    ))
}
