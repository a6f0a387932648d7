//! `cargo run -p xtask --release -- bench`: how fast `yjb-return` is, and how much memory it
//! takes, against calamine reading the same file.
//!
//! For each size it generates a realistic export (the Northshire caseload grown to that many
//! interventions, written the way the 2024-25 Q2 sample is, validating with no errors), then
//! runs, as separate processes, several rounds of:
//! - the floor: calamine streaming every cell of every sheet and doing nothing with it;
//! - calamine's `worksheet_range` of every sheet (the memory reference);
//! - `yjb-return validate`, `yjb-return build` and `yjb-return validate --report`.
//!
//! Each process is measured by the kernel (`wait4`): CPU time (user + system) and peak
//! resident memory. Ratios are taken within a round (paired runs) and their median is
//! printed, so a machine busy with something else skews both sides of a ratio alike. Nothing
//! asserts a time: machines differ.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::northshire::{self, Size};

pub const PERIOD: &str = "2024-25 Q2";
const EXTRACT: &str = "2024-10-18";

/// What one process cost.
#[derive(Debug, Clone, Copy, Default)]
pub struct Cost {
    /// User plus system CPU time, seconds.
    pub cpu: f64,
    /// Peak resident memory, bytes.
    pub rss: u64,
}

/// The commands measured, in the order each round runs them.
pub const STEPS: [&str; 5] = ["floor", "range", "validate", "build", "report"];

/// One size's measurements: `costs[round][step]`.
pub struct Measured {
    pub interventions: usize,
    pub file_bytes: u64,
    pub costs: Vec<[Cost; 5]>,
}

impl Measured {
    fn median(&self, f: impl Fn(&[Cost; 5]) -> f64) -> f64 {
        median(self.costs.iter().map(f).collect())
    }

    /// Median CPU seconds of a step.
    pub fn cpu(&self, step: usize) -> f64 {
        self.median(|c| c[step].cpu)
    }

    /// Median peak memory of a step, bytes.
    pub fn rss(&self, step: usize) -> f64 {
        self.median(|c| c[step].rss as f64)
    }

    /// Median over rounds of step `a`'s CPU time over step `b`'s.
    pub fn cpu_ratio(&self, a: usize, b: usize) -> f64 {
        self.median(|c| c[a].cpu / c[b].cpu)
    }

    pub fn rss_ratio(&self, a: usize, b: usize) -> f64 {
        self.median(|c| c[a].rss as f64 / c[b].rss as f64)
    }
}

/// The middle value (the mean of the two middle ones when there is an even number).
pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// The export the benchmark reads: `interventions` of them started by the Q2 extract date.
pub fn export(interventions: usize) -> Vec<u8> {
    let extract = northshire::d(EXTRACT);
    let caseload = northshire::caseload_of(Size::Interventions(interventions, extract));
    let sheets = northshire::snapshot(&caseload, extract, northshire::style("q2-export"));
    crate::xlsx::write(&sheets)
}

/// `xtask bench-floor FILE`: calamine's bare streaming read of every sheet.
pub fn floor(path: &Path) -> usize {
    floor_of(std::fs::read(path).expect("read the export"))
}

fn floor_of(bytes: Vec<u8>) -> usize {
    use calamine::{DataType, Reader, Xlsx};
    let mut xlsx = Xlsx::new(std::io::Cursor::new(bytes)).expect("open the export");
    let mut cells = 0;
    for name in xlsx.sheet_names() {
        let mut reader = xlsx.worksheet_cells_reader(&name).expect("a sheet");
        while let Some(cell) = reader.next_cell().expect("a cell") {
            cells += usize::from(!cell.get_value().is_empty());
        }
    }
    cells
}

/// `xtask bench-range FILE`: every sheet materialised with `worksheet_range`, all held at once.
pub fn range(path: &Path) -> usize {
    use calamine::{Reader, Xlsx};
    let bytes = std::fs::read(path).expect("read the export");
    let mut xlsx = Xlsx::new(std::io::Cursor::new(bytes)).expect("open the export");
    let ranges: Vec<_> = xlsx
        .sheet_names()
        .iter()
        .map(|name| xlsx.worksheet_range(name).expect("a sheet"))
        .collect();
    ranges.iter().map(|r| r.used_cells().count()).sum()
}

