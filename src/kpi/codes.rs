//! The code lists the return breaks figures down by, and the groups as measure codes name them:
//! the vocabulary every KPI module shares.

use crate::definitions::Definitions;

/// The code lists the return breaks figures down by, read from the definitions' schemas so a
/// new reporting year can add a code without a code change. Canonical upper case, schema order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Codes {
    pub accommodation: Vec<String>,
    pub ete: Vec<String>,
    pub partners: Vec<String>,
}

impl Codes {
    pub fn from_definitions(defs: &Definitions) -> Codes {
        let list = |sheet: &str, column: &str| {
            defs.sheet(sheet)
                .and_then(|s| s.column(column))
                .map(|c| c.codes.clone())
                .unwrap_or_default()
        };
        Codes {
            accommodation: list("Interventions", "accommodation_type"),
            ete: list("Interventions", "ete_status"),
            partners: list("BoardAttendance", "partner"),
        }
    }
}

/// The groups as they appear in measure codes, `all` last.
pub const GROUP_CODES: [&str; 5] = ["prevention", "out_of_court", "community", "custody", "all"];
