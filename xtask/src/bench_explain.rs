//! `cargo run -p xtask --release -- bench-explain`: what `explain` of every measure costs
//! against `build` of the same export (issue 20's goal: at most twice). For each size, paired
//! rounds of, as separate processes: `build`, `explain --format json` (every measure, its
//! output thrown away) and `explain --out` (every measure into the workbook). Ratios are the
//! medians of each round's own ratio.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::bench::{self, Cost, PERIOD};

/// The steps of a round, in order.
const STEPS: [&str; 3] = ["build", "explain --format json", "explain --out"];

/// `bench-explain [--sizes N,N] [--rounds R] [--dir DIR] [--tool PATH]`.
pub fn command(workspace: &Path, args: &[String]) {
    let mut sizes = vec![50_000, 200_000];
    let mut rounds = 3;
    let mut dir = workspace.join("target/bench");
    let mut tool: Option<PathBuf> = None;
    for (flag, value) in bench::options(args) {
        match flag {
            "--sizes" => sizes = bench::sizes(value),
            "--rounds" => rounds = value.parse().expect("a number of rounds"),
            "--dir" => dir = PathBuf::from(value),
            "--tool" => tool = Some(PathBuf::from(value)),
            other => panic!("unknown option {other}"),
        }
    }
    let tool = tool.unwrap_or_else(|| bench::tool(workspace));
    println!(
        "| interventions | `build` | `explain --format json` | `explain --out` | json / build, CPU | out / build, CPU |\n\
         |---|---|---|---|---|---|"
    );
    for n in sizes {
        let file = bench::generated(&dir, n);
        let costs: Vec<[Cost; 3]> = (0..rounds).map(|_| round(&tool, &file, &dir)).collect();
        let median = |f: &dyn Fn(&[Cost; 3]) -> f64| bench::median(costs.iter().map(f).collect());
        let shown = |i: usize| {
            format!(
                "{:.2} s, {:.0} MB",
                median(&|c| c[i].cpu),
                median(&|c| c[i].rss as f64) / 1e6
            )
        };
        println!(
            "| {} | {} | {} | {} | {:.2} | {:.2} |",
            bench::thousands(n),
            shown(0),
            shown(1),
            shown(2),
            median(&|c| c[1].cpu / c[0].cpu),
            median(&|c| c[2].cpu / c[0].cpu),
        );
    }
}

/// One round: the three steps on one export.
fn round(tool: &Path, file: &Path, dir: &Path) -> [Cost; 3] {
    let out = dir.join("explain-return");
    let book = dir.join("explain.xlsx");
    let run = |verb: &str, extra: &[&str]| {
        let mut c = Command::new(tool);
        c.arg(verb).arg(file).args(["--period", PERIOD]).args(extra);
        c
    };
    let cost = [
        bench::measure_into(
            run(
                "build",
                &["--force", "--generated-at", "2024-10-21T09:30:00Z", "--out"],
            )
            .arg(&out),
            Stdio::null(),
        ),
        bench::measure_into(&mut run("explain", &["--format", "json"]), Stdio::null()),
        bench::measure_into(
            run("explain", &["--force", "--out"]).arg(&book),
            Stdio::null(),
        ),
    ];
    eprintln!(
        "{}: {}",
        file.display(),
        STEPS
            .iter()
            .zip(&cost)
            .map(|(s, c)| format!("{s} {:.2} s {:.0} MB", c.cpu, c.rss as f64 / 1e6))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = std::fs::remove_dir_all(&out);
    let _ = std::fs::remove_file(&book);
    cost
}
