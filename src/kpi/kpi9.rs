//! KPI 9, serious youth violence (SYV): offences of category `VIOLENCE`, `ROBBERY` or `DRUGS`
//! with gravity 5 or more and a `CONVICTION` outcome, counted in the period of their
//! `outcome_date`; the distinct children with one; the caseload (children with any
//! intervention open at some point in the period, `PREV` included, a `CUST` open until its
//! licence ends); and the SYV children who are on that caseload.

use std::collections::BTreeSet;

use crate::export::records::{Export, Offence};
use crate::measures::Measures;
use crate::period::Period;

pub const SYV_CATEGORIES: [&str; 3] = ["VIOLENCE", "ROBBERY", "DRUGS"];
pub const SYV_MIN_GRAVITY: u8 = 5;

pub fn is_syv(o: &Offence) -> bool {
    SYV_CATEGORIES.contains(&o.offence_category)
        && o.gravity_score >= SYV_MIN_GRAVITY
        && o.outcome_type == "CONVICTION"
}

pub fn measures(export: &Export, period: Period) -> Measures {
    let syv: Vec<&Offence> = export
        .offences
        .iter()
        .filter(|o| is_syv(o) && period.contains(o.outcome_date))
        .collect();
    let children: BTreeSet<&str> = syv.iter().map(|o| o.child_id).collect();
    let caseload: BTreeSet<&str> = export
        .interventions
        .iter()
        .filter(|iv| {
            iv.start_date <= period.end() && iv.end_date.is_none_or(|e| e >= period.start())
        })
        .map(|iv| iv.child_id)
        .collect();
    let mut m = Measures::new();
    m.set("kpi9.offences", syv.len() as i64);
    m.set("kpi9.children", children.len() as i64);
    m.set("kpi9.caseload", caseload.len() as i64);
    m.set(
        "kpi9.caseload_children",
        children.intersection(&caseload).count() as i64,
    );
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::records::InterventionType::*;
    use crate::kpi::testkit::*;

    #[test]
    fn gravity_category_and_outcome_decide_syv() {
        let mut e = export(vec![]);
        e.offences = vec![
            offence(
                "O1",
                "C1",
                "2024-08-01",
                "CONVICTION",
                "VIOLENCE",
                5,
                Some(false),
            ),
            offence(
                "O2",
                "C1",
                "2024-08-02",
                "CONVICTION",
                "ROBBERY",
                6,
                Some(true),
            ),
            offence(
                "O3",
                "C2",
                "2024-08-01",
                "CONVICTION",
                "VIOLENCE",
                4,
                Some(false),
            ),
            offence("O4", "C3", "2024-08-01", "YC", "VIOLENCE", 5, None),
            offence(
                "O5",
                "C4",
                "2024-08-01",
                "CONVICTION",
                "THEFT",
                6,
                Some(false),
            ),
            offence(
                "O6",
                "C5",
                "2024-09-30",
                "CONVICTION",
                "DRUGS",
                5,
                Some(false),
            ),
            offence(
                "O7",
                "C6",
                "2024-10-01",
                "CONVICTION",
                "DRUGS",
                8,
                Some(false),
            ),
        ];
        let m = measures(&e, q("2024-25 Q2"));
        assert_eq!(m.get("kpi9.offences"), Some(3));
        assert_eq!(m.get("kpi9.children"), Some(2));
    }

    #[test]
    fn caseload_is_open_at_some_point_in_the_period() {
        let mut e = export(vec![
            open("I1", "C1", Prev, "2024-09-30"), // starts last day: in
            ended("I2", "C2", Ro, "2024-01-01", "2024-07-01"), // ends first day: in
            ended("I3", "C3", Ro, "2024-01-01", "2024-06-30"), // ended before: out
            open("I4", "C4", Ro, "2024-10-01"),   // starts after: out
            released("I5", "C5", "2023-01-01", "2024-03-01", Some("2024-08-01")), // licence: in
            released("I6", "C6", "2023-01-01", "2024-03-01", Some("2024-05-01")), // out
        ]);
        e.offences = vec![
            offence(
                "O1",
                "C1",
                "2024-08-01",
                "CONVICTION",
                "VIOLENCE",
                5,
                Some(false),
            ),
            offence(
                "O2",
                "C3",
                "2024-08-01",
                "CONVICTION",
                "VIOLENCE",
                5,
                Some(false),
            ),
            offence(
                "O3",
                "NOT-KNOWN",
                "2024-08-01",
                "CONVICTION",
                "ROBBERY",
                5,
                Some(false),
            ),
        ];
        let m = measures(&e, q("2024-25 Q2"));
        assert_eq!(m.get("kpi9.caseload"), Some(3));
        assert_eq!(m.get("kpi9.children"), Some(3));
        assert_eq!(m.get("kpi9.caseload_children"), Some(1));
    }
}
