//! A return.xml's bytes, parsed against the XSD's rules and checked as `check` does.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yjb_return::audit::check::{Document, check_document};
use yjb_return::definitions::Source;

fuzz_target!(|data: &[u8]| {
    if let Ok(ret) = yjb_return::write::xml::parse_xml(data) {
        let doc = Document::of("return.xml", ret);
        let _ = check_document(&doc, &Source::Embedded);
    }
});
