//! Northshire Youth Justice Service: a fictional service and its made-up caseload over the
//! first two years of the KPIs (2023-24 and 2024-25), and the snapshot its case-management
//! system would export on a given day.
//!
//! The caseload is a deterministic mix of hand-placed edge cases (children `NSH-E01` …, each
//! documented in `samples/README.md`) and generated children (`NSH-1001` …) from a small
//! seeded generator, so the files are identical on every run.

use std::collections::HashSet;

use yjb_return::date::Date;

use crate::xlsx::{Sheet, V, t};

pub const YJS_CODE: &str = "NSH01";
pub const YJS_NAME: &str = "Northshire Youth Justice Service";
pub const POPULATION: f64 = 48210.0;

/// The eight quarterly exports: folder (the financial year), file stem, period, extract date.
/// Each is taken a few weeks after its quarter closed.
pub const QUARTERS: [(&str, &str, &str, &str); 8] = [
    ("2023-24", "q1-export", "2023-24 Q1", "2023-07-21"),
    ("2023-24", "q2-export", "2023-24 Q2", "2023-10-20"),
    ("2023-24", "q3-export", "2023-24 Q3", "2024-01-19"),
    ("2023-24", "q4-export", "2023-24 Q4", "2024-04-19"),
    ("2024-25", "q1-export", "2024-25 Q1", "2024-07-19"),
    ("2024-25", "q2-export", "2024-25 Q2", "2024-10-18"),
    ("2024-25", "q3-export", "2024-25 Q3", "2025-01-17"),
    ("2024-25", "q4-export", "2024-25 Q4", "2025-04-17"),
];

/// The export taken in the middle of 2024-25 Q4, for a provisional return.
pub const PROVISIONAL: (&str, &str, &str, &str) = (
    "2024-25",
    "q4-provisional-export",
    "2024-25 Q4",
    "2025-02-14",
);

/// The corrected 2024-25 Q3 export, taken after the officer fixed one child's record: built
/// as a resubmission, it makes Q3 a revised quarter on the board's scorecard.
pub const CORRECTED: (&str, &str, &str, &str) =
    ("2024-25", "q3-export-corrected", "2024-25 Q3", "2025-02-07");

pub fn d(s: &str) -> Date {
    Date::parse_text(s).unwrap_or_else(|| panic!("bad date {s}"))
}

/// SplitMix64: tiny, well distributed, and the same everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// 0..n
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// True with probability `p` percent.
    pub fn pct(&mut self, p: u64) -> bool {
        self.below(100) < p
    }

    pub fn pick<'a>(&mut self, weighted: &[(&'a str, u64)]) -> &'a str {
        let total: u64 = weighted.iter().map(|(_, w)| w).sum();
        let mut x = self.below(total);
        for (v, w) in weighted {
            if x < *w {
                return v;
            }
            x -= w;
        }
        weighted[0].0
    }
}

#[derive(Debug, Clone)]
pub struct Child {
    pub id: String,
    pub dob: Date,
    pub sex: &'static str,
    pub ethnicity: &'static str,
}

#[derive(Debug, Clone, Default)]
pub struct EndState {
    pub acc: &'static str,
    pub acc_ok: bool,
    pub ete: &'static str,
    pub ete_ok: bool,
    pub offered: Option<f64>,
    pub attended: Option<f64>,
    pub send: bool,
    pub plan: Option<&'static str>,
    pub mh: (bool, bool, bool),
    pub sm: (bool, bool, bool),
    pub services: [bool; 4],
}

#[derive(Debug, Clone)]
pub struct Iv {
    pub id: String,
    pub child: String,
    pub kind: &'static str,
    pub start: Date,
    pub end: Option<Date>,
    pub release: Option<Date>,
    pub completed: bool,
    pub state: EndState,
    /// The system fills the end fields before the intervention closes (they must be ignored).
    pub prefilled: bool,
}

#[derive(Debug, Clone)]
pub struct Offence {
    pub id: String,
    pub child: String,
    pub offence_date: Date,
    pub outcome_date: Date,
    pub outcome: &'static str,
    pub category: &'static str,
    pub gravity: u8,
    pub custodial: Option<bool>,
}

#[derive(Debug, Clone)]
pub struct Victim {
    pub id: String,
    pub iv: String,
    pub contact: Date,
    pub consented: bool,
    /// rj_engaged, views_sought, progress_requested, progress_provided, services_requested,
    /// services_provided.
    pub answers: [Option<bool>; 6],
}

#[derive(Debug, Clone)]
pub struct Board {
    pub date: Date,
    pub partner: &'static str,
    pub attended: bool,
    pub senior: bool,
    pub data: bool,
}

#[derive(Debug, Clone)]
pub struct CohortRow {
    pub child: String,
    pub period: &'static str,
    pub reoffences: u32,
}

