//! A node flattened into a condition ([`Pred`]): the form in which an `if` is decided for every
//! row and every rule, and the whole schema's validity for every row. The common shape "this
//! column holds this code" becomes one test instead of a walk through nested subschemas.
//!
//! Invariant: the flattened condition holds on exactly the rows the node accepts.

use super::tree::{Body, Node, Pred, RowCheck, ValueCheck, ValuePred};
use super::values::Types;

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

impl Pred {
    pub(super) fn of_row(node: Node<RowCheck>) -> Pred {
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
}

impl ValuePred {
    pub(super) fn of(node: Node<ValueCheck>) -> ValuePred {
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
}
