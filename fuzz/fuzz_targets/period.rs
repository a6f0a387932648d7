//! Any text as a reporting period, a date or a UTC time.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yjb_return::date::{Date, Timestamp};
use yjb_return::period::Period;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(p) = text.parse::<Period>() {
        // Whatever is accepted prints back to a spelling that reads as the same period.
        assert_eq!(p.to_string().parse::<Period>(), Ok(p));
        let _ = (p.start(), p.end(), p.shift(-4));
    } else if let Err(e) = text.parse::<Period>() {
        let _ = e.to_string();
    }
    let _ = Date::parse_text(&text);
    if let Some(t) = Timestamp::parse(&text) {
        assert_eq!(Timestamp::parse(&t.to_string()), Some(t));
    }
});
