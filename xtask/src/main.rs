//! `cargo run -p xtask -- samples`: regenerates the fictional Northshire exports in
//! `samples/` (two years of quarterly exports in `samples/2023-24/` and `samples/2024-25/`, a
//! provisional mid-quarter export, a corrected resubmission, the flawed export and its expected
//! findings, and the acknowledgements of the one query that is right). The output is
//! byte-identical on every run; a test holds the committed files to it.
//!
//! Also the benchmarks (`bench`, `bench-pandas`, ...), the release zips (`dist`) and the
//! browser page (`web`).

mod bench;
mod bench_explain;
mod dist;
mod flawed;
mod northshire;
mod pandas;
mod web;
mod xlsx;

use std::path::{Path, PathBuf};

use northshire::Caseload;

/// One export of the caseload taken on `extract`, and its acknowledgements sidecar when the
/// export holds the one query that is right.
fn export_files(
    caseload: &Caseload,
    (folder, stem, _, extract): (&str, &str, &str, &str),
) -> Vec<(String, Vec<u8>)> {
    let sheets = northshire::snapshot(caseload, northshire::d(extract), northshire::style(stem));
    let mut out = vec![(format!("{folder}/{stem}.xlsx"), xlsx::write(&sheets))];
    // NSH-E18's temporary accommodation was judged suitable: a query that is right.
    let orders = &sheets[2];
    if let Some(i) = orders
        .rows
        .iter()
        .position(|r| r[0] == xlsx::t("NSH-I-0020") && r.len() > 8)
    {
        out.push((
            format!("{folder}/{stem}.acknowledgements.csv"),
            format!(
                "code,sheet,row,column,value,explanation\n\
                 W316,Interventions,{},accommodation_suitable,Y,\"Emergency placement with \
                 foster-carer relatives while a kinship assessment completed; reviewed \
                 weekly by the social worker, who judged it suitable\"\n",
                i + 2
            )
            .into_bytes(),
        ));
    }
    out
}

/// Every sample file: path under `samples/` and bytes.
pub fn samples() -> Vec<(String, Vec<u8>)> {
    let caseload = northshire::caseload();
    let mut out = Vec::new();
    for quarter in northshire::QUARTERS {
        out.extend(export_files(&caseload, quarter));
    }
    out.extend(export_files(&caseload, northshire::PROVISIONAL));
    out.extend(export_files(
        &northshire::corrected(&caseload),
        northshire::CORRECTED,
    ));
    let (sheets, defects) = flawed::flawed(&caseload);
    out.push(("2024-25/flawed-export.xlsx".into(), xlsx::write(&sheets)));
    out.push((
        "2024-25/flawed-export.expected.csv".into(),
        flawed::expected_csv(&defects).into_bytes(),
    ));
    out
}