/// This thread's CPU time so far.
fn thread_cpu() -> std::time::Duration {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec, which `t` is.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    std::time::Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

/// `xtask bench-stages FILE`: where `build`'s time goes, stage by stage, in one process
/// (CPU time of each stage, best of three).
pub fn stages(path: &Path) -> String {
    use std::time::Duration;
    use yjb_return::definitions::{Definitions, Source};
    use yjb_return::export::workbook;
    use yjb_return::validate::{Cells, Options, validate_file};
    let bytes = std::fs::read(path).expect("read the export");
    let period = PERIOD.parse().expect("a period");
    let time = |f: &mut dyn FnMut()| {
        (0..3)
            .map(|_| {
                let t = thread_cpu();
                f();
                thread_cpu() - t
            })
            .min()
            .unwrap_or(Duration::ZERO)
    };
    let defs_time = time(&mut || {
        Definitions::for_period(&Source::Embedded, period).expect("definitions");
    });
    let defs = Definitions::for_period(&Source::Embedded, period).expect("definitions");
    let open = time(&mut || {
        workbook::open(&bytes).expect("open");
    });
    let floor = time(&mut || {
        floor_of(bytes.clone());
    });
    let stream = time(&mut || {
        let mut book = workbook::open(&bytes).expect("open");
        for i in 0..book.sheet_names().len() {
            book.rows(i, &mut |_, _| {}).expect("rows");
        }
    });
    let options = Options {
        period: Some(period),
        provisional: false,
        ..Default::default()
    };
    let validate = time(&mut || {
        validate_file(&bytes, &defs, &options, Cells::Drop).expect("validate");
    });
    let v = validate_file(&bytes, &defs, &options, Cells::Drop).expect("validate");
    let typed = time(&mut || {
        v.export().expect("typed records");
    });
    let export = v.export().expect("typed records");
    let request = yjb_return::write::Request {
        period,
        provisional: false,
        generated_at: yjb_return::date::Timestamp::parse("2024-10-21T09:30:00Z").expect("time"),
        input_path: "export.xlsx".into(),
        input_sha256: v.sha256.clone(),
        input_bytes: bytes.len() as u64,
        acknowledged: &[],
    };
    let built = time(&mut || {
        yjb_return::write::build(&export, &defs, &request).expect("build");
    });
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    format!(
        "load definitions {:.0} ms\nopen (hash, zip checks, shared strings) {:.0} ms\n\
         the floor: calamine streaming every cell {:.0} ms\n\
         stream every row, doing nothing {:.0} ms\nvalidate (open, stream, type, check) {:.0} ms\n\
         typed records {:.0} ms\ncount and write the return {:.0} ms\n",
        ms(defs_time),
        ms(open),
        ms(floor),
        ms(stream),
        ms(validate),
        ms(typed),
        ms(built)
    )
}

/// Runs `cmd` to completion and returns what it cost; panics unless it exits with status 0.
fn measure(cmd: &mut Command) -> Cost {
    measure_into(cmd, std::process::Stdio::null())
}

/// [`measure`], with the command's standard output sent to `stdout`.
// The child is reaped by `wait4`, which also gives its resource usage, not by `Child::wait`.
#[allow(clippy::zombie_processes)]
pub fn measure_into(cmd: &mut Command, stdout: std::process::Stdio) -> Cost {
    let child = cmd
        .stdout(stdout)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: `rusage` is plain data that wait4 fills in; the child is ours and not yet reaped.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4 failed for {cmd:?}");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{cmd:?} failed (status {status})"
    );
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Cost {
        cpu: seconds(usage.ru_utime) + seconds(usage.ru_stime),
        // Linux reports kilobytes.
        rss: usage.ru_maxrss as u64 * 1024,
    }
}

/// A command's options, `--flag value` each, in order.
pub fn options(args: &[String]) -> Vec<(&str, &str)> {
    args.chunks(2)
        .map(|pair| match pair {
            [flag, value] => (flag.as_str(), value.as_str()),
            _ => panic!("{} needs a value", pair.concat()),
        })
        .collect()
}

