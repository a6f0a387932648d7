//! Reoffending: the published cohort of the quarter four quarters before the reporting period
//! (2024-25 Q2 reports the 2023-24 Q2 cohort): its size, the children who reoffended, and the
//! reoffences. All 0 when the optional `ReoffendingCohort` sheet is absent.

use crate::export::records::{CohortMember, Export};
use crate::measures::Measures;
use crate::period::Period;

pub fn measures(export: &Export, period: Period) -> Measures {
    let cohort_period = period.shift(-4);
    let cohort: Vec<&CohortMember> = export
        .reoffending
        .iter()
        .flatten()
        .filter(|c| c.cohort_period == cohort_period)
        .collect();
    let mut m = Measures::new();
    m.set("reoffending.cohort", cohort.len() as i64);
    m.set(
        "reoffending.reoffenders",
        cohort.iter().filter(|c| c.reoffences > 0).count() as i64,
    );
    m.set(
        "reoffending.reoffences",
        cohort.iter().map(|c| i64::from(c.reoffences)).sum::<i64>(),
    );
    m
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
        let m = measures(&e, q("2024-25 Q2"));
        assert_eq!(m.get("reoffending.cohort"), Some(3));
        assert_eq!(m.get("reoffending.reoffenders"), Some(2));
        assert_eq!(m.get("reoffending.reoffences"), Some(4));
        let m = measures(&e, q("2024-25 Q3"));
        assert_eq!(m.get("reoffending.cohort"), Some(1));
        assert_eq!(m.get("reoffending.reoffences"), Some(5));
    }

    #[test]
    fn an_absent_sheet_gives_zeros() {
        let m = measures(&export(vec![]), q("2024-25 Q1"));
        assert_eq!(m.get("reoffending.cohort"), Some(0));
        assert_eq!(m.get("reoffending.reoffenders"), Some(0));
        assert_eq!(m.get("reoffending.reoffences"), Some(0));
    }
}
