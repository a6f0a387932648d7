//! KPI 10, victims: victims whose `contact_date` is in the period; of them, those who
//! consented to contact; of the consenting, those engaged about restorative justice, whose
//! views were sought, who asked for and were given information on the child's progress, and
//! who asked for and were given information on victim services.

use crate::export::records::{Export, Victim};
use crate::measures::Measures;
use crate::period::Period;

pub fn measures(export: &Export, period: Period) -> Measures {
    let victims: Vec<&Victim> = export
        .victims
        .iter()
        .filter(|v| period.contains(v.contact_date))
        .collect();
    let consented: Vec<&Victim> = victims.iter().copied().filter(|v| v.consented).collect();
    let count = |f: fn(&Victim) -> Option<bool>| {
        consented.iter().filter(|v| f(v) == Some(true)).count() as i64
    };
    let mut m = Measures::new();
    m.set("kpi10.victims", victims.len() as i64);
    m.set("kpi10.consented", consented.len() as i64);
    m.set("kpi10.rj_engaged", count(|v| v.rj_engaged));
    m.set("kpi10.views_sought", count(|v| v.views_sought));
    m.set("kpi10.progress_requested", count(|v| v.progress_requested));
    m.set(
        "kpi10.progress_provided",
        count(|v| v.progress_requested.and(v.progress_provided)),
    );
    m.set("kpi10.services_requested", count(|v| v.services_requested));
    m.set(
        "kpi10.services_provided",
        count(|v| v.services_requested.and(v.services_provided)),
    );
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kpi::testkit::*;

    fn victim<'a>(
        id: &'a str,
        date: &str,
        consented: bool,
        answers: [Option<bool>; 6],
    ) -> Victim<'a> {
        let [rj, views, preq, pprov, sreq, sprov] = answers;
        Victim {
            row: 2,
            victim_id: id,
            intervention_id: "I1",
            contact_date: d(date),
            consented,
            rj_engaged: rj,
            views_sought: views,
            progress_requested: preq,
            progress_provided: pprov,
            services_requested: sreq,
            services_provided: sprov,
        }
    }

    #[test]
    fn the_consent_funnel_counts_within_the_period() {
        let (y, n) = (Some(true), Some(false));
        let mut e = export(vec![]);
        e.victims = vec![
            victim("V1", "2024-07-01", true, [y, y, y, y, y, n]),
            victim("V2", "2024-09-30", true, [n, y, y, n, n, None]),
            victim("V3", "2024-08-01", false, [None; 6]),
            victim("V4", "2024-06-30", true, [y, y, y, y, y, y]),
        ];
        let m = measures(&e, q("2024-25 Q2"));
        assert_eq!(m.get("kpi10.victims"), Some(3));
        assert_eq!(m.get("kpi10.consented"), Some(2));
        assert_eq!(m.get("kpi10.rj_engaged"), Some(1));
        assert_eq!(m.get("kpi10.views_sought"), Some(2));
        assert_eq!(m.get("kpi10.progress_requested"), Some(2));
        assert_eq!(m.get("kpi10.progress_provided"), Some(1));
        assert_eq!(m.get("kpi10.services_requested"), Some(1));
        assert_eq!(m.get("kpi10.services_provided"), Some(0));
    }

    #[test]
    fn no_victims_gives_zeros() {
        let m = measures(&export(vec![]), q("2024-25 Q2"));
        assert_eq!(m.len(), 8);
        assert!(m.iter().all(|(_, v)| v == 0));
    }
}
