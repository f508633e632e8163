//! Decoding the whole chain and verifying a certificate (HCERT.md §2.4).
//!
//! The verdict lists every check with its outcome; [`Verdict::status`] is `Valid` only when
//! every check passed. Nothing is skipped silently: a check that could not run is
//! `NotApplicable` with the reason, and that alone prevents a valid verdict.
//!
//! A `Warning` is a finding shown with its own code that never prevents a valid verdict:
//!
//! * **Value sets** (HCERT.md §8), when the trust store holds a catalog: every coded field
//!   (`tg`, `vp`, `mp`, `ma`, `co`, `tt`, `tr`) is looked up. An unknown code, or a code that
//!   is not text, fails the check (`VALUESET_UNKNOWN_CODE`, `VALUESET_CODE_NOT_STRING`) and
//!   makes the certificate NOT VALID, because the EU test suite (dgc-testdata) treats such
//!   payloads as failing schema validation (`EXPECTEDSCHEMAVALIDATION: false`). A deprecated
//!   code and every plausibility finding (`mp` and `ma` that do not belong together, `dn` >
//!   `sd`, vaccinated before vaccines existed or before birth, dates after the verification
//!   time, odd recovery validity) are warnings: the data is odd, not forged, and turning
//!   away a valid traveller is a failure too. A value set the catalog lacks leaves its field
//!   `NotCovered`. Each finding is its own [`CheckId::ValueSets`] line, failures first; with
//!   no finding the check passed. Without a catalog the line says the codes were not checked
//!   (`NotCovered`, `VALUESETS_NOT_LOADED`), which does not by itself prevent VALID.
//! * **Signer validity**: a certificate whose `exp` outlives its signer certificate's
//!   `notAfter` is a warning (`OUTLIVES_SIGNER`), as the EU suite and the reference apps
//!   accept it; one issued before the signer's `notBefore` still fails.

use crate::certificate_type::CertificateType;
use crate::decode::chain::{decode, Decoded};
use crate::decode::cose::{Algorithm, CoseSign1};
use crate::decode::cwt::Claims;
use crate::error::{Error, Result, TrustListErrorKind};
use crate::freshness::check_current;
use crate::rules::{Finding, FindingCode, ValueSetCatalog};
use crate::time::UnixTime;
use crate::verify::crypto::check_key_and_signature;
use crate::verify::schema;
use crate::verify::trust::{TrustStore, TrustedSigner};
use serde_json::Value;

/// The checks of a verdict, in the order they are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum CheckId {
    /// The trust list is current.
    TrustList,
    /// Prefix, Base45, zlib, COSE, CWT and payload decode.
    Decode,
    /// A trusted signer with the kid made the signature.
    Signature,
    /// `iat ≤ time ≤ exp`.
    Validity,
    /// The signer certificate was valid from `iat` through `exp`.
    SignerValidity,
    /// The signer may sign this type of certificate.
    KeyUsage,
    /// Exactly one vaccination, test or recovery entry.
    Content,
    /// The payload follows the DCC schema of its version.
    Schema,
    /// The certificate is not on the revocation list (only when the trust store has one).
    Revocation,
    /// Coded fields are in the value sets in force, and the payload is plausible (only when
    /// the trust store holds value sets). May appear once per finding.
    ValueSets,
}

impl CheckId {
    /// A stable lower-case name.
    pub fn code(self) -> &'static str {
        match self {
            CheckId::TrustList => "trust_list",
            CheckId::Decode => "decode",
            CheckId::Signature => "signature",
            CheckId::Validity => "validity",
            CheckId::SignerValidity => "signer_validity",
            CheckId::KeyUsage => "key_usage",
            CheckId::Content => "content",
            CheckId::Schema => "schema",
            CheckId::Revocation => "revocation",
            CheckId::ValueSets => "value_sets",
        }
    }
}

