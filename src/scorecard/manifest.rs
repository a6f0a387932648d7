//! The scorecard's `manifest.json`: each return used (its folder and its manifest's SHA-256),
//! each CSV (kept beside the scorecard, since targets and commentary are edited every quarter),
//! the window, tool and definitions versions, the generation time and each output's SHA-256:
//! what `reproduce` needs to rebuild the scorecard and prove it byte-identical.

use serde::{Deserialize, Serialize};

use crate::write::manifest::{DefinitionsRef, Output, Tool};

/// Tells a scorecard's manifest from a return's (which has no `kind`).
pub const KIND: &str = "scorecard";

/// Bumped when the manifest's shape changes.
pub const SCORECARD_MANIFEST_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScorecardManifest {
    pub kind: String,
    pub manifest_version: u32,
    pub tool: Tool,
    /// The definitions versions of the returns read, with their hashes.
    pub definitions: Vec<DefinitionsRef>,
    /// RFC 3339 UTC; every output carries it, so a rebuild reuses it.
    pub generated_at: String,
    /// The archive folder, as an absolute path.
    pub archive: String,
    /// The last quarter of the window, e.g. `2024-25 Q4`.
    pub to: String,
    pub quarters: u32,
    pub returns: Vec<ReturnUsed>,
    /// The CSVs given, copied beside the scorecard under these names.
    pub inputs: Vec<CsvInput>,
    pub outputs: Vec<Output>,
    /// `--classification`, printed on every page (absent when none was given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classification: Option<String>,
    /// A publication copy's threshold (absent for the board's own copy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publication: Option<Publication>,
}

/// How a publication copy was made safe to publish.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publication {
    /// Counts from 1 to below this are suppressed.
    pub suppress_below: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnUsed {
    pub period: String,
    /// The submission folder's name inside the archive.
    pub folder: String,
    pub manifest_sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsvInput {
    /// `targets`, `benchmarks` or `commentary`.
    pub role: String,
    /// The copy's name, relative to the manifest.
    pub file: String,
    /// Where it was read from, for the record.
    pub original: String,
    pub sha256: String,
}

impl ScorecardManifest {
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("serialisable");
        s.push('\n');
        s
    }

    pub fn from_json(text: &str) -> Result<ScorecardManifest, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// Whether a manifest's text is a scorecard's (rather than a return's).
    pub fn is_scorecard(text: &str) -> bool {
        serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(|k| k == KIND))
            .unwrap_or(false)
    }

    pub fn output(&self, file: &str) -> Option<&Output> {
        self.outputs.iter().find(|o| o.file == file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_a_scorecard_manifest_from_a_returns() {
        assert!(ScorecardManifest::is_scorecard(r#"{"kind": "scorecard"}"#));
        assert!(!ScorecardManifest::is_scorecard(
            r#"{"manifest_version": 1}"#
        ));
        assert!(!ScorecardManifest::is_scorecard("not json"));
    }
}
