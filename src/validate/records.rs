//! Building the typed [`Export`] from validated sheets.

use crate::export::records::*;

use super::{Row, SheetData, Validation};

#[derive(Debug, thiserror::Error)]
#[error(
    "sheet {sheet} row {row}: {column} could not be read after validation (a defect in the tool)"
)]
pub struct RecordError {
    pub sheet: String,
    pub row: u32,
    pub column: String,
}

/// A column of a sheet: its position in the definition (which indexes a row's values) and
/// its name (for the error, should a value be missing).
#[derive(Clone, Copy)]
struct Col {
    at: usize,
    name: &'static str,
}

fn col(sheet: Option<&SheetData>, name: &'static str) -> Col {
    Col {
        at: sheet.and_then(|s| s.column(name)).unwrap_or(usize::MAX),
        name,
    }
}

struct Fields<'a> {
    sheet: &'a str,
    row: &'a Row,
}

impl<'a> Fields<'a> {
    fn missing(&self, c: Col) -> RecordError {
        RecordError {
            sheet: self.sheet.to_string(),
            row: self.row.row,
            column: c.name.to_string(),
        }
    }
    fn text(&self, c: Col) -> Result<&'a str, RecordError> {
        self.row.text_at(c.at).ok_or_else(|| self.missing(c))
    }
    fn opt_text(&self, c: Col) -> Option<&'a str> {
        self.row.text_at(c.at)
    }
    fn date(&self, c: Col) -> Result<crate::date::Date, RecordError> {
        self.row.date_at(c.at).ok_or_else(|| self.missing(c))
    }
    fn flag(&self, c: Col) -> Result<bool, RecordError> {
        self.row.flag_at(c.at).ok_or_else(|| self.missing(c))
    }
    fn int(&self, c: Col) -> Result<i64, RecordError> {
        match self.row.value(c.at) {
            super::Value::Integer(n) => Ok(n),
            _ => Err(self.missing(c)),
        }
    }
}

