//! Reoffending: the published cohort of the quarter four quarters before the reporting period
//! (2024-25 Q2 reports the 2023-24 Q2 cohort): its size, the children who reoffended, and the
//! reoffences. All 0 when the optional `ReoffendingCohort` sheet is absent.

use std::borrow::Cow;

use super::tally::{FamilyDef, Reason, Tally, Unit, Verdict};
use crate::export::records::{CohortMember, Export};
use crate::period::Period;

pub fn tally<'a, T: Tally<'a>>(export: &'a Export<'a>, period: Period, t: &mut T) {
    let cohort_period = period.shift(-4);
    let universe = "the published cohort of four quarters before";
    let cohort = t.family(FamilyDef::single(
        "reoffending.cohort",
        Unit::Count,
        "the published cohorts",
    ));
    let reoffenders =
        t.family(FamilyDef::single("reoffending.reoffenders", Unit::Count, universe).of(cohort));
    let reoffences = t.family(FamilyDef::single(
        "reoffending.reoffences",
        Unit::Count,
        universe,
    ));
    for c in export
        .reoffending
        .iter()
        .flatten()
        .filter(|c| c.cohort_period == cohort_period)
    {
        let n = i64::from(c.reoffences);
        t.decide(cohort, 0, Verdict::Yes(1), || member(c));
        t.decide(reoffenders, 0, Verdict::count_if(n > 0), || member(c));
        if n > 0 {
            t.decide(reoffences, 0, Verdict::Yes(n), || member(c));
        }
    }
}

/// `in the 2023-24 Q2 cohort, 3 reoffences`.
fn member<'a>(c: &'a CohortMember<'a>) -> Reason<'a> {
    Reason {
        sheet: "ReoffendingCohort",
        row: c.row,
        ids: vec![("child_id", Cow::Borrowed(c.child_id))],
        key: 1,
        fields: vec![
            ("cohort_period", c.cohort_period.to_string()),
            ("reoffences", c.reoffences.to_string()),
        ],
        why: format!(
            "in the {} cohort, {} reoffence{}",
            c.cohort_period,
            c.reoffences,
            if c.reoffences == 1 { "" } else { "s" }
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kpi::testkit::*;

    fn member<'a>(child: &'a str, period: &str, reoffences: u32) -> CohortMember<'a> {
        CohortMember {
            row: 2,
            child_id: child,
            cohort_period: q(period),
            reoffences,
        }
    }

    #[test]
    fn the_cohort_four_quarters_back() {
        let mut e = export(vec![]);
        e.reoffending = Some(vec![
            member("A", "2023-24 Q2", 0),
            member("B", "2023-24 Q2", 3),
            member("C", "2023-24 Q2", 1),
            member("D", "2023-24 Q3", 5),
            member("E", "2024-25 Q2", 2),
        ]);
        let m = figures(&e, "2024-25 Q2");
        assert_eq!(m.get("reoffending.cohort"), Some(3));
        assert_eq!(m.get("reoffending.reoffenders"), Some(2));
        assert_eq!(m.get("reoffending.reoffences"), Some(4));
        let m = figures(&e, "2024-25 Q3");
        assert_eq!(m.get("reoffending.cohort"), Some(1));
        assert_eq!(m.get("reoffending.reoffences"), Some(5));
    }

    #[test]
    fn an_absent_sheet_gives_zeros() {
        let m = figures(&export(vec![]), "2024-25 Q1");
        assert_eq!(m.get("reoffending.cohort"), Some(0));
        assert_eq!(m.get("reoffending.reoffenders"), Some(0));
        assert_eq!(m.get("reoffending.reoffences"), Some(0));
    }

    #[test]
    fn reoffences_count_their_number() {
        let mut e = export(vec![]);
        e.reoffending = Some(vec![
            member("A", "2023-24 Q2", 0),
            member("B", "2023-24 Q2", 3),
        ]);
        let r = Recorder::of(&e, "2024-25 Q2");
        assert_eq!(r.outside("reoffending.reoffenders"), ["A"]);
        let b = r.get("reoffending.reoffences", "B");
        assert_eq!(b.counted, Some(3));
        assert_eq!(b.why, "in the 2023-24 Q2 cohort, 3 reoffences");
    }
}
