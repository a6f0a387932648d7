//! W420: interventions of one type for one child that overlap in time.
//!
//! Invariant: intervals are closed and an open intervention runs on for ever; each run of
//! intervals overlapping one another is one finding, whatever its length.

use super::listing::{related, row_list, shown};
use crate::date::Date;
use crate::schema::row::{Row, Value};
use crate::text::cut;
use crate::validate::collector::Collector;
use crate::validate::sheets::Sheets;
use crate::validate::sheets::{Map, NONE, columns, sheet};

/// Same-type interventions of one child must not overlap; intervals are closed, and an open
/// intervention runs on for ever. Each run of intervals that overlap one another (a cluster:
/// sorted by start, each begins before the latest end so far) is one finding, on its second
/// row, naming the others.
pub(super) fn overlaps(sheets: &Sheets<'_>, out: &mut Collector<'_>) {
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