/// The planted defects as a Markdown table, as `samples/README.md` lists them.
pub fn defects_table(defects: &[flawed::Defect]) -> String {
    let mut s =
        String::from("| rule | sheet | row | column | what is wrong |\n|---|---|---|---|---|\n");
    for d in defects {
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            d.code,
            d.sheet,
            d.row.map_or("-".to_string(), |r| r.to_string()),
            d.column.unwrap_or("-"),
            d.what
        ));
    }
    s
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("samples") => {
            let dir = args
                .get(1)
                .map_or_else(|| workspace().join("samples"), PathBuf::from);
            for (name, bytes) in samples() {
                let path = dir.join(&name);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).expect("create the samples folder");
                }
                std::fs::write(&path, bytes).expect("write a sample");
                println!("wrote {}", dir.join(name).display());
            }
        }
        Some("defects") => {
            let (_, defects) = flawed::flawed(&northshire::caseload());
            print!("{}", defects_table(&defects));
        }
        Some("bench") => bench_command(&args[1..]),
        Some("bench-generate") => {
            let n = args[1].parse().expect("a number of interventions");
            std::fs::write(&args[2], bench::export(n)).expect("write the export");
        }
        Some("bench-stages") => print!("{}", bench::stages(Path::new(&args[1]))),
        Some("bench-chart") => {
            // `bench-chart RESULTS.csv FILE.svg`: the table and chart of measurements made.
            let text = std::fs::read_to_string(&args[1]).expect("read the results");
            let results = bench::from_csv(&text);
            print!("{}", bench::table(&results));
            std::fs::write(&args[2], bench::chart(&results)).expect("write the chart");
        }
        Some("bench-floor") => println!("{}", bench::floor(Path::new(&args[1]))),
        Some("bench-range") => println!("{}", bench::range(Path::new(&args[1]))),
        Some("bench-pandas") => pandas::bench_command(&workspace(), &args[1..]),
        Some("bench-explain") => bench_explain::command(&workspace(), &args[1..]),
        Some("dist") => {
            let options = dist::options(&workspace(), &args[1..]);
            for zip in dist::run(&workspace(), &options) {
                println!("wrote {}", zip.display());
            }
        }
        Some("web") => {
            let options = web::options(&workspace(), &args[1..]);
            web::run(&workspace(), &options);
        }
        Some("pandas-check") => {
            if !pandas::check_command(&workspace(), &args[1..]) {
                std::process::exit(1);
            }
        }
        _ => {
            eprintln!(
                "usage: cargo run -p xtask -- samples [DIR] | defects\n       \
                 cargo run -p xtask --release -- bench [--sizes 10000,50000,200000] [--rounds 5] [--dir DIR] [--chart FILE.svg]\n       \
                 cargo run -p xtask --release -- bench-chart RESULTS.csv FILE.svg\n       \
                 cargo run -p xtask --release -- bench-explain [--sizes 50000,200000] [--rounds 3] [--dir DIR] [--tool PATH]\n       \
                 cargo run -p xtask --release -- bench-pandas [--sizes 10000,50000,200000] [--engines calamine,openpyxl] [--openpyxl-rounds R] [--dir DIR]\n       \
                 cargo run -p xtask --release -- pandas-check [EXPORT PERIOD]...\n       \
                 cargo xtask dist [--version vX.Y.Z] [--out DIR] [--target TRIPLE]... [--binary PLATFORM=PATH]...\n       \
                 cargo xtask web [--out DIR]"
            );
            std::process::exit(2);
        }
    }
}

/// `bench [--sizes N,N,...] [--rounds R] [--dir DIR] [--chart FILE.svg]`.
fn bench_command(args: &[String]) {
    let mut sizes = vec![10_000, 50_000, 200_000];
    let mut rounds = 5;
    let mut dir = workspace().join("target/bench");
    let mut chart = None;
    for (flag, value) in bench::options(args) {
        match flag {
            "--sizes" => sizes = bench::sizes(value),
            "--rounds" => rounds = value.parse().expect("a number of rounds"),
            "--dir" => dir = PathBuf::from(value),
            "--chart" => chart = Some(PathBuf::from(value)),
            other => panic!("unknown option {other}"),
        }
    }
    let tool = bench::tool(&workspace());
    let results = bench::run(&dir, &sizes, rounds, &tool);
    std::fs::write(dir.join("results.csv"), bench::csv(&results)).expect("write results.csv");
    print!("{}", bench::table(&results));
    println!("\nEvery measurement: {}", dir.join("results.csv").display());
    if let Some(path) = chart {
        std::fs::write(&path, bench::chart(&results)).expect("write the chart");
        println!("Chart: {}", path.display());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_samples_are_what_the_generator_writes() {
        let dir = workspace().join("samples");
        for (name, bytes) in samples() {
            let committed = std::fs::read(dir.join(&name)).unwrap_or_default();
            assert!(
                committed == bytes,
                "samples/{name} differs from the generator's output: \
                 run `cargo run -p xtask -- samples` and commit the result"
            );
        }
    }

    #[test]
    fn samples_readme_lists_every_planted_defect() {
        let (_, defects) = flawed::flawed(&northshire::caseload());
        let readme = std::fs::read_to_string(workspace().join("samples/README.md")).unwrap();
        assert!(
            readme.ends_with(&defects_table(&defects)),
            "samples/README.md must end with the defects table the generator prints \
             (`cargo run -p xtask -- defects`)"
        );
    }

    #[test]
    fn the_flawed_export_plants_at_least_twenty_different_defects() {
        let (_, defects) = flawed::flawed(&northshire::caseload());
        let codes: std::collections::BTreeSet<_> = defects.iter().map(|d| d.code).collect();
        assert!(codes.len() >= 20, "{codes:?}");
    }
}
