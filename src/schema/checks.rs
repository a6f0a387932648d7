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

use serde_json::{Map, Value as Json};

use crate::date::Date;
use crate::period::Period;
use crate::schema::row::{RowView, Value};
use crate::schema::{ColumnDef, ColumnType};

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

/// A subschema with the annotations that locate its violations.
struct Node<C> {
    rule: Option<Rule>,
    hint: Option<usize>,
    body: Body<C>,
}

enum Body<C> {
    True,
    False,
    Checks(Vec<C>),
}

impl<C> Body<C> {
    /// The checks, or, for `true` and `false`, the verdict.
    fn checks(self) -> Result<Vec<C>, bool> {
        match self {
            Body::True => Err(true),
            Body::False => Err(false),
            Body::Checks(checks) => Ok(checks),
        }
    }
}

/// A conjunction of `items`: the item itself when there is one.
fn one_or<T>(mut items: Vec<T>, all: fn(Vec<T>) -> T) -> T {
    match (items.pop(), items.is_empty()) {
        (Some(only), true) => only,
        (Some(last), false) => {
            items.push(last);
            all(items)
        }
        (None, _) => all(items),
    }
}

/// A keyword applied to the whole row (the JSON object).
enum RowCheck {
    Type(Types),
    Required(Vec<usize>),
    Properties(Vec<(usize, Node<ValueCheck>)>),
    AllOf(Vec<Node<RowCheck>>),
    AnyOf(Vec<Node<RowCheck>>),
    OneOf(Vec<Node<RowCheck>>),
    Not(Box<Node<RowCheck>>),
    If {
        condition: Pred,
        then: Option<Box<Node<RowCheck>>>,
        otherwise: Option<Box<Node<RowCheck>>>,
    },
}

/// A keyword applied to one column's value.
enum ValueCheck {
    Type(Types),
    /// `const`, shown as its JSON in a message.
    Const(Literals, Json),
    /// `enum`, with its string options for the message.
    Enum(Literals, Vec<String>),
    Bound(Bound, f64, Json),
    Not(Box<Node<ValueCheck>>),
    AllOf(Vec<Node<ValueCheck>>),
    AnyOf(Vec<Node<ValueCheck>>),
    OneOf(Vec<Node<ValueCheck>>),
    /// A column schema using keywords this module does not evaluate itself.
    External(Box<jsonschema::Validator>),
}

#[derive(Clone, Copy)]
enum Bound {
    Minimum,
    Maximum,
    ExclusiveMinimum,
    ExclusiveMaximum,
}

/// A condition (`if`), which only ever decides a branch, flattened for speed: it is read for
/// every row and every rule, and the common shape "this column holds this code" becomes one
/// test instead of a walk through nested subschemas. It means exactly what its subschema does.
enum Pred {
    Always(bool),
    /// The column has a value.
    Has(usize),
    /// The column has no value or its value passes (a `properties` entry).
    Blank(usize, ValuePred),
    /// The column has a value and it passes (a `properties` entry with `required`).
    Holds(usize, ValuePred),
    All(Vec<Pred>),
    Any(Vec<Pred>),
    One(Vec<Pred>),
    Not(Box<Pred>),
    If(Box<[Pred; 3]>),
}

/// A condition on one column's value.
enum ValuePred {
    Always(bool),
    In(Literals),
    Not(Box<ValuePred>),
    All(Vec<ValuePred>),
    Any(Vec<ValuePred>),
    /// Any other check, evaluated as compiled.
    Check(Box<Node<ValueCheck>>),
}

