//! KPI 9, serious youth violence (SYV): offences of category `VIOLENCE`, `ROBBERY` or `DRUGS`
//! with gravity 5 or more and a `CONVICTION` outcome, counted in the period of their
//! `outcome_date`; the distinct children with one; the caseload (children with any
//! intervention open at some point in the period, `PREV` included, a `CUST` open until its
//! licence ends); and the SYV children who are on that caseload.
//!
//! Near misses: offences with an outcome in the period that miss exactly one of the three
//! tests, and SYV children who were not on the caseload.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::cohort::date_text;
use super::tally::{FamilyDef, Reason, Tally, Unit, Verdict};
use crate::date::Date;
use crate::export::records::{Export, Intervention, Offence};
use crate::period::Period;

pub const SYV_CATEGORIES: [&str; 3] = ["VIOLENCE", "ROBBERY", "DRUGS"];
pub const SYV_MIN_GRAVITY: u8 = 5;

/// A test of serious youth violence, with the rule that names it.
type Test = (fn(&Offence) -> bool, &'static str);

/// The three tests of serious youth violence.
const TESTS: [Test; 3] = [
    (
        |o| SYV_CATEGORIES.contains(&o.offence_category),
        "serious youth violence is VIOLENCE, ROBBERY or DRUGS",
    ),
    (
        |o| o.gravity_score >= SYV_MIN_GRAVITY,
        "serious youth violence has a gravity score of 5 or more",
    ),
    (
        |o| o.outcome_type == "CONVICTION",
        "serious youth violence is a conviction",
    ),
];

/// The rule that leaves out a serious youth violence child who was not on the caseload.
pub const NOT_ON_CASELOAD: &str = "only children on the caseload in the period count";

pub fn is_syv(o: &Offence) -> bool {
    TESTS.iter().all(|(test, _)| test(o))
}

/// The one test an offence fails, when it fails exactly one.
fn missed_by_one(o: &Offence) -> Option<&'static str> {
    let mut failed = TESTS.iter().filter(|(test, _)| !test(o)).map(|(_, r)| *r);
    match (failed.next(), failed.next()) {
        (Some(rule), None) => Some(rule),
        _ => None,
    }
}

/// Whether an intervention is open at some point in the period.
fn open_in(iv: &Intervention, period: Period) -> bool {
    iv.start_date <= period.end() && iv.end_date.is_none_or(|e| e >= period.start())
}