#[derive(Debug, Clone, Default)]
pub struct Caseload {
    pub children: Vec<Child>,
    pub ivs: Vec<Iv>,
    pub offences: Vec<Offence>,
    pub victims: Vec<Victim>,
    pub board: Vec<Board>,
    pub cohort: Vec<CohortRow>,
}

const ETHNICITIES: [(&str, u64); 6] = [
    ("WHITE", 62),
    ("BLACK", 12),
    ("ASIAN", 10),
    ("MIXED", 10),
    ("OTHER", 3),
    ("UNKNOWN", 3),
];

fn plain_state() -> EndState {
    EndState {
        acc: "PARENTS",
        acc_ok: true,
        ete: "SCHOOL_FT",
        ete_ok: true,
        offered: Some(25.0),
        attended: Some(20.0),
        ..EndState::default()
    }
}

fn random_state(rng: &mut Rng) -> EndState {
    let acc = rng.pick(&[
        ("PARENTS", 50),
        ("FAMILY", 10),
        ("FOSTER", 8),
        ("RESIDENTIAL", 6),
        ("SUPPORTED", 6),
        ("INDEPENDENT", 3),
        ("SECURE", 2),
        ("TEMPORARY", 5),
        ("NFA", 3),
        ("OTHER", 7),
    ]);
    let ete = rng.pick(&[
        ("SCHOOL_FT", 35),
        ("SCHOOL_PT", 10),
        ("ALT_PROVISION", 10),
        ("EHE", 3),
        ("COLLEGE", 12),
        ("TRAINING", 8),
        ("APPRENTICESHIP", 4),
        ("EMPLOYMENT", 5),
        ("NEET", 10),
        ("OTHER", 3),
    ]);
    let (offered, attended) = match rng.below(10) {
        0 | 1 => (None, None),
        2 => (Some(rng.range(5, 30) as f64), None),
        _ => {
            let o = rng.range(4, 30);
            (Some(o as f64), Some(rng.range(0, o) as f64))
        }
    };
    let send = rng.pct(30);
    let plan = if send {
        Some(rng.pick(&[("EHCP", 35), ("SEN_SUPPORT", 40), ("NONE", 25)]))
    } else if rng.pct(50) {
        Some("NONE")
    } else {
        None
    };
    let funnel = |rng: &mut Rng, need: u64, planned: u64, attended: u64| {
        let n = rng.pct(need);
        let p = n && rng.pct(planned);
        let a = p && rng.pct(attended);
        (n, p, a)
    };
    EndState {
        acc,
        acc_ok: !matches!(acc, "NFA" | "TEMPORARY") && rng.pct(90),
        ete,
        ete_ok: ete != "NEET" && rng.pct(85),
        offered,
        attended,
        send,
        plan,
        mh: funnel(rng, 40, 75, 70),
        sm: funnel(rng, 25, 70, 60),
        services: [rng.pct(15), rng.pct(8), rng.pct(12), rng.pct(10)],
    }
}

struct Builder {
    c: Caseload,
    next_iv: u32,
    next_offence: u32,
    next_victim: u32,
}

impl Builder {
    fn child(&mut self, id: &str, dob: &str, sex: &'static str, ethnicity: &'static str) {
        self.c.children.push(Child {
            id: id.into(),
            dob: d(dob),
            sex,
            ethnicity,
        });
    }

    fn iv_id(&mut self) -> String {
        self.next_iv += 1;
        format!("NSH-I-{:04}", self.next_iv)
    }

    #[allow(clippy::too_many_arguments)]
    fn iv(
        &mut self,
        id: Option<&str>,
        child: &str,
        kind: &'static str,
        start: &str,
        end: Option<&str>,
        release: Option<&str>,
        state: EndState,
    ) -> String {
        let id = id.map_or_else(|| self.iv_id(), str::to_string);
        self.c.ivs.push(Iv {
            id: id.clone(),
            child: child.into(),
            kind,
            start: d(start),
            end: end.map(d),
            release: release.map(d),
            completed: true,
            state,
            prefilled: false,
        });
        id
    }

    #[allow(clippy::too_many_arguments)]
    fn offence(
        &mut self,
        child: &str,
        offence_date: Date,
        outcome_date: Date,
        outcome: &'static str,
        category: &'static str,
        gravity: u8,
        custodial: Option<bool>,
    ) {
        self.next_offence += 1;
        self.c.offences.push(Offence {
            id: format!("NSH-O-{:04}", self.next_offence),
            child: child.into(),
            offence_date,
            outcome_date,
            outcome,
            category,
            gravity,
            custodial,
        });
    }

    fn victim(&mut self, iv: &str, contact: Date, consented: bool, answers: [Option<bool>; 6]) {
        self.next_victim += 1;
        self.c.victims.push(Victim {
            id: format!("NSH-V-{:04}", self.next_victim),
            iv: iv.into(),
            contact,
            consented,
            answers,
        });
    }
}

