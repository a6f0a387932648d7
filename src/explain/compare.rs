//! Two exports of the same period: every measure whose figure differs, the records that
//! entered or left it (matched by their identifiers: child, intervention, offence, victim,
//! meeting date), and what changed in each record that moved it.

use std::collections::{BTreeMap, BTreeSet};

use super::fields::{Field, Index};
use super::model::{Entry, Explanation, Measure, Status};
use crate::export::records::Export;
use crate::period::Period;

/// One field that differs between the two exports' versions of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    /// The sheet, as the dictionary names it.
    pub table: &'static str,
    /// The record's identifier on that sheet (`NSH-I-0053`).
    pub record: String,
    pub field: &'static str,
    /// `None` when the record is not in that export.
    pub old: Option<String>,
    pub new: Option<String>,
}

/// How a record moved a measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Movement {
    /// Counted in the new export, not in the old.
    Entered,
    /// Counted in the old export, not in the new.
    Left,
    /// Counted in both, with a different amount (hours, reoffences).
    Changed,
}

impl Movement {
    pub fn word(self) -> &'static str {
        match self {
            Movement::Entered => "entered",
            Movement::Left => "left",
            Movement::Changed => "changed",
        }
    }
}

/// A record that moved a measure.
#[derive(Debug, Clone)]
pub struct Moved {
    pub movement: Movement,
    /// The identifiers that match the record across the exports, joined.
    pub key: String,
    /// The record where each export has it in the measure (counted, outside or a near miss).
    pub old: Option<Entry>,
    pub new: Option<Entry>,
    pub changes: Vec<FieldChange>,
    /// What changed and what it did, in one sentence.
    pub what: String,
}

/// A measure whose figure differs.
#[derive(Debug, Clone)]
pub struct MeasureChange {
    pub code: String,
    /// `None` where that return does not hold the measure (a board partner with no line).
    pub old: Option<i64>,
    pub new: Option<i64>,
    pub moved: Vec<Moved>,
}

/// What one export changed against another of the same period.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub period: Period,
    /// The fields of the `Service` sheet that differ (the extract date, most often).
    pub service: Vec<FieldChange>,
    pub measures: Vec<MeasureChange>,
}

/// Compares two exports' explanations of the same period (each with the records of every
/// measure compared).
pub fn compare(
    old: (&Export, &Explanation),
    new: (&Export, &Explanation),
    selects: impl Fn(&str) -> bool,
) -> Comparison {
    let (old_index, new_index) = (Index::new(old.0), Index::new(new.0));
    let old_figures: BTreeMap<&str, i64> = old.1.figures().into_iter().collect();
    let new_figures: BTreeMap<&str, i64> = new.1.figures().into_iter().collect();
    // In the new return's order, then any measure only the old one holds.
    let mut codes: Vec<&str> = new.1.figures().into_iter().map(|(c, _)| c).collect();
    codes.extend(
        old.1
            .figures()
            .into_iter()
            .map(|(c, _)| c)
            .filter(|c| !new_figures.contains_key(c)),
    );
    let mut measures = Vec::new();
    for code in codes {
        let (o, n) = (
            old_figures.get(code).copied(),
            new_figures.get(code).copied(),
        );
        if o == n || !selects(code) {
            continue;
        }
        let om = old.1.find(code).map(|r| old.1.measure(r));
        let nm = new.1.find(code).map(|r| new.1.measure(r));
        measures.push(MeasureChange {
            code: code.to_string(),
            old: o,
            new: n,
            moved: moved(om.as_ref(), nm.as_ref(), &old_index, &new_index),
        });
    }
    Comparison {
        period: new.1.period,
        service: service_changes(old.0, new.0),
        measures,
    }
}

/// The records that moved one measure, in the order of their identifiers.
fn moved(
    old: Option<&Measure>,
    new: Option<&Measure>,
    old_index: &Index,
    new_index: &Index,
) -> Vec<Moved> {
    let (olds, news) = (by_key(old), by_key(new));
    let keys: BTreeSet<&String> = olds.keys().chain(news.keys()).collect();
    let mut out = Vec::new();
    for key in keys {
        let (o, n) = (olds.get(key).copied(), news.get(key).copied());
        let movement = match (counted(o), counted(n)) {
            (None, Some(_)) => Movement::Entered,
            (Some(_), None) => Movement::Left,
            (Some(a), Some(b)) if a.amount != b.amount => Movement::Changed,
            _ => continue,
        };
        let changes = record_changes(o, n, old_index, new_index);
        let universe = new.or(old).map_or("", |m| m.universe);
        out.push(Moved {
            movement,
            key: key.clone(),
            what: sentence(movement, o, n, &changes, universe),
            old: o.cloned(),
            new: n.cloned(),
            changes,
        });
    }
    out
}

/// A measure's records by their identifiers: where a record is there more than once (a
/// counted child and a near miss of another of its interventions), the counted one.
fn by_key<'e>(m: Option<&Measure<'e>>) -> BTreeMap<String, &'e Entry> {
    let mut out: BTreeMap<String, &'e Entry> = BTreeMap::new();
    for e in m.into_iter().flat_map(|m| m.in_part()) {
        out.entry(e.key())
            .and_modify(|had| {
                if e.status < had.status {
                    *had = e;
                }
            })
            .or_insert(e);
    }
    out
}

fn counted(e: Option<&Entry>) -> Option<&Entry> {
    e.filter(|e| e.status == Status::Counted)
}

