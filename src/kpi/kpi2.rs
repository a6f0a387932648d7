//! KPI 2, education, training and employment: children in suitable ETE at the end, the cohort
//! by ETE status, and the weekly hours offered and attended summed over the children with both
//! hour columns recorded. Hours are summed exactly, then each group's sum is rounded to the
//! nearest whole hour (halves up); `all` is the sum of the four rounded group figures.

use super::codes::Codes;
use super::cohort::Member;
use super::cohort::PerGroup;
use crate::export::records::{Group, Hours};
use crate::measures::Measures;

pub fn measures(members: &[Member], codes: &Codes) -> Measures {
    let mut m = Measures::new();
    PerGroup::count(members, |e| e.ete_suitable).set(&mut m, "kpi2", "suitable");
    for code in &codes.ete {
        PerGroup::count(members, |e| e.ete_status == *code).set(
            &mut m,
            "kpi2",
            &format!("status.{}", code.to_lowercase()),
        );
    }
    let mut offered = [Hours::default(); 4];
    let mut attended = [Hours::default(); 4];
    for member in members {
        let end = member.end();
        if let (Some(o), Some(a)) = (end.ete_hours_offered, end.ete_hours_attended) {
            let g = member.group() as usize;
            offered[g].0 += o.0;
            attended[g].0 += a.0;
        }
    }
    for (what, sums) in [("hours_offered", offered), ("hours_attended", attended)] {
        let mut rounded = PerGroup::default();
        for group in Group::ALL {
            rounded.add(group, sums[group as usize].round_half_up());
        }
        rounded.set(&mut m, "kpi2", what);
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
            accommodation: vec![],
            ete: vec!["SCHOOL_FT".into(), "NEET".into()],
            partners: vec![],
        }
    }

    fn hours(
        id: &str,
        kind: crate::export::records::InterventionType,
        o: Option<f64>,
        a: Option<f64>,
    ) -> crate::export::records::Intervention<'_> {
        with(ended(id, id, kind, "2024-01-01", "2024-08-01"), |s| {
            s.ete_hours_offered = o.map(Hours::from_f64);
            s.ete_hours_attended = a.map(Hours::from_f64);
        })
    }

    #[test]
    fn suitable_and_status_breakdown() {
        let e = export(vec![
            ended("I1", "C1", Ro, "2024-01-01", "2024-08-01"),
            with(ended("I2", "C2", Ro, "2024-01-01", "2024-08-01"), |s| {
                s.ete_status = "NEET";
                s.ete_suitable = false;
            }),
        ]);
        let m = measures(&members(&e, q("2024-25 Q2")), &codes());
        assert_eq!(m.get("kpi2.community.suitable"), Some(1));
        assert_eq!(m.get("kpi2.all.status.neet"), Some(1));
        assert_eq!(m.get("kpi2.all.status.school_ft"), Some(1));
        assert_eq!(m.get("kpi2.custody.status.neet"), Some(0));
    }

    #[test]
    fn hours_round_half_up_only_after_summing() {
        // 7.25 + 7.25 = 14.5 → 15 (rounding each first would give 7 + 7 = 14).
        let e = export(vec![
            hours("A", Ro, Some(7.25), Some(7.25)),
            hours("B", Yro, Some(7.25), Some(7.25)),
        ]);
        let m = measures(&members(&e, q("2024-25 Q2")), &codes());
        assert_eq!(m.get("kpi2.community.hours_offered"), Some(15));
        assert_eq!(m.get("kpi2.community.hours_attended"), Some(15));
    }

    #[test]
    fn all_is_the_sum_of_the_rounded_groups() {
        // community 2.5 → 3, out of court 2.5 → 3: all = 6, not round(5.0) = 5.
        let e = export(vec![
            hours("A", Ro, Some(2.5), Some(0.4)),
            hours("B", Yc, Some(2.5), Some(0.4)),
        ]);
        let m = measures(&members(&e, q("2024-25 Q2")), &codes());
        assert_eq!(m.get("kpi2.community.hours_offered"), Some(3));
        assert_eq!(m.get("kpi2.out_of_court.hours_offered"), Some(3));
        assert_eq!(m.get("kpi2.all.hours_offered"), Some(6));
        assert_eq!(m.get("kpi2.all.hours_attended"), Some(0));
    }

    #[test]
    fn only_children_with_both_hour_columns_count() {
        let e = export(vec![
            hours("A", Ro, Some(20.0), Some(10.0)),
            hours("B", Ro, Some(25.0), None),
            hours("C", Ro, None, None),
        ]);
        let m = measures(&members(&e, q("2024-25 Q2")), &codes());
        assert_eq!(m.get("kpi2.community.hours_offered"), Some(20));
        assert_eq!(m.get("kpi2.community.hours_attended"), Some(10));
    }
}
