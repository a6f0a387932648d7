//! Small constructors so the KPI tests read like the spec's examples.

use crate::date::Date;
use crate::export::records::*;
use crate::period::Period;

pub fn d(text: &str) -> Date {
    Date::parse_text(text).unwrap()
}

pub fn q(text: &str) -> Period {
    text.parse().unwrap()
}

pub fn export(interventions: Vec<Intervention<'_>>) -> Export<'_> {
    Export {
        service: Some(Service {
            yjs_code: "NSH01",
            yjs_name: "Northshire",
            nation: Nation::England,
            population_10_17: 48210,
            extract_date: d("2025-04-17"),
        }),
        interventions,
        ..Export::default()
    }
}

/// An end state with every flag No, suitable accommodation and ETE.
pub fn end_state<'a>() -> EndState<'a> {
    EndState {
        accommodation_type: "PARENTS",
        accommodation_suitable: true,
        ete_status: "SCHOOL_FT",
        ete_suitable: true,
        ..EndState::default()
    }
}

pub fn open<'a>(
    id: &'a str,
    child: &'a str,
    kind: InterventionType,
    start: &str,
) -> Intervention<'a> {
    Intervention {
        row: 2,
        intervention_id: id,
        child_id: child,
        kind,
        start_date: d(start),
        end_date: None,
        release_date: None,
        ooc_outcome: None,
        end: None,
    }
}

pub fn ended<'a>(
    id: &'a str,
    child: &'a str,
    kind: InterventionType,
    start: &str,
    end: &str,
) -> Intervention<'a> {
    Intervention {
        end_date: Some(d(end)),
        ooc_outcome: kind.is_out_of_court().then_some(OocOutcome::Completed),
        end: Some(end_state()),
        ..open(id, child, kind, start)
    }
}

/// A custodial sentence released on `release`, its licence ending on `licence_end`.
pub fn released<'a>(
    id: &'a str,
    child: &'a str,
    start: &str,
    release: &str,
    licence_end: Option<&str>,
) -> Intervention<'a> {
    Intervention {
        release_date: Some(d(release)),
        end_date: licence_end.map(d),
        end: Some(end_state()),
        ..open(id, child, InterventionType::Cust, start)
    }
}

/// The same intervention with its end state changed by `f`.
pub fn with<'a>(mut iv: Intervention<'a>, f: impl FnOnce(&mut EndState<'a>)) -> Intervention<'a> {
    f(iv.end.get_or_insert_with(end_state));
    iv
}

pub fn offence<'a>(
    id: &'a str,
    child: &'a str,
    outcome_date: &str,
    outcome_type: &'a str,
    category: &'a str,
    gravity: u8,
    custodial: Option<bool>,
) -> Offence<'a> {
    Offence {
        row: 2,
        offence_id: id,
        child_id: child,
        offence_date: d(outcome_date).add_days(-30),
        outcome_date: d(outcome_date),
        outcome_type,
        offence_category: category,
        gravity_score: gravity,
        custodial,
    }
}
