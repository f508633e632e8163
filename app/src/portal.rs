//! What the portal decides about one scan, natively tested: which trust store a certificate is
//! verified against, what keeps an answer from counting (no anchor, no list, a bad audit
//! time), and the verdict itself, with the signature arithmetic injected so that the browser
//! can answer ES256 checks through WebCrypto (asynchronous) before `hcert` decides.

use hcert::{Decoded, Error, SignatureCheck, TrustStore, UnixTime, Verdict};

use crate::lists::ListState;

/// Why a verdict may not count: the result is then CANNOT VERIFY whatever it says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blocked {
    /// The build pins no trust anchor.
    NoAnchor,
    /// No usable trust list.
    NoList,
    /// The `?at=` audit time does not parse.
    AuditInvalid,
}

/// A scanned text, decoded, with the signature checks its verdict will ask for.
#[derive(Debug)]
pub struct Prepared {
    text: String,
    decoded: Option<Decoded>,
    /// The checks, in the order the verdict asks; empty when decoding failed or no list is in
    /// use.
    pub checks: Vec<SignatureCheck>,
}

/// The result of one scan.
#[derive(Debug, Clone)]
pub struct Verification {
    /// The verdict (always computed: its checks are shown even when it cannot count).
    pub verdict: Verdict,
    /// Set when the answer must be CANNOT VERIFY.
    pub blocked: Option<Blocked>,
    /// Why no list is usable, when that is the block.
    pub list_error: Option<Error>,
}

/// Decodes `text` and lists the signatures to check against the lists in use.
pub fn prepare(text: String, state: &ListState) -> Prepared {
    let decoded = hcert::decode(&text).ok();
    let checks = match (&decoded, state.lists()) {
        (Some(d), Some(lists)) => hcert::signature_checks(d, &lists.store),
        _ => Vec::new(),
    };
    Prepared {
        text,
        decoded,
        checks,
    }
}

/// Verifies a prepared scan. `answers` holds, per [`SignatureCheck::index`], what the
/// browser's own cryptography found (`None`: not answered; the store's backend decides, and
/// the browser build has none, so an unanswered check makes the verdict CANNOT VERIFY).
/// `audit` is the parsed `?at=` parameter: the certificate is judged at that moment, the
/// lists always at `now`.
pub fn verify(
    prepared: Prepared,
    state: &ListState,
    audit: Option<&Result<UnixTime, String>>,
    now: UnixTime,
    answers: &[(usize, Option<bool>)],
) -> Verification {
    let (at, audit_bad) = match audit {
        None => (now, false),
        Some(Ok(t)) => (*t, false),
        Some(Err(_)) => (now, true),
    };
    let empty = TrustStore::new();
    let (store, blocked, list_error) = match state {
        ListState::Ready { lists, .. } => (
            &lists.store,
            audit_bad.then_some(Blocked::AuditInvalid),
            None,
        ),
        ListState::NoAnchor => (&empty, Some(Blocked::NoAnchor), None),
        ListState::Failed { error, .. } => (&empty, Some(Blocked::NoList), Some(error.clone())),
        ListState::Loading => (&empty, Some(Blocked::NoList), None),
    };
    let answer = |index: usize| {
        answers
            .iter()
            .find(|(i, _)| *i == index)
            .and_then(|(_, a)| *a)
    };
    let verdict = match prepared.decoded {
        Some(d) => hcert::verify_decoded_with(d, store, at, now, answer),
        None => hcert::verify_as_of(&prepared.text, store, at, now),
    };
    Verification {
        verdict,
        blocked,
        list_error,
    }
}