/// The outcome of one check.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The check passed.
    Passed,
    /// The check failed.
    Failed(Error),
    /// The check could not run; the reason says why. Prevents a valid verdict.
    NotApplicable(&'static str),
    /// The check has no data for this certificate (revocation data of another country than
    /// its issuer's): shown as not checked, never as passed. It does not by itself prevent a
    /// valid verdict, as verifiers hold revocation data only for some issuers.
    NotCovered(Error),
    /// The check passed with a finding worth showing (a deprecated code, implausible data, a
    /// certificate outliving its signer): always shown with its code, never prevents a valid
    /// verdict.
    Warning(Error),
}

/// One line of a verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// Which check.
    pub id: CheckId,
    /// Its outcome.
    pub outcome: Outcome,
}

/// The overall answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Every check passed.
    Valid,
    /// A check failed: the certificate must not be accepted.
    Invalid,
    /// It could not be checked (signer unknown, trust list out of date).
    CannotVerify,
}

/// The signer that verified a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignerSummary {
    /// Key identifier, Base64.
    pub kid: String,
    /// Country.
    pub country: Option<String>,
    /// Certificate subject.
    pub subject: String,
    /// Certificate validity start.
    pub not_before: UnixTime,
    /// Certificate validity end.
    pub not_after: UnixTime,
    /// Types it may sign.
    pub allowed_types: Vec<CertificateType>,
}

/// The result of verifying one certificate.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// The time verified against.
    pub at: UnixTime,
    /// Every check, in [`CheckId`] order.
    pub checks: Vec<Check>,
    /// The decoded certificate, when decoding succeeded.
    pub decoded: Option<Decoded>,
    /// The signer whose signature verified.
    pub signer: Option<SignerSummary>,
}

impl Verdict {
    /// Valid only when every check passed; cannot-verify when the only failures are an
    /// unknown signer or an out-of-date trust list; invalid otherwise.
    pub fn status(&self) -> Status {
        let mut cannot = false;
        for c in &self.checks {
            match &c.outcome {
                Outcome::Passed | Outcome::NotCovered(_) | Outcome::Warning(_) => {}
                Outcome::NotApplicable(_) => cannot = true,
                Outcome::Failed(Error::SignerUnknown { .. })
                | Outcome::Failed(Error::CryptoUnavailable { .. })
                | Outcome::Failed(Error::TrustListInvalid { .. }) => cannot = true,
                Outcome::Failed(_) => return Status::Invalid,
            }
        }
        if cannot || self.checks.is_empty() {
            Status::CannotVerify
        } else {
            Status::Valid
        }
    }

    /// Whether every check passed.
    pub fn is_valid(&self) -> bool {
        self.status() == Status::Valid
    }

    /// The error to show first: the first failed check that decides the status.
    pub fn reason(&self) -> Option<&Error> {
        let failures = || {
            self.checks.iter().filter_map(|c| match &c.outcome {
                Outcome::Failed(e) => Some(e),
                _ => None,
            })
        };
        match self.status() {
            Status::Valid => None,
            Status::Invalid => {
                // Altered content breaks the zlib checksum and the signature alike; "the
                // signature does not match" is the reason that tells the reader what happened.
                let altered = failures().find(|e| matches!(e, Error::SignatureInvalid));
                let checksum = failures().any(|e| matches!(e, Error::CompressionCorrupt));
                match altered {
                    Some(sig) if checksum => Some(sig),
                    _ => failures().find(|e| {
                        !matches!(
                            e,
                            Error::SignerUnknown { .. }
                                | Error::CryptoUnavailable { .. }
                                | Error::TrustListInvalid { .. }
                        )
                    }),
                }
            }
            Status::CannotVerify => failures().next(),
        }
    }

    /// The outcome of one check (the first line of a check listed several times).
    pub fn outcome(&self, id: CheckId) -> Option<&Outcome> {
        self.checks.iter().find(|c| c.id == id).map(|c| &c.outcome)
    }

