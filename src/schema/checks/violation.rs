//! What the compiled checks report: a violation of the schema by one row, the rule (`x-rule`)
//! it belongs to and what is broken. It is the vocabulary both the compiled checks and
//! `jsonschema` are stated in ([`broken`] reads the latter's errors into it), so the two can be
//! compared and `validate` can word either the same way.
//!
//! Invariant: a [`Broken`] carries what a message needs (the options of an enum, a bound) and
//! nothing that tells the two checkers apart.

use serde_json::Value as Json;

/// A rule code (`x-rule`) and the columns its condition (`if`) reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub code: String,
    /// Columns (by position in the sheet's definition) named anywhere in the condition.
    pub condition: Vec<usize>,
}

/// What about a row the schema rejects.
#[derive(Debug, Clone, PartialEq)]
pub enum Broken {
    /// A required column is blank.
    Required,
    /// Not one of the listed codes (the string options).
    Enum(Vec<String>),
    Minimum(Json),
    Maximum(Json),
    ExclusiveMinimum(Json),
    ExclusiveMaximum(Json),
    /// Anything else (a value that must be blank, a wrong constant, …), described.
    Other(String),
}

/// One violation of the schema by one row.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation<'s> {
    /// The innermost annotated subschema's rule.
    pub rule: Option<&'s Rule>,
    /// The column concerned: the required one, the one whose value broke the schema, or the
    /// subschema's `x-column`.
    pub column: Option<usize>,
    pub broken: Broken,
}
/// What a `jsonschema` error says is broken.
pub(crate) fn broken(kind: &jsonschema::error::ValidationErrorKind) -> Broken {
    use jsonschema::error::ValidationErrorKind as Kind;
    let strings = |options: &Json| {
        options
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Json::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    match kind {
        Kind::Required { .. } => Broken::Required,
        Kind::Enum { options } => Broken::Enum(strings(options)),
        Kind::Minimum { limit } => Broken::Minimum(limit.clone()),
        Kind::Maximum { limit } => Broken::Maximum(limit.clone()),
        Kind::ExclusiveMinimum { limit } => Broken::ExclusiveMinimum(limit.clone()),
        Kind::ExclusiveMaximum { limit } => Broken::ExclusiveMaximum(limit.clone()),
        other => Broken::Other(format!("{other:?}")),
    }
}
