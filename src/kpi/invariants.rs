//! The return's internal consistency: each KPI section is a funnel or a breakdown, so every
//! sub-measure is within its parent, `all` is the sum of the four groups, and breakdowns sum
//! to the cohort. Checked after every build (a failure is a fault in the tool) and by `check`
//! on a return read back from its files (a failure there means a figure was changed).
//!
//! Rules are derived from the codes present, not from the definitions, so a return read back
//! can be checked as it stands; a measure missing from a rule is skipped here (`check`
//! reports missing measures itself).

use std::collections::BTreeSet;

use super::codes::GROUP_CODES;
use crate::measures::Measures;

/// One way the figures fail to hang together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inconsistency {
    /// The measure at fault.
    pub code: String,
    /// The measure it is checked against (its parent, or the total it should sum to).
    pub parent: Option<String>,
    pub message: String,
}

struct Checker<'a> {
    m: &'a Measures,
    out: Vec<Inconsistency>,
}

impl Checker<'_> {
    /// `child` ≤ `parent`.
    fn within(&mut self, child: &str, parent: &str, why: &str) {
        if let (Some(c), Some(p)) = (self.m.get(child), self.m.get(parent))
            && c > p
        {
            self.out.push(Inconsistency {
                code: child.to_string(),
                parent: Some(parent.to_string()),
                message: format!("{child} ({c}) is more than {parent} ({p}): {why}"),
            });
        }
    }

    /// `total` = the sum of `parts` (all present).
    fn sums(&mut self, total: &str, parts: &[String], why: &str) {
        let Some(t) = self.m.get(total) else { return };
        let values: Option<Vec<i64>> = parts.iter().map(|p| self.m.get(p)).collect();
        let Some(values) = values else { return };
        // In i128: a return read back from a file can hold any i64, and a sum must not overflow.
        let sum: i128 = values.iter().map(|v| i128::from(*v)).sum();
        if sum != i128::from(t) {
            self.out.push(Inconsistency {
                code: total.to_string(),
                parent: None,
                message: format!("{total} is {t} but {why} add up to {sum}"),
            });
        }
    }
}

