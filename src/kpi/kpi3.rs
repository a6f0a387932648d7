//! KPI 3, special educational needs (England) / additional learning needs (Wales): children
//! with an identified need; of those, with a formal plan (`EHCP`, `SEN_SUPPORT`, or Wales's
//! `IDP`); of those with a plan, in suitable ETE at the end.

use super::cohort::{Cohort, UNIVERSE};
use super::tally::{FamilyDef, Said, Tally, Unit, Verdict, shown, yn};
use crate::export::records::EndState;

/// The plans that count as formal; `NONE` (or blank) does not.
pub const FORMAL_PLANS: [&str; 3] = ["EHCP", "SEN_SUPPORT", "IDP"];

fn formal_plan(e: &EndState) -> bool {
    e.send_identified && e.send_plan.is_some_and(|p| FORMAL_PLANS.contains(&p))
}

pub fn tally<'a, T: Tally<'a>>(cohort: &Cohort<'a>, t: &mut T) {
    let identified = t.family(FamilyDef::groups(
        "kpi3",
        "send_identified",
        Unit::Count,
        UNIVERSE,
    ));
    cohort.decide(
        t,
        identified,
        |e| Verdict::count_if(e.send_identified),
        send,
    );
    let plan = t.family(
        FamilyDef::groups(
            "kpi3",
            "formal_plan",
            Unit::Count,
            "the cohort's children with an identified need",
        )
        .of(identified),
    );
    cohort.decide(
        t,
        plan,
        |e| Verdict::among(e.send_identified, || Verdict::count_if(formal_plan(e))),
        send,
    );
    let suitable = t.family(FamilyDef::groups(
        "kpi3",
        "plan_and_suitable_ete",
        Unit::Count,
        "the cohort's children with a formal plan",
    ));
    cohort.decide(
        t,
        suitable,
        |e| Verdict::among(formal_plan(e), || Verdict::count_if(e.ete_suitable)),
        |e| {
            let mut said = send(e);
            said.fields.push(("ete_suitable", yn(e.ete_suitable)));
            said.why = format!(
                "{}, suitable ETE at the end {}",
                said.why,
                yn(e.ete_suitable)
            );
            said
        },
    );
}

/// `SEND/ALN need identified Y, plan EHCP (a formal plan)`.
fn send(e: &EndState) -> Said {
    let plan = e.send_plan.unwrap_or("");
    let kind = if formal_plan(e) {
        " (a formal plan)"
    } else if e.send_identified {
        " (not a formal plan)"
    } else {
        ""
    };
    Said {
        fields: vec![
            ("send_identified", yn(e.send_identified)),
            ("send_plan", plan.to_string()),
        ],
        why: format!(
            "SEND/ALN need identified {}, plan {}{kind}",
            yn(e.send_identified),
            shown(plan)
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::export::records::InterventionType::*;
    use crate::kpi::testkit::*;

    fn child<'a>(
        id: &'a str,
        identified: bool,
        plan: Option<&'a str>,
        suitable: bool,
    ) -> crate::export::records::Intervention<'a> {
        with(ended(id, id, Ro, "2024-01-01", "2024-08-01"), |s| {
            s.send_identified = identified;
            s.send_plan = plan;
            s.ete_suitable = suitable;
        })
    }

    #[test]
    fn plans_count_none_does_not_and_wales_idp_does() {
        let e = export(vec![
            child("A", true, Some("EHCP"), true),
            child("B", true, Some("SEN_SUPPORT"), false),
            child("C", true, Some("NONE"), true),
            child("D", true, Some("IDP"), true),
            child("E", false, None, true),
        ]);
        let m = figures(&e, "2024-25 Q2");
        assert_eq!(m.get("kpi3.community.send_identified"), Some(4));
        assert_eq!(m.get("kpi3.community.formal_plan"), Some(3));
        assert_eq!(m.get("kpi3.community.plan_and_suitable_ete"), Some(2));
        assert_eq!(m.get("kpi3.all.formal_plan"), Some(3));
        assert_eq!(m.get("kpi3.custody.send_identified"), Some(0));
    }

    #[test]
    fn a_plan_is_decided_among_the_children_with_a_need() {
        let e = export(vec![
            child("A", true, Some("EHCP"), false),
            child("C", true, Some("NONE"), true),
            child("E", false, None, true),
        ]);
        let r = Recorder::of(&e, "2024-25 Q2");
        assert_eq!(r.counted("kpi3.all.formal_plan"), ["A"]);
        assert_eq!(r.outside("kpi3.all.formal_plan"), ["C"]);
        assert_eq!(
            r.get("kpi3.all.formal_plan", "C").why,
            "SEND/ALN need identified Y, plan NONE (not a formal plan)"
        );
        assert_eq!(
            r.get("kpi3.all.formal_plan", "A").why,
            "SEND/ALN need identified Y, plan EHCP (a formal plan)"
        );
        assert_eq!(r.outside("kpi3.all.send_identified"), ["E"]);
        assert_eq!(r.counted("kpi3.all.send_identified"), ["A", "C"]);
        assert_eq!(
            r.counted("kpi3.all.plan_and_suitable_ete"),
            Vec::<String>::new()
        );
    }
}
