//! The cohort of KPIs 1-5 and 8: children whose intervention ended in the period.
//!
//! A non-custodial intervention ends in the period when its `end_date` is inside it; a `CUST`
//! when its `release_date` is (the child is released into the community). Each child is
//! counted once, represented by the intervention that ends latest; on a tie the higher group
//! wins (custody > community > out of court > prevention), then the larger `intervention_id`
//! in byte-wise order (`9` beats `10`). Every "at the end" figure comes from that intervention.
//! A `CUST` whose licence ends in the period without a release in it is not in the cohort.

use std::collections::BTreeMap;

use crate::date::Date;
use crate::export::records::{EndState, Export, Group, Intervention};
use crate::measures::Measures;
use crate::period::Period;

/// One child of the cohort and the intervention that represents it.
#[derive(Debug, Clone, Copy)]
pub struct Member<'a> {
    pub intervention: &'a Intervention<'a>,
}

static NOT_RECORDED: EndState<'static> = EndState {
    accommodation_type: "",
    accommodation_suitable: false,
    ete_status: "",
    ete_suitable: false,
    ete_hours_offered: None,
    ete_hours_attended: None,
    send_identified: false,
    send_plan: None,
    mh_need: false,
    mh_planned: false,
    mh_attended: false,
    sm_need: false,
    sm_planned: false,
    sm_attended: false,
    early_help: false,
    child_protection: false,
    child_in_need: false,
    looked_after: false,
};

impl<'a> Member<'a> {
    pub fn group(&self) -> Group {
        self.intervention.kind.group()
    }

    /// What was recorded at the end (or release).
    pub fn end(&self) -> &'a EndState<'a> {
        self.intervention.end.as_ref().unwrap_or(&NOT_RECORDED)
    }
}

/// The order in which interventions compete to represent a child: later end, then higher
/// group, then larger id (byte-wise).
fn rank<'a>(iv: &Intervention<'a>) -> (Option<Date>, Group, &'a [u8]) {
    (
        iv.cohort_end(),
        iv.kind.group(),
        iv.intervention_id.as_bytes(),
    )
}

/// The cohort, one member per child, ordered by child id.
pub fn members<'a>(export: &'a Export<'a>, period: Period) -> Vec<Member<'a>> {
    let mut best: BTreeMap<&str, &Intervention> = BTreeMap::new();
    for iv in &export.interventions {
        if !iv.cohort_end().is_some_and(|d| period.contains(d)) {
            continue;
        }
        best.entry(iv.child_id)
            .and_modify(|current| {
                if rank(iv) > rank(current) {
                    *current = iv;
                }
            })
            .or_insert(iv);
    }
    best.into_values()
        .map(|intervention| Member { intervention })
        .collect()
}

/// `cohort.GROUP.children`.
pub fn measures(members: &[Member]) -> Measures {
    let mut m = Measures::new();
    PerGroup::count(members, |_| true).set(&mut m, "cohort", "children");
    m
}

/// A count per group, from which the five `GROUP` measures are set (`all` = the sum).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct PerGroup([i64; 4]);

impl PerGroup {
    pub fn add(&mut self, group: Group, n: i64) {
        self.0[group as usize] += n;
    }

    /// Counts the cohort members for which `test` holds.
    pub fn count(members: &[Member], test: impl Fn(&EndState) -> bool) -> PerGroup {
        let mut g = PerGroup::default();
        for member in members {
            if test(member.end()) {
                g.add(member.group(), 1);
            }
        }
        g
    }

