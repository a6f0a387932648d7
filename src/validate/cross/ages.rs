//! E430-E432: a child too young or too old on an intervention's or an offence's dates, from the
//! date of birth in sheet Children.
//!
//! Invariant: a row whose child or date of birth is unknown is not judged here.

use super::listing::shown;
use crate::date::Date;
use crate::schema::row::Row;
use crate::text::cut;
use crate::validate::collector::Collector;
use crate::validate::sheets::Sheets;
use crate::validate::sheets::{columns, sheet};
use crate::validate::validation::SheetData;

pub(super) fn ages(sheets: &Sheets<'_>, out: &mut Collector<'_>) {
    if sheet(sheets, "Children").is_none() {
        return;
    }
    let children = sheets.children();
    // The sheet, the row, its child and date of birth, the date's column, the rule and the
    // ages allowed.
    let mut check = |s: &SheetData,
                     row: &Row,
                     (child, born): (&str, Date),
                     (at, column): (usize, &str),
                     code: &str,
                     (min, max): (i32, i32)| {
        let Some(date) = row.date_at(at) else {
            return;
        };
        let age = born.age_on(date);
        if age < min || age > max {
            let f = out.at(
                code,
                s,
                Some(row.row),
                Some(column),
                Some(date.to_string()),
                format!(
                    "child {} (born {born}) is aged {age} on this {column}; it must be {min}-{max}",
                    cut(child)
                ),
            );
            f.child_id = Some(shown(child));
        }
    };
    let born = |n: u32| -> Option<(&str, Date)> {
        let n = n as usize;
        Some((*children.ids.get(n)?, (*children.dob.get(n)?)?))
    };
    if let Some(s) = sheet(sheets, "Interventions") {
        let [kind, start, end, release] = columns(
            s,
            [
                "intervention_type",
                "start_date",
                "end_date",
                "release_date",
            ],
        );
        for (row, &n) in s.rows.iter().zip(children.of("Interventions")) {
            let Some(who) = born(n) else {
                continue;
            };
            let youngest = if row.text_at(kind) == Some("PREV") {
                8
            } else {
                10
            };
            check(s, row, who, (start, "start_date"), "E430", (youngest, 17));
            check(s, row, who, (end, "end_date"), "E432", (8, 25));
            check(s, row, who, (release, "release_date"), "E432", (8, 25));
        }
    }
    if let Some(s) = sheet(sheets, "Offences") {
        let [offence] = columns(s, ["offence_date"]);
        for (row, &n) in s.rows.iter().zip(children.of("Offences")) {
            let Some(who) = born(n) else {
                continue;
            };
            check(s, row, who, (offence, "offence_date"), "E431", (10, 17));
        }
    }
}
