//! KPI 1, accommodation: of the cohort, children in suitable accommodation at the end, and the
//! cohort by accommodation type (every code of the definitions listed, 0 included).

use super::codes::Codes;
use super::cohort::{Cohort, UNIVERSE};
use super::tally::{FamilyDef, Said, Tally, Unit, Verdict, shown, yn};
use crate::export::records::EndState;

pub fn tally<'a, T: Tally<'a>>(cohort: &Cohort<'a>, codes: &Codes, t: &mut T) {
    let suitable =
        t.family(FamilyDef::groups("kpi1", "suitable", Unit::Count, UNIVERSE).of(cohort.family));
    cohort.decide(
        t,
        suitable,
        |e| Verdict::count_if(e.accommodation_suitable),
        accommodation,
    );
    for code in &codes.accommodation {
        let what = format!("type.{}", code.to_lowercase());
        let f = t.family(FamilyDef::groups("kpi1", &what, Unit::Count, UNIVERSE));
        cohort.decide(
            t,
            f,
            |e| Verdict::count_if(e.accommodation_type == *code),
            accommodation,
        );
    }
}

/// `accommodation at the end: FAMILY, suitable Y`.
fn accommodation(e: &EndState) -> Said {
    Said {
        fields: vec![
            ("accommodation_type", e.accommodation_type.to_string()),
            ("accommodation_suitable", yn(e.accommodation_suitable)),
        ],
        why: format!(
            "accommodation at the end: {}, suitable {}",
            shown(e.accommodation_type),
            yn(e.accommodation_suitable)
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::export::records::InterventionType::*;
    use crate::kpi::testkit::*;

    #[test]
    fn suitable_and_every_type_listed_per_group() {
        let e = export(vec![
            ended("I1", "C1", Ro, "2024-01-01", "2024-08-01"),
            with(ended("I2", "C2", Ro, "2024-01-01", "2024-08-01"), |s| {
                s.accommodation_type = "NFA";
                s.accommodation_suitable = false;
            }),
            with(ended("I3", "C3", Yc, "2024-01-01", "2024-08-01"), |s| {
                s.accommodation_suitable = false;
            }),
        ]);
        let m = figures(&e, "2024-25 Q2");
        assert_eq!(m.get("kpi1.community.suitable"), Some(1));
        assert_eq!(m.get("kpi1.out_of_court.suitable"), Some(0));
        assert_eq!(m.get("kpi1.all.suitable"), Some(1));
        assert_eq!(m.get("kpi1.community.type.parents"), Some(1));
        assert_eq!(m.get("kpi1.community.type.nfa"), Some(1));
        assert_eq!(m.get("kpi1.out_of_court.type.parents"), Some(1));
        assert_eq!(m.get("kpi1.all.type.parents"), Some(2));
        assert_eq!(m.get("kpi1.all.type.secure"), Some(0));
        assert_eq!(m.get("kpi1.custody.type.secure"), Some(0));
    }

    #[test]
    fn zero_cohort_still_lists_every_measure() {
        let m = section(&figures(&export(vec![]), "2024-25 Q2"), "kpi1.");
        assert_eq!(m.len(), 5 * (1 + codes().accommodation.len()));
        assert!(m.iter().all(|(_, v)| *v == 0));
    }

    #[test]
    fn the_denominator_says_why_each_child_is_in_or_outside_the_numerator() {
        let e = export(vec![
            ended("I1", "C1", Ro, "2024-01-01", "2024-08-01"),
            with(ended("I2", "C2", Ro, "2024-01-01", "2024-08-01"), |s| {
                s.accommodation_type = "NFA";
                s.accommodation_suitable = false;
            }),
        ]);
        let r = Recorder::of(&e, "2024-25 Q2");
        assert_eq!(r.counted("kpi1.all.suitable"), ["C1"]);
        assert_eq!(r.outside("kpi1.all.suitable"), ["C2"]);
        assert_eq!(
            r.get("kpi1.all.suitable", "C1").why,
            "accommodation at the end: PARENTS, suitable Y"
        );
        let outside = r.get("kpi1.community.suitable", "C2");
        assert_eq!(outside.why, "accommodation at the end: NFA, suitable N");
        assert!(
            outside
                .fields
                .contains(&("accommodation_type", "NFA".to_string()))
        );
        assert!(
            outside
                .fields
                .contains(&("accommodation_suitable", "N".to_string()))
        );
        assert_eq!(r.counted("kpi1.all.type.nfa"), ["C2"]);
    }
}
