//! First-time entrants: distinct children whose first ever row in `Offences` (the earliest
//! `outcome_date`, whatever the outcome type) has its `outcome_date` in the period.

use std::collections::BTreeMap;

use crate::date::Date;
use crate::export::records::Export;
use crate::measures::Measures;
use crate::period::Period;

pub fn measures(export: &Export, period: Period) -> Measures {
    let mut first: BTreeMap<&str, Date> = BTreeMap::new();
    for o in &export.offences {
        first
            .entry(o.child_id)
            .and_modify(|d| *d = (*d).min(o.outcome_date))
            .or_insert(o.outcome_date);
    }
    let mut m = Measures::new();
    m.set(
        "fte.children",
        first.values().filter(|d| period.contains(**d)).count() as i64,
    );
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kpi::testkit::*;

    #[test]
    fn only_children_whose_first_outcome_falls_in_the_period() {
        let mut e = export(vec![]);
        e.offences = vec![
            // C1: first outcome in Q2, twice in Q2 — one entrant.
            offence("O1", "C1", "2024-07-05", "YC", "THEFT", 2, None),
            offence(
                "O2",
                "C1",
                "2024-08-05",
                "CONVICTION",
                "THEFT",
                3,
                Some(false),
            ),
            // C2: first outcome in Q1, another in Q2 — not a first-time entrant in Q2.
            offence("O3", "C2", "2024-06-30", "YC", "THEFT", 2, None),
            offence(
                "O4",
                "C2",
                "2024-07-01",
                "CONVICTION",
                "THEFT",
                3,
                Some(false),
            ),
            // C3: first outcome on the period's last day.
            offence("O5", "C3", "2024-09-30", "YCC", "OTHER", 1, None),
        ];
        assert_eq!(measures(&e, q("2024-25 Q2")).get("fte.children"), Some(2));
        assert_eq!(measures(&e, q("2024-25 Q1")).get("fte.children"), Some(1));
        assert_eq!(measures(&e, q("2024-25 Q3")).get("fte.children"), Some(0));
    }
}
