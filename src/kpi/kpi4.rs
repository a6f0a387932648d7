//! KPI 4, mental health and emotional wellbeing: children with a screened or identified need;
//! of those, with an intervention planned or offered; of those planned, attending.

use super::cohort::Member;
use super::cohort::PerGroup;
use crate::measures::Measures;

/// The need → planned → attended funnel, shared with KPI 5.
pub(crate) fn funnel(
    members: &[Member],
    kpi: &str,
    flags: impl Fn(&crate::export::records::EndState) -> (bool, bool, bool),
) -> Measures {
    let mut m = Measures::new();
    PerGroup::count(members, |e| flags(e).0).set(&mut m, kpi, "need");
    PerGroup::count(members, |e| {
        let (need, planned, _) = flags(e);
        need && planned
    })
    .set(&mut m, kpi, "planned");
    PerGroup::count(members, |e| {
        let (need, planned, attended) = flags(e);
        need && planned && attended
    })
    .set(&mut m, kpi, "attended");
    m
}

pub fn measures(members: &[Member]) -> Measures {
    funnel(members, "kpi4", |e| {
        (e.mh_need, e.mh_planned, e.mh_attended)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::records::InterventionType::*;
    use crate::kpi::cohort::members;
    use crate::kpi::testkit::*;

    #[test]
    fn need_planned_attended_funnel() {
        let child = |id: &'static str, n, p, a| {
            with(ended(id, id, Yro, "2024-01-01", "2024-09-01"), |s| {
                (s.mh_need, s.mh_planned, s.mh_attended) = (n, p, a);
            })
        };
        let e = export(vec![
            child("A", true, true, true),
            child("B", true, true, false),
            child("C", true, false, false),
            child("D", false, false, false),
        ]);
        let m = measures(&members(&e, q("2024-25 Q2")));
        assert_eq!(m.get("kpi4.community.need"), Some(3));
        assert_eq!(m.get("kpi4.community.planned"), Some(2));
        assert_eq!(m.get("kpi4.community.attended"), Some(1));
        assert_eq!(m.get("kpi4.all.attended"), Some(1));
        assert_eq!(m.get("kpi4.prevention.need"), Some(0));
    }
}
