//! The `Return` model: every figure of the quarterly return, keyed by its measure code.
//!
//! Percentages are never stored: they are derived from two counts where they are shown.

use std::collections::BTreeMap;

use crate::period::Period;

/// Who and what a return is about; every output names all of it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Identity {
    pub yjs_code: String,
    pub yjs_name: String,
    pub nation: String,
    /// The area's 10-17 population, the denominator of the rates shown in the workbook.
    pub population_10_17: u64,
    pub period: Period,
    /// Built with `--provisional` (from an export taken before the period ended, or at the
    /// officer's choice): the figures will change, and the return is not fit to send.
    pub provisional: bool,
    pub definitions_version: String,
    pub tool_version: String,
    pub input_sha256: String,
    /// RFC 3339 UTC, e.g. `2024-10-21T09:30:00Z`.
    pub generated_at: String,
}

/// A flat, sorted map from measure code (e.g. `kpi1.custody.suitable`) to its integer value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Measures(BTreeMap<String, i64>);

impl Measures {
    pub fn new() -> Measures {
        Measures::default()
    }

    /// Sets a measure. Each code is computed by exactly one KPI module, so setting a code
    /// twice is a programming error and panics in debug builds.
    pub fn set(&mut self, code: impl Into<String>, value: i64) {
        let code = code.into();
        let previous = self.0.insert(code.clone(), value);
        debug_assert!(previous.is_none(), "measure {code} computed twice");
    }

    /// Puts another value in place of a measure already set (`check` putting back a figure
    /// typed over, to see which findings it explains); a code not set is left unset.
    pub fn replace(&mut self, code: &str, value: i64) {
        if let Some(v) = self.0.get_mut(code) {
            *v = value;
        }
    }

    pub fn get(&self, code: &str) -> Option<i64> {
        self.0.get(code).copied()
    }

    pub fn extend(&mut self, other: Measures) {
        for (code, value) in other.0 {
            self.set(code, value);
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, i64)> {
        self.0.iter().map(|(k, v)| (k.as_str(), *v))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A complete return: identity plus measures.
#[derive(Debug, Clone, PartialEq)]
pub struct Return {
    pub identity: Identity,
    pub measures: Measures,
}