/// `--sizes 10000,50_000`: numbers of interventions.
pub fn sizes(list: &str) -> Vec<usize> {
    list.split(',')
        .map(|n| {
            n.replace('_', "")
                .parse()
                .expect("a number of interventions")
        })
        .collect()
}

/// The benchmark's export of `n` interventions under `dir`, generated unless it is there.
pub fn generated(dir: &Path, n: usize) -> PathBuf {
    std::fs::create_dir_all(dir).expect("create the bench folder");
    let file = dir.join(format!("export-{n}.xlsx"));
    if !file.exists() {
        // In a child process: the kernel counts a parent's memory at the time it spawns a
        // child into that child's peak, so the measuring process must stay small.
        eprintln!("generating {} ...", file.display());
        let status = Command::new(std::env::current_exe().expect("the xtask binary"))
            .arg("bench-generate")
            .arg(n.to_string())
            .arg(&file)
            .status()
            .expect("run the generator");
        assert!(status.success(), "generating {} failed", file.display());
    }
    file
}

/// Generates (or reuses) the export of each size under `dir` and measures every step `rounds`
/// times.
pub fn run(dir: &Path, sizes: &[usize], rounds: usize, tool: &Path) -> Vec<Measured> {
    let me = std::env::current_exe().expect("the xtask binary");
    let mut all = Vec::new();
    for &n in sizes {
        let file = generated(dir, n);
        let file_bytes = std::fs::metadata(&file).expect("the export").len();
        let out = dir.join("return");
        let report = dir.join("report.xlsx");
        let yjb = |args: &[&str]| {
            let mut c = Command::new(tool);
            c.arg(args[0])
                .arg(&file)
                .args(["--period", PERIOD])
                .args(&args[1..]);
            c
        };
        let mut costs = Vec::new();
        for round in 0..rounds {
            let _ = std::fs::remove_file(&report);
            let cost = [
                measure(Command::new(&me).arg("bench-floor").arg(&file)),
                measure(Command::new(&me).arg("bench-range").arg(&file)),
                measure(&mut yjb(&["validate"])),
                measure(
                    yjb(&["build", "--force", "--generated-at", "2024-10-21T09:30:00Z"])
                        .arg("--out")
                        .arg(&out),
                ),
                measure(yjb(&["validate", "--report"]).arg(&report)),
            ];
            eprintln!(
                "{n} interventions, round {}: {}",
                round + 1,
                STEPS
                    .iter()
                    .zip(&cost)
                    .map(|(s, c)| format!("{s} {:.2} s {:.0} MB", c.cpu, c.rss as f64 / 1e6))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            costs.push(cost);
        }
        let _ = std::fs::remove_dir_all(&out);
        let _ = std::fs::remove_file(&report);
        all.push(Measured {
            interventions: n,
            file_bytes,
            costs,
        });
    }
    all
}

/// The results as a Markdown table, the form README's performance section shows.
pub fn table(results: &[Measured]) -> String {
    let mut s = String::from(
        "| interventions | file | calamine stream (floor) | calamine `worksheet_range` | `validate` | `build` | `validate --report` | build / floor, CPU | build / range, memory | report / range, memory |\n\
         |---|---|---|---|---|---|---|---|---|---|\n",
    );
    for m in results {
        let step = |i: usize| format!("{:.2} s, {:.0} MB", m.cpu(i), m.rss(i) / 1e6);
        s.push_str(&format!(
            "| {} | {:.1} MB | {} | {} | {} | {} | {} | {:.2} | {:.2} | {:.2} |\n",
            thousands(m.interventions),
            m.file_bytes as f64 / 1e6,
            step(0),
            step(1),
            step(2),
            step(3),
            step(4),
            m.cpu_ratio(3, 0),
            m.rss_ratio(3, 1),
            m.rss_ratio(4, 1),
        ));
    }
    s
}

/// Every measurement, one line per round and step.
pub fn csv(results: &[Measured]) -> String {
    let mut s = String::from("interventions,file_bytes,round,step,cpu_seconds,peak_rss_bytes\n");
    for m in results {
        for (round, costs) in m.costs.iter().enumerate() {
            for (step, c) in STEPS.iter().zip(costs) {
                s.push_str(&format!(
                    "{},{},{},{step},{:.3},{}\n",
                    m.interventions,
                    m.file_bytes,
                    round + 1,
                    c.cpu,
                    c.rss
                ));
            }
        }
    }
    s
}

/// A chart of CPU time and peak memory against interventions, one line per step, as SVG.
pub fn chart(results: &[Measured]) -> String {
    const COLOURS: [&str; 5] = ["#888888", "#b07aa1", "#4e79a7", "#e15759", "#f28e2b"];
    const LABELS: [&str; 5] = [
        "calamine stream (floor)",
        "calamine worksheet_range",
        "validate",
        "build",
        "validate --report",
    ];
    let (w, h) = (900.0, 420.0);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
         viewBox=\"0 0 {w} {h}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect width=\"{w}\" height=\"{h}\" fill=\"white\"/>\n"
    );
    let max_n = nice_ceiling(results.iter().map(|m| m.interventions).max().unwrap_or(1) as f64);
    type Panel = (&'static str, &'static str, fn(&Measured, usize) -> f64);
    let panels: [Panel; 2] = [
        ("CPU time", "s", |m, i| m.cpu(i)),
        ("Peak memory", "MB", |m, i| m.rss(i) / 1e6),
    ];
    for (p, (title, unit, value)) in panels.iter().enumerate() {
        let (x0, y0, pw, ph) = (60.0 + p as f64 * 440.0, 40.0, 360.0, 260.0);
        let max_v = results
            .iter()
            .flat_map(|m| (0..5).map(move |i| value(m, i)))
            .fold(0.0, f64::max);
        let top = nice_ceiling(max_v);
        let x = |n: f64| x0 + n / max_n * pw;
        let y = |v: f64| y0 + ph - v / top * ph;
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"24\" font-size=\"14\" font-weight=\"bold\">{title} ({unit})</text>\n",
            x0
        ));
        for k in 0..=4 {
            let v = top * f64::from(k) / 4.0;
            svg.push_str(&format!(
                "<line x1=\"{x0}\" x2=\"{}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#dddddd\"/>\n\
                 <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\n",
                x0 + pw,
                y(v),
                y(v),
                x0 - 6.0,
                y(v) + 4.0,
                trim_number(v)
            ));
        }
        // Round ticks rather than the sizes measured, which crowd together near 0.
        for k in 0..=4 {
            let n = max_n * f64::from(k) / 4.0;
            svg.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                x(n),
                y0 + ph + 18.0,
                thousands(n as usize)
            ));
        }
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">interventions</text>\n",
            x0 + pw / 2.0,
            y0 + ph + 36.0
        ));
        for (i, colour) in COLOURS.iter().enumerate() {
            let points: Vec<String> = std::iter::once((0.0, 0.0))
                .chain(
                    results
                        .iter()
                        .map(|m| (x(m.interventions as f64), y(value(m, i)))),
                )
                .map(|(px, py)| {
                    if px == 0.0 {
                        format!("{x0:.1},{:.1}", y(0.0))
                    } else {
                        format!("{px:.1},{py:.1}")
                    }
                })
                .collect();
            svg.push_str(&format!(
                "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{}\"/>\n",
                points.join(" ")
            ));
            for m in results {
                svg.push_str(&format!(
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{colour}\"/>\n",
                    x(m.interventions as f64),
                    y(value(m, i))
                ));
            }
        }
    }
    let mut lx = 60.0;
    for (label, colour) in LABELS.iter().zip(COLOURS) {
        svg.push_str(&format!(
            "<rect x=\"{lx}\" y=\"{}\" width=\"14\" height=\"4\" fill=\"{colour}\"/>\n\
             <text x=\"{}\" y=\"{}\">{label}</text>\n",
            h - 34.0,
            lx + 20.0,
            h - 28.0
        ));
        // About seven pixels a character at this size.
        lx += 40.0 + 7.0 * label.len() as f64;
    }
    svg.push_str("</svg>\n");
    svg
}