impl Pred {
    fn of_row(node: Node<RowCheck>) -> Pred {
        let checks = match node.body.checks() {
            Ok(checks) => checks,
            Err(verdict) => return Pred::Always(verdict),
        };
        let mut all: Vec<Pred> = Vec::new();
        for check in checks {
            match check {
                RowCheck::Type(types) => all.push(Pred::Always(types.0 & Types::OBJECT != 0)),
                RowCheck::Required(columns) => all.extend(columns.into_iter().map(Pred::Has)),
                RowCheck::Properties(props) => all.extend(
                    props
                        .into_iter()
                        .map(|(c, node)| Pred::Blank(c, ValuePred::of(node))),
                ),
                RowCheck::AllOf(nodes) => all.push(Pred::all(nodes.into_iter().map(Pred::of_row))),
                RowCheck::AnyOf(nodes) => {
                    all.push(Pred::Any(nodes.into_iter().map(Pred::of_row).collect()));
                }
                RowCheck::OneOf(nodes) => {
                    all.push(Pred::One(nodes.into_iter().map(Pred::of_row).collect()));
                }
                RowCheck::Not(node) => all.push(Pred::Not(Box::new(Pred::of_row(*node)))),
                RowCheck::If {
                    condition,
                    then,
                    otherwise,
                } => {
                    let branch = |n: Option<Box<Node<RowCheck>>>| {
                        n.map_or(Pred::Always(true), |n| Pred::of_row(*n))
                    };
                    all.push(Pred::If(Box::new([
                        condition,
                        branch(then),
                        branch(otherwise),
                    ])));
                }
            }
        }
        // "Column c holds X" is `properties: {c: X}` beside `required: [c]`: one test.
        let required: Vec<usize> = all
            .iter()
            .filter_map(|p| match p {
                Pred::Has(c) => Some(*c),
                _ => None,
            })
            .collect();
        let mut merged = Vec::with_capacity(all.len());
        for p in all {
            match p {
                Pred::Blank(c, v) if required.contains(&c) => merged.push(Pred::Holds(c, v)),
                other => merged.push(other),
            }
        }
        let holds: Vec<usize> = merged
            .iter()
            .filter_map(|p| match p {
                Pred::Holds(c, _) => Some(*c),
                _ => None,
            })
            .collect();
        merged.retain(|p| !matches!(p, Pred::Has(c) if holds.contains(c)));
        Pred::all(merged)
    }

    fn all(preds: impl IntoIterator<Item = Pred>) -> Pred {
        one_or(preds.into_iter().collect(), Pred::All)
    }

    fn holds(&self, row: &RowView<'_>) -> bool {
        match self {
            Pred::Always(b) => *b,
            Pred::Has(c) => row.has(*c),
            Pred::Blank(c, v) => !row.has(*c) || v.holds(row, *c),
            Pred::Holds(c, v) => row.has(*c) && v.holds(row, *c),
            Pred::All(preds) => preds.iter().all(|p| p.holds(row)),
            Pred::Any(preds) => preds.iter().any(|p| p.holds(row)),
            Pred::One(preds) => preds.iter().filter(|p| p.holds(row)).count() == 1,
            Pred::Not(p) => !p.holds(row),
            Pred::If(parts) => {
                let [condition, then, otherwise] = &**parts;
                if condition.holds(row) {
                    then.holds(row)
                } else {
                    otherwise.holds(row)
                }
            }
        }
    }
}

impl ValuePred {
    fn of(node: Node<ValueCheck>) -> ValuePred {
        let checks = match node.body.checks() {
            Ok(checks) => checks,
            Err(verdict) => return ValuePred::Always(verdict),
        };
        let mut all: Vec<ValuePred> = Vec::new();
        for check in checks {
            all.push(match check {
                ValueCheck::Const(literals, _) | ValueCheck::Enum(literals, _) => {
                    ValuePred::In(literals)
                }
                ValueCheck::Not(node) => ValuePred::Not(Box::new(ValuePred::of(*node))),
                ValueCheck::AllOf(nodes) => {
                    ValuePred::All(nodes.into_iter().map(ValuePred::of).collect())
                }
                ValueCheck::AnyOf(nodes) => {
                    ValuePred::Any(nodes.into_iter().map(ValuePred::of).collect())
                }
                other => ValuePred::Check(Box::new(Node {
                    rule: None,
                    hint: None,
                    body: Body::Checks(vec![other]),
                })),
            });
        }
        one_or(all, ValuePred::All)
    }

    fn holds(&self, row: &RowView<'_>, column: usize) -> bool {
        match self {
            ValuePred::Always(b) => *b,
            ValuePred::In(literals) => literals.matches(row, column),
            ValuePred::Not(p) => !p.holds(row, column),
            ValuePred::All(preds) => preds.iter().all(|p| p.holds(row, column)),
            ValuePred::Any(preds) => preds.iter().any(|p| p.holds(row, column)),
            ValuePred::Check(node) => node.valid(row, column),
        }
    }
}

/// JSON types, as a bit set.
#[derive(Clone, Copy)]
struct Types(u8);

