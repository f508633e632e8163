//! Signed static files of the VaxPass API: trust lists, value sets, revocation data and the
//! index (`docs/static-api.md`; the national schemes compared in HCERT.md §4.3–4.4).
//!
//! Each file `F` is published with a detached `F.sig`:
//!
//! ```json
//! {"alg": "ES256", "statement": "<Base64 of the statement>", "signature": "<Base64 DER ECDSA>"}
//! ```
//!
//! The statement is a small JSON object binding the file's path, SHA-256, size, issue time,
//! expiry and a publication sequence number; the signature is ECDSA P-256 with SHA-256 over
//! the statement's exact bytes, by the trust-list signer whose certificate is published as
//! `trust-anchor.pem` and pinned by verifiers. Like Germany's DSC list it is a plain detached
//! ECDSA signature, so a partner checks it with `openssl dgst -verify` and `jq`; unlike it, the
//! signed statement carries issue and expiry times and the file name, so stale, swapped or
//! replayed lists are refused.

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::decode::cose::Algorithm;
use crate::error::{Error, Result, TrustListErrorKind};
use crate::freshness::check_current;
use crate::time::UnixTime;
#[cfg(feature = "sign")]
use crate::verify::crypto::backend::SigningKey;
use crate::verify::crypto::backend::{Backend, VerifyingKey};
use crate::verify::crypto::ecdsa_der;
use crate::verify::x509::{self, Certificate, KeyKind, PublicKeyInfo};

fn invalid(kind: TrustListErrorKind, reason: impl Into<String>) -> Error {
    Error::TrustListInvalid {
        kind,
        reason: reason.into(),
    }
}

/// What a signature says about its file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    /// Always `vaxpass-signed-file`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Format version (1).
    pub version: u32,
    /// The file's path in the published tree (`trust-lists/verifier.json`).
    pub file: String,
    /// Lower-case hex SHA-256 of the file.
    pub sha256: String,
    /// File size in bytes.
    pub size: u64,
    /// Issue time (RFC 3339).
    pub issued: String,
    /// Expiry (RFC 3339): after it the file must not be used.
    pub expires: String,
    /// Publication number; never decreases.
    pub sequence: u64,
}

impl Statement {
    /// Issue time.
    pub fn issued_at(&self) -> Option<UnixTime> {
        UnixTime::parse_rfc3339(&self.issued)
    }

    /// Expiry.
    pub fn expires_at(&self) -> Option<UnixTime> {
        UnixTime::parse_rfc3339(&self.expires)
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct SignatureFile {
    alg: String,
    statement: String,
    signature: String,
}

/// The pinned trust-list signer: its public key, the validity of its certificate, and the
/// key ready to verify. Built from the certificate ([`TrustAnchor::from_pem`]) or from parts
/// a build step extracted from it ([`TrustAnchor::from_parts`]: the portal pins the anchor at
/// build time and so parses no X.509 at run time).
pub struct TrustAnchor {
    /// Subject of the anchor certificate, for display.
    pub subject: String,
    /// Start of the anchor certificate's validity.
    pub not_before: UnixTime,
    /// End of the anchor certificate's validity.
    pub not_after: UnixTime,
    /// The anchor's public key (SubjectPublicKeyInfo, DER).
    pub spki_der: Vec<u8>,
    key: Box<dyn VerifyingKey>,
}

impl core::fmt::Debug for TrustAnchor {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TrustAnchor")
            .field("subject", &self.subject)
            .field("not_before", &self.not_before)
            .field("not_after", &self.not_after)
            .finish()
    }
}

impl TrustAnchor {
    /// From the PEM of `trust-anchor.pem`: an ECDSA P-256 certificate whose key usage, if
    /// present, allows digital signatures.
    pub fn from_pem(pem: &str, backend: &'static dyn Backend) -> Result<TrustAnchor> {
        let der = x509::pem_certificates(pem)?
            .into_iter()
            .next()
            .ok_or_else(|| {
                invalid(
                    TrustListErrorKind::Malformed,
                    "no certificate in the trust anchor",
                )
            })?;
        let certificate = Certificate::from_der(&der)?;
        if !certificate.allows_digital_signature() {
            return Err(invalid(
                TrustListErrorKind::AnchorInvalid,
                "the trust anchor's key usage does not allow digital signatures",
            ));
        }
        TrustAnchor::from_parts(
            &certificate.public_key.spki_der,
            certificate.subject.text,
            certificate.not_before,
            certificate.not_after,
            backend,
        )
    }