/// The hand-placed edge cases; `samples/README.md` describes each.
fn edge_cases(b: &mut Builder) {
    let s = plain_state;
    // E01: two interventions end in Q2; the later (RO, 2 Sep) represents the child.
    b.child("NSH-E01", "2009-06-15", "M", "WHITE");
    b.iv(
        None,
        "NSH-E01",
        "PREV",
        "2024-03-01",
        Some("2024-07-10"),
        None,
        s(),
    );
    b.iv(
        None,
        "NSH-E01",
        "RO",
        "2024-01-15",
        Some("2024-09-02"),
        None,
        s(),
    );
    // E02: a YC and an RO end on the same day: the higher group (community) wins.
    b.child("NSH-E02", "2010-02-03", "F", "BLACK");
    let yc = b.iv(
        None,
        "NSH-E02",
        "YC",
        "2024-05-01",
        Some("2024-08-15"),
        None,
        s(),
    );
    b.iv(
        None,
        "NSH-E02",
        "RO",
        "2024-02-01",
        Some("2024-08-15"),
        None,
        s(),
    );
    b.offence(
        "NSH-E02",
        d("2024-04-02"),
        d("2024-05-01"),
        "YC",
        "THEFT",
        2,
        None,
    );
    b.victim(
        &yc,
        d("2024-05-10"),
        true,
        [
            Some(true),
            Some(true),
            Some(true),
            Some(true),
            Some(false),
            None,
        ],
    );
    // E03: same day, same group: the larger id byte-wise wins ("E03-9" beats "E03-10").
    b.child("NSH-E03", "2008-11-30", "M", "MIXED");
    b.iv(
        Some("E03-10"),
        "NSH-E03",
        "RO",
        "2024-02-01",
        Some("2024-08-20"),
        None,
        s(),
    );
    b.iv(
        Some("E03-9"),
        "NSH-E03",
        "YRO",
        "2024-03-01",
        Some("2024-08-20"),
        None,
        EndState {
            ete: "COLLEGE",
            ..s()
        },
    );
    // E04: custody, released in Q2 (counted there), licence ends in Q4 (not counted there);
    // two offences sentenced together to custody.
    b.child("NSH-E04", "2008-09-09", "M", "WHITE");
    let cust = b.iv(
        None,
        "NSH-E04",
        "CUST",
        "2024-03-10",
        Some("2025-02-10"),
        Some("2024-08-05"),
        EndState {
            acc: "SUPPORTED",
            ete: "TRAINING",
            ..s()
        },
    );
    b.offence(
        "NSH-E04",
        d("2024-01-20"),
        d("2024-03-10"),
        "CONVICTION",
        "ROBBERY",
        6,
        Some(true),
    );
    b.offence(
        "NSH-E04",
        d("2024-01-20"),
        d("2024-03-10"),
        "CONVICTION",
        "WEAPONS",
        5,
        Some(true),
    );
    b.victim(
        &cust,
        d("2024-03-20"),
        true,
        [
            Some(false),
            Some(true),
            Some(false),
            None,
            Some(true),
            Some(true),
        ],
    );
    // E05: custody released in Q1; its licence ends in Q2, which does not bring it into Q2.
    b.child("NSH-E05", "2008-05-21", "F", "WHITE");
    b.iv(
        None,
        "NSH-E05",
        "CUST",
        "2023-11-20",
        Some("2024-08-30"),
        Some("2024-05-20"),
        EndState {
            acc: "FAMILY",
            ..s()
        },
    );
    b.offence(
        "NSH-E05",
        d("2023-10-01"),
        d("2023-11-20"),
        "CONVICTION",
        "VIOLENCE",
        7,
        Some(true),
    );
    // E06: open all year, though the system has already filled its end fields.
    b.child("NSH-E06", "2010-07-04", "M", "ASIAN");
    b.iv(
        None,
        "NSH-E06",
        "RO",
        "2024-06-01",
        Some("2025-06-30"),
        None,
        EndState {
            ete: "NEET",
            ete_ok: false,
            ..s()
        },
    );
    if let Some(iv) = b.c.ivs.last_mut() {
        iv.prefilled = true;
    }
    b.offence(
        "NSH-E06",
        d("2024-05-02"),
        d("2024-06-01"),
        "CONVICTION",
        "BURGLARY",
        4,
        Some(false),
    );
    // E07, E08, E09: ends on the first and last day of Q2, and the day after it.
    b.child("NSH-E07", "2009-01-01", "F", "WHITE");
    b.iv(
        None,
        "NSH-E07",
        "RO",
        "2024-01-10",
        Some("2024-07-01"),
        None,
        s(),
    );
    b.child("NSH-E08", "2009-03-12", "M", "BLACK");
    b.iv(
        None,
        "NSH-E08",
        "YRO",
        "2024-02-01",
        Some("2024-09-30"),
        None,
        EndState {
            acc: "FOSTER",
            ..s()
        },
    );
    b.child("NSH-E09", "2011-08-19", "M", "WHITE");
    let div = b.iv(
        None,
        "NSH-E09",
        "DIV",
        "2024-07-15",
        Some("2024-10-01"),
        None,
        s(),
    );
    if let Some(iv) = b.c.ivs.iter_mut().find(|i| i.id == div) {
        iv.completed = false;
    }
    // E10, E11: hours with quarters (7.25 + 12.25 offered) that round only after summing.
    b.child("NSH-E10", "2009-10-10", "F", "MIXED");
    b.iv(
        None,
        "NSH-E10",
        "RO",
        "2024-02-01",
        Some("2024-08-12"),
        None,
        EndState {
            offered: Some(7.25),
            attended: Some(7.25),
            ..s()
        },
    );
    b.child("NSH-E11", "2009-12-01", "M", "WHITE");
    b.iv(
        None,
        "NSH-E11",
        "RO",
        "2024-02-05",
        Some("2024-09-12"),
        None,
        EndState {
            offered: Some(12.25),
            attended: Some(7.25),
            ..s()
        },
    );
    // E12: serious youth violence (violence, gravity 5, conviction) on the caseload.
    b.child("NSH-E12", "2008-07-07", "M", "BLACK");
    b.iv(
        None,
        "NSH-E12",
        "RO",
        "2024-08-01",
        Some("2025-05-30"),
        None,
        s(),
    );
    b.offence(
        "NSH-E12",
        d("2024-06-20"),
        d("2024-08-01"),
        "CONVICTION",
        "VIOLENCE",
        5,
        Some(false),
    );
    // E13: violence of gravity 4: not serious youth violence.
    b.child("NSH-E13", "2009-04-04", "M", "WHITE");
    b.iv(
        None,
        "NSH-E13",
        "RO",
        "2024-08-10",
        Some("2025-06-10"),
        None,
        s(),
    );
    b.offence(
        "NSH-E13",
        d("2024-07-01"),
        d("2024-08-10"),
        "CONVICTION",
        "VIOLENCE",
        4,
        Some(false),
    );
    // E14: violence of gravity 5 dealt with by a youth caution: not serious youth violence.
    b.child("NSH-E14", "2010-09-09", "F", "WHITE");
    b.iv(
        None,
        "NSH-E14",
        "YC",
        "2024-07-20",
        Some("2024-10-10"),
        None,
        s(),
    );
    b.offence(
        "NSH-E14",
        d("2024-06-30"),
        d("2024-07-20"),
        "YC",
        "VIOLENCE",
        5,
        None,
    );
    // E15: theft of gravity 6: not serious youth violence.
    b.child("NSH-E15", "2008-12-12", "M", "ASIAN");
    b.iv(
        None,
        "NSH-E15",
        "YRO",
        "2024-09-05",
        Some("2025-08-05"),
        None,
        s(),
    );
    b.offence(
        "NSH-E15",
        d("2024-07-15"),
        d("2024-09-05"),
        "CONVICTION",
        "THEFT",
        6,
        Some(false),
    );
    // E16: robbery of gravity 6 convicted in Q2 for a child no longer on the caseload.
    b.child("NSH-E16", "2008-02-29", "M", "OTHER");
    b.iv(
        None,
        "NSH-E16",
        "PREV",
        "2024-01-10",
        Some("2024-06-15"),
        None,
        s(),
    );
    b.offence(
        "NSH-E16",
        d("2024-07-20"),
        d("2024-09-10"),
        "CONVICTION",
        "ROBBERY",
        6,
        Some(false),
    );
    // E17: first outcome in 2023-24 Q4, another in Q2: not a first-time entrant in Q2.
    b.child("NSH-E17", "2009-05-05", "F", "WHITE");
    b.iv(
        None,
        "NSH-E17",
        "YC",
        "2024-03-12",
        Some("2024-06-01"),
        None,
        s(),
    );
    b.offence(
        "NSH-E17",
        d("2024-02-01"),
        d("2024-03-12"),
        "YC",
        "CRIMINAL_DAMAGE",
        2,
        None,
    );
    b.iv(
        None,
        "NSH-E17",
        "RO",
        "2024-08-20",
        Some("2025-07-20"),
        None,
        s(),
    );
    b.offence(
        "NSH-E17",
        d("2024-07-01"),
        d("2024-08-20"),
        "CONVICTION",
        "PUBLIC_ORDER",
        3,
        Some(false),
    );
    // E18: temporary accommodation judged suitable: a query (W316), acknowledged in the
    // sidecar with the reason.
    b.child("NSH-E18", "2008-08-08", "F", "WHITE");
    b.iv(
        None,
        "NSH-E18",
        "RO",
        "2024-02-01",
        Some("2024-09-20"),
        None,
        EndState {
            acc: "TEMPORARY",
            acc_ok: true,
            ..s()
        },
    );
    // E19: a child id the system exports as a number.
    b.child("40017", "2013-01-20", "M", "WHITE");
    b.iv(
        None,
        "40017",
        "PREV",
        "2024-04-15",
        Some("2024-08-30"),
        None,
        s(),
    );
}

