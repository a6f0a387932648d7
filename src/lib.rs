//! `yjb-return`: validate a youth justice service's case-management export and build its
//! quarterly statutory return to the Youth Justice Board.
//!
//! Data flows one way: [`export`] reads the workbook, [`validate`] applies the data
//! dictionary, [`kpi`] aggregates the typed records into [`measures::Return`], and the writers
//! turn that into the workbook, XML and JSON.

pub mod atomic;
pub mod date;
pub mod export;
pub mod measures;
pub mod period;
