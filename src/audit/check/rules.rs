//! The check rules (the C codes, listed by `rules` and in the README) and the findings they
//! make, in the shape `validate` uses: `sheet` names the file (or the workbook sheet), `row`
//! the workbook row where there is one, and `column` the measure code.
//!
//! Invariant: a finding's severity is its rule's; the value and the column, which a return
//! file can fill with any text, are cut to a length a person reads.

use crate::definitions::Severity;
use crate::text::{cut, cut_owned};
use crate::validate::Finding;
use crate::write::workbook::Place;

/// The check rules: code, severity, what it means. Listed by `check --rules` and in the README.
pub const RULES: &[(&str, Severity, &str)] = &[
    (
        "C001",
        Severity::Fatal,
        "the file cannot be read as a return",
    ),
    (
        "C101",
        Severity::Error,
        "the XML is not valid against the return's XSD",
    ),
    (
        "C102",
        Severity::Error,
        "an identity field is missing or malformed",
    ),
    (
        "C103",
        Severity::Error,
        "the definitions version is unknown or not the one in force for the period",
    ),
    (
        "C104",
        Severity::Error,
        "the identity differs from the manifest or the other files of the return",
    ),
    (
        "C105",
        Severity::Warning,
        "the return is provisional: its figures will change, so it is not fit to send",
    ),
    (
        "C106",
        Severity::Error,
        "the return cannot cover its period: the period had not ended when it was generated (had not begun, for a provisional return), or has not ended yet",
    ),
    (
        "C201",
        Severity::Error,
        "a measure the definitions require is missing",
    ),
    (
        "C202",
        Severity::Error,
        "a measure code the definitions do not know",
    ),
    ("C203", Severity::Error, "a count is negative"),
    (
        "C301",
        Severity::Error,
        "figures are inconsistent (a sub-measure above its parent, a breakdown not summing to its total)",
    ),
    (
        "C302",
        Severity::Error,
        "a percentage, rate or ratio shown in the workbook does not match its counts",
    ),
    (
        "C401",
        Severity::Error,
        "a figure differs from the same figure in another file of the return (edited by hand?)",
    ),
    (
        "C402",
        Severity::Warning,
        "the file is not byte-for-byte the one the manifest records, though its figures agree (opened and saved again?)",
    ),
    (
        "C403",
        Severity::Error,
        "no file of the return is byte-for-byte what the manifest records, so nothing shows the figures are the ones built",
    ),
    (
        "C404",
        Severity::Error,
        "the manifest beside the return cannot be read as the one build wrote (not JSON, a key twice, a field missing or added), so nothing shows the figures are the ones built",
    ),
    (
        "C405",
        Severity::Error,
        "a file the manifest records is missing from the return's folder",
    ),
    (
        "C406",
        Severity::Error,
        "the return's folder holds no manifest.json, so nothing shows the figures are the ones built",
    ),
    (
        "C407",
        Severity::Warning,
        "a return file checked with no manifest.json beside it: its figures are checked for consistency, not shown to be the ones built",
    ),
];

/// Makes a finding in the shape `validate` uses. The value and the column (a measure code,
/// which a return file can fill with any text) are [`cut`] to a length a person reads.
pub fn finding(
    code: &str,
    sheet: &str,
    row: Option<u32>,
    column: Option<&str>,
    value: Option<String>,
    message: String,
) -> Finding {
    let severity = RULES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map_or(Severity::Error, |(_, s, _)| *s);
    let location = Some(match row {
        Some(r) => format!("{sheet}!{r}:{r}"),
        None => sheet.to_string(),
    });
    Finding {
        code: code.to_string(),
        severity,
        sheet: Some(sheet.to_string()),
        row,
        column: column.map(|c| cut(c).into_owned()),
        value: value.map(cut_owned),
        message,
        location,
        header: None,
        related: Vec::new(),
        child_id: None,
        record: Vec::new(),
        acknowledged: None,
        sheet_name: None,
        col_index: None,
    }
}

/// A finding about one cell of a return workbook, located as Excel names the cell
/// (`return.xlsx:Cohort!B5`).
pub fn finding_in(
    code: &str,
    file: &str,
    place: &Place,
    column: Option<&str>,
    value: Option<String>,
    message: String,
) -> Finding {
    let sheet = format!("{file}:{}", cut(&place.sheet));
    let mut f = finding(code, &sheet, Some(place.row), column, value, message);
    f.location = Some(format!("{file}:{}", place.reference()));
    f.sheet_name = Some(place.sheet.clone());
    f.col_index = Some(place.col);
    f
}

/// A finding about a figure of `file`: at its cell when it has one (a workbook), else about
/// the file.
pub fn finding_at(
    code: &str,
    file: &str,
    place: Option<&Place>,
    column: Option<&str>,
    value: Option<String>,
    message: String,
) -> Finding {
    match place {
        Some(place) => finding_in(code, file, place, column, value, message),
        None => finding(code, file, None, column, value, message),
    }
}
