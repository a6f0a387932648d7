//! Reproduction (the engine's `audit::reproduce`, as `yjb-return reproduce` drives it) run on
//! a built return (the 2024-25 Q1 sample's, made once) held in memory, with one of its files
//! replaced by the input: the manifest, return.json, return.xml or return.xlsx. Any input must
//! give a verdict or a sentence, never a panic; the verdict comes first; and no line may hold a
//! value read from a file whole (a long code in an archived file made the figure-by-figure
//! account exit 101).
//!
//! Input: four bytes that stretch one byte of the rest (see `bounded::stretched`), one byte
//! whose low two bits choose the file replaced and whose third bit asks for JSON, then the
//! file's new content.

#![no_main]

#[path = "bounded.rs"]
mod bounded;

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use yjb_return::audit::reproduce::verdict::{Outcome, render_text};
use yjb_return::audit::reproduce::{Given, Reproduction, read_manifest, reproduce};
use yjb_return::date::Timestamp;
use yjb_return::definitions::{Definitions, Source};
use yjb_return::folder::Memory;
use yjb_return::hash::sha256_hex;
use yjb_return::names::{MANIFEST_JSON, RETURN_JSON, RETURN_XLSX, RETURN_XML};
use yjb_return::progress::Progress;
use yjb_return::text::cut;
use yjb_return::validate::{Cells, Options, input};
use yjb_return::write::{self, Request};

/// Where the built manifest says the input is: the sample export, by the path `build --out`
/// records.
fn sample() -> &'static (String, Vec<u8>) {
    static SAMPLE: OnceLock<(String, Vec<u8>)> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        let export = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../samples/2024-25/q1-export.xlsx")
            .canonicalize()
            .expect("the sample export");
        let bytes = std::fs::read(&export).expect("the sample export");
        (export.display().to_string(), bytes)
    })
}

/// The files of the sample's Q1 return and its manifest, as `build --out` writes them (Q1 has
/// no acknowledgements beside it, so none are recorded).
fn built() -> &'static Vec<(&'static str, Vec<u8>)> {
    static BUILT: OnceLock<Vec<(&'static str, Vec<u8>)>> = OnceLock::new();
    BUILT.get_or_init(|| {
        let (path, bytes) = sample();
        let period = "2024-25 Q1".parse().expect("a period");
        let version = Definitions::version_for(&Source::Embedded, period).expect("a version");
        let defs = Definitions::load(&Source::Embedded, &version).expect("the definitions");
        let options = Options {
            period: Some(period),
            ..Options::default()
        };
        let v = input::validate_bytes(bytes, &defs, &options, None, Cells::Drop)
            .expect("the sample validates");
        let export_records = v.export().expect("the sample's records");
        let request = Request {
            period,
            provisional: false,
            generated_at: Timestamp::parse("2024-07-22T09:30:00Z").expect("a time"),
            input_path: path.clone(),
            input_sha256: sha256_hex(bytes),
            input_bytes: bytes.len() as u64,
            acknowledged: &[],
        };
        let built = write::build(&export_records, &defs, &request).expect("the sample builds");
        let mut files: Vec<(&'static str, Vec<u8>)> = built.files.clone();
        files.push((MANIFEST_JSON, built.manifest.to_json().into_bytes()));
        files
    })
}

/// What `reproduce` prints of an outcome: JSON, or the account whose first line is the verdict.
fn printed(outcome: &Outcome, json: bool) -> String {
    if json {
        return serde_json::to_string_pretty(outcome).expect("serialisable");
    }
    let text = render_text(outcome);
    assert!(
        text.starts_with("Reproduced") || text.starts_with("NOT reproduced"),
        "the verdict is not first: {}",
        text.chars().take(300).collect::<String>()
    );
    text
}

fuzz_target!(|data: &[u8]| {
    let Some(data) = bounded::stretched(data) else {
        return;
    };
    let Some((&choice, content)) = data.split_first() else {
        return;
    };
    let replaced = [MANIFEST_JSON, RETURN_JSON, RETURN_XML, RETURN_XLSX][usize::from(choice & 3)];
    let json = choice & 4 != 0;
    let mut folder = Memory::new("returns/2024-25-Q1");
    for (name, bytes) in built() {
        let bytes = if *name == replaced { content } else { bytes };
        folder.insert(name, bytes.to_vec());
    }
    // As the command reads them: the manifest, then the input it names and its definitions;
    // a refusal is one sentence, holding the values it names cut.
    let text = String::from_utf8_lossy(&folder.files[MANIFEST_JSON]).into_owned();
    let recorded = match read_manifest(&text) {
        Ok(recorded) => recorded,
        Err(e) => return bounded::assert_bounded("reproduce's refusal", &e.to_string()),
    };
    let (path, bytes) = sample();
    let named = &recorded.manifest.input.path;
    let input_shown = cut(named).into_owned();
    if named != path {
        let sha256 = cut(&recorded.manifest.input.sha256);
        return bounded::assert_bounded("reproduce's refusal", &format!("{input_shown} {sha256}"));
    }
    let defs = match Definitions::load(&Source::Embedded, &recorded.manifest.definitions.version) {
        Ok(defs) => defs,
        Err(e) => return bounded::assert_bounded("reproduce's refusal", &e.to_string()),
    };
    let given = Given {
        folder: &folder,
        input: bytes,
        input_shown,
        defs: &defs,
        today: Timestamp::parse("2025-01-20T09:30:00Z")
            .expect("a time")
            .date,
        progress: Progress::default(),
    };
    match reproduce(&recorded, &given) {
        Ok(Reproduction::Compared { outcome, .. }) => {
            bounded::assert_bounded("reproduce", &printed(&outcome, json));
        }
        Ok(Reproduction::InputInvalid { outcome, .. }) => {
            bounded::assert_bounded("reproduce", &printed(&outcome, json));
        }
        Err(e) => bounded::assert_bounded("reproduce's refusal", &e.to_string()),
    }
});