/// Edge cases of the caseload at the quarter's end (`caseload.GROUP.open_at_end`).
fn caseload_edge_cases(b: &mut Builder) {
    let s = plain_state;
    // E20: a prevention programme and a YRO both open on 30 September 2024: one child, under
    // community.
    b.child("NSH-E20", "2010-03-03", "M", "ASIAN");
    b.iv(
        None,
        "NSH-E20",
        "PREV",
        "2024-06-01",
        Some("2024-11-29"),
        None,
        s(),
    );
    b.iv(
        None,
        "NSH-E20",
        "YRO",
        "2024-09-10",
        Some("2025-06-30"),
        None,
        s(),
    );
    // E21: prevention starting on the last day of 2024-25 Q3: on the caseload at its end.
    b.child("NSH-E21", "2012-02-02", "F", "WHITE");
    b.iv(
        None,
        "NSH-E21",
        "PREV",
        "2024-12-31",
        Some("2025-03-05"),
        None,
        s(),
    );
}

/// How many generated children to make: a fixed number (the samples), or as many as it takes
/// for a number of interventions to have started by an extract date (the benchmark's exports).
#[derive(Debug, Clone, Copy)]
pub enum Size {
    Children(u32),
    Interventions(usize, Date),
}

/// Children who come to the service at any time over the two years (and the half-year before,
/// so that the first quarters have a settled caseload), each aged 10 to 15 when
/// first seen and never started on an intervention after turning 18.
fn generated(b: &mut Builder, rng: &mut Rng, size: Size) {
    let mut started = match size {
        Size::Children(_) => 0,
        Size::Interventions(_, extract) => b.c.ivs.iter().filter(|i| i.start <= extract).count(),
    };
    for n in 0u32.. {
        let enough = match size {
            Size::Children(children) => n >= children,
            Size::Interventions(wanted, _) => started >= wanted,
        };
        if enough {
            break;
        }
        let before = b.c.ivs.len();
        let id = format!("NSH-{}", 1001 + n);
        let first = d("2022-10-01").add_days(rng.range(0, 900));
        let dob = first.add_days(-rng.range(10 * 365 + 70, 16 * 365 - 10));
        let sex = rng.pick(&[("M", 75), ("F", 23), ("U", 2)]);
        let ethnicity = rng.pick(&ETHNICITIES);
        b.child(&id, &dob.to_string(), sex, ethnicity);
        let mut cursor = first;
        for _ in 0..rng.range(1, 3) {
            if cursor > d("2025-04-10") || dob.age_on(cursor) > 17 {
                break;
            }
            let kind = rng.pick(&[
                ("PREV", 25),
                ("DIV", 20),
                ("YC", 10),
                ("YCC", 8),
                ("RO", 20),
                ("YRO", 10),
                ("CUST", 7),
            ]);
            let start = cursor;
            let (end, release) = match kind {
                "PREV" => (start.add_days(rng.range(60, 180)), None),
                "DIV" => (start.add_days(rng.range(30, 120)), None),
                "YC" => (start.add_days(rng.range(14, 90)), None),
                "YCC" => (start.add_days(rng.range(30, 120)), None),
                "RO" => (start.add_days(rng.range(90, 365)), None),
                "YRO" => (start.add_days(rng.range(180, 400)), None),
                _ => {
                    let r = start.add_days(rng.range(60, 240));
                    (r.add_days(rng.range(90, 180)), Some(r))
                }
            };
            let state = random_state(rng);
            let iv_id = b.iv_id();
            b.c.ivs.push(Iv {
                id: iv_id.clone(),
                child: id.clone(),
                kind,
                start,
                end: Some(end),
                release,
                completed: rng.pct(80),
                state,
                prefilled: false,
            });
            let outcome = match kind {
                "YC" => Some(("YC", None, 1, 3)),
                "YCC" => Some(("YCC", None, 2, 4)),
                "RO" => Some(("CONVICTION", Some(false), 2, 5)),
                "YRO" => Some(("CONVICTION", Some(false), 3, 6)),
                "CUST" => Some(("CONVICTION", Some(true), 5, 8)),
                _ => None,
            };
            if let Some((outcome, custodial, lo, hi)) = outcome {
                let category = rng.pick(&[
                    ("VIOLENCE", 25),
                    ("ROBBERY", 8),
                    ("DRUGS", 12),
                    ("THEFT", 20),
                    ("BURGLARY", 8),
                    ("CRIMINAL_DAMAGE", 8),
                    ("PUBLIC_ORDER", 7),
                    ("WEAPONS", 6),
                    ("MOTORING", 4),
                    ("SEXUAL", 1),
                    ("OTHER", 1),
                ]);
                let gravity = rng.range(lo, hi) as u8;
                b.offence(
                    &id,
                    start.add_days(-rng.range(7, 60)),
                    start,
                    outcome,
                    category,
                    gravity,
                    custodial,
                );
                for _ in 0..rng.below(3) {
                    let consented = rng.pct(60);
                    let yes = |rng: &mut Rng, p| consented.then(|| rng.pct(p));
                    let rj = yes(rng, 50);
                    let views = yes(rng, 70);
                    let preq = yes(rng, 40);
                    let pprov = (preq == Some(true)).then(|| rng.pct(80));
                    let sreq = yes(rng, 50);
                    let sprov = (sreq == Some(true)).then(|| rng.pct(75));
                    let contact = start.add_days(rng.range(5, 40));
                    b.victim(
                        &iv_id,
                        contact,
                        consented,
                        [rj, views, preq, pprov, sreq, sprov],
                    );
                }
            }
            cursor = end.add_days(rng.range(15, 60));
        }
        if let Size::Interventions(_, extract) = size {
            started += b.c.ivs[before..]
                .iter()
                .filter(|i| i.start <= extract)
                .count();
        }
    }
}

