//! The compact verifier trust list, `trust-lists/verifier.json` (`docs/static-api.md`): every
//! document signer the portal trusts, with its key, validity and permitted types.

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::certificate_type::CertificateType;
use crate::error::{Error, Result, TrustListErrorKind};
use crate::lists::statement::Statement;
use crate::time::UnixTime;
use crate::verify::crypto::backend::Backend;
use crate::verify::trust::{SignerEntry, TrustStore};
use crate::verify::x509::Certificate;

fn invalid(kind: TrustListErrorKind, reason: impl Into<String>) -> Error {
    Error::TrustListInvalid {
        kind,
        reason: reason.into(),
    }
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
