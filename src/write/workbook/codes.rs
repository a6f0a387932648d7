//! The measure codes as the sheets show them, for both halves: on a sheet with a column per group
//! the All column's code is shown (`kpi1.all.suitable`) and each other column reads with its
//! group in place of `all`; a derived row shows `n / d`, `n ÷ d` or `n per 10,000 of
//! population_10_17`.
//!
//! Invariant: a code the writer shows is read back as the code of the figure in that column;
//! the spec's `GROUP` placeholder, as returns written before showed it, reads the same.

use crate::write::template::{GROUP, Layout};

/// The group whose column's code a by-group sheet shows (the spec's `all`, always present).
pub(super) const ALL: &str = "all";

/// Under a sheet with a column per group: how to read the measure codes.
pub(super) fn codes_note(layout: &Layout) -> String {
    let others: Vec<String> = layout
        .groups
        .iter()
        .filter(|g| g.code != ALL)
        .map(|g| g.code.clone())
        .collect();
    format!(
        "Measure codes are those of the All column; in each other column the group takes the \
         place of \"{ALL}\" ({}).",
        others.join(", ")
    )
}

/// A derived row's measure code column: `n / d` (a percentage), `n ÷ d` (a ratio) or `n per
/// 10,000 of population_10_17` (a rate): numerator, denominator (none for the population) and
/// what n/d is multiplied by to give the number shown.
pub(super) fn derived(code_text: &str) -> Option<(&str, Option<&str>, f64)> {
    if let Some((n, d)) = code_text.split_once(" / ") {
        return Some((n, Some(d), 100.0));
    }
    if let Some((n, d)) = code_text.split_once(" ÷ ") {
        return Some((n, Some(d), 1.0));
    }
    let (n, rest) = code_text.split_once(" per ")?;
    let per = rest.strip_suffix(" of population_10_17")?.replace(',', "");
    Some((n, None, per.parse().ok()?))
}

/// A code shown on a by-group sheet, for the column of group `g`: the All column's code with
/// `g` in place of `all` (`kpi1.all.suitable` -> `kpi1.community.suitable`), or the spec's
/// `GROUP` placeholder filled in, as returns written before showed it. A code of neither form
/// is kept whole, and the figures it then reads twice are told apart as conflicts.
pub(super) fn in_column(code: &str, g: &str) -> String {
    if code.contains(GROUP) {
        return code.replace(GROUP, g);
    }
    let mut parts = code.splitn(3, '.');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(head), Some(ALL), Some(rest)) => format!("{head}.{g}.{rest}"),
        (Some(head), Some(ALL), None) => format!("{head}.{g}"),
        _ => code.to_string(),
    }
}

/// The group code of a column header (`Out of court` → `out_of_court`).
pub(super) fn group_code(label: &str) -> String {
    label.trim().to_lowercase().replace([' ', '-'], "_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_columns_code_is_the_all_columns_with_its_group() {
        assert_eq!(
            in_column("kpi1.all.suitable", "community"),
            "kpi1.community.suitable"
        );
        assert_eq!(
            in_column("kpi1.all.type.nfa", "out_of_court"),
            "kpi1.out_of_court.type.nfa"
        );
        assert_eq!(in_column("caseload.all", "custody"), "caseload.custody");
        // As returns written before showed it.
        assert_eq!(
            in_column("kpi1.GROUP.suitable", "custody"),
            "kpi1.custody.suitable"
        );
        // Only the second part is the group: "all" elsewhere stays.
        assert_eq!(in_column("x.y.all", "community"), "x.y.all");
        assert_eq!(in_column("kpi1.suitable", "community"), "kpi1.suitable");
    }
}
