//! The compiled form of a schema: a tree of nodes, each a subschema with the annotations
//! (`x-rule`, `x-column`) that locate its violations, holding checks on the whole row or on one
//! column's value; and the flattened conditions ([`Pred`]) that decide an `if`.
//!
//! Invariant: every node means exactly what the subschema it was compiled from means; a
//! condition, flattened, means exactly what its subschema does.

use serde_json::Value as Json;

use super::values::{Literals, Types};
use super::violation::Rule;

/// A subschema with the annotations that locate its violations.
pub(super) struct Node<C> {
    pub(super) rule: Option<Rule>,
    pub(super) hint: Option<usize>,
    pub(super) body: Body<C>,
}

pub(super) enum Body<C> {
    True,
    False,
    Checks(Vec<C>),
}

impl<C> Body<C> {
    /// The checks, or, for `true` and `false`, the verdict.
    pub(super) fn checks(self) -> Result<Vec<C>, bool> {
        match self {
            Body::True => Err(true),
            Body::False => Err(false),
            Body::Checks(checks) => Ok(checks),
        }
    }
}

/// A keyword applied to the whole row (the JSON object).
pub(super) enum RowCheck {
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
pub(super) enum ValueCheck {
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
pub(super) enum Bound {
    Minimum,
    Maximum,
    ExclusiveMinimum,
    ExclusiveMaximum,
}

/// A condition (`if`), which only ever decides a branch, flattened for speed: it is read for
/// every row and every rule, and the common shape "this column holds this code" becomes one
/// test instead of a walk through nested subschemas. It means exactly what its subschema does.
pub(super) enum Pred {
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
pub(super) enum ValuePred {
    Always(bool),
    In(Literals),
    Not(Box<ValuePred>),
    All(Vec<ValuePred>),
    Any(Vec<ValuePred>),
    /// Any other check, evaluated as compiled.
    Check(Box<Node<ValueCheck>>),
}