    /// Every warning, in check order: findings to show beside the answer, whatever it is.
    pub fn warnings(&self) -> impl Iterator<Item = &Error> {
        self.checks.iter().filter_map(|c| match &c.outcome {
            Outcome::Warning(e) => Some(e),
            _ => None,
        })
    }
}

/// Decodes and verifies `HC1:` text against `trust` at time `at`.
pub fn verify(text: &str, trust: &TrustStore, at: UnixTime) -> Verdict {
    verify_as_of(text, trust, at, at)
}

/// Audit verification: the certificate is judged as of `at` (a past or future moment), while
/// the trust list's own freshness is judged at `now`, the real time. A list that is current
/// today may be used to audit last year's certificates; an expired list is refused whatever
/// `at` says.
pub fn verify_as_of(text: &str, trust: &TrustStore, at: UnixTime, now: UnixTime) -> Verdict {
    match decode(text) {
        Ok(decoded) => verify_decoded_as_of(decoded, trust, at, now),
        Err(e) => {
            let mut checks = vec![trust_list_check(trust, now)];
            checks.push(Check {
                id: CheckId::Decode,
                outcome: Outcome::Failed(e),
            });
            for id in [
                CheckId::Signature,
                CheckId::Validity,
                CheckId::SignerValidity,
                CheckId::KeyUsage,
                CheckId::Content,
                CheckId::Schema,
            ] {
                checks.push(Check {
                    id,
                    outcome: Outcome::NotApplicable("the certificate could not be decoded"),
                });
            }
            if trust.revocations.is_some() {
                checks.push(Check {
                    id: CheckId::Revocation,
                    outcome: Outcome::NotApplicable("the certificate could not be decoded"),
                });
            }
            if trust.value_sets.is_some() {
                checks.push(Check {
                    id: CheckId::ValueSets,
                    outcome: Outcome::NotApplicable("the certificate could not be decoded"),
                });
            }
            Verdict {
                at,
                checks,
                decoded: None,
                signer: None,
            }
        }
    }
}

fn trust_list_check(trust: &TrustStore, at: UnixTime) -> Check {
    let outcome = outcome(check_current(
        "trust list",
        trust.issued,
        trust.expires,
        at,
        TrustListErrorKind::Expired,
    ));
    Check {
        id: CheckId::TrustList,
        outcome,
    }
}

/// One signature a verdict needs checked: a candidate signer (by its kid) and what it must
/// have signed. [`signature_checks`] lists them; a caller with its own cryptography (the
/// browser's WebCrypto, which is asynchronous) computes the answers first and passes them to
/// [`verify_decoded_with`], as coset's `verify_signature` takes the check as a closure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureCheck {
    /// Position among the candidates for the kid, in trust-store order.
    pub index: usize,
    /// The algorithm the COSE header names.
    pub algorithm: Algorithm,
    /// The candidate's SubjectPublicKeyInfo, DER.
    pub spki: Vec<u8>,
    /// The bytes the signature covers (the COSE `Sig_structure`).
    pub message: Vec<u8>,
    /// The signature, as the certificate carries it.
    pub signature: Vec<u8>,
}

/// The signature checks [`verify_decoded_with`] will ask for, in the order it asks: one per
/// candidate signer whose key type fits the algorithm. Empty when the header is unusable or
/// no signer has the kid.
pub fn signature_checks(decoded: &Decoded, trust: &TrustStore) -> Vec<SignatureCheck> {
    let (Ok(algorithm), Ok(kid)) = (decoded.cose.algorithm(), decoded.cose.kid()) else {
        return Vec::new();
    };
    let message = decoded.cose.signed_bytes();
    trust
        .candidates(&kid)
        .enumerate()
        .filter(|(_, s)| {
            check_key_and_signature(algorithm, &s.public_key, decoded.cose.signature()).is_ok()
        })
        .map(|(index, s)| SignatureCheck {
            index,
            algorithm,
            spki: s.public_key.spki_der.clone(),
            message: message.clone(),
            signature: decoded.cose.signature().to_vec(),
        })
        .collect()
}

