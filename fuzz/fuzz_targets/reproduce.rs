//! `reproduce` run on a built return (the 2024-25 Q1 sample's, made once) with one of its
//! files replaced by the input: the manifest, return.json, return.xml or return.xlsx. Any
//! input must give a verdict or a sentence, never a panic; the verdict comes first; and no
//! line may hold a value read from a file whole (a long code in an archived file made the
//! figure-by-figure account exit 101).
//!
//! Input: four bytes that stretch one byte of the rest (see `bounded::stretched`), one byte
//! whose low two bits choose the file replaced and whose third bit asks for JSON, then the
//! file's new content.
#![no_main]

#[path = "bounded.rs"]
mod bounded;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use libfuzzer_sys::fuzz_target;
use yjb_return::commands::reproduce;
use yjb_return::date::Timestamp;
use yjb_return::definitions::{Definitions, Source};
use yjb_return::validate::{Cells, Options, input};
use yjb_return::write::{self, MANIFEST_JSON, RETURN_JSON, RETURN_XLSX, RETURN_XML, Request};

/// The files of the sample's Q1 return and its manifest, as `build --out` writes them (Q1 has
/// no acknowledgements beside it, so none are recorded).
fn built() -> &'static Vec<(&'static str, Vec<u8>)> {
    static BUILT: OnceLock<Vec<(&'static str, Vec<u8>)>> = OnceLock::new();
    BUILT.get_or_init(|| {
        let export = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../samples/2024-25/q1-export.xlsx")
            .canonicalize()
            .expect("the sample export");
        let bytes = std::fs::read(&export).expect("the sample export");
        let period = "2024-25 Q1".parse().expect("a period");
        let version = Definitions::version_for(&Source::Embedded, period).expect("a version");
        let defs = Definitions::load(&Source::Embedded, &version).expect("the definitions");
        let options = Options {
            period: Some(period),
            ..Options::default()
        };
        let v = input::validate_bytes(&bytes, &defs, &options, None, Cells::Drop)
            .expect("the sample validates");
        let export_records = v.export().expect("the sample's records");
        let request = Request {
            period,
            provisional: false,
            generated_at: Timestamp::parse("2024-07-22T09:30:00Z").expect("a time"),
            input_path: export.display().to_string(),
            input_sha256: yjb_return::sha256_hex(&bytes),
            input_bytes: bytes.len() as u64,
            acknowledged: &[],
        };
        let built = write::build(&export_records, &defs, &request).expect("the sample builds");
        let mut files: Vec<(&'static str, Vec<u8>)> = built.files.clone();
        files.push((MANIFEST_JSON, built.manifest.to_json().into_bytes()));
        files
    })
}

/// A new, empty folder for one run.
fn folder() -> PathBuf {
    static RUN: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!(
        "yjb-fuzz-reproduce-{}-{}",
        std::process::id(),
        RUN.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    dir
}

fuzz_target!(|data: &[u8]| {
    let Some(data) = bounded::stretched(data) else {
        return;
    };
    let Some((&choice, content)) = data.split_first() else {
        return;
    };
    let replaced = [MANIFEST_JSON, RETURN_JSON, RETURN_XML, RETURN_XLSX][usize::from(choice & 3)];
    let dir = folder();
    for (name, bytes) in built() {
        let bytes = if *name == replaced { content } else { bytes };
        std::fs::write(dir.join(name), bytes).expect("a file of the return");
    }
    let args = reproduce::Args {
        manifest: dir.clone(),
        definitions: None,
        out: None,
        json: choice & 4 != 0,
    };
    let mut out = Vec::new();
    let result = reproduce::run(&args, &mut out);
    let _ = std::fs::remove_dir_all(&dir);
    let text = String::from_utf8_lossy(&out);
    match result {
        Ok(_) => {
            if !args.json {
                assert!(
                    text.starts_with("Reproduced") || text.starts_with("NOT reproduced"),
                    "the verdict is not first: {}",
                    text.chars().take(300).collect::<String>()
                );
            }
            bounded::assert_bounded("reproduce", &text);
        }
        Err(e) => bounded::assert_bounded("reproduce's refusal", &e.to_string()),
    }
});
