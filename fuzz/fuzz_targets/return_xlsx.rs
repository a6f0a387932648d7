//! A return workbook's bytes, read back and checked as `check` does.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yjb_return::audit::check::{Document, check_document};
use yjb_return::definitions::Source;

fuzz_target!(|data: &[u8]| {
    if let Ok(read) = yjb_return::write::workbook::read_workbook(data) {
        let doc = Document {
            file: "return.xlsx".into(),
            ret: read.ret,
            places: read.places,
            shown: read.shown,
            conflicts: read.conflicts,
            sha256: String::new(),
        };
        let _ = check_document(&doc, &Source::Embedded);
    }
});