    /// From the anchor certificate's key and validity, extracted from it beforehand.
    pub fn from_parts(
        spki_der: &[u8],
        subject: String,
        not_before: UnixTime,
        not_after: UnixTime,
        backend: &'static dyn Backend,
    ) -> Result<TrustAnchor> {
        let key = backend.prepare(&anchor_key(spki_der)?)?;
        TrustAnchor::with_key(spki_der, subject, not_before, not_after, key)
    }

    /// From parts as [`TrustAnchor::from_parts`], with a key that verifies by other means
    /// than a [`Backend`]: the portal checks list signatures with WebCrypto, which is
    /// asynchronous, and passes its answers in as the key (see [`signed_statement`]).
    pub fn with_key(
        spki_der: &[u8],
        subject: String,
        not_before: UnixTime,
        not_after: UnixTime,
        key: Box<dyn VerifyingKey>,
    ) -> Result<TrustAnchor> {
        anchor_key(spki_der)?;
        Ok(TrustAnchor {
            subject,
            not_before,
            not_after,
            spki_der: spki_der.to_vec(),
            key,
        })
    }

    /// Refuses to use the anchor outside its certificate's validity.
    pub fn check_valid(&self, at: UnixTime) -> Result<()> {
        if at < self.not_before || at > self.not_after {
            return Err(invalid(
                TrustListErrorKind::AnchorInvalid,
                format!(
                    "the trust anchor is valid from {} to {}",
                    self.not_before.rfc3339(),
                    self.not_after.rfc3339()
                ),
            ));
        }
        Ok(())
    }
}

/// The anchor's public key, which must be ECDSA P-256.
fn anchor_key(spki_der: &[u8]) -> Result<PublicKeyInfo> {
    let public_key = PublicKeyInfo::from_spki_der(spki_der)?;
    if public_key.kind != KeyKind::EcP256 {
        return Err(invalid(
            TrustListErrorKind::Malformed,
            "the trust anchor must be an ECDSA P-256 key",
        ));
    }
    Ok(public_key)
}

/// `SEQUENCE { INTEGER r, INTEGER s }` → 64-byte `r‖s`.
fn ecdsa_der_to_raw(der: &[u8]) -> Option<Vec<u8>> {
    ecdsa_der::der_to_raw(der, 32)
}

fn hex(bytes: &[u8]) -> String {
    base16ct::lower::encode_string(bytes)
}

/// Checks a file against its signature file: signed by the anchor, for this path, with this
/// content, and current at `at` (see [`crate::CLOCK_SKEW`]). Returns the statement.
pub fn verify_file(
    path: &str,
    content: &[u8],
    signature_file: &[u8],
    anchor: &TrustAnchor,
    at: UnixTime,
) -> Result<Statement> {
    let st = verify_file_signature(path, content, signature_file, anchor, at)?;
    check_current(
        path,
        st.issued_at(),
        st.expires_at(),
        at,
        TrustListErrorKind::Expired,
    )?;
    Ok(st)
}

/// [`verify_file`] without the time window: signed by the anchor (itself valid at `at`), for
/// this path, with this content, with well-formed times. For data whose expiry is judged per
/// verdict instead (the revocation list: once it is stale, verdicts say so and cannot be
/// valid, while the signer lists remain usable).
pub fn verify_file_signature(
    path: &str,
    content: &[u8],
    signature_file: &[u8],
    anchor: &TrustAnchor,
    at: UnixTime,
) -> Result<Statement> {
    anchor.check_valid(at)?;
    let malformed =
        |what: &str| invalid(TrustListErrorKind::Malformed, format!("{path}.sig: {what}"));
    let (statement_bytes, raw) = parse_signature_file(signature_file).map_err(|e| malformed(&e))?;
    if !anchor.key.verify(Algorithm::Es256, &statement_bytes, &raw) {
        return Err(invalid(
            TrustListErrorKind::Signature,
            format!("{path}: the signature does not verify with the trust anchor"),
        ));
    }
    let st: Statement =
        serde_json::from_slice(&statement_bytes).map_err(|e| malformed(&e.to_string()))?;
    if st.kind != "vaxpass-signed-file" || st.version != 1 {
        return Err(malformed("not a version 1 VaxPass statement"));
    }
    if st.file != path {
        return Err(invalid(
            TrustListErrorKind::WrongFile,
            format!("the signature is for {}, not {path}", st.file),
        ));
    }
    if st.size != content.len() as u64 || st.sha256 != hex(&Sha256::digest(content)) {
        return Err(invalid(
            TrustListErrorKind::Digest,
            format!("{path}: content does not match its signed SHA-256 (tampered or truncated)"),
        ));
    }
    if st.issued_at().is_none() || st.expires_at().is_none() {
        return Err(malformed("bad issue or expiry time"));
    }
    Ok(st)
}

/// The ES256 signing input of a signature file and its signature (`r‖s`), as
/// [`verify_file`] checks them with the anchor's key; `None` when the file is malformed
/// (which [`verify_file`] then reports). For callers that verify signatures elsewhere and
/// pass the answers in through [`TrustAnchor::with_key`].
pub fn signed_statement(signature_file: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    parse_signature_file(signature_file).ok()
}

fn parse_signature_file(signature_file: &[u8]) -> core::result::Result<(Vec<u8>, Vec<u8>), String> {
    let sig: SignatureFile = serde_json::from_slice(signature_file).map_err(|e| e.to_string())?;
    if sig.alg != "ES256" {
        return Err("unsupported signature algorithm".into());
    }
    let b64 = base64::engine::general_purpose::STANDARD;
    let statement = b64
        .decode(&sig.statement)
        .map_err(|_| "statement is not Base64".to_string())?;
    let der = b64
        .decode(&sig.signature)
        .map_err(|_| "signature is not Base64".to_string())?;
    let raw = ecdsa_der_to_raw(&der).ok_or("signature is not a DER ECDSA signature")?;
    Ok((statement, raw))
}

/// Refuses a statement older than one already accepted (rollback to a stale list).
pub fn check_sequence(st: &Statement, last_accepted: Option<u64>) -> Result<()> {
    match last_accepted {
        Some(last) if st.sequence < last => Err(invalid(
            TrustListErrorKind::Rollback,
            format!(
                "{} has sequence {}, older than the {last} already in use",
                st.file, st.sequence
            ),
        )),
        _ => Ok(()),
    }
}

/// Signs a file (issuing side): returns the bytes of `F.sig`.
#[cfg(feature = "sign")]
pub fn sign_file(
    path: &str,
    content: &[u8],
    key: &dyn SigningKey,
    issued: UnixTime,
    expires: UnixTime,
    sequence: u64,
) -> Result<Vec<u8>> {
    let st = Statement {
        kind: "vaxpass-signed-file".into(),
        version: 1,
        file: path.into(),
        sha256: hex(&Sha256::digest(content)),
        size: content.len() as u64,
        issued: issued.rfc3339(),
        expires: expires.rfc3339(),
        sequence,
    };
    let statement = serde_json::to_vec(&st)
        .map_err(|e| invalid(TrustListErrorKind::Malformed, e.to_string()))?;
    if key.algorithm() != Algorithm::Es256 {
        return Err(Error::PrivateKey {
            reason: "trust lists are signed with ES256".into(),
        });
    }
    let raw = key.sign(&statement)?;
    let der = ecdsa_der::raw_to_der(&raw).ok_or_else(|| Error::PrivateKey {
        reason: "the key made a malformed ECDSA signature".into(),
    })?;
    let b64 = base64::engine::general_purpose::STANDARD;
    let file = SignatureFile {
        alg: "ES256".into(),
        statement: b64.encode(&statement),
        signature: b64.encode(der),
    };
    let mut out = serde_json::to_vec_pretty(&file)
        .map_err(|e| invalid(TrustListErrorKind::Malformed, e.to_string()))?;
    out.push(b'\n');
    Ok(out)
}

#[cfg(test)]
#[cfg(feature = "sign")]
mod tests {
    use super::*;
    use crate::issue::certgen::{self, CertificateSpec, IssuerRef, NameAttr};
    use crate::verify::crypto;

