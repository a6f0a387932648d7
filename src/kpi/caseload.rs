//! Caseload at the quarter's end (return-format.md, "Caseload"): the children with an
//! intervention open on the period's last day — started on or before it, and not ended before
//! it (no `end_date`, or one on or after that day; a `CUST` is open until its licence ends) —
//! each counted once, under the highest group among the interventions open that day
//! (`custody` > `community` > `out_of_court` > `prevention`); `all` is the sum of the groups.
//! The board's snapshot beside the statutory figures, and the scorecard's caseload indicators.
//!
//! A child is shown on the row of its first intervention (in the export's order) of that
//! group open that day; its interventions open that day in lower groups are near misses there.

use std::borrow::Cow;
use std::collections::HashMap;

use foldhash::fast::FixedState;

use super::cohort::date_text;
use super::tally::{FamilyDef, Reason, Tally, Unit, Verdict};
use crate::export::records::{Export, Intervention};
use crate::period::Period;

/// The rule that leaves a lower group's intervention out.
pub const HIGHEST_GROUP: &str = "a child open in several groups counts once, in the highest";

pub fn tally<'a, T: Tally<'a>>(export: &'a Export<'a>, period: Period, t: &mut T) {
    let last_day = period.end();
    let open = |iv: &Intervention| {
        iv.start_date <= last_day && iv.end_date.is_none_or(|end| end >= last_day)
    };
    let mut highest: HashMap<&str, &Intervention, FixedState> = HashMap::default();
    for iv in export.interventions.iter().filter(|iv| open(iv)) {
        highest
            .entry(iv.child_id)
            .and_modify(|h| {
                if iv.kind.group() > h.kind.group() {
                    *h = iv;
                }
            })
            .or_insert(iv);
    }
    let f = t.family(FamilyDef::groups(
        "caseload",
        "open_at_end",
        Unit::Count,
        "the children with an intervention",
    ));
    let mut children: Vec<(&str, &Intervention)> = highest.iter().map(|(c, i)| (*c, *i)).collect();
    if T::EXPLAINING {
        children.sort_unstable_by_key(|(child, _)| *child);
    }
    for (_, iv) in &children {
        t.decide(f, iv.kind.group() as usize, Verdict::Yes(1), || {
            open_at_end(
                iv,
                format!("open on {last_day}, the last day of the period"),
            )
        });
    }
    if T::EXPLAINING {
        for iv in export.interventions.iter().filter(|iv| open(iv)) {
            let Some(h) = highest.get(iv.child_id) else {
                continue;
            };
            if iv.kind.group() < h.kind.group() {
                t.near_miss(f, iv.kind.group() as usize, HIGHEST_GROUP, || {
                    open_at_end(
                        iv,
                        format!(
                            "open on {last_day}, but {} {} is open too, in the higher group \
                             {}: the child counts there",
                            h.kind.code(),
                            crate::text::cut(h.intervention_id),
                            h.kind.group().code()
                        ),
                    )
                });
            }
        }
    }
}

fn open_at_end<'a>(iv: &'a Intervention<'a>, why: String) -> Reason<'a> {
    Reason {
        sheet: "Interventions",
        row: iv.row,
        ids: vec![
            ("child_id", Cow::Borrowed(iv.child_id)),
            ("intervention_id", Cow::Borrowed(iv.intervention_id)),
        ],
        key: 1,
        fields: vec![
            ("intervention_type", iv.kind.code().to_string()),
            ("start_date", iv.start_date.to_string()),
            ("end_date", date_text(iv.end_date)),
        ],
        why: format!(
            "{} {}: {why}",
            iv.kind.code(),
            crate::text::cut(iv.intervention_id)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::records::InterventionType::*;
    use crate::kpi::testkit::*;

    fn counts(m: &crate::measures::Measures) -> [i64; 5] {
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
        assert_eq!(counts(&figures(&e, Q2)), [0, 0, 2, 0, 2]);
    }

    #[test]
    fn ended_on_the_last_day_and_started_on_the_last_day_both_count() {
        let e = export(vec![
            ended("A", "A", Div, "2024-07-01", "2024-09-30"),
            open("B", "B", Prev, "2024-09-30"),
        ]);
        assert_eq!(counts(&figures(&e, Q2)), [1, 1, 0, 0, 2]);
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
        assert_eq!(counts(&figures(&e, Q2)), [0, 0, 0, 2, 2]);
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
        assert_eq!(counts(&figures(&e, Q2)), [1, 1, 0, 1, 3]);
    }

    #[test]
    fn prevention_counts_and_all_is_the_sum() {
        let e = export(vec![
            open("A", "A", Prev, "2024-06-01"),
            open("B", "B", Ycc, "2024-06-01"),
            open("C", "C", Yro, "2024-06-01"),
        ]);
        let c = counts(&figures(&e, Q2));
        assert_eq!(c, [1, 1, 1, 0, 3]);
        assert_eq!(c[4], c[..4].iter().sum::<i64>());
    }

    #[test]
    fn a_lower_group_open_at_the_end_is_a_near_miss_there() {
        let e = export(vec![
            open("A1", "A", Prev, "2024-06-01"),
            open("A2", "A", Yro, "2024-09-01"),
        ]);
        let r = Recorder::of(&e, "2024-25 Q2");
        assert_eq!(r.counted("caseload.community.open_at_end"), ["A"]);
        assert_eq!(r.near("caseload.prevention.open_at_end"), ["A"]);
        let h = r.near_miss("caseload.prevention.open_at_end", "A");
        assert_eq!(h.rule, Some(HIGHEST_GROUP));
        assert_eq!(
            h.why,
            "PREV A1: open on 2024-09-30, but YRO A2 is open too, in the higher group \
             community: the child counts there"
        );
    }
}
