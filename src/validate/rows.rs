//! Rules that compare two cells of one row, which JSON Schema cannot express.

use super::{Collector, Row, SheetData};

/// A rule implemented in code: the catalogue codes it can report, and the check.
pub(crate) type Check = (
    &'static [&'static str],
    fn(&[SheetData], &mut Collector<'_>),
);

pub(crate) static CHECKS: &[Check] = &[
    (&["E301", "E303", "E304"], intervention_dates),
    (&["E308"], hours_attended_within_offered),
    (&["E320"], outcome_after_offence),
];

pub(crate) fn sheet<'a>(sheets: &'a [SheetData], name: &str) -> Option<&'a SheetData> {
    sheets.iter().find(|s| s.name == name)
}

/// Reports `later` on `row` when it is before `earlier` (both present).
fn not_before(
    out: &mut Collector<'_>,
    sheet: &SheetData,
    row: &Row,
    code: &str,
    (earlier, later): (&str, &str),
) {
    if let (Some(a), Some(b)) = (row.date(earlier), row.date(later))
        && b < a
    {
        let f = out.at(
            code,
            sheet,
            Some(row.row),
            Some(later),
            Some(b.to_string()),
            format!("{later} {b} is before {earlier} {a}"),
        );
        f.child_id = row.text("child_id").map(str::to_string);
    }
}

fn intervention_dates(sheets: &[SheetData], out: &mut Collector<'_>) {
    let Some(s) = sheet(sheets, "Interventions") else {
        return;
    };
    for row in &s.rows {
        not_before(out, s, row, "E301", ("start_date", "end_date"));
        if row.text("intervention_type") == Some("CUST") {
            not_before(out, s, row, "E303", ("start_date", "release_date"));
            not_before(out, s, row, "E304", ("release_date", "end_date"));
        }
    }
}

fn hours_attended_within_offered(sheets: &[SheetData], out: &mut Collector<'_>) {
    let Some(s) = sheet(sheets, "Interventions") else {
        return;
    };
    for row in &s.rows {
        if let (Some(offered), Some(attended)) = (
            row.number("ete_hours_offered"),
            row.number("ete_hours_attended"),
        ) && attended > offered
        {
            let f = out.at(
                "E308",
                s,
                Some(row.row),
                Some("ete_hours_attended"),
                Some(crate::export::workbook::format_number(attended)),
                format!("{attended} hours attended but only {offered} offered"),
            );
            f.child_id = row.text("child_id").map(str::to_string);
        }
    }
}

fn outcome_after_offence(sheets: &[SheetData], out: &mut Collector<'_>) {
    let Some(s) = sheet(sheets, "Offences") else {
        return;
    };
    for row in &s.rows {
        not_before(out, s, row, "E320", ("offence_date", "outcome_date"));
    }
}
