//! The typed export: one struct per sheet row, after reading and validation.
//!
//! This is the seam between validation and aggregation. `validate` fills these from the sheets
//! (a cell that failed its rule is `None`, and its row may be left out); `build` only proceeds
//! when validation found no errors, so there every required field is present. Codes whose list
//! is defined by the schemas (accommodation, ETE, SEND plan, …) stay as canonical upper-case
//! text, so that a new definitions year can add a code without a code change; the codes whose
//! meaning shapes the return itself (intervention types, partners' statutory status) are enums.
//! Ids and codes are borrowed from the validated rows they were read from (`'a`), not copied:
//! a large export holds a million of them, and copying each into its own string was the
//! largest cost of building these records.

use crate::date::Date;
use crate::period::Period;

/// The whole export, typed.
#[derive(Debug, Clone, Default)]
pub struct Export<'a> {
    pub service: Option<Service<'a>>,
    pub children: Vec<Child<'a>>,
    pub interventions: Vec<Intervention<'a>>,
    pub offences: Vec<Offence<'a>>,
    pub victims: Vec<Victim<'a>>,
    pub board: Vec<BoardAttendance<'a>>,
    /// `None` when the optional `ReoffendingCohort` sheet is absent.
    pub reoffending: Option<Vec<CohortMember<'a>>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nation {
    England,
    Wales,
}

impl Nation {
    pub fn code(self) -> &'static str {
        match self {
            Nation::England => "ENGLAND",
            Nation::Wales => "WALES",
        }
    }

    pub fn from_code(code: &str) -> Option<Nation> {
        match code {
            "ENGLAND" => Some(Nation::England),
            "WALES" => Some(Nation::Wales),
            _ => None,
        }
    }
}

/// Sheet `Service`: who made the export and when.
#[derive(Debug, Clone, PartialEq)]
pub struct Service<'a> {
    pub yjs_code: &'a str,
    pub yjs_name: &'a str,
    pub nation: Nation,
    pub population_10_17: u64,
    pub extract_date: Date,
}

/// Sheet `Children`.
#[derive(Debug, Clone, PartialEq)]
pub struct Child<'a> {
    /// Excel row number (the header is row 1).
    pub row: u32,
    pub child_id: &'a str,
    pub date_of_birth: Date,
    pub sex: &'a str,
    pub ethnicity: &'a str,
}

/// The group an intervention type reports under. The order is the cohort tie-break order:
/// a later variant wins (`Custody` > `Community` > `OutOfCourt` > `Prevention`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    Prevention,
    OutOfCourt,
    Community,
    Custody,
}

impl Group {
    pub const ALL: [Group; 4] = [
        Group::Prevention,
        Group::OutOfCourt,
        Group::Community,
        Group::Custody,
    ];

