//! A sheet's JSON Schema compiled once, at load, into checks on typed rows.
//!
//! The schemas stay the definitions' source of truth; this module only evaluates them faster
//! than a general validator can, on the [`Row`] values directly instead of a JSON object built
//! per row. It understands the part of JSON Schema the definitions use: `type`, `properties`,
//! `required`, `allOf`/`anyOf`/`oneOf`/`not`, `if`/`then`/`else`, and on a column `const`,
//! `enum`, `minimum`/`maximum` (exclusive too) and `format: date`. Any other keyword on a
//! column is handed to `jsonschema` for that column alone; any other keyword elsewhere is
//! refused when the definitions load. It reports what `jsonschema`'s `iter_errors` reports,
//! with the rule (`x-rule`) and column each violation belongs to: a test runs both on every
//! row of every sample and planted defect and requires the same violations.
//!
//! The work is in steps, in the order a schema flows: `compile` reads it into a tree of
//! checks (`tree`, comparing values as `values` says), `flatten` folds a node into one
//! condition, `valid` decides whether a row passes, and only for a row that fails `errors`
//! lists its violations (`violation`).

mod compile;
mod errors;
mod flatten;
mod tree;
mod valid;
mod values;
mod violation;

pub use violation::{Broken, Rule, Violation};

use serde_json::Value as Json;

use crate::schema::ColumnDef;
use crate::schema::row::RowView;
use compile::row_node;
use errors::Ctx;
use tree::{Node, Pred, RowCheck};

/// A sheet's schema, compiled.
pub struct Compiled {
    root: Node<RowCheck>,
    /// Whether a row is valid, flattened: most rows are, and for them this is all the work.
    valid: Pred,
}

impl std::fmt::Debug for Compiled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Compiled")
    }
}

impl Compiled {
    /// Compiles the sheet's schema against its columns (from [`crate::definitions`]).
    pub fn new(schema: &Json, columns: &[ColumnDef]) -> Result<Compiled, String> {
        let mut root = row_node(schema, columns)?;
        // The sheet's own annotations name no rule: its keywords report generic codes.
        root.rule = None;
        root.hint = None;
        let valid = Pred::of_row(row_node(schema, columns)?);
        Ok(Compiled { root, valid })
    }

    /// Every violation of the schema by `row`, as `jsonschema` lists them.
    pub fn check<'s>(&'s self, row: &RowView<'_>, out: &mut Vec<Violation<'s>>) {
        if !self.valid.holds(row) {
            self.root.errors(row, Ctx::default(), out);
        }
    }
}

/// The proof that the compiled checks and `jsonschema` agree, row by row.
#[cfg(test)]
pub(crate) mod agreement {
    use super::compile::mentioned;
    use super::violation::broken;
    use super::*;
    use crate::definitions::SheetDef;
    use crate::validate::Row;

    /// A violation as both sides can state it: rule code, the columns its condition reads,
    /// the column, and what is broken (payload kept where messages use it).
    type Stated = (Option<String>, Vec<String>, Option<String>, Broken);

    fn normalised(broken: Broken) -> Broken {
        match broken {
            Broken::Other(_) => Broken::Other(String::new()),
            other => other,
        }
    }

    /// `jsonschema`'s violations of `row`, located as the tool has always located them: the
    /// rule of the deepest `x-rule` on the error's schema path (the condition being that
    /// subschema's `if`), the column from `required` or the instance path, else `x-column`.
    fn by_jsonschema(def: &SheetDef, row: &Row) -> Vec<Stated> {
        use jsonschema::error::ValidationErrorKind as Kind;
        let instance = Json::Object(row.to_json());
        let mut out = Vec::new();
        for error in def.validator.iter_errors(&instance) {
            let mut node = &def.schema;
            let (mut rule, mut condition, mut hint) = (None, None, None);
            for segment in error.schema_path().as_str().split('/').skip(1) {
                let segment = segment.replace("~1", "/").replace("~0", "~");
                let next = match node {
                    Json::Object(map) => map.get(&segment),
                    Json::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
                    _ => None,
                };
                let Some(next) = next else { break };
                node = next;
                if let Some(code) = node.get("x-rule").and_then(Json::as_str) {
                    rule = Some(code.to_string());
                    condition = node.get("if");
                }
                if let Some(col) = node.get("x-column").and_then(Json::as_str) {
                    hint = Some(col.to_string());
                }
            }
            let instance_column = error
                .instance_path()
                .as_str()
                .trim_start_matches('/')
                .split('/')
                .next()
                .filter(|s| !s.is_empty())
                .map(str::to_string);
            let column = match error.kind() {
                Kind::Required { property } => property.as_str().map(str::to_string),
                _ => instance_column,
            }
            .or(hint);
            let mut reads = Vec::new();
            if let Some(c) = condition {
                mentioned(c, &def.columns, &mut reads);
            }
            let mut reads: Vec<String> =
                reads.iter().map(|&i| def.columns[i].name.clone()).collect();
            reads.sort();
            out.push((rule, reads, column, normalised(broken(error.kind()))));
        }
        out
    }

