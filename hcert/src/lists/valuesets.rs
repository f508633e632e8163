//! Value-set display names, `trust-lists/valuesets.json` (HCERT.md §8): value set id → code
//! → language → name.

use serde::Deserialize;

use crate::error::{Error, Result, TrustListErrorKind};

fn invalid(kind: TrustListErrorKind, reason: impl Into<String>) -> Error {
    Error::TrustListInvalid {
        kind,
        reason: reason.into(),
    }
}

/// Display names of value-set codes (`trust-lists/valuesets.json`): value set id → code →
/// language → name.
pub type ValueSets = std::collections::BTreeMap<
    String,
    std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
>;

/// Parses value sets.
pub fn parse_value_sets(json: &[u8]) -> Result<ValueSets> {
    #[derive(Deserialize)]
    struct File {
        version: u32,
        valuesets: ValueSets,
    }
    let f: File = serde_json::from_slice(json)
        .map_err(|e| invalid(TrustListErrorKind::Malformed, format!("value sets: {e}")))?;
    if f.version != 1 {
        return Err(invalid(
            TrustListErrorKind::Malformed,
            "value sets: unknown version",
        ));
    }
    Ok(f.valuesets)
}
