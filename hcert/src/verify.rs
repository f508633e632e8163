//! Decoding the whole chain and verifying a certificate (HCERT.md §2.4).
//!
//! The verdict lists every check with its outcome; [`Verdict::status`] is `Valid` only when
//! every check passed. Nothing is skipped silently: a check that could not run is
//! `NotApplicable` with the reason, and that alone prevents a valid verdict.

use crate::cose::{self, CoseSign1};
use crate::crypto::check_key_and_signature;
use crate::cwt::{self, Claims};
use crate::error::{Error, Result, TrustListErrorKind};
use crate::payload::Dcc;
use crate::time::UnixTime;
use crate::trust::{TrustStore, TrustedSigner};
use crate::{base45, prefix, schema, zlib, CertificateType};

/// Resource limits for decoding untrusted input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest accepted input text in bytes. The largest QR code holds 4,296 alphanumeric
    /// characters, so nothing longer can be a certificate.
    pub max_input: usize,
    /// Largest inflated COSE message. Real certificates inflate to well under 4 KiB.
    pub max_inflated: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input: 8 * 1024,
            max_inflated: 64 * 1024,
        }
    }
}

/// A certificate decoded down to its payload, not yet verified.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The zlib-compressed COSE bytes (after Base45).
    pub compressed: Vec<u8>,
    /// The COSE_Sign1 message.
    pub cose: CoseSign1,
    /// The CWT claims.
    pub claims: Claims,
    /// The DCC payload.
    pub dcc: Dcc,
    /// Whether the zlib stream's Adler-32 checksum matched. A mismatch fails the decode check;
    /// when the signature fails too, the signature is named as the reason (the content was
    /// altered, not merely the checksum).
    pub checksum_ok: bool,
}

/// Decodes `HC1:` text with default limits.
pub fn decode(text: &str) -> Result<Decoded> {
    decode_with(text, Limits::default())
}

/// Decodes `HC1:` text: prefix, Base45, zlib, COSE_Sign1, CWT, DCC. Line breaks and tabs
/// around the text are ignored (spaces are not: a space is a Base45 digit).
pub fn decode_with(text: &str, limits: Limits) -> Result<Decoded> {
    let text = text.trim_matches(|c| matches!(c, '\r' | '\n' | '\t'));
    if text.len() > limits.max_input {
        return Err(Error::InputTooLarge {
            len: text.len(),
            max: limits.max_input,
        });
    }
    if text.trim().is_empty() {
        return Err(Error::InputEmpty);
    }
    let b45 = prefix::strip_prefix(text.trim_start())?;
    let compressed = base45::decode(b45)?;
    let (cose_bytes, checksum_ok) = zlib::inflate_checked(&compressed, limits.max_inflated)?;
    let cose = cose::decode_sign1(&cose_bytes)?;
    let (claims, dcc) = cwt::decode_claims(&cose.payload)?;
    let dcc = Dcc::from_cbor(dcc)?;
    Ok(Decoded {
        compressed,
        cose,
        claims,
        dcc,
        checksum_ok,
    })
}

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
        }
    }

    /// What the check establishes, in plain English.
    pub fn title(self) -> &'static str {
        match self {
            CheckId::TrustList => "Trust list is up to date",
            CheckId::Decode => "QR code content is readable",
            CheckId::Signature => "Signed by a trusted authority",
            CheckId::Validity => "Within its validity period",
            CheckId::SignerValidity => "Issued while the signing key was valid",
            CheckId::KeyUsage => "Signer may issue this type of certificate",
            CheckId::Content => "Holds exactly one record",
            CheckId::Schema => "Follows the EU data format",
            CheckId::Revocation => "Not revoked by its issuer",
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
    /// The check could not run; the reason says why.
    NotApplicable(&'static str),
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
                Outcome::Passed => {}
                Outcome::NotApplicable(_) => cannot = true,
                Outcome::Failed(Error::SignerUnknown { .. })
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
                            Error::SignerUnknown { .. } | Error::TrustListInvalid { .. }
                        )
                    }),
                }
            }
            Status::CannotVerify => failures().next(),
        }
    }

    /// The outcome of one check.
    pub fn outcome(&self, id: CheckId) -> Option<&Outcome> {
        self.checks.iter().find(|c| c.id == id).map(|c| &c.outcome)
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
    let outcome = match (trust.issued, trust.expires) {
        (_, Some(exp)) if at > exp => Outcome::Failed(Error::TrustListInvalid {
            kind: TrustListErrorKind::Expired,
            reason: format!("trust list expired at {}", exp.rfc3339()),
        }),
        (Some(iat), _) if at < iat => Outcome::Failed(Error::TrustListInvalid {
            kind: TrustListErrorKind::NotYetValid,
            reason: format!("trust list issued at {}", iat.rfc3339()),
        }),
        _ => Outcome::Passed,
    };
    Check {
        id: CheckId::TrustList,
        outcome,
    }
}

