//! KPI 4, mental health and emotional wellbeing: children with a screened or identified need;
//! of those, with an intervention planned or offered; of those planned, attending.

use super::cohort::{Cohort, UNIVERSE};
use super::tally::{FamilyDef, Said, Tally, Unit, Verdict, yn};
use crate::export::records::EndState;

/// The need → planned → attended funnel, shared with KPI 5: `flags` reads the three columns,
/// `columns` names them and `what` says what the need is for.
pub(crate) fn funnel<'a, T: Tally<'a>>(
    cohort: &Cohort<'a>,
    t: &mut T,
    kpi: &str,
    columns: [&'static str; 3],
    what: &'static str,
    flags: impl Fn(&EndState) -> (bool, bool, bool),
) {
    let say = |e: &EndState| {
        let (need, planned, attended) = flags(e);
        Said {
            fields: vec![
                (columns[0], yn(need)),
                (columns[1], yn(planned)),
                (columns[2], yn(attended)),
            ],
            why: format!(
                "{what} need {}, planned {}, attending {}",
                yn(need),
                yn(planned),
                yn(attended)
            ),
        }
    };
    let need = t.family(FamilyDef::groups(kpi, "need", Unit::Count, UNIVERSE).of(cohort.family));
    cohort.decide(t, need, |e| Verdict::count_if(flags(e).0), say);
    let planned = t.family(
        FamilyDef::groups(
            kpi,
            "planned",
            Unit::Count,
            "the cohort's children with the need",
        )
        .of(need),
    );
    cohort.decide(
        t,
        planned,
        |e| {
            let (need, planned, _) = flags(e);
            Verdict::among(need, || Verdict::count_if(planned))
        },
        say,
    );
    let attended = t.family(
        FamilyDef::groups(
            kpi,
            "attended",
            Unit::Count,
            "the cohort's children with something planned",
        )
        .of(planned),
    );
    cohort.decide(
        t,
        attended,
        |e| {
            let (need, planned, attended) = flags(e);
            Verdict::among(need && planned, || Verdict::count_if(attended))
        },
        say,
    );
}

pub fn tally<'a, T: Tally<'a>>(cohort: &Cohort<'a>, t: &mut T) {
    funnel(
        cohort,
        t,
        "kpi4",
        ["mh_need", "mh_planned", "mh_attended"],
        "mental health",
        |e| (e.mh_need, e.mh_planned, e.mh_attended),
    );
}

#[cfg(test)]
mod tests {
    use crate::export::records::InterventionType::*;
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
        let m = figures(&e, "2024-25 Q2");
        assert_eq!(m.get("kpi4.community.need"), Some(3));
        assert_eq!(m.get("kpi4.community.planned"), Some(2));
        assert_eq!(m.get("kpi4.community.attended"), Some(1));
        assert_eq!(m.get("kpi4.all.attended"), Some(1));
        assert_eq!(m.get("kpi4.prevention.need"), Some(0));
    }

    #[test]
    fn each_step_of_the_funnel_is_decided_among_the_step_before() {
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
        let r = Recorder::of(&e, "2024-25 Q2");
        assert_eq!(r.outside("kpi4.all.need"), ["D"]);
        assert_eq!(r.outside("kpi4.all.planned"), ["C"]);
        assert_eq!(r.outside("kpi4.all.attended"), ["B"]);
        assert_eq!(
            r.get("kpi4.all.attended", "B").why,
            "mental health need Y, planned Y, attending N"
        );
    }
}
