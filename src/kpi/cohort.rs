//! The cohort of KPIs 1-5 and 8: children whose intervention ended in the period.
//!
//! A non-custodial intervention ends in the period when its `end_date` is inside it; a `CUST`
//! when its `release_date` is (the child is released into the community). Each child is
//! counted once, represented by the intervention that ends latest; on a tie the higher group
//! wins (custody > community > out of court > prevention), then the larger `intervention_id`
//! in byte-wise order (`9` beats `10`). Every "at the end" figure comes from that intervention.
//! A `CUST` whose licence ends in the period without a release in it is not in the cohort.
//!
//! When explaining, the interventions that touch the period but do not stand for a child are
//! its near misses: one that ended in the period while another of the child's represents it,
//! and a `CUST` licence that ended in the period without a release in it.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::tally::{Family, FamilyDef, Reason, Said, Tally, Unit, Verdict};
use crate::date::Date;
use crate::export::records::{EndState, Export, Group, Intervention, InterventionType};
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

/// What was recorded at the end (or release) of an intervention; all No when nothing was.
fn end_of<'a>(iv: &'a Intervention<'a>) -> &'a EndState<'a> {
    iv.end.as_ref().unwrap_or(&NOT_RECORDED)
}

impl<'a> Member<'a> {
    pub fn group(&self) -> Group {
        self.intervention.kind.group()
    }

    /// What was recorded at the end (or release).
    pub fn end(&self) -> &'a EndState<'a> {
        end_of(self.intervention)
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

/// An intervention that touches the period but stands for no child of the cohort.
#[derive(Debug, Clone)]
pub struct NearMiss<'a> {
    pub intervention: &'a Intervention<'a>,
    /// The rule that left it out.
    pub rule: &'static str,
    /// The rule as it applies to this intervention.
    pub why: String,
}

/// The rule of an intervention ending in the period while another represents the child.
pub const REPRESENTED: &str = "another intervention of the child represents it";
/// The rule of a custodial licence ending in the period without a release in it.
pub const LICENCE_ONLY: &str = "a CUST counts at its release, not at its licence's end";

/// How an intervention "ends" for the cohort, in words: `RO NSH-I-0053 ended 2024-12-04`.
pub fn ending(iv: &Intervention) -> String {
    let (what, date) = match iv.kind {
        InterventionType::Cust => ("released", iv.release_date),
        _ => ("ended", iv.end_date),
    };
    match date {
        Some(d) => format!(
            "{} {} {what} {d}",
            iv.kind.code(),
            crate::text::cut(iv.intervention_id)
        ),
        None => format!(
            "{} {} not {what}",
            iv.kind.code(),
            crate::text::cut(iv.intervention_id)
        ),
    }
}

/// The interventions that touch the period but are not in the cohort, in row order.
pub fn near_misses<'a>(
    export: &'a Export<'a>,
    period: Period,
    members: &[Member<'a>],
) -> Vec<NearMiss<'a>> {
    let by_child: BTreeMap<&str, &Intervention> = members
        .iter()
        .map(|m| (m.intervention.child_id, m.intervention))
        .collect();
    let mut out = Vec::new();
    for iv in &export.interventions {
        if iv.cohort_end().is_some_and(|d| period.contains(d)) {
            let Some(best) = by_child.get(iv.child_id) else {
                continue;
            };
            if std::ptr::eq(*best, iv) {
                continue;
            }
            let how = if best.cohort_end() > iv.cohort_end() {
                "ends later"
            } else if best.kind.group() > iv.kind.group() {
                "ends the same day in a higher group"
            } else {
                "ends the same day in the same group, and its id is larger byte-wise"
            };
            out.push(NearMiss {
                intervention: iv,
                rule: REPRESENTED,
                why: format!(
                    "{} in the period, but {} {how}: that one represents the child",
                    ending(iv),
                    ending(best)
                ),
            });
        } else if iv.kind == InterventionType::Cust
            && let Some(end) = iv.end_date.filter(|d| period.contains(*d))
        {
            let released = match iv.release_date {
                Some(d) => format!("released {d}"),
                None => "no release recorded".to_string(),
            };
            out.push(NearMiss {
                intervention: iv,
                rule: LICENCE_ONLY,
                why: format!(
                    "CUST {} licence ended {end} in the period, {released}, no release in it: \
                     not in the cohort",
                    crate::text::cut(iv.intervention_id)
                ),
            });
        }
    }
    out
}

