//! `yjb-return`: validate a youth justice service's case-management export and build its
//! quarterly statutory return to the Youth Justice Board.
//!
//! Data flows one way, and the modules below are listed in its order:
//! [`export`] reads the workbook, [`validate`] applies the data dictionary (its findings are
//! rendered by [`report`]), [`kpi`] aggregates the typed records into [`measures::Return`],
//! [`write`] turns that into the return's files and manifest, and [`audit`] reads finished
//! returns back to check, compare and reproduce them, and [`scorecard`] draws the board's
//! scorecard across the archive's quarters. [`commands`] are thin: each drives these
//! stages for one subcommand and never calls another command.
//!
//! Beside the pipeline sit what every stage shares: reporting [`period`]s, [`date`]s, the
//! versioned [`definitions`], [`atomic`] file writing, user values [`cut`] to a length a
//! person can read, and [`workbook_bytes`], which makes a workbook's bytes the same whichever
//! system wrote it.

pub mod audit;
pub mod commands;
pub mod export;
pub mod kpi;
pub mod measures;
pub mod names;
pub mod report;
pub mod scorecard;
pub mod validate;
pub mod write;

pub mod atomic;
pub mod csv;
pub mod date;
pub mod definitions;
pub mod excel;
pub mod files;
pub mod folder;
pub mod hash;
pub mod io_words;
pub mod period;
pub mod progress;
pub mod recognise;
pub mod schema;
pub mod text;
pub mod workbook_bytes;
