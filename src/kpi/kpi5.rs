//! KPI 5, substance misuse: the same funnel as KPI 4 for a need for specialist treatment.

use super::cohort::Cohort;
use super::tally::Tally;

pub fn tally<'a, T: Tally<'a>>(cohort: &Cohort<'a>, t: &mut T) {
    super::kpi4::funnel(
        cohort,
        t,
        "kpi5",
        ["sm_need", "sm_planned", "sm_attended"],
        "substance misuse",
        |e| (e.sm_need, e.sm_planned, e.sm_attended),
    );
}

#[cfg(test)]
mod tests {
    use crate::export::records::InterventionType::*;
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
        let m = figures(&e, "2024-25 Q2");
        assert_eq!(m.get("kpi5.prevention.need"), Some(1));
        assert_eq!(m.get("kpi5.prevention.planned"), Some(1));
        assert_eq!(m.get("kpi5.prevention.attended"), Some(0));
        assert_eq!(m.get("kpi5.all.need"), Some(1));
    }

    #[test]
    fn substance_misuse_reasons_name_their_own_columns() {
        let e = export(vec![with(
            ended("A", "A", Prev, "2024-01-01", "2024-09-01"),
            |s| (s.sm_need, s.sm_planned) = (true, false),
        )]);
        let r = Recorder::of(&e, "2024-25 Q2");
        let h = r.get("kpi5.prevention.planned", "A");
        assert_eq!(h.why, "substance misuse need Y, planned N, attending N");
        assert_eq!(h.fields.last(), Some(&("sm_attended", "N".to_string())));
    }
}
