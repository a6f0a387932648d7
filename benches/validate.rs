//! `cargo bench --bench validate`: times each stage of `build` (read, validate, type the
//! records, count, write the workbook, XML and JSON) over a large generated export.
//!
//! No timing assertions (machines differ): it prints rows per second for each stage so a
//! change that slows the hot path shows up when compared with the previous run.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use yjb_return::definitions::{Definitions, Source};
use yjb_return::export::workbook;
use yjb_return::validate::{Options, validate};

fn main() {
    let children: usize = std::env::var("BENCH_CHILDREN")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let mut sheets = common::clean();
    let template_iv = sheets[2].rows[0].clone();
    let template_child = sheets[1].rows[0].clone();
    sheets[1].rows.clear();
    sheets[2].rows.clear();
    for c in 0..children {
        let mut child = template_child.clone();
        child[0] = format!("C{c:06}");
        sheets[1].rows.push(child);
        for k in 0..3 {
            let mut iv = template_iv.clone();
            iv[0] = format!("I{c:06}-{k}");
            iv[1] = format!("C{c:06}");
            iv[2] = ["RO", "YRO", "PREV"][k].to_string();
            sheets[2].rows.push(iv);
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.xlsx");
    let t = Instant::now();
    common::write_xlsx(&sheets, &path);
    let rows = children * 4;
    println!("wrote {rows} rows in {:.2?}", t.elapsed());

    let defs = Definitions::latest(&Source::Embedded).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    for _ in 0..3 {
        let t = Instant::now();
        let wb = workbook::read(&bytes).unwrap();
        let read = t.elapsed();
        let t = Instant::now();
        let v = validate(wb, &defs, &Options::default());
        let checked = t.elapsed();
        let t = Instant::now();
        let export = v.export().unwrap();
        let typed = t.elapsed();
        let t = Instant::now();
        let request = yjb_return::write::Request {
            period: "2024-25 Q2".parse().unwrap(),
            provisional: false,
            generated_at: yjb_return::date::Timestamp::parse("2024-10-21T09:30:00Z").unwrap(),
            input_path: "big.xlsx".into(),
            input_sha256: v.sha256.clone(),
            input_bytes: bytes.len() as u64,
            acknowledged: &[],
        };
        let built = yjb_return::write::build(&export, &defs, &request).unwrap();
        let written = t.elapsed();
        println!(
            "read {read:.2?} ({:.0} rows/s), validate {checked:.2?} ({:.0} rows/s), typed {typed:.2?}, counted and written {written:.2?}; {} findings, {} interventions, {} measures",
            rows as f64 / read.as_secs_f64(),
            rows as f64 / checked.as_secs_f64(),
            v.findings.len(),
            export.interventions.len(),
            built.ret.measures.len()
        );
    }
}
