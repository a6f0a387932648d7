//! `flawed-export.xlsx`: the Q2 export with planted defects, one rule each, on known cells.
//! Each defect is listed with the finding `validate` must report for it, and that list is
//! written to `flawed-export.expected.csv`, which a test compares with the tool's findings.

use crate::northshire::{Caseload, Style, d, snapshot};
use crate::xlsx::{Sheet, V, t};

/// One planted defect: the finding it must produce and what was done.
pub struct Defect {
    pub code: &'static str,
    pub sheet: &'static str,
    /// Excel row; `None` for a sheet-level finding.
    pub row: Option<u32>,
    pub column: Option<&'static str>,
    pub what: String,
}

struct Plant<'a> {
    sheets: &'a mut [Sheet],
    defects: Vec<Defect>,
}

impl Plant<'_> {
    fn sheet(&mut self, name: &str) -> &mut Sheet {
        self.sheets
            .iter_mut()
            .find(|s| s.name == name)
            .expect("sheet")
    }

    /// Sets `column` of the row whose `key` is `id`, and records the expected finding there.
    #[allow(clippy::too_many_arguments)]
    fn set(
        &mut self,
        code: &'static str,
        sheet: &'static str,
        key: &str,
        id: &str,
        column: &'static str,
        value: V,
        what: &str,
    ) {
        let s = self.sheet(sheet);
        let i = s.find(key, id);
        s.set(i, column, value);
        self.expect(code, sheet, Some(i as u32 + 2), Some(column), what);
    }

    /// Changes a cell without a finding of its own (part of a defect recorded elsewhere).
    fn also(&mut self, sheet: &str, key: &str, id: &str, column: &str, value: V) {
        let s = self.sheet(sheet);
        let i = s.find(key, id);
        s.set(i, column, value);
    }

    /// Appends a row and returns its Excel row number.
    fn append(&mut self, sheet: &str, row: Vec<V>) -> u32 {
        let s = self.sheet(sheet);
        s.rows.push(row);
        s.rows.len() as u32 + 1
    }

    fn expect(
        &mut self,
        code: &'static str,
        sheet: &'static str,
        row: Option<u32>,
        column: Option<&'static str>,
        what: &str,
    ) {
        self.defects.push(Defect {
            code,
            sheet,
            row,
            column,
            what: what.to_string(),
        });
    }
}

fn y() -> V {
    t("Y")
}
fn n() -> V {
    t("N")
}

/// An ended intervention with plain end-of-intervention fields.
fn ended_row(id: &str, child: &str, kind: &str, start: &str, end: Option<&str>) -> Vec<V> {
    let date = |s: &str| V::Date(d(s));
    let mut row = vec![
        t(id),
        t(child),
        t(kind),
        date(start),
        end.map_or(V::Blank, date),
        V::Blank,
        V::Blank,
    ];
    if end.is_some() {
        row.extend([
            t("PARENTS"),
            y(),
            t("SCHOOL_FT"),
            y(),
            V::Num(20.0),
            V::Num(15.0),
            n(),
            V::Blank,
            n(),
            V::Blank,
            V::Blank,
            n(),
            V::Blank,
            V::Blank,
            n(),
            n(),
            n(),
            n(),
        ]);
    }
    row
}

