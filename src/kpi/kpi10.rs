//! KPI 10, victims: victims whose `contact_date` is in the period; of them, those who
//! consented to contact; of the consenting, those engaged about restorative justice, whose
//! views were sought, who asked for and were given information on the child's progress, and
//! who asked for and were given information on victim services.

use std::borrow::Cow;
use std::collections::HashMap;

use super::tally::{FamilyDef, Reason, Tally, Unit, Verdict, yn, yn_opt};
use crate::export::records::{Export, Victim};
use crate::period::Period;

/// The measures of the consenting victims: measure and what counts.
type Answer = (&'static str, fn(&Victim) -> Option<bool>);

const ANSWERS: [Answer; 6] = [
    ("rj_engaged", |v| v.rj_engaged),
    ("views_sought", |v| v.views_sought),
    ("progress_requested", |v| v.progress_requested),
    ("progress_provided", |v| {
        v.progress_requested.and(v.progress_provided)
    }),
    ("services_requested", |v| v.services_requested),
    ("services_provided", |v| {
        v.services_requested.and(v.services_provided)
    }),
];

pub fn tally<'a, T: Tally<'a>>(export: &'a Export<'a>, period: Period, t: &mut T) {
    // Whose victim each is, for the explanation only.
    let children: HashMap<&str, &str> = if T::EXPLAINING {
        export
            .interventions
            .iter()
            .map(|iv| (iv.intervention_id, iv.child_id))
            .collect()
    } else {
        HashMap::new()
    };
    let why = |v: &'a Victim<'a>| victim(v, children.get(v.intervention_id).copied());
    let victims = t.family(FamilyDef::single(
        "kpi10.victims",
        Unit::Count,
        "the victims recorded",
    ));
    let consented = t.family(
        FamilyDef::single(
            "kpi10.consented",
            Unit::Count,
            "the victims contacted in the period",
        )
        .of(victims),
    );
    let answers = ANSWERS.map(|(what, _)| {
        t.family(FamilyDef::single(
            &format!("kpi10.{what}"),
            Unit::Count,
            "the victims contacted in the period who consented",
        ))
    });
    for v in export
        .victims
        .iter()
        .filter(|v| period.contains(v.contact_date))
    {
        t.decide(victims, 0, Verdict::Yes(1), || why(v));
        t.decide(consented, 0, Verdict::count_if(v.consented), || why(v));
        if !v.consented {
            continue;
        }
        for ((_, answer), f) in ANSWERS.iter().zip(answers) {
            t.decide(f, 0, Verdict::count_if(answer(v) == Some(true)), || why(v));
        }
    }
}

/// `contacted 2024-07-01, consented Y: restorative justice Y, views sought Y, ...`.
fn victim<'a>(v: &'a Victim<'a>, child: Option<&'a str>) -> Reason<'a> {
    let mut ids = vec![
        ("victim_id", Cow::Borrowed(v.victim_id)),
        ("intervention_id", Cow::Borrowed(v.intervention_id)),
    ];
    if let Some(child) = child {
        ids.push(("child_id", Cow::Borrowed(child)));
    }
    let said = |b: Option<bool>| {
        if b.is_some() {
            yn_opt(b)
        } else {
            "not recorded".to_string()
        }
    };
    let why = if v.consented {
        format!(
            "contacted {}, consented Y: restorative justice {}, views sought {}, progress \
             requested {} provided {}, services requested {} provided {}",
            v.contact_date,
            said(v.rj_engaged),
            said(v.views_sought),
            said(v.progress_requested),
            said(v.progress_provided),
            said(v.services_requested),
            said(v.services_provided)
        )
    } else {
        format!("contacted {}, consented N", v.contact_date)
    };
    Reason {
        sheet: "Victims",
        row: v.row,
        ids,
        key: 1,
        fields: vec![
            ("contact_date", v.contact_date.to_string()),
            ("consented", yn(v.consented)),
            ("rj_engaged", yn_opt(v.rj_engaged)),
            ("views_sought", yn_opt(v.views_sought)),
            ("progress_requested", yn_opt(v.progress_requested)),
            ("progress_provided", yn_opt(v.progress_provided)),
            ("services_requested", yn_opt(v.services_requested)),
            ("services_provided", yn_opt(v.services_provided)),
        ],
        why,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::records::InterventionType::*;
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
        let m = figures(&e, "2024-25 Q2");
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
        let m = section(&figures(&export(vec![]), "2024-25 Q2"), "kpi10.");
        assert_eq!(m.len(), 8);
        assert!(m.iter().all(|(_, v)| *v == 0));
    }

    #[test]
    fn consent_is_decided_among_the_victims_contacted() {
        let (y, n) = (Some(true), Some(false));
        let mut e = export(vec![open("I1", "C9", Ro, "2024-01-01")]);
        e.victims = vec![
            victim("V1", "2024-07-01", true, [y, n, n, None, n, None]),
            victim("V3", "2024-08-01", false, [None; 6]),
        ];
        let r = Recorder::of(&e, "2024-25 Q2");
        assert_eq!(r.counted("kpi10.consented"), ["V1"]);
        assert_eq!(r.outside("kpi10.consented"), ["V3"]);
        assert_eq!(
            r.get("kpi10.consented", "V3").why,
            "contacted 2024-08-01, consented N"
        );
        let v1 = r.get("kpi10.rj_engaged", "V1");
        assert_eq!(
            v1.why,
            "contacted 2024-07-01, consented Y: restorative justice Y, views sought N, \
             progress requested N provided not recorded, services requested N provided not \
             recorded"
        );
        // The victim's child, through the intervention.
        assert_eq!(r.heard.iter().filter(|h| h.key == "V1").count(), 8);
        assert_eq!(r.counted("kpi10.views_sought"), Vec::<String>::new());
    }
}
