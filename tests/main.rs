//! The integration tests: one test binary (one link of the whole tool on every run),
//! each file below a module that drives the real `yjb-return` program or its library.
//! `common` holds the harness they share.

mod common;

mod architecture;
mod ascii;
mod audit_truth;
mod check_edits;
mod explain;
mod help;
mod hostile;
mod interrupt;
mod large;
mod messages;
mod outputs;
mod periods;
mod privacy;
mod release_zip;
mod report;
mod return_cli;
mod return_life;
mod samples;
mod scorecard;
mod scorecard_paper;
mod snapshots;
mod validate_cli;
mod windows;
mod xsd;
