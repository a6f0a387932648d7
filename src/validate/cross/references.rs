//! E410, E411: a row naming a child not in sheet Children, or a victim naming an intervention
//! not in sheet Interventions.
//!
//! Invariant: a reference is checked only when the sheet it points into is there to hold it.

use foldhash::fast::FixedState;

use crate::text::cut;
use crate::validate::collector::Collector;
use crate::validate::sheets::Sheets;
use crate::validate::sheets::{NONE, Set, columns, sheet};

pub(super) fn orphans(sheets: &Sheets<'_>, out: &mut Collector<'_>) {
    let children = sheets.children();
    if let Some(listed) = children.listed {
        for name in ["Interventions", "Offences"] {
            let Some(s) = sheet(sheets, name) else {
                continue;
            };
            for (row, &n) in s.rows.iter().zip(children.of(name)) {
                if n != NONE && n >= listed {
                    let id = cut(children.ids[n as usize]);
                    let f = out.at(
                        "E410",
                        s,
                        Some(row.row),
                        Some("child_id"),
                        Some(id.to_string()),
                        format!("child_id {id} is not in sheet Children"),
                    );
                    f.child_id = Some(id.into_owned());
                }
            }
        }
    }
    let interventions = sheet(sheets, "Interventions").and_then(|s| {
        let at = s.column("intervention_id")?;
        s.columns.contains_key("intervention_id").then(|| {
            let mut set = Set::with_capacity_and_hasher(s.rows.len(), FixedState::default());
            set.extend(s.rows.iter().filter_map(|r| r.text_at(at)));
            set
        })
    });
    if let Some(interventions) = interventions
        && let Some(s) = sheet(sheets, "Victims")
    {
        let [intervention] = columns(s, ["intervention_id"]);
        for row in &s.rows {
            if let Some(id) = row.text_at(intervention)
                && !interventions.contains(id)
            {
                let id = cut(id);
                out.at(
                    "E411",
                    s,
                    Some(row.row),
                    Some("intervention_id"),
                    Some(id.to_string()),
                    format!("intervention_id {id} is not in sheet Interventions"),
                );
            }
        }
    }
}
