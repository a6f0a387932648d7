//! KPI 1, accommodation: of the cohort, children in suitable accommodation at the end, and the
//! cohort by accommodation type (every code of the definitions listed, 0 included).

use super::codes::Codes;
use super::cohort::Member;
use super::cohort::PerGroup;
use crate::measures::Measures;

pub fn measures(members: &[Member], codes: &Codes) -> Measures {
    let mut m = Measures::new();
    PerGroup::count(members, |e| e.accommodation_suitable).set(&mut m, "kpi1", "suitable");
    for code in &codes.accommodation {
        PerGroup::count(members, |e| e.accommodation_type == *code).set(
            &mut m,
            "kpi1",
            &format!("type.{}", code.to_lowercase()),
        );
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::records::InterventionType::*;
    use crate::kpi::cohort::members;
    use crate::kpi::testkit::*;

    fn codes() -> Codes {
        Codes {
            accommodation: vec!["PARENTS".into(), "NFA".into(), "SECURE".into()],
            ete: vec![],
            partners: vec![],
        }
    }

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
        let m = measures(&members(&e, q("2024-25 Q2")), &codes());
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
        let m = measures(&[], &codes());
        assert_eq!(m.len(), 5 * 4);
        assert!(m.iter().all(|(_, v)| v == 0));
    }
}
