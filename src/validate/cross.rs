//! Rules across rows and sheets: uniqueness, references, overlaps, ages and board completeness.
//!
//! Where a rule sets one row against another, the finding goes on the later row and names every
//! row involved; a finding about something missing goes on the first row it concerns.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::rows::{Check, sheet};
use super::{Collector, Related, Row, SheetData, column_letters, sheet_ref};
use crate::date::Date;
use crate::export::records::STATUTORY_PARTNERS;

pub(crate) static CHECKS: &[Check] = &[
    (&["E401"], duplicate_ids),
    (&["E402"], duplicate_board_rows),
    (&["E403"], duplicate_cohort_rows),
    (&["E410", "E411"], orphans),
    (&["W420"], overlaps),
    (&["E430", "E431", "E432"], ages),
    (&["E440"], statutory_partners_present),
    (&["E311"], idp_only_in_wales),
];

fn related(s: &SheetData, rows: &[&Row], column: &str) -> Vec<Related> {
    let col = s
        .columns
        .get(column)
        .map(|&c| column_letters(c))
        .unwrap_or_default();
    rows.iter()
        .map(|r| Related {
            sheet: s.name.clone(),
            row: r.row,
            location: format!("{}!{col}{}", sheet_ref(&s.sheet_name), r.row),
        })
        .collect()
}

/// Reports every row after the first of each group sharing a key, naming all rows of the group.
fn duplicates<'r>(
    out: &mut Collector<'_>,
    s: &'r SheetData,
    code: &str,
    column: &str,
    key: impl Fn(&'r Row) -> Option<String>,
    describe: impl Fn(&str) -> String,
) {
    let mut groups: HashMap<String, Vec<&Row>> = HashMap::new();
    let keyed: Vec<(Option<String>, &Row)> = s.rows.iter().map(|r| (key(r), r)).collect();
    for (k, row) in &keyed {
        if let Some(k) = k {
            groups.entry(k.clone()).or_default().push(row);
        }
    }
    for (k, row) in &keyed {
        let Some(k) = k else { continue };
        let group = &groups[k];
        if group.len() < 2 || std::ptr::eq(group[0], *row) {
            continue;
        }
        let others: Vec<&Row> = group
            .iter()
            .copied()
            .filter(|r| !std::ptr::eq(*r, *row))
            .collect();
        let rows: Vec<String> = group.iter().map(|r| r.row.to_string()).collect();
        let f = out.at(
            code,
            s,
            Some(row.row),
            Some(column),
            row.text(column).map(str::to_string),
            format!("{} (rows {})", describe(k), rows.join(", ")),
        );
        f.related = related(s, &others, column);
        f.child_id = row.text("child_id").map(str::to_string);
    }
}

fn duplicate_ids(sheets: &[SheetData], out: &mut Collector<'_>) {
    for (name, column) in [
        ("Children", "child_id"),
        ("Interventions", "intervention_id"),
        ("Offences", "offence_id"),
        ("Victims", "victim_id"),
    ] {
        if let Some(s) = sheet(sheets, name) {
            duplicates(
                out,
                s,
                "E401",
                column,
                |r| r.text(column).map(str::to_string),
                |k| format!("{column} {k} appears more than once"),
            );
        }
    }
}

fn duplicate_board_rows(sheets: &[SheetData], out: &mut Collector<'_>) {
    let Some(s) = sheet(sheets, "BoardAttendance") else {
        return;
    };
    duplicates(
        out,
        s,
        "E402",
        "partner",
        |r| {
            Some(format!(
                "{} {}",
                r.date("meeting_date")?,
                r.text("partner")?
            ))
        },
        |k| format!("meeting and partner {k} appear more than once"),
    );
}