/// A board meeting: its date, whether every statutory partner came at senior level, and
/// whether the Police and Crime Commissioner's office (which sends data but rarely attends)
/// and the courts have rows.
struct Meeting {
    date: &'static str,
    all_senior: bool,
    pcc: Option<bool>,
    courts: bool,
}

const MEETINGS: [Meeting; 14] = [
    Meeting {
        date: "2023-05-16",
        all_senior: false,
        pcc: None,
        courts: false,
    },
    Meeting {
        date: "2023-07-18",
        all_senior: false,
        pcc: Some(false),
        courts: false,
    },
    Meeting {
        date: "2023-09-19",
        all_senior: false,
        pcc: None,
        courts: true,
    },
    Meeting {
        date: "2023-11-14",
        all_senior: true,
        pcc: Some(false),
        courts: false,
    },
    Meeting {
        date: "2024-01-16",
        all_senior: false,
        pcc: None,
        courts: false,
    },
    Meeting {
        date: "2024-03-19",
        all_senior: false,
        pcc: Some(false),
        courts: false,
    },
    Meeting {
        date: "2024-05-14",
        all_senior: false,
        pcc: Some(false),
        courts: false,
    },
    Meeting {
        date: "2024-06-25",
        all_senior: false,
        pcc: None,
        courts: false,
    },
    // The July 2024 meeting had every statutory partner at senior level.
    Meeting {
        date: "2024-07-16",
        all_senior: true,
        pcc: Some(false),
        courts: false,
    },
    Meeting {
        date: "2024-09-17",
        all_senior: false,
        pcc: None,
        courts: true,
    },
    Meeting {
        date: "2024-10-15",
        all_senior: false,
        pcc: Some(true),
        courts: false,
    },
    Meeting {
        date: "2024-12-10",
        all_senior: false,
        pcc: None,
        courts: false,
    },
    Meeting {
        date: "2025-01-21",
        all_senior: false,
        pcc: Some(false),
        courts: true,
    },
    Meeting {
        date: "2025-03-18",
        all_senior: false,
        pcc: None,
        courts: false,
    },
];

