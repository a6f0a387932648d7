//! A failing row's violations, listed as `jsonschema`'s `iter_errors` lists them: the tree is
//! walked again, each node's annotations passed down ([`Ctx`]) so that every violation names
//! the innermost rule and the column it concerns.
//!
//! Invariant: the violations are those `jsonschema` reports on the row as JSON, in a
//! comparable form (a test in the parent module holds the two equal on every sample row).

use super::tree::{Body, Bound, Node, RowCheck, ValueCheck};
use super::valid::branch;
use super::violation::{Broken, Rule, Violation, broken};
use crate::schema::row::RowView;

/// Where violations found below a node belong.
#[derive(Clone, Copy, Default)]
pub(super) struct Ctx<'s> {
    rule: Option<&'s Rule>,
    hint: Option<usize>,
    /// The column whose value is being checked.
    column: Option<usize>,
}

impl<'s> Ctx<'s> {
    pub(super) fn enter<C>(self, node: &'s Node<C>) -> Ctx<'s> {
        Ctx {
            rule: node.rule.as_ref().or(self.rule),
            hint: node.hint.or(self.hint),
            column: self.column,
        }
    }

    pub(super) fn violation(self, broken: Broken) -> Violation<'s> {
        Violation {
            rule: self.rule,
            column: self.column.or(self.hint),
            broken,
        }
    }
}

impl Node<RowCheck> {
    pub(super) fn errors<'s>(
        &'s self,
        row: &RowView<'_>,
        ctx: Ctx<'s>,
        out: &mut Vec<Violation<'s>>,
    ) {
        let ctx = ctx.enter(self);
        match &self.body {
            Body::True => {}
            Body::False => out.push(ctx.violation(Broken::Other("no row is allowed".into()))),
            Body::Checks(checks) => checks.iter().for_each(|c| c.errors(row, ctx, out)),
        }
    }
}

impl RowCheck {
    pub(super) fn errors<'s>(
        &'s self,
        row: &RowView<'_>,
        ctx: Ctx<'s>,
        out: &mut Vec<Violation<'s>>,
    ) {
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
    pub(super) fn errors<'s>(
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
    pub(super) fn errors<'s>(
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
