//! A manifest.json's text, read as `check` and `reproduce` read it, its period and
//! generation time included.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yjb_return::write::manifest::Manifest;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(m) = Manifest::from_json(&text) {
        let _ = m.period.parse::<yjb_return::period::Period>();
        let _ = yjb_return::date::Timestamp::parse(&m.generated_at);
        let _ = m.output("return.xml");
        let _ = m.to_json();
    }
});
