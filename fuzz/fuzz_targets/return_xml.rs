//! A return.xml's bytes, parsed against the XSD's rules and checked as `check` does: a
//! sentence or findings, each holding no value read from the file whole.
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
    match yjb_return::write::xml::parse_xml(data) {
        Ok(ret) => {
            let doc = Document::of("return.xml", ret);
            for f in check_document(&doc, &Source::Embedded, today()) {
                bounded::assert_bounded("a finding", &yjb_return::report::terminal::line(&f));
            }
        }
        Err(e) => bounded::assert_bounded("the refusal", &e.to_string()),
    }
});
