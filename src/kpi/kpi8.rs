//! KPI 8, wider services: children on each of four services at the end (Early Help, a child
//! protection plan, child in need, looked after; a child can be on several) and on any.

use super::cohort::{Cohort, UNIVERSE};
use super::tally::{FamilyDef, Said, Tally, Unit, Verdict, yn};
use crate::export::records::EndState;

/// The four services: measure, column and what the sentence calls it.
type Service = (&'static str, fn(&EndState) -> bool, &'static str);

const SERVICES: [Service; 4] = [
    ("early_help", |e| e.early_help, "Early Help"),
    (
        "child_protection",
        |e| e.child_protection,
        "child protection",
    ),
    ("child_in_need", |e| e.child_in_need, "child in need"),
    ("looked_after", |e| e.looked_after, "looked after"),
];

pub fn tally<'a, T: Tally<'a>>(cohort: &Cohort<'a>, t: &mut T) {
    for (what, on, _) in SERVICES {
        let f = t.family(FamilyDef::groups("kpi8", what, Unit::Count, UNIVERSE).of(cohort.family));
        cohort.decide(t, f, |e| Verdict::count_if(on(e)), services);
    }
    let any = t.family(FamilyDef::groups("kpi8", "any", Unit::Count, UNIVERSE).of(cohort.family));
    cohort.decide(
        t,
        any,
        |e| Verdict::count_if(SERVICES.iter().any(|(_, on, _)| on(e))),
        services,
    );
}

/// `at the end: Early Help N, child protection Y, child in need N, looked after Y`.
fn services(e: &EndState) -> Said {
    Said {
        fields: SERVICES
            .iter()
            .map(|(what, on, _)| (*what, yn(on(e))))
            .collect(),
        why: format!(
            "at the end: {}",
            SERVICES
                .iter()
                .map(|(_, on, name)| format!("{name} {}", yn(on(e))))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::export::records::InterventionType::*;
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
        let m = figures(&e, "2024-25 Q2");
        assert_eq!(m.get("kpi8.community.child_protection"), Some(1));
        assert_eq!(m.get("kpi8.community.looked_after"), Some(1));
        assert_eq!(m.get("kpi8.community.early_help"), Some(1));
        assert_eq!(m.get("kpi8.community.child_in_need"), Some(0));
        assert_eq!(m.get("kpi8.community.any"), Some(2));
        assert_eq!(m.get("kpi8.all.any"), Some(2));
    }

    #[test]
    fn the_reason_lists_the_four_services() {
        let e = export(vec![with(
            ended("A", "A", Ro, "2024-01-01", "2024-09-01"),
            |s| s.looked_after = true,
        )]);
        let r = Recorder::of(&e, "2024-25 Q2");
        assert_eq!(r.counted("kpi8.all.any"), ["A"]);
        assert_eq!(r.outside("kpi8.all.early_help"), ["A"]);
        assert_eq!(
            r.get("kpi8.all.early_help", "A").why,
            "at the end: Early Help N, child protection N, child in need N, looked after Y"
        );
    }
}