pub fn check(m: &Measures) -> Vec<Inconsistency> {
    let mut c = Checker { m, out: Vec::new() };
    let groups = &GROUP_CODES[..4];

    // `all` = the sum of the four groups, for every per-group measure present.
    let per_group: BTreeSet<(String, String)> = m
        .iter()
        .filter_map(|(code, _)| {
            let (kpi, rest) = code.split_once('.')?;
            let (group, what) = rest.split_once('.')?;
            GROUP_CODES
                .contains(&group)
                .then(|| (kpi.to_string(), what.to_string()))
        })
        .filter(|(kpi, _)| kpi != "kpi6")
        .collect();
    for (kpi, what) in &per_group {
        let parts: Vec<String> = groups.iter().map(|g| format!("{kpi}.{g}.{what}")).collect();
        c.sums(
            &format!("{kpi}.all.{what}"),
            &parts,
            "the four groups (prevention, out of court, community, custody)",
        );
    }

    for g in GROUP_CODES {
        let children = format!("cohort.{g}.children");
        let at = |kpi: &str, what: &str| format!("{kpi}.{g}.{what}");
        c.within(
            &at("kpi1", "suitable"),
            &children,
            "suitable accommodation is counted among the cohort",
        );
        c.within(
            &at("kpi2", "suitable"),
            &children,
            "suitable ETE is counted among the cohort",
        );
        for (kpi, breakdown, name) in [
            ("kpi1", "type.", "accommodation types"),
            ("kpi2", "status.", "ETE statuses"),
        ] {
            let prefix = format!("{kpi}.{g}.{breakdown}");
            let parts: Vec<String> = m
                .iter()
                .map(|(code, _)| code)
                .filter(|code| code.starts_with(&prefix))
                .map(str::to_string)
                .collect();
            if !parts.is_empty() {
                c.sums(&children, &parts, &format!("the {name} of {kpi}"));
            }
        }
        c.within(
            &at("kpi2", "hours_attended"),
            &at("kpi2", "hours_offered"),
            "hours attended are never more than hours offered",
        );
        c.within(
            &at("kpi3", "send_identified"),
            &children,
            "children with a need are counted among the cohort",
        );
        c.within(
            &at("kpi3", "formal_plan"),
            &at("kpi3", "send_identified"),
            "a formal plan is counted among those with a need",
        );
        c.within(
            &at("kpi3", "plan_and_suitable_ete"),
            &at("kpi3", "formal_plan"),
            "counted among those with a plan",
        );
        c.within(
            &at("kpi3", "plan_and_suitable_ete"),
            &at("kpi2", "suitable"),
            "counted among those in suitable ETE",
        );
        for kpi in ["kpi4", "kpi5"] {
            c.within(
                &at(kpi, "need"),
                &children,
                "children with a need are counted among the cohort",
            );
            c.within(
                &at(kpi, "planned"),
                &at(kpi, "need"),
                "planned is counted among those with a need",
            );
            c.within(
                &at(kpi, "attended"),
                &at(kpi, "planned"),
                "attending is counted among those planned",
            );
        }
        for service in [
            "early_help",
            "child_protection",
            "child_in_need",
            "looked_after",
        ] {
            c.within(
                &at("kpi8", service),
                &at("kpi8", "any"),
                "a child on a service is on at least one",
            );
        }
        c.within(
            &at("kpi8", "any"),
            &children,
            "children on a service are counted among the cohort",
        );
    }

    let kinds = ["div", "yc", "ycc"];
    for kind in ["div", "yc", "ycc", "all"] {
        c.sums(
            &format!("kpi6.{kind}.ended"),
            &[
                format!("kpi6.{kind}.completed"),
                format!("kpi6.{kind}.not_completed"),
            ],
            "completed and not completed",
        );
    }
    for what in ["ended", "completed", "not_completed"] {
        let parts: Vec<String> = kinds.iter().map(|k| format!("kpi6.{k}.{what}")).collect();
        c.sums(&format!("kpi6.all.{what}"), &parts, "DIV, YC and YCC");
    }

    let partners: BTreeSet<&str> = m
        .iter()
        .filter_map(|(code, _)| code.strip_prefix("kpi7.")?.strip_suffix(".attended"))
        .collect();
    for p in partners {
        let at = |what: &str| format!("kpi7.{p}.{what}");
        c.within(
            &at("attended"),
            "kpi7.meetings",
            "a partner attends at most every meeting",
        );
        c.within(
            &at("senior"),
            &at("attended"),
            "senior attendance is counted among meetings attended",
        );
        c.within(
            &at("disproportionality_data"),
            "kpi7.meetings",
            "data is contributed at most once per meeting",
        );
    }
    c.within(
        "kpi7.statutory_all_senior",
        "kpi7.meetings",
        "counted among the meetings",
    );
    for p in crate::export::records::STATUTORY_PARTNERS {
        c.within(
            "kpi7.statutory_all_senior",
            &format!("kpi7.{}.senior", p.to_lowercase()),
            "every statutory partner was senior at those meetings",
        );
    }

    c.within(
        "kpi9.children",
        "kpi9.offences",
        "each child counted has at least one offence",
    );
    c.within(
        "kpi9.caseload_children",
        "kpi9.children",
        "counted among the children with an offence",
    );
    c.within(
        "kpi9.caseload_children",
        "kpi9.caseload",
        "counted among the caseload",
    );
    c.within(
        "caseload.all.open_at_end",
        "kpi9.caseload",
        "a child open on the quarter's last day was open during the quarter",
    );

    c.within(
        "kpi10.consented",
        "kpi10.victims",
        "counted among the victims contacted",
    );
    for what in [
        "rj_engaged",
        "views_sought",
        "progress_requested",
        "services_requested",
    ] {
        c.within(
            &format!("kpi10.{what}"),
            "kpi10.consented",
            "counted among the victims who consented",
        );
    }
    c.within(
        "kpi10.progress_provided",
        "kpi10.progress_requested",
        "provided only when requested",
    );
    c.within(
        "kpi10.services_provided",
        "kpi10.services_requested",
        "provided only when requested",
    );

    c.within(
        "reoffending.reoffenders",
        "reoffending.cohort",
        "counted among the cohort",
    );
    c.within(
        "reoffending.reoffenders",
        "reoffending.reoffences",
        "each reoffender has at least one reoffence",
    );
    c.out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::records::*;
    use crate::kpi::testkit::*;
    use crate::kpi::{Codes, compute};
    use proptest::prelude::*;

    fn codes() -> Codes {
        let defs =
            crate::definitions::Definitions::latest(&crate::definitions::Source::Embedded).unwrap();
        Codes::from_definitions(&defs)
    }

    #[test]
    fn codes_come_from_the_schemas() {
        let c = codes();
        assert!(c.accommodation.contains(&"NFA".to_string()), "{c:?}");
        assert!(c.ete.contains(&"NEET".to_string()), "{c:?}");
        assert_eq!(c.partners.len(), 10, "{c:?}");
    }

    #[test]
    fn catches_a_sub_measure_above_its_parent_and_a_wrong_total() {
        let mut m = compute(&export(vec![]), q("2024-25 Q2"), &codes());
        assert_eq!(check(&m), vec![]);
        let mut edited = Measures::new();
        for (code, v) in m.iter() {
            let v = match code {
                "kpi4.custody.planned" => 2,
                "kpi4.custody.need" => 1,
                "kpi4.all.need" => 1,
                "kpi4.all.planned" => 2,
                "kpi6.all.ended" => 5,
                _ => v,
            };
            edited.set(code, v);
        }
        m = edited;
        let found: Vec<(String, Option<String>)> =
            check(&m).into_iter().map(|i| (i.code, i.parent)).collect();
        assert!(
            found.contains(&(
                "kpi4.custody.planned".into(),
                Some("kpi4.custody.need".into())
            )),
            "{found:?}"
        );
        assert!(
            found.contains(&(
                "kpi4.custody.need".into(),
                Some("cohort.custody.children".into())
            )),
            "{found:?}"
        );
        assert!(
            found.contains(&("kpi6.all.ended".into(), None)),
            "{found:?}"
        );
    }

    #[test]
    fn the_caseload_at_the_end_sums_its_groups_and_stays_within_the_quarter_caseload() {
        let m = compute(&export(vec![]), q("2024-25 Q2"), &codes());
        let set = |changes: &[(&str, i64)]| {
            let mut edited = Measures::new();
            for (code, v) in m.iter() {
                let v = changes
                    .iter()
                    .find(|(c, _)| *c == code)
                    .map_or(v, |(_, n)| *n);
                edited.set(code, v);
            }
            check(&edited)
                .into_iter()
                .map(|i| (i.code, i.parent))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            set(&[
                ("caseload.community.open_at_end", 3),
                ("caseload.all.open_at_end", 3),
                ("kpi9.caseload", 3),
            ]),
            vec![]
        );
        assert_eq!(
            set(&[("caseload.custody.open_at_end", 1), ("kpi9.caseload", 5)]),
            vec![("caseload.all.open_at_end".to_string(), None)]
        );
        assert_eq!(
            set(&[
                ("caseload.custody.open_at_end", 4),
                ("caseload.all.open_at_end", 4),
                ("kpi9.caseload", 3),
            ]),
            vec![(
                "caseload.all.open_at_end".to_string(),
                Some("kpi9.caseload".to_string())
            )]
        );
    }

    // Generated exports: every invariant holds whatever the data.

    /// Generated ids, kept for the whole test run as the records borrow them (a few
    /// kilobytes).
    fn leaked(id: String) -> &'static str {
        Box::leak(id.into_boxed_str())
    }

    fn date_in(days: std::ops::Range<i64>) -> impl Strategy<Value = crate::date::Date> {
        days.prop_map(|n| d("2024-01-01").add_days(n))
    }

    fn end_state_strategy() -> impl Strategy<Value = EndState<'static>> {
        (
            prop::sample::select(vec!["PARENTS", "NFA", "FOSTER", "SECURE"]),
            any::<[bool; 14]>(),
            prop::option::of((0u32..=80, 0u32..=80)),
            prop::sample::select(vec![
                None,
                Some("EHCP"),
                Some("SEN_SUPPORT"),
                Some("IDP"),
                Some("NONE"),
            ]),
            prop::sample::select(vec!["SCHOOL_FT", "NEET", "TRAINING"]),
        )
            .prop_map(|(acc, f, hours, plan, ete)| EndState {
                accommodation_type: acc,
                accommodation_suitable: f[0],
                ete_status: ete,
                ete_suitable: f[1],
                ete_hours_offered: hours.map(|(o, _)| Hours(i64::from(o) * 250)),
                ete_hours_attended: hours.map(|(o, a)| Hours(i64::from(a.min(o)) * 250)),
                send_identified: f[2],
                send_plan: if f[2] { plan } else { None },
                mh_need: f[3],
                mh_planned: f[3] && f[4],
                mh_attended: f[3] && f[4] && f[5],
                sm_need: f[6],
                sm_planned: f[6] && f[7],
                sm_attended: f[6] && f[7] && f[8],
                early_help: f[9],
                child_protection: f[10],
                child_in_need: f[11],
                looked_after: f[12],
            })
    }

    fn intervention_strategy() -> impl Strategy<Value = Intervention<'static>> {
        (
            0usize..12,
            prop::sample::select(InterventionType::ALL.to_vec()),
            date_in(0..300),
            prop::option::of(0i64..400),
            prop::option::of(0i64..200),
            end_state_strategy(),
            any::<bool>(),
        )
            .prop_map(|(child, kind, start, end, release, state, done)| {
                let end_date = end.map(|n| start.add_days(n));
                let release_date = match kind {
                    InterventionType::Cust => release
                        .map(|n| start.add_days(n))
                        .filter(|r| end_date.is_none_or(|e| *r <= e)),
                    _ => None,
                };
                let ended = end_date.is_some() || release_date.is_some();
                Intervention {
                    row: 2,
                    intervention_id: leaked(format!("I{}", child * 7 % 11)),
                    child_id: leaked(format!("C{child}")),
                    kind,
                    start_date: start,
                    end_date,
                    release_date,
                    ooc_outcome: (kind.is_out_of_court() && end_date.is_some()).then_some(
                        if done {
                            OocOutcome::Completed
                        } else {
                            OocOutcome::NotCompleted
                        },
                    ),
                    end: ended.then_some(state),
                }
            })
    }

    fn export_strategy() -> impl Strategy<Value = Export<'static>> {
        (
            prop::collection::vec(intervention_strategy(), 0..30),
            prop::collection::vec(
                (
                    0usize..12,
                    date_in(0..400),
                    1u8..=8,
                    any::<[bool; 3]>(),
                    prop::sample::select(vec!["VIOLENCE", "ROBBERY", "THEFT", "DRUGS"]),
                ),
                0..20,
            ),
            prop::collection::vec(
                (date_in(150..280), any::<[bool; 3]>(), any::<[bool; 6]>()),
                0..15,
            ),
            prop::collection::vec((0usize..4, 0usize..10, any::<[bool; 3]>()), 0..40),
            prop::option::of(prop::collection::vec((0u8..8, 0u32..4), 0..20)),
        )
            .prop_map(|(mut interventions, offences, victims, board, cohort)| {
                for (i, iv) in interventions.iter_mut().enumerate() {
                    iv.intervention_id = leaked(format!("I{i}"));
                }
                let mut e = export(interventions);
                e.offences = offences
                    .into_iter()
                    .enumerate()
                    .map(|(i, (child, date, gravity, f, cat))| {
                        let conviction = f[0];
                        offence(
                            leaked(format!("O{i}")),
                            leaked(format!("C{child}")),
                            &date.to_string(),
                            if conviction { "CONVICTION" } else { "YC" },
                            cat,
                            gravity,
                            conviction.then_some(f[1]),
                        )
                    })
                    .collect();
                e.victims = victims
                    .into_iter()
                    .enumerate()
                    .map(|(i, (date, f, a))| {
                        let c = f[0];
                        let yes = |b: bool| c.then_some(b);
                        Victim {
                            row: 2,
                            victim_id: leaked(format!("V{i}")),
                            intervention_id: "I0",
                            contact_date: date,
                            consented: c,
                            rj_engaged: yes(a[0]),
                            views_sought: yes(a[1]),
                            progress_requested: yes(a[2]),
                            progress_provided: yes(a[2]).map(|r| r && a[3]),
                            services_requested: yes(a[4]),
                            services_provided: yes(a[4]).map(|r| r && a[5]),
                        }
                    })
                    .collect();
                let partners = [
                    "POLICE",
                    "PROBATION",
                    "SOCIAL_CARE",
                    "EDUCATION",
                    "HEALTH",
                    "PCC",
                    "COURTS",
                    "HOUSING",
                    "VCS",
                    "OTHER",
                ];
                let mut seen = BTreeSet::new();
                e.board = board
                    .into_iter()
                    .filter(|(m, p, _)| seen.insert((*m, *p)))
                    .map(|(meeting, p, f)| BoardAttendance {
                        row: 2,
                        meeting_date: d("2024-07-01").add_days(meeting as i64 * 30),
                        partner: partners[p],
                        attended: f[0],
                        senior: f[0].then_some(f[1]),
                        disproportionality_data: f[2],
                    })
                    .collect();
                e.reoffending = cohort.map(|rows| {
                    rows.into_iter()
                        .enumerate()
                        .map(|(i, (q4, n))| CohortMember {
                            row: 2,
                            child_id: leaked(format!("R{i}")),
                            cohort_period: q("2023-24 Q1").shift(i32::from(q4)),
                            reoffences: n,
                        })
                        .collect()
                });
                e
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn every_invariant_holds_on_generated_exports(e in export_strategy(), quarter in 1u8..=4) {
            let period = crate::period::Period::new(2024, quarter).unwrap();
            let codes = codes();
            let m = compute(&e, period, &codes);
            prop_assert_eq!(check(&m), vec![]);
            // `all` is the sum of the groups, and the breakdowns sum to the cohort, directly.
            let groups = ["prevention", "out_of_court", "community", "custody"];
            let sum = |what: &str| -> i64 {
                groups.iter().map(|g| m.get(&format!("cohort.{g}.{what}")).unwrap()).sum()
            };
            prop_assert_eq!(m.get("cohort.all.children").unwrap(), sum("children"));
            let children = m.get("cohort.all.children").unwrap();
            let types: i64 = codes.accommodation.iter()
                .map(|c| m.get(&format!("kpi1.all.type.{}", c.to_lowercase())).unwrap()).sum();
            prop_assert_eq!(types, children);
            let statuses: i64 = codes.ete.iter()
                .map(|c| m.get(&format!("kpi2.all.status.{}", c.to_lowercase())).unwrap()).sum();
            prop_assert_eq!(statuses, children);
            // Each child is in the cohort at most once.
            let distinct: BTreeSet<&str> = e.interventions.iter().map(|i| i.child_id).collect();
            prop_assert!(children <= distinct.len() as i64);
        }
    }
}
