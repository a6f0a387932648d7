//! One test per rule: a minimal failing case beside the clean export it starts from.

use super::*;
use crate::definitions::{Severity, Source};
use crate::export::workbook::{Cell, RawRow, RawSheet, Workbook};
use crate::period::Period;

/// The options of a run on the day the tests are set on, with no period.
fn defaults() -> Options {
    Options {
        today: crate::date::Date::new(2026, 12, 6),
        ..Options::default()
    }
}

const HEADERS: &[(&str, &[&str])] = &[
    (
        "Service",
        &[
            "yjs_code",
            "yjs_name",
            "nation",
            "population_10_17",
            "extract_date",
        ],
    ),
    (
        "Children",
        &["child_id", "date_of_birth", "sex", "ethnicity"],
    ),
    (
        "Interventions",
        &[
            "intervention_id",
            "child_id",
            "intervention_type",
            "start_date",
            "end_date",
            "release_date",
            "ooc_outcome",
            "accommodation_type",
            "accommodation_suitable",
            "ete_status",
            "ete_suitable",
            "ete_hours_offered",
            "ete_hours_attended",
            "send_identified",
            "send_plan",
            "mh_need",
            "mh_planned",
            "mh_attended",
            "sm_need",
            "sm_planned",
            "sm_attended",
            "early_help",
            "child_protection",
            "child_in_need",
            "looked_after",
        ],
    ),
    (
        "Offences",
        &[
            "offence_id",
            "child_id",
            "offence_date",
            "outcome_date",
            "outcome_type",
            "offence_category",
            "gravity_score",
            "custodial",
        ],
    ),
    (
        "Victims",
        &[
            "victim_id",
            "intervention_id",
            "contact_date",
            "consented",
            "rj_engaged",
            "views_sought",
            "progress_requested",
            "progress_provided",
            "services_requested",
            "services_provided",
        ],
    ),
    (
        "BoardAttendance",
        &[
            "meeting_date",
            "partner",
            "attended",
            "senior",
            "disproportionality_data",
        ],
    ),
    (
        "ReoffendingCohort",
        &["child_id", "cohort_period", "reoffences"],
    ),
];

const END: &str = "PARENTS|Y|SCHOOL_FT|Y|20|15|N||N|||N|||N|N|N|N";

/// A small export that breaks no rule; each test changes one thing.
struct Fixture {
    sheets: Vec<(String, Vec<String>, Vec<Vec<String>>)>,
}

impl Fixture {
    fn clean() -> Fixture {
        let rows: &[(&str, &[&str])] = &[
            ("Service", &["NSH01|Northshire|ENGLAND|48210|2024-10-18"]),
            (
                "Children",
                &["C1|2008-05-01|M|WHITE", "C2|2010-01-15|F|BLACK"],
            ),
            (
                "Interventions",
                &[
                    &format!("I1|C1|RO|2024-01-10|2024-08-20|||{END}"),
                    &format!("I2|C2|DIV|2024-06-01|2024-09-01||COMPLETED|{END}"),
                    &format!("I3|C2|CUST|2024-02-01||2024-08-01||{END}"),
                    "I4|C1|PREV|2024-09-01||||||||||||||||||||",
                ],
            ),
            (
                "Offences",
                &[
                    "O1|C1|2023-12-01|2024-01-10|CONVICTION|VIOLENCE|5|N",
                    "O2|C2|2024-05-01|2024-06-01|YC|THEFT|2|",
                ],
            ),
            (
                "Victims",
                &["V1|I1|2024-02-01|Y|Y|Y|Y|Y|Y|N", "V2|I2|2024-06-10|N||||||"],
            ),
            (
                "BoardAttendance",
                &[
                    "2024-07-15|POLICE|Y|Y|N",
                    "2024-07-15|PROBATION|Y|N|Y",
                    "2024-07-15|SOCIAL_CARE|N||N",
                    "2024-07-15|EDUCATION|Y|Y|N",
                    "2024-07-15|HEALTH|Y|Y|N",
                ],
            ),
            ("ReoffendingCohort", &["R1|2023-24 Q2|0", "R2|2023-24 Q2|3"]),
        ];
        let sheets = HEADERS
            .iter()
            .zip(rows)
            .map(|((name, headers), (_, data))| {
                (
                    name.to_string(),
                    headers.iter().map(|h| h.to_string()).collect(),
                    data.iter()
                        .map(|r| r.split('|').map(str::to_string).collect())
                        .collect(),
                )
            })
            .collect();
        Fixture { sheets }
    }

    fn sheet(&mut self, name: &str) -> &mut (String, Vec<String>, Vec<Vec<String>>) {
        self.sheets.iter_mut().find(|s| s.0 == name).expect("sheet")
    }

    /// Sets `column` of data row `index` (0-based: Excel row index + 2).
    fn set(mut self, name: &str, index: usize, column: &str, value: &str) -> Fixture {
        let sheet = self.sheet(name);
        let col = sheet.1.iter().position(|h| h == column).expect("column");
        let row = &mut sheet.2[index];
        if row.len() <= col {
            row.resize(col + 1, String::new());
        }
        row[col] = value.to_string();
        self
    }

    fn push(mut self, name: &str, row: &str) -> Fixture {
        self.sheet(name)
            .2
            .push(row.split('|').map(str::to_string).collect());
        self
    }

