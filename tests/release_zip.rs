//! The Windows release zip as a data officer gets it: unzipped into a fresh folder, and its
//! README's Command Prompt commands (the ```bat blocks of "Your first hour") typed there, in
//! order, at Wine's cmd. `YJB_RETURN_ZIP` names the zip (`cargo xtask dist` makes it, as the
//! release workflow does); without it this says it skipped. Wine has no PowerShell, so the
//! README's PowerShell line is not run here.

use crate::common;
use crate::windows::at_the_prompt;

use std::io::Write;
use std::path::Path;

/// The lines of every fenced block of `language` in `markdown`.
fn blocks(markdown: &str, language: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut inside = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            inside = !inside && line.trim_start() == format!("```{language}");
        } else if inside && !line.trim().is_empty() {
            lines.push(line.trim().to_string());
        }
    }
    lines
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn the_windows_zips_readme_commands_work_from_a_fresh_unzip() {
    let Some(zip) = std::env::var_os("YJB_RETURN_ZIP") else {
        let _ = writeln!(
            std::io::stderr(),
            "\nSKIPPED the_windows_zips_readme_commands_work_from_a_fresh_unzip: no zip \
             (YJB_RETURN_ZIP, made by cargo xtask dist)\n"
        );
        return;
    };
    assert!(common::program_is_windows(), "run with the Windows build");
    let tmp = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(&zip).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    for i in 0..archive.len() {
        let name = archive.by_index(i).unwrap().name().unwrap().to_lowercase();
        // The DLL that lets Wine start the program is the tests' alone: it never ships.
        assert!(!name.ends_with(".dll"), "{name} is in the zip");
    }
    archive.extract(tmp.path()).unwrap();

    // One folder, holding the program, the README and the samples.
    let top = names(tmp.path());
    assert_eq!(top.len(), 1, "{top:?}");
    assert!(
        top[0].starts_with("yjb-return-v") && top[0].ends_with("-windows-x86_64"),
        "{top:?}"
    );
    let folder = tmp.path().join(&top[0]);
    assert_eq!(names(&folder), ["README.md", "samples", "yjb-return.exe"]);

    let readme = std::fs::read_to_string(folder.join("README.md")).unwrap();
    let typed = blocks(&readme, "bat");
    assert!(typed.len() >= 8, "{typed:?}");
    assert!(
        typed
            .iter()
            .all(|l| l.starts_with("yjb-return ") || l.starts_with("for ")),
        "{typed:?}"
    );
    assert!(
        !typed.iter().any(|l| l.contains("--force")),
        "a first command never replaces anything: {typed:?}"
    );
    for line in &typed {
        // diff's status is 1 when figures changed, as they did in the resubmission.
        let expected = if line.starts_with("yjb-return diff ") {
            1
        } else {
            0
        };
        let status = at_the_prompt(&folder, line);
        assert_eq!(status.code(), Some(expected), "{line}");
    }

    // What those commands said they would make.
    assert!(folder.join("returns/2024-25-Q2/return.xlsx").is_file());
    let filed = names(&folder.join("archive"));
    assert_eq!(filed.len(), 9, "{filed:?}");
    assert!(
        filed.contains(&"2024-25-Q3-resubmission-2".to_string()),
        "{filed:?}"
    );
    assert!(folder.join("board/2024-25-Q4/scorecard.html").is_file());

    let powershell = blocks(&readme, "powershell");
    assert_eq!(powershell.len(), 1, "{powershell:?}");
    let _ = writeln!(
        std::io::stderr(),
        "\nNOT RUN the README's PowerShell line: Wine has no PowerShell (its powershell.exe does \
         nothing); the Command Prompt's {} lines ran\n",
        typed.len()
    );
}
