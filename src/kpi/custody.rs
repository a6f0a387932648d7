//! Custody: `Offences` rows with `custodial` = Y and `outcome_date` in the period. Offences
//! are counted, not children: two offences sentenced together count 2.

use crate::export::records::Export;
use crate::measures::Measures;
use crate::period::Period;

pub fn measures(export: &Export, period: Period) -> Measures {
    let n = export
        .offences
        .iter()
        .filter(|o| o.custodial == Some(true) && period.contains(o.outcome_date))
        .count();
    let mut m = Measures::new();
    m.set("custody.sentences", n as i64);
    m
}

#[cfg(test)]
mod tests {
    use super::*;
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
        let m = measures(&e, q("2024-25 Q2"));
        assert_eq!(m.get("custody.sentences"), Some(2));
    }
}
