//! Whether a row is valid: the fast path, taken for every row. Conditions, nodes and checks
//! answer yes or no, and only a row that fails is walked again for its violations
//! ([`super::errors`]).
//!
//! Invariant: a node is valid on a row exactly when it reports no violation of it.

use super::tree::{Body, Bound, Node, Pred, RowCheck, ValueCheck, ValuePred};
use super::values::Types;
use crate::schema::row::RowView;

impl Pred {
    pub(super) fn holds(&self, row: &RowView<'_>) -> bool {
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
    pub(super) fn holds(&self, row: &RowView<'_>, column: usize) -> bool {
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

impl Node<RowCheck> {
    pub(super) fn valid(&self, row: &RowView<'_>) -> bool {
        match &self.body {
            Body::True => true,
            Body::False => false,
            Body::Checks(checks) => checks.iter().all(|c| c.valid(row)),
        }
    }
}

/// The branch of an `if` that applies to `row`, if it has one.
pub(super) fn branch<'n>(
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
    pub(super) fn valid(&self, row: &RowView<'_>) -> bool {
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
}

impl Node<ValueCheck> {
    pub(super) fn valid(&self, row: &RowView<'_>, column: usize) -> bool {
        match &self.body {
            Body::True => true,
            Body::False => false,
            Body::Checks(checks) => checks.iter().all(|c| c.valid(row, column)),
        }
    }
}

impl ValueCheck {
    pub(super) fn valid(&self, row: &RowView<'_>, column: usize) -> bool {
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
}
