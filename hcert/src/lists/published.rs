//! A published tree (`vaxpass publish`) as a verifier reads it: the index, the trust list,
//! the value sets and the revocation filter, all checked against a pinned trust anchor. The
//! portal downloads the files and the CLI reads them from disk; both check them here.
//!
//! The index (`.well-known/vaxpass.json`) is read first; every other file must match both its
//! own signature and the digest the index gives it, so a reader that raced a republication
//! never mixes two versions. A list older than one already accepted is refused (rollback).
//!
//! The revocation manifest is signed with a shorter expiry than the signer lists (about two
//! update intervals). Once it is past, the lists still load, so that certificates of other
//! countries can be checked, but every verdict on a certificate it covers says the revocation
//! data is out of date and cannot be valid.

use crate::error::{Error, Result, TrustListErrorKind};
use crate::lists::index::Index;
use crate::lists::statement::{self, TrustAnchor};
use crate::lists::valuesets::{self, ValueSets};
use crate::lists::verifier::VerifierList;
use crate::revocation::list::RevocationList;
use crate::revocation::manifest::{FilterManifest, FILTER_MANIFEST};
use crate::time::UnixTime;
use crate::verify::crypto::backend::Backend;
use crate::verify::trust::TrustStore;

/// Path of the index.
pub const INDEX: &str = ".well-known/vaxpass.json";
/// Path of the verifier trust list.
pub const VERIFIER: &str = "trust-lists/verifier.json";
/// Path of the value sets.
pub const VALUE_SETS: &str = "trust-lists/valuesets.json";
/// Path of the revocation filter manifest.
pub const REVOCATION: &str = FILTER_MANIFEST;
/// Path of the business rules of every country published (`{"version": 1, "rules": […]}`,
/// EU rule JSON; HCERT.md §6.3). Checked here like every file; parsed and evaluated by the
/// CertLogic engine where acceptance is asked (`crate::rules`).
pub const RULES: &str = "rules/rules.json";
/// Path of the EU value sets (`{"version": 1, "valuesets": […]}`, HCERT.md §8).
pub const RULE_VALUE_SETS: &str = "rules/valuesets.json";
/// The signed files a verifier needs besides the index, in download order.
pub const FILES: [&str; 5] = [VERIFIER, VALUE_SETS, REVOCATION, RULES, RULE_VALUE_SETS];

/// A file and its detached signature, as downloaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedFile {
    /// Path in the published tree.
    pub path: String,
    /// The file.
    pub content: Vec<u8>,
    /// `path.sig`.
    pub signature: Vec<u8>,
}

/// Everything that was downloaded, before any check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    /// The index.
    pub index: SignedFile,
    /// The files named in [`FILES`].
    pub files: Vec<SignedFile>,
    /// The revocation filter slices the manifest names (path, content); pinned by digest.
    pub slices: Vec<(String, Vec<u8>)>,
}

/// The slice files a revocation manifest names (to download them before [`load`] checks
/// everything). Only a parse: nothing is trusted yet.
pub fn slice_paths(manifest: &[u8]) -> Result<Vec<String>> {
    Ok(FilterManifest::parse(manifest)?
        .slices
        .into_iter()
        .map(|s| s.path)
        .collect())
}

/// The lists, checked and ready.
pub struct Lists {
    /// Every trusted signer; expires with the verifier list.
    pub store: TrustStore,
    /// Value-set display names.
    pub value_sets: ValueSets,
    /// When the lists were issued.
    pub issued: UnixTime,
    /// When they expire.
    pub expires: UnixTime,
    /// When the next publication is planned.
    pub next_update: Option<UnixTime>,
    /// Publication number.
    pub sequence: u64,
    /// Number of signers.
    pub signers: usize,
    /// Revoked certificates in the revocation filter.
    pub revoked: u64,
    /// Chance that the filter reports a certificate revoked that is not.
    pub revocation_false_positive_rate: f64,
    /// Bytes of filter memory.
    pub revocation_bytes: usize,
    /// When the revocation data expires (sooner than the lists).
    pub revocation_expires: Option<UnixTime>,
    /// `rules/rules.json`, checked, unparsed (the engine parses it where it runs).
    pub rules: Vec<u8>,
    /// `rules/valuesets.json`, checked, unparsed.
    pub rule_value_sets: Vec<u8>,
}

impl Lists {
    /// Whether the planned next publication is past: the lists still work, but a newer
    /// version should exist and the screen says they are stale.
    pub fn stale(&self, now: UnixTime) -> bool {
        self.next_update.is_some_and(|t| now > t)
    }

    /// Whether the revocation data is past its expiry.
    pub fn revocation_expired(&self, now: UnixTime) -> bool {
        self.revocation_expires.is_some_and(|t| now > t)
    }
}