    fn compiled(def: &SheetDef, row: &Row) -> Vec<Stated> {
        let mut violations = Vec::new();
        def.checks.check(&row.view(), &mut violations);
        violations
            .into_iter()
            .map(|v| {
                let mut reads: Vec<String> = v
                    .rule
                    .map(|r| {
                        r.condition
                            .iter()
                            .map(|&i| def.columns[i].name.clone())
                            .collect()
                    })
                    .unwrap_or_default();
                reads.sort();
                (
                    v.rule.map(|r| r.code.clone()),
                    reads,
                    v.column.map(|i| def.columns[i].name.clone()),
                    normalised(v.broken),
                )
            })
            .collect()
    }

    /// Panics, naming the row, unless both find the same violations (in any order).
    #[track_caller]
    pub(crate) fn assert_agree(def: &SheetDef, row: &Row) {
        let order = |v: &mut Vec<Stated>| v.sort_by_key(|s| format!("{s:?}"));
        let (mut theirs, mut ours) = (by_jsonschema(def, row), compiled(def, row));
        order(&mut theirs);
        order(&mut ours);
        assert_eq!(
            ours,
            theirs,
            "sheet {} row {}: the compiled checks (left) and jsonschema (right) disagree on {:?}",
            def.name,
            row.row,
            row.to_json()
        );
    }

    /// How many rows were compared, and how many of them broke the schema.
    pub(crate) fn assert_agree_on_all(
        v: &crate::validate::Validation,
        defs: &crate::definitions::Definitions,
    ) -> (usize, usize) {
        let (mut rows, mut broken) = (0, 0);
        for sheet in &v.sheets {
            let def = defs.sheet(&sheet.name).expect("a defined sheet");
            for row in &sheet.rows {
                assert_agree(def, row);
                rows += 1;
                broken += usize::from(!compiled(def, row).is_empty());
            }
        }
        (rows, broken)
    }
}

#[cfg(test)]
mod tests {
    use super::tree::Body;
    use super::*;
    use crate::date::Date;
    use crate::definitions::{Definitions, Source};
    use crate::schema::ColumnType;
    use crate::schema::row::Value;
    use crate::validate::Row;
    use crate::validate::{Cells, Options, validate_file};

