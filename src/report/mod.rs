//! Presenting a [`Validation`](crate::validate::Validation) to people and machines.

pub mod json;
pub mod redact;
pub mod terminal;
pub mod xlsx;
