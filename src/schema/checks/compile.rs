//! A schema read into the compiled tree ([`super::tree`]), once, when the definitions load:
//! each keyword the module evaluates becomes a check, any other keyword on a column is handed
//! to `jsonschema` for that column alone, and any other keyword elsewhere is refused.
//!
//! Invariant: what is compiled means what the schema means; what cannot be is refused here, in
//! words naming the keyword or column, and never at a row.

use serde_json::{Map, Value as Json};

use super::tree::{Body, Bound, Node, Pred, RowCheck, ValueCheck};
use super::values::{Literals, Types};
use super::violation::Rule;
use crate::schema::{ColumnDef, ColumnType};

/// Keywords that only annotate: they never reject anything.
fn is_annotation(keyword: &str) -> bool {
    keyword.starts_with("x-")
        || matches!(
            keyword,
            "$schema"
                | "$id"
                | "$comment"
                | "title"
                | "description"
                | "default"
                | "examples"
                | "deprecated"
                | "readOnly"
                | "writeOnly"
        )
}

fn column_index(name: &str, columns: &[ColumnDef]) -> Result<usize, String> {
    columns
        .iter()
        .position(|c| c.name == name)
        .ok_or_else(|| format!("it names column {name}, which the sheet does not define"))
}

/// Every column named in `schema`: as a key of `properties` or a string of an array.
pub(super) fn mentioned(schema: &Json, columns: &[ColumnDef], found: &mut Vec<usize>) {
    let add = |name: &str, found: &mut Vec<usize>| {
        if let Some(i) = columns.iter().position(|c| c.name == name)
            && !found.contains(&i)
        {
            found.push(i);
        }
    };
    match schema {
        Json::Object(map) => {
            if let Some(props) = map.get("properties").and_then(Json::as_object) {
                props.keys().for_each(|k| add(k, found));
            }
            map.values().for_each(|v| mentioned(v, columns, found));
        }
        Json::Array(items) => {
            for item in items {
                if let Some(s) = item.as_str() {
                    add(s, found);
                }
                mentioned(item, columns, found);
            }
        }
        _ => {}
    }
}

/// The annotations of a schema object: its rule and column hint.
fn annotations(
    map: &Map<String, Json>,
    columns: &[ColumnDef],
) -> Result<(Option<Rule>, Option<usize>), String> {
    let rule = match map.get("x-rule") {
        None => None,
        Some(code) => {
            let code = code.as_str().ok_or("\"x-rule\" must be a rule code")?;
            let mut condition = Vec::new();
            if let Some(condition_schema) = map.get("if") {
                mentioned(condition_schema, columns, &mut condition);
            }
            Some(Rule {
                code: code.to_string(),
                condition,
            })
        }
    };
    let hint = match map.get("x-column") {
        None => None,
        Some(name) => Some(column_index(
            name.as_str().ok_or("\"x-column\" must be a column name")?,
            columns,
        )?),
    };
    Ok((rule, hint))
}

fn list<'a>(value: &'a Json, keyword: &str) -> Result<&'a Vec<Json>, String> {
    value
        .as_array()
        .ok_or_else(|| format!("\"{keyword}\" must be a list"))
}

/// A schema's keywords, or, for `true` and `false`, the node it is.
fn keywords<C>(schema: &Json) -> Result<Result<&Map<String, Json>, Node<C>>, String> {
    match schema {
        Json::Bool(b) => Ok(Err(Node {
            rule: None,
            hint: None,
            body: if *b { Body::True } else { Body::False },
        })),
        Json::Object(map) => Ok(Ok(map)),
        other => Err(format!("{other} is not a schema")),
    }
}

pub(super) fn row_node(schema: &Json, columns: &[ColumnDef]) -> Result<Node<RowCheck>, String> {
    let map = match keywords(schema)? {
        Ok(map) => map,
        Err(node) => return Ok(node),
    };
    let (rule, hint) = annotations(map, columns)?;
    let nodes = |value: &Json, keyword: &str| -> Result<Vec<Node<RowCheck>>, String> {
        list(value, keyword)?
            .iter()
            .map(|s| row_node(s, columns))
            .collect()
    };
    let mut checks = Vec::new();
    for (keyword, value) in map {
        let check = match keyword.as_str() {
            "type" => {
                let types = Types::parse(value)?;
                // A row is always an object.
                if types.0 & Types::OBJECT != 0 {
                    continue;
                }
                RowCheck::Type(types)
            }
            "required" => RowCheck::Required(
                list(value, keyword)?
                    .iter()
                    .map(|name| {
                        column_index(name.as_str().ok_or("\"required\" lists names")?, columns)
                    })
                    .collect::<Result<_, _>>()?,
            ),
            "properties" => {
                let mut props = Vec::new();
                for (name, s) in value
                    .as_object()
                    .ok_or("\"properties\" must be an object")?
                {
                    let i = column_index(name, columns)?;
                    let node = value_node(s, &columns[i], columns)?;
                    // A column schema left with nothing to check (its `type` always holds)
                    // never rejects anything.
                    if !matches!(&node.body, Body::True)
                        && !matches!(&node.body, Body::Checks(c) if c.is_empty())
                    {
                        props.push((i, node));
                    }
                }
                if props.is_empty() {
                    continue;
                }
                RowCheck::Properties(props)
            }
            "allOf" => RowCheck::AllOf(nodes(value, keyword)?),
            "anyOf" => RowCheck::AnyOf(nodes(value, keyword)?),
            "oneOf" => RowCheck::OneOf(nodes(value, keyword)?),
            "not" => RowCheck::Not(Box::new(row_node(value, columns)?)),
            "if" => {
                let branch = |k: &str| -> Result<Option<Box<Node<RowCheck>>>, String> {
                    map.get(k)
                        .map(|s| row_node(s, columns).map(Box::new))
                        .transpose()
                };
                RowCheck::If {
                    condition: Pred::of_row(row_node(value, columns)?),
                    then: branch("then")?,
                    otherwise: branch("else")?,
                }
            }
            "then" | "else" => continue,
            k if is_annotation(k) => continue,
            other => {
                return Err(format!(
                    "keyword \"{other}\" is not supported on a sheet's rows (only on a column)"
                ));
            }
        };
        checks.push(check);
    }
    Ok(Node {
        rule,
        hint,
        body: Body::Checks(checks),
    })
}