/// The smallest round number (1, 1.2, 1.6, 2, 3, 4, 5, 6 or 8 times a power of ten) at least
/// `v`, for an axis's top: its quarters are round too.
fn nice_ceiling(v: f64) -> f64 {
    if v <= 0.0 {
        return 1.0;
    }
    let power = 10f64.powf(v.log10().floor());
    [1.0, 1.2, 1.6, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|top| *top >= v)
        .unwrap_or(10.0 * power)
}

fn trim_number(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// The measurements [`csv`] wrote, read back (to chart or tabulate them again).
pub fn from_csv(text: &str) -> Vec<Measured> {
    let mut all: Vec<Measured> = Vec::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let [n, bytes, round, step, cpu, rss] = f.as_slice() else {
            panic!("not a results line: {line}");
        };
        let n: usize = n.parse().expect("interventions");
        let round: usize = round.parse::<usize>().expect("round") - 1;
        let step = STEPS.iter().position(|s| s == step).expect("a step");
        let at = match all.iter().position(|m| m.interventions == n) {
            Some(at) => at,
            None => {
                all.push(Measured {
                    interventions: n,
                    file_bytes: bytes.parse().expect("bytes"),
                    costs: Vec::new(),
                });
                all.len() - 1
            }
        };
        let costs = &mut all[at].costs;
        if costs.len() <= round {
            costs.resize(round + 1, [Cost::default(); 5]);
        }
        costs[round][step] = Cost {
            cpu: cpu.parse().expect("seconds"),
            rss: rss.parse().expect("bytes"),
        };
    }
    all
}

pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// The release binary of the tool, built if needed.
pub fn tool(workspace: &Path) -> PathBuf {
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--release", "--locked", "--bin", "yjb-return"])
        .current_dir(workspace)
        .status()
        .expect("run cargo");
    assert!(status.success(), "cargo build --release failed");
    workspace.join("target/release/yjb-return")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_are_medians_of_paired_rounds() {
        let c = |cpu, rss| Cost { cpu, rss };
        let m = Measured {
            interventions: 10,
            file_bytes: 1,
            costs: vec![
                [c(1.0, 10), c(1.0, 20), c(2.0, 20), c(3.0, 30), c(2.0, 40)],
                [c(2.0, 10), c(1.0, 20), c(2.0, 20), c(4.0, 30), c(2.0, 40)],
                [c(1.0, 10), c(1.0, 20), c(2.0, 20), c(1.5, 30), c(2.0, 40)],
            ],
        };
        // Round ratios 3, 2 and 1.5: the median is 2, not 3 / 1.33 from the medians.
        assert_eq!(m.cpu_ratio(3, 0), 2.0);
        assert_eq!(m.cpu(3), 3.0);
        assert_eq!(m.rss_ratio(3, 1), 1.5);
        assert_eq!(thousands(1_000_000), "1,000,000");
        let back = from_csv(&csv(std::slice::from_ref(&m)));
        assert_eq!(back[0].costs.len(), 3);
        assert_eq!(back[0].cpu_ratio(3, 0), 2.0);
        assert_eq!(back[0].rss(4), 40.0);
        assert_eq!(thousands(950), "950");
        assert_eq!(sizes("10000,50_000"), [10_000, 50_000]);
        let args = ["--sizes", "10", "--dir", "d"].map(String::from);
        assert_eq!(options(&args), [("--sizes", "10"), ("--dir", "d")]);
        assert_eq!(nice_ceiling(3.4), 4.0);
        assert_eq!(nice_ceiling(2641.0), 3000.0);
        assert_eq!(nice_ceiling(1200.0), 1200.0);
        assert_eq!(nice_ceiling(10.0), 10.0);
    }

    #[test]
    fn the_generated_export_validates_cleanly() {
        use yjb_return::definitions::{Definitions, Source};
        use yjb_return::validate::input::validate_bytes;
        use yjb_return::validate::{Cells, Options};
        let bytes = export(600);
        let defs = Definitions::latest(&Source::Embedded).unwrap();
        let options = Options {
            period: Some(PERIOD.parse().unwrap()),
            provisional: false,
            ..Default::default()
        };
        let v = validate_bytes(&bytes, &defs, &options, None, Cells::Drop).unwrap();
        assert!(!v.has_errors(), "{:?}", v.findings);
        let export = v.export().unwrap();
        assert!(
            (600..620).contains(&export.interventions.len()),
            "{}",
            export.interventions.len()
        );
    }
}