impl Types {
    const STRING: u8 = 1;
    const BOOLEAN: u8 = 2;
    const INTEGER: u8 = 4;
    const NUMBER: u8 = 8;
    const OBJECT: u8 = 16;
    const ARRAY: u8 = 32;
    const NULL: u8 = 64;

    fn parse(schema: &Json) -> Result<Types, String> {
        let one = |name: &Json| match name.as_str() {
            Some("string") => Ok(Types::STRING),
            Some("boolean") => Ok(Types::BOOLEAN),
            // Every integer is a number, so `number` admits integers.
            Some("integer") => Ok(Types::INTEGER),
            Some("number") => Ok(Types::NUMBER | Types::INTEGER),
            Some("object") => Ok(Types::OBJECT),
            Some("array") => Ok(Types::ARRAY),
            Some("null") => Ok(Types::NULL),
            _ => Err(format!("\"type\": {name} is not a JSON type")),
        };
        match schema {
            Json::Array(names) => names
                .iter()
                .try_fold(0, |all, n| Ok(all | one(n)?))
                .map(Types),
            name => one(name).map(Types),
        }
    }

    /// The types the values of a column of `kind` can have.
    fn possible(kind: ColumnType) -> u8 {
        match kind {
            ColumnType::Text | ColumnType::Code | ColumnType::Date | ColumnType::Period => {
                Types::STRING
            }
            ColumnType::Yesno => Types::BOOLEAN,
            ColumnType::Integer => Types::INTEGER,
            ColumnType::Number => Types::NUMBER | Types::INTEGER,
        }
    }

    /// The types a value has (an integral number is also an integer).
    fn of(value: Value) -> u8 {
        match value {
            Value::Blank => Types::NULL,
            Value::Text { .. } | Value::Code(_) | Value::Date(_) | Value::Period(_) => {
                Types::STRING
            }
            Value::Flag(_) => Types::BOOLEAN,
            Value::Integer(_) => Types::INTEGER | Types::NUMBER,
            Value::Number(n) if n.fract() == 0.0 => Types::INTEGER | Types::NUMBER,
            Value::Number(_) => Types::NUMBER,
        }
    }
}

/// The constants of a `const` or an `enum`, prepared for comparing with one column's values.
struct Literals {
    /// Which codes of the column's list are among them, by position: a code is compared by
    /// its place in the list, not its text.
    codes: Vec<bool>,
    /// The others, compared as JSON values.
    others: Vec<Literal>,
}

/// A constant other than a code of the column's list.
struct Literal {
    json: Json,
    /// The date or period a string spells exactly as the instance would hold it.
    date: Option<Date>,
    period: Option<Period>,
}

impl Literals {
    fn new(options: &[Json], column: &ColumnDef) -> Literals {
        let mut codes = vec![false; column.codes.len()];
        let mut others = Vec::new();
        for json in options {
            let s = json.as_str();
            let code = s
                .filter(|_| column.kind == ColumnType::Code)
                .and_then(|s| column.codes.iter().position(|c| c == s));
            match code {
                Some(i) => codes[i] = true,
                None => others.push(Literal {
                    date: s
                        .and_then(Date::parse_text)
                        .filter(|d| Some(d.to_string().as_str()) == s),
                    period: s
                        .and_then(|s| s.parse::<Period>().ok())
                        .filter(|p| Some(p.to_string().as_str()) == s),
                    json: json.clone(),
                }),
            }
        }
        Literals { codes, others }
    }

    /// JSON equality of the value of `column` in `row` with one of the constants. A code off
    /// the column's list is held as text, and so never equals a code on it.
    fn matches(&self, row: &RowView<'_>, column: usize) -> bool {
        if let Some(i) = row.code_at(column) {
            return self.codes.get(usize::from(i)).copied().unwrap_or(false);
        }
        if self.others.is_empty() {
            return false;
        }
        let value = row.value(column);
        self.others.iter().any(|l| match value {
            Value::Blank | Value::Code(_) => false,
            Value::Text { .. } => {
                l.json.as_str().is_some() && l.json.as_str() == row.text_at(column)
            }
            Value::Date(d) => l.date == Some(d),
            Value::Period(p) => l.period == Some(p),
            Value::Flag(b) => l.json.as_bool() == Some(b),
            Value::Integer(n) => l.json.as_f64() == Some(n as f64),
            Value::Number(n) => l.json.as_f64() == Some(n),
        })
    }
}

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

