//! E311: an individual development plan (IDP), a Welsh plan, in an English service's export.
//!
//! Invariant: judged only when sheet Service names the nation ENGLAND.

use super::listing::shown;
use crate::validate::collector::Collector;
use crate::validate::sheets::Sheets;
use crate::validate::sheets::{columns, sheet};

pub(super) fn idp_only_in_wales(sheets: &Sheets<'_>, out: &mut Collector<'_>) {
    let nation = sheet(sheets, "Service")
        .and_then(|s| s.rows.first())
        .and_then(|r| r.text("nation"));
    if nation != Some("ENGLAND") {
        return;
    }
    let Some(s) = sheet(sheets, "Interventions") else {
        return;
    };
    let [plan, child] = columns(s, ["send_plan", "child_id"]);
    for row in &s.rows {
        if row.text_at(plan) == Some("IDP") {
            let f = out.at(
                "E311",
                s,
                Some(row.row),
                Some("send_plan"),
                Some("IDP".to_string()),
                "IDP (individual development plan) is a Welsh plan, but the service's nation is ENGLAND",
            );
            f.child_id = row.text_at(child).map(shown);
        }
    }
}