/// Finds the trusted signer whose key verifies the signature: every candidate with the kid is
/// tried (hcert_spec §3.3.3), through the trust store's backend. The error, when none
/// verifies, is the most telling one seen. One stage of [`verify`], for test-suite runners.
pub fn check_signature<'t>(cose: &CoseSign1, trust: &'t TrustStore) -> Result<&'t TrustedSigner> {
    check_signature_with(cose, trust, &mut |_| None)
}

/// [`check_signature`] with injected answers: `verify` receives the index of each candidate
/// tried and says whether its signature verifies, or `None` to use the trust store's backend.
fn check_signature_with<'t>(
    cose: &CoseSign1,
    trust: &'t TrustStore,
    verify: &mut dyn FnMut(usize) -> Option<bool>,
) -> Result<&'t TrustedSigner> {
    let alg = cose.algorithm()?;
    let kid = cose.kid()?;
    let message = cose.signed_bytes();
    let mut best: Option<Error> = None;
    for (index, signer) in trust.candidates(&kid).enumerate() {
        let attempt = check_key_and_signature(alg, &signer.public_key, cose.signature())
            .and_then(|()| match verify(index) {
                Some(answer) => Ok(answer),
                None => signer
                    .key()
                    .map_err(Clone::clone)
                    .map(|key| key.verify(alg, &message, cose.signature())),
            })
            .and_then(|ok| {
                if ok {
                    Ok(())
                } else {
                    Err(Error::SignatureInvalid)
                }
            });
        match attempt {
            Ok(()) => return Ok(signer),
            // A mismatch with a usable key of the right type outranks other problems.
            Err(e @ Error::SignatureInvalid) => best = Some(e),
            Err(e) => {
                best.get_or_insert(e);
            }
        }
    }
    Err(best.unwrap_or_else(|| Error::SignerUnknown {
        kid: base64_kid(&kid),
    }))
}

fn base64_kid(kid: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(kid)
}

/// `iat ≤ at ≤ exp` (hcert_spec §3.3.4–3.3.5). One stage of [`verify`].
pub fn check_validity(claims: &Claims, at: UnixTime) -> Result<()> {
    let iat = claims.iat.ok_or(Error::ClaimMissing { claim: "iat" })?;
    let exp = claims.exp.ok_or(Error::ClaimMissing { claim: "exp" })?;
    if at < iat {
        return Err(Error::NotYetValid { iat: iat.0 });
    }
    if at > exp {
        return Err(Error::Expired { exp: exp.0 });
    }
    Ok(())
}

/// The signer certificate covers `iat … exp` (hcert_spec §5: a DSC's validity must cover
/// every DCC it signs). The verdict shows `OutlivesSigner` as a warning only (module doc).
pub fn check_signer_validity(
    claims: &Claims,
    not_before: UnixTime,
    not_after: UnixTime,
) -> Result<()> {
    let iat = claims.iat.ok_or(Error::ClaimMissing { claim: "iat" })?;
    let exp = claims.exp.ok_or(Error::ClaimMissing { claim: "exp" })?;
    if iat < not_before {
        return Err(Error::IssuedBeforeSigner {
            iat: iat.0,
            signer_not_before: not_before.0,
        });
    }
    if exp > not_after {
        return Err(Error::OutlivesSigner {
            exp: exp.0,
            signer_not_after: not_after.0,
        });
    }
    Ok(())
}

/// The signer may sign `certificate_type`. One stage of [`verify`].
pub fn check_key_usage(
    certificate_type: CertificateType,
    allowed: Vec<CertificateType>,
) -> Result<()> {
    if allowed.contains(&certificate_type) {
        Ok(())
    } else {
        Err(Error::KeyUsageMismatch {
            certificate_type: certificate_type.code(),
            allowed: CertificateType::codes(&allowed),
        })
    }
}