    #[test]
    fn compiled_checks_and_jsonschema_agree_on_every_sample_row_and_planted_defect() {
        let defs = Definitions::latest(&Source::Embedded).unwrap();
        let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
        let mut exports: Vec<std::path::PathBuf> = std::fs::read_dir(&samples)
            .unwrap()
            .flat_map(|year| {
                std::fs::read_dir(year.unwrap().path())
                    .into_iter()
                    .flatten()
            })
            .map(|f| f.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "xlsx"))
            .collect();
        exports.sort();
        // Every year's quarters, the provisional and corrected exports, and the flawed one.
        assert!(exports.len() >= 11, "{exports:?}");
        let mut total_broken = 0;
        for path in &exports {
            let bytes = std::fs::read(path).unwrap();
            let v = validate_file(&bytes, &defs, &Options::default(), Cells::Drop).unwrap();
            let (rows, broken) = agreement::assert_agree_on_all(&v, &defs);
            assert!(rows > 100, "{}: {rows} rows", path.display());
            total_broken += broken;
        }
        // The flawed export's planted defects break the schema on many rows.
        assert!(total_broken >= 25, "{total_broken}");
    }

    fn columns(names: &[(&str, ColumnType, &[&str])]) -> Vec<ColumnDef> {
        names
            .iter()
            .map(|(name, kind, codes)| ColumnDef {
                name: name.to_string(),
                kind: *kind,
                aliases: Vec::new(),
                at_end: false,
                codes: codes.iter().map(|c| c.to_string()).collect(),
            })
            .collect()
    }

    #[test]
    fn keywords_outside_the_supported_set_are_refused_on_rows_and_delegated_on_columns() {
        let cols = columns(&[
            ("a", ColumnType::Text, &[]),
            ("b", ColumnType::Integer, &[]),
        ]);
        let err = Compiled::new(&serde_json::json!({"minProperties": 1}), &cols).unwrap_err();
        assert!(err.contains("minProperties"), "{err}");
        let err = Compiled::new(&serde_json::json!({"required": ["zz"]}), &cols).unwrap_err();
        assert!(err.contains("zz"), "{err}");
        // A pattern on a column is checked by jsonschema, for that column alone.
        let schema = serde_json::json!({
            "properties": {"a": {"x-rule": "E211", "pattern": "^[A-Z]{2}$"}, "b": {"multipleOf": 5}}
        });
        let compiled = Compiled::new(&schema, &cols).unwrap();
        let row = |a: &str, b: i64| {
            Row::new(
                2,
                vec![
                    Value::Text {
                        start: 0,
                        len: a.len() as u32,
                    },
                    Value::Integer(b),
                ],
                a,
                cols.clone().into(),
            )
        };
        let mut out = Vec::new();
        compiled.check(&row("AB", 10).view(), &mut out);
        assert!(out.is_empty(), "{out:?}");
        compiled.check(&row("abc", 7).view(), &mut out);
        assert_eq!(out.len(), 2, "{out:?}");
        assert_eq!(out[0].rule.map(|r| r.code.as_str()), Some("E211"));
        assert_eq!(out[0].column, Some(0));
        assert_eq!(out[1].rule, None);
        assert_eq!(out[1].column, Some(1));
        assert!(matches!(out[1].broken, Broken::Other(_)));
    }

    #[test]
    fn conditions_codes_and_bounds_are_evaluated_on_typed_values() {
        let cols = columns(&[
            ("kind", ColumnType::Code, &["DIV", "CUST"]),
            ("end", ColumnType::Date, &[]),
            ("outcome", ColumnType::Code, &["DONE"]),
            ("hours", ColumnType::Number, &[]),
        ]);
        let schema = serde_json::json!({
            "properties": {
                "kind": {"enum": ["DIV", "CUST"]},
                "hours": {"minimum": 0, "exclusiveMaximum": 40}
            },
            "allOf": [{
                "x-rule": "E305",
                "if": {"allOf": [
                    {"properties": {"kind": {"const": "DIV"}}, "required": ["kind"]},
                    {"required": ["end"]}
                ]},
                "then": {"required": ["outcome"]},
                "else": {"properties": {"outcome": false}}
            }]
        });
        let compiled = Compiled::new(&schema, &cols).unwrap();
        let d = Date::new(2024, 5, 1).unwrap();
        let row = |kind: Value, end: Option<Date>, outcome: bool, hours: f64| {
            Row::new(
                2,
                vec![
                    kind,
                    end.map_or(Value::Blank, Value::Date),
                    if outcome {
                        Value::Code(0)
                    } else {
                        Value::Blank
                    },
                    Value::Number(hours),
                ],
                "XDIV",
                cols.clone().into(),
            )
        };
        let check = |r: &Row| {
            let mut out = Vec::new();
            compiled.check(&r.view(), &mut out);
            out.into_iter()
                .map(|v| (v.rule.map(|r| r.code.clone()), v.column, v.broken))
                .collect::<Vec<_>>()
        };
        assert!(check(&row(Value::Code(0), Some(d), true, 0.0)).is_empty());
        assert_eq!(
            check(&row(Value::Code(0), Some(d), false, 39.5)),
            vec![(Some("E305".into()), Some(2), Broken::Required)]
        );
        // The rule's condition is false for custody, so `else` applies: outcome must be blank.
        assert_eq!(
            check(&row(Value::Code(1), Some(d), true, 40.0)),
            vec![
                (
                    None,
                    Some(3),
                    Broken::ExclusiveMaximum(serde_json::json!(40))
                ),
                (
                    Some("E305".into()),
                    Some(2),
                    Broken::Other("must be blank".into())
                ),
            ]
        );
        // A code off the list is held as text, and fails the enum.
        assert_eq!(
            check(&row(Value::Text { start: 0, len: 1 }, None, false, -1.0)),
            vec![
                (
                    None,
                    Some(0),
                    Broken::Enum(vec!["DIV".into(), "CUST".into()])
                ),
                (None, Some(3), Broken::Minimum(serde_json::json!(0))),
            ]
        );
        let conditions: Vec<usize> = compiled_rule(&compiled).condition.clone();
        assert_eq!(conditions, vec![0, 1]);
    }

    fn compiled_rule(c: &Compiled) -> &Rule {
        let Body::Checks(checks) = &c.root.body else {
            panic!("checks")
        };
        checks
            .iter()
            .find_map(|k| match k {
                RowCheck::AllOf(nodes) => nodes[0].rule.as_ref(),
                _ => None,
            })
            .unwrap()
    }
}