/// Where violations found below a node belong.
#[derive(Clone, Copy, Default)]
struct Ctx<'s> {
    rule: Option<&'s Rule>,
    hint: Option<usize>,
    /// The column whose value is being checked.
    column: Option<usize>,
}

impl<'s> Ctx<'s> {
    fn enter<C>(self, node: &'s Node<C>) -> Ctx<'s> {
        Ctx {
            rule: node.rule.as_ref().or(self.rule),
            hint: node.hint.or(self.hint),
            column: self.column,
        }
    }

    fn violation(self, broken: Broken) -> Violation<'s> {
        Violation {
            rule: self.rule,
            column: self.column.or(self.hint),
            broken,
        }
    }
}

fn column_index(name: &str, columns: &[ColumnDef]) -> Result<usize, String> {
    columns
        .iter()
        .position(|c| c.name == name)
        .ok_or_else(|| format!("it names column {name}, which the sheet does not define"))
}

/// Every column named in `schema`: as a key of `properties` or a string of an array.
fn mentioned(schema: &Json, columns: &[ColumnDef], found: &mut Vec<usize>) {
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

fn row_node(schema: &Json, columns: &[ColumnDef]) -> Result<Node<RowCheck>, String> {
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

fn value_node(
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

impl Node<RowCheck> {
    fn valid(&self, row: &RowView<'_>) -> bool {
        match &self.body {
            Body::True => true,
            Body::False => false,
            Body::Checks(checks) => checks.iter().all(|c| c.valid(row)),
        }
    }

    fn errors<'s>(&'s self, row: &RowView<'_>, ctx: Ctx<'s>, out: &mut Vec<Violation<'s>>) {
        let ctx = ctx.enter(self);
        match &self.body {
            Body::True => {}
            Body::False => out.push(ctx.violation(Broken::Other("no row is allowed".into()))),
            Body::Checks(checks) => checks.iter().for_each(|c| c.errors(row, ctx, out)),
        }
    }
}

/// The branch of an `if` that applies to `row`, if it has one.
fn branch<'n>(
    condition: &Pred,
    then: &'n Option<Box<Node<RowCheck>>>,
    otherwise: &'n Option<Box<Node<RowCheck>>>,
    row: &RowView<'_>,
) -> Option<&'n Node<RowCheck>> {
    if condition.holds(row) {
        then.as_deref()
    } else {
        otherwise.as_deref()
    }
}

impl RowCheck {
    fn valid(&self, row: &RowView<'_>) -> bool {
        match self {
            RowCheck::Type(types) => types.0 & Types::OBJECT != 0,
            RowCheck::Required(columns) => columns.iter().all(|&c| row.has(c)),
            RowCheck::Properties(props) => props
                .iter()
                .all(|(c, node)| !row.has(*c) || node.valid(row, *c)),
            RowCheck::AllOf(nodes) => nodes.iter().all(|n| n.valid(row)),
            RowCheck::AnyOf(nodes) => nodes.iter().any(|n| n.valid(row)),
            RowCheck::OneOf(nodes) => nodes.iter().filter(|n| n.valid(row)).count() == 1,
            RowCheck::Not(node) => !node.valid(row),
            RowCheck::If {
                condition,
                then,
                otherwise,
            } => branch(condition, then, otherwise, row).is_none_or(|n| n.valid(row)),
        }
    }

    fn errors<'s>(&'s self, row: &RowView<'_>, ctx: Ctx<'s>, out: &mut Vec<Violation<'s>>) {
        match self {
            RowCheck::Type(_) => {
                if !self.valid(row) {
                    out.push(ctx.violation(Broken::Other("a row is not of this type".into())));
                }
            }
            RowCheck::Required(columns) => {
                for &c in columns {
                    if !row.has(c) {
                        out.push(Violation {
                            rule: ctx.rule,
                            column: Some(c),
                            broken: Broken::Required,
                        });
                    }
                }
            }
            RowCheck::Properties(props) => {
                for (c, node) in props {
                    if row.has(*c) {
                        let ctx = Ctx {
                            column: Some(*c),
                            ..ctx
                        };
                        node.errors(row, *c, ctx, out);
                    }
                }
            }
            RowCheck::AllOf(nodes) => nodes.iter().for_each(|n| n.errors(row, ctx, out)),
            RowCheck::AnyOf(_) | RowCheck::OneOf(_) | RowCheck::Not(_) => {
                if !self.valid(row) {
                    out.push(ctx.violation(Broken::Other(
                        "the row does not have the combination of values required".into(),
                    )));
                }
            }
            RowCheck::If {
                condition,
                then,
                otherwise,
            } => {
                if let Some(node) = branch(condition, then, otherwise, row) {
                    node.errors(row, ctx, out);
                }
            }
        }
    }
}