    /// Sets `<kpi>.<group>.<what>` for the four groups and `all`.
    pub fn set(self, m: &mut Measures, kpi: &str, what: &str) {
        for group in Group::ALL {
            m.set(
                format!("{kpi}.{}.{what}", group.code()),
                self.0[group as usize],
            );
        }
        m.set(format!("{kpi}.all.{what}"), self.0.iter().sum::<i64>());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::records::InterventionType::*;
    use crate::kpi::testkit::*;

    fn ids(export: &Export, period: &str) -> Vec<String> {
        members(export, q(period))
            .iter()
            .map(|m| m.intervention.intervention_id.to_string())
            .collect()
    }

    #[test]
    fn one_child_is_counted_once_with_the_latest_ending_intervention() {
        let e = export(vec![
            ended("I1", "C1", Prev, "2024-01-01", "2024-07-10"),
            ended("I2", "C1", Ro, "2024-01-01", "2024-09-02"),
            ended("I3", "C1", Div, "2024-01-01", "2024-08-01"),
            ended("I4", "C2", Yc, "2024-01-01", "2024-07-01"),
        ]);
        assert_eq!(ids(&e, "2024-25 Q2"), ["I2", "I4"]);
        let m = measures(&members(&e, q("2024-25 Q2")));
        assert_eq!(m.get("cohort.community.children"), Some(1));
        assert_eq!(m.get("cohort.out_of_court.children"), Some(1));
        assert_eq!(m.get("cohort.prevention.children"), Some(0));
        assert_eq!(m.get("cohort.custody.children"), Some(0));
        assert_eq!(m.get("cohort.all.children"), Some(2));
    }

    #[test]
    fn a_tie_on_the_day_goes_to_the_higher_group() {
        let e = export(vec![
            ended("I1", "C1", Ro, "2024-01-01", "2024-08-01"),
            ended("I2", "C1", Yc, "2024-01-01", "2024-08-01"),
            released("I3", "C1", "2024-01-01", "2024-08-01", None),
            ended("I4", "C2", Prev, "2024-01-01", "2024-08-01"),
            ended("I5", "C2", Div, "2024-01-01", "2024-08-01"),
        ]);
        assert_eq!(ids(&e, "2024-25 Q2"), ["I3", "I5"]);
    }

    #[test]
    fn a_further_tie_goes_to_the_larger_id_byte_wise() {
        let e = export(vec![
            ended("10", "C1", Ro, "2024-01-01", "2024-08-01"),
            ended("9", "C1", Yro, "2024-01-01", "2024-08-01"),
            ended("A-2", "C2", Yc, "2024-01-01", "2024-08-01"),
            ended("A-10", "C2", Ycc, "2024-01-01", "2024-08-01"),
        ]);
        assert_eq!(ids(&e, "2024-25 Q2"), ["9", "A-2"]);
    }

    #[test]
    fn custody_counts_by_release_date_not_licence_end() {
        let e = export(vec![
            // Released in Q2, licence ends in Q4: in the Q2 cohort only.
            released("I1", "C1", "2024-01-01", "2024-08-15", Some("2025-02-01")),
            // Licence ends in Q2 but the release was in Q1: not in the Q2 cohort.
            released("I2", "C2", "2023-06-01", "2024-05-01", Some("2024-08-01")),
            // Still in custody: never in a cohort.
            open("I3", "C3", Cust, "2024-03-01"),
        ]);
        assert_eq!(ids(&e, "2024-25 Q2"), ["I1"]);
        assert_eq!(ids(&e, "2024-25 Q1"), ["I2"]);
        assert!(ids(&e, "2024-25 Q4").is_empty());
        let m = measures(&members(&e, q("2024-25 Q2")));
        assert_eq!(m.get("cohort.custody.children"), Some(1));
    }

    #[test]
    fn a_custody_release_and_a_later_order_end_compare_by_release_date() {
        let e = export(vec![
            released("I1", "C1", "2024-01-01", "2024-09-20", Some("2024-12-01")),
            ended("I2", "C1", Ro, "2024-01-01", "2024-09-10"),
        ]);
        assert_eq!(ids(&e, "2024-25 Q2"), ["I1"]);
    }

    #[test]
    fn open_interventions_are_not_in_the_cohort_even_with_end_fields_filled() {
        let mut still_open = open("I1", "C1", Ro, "2024-01-01");
        still_open.end = Some(end_state());
        let e = export(vec![still_open]);
        assert!(ids(&e, "2024-25 Q2").is_empty());
        let m = measures(&members(&e, q("2024-25 Q2")));
        assert_eq!(m.get("cohort.all.children"), Some(0));
    }

    #[test]
    fn period_boundaries_first_and_last_day_in_one_day_outside_out() {
        let e = export(vec![
            ended("I1", "C1", Ro, "2024-01-01", "2024-07-01"),
            ended("I2", "C2", Ro, "2024-01-01", "2024-09-30"),
            ended("I3", "C3", Ro, "2024-01-01", "2024-06-30"),
            ended("I4", "C4", Ro, "2024-01-01", "2024-10-01"),
        ]);
        assert_eq!(ids(&e, "2024-25 Q2"), ["I1", "I2"]);
    }
}