    fn workbook(&self) -> Workbook {
        let sheets = self
            .sheets
            .iter()
            .map(|(name, headers, rows)| {
                let cell = |s: &String| {
                    if s.trim().is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(s.trim().to_string())
                    }
                };
                let mut raw = vec![RawRow {
                    row: 1,
                    cells: headers.iter().map(cell).collect(),
                }];
                for (i, r) in rows.iter().enumerate() {
                    let cells: Vec<Cell> = r.iter().map(cell).collect();
                    if cells.iter().any(|c| !c.is_empty()) {
                        raw.push(RawRow {
                            row: i as u32 + 2,
                            cells,
                        });
                    }
                }
                RawSheet {
                    name: name.clone(),
                    rows: raw,
                    first_formula: None,
                    formula_count: 0,
                }
            })
            .collect();
        Workbook {
            sha256: "0".repeat(64),
            sheets,
        }
    }

    /// Validates the fixture, and proves on each of its rows that the compiled schema checks
    /// and `jsonschema` find the same violations.
    fn run_with(&self, options: &Options) -> Validation {
        let defs = Definitions::latest(&Source::Embedded).unwrap();
        let v = validate(self.workbook(), &defs, options);
        crate::schema::checks::agreement::assert_agree_on_all(&v, &defs);
        v
    }

    fn run(&self) -> Validation {
        self.run_with(&defaults())
    }
}

type Place<'a> = (&'a str, &'a str, Option<u32>, Option<&'a str>);

fn places(v: &Validation) -> Vec<(String, String, Option<u32>, Option<String>)> {
    v.findings
        .iter()
        .map(|f| {
            (
                f.code.clone(),
                f.sheet.clone().unwrap_or_default(),
                f.row,
                f.column.clone(),
            )
        })
        .collect()
}

