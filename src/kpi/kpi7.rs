//! KPI 7, management board attendance. Meetings are the distinct `meeting_date`s in the
//! period. Per partner: meetings attended, attended at senior level, and meetings for which
//! the partner contributed disproportionality data (attending or not). The five statutory
//! partners always appear; other partners only when they have a row in the period.
//!
//! A meeting is one record (on the row of its first line); a partner's line at a meeting is
//! another. Were a partner listed twice for one meeting (which validation refuses, E402), its
//! first line would stand for it.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};

use super::codes::Codes;
use super::tally::{FamilyDef, Reason, Tally, Unit, Verdict, yn, yn_opt};
use crate::date::Date;
use crate::export::records::{BoardAttendance, Export, STATUTORY_PARTNERS};
use crate::period::Period;

pub fn tally<'a, T: Tally<'a>>(export: &'a Export<'a>, period: Period, codes: &Codes, t: &mut T) {
    // Each meeting's lines, a partner's first line only.
    let mut meetings: BTreeMap<Date, Vec<&'a BoardAttendance<'a>>> = BTreeMap::new();
    let mut seen: HashSet<(Date, &str)> = HashSet::new();
    for row in export
        .board
        .iter()
        .filter(|r| period.contains(r.meeting_date))
    {
        if seen.insert((row.meeting_date, row.partner)) {
            meetings.entry(row.meeting_date).or_default().push(row);
        }
    }
    let held = t.family(FamilyDef::single(
        "kpi7.meetings",
        Unit::Count,
        "the board's meeting dates in the period",
    ));
    let all_senior = t.family(
        FamilyDef::single(
            "kpi7.statutory_all_senior",
            Unit::Count,
            "the board's meetings in the period",
        )
        .of(held),
    );
    for lines in meetings.values() {
        t.decide(held, 0, Verdict::Yes(1), || meeting(lines, "held"));
        let senior = |p: &str| {
            lines
                .iter()
                .any(|l| l.partner == p && l.attended && l.senior == Some(true))
        };
        let verdict = Verdict::count_if(STATUTORY_PARTNERS.iter().all(|p| senior(p)));
        t.decide(all_senior, 0, verdict, || {
            let missing: Vec<String> = STATUTORY_PARTNERS
                .iter()
                .filter(|p| !senior(p))
                .map(|p| match lines.iter().find(|l| l.partner == *p) {
                    Some(l) if l.attended => format!("{p} attended, not at senior level"),
                    Some(_) => format!("{p} did not attend"),
                    None => format!("{p} has no line"),
                })
                .collect();
            let what = if missing.is_empty() {
                "all five statutory partners attended at senior level".to_string()
            } else {
                missing.join("; ")
            };
            meeting(lines, &what)
        });
    }
    // Partners in the definitions' order, then any other code met (validation prevents that).
    let present: Vec<&str> = {
        let mut p: Vec<&str> = meetings.values().flatten().map(|l| l.partner).collect();
        p.sort_unstable();
        p.dedup();
        p
    };
    let mut order: Vec<&str> = codes.partners.iter().map(String::as_str).collect();
    order.extend(
        present
            .iter()
            .filter(|k| !codes.partners.iter().any(|c| c == *k)),
    );
    for code in order {
        if !present.contains(&code) && !STATUTORY_PARTNERS.contains(&code) {
            continue;
        }
        let universe = "the partner's lines for the board's meetings in the period";
        let [attended, senior, data] = partner_codes(code)
            .map(|code| t.family(FamilyDef::single(&code, Unit::Count, universe)));
        for line in meetings.values().flatten().filter(|l| l.partner == code) {
            t.decide(attended, 0, Verdict::count_if(line.attended), || {
                partner_line(line)
            });
            t.decide(
                senior,
                0,
                Verdict::count_if(line.attended && line.senior == Some(true)),
                || partner_line(line),
            );
            t.decide(
                data,
                0,
                Verdict::count_if(line.disproportionality_data),
                || partner_line(line),
            );
        }
    }
}

/// A partner's three measures: meetings attended, attended at senior level, and with
/// disproportionality data contributed.
pub fn partner_codes(partner: &str) -> [String; 3] {
    let lower = partner.to_lowercase();
    ["attended", "senior", "disproportionality_data"].map(|what| format!("kpi7.{lower}.{what}"))
}

/// A meeting, on the row of its first line.
fn meeting<'a>(lines: &[&'a BoardAttendance<'a>], what: &str) -> Reason<'a> {
    let first = lines.iter().map(|l| l.row).min().unwrap_or(0);
    let date = lines.first().map(|l| l.meeting_date);
    let state = |p: &str| match lines.iter().find(|l| l.partner == p) {
        Some(l) if l.attended && l.senior == Some(true) => "attended, senior".to_string(),
        Some(l) if l.attended => "attended, not senior".to_string(),
        Some(_) => "did not attend".to_string(),
        None => "no line".to_string(),
    };
    Reason {
        sheet: "BoardAttendance",
        row: first,
        ids: vec![(
            "meeting_date",
            Cow::Owned(date.map_or_else(String::new, |d| d.to_string())),
        )],
        key: 1,
        fields: STATUTORY_PARTNERS.iter().map(|p| (*p, state(p))).collect(),
        why: format!(
            "meeting of {} ({} partner lines): {what}",
            date.map_or_else(String::new, |d| d.to_string()),
            lines.len()
        ),
    }
}

