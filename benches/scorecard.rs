//! `cargo bench --bench scorecard`: times a scorecard over 20 quarters of archive (27 returns
//! read: the window and the seven quarters before it that directions and rolling values need),
//! the reading and checking of the archive apart from the rest. The archive is held in memory
//! (the engine reads it through a `Folder`), so the times are the engine's, not the disk's.
//!
//! No timing assertions (machines differ): it prints the times so a change that slows the
//! scorecard shows up against the previous run. The aim is well under a second.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use yjb_return::date::Timestamp;
use yjb_return::definitions::{Definitions, Source};
use yjb_return::names::MANIFEST_JSON;
use yjb_return::period::Period;
use yjb_return::scorecard::{archive, make};
use yjb_return::validate::{Options, validate};
use yjb_return::write::{self, Request};

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let export_path = dir.path().join("export.xlsx");
    common::write_xlsx(&common::clean(), &export_path);
    let bytes = std::fs::read(&export_path).unwrap();
    let defs = Definitions::latest(&Source::Embedded).unwrap();
    let wb = yjb_return::export::workbook::read(&bytes).unwrap();
    let validation = validate(wb, &defs, &Options::default());
    let export = validation.export().unwrap();
    let mut root = yjb_return::folder::Memory::new("returns");
    let first: Period = "2023-24 Q1".parse().unwrap();
    let quarters = 20 + yjb_return::scorecard::READ_BEFORE;
    let to = first.shift(quarters - 1);
    // Every return is generated, and the scorecard made, a month after the last quarter ends,
    // whatever today's date: a return for a period not yet ended is refused (C106).
    let generated_at = Timestamp {
        date: to.end().add_days(30),
        seconds: 9 * 3600,
    };
    let today = to.end().add_days(31);
    let t = Instant::now();
    for k in 0..quarters {
        let period = first.shift(k);
        let request = Request {
            period,
            provisional: false,
            generated_at,
            input_path: "input.xlsx".into(),
            input_sha256: yjb_return::hash::sha256_hex(&bytes),
            input_bytes: bytes.len() as u64,
            acknowledged: &[],
        };
        let built = write::build(&export, &defs, &request).unwrap();
        let folder = yjb_return::names::submission_folder(period, 1);
        for (name, bytes) in &built.files {
            root.insert(&format!("{folder}/{name}"), bytes.clone());
        }
        root.insert(
            &format!("{folder}/{MANIFEST_JSON}"),
            built.manifest.to_json().into_bytes(),
        );
    }
    println!(
        "filed {quarters} returns, {first} to {to}, in {:.2?}",
        t.elapsed()
    );

    let t = Instant::now();
    for _ in 0..10 {
        Definitions::load(&Source::Embedded, &defs.version).unwrap();
    }
    println!("one definitions load: {:.2?}", t.elapsed() / 10);
    for _ in 0..3 {
        let t = Instant::now();
        let index = archive::index(&root).unwrap();
        let read = archive::read(
            &root,
            &index.quarters,
            (first, to),
            &Source::Embedded,
            today,
        )
        .unwrap();
        let read_time = t.elapsed();
        let t = Instant::now();
        let made = make::make(
            &make::Options {
                archive_path: "returns".to_string(),
                to: None,
                quarters: 20,
                targets: None,
                benchmarks: None,
                commentary: None,
                generated_at,
                source: Source::Embedded,
                today,
                paper: Default::default(),
            },
            &root,
        )
        .unwrap();
        println!(
            "read and checked {} returns in {read_time:.2?}; the whole scorecard ({} indicators x {} quarters, three files) in {:.2?}",
            read.returns.len(),
            made.scorecard.cards.len(),
            made.scorecard.window.len(),
            t.elapsed()
        );
    }
}
