//! The folders `build` writes on disk: the first free folder of the archive for a filing (the
//! names are [`yjb_return::names`]'), and whether a folder given to `--out --force` is a return this
//! tool wrote, which it may replace.

use std::path::Path;

use crate::shell::files::{self, Kind};
use yjb_return::names::*;
use yjb_return::period::Period;
use yjb_return::write::manifest::Manifest;

/// The first number of a kind of filing whose folder is free under an archive root
/// ([`yjb_return::names::first_free`] on disk).
pub fn first_free(root: &Path, period: Period, kind: Filing) -> Filing {
    yjb_return::names::first_free(&crate::shell::files::Disk::new(root), period, kind)
}

/// Whether `dir` is a return this tool wrote, which `build --force` may replace: a folder
/// holding a `manifest.json` that reads as a build's and nothing but files a build writes (an
/// empty folder is also fine: replacing it deletes nothing). Otherwise, the end of a sentence
/// saying what the folder holds.
pub fn check_replaceable(dir: &Path) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| crate::shell::words::describe(&e))?;
    let mut foreign = Vec::new();
    let mut count = 0;
    for entry in entries {
        let entry = entry.map_err(|e| crate::shell::words::describe(&e))?;
        count += 1;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if !is_file {
            foreign.push(format!("{name}/"));
        } else if !BUILD_FILES.contains(&name.as_str()) {
            foreign.push(name);
        }
    }
    if !foreign.is_empty() {
        foreign.sort();
        let archive = foreign
            .iter()
            .any(|n| n.strip_suffix('/').and_then(parse_folder).is_some());
        return Err(format!(
            "it holds {}, which build never writes, so it is not a return's folder{}; \
             --force replaces only a folder holding a return, and nothing was changed",
            yjb_return::text::list(&foreign, 5),
            if archive {
                " (it looks like an archive of returns: use --archive to file a resubmission)"
            } else {
                ""
            }
        ));
    }
    if count == 0 {
        return Ok(());
    }
    let manifest = dir.join(MANIFEST_JSON);
    let text = files::read(&manifest, Kind::Manifest).map_err(|e| {
        format!("it holds no readable {MANIFEST_JSON} ({e}), so it is not a return build wrote; nothing was changed")
    })?;
    Manifest::from_json(&String::from_utf8_lossy(&text)).map_err(|_| {
        format!(
            "its {MANIFEST_JSON} is not one build wrote, so it is not a return; nothing was changed"
        )
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_free_number_of_each_kind() {
        let dir = tempfile::tempdir().unwrap();
        let p: Period = "2024-25 Q4".parse().unwrap();
        assert_eq!(
            first_free(dir.path(), p, Filing::Provisional(1)),
            Filing::Provisional(1)
        );
        std::fs::create_dir(dir.path().join("2024-25-Q4-provisional")).unwrap();
        assert_eq!(
            first_free(dir.path(), p, Filing::Provisional(1)),
            Filing::Provisional(2)
        );
        // A provisional return takes no submission's number.
        assert_eq!(
            first_free(dir.path(), p, Filing::Submission(1)),
            Filing::Submission(1)
        );
    }

    fn folder_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join(name);
            if let Some(sub) = name.strip_suffix('/') {
                std::fs::create_dir(dir.path().join(sub)).unwrap();
            } else {
                std::fs::write(path, text).unwrap();
            }
        }
        dir
    }

    /// A manifest as a build writes one (its hashes made up).
    fn manifest() -> String {
        use yjb_return::write::manifest::*;
        Manifest {
            manifest_version: MANIFEST_VERSION,
            tool: Tool {
                name: "yjb-return".into(),
                version: "0.2.0".into(),
            },
            definitions: DefinitionsRef {
                version: "2024-25".into(),
                sha256: "x".into(),
            },
            period: "2024-25 Q2".into(),
            provisional: false,
            generated_at: "2024-10-21T09:30:00Z".into(),
            input: Input {
                path: "input.xlsx".into(),
                sha256: "11".repeat(32),
                bytes: 1,
            },
            identity: ServiceRef {
                yjs_code: "NSH01".into(),
                yjs_name: "Northshire".into(),
                nation: "ENGLAND".into(),
            },
            acknowledged: vec![],
            outputs: vec![Output {
                file: "return.json".into(),
                sha256: "22".repeat(32),
            }],
        }
        .to_json()
    }

    #[test]
    fn only_a_return_folder_may_be_replaced() {
        let m = manifest();
        let ok = folder_with(&[
            (MANIFEST_JSON, &m),
            (RETURN_XML, "<x/>"),
            (ARCHIVED_INPUT, ""),
        ]);
        assert_eq!(check_replaceable(ok.path()), Ok(()));
        assert_eq!(check_replaceable(folder_with(&[]).path()), Ok(()));

        let archive = folder_with(&[
            ("2024-25-Q2/", ""),
            ("2024-25-Q2-resubmission-2/", ""),
            ("notes.docx", ""),
        ]);
        let why = check_replaceable(archive.path()).unwrap_err();
        assert!(
            why.contains("2024-25-Q2-resubmission-2/, 2024-25-Q2/ and notes.docx")
                && why.contains("archive of returns")
                && why.contains("nothing was changed"),
            "{why}"
        );
        let exports = folder_with(&[("q2-export.xlsx", "PK"), (MANIFEST_JSON, &m)]);
        let why = check_replaceable(exports.path()).unwrap_err();
        assert!(
            why.contains("q2-export.xlsx, which build never writes"),
            "{why}"
        );
        let no_manifest = folder_with(&[(RETURN_XML, "<x/>")]);
        let why = check_replaceable(no_manifest.path()).unwrap_err();
        assert!(why.contains("no readable manifest.json"), "{why}");
        let foreign_manifest = folder_with(&[(MANIFEST_JSON, "{\"name\": \"npm\"}")]);
        let why = check_replaceable(foreign_manifest.path()).unwrap_err();
        assert!(why.contains("not one build wrote"), "{why}");
        let many: Vec<(String, &str)> = (0..8).map(|i| (format!("f{i}.txt"), "")).collect();
        let many: Vec<(&str, &str)> = many.iter().map(|(a, b)| (a.as_str(), *b)).collect();
        let why = check_replaceable(folder_with(&many).path()).unwrap_err();
        assert!(
            why.contains("f0.txt, f1.txt, f2.txt, f3.txt, f4.txt and 3 more"),
            "{why}"
        );
    }
}
