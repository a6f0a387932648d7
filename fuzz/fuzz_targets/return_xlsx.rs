//! A return workbook's bytes, read back and checked as `check` does: a sentence or findings,
//! each holding no value read from the file whole.
#![no_main]

#[path = "bounded.rs"]
mod bounded;

use libfuzzer_sys::fuzz_target;
use yjb_return::audit::check::{Document, check_document};
use yjb_return::date::Date;
use yjb_return::definitions::Source;

/// The day `check` runs, as the command gives it from the clock.
fn today() -> Date {
    Date::new(2025, 1, 20).expect("a date")
}

fuzz_target!(|data: &[u8]| {
    let read = match yjb_return::write::workbook::read_workbook(data) {
        Ok(read) => read,
        Err(e) => return bounded::assert_bounded("the refusal", &e.to_string()),
    };
    let doc = Document {
        file: "return.xlsx".into(),
        ret: read.ret,
        places: read.places,
        shown: read.shown,
        conflicts: read.conflicts,
        sha256: String::new(),
    };
    for f in check_document(&doc, &Source::Embedded, today()) {
        bounded::assert_bounded("a finding", &yjb_return::report::terminal::line(&f));
    }
});