fn duplicate_cohort_rows(sheets: &[SheetData], out: &mut Collector<'_>) {
    let Some(s) = sheet(sheets, "ReoffendingCohort") else {
        return;
    };
    duplicates(
        out,
        s,
        "E403",
        "child_id",
        |r| {
            Some(format!(
                "{} in {}",
                r.text("child_id")?,
                r.text("cohort_period")?
            ))
        },
        |k| format!("child {k} appears more than once"),
    );
}

fn ids<'a>(s: Option<&'a SheetData>, column: &str) -> Option<HashSet<&'a str>> {
    let s = s?;
    s.columns
        .contains_key(column)
        .then(|| s.rows.iter().filter_map(|r| r.text(column)).collect())
}

fn orphans(sheets: &[SheetData], out: &mut Collector<'_>) {
    if let Some(children) = ids(sheet(sheets, "Children"), "child_id") {
        for name in ["Interventions", "Offences"] {
            let Some(s) = sheet(sheets, name) else {
                continue;
            };
            for row in &s.rows {
                if let Some(id) = row.text("child_id")
                    && !children.contains(id)
                {
                    let f = out.at(
                        "E410",
                        s,
                        Some(row.row),
                        Some("child_id"),
                        Some(id.to_string()),
                        format!("child_id {id} is not in sheet Children"),
                    );
                    f.child_id = Some(id.to_string());
                }
            }
        }
    }
    if let Some(interventions) = ids(sheet(sheets, "Interventions"), "intervention_id")
        && let Some(s) = sheet(sheets, "Victims")
    {
        for row in &s.rows {
            if let Some(id) = row.text("intervention_id")
                && !interventions.contains(id)
            {
                out.at(
                    "E411",
                    s,
                    Some(row.row),
                    Some("intervention_id"),
                    Some(id.to_string()),
                    format!("intervention_id {id} is not in sheet Interventions"),
                );
            }
        }
    }
}

/// Same-type interventions of one child must not overlap; intervals are closed, and an open
/// intervention runs on for ever.
fn overlaps(sheets: &[SheetData], out: &mut Collector<'_>) {
    let Some(s) = sheet(sheets, "Interventions") else {
        return;
    };
    type Spans<'r> = Vec<(&'r Row, Date, Option<Date>)>;
    let mut by_child_type: BTreeMap<(&str, &str), Spans<'_>> = BTreeMap::new();
    for row in &s.rows {
        if let (Some(child), Some(kind), Some(start)) = (
            row.text("child_id"),
            row.text("intervention_type"),
            row.date("start_date"),
        ) {
            by_child_type.entry((child, kind)).or_default().push((
                row,
                start,
                row.date("end_date"),
            ));
        }
    }
    let mut found: Vec<(&Row, &Row)> = Vec::new();
    for list in by_child_type.values() {
        for (i, a) in list.iter().enumerate() {
            for b in &list[i + 1..] {
                let a_before_b_ends = b.2.is_none_or(|end| a.1 <= end);
                let b_before_a_ends = a.2.is_none_or(|end| b.1 <= end);
                if a_before_b_ends && b_before_a_ends {
                    let (first, later) = if a.0.row < b.0.row {
                        (a.0, b.0)
                    } else {
                        (b.0, a.0)
                    };
                    found.push((first, later));
                }
            }
        }
    }
    found.sort_by_key(|(first, later)| (later.row, first.row));
    for (first, later) in found {
        let id = |r: &Row| r.text("intervention_id").unwrap_or("?").to_string();
        let f = out.at(
            "W420",
            s,
            Some(later.row),
            Some("start_date"),
            later.text("start_date").map(str::to_string),
            format!(
                "{} intervention {} overlaps {} (row {}) for child {}",
                later.text("intervention_type").unwrap_or(""),
                id(later),
                id(first),
                first.row,
                later.text("child_id").unwrap_or("")
            ),
        );
        f.related = related(s, &[first], "start_date");
        f.child_id = later.text("child_id").map(str::to_string);
    }
}

