//! KPI 6, out-of-court disposals: counted per intervention, not per child. Every `DIV`, `YC`
//! and `YCC` whose `end_date` is in the period, and of them those completed and not completed.

use crate::export::records::{Export, InterventionType, OocOutcome};
use crate::measures::Measures;
use crate::period::Period;

pub fn measures(export: &Export, period: Period) -> Measures {
    // [ended, completed, not_completed] for DIV, YC, YCC.
    let mut counts = [[0i64; 3]; 3];
    for iv in &export.interventions {
        let slot = match iv.kind {
            InterventionType::Div => 0,
            InterventionType::Yc => 1,
            InterventionType::Ycc => 2,
            _ => continue,
        };
        if !iv.end_date.is_some_and(|d| period.contains(d)) {
            continue;
        }
        counts[slot][0] += 1;
        match iv.ooc_outcome {
            Some(OocOutcome::Completed) => counts[slot][1] += 1,
            Some(OocOutcome::NotCompleted) => counts[slot][2] += 1,
            None => {}
        }
    }
    let mut m = Measures::new();
    let whats = ["ended", "completed", "not_completed"];
    for (slot, kind) in ["div", "yc", "ycc"].iter().enumerate() {
        for (i, what) in whats.iter().enumerate() {
            m.set(format!("kpi6.{kind}.{what}"), counts[slot][i]);
        }
    }
    for (i, what) in whats.iter().enumerate() {
        m.set(
            format!("kpi6.all.{what}"),
            counts.iter().map(|c| c[i]).sum::<i64>(),
        );
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::records::InterventionType::*;
    use crate::kpi::testkit::*;

    #[test]
    fn counted_per_intervention_by_end_date() {
        let mut not_done = ended("I2", "C1", Yc, "2024-01-01", "2024-09-30");
        not_done.ooc_outcome = Some(OocOutcome::NotCompleted);
        let e = export(vec![
            ended("I1", "C1", Div, "2024-01-01", "2024-07-01"),
            not_done,
            ended("I3", "C2", Ycc, "2024-01-01", "2024-10-01"),
            ended("I4", "C2", Ro, "2024-01-01", "2024-08-01"),
            open("I5", "C3", Div, "2024-06-01"),
        ]);
        let m = measures(&e, q("2024-25 Q2"));
        assert_eq!(m.get("kpi6.div.ended"), Some(1));
        assert_eq!(m.get("kpi6.div.completed"), Some(1));
        assert_eq!(m.get("kpi6.yc.ended"), Some(1));
        assert_eq!(m.get("kpi6.yc.not_completed"), Some(1));
        assert_eq!(m.get("kpi6.ycc.ended"), Some(0));
        assert_eq!(m.get("kpi6.all.ended"), Some(2));
        assert_eq!(m.get("kpi6.all.completed"), Some(1));
        assert_eq!(m.get("kpi6.all.not_completed"), Some(1));
        assert_eq!(m.len(), 12);
    }
}
