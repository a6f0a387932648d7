//! A return.json's text, parsed and checked as `check` does: a sentence or findings, each
//! holding no value read from the file whole.
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
    let text = String::from_utf8_lossy(data);
    match yjb_return::write::json::parse_return_json(&text) {
        Ok(ret) => {
            let doc = Document::of("return.json", ret);
            for f in check_document(&doc, &Source::Embedded, today()) {
                bounded::assert_bounded("a finding", &yjb_return::report::terminal::line(&f));
            }
        }
        Err(e) => bounded::assert_bounded("the refusal", &e.to_string()),
    }
});
