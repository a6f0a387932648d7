//! E401-E403: an identifier, a meeting's partner or a child's cohort period given twice.
//!
//! Invariant: each group of rows sharing a key is one finding, on its second row.

use super::listing::duplicates;
use crate::schema::row::{Row, Value};
use crate::text::cut;
use crate::validate::collector::Collector;
use crate::validate::sheets::Sheets;
use crate::validate::sheets::{columns, sheet};

pub(super) fn duplicate_ids(sheets: &Sheets<'_>, out: &mut Collector<'_>) {
    for (name, column) in [
        ("Children", "child_id"),
        ("Interventions", "intervention_id"),
        ("Offences", "offence_id"),
        ("Victims", "victim_id"),
    ] {
        if let Some(s) = sheet(sheets, name) {
            let [id] = columns(s, [column]);
            duplicates(
                out,
                s,
                "E401",
                column,
                |r| r.text_at(id),
                |r| {
                    format!(
                        "{column} {} appears more than once",
                        cut(r.text_at(id).unwrap_or_default())
                    )
                },
            );
        }
    }
}

pub(super) fn duplicate_board_rows(sheets: &Sheets<'_>, out: &mut Collector<'_>) {
    let Some(s) = sheet(sheets, "BoardAttendance") else {
        return;
    };
    let [date, partner] = columns(s, ["meeting_date", "partner"]);
    duplicates(
        out,
        s,
        "E402",
        "partner",
        |r| Some((r.date_at(date)?, r.text_at(partner)?)),
        |r| {
            format!(
                "meeting and partner {} {} appear more than once",
                r.date_at(date).map(|d| d.to_string()).unwrap_or_default(),
                cut(r.text_at(partner).unwrap_or_default())
            )
        },
    );
}

pub(super) fn duplicate_cohort_rows(sheets: &Sheets<'_>, out: &mut Collector<'_>) {
    let Some(s) = sheet(sheets, "ReoffendingCohort") else {
        return;
    };
    let [child, period] = columns(s, ["child_id", "cohort_period"]);
    let period_of = |r: &Row| match r.value(period) {
        Value::Period(p) => Some(p),
        _ => None,
    };
    duplicates(
        out,
        s,
        "E403",
        "child_id",
        |r| Some((r.text_at(child)?, period_of(r)?)),
        |r| {
            format!(
                "child {} in {} appears more than once",
                cut(r.text_at(child).unwrap_or_default()),
                period_of(r).map(|p| p.to_string()).unwrap_or_default()
            )
        },
    );
}
