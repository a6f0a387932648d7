//! `xtask pandas-check` and `xtask bench-pandas`: issue 11's comparison with a pandas script
//! (`docs/bench/pandas_return.py`) that computes the return's figures from the same export.
//!
//! The comparison is only fair when both compute the same thing, so every run of the script,
//! timed or not, is held to the tool's `return.json` for the same export and period: a
//! figure that differs (or that the tool does not have) stops everything. Timing pairs each
//! run of the script with a `yjb-return build` of the same file in the same round and reports
//! the median of the rounds' ratios, measured like `bench` (CPU time and peak memory from
//! `wait4`). pandas, python-calamine and openpyxl are not dependencies of the project: without
//! them both commands say so and do nothing else.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::bench::{self, Cost};

/// The Python modules the script needs.
const MODULES: &str = "pandas, python_calamine, openpyxl";

/// The engines `pd.read_excel` is timed with.
pub const ENGINES: [&str; 2] = ["calamine", "openpyxl"];

/// Figures by measure code.
pub type Figures = BTreeMap<String, i64>;

/// Whether `python3` can import pandas and both engines; the reason when it cannot.
pub fn available() -> Result<(), String> {
    let import = format!("import {MODULES}");
    match Command::new("python3").args(["-c", &import]).output() {
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) => Err(format!(
            "python3 cannot import {MODULES} ({}); install them with \
             `pip install pandas python-calamine openpyxl`",
            String::from_utf8_lossy(&o.stderr)
                .lines()
                .last()
                .unwrap_or("no message")
        )),
        Err(e) => Err(format!("python3 cannot be run: {e}")),
    }
}

/// The script's command line for one export, period and engine.
fn script(workspace: &Path, file: &Path, period: &str, engine: &str) -> Command {
    let mut c = Command::new("python3");
    c.arg(workspace.join("docs/bench/pandas_return.py"))
        .arg(file)
        .arg(period)
        .arg(engine);
    c
}

/// The script's output: one JSON object, `{code: integer}`.
pub fn script_figures(json: &str) -> Result<Figures, String> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("the script's output is not JSON: {e}"))?;
    let object = value
        .as_object()
        .ok_or("the script's output is not a JSON object")?;
    object
        .iter()
        .map(|(code, v)| {
            v.as_i64()
                .map(|v| (code.clone(), v))
                .ok_or_else(|| format!("the script's {code} is not an integer: {v}"))
        })
        .collect()
}

/// The figures of a `return.json`: its `measures`, `[{code, value}]`.
pub fn return_figures(json: &str) -> Result<Figures, String> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("return.json is not JSON: {e}"))?;
    let measures = value["measures"]
        .as_array()
        .ok_or("return.json has no list of measures")?;
    measures
        .iter()
        .map(|m| match (m["code"].as_str(), m["value"].as_i64()) {
            (Some(code), Some(v)) => Ok((code.to_string(), v)),
            _ => Err(format!(
                "return.json has a measure without code and value: {m}"
            )),
        })
        .collect()
}

/// Every figure of the script that is not the tool's, one line each (empty when all agree).
/// A figure the tool has and the script does not compute is not a disagreement.
pub fn disagreements(script: &Figures, tool: &Figures) -> Vec<String> {
    script
        .iter()
        .filter(|&(code, v)| tool.get(code) != Some(v))
        .map(|(code, v)| match tool.get(code) {
            Some(t) => format!("{code}: pandas {v}, yjb-return {t}"),
            None => format!("{code}: pandas {v}, not in return.json"),
        })
        .collect()
}

/// Holds the script's output to the tool's return.json; how many figures agreed, or every
/// disagreement.
fn agree(what: &str, script_json: &str, return_json: &str) -> Result<usize, String> {
    let script = script_figures(script_json).map_err(|e| format!("{what}: {e}"))?;
    let tool = return_figures(return_json).map_err(|e| format!("{what}: {e}"))?;
    let differ = disagreements(&script, &tool);
    if script.is_empty() {
        Err(format!("{what}: the script computed no figure"))
    } else if differ.is_empty() {
        Ok(script.len())
    } else {
        Err(format!(
            "{what}: {} of {} figures differ between pandas and yjb-return:\n  {}",
            differ.len(),
            script.len(),
            differ.join("\n  ")
        ))
    }
}