/// The fields that differ in the records behind a moved entry: the record each export's entry
/// stands on (they differ when another intervention now represents a child), each looked up
/// in both exports by its identifiers.
fn record_changes(
    old: Option<&Entry>,
    new: Option<&Entry>,
    old_index: &Index,
    new_index: &Index,
) -> Vec<FieldChange> {
    let mut sources: Vec<&Entry> = Vec::new();
    for e in [new, old].into_iter().flatten() {
        if !sources.iter().any(|s| s.table == e.table && s.ids == e.ids) {
            sources.push(e);
        }
    }
    let mut out = Vec::new();
    for e in sources {
        let record = e
            .ids
            .get(record_id(e))
            .map_or_else(String::new, |(_, v)| v.to_string());
        let before = old_index.find(e.table, &e.ids, &e.fields);
        let after = new_index.find(e.table, &e.ids, &e.fields);
        out.extend(differences(e.table, &record, before, after));
    }
    out
}

/// Which identifier names the record on its sheet: the intervention of a child in the cohort,
/// the offence of a first-time entrant.
fn record_id(e: &Entry) -> usize {
    let own = match e.table {
        "Interventions" => "intervention_id",
        "Offences" => "offence_id",
        "Victims" => "victim_id",
        _ => return 0,
    };
    e.ids.iter().position(|(k, _)| *k == own).unwrap_or(0)
}

fn differences(
    table: &'static str,
    record: &str,
    before: Option<(u32, Vec<Field>)>,
    after: Option<(u32, Vec<Field>)>,
) -> Vec<FieldChange> {
    let change = |field, old: Option<&String>, new: Option<&String>| FieldChange {
        table,
        record: record.to_string(),
        field,
        old: old.cloned(),
        new: new.cloned(),
    };
    match (before, after) {
        (Some((_, b)), Some((_, a))) => {
            let mut out = Vec::new();
            for (field, value) in &a {
                let was = b.iter().find(|(k, _)| k == field).map(|(_, v)| v);
                if was != Some(value) {
                    out.push(change(*field, was, Some(value)));
                }
            }
            for (field, value) in &b {
                if !a.iter().any(|(k, _)| k == field) {
                    out.push(change(*field, Some(value), None));
                }
            }
            out
        }
        (None, Some(_)) => vec![change("record", None, Some(&"new".to_string()))],
        (Some(_), None) => vec![change("record", Some(&"present".to_string()), None)],
        (None, None) => Vec::new(),
    }
}

/// `accommodation_suitable N -> Y: now counted (accommodation at the end: PARENTS, suitable Y)`.
fn sentence(
    movement: Movement,
    old: Option<&Entry>,
    new: Option<&Entry>,
    changes: &[FieldChange],
    universe: &str,
) -> String {
    let what: Vec<String> = changes.iter().map(change_text).collect();
    let mut said = if what.is_empty() {
        "nothing in its own record changed".to_string()
    } else {
        what.join("; ")
    };
    if let (Some(o), Some(n)) = (old, new)
        && o.ids != n.ids
    {
        said.push_str(&format!(
            " (its row was {} row {}, now {} row {})",
            o.sheet, o.row, n.sheet, n.row
        ));
    }
    let then = match (movement, new) {
        (Movement::Entered | Movement::Changed, Some(n)) => format!("now counted: {}", n.why),
        (_, Some(n)) if n.status == Status::Outside => format!("now not counted: {}", n.why),
        (_, Some(n)) => format!(
            "now left out by the rule that {}: {}",
            n.rule.unwrap_or("leaves it out"),
            n.why
        ),
        (_, None) => format!("no longer among {universe}"),
    };
    format!("{said}: {then}")
}

/// `end_date 2024-12-20 -> 2025-01-06`; a record new or gone says so.
pub fn change_text(c: &FieldChange) -> String {
    let show = |v: &Option<String>| match v.as_deref() {
        None => "absent".to_string(),
        Some("") => "blank".to_string(),
        Some(v) => crate::text::cut(v).into_owned(),
    };
    match (c.field, &c.old, &c.new) {
        ("record", None, _) => format!(
            "{} {} is new in this export",
            c.table,
            crate::text::cut(&c.record)
        ),
        ("record", _, None) => format!(
            "{} {} is no longer in the export",
            c.table,
            crate::text::cut(&c.record)
        ),
        _ if c.record.is_empty() => format!("{} {} -> {}", c.field, show(&c.old), show(&c.new)),
        _ => format!(
            "{} {} {} -> {}",
            crate::text::cut(&c.record),
            c.field,
            show(&c.old),
            show(&c.new)
        ),
    }
}

/// The `Service` sheet's fields that differ.
fn service_changes(old: &Export, new: &Export) -> Vec<FieldChange> {
    let fields = |e: &Export| -> Vec<Field> {
        e.service.as_ref().map_or_else(Vec::new, |s| {
            vec![
                ("yjs_code", s.yjs_code.to_string()),
                ("yjs_name", s.yjs_name.to_string()),
                ("nation", s.nation.code().to_string()),
                ("population_10_17", s.population_10_17.to_string()),
                ("extract_date", s.extract_date.to_string()),
            ]
        })
    };
    let (b, a) = (fields(old), fields(new));
    a.iter()
        .filter_map(|(k, v)| {
            let was = b.iter().find(|(bk, _)| bk == k).map(|(_, v)| v.clone());
            (was.as_ref() != Some(v)).then(|| FieldChange {
                table: "Service",
                record: String::new(),
                field: k,
                old: was,
                new: Some(v.clone()),
            })
        })
        .collect()
}
