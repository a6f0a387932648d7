//! `cargo xtask dist`: the release zips, one per platform, laid out as users unzip them:
//!
//! ```text
//! yjb-return-v0.2.0-windows-x86_64.zip
//!   yjb-return-v0.2.0-windows-x86_64/
//!     yjb-return.exe        (yjb-return elsewhere, executable)
//!     README.md
//!     samples/...           (every file of samples/)
//! ```
//!
//! The release workflow (`.github/workflows/release.yml`) builds each platform's binary on its
//! own runner, then packages them all with this same code (`--binary NAME=PATH`), so the zips
//! CI tries here and the zips published can only differ in the binaries. Here, without
//! `--binary`, it builds what this machine can: Linux (`x86_64-unknown-linux-musl`, fully
//! static, as published) and Windows (`x86_64-pc-windows-gnu` with MinGW-w64; the workflow
//! builds `x86_64-pc-windows-msvc` on Windows).
//!
//! The zips are deterministic: entries sorted, with the zip format's earliest timestamp.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use zip::write::SimpleFileOptions;

/// The targets built when none is named: what this machine can build.
pub const DEFAULT_TARGETS: [&str; 2] = ["x86_64-unknown-linux-musl", "x86_64-pc-windows-gnu"];

/// The platform name a target's zip carries (the release page's names).
pub fn platform(target: &str) -> Option<&'static str> {
    Some(match target {
        "x86_64-pc-windows-msvc" | "x86_64-pc-windows-gnu" => "windows-x86_64",
        "aarch64-apple-darwin" => "macos-aarch64",
        "x86_64-apple-darwin" => "macos-x86_64",
        "x86_64-unknown-linux-musl" | "x86_64-unknown-linux-gnu" => "linux-x86_64",
        _ => return None,
    })
}

/// The binary's file name on a platform.
pub fn binary_name(platform: &str) -> &'static str {
    if platform.starts_with("windows") {
        "yjb-return.exe"
    } else {
        "yjb-return"
    }
}

/// The folder inside the zip, and the zip's name without `.zip`.
pub fn folder(version: &str, platform: &str) -> String {
    format!("yjb-return-{version}-{platform}")
}

/// What `dist` was asked for.
pub struct Options {
    pub version: String,
    pub out: PathBuf,
    pub targets: Vec<String>,
    /// Binaries built elsewhere, by platform name: package these, build nothing.
    pub binaries: Vec<(String, PathBuf)>,
}

/// `dist [--version vX.Y.Z] [--out DIR] [--target TRIPLE]... [--binary PLATFORM=PATH]...`.
pub fn options(workspace: &Path, args: &[String]) -> Options {
    let mut o = Options {
        version: format!("v{}", yjb_return_version(workspace)),
        out: workspace.join("target/dist"),
        targets: Vec::new(),
        binaries: Vec::new(),
    };
    for (flag, value) in crate::bench::options(args) {
        match flag {
            "--version" => o.version = value.to_string(),
            "--out" => o.out = PathBuf::from(value),
            "--target" => o.targets.push(value.to_string()),
            "--binary" => {
                let (name, path) = value
                    .split_once('=')
                    .expect("--binary PLATFORM=PATH, e.g. windows-x86_64=yjb-return.exe");
                assert!(
                    platform_names().contains(&name),
                    "unknown platform {name}: one of {}",
                    platform_names().join(", ")
                );
                o.binaries.push((name.to_string(), PathBuf::from(path)));
            }
            other => panic!("unknown option {other}"),
        }
    }
    if o.targets.is_empty() && o.binaries.is_empty() {
        o.targets = DEFAULT_TARGETS.iter().map(|t| t.to_string()).collect();
    }
    o
}

fn platform_names() -> [&'static str; 4] {
    [
        "windows-x86_64",
        "macos-aarch64",
        "macos-x86_64",
        "linux-x86_64",
    ]
}

/// The package version in the workspace's Cargo.toml (`version = "0.2.0"`).
fn yjb_return_version(workspace: &Path) -> String {
    let manifest = std::fs::read_to_string(workspace.join("Cargo.toml")).expect("read Cargo.toml");
    manifest
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .expect("a version in Cargo.toml")
        .to_string()
}

/// Builds (unless given) and packages every binary; returns the zips written.
pub fn run(workspace: &Path, o: &Options) -> Vec<PathBuf> {
    let mut binaries = o.binaries.clone();
    for target in &o.targets {
        let name = platform(target).unwrap_or_else(|| panic!("no platform name for {target}"));
        binaries.push((name.to_string(), build(workspace, target)));
    }
    std::fs::create_dir_all(&o.out).expect("create the output folder");
    binaries
        .iter()
        .map(|(name, binary)| {
            let zip = o.out.join(format!("{}.zip", folder(&o.version, name)));
            let bytes = package(workspace, &o.version, name, binary);
            std::fs::write(&zip, bytes).expect("write the zip");
            zip
        })
        .collect()
}

/// `cargo build --release --locked --target TARGET`; returns the binary's path. Windows from
/// Linux links with MinGW-w64's gcc unless a linker is already configured.
fn build(workspace: &Path, target: &str) -> PathBuf {
    let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cargo
        .args([
            "build",
            "--release",
            "--locked",
            "--bin",
            "yjb-return",
            "--target",
        ])
        .arg(target)
        .current_dir(workspace);
    let linker = "CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER";
    if target == "x86_64-pc-windows-gnu" && !cfg!(windows) && std::env::var_os(linker).is_none() {
        cargo.env(linker, "x86_64-w64-mingw32-gcc");
    }
    let status = cargo.status().expect("run cargo");
    assert!(
        status.success(),
        "cargo build --release --target {target} failed"
    );
    let name = binary_name(platform(target).expect("a known target"));
    workspace
        .join("target")
        .join(target)
        .join("release")
        .join(name)
}