fn board(b: &mut Builder, rng: &mut Rng) {
    for m in &MEETINGS {
        let date = d(m.date);
        for partner in ["POLICE", "PROBATION", "SOCIAL_CARE", "EDUCATION", "HEALTH"] {
            let attended = m.all_senior || rng.pct(85);
            b.c.board.push(Board {
                date,
                partner,
                attended,
                senior: attended && (m.all_senior || rng.pct(80)),
                data: rng.pct(40),
            });
        }
        if let Some(attended) = m.pcc {
            b.c.board.push(Board {
                date,
                partner: "PCC",
                attended,
                senior: false,
                data: true,
            });
        }
        if m.courts {
            b.c.board.push(Board {
                date,
                partner: "COURTS",
                attended: true,
                senior: true,
                data: false,
            });
        }
    }
}

fn cohort(b: &mut Builder, rng: &mut Rng) {
    // The published cohorts the two years report on: each quarter's, four quarters back.
    for (q, period) in [
        "2022-23 Q1",
        "2022-23 Q2",
        "2022-23 Q3",
        "2022-23 Q4",
        "2023-24 Q1",
        "2023-24 Q2",
        "2023-24 Q3",
        "2023-24 Q4",
    ]
    .iter()
    .enumerate()
    {
        for n in 0..rng.range(18, 26) {
            let reoffences = if rng.pct(62) {
                0
            } else {
                rng.range(1, 5) as u32
            };
            b.c.cohort.push(CohortRow {
                child: format!("NSH-R{}{:03}", q + 1, n + 1),
                period,
                reoffences,
            });
        }
    }
}

/// The whole made-up caseload, the same on every run.
pub fn caseload() -> Caseload {
    caseload_of(Size::Children(150))
}