impl Node<ValueCheck> {
    fn valid(&self, row: &RowView<'_>, column: usize) -> bool {
        match &self.body {
            Body::True => true,
            Body::False => false,
            Body::Checks(checks) => checks.iter().all(|c| c.valid(row, column)),
        }
    }

    fn errors<'s>(
        &'s self,
        row: &RowView<'_>,
        column: usize,
        ctx: Ctx<'s>,
        out: &mut Vec<Violation<'s>>,
    ) {
        let ctx = ctx.enter(self);
        match &self.body {
            Body::True => {}
            Body::False => out.push(ctx.violation(Broken::Other("must be blank".into()))),
            Body::Checks(checks) => checks.iter().for_each(|c| c.errors(row, column, ctx, out)),
        }
    }
}

impl ValueCheck {
    fn valid(&self, row: &RowView<'_>, column: usize) -> bool {
        let value = row.value(column);
        match self {
            ValueCheck::Type(types) => types.0 & Types::of(value) != 0,
            ValueCheck::Const(literals, _) | ValueCheck::Enum(literals, _) => {
                literals.matches(row, column)
            }
            ValueCheck::Bound(kind, limit, _) => {
                let Some(n) = row.number_at(column) else {
                    return true;
                };
                match kind {
                    Bound::Minimum => n >= *limit,
                    Bound::Maximum => n <= *limit,
                    Bound::ExclusiveMinimum => n > *limit,
                    Bound::ExclusiveMaximum => n < *limit,
                }
            }
            ValueCheck::Not(node) => !node.valid(row, column),
            ValueCheck::AllOf(nodes) => nodes.iter().all(|n| n.valid(row, column)),
            ValueCheck::AnyOf(nodes) => nodes.iter().any(|n| n.valid(row, column)),
            ValueCheck::OneOf(nodes) => nodes.iter().filter(|n| n.valid(row, column)).count() == 1,
            ValueCheck::External(validator) => row
                .value_json(column)
                .is_none_or(|json| validator.is_valid(&json)),
        }
    }

    fn errors<'s>(
        &'s self,
        row: &RowView<'_>,
        column: usize,
        ctx: Ctx<'s>,
        out: &mut Vec<Violation<'s>>,
    ) {
        match self {
            ValueCheck::AllOf(nodes) => {
                nodes.iter().for_each(|n| n.errors(row, column, ctx, out));
            }
            ValueCheck::External(validator) => {
                let Some(json) = row.value_json(column) else {
                    return;
                };
                for error in validator.iter_errors(&json) {
                    out.push(ctx.violation(broken(error.kind())));
                }
            }
            _ if self.valid(row, column) => {}
            ValueCheck::Enum(_, options) => out.push(ctx.violation(Broken::Enum(options.clone()))),
            ValueCheck::Bound(kind, _, limit) => {
                let limit = limit.clone();
                out.push(ctx.violation(match kind {
                    Bound::Minimum => Broken::Minimum(limit),
                    Bound::Maximum => Broken::Maximum(limit),
                    Bound::ExclusiveMinimum => Broken::ExclusiveMinimum(limit),
                    Bound::ExclusiveMaximum => Broken::ExclusiveMaximum(limit),
                }));
            }
            ValueCheck::Const(_, json) => {
                out.push(ctx.violation(Broken::Other(format!("must be {json}"))));
            }
            ValueCheck::Type(_) => {
                out.push(ctx.violation(Broken::Other("not of the column's type".into())));
            }
            ValueCheck::Not(_) | ValueCheck::AnyOf(_) | ValueCheck::OneOf(_) => {
                out.push(ctx.violation(Broken::Other("not an allowed value here".into())));
            }
        }
    }
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

/// The proof that the compiled checks and `jsonschema` agree, row by row.
#[cfg(test)]
pub(crate) mod agreement {
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
    use super::*;
    use crate::definitions::{Definitions, Source};
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