impl core::fmt::Debug for Lists {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Lists")
            .field("issued", &self.issued)
            .field("expires", &self.expires)
            .field("sequence", &self.sequence)
            .field("signers", &self.signers)
            .field("revoked", &self.revoked)
            .field("revocation_expires", &self.revocation_expires)
            .finish()
    }
}

fn invalid(kind: TrustListErrorKind, reason: impl Into<String>) -> Error {
    Error::TrustListInvalid {
        kind,
        reason: reason.into(),
    }
}

/// The pinned anchor, from the PEM compiled into an application (empty when the build had
/// none).
pub fn anchor(pem: &str, backend: &'static dyn Backend) -> Option<TrustAnchor> {
    if pem.trim().is_empty() {
        return None;
    }
    TrustAnchor::from_pem(pem, backend).ok()
}

/// Checks a downloaded bundle at `now` and builds the trust store, whose keys verify through
/// `backend`.
pub fn load(
    bundle: &Bundle,
    anchor: &TrustAnchor,
    now: UnixTime,
    last_sequence: Option<u64>,
    backend: &'static dyn Backend,
) -> Result<Lists> {
    let st = statement::verify_file(
        INDEX,
        &bundle.index.content,
        &bundle.index.signature,
        anchor,
        now,
    )?;
    statement::check_sequence(&st, last_sequence)?;
    let index = Index::parse(&bundle.index.content)?;
    let mut checked = Vec::new();
    for path in FILES {
        let f = bundle
            .files
            .iter()
            .find(|f| f.path == path)
            .ok_or_else(|| invalid(TrustListErrorKind::Malformed, format!("{path} is missing")))?;
        let fst = if path == REVOCATION {
            // Judged per verdict (see the module doc).
            statement::verify_file_signature(path, &f.content, &f.signature, anchor, now)?
        } else {
            statement::verify_file(path, &f.content, &f.signature, anchor, now)?
        };
        let entry = index.entry(path).ok_or_else(|| {
            invalid(
                TrustListErrorKind::Malformed,
                format!("{path} is not in the index"),
            )
        })?;
        if entry.sha256 != fst.sha256 || fst.sequence != st.sequence {
            return Err(invalid(
                TrustListErrorKind::Digest,
                format!("{path} belongs to another publication than the index"),
            ));
        }
        checked.push((f, fst));
    }
    let [(verifier, vst), (sets, _), (revocation, rst), (rules, _), (rule_sets, _)] =
        checked.as_slice()
    else {
        return Err(invalid(TrustListErrorKind::Malformed, "missing files"));
    };
    let list = VerifierList::parse(&verifier.content)?;
    let signers = list.signers.len();
    let mut store = list.into_trust_store(backend, vst)?;
    let manifest = FilterManifest::parse(&revocation.content)?;
    for s in &manifest.slices {
        if index.entry(&s.path).map(|e| &e.sha256) != Some(&s.sha256) {
            return Err(invalid(
                TrustListErrorKind::Digest,
                format!("{} is not in the index with the manifest's digest", s.path),
            ));
        }
    }
    let slices: Vec<(&str, &[u8])> = bundle
        .slices
        .iter()
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .collect();
    let mut revocations = RevocationList::from_manifest(&manifest, &slices)?;
    revocations.issued = rst.issued_at();
    revocations.expires = rst.expires_at();
    let (revoked, revocation_false_positive_rate, revocation_bytes) = (
        revocations.entries(),
        revocations.false_positive_rate(),
        revocations.memory_bytes(),
    );
    store.revocations = Some(revocations);
    // The EU value sets the verdict checks codes against (none published: not checked).
    let catalog =
        crate::rules::ValueSetCatalog::from_published(&rule_sets.content).map_err(|e| {
            invalid(
                TrustListErrorKind::Malformed,
                format!("{RULE_VALUE_SETS}: {e}"),
            )
        })?;
    store.value_sets = (!catalog.is_empty()).then_some(catalog);
    let value_sets = valuesets::parse_value_sets(&sets.content)?;
    let (Some(issued), Some(expires)) = (vst.issued_at(), vst.expires_at()) else {
        return Err(invalid(TrustListErrorKind::Malformed, "bad times"));
    };
    Ok(Lists {
        store,
        value_sets,
        issued,
        expires,
        next_update: UnixTime::parse_rfc3339(&index.next_update),
        sequence: st.sequence,
        signers,
        revoked,
        revocation_false_positive_rate,
        revocation_bytes,
        revocation_expires: rst.expires_at(),
        rules: rules.content.clone(),
        rule_value_sets: rule_sets.content.clone(),
    })
}

/// When the lists should be fetched again: at the planned next update, and at least hourly
/// while online.
pub fn refresh_due(lists: &Lists, fetched_at: UnixTime, now: UnixTime) -> bool {
    let planned = lists.next_update.is_some_and(|t| now >= t);
    planned || now.0 - fetched_at.0 >= 3600 || now >= lists.expires || lists.revocation_expired(now)
}
