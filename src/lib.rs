//! `yjb-return`: validate a youth justice service's case-management export and build its
//! quarterly statutory return to the Youth Justice Board.
//!
//! This library is the engine: functions from bytes and parameters to values and bytes. It
//! reads no file, asks no clock, starts no thread and writes to no terminal; the command line
//! (`src/main.rs`, its `commands` and `shell`) and the browser page are shells around it.
//! `docs/architecture.md` is the map.
//!
//! Data flows one way, and the modules below are listed in its order:
//! [`export`] reads the workbook, [`validate`] applies the data dictionary (its findings are
//! rendered by [`report`]), [`kpi`] aggregates the typed records into [`measures::Return`],
//! [`write`] turns that into the return's files and manifest, [`audit`] reads finished
//! returns back to check, compare and reproduce them, and [`scorecard`] draws the board's
//! scorecard across the archive's quarters.
//!
//! Beside the pipeline sit what every stage shares: user values cut to a length a person can
//! read ([`text`]), Excel's vocabulary ([`excel`]), digests ([`hash`]), [`date`]s, reporting
//! [`period`]s, the tool's own file and folder [`names`], the files the engine reads through a
//! [`folder`], the [`schema`] language and the versioned [`definitions`] written in it, and
//! [`workbook_bytes`], which makes a workbook's bytes the same whichever system wrote it.

/// The tool's version, as every report, manifest and page names it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub mod audit;
pub mod explain;
pub mod export;
pub mod kpi;
pub mod measures;
pub mod names;
pub mod report;
pub mod scorecard;
pub mod validate;
pub mod write;

pub mod csv;
pub mod date;
pub mod definitions;
pub mod excel;
pub mod folder;
pub mod hash;
pub mod period;
pub mod progress;
pub mod recognise;
pub mod schema;
pub mod text;
pub mod workbook_bytes;