fn outcome(r: Result<()>) -> Outcome {
    match r {
        Ok(()) => Outcome::Passed,
        Err(e) => Outcome::Failed(e),
    }
}

/// Verifies an already decoded certificate.
pub fn verify_decoded(decoded: Decoded, trust: &TrustStore, at: UnixTime) -> Verdict {
    verify_decoded_as_of(decoded, trust, at, at)
}

/// [`verify_decoded`] with the trust list judged at `now` (see [`verify_as_of`]).
pub fn verify_decoded_as_of(
    decoded: Decoded,
    trust: &TrustStore,
    at: UnixTime,
    now: UnixTime,
) -> Verdict {
    verify_decoded_with(decoded, trust, at, now, |_| None)
}

/// [`verify_decoded_as_of`] with the signature arithmetic injected: `answer` receives the
/// [`SignatureCheck::index`] of each candidate tried and returns whether that signature
/// verifies, or `None` to let the trust store's backend decide. Callers precompute the
/// answers from [`signature_checks`]; everything else (which candidates, key policy, the
/// verdict) is decided here as for every other caller.
pub fn verify_decoded_with(
    decoded: Decoded,
    trust: &TrustStore,
    at: UnixTime,
    now: UnixTime,
    mut answer: impl FnMut(usize) -> Option<bool>,
) -> Verdict {
    let mut checks = vec![
        trust_list_check(trust, now),
        Check {
            id: CheckId::Decode,
            outcome: if decoded.checksum_ok {
                Outcome::Passed
            } else {
                Outcome::Failed(Error::CompressionCorrupt)
            },
        },
    ];
    let signer = check_signature_with(&decoded.cose, trust, &mut answer);
    let entry = decoded.dcc.single_entry();
    let (signer_summary, signer_validity, key_usage) = match &signer {
        Ok(s) => {
            let allowed = s.allowed_types();
            let signer_validity =
                match check_signer_validity(&decoded.claims, s.not_before, s.not_after) {
                    Err(e @ Error::OutlivesSigner { .. }) => Outcome::Warning(e),
                    r => outcome(r),
                };
            let key_usage = match decoded.dcc.certificate_type() {
                Some(t) => outcome(check_key_usage(t, allowed.clone())),
                None => Outcome::NotApplicable("the certificate type is unclear"),
            };
            (
                Some(SignerSummary {
                    kid: s.kid_base64(),
                    country: s.country.clone(),
                    subject: s.subject.clone(),
                    not_before: s.not_before,
                    not_after: s.not_after,
                    allowed_types: allowed,
                }),
                signer_validity,
                key_usage,
            )
        }
        Err(_) => (
            None,
            Outcome::NotApplicable("no trusted signer verified the signature"),
            Outcome::NotApplicable("no trusted signer verified the signature"),
        ),
    };
    checks.push(Check {
        id: CheckId::Signature,
        outcome: outcome(signer.map(|_| ())),
    });
    checks.push(Check {
        id: CheckId::Validity,
        outcome: outcome(check_validity(&decoded.claims, at)),
    });
    checks.push(Check {
        id: CheckId::SignerValidity,
        outcome: signer_validity,
    });
    checks.push(Check {
        id: CheckId::KeyUsage,
        outcome: key_usage,
    });
    checks.push(Check {
        id: CheckId::Content,
        outcome: outcome(entry.map(|_| ())),
    });
    checks.push(Check {
        id: CheckId::Schema,
        outcome: outcome(schema::validate(&decoded.dcc.json).map(|_| ())),
    });
    if let Some(list) = &trust.revocations {
        checks.push(Check {
            id: CheckId::Revocation,
            outcome: match list.check(&decoded, now) {
                Err(e @ Error::RevocationNotCovered { .. }) => Outcome::NotCovered(e),
                r => outcome(r),
            },
        });
    }
    match &trust.value_sets {
        Some(catalog) => checks.extend(
            check_value_sets(catalog, &decoded.dcc.json, at)
                .into_iter()
                .map(|outcome| Check {
                    id: CheckId::ValueSets,
                    outcome,
                }),
        ),
        // Said, not hidden: a verifier without value sets has not checked the codes. Like
        // revocation data of another country, this does not by itself prevent VALID.
        None => checks.push(Check {
            id: CheckId::ValueSets,
            outcome: Outcome::NotCovered(Error::ValueSetsNotLoaded),
        }),
    }
    Verdict {
        at,
        checks,
        decoded: Some(decoded),
        signer: signer_summary,
    }
}

