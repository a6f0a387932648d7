//! C106: a return whose period it cannot cover, as `build` would have refused it, judged from
//! its generation time and the day of the check.
//!
//! Invariant: a return `build` could have made (from an export taken within a day of the
//! period's end, or its start for a provisional return) is never refused here.

use super::document::Document;
use super::rules::finding;
use crate::validate::Finding;

/// C106: a return whose period it cannot cover, as `build` would have refused it. `build`
/// needs an export taken on or after the period's last day (E451), or for a provisional return
/// on or after its first (E450), and an extract date no later than the day after the build
/// (E453, which allows for an export taken just after midnight in the UK); so a return
/// generated, or checked, more than a day before that day was not made from such an export.
/// `None` when the generation time is unreadable (C102 says so).
pub fn period_against_time(doc: &Document, today: crate::date::Date) -> Option<Finding> {
    let id = &doc.ret.identity;
    let generated = crate::date::Timestamp::parse(&id.generated_at)?.date;
    let message = cannot_cover(id.period, id.provisional, generated, today)?;
    Some(finding(
        "C106",
        &doc.file,
        None,
        None,
        Some(id.period.to_string()),
        message,
    ))
}

/// Why a return of `period` generated on `generated` cannot cover it (C106), if it cannot.
pub fn cannot_cover(
    period: crate::period::Period,
    provisional: bool,
    generated: crate::date::Date,
    today: crate::date::Date,
) -> Option<String> {
    let (needed, what) = if provisional {
        (period.start(), "began")
    } else {
        (period.end(), "ended")
    };
    if needed > today.add_days(1) {
        let when = if provisional {
            format!("begins on {}", period.start().long())
        } else {
            format!("ends on {}", period.end().long())
        };
        Some(format!(
            "{period} {when}, after today ({}): no export can hold its figures yet, so this \
             return is not fit to send; check its period",
            today.long()
        ))
    } else if needed > generated.add_days(1) {
        Some(format!(
            "this {period} return was generated on {}, before the period {what} on {}: the \
             export it was built from cannot hold the quarter's figures, so it is not fit to \
             send; build it again from an export taken after the quarter closed",
            generated.long(),
            needed.long()
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::document;
    use super::*;
    use crate::definitions::Severity;

    /// A return of `period`, provisional or not, generated on `generated`.
    fn generated(period: &str, provisional: bool, generated: &str) -> Document {
        let mut doc = document();
        doc.ret.identity.period = period.parse().unwrap();
        doc.ret.identity.provisional = provisional;
        doc.ret.identity.generated_at = format!("{generated}T23:59:59Z");
        doc
    }

    fn day(text: &str) -> crate::date::Date {
        crate::date::Date::parse_text(text).unwrap()
    }

    #[test]
    fn a_return_generated_before_its_period_ended_cannot_cover_it() {
        let today = day("2026-12-06");
        let c106 = |doc: &Document, today| period_against_time(doc, today).map(|f| f.message);
        // 2024-25 Q2 ends on 30 September 2024. build takes an extract date up to the day
        // after the build, so a return generated on 29 September may hold an export of the
        // 30th; one generated on the 28th cannot.
        assert_eq!(
            c106(&generated("2024-25 Q2", false, "2024-09-29"), today),
            None
        );
        assert_eq!(
            c106(&generated("2024-25 Q2", false, "2024-09-28"), today).as_deref(),
            Some(
                "this 2024-25 Q2 return was generated on 28 September 2024, before the period \
                 ended on 30 September 2024: the export it was built from cannot hold the \
                 quarter's figures, so it is not fit to send; build it again from an export \
                 taken after the quarter closed"
            )
        );
        let f = period_against_time(&generated("2024-25 Q2", false, "2024-09-28"), today).unwrap();
        assert_eq!((f.code.as_str(), f.severity), ("C106", Severity::Error));
        // A provisional return needs only the period to have begun (2024-25 Q4: 1 January 2025).
        assert_eq!(
            c106(&generated("2024-25 Q4", true, "2024-12-31"), today),
            None
        );
        assert!(
            c106(&generated("2024-25 Q4", true, "2024-12-30"), today)
                .unwrap()
                .contains("before the period began on 1 January 2025")
        );
        // A period that has not ended by the day after today, whatever the generation time
        // says: 2026-27 Q3 ends on 31 December 2026.
        let ahead = generated("2026-27 Q3", false, "2027-01-05");
        assert_eq!(c106(&ahead, day("2026-12-30")), None);
        assert_eq!(
            c106(&ahead, day("2026-12-29")).as_deref(),
            Some(
                "2026-27 Q3 ends on 31 December 2026, after today (29 December 2026): no export \
                 can hold its figures yet, so this return is not fit to send; check its period"
            )
        );
        let years_ahead = generated("2030-31 Q1", false, "2024-10-21");
        assert!(
            c106(&years_ahead, today)
                .unwrap()
                .starts_with("2030-31 Q1 ends on 30 June 2030, after today")
        );
        // An unreadable generation time is C102's to report.
        let mut unreadable = generated("2030-31 Q1", false, "2024-10-21");
        unreadable.ret.identity.generated_at = "yesterday".into();
        assert_eq!(c106(&unreadable, today), None);
    }
}
