//! Shared helpers of the integration tests: a small clean export written as a real .xlsx.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

/// The program under test, ready for arguments. By default the `yjb-return` cargo built
/// beside these tests; `YJB_RETURN_EXE` names another build of it instead (CI: the Windows
/// `.exe`), run through `YJB_RETURN_RUNNER` when that is set (CI: Wine's `wine64`). The same
/// test binary thus drives the Windows build; `program_is_windows` tells a test which it has.
pub fn program() -> std::process::Command {
    let Some(exe) = std::env::var_os("YJB_RETURN_EXE") else {
        return std::process::Command::new(assert_cmd::cargo::cargo_bin("yjb-return"));
    };
    record_foreign_run();
    match std::env::var_os("YJB_RETURN_RUNNER") {
        Some(runner) => {
            let mut c = std::process::Command::new(runner);
            c.arg(exe);
            c
        }
        None => std::process::Command::new(exe),
    }
}

pub fn yjb() -> assert_cmd::Command {
    assert_cmd::Command::from_std(program())
}

/// The output of the program run with `args`. Under Wine, a run that Wine itself fails to
/// serve (its client prints `wine client error:...` when a request to its server is lost, seen
/// on a loaded machine, the program never involved) is run again, up to twice: the output is
/// then the program's, not Wine's.
pub fn steady_output(args: &[&str]) -> std::process::Output {
    let mut out = yjb().args(args).output().unwrap();
    for _ in 0..2 {
        let wine_failed = program_is_windows()
            && String::from_utf8_lossy(&out.stderr).contains("wine client error:");
        if !wine_failed {
            break;
        }
        out = yjb().args(args).output().unwrap();
    }
    out
}

/// Whether the program under test is a Windows build (`YJB_RETURN_EXE` ending in `.exe`).
pub fn program_is_windows() -> bool {
    std::env::var_os("YJB_RETURN_EXE")
        .is_some_and(|exe| exe.to_string_lossy().to_ascii_lowercase().ends_with(".exe"))
}

/// `path` (written with `/`) as a user of the program under test types it, and as the program
/// prints the paths it makes: with `\` for a Windows build.
pub fn native(path: &str) -> String {
    if program_is_windows() {
        path.replace('/', "\\")
    } else {
        path.to_string()
    }
}

/// The path separator of the program under test: `\` for a Windows build.
pub fn separator() -> char {
    if program_is_windows() { '\\' } else { '/' }
}

/// A path the program under test printed, as this test (on Linux) can open it: a Windows
/// build's `Z:\tmp\x` (Wine's drive Z: is `/`) or `\tmp\x` is `/tmp/x`.
pub fn host_path(printed: &str) -> PathBuf {
    if !program_is_windows() {
        return PathBuf::from(printed);
    }
    let rest = printed
        .strip_prefix("Z:")
        .or_else(|| printed.strip_prefix("z:"))
        .unwrap_or(printed);
    PathBuf::from(rest.replace('\\', "/"))
}

