//! Reading the case-management export.

pub mod records;
pub mod workbook;