/// The cohort as the KPIs decide it: its members, its near misses (when explaining) and the
/// family `cohort.GROUP.children`, which every cohort percentage is a share of.
pub struct Cohort<'a> {
    pub members: Vec<Member<'a>>,
    pub near: Vec<NearMiss<'a>>,
    pub family: Family,
}

/// What the cohort's families count from.
pub const UNIVERSE: &str = "the cohort (children whose intervention ended in the period)";

impl<'a> Cohort<'a> {
    /// Finds the cohort of `period` and decides `cohort.GROUP.children`.
    pub fn tally<T: Tally<'a>>(export: &'a Export<'a>, period: Period, t: &mut T) -> Cohort<'a> {
        let members = members(export, period);
        let near = if T::EXPLAINING {
            near_misses(export, period, &members)
        } else {
            Vec::new()
        };
        let family = t.family(FamilyDef::groups(
            "cohort",
            "children",
            Unit::Count,
            "the interventions ending in the period",
        ));
        let cohort = Cohort {
            members,
            near,
            family,
        };
        cohort.decide(t, family, |_| Verdict::Yes(1), |_| Said::default());
        cohort
    }

    /// Decides family `f` for every member, each in its group, by `verdict` on what was
    /// recorded at the end; `say` gives the fields and the sentence, only when explaining.
    /// A near miss is reported where it would have counted.
    pub fn decide<T: Tally<'a>>(
        &self,
        t: &mut T,
        f: Family,
        verdict: impl Fn(&EndState<'a>) -> Verdict,
        say: impl Fn(&EndState<'a>) -> Said,
    ) {
        for m in &self.members {
            let end = m.end();
            t.decide(f, m.group() as usize, verdict(end), || {
                if f == self.family {
                    let mut r = reason(m.intervention, membership(m.intervention));
                    r.why = format!("{}: in the cohort", ending(m.intervention));
                    return r;
                }
                let said = say(end);
                let mut r = reason(m.intervention, said.fields);
                r.why = said.why;
                r
            });
        }
        if T::EXPLAINING {
            for n in &self.near {
                let end = end_of(n.intervention);
                if !verdict(end).counts() {
                    continue;
                }
                t.near_miss(f, n.intervention.kind.group() as usize, n.rule, || {
                    if f == self.family {
                        let mut r = reason(n.intervention, membership(n.intervention));
                        r.why = n.why.clone();
                        return r;
                    }
                    let said = say(end);
                    let mut r = reason(n.intervention, said.fields);
                    r.why = format!("{} (it would count: {})", n.why, said.why);
                    r
                });
            }
        }
    }
}

/// What decides a child's place in the cohort: the intervention's type and the day it ended
/// (or the child was released).
fn membership(iv: &Intervention) -> Vec<(&'static str, String)> {
    let mut fields = vec![("intervention_type", iv.kind.code().to_string())];
    if iv.kind == InterventionType::Cust {
        fields.push(("release_date", date_text(iv.release_date)));
    }
    fields.push(("end_date", date_text(iv.end_date)));
    fields
}

/// A cohort record: the child, on the row of the intervention that decides it.
pub fn reason<'a>(iv: &'a Intervention<'a>, fields: Vec<(&'static str, String)>) -> Reason<'a> {
    Reason {
        sheet: "Interventions",
        row: iv.row,
        ids: vec![
            ("child_id", Cow::Borrowed(iv.child_id)),
            ("intervention_id", Cow::Borrowed(iv.intervention_id)),
        ],
        key: 1,
        fields,
        why: String::new(),
    }
}

