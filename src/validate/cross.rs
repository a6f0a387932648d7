//! Rules across rows and sheets: uniqueness, references, overlaps, ages and board completeness.
//!
//! Where a rule sets one row against another, the finding goes on the later row and names the
//! others; a finding about something missing goes on the first row it concerns. Every rule is
//! linear in the rows (sorting aside): a group of rows that clash is one finding, listing at
//! most [`LISTED`] of them, so a supplier's placeholder id shared by thousands of rows gives
//! one finding, not thousands each naming thousands.

use std::hash::Hash;

use foldhash::fast::FixedState;

use super::collector::Collector;
use super::finding::Related;
use super::sheets::{Check, Map, NONE, Set, Sheets, columns, sheet};
use super::validation::SheetData;
use crate::date::Date;
use crate::excel::{column_letters, sheet_ref};
use crate::export::records::STATUTORY_PARTNERS;
use crate::schema::row::{Row, Value};
use crate::text::cut;

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

/// A value of the export as a finding holds it: [`cut`] to a length a person reads.
fn shown(text: &str) -> String {
    cut(text).into_owned()
}

/// At most this many rows of one group are named in its finding (the rest are counted).
pub const LISTED: usize = 20;

/// The rows as `related` entries pointing at `column`, at most [`LISTED`] of them.
fn related<'r>(
    s: &SheetData,
    rows: impl IntoIterator<Item = &'r Row>,
    column: &str,
) -> Vec<Related> {
    let col = s
        .columns
        .get(column)
        .map(|&c| column_letters(c))
        .unwrap_or_default();
    rows.into_iter()
        .take(LISTED)
        .map(|r| Related {
            sheet: s.name.clone(),
            row: r.row,
            location: format!("{}!{col}{}", sheet_ref(&s.sheet_name), r.row),
        })
        .collect()
}

/// `rows 2, 5, 9`, naming at most [`LISTED`] rows and counting the others.
fn row_list<'r>(rows: impl ExactSizeIterator<Item = &'r Row>) -> String {
    let total = rows.len();
    let listed: Vec<String> = rows.take(LISTED).map(|r| r.row.to_string()).collect();
    let mut text = format!("rows {}", listed.join(", "));
    if total > LISTED {
        text.push_str(&format!(" and {} more", total - LISTED));
    }
    text
}

/// The rows of `s` grouped by `key` (rows without one left out), only groups of two or more,
/// each in row order, the groups in the order of their second rows. One hash lookup a row:
/// only a key seen twice gets a list.
fn groups<'r, K: Hash + Eq + Copy>(
    s: &'r SheetData,
    key: impl Fn(&'r Row) -> Option<K>,
) -> Vec<Vec<&'r Row>> {
    let mut first: Map<K, usize> =
        Map::with_capacity_and_hasher(s.rows.len(), FixedState::default());
    let mut group_of: Map<K, usize> = Map::default();
    let mut out: Vec<Vec<&Row>> = Vec::new();
    for (i, row) in s.rows.iter().enumerate() {
        let Some(k) = key(row) else { continue };
        let earlier = *first.entry(k).or_insert(i);
        if earlier != i {
            let next = out.len();
            let at = *group_of.entry(k).or_insert(next);
            if at == next {
                out.push(vec![&s.rows[earlier]]);
            }
            out[at].push(row);
        }
    }
    out.sort_by_key(|group| group.get(1).map_or(0, |r| r.row));
    out
}

