//! The commands behind the command line, one file per verb: each declares its own arguments
//! (`Args`, with their help) and runs them (`run`), returning the process's [`Exit`] status, or
//! a [`CommandError`] whose message is a sentence for the person at the keyboard. What several
//! commands' arguments share is in [`args`].

pub mod args;
pub mod build;
pub mod check;
pub mod diff;
pub mod error;
pub mod exit;
pub mod explain;
pub mod inputs;
pub mod outputs;
pub mod reproduce;
pub mod rules;
pub mod scorecard;
pub mod validate;

pub use error::CommandError;
pub use exit::Exit;