/// One partner's line for one meeting.
fn partner_line<'a>(l: &'a BoardAttendance<'a>) -> Reason<'a> {
    Reason {
        sheet: "BoardAttendance",
        row: l.row,
        ids: vec![
            ("meeting_date", Cow::Owned(l.meeting_date.to_string())),
            ("partner", Cow::Borrowed(l.partner)),
        ],
        key: 2,
        fields: vec![
            ("attended", yn(l.attended)),
            ("senior", yn_opt(l.senior)),
            ("disproportionality_data", yn(l.disproportionality_data)),
        ],
        why: format!(
            "{} at the meeting of {}: attended {}, senior {}, disproportionality data {}",
            l.partner,
            l.meeting_date,
            yn(l.attended),
            if l.senior.is_some() {
                yn_opt(l.senior)
            } else {
                "not recorded".to_string()
            },
            yn(l.disproportionality_data)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::records::BoardAttendance;
    use crate::kpi::testkit::*;

    fn row<'a>(
        date: &str,
        partner: &'a str,
        attended: bool,
        senior: bool,
        data: bool,
    ) -> BoardAttendance<'a> {
        BoardAttendance {
            row: 2,
            meeting_date: d(date),
            partner,
            attended,
            senior: attended.then_some(senior),
            disproportionality_data: data,
        }
    }

    fn meeting(date: &str, all_senior: bool) -> Vec<BoardAttendance<'static>> {
        STATUTORY_PARTNERS
            .iter()
            .map(|p| row(date, p, true, all_senior || *p != "HEALTH", false))
            .collect()
    }

    #[test]
    fn meetings_attendance_seniority_and_data() {
        let mut e = export(vec![]);
        e.board.extend(meeting("2024-07-10", true));
        e.board.extend(meeting("2024-09-12", false));
        e.board.extend(meeting("2024-06-30", true)); // Q1: outside
        e.board.push(row("2024-07-10", "PCC", false, false, true));
        e.board.push(row("2024-06-30", "COURTS", true, true, false)); // outside: no row in Q2
        let m = figures(&e, "2024-25 Q2");
        assert_eq!(m.get("kpi7.meetings"), Some(2));
        assert_eq!(m.get("kpi7.police.attended"), Some(2));
        assert_eq!(m.get("kpi7.health.attended"), Some(2));
        assert_eq!(m.get("kpi7.health.senior"), Some(1));
        assert_eq!(m.get("kpi7.statutory_all_senior"), Some(1));
        // Data contributed without attending still counts.
        assert_eq!(m.get("kpi7.pcc.attended"), Some(0));
        assert_eq!(m.get("kpi7.pcc.disproportionality_data"), Some(1));
        // Others appear only with a row in the period.
        assert_eq!(m.get("kpi7.courts.attended"), None);
        assert_eq!(m.get("kpi7.housing.attended"), None);
    }

    #[test]
    fn statutory_partners_always_appear_even_with_no_meetings() {
        let m = figures(&export(vec![]), "2024-25 Q2");
        assert_eq!(m.get("kpi7.meetings"), Some(0));
        for p in ["police", "probation", "social_care", "education", "health"] {
            assert_eq!(m.get(&format!("kpi7.{p}.attended")), Some(0), "{p}");
            assert_eq!(m.get(&format!("kpi7.{p}.senior")), Some(0), "{p}");
            assert_eq!(
                m.get(&format!("kpi7.{p}.disproportionality_data")),
                Some(0),
                "{p}"
            );
        }
        assert_eq!(m.get("kpi7.statutory_all_senior"), Some(0));
        assert_eq!(section(&m, "kpi7.").len(), 1 + 15 + 1);
    }

    #[test]
    fn a_meeting_says_which_statutory_partners_were_not_senior() {
        let mut e = export(vec![]);
        e.board.extend(meeting("2024-07-10", true));
        e.board.extend(meeting("2024-09-12", false));
        e.board.push(row("2024-09-12", "PCC", false, false, true));
        for (i, line) in e.board.iter_mut().enumerate() {
            line.row = i as u32 + 2;
        }
        let r = Recorder::of(&e, "2024-25 Q2");
        assert_eq!(r.counted("kpi7.meetings"), ["2024-07-10", "2024-09-12"]);
        assert_eq!(r.counted("kpi7.statutory_all_senior"), ["2024-07-10"]);
        let september = r.get("kpi7.statutory_all_senior", "2024-09-12");
        assert_eq!(september.row, 7);
        assert_eq!(
            september.why,
            "meeting of 2024-09-12 (6 partner lines): HEALTH attended, not at senior level"
        );
        assert!(
            september
                .fields
                .contains(&("HEALTH", "attended, not senior".to_string()))
        );
        // A partner's line is its own record: the meeting and the partner identify it.
        assert_eq!(
            r.counted("kpi7.pcc.disproportionality_data"),
            ["2024-09-12 PCC"]
        );
        assert_eq!(r.outside("kpi7.pcc.attended"), ["2024-09-12 PCC"]);
        assert_eq!(
            r.get("kpi7.pcc.attended", "2024-09-12 PCC").why,
            "PCC at the meeting of 2024-09-12: attended N, senior not recorded, \
             disproportionality data Y"
        );
    }
}
