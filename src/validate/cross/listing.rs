//! How rows set against one another are found and named: rows grouped by a key (only groups of
//! two or more), one finding per group on its second row, and the rows a finding names.
//!
//! Invariant: linear in the rows (sorting aside), one hash lookup a row; a finding names at
//! most [`LISTED`] rows and counts the rest, however many share a key.

use std::hash::Hash;

use foldhash::fast::FixedState;

use crate::excel::{column_letters, sheet_ref};
use crate::schema::row::Row;
use crate::text::cut;
use crate::validate::collector::Collector;
use crate::validate::finding::Related;
use crate::validate::sheets::{Map, columns};
use crate::validate::validation::SheetData;

/// A value of the export as a finding holds it: [`cut`] to a length a person reads.
pub(super) fn shown(text: &str) -> String {
    cut(text).into_owned()
}

/// At most this many rows of one group are named in its finding (the rest are counted).
pub const LISTED: usize = 20;

/// The rows as `related` entries pointing at `column`, at most [`LISTED`] of them.
pub(super) fn related<'r>(
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
pub(super) fn row_list<'r>(rows: impl ExactSizeIterator<Item = &'r Row>) -> String {
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
pub(super) fn duplicates<'r, K: Hash + Eq + Copy>(
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
