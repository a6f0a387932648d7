//! A return read from one file (the workbook, the XML or the JSON): its figures, and for a
//! workbook where each is shown and what it derives from them.
//!
//! Invariant: a finding about a figure is at its cell when the document has one.

use super::rules::finding_at;
use crate::measures::Return;
use crate::validate::Finding;
use crate::write::workbook::{Conflict, Place, Shown};

/// A return read from one file.
#[derive(Debug, Clone)]
pub struct Document {
    /// The file's name as the user gave it.
    pub file: String,
    pub ret: Return,
    /// The cell of each measure, for workbook findings (its first showing).
    pub places: Vec<(String, Place)>,
    pub shown: Vec<Shown>,
    /// Figures shown twice in a workbook with different values.
    pub conflicts: Vec<Conflict>,
    pub sha256: String,
}

impl Document {
    /// A document read from a file that shows each figure once and nothing derived (XML,
    /// JSON); its hash is filled in by whoever read the bytes.
    pub fn of(file: &str, ret: Return) -> Document {
        Document {
            file: file.to_string(),
            ret,
            places: Vec::new(),
            shown: Vec::new(),
            conflicts: Vec::new(),
            sha256: String::new(),
        }
    }

    /// The cell a measure is (first) shown in, in a workbook.
    pub fn place(&self, code: &str) -> Option<&Place> {
        self.places.iter().find(|(c, _)| c == code).map(|(_, p)| p)
    }

    pub(super) fn at(
        &self,
        code: &str,
        rule: &str,
        value: Option<String>,
        message: String,
    ) -> Finding {
        finding_at(
            rule,
            &self.file,
            self.place(code),
            Some(code),
            value,
            message,
        )
    }
}
