//! The revocation data a verifier checks certificates against (HCERT.md §5): the published
//! filters or the issuer's exact log.

use std::collections::HashMap;

use sha2::{Digest as _, Sha256};

use crate::decode::chain::Decoded;
use crate::error::{Error, Result, TrustListErrorKind};
use crate::freshness::check_current;
use crate::revocation::fuse::FuseFilter;
use crate::revocation::hash::{country_uci_hash, filter_key, hashes};
use crate::revocation::manifest::FilterManifest;
use crate::time::UnixTime;

/// The revocation data a verifier checks certificates against: probabilistic filters (the
/// published, offline form) or the exact list with reasons (the issuer's own log).
#[derive(Debug, Clone, Default)]
pub struct RevocationList {
    /// When the list was issued.
    pub issued: Option<UnixTime>,
    /// After this time the list is out of date and nothing it covers verifies as valid.
    pub expires: Option<UnixTime>,
    /// The issuing countries (`iss`) whose revocations it holds. A certificate of any other
    /// country is not covered: its revocation is "not checked", never "passed".
    pub countries: Vec<String>,
    filters: Vec<FuseFilter>,
    exact: Option<HashMap<[u8; 16], String>>,
    entries: u64,
}

impl RevocationList {
    /// A list from published filter slices (files given by path), each checked against the
    /// SHA-256 the manifest pins.
    pub fn from_manifest(manifest: &FilterManifest, slices: &[(&str, &[u8])]) -> Result<Self> {
        let mut filters = Vec::with_capacity(manifest.slices.len());
        for s in &manifest.slices {
            let (_, bytes) = slices
                .iter()
                .find(|(p, _)| *p == s.path)
                .ok_or_else(|| filter_error(&format!("{} is missing", s.path)))?;
            if base16ct::lower::encode_string(&Sha256::digest(bytes)) != s.sha256 {
                return Err(Error::TrustListInvalid {
                    kind: TrustListErrorKind::Digest,
                    reason: format!("{}: content does not match its signed SHA-256", s.path),
                });
            }
            let f = FuseFilter::from_bytes(bytes)?;
            if f.len() as u64 != s.entries || f.width().bits() != s.bits {
                return Err(filter_error(&format!(
                    "{} does not match the manifest",
                    s.path
                )));
            }
            filters.push(f);
        }
        Ok(RevocationList {
            issued: None,
            expires: None,
            countries: vec![manifest.country.clone()],
            entries: filters.iter().map(|f| f.len() as u64).sum(),
            filters,
            exact: None,
        })
    }

    /// The exact list of `country`'s revocations: hashes (COUNTRYCODEUCI or SIGNATURE) with
    /// their reasons.
    pub fn exact(country: &str, hashes: HashMap<[u8; 16], String>) -> Self {
        RevocationList {
            entries: hashes.len() as u64,
            exact: Some(hashes),
            countries: vec![country.to_string()],
            ..RevocationList::default()
        }
    }

    /// Revoked certificates listed.
    pub fn entries(&self) -> u64 {
        self.entries
    }

    /// Chance that a certificate not revoked is reported revoked (0 for the exact list).
    pub fn false_positive_rate(&self) -> f64 {
        self.filters
            .iter()
            .filter(|f| !f.is_empty())
            .map(|f| f.width().false_positive_rate())
            .fold(0.0, |a, b| a + b)
    }

    /// Bytes of filter storage held in memory.
    pub fn memory_bytes(&self) -> usize {
        self.filters.iter().map(FuseFilter::storage_bytes).sum()
    }

    /// Whether the filters hold this COUNTRYCODEUCI hash.
    pub fn filters_contain(&self, hash: &[u8; 16]) -> bool {
        let key = filter_key(hash);
        self.filters.iter().any(|f| f.contains(key))
    }

    /// Checks a certificate at `now`: `Revoked` (with the reason when the exact list is
    /// known); `RevocationNotCovered` when the list holds no data for its issuer (another
    /// country, or no `iss`); `TrustListInvalid` when the list is out of date (same
    /// [`crate::CLOCK_SKEW`] rule as loading).
    pub fn check(&self, decoded: &Decoded, now: UnixTime) -> Result<()> {
        // Lists are per issuing country: a certificate without `iss` is on none of them.
        let iss = match decoded.claims.iss.as_deref() {
            Some(iss) if self.countries.iter().any(|c| c == iss) => iss,
            other => {
                return Err(Error::RevocationNotCovered {
                    country: other.map(str::to_string),
                })
            }
        };
        check_current(
            "the revocation list",
            self.issued,
            self.expires,
            now,
            TrustListErrorKind::RevocationExpired,
        )?;
        let ci = decoded
            .dcc
            .single_entry()
            .ok()
            .and_then(|e| e.ci())
            .ok_or(Error::ClaimMissing { claim: "ci" })?;
        let ccuci = country_uci_hash(iss, ci);
        match &self.exact {
            Some(map) => match hashes(decoded).iter().find_map(|(_, h)| map.get(h)) {
                Some(reason) => Err(Error::Revoked {
                    reason: Some(reason.clone()),
                }),
                None => Ok(()),
            },
            // One hash, one lookup per slice: the filters hold COUNTRYCODEUCI keys only.
            None if self.filters_contain(&ccuci) => Err(Error::Revoked { reason: None }),
            None => Ok(()),
        }
    }
}

fn filter_error(reason: &str) -> Error {
    Error::TrustListInvalid {
        kind: TrustListErrorKind::Malformed,
        reason: format!("revocation filter: {reason}"),
    }
}