pub(super) fn value_node(
    schema: &Json,
    column: &ColumnDef,
    columns: &[ColumnDef],
) -> Result<Node<ValueCheck>, String> {
    let map = match keywords(schema)? {
        Ok(map) => map,
        Err(node) => return Ok(node),
    };
    let (rule, hint) = annotations(map, columns)?;
    let native = map.iter().all(|(k, v)| {
        is_annotation(k)
            || matches!(
                k.as_str(),
                "type"
                    | "const"
                    | "enum"
                    | "minimum"
                    | "maximum"
                    | "exclusiveMinimum"
                    | "exclusiveMaximum"
                    | "not"
                    | "allOf"
                    | "anyOf"
                    | "oneOf"
            )
            || (k == "format" && v == "date" && column.kind == ColumnType::Date)
    });
    if !native {
        // Rules and hints are read on this node only: nothing below it may carry its own.
        let inner: Map<String, Json> = map
            .iter()
            .filter(|(k, _)| *k != "x-rule" && *k != "x-column")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let inner_text = Json::Object(inner.clone()).to_string();
        if inner_text.contains("\"x-rule\"") || inner_text.contains("\"x-column\"") {
            return Err(format!(
                "column {}: \"x-rule\" may only annotate the column's own schema here",
                column.name
            ));
        }
        let validator = jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(&Json::Object(inner))
            .map_err(|e| e.to_string())?;
        return Ok(Node {
            rule,
            hint,
            body: Body::Checks(vec![ValueCheck::External(Box::new(validator))]),
        });
    }
    let nodes = |value: &Json, keyword: &str| -> Result<Vec<Node<ValueCheck>>, String> {
        list(value, keyword)?
            .iter()
            .map(|s| value_node(s, column, columns))
            .collect()
    };
    let bound = |kind: Bound, value: &Json| -> Result<ValueCheck, String> {
        let limit = value
            .as_f64()
            .ok_or_else(|| format!("column {}: a bound must be a number", column.name))?;
        Ok(ValueCheck::Bound(kind, limit, value.clone()))
    };
    let mut checks = Vec::new();
    for (keyword, value) in map {
        let check = match keyword.as_str() {
            "type" => {
                let types = Types::parse(value)?;
                // A column's values are read as its x-type: most `type`s always hold.
                if types.0 & Types::possible(column.kind) == Types::possible(column.kind) {
                    continue;
                }
                ValueCheck::Type(types)
            }
            "const" => ValueCheck::Const(
                Literals::new(std::slice::from_ref(value), column),
                value.clone(),
            ),
            "enum" => {
                let options = list(value, keyword)?;
                ValueCheck::Enum(
                    Literals::new(options, column),
                    options
                        .iter()
                        .filter_map(Json::as_str)
                        .map(str::to_string)
                        .collect(),
                )
            }
            "minimum" => bound(Bound::Minimum, value)?,
            "maximum" => bound(Bound::Maximum, value)?,
            "exclusiveMinimum" => bound(Bound::ExclusiveMinimum, value)?,
            "exclusiveMaximum" => bound(Bound::ExclusiveMaximum, value)?,
            "not" => ValueCheck::Not(Box::new(value_node(value, column, columns)?)),
            "allOf" => ValueCheck::AllOf(nodes(value, keyword)?),
            "anyOf" => ValueCheck::AnyOf(nodes(value, keyword)?),
            "oneOf" => ValueCheck::OneOf(nodes(value, keyword)?),
            // `format: date` on a date column: every value read as a date is a valid one.
            _ => continue,
        };
        checks.push(check);
    }
    Ok(Node {
        rule,
        hint,
        body: Body::Checks(checks),
    })
}