/// The value-set and plausibility findings of `payload` at `at` as verdict outcomes (module
/// doc): unknown or non-text codes `Failed`, fields whose value set is missing `NotCovered`,
/// deprecated codes and plausibility findings `Warning`; in that order, payload order within
/// each. `[Passed]` when there is nothing to report. One stage of [`verify`].
pub fn check_value_sets(catalog: &ValueSetCatalog, payload: &Value, at: UnixTime) -> Vec<Outcome> {
    let mut out: Vec<Outcome> = catalog
        .check_payload_at(payload, at)
        .into_iter()
        .map(finding_outcome)
        .collect();
    let rank = |o: &Outcome| match o {
        Outcome::Failed(_) => 0,
        Outcome::NotApplicable(_) => 1,
        Outcome::NotCovered(_) => 2,
        Outcome::Warning(_) => 3,
        Outcome::Passed => 4,
    };
    out.sort_by_key(rank);
    if out.is_empty() {
        out.push(Outcome::Passed);
    }
    out
}

fn finding_outcome(f: Finding) -> Outcome {
    let value_set = f.value_set.unwrap_or_default();
    let kind = match f.code {
        FindingCode::UnknownCode => {
            return Outcome::Failed(Error::ValueSetUnknownCode {
                field: f.field,
                code: f.value,
                value_set,
            })
        }
        FindingCode::CodeNotString => {
            return Outcome::Failed(Error::ValueSetCodeNotString {
                field: f.field,
                value: f.value,
                value_set,
            })
        }
        FindingCode::ValueSetUnavailable => {
            return Outcome::NotCovered(Error::ValueSetUnavailable {
                field: f.field,
                value_set,
            })
        }
        FindingCode::DeprecatedCode => {
            return Outcome::Warning(Error::ValueSetDeprecatedCode {
                field: f.field,
                code: f.value,
                value_set,
            })
        }
        FindingCode::Implausible(kind) => kind,
    };
    Outcome::Warning(Error::Implausible {
        kind,
        field: f.field,
        value: f.value,
        expected: f.expected,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::PlausibilityKind;

    /// Every finding becomes an outcome whose error carries the finding's own code, and
    /// only unknown or non-text codes fail.
    #[test]
    fn findings_keep_their_codes() {
        let all = [
            FindingCode::UnknownCode,
            FindingCode::DeprecatedCode,
            FindingCode::CodeNotString,
            FindingCode::ValueSetUnavailable,
        ]
        .into_iter()
        .chain(PlausibilityKind::ALL.map(FindingCode::Implausible));
        let mut kinds = Vec::new();
        for code in all {
            let outcome = finding_outcome(Finding {
                code,
                field: "v.0.ma".into(),
                value: "x".into(),
                value_set: Some("s".into()),
                expected: None,
            });
            let (e, failed) = match &outcome {
                Outcome::Failed(e) => (e, true),
                Outcome::Warning(e) | Outcome::NotCovered(e) => (e, false),
                other => panic!("{code:?}: {other:?}"),
            };
            assert_eq!(e.code(), code.code());
            assert_eq!(e.stage(), crate::error::Stage::ValueSets);
            assert_eq!(
                failed,
                matches!(code, FindingCode::UnknownCode | FindingCode::CodeNotString),
                "{code:?}"
            );
            if let Error::Implausible { kind, .. } = e {
                kinds.push(*kind);
            }
        }
        assert_eq!(kinds, PlausibilityKind::ALL);
    }
}