/// The caseload with as many generated children as `size` asks for.
pub fn caseload_of(size: Size) -> Caseload {
    let mut rng = Rng::new(20240401);
    let mut b = Builder {
        c: Caseload::default(),
        next_iv: 0,
        next_offence: 0,
        next_victim: 0,
    };
    edge_cases(&mut b);
    caseload_edge_cases(&mut b);
    generated(&mut b, &mut rng, size);
    board(&mut b, &mut rng);
    cohort(&mut b, &mut rng);
    b.c
}

/// The caseload after the officer's correction behind the 2024-25 Q3 resubmission: the first
/// child of the Q3 cohort whose accommodation at the end was recorded as unsuitable (by
/// mistake, it turned out) is corrected to suitable.
pub fn corrected(c: &Caseload) -> Caseload {
    let q3 = (d("2024-10-01"), d("2024-12-31"));
    let in_q3 = |iv: &Iv| {
        let end = if iv.kind == "CUST" {
            iv.release
        } else {
            iv.end
        };
        end.is_some_and(|e| q3.0 <= e && e <= q3.1)
    };
    let mut fixed = c.clone();
    let target = c
        .ivs
        .iter()
        .filter(|iv| {
            in_q3(iv)
                && !iv.state.acc_ok
                && !matches!(iv.state.acc, "NFA" | "TEMPORARY")
                && c.ivs
                    .iter()
                    .filter(|o| o.child == iv.child && in_q3(o))
                    .count()
                    == 1
        })
        .map(|iv| iv.id.clone())
        .next()
        .expect("a Q3 cohort child recorded in unsuitable accommodation");
    if let Some(iv) = fixed.ivs.iter_mut().find(|iv| iv.id == target) {
        iv.state.acc_ok = true;
    }
    fixed
}

/// How a quarter's export is written: the supplier differences the samples show.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// Header and sheet aliases (`DOB`, `Order Type`, sheet `Orders`).
    pub aliases: bool,
    /// An extra column the dictionary does not know, and a formula cell.
    pub extras: bool,
    /// `Board Attendance` for the sheet name.
    pub spaced_board: bool,
}

pub fn style(stem: &str) -> Style {
    match stem {
        "q2-export" => Style {
            aliases: true,
            ..Style::default()
        },
        "q3-export" => Style {
            extras: true,
            ..Style::default()
        },
        "q4-export" => Style {
            spaced_board: true,
            ..Style::default()
        },
        _ => Style::default(),
    }
}

/// Writes values the ways real exports do, decided by position so it is repeatable: mostly
/// plain, sometimes another accepted spelling.
struct Variety(u64);

impl Variety {
    fn tick(&mut self) -> u64 {
        self.0 += 1;
        self.0
    }

    fn date(&mut self, date: Date) -> V {
        match self.tick() % 29 {
            7 => t(date.to_string()),
            19 => t(format!("{}/{}/{}", date.day(), date.month(), date.year())),
            _ => V::Date(date),
        }
    }

    fn yes_no(&mut self, value: bool) -> V {
        let n = self.tick();
        match (n % 13, value) {
            (3, true) => t("Yes"),
            (3, false) => t("no"),
            (5, b) => V::Bool(b),
            (8, true) => t("TRUE"),
            (8, false) => t("FALSE"),
            (11, true) => t("1"),
            (11, false) => t("0"),
            (_, true) => t("Y"),
            (_, false) => t("N"),
        }
    }

    fn code(&mut self, code: &str) -> V {
        match self.tick() % 31 {
            4 => t(format!(" {} ", code.to_lowercase())),
            17 => {
                let mut c = code.to_lowercase();
                if let Some(first) = c.get_mut(0..1) {
                    first.make_ascii_uppercase();
                }
                t(c)
            }
            _ => t(code),
        }
    }

    fn opt_yes_no(&mut self, value: Option<bool>) -> V {
        value.map_or(V::Blank, |b| self.yes_no(b))
    }
}

fn id_cell(id: &str) -> V {
    if id.bytes().all(|b| b.is_ascii_digit()) {
        V::Num(id.parse().expect("digits"))
    } else {
        t(id)
    }
}

fn hours(h: Option<f64>) -> V {
    h.map_or(V::Blank, V::Num)
}

