//! Building the typed [`Export`] from validated sheets.

use crate::export::records::*;
use crate::period::Period;

use super::{Row, Validation};

#[derive(Debug, thiserror::Error)]
#[error(
    "sheet {sheet} row {row}: {column} could not be read after validation (a defect in the tool)"
)]
pub struct RecordError {
    pub sheet: String,
    pub row: u32,
    pub column: String,
}

struct Fields<'a> {
    sheet: &'a str,
    row: &'a Row,
}

impl<'a> Fields<'a> {
    fn missing(&self, column: &str) -> RecordError {
        RecordError {
            sheet: self.sheet.to_string(),
            row: self.row.row,
            column: column.to_string(),
        }
    }
    fn text(&self, c: &str) -> Result<String, RecordError> {
        self.row
            .text(c)
            .map(str::to_string)
            .ok_or_else(|| self.missing(c))
    }
    fn date(&self, c: &str) -> Result<crate::date::Date, RecordError> {
        self.row.date(c).ok_or_else(|| self.missing(c))
    }
    fn flag(&self, c: &str) -> Result<bool, RecordError> {
        self.row.flag(c).ok_or_else(|| self.missing(c))
    }
    fn int(&self, c: &str) -> Result<i64, RecordError> {
        self.row
            .values
            .get(c)
            .and_then(serde_json::Value::as_i64)
            .ok_or_else(|| self.missing(c))
    }
}

impl Validation {
    /// The typed export. Only meaningful when validation found no errors: a row that breaks
    /// a rule may lack a required field, and that is reported as a [`RecordError`].
    pub fn export(&self) -> Result<Export, RecordError> {
        let mut export = Export::default();
        let rows = |name: &'static str| {
            self.sheet(name)
                .into_iter()
                .flat_map(move |s| s.rows.iter().map(move |row| Fields { sheet: name, row }))
        };
        if let Some(f) = rows("Service").next() {
            let nation = f.text("nation")?;
            export.service = Some(Service {
                yjs_code: f.text("yjs_code")?,
                yjs_name: f.text("yjs_name")?,
                nation: Nation::from_code(&nation).ok_or_else(|| f.missing("nation"))?,
                population_10_17: u64::try_from(f.int("population_10_17")?)
                    .map_err(|_| f.missing("population_10_17"))?,
                extract_date: f.date("extract_date")?,
            });
        }
        for f in rows("Children") {
            export.children.push(Child {
                row: f.row.row,
                child_id: f.text("child_id")?,
                date_of_birth: f.date("date_of_birth")?,
                sex: f.text("sex")?,
                ethnicity: f.text("ethnicity")?,
            });
        }
        for f in rows("Interventions") {
            let kind = InterventionType::from_code(&f.text("intervention_type")?)
                .ok_or_else(|| f.missing("intervention_type"))?;
            let end_date = f.row.date("end_date");
            let release_date = f.row.date("release_date");
            let end = if end_date.is_some() || release_date.is_some() {
                let hours = |c: &str| f.row.number(c).map(Hours::from_f64);
                Some(EndState {
                    accommodation_type: f.text("accommodation_type")?,
                    accommodation_suitable: f.flag("accommodation_suitable")?,
                    ete_status: f.text("ete_status")?,
                    ete_suitable: f.flag("ete_suitable")?,
                    ete_hours_offered: hours("ete_hours_offered"),
                    ete_hours_attended: hours("ete_hours_attended"),
                    send_identified: f.flag("send_identified")?,
                    send_plan: f.row.text("send_plan").map(str::to_string),
                    mh_need: f.flag("mh_need")?,
                    mh_planned: f.row.flag("mh_planned").unwrap_or(false),
                    mh_attended: f.row.flag("mh_attended").unwrap_or(false),
                    sm_need: f.flag("sm_need")?,
                    sm_planned: f.row.flag("sm_planned").unwrap_or(false),
                    sm_attended: f.row.flag("sm_attended").unwrap_or(false),
                    early_help: f.flag("early_help")?,
                    child_protection: f.flag("child_protection")?,
                    child_in_need: f.flag("child_in_need")?,
                    looked_after: f.flag("looked_after")?,
                })
            } else {
                None
            };
            export.interventions.push(Intervention {
                row: f.row.row,
                intervention_id: f.text("intervention_id")?,
                child_id: f.text("child_id")?,
                kind,
                start_date: f.date("start_date")?,
                end_date,
                release_date,
                ooc_outcome: f.row.text("ooc_outcome").and_then(OocOutcome::from_code),
                end,
            });
        }
        for f in rows("Offences") {
            export.offences.push(Offence {
                row: f.row.row,
                offence_id: f.text("offence_id")?,
                child_id: f.text("child_id")?,
                offence_date: f.date("offence_date")?,
                outcome_date: f.date("outcome_date")?,
                outcome_type: f.text("outcome_type")?,
                offence_category: f.text("offence_category")?,
                gravity_score: u8::try_from(f.int("gravity_score")?)
                    .map_err(|_| f.missing("gravity_score"))?,
                custodial: f.row.flag("custodial"),
            });
        }
        for f in rows("Victims") {
            export.victims.push(Victim {
                row: f.row.row,
                victim_id: f.text("victim_id")?,
                intervention_id: f.text("intervention_id")?,
                contact_date: f.date("contact_date")?,
                consented: f.flag("consented")?,
                rj_engaged: f.row.flag("rj_engaged"),
                views_sought: f.row.flag("views_sought"),
                progress_requested: f.row.flag("progress_requested"),
                progress_provided: f.row.flag("progress_provided"),
                services_requested: f.row.flag("services_requested"),
                services_provided: f.row.flag("services_provided"),
            });
        }
        for f in rows("BoardAttendance") {
            export.board.push(BoardAttendance {
                row: f.row.row,
                meeting_date: f.date("meeting_date")?,
                partner: f.text("partner")?,
                attended: f.flag("attended")?,
                senior: f.row.flag("senior"),
                disproportionality_data: f.flag("disproportionality_data")?,
            });
        }
        if self.sheet("ReoffendingCohort").is_some() {
            let mut cohort = Vec::new();
            for f in rows("ReoffendingCohort") {
                let period: Period = f
                    .text("cohort_period")?
                    .parse()
                    .map_err(|_| f.missing("cohort_period"))?;
                cohort.push(CohortMember {
                    row: f.row.row,
                    child_id: f.text("child_id")?,
                    cohort_period: period,
                    reoffences: u32::try_from(f.int("reoffences")?)
                        .map_err(|_| f.missing("reoffences"))?,
                });
            }
            export.reoffending = Some(cohort);
        }
        Ok(export)
    }
}