/// The zip of one platform: its folder holding the binary, README.md and samples/.
pub fn package(workspace: &Path, version: &str, platform: &str, binary: &Path) -> Vec<u8> {
    let top = folder(version, platform);
    let mut files: Vec<(String, PathBuf)> = vec![
        (
            format!("{top}/{}", binary_name(platform)),
            binary.to_path_buf(),
        ),
        (format!("{top}/README.md"), workspace.join("README.md")),
    ];
    let samples = workspace.join("samples");
    for path in files_under(&samples) {
        let rel = path.strip_prefix(&samples).expect("under samples");
        let rel: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        files.push((format!("{top}/samples/{}", rel.join("/")), path));
    }
    files.sort();
    let mut folders: Vec<String> = files
        .iter()
        .flat_map(|(name, _)| {
            let parts: Vec<&str> = name.split('/').collect();
            (1..parts.len())
                .map(|n| format!("{}/", parts[..n].join("/")))
                .collect::<Vec<_>>()
        })
        .collect();
    folders.sort();
    folders.dedup();

    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let plain = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o644);
    for f in &folders {
        zip.add_directory(f.as_str(), plain.unix_permissions(0o755))
            .expect("add a folder");
    }
    for (name, path) in &files {
        let executable = name.ends_with("/yjb-return") || name.ends_with("/yjb-return.exe");
        let options = if executable {
            plain.unix_permissions(0o755)
        } else {
            plain
        };
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
        zip.start_file(name.as_str(), options).expect("add a file");
        zip.write_all(&bytes).expect("write a file");
    }
    zip.finish().expect("finish the zip").into_inner()
}

/// Every file under `dir`, at any depth.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read samples/") {
            let path = entry.expect("a folder entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn names(zip: &[u8]) -> Vec<String> {
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
        (0..z.len())
            .map(|i| z.by_index(i).unwrap().name().unwrap().into_owned())
            .collect()
    }

    #[test]
    fn every_target_the_workflow_builds_has_a_platform_name() {
        let workflow =
            std::fs::read_to_string(crate::workspace().join(".github/workflows/release.yml"))
                .unwrap();
        let targets: Vec<&str> = workflow
            .lines()
            .filter_map(|l| l.trim().strip_prefix("target: "))
            .collect();
        assert_eq!(targets.len(), 4, "{targets:?}");
        for t in targets {
            let name = platform(t).unwrap_or_else(|| panic!("{t}"));
            assert!(
                workflow.contains(&format!("name: {name}")),
                "the workflow's matrix names {t} {name}"
            );
            // Its binary is packaged by this code under that name.
            let binary = binary_name(name);
            assert!(
                workflow.contains(&format!("binary: {binary}"))
                    && workflow.contains(&format!("--binary {name}=binaries/{name}/{binary}")),
                "the workflow packages {name}'s {binary} with cargo xtask dist"
            );
        }
    }

    #[test]
    fn a_zip_holds_one_folder_with_the_binary_the_readme_and_every_sample() {
        let ws = crate::workspace();
        let dir = tempfile::tempdir().unwrap();
        let binary = dir.path().join("built.exe");
        std::fs::write(&binary, b"MZ not really").unwrap();
        let zip = package(&ws, "v9.9.9", "windows-x86_64", &binary);
        assert_eq!(zip, package(&ws, "v9.9.9", "windows-x86_64", &binary));
        let names = names(&zip);
        let top = "yjb-return-v9.9.9-windows-x86_64/";
        assert!(names.iter().all(|n| n.starts_with(top)), "{names:?}");
        for want in [
            "yjb-return.exe",
            "README.md",
            "samples/",
            "samples/README.md",
            "samples/2024-25/",
            "samples/2024-25/q2-export.xlsx",
            "samples/targets.csv",
        ] {
            assert!(names.contains(&format!("{top}{want}")), "{want}: {names:?}");
        }
        let samples = files_under(&ws.join("samples")).len();
        let files = names.iter().filter(|n| !n.ends_with('/')).count();
        assert_eq!(files, samples + 2, "{names:?}");
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
        let mut exe = Vec::new();
        z.by_name(&format!("{top}yjb-return.exe"))
            .unwrap()
            .read_to_end(&mut exe)
            .unwrap();
        assert_eq!(exe, b"MZ not really");
    }

    #[test]
    fn the_unix_binary_is_executable() {
        let ws = crate::workspace();
        let dir = tempfile::tempdir().unwrap();
        let binary = dir.path().join("yjb-return");
        std::fs::write(&binary, b"\x7fELF").unwrap();
        let zip = package(&ws, "v1.0.0", "linux-x86_64", &binary);
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
        let top = "yjb-return-v1.0.0-linux-x86_64/";
        let mut mode = |name: &str| z.by_name(&format!("{top}{name}")).unwrap().unix_mode();
        assert_eq!(mode("yjb-return").map(|m| m & 0o777), Some(0o755));
        assert_eq!(mode("README.md").map(|m| m & 0o777), Some(0o644));
    }
}