/// The export the case-management system would produce on `extract`.
pub fn snapshot(c: &Caseload, extract: Date, style: Style) -> Vec<Sheet> {
    let mut v = Variety(0);
    let mut service = Sheet::from_definitions("Service", "Service", &[]);
    let population = if style.extras {
        V::Formula("=48000+210".into(), POPULATION)
    } else {
        V::Num(POPULATION)
    };
    service.rows.push(vec![
        t(YJS_CODE),
        t(YJS_NAME),
        t("ENGLAND"),
        population,
        V::Date(extract),
    ]);

    let ivs: Vec<&Iv> = c.ivs.iter().filter(|i| i.start <= extract).collect();
    let offences: Vec<&Offence> = c
        .offences
        .iter()
        .filter(|o| o.outcome_date <= extract)
        .collect();
    let mut children = Sheet::from_definitions(
        "Children",
        "Children",
        if style.aliases {
            [("child_id", "Client ID"), ("date_of_birth", "DOB")].as_slice()
        } else {
            &[]
        },
    );
    // Sets, so that the benchmark's large caseloads are written in linear time.
    let known: HashSet<&str> = ivs
        .iter()
        .map(|i| i.child.as_str())
        .chain(offences.iter().map(|o| o.child.as_str()))
        .collect();
    let iv_ids: HashSet<&str> = ivs.iter().map(|i| i.id.as_str()).collect();
    for child in &c.children {
        if known.contains(child.id.as_str()) {
            children.rows.push(vec![
                id_cell(&child.id),
                v.date(child.dob),
                v.code(child.sex),
                v.code(child.ethnicity),
            ]);
        }
    }

    let mut interventions = Sheet::from_definitions(
        "Interventions",
        if style.aliases {
            "Orders"
        } else {
            "Interventions"
        },
        if style.aliases {
            [("intervention_type", "Order Type")].as_slice()
        } else {
            &[]
        },
    );
    if style.extras {
        interventions.headers.push("case_worker".into());
    }
    for (n, iv) in ivs.iter().enumerate() {
        let end = iv.end.filter(|e| *e <= extract);
        let release = iv.release.filter(|r| *r <= extract);
        let ended = end.is_some() || release.is_some();
        let ooc = matches!(iv.kind, "DIV" | "YC" | "YCC");
        let mut row = vec![
            t(&iv.id),
            id_cell(&iv.child),
            v.code(iv.kind),
            v.date(iv.start),
            end.map_or(V::Blank, |e| v.date(e)),
            release.map_or(V::Blank, |r| v.date(r)),
            if ooc && end.is_some() {
                t(if iv.completed {
                    "COMPLETED"
                } else {
                    "NOT_COMPLETED"
                })
            } else {
                V::Blank
            },
        ];
        if ended || iv.prefilled {
            let s = &iv.state;
            row.extend([
                v.code(s.acc),
                v.yes_no(s.acc_ok),
                v.code(s.ete),
                v.yes_no(s.ete_ok),
                hours(s.offered),
                hours(s.attended),
                v.yes_no(s.send),
                s.plan.map_or(V::Blank, |p| v.code(p)),
                v.yes_no(s.mh.0),
                if s.mh.0 { v.yes_no(s.mh.1) } else { V::Blank },
                if s.mh.1 { v.yes_no(s.mh.2) } else { V::Blank },
                v.yes_no(s.sm.0),
                if s.sm.0 { v.yes_no(s.sm.1) } else { V::Blank },
                if s.sm.1 { v.yes_no(s.sm.2) } else { V::Blank },
                v.yes_no(s.services[0]),
                v.yes_no(s.services[1]),
                v.yes_no(s.services[2]),
                v.yes_no(s.services[3]),
            ]);
        }
        if style.extras {
            row.resize(25, V::Blank);
            row.push(t(["A. Patel", "J. Okafor", "S. Byrne"][n % 3]));
        }
        interventions.rows.push(row);
    }

    let mut offence_sheet = Sheet::from_definitions("Offences", "Offences", &[]);
    for o in &offences {
        offence_sheet.rows.push(vec![
            t(&o.id),
            id_cell(&o.child),
            v.date(o.offence_date),
            v.date(o.outcome_date),
            v.code(o.outcome),
            v.code(o.category),
            V::Num(f64::from(o.gravity)),
            v.opt_yes_no(o.custodial),
        ]);
    }

    let mut victims = Sheet::from_definitions("Victims", "Victims", &[]);
    for victim in c
        .victims
        .iter()
        .filter(|x| x.contact <= extract && iv_ids.contains(x.iv.as_str()))
    {
        let mut row = vec![
            t(&victim.id),
            t(&victim.iv),
            v.date(victim.contact),
            v.yes_no(victim.consented),
        ];
        for a in victim.answers {
            row.push(v.opt_yes_no(a));
        }
        victims.rows.push(row);
    }

    let mut board = Sheet::from_definitions(
        "BoardAttendance",
        if style.spaced_board {
            "Board Attendance"
        } else {
            "BoardAttendance"
        },
        &[],
    );
    for row in c.board.iter().filter(|r| r.date <= extract) {
        board.rows.push(vec![
            v.date(row.date),
            v.code(row.partner),
            v.yes_no(row.attended),
            if row.attended {
                v.yes_no(row.senior)
            } else {
                V::Blank
            },
            v.yes_no(row.data),
        ]);
    }

    let mut cohort = Sheet::from_definitions("ReoffendingCohort", "ReoffendingCohort", &[]);
    for row in &c.cohort {
        cohort.rows.push(vec![
            t(&row.child),
            t(row.period),
            V::Num(f64::from(row.reoffences)),
        ]);
    }

    vec![
        service,
        children,
        interventions,
        offence_sheet,
        victims,
        board,
        cohort,
    ]
}
