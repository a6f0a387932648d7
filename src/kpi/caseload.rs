//! Caseload at the quarter's end (return-format.md, "Caseload"): the children with an
//! intervention open on the period's last day — started on or before it, and not ended before
//! it (no `end_date`, or one on or after that day; a `CUST` is open until its licence ends) —
//! each counted once, under the highest group among the interventions open that day
//! (`custody` > `community` > `out_of_court` > `prevention`); `all` is the sum of the groups.
//! The board's snapshot beside the statutory figures, and the scorecard's caseload indicators.

use std::collections::HashMap;

use super::cohort::PerGroup;
use crate::export::records::{Export, Group};
use crate::measures::Measures;
use crate::period::Period;

pub fn measures(export: &Export, period: Period) -> Measures {
    let last_day = period.end();
    let mut highest: HashMap<&str, Group> = HashMap::new();
    for iv in &export.interventions {
        let open = iv.start_date <= last_day && iv.end_date.is_none_or(|end| end >= last_day);
        if open {
            let group = iv.kind.group();
            highest
                .entry(iv.child_id)
                .and_modify(|g| *g = (*g).max(group))
                .or_insert(group);
        }
    }
    let mut per_group = PerGroup::default();
    for group in highest.into_values() {
        per_group.add(group, 1);
    }
    let mut m = Measures::new();
    per_group.set(&mut m, "caseload", "open_at_end");
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::records::InterventionType::*;
    use crate::kpi::testkit::*;

    fn counts(m: &Measures) -> [i64; 5] {
        ["prevention", "out_of_court", "community", "custody", "all"]
            .map(|g| m.get(&format!("caseload.{g}.open_at_end")).unwrap())
    }

    const Q2: &str = "2024-25 Q2"; // last day 30 September 2024

    #[test]
    fn open_on_the_last_day_counts_and_ended_before_it_does_not() {
        let e = export(vec![
            open("A", "A", Ro, "2024-05-01"),
            ended("B", "B", Ro, "2024-05-01", "2024-09-29"),
            ended("C", "C", Yro, "2024-05-01", "2024-10-15"),
            open("D", "D", Ro, "2024-10-01"),
        ]);
        // A open, B ended the day before, C ends after the quarter, D starts after it.
        assert_eq!(counts(&measures(&e, q(Q2))), [0, 0, 2, 0, 2]);
    }

    #[test]
    fn ended_on_the_last_day_and_started_on_the_last_day_both_count() {
        let e = export(vec![
            ended("A", "A", Div, "2024-07-01", "2024-09-30"),
            open("B", "B", Prev, "2024-09-30"),
        ]);
        assert_eq!(counts(&measures(&e, q(Q2))), [1, 1, 0, 0, 2]);
    }

    #[test]
    fn custody_counts_in_custody_and_on_licence_until_the_licence_ends() {
        let e = export(vec![
            // Still in custody: no release, no end.
            open("A", "A", Cust, "2024-03-01"),
            // Released in August, on licence until December.
            released("B", "B", "2024-01-10", "2024-08-05", Some("2024-12-20")),
            // Released, and the licence ended in September before the last day.
            released("C", "C", "2023-12-01", "2024-05-20", Some("2024-09-02")),
        ]);
        assert_eq!(counts(&measures(&e, q(Q2))), [0, 0, 0, 2, 2]);
    }

    #[test]
    fn a_child_open_in_two_groups_counts_once_in_the_higher() {
        let e = export(vec![
            open("A1", "A", Prev, "2024-06-01"),
            open("A2", "A", Yc, "2024-09-01"),
            open("B1", "B", Ro, "2024-04-01"),
            open("B2", "B", Cust, "2024-09-10"),
            // Two prevention interventions of one child: one child.
            open("C1", "C", Prev, "2024-04-01"),
            open("C2", "C", Prev, "2024-08-01"),
        ]);
        assert_eq!(counts(&measures(&e, q(Q2))), [1, 1, 0, 1, 3]);
    }

    #[test]
    fn prevention_counts_and_all_is_the_sum() {
        let e = export(vec![
            open("A", "A", Prev, "2024-06-01"),
            open("B", "B", Ycc, "2024-06-01"),
            open("C", "C", Yro, "2024-06-01"),
        ]);
        let c = counts(&measures(&e, q(Q2)));
        assert_eq!(c, [1, 1, 1, 0, 3]);
        assert_eq!(c[4], c[..4].iter().sum::<i64>());
    }
}
