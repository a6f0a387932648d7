//! Two returns, each read as `diff` reads it (return.json or return.xml), compared and
//! rendered as text and as JSON: any input must give an account or a sentence, never a panic,
//! and no line may hold a value read from a file whole (a 70,000-character code made the
//! aligned columns' format width overflow).
//!
//! Input: four bytes that stretch one byte of the rest (see `bounded::stretched`), one byte
//! whose two low bits say which of the two texts is XML, then the old and the new return,
//! separated by a zero byte.
#![no_main]

#[path = "bounded.rs"]
mod bounded;

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use yjb_return::audit::diff;
use yjb_return::definitions::{Definitions, Source};
use yjb_return::measures::Return;
use yjb_return::write::template::Layout;

fn layout() -> &'static Layout {
    static LAYOUT: OnceLock<Layout> = OnceLock::new();
    LAYOUT.get_or_init(|| {
        let defs = Definitions::latest(&Source::Embedded).expect("embedded definitions");
        Layout::load(&defs).expect("the embedded template")
    })
}

/// A return from its file's bytes, or the sentence saying why it is not one.
fn read(bytes: &[u8], xml: bool) -> Result<Return, String> {
    if xml {
        yjb_return::write::xml::parse_xml(bytes).map_err(|e| e.to_string())
    } else {
        yjb_return::write::json::parse_return_json(&String::from_utf8_lossy(bytes))
            .map_err(|e| e.to_string())
    }
}

fuzz_target!(|data: &[u8]| {
    let Some(data) = bounded::stretched(data) else {
        return;
    };
    let Some((&kinds, rest)) = data.split_first() else {
        return;
    };
    let (old, new) = match rest.iter().position(|b| *b == 0) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, rest),
    };
    let (old, new) = match (read(old, kinds & 1 != 0), read(new, kinds & 2 != 0)) {
        (Ok(old), Ok(new)) => (old, new),
        (Err(e), _) | (_, Err(e)) => {
            bounded::assert_bounded("the reason a return was refused", &e);
            return;
        }
    };
    let d = diff::diff(&old, &new, layout());
    bounded::assert_bounded("diff", &diff::render_text(&d, "old", "new"));
    bounded::assert_bounded("diff --format json", &diff::render_json(&d, "old", "new"));
});
