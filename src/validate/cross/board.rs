//! E440: every meeting of the management board lists the five statutory partners.
//!
//! Invariant: a missing partner is reported on the meeting's first row, naming the others.

use super::listing::{related, shown};
use crate::date::Date;
use crate::export::records::STATUTORY_PARTNERS;
use crate::schema::row::Row;
use crate::validate::collector::Collector;
use crate::validate::sheets::Sheets;
use crate::validate::sheets::{columns, sheet};

/// The rows of one meeting, each with the meeting's date.
type Meeting<'r> = [(Date, &'r Row)];

/// Every meeting lists the five statutory partners; a missing one is reported on the meeting's
/// first row.
pub(super) fn statutory_partners_present(sheets: &Sheets<'_>, out: &mut Collector<'_>) {
    let Some(s) = sheet(sheets, "BoardAttendance") else {
        return;
    };
    if !s.columns.contains_key("partner") {
        return;
    }
    let [date, partner] = columns(s, ["meeting_date", "partner"]);
    // Rows in order of meeting date, then row: each meeting's rows are together.
    let mut by_meeting: Vec<(Date, &Row)> = s
        .rows
        .iter()
        .filter_map(|r| Some((r.date_at(date)?, r)))
        .collect();
    by_meeting.sort_by_key(|&(d, r)| (d, r.row));
    let mut missing: Vec<(Date, &str, &Meeting<'_>)> = Vec::new();
    for meeting in by_meeting.chunk_by(|a, b| a.0 == b.0) {
        for name in STATUTORY_PARTNERS {
            if !meeting
                .iter()
                .any(|(_, r)| r.text_at(partner) == Some(name))
            {
                missing.push((meeting[0].0, name, meeting));
            }
        }
    }
    missing.sort_by_key(|(_, _, meeting)| meeting[0].1.row);
    for (date, name, meeting) in missing {
        let first = meeting[0].1;
        let f = out.at(
            "E440",
            s,
            Some(first.row),
            Some("partner"),
            first.text_at(partner).map(shown),
            format!("statutory partner {name} has no row for the meeting of {date}"),
        );
        f.related = related(s, meeting[1..].iter().map(|(_, r)| *r), "partner");
    }
}
