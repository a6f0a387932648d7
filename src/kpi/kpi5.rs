//! KPI 5, substance misuse: the same funnel as KPI 4 for a need for specialist treatment.

use super::cohort::Member;
use crate::measures::Measures;

pub fn measures(members: &[Member]) -> Measures {
    super::kpi4::funnel(members, "kpi5", |e| {
        (e.sm_need, e.sm_planned, e.sm_attended)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::records::InterventionType::*;
    use crate::kpi::cohort::members;
    use crate::kpi::testkit::*;

    #[test]
    fn substance_misuse_funnel_uses_its_own_columns() {
        let e = export(vec![with(
            ended("A", "A", Prev, "2024-01-01", "2024-09-01"),
            |s| {
                (s.sm_need, s.sm_planned, s.sm_attended) = (true, true, false);
                s.mh_need = true;
            },
        )]);
        let m = measures(&members(&e, q("2024-25 Q2")));
        assert_eq!(m.get("kpi5.prevention.need"), Some(1));
        assert_eq!(m.get("kpi5.prevention.planned"), Some(1));
        assert_eq!(m.get("kpi5.prevention.attended"), Some(0));
        assert_eq!(m.get("kpi5.all.need"), Some(1));
    }
}
