//! The record a finding is about, as the case-management system knows it: the officer fixes a
//! finding there, not in the export, and the system finds a record by its id (a child, an
//! intervention, an offence, a victim) or, for the board, by the meeting's date and partner.

use super::{Finding, SheetData};

/// The columns that name a row of each sheet in the case-management system, the sheet's own
/// id first. `Service` has one row and needs none.
const KEYS: [(&str, &[&str]); 6] = [
    ("Children", &["child_id"]),
    ("Interventions", &["intervention_id", "child_id"]),
    ("Offences", &["offence_id", "child_id"]),
    ("Victims", &["victim_id", "intervention_id"]),
    ("BoardAttendance", &["meeting_date", "partner"]),
    ("ReoffendingCohort", &["child_id", "cohort_period"]),
];

/// The longest key value a finding keeps (an id is a few characters; a hostile one is cut).
const MAX_KEY_CHARS: usize = 200;

/// Gives each finding on a data row the keys of that row, as read: a key column that is blank
/// or unreadable on the row is left out.
pub fn fill(findings: &mut [Finding], sheets: &[SheetData]) {
    for f in findings.iter_mut() {
        let (Some(sheet), Some(row)) = (f.sheet.as_deref(), f.row) else {
            continue;
        };
        f.record = keys(sheets, sheet, row);
    }
}

/// The keys of row `row` (Excel's number) of sheet `sheet`.
fn keys(sheets: &[SheetData], sheet: &str, row: u32) -> Vec<(String, String)> {
    let Some((_, columns)) = KEYS.iter().find(|(name, _)| *name == sheet) else {
        return Vec::new();
    };
    let Some(data) = sheets.iter().find(|s| s.name == sheet) else {
        return Vec::new();
    };
    // Rows are held in row order.
    let Ok(at) = data.rows.binary_search_by_key(&row, |r| r.row) else {
        return Vec::new();
    };
    let view = data.rows[at].view();
    columns
        .iter()
        .filter_map(|column| {
            let value = match view.value_json(data.column(column)?)? {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            let value = if value.chars().count() > MAX_KEY_CHARS {
                value.chars().take(MAX_KEY_CHARS).collect()
            } else {
                value
            };
            Some(((*column).to_string(), value))
        })
        .collect()
}
