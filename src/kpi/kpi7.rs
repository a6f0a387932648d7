//! KPI 7, management board attendance. Meetings are the distinct `meeting_date`s in the
//! period. Per partner: meetings attended, attended at senior level, and meetings for which
//! the partner contributed disproportionality data (attending or not). The five statutory
//! partners always appear; other partners only when they have a row in the period.

use std::collections::{BTreeMap, BTreeSet};

use super::codes::Codes;
use crate::date::Date;
use crate::export::records::{Export, STATUTORY_PARTNERS};
use crate::measures::Measures;
use crate::period::Period;

#[derive(Default)]
struct Partner {
    present: bool,
    attended: BTreeSet<Date>,
    senior: BTreeSet<Date>,
    data: BTreeSet<Date>,
}

pub fn measures(export: &Export, period: Period, codes: &Codes) -> Measures {
    let mut meetings = BTreeSet::new();
    let mut partners: BTreeMap<&str, Partner> = BTreeMap::new();
    for row in export
        .board
        .iter()
        .filter(|r| period.contains(r.meeting_date))
    {
        meetings.insert(row.meeting_date);
        let p = partners.entry(row.partner).or_default();
        p.present = true;
        if row.attended {
            p.attended.insert(row.meeting_date);
            if row.senior == Some(true) {
                p.senior.insert(row.meeting_date);
            }
        }
        if row.disproportionality_data {
            p.data.insert(row.meeting_date);
        }
    }
    let mut m = Measures::new();
    m.set("kpi7.meetings", meetings.len() as i64);
    // Partners in the definitions' order, then any other code met (validation prevents that).
    let mut order: Vec<&str> = codes.partners.iter().map(String::as_str).collect();
    order.extend(
        partners
            .keys()
            .filter(|k| !codes.partners.iter().any(|c| c == *k)),
    );
    let none = Partner::default();
    for code in order {
        let p = partners.get(code).unwrap_or(&none);
        if !p.present && !STATUTORY_PARTNERS.contains(&code) {
            continue;
        }
        let lower = code.to_lowercase();
        m.set(format!("kpi7.{lower}.attended"), p.attended.len() as i64);
        m.set(format!("kpi7.{lower}.senior"), p.senior.len() as i64);
        m.set(
            format!("kpi7.{lower}.disproportionality_data"),
            p.data.len() as i64,
        );
    }
    let all_senior = meetings
        .iter()
        .filter(|date| {
            STATUTORY_PARTNERS
                .iter()
                .all(|s| partners.get(s).is_some_and(|p| p.senior.contains(date)))
        })
        .count();
    m.set("kpi7.statutory_all_senior", all_senior as i64);
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::records::BoardAttendance;
    use crate::kpi::testkit::*;

    fn codes() -> Codes {
        Codes {
            accommodation: vec![],
            ete: vec![],
            partners: [
                "POLICE",
                "PROBATION",
                "SOCIAL_CARE",
                "EDUCATION",
                "HEALTH",
                "PCC",
                "COURTS",
                "HOUSING",
            ]
            .map(String::from)
            .to_vec(),
        }
    }

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
        let m = measures(&e, q("2024-25 Q2"), &codes());
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
        let m = measures(&export(vec![]), q("2024-25 Q2"), &codes());
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
        assert_eq!(m.len(), 1 + 15 + 1);
    }
}
