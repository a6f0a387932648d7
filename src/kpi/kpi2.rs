//! KPI 2, education, training and employment: children in suitable ETE at the end, the cohort
//! by ETE status, and the weekly hours offered and attended summed over the children with both
//! hour columns recorded. Hours are summed exactly, then each group's sum is rounded to the
//! nearest whole hour (halves up); `all` is the sum of the four rounded group figures.

use super::codes::Codes;
use super::cohort::{Cohort, UNIVERSE, reason};
use super::tally::{FamilyDef, Said, Tally, Unit, Verdict, hours_text, shown, yn};
use crate::export::records::{EndState, Hours};

/// Reads one of the two hour columns.
type HoursColumn = fn(&EndState) -> Option<Hours>;

/// The rule that leaves out a child with one hour column blank.
pub const BOTH_HOURS: &str = "only children with both hour columns recorded count";

pub fn tally<'a, T: Tally<'a>>(cohort: &Cohort<'a>, codes: &Codes, t: &mut T) {
    let suitable =
        t.family(FamilyDef::groups("kpi2", "suitable", Unit::Count, UNIVERSE).of(cohort.family));
    cohort.decide(t, suitable, |e| Verdict::count_if(e.ete_suitable), ete);
    for code in &codes.ete {
        let what = format!("status.{}", code.to_lowercase());
        let f = t.family(FamilyDef::groups("kpi2", &what, Unit::Count, UNIVERSE));
        cohort.decide(t, f, |e| Verdict::count_if(e.ete_status == *code), ete);
    }
    let with_hours = "the cohort's children with both hour columns recorded";
    let columns: [(&str, HoursColumn); 2] = [
        ("hours_offered", |e| e.ete_hours_offered),
        ("hours_attended", |e| e.ete_hours_attended),
    ];
    for (what, column) in columns {
        let f = t.family(FamilyDef::groups("kpi2", what, Unit::Hours, with_hours));
        let verdict = |e: &EndState| match (e.ete_hours_offered, e.ete_hours_attended) {
            (Some(_), Some(_)) => column(e).map_or(Verdict::Out, |h| Verdict::Yes(h.0)),
            _ => Verdict::Out,
        };
        cohort.decide(t, f, verdict, hours);
        if T::EXPLAINING {
            // One column recorded without the other: the child's hours are left out.
            for m in &cohort.members {
                let e = m.end();
                if column(e).is_some() && verdict(e) == Verdict::Out {
                    t.near_miss(f, m.group() as usize, BOTH_HOURS, || {
                        let said = hours(e);
                        let mut r = reason(m.intervention, said.fields);
                        r.why = format!("{}: {BOTH_HOURS}", said.why);
                        r
                    });
                }
            }
        }
    }
}

/// `ETE at the end: SCHOOL_FT, suitable Y`.
fn ete(e: &EndState) -> Said {
    Said {
        fields: vec![
            ("ete_status", e.ete_status.to_string()),
            ("ete_suitable", yn(e.ete_suitable)),
        ],
        why: format!(
            "ETE at the end: {}, suitable {}",
            shown(e.ete_status),
            yn(e.ete_suitable)
        ),
    }
}

/// `weekly hours offered 7.25, attended 5`.
fn hours(e: &EndState) -> Said {
    let text = |h: Option<Hours>| h.map_or_else(String::new, hours_text);
    let said = |h: Option<Hours>| h.map_or_else(|| "not recorded".to_string(), hours_text);
    Said {
        fields: vec![
            ("ete_hours_offered", text(e.ete_hours_offered)),
            ("ete_hours_attended", text(e.ete_hours_attended)),
        ],
        why: format!(
            "weekly hours offered {}, attended {}",
            said(e.ete_hours_offered),
            said(e.ete_hours_attended)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::records::InterventionType::*;
    use crate::kpi::testkit::*;

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
        let m = figures(&e, "2024-25 Q2");
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
        let m = figures(&e, "2024-25 Q2");
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
        let m = figures(&e, "2024-25 Q2");
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
        let m = figures(&e, "2024-25 Q2");
        assert_eq!(m.get("kpi2.community.hours_offered"), Some(20));
        assert_eq!(m.get("kpi2.community.hours_attended"), Some(10));
    }

    #[test]
    fn hours_count_their_amount_and_one_column_alone_is_a_near_miss() {
        let e = export(vec![
            hours("A", Ro, Some(7.25), Some(5.0)),
            hours("B", Ro, Some(20.0), None),
            hours("C", Ro, None, None),
        ]);
        let r = Recorder::of(&e, "2024-25 Q2");
        let a = r.get("kpi2.community.hours_offered", "A");
        assert_eq!(a.counted, Some(7250));
        assert_eq!(a.why, "weekly hours offered 7.25, attended 5");
        assert_eq!(r.counted("kpi2.all.hours_attended"), ["A"]);
        assert_eq!(r.near("kpi2.all.hours_offered"), ["B"]);
        let b = r.near_miss("kpi2.community.hours_offered", "B");
        assert_eq!(b.rule, Some(BOTH_HOURS));
        assert_eq!(
            b.why,
            "weekly hours offered 20, attended not recorded: only children with both hour \
             columns recorded count"
        );
        // Nothing offered, nothing missed; attended alone was not recorded for B.
        assert!(r.near("kpi2.all.hours_attended").is_empty());
    }

    #[test]
    fn ete_reasons_name_the_status_and_its_suitability() {
        let e = export(vec![with(
            ended("I2", "C2", Ro, "2024-01-01", "2024-08-01"),
            |s| {
                s.ete_status = "NEET";
                s.ete_suitable = false;
            },
        )]);
        let r = Recorder::of(&e, "2024-25 Q2");
        assert_eq!(r.outside("kpi2.all.suitable"), ["C2"]);
        assert_eq!(
            r.get("kpi2.all.suitable", "C2").why,
            "ETE at the end: NEET, suitable N"
        );
        assert_eq!(r.counted("kpi2.community.status.neet"), ["C2"]);
    }
}