fn ages(sheets: &[SheetData], out: &mut Collector<'_>) {
    let Some(children) = sheet(sheets, "Children") else {
        return;
    };
    let mut dob: HashMap<&str, Date> = HashMap::new();
    for row in &children.rows {
        if let (Some(id), Some(d)) = (row.text("child_id"), row.date("date_of_birth")) {
            dob.entry(id).or_insert(d);
        }
    }
    let mut check = |s: &SheetData, row: &Row, column: &str, code: &str, (min, max): (i32, i32)| {
        let (Some(child), Some(date)) = (row.text("child_id"), row.date(column)) else {
            return;
        };
        let Some(&born) = dob.get(child) else { return };
        let age = born.age_on(date);
        if age < min || age > max {
            let f = out.at(
                code,
                s,
                Some(row.row),
                Some(column),
                Some(date.to_string()),
                format!(
                    "child {child} (born {born}) is aged {age} on this {column}; it must be {min}-{max}"
                ),
            );
            f.child_id = Some(child.to_string());
        }
    };
    if let Some(s) = sheet(sheets, "Interventions") {
        for row in &s.rows {
            let youngest = if row.text("intervention_type") == Some("PREV") {
                8
            } else {
                10
            };
            check(s, row, "start_date", "E430", (youngest, 17));
            check(s, row, "end_date", "E432", (8, 25));
            check(s, row, "release_date", "E432", (8, 25));
        }
    }
    if let Some(s) = sheet(sheets, "Offences") {
        for row in &s.rows {
            check(s, row, "offence_date", "E431", (10, 17));
        }
    }
}

/// Every meeting lists the five statutory partners; a missing one is reported on the meeting's
/// first row.
fn statutory_partners_present(sheets: &[SheetData], out: &mut Collector<'_>) {
    let Some(s) = sheet(sheets, "BoardAttendance") else {
        return;
    };
    if !s.columns.contains_key("partner") {
        return;
    }
    let mut meetings: BTreeMap<Date, Vec<&Row>> = BTreeMap::new();
    for row in &s.rows {
        if let Some(date) = row.date("meeting_date") {
            meetings.entry(date).or_default().push(row);
        }
    }
    let mut missing: Vec<(u32, Date, &str, Vec<&Row>)> = Vec::new();
    for (date, rows) in meetings {
        let present: HashSet<&str> = rows.iter().filter_map(|r| r.text("partner")).collect();
        let first = rows.iter().map(|r| r.row).min().unwrap_or(0);
        for partner in STATUTORY_PARTNERS {
            if !present.contains(partner) {
                missing.push((first, date, partner, rows.clone()));
            }
        }
    }
    missing.sort_by_key(|m| m.0);
    for (first, date, partner, rows) in missing {
        let others: Vec<&Row> = rows.iter().copied().filter(|r| r.row != first).collect();
        let first_row = rows.iter().find(|r| r.row == first).copied();
        let f = out.at(
            "E440",
            s,
            Some(first),
            Some("partner"),
            first_row
                .and_then(|r| r.text("partner"))
                .map(str::to_string),
            format!("statutory partner {partner} has no row for the meeting of {date}"),
        );
        f.related = related(s, &others, "partner");
    }
}

fn idp_only_in_wales(sheets: &[SheetData], out: &mut Collector<'_>) {
    let nation = sheet(sheets, "Service")
        .and_then(|s| s.rows.first())
        .and_then(|r| r.text("nation"));
    if nation != Some("ENGLAND") {
        return;
    }
    let Some(s) = sheet(sheets, "Interventions") else {
        return;
    };
    for row in &s.rows {
        if row.text("send_plan") == Some("IDP") {
            let f = out.at(
                "E311",
                s,
                Some(row.row),
                Some("send_plan"),
                Some("IDP".to_string()),
                "IDP (individual development plan) is a Welsh plan, but the service's nation is ENGLAND",
            );
            f.child_id = row.text("child_id").map(str::to_string);
        }
    }
}
