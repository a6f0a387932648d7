//! A record's every field, found by its identifiers: what two exports' versions of one record
//! are compared by.

use std::collections::HashMap;
use std::sync::Arc;

use crate::export::records::{
    BoardAttendance, CohortMember, Export, Intervention, Offence, OocOutcome, STATUTORY_PARTNERS,
    Victim,
};
use crate::kpi::tally::{hours_text, yn, yn_opt};

/// A field of a record: column and value as the comparison shows it.
pub type Field = (&'static str, String);

fn date(d: Option<crate::date::Date>) -> String {
    d.map_or_else(String::new, |d| d.to_string())
}

pub fn intervention(iv: &Intervention) -> Vec<Field> {
    let mut f = vec![
        ("child_id", iv.child_id.to_string()),
        ("intervention_type", iv.kind.code().to_string()),
        ("start_date", iv.start_date.to_string()),
        ("end_date", date(iv.end_date)),
        ("release_date", date(iv.release_date)),
        (
            "ooc_outcome",
            match iv.ooc_outcome {
                Some(OocOutcome::Completed) => "COMPLETED",
                Some(OocOutcome::NotCompleted) => "NOT_COMPLETED",
                None => "",
            }
            .to_string(),
        ),
    ];
    // The fields at the end count only once the intervention has ended.
    if let Some(e) = &iv.end {
        let hours =
            |h: Option<crate::export::records::Hours>| h.map_or_else(String::new, hours_text);
        f.extend([
            ("accommodation_type", e.accommodation_type.to_string()),
            ("accommodation_suitable", yn(e.accommodation_suitable)),
            ("ete_status", e.ete_status.to_string()),
            ("ete_suitable", yn(e.ete_suitable)),
            ("ete_hours_offered", hours(e.ete_hours_offered)),
            ("ete_hours_attended", hours(e.ete_hours_attended)),
            ("send_identified", yn(e.send_identified)),
            ("send_plan", e.send_plan.unwrap_or_default().to_string()),
            ("mh_need", yn(e.mh_need)),
            ("mh_planned", yn(e.mh_planned)),
            ("mh_attended", yn(e.mh_attended)),
            ("sm_need", yn(e.sm_need)),
            ("sm_planned", yn(e.sm_planned)),
            ("sm_attended", yn(e.sm_attended)),
            ("early_help", yn(e.early_help)),
            ("child_protection", yn(e.child_protection)),
            ("child_in_need", yn(e.child_in_need)),
            ("looked_after", yn(e.looked_after)),
        ]);
    }
    f
}

pub fn offence(o: &Offence) -> Vec<Field> {
    vec![
        ("child_id", o.child_id.to_string()),
        ("offence_date", o.offence_date.to_string()),
        ("outcome_date", o.outcome_date.to_string()),
        ("outcome_type", o.outcome_type.to_string()),
        ("offence_category", o.offence_category.to_string()),
        ("gravity_score", o.gravity_score.to_string()),
        ("custodial", yn_opt(o.custodial)),
    ]
}

pub fn victim(v: &Victim) -> Vec<Field> {
    vec![
        ("intervention_id", v.intervention_id.to_string()),
        ("contact_date", v.contact_date.to_string()),
        ("consented", yn(v.consented)),
        ("rj_engaged", yn_opt(v.rj_engaged)),
        ("views_sought", yn_opt(v.views_sought)),
        ("progress_requested", yn_opt(v.progress_requested)),
        ("progress_provided", yn_opt(v.progress_provided)),
        ("services_requested", yn_opt(v.services_requested)),
        ("services_provided", yn_opt(v.services_provided)),
    ]
}

pub fn board_line(l: &BoardAttendance) -> Vec<Field> {
    vec![
        ("attended", yn(l.attended)),
        ("senior", yn_opt(l.senior)),
        ("disproportionality_data", yn(l.disproportionality_data)),
    ]
}

pub fn cohort_member(c: &CohortMember) -> Vec<Field> {
    vec![
        ("cohort_period", c.cohort_period.to_string()),
        ("reoffences", c.reoffences.to_string()),
    ]
}

/// The export's records by their identifiers, to find one in time independent of its size.
pub struct Index<'e> {
    interventions: HashMap<&'e str, &'e Intervention<'e>>,
    offences: HashMap<&'e str, &'e Offence<'e>>,
    victims: HashMap<&'e str, &'e Victim<'e>>,
    meetings: HashMap<String, Vec<&'e BoardAttendance<'e>>>,
    cohorts: HashMap<(&'e str, String), &'e CohortMember<'e>>,
}

impl<'e> Index<'e> {
    /// Indexes every record (the first of any identifier used twice, which validation refuses).
    pub fn new(export: &'e Export<'e>) -> Index<'e> {
        let mut index = Index {
            interventions: HashMap::new(),
            offences: HashMap::new(),
            victims: HashMap::new(),
            meetings: HashMap::new(),
            cohorts: HashMap::new(),
        };
        for iv in &export.interventions {
            index.interventions.entry(iv.intervention_id).or_insert(iv);
        }
        for o in &export.offences {
            index.offences.entry(o.offence_id).or_insert(o);
        }
        for v in &export.victims {
            index.victims.entry(v.victim_id).or_insert(v);
        }
        for l in &export.board {
            index
                .meetings
                .entry(l.meeting_date.to_string())
                .or_default()
                .push(l);
        }
        for c in export.reoffending.iter().flatten() {
            index
                .cohorts
                .entry((c.child_id, c.cohort_period.to_string()))
                .or_insert(c);
        }
        index
    }

    /// A record, found by the dictionary's sheet name and the identifiers and fields an
    /// explained entry holds: its row and every field. `None` when the export has no such
    /// record.
    pub fn find(
        &self,
        table: &str,
        ids: &[(&str, Arc<str>)],
        fields: &[(&str, String)],
    ) -> Option<(u32, Vec<Field>)> {
        let id = |name: &str| {
            ids.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| &**v)
                .or_else(|| {
                    fields
                        .iter()
                        .find(|(k, _)| *k == name)
                        .map(|(_, v)| v.as_str())
                })
        };
        match table {
            "Interventions" => {
                let iv = self.interventions.get(id("intervention_id")?)?;
                Some((iv.row, intervention(iv)))
            }
            "Offences" => {
                let o = self.offences.get(id("offence_id")?)?;
                Some((o.row, offence(o)))
            }
            "Victims" => {
                let v = self.victims.get(id("victim_id")?)?;
                Some((v.row, victim(v)))
            }
            "BoardAttendance" => {
                let lines = self.meetings.get(id("meeting_date")?)?;
                match id("partner") {
                    Some(p) => {
                        let l = lines.iter().find(|l| l.partner == p)?;
                        Some((l.row, board_line(l)))
                    }
                    None => Some((lines.iter().map(|l| l.row).min()?, meeting(lines))),
                }
            }
            "ReoffendingCohort" => {
                let key = (id("child_id")?, id("cohort_period")?.to_string());
                let c = self.cohorts.get(&(key.0, key.1))?;
                Some((c.row, cohort_member(c)))
            }
            _ => None,
        }
    }
}

/// A meeting: each statutory partner's line, one field each.
fn meeting(lines: &[&BoardAttendance]) -> Vec<Field> {
    STATUTORY_PARTNERS
        .iter()
        .map(|p| {
            let state = lines.iter().find(|l| l.partner == *p).map_or_else(
                || "no line".to_string(),
                |l| {
                    board_line(l)
                        .into_iter()
                        .map(|(k, v)| format!("{k} {v}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                },
            );
            (*p, state)
        })
        .collect()
}