/// The fixture yields exactly these findings.
#[track_caller]
fn expect(fx: Fixture, expected: &[Place<'_>]) -> Validation {
    let v = fx.run();
    let want: Vec<_> = expected
        .iter()
        .map(|(c, s, r, col)| (c.to_string(), s.to_string(), *r, col.map(str::to_string)))
        .collect();
    assert_eq!(places(&v), want, "findings: {:#?}", v.findings);
    v
}

#[test]
fn the_clean_fixture_passes_every_rule() {
    let v = expect(Fixture::clean(), &[]);
    assert_eq!(v.verdict(), "passed");
    // Without a period, the rules that need one did not run, and say so.
    assert!(
        v.rules.iter().all(|r| r.status
            == if PERIOD_RULES.contains(&r.code.as_str()) {
                RuleStatus::NotRun
            } else {
                RuleStatus::Ran
            }),
        "{:?}",
        v.rules
    );
    let options = Options {
        period: "2024-25 Q2".parse().ok(),
        ..defaults()
    };
    let v = Fixture::clean().run_with(&options);
    assert!(
        v.rules.iter().all(|r| r.status == RuleStatus::Ran),
        "{:?}",
        v.rules
    );
    let export = v.export().unwrap();
    assert_eq!(export.interventions.len(), 4);
    assert!(export.interventions[3].end.is_none());
    assert_eq!(export.reoffending.unwrap().len(), 2);
}

#[test]
fn e101_missing_sheet_and_optional_sheet_not_applicable() {
    let mut fx = Fixture::clean();
    fx.sheets
        .retain(|s| s.0 != "Victims" && s.0 != "ReoffendingCohort");
    let v = expect(fx, &[("E101", "Victims", None, None)]);
    let status = |code: &str| v.rules.iter().find(|r| r.code == code).unwrap().status;
    assert_eq!(status("E403"), RuleStatus::NotApplicable);
    assert_eq!(status("E330"), RuleStatus::NotApplicable);
    assert_eq!(status("E401"), RuleStatus::Ran);
}

#[test]
fn e102_missing_column_is_one_sheet_level_finding() {
    let mut fx = Fixture::clean();
    let s = fx.sheet("Children");
    s.1.remove(3);
    for r in &mut s.2 {
        r.remove(3);
    }
    expect(fx, &[("E102", "Children", None, Some("ethnicity"))]);
}

#[test]
fn e103_duplicate_header_after_normalising() {
    let mut fx = Fixture::clean();
    fx.sheet("Children").1.push("Child-ID".into());
    expect(fx, &[("E103", "Children", Some(1), Some("child_id"))]);
}

#[test]
fn e104_two_sheets_with_one_name() {
    let mut fx = Fixture::clean();
    let mut copy = fx.sheet("Children").clone();
    copy.0 = "children ".into();
    fx.sheets.push(copy);
    expect(fx, &[("E104", "Children", None, None)]);
}

#[test]
fn e105_service_must_have_one_row() {
    let fx = Fixture::clean().push("Service", "NSH02|Other|ENGLAND|1|2024-10-18");
    expect(fx, &[("E105", "Service", Some(3), None)]);
    let mut fx = Fixture::clean();
    fx.sheet("Service").2.clear();
    expect(fx, &[("E105", "Service", None, None)]);
}

#[test]
fn w110_unknown_columns_once_per_sheet() {
    let mut fx = Fixture::clean();
    fx.sheet("Children")
        .1
        .extend(["Notes".to_string(), "Worker".to_string()]);
    let v = expect(fx, &[("W110", "Children", Some(1), None)]);
    // It marks the first unknown header's cell and names every unknown column.
    let f = &v.findings[0];
    assert_eq!(f.location.as_deref(), Some("Children!E1"));
    assert_eq!(f.col_index, Some(4));
    assert_eq!(f.value.as_deref(), Some("Notes"));
    assert_eq!(
        f.message,
        "2 columns not in the data dictionary were ignored: \"Notes\" (E), \"Worker\" (F)"
    );
    assert_eq!(v.verdict(), "passed with warnings");
}

#[test]
fn i111_alias_header_is_named_once() {
    let mut fx = Fixture::clean();
    fx.sheet("Children").1[1] = "DOB".into();
    fx.sheet("Children").1[0] = "Child ID".into();
    let v = expect(fx, &[("I111", "Children", Some(1), Some("date_of_birth"))]);
    assert_eq!(v.findings[0].location.as_deref(), Some("Children!B1"));
    assert!(!v.has_errors());
}

#[test]
fn sheet_aliases_are_matched() {
    let mut fx = Fixture::clean();
    fx.sheet("Interventions").0 = "Orders".into();
    fx.sheet("BoardAttendance").0 = "Board Attendance".into();
    expect(fx, &[]);
}

#[test]
fn w112_formulas_warn_once() {
    let fx = Fixture::clean();
    let mut wb = fx.workbook();
    wb.sheets[1].first_formula = Some((2, 3));
    wb.sheets[1].formula_count = 2;
    let defs = Definitions::latest(&Source::Embedded).unwrap();
    let v = validate(wb, &defs, &defaults());
    assert_eq!(
        places(&v),
        vec![(
            "W112".into(),
            "Children".into(),
            Some(2),
            Some("ethnicity".into())
        )]
    );
}

#[test]
fn e201_not_a_date() {
    let v = expect(
        Fixture::clean().set("Interventions", 0, "end_date", "2024-13-01"),
        &[("E201", "Interventions", Some(2), Some("end_date"))],
    );
    let f = &v.findings[0];
    assert_eq!(f.location.as_deref(), Some("Interventions!E2"));
    assert_eq!(f.value.as_deref(), Some("2024-13-01"));
    expect(
        Fixture::clean().set("Children", 0, "date_of_birth", "5/13/2008"),
        &[("E201", "Children", Some(2), Some("date_of_birth"))],
    );
    expect(
        Fixture::clean().set("Children", 0, "date_of_birth", "1/5/2008"),
        &[],
    );
}

#[test]
fn e202_date_before_1990() {
    expect(
        Fixture::clean().set("Offences", 0, "offence_date", "1989-12-31"),
        &[
            ("E202", "Offences", Some(2), Some("offence_date")),
            ("E431", "Offences", Some(2), Some("offence_date")),
        ],
    );
}

#[test]
fn e203_date_after_extract_date() {
    expect(
        Fixture::clean().set("Victims", 0, "contact_date", "2024-10-19"),
        &[("E203", "Victims", Some(2), Some("contact_date"))],
    );
    expect(
        Fixture::clean().set("Victims", 0, "contact_date", "2024-10-18"),
        &[],
    );
}

#[test]
fn e204_not_yes_no() {
    expect(
        Fixture::clean().set("BoardAttendance", 0, "attended", "maybe"),
        &[("E204", "BoardAttendance", Some(2), Some("attended"))],
    );
    expect(
        Fixture::clean().set("BoardAttendance", 0, "attended", "yes"),
        &[],
    );
}

#[test]
fn e205_e206_numbers() {
    expect(
        Fixture::clean().set("Interventions", 0, "ete_hours_offered", "lots"),
        &[("E205", "Interventions", Some(2), Some("ete_hours_offered"))],
    );
    expect(
        Fixture::clean().set("Offences", 0, "gravity_score", "5.5"),
        &[("E206", "Offences", Some(2), Some("gravity_score"))],
    );
    expect(
        Fixture::clean().set("Interventions", 0, "ete_hours_offered", "20.5"),
        &[],
    );
}

#[test]
fn e207_not_a_period() {
    expect(
        Fixture::clean().set("ReoffendingCohort", 0, "cohort_period", "Q2 2023"),
        &[("E207", "ReoffendingCohort", Some(2), Some("cohort_period"))],
    );
    expect(
        Fixture::clean().set("ReoffendingCohort", 0, "cohort_period", "2023/24Q2"),
        &[],
    );
}

#[test]
fn e208_code_not_in_list_but_case_is_ignored() {
    expect(
        Fixture::clean().set("Children", 0, "ethnicity", "SCOTTISH"),
        &[("E208", "Children", Some(2), Some("ethnicity"))],
    );
    expect(
        Fixture::clean().set("Interventions", 0, "ete_status", "SCHOOL FT"),
        &[("E208", "Interventions", Some(2), Some("ete_status"))],
    );
    expect(
        Fixture::clean().set("Children", 0, "ethnicity", " white "),
        &[],
    );
}

#[test]
fn e209_required_value_missing() {
    expect(
        Fixture::clean().set("Children", 1, "sex", ""),
        &[("E209", "Children", Some(3), Some("sex"))],
    );
}

#[test]
fn e210_number_out_of_range() {
    expect(
        Fixture::clean().set("Offences", 0, "gravity_score", "9"),
        &[("E210", "Offences", Some(2), Some("gravity_score"))],
    );
    expect(
        Fixture::clean().set("Service", 0, "population_10_17", "0"),
        &[("E210", "Service", Some(2), Some("population_10_17"))],
    );
    expect(
        Fixture::clean().set("ReoffendingCohort", 0, "reoffences", "-1"),
        &[("E210", "ReoffendingCohort", Some(2), Some("reoffences"))],
    );
    expect(
        Fixture::clean()
            .set("Interventions", 0, "ete_hours_offered", "41")
            .set("Interventions", 0, "ete_hours_attended", "0"),
        &[("E210", "Interventions", Some(2), Some("ete_hours_offered"))],
    );
}

#[test]
fn e211_yjs_code_format() {
    expect(
        Fixture::clean().set("Service", 0, "yjs_code", "NSH-01"),
        &[("E211", "Service", Some(2), Some("yjs_code"))],
    );
}

#[test]
fn e212_excel_error_cells() {
    let fx = Fixture::clean();
    let mut wb = fx.workbook();
    wb.sheets[1].rows[1].cells[2] = Cell::Error("#N/A".into());
    let defs = Definitions::latest(&Source::Embedded).unwrap();
    let v = validate(wb, &defs, &defaults());
    assert_eq!(
        places(&v),
        vec![(
            "E212".into(),
            "Children".into(),
            Some(2),
            Some("sex".into())
        )]
    );
}

#[test]
fn e301_end_before_start() {
    expect(
        Fixture::clean().set("Interventions", 0, "end_date", "2024-01-09"),
        &[("E301", "Interventions", Some(2), Some("end_date"))],
    );
    expect(
        Fixture::clean().set("Interventions", 0, "end_date", "2024-01-10"),
        &[],
    );
}

#[test]
fn e302_release_date_only_for_custody() {
    expect(
        Fixture::clean().set("Interventions", 0, "release_date", "2024-05-01"),
        &[("E302", "Interventions", Some(2), Some("release_date"))],
    );
}

#[test]
fn e303_e304_custody_dates() {
    expect(
        Fixture::clean().set("Interventions", 2, "release_date", "2024-01-31"),
        &[("E303", "Interventions", Some(4), Some("release_date"))],
    );
    expect(
        Fixture::clean().set("Interventions", 2, "end_date", "2024-07-31"),
        &[("E304", "Interventions", Some(4), Some("end_date"))],
    );
    expect(
        Fixture::clean().set("Interventions", 2, "end_date", "2024-08-01"),
        &[],
    );
}

#[test]
fn e305_e306_out_of_court_outcome() {
    expect(
        Fixture::clean().set("Interventions", 1, "ooc_outcome", ""),
        &[("E305", "Interventions", Some(3), Some("ooc_outcome"))],
    );
    expect(
        Fixture::clean().set("Interventions", 0, "ooc_outcome", "COMPLETED"),
        &[("E306", "Interventions", Some(2), Some("ooc_outcome"))],
    );
    // An open out-of-court disposal has no outcome yet.
    expect(
        Fixture::clean()
            .set("Interventions", 1, "end_date", "")
            .set("Interventions", 1, "ooc_outcome", ""),
        &[],
    );
    expect(
        Fixture::clean().set("Interventions", 1, "end_date", ""),
        &[("E306", "Interventions", Some(3), Some("ooc_outcome"))],
    );
}

#[test]
fn e307_end_fields_required_once_ended_and_ignored_while_open() {
    expect(
        Fixture::clean().set("Interventions", 0, "looked_after", ""),
        &[("E307", "Interventions", Some(2), Some("looked_after"))],
    );
    expect(
        Fixture::clean().set("Interventions", 2, "ete_status", ""),
        &[("E307", "Interventions", Some(4), Some("ete_status"))],
    );
    // Open: at-the-end fields are ignored, even when filled with nonsense.
    expect(
        Fixture::clean()
            .set("Interventions", 3, "ete_status", "NEET")
            .set("Interventions", 3, "ete_suitable", "maybe"),
        &[],
    );
}

#[test]
fn e308_attended_above_offered() {
    expect(
        Fixture::clean().set("Interventions", 0, "ete_hours_attended", "20.5"),
        &[("E308", "Interventions", Some(2), Some("ete_hours_attended"))],
    );
    expect(
        Fixture::clean().set("Interventions", 0, "ete_hours_attended", "20"),
        &[],
    );
}

#[test]
fn e309_e310_send_plan() {
    expect(
        Fixture::clean().set("Interventions", 0, "send_identified", "Y"),
        &[("E309", "Interventions", Some(2), Some("send_plan"))],
    );
    expect(
        Fixture::clean().set("Interventions", 0, "send_plan", "EHCP"),
        &[("E310", "Interventions", Some(2), Some("send_plan"))],
    );
    expect(
        Fixture::clean().set("Interventions", 0, "send_plan", "none"),
        &[],
    );
    expect(
        Fixture::clean()
            .set("Interventions", 0, "send_identified", "Y")
            .set("Interventions", 0, "send_plan", "SEN_SUPPORT"),
        &[],
    );
}

#[test]
fn e311_idp_is_welsh() {
    let idp = Fixture::clean()
        .set("Interventions", 0, "send_identified", "Y")
        .set("Interventions", 0, "send_plan", "IDP");
    expect(
        idp,
        &[("E311", "Interventions", Some(2), Some("send_plan"))],
    );
    let wales = Fixture::clean()
        .set("Service", 0, "nation", "WALES")
        .set("Interventions", 0, "send_identified", "Y")
        .set("Interventions", 0, "send_plan", "IDP");
    expect(wales, &[]);
}

#[test]
fn e312_to_e315_mental_health_and_substance_misuse_funnels() {
    expect(
        Fixture::clean().set("Interventions", 0, "mh_need", "Y"),
        &[("E312", "Interventions", Some(2), Some("mh_planned"))],
    );
    expect(
        Fixture::clean().set("Interventions", 0, "sm_planned", "N"),
        &[("E313", "Interventions", Some(2), Some("sm_planned"))],
    );
    expect(
        Fixture::clean()
            .set("Interventions", 0, "mh_need", "Y")
            .set("Interventions", 0, "mh_planned", "Y"),
        &[("E314", "Interventions", Some(2), Some("mh_attended"))],
    );
    expect(
        Fixture::clean()
            .set("Interventions", 0, "sm_need", "Y")
            .set("Interventions", 0, "sm_planned", "N")
            .set("Interventions", 0, "sm_attended", "N"),
        &[("E315", "Interventions", Some(2), Some("sm_attended"))],
    );
    expect(
        Fixture::clean()
            .set("Interventions", 0, "sm_need", "Y")
            .set("Interventions", 0, "sm_planned", "Y")
            .set("Interventions", 0, "sm_attended", "N"),
        &[],
    );
}

#[test]
fn w316_unsuitable_accommodation_marked_suitable_is_a_query() {
    let v = expect(
        Fixture::clean().set("Interventions", 0, "accommodation_type", "NFA"),
        &[(
            "W316",
            "Interventions",
            Some(2),
            Some("accommodation_suitable"),
        )],
    );
    assert!(!v.has_errors());
    expect(
        Fixture::clean()
            .set("Interventions", 0, "accommodation_type", "TEMPORARY")
            .set("Interventions", 0, "accommodation_suitable", "N"),
        &[],
    );
}

#[test]
fn e317_neet_is_never_suitable() {
    expect(
        Fixture::clean().set("Interventions", 0, "ete_status", "NEET"),
        &[("E317", "Interventions", Some(2), Some("ete_suitable"))],
    );
    expect(
        Fixture::clean()
            .set("Interventions", 0, "ete_status", "NEET")
            .set("Interventions", 0, "ete_suitable", "N"),
        &[],
    );
}

#[test]
fn e320_outcome_before_offence() {
    expect(
        Fixture::clean().set("Offences", 0, "outcome_date", "2023-11-30"),
        &[("E320", "Offences", Some(2), Some("outcome_date"))],
    );
}

#[test]
fn e321_e322_custodial_flag() {
    expect(
        Fixture::clean().set("Offences", 0, "custodial", ""),
        &[("E321", "Offences", Some(2), Some("custodial"))],
    );
    expect(
        Fixture::clean().set("Offences", 1, "custodial", "Y"),
        &[("E322", "Offences", Some(3), Some("custodial"))],
    );
    expect(Fixture::clean().set("Offences", 1, "custodial", "N"), &[]);
}

#[test]
fn e330_to_e333_victim_funnels() {
    expect(
        Fixture::clean().set("Victims", 0, "views_sought", ""),
        &[("E330", "Victims", Some(2), Some("views_sought"))],
    );
    expect(
        Fixture::clean().set("Victims", 1, "rj_engaged", "N"),
        &[("E331", "Victims", Some(3), Some("rj_engaged"))],
    );
    expect(
        Fixture::clean().set("Victims", 0, "progress_provided", ""),
        &[("E332", "Victims", Some(2), Some("progress_provided"))],
    );
    expect(
        Fixture::clean().set("Victims", 0, "progress_requested", "N"),
        &[("E333", "Victims", Some(2), Some("progress_provided"))],
    );
    expect(
        Fixture::clean()
            .set("Victims", 0, "services_requested", "N")
            .set("Victims", 0, "services_provided", ""),
        &[],
    );
}

#[test]
fn e340_e341_board_seniority() {
    expect(
        Fixture::clean().set("BoardAttendance", 0, "senior", ""),
        &[("E340", "BoardAttendance", Some(2), Some("senior"))],
    );
    expect(
        Fixture::clean().set("BoardAttendance", 2, "senior", "N"),
        &[("E341", "BoardAttendance", Some(4), Some("senior"))],
    );
}

#[test]
fn e401_a_group_of_duplicates_is_one_finding_on_its_second_row_naming_the_others() {
    let fx = Fixture::clean()
        .push("Children", "C1|2008-05-01|M|WHITE")
        .push("Children", "C1|2008-05-01|M|WHITE");
    let v = expect(fx, &[("E401", "Children", Some(4), Some("child_id"))]);
    let rows: Vec<u32> = v.findings[0].related.iter().map(|r| r.row).collect();
    assert_eq!(rows, vec![2, 5]);
    assert_eq!(
        v.findings[0].message,
        "child_id C1 appears more than once (rows 2, 4, 5)"
    );
    expect(
        Fixture::clean().set("Offences", 1, "offence_id", "O1"),
        &[("E401", "Offences", Some(3), Some("offence_id"))],
    );
}

#[test]
fn e401_a_placeholder_id_on_many_rows_names_twenty_and_counts_the_rest() {
    let mut fx = Fixture::clean();
    for _ in 0..30 {
        fx = fx.push("Victims", "0|I2|2024-06-10|N||||||");
    }
    // Rows 4 to 33 share the id 0.
    let v = expect(fx, &[("E401", "Victims", Some(5), Some("victim_id"))]);
    let f = &v.findings[0];
    let listed: Vec<String> = (4..24).map(|r| r.to_string()).collect();
    assert_eq!(
        f.message,
        format!(
            "victim_id 0 appears more than once (rows {} and 10 more)",
            listed.join(", ")
        )
    );
    let related: Vec<u32> = f.related.iter().map(|r| r.row).collect();
    assert_eq!(related, [4].into_iter().chain(6..25).collect::<Vec<u32>>());
}

#[test]
fn e402_duplicate_partner_at_a_meeting() {
    expect(
        Fixture::clean().push("BoardAttendance", "2024-07-15|police|Y|Y|N"),
        &[("E402", "BoardAttendance", Some(7), Some("partner"))],
    );
}

#[test]
fn e403_duplicate_child_in_one_cohort_only() {
    expect(
        Fixture::clean().push("ReoffendingCohort", "R1|2023-24 Q2|1"),
        &[("E403", "ReoffendingCohort", Some(4), Some("child_id"))],
    );
    expect(
        Fixture::clean().push("ReoffendingCohort", "R1|2023-24 Q3|1"),
        &[],
    );
}

#[test]
fn e410_e411_orphans() {
    expect(
        Fixture::clean().set("Offences", 0, "child_id", "C9"),
        &[("E410", "Offences", Some(2), Some("child_id"))],
    );
    expect(
        Fixture::clean().set("Victims", 1, "intervention_id", "I9"),
        &[("E411", "Victims", Some(3), Some("intervention_id"))],
    );
    // Ids are compared exactly.
    expect(
        Fixture::clean().set("Offences", 0, "child_id", "c1"),
        &[("E410", "Offences", Some(2), Some("child_id"))],
    );
}

#[test]
fn w420_same_type_overlap_including_touching_days_and_open_ends() {
    let touching = Fixture::clean().push(
        "Interventions",
        &format!("I5|C1|RO|2024-08-20|2024-09-30|||{END}"),
    );
    let v = expect(
        touching,
        &[("W420", "Interventions", Some(6), Some("start_date"))],
    );
    assert_eq!(v.findings[0].related[0].row, 2);
    let after = Fixture::clean().push(
        "Interventions",
        &format!("I5|C1|RO|2024-08-21|2024-09-30|||{END}"),
    );
    expect(after, &[]);
    let open = Fixture::clean().push("Interventions", "I5|C1|PREV|2024-10-01||||||||||||||||||||");
    expect(
        open,
        &[("W420", "Interventions", Some(6), Some("start_date"))],
    );
    let other_type = Fixture::clean().push(
        "Interventions",
        &format!("I5|C1|YRO|2024-03-01|2024-09-30|||{END}"),
    );
    expect(other_type, &[]);
}

#[test]
fn w420_intervals_that_overlap_one_another_are_one_finding() {
    // I1 runs 2024-01-10 to 2024-08-20. I5 overlaps it; I6 overlaps only I5; I7 starts after
    // all three have ended, and I8 overlaps I7: two clusters, two findings.
    let fx = Fixture::clean()
        .push(
            "Interventions",
            &format!("I5|C1|RO|2024-08-01|2024-09-10|||{END}"),
        )
        .push(
            "Interventions",
            &format!("I6|C1|RO|2024-09-10|2024-09-30|||{END}"),
        )
        .push(
            "Interventions",
            &format!("I7|C1|RO|2024-10-05|2024-10-10|||{END}"),
        )
        .push(
            "Interventions",
            &format!("I8|C1|RO|2024-10-01|2024-10-05|||{END}"),
        );
    let v = expect(
        fx,
        &[
            ("W420", "Interventions", Some(6), Some("start_date")),
            ("W420", "Interventions", Some(9), Some("start_date")),
        ],
    );
    assert_eq!(
        v.findings[0].message,
        "3 RO interventions of child C1 overlap one another (rows 2, 6, 7)"
    );
    let related: Vec<u32> = v.findings[0].related.iter().map(|r| r.row).collect();
    assert_eq!(related, vec![2, 7]);
    assert_eq!(
        v.findings[1].message,
        "RO intervention I8 overlaps I7 (row 8) for child C1"
    );
    assert_eq!(v.findings[1].related[0].row, 8);
}

#[test]
fn e430_start_age_10_to_17_and_prevention_from_8() {
    // C1 was born 2008-05-01: 18 on 2026-05-01, so a start on 2026-04-30 is fine.
    expect(
        Fixture::clean()
            .set("Children", 0, "date_of_birth", "2014-08-20")
            .set("Offences", 0, "child_id", "C2"),
        &[("E430", "Interventions", Some(2), Some("start_date"))],
    );
    // Aged 9 on a PREV start is fine; aged 7 is not.
    expect(
        Fixture::clean()
            .set("Interventions", 3, "child_id", "C2")
            .set("Children", 1, "date_of_birth", "2015-01-15")
            .set("Interventions", 1, "child_id", "C1")
            .set("Interventions", 2, "child_id", "C1")
            .set("Offences", 1, "child_id", "C1"),
        &[],
    );
    expect(
        Fixture::clean()
            .set("Interventions", 3, "child_id", "C2")
            .set("Children", 1, "date_of_birth", "2017-01-15")
            .set("Interventions", 1, "child_id", "C1")
            .set("Interventions", 2, "child_id", "C1")
            .set("Offences", 1, "child_id", "C1"),
        &[("E430", "Interventions", Some(5), Some("start_date"))],
    );
    // Turning 18 on the start day is too old (birthday arithmetic).
    expect(
        Fixture::clean()
            .set("Children", 0, "date_of_birth", "2006-01-10")
            .set("Offences", 0, "offence_date", "2024-01-09")
            .set("Offences", 0, "outcome_date", "2024-01-09"),
        &[
            ("E430", "Interventions", Some(2), Some("start_date")),
            ("E430", "Interventions", Some(5), Some("start_date")),
        ],
    );
}

#[test]
fn e431_offence_age() {
    expect(
        Fixture::clean()
            .set("Offences", 0, "offence_date", "2018-04-30")
            .set("Offences", 0, "outcome_date", "2018-06-01"),
        &[("E431", "Offences", Some(2), Some("offence_date"))],
    );
    expect(
        Fixture::clean()
            .set("Offences", 0, "offence_date", "2018-04-30")
            .set("Offences", 0, "outcome_date", "2018-06-01")
            .set("Children", 0, "date_of_birth", "2008-04-30"),
        &[],
    );
}

#[test]
fn e432_end_and_release_ages_8_to_25() {
    let fx = Fixture::clean()
        .set("Children", 1, "date_of_birth", "1998-08-01")
        .set("Interventions", 1, "child_id", "C1")
        .set("Offences", 1, "child_id", "C1")
        .set("Interventions", 2, "start_date", "2016-02-01")
        .set("Interventions", 2, "release_date", "2024-08-01");
    expect(
        fx,
        &[("E432", "Interventions", Some(4), Some("release_date"))],
    );
}

#[test]
fn e440_missing_statutory_partner_on_first_row_of_meeting() {
    let mut fx = Fixture::clean();
    fx.sheet("BoardAttendance").2.remove(3);
    let v = expect(fx, &[("E440", "BoardAttendance", Some(2), Some("partner"))]);
    assert!(v.findings[0].message.contains("EDUCATION"));
    let extra = Fixture::clean().push("BoardAttendance", "2024-08-15|PCC|N||N");
    let v = extra.run();
    assert_eq!(v.findings.len(), 5);
    assert!(
        v.findings
            .iter()
            .all(|f| f.code == "E440" && f.row == Some(7))
    );
}

#[test]
fn e451_export_taken_before_the_period_closed_unless_provisional() {
    let fx = Fixture::clean();
    let late: Period = "2024-25 Q3".parse().unwrap();
    let v = fx.run_with(&Options {
        period: Some(late),
        provisional: false,
        ..Default::default()
    });
    assert_eq!(
        places(&v),
        vec![(
            "E451".into(),
            "Service".into(),
            Some(2),
            Some("extract_date".into())
        )]
    );
    assert_eq!(
        v.findings[0].message,
        "the export was taken on 18 October 2024, before 2024-25 Q3 ended on 31 December \
         2024: its figures would be incomplete: take a new export after the quarter closes, \
         or add --provisional for an early look"
    );
    let provisional = fx.run_with(&Options {
        period: Some(late),
        provisional: true,
        ..Default::default()
    });
    assert_eq!(places(&provisional)[0].0, "I454");
    assert!(!provisional.has_errors());
    let closed: Period = "2024-25 Q2".parse().unwrap();
    for provisional in [false, true] {
        assert!(
            fx.run_with(&Options {
                period: Some(closed),
                provisional,
                ..Default::default()
            })
            .findings
            .is_empty()
        );
    }
}

#[test]
fn e450_a_period_that_starts_after_the_export_is_always_an_error() {
    let fx = Fixture::clean();
    let typo: Period = "2026-27 Q2".parse().unwrap();
    for provisional in [false, true] {
        let v = fx.run_with(&Options {
            period: Some(typo),
            provisional,
            ..Default::default()
        });
        assert_eq!(places(&v)[0].0, "E450");
        assert_eq!(
            v.findings[0].message,
            "the export was taken on 18 October 2024, before 2026-27 Q2 began on 1 July 2026: \
             check the period (this export most likely covers 2024-25 Q2)"
        );
    }
}

#[test]
fn w452_an_export_taken_after_the_following_quarter_ended_is_a_query() {
    // 2024-25 Q2 ends on 30 September 2024; the quarter following it, Q3, on 31 December.
    let q2: Period = "2024-25 Q2".parse().unwrap();
    let at = |extract: &str, provisional: bool| {
        Fixture::clean()
            .set("Service", 0, "extract_date", extract)
            .run_with(&Options {
                period: Some(q2),
                provisional,
                ..Default::default()
            })
    };
    // The usual lag, up to the last day of the following quarter: nothing to say.
    for extract in ["2024-10-01", "2024-10-18", "2024-12-31"] {
        let v = at(extract, false);
        assert!(v.findings.is_empty(), "{extract}: {:?}", places(&v));
    }
    // The day after: a query on the extract date, naming the quarter it most likely covers.
    let v = at("2025-01-01", false);
    assert_eq!(
        places(&v),
        vec![(
            "W452".into(),
            "Service".into(),
            Some(2),
            Some("extract_date".into())
        )]
    );
    assert_eq!(v.findings[0].severity, Severity::Warning);
    assert_eq!(v.findings[0].value.as_deref(), Some("2025-01-01"));
    assert_eq!(
        v.findings[0].message,
        "the export was taken on 1 January 2025, after 2024-25 Q3, the quarter following \
         2024-25 Q2, had ended on 31 December 2024: check the period (this export most likely \
         covers 2024-25 Q3); if rebuilding 2024-25 Q2 from it is right, acknowledge this query"
    );
    assert!(!v.has_errors());
    // A year late names the quarter the export covers; --provisional changes nothing.
    let v = at("2025-07-18", true);
    assert_eq!(places(&v)[0].0, "W452");
    assert!(
        v.findings[0]
            .message
            .contains("this export most likely covers 2025-26 Q1"),
        "{}",
        v.findings[0].message
    );
}

#[test]
fn the_rule_catalogue_gives_every_rule_its_own_number() {
    // The letter is the severity; the number names the rule. W452 joined I452 (the provisional
    // note), so the note became I454.
    let defs = Definitions::latest(&Source::Embedded).unwrap();
    let mut numbers: Vec<&str> = defs
        .rules
        .iter()
        .map(|r| r.code.trim_start_matches(char::is_alphabetic))
        .collect();
    numbers.sort_unstable();
    let before = numbers.len();
    numbers.dedup();
    assert_eq!(numbers.len(), before, "two rules share a number");
    assert!(defs.rule("W452").is_some() && defs.rule("I454").is_some());
    assert!(defs.rule("I452").is_none());
}

#[test]
fn an_export_taken_on_the_last_day_covers_its_quarter() {
    let fx = Fixture::clean().set("Service", 0, "extract_date", "2024-12-31");
    let q3: Period = "2024-25 Q3".parse().unwrap();
    let v = fx.run_with(&Options {
        period: Some(q3),
        provisional: false,
        ..Default::default()
    });
    assert!(
        !v.findings.iter().any(|f| f.code.starts_with("E45")),
        "{:?}",
        places(&v)
    );
}

#[test]
fn blank_and_whitespace_rows_are_skipped_and_rows_keep_their_numbers() {
    let fx = Fixture::clean()
        .push("Children", "   |  |  | ")
        .push("Children", "C3|2009-01-01|U|MIXED|")
        .push("Children", "C3|2009-01-01|U|MIXED|");
    expect(fx, &[("E401", "Children", Some(6), Some("child_id"))]);
}

#[test]
fn every_rule_of_the_catalogue_is_implemented_somewhere() {
    let defs = Definitions::latest(&Source::Embedded).unwrap();
    let mut sources = String::new();
    for f in [
        include_str!("mod.rs"),
        include_str!("extract.rs"),
        include_str!("header.rs"),
        include_str!("../schema/checks/mod.rs"),
        include_str!("sheet.rs"),
        include_str!("coerce.rs"),
        include_str!("rows.rs"),
        include_str!("cross/mod.rs"),
        include_str!("cross/unique.rs"),
        include_str!("cross/references.rs"),
        include_str!("cross/overlaps.rs"),
        include_str!("cross/ages.rs"),
        include_str!("cross/board.rs"),
        include_str!("cross/nation.rs"),
        include_str!("acknowledge.rs"),
    ] {
        sources.push_str(f);
    }
    sources.push_str(include_str!("../export/workbook/error.rs"));
    for s in &defs.sheets {
        sources.push_str(&s.schema.to_string());
    }
    for code in ["E208", "E209", "E210"] {
        assert!(sources.contains(code));
    }
    for rule in &defs.rules {
        assert!(
            sources.contains(&format!("\"{}\"", rule.code)),
            "rule {} is in the catalogue but nowhere in the code or schemas",
            rule.code
        );
    }
}

#[test]
fn acknowledged_warnings_keep_their_explanation_and_errors_cannot_be_acknowledged() {
    let mut v = Fixture::clean()
        .set("Interventions", 0, "accommodation_type", "NFA")
        .set("Children", 1, "sex", "")
        .run();
    let text = "code,sheet,row,column,value,explanation\n\
        W316,Interventions,2,accommodation_suitable,Y,Supported lodgings judged suitable\n\
        E209,Children,3,sex,,cannot acknowledge\n\
        W420,Interventions,9,,,stale line\n";
    let acks = acknowledge::parse(text, "ack.csv").unwrap();
    let unused = acknowledge::apply(&mut v, &acks);
    assert_eq!(unused.len(), 2);
    assert!(unused[0].1.contains("errors must be fixed"));
    assert!(unused[1].1.contains("matches no warning"));
    let w = v.findings.iter().find(|f| f.code == "W316").unwrap();
    assert_eq!(
        w.acknowledged.as_deref(),
        Some("Supported lodgings judged suitable")
    );
    assert!(v.has_errors());
    let template = acknowledge::template(&v);
    assert!(template.contains(
        "W316,Interventions,2,accommodation_suitable,Y,Supported lodgings judged suitable"
    ));
    let ok = Fixture::clean()
        .set("Interventions", 0, "accommodation_type", "NFA")
        .run();
    let mut ok = ok;
    acknowledge::apply(&mut ok, &acks);
    assert_eq!(ok.verdict(), "passed (every warning acknowledged)");
}

#[test]
fn reading_reports_each_sheet_then_the_checks_across_rows() {
    use std::sync::Arc;

    use crate::progress::{Progress, tests::Record};
    let record = Arc::new(Record::default());
    let bytes = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/2024-25/q1-export.xlsx"),
    )
    .unwrap();
    let defs = Definitions::latest(&Source::Embedded).unwrap();
    let options = Options {
        progress: Progress::to(record.clone()),
        ..defaults()
    };
    crate::validate::validate_file(&bytes, &defs, &options, crate::validate::Cells::Drop).unwrap();
    let said = record.0.lock().unwrap().clone();
    let reading: Vec<&str> = said
        .iter()
        .filter_map(|s| s.strip_prefix("reading "))
        .collect();
    assert_eq!(
        reading,
        [
            "Service",
            "Children",
            "Interventions",
            "Offences",
            "Victims",
            "BoardAttendance",
            "ReoffendingCohort"
        ]
    );
    assert_eq!(
        said.last().map(String::as_str),
        Some("stage Checking rows against one another")
    );
}

