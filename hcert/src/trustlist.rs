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

use crate::crypto::{Algorithm, Backend, VerifyingKey};
use crate::error::{Error, Result, TrustListErrorKind};
use crate::time::UnixTime;
use crate::trust::{SignerEntry, TrustStore};
use crate::x509::{self, Certificate, KeyKind};
use crate::CertificateType;

/// Clock skew tolerated on a list's issue time: devices' clocks are often minutes off.
pub const CLOCK_SKEW: i64 = 600;

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

/// The pinned trust-list signing certificate and its parsed key.
pub struct TrustAnchor {
    /// The certificate.
    pub certificate: Certificate,
    key: Box<dyn VerifyingKey>,
}

impl core::fmt::Debug for TrustAnchor {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TrustAnchor")
            .field("subject", &self.certificate.subject.text)
            .finish()
    }
}

impl TrustAnchor {
    /// From the PEM of `trust-anchor.pem` (an ECDSA P-256 certificate).
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
        if certificate.public_key.kind != KeyKind::EcP256 {
            return Err(invalid(
                TrustListErrorKind::Malformed,
                "the trust anchor must be an ECDSA P-256 certificate",
            ));
        }
        let key = backend.prepare(&certificate.public_key)?;
        Ok(TrustAnchor { certificate, key })
    }
}

/// `SEQUENCE { INTEGER r, INTEGER s }` → 64-byte `r‖s`.
pub fn ecdsa_der_to_raw(der: &[u8]) -> Option<[u8; 64]> {
    let mut outer = x509::Der::new(der);
    let seq = outer.tlv().ok().filter(|t| t.tag == 0x30)?;
    if !outer.is_empty() {
        return None;
    }
    let mut inner = x509::Der::new(seq.content);
    let mut out = [0u8; 64];
    for half in out.chunks_mut(32) {
        let int = inner.tlv().ok().filter(|t| t.tag == 0x02)?;
        let v = int.content;
        let first = v.iter().position(|&b| b != 0).unwrap_or(v.len());
        let v = &v[first..];
        if v.len() > 32 {
            return None;
        }
        half[32 - v.len()..].copy_from_slice(v);
    }
    inner.is_empty().then_some(out)
}

fn hex(bytes: &[u8]) -> String {
    x509::hex_lower(bytes)
}

/// Checks a file against its signature file: signed by the anchor, for this path, with this
/// content, and current at `at`. Returns the statement.
pub fn verify_file(
    path: &str,
    content: &[u8],
    signature_file: &[u8],
    anchor: &TrustAnchor,
    at: UnixTime,
) -> Result<Statement> {
    let malformed =
        |what: &str| invalid(TrustListErrorKind::Malformed, format!("{path}.sig: {what}"));
    let sig: SignatureFile =
        serde_json::from_slice(signature_file).map_err(|e| malformed(&e.to_string()))?;
    if sig.alg != "ES256" {
        return Err(malformed("unsupported signature algorithm"));
    }
    let b64 = base64::engine::general_purpose::STANDARD;
    let statement_bytes = b64
        .decode(&sig.statement)
        .map_err(|_| malformed("statement is not Base64"))?;
    let der = b64
        .decode(&sig.signature)
        .map_err(|_| malformed("signature is not Base64"))?;
    let raw = ecdsa_der_to_raw(&der)
        .ok_or_else(|| malformed("signature is not a DER ECDSA signature"))?;
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
    let (Some(issued), Some(expires)) = (st.issued_at(), st.expires_at()) else {
        return Err(malformed("bad issue or expiry time"));
    };
    if at.0 + CLOCK_SKEW < issued.0 {
        return Err(invalid(
            TrustListErrorKind::NotYetValid,
            format!("{path} is issued at {}, in the future", issued.rfc3339()),
        ));
    }
    if at > expires {
        return Err(invalid(
            TrustListErrorKind::Expired,
            format!("{path} expired at {}", expires.rfc3339()),
        ));
    }
    Ok(st)
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
    key: &dyn crate::crypto::SigningKey,
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
    let der = crate::certgen::ecdsa_der(&raw);
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

/// The compact verifier trust list (`trust-lists/verifier.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifierList {
    /// Format version (1).
    pub version: u32,
    /// Every trusted document signer.
    pub signers: Vec<VerifierEntry>,
}

