//! First-time entrants: distinct children whose first ever row in `Offences` (the earliest
//! `outcome_date`, whatever the outcome type) has its `outcome_date` in the period.
//!
//! Near misses: children with an outcome in the period whose first was earlier.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::tally::{FamilyDef, Reason, Tally, Unit, Verdict};
use crate::export::records::{Export, Offence};
use crate::period::Period;

/// The rule that leaves out a child whose first outcome came before the period.
pub const NOT_FIRST: &str = "a first-time entrant's first ever outcome is in the period";

pub fn tally<'a, T: Tally<'a>>(export: &'a Export<'a>, period: Period, t: &mut T) {
    // Each child's first offence outcome (the first row of the earliest day).
    let mut first: BTreeMap<&str, &Offence> = BTreeMap::new();
    for o in &export.offences {
        first
            .entry(o.child_id)
            .and_modify(|f| {
                if o.outcome_date < f.outcome_date {
                    *f = o;
                }
            })
            .or_insert(o);
    }
    let f = t.family(FamilyDef::single(
        "fte.children",
        Unit::Count,
        "the children with an offence outcome",
    ));
    for o in first.values().filter(|o| period.contains(o.outcome_date)) {
        t.decide(f, 0, Verdict::Yes(1), || {
            entrant(
                o,
                format!(
                    "first ever outcome {} on {}: in the period",
                    o.outcome_type, o.outcome_date
                ),
            )
        });
    }
    if T::EXPLAINING {
        let mut later: BTreeMap<&str, &Offence> = BTreeMap::new();
        for o in export
            .offences
            .iter()
            .filter(|o| period.contains(o.outcome_date))
        {
            later.entry(o.child_id).or_insert(o);
        }
        for (child, o) in later {
            let Some(earliest) = first.get(child).filter(|e| e.outcome_date < period.start())
            else {
                continue;
            };
            t.near_miss(f, 0, NOT_FIRST, || {
                entrant(
                    earliest,
                    format!(
                        "an outcome on {} in the period, but the first ever was {} on {} \
                         (this row), before it: not a first-time entrant",
                        o.outcome_date, earliest.outcome_type, earliest.outcome_date
                    ),
                )
            });
        }
    }
}

/// A child, on the row of its first offence outcome.
fn entrant<'a>(o: &'a Offence<'a>, why: String) -> Reason<'a> {
    Reason {
        sheet: "Offences",
        row: o.row,
        ids: vec![
            ("child_id", Cow::Borrowed(o.child_id)),
            ("offence_id", Cow::Borrowed(o.offence_id)),
        ],
        key: 1,
        fields: vec![
            ("outcome_date", o.outcome_date.to_string()),
            ("outcome_type", o.outcome_type.to_string()),
        ],
        why,
    }
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
        assert_eq!(figures(&e, "2024-25 Q2").get("fte.children"), Some(2));
        assert_eq!(figures(&e, "2024-25 Q1").get("fte.children"), Some(1));
        assert_eq!(figures(&e, "2024-25 Q3").get("fte.children"), Some(0));
    }

    #[test]
    fn a_child_whose_first_outcome_was_earlier_is_a_near_miss() {
        let mut e = export(vec![]);
        e.offences = vec![
            offence("O1", "C1", "2024-07-05", "YC", "THEFT", 2, None),
            offence("O3", "C2", "2024-03-12", "YC", "THEFT", 2, None),
            offence(
                "O4",
                "C2",
                "2024-08-05",
                "CONVICTION",
                "THEFT",
                3,
                Some(false),
            ),
        ];
        e.offences[1].row = 3;
        let r = Recorder::of(&e, "2024-25 Q2");
        assert_eq!(r.counted("fte.children"), ["C1"]);
        assert_eq!(
            r.get("fte.children", "C1").why,
            "first ever outcome YC on 2024-07-05: in the period"
        );
        let c2 = r.near_miss("fte.children", "C2");
        assert_eq!((c2.rule, c2.row), (Some(NOT_FIRST), 3));
        assert_eq!(
            c2.why,
            "an outcome on 2024-08-05 in the period, but the first ever was YC on 2024-03-12 \
             (this row), before it: not a first-time entrant"
        );
    }
}
