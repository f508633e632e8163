//! The portal's revocation filter manifest, `revocation/filter.json`
//! (`docs/static-api.md#revocation`): a base slice and delta slices, each pinned by SHA-256.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, TrustListErrorKind};
use crate::revocation::fuse::Width;
use crate::revocation::hash::HashType;

/// The highest false-positive rate a published filter (base and deltas together) may have.
pub const MAX_FALSE_POSITIVE_RATE: f64 = 1e-7;

/// Path of the portal's filter manifest in a published tree.
pub const FILTER_MANIFEST: &str = "revocation/filter.json";

/// Whether `path` is `revocation/filter/` + 32 lower-case hex digits + `.vx24` or `.vx32`.
pub fn is_slice_path(path: &str) -> bool {
    let Some(name) = path.strip_prefix("revocation/filter/") else {
        return false;
    };
    if name.len() != 37 || !name.is_ascii() {
        return false;
    }
    let (stem, ext) = name.split_at(32);
    stem.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        && (ext == ".vx24" || ext == ".vx32")
}

/// One filter file of a published revocation list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Slice {
    /// Path in the published tree (named after its content, so it can be cached forever).
    pub path: String,
    /// Hex SHA-256 of the file.
    pub sha256: String,
    /// File size in bytes.
    pub size: u64,
    /// Revocations it holds.
    pub entries: u64,
    /// Fingerprint bits (24 for a base, 32 for a delta).
    pub bits: u32,
}

impl Slice {
    /// The chance that it reports a key it does not hold (0 when it holds none, or its width is
    /// unknown: such a manifest is refused when the slice is loaded).
    pub fn false_positive_rate(&self) -> f64 {
        match Width::from_bits(self.bits) {
            Some(w) if self.entries > 0 => w.false_positive_rate(),
            _ => 0.0,
        }
    }
}

/// `revocation/filter.json`: the portal's offline revocation list, a base slice and deltas.
/// Signed like the trust lists; each slice is pinned by its SHA-256 here and in the index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FilterManifest {
    /// Format version (1).
    pub version: u32,
    /// Country whose certificates it lists.
    pub country: String,
    /// What the filters hold: the first 8 bytes (big-endian) of this EU hash type.
    pub hash_type: String,
    /// Revoked certificates in all slices.
    pub entries: u64,
    /// Chance that a certificate not revoked is reported revoked (sum over the slices).
    pub false_positive_rate: f64,
    /// Base first, then deltas oldest first.
    pub slices: Vec<Slice>,
    /// Revocation-log entries covered (issuer bookkeeping for the next delta).
    pub log_entries: u64,
    /// Hex SHA-256 of the last covered log line (detects a replaced log).
    pub log_tail: String,
}

impl FilterManifest {
    /// Parses and checks the manifest.
    pub fn parse(json: &[u8]) -> Result<FilterManifest> {
        let m: FilterManifest = serde_json::from_slice(json)
            .map_err(|e| filter_error(&format!("{FILTER_MANIFEST}: {e}")))?;
        if m.version != 1 || m.hash_type != HashType::CountryCodeUci.name() {
            return Err(filter_error(
                "unsupported filter manifest version or hash type",
            ));
        }
        // Only content-named files below revocation/filter/: a manifest cannot send a reader
        // anywhere else.
        for s in &m.slices {
            if !is_slice_path(&s.path) {
                return Err(filter_error(&format!("{:?} is not a slice path", s.path)));
            }
        }
        Ok(m)
    }
}

fn filter_error(reason: &str) -> Error {
    Error::TrustListInvalid {
        kind: TrustListErrorKind::Malformed,
        reason: format!("revocation filter: {reason}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slice_paths_are_content_names_below_the_filter_directory() {
        assert!(is_slice_path(
            "revocation/filter/0123456789abcdef0123456789abcdef.vx24"
        ));
        assert!(is_slice_path(
            "revocation/filter/0123456789abcdef0123456789abcdef.vx32"
        ));
        for bad in [
            "/revocation/filter/0123456789abcdef0123456789abcdef.vx24",
            "//evil.example/0123456789abcdef0123456789abcdef.vx24",
            "revocation/filter/../../0123456789abcdef0123456.vx24",
            "revocation/filter/0123456789ABCDEF0123456789abcdef.vx24",
            "revocation/filter/0123456789abcdef0123456789abcdef.vx16",
            "revocation/filter/0123456789abcdef0123456789abcdé.vx24",
            "revocation/filter/",
        ] {
            assert!(!is_slice_path(bad), "{bad}");
        }
    }
}