/// Runs the script (untimed) and returns its standard output.
fn run_script(workspace: &Path, file: &Path, period: &str, engine: &str) -> Result<String, String> {
    let out = script(workspace, file, period, engine)
        .output()
        .map_err(|e| format!("python3 cannot be run: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "the pandas script failed on {} ({period}, {engine}):\n{}",
            file.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    String::from_utf8(out.stdout).map_err(|_| "the script's output is not UTF-8".into())
}

/// The sample exports the script is held to, with their periods: every quarter's export of
/// both years, the corrected resubmission, and the provisional export (`true`: built with
/// `--provisional`).
pub fn sample_exports(workspace: &Path) -> Vec<(PathBuf, String, bool)> {
    let mut out = Vec::new();
    for year in ["2023-24", "2024-25"] {
        let dir = workspace.join("samples").join(year);
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.starts_with('q') && n.ends_with(".xlsx") && n.contains("-export"))
            .collect();
        names.sort();
        for name in names {
            let quarter = name.get(1..2).unwrap_or_default();
            let period = format!("{year} Q{quarter}");
            out.push((dir.join(&name), period, name.contains("provisional")));
        }
    }
    out
}

/// `yjb-return build` of `file` for `period` into `out`, as a command.
fn build_command(tool: &Path, file: &Path, period: &str, provisional: bool, out: &Path) -> Command {
    let mut c = Command::new(tool);
    c.arg("build")
        .arg(file)
        .args(["--period", period, "--force", "--generated-at"])
        .arg("2024-10-21T09:30:00Z")
        .arg("--out")
        .arg(out);
    if provisional {
        c.arg("--provisional");
    }
    c
}

/// `xtask pandas-check [EXPORT PERIOD]...`: the script with both engines against `yjb-return
/// build` on each export given, or on every sample. Returns false when any figure differs.
pub fn check_command(workspace: &Path, args: &[String]) -> bool {
    if let Err(why) = available() {
        println!("SKIPPED: the pandas comparison: {why}");
        return true;
    }
    let exports: Vec<(PathBuf, String, bool)> = if args.is_empty() {
        sample_exports(workspace)
    } else {
        args.chunks(2)
            .map(|pair| match pair {
                [file, period] => (PathBuf::from(file), period.clone(), false),
                _ => panic!("give each export with its period: EXPORT PERIOD ..."),
            })
            .collect()
    };
    let tool = bench::tool(workspace);
    let scratch = workspace.join("target/pandas-check");
    let mut ok = true;
    for (file, period, provisional) in &exports {
        let out = scratch.join("return");
        let status = build_command(&tool, file, period, *provisional, &out)
            .stdout(Stdio::null())
            .status()
            .expect("run yjb-return");
        assert!(
            status.success(),
            "yjb-return build failed on {}",
            file.display()
        );
        let built = std::fs::read_to_string(out.join("return.json")).expect("read return.json");
        for engine in ENGINES {
            let what = format!("{} ({period}, {engine})", file.display());
            let result = run_script(workspace, file, period, engine)
                .and_then(|json| agree(&what, &json, &built));
            match result {
                Ok(n) => println!("{what}: all {n} figures equal the tool's"),
                Err(e) => {
                    println!("DIFFERENT: {e}");
                    ok = false;
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    ok
}

/// One size's paired measurements: per round, `build` and each engine timed in that round.
pub struct Paired {
    pub interventions: usize,
    pub file_bytes: u64,
    pub rounds: Vec<Round>,
}

/// One round: `build`, then the script with each engine (absent when not run this round).
pub struct Round {
    pub build: Cost,
    pub engines: [Option<Cost>; 2],
}

impl Paired {
    /// Median over the rounds that ran `engine` of `f`(build, the engine's run).
    fn median_of(&self, engine: usize, f: impl Fn(&Cost, &Cost) -> f64) -> Option<f64> {
        let v: Vec<f64> = self
            .rounds
            .iter()
            .filter_map(|r| r.engines[engine].as_ref().map(|c| f(&r.build, c)))
            .collect();
        (!v.is_empty()).then(|| bench::median(v))
    }

    fn build_median(&self, f: impl Fn(&Cost) -> f64) -> f64 {
        bench::median(self.rounds.iter().map(|r| f(&r.build)).collect())
    }

    /// The engine's median CPU time over `build`'s in the same round.
    pub fn cpu_ratio(&self, engine: usize) -> Option<f64> {
        self.median_of(engine, |b, e| e.cpu / b.cpu)
    }

    pub fn rss_ratio(&self, engine: usize) -> Option<f64> {
        self.median_of(engine, |b, e| e.rss as f64 / b.rss as f64)
    }

    fn rounds_of(&self, engine: usize) -> usize {
        self.rounds
            .iter()
            .filter(|r| r.engines[engine].is_some())
            .count()
    }
}

/// How many rounds each engine runs at `n` interventions: calamine 5 up to 50,000 and 3
/// above; openpyxl, which takes minutes on the largest, 3 up to 10,000 and 1 above.
pub fn rounds(n: usize) -> [usize; 2] {
    [
        if n <= 50_000 { 5 } else { 3 },
        if n <= 10_000 { 3 } else { 1 },
    ]
}

/// `xtask bench-pandas [--sizes N,N] [--engines calamine,openpyxl] [--openpyxl-rounds R]
/// [--dir DIR]`.
pub fn bench_command(workspace: &Path, args: &[String]) {
    let mut sizes = vec![10_000, 50_000, 200_000];
    let mut engines = [true, true];
    let mut dir = workspace.join("target/bench");
    let mut openpyxl_rounds = None;
    for (flag, value) in bench::options(args) {
        match flag {
            "--sizes" => sizes = bench::sizes(value),
            "--engines" => {
                engines = ENGINES.map(|e| value.split(',').any(|v| v == e));
            }
            "--openpyxl-rounds" => {
                openpyxl_rounds = Some(value.parse().expect("a number of rounds"));
            }
            "--dir" => dir = PathBuf::from(value),
            other => panic!("unknown option {other}"),
        }
    }
    if let Err(why) = available() {
        println!("SKIPPED: the pandas comparison: {why}");
        return;
    }
    let tool = bench::tool(workspace);
    let mut all = Vec::new();
    for &n in &sizes {
        let file = bench::generated(&dir, n);
        let [calamine, openpyxl] = rounds(n);
        let planned = [
            if engines[0] { calamine } else { 0 },
            if engines[1] {
                openpyxl_rounds.unwrap_or(openpyxl)
            } else {
                0
            },
        ];
        all.push(measure_size(workspace, &tool, &dir, &file, n, planned));
    }
    std::fs::write(dir.join("pandas.csv"), csv(&all)).expect("write pandas.csv");
    print!("{}", table(&all));
    println!("\nEvery measurement: {}", dir.join("pandas.csv").display());
}

/// The rounds at one size. Every run of the script is held to the return built in its round.
fn measure_size(
    workspace: &Path,
    tool: &Path,
    dir: &Path,
    file: &Path,
    n: usize,
    planned: [usize; 2],
) -> Paired {
    let out = dir.join("return");
    let figures = dir.join("pandas.json");
    let mut paired = Paired {
        interventions: n,
        file_bytes: std::fs::metadata(file).expect("the export").len(),
        rounds: Vec::new(),
    };
    for round in 0..planned.iter().copied().max().unwrap_or(0) {
        let build = bench::measure_into(
            &mut build_command(tool, file, bench::PERIOD, false, &out),
            Stdio::null(),
        );
        let built = std::fs::read_to_string(out.join("return.json")).expect("read return.json");
        let mut costs = [None, None];
        for (e, engine) in ENGINES.iter().enumerate() {
            if round >= planned[e] {
                continue;
            }
            let sink = std::fs::File::create(&figures).expect("create the script's output file");
            let cost = bench::measure_into(
                &mut script(workspace, file, bench::PERIOD, engine),
                Stdio::from(sink),
            );
            let json = std::fs::read_to_string(&figures).expect("read the script's output");
            let what = format!("{} interventions, {engine}", bench::thousands(n));
            match agree(&what, &json, &built) {
                Ok(count) if round == 0 => eprintln!("{what}: all {count} figures agree"),
                Ok(_) => {}
                Err(e) => panic!("DIFFERENT: {e}"),
            }
            costs[e] = Some(cost);
        }
        eprintln!(
            "{n} interventions, round {}: build {}{}",
            round + 1,
            show(&build),
            ENGINES
                .iter()
                .zip(&costs)
                .filter_map(|(e, c)| c.as_ref().map(|c| format!(", pandas + {e} {}", show(c))))
                .collect::<String>()
        );
        paired.rounds.push(Round {
            build,
            engines: costs,
        });
    }
    let _ = std::fs::remove_dir_all(&out);
    let _ = std::fs::remove_file(&figures);
    paired
}

fn show(c: &Cost) -> String {
    format!("{:.2} s, {:.0} MB", c.cpu, c.rss as f64 / 1e6)
}

/// The results as a Markdown table: medians, and the medians of each round's ratios.
pub fn table(results: &[Paired]) -> String {
    let mut s = String::from(
        "| interventions | file | `build` | pandas + python-calamine | pandas + openpyxl | \
         calamine / build, CPU | openpyxl / build, CPU | calamine / build, memory | \
         openpyxl / build, memory |\n|---|---|---|---|---|---|---|---|---|\n",
    );
    let ratio = |r: Option<f64>| r.map_or("-".to_string(), |r| format!("{r:.1}"));
    for m in results {
        let engine = |e: usize| {
            m.median_of(e, |_, c| c.cpu).map_or("-".to_string(), |cpu| {
                let rss = m.median_of(e, |_, c| c.rss as f64).unwrap_or(0.0);
                let n = m.rounds_of(e);
                format!(
                    "{cpu:.2} s, {:.0} MB ({n} round{})",
                    rss / 1e6,
                    if n == 1 { "" } else { "s" }
                )
            })
        };
        s.push_str(&format!(
            "| {} | {:.1} MB | {:.2} s, {:.0} MB | {} | {} | {} | {} | {} | {} |\n",
            bench::thousands(m.interventions),
            m.file_bytes as f64 / 1e6,
            m.build_median(|c| c.cpu),
            m.build_median(|c| c.rss as f64) / 1e6,
            engine(0),
            engine(1),
            ratio(m.cpu_ratio(0)),
            ratio(m.cpu_ratio(1)),
            ratio(m.rss_ratio(0)),
            ratio(m.rss_ratio(1)),
        ));
    }
    s
}

/// Every measurement, one line per round and command.
pub fn csv(results: &[Paired]) -> String {
    let mut s = String::from("interventions,file_bytes,round,step,cpu_seconds,peak_rss_bytes\n");
    for m in results {
        for (i, r) in m.rounds.iter().enumerate() {
            let steps = std::iter::once(("build".to_string(), &r.build)).chain(
                ENGINES
                    .iter()
                    .zip(&r.engines)
                    .filter_map(|(e, c)| c.as_ref().map(|c| (format!("pandas-{e}"), c))),
            );
            for (step, c) in steps {
                s.push_str(&format!(
                    "{},{},{},{step},{:.3},{}\n",
                    m.interventions,
                    m.file_bytes,
                    i + 1,
                    c.cpu,
                    c.rss
                ));
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(pairs: &[(&str, i64)]) -> Figures {
        pairs.iter().map(|(c, v)| (c.to_string(), *v)).collect()
    }

    #[test]
    fn a_figure_that_differs_or_is_missing_is_a_disagreement() {
        let tool = return_figures(
            r#"{"identity": {}, "measures": [{"code": "kpi9.offences", "value": 3},
                {"code": "fte.children", "value": 7}, {"code": "kpi7.meetings", "value": 2}]}"#,
        )
        .unwrap();
        assert_eq!(tool.len(), 3);
        let script =
            script_figures(r#"{"kpi9.offences": 3, "fte.children": 8, "kpi1.x": 0}"#).unwrap();
        assert_eq!(
            disagreements(&script, &tool),
            [
                "fte.children: pandas 8, yjb-return 7",
                "kpi1.x: pandas 0, not in return.json"
            ]
        );
        // A figure only the tool has is not held against the script.
        assert!(disagreements(&figures(&[("kpi9.offences", 3)]), &tool).is_empty());
        assert!(script_figures(r#"{"kpi9.offences": 2.5}"#).is_err());
        assert!(script_figures("[1]").is_err());
        assert!(return_figures(r#"{"measures": [{"code": "a"}]}"#).is_err());
        let err = agree(
            "export.xlsx",
            r#"{"fte.children": 8}"#,
            r#"{"measures": [{"code": "fte.children", "value": 7}]}"#,
        )
        .unwrap_err();
        assert!(err.contains("1 of 1 figures differ"), "{err}");
        assert!(agree("e", "{}", r#"{"measures": []}"#).is_err());
    }

    #[test]
    fn ratios_pair_each_engine_with_the_build_of_its_round() {
        let c = |cpu, rss| Cost { cpu, rss };
        let m = Paired {
            interventions: 10,
            file_bytes: 1,
            rounds: vec![
                Round {
                    build: c(1.0, 10),
                    engines: [Some(c(4.0, 20)), Some(c(30.0, 50))],
                },
                Round {
                    build: c(2.0, 10),
                    engines: [Some(c(4.0, 40)), None],
                },
                Round {
                    build: c(1.0, 20),
                    engines: [Some(c(5.0, 20)), None],
                },
            ],
        };
        // calamine's round ratios are 4, 2 and 5: the median is 4.
        assert_eq!(m.cpu_ratio(0), Some(4.0));
        assert_eq!(m.rss_ratio(0), Some(2.0));
        // openpyxl ran in the first round only, against that round's build.
        assert_eq!(m.cpu_ratio(1), Some(30.0));
        assert_eq!(m.rounds_of(1), 1);
        let t = table(std::slice::from_ref(&m));
        assert!(
            t.contains("| 10 | 0.0 MB | 1.00 s, 0 MB | 4.00 s, 0 MB (3 rounds) | 30.00 s, 0 MB (1 round) | 4.0 | 30.0 | 2.0 | 5.0 |"),
            "{t}"
        );
        let lines = csv(std::slice::from_ref(&m));
        assert_eq!(lines.lines().count(), 1 + 3 + 3 + 1);
        assert!(
            lines.contains("10,1,1,pandas-openpyxl,30.000,50\n"),
            "{lines}"
        );
        assert_eq!(rounds(10_000), [5, 3]);
        assert_eq!(rounds(50_000), [5, 1]);
        assert_eq!(rounds(200_000), [3, 1]);
    }

    #[test]
    fn the_samples_to_check_are_every_quarter_with_its_period() {
        let workspace = crate::workspace();
        let samples = sample_exports(&workspace);
        let names: Vec<String> = samples
            .iter()
            .map(|(f, p, provisional)| {
                let name = f.file_name().unwrap().to_string_lossy().into_owned();
                format!(
                    "{name} {p}{}",
                    if *provisional { " provisional" } else { "" }
                )
            })
            .collect();
        assert_eq!(
            names,
            [
                "q1-export.xlsx 2023-24 Q1",
                "q2-export.xlsx 2023-24 Q2",
                "q3-export.xlsx 2023-24 Q3",
                "q4-export.xlsx 2023-24 Q4",
                "q1-export.xlsx 2024-25 Q1",
                "q2-export.xlsx 2024-25 Q2",
                "q3-export-corrected.xlsx 2024-25 Q3",
                "q3-export.xlsx 2024-25 Q3",
                "q4-export.xlsx 2024-25 Q4",
                "q4-provisional-export.xlsx 2024-25 Q4 provisional",
            ]
        );
    }

    /// The pandas script against the tool on every sample, both engines. pandas is not a
    /// dependency of the project and CI does not install it: without it this test says
    /// SKIPPED and passes.
    #[test]
    fn the_pandas_script_agrees_with_the_tool_on_every_sample() {
        use yjb_return::definitions::{Definitions, Source};
        use yjb_return::validate::input::validate_bytes;
        use yjb_return::validate::{Cells, Options};
        if let Err(why) = available() {
            eprintln!("SKIPPED the_pandas_script_agrees_with_the_tool_on_every_sample: {why}");
            return;
        }
        let workspace = crate::workspace();
        for (file, period_text, provisional) in sample_exports(&workspace) {
            let period = period_text.parse().unwrap();
            let bytes = std::fs::read(&file).unwrap();
            let defs = Definitions::for_period(&Source::Embedded, period).unwrap();
            let options = Options {
                period: Some(period),
                provisional,
                ..Default::default()
            };
            let v = validate_bytes(&bytes, &defs, &options, None, Cells::Drop).unwrap();
            assert!(!v.has_errors(), "{}: {:?}", file.display(), v.findings);
            let request = yjb_return::write::Request {
                period,
                provisional,
                generated_at: yjb_return::date::Timestamp::parse("2024-10-21T09:30:00Z").unwrap(),
                input_path: "export.xlsx".into(),
                input_sha256: v.sha256.clone(),
                input_bytes: bytes.len() as u64,
                acknowledged: &[],
            };
            let built = yjb_return::write::build(&v.export().unwrap(), &defs, &request).unwrap();
            let return_json = String::from_utf8(built.file("return.json").unwrap().to_vec());
            for engine in ENGINES {
                let what = format!("{} ({period_text}, {engine})", file.display());
                let json = run_script(&workspace, &file, &period_text, engine).unwrap();
                let n = agree(&what, &json, return_json.as_ref().unwrap())
                    .unwrap_or_else(|e| panic!("{e}"));
                assert!(n >= 151, "{what}: only {n} figures");
            }
        }
    }
}
