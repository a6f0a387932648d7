//! The schema language of the definitions: the type of a column (the schemas' `x-type`), how
//! a typed row holds its values ([`row`]), and a sheet's JSON Schema compiled into checks on
//! typed rows ([`checks`]). It sits below the definitions, which are written in it, and below
//! `validate`, which applies it.
//!
//! Invariant: a compiled check agrees with `jsonschema` on every row (a test holds the two
//! equal on every sample and on the flawed export).

pub mod checks;
pub mod row;

use serde::Deserialize;

/// The type of a column, which decides how its cells are read (the schemas' `x-type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnType {
    Text,
    Code,
    Date,
    Yesno,
    Integer,
    Number,
    Period,
}

#[derive(Debug, Clone)]
pub struct ColumnDef {
    pub name: String,
    pub kind: ColumnType,
    /// Normalised header spellings that also mean this column.
    pub aliases: Vec<String>,
    /// Recorded at the end of an intervention: ignored while it is open.
    pub at_end: bool,
    /// The code list, for code columns.
    pub codes: Vec<String>,
}
