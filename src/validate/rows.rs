//! Rules that compare two cells of one row, which JSON Schema cannot express.

use super::collector::Collector;
use super::sheets::{Check, Sheets, columns, sheet};
use super::validation::SheetData;
use crate::schema::row::Row;

pub(crate) static CHECKS: &[Check] = &[
    (&["E301", "E303", "E304"], intervention_dates),
    (&["E308"], hours_attended_within_offered),
    (&["E320"], outcome_after_offence),
];

/// Reports the column at `later` on `row` when its date is before the one at `earlier`
/// (both present); `names` are theirs.
fn not_before(
    out: &mut Collector<'_>,
    sheet: &SheetData,
    row: &Row,
    code: &str,
    (earlier, later): (usize, usize),
    (earlier_name, later_name): (&str, &str),
    child: usize,
) {
    if let (Some(a), Some(b)) = (row.date_at(earlier), row.date_at(later))
        && b < a
    {
        let f = out.at(
            code,
            sheet,
            Some(row.row),
            Some(later_name),
            Some(b.to_string()),
            format!("{later_name} {b} is before {earlier_name} {a}"),
        );
        f.child_id = row.text_at(child).map(str::to_string);
    }
}

fn intervention_dates(sheets: &Sheets<'_>, out: &mut Collector<'_>) {
    let Some(s) = sheet(sheets, "Interventions") else {
        return;
    };
    let [kind, start, end, release, child] = columns(
        s,
        [
            "intervention_type",
            "start_date",
            "end_date",
            "release_date",
            "child_id",
        ],
    );
    for row in &s.rows {
        not_before(
            out,
            s,
            row,
            "E301",
            (start, end),
            ("start_date", "end_date"),
            child,
        );
        if row.text_at(kind) == Some("CUST") {
            not_before(
                out,
                s,
                row,
                "E303",
                (start, release),
                ("start_date", "release_date"),
                child,
            );
            not_before(
                out,
                s,
                row,
                "E304",
                (release, end),
                ("release_date", "end_date"),
                child,
            );
        }
    }
}

fn hours_attended_within_offered(sheets: &Sheets<'_>, out: &mut Collector<'_>) {
    let Some(s) = sheet(sheets, "Interventions") else {
        return;
    };
    let [offered, attended, child] =
        columns(s, ["ete_hours_offered", "ete_hours_attended", "child_id"]);
    for row in &s.rows {
        if let (Some(offered), Some(attended)) = (row.number_at(offered), row.number_at(attended))
            && attended > offered
        {
            let f = out.at(
                "E308",
                s,
                Some(row.row),
                Some("ete_hours_attended"),
                Some(crate::export::workbook::cell::format_number(attended)),
                format!("{attended} hours attended but only {offered} offered"),
            );
            f.child_id = row.text_at(child).map(str::to_string);
        }
    }
}

fn outcome_after_offence(sheets: &Sheets<'_>, out: &mut Collector<'_>) {
    let Some(s) = sheet(sheets, "Offences") else {
        return;
    };
    let [offence, outcome, child] = columns(s, ["offence_date", "outcome_date", "child_id"]);
    for row in &s.rows {
        not_before(
            out,
            s,
            row,
            "E320",
            (offence, outcome),
            ("offence_date", "outcome_date"),
            child,
        );
    }
}