/// The flawed export and its defects.
pub fn flawed(c: &Caseload) -> (Vec<Sheet>, Vec<Defect>) {
    let mut sheets = snapshot(c, d("2024-10-18"), Style::default());
    let mut p = Plant {
        sheets: &mut sheets,
        defects: Vec::new(),
    };
    let iv = "Interventions";
    let id = "intervention_id";

    // Service
    p.set(
        "E211",
        "Service",
        "yjs_name",
        crate::northshire::YJS_NAME,
        "yjs_code",
        t("NSH 01!"),
        "the YJS code has a space and a !",
    );
    p.also(
        "Service",
        "yjs_name",
        crate::northshire::YJS_NAME,
        "population_10_17",
        V::Formula("=48000+210".into(), 48210.0),
    );
    p.expect(
        "W112",
        "Service",
        Some(2),
        Some("population_10_17"),
        "the population is a formula (its cached value is used)",
    );

    // Children
    p.sheet("Children").headers[1] = "DOB".into();
    p.expect(
        "I111",
        "Children",
        Some(1),
        Some("date_of_birth"),
        "the date of birth column is headed DOB (an alias)",
    );
    p.set(
        "E208",
        "Children",
        "child_id",
        "NSH-E01",
        "ethnicity",
        t("WHITE BRITISH"),
        "an ethnicity that is not in the code list",
    );
    p.set(
        "E209",
        "Children",
        "child_id",
        "NSH-E02",
        "sex",
        V::Blank,
        "sex left blank",
    );
    p.append(
        "Children",
        vec![t("NSH-F01"), V::Date(d("2015-03-01")), t("M"), t("WHITE")],
    );

    // Interventions: one rule per row.
    p.set(
        "E301",
        iv,
        id,
        "NSH-I-0001",
        "end_date",
        V::Date(d("2024-02-01")),
        "ends before it starts",
    );
    p.set(
        "E306",
        iv,
        id,
        "NSH-I-0002",
        "ooc_outcome",
        t("COMPLETED"),
        "an out-of-court outcome on a referral order",
    );
    p.set(
        "E305",
        iv,
        id,
        "NSH-I-0003",
        "ooc_outcome",
        V::Blank,
        "an ended youth caution without its outcome",
    );
    p.set(
        "E307",
        iv,
        id,
        "NSH-I-0004",
        "accommodation_type",
        V::Blank,
        "ended, but no accommodation recorded",
    );
    p.set(
        "E304",
        iv,
        id,
        "NSH-I-0005",
        "end_date",
        V::Date(d("2024-08-01")),
        "a licence that ends before the release",
    );
    p.set(
        "E303",
        iv,
        id,
        "NSH-I-0006",
        "release_date",
        V::Date(d("2023-10-01")),
        "released before the sentence started",
    );
    p.set(
        "E308",
        iv,
        id,
        "NSH-I-0008",
        "ete_hours_attended",
        V::Num(30.0),
        "more hours attended (30) than offered (25)",
    );
    p.also(iv, id, "NSH-I-0009", "send_identified", y());
    p.set(
        "E309",
        iv,
        id,
        "NSH-I-0009",
        "send_plan",
        V::Blank,
        "a SEND need without its plan",
    );
    p.set(
        "E210",
        iv,
        id,
        "NSH-I-0010",
        "ete_hours_offered",
        V::Num(45.0),
        "45 weekly hours offered (0-40)",
    );
    p.set(
        "E310",
        iv,
        id,
        "NSH-I-0011",
        "send_plan",
        t("EHCP"),
        "an EHCP for a child with no identified need",
    );
    p.also(iv, id, "NSH-I-0012", "mh_need", y());
    p.set(
        "E312",
        iv,
        id,
        "NSH-I-0012",
        "mh_planned",
        V::Blank,
        "a mental-health need with nothing recorded as planned",
    );
    p.set(
        "E205",
        iv,
        id,
        "NSH-I-0015",
        "ete_hours_offered",
        t("ten"),
        "hours written in words",
    );
    p.set(
        "E317",
        iv,
        id,
        "NSH-I-0017",
        "ete_suitable",
        y(),
        "NEET judged suitable ETE",
    );
    p.also(iv, id, "NSH-I-0017", "ete_status", t("NEET"));
    p.set(
        "E302",
        iv,
        id,
        "NSH-I-0018",
        "release_date",
        V::Date(d("2024-05-01")),
        "a release date on a youth caution",
    );
    let e18 = p.sheet(iv).find(id, "NSH-I-0020") as u32 + 2;
    p.expect(
        "W316",
        iv,
        Some(e18),
        Some("accommodation_suitable"),
        "temporary accommodation judged suitable (a query)",
    );
    p.also(iv, id, "NSH-I-0021", "sm_need", y());
    p.also(iv, id, "NSH-I-0021", "sm_planned", n());
    p.set(
        "E315",
        iv,
        id,
        "NSH-I-0021",
        "sm_attended",
        y(),
        "attendance recorded when nothing was planned",
    );
    p.set(
        "E313",
        iv,
        id,
        "E03-10",
        "mh_planned",
        n(),
        "planned recorded when there is no need",
    );
    p.also(iv, id, "E03-9", "mh_need", y());
    p.also(iv, id, "E03-9", "mh_planned", y());
    p.set(
        "E314",
        iv,
        id,
        "E03-9",
        "mh_attended",
        V::Blank,
        "planned, but attendance not recorded",
    );
    let overlap = p.append(
        iv,
        ended_row(
            "NSH-I-9001",
            "NSH-E07",
            "RO",
            "2024-06-15",
            Some("2024-08-15"),
        ),
    );
    p.expect(
        "W420",
        iv,
        Some(overlap),
        Some("start_date"),
        "a second referral order for NSH-E07 overlapping the first",
    );
    let too_young = p.append(
        iv,
        ended_row("NSH-I-9002", "NSH-F01", "RO", "2024-07-01", None),
    );
    p.expect(
        "E430",
        iv,
        Some(too_young),
        Some("start_date"),
        "a referral order for a nine-year-old",
    );
    p.sheet(iv).headers.push("worker_notes".into());
    p.expect(
        "W110",
        iv,
        Some(1),
        None,
        "an extra column the dictionary does not know",
    );

    // Offences
    let off = "Offences";
    let oid = "offence_id";
    p.set(
        "E322",
        off,
        oid,
        "NSH-O-0001",
        "custodial",
        y(),
        "custody recorded on a youth caution",
    );
    p.also(
        off,
        oid,
        "NSH-O-0005",
        "offence_date",
        V::Date(d("2024-06-15")),
    );
    let r = p.sheet(off).find(oid, "NSH-O-0005") as u32 + 2;
    p.expect(
        "E320",
        off,
        Some(r),
        Some("outcome_date"),
        "outcome (1 June) before the offence (15 June, in offence_date)",
    );
    p.set(
        "E321",
        off,
        oid,
        "NSH-O-0006",
        "custodial",
        V::Blank,
        "a conviction without custodial Y or N",
    );
    p.set(
        "E206",
        off,
        oid,
        "NSH-O-0007",
        "gravity_score",
        V::Num(4.5),
        "a gravity score of 4.5",
    );
    p.set(
        "E201",
        off,
        oid,
        "NSH-O-0008",
        "offence_date",
        t("2024-13-01"),
        "month 13",
    );
    let date = |s: &str| V::Date(d(s));
    let dup = p.append(
        off,
        vec![
            t("NSH-O-0002"),
            t("NSH-E04"),
            date("2024-01-20"),
            date("2024-03-10"),
            t("CONVICTION"),
            t("ROBBERY"),
            V::Num(6.0),
            y(),
        ],
    );
    p.expect(
        "E401",
        off,
        Some(dup),
        Some("offence_id"),
        "an offence id used twice",
    );
    let orphan = p.append(
        off,
        vec![
            t("NSH-O-9001"),
            t("NSH-9999"),
            date("2024-07-01"),
            date("2024-08-01"),
            t("YC"),
            t("THEFT"),
            V::Num(2.0),
            V::Blank,
        ],
    );
    p.expect(
        "E410",
        off,
        Some(orphan),
        Some("child_id"),
        "a child who is not in Children",
    );
    let young_offence = p.append(
        off,
        vec![
            t("NSH-O-9002"),
            t("NSH-F01"),
            date("2024-05-01"),
            date("2024-06-01"),
            t("YC"),
            t("THEFT"),
            V::Num(1.0),
            V::Blank,
        ],
    );
    p.expect(
        "E431",
        off,
        Some(young_offence),
        Some("offence_date"),
        "an offence by a nine-year-old",
    );

    // Victims
    let vic = "Victims";
    p.set(
        "E330",
        vic,
        "victim_id",
        "NSH-V-0001",
        "rj_engaged",
        V::Blank,
        "consented, but restorative justice not recorded",
    );
    p.also(vic, "victim_id", "NSH-V-0002", "progress_requested", y());
    p.set(
        "E332",
        vic,
        "victim_id",
        "NSH-V-0002",
        "progress_provided",
        V::Blank,
        "progress requested, provision not recorded",
    );
    let victim = |id: &str, ivid: &str, contact: V, consented: V, rest: [V; 6]| {
        let mut row = vec![t(id), t(ivid), contact, consented];
        row.extend(rest);
        row
    };
    let blank6 = || [V::Blank, V::Blank, V::Blank, V::Blank, V::Blank, V::Blank];
    let r = p.append(
        vic,
        victim(
            "NSH-V-9001",
            "NSH-I-0002",
            date("2024-09-05"),
            n(),
            [V::Blank, y(), V::Blank, V::Blank, V::Blank, V::Blank],
        ),
    );
    p.expect(
        "E331",
        vic,
        Some(r),
        Some("views_sought"),
        "views sought from a victim who did not consent",
    );
    let r = p.append(
        vic,
        victim(
            "NSH-V-9002",
            "NSH-I-0002",
            date("2024-09-06"),
            y(),
            [n(), y(), n(), y(), n(), V::Blank],
        ),
    );
    p.expect(
        "E333",
        vic,
        Some(r),
        Some("progress_provided"),
        "progress provided though not requested",
    );
    let r = p.append(
        vic,
        victim(
            "NSH-V-9003",
            "NSH-I-8888",
            date("2024-09-07"),
            n(),
            blank6(),
        ),
    );
    p.expect(
        "E411",
        vic,
        Some(r),
        Some("intervention_id"),
        "an intervention that does not exist",
    );
    let r = p.append(
        vic,
        victim(
            "NSH-V-9004",
            "NSH-I-0002",
            date("1989-06-01"),
            n(),
            blank6(),
        ),
    );
    p.expect(
        "E202",
        vic,
        Some(r),
        Some("contact_date"),
        "contacted in 1989",
    );
    let r = p.append(
        vic,
        victim(
            "NSH-V-9005",
            "NSH-I-0002",
            date("2024-12-01"),
            n(),
            blank6(),
        ),
    );
    p.expect(
        "E203",
        vic,
        Some(r),
        Some("contact_date"),
        "contacted after the export was taken (18 October 2024)",
    );

    // Board attendance
    let board = "BoardAttendance";
    let find = |s: &Sheet, date: &str, partner: &str| {
        s.rows
            .iter()
            .position(|r| {
                r[0] == V::Date(d(date))
                    && matches!(&r[1], V::Text(p) if p.trim().eq_ignore_ascii_case(partner))
            })
            .unwrap_or_else(|| panic!("no board row {date} {partner}"))
    };
    let s = p.sheet(board);
    let i = find(s, "2024-05-14", "HEALTH");
    s.rows.remove(i);
    let first = find(s, "2024-05-14", "POLICE");
    p.expect(
        "E440",
        board,
        Some(first as u32 + 2),
        Some("partner"),
        "the 14 May meeting has no row for Health",
    );
    let s = p.sheet(board);
    let i = find(s, "2024-07-16", "POLICE");
    s.set(i, "senior", V::Blank);
    p.expect(
        "E340",
        board,
        Some(i as u32 + 2),
        Some("senior"),
        "attended, seniority not recorded",
    );
    let s = p.sheet(board);
    let i = find(s, "2024-09-17", "HEALTH");
    s.set(i, "attended", n());
    s.set(i, "senior", y());
    p.expect(
        "E341",
        board,
        Some(i as u32 + 2),
        Some("senior"),
        "seniority recorded for a partner who did not attend",
    );
    let s = p.sheet(board);
    let i = find(s, "2024-06-25", "POLICE");
    s.set(i, "disproportionality_data", t("Maybe"));
    p.expect(
        "E204",
        board,
        Some(i as u32 + 2),
        Some("disproportionality_data"),
        "\"Maybe\" is not yes or no",
    );
    let r = p.append(
        board,
        vec![date("2024-07-16"), t("PROBATION"), y(), y(), n()],
    );
    p.expect(
        "E402",
        board,
        Some(r),
        Some("partner"),
        "Probation listed twice for the 16 July meeting",
    );

    let defects = p.defects;
    (sheets, defects)
}

/// The expected findings, one per line: `code,sheet,row,column`, sorted.
pub fn expected_csv(defects: &[Defect]) -> String {
    let mut lines: Vec<String> = defects
        .iter()
        .map(|d| {
            format!(
                "{},{},{},{}",
                d.code,
                d.sheet,
                d.row.map_or(String::new(), |r| r.to_string()),
                d.column.unwrap_or("")
            )
        })
        .collect();
    lines.sort();
    let mut s = String::from("code,sheet,row,column\n");
    for l in lines {
        s.push_str(&l);
        s.push('\n');
    }
    s
}