/// Notes in `YJB_RETURN_RUNS_LOG` (when set) that the running test ran the other program:
/// CI counts the distinct names to say how many tests ran against the Windows build. Each
/// test runs on a thread named after it; one short append per line is whole even with tests
/// running at once.
fn record_foreign_run() {
    use std::io::Write as _;
    let Some(log) = std::env::var_os("YJB_RETURN_RUNS_LOG") else {
        return;
    };
    let name = std::thread::current()
        .name()
        .unwrap_or("unnamed")
        .to_string();
    if let Ok(mut file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
    {
        let _ = file.write_all(format!("{name}\n").as_bytes());
    }
}

/// Whether `test` cannot run against the program under test because it is a Windows build
/// (`why` says what it needs: a Unix signal, a Linux tool reading the program's work as it
/// runs...). Such a test then says on the process's stderr that it skipped and why, and CI's
/// log shows every such line; the caller returns at once.
pub fn not_on_windows(test: &str, why: &str) -> bool {
    use std::io::Write as _;
    if !program_is_windows() {
        return false;
    }
    let _ = writeln!(std::io::stderr(), "\nSKIPPED on Windows {test}: {why}\n");
    true
}

/// Why a test of links skips against the Windows build under Wine: Wine shows a Windows
/// program no link at all. A Unix symlink is seen as what it leads to (a folder, a file, or
/// nothing), and Wine 8 cannot make a Windows one (its `mklink` does nothing). On Windows the
/// tool sees a symbolic link or a junction as a link, as it sees a symlink on Linux.
pub const NO_LINKS_UNDER_WINE: &str = "Wine shows a Windows program no link (a Unix symlink is \
     seen as what it leads to, and Wine 8 makes no Windows link: its mklink does nothing); on \
     Windows a symbolic link or junction is a link to the tool, as a symlink is on Linux";

/// The 2024-25 samples (the flawed export is here).
pub fn samples() -> PathBuf {
    samples_of("2024-25")
}

/// The samples of one financial year, `2023-24` or `2024-25`.
pub fn samples_of(year: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(year)
}

/// The financial years the samples cover, oldest first.
pub const SAMPLE_YEARS: [&str; 2] = ["2023-24", "2024-25"];

/// A sheet: name, headers, rows of cells written as text (`d:2024-01-01` is a date cell,
/// `n:12` a number, `b:true` a boolean, anything else text; empty is no cell).
pub struct Sheet {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

pub fn sheet(name: &str, headers: &str, rows: &[&str]) -> Sheet {
    Sheet {
        name: name.into(),
        headers: headers.split('|').map(str::to_string).collect(),
        rows: rows
            .iter()
            .map(|r| r.split('|').map(str::to_string).collect())
            .collect(),
    }
}

const END: &str = "PARENTS|Y|SCHOOL_FT|Y|n:20|n:15|N||N|||N|||N|N|N|N";
const IV: &str = "intervention_id|child_id|intervention_type|start_date|end_date|release_date|ooc_outcome|accommodation_type|accommodation_suitable|ete_status|ete_suitable|ete_hours_offered|ete_hours_attended|send_identified|send_plan|mh_need|mh_planned|mh_attended|sm_need|sm_planned|sm_attended|early_help|child_protection|child_in_need|looked_after";

/// A clean export: passes every rule.
pub fn clean() -> Vec<Sheet> {
    let i1 = format!("I1|C1|RO|d:2024-01-10|d:2024-08-20|||{END}");
    let i2 = format!("I2|n:2|DIV|d:2024-06-01|1/9/2024||COMPLETED|{END}");
    let i3 = format!("I3|n:2|CUST|2024-02-01||d:2024-08-01||{END}");
    vec![
        sheet(
            "Service",
            "yjs_code|yjs_name|nation|population_10_17|extract_date",
            &["NSH01|Northshire|ENGLAND|n:48210|d:2024-10-18"],
        ),
        sheet(
            "Children",
            "Child ID|DOB|sex|ethnicity",
            &["C1|d:2008-05-01|M|white", "n:2|d:2010-01-15|F|BLACK"],
        ),
        sheet("Interventions", IV, &[&i1, &i2, &i3]),
        sheet(
            "Offences",
            "offence_id|child_id|offence_date|outcome_date|outcome_type|offence_category|gravity_score|custodial",
            &[
                "O1|C1|d:2023-12-01|d:2024-01-10|CONVICTION|VIOLENCE|n:5|b:false",
                "O2|n:2|d:2024-05-01|d:2024-06-01|YC|THEFT|n:2|",
            ],
        ),
        sheet(
            "Victims",
            "victim_id|intervention_id|contact_date|consented|rj_engaged|views_sought|progress_requested|progress_provided|services_requested|services_provided",
            &[
                "V1|I1|d:2024-02-01|Y|Y|Y|Y|Y|Y|N",
                "V2|I2|d:2024-06-10|N||||||",
            ],
        ),
        sheet(
            "BoardAttendance",
            "meeting_date|partner|attended|senior|disproportionality_data",
            &[
                "d:2024-07-15|POLICE|Y|Y|N",
                "d:2024-07-15|PROBATION|Y|N|Y",
                "d:2024-07-15|SOCIAL_CARE|N||N",
                "d:2024-07-15|EDUCATION|Y|Y|N",
                "d:2024-07-15|HEALTH|Y|Y|N",
            ],
        ),
    ]
}

/// Sets one cell of a sheet (data row `index`, 0-based) to `value`.
pub fn set(sheets: &mut [Sheet], name: &str, index: usize, column: &str, value: &str) {
    let s = sheets.iter_mut().find(|s| s.name == name).unwrap();
    let col = s.headers.iter().position(|h| h == column).unwrap();
    let row = &mut s.rows[index];
    if row.len() <= col {
        row.resize(col + 1, String::new());
    }
    row[col] = value.into();
}

pub fn write_xlsx(sheets: &[Sheet], path: &Path) {
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    for s in sheets {
        let ws = wb.add_worksheet().set_name(&s.name).unwrap();
        for (c, h) in s.headers.iter().enumerate() {
            ws.write_string(0, c as u16, h).unwrap();
        }
        for (r, row) in s.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, v) in row.iter().enumerate() {
                let c = c as u16;
                if v.is_empty() {
                    continue;
                } else if let Some(d) = v.strip_prefix("d:") {
                    let dt = ExcelDateTime::parse_from_str(d).unwrap();
                    ws.write_datetime_with_format(r, c, &dt, &date).unwrap();
                } else if let Some(n) = v.strip_prefix("n:") {
                    ws.write_number(r, c, n.parse::<f64>().unwrap()).unwrap();
                } else if let Some(b) = v.strip_prefix("b:") {
                    ws.write_boolean(r, c, b == "true").unwrap();
                } else {
                    ws.write_string(r, c, v).unwrap();
                }
            }
        }
    }
    wb.save(path).unwrap();
}