pub fn tally<'a, T: Tally<'a>>(export: &'a Export<'a>, period: Period, t: &mut T) {
    let offences = t.family(FamilyDef::single(
        "kpi9.offences",
        Unit::Count,
        "the offences with an outcome in the period",
    ));
    let mut children: BTreeMap<&str, &Offence> = BTreeMap::new();
    let mut near: BTreeMap<&str, (&Offence, &'static str)> = BTreeMap::new();
    for o in export
        .offences
        .iter()
        .filter(|o| period.contains(o.outcome_date))
    {
        if is_syv(o) {
            t.decide(offences, 0, Verdict::Yes(1), || {
                offence_reason(o, "serious youth violence")
            });
            children.entry(o.child_id).or_insert(o);
        } else if T::EXPLAINING
            && let Some(rule) = missed_by_one(o)
        {
            t.near_miss(offences, 0, rule, || offence_reason(o, rule));
            near.entry(o.child_id).or_insert((o, rule));
        }
    }
    let syv_children = t.family(FamilyDef::single(
        "kpi9.children",
        Unit::Count,
        "the children with an offence outcome in the period",
    ));
    for o in children.values() {
        t.decide(syv_children, 0, Verdict::Yes(1), || {
            child_first(offence_reason(
                o,
                "the child's first serious youth violence offence in the period",
            ))
        });
    }
    for (child, (o, rule)) in &near {
        if !children.contains_key(child) {
            t.near_miss(syv_children, 0, rule, || {
                child_first(offence_reason(o, rule))
            });
        }
    }
    let mut caseload: BTreeMap<&str, &Intervention> = BTreeMap::new();
    for iv in export.interventions.iter().filter(|iv| open_in(iv, period)) {
        caseload.entry(iv.child_id).or_insert(iv);
    }
    let on_caseload = t.family(FamilyDef::single(
        "kpi9.caseload",
        Unit::Count,
        "the children with an intervention",
    ));
    // One sentence for a child of the caseload, whichever of the two measures it is heard in.
    let on = |child: &str, iv: &'a Intervention<'a>| {
        open_intervention(
            iv,
            match children.get(child) {
                Some(o) => format!(
                    "on the caseload, with serious youth violence offence {} on {}",
                    crate::text::cut(o.offence_id),
                    o.outcome_date
                ),
                None => "on the caseload, with no serious youth violence offence with an \
                         outcome in the period"
                    .to_string(),
            },
        )
    };
    for (child, iv) in &caseload {
        t.decide(on_caseload, 0, Verdict::Yes(1), || on(child, iv));
    }
    let both = t.family(
        FamilyDef::single(
            "kpi9.caseload_children",
            Unit::Count,
            "the children on the caseload in the period",
        )
        .of(on_caseload),
    );
    for (child, iv) in &caseload {
        let verdict = Verdict::count_if(children.contains_key(child));
        t.decide(both, 0, verdict, || on(child, iv));
    }
    if T::EXPLAINING {
        let mut last_end: BTreeMap<&str, Date> = BTreeMap::new();
        for iv in &export.interventions {
            if let Some(end) = iv.end_date.filter(|_| children.contains_key(iv.child_id)) {
                let last = last_end.entry(iv.child_id).or_insert(end);
                *last = (*last).max(end);
            }
        }
        for (child, o) in &children {
            if caseload.contains_key(child) {
                continue;
            }
            t.near_miss(both, 0, NOT_ON_CASELOAD, || {
                let last = match last_end.get(child) {
                    Some(d) => format!(" (the child's last intervention ended {d})"),
                    None => " (the child has no intervention in the export)".to_string(),
                };
                child_first(offence_reason(
                    o,
                    &format!("not on the caseload: no intervention open in the period{last}"),
                ))
            });
        }
    }
}

/// `VIOLENCE, gravity 5, CONVICTION on 2024-08-01: serious youth violence`.
fn offence_reason<'a>(o: &'a Offence<'a>, what: &str) -> Reason<'a> {
    Reason {
        sheet: "Offences",
        row: o.row,
        ids: vec![
            ("offence_id", Cow::Borrowed(o.offence_id)),
            ("child_id", Cow::Borrowed(o.child_id)),
        ],
        key: 1,
        fields: vec![
            ("outcome_date", o.outcome_date.to_string()),
            ("outcome_type", o.outcome_type.to_string()),
            ("offence_category", o.offence_category.to_string()),
            ("gravity_score", o.gravity_score.to_string()),
        ],
        why: format!(
            "{}, gravity {}, {} on {}: {what}",
            o.offence_category, o.gravity_score, o.outcome_type, o.outcome_date
        ),
    }
}

/// An offence as the record of its child: the child's id first, identifying it.
fn child_first(mut r: Reason) -> Reason {
    r.ids.swap(0, 1);
    r
}

/// A child on the caseload, on the row of its first intervention open in the period.
fn open_intervention<'a>(iv: &'a Intervention<'a>, why: String) -> Reason<'a> {
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
            "{} {} open in the period (from {}{}): {why}",
            iv.kind.code(),
            crate::text::cut(iv.intervention_id),
            iv.start_date,
            iv.end_date
                .map_or_else(|| ", not ended".to_string(), |d| format!(" to {d}"))
        ),
    }
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
        let m = figures(&e, "2024-25 Q2");
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
        let m = figures(&e, "2024-25 Q2");
        assert_eq!(m.get("kpi9.caseload"), Some(3));
        assert_eq!(m.get("kpi9.children"), Some(3));
        assert_eq!(m.get("kpi9.caseload_children"), Some(1));
    }

    #[test]
    fn an_offence_missing_one_test_is_a_near_miss_and_two_are_not() {
        let mut e = export(vec![open("I1", "C1", Ro, "2024-01-01")]);
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
            offence("O6", "C5", "2024-08-01", "YC", "THEFT", 2, None),
        ];
        let r = Recorder::of(&e, "2024-25 Q2");
        assert_eq!(r.counted("kpi9.offences"), ["O1"]);
        assert_eq!(r.near("kpi9.offences"), ["O3", "O4", "O5"]);
        let o3 = r.near_miss("kpi9.offences", "O3");
        assert_eq!(
            o3.why,
            "VIOLENCE, gravity 4, CONVICTION on 2024-08-01: serious youth violence has a \
             gravity score of 5 or more"
        );
        assert_eq!(
            r.near_miss("kpi9.offences", "O4").rule,
            Some("serious youth violence is a conviction")
        );
        // The children: counted by their first SYV offence, near misses by theirs.
        assert_eq!(r.counted("kpi9.children"), ["C1"]);
        assert_eq!(r.near("kpi9.children"), ["C2", "C3", "C4"]);
    }

    #[test]
    fn a_syv_child_off_the_caseload_is_a_near_miss_of_the_caseload_children() {
        let mut e = export(vec![
            open("I1", "C1", Ro, "2024-01-01"),
            ended("I2", "C2", Ro, "2024-01-01", "2024-06-14"),
            open("I3", "C3", Prev, "2024-05-01"),
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
                "C2",
                "2024-09-01",
                "CONVICTION",
                "ROBBERY",
                6,
                Some(true),
            ),
        ];
        let r = Recorder::of(&e, "2024-25 Q2");
        assert_eq!(r.counted("kpi9.caseload"), ["C1", "C3"]);
        assert_eq!(r.counted("kpi9.caseload_children"), ["C1"]);
        assert_eq!(r.outside("kpi9.caseload_children"), ["C3"]);
        assert_eq!(
            r.get("kpi9.caseload_children", "C1").why,
            "RO I1 open in the period (from 2024-01-01, not ended): on the caseload, with \
             serious youth violence offence O1 on 2024-08-01"
        );
        let c2 = r.near_miss("kpi9.caseload_children", "C2");
        assert_eq!(c2.rule, Some(NOT_ON_CASELOAD));
        assert!(
            c2.why.ends_with(
                "not on the caseload: no intervention open in the period (the child's last \
                 intervention ended 2024-06-14)"
            ),
            "{}",
            c2.why
        );
    }
}
