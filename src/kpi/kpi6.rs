//! KPI 6, out-of-court disposals: counted per intervention, not per child. Every `DIV`, `YC`
//! and `YCC` whose `end_date` is in the period, and of them those completed and not completed.

use std::borrow::Cow;

use super::cohort::date_text;
use super::tally::{FamilyDef, Reason, Tally, Unit, Verdict, shown};
use crate::export::records::{Export, Intervention, InterventionType, OocOutcome};
use crate::period::Period;

/// The disposal types, in the order of their measures.
const TYPES: [&str; 3] = ["div", "yc", "ycc"];

pub fn tally<'a, T: Tally<'a>>(export: &'a Export<'a>, period: Period, t: &mut T) {
    let universe = "the out-of-court disposals ending in the period";
    let ended = t.family(FamilyDef::parts(
        "kpi6",
        "ended",
        ("type", &TYPES),
        Unit::Count,
        "the out-of-court disposals (DIV, YC, YCC)",
    ));
    let completed = t.family(
        FamilyDef::parts("kpi6", "completed", ("type", &TYPES), Unit::Count, universe).of(ended),
    );
    let not_completed = t.family(FamilyDef::parts(
        "kpi6",
        "not_completed",
        ("type", &TYPES),
        Unit::Count,
        universe,
    ));
    for iv in &export.interventions {
        let part = match iv.kind {
            InterventionType::Div => 0,
            InterventionType::Yc => 1,
            InterventionType::Ycc => 2,
            _ => continue,
        };
        if !iv.end_date.is_some_and(|d| period.contains(d)) {
            continue;
        }
        t.decide(ended, part, Verdict::Yes(1), || disposal(iv));
        let outcome = iv.ooc_outcome;
        t.decide(
            completed,
            part,
            Verdict::count_if(outcome == Some(OocOutcome::Completed)),
            || disposal(iv),
        );
        t.decide(
            not_completed,
            part,
            Verdict::count_if(outcome == Some(OocOutcome::NotCompleted)),
            || disposal(iv),
        );
    }
}

/// `YC NSH-I-0012 ended 2024-08-01, outcome COMPLETED`.
fn disposal<'a>(iv: &'a Intervention<'a>) -> Reason<'a> {
    let outcome = match iv.ooc_outcome {
        Some(OocOutcome::Completed) => "COMPLETED",
        Some(OocOutcome::NotCompleted) => "NOT_COMPLETED",
        None => "",
    };
    let why = format!(
        "{} {} ended {}, outcome {}",
        iv.kind.code(),
        crate::text::cut(iv.intervention_id),
        date_text(iv.end_date),
        shown(outcome)
    );
    Reason {
        sheet: "Interventions",
        row: iv.row,
        ids: vec![
            ("intervention_id", Cow::Borrowed(iv.intervention_id)),
            ("child_id", Cow::Borrowed(iv.child_id)),
        ],
        key: 1,
        fields: vec![
            ("intervention_type", iv.kind.code().to_string()),
            ("end_date", date_text(iv.end_date)),
            ("ooc_outcome", outcome.to_string()),
        ],
        why,
    }
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
        let m = figures(&e, "2024-25 Q2");
        assert_eq!(m.get("kpi6.div.ended"), Some(1));
        assert_eq!(m.get("kpi6.div.completed"), Some(1));
        assert_eq!(m.get("kpi6.yc.ended"), Some(1));
        assert_eq!(m.get("kpi6.yc.not_completed"), Some(1));
        assert_eq!(m.get("kpi6.ycc.ended"), Some(0));
        assert_eq!(m.get("kpi6.all.ended"), Some(2));
        assert_eq!(m.get("kpi6.all.completed"), Some(1));
        assert_eq!(m.get("kpi6.all.not_completed"), Some(1));
        assert_eq!(section(&m, "kpi6.").len(), 12);
    }

    #[test]
    fn completion_is_decided_among_the_disposals_ended() {
        let mut not_done = ended("I2", "C1", Yc, "2024-01-01", "2024-09-30");
        not_done.ooc_outcome = Some(OocOutcome::NotCompleted);
        let e = export(vec![
            ended("I1", "C1", Div, "2024-01-01", "2024-07-01"),
            not_done,
        ]);
        let r = Recorder::of(&e, "2024-25 Q2");
        assert_eq!(r.counted("kpi6.all.ended"), ["I1", "I2"]);
        assert_eq!(r.outside("kpi6.yc.completed"), ["I2"]);
        assert_eq!(
            r.get("kpi6.yc.completed", "I2").why,
            "YC I2 ended 2024-09-30, outcome NOT_COMPLETED"
        );
        assert_eq!(r.counted("kpi6.div.completed"), ["I1"]);
    }
}