/// Builds a sample quarter (1-4) of 2024-25 into `dir`, asserting success; extra arguments
/// (a fixed `--generated-at`, say) are passed on.
pub fn build_sample(q: u8, dir: &Path, extra: &[&str]) {
    build_year_sample("2024-25", q, dir, extra);
}

/// Builds quarter `q` of a sample year (`2023-24` or `2024-25`) into `dir`, asserting success.
pub fn build_year_sample(year: &str, q: u8, dir: &Path, extra: &[&str]) {
    let out = yjb()
        .current_dir(samples_of(year))
        .args(["build", &format!("q{q}-export.xlsx"), "--period"])
        .arg(format!("{year} Q{q}"))
        .arg("--out")
        .arg(dir)
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "q{q}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Compares `actual` with the snapshot file `tests/snapshots/NAME`, showing the first differing
/// line; `UPDATE_SNAPSHOTS=1` rewrites the file instead.
pub fn assert_snapshot(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no snapshot {}; run UPDATE_SNAPSHOTS=1 cargo test",
            path.display()
        )
    });
    if expected != actual {
        let (line, (e, a)) = expected
            .lines()
            .zip(actual.lines())
            .enumerate()
            .find(|(_, (e, a))| e != a)
            .unwrap_or((
                expected.lines().count().min(actual.lines().count()),
                ("<end>", "<end>"),
            ));
        panic!(
            "{name} differs from its snapshot at line {}:\n  expected: {e}\n  actual:   {a}\n\
             If the change is intended: UPDATE_SNAPSHOTS=1 cargo test",
            line + 1
        );
    }
}

/// Rewrites one part (`xl/sharedStrings.xml`, say) of an xlsx's zip with `edit`, keeping the
/// rest: how the hostile fixtures are made from a real workbook.
pub fn edit_part(bytes: &[u8], part: &str, edit: impl Fn(&str) -> String) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut found = false;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        if name == part {
            let edited = edit(&String::from_utf8(data.clone()).unwrap());
            assert_ne!(edited.as_bytes(), data, "{part} was not changed");
            data = edited.into_bytes();
            found = true;
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    assert!(found, "no part {part}");
    out.finish().unwrap().into_inner()
}

/// The clean export's bytes.
pub fn clean_bytes() -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.xlsx");
    write_xlsx(&clean(), &path);
    std::fs::read(path).unwrap()
}

