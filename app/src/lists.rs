//! The signed lists the portal verifies against, as files: which to download, how the
//! downloaded or saved files become a [`Bundle`] for `hcert::load_lists` (shared with the
//! CLI), in which order to save them, and the loading policy (how often to retry, when the
//! saved copy stands in, when to refresh). The browser glue only moves the bytes.

use std::rc::Rc;

use hcert::{Bundle, Error, Lists, SignedFile, TrustListErrorKind, UnixTime};

/// How many times the network copy is tried before the saved copy stands in: a reader that
/// raced a republication may see two versions mixed, and the second try sees one whole.
pub const NETWORK_TRIES: usize = 2;

/// The state of the trust lists.
#[derive(Debug, Clone)]
pub enum ListState {
    /// Not loaded yet.
    Loading,
    /// Checked and in use.
    Ready {
        /// The lists.
        lists: Rc<Lists>,
        /// Served from the offline copy.
        offline: bool,
        /// When they were downloaded or loaded (for the refresh cadence).
        fetched_at: UnixTime,
        /// Why the network copy was refused when the saved copy stands in (a rollback, say):
        /// shown, so a counter knows its server is serving something wrong.
        refused: Option<Error>,
    },
    /// No usable list.
    Failed {
        /// Why.
        error: Error,
        /// When loading last failed.
        at: UnixTime,
    },
    /// The build pins no trust anchor: nothing can be trusted.
    NoAnchor,
}

impl ListState {
    /// The lists in use, if any.
    pub fn lists(&self) -> Option<&Rc<Lists>> {
        match self {
            ListState::Ready { lists, .. } => Some(lists),
            _ => None,
        }
    }
}

/// The index and every signed file with its signature: (path, path of the file to fetch).
pub fn list_paths() -> Vec<String> {
    std::iter::once(hcert::INDEX_PATH)
        .chain(hcert::LIST_FILES)
        .flat_map(|p| [p.to_string(), format!("{p}.sig")])
        .collect()
}

/// The signing inputs and signatures (`r‖s`) of a bundle's signature files, for the browser to
/// check with the anchor's key (WebCrypto) before [`hcert::load_lists`] runs: that check is
/// asynchronous, `load_lists` is not. A malformed signature file yields nothing here, and
/// `load_lists` then reports it.
pub fn signed_statements(bundle: &Bundle) -> Vec<(Vec<u8>, Vec<u8>)> {
    std::iter::once(&bundle.index)
        .chain(&bundle.files)
        .filter_map(|f| hcert::signed_statement(&f.signature))
        .collect()
}

/// The anchor's key as the browser checked it: it verifies exactly the ES256 signatures the
/// browser's cryptography confirmed ([`signed_statements`]), and nothing else, so a list whose
/// signature was not confirmed fails to load. Built per load; nothing is remembered.
pub struct Confirmed(pub Vec<(Vec<u8>, Vec<u8>)>);

impl hcert::VerifyingKey for Confirmed {
    fn verify(&self, alg: hcert::Algorithm, message: &[u8], signature: &[u8]) -> bool {
        alg == hcert::Algorithm::Es256
            && self
                .0
                .iter()
                .any(|(m, s)| m.as_slice() == message && s.as_slice() == signature)
    }
}

/// The revocation slices a set of files names (from its revocation manifest).
pub fn slice_paths(files: &[(String, Vec<u8>)]) -> Vec<String> {
    files
        .iter()
        .find(|(p, _)| p == hcert::REVOCATION_PATH)
        .and_then(|(_, b)| hcert::filter_slice_paths(b).ok())
        .unwrap_or_default()
}

/// The downloaded or saved files (path, bytes) as a bundle; `None` when one is missing.
pub fn bundle_from(mut files: Vec<(String, Vec<u8>)>) -> Option<Bundle> {
    let slices = slice_paths(&files);
    let mut take = |path: &str| {
        let i = files.iter().position(|(p, _)| p == path)?;
        Some(files.swap_remove(i).1)
    };
    let mut file = |path: &str| -> Option<SignedFile> {
        Some(SignedFile {
            path: path.to_string(),
            content: take(path)?,
            signature: take(&format!("{path}.sig"))?,
        })
    };
    let index = file(hcert::INDEX_PATH)?;
    let signed = hcert::LIST_FILES
        .iter()
        .map(|p| file(p))
        .collect::<Option<Vec<_>>>()?;
    let slices = slices
        .into_iter()
        .map(|p| take(&p).map(|b| (p, b)))
        .collect::<Option<Vec<_>>>()?;
    Some(Bundle {
        index,
        files: signed,
        slices,
    })
}

/// Every file of a bundle as (path, bytes), in the order to save it: the slices first and the
/// index last, so that a saved index never names a slice that is not saved yet.
pub fn bundle_files(b: &Bundle) -> Vec<(String, &[u8])> {
    b.slices
        .iter()
        .map(|(p, c)| (p.clone(), c.as_slice()))
        .chain(
            b.files
                .iter()
                .chain(std::iter::once(&b.index))
                .flat_map(|f| {
                    [
                        (f.path.clone(), f.content.as_slice()),
                        (format!("{}.sig", f.path), f.signature.as_slice()),
                    ]
                }),
        )
        .collect()
}

/// Prefix of the Cache API caches holding a saved copy of the lists. Each save writes a new
/// cache ([`copy_name`]) and only then switches to it, so an interrupted save leaves the
/// previous copy whole and current, never a mix.
pub const COPY_PREFIX: &str = "vaxpass-lists-";

/// The cache name of a new saved copy.
pub fn copy_name(sequence: u64, now: UnixTime) -> String {
    format!("{COPY_PREFIX}{sequence}-{}", now.0)
}

/// The saved copies to delete once `current` is in use: every other list cache.
pub fn stale_copies(names: &[String], current: &str) -> Vec<String> {
    names
        .iter()
        .filter(|n| n.starts_with(COPY_PREFIX) && n.as_str() != current)
        .cloned()
        .collect()
}

/// Whether a network copy that failed this way is worth downloading again: only a digest
/// mismatch (files of two publications mixed) is; anything else would fail the same way.
pub fn retry_after(e: &Error) -> bool {
    matches!(
        e,
        Error::TrustListInvalid {
            kind: TrustListErrorKind::Digest,
            ..
        }
    )
}

/// What to show when neither copy could be used: the first error seen, or "could not be
/// downloaded".
pub fn failure(first_error: Option<Error>, now: UnixTime) -> ListState {
    ListState::Failed {
        error: first_error.unwrap_or(Error::TrustListInvalid {
            kind: TrustListErrorKind::Malformed,
            reason: "the trust list could not be downloaded".into(),
        }),
        at: now,
    }
}

/// Seconds between attempts while no list could be loaded: often enough that a counter
/// recovers soon after the network does, rarely enough not to load a server that is down.
pub const RETRY_FAILED_AFTER: i64 = 600;

/// Whether to fetch the lists again now: at their planned update, hourly while online, at
/// expiry (`hcert::refresh_due`), and every [`RETRY_FAILED_AFTER`] seconds while none is in
/// use. (Coming back online also triggers a fetch, in the browser glue.)
pub fn refresh_due(state: &ListState, now: UnixTime) -> bool {
    match state {
        ListState::Ready {
            lists, fetched_at, ..
        } => hcert::refresh_due(lists, *fetched_at, now),
        ListState::Loading | ListState::NoAnchor => false,
        ListState::Failed { at, .. } => now.0 - at.0 >= RETRY_FAILED_AFTER,
    }
}
