//! An export's bytes, read and validated as `validate` does: any input must give findings or
//! a sentence, never a panic, an abort or a hang.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use yjb_return::definitions::{Definitions, Source};
use yjb_return::validate::{Options, validate};

fn definitions() -> &'static Definitions {
    static DEFS: OnceLock<Definitions> = OnceLock::new();
    DEFS.get_or_init(|| Definitions::latest(&Source::Embedded).expect("embedded definitions"))
}

fuzz_target!(|data: &[u8]| {
    if let Ok(workbook) = yjb_return::export::workbook::read(data) {
        let period = "2024-25 Q2".parse().ok();
        let options = Options {
            period,
            ..Options::default()
        };
        let _ = validate(workbook, definitions(), &options);
    }
});
