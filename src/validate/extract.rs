//! The `Service` sheet's one row, and its `extract_date` against the reporting period and the
//! day of the run (E105, E450, E451, W452, I454, E453).

use super::collector::Collector;
use super::validation::{Options, SheetData};
use crate::date::Date;
use crate::period::Period;

/// Service must hold one row; its extract_date bounds every other date.
pub(super) fn service_checks(
    sheet: &SheetData,
    options: &Options,
    out: &mut Collector<'_>,
) -> Option<Date> {
    match sheet.rows.as_slice() {
        [] => {
            out.at(
                "E105",
                sheet,
                None,
                None,
                None,
                "sheet Service has no data row; it needs exactly one",
            );
            return None;
        }
        [_] => {}
        [_, extra @ ..] => {
            for row in extra {
                out.at(
                    "E105",
                    sheet,
                    Some(row.row),
                    None,
                    None,
                    "sheet Service must hold exactly one row; this extra row was ignored",
                );
            }
        }
    }
    let first = &sheet.rows[0];
    let extract = first.date("extract_date");
    if let (Some(extract), Some(period)) = (extract, options.period) {
        period_against_extract(sheet, first.row, extract, period, options.provisional, out);
    }
    extract
}

/// The export must cover the period asked for: a period that starts after the export was taken
/// is always an error (most often a mistyped period); one that ends after it is an error
/// unless the return is provisional; one whose following quarter had also ended when the export
/// was taken is a query (W452: most often a mistyped period the other way, but rebuilding an
/// old quarter late is sometimes right) (return-format.md).
fn period_against_extract(
    sheet: &SheetData,
    row: u32,
    extract: Date,
    period: Period,
    provisional: bool,
    out: &mut Collector<'_>,
) {
    let taken = extract.long();
    if extract < period.start() {
        let likely = Period::latest_complete(extract);
        out.at(
            "E450",
            sheet,
            Some(row),
            Some("extract_date"),
            Some(extract.to_string()),
            format!(
                "the export was taken on {taken}, before {period} began on {}: check the \
                 period (this export most likely covers {likely})",
                period.start().long()
            ),
        );
    } else if extract < period.end() {
        let (code, consequence) = if provisional {
            (
                "I454",
                "the return is provisional: its figures will change once the quarter is complete",
            )
        } else {
            (
                "E451",
                "its figures would be incomplete: take a new export after the quarter closes, \
                 or add --provisional for an early look",
            )
        };
        out.at(
            code,
            sheet,
            Some(row),
            Some("extract_date"),
            Some(extract.to_string()),
            format!(
                "the export was taken on {taken}, before {period} ended on {}: {consequence}",
                period.end().long()
            ),
        );
    } else if extract > period.shift(1).end() {
        let (next, likely) = (period.shift(1), Period::latest_complete(extract));
        out.at(
            "W452",
            sheet,
            Some(row),
            Some("extract_date"),
            Some(extract.to_string()),
            format!(
                "the export was taken on {taken}, after {next}, the quarter following {period}, \
                 had ended on {}: check the period (this export most likely covers {likely}); \
                 if rebuilding {period} from it is right, acknowledge this query",
                next.end().long()
            ),
        );
    }
}

/// E453: an export cannot have been taken in the future, and a far-future extract_date
/// (9999-12-31) would switch off every "date after the extract date" check. One day of slack
/// allows for an export taken just after midnight in the UK, before UTC's midnight.
pub(super) fn extract_not_in_future(
    sheet: &SheetData,
    extract: Option<Date>,
    today: Date,
    out: &mut Collector<'_>,
) {
    let Some(extract) = extract.filter(|d| *d > today.add_days(1)) else {
        return;
    };
    let row = sheet.rows.first().map(|r| r.row);
    out.at(
        "E453",
        sheet,
        row,
        Some("extract_date"),
        Some(extract.to_string()),
        format!("the export cannot have been taken on {extract}, after today ({today})"),
    );
}
