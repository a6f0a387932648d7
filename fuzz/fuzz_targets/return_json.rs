//! A return.json's text, parsed and checked as `check` does.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yjb_return::audit::check::{Document, check_document};
use yjb_return::definitions::Source;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(ret) = yjb_return::write::json::parse_return_json(&text) {
        let doc = Document::of("return.json", ret);
        let _ = check_document(&doc, &Source::Embedded);
    }
});
