//! The manifest each build writes beside its outputs: enough to rebuild the return from the
//! archived input and prove the outputs identical (`reproduce`).

use serde::{Deserialize, Serialize};

/// Bumped when the manifest's shape changes.
pub const MANIFEST_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub manifest_version: u32,
    pub tool: Tool,
    pub definitions: DefinitionsRef,
    /// The reporting period, e.g. `2024-25 Q2`.
    pub period: String,
    /// Built with `--provisional`: not fit to send (absent in manifests written before the
    /// flag existed, which were never provisional).
    #[serde(default)]
    pub provisional: bool,
    /// RFC 3339 UTC; every output carries it, so a rebuild reuses it.
    pub generated_at: String,
    pub input: Input,
    pub identity: ServiceRef,
    /// Warnings acknowledged with an explanation, which travel with the figures.
    #[serde(default)]
    pub acknowledged: Vec<AcknowledgedQuery>,
    pub outputs: Vec<Output>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

impl Tool {
    /// What `reproduce` says when a manifest records another tool than the one rebuilding
    /// (`None` when it is the same): `what` is "the return was built" or "the scorecard was
    /// made". Every output records the tool that made it, so when the rebuild matches the
    /// outputs (`outputs_match`), a manifest naming another tool was itself changed.
    pub fn other_than(&self, now: &Tool, what: &str, outputs_match: bool) -> Option<String> {
        if self == now {
            return None;
        }
        // The manifest's words are read from a file: shown cut, as every user value is.
        let cut = crate::text::cut;
        Some(if outputs_match {
            format!(
                "the manifest says {what} by {} {}, but its files record {} {}, as this rebuild \
                 does: the manifest was changed afterwards",
                cut(&self.name),
                cut(&self.version),
                now.name,
                now.version
            )
        } else {
            format!(
                "{what} by {} {}; this is version {}",
                cut(&self.name),
                cut(&self.version),
                now.version
            )
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefinitionsRef {
    pub version: String,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Input {
    /// As given to `build`; relative paths are relative to the manifest's folder when the
    /// build was archived.
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceRef {
    pub yjs_code: String,
    pub yjs_name: String,
    pub nation: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcknowledgedQuery {
    pub code: String,
    pub sheet: String,
    pub row: Option<u32>,
    pub column: Option<String>,
    pub explanation: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Output {
    pub file: String,
    pub sha256: String,
}

impl Manifest {
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("serialisable");
        s.push('\n');
        s
    }

    pub fn from_json(text: &str) -> Result<Manifest, serde_json::Error> {
        serde_json::from_str(text)
    }

    pub fn output(&self, file: &str) -> Option<&Output> {
        self.outputs.iter().find(|o| o.file == file)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::measures::Return;

    /// A manifest describing `ret`, as a build would write it (output hashes made up).
    pub(crate) fn manifest_of(ret: &Return) -> Manifest {
        let id = &ret.identity;
        Manifest {
            manifest_version: MANIFEST_VERSION,
            tool: Tool {
                name: "yjb-return".into(),
                version: id.tool_version.clone(),
            },
            definitions: DefinitionsRef {
                version: id.definitions_version.clone(),
                sha256: "x".into(),
            },
            period: id.period.to_string(),
            provisional: id.provisional,
            generated_at: id.generated_at.clone(),
            input: Input {
                path: "input.xlsx".into(),
                sha256: id.input_sha256.clone(),
                bytes: 1,
            },
            identity: ServiceRef {
                yjs_code: id.yjs_code.clone(),
                yjs_name: id.yjs_name.clone(),
                nation: id.nation.clone(),
            },
            acknowledged: vec![],
            outputs: vec![Output {
                file: "return.json".into(),
                sha256: "22".repeat(32),
            }],
        }
    }

    #[test]
    fn round_trips() {
        let m = manifest_of(&crate::write::xml::tests::sample());
        assert_eq!(Manifest::from_json(&m.to_json()).unwrap(), m);
    }
}