/// A date as the export's text, blank when there is none.
pub fn date_text(d: Option<Date>) -> String {
    d.map_or_else(String::new, |d| d.to_string())
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
        let m = figures(&e, "2024-25 Q2");
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
        let m = figures(&e, "2024-25 Q2");
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
        let m = figures(&e, "2024-25 Q2");
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

    #[test]
    fn a_member_says_which_intervention_ended_and_on_which_row() {
        let mut iv = ended("I7", "C1", Ro, "2024-01-01", "2024-08-01");
        iv.row = 9;
        let r = Recorder::of(&export(vec![iv]), "2024-25 Q2");
        let h = r.get("cohort.community.children", "C1");
        assert_eq!((h.counted, h.row), (Some(1), 9));
        assert_eq!(h.why, "RO I7 ended 2024-08-01: in the cohort");
        assert_eq!(
            h.fields,
            [
                ("intervention_type", "RO".to_string()),
                ("end_date", "2024-08-01".to_string())
            ]
        );
        assert_eq!(r.counted("cohort.all.children"), ["C1"]);
    }

    #[test]
    fn a_licence_ending_without_a_release_in_the_period_is_a_near_miss() {
        let mut licence = released("I2", "C2", "2023-06-01", "2024-05-01", Some("2024-08-01"));
        licence.row = 4;
        let e = export(vec![licence]);
        let r = Recorder::of(&e, "2024-25 Q2");
        assert!(r.counted("cohort.all.children").is_empty());
        assert_eq!(r.near("cohort.custody.children"), ["C2"]);
        assert_eq!(r.near("cohort.all.children"), ["C2"]);
        let h = r.near_miss("cohort.custody.children", "C2");
        assert_eq!((h.rule, h.row), (Some(LICENCE_ONLY), 4));
        assert_eq!(
            h.why,
            "CUST I2 licence ended 2024-08-01 in the period, released 2024-05-01, no release \
             in it: not in the cohort"
        );
        // The KPIs it would have counted in say so; those it would not have, do not list it.
        let h = r.near_miss("kpi1.custody.suitable", "C2");
        assert_eq!(h.rule, Some(LICENCE_ONLY));
        assert!(
            h.why
                .ends_with("(it would count: accommodation at the end: PARENTS, suitable Y)"),
            "{}",
            h.why
        );
        assert!(r.near("kpi1.custody.type.nfa").is_empty());
        // In Q1, the quarter of the release, it counts.
        let r = Recorder::of(&e, "2024-25 Q1");
        assert_eq!(r.counted("cohort.custody.children"), ["C2"]);
        assert!(r.near("cohort.custody.children").is_empty());
    }

    #[test]
    fn an_intervention_of_a_child_represented_by_another_is_a_near_miss_in_its_group() {
        let e = export(vec![
            ended("I1", "C1", Prev, "2024-01-01", "2024-07-10"),
            ended("I2", "C1", Ro, "2024-01-01", "2024-09-02"),
            ended("I3", "C2", Yc, "2024-01-01", "2024-08-01"),
            released("I4", "C2", "2024-01-01", "2024-08-01", None),
            ended("10", "C3", Ro, "2024-01-01", "2024-08-01"),
            ended("9", "C3", Yro, "2024-01-01", "2024-08-01"),
        ]);
        let r = Recorder::of(&e, "2024-25 Q2");
        assert_eq!(r.near("cohort.prevention.children"), ["C1"]);
        assert_eq!(
            r.near_miss("cohort.prevention.children", "C1").why,
            "PREV I1 ended 2024-07-10 in the period, but RO I2 ended 2024-09-02 ends later: \
             that one represents the child"
        );
        assert_eq!(
            r.near_miss("cohort.out_of_court.children", "C2").why,
            "YC I3 ended 2024-08-01 in the period, but CUST I4 released 2024-08-01 ends the \
             same day in a higher group: that one represents the child"
        );
        let community = r.near_miss("cohort.community.children", "C3");
        assert_eq!(community.rule, Some(REPRESENTED));
        assert!(
            community
                .why
                .starts_with("RO 10 ended 2024-08-01 in the period, but YRO 9")
        );
        assert!(community.why.contains("its id is larger byte-wise"));
        // Each child is counted once, under the intervention that represents it.
        assert_eq!(r.counted("cohort.all.children"), ["C1", "C2", "C3"]);
        assert_eq!(
            r.get("cohort.community.children", "C1").why,
            "RO I2 ended 2024-09-02: in the cohort"
        );
    }

    #[test]
    fn a_count_never_looks_for_near_misses() {
        // The same export through the build's tally: the figures only.
        let e = export(vec![released(
            "I2",
            "C2",
            "2023-06-01",
            "2024-05-01",
            Some("2024-08-01"),
        )]);
        let m = figures(&e, "2024-25 Q2");
        assert_eq!(m.get("cohort.all.children"), Some(0));
    }
}