impl Validation {
    /// The typed export. Only meaningful when validation found no errors: a row that breaks
    /// a rule may lack a required field, and that is reported as a [`RecordError`].
    pub fn export(&self) -> Result<Export<'_>, RecordError> {
        let mut export = Export::default();
        let rows = |name: &'static str| {
            self.sheet(name)
                .into_iter()
                .flat_map(move |s| s.rows.iter().map(move |row| Fields { sheet: name, row }))
        };
        let s = self.sheet("Service");
        if let Some(f) = rows("Service").next() {
            let nation = col(s, "nation");
            let population = col(s, "population_10_17");
            export.service = Some(Service {
                yjs_code: f.text(col(s, "yjs_code"))?,
                yjs_name: f.text(col(s, "yjs_name"))?,
                nation: Nation::from_code(f.text(nation)?).ok_or_else(|| f.missing(nation))?,
                population_10_17: u64::try_from(f.int(population)?)
                    .map_err(|_| f.missing(population))?,
                extract_date: f.date(col(s, "extract_date"))?,
            });
        }
        let s = self.sheet("Children");
        let (id, born, sex, ethnicity) = (
            col(s, "child_id"),
            col(s, "date_of_birth"),
            col(s, "sex"),
            col(s, "ethnicity"),
        );
        export.children.reserve(s.map_or(0, |s| s.rows.len()));
        for f in rows("Children") {
            export.children.push(Child {
                row: f.row.row,
                child_id: f.text(id)?,
                date_of_birth: f.date(born)?,
                sex: f.text(sex)?,
                ethnicity: f.text(ethnicity)?,
            });
        }
        let s = self.sheet("Interventions");
        let c = |name| col(s, name);
        let (id, child, kind_col, start, end_col, release_col, ooc) = (
            c("intervention_id"),
            c("child_id"),
            c("intervention_type"),
            c("start_date"),
            c("end_date"),
            c("release_date"),
            c("ooc_outcome"),
        );
        let (accommodation, accommodation_ok, ete, ete_ok, offered, attended) = (
            c("accommodation_type"),
            c("accommodation_suitable"),
            c("ete_status"),
            c("ete_suitable"),
            c("ete_hours_offered"),
            c("ete_hours_attended"),
        );
        let (send, plan, mh, mh_planned, mh_attended, sm, sm_planned, sm_attended) = (
            c("send_identified"),
            c("send_plan"),
            c("mh_need"),
            c("mh_planned"),
            c("mh_attended"),
            c("sm_need"),
            c("sm_planned"),
            c("sm_attended"),
        );
        let (early_help, protection, in_need, looked_after) = (
            c("early_help"),
            c("child_protection"),
            c("child_in_need"),
            c("looked_after"),
        );
        export.interventions.reserve(s.map_or(0, |s| s.rows.len()));
        for f in rows("Interventions") {
            let kind = InterventionType::from_code(f.text(kind_col)?)
                .ok_or_else(|| f.missing(kind_col))?;
            let end_date = f.row.date_at(end_col.at);
            let release_date = f.row.date_at(release_col.at);
            let end = if end_date.is_some() || release_date.is_some() {
                let hours = |c: Col| f.row.number_at(c.at).map(Hours::from_f64);
                let or_no = |c: Col| f.row.flag_at(c.at).unwrap_or(false);
                Some(EndState {
                    accommodation_type: f.text(accommodation)?,
                    accommodation_suitable: f.flag(accommodation_ok)?,
                    ete_status: f.text(ete)?,
                    ete_suitable: f.flag(ete_ok)?,
                    ete_hours_offered: hours(offered),
                    ete_hours_attended: hours(attended),
                    send_identified: f.flag(send)?,
                    send_plan: f.opt_text(plan),
                    mh_need: f.flag(mh)?,
                    mh_planned: or_no(mh_planned),
                    mh_attended: or_no(mh_attended),
                    sm_need: f.flag(sm)?,
                    sm_planned: or_no(sm_planned),
                    sm_attended: or_no(sm_attended),
                    early_help: f.flag(early_help)?,
                    child_protection: f.flag(protection)?,
                    child_in_need: f.flag(in_need)?,
                    looked_after: f.flag(looked_after)?,
                })
            } else {
                None
            };
            export.interventions.push(Intervention {
                row: f.row.row,
                intervention_id: f.text(id)?,
                child_id: f.text(child)?,
                kind,
                start_date: f.date(start)?,
                end_date,
                release_date,
                ooc_outcome: f.row.text_at(ooc.at).and_then(OocOutcome::from_code),
                end,
            });
        }
        let s = self.sheet("Offences");
        let c = |name| col(s, name);
        let (id, child, offence_date, outcome_date, outcome, category, gravity, custodial) = (
            c("offence_id"),
            c("child_id"),
            c("offence_date"),
            c("outcome_date"),
            c("outcome_type"),
            c("offence_category"),
            c("gravity_score"),
            c("custodial"),
        );
        export.offences.reserve(s.map_or(0, |s| s.rows.len()));
        for f in rows("Offences") {
            export.offences.push(Offence {
                row: f.row.row,
                offence_id: f.text(id)?,
                child_id: f.text(child)?,
                offence_date: f.date(offence_date)?,
                outcome_date: f.date(outcome_date)?,
                outcome_type: f.text(outcome)?,
                offence_category: f.text(category)?,
                gravity_score: u8::try_from(f.int(gravity)?).map_err(|_| f.missing(gravity))?,
                custodial: f.row.flag_at(custodial.at),
            });
        }
        let s = self.sheet("Victims");
        let c = |name| col(s, name);
        let (id, intervention, contact, consented) = (
            c("victim_id"),
            c("intervention_id"),
            c("contact_date"),
            c("consented"),
        );
        let answers = [
            c("rj_engaged"),
            c("views_sought"),
            c("progress_requested"),
            c("progress_provided"),
            c("services_requested"),
            c("services_provided"),
        ];
        export.victims.reserve(s.map_or(0, |s| s.rows.len()));
        for f in rows("Victims") {
            let [rj, views, p_req, p_prov, s_req, s_prov] = answers.map(|c| f.row.flag_at(c.at));
            export.victims.push(Victim {
                row: f.row.row,
                victim_id: f.text(id)?,
                intervention_id: f.text(intervention)?,
                contact_date: f.date(contact)?,
                consented: f.flag(consented)?,
                rj_engaged: rj,
                views_sought: views,
                progress_requested: p_req,
                progress_provided: p_prov,
                services_requested: s_req,
                services_provided: s_prov,
            });
        }
        let s = self.sheet("BoardAttendance");
        let c = |name| col(s, name);
        let (date, partner, attended, senior, data) = (
            c("meeting_date"),
            c("partner"),
            c("attended"),
            c("senior"),
            c("disproportionality_data"),
        );
        for f in rows("BoardAttendance") {
            export.board.push(BoardAttendance {
                row: f.row.row,
                meeting_date: f.date(date)?,
                partner: f.text(partner)?,
                attended: f.flag(attended)?,
                senior: f.row.flag_at(senior.at),
                disproportionality_data: f.flag(data)?,
            });
        }
        if let Some(s) = self.sheet("ReoffendingCohort") {
            let c = |name| col(Some(s), name);
            let (child, period, reoffences) = (c("child_id"), c("cohort_period"), c("reoffences"));
            let mut cohort = Vec::new();
            for f in rows("ReoffendingCohort") {
                let cohort_period = match f.row.value(period.at) {
                    super::Value::Period(p) => p,
                    _ => return Err(f.missing(period)),
                };
                cohort.push(CohortMember {
                    row: f.row.row,
                    child_id: f.text(child)?,
                    cohort_period,
                    reoffences: u32::try_from(f.int(reoffences)?)
                        .map_err(|_| f.missing(reoffences))?,
                });
            }
            export.reoffending = Some(cohort);
        }
        Ok(export)
    }
}