    /// The name used in measure codes (`kpi1.out_of_court.suitable`).
    pub fn code(self) -> &'static str {
        match self {
            Group::Prevention => "prevention",
            Group::OutOfCourt => "out_of_court",
            Group::Community => "community",
            Group::Custody => "custody",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InterventionType {
    Prev,
    Div,
    Yc,
    Ycc,
    Ro,
    Yro,
    Cust,
}

impl InterventionType {
    pub const ALL: [InterventionType; 7] = [
        InterventionType::Prev,
        InterventionType::Div,
        InterventionType::Yc,
        InterventionType::Ycc,
        InterventionType::Ro,
        InterventionType::Yro,
        InterventionType::Cust,
    ];

    pub fn code(self) -> &'static str {
        match self {
            InterventionType::Prev => "PREV",
            InterventionType::Div => "DIV",
            InterventionType::Yc => "YC",
            InterventionType::Ycc => "YCC",
            InterventionType::Ro => "RO",
            InterventionType::Yro => "YRO",
            InterventionType::Cust => "CUST",
        }
    }

    pub fn from_code(code: &str) -> Option<InterventionType> {
        InterventionType::ALL.into_iter().find(|t| t.code() == code)
    }

    pub fn group(self) -> Group {
        match self {
            InterventionType::Prev => Group::Prevention,
            InterventionType::Div | InterventionType::Yc | InterventionType::Ycc => {
                Group::OutOfCourt
            }
            InterventionType::Ro | InterventionType::Yro => Group::Community,
            InterventionType::Cust => Group::Custody,
        }
    }

    /// Out-of-court disposals carry an `ooc_outcome` when they end.
    pub fn is_out_of_court(self) -> bool {
        self.group() == Group::OutOfCourt
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OocOutcome {
    Completed,
    NotCompleted,
}

impl OocOutcome {
    pub fn from_code(code: &str) -> Option<OocOutcome> {
        match code {
            "COMPLETED" => Some(OocOutcome::Completed),
            "NOT_COMPLETED" => Some(OocOutcome::NotCompleted),
            _ => None,
        }
    }
}

/// Weekly hours, held exactly in thousandths of an hour so that sums and the
/// "round half up after summing" rule are not at the mercy of binary fractions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Hours(pub i64);

impl Hours {
    pub fn from_f64(hours: f64) -> Hours {
        Hours((hours * 1000.0).round() as i64)
    }

    /// Rounds to the nearest whole hour, halves up.
    pub fn round_half_up(self) -> i64 {
        (self.0 + 500).div_euclid(1000)
    }
}

/// Sheet `Interventions`: one intervention or order.
#[derive(Debug, Clone, PartialEq)]
pub struct Intervention<'a> {
    pub row: u32,
    pub intervention_id: &'a str,
    pub child_id: &'a str,
    pub kind: InterventionType,
    pub start_date: Date,
    pub end_date: Option<Date>,
    pub release_date: Option<Date>,
    pub ooc_outcome: Option<OocOutcome>,
    /// The "at the end" fields: `None` while the intervention is open (they are ignored then,
    /// even when the case-management system has already filled them).
    pub end: Option<EndState<'a>>,
}

/// What was recorded at the end of an intervention (or, for custody, at release).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EndState<'a> {
    pub accommodation_type: &'a str,
    pub accommodation_suitable: bool,
    pub ete_status: &'a str,
    pub ete_suitable: bool,
    pub ete_hours_offered: Option<Hours>,
    pub ete_hours_attended: Option<Hours>,
    pub send_identified: bool,
    /// `EHCP`, `SEN_SUPPORT`, `IDP`, `NONE`, or `None` when blank.
    pub send_plan: Option<&'a str>,
    pub mh_need: bool,
    pub mh_planned: bool,
    pub mh_attended: bool,
    pub sm_need: bool,
    pub sm_planned: bool,
    pub sm_attended: bool,
    pub early_help: bool,
    pub child_protection: bool,
    pub child_in_need: bool,
    pub looked_after: bool,
}

impl Intervention<'_> {
    /// The day this intervention "ends" for the cohort of KPIs 1-5 and 8: the release date for
    /// custody, the end date for everything else.
    pub fn cohort_end(&self) -> Option<Date> {
        match self.kind {
            InterventionType::Cust => self.release_date,
            _ => self.end_date,
        }
    }

    /// Whether the intervention has ended (or, for custody, the child has been released),
    /// which is when its "at the end" fields must be filled.
    pub fn has_ended(&self) -> bool {
        self.end_date.is_some() || self.release_date.is_some()
    }
}

/// Sheet `Offences`: one proven offence outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Offence<'a> {
    pub row: u32,
    pub offence_id: &'a str,
    pub child_id: &'a str,
    pub offence_date: Date,
    pub outcome_date: Date,
    /// `CONVICTION`, `YC` or `YCC`.
    pub outcome_type: &'a str,
    pub offence_category: &'a str,
    pub gravity_score: u8,
    /// `None` on cautions (blank there).
    pub custodial: Option<bool>,
}

/// Sheet `Victims`: one victim of a child's offence.
#[derive(Debug, Clone, PartialEq)]
pub struct Victim<'a> {
    pub row: u32,
    pub victim_id: &'a str,
    pub intervention_id: &'a str,
    pub contact_date: Date,
    pub consented: bool,
    pub rj_engaged: Option<bool>,
    pub views_sought: Option<bool>,
    pub progress_requested: Option<bool>,
    pub progress_provided: Option<bool>,
    pub services_requested: Option<bool>,
    pub services_provided: Option<bool>,
}

/// Sheet `BoardAttendance`: one partner at one management-board meeting.
#[derive(Debug, Clone, PartialEq)]
pub struct BoardAttendance<'a> {
    pub row: u32,
    pub meeting_date: Date,
    /// Partner code, e.g. `POLICE`.
    pub partner: &'a str,
    pub attended: bool,
    pub senior: Option<bool>,
    pub disproportionality_data: bool,
}

/// The five statutory partners of a management board, in the order the return lists them.
pub const STATUTORY_PARTNERS: [&str; 5] =
    ["POLICE", "PROBATION", "SOCIAL_CARE", "EDUCATION", "HEALTH"];

/// Sheet `ReoffendingCohort`: one child in a published reoffending cohort.
#[derive(Debug, Clone, PartialEq)]
pub struct CohortMember<'a> {
    pub row: u32,
    pub child_id: &'a str,
    pub cohort_period: Period,
    pub reoffences: u32,
}