/// One finding per group of rows sharing a key, on the group's second row, naming the rest.
fn duplicates<'r, K: Hash + Eq + Copy>(
    out: &mut Collector<'_>,
    s: &'r SheetData,
    code: &str,
    column: &str,
    key: impl Fn(&'r Row) -> Option<K>,
    describe: impl Fn(&'r Row) -> String,
) {
    let [at, child] = columns(s, [column, "child_id"]);
    for group in groups(s, key) {
        let Some(&second) = group.get(1) else {
            continue;
        };
        let f = out.at(
            code,
            s,
            Some(second.row),
            Some(column),
            second.text_at(at).map(shown),
            format!("{} ({})", describe(second), row_list(group.iter().copied())),
        );
        f.related = related(
            s,
            group.iter().copied().filter(|r| !std::ptr::eq(*r, second)),
            column,
        );
        f.child_id = second.text_at(child).map(shown);
    }
}

fn duplicate_ids(sheets: &Sheets<'_>, out: &mut Collector<'_>) {
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

fn duplicate_board_rows(sheets: &Sheets<'_>, out: &mut Collector<'_>) {
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

fn duplicate_cohort_rows(sheets: &Sheets<'_>, out: &mut Collector<'_>) {
    let Some(s) = sheet(sheets, "ReoffendingCohort") else {
        return;
    };
    let [child, period] = columns(s, ["child_id", "cohort_period"]);
    let period_of = |r: &Row| match r.value(period) {
        super::Value::Period(p) => Some(p),
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

fn orphans(sheets: &Sheets<'_>, out: &mut Collector<'_>) {
    let children = sheets.children();
    if let Some(listed) = children.listed {
        for name in ["Interventions", "Offences"] {
            let Some(s) = sheet(sheets, name) else {
                continue;
            };
            for (row, &n) in s.rows.iter().zip(children.of(name)) {
                if n != NONE && n >= listed {
                    let id = cut(children.ids[n as usize]);
                    let f = out.at(
                        "E410",
                        s,
                        Some(row.row),
                        Some("child_id"),
                        Some(id.to_string()),
                        format!("child_id {id} is not in sheet Children"),
                    );
                    f.child_id = Some(id.into_owned());
                }
            }
        }
    }
    let interventions = sheet(sheets, "Interventions").and_then(|s| {
        let at = s.column("intervention_id")?;
        s.columns.contains_key("intervention_id").then(|| {
            let mut set = Set::with_capacity_and_hasher(s.rows.len(), FixedState::default());
            set.extend(s.rows.iter().filter_map(|r| r.text_at(at)));
            set
        })
    });
    if let Some(interventions) = interventions
        && let Some(s) = sheet(sheets, "Victims")
    {
        let [intervention] = columns(s, ["intervention_id"]);
        for row in &s.rows {
            if let Some(id) = row.text_at(intervention)
                && !interventions.contains(id)
            {
                let id = cut(id);
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
/// intervention runs on for ever. Each run of intervals that overlap one another (a cluster:
/// sorted by start, each begins before the latest end so far) is one finding, on its second
/// row, naming the others.
fn overlaps(sheets: &Sheets<'_>, out: &mut Collector<'_>) {
    let Some(s) = sheet(sheets, "Interventions") else {
        return;
    };
    let [child, kind, start, end, id] = columns(
        s,
        [
            "child_id",
            "intervention_type",
            "start_date",
            "end_date",
            "intervention_id",
        ],
    );
    // Each (child, type) is a group: the child's number beside the type's place in its code
    // list (a type off the list, itself an error, numbered after them). The intervals are
    // sorted by group, then by start.
    let numbers = sheets.children().of("Interventions");
    let mut off_list: Map<&str, u64> = Map::default();
    let mut spans: Vec<(u64, Date, usize)> = Vec::with_capacity(s.rows.len());
    for (i, (row, &n)) in s.rows.iter().zip(numbers).enumerate() {
        let (Some(k), Some(from)) = (row.text_at(kind), row.date_at(start)) else {
            continue;
        };
        if n == NONE {
            continue;
        }
        let type_number = match row.value(kind) {
            Value::Code(code) => u64::from(code),
            _ => {
                let next = (1 << 16) + off_list.len() as u64;
                *off_list.entry(k).or_insert(next)
            }
        };
        spans.push(((u64::from(n) << 32) | type_number, from, i));
    }
    spans.sort_unstable();
    let mut clusters: Vec<Vec<&Row>> = Vec::new();
    let mut cluster: Vec<&Row> = Vec::new();
    // The latest end so far in the current cluster (`None`: still open, so for ever).
    let mut reach: Option<Option<Date>> = None;
    let mut current_group = None;
    for &(group, from, i) in &spans {
        let row = &s.rows[i];
        let joins = current_group == Some(group)
            && reach.is_some_and(|r| r.is_none_or(|until| from <= until));
        if !joins {
            if cluster.len() > 1 {
                clusters.push(std::mem::take(&mut cluster));
            }
            cluster.clear();
            reach = Some(row.date_at(end));
            current_group = Some(group);
        } else {
            let until = row.date_at(end);
            reach = reach.map(|r| match (r, until) {
                (Some(a), Some(b)) => Some(a.max(b)),
                _ => None,
            });
        }
        cluster.push(row);
    }
    if cluster.len() > 1 {
        clusters.push(cluster);
    }
    for group in &mut clusters {
        group.sort_by_key(|r| r.row);
    }
    clusters.sort_by_key(|group| group.get(1).map_or(0, |r| r.row));
    let name = |r: &Row| shown(r.text_at(id).unwrap_or("?"));
    for group in clusters {
        let (Some(&first), Some(&later)) = (group.first(), group.get(1)) else {
            continue;
        };
        let kind = cut(later.text_at(kind).unwrap_or(""));
        let who = cut(later.text_at(child).unwrap_or(""));
        let message = if group.len() == 2 {
            format!(
                "{kind} intervention {} overlaps {} (row {}) for child {who}",
                name(later),
                name(first),
                first.row,
            )
        } else {
            format!(
                "{} {kind} interventions of child {who} overlap one another ({})",
                group.len(),
                row_list(group.iter().copied()),
            )
        };
        let f = out.at(
            "W420",
            s,
            Some(later.row),
            Some("start_date"),
            later.date_at(start).map(|d| d.to_string()),
            message,
        );
        f.related = related(
            s,
            group.iter().copied().filter(|r| !std::ptr::eq(*r, later)),
            "start_date",
        );
        f.child_id = Some(who.to_string()).filter(|w| !w.is_empty());
    }
}

fn ages(sheets: &Sheets<'_>, out: &mut Collector<'_>) {
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

/// The rows of one meeting, each with the meeting's date.
type Meeting<'r> = [(Date, &'r Row)];

/// Every meeting lists the five statutory partners; a missing one is reported on the meeting's
/// first row.
fn statutory_partners_present(sheets: &Sheets<'_>, out: &mut Collector<'_>) {
    let Some(s) = sheet(sheets, "BoardAttendance") else {
        return;
    };
    if !s.columns.contains_key("partner") {
        return;
    }
    let [date, partner] = columns(s, ["meeting_date", "partner"]);
    // Rows in order of meeting date, then row: each meeting's rows are together.
    let mut by_meeting: Vec<(Date, &Row)> = s
        .rows
        .iter()
        .filter_map(|r| Some((r.date_at(date)?, r)))
        .collect();
    by_meeting.sort_by_key(|&(d, r)| (d, r.row));
    let mut missing: Vec<(Date, &str, &Meeting<'_>)> = Vec::new();
    for meeting in by_meeting.chunk_by(|a, b| a.0 == b.0) {
        for name in STATUTORY_PARTNERS {
            if !meeting
                .iter()
                .any(|(_, r)| r.text_at(partner) == Some(name))
            {
                missing.push((meeting[0].0, name, meeting));
            }
        }
    }
    missing.sort_by_key(|(_, _, meeting)| meeting[0].1.row);
    for (date, name, meeting) in missing {
        let first = meeting[0].1;
        let f = out.at(
            "E440",
            s,
            Some(first.row),
            Some("partner"),
            first.text_at(partner).map(shown),
            format!("statutory partner {name} has no row for the meeting of {date}"),
        );
        f.related = related(s, meeting[1..].iter().map(|(_, r)| *r), "partner");
    }
}

fn idp_only_in_wales(sheets: &Sheets<'_>, out: &mut Collector<'_>) {
    let nation = sheet(sheets, "Service")
        .and_then(|s| s.rows.first())
        .and_then(|r| r.text("nation"));
    if nation != Some("ENGLAND") {
        return;
    }
    let Some(s) = sheet(sheets, "Interventions") else {
        return;
    };
    let [plan, child] = columns(s, ["send_plan", "child_id"]);
    for row in &s.rows {
        if row.text_at(plan) == Some("IDP") {
            let f = out.at(
                "E311",
                s,
                Some(row.row),
                Some("send_plan"),
                Some("IDP".to_string()),
                "IDP (individual development plan) is a Welsh plan, but the service's nation is ENGLAND",
            );
            f.child_id = row.text_at(child).map(shown);
        }
    }
}