/// One signer of the verifier list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifierEntry {
    /// Base64 kid.
    pub kid: String,
    /// Country (ISO 3166-1 alpha-2).
    pub country: String,
    /// Subject, for display.
    pub subject: String,
    /// Validity start (NumericDate).
    pub not_before: i64,
    /// Validity end (NumericDate).
    pub not_after: i64,
    /// Permitted types: a subset of `vtr`.
    pub types: String,
    /// SubjectPublicKeyInfo, Base64 DER.
    pub spki: String,
}

impl VerifierEntry {
    /// The entry for a certificate.
    pub fn from_certificate(c: &Certificate, kid: [u8; 8], country: &str) -> VerifierEntry {
        let b64 = base64::engine::general_purpose::STANDARD;
        VerifierEntry {
            kid: b64.encode(kid),
            country: country.to_string(),
            subject: c.subject.text.clone(),
            not_before: c.not_before.0,
            not_after: c.not_after.0,
            types: c.allowed_types().iter().map(|t| t.code()).collect(),
            spki: b64.encode(&c.public_key.spki_der),
        }
    }
}

impl VerifierList {
    /// Parses the JSON.
    pub fn parse(json: &[u8]) -> Result<VerifierList> {
        let list: VerifierList = serde_json::from_slice(json)
            .map_err(|e| invalid(TrustListErrorKind::Malformed, format!("verifier list: {e}")))?;
        if list.version != 1 {
            return Err(invalid(
                TrustListErrorKind::Malformed,
                "verifier list: unknown version",
            ));
        }
        Ok(list)
    }

    /// A trust store holding every signer, expiring with the list.
    pub fn into_trust_store(
        self,
        backend: &'static dyn Backend,
        statement: &Statement,
    ) -> Result<TrustStore> {
        let b64 = base64::engine::general_purpose::STANDARD;
        let mut store = TrustStore::with_backend(backend);
        store.issued = statement.issued_at();
        store.expires = statement.expires_at();
        for (i, e) in self.signers.into_iter().enumerate() {
            let bad = |what: &str| {
                invalid(
                    TrustListErrorKind::Malformed,
                    format!("verifier list entry {i}: {what}"),
                )
            };
            let kid: [u8; 8] = b64
                .decode(&e.kid)
                .ok()
                .and_then(|k| k.try_into().ok())
                .ok_or_else(|| bad("kid is not 8 Base64 bytes"))?;
            let spki_der = b64.decode(&e.spki).map_err(|_| bad("spki is not Base64"))?;
            let types = CertificateType::ALL
                .into_iter()
                .filter(|t| e.types.contains(t.code()))
                .collect();
            store.add_entry(SignerEntry {
                kid,
                country: Some(e.country),
                subject: e.subject,
                not_before: UnixTime(e.not_before),
                not_after: UnixTime(e.not_after),
                spki_der,
                types,
            })?;
        }
        Ok(store)
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

#[cfg(test)]
#[cfg(feature = "sign")]
mod tests {
    use super::*;
    use crate::certgen::{self, CertificateSpec, IssuerRef, NameAttr};
    use crate::crypto;

    fn new_anchor() -> (Box<dyn crate::crypto::SigningKey>, TrustAnchor) {
        let f = crypto::default_key_factory();
        let pkcs8 = f.generate_pkcs8(Algorithm::Es256, 0).unwrap();
        let key = f.load_signing_key(Algorithm::Es256, &pkcs8).unwrap();
        let spki = f.public_key_der(Algorithm::Es256, &pkcs8).unwrap();
        let name = certgen::name(&[
            (NameAttr::Country, "VN"),
            (NameAttr::CommonName, "TL signer"),
        ]);
        let der = certgen::build(
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

    #[test]
    fn der_signatures() {
        let raw = [7u8; 64];
        assert_eq!(ecdsa_der_to_raw(&certgen::ecdsa_der(&raw)), Some(raw));
        let mut small = [0u8; 64];
        small[31] = 1;
        small[63] = 0x80;
        assert_eq!(ecdsa_der_to_raw(&certgen::ecdsa_der(&small)), Some(small));
        assert_eq!(ecdsa_der_to_raw(&[0x30, 0x00]), None);
        assert_eq!(ecdsa_der_to_raw(b"garbage"), None);
    }
}