#[test]
fn each_finding_on_a_row_names_its_record_in_the_case_management_system() {
    let v = Fixture::clean()
        .set("Service", 0, "yjs_code", "N!")
        .set("Children", 1, "sex", "X")
        .set("Interventions", 0, "end_date", "2023-01-01")
        .set("Interventions", 1, "child_id", "")
        .set("Offences", 0, "gravity_score", "9")
        .set("Victims", 0, "consented", "Maybe")
        .set("BoardAttendance", 1, "attended", "Maybe")
        .set("ReoffendingCohort", 1, "reoffences", "-1")
        .run();
    let record = |code: &str, sheet: &str, row: u32| -> Vec<(&str, &str)> {
        let f = v
            .findings
            .iter()
            .find(|f| f.code == code && f.sheet.as_deref() == Some(sheet) && f.row == Some(row))
            .unwrap_or_else(|| panic!("no {code} on {sheet} row {row}: {:#?}", v.findings));
        f.record
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    };
    // Service has one row: nothing to find it by.
    assert_eq!(record("E211", "Service", 2), []);
    assert_eq!(record("E208", "Children", 3), [("child_id", "C2")]);
    assert_eq!(
        record("E301", "Interventions", 2),
        [("intervention_id", "I1"), ("child_id", "C1")]
    );
    // A key that is blank on the row is left out.
    assert_eq!(
        record("E209", "Interventions", 3),
        [("intervention_id", "I2")]
    );
    assert_eq!(
        record("E210", "Offences", 2),
        [("offence_id", "O1"), ("child_id", "C1")]
    );
    assert_eq!(
        record("E204", "Victims", 2),
        [("victim_id", "V1"), ("intervention_id", "I1")]
    );
    assert_eq!(
        record("E204", "BoardAttendance", 3),
        [("meeting_date", "2024-07-15"), ("partner", "PROBATION")]
    );
    assert_eq!(
        record("E210", "ReoffendingCohort", 3),
        [("child_id", "R2"), ("cohort_period", "2023-24 Q2")]
    );
    // Sheet-level findings name no record.
    assert!(
        v.findings
            .iter()
            .filter(|f| f.row.is_none())
            .all(|f| f.record.is_empty())
    );
}
