//! The index of a published tree, `.well-known/vaxpass.json` (`docs/static-api.md`): every
//! file of one publication with its SHA-256, so a reader never mixes two versions.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, TrustListErrorKind};

fn invalid(kind: TrustListErrorKind, reason: impl Into<String>) -> Error {
    Error::TrustListInvalid {
        kind,
        reason: reason.into(),
    }
}

/// One file listed in the index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexEntry {
    /// Path in the tree.
    pub path: String,
    /// Lower-case hex SHA-256.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// Path of its signature file, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// What it is.
    pub description: String,
}

/// The index of a published tree (`.well-known/vaxpass.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    /// Format version (1).
    pub version: u32,
    /// Issuing country.
    pub country: String,
    /// Publication number.
    pub sequence: u64,
    /// Issue time (RFC 3339).
    pub issued: String,
    /// When the next publication is planned (RFC 3339).
    pub next_update: String,
    /// Expiry of the lists (RFC 3339).
    pub expires: String,
    /// Every file of the tree.
    pub files: Vec<IndexEntry>,
}

impl Index {
    /// Parses the JSON.
    pub fn parse(json: &[u8]) -> Result<Index> {
        serde_json::from_slice(json)
            .map_err(|e| invalid(TrustListErrorKind::Malformed, format!("index: {e}")))
    }

    /// The entry of a path.
    pub fn entry(&self, path: &str) -> Option<&IndexEntry> {
        self.files.iter().find(|f| f.path == path)
    }
}
