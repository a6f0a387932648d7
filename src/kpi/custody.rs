//! Custody: `Offences` rows with `custodial` = Y and `outcome_date` in the period. Offences
//! are counted, not children: two offences sentenced together count 2.

use std::borrow::Cow;

use super::tally::{FamilyDef, Reason, Tally, Unit, Verdict};
use crate::export::records::Export;
use crate::period::Period;

pub fn tally<'a, T: Tally<'a>>(export: &'a Export<'a>, period: Period, t: &mut T) {
    let f = t.family(FamilyDef::single(
        "custody.sentences",
        Unit::Count,
        "the offences with an outcome in the period",
    ));
    for o in export
        .offences
        .iter()
        .filter(|o| o.custodial == Some(true) && period.contains(o.outcome_date))
    {
        t.decide(f, 0, Verdict::Yes(1), || Reason {
            sheet: "Offences",
            row: o.row,
            ids: vec![
                ("offence_id", Cow::Borrowed(o.offence_id)),
                ("child_id", Cow::Borrowed(o.child_id)),
            ],
            key: 1,
            fields: vec![
                ("outcome_date", o.outcome_date.to_string()),
                ("outcome_type", o.outcome_type.to_string()),
                ("custodial", "Y".to_string()),
            ],
            why: format!(
                "{} {} on {}, custodial Y",
                o.offence_category, o.outcome_type, o.outcome_date
            ),
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::kpi::testkit::*;

    #[test]
    fn two_offences_sentenced_together_count_two() {
        let mut e = export(vec![]);
        e.offences = vec![
            offence(
                "O1",
                "C1",
                "2024-08-01",
                "CONVICTION",
                "ROBBERY",
                6,
                Some(true),
            ),
            offence(
                "O2",
                "C1",
                "2024-08-01",
                "CONVICTION",
                "WEAPONS",
                5,
                Some(true),
            ),
            offence(
                "O3",
                "C2",
                "2024-08-01",
                "CONVICTION",
                "THEFT",
                3,
                Some(false),
            ),
            offence(
                "O4",
                "C3",
                "2024-10-01",
                "CONVICTION",
                "ROBBERY",
                6,
                Some(true),
            ),
        ];
        let m = figures(&e, "2024-25 Q2");
        assert_eq!(m.get("custody.sentences"), Some(2));
    }

    #[test]
    fn each_custodial_offence_is_its_own_record() {
        let mut e = export(vec![]);
        e.offences = vec![
            offence(
                "O1",
                "C1",
                "2024-08-01",
                "CONVICTION",
                "ROBBERY",
                6,
                Some(true),
            ),
            offence(
                "O2",
                "C1",
                "2024-08-01",
                "CONVICTION",
                "WEAPONS",
                5,
                Some(true),
            ),
        ];
        let r = Recorder::of(&e, "2024-25 Q2");
        assert_eq!(r.counted("custody.sentences"), ["O1", "O2"]);
        assert_eq!(
            r.get("custody.sentences", "O2").why,
            "WEAPONS CONVICTION on 2024-08-01, custodial Y"
        );
    }
}
