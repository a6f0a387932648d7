//! KPI 3, special educational needs (England) / additional learning needs (Wales): children
//! with an identified need; of those, with a formal plan (`EHCP`, `SEN_SUPPORT`, or Wales's
//! `IDP`); of those with a plan, in suitable ETE at the end.

use super::cohort::Member;
use super::cohort::PerGroup;
use crate::export::records::EndState;
use crate::measures::Measures;

/// The plans that count as formal; `NONE` (or blank) does not.
pub const FORMAL_PLANS: [&str; 3] = ["EHCP", "SEN_SUPPORT", "IDP"];

fn formal_plan(e: &EndState) -> bool {
    e.send_identified && e.send_plan.is_some_and(|p| FORMAL_PLANS.contains(&p))
}

pub fn measures(members: &[Member]) -> Measures {
    let mut m = Measures::new();
    PerGroup::count(members, |e| e.send_identified).set(&mut m, "kpi3", "send_identified");
    PerGroup::count(members, formal_plan).set(&mut m, "kpi3", "formal_plan");
    PerGroup::count(members, |e| formal_plan(e) && e.ete_suitable).set(
        &mut m,
        "kpi3",
        "plan_and_suitable_ete",
    );
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::records::InterventionType::*;
    use crate::kpi::cohort::members;
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
        let m = measures(&members(&e, q("2024-25 Q2")));
        assert_eq!(m.get("kpi3.community.send_identified"), Some(4));
        assert_eq!(m.get("kpi3.community.formal_plan"), Some(3));
        assert_eq!(m.get("kpi3.community.plan_and_suitable_ete"), Some(2));
        assert_eq!(m.get("kpi3.all.formal_plan"), Some(3));
        assert_eq!(m.get("kpi3.custody.send_identified"), Some(0));
    }
}