/// Finds the trusted signer whose key verifies the signature: every candidate with the kid is
/// tried (hcert_spec §3.3.3). The error, when none does, is the most telling one seen.
pub fn check_signature<'t>(cose: &CoseSign1, trust: &'t TrustStore) -> Result<&'t TrustedSigner> {
    let alg = cose.algorithm()?;
    let kid = cose.kid()?;
    let message = cose.signed_bytes();
    let mut best: Option<Error> = None;
    for signer in trust.candidates(&kid) {
        let attempt = check_key_and_signature(alg, &signer.public_key, &cose.signature)
            .and_then(|()| signer.key().map_err(Clone::clone))
            .and_then(|key| {
                if key.verify(alg, &message, &cose.signature) {
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

/// `iat ≤ at ≤ exp` (hcert_spec §3.3.4–3.3.5).
pub fn check_validity(claims: &Claims, at: UnixTime) -> Result<()> {
    let iat = claims.iat.ok_or(Error::ClaimMissing { claim: "iat" })?;
    let exp = claims.exp.ok_or(Error::ClaimMissing { claim: "exp" })?;
    if at < iat {
        return Err(Error::NotYetValid { iat });
    }
    if at > exp {
        return Err(Error::Expired { exp });
    }
    Ok(())
}

/// The signer certificate covers `iat … exp` (hcert_spec §5: a DSC's validity must cover
/// every DCC it signs).
pub fn check_signer_validity(
    claims: &Claims,
    not_before: UnixTime,
    not_after: UnixTime,
) -> Result<()> {
    let iat = claims.iat.ok_or(Error::ClaimMissing { claim: "iat" })?;
    let exp = claims.exp.ok_or(Error::ClaimMissing { claim: "exp" })?;
    if iat < not_before {
        return Err(Error::IssuedBeforeSigner {
            iat,
            signer_not_before: not_before,
        });
    }
    if exp > not_after {
        return Err(Error::OutlivesSigner {
            exp,
            signer_not_after: not_after,
        });
    }
    Ok(())
}

/// The signer may sign `certificate_type`.
pub fn check_key_usage(
    certificate_type: CertificateType,
    allowed: Vec<CertificateType>,
) -> Result<()> {
    if allowed.contains(&certificate_type) {
        Ok(())
    } else {
        Err(Error::KeyUsageMismatch {
            certificate_type,
            allowed,
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
    let signer = check_signature(&decoded.cose, trust);
    let entry = decoded.dcc.single_entry();
    let (signer_summary, signer_validity, key_usage) = match &signer {
        Ok(s) => {
            let allowed = s.allowed_types();
            let signer_validity = outcome(check_signer_validity(
                &decoded.claims,
                s.not_before,
                s.not_after,
            ));
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
            outcome: outcome(list.check(&decoded, now)),
        });
    }
    Verdict {
        at,
        checks,
        decoded: Some(decoded),
        signer: signer_summary,
    }
}