    fn new_anchor() -> (Box<dyn SigningKey>, TrustAnchor) {
        let f = crypto::default_key_factory();
        let pkcs8 = f.generate_pkcs8(Algorithm::Es256, 0).unwrap();
        let key = f.load_signing_key(Algorithm::Es256, &pkcs8).unwrap();
        let spki = f.public_key_der(Algorithm::Es256, &pkcs8).unwrap();
        let name = certgen::encode_name(&[
            (NameAttr::Country, "VN"),
            (NameAttr::CommonName, "TL signer"),
        ]);
        let der = certgen::build_certificate(
            &CertificateSpec {
                serial: vec![3; 8],
                subject: name.clone(),
                not_before: UnixTime(0),
                not_after: UnixTime(4_000_000_000),
                spki_der: spki.clone(),
                ca: None,
                key_usage: certgen::KU_DIGITAL_SIGNATURE,
                types: vec![],
            },
            &IssuerRef {
                name: &name,
                key: key.as_ref(),
                key_id: certgen::key_identifier(&spki),
            },
        )
        .unwrap();
        let a = TrustAnchor::from_pem(&x509::to_pem(&der), crypto::default_backend()).unwrap();
        (key, a)
    }

    #[test]
    fn signed_files_and_every_way_to_break_them() {
        let (key, anchor) = new_anchor();
        let t0 = UnixTime(1_800_000_000);
        let week = UnixTime(t0.0 + 7 * 86_400);
        let content = br#"{"version":1,"signers":[]}"#;
        let sig = sign_file(
            "trust-lists/verifier.json",
            content,
            key.as_ref(),
            t0,
            week,
            5,
        )
        .unwrap();
        let st = verify_file(
            "trust-lists/verifier.json",
            content,
            &sig,
            &anchor,
            UnixTime(t0.0 + 60),
        )
        .unwrap();
        assert_eq!(st.sequence, 5);
        let code = |r: Result<Statement>| r.unwrap_err().code();
        // Tampered, truncated.
        assert_eq!(
            code(verify_file(
                "trust-lists/verifier.json",
                br#"{"version":1,"signers":[1]}"#,
                &sig,
                &anchor,
                t0
            )),
            "TRUST_LIST_DIGEST_MISMATCH"
        );
        assert_eq!(
            code(verify_file(
                "trust-lists/verifier.json",
                &content[..10],
                &sig,
                &anchor,
                t0
            )),
            "TRUST_LIST_DIGEST_MISMATCH"
        );
        // Swapped: a valid signature for another file.
        assert_eq!(
            code(verify_file(
                "trust-lists/valuesets.json",
                content,
                &sig,
                &anchor,
                t0
            )),
            "TRUST_LIST_WRONG_FILE"
        );
        // Expired, not yet valid (beyond the clock skew).
        assert_eq!(
            code(verify_file(
                "trust-lists/verifier.json",
                content,
                &sig,
                &anchor,
                UnixTime(week.0 + 1)
            )),
            "TRUST_LIST_EXPIRED"
        );
        assert!(verify_file(
            "trust-lists/verifier.json",
            content,
            &sig,
            &anchor,
            UnixTime(t0.0 - 60)
        )
        .is_ok());
        assert_eq!(
            code(verify_file(
                "trust-lists/verifier.json",
                content,
                &sig,
                &anchor,
                UnixTime(t0.0 - 3600)
            )),
            "TRUST_LIST_NOT_YET_VALID"
        );
        // Signed by someone else.
        let (_, other) = new_anchor();
        assert_eq!(
            code(verify_file(
                "trust-lists/verifier.json",
                content,
                &sig,
                &other,
                t0
            )),
            "TRUST_LIST_SIGNATURE_INVALID"
        );
        // A statement edited after signing.
        let mut f: serde_json::Value = serde_json::from_slice(&sig).unwrap();
        let b64 = base64::engine::general_purpose::STANDARD;
        let mut st_json: serde_json::Value =
            serde_json::from_slice(&b64.decode(f["statement"].as_str().unwrap()).unwrap()).unwrap();
        st_json["expires"] = "2099-01-01T00:00:00Z".into();
        f["statement"] = b64.encode(serde_json::to_vec(&st_json).unwrap()).into();
        assert_eq!(
            code(verify_file(
                "trust-lists/verifier.json",
                content,
                &serde_json::to_vec(&f).unwrap(),
                &anchor,
                t0
            )),
            "TRUST_LIST_SIGNATURE_INVALID"
        );
        // Garbage.
        assert_eq!(
            code(verify_file(
                "trust-lists/verifier.json",
                content,
                b"{}",
                &anchor,
                t0
            )),
            "TRUST_LIST_MALFORMED"
        );
        assert_eq!(
            code(verify_file(
                "trust-lists/verifier.json",
                content,
                b"\xff",
                &anchor,
                t0
            )),
            "TRUST_LIST_MALFORMED"
        );
        // Rollback.
        assert!(check_sequence(&st, Some(5)).is_ok());
        assert_eq!(
            check_sequence(&st, Some(6)).unwrap_err().code(),
            "TRUST_LIST_ROLLBACK"
        );
    }
}