/// In a worksheet part's XML, replaces the cell `cell` (`B6`) by a number cell holding
/// `value`, as a person typing over it in Excel would.
pub fn set_number(xml: &str, cell: &str, value: &str) -> String {
    let start = xml
        .find(&format!("<c r=\"{cell}\""))
        .unwrap_or_else(|| panic!("no cell {cell}"));
    let rest = &xml[start..];
    let open_end = rest.find('>').unwrap();
    let len = if rest[..open_end].ends_with('/') {
        open_end + 1
    } else {
        rest.find("</c>").unwrap() + "</c>".len()
    };
    format!(
        "{}<c r=\"{cell}\"><v>{value}</v></c>{}",
        &xml[..start],
        &xml[start + len..]
    )
}

/// Runs the binary in `dir`, returning (exit code, stdout, stderr); a crash (a signal, a
/// panic's exit 101) fails the test, and so does output that is not a sentence.
pub fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = yjb().current_dir(dir).args(args).output().unwrap();
    let code = out.status.code().expect("ended by a signal: a crash");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!([0, 1, 2].contains(&code), "exit {code}: {stdout}{stderr}");
    for text in [&stdout, &stderr] {
        for raw in [
            "panicked",
            "RUST_BACKTRACE",
            "os error",
            "zip::",
            "Expecting",
            "XlsxError",
        ] {
            assert!(!text.contains(raw), "library or system wording: {text}");
        }
    }
    (code, stdout, stderr)
}

/// The (code, column) of every finding in a `--format json` report of `validate` or `check`.
pub fn findings(json: &str) -> Vec<(String, String)> {
    let v: serde_json::Value =
        serde_json::from_str(json).unwrap_or_else(|_| panic!("not JSON: {json}"));
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["column"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// Whether `xmllint` (Debian's libxml2-utils) can be run. Without it the XSD tests cannot
/// compare, so `test` fails in CI (`CI` set) and elsewhere passes but says it skipped, on the
/// process's stderr: the harness captures `eprintln!` and shows it only for failing tests,
/// and a skip must be seen in every log.
pub fn xmllint_available(test: &str) -> bool {
    use std::io::Write as _;
    if std::process::Command::new("xmllint")
        .arg("--version")
        .output()
        .is_ok()
    {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{test}: xmllint is required in CI (Debian: apt-get install libxml2-utils)"
    );
    let _ = writeln!(
        std::io::stderr(),
        "\nSKIPPED {test}: xmllint is not installed, so return.xml was not checked against the \
         XSD (Debian: apt-get install libxml2-utils; in CI this fails instead)\n"
    );
    false
}

/// Whether LibreOffice's `soffice` can be run, as [`xmllint_available`] says for xmllint: in CI
/// (`CI` set) its absence fails `test`; elsewhere the test passes but says it skipped.
pub fn soffice_available(test: &str) -> bool {
    use std::io::Write as _;
    if std::process::Command::new("soffice")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{test}: LibreOffice is required in CI (Debian: apt-get install libreoffice-calc)"
    );
    let _ = writeln!(
        std::io::stderr(),
        "\nSKIPPED {test}: LibreOffice (soffice) is not installed, so no workbook was round-tripped \
         through it (Debian: apt-get install libreoffice-calc; in CI this fails instead)\n"
    );
    false
}

/// `file` converted by LibreOffice to `to` (`xlsx`, `pdf`) in `out`, with a profile of its own
/// in `dir` (two conversions at once with one profile fail); the path of what it wrote.
pub fn soffice_convert(file: &Path, to: &str, dir: &Path) -> PathBuf {
    let out_dir = dir.join(format!("converted-{to}"));
    let profile = dir.join("soffice-profile");
    let status = std::process::Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", to, "--outdir"])
        .arg(&out_dir)
        .arg(file)
        .output()
        .unwrap();
    let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
    let written = out_dir.join(format!("{stem}.{to}"));
    assert!(
        written.exists(),
        "soffice wrote nothing: {}{}",
        String::from_utf8_lossy(&status.stdout),
        String::from_utf8_lossy(&status.stderr)
    );
    written
}
