//! KPI 8, wider services: children on each of four services at the end (Early Help, a child
//! protection plan, child in need, looked after; a child can be on several) and on any.

use super::cohort::Member;
use super::cohort::PerGroup;
use crate::measures::Measures;

pub fn measures(members: &[Member]) -> Measures {
    let mut m = Measures::new();
    PerGroup::count(members, |e| e.early_help).set(&mut m, "kpi8", "early_help");
    PerGroup::count(members, |e| e.child_protection).set(&mut m, "kpi8", "child_protection");
    PerGroup::count(members, |e| e.child_in_need).set(&mut m, "kpi8", "child_in_need");
    PerGroup::count(members, |e| e.looked_after).set(&mut m, "kpi8", "looked_after");
    PerGroup::count(members, |e| {
        e.early_help || e.child_protection || e.child_in_need || e.looked_after
    })
    .set(&mut m, "kpi8", "any");
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::records::InterventionType::*;
    use crate::kpi::cohort::members;
    use crate::kpi::testkit::*;

    #[test]
    fn a_child_on_several_services_counts_once_in_any() {
        let e = export(vec![
            with(ended("A", "A", Ro, "2024-01-01", "2024-09-01"), |s| {
                s.child_protection = true;
                s.looked_after = true;
            }),
            with(ended("B", "B", Ro, "2024-01-01", "2024-09-01"), |s| {
                s.early_help = true;
            }),
            ended("C", "C", Ro, "2024-01-01", "2024-09-01"),
        ]);
        let m = measures(&members(&e, q("2024-25 Q2")));
        assert_eq!(m.get("kpi8.community.child_protection"), Some(1));
        assert_eq!(m.get("kpi8.community.looked_after"), Some(1));
        assert_eq!(m.get("kpi8.community.early_help"), Some(1));
        assert_eq!(m.get("kpi8.community.child_in_need"), Some(0));
        assert_eq!(m.get("kpi8.community.any"), Some(2));
        assert_eq!(m.get("kpi8.all.any"), Some(2));
    }
}
