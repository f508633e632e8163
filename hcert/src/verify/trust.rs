//! The set of trusted document signers, looked up by kid (hcert_spec §3.3.3, §5;
//! HCERT.md §2.1, §4.1).
//!
//! A kid is only 8 bytes, so several certificates may share one: the store keeps all of them
//! and verification tries each. Keys are parsed once, when a signer is added.

use std::collections::HashMap;

use base64::Engine as _;
use serde_json::Value as J;

use crate::certificate_type::CertificateType;
use crate::error::{CertificateErrorKind, Error, Result, TrustListErrorKind};
use crate::revocation::list::RevocationList;
use crate::rules::ValueSetCatalog;
use crate::time::UnixTime;
use crate::verify::crypto::backend::{Backend, VerifyingKey};
use crate::verify::crypto::default_backend;
use crate::verify::x509::{self, Certificate, PublicKeyInfo};

/// A document signer the verifier trusts: its key, validity and permitted types, from a
/// full certificate or from a compact trust-list entry.
pub struct TrustedSigner {
    /// The kid this signer is listed under.
    pub kid: [u8; 8],
    /// Its country, from the trust list or else from the certificate subject.
    pub country: Option<String>,
    /// Certificate subject, for display.
    pub subject: String,
    /// Start of the signer certificate's validity.
    pub not_before: UnixTime,
    /// End of the signer certificate's validity.
    pub not_after: UnixTime,
    /// Its public key.
    pub public_key: PublicKeyInfo,
    /// The certificate types it may sign.
    pub types: Vec<CertificateType>,
    /// The whole certificate (DER), when the source had it.
    pub certificate_der: Option<Vec<u8>>,
    key: Result<Box<dyn VerifyingKey>>,
}

impl core::fmt::Debug for TrustedSigner {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TrustedSigner")
            .field("kid", &self.kid_base64())
            .field("subject", &self.subject)
            .field("country", &self.country)
            .finish()
    }
}

impl TrustedSigner {
    /// The kid in Base64.
    pub fn kid_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.kid)
    }

    /// The parsed verification key, or why the key is unusable.
    pub fn key(&self) -> core::result::Result<&dyn VerifyingKey, &Error> {
        self.key.as_deref()
    }

    /// The certificate types this signer may sign.
    pub fn allowed_types(&self) -> Vec<CertificateType> {
        self.types.clone()
    }
}

/// What a trust list says about one signer, for [`TrustStore::add_entry`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignerEntry {
    /// Key identifier.
    pub kid: [u8; 8],
    /// Country.
    pub country: Option<String>,
    /// Subject, for display.
    pub subject: String,
    /// Validity start.
    pub not_before: UnixTime,
    /// Validity end.
    pub not_after: UnixTime,
    /// SubjectPublicKeyInfo, DER.
    pub spki_der: Vec<u8>,
    /// Permitted types.
    pub types: Vec<CertificateType>,
}

/// Trusted signers indexed by kid.
pub struct TrustStore {
    backend: &'static dyn Backend,
    signers: Vec<TrustedSigner>,
    by_kid: HashMap<[u8; 8], Vec<usize>>,
    /// After this time the store is out of date and nothing verifies as valid.
    pub expires: Option<UnixTime>,
    /// When the store's content was issued, for display.
    pub issued: Option<UnixTime>,
    /// Revocation data. When present, every verdict gets a revocation check; without it the
    /// verdict has no revocation line (the caller chose not to check revocation).
    pub revocations: Option<RevocationList>,
    /// Value sets in force. When present, every verdict checks the payload's codes against
    /// them (an unknown code is NOT VALID) and its plausibility (warnings); without them the
    /// verdict has no value-set line, as without revocation data.
    pub value_sets: Option<ValueSetCatalog>,
}

impl Default for TrustStore {
    fn default() -> Self {
        TrustStore::new()
    }
}

impl core::fmt::Debug for TrustStore {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TrustStore")
            .field("backend", &self.backend.name())
            .field("signers", &self.signers)
            .field("expires", &self.expires)
            .finish()
    }
}

impl TrustStore {
    /// An empty store using the build's default crypto backend.
    pub fn new() -> TrustStore {
        TrustStore::with_backend(default_backend())
    }

    /// An empty store using `backend`.
    pub fn with_backend(backend: &'static dyn Backend) -> TrustStore {
        TrustStore {
            backend,
            signers: Vec::new(),
            by_kid: HashMap::new(),
            expires: None,
            issued: None,
            revocations: None,
            value_sets: None,
        }
    }

    /// The crypto backend keys are prepared with.
    pub fn backend(&self) -> &'static dyn Backend {
        self.backend
    }

    /// Number of signers.
    pub fn len(&self) -> usize {
        self.signers.len()
    }

    /// Whether there are no signers.
    pub fn is_empty(&self) -> bool {
        self.signers.is_empty()
    }

    /// All signers, in the order added.
    pub fn signers(&self) -> &[TrustedSigner] {
        &self.signers
    }

    /// Every signer listed under `kid`.
    pub fn candidates(&self, kid: &[u8; 8]) -> impl Iterator<Item = &TrustedSigner> {
        self.by_kid
            .get(kid)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.signers.get(i))
    }

    /// Adds a signer under its computed kid. A certificate already present under the same kid
    /// is not added twice.
    pub fn add(&mut self, certificate: Certificate, country: Option<String>) {
        let kid = certificate.kid;
        self.add_with_kid(certificate, kid, country, None);
    }

    /// Adds a signer under a kid a trust list gives (normally equal to the computed one).
    /// `listed_types` narrows the types the certificate's EKU allows.
    pub fn add_with_kid(
        &mut self,
        certificate: Certificate,
        kid: [u8; 8],
        country: Option<String>,
        listed_types: Option<Vec<CertificateType>>,
    ) {
        let mut types = certificate.allowed_types();
        if let Some(listed) = listed_types {
            types.retain(|t| listed.contains(t));
        }
        let country = country.or_else(|| certificate.subject.country.clone());
        self.insert(TrustedSigner {
            kid,
            country,
            subject: certificate.subject.text.clone(),
            not_before: certificate.not_before,
            not_after: certificate.not_after,
            key: Err(Error::InputEmpty),
            public_key: certificate.public_key,
            types,
            certificate_der: Some(certificate.der),
        });
    }

    /// Adds a signer from a compact trust-list entry.
    pub fn add_entry(&mut self, entry: SignerEntry) -> Result<()> {
        let public_key = PublicKeyInfo::from_spki_der(&entry.spki_der)?;
        self.insert(TrustedSigner {
            kid: entry.kid,
            country: entry.country,
            subject: entry.subject,
            not_before: entry.not_before,
            not_after: entry.not_after,
            public_key,
            types: entry.types,
            certificate_der: None,
            key: Err(Error::InputEmpty),
        });
        Ok(())
    }

    fn insert(&mut self, mut signer: TrustedSigner) {
        if self
            .candidates(&signer.kid)
            .any(|s| s.public_key == signer.public_key && s.not_after == signer.not_after)
        {
            return;
        }
        signer.key = self.backend.prepare(&signer.public_key);
        self.by_kid
            .entry(signer.kid)
            .or_default()
            .push(self.signers.len());
        self.signers.push(signer);
    }

    /// Adds one DER certificate.
    pub fn add_der(&mut self, der: &[u8]) -> Result<()> {
        self.add(Certificate::from_der(der)?, None);
        Ok(())
    }

    /// Adds every certificate of a PEM text; returns how many.
    pub fn add_pem(&mut self, pem: &str) -> Result<usize> {
        let ders = x509::pem_certificates(pem)?;
        for der in &ders {
            self.add_der(der)?;
        }
        Ok(ders.len())
    }

    /// Adds the DSC entries of an EU gateway trust list (see [`parse_gateway_json`]);
    /// returns how many signers were added and the entries refused.
    pub fn add_gateway_json(&mut self, json: &str) -> Result<Added> {
        let list = parse_gateway_json(json)?;
        let added = list.entries.len();
        for e in list.entries {
            self.add_with_kid(e.certificate, e.kid, e.country, None);
        }
        Ok(Added {
            added,
            refused: list.refused,
        })
    }

    /// Adds signers from a file's bytes, recognising gateway JSON, PEM and DER. A PEM or DER
    /// certificate that is refused fails the whole file; a gateway list reports its refused
    /// entries and adds the others.
    pub fn add_any(&mut self, bytes: &[u8]) -> Result<Added> {
        let text = core::str::from_utf8(bytes).ok();
        let added = match text.map(str::trim_start) {
            Some(t) if t.starts_with('[') || t.starts_with('{') => return self.add_gateway_json(t),
            Some(t) if t.contains("-----BEGIN CERTIFICATE-----") => self.add_pem(t)?,
            _ => self.add_der(bytes).map(|()| 1)?,
        };
        Ok(Added {
            added,
            refused: Vec::new(),
        })
    }
}

/// What adding a trust file did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Added {
    /// Signers added.
    pub added: usize,
    /// Entries refused, each with why.
    pub refused: Vec<RefusedEntry>,
}

/// One DSC entry of an EU gateway trust list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayEntry {
    /// The kid the list gives (equal to the certificate's).
    pub kid: [u8; 8],
    /// The country the list gives.
    pub country: Option<String>,
    /// The certificate.
    pub certificate: Certificate,
}

/// A gateway list entry that was not taken, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedEntry {
    /// Position in the list.
    pub index: usize,
    /// The kid the list gives, as written.
    pub kid: Option<String>,
    /// The country the list gives.
    pub country: Option<String>,
    /// Why it was refused.
    pub error: Error,
}

/// The DSC entries of a gateway list that were accepted, and those refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayList {
    /// Accepted entries.
    pub entries: Vec<GatewayEntry>,
    /// Refused entries.
    pub refused: Vec<RefusedEntry>,
}

/// The DSC entries of an EU gateway trust list (HCERT.md §4.1): a JSON array of
/// `{kid, country, certificateType, rawData, …}`, or the German `{"certificates": […]}`
/// wrapper. CSCA, upload and authentication entries and deleted entries (`rawData` null)
/// are skipped.
///
/// An entry is refused, with its reason, when its certificate is refused by the X.509 parser
/// or when its `kid` is not the certificate's own (hcert_spec Appendix A.1): a kid names
/// exactly one certificate, and a list that files a certificate under another kid is wrong
/// about it. A list that is not JSON of this shape fails as a whole.
pub fn parse_gateway_json(json: &str) -> Result<GatewayList> {
    let bad = |reason: String| Error::TrustListInvalid {
        kind: TrustListErrorKind::Malformed,
        reason,
    };
    let doc: J = serde_json::from_str(json).map_err(|e| bad(format!("not JSON: {e}")))?;
    let entries = match &doc {
        J::Array(a) => a,
        J::Object(o) => o
            .get("certificates")
            .and_then(J::as_array)
            .ok_or_else(|| bad("no \"certificates\" array".into()))?,
        _ => return Err(bad("not a trust-list array".into())),
    };
    let mut out = GatewayList {
        entries: Vec::new(),
        refused: Vec::new(),
    };
    for (index, e) in entries.iter().enumerate() {
        let kind = e
            .get("certificateType")
            .and_then(J::as_str)
            .unwrap_or("DSC");
        if !kind.eq_ignore_ascii_case("DSC") {
            continue;
        }
        let Some(raw) = e.get("rawData").and_then(J::as_str) else {
            continue;
        };
        let listed_kid = e.get("kid").and_then(J::as_str);
        let country = e.get("country").and_then(J::as_str).map(str::to_string);
        match gateway_entry(raw, listed_kid, country.clone()) {
            Ok(entry) => out.entries.push(entry),
            Err(error) => out.refused.push(RefusedEntry {
                index,
                kid: listed_kid.map(str::to_string),
                country,
                error,
            }),
        }
    }
    Ok(out)
}

fn gateway_entry(
    raw: &str,
    listed_kid: Option<&str>,
    country: Option<String>,
) -> Result<GatewayEntry> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let der = b64
        .decode(raw.trim())
        .map_err(|_| Error::CertificateInvalid {
            kind: CertificateErrorKind::Malformed,
            reason: "rawData is not Base64".into(),
        })?;
    let certificate = Certificate::from_der(&der)?;
    if let Some(k) = listed_kid {
        let listed = b64.decode(k.trim()).ok();
        if listed.as_deref() != Some(&certificate.kid[..]) {
            return Err(Error::CertificateInvalid {
                kind: CertificateErrorKind::KidMismatch,
                reason: format!(
                    "listed under kid {k}, but the certificate's kid is {}",
                    certificate.kid_base64()
                ),
            });
        }
    }
    Ok(GatewayEntry {
        kid: certificate.kid,
        country,
        certificate,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::x509::tests::{co20_der, CO20_CERT};

    #[test]
    fn lookup_by_kid_and_formats() {
        let der = co20_der();
        let cert = Certificate::from_der(&der).unwrap();
        let kid_b64 = cert.kid_base64();
        for backend in crate::verify::crypto::backends() {
            let mut t = TrustStore::with_backend(backend);
            assert_eq!(t.add_any(&der).unwrap().added, 1);
            assert_eq!(t.add_any(x509::to_pem(&der).as_bytes()).unwrap().added, 1);
            assert_eq!(t.len(), 1, "the same certificate is not added twice");
            assert!(t.signers()[0].key().is_ok());
            let json = format!(
                r#"[{{"kid":"{kid_b64}","country":"AT","certificateType":"DSC","rawData":"{CO20_CERT}"}},
                    {{"kid":"AAAAAAAAAAA=","country":"AT","certificateType":"CSCA","rawData":"{CO20_CERT}"}},
                    {{"kid":"AAAAAAAAAAA=","country":"AT","certificateType":"DSC","rawData":null}}]"#
            );
            let mut g = TrustStore::with_backend(backend);
            let added = g.add_any(json.as_bytes()).unwrap();
            assert_eq!((added.added, added.refused.len()), (1, 0));
            let found: Vec<_> = g.candidates(&cert.kid).collect();
            assert_eq!(found.len(), 1);
            assert_eq!(found[0].country.as_deref(), Some("AT"));
            assert_eq!(g.candidates(&[0; 8]).count(), 0);
        }
        let mut t = TrustStore::new();
        assert_eq!(
            t.add_any(b"{\"certificates\": 1}").unwrap_err().code(),
            "TRUST_LIST_MALFORMED"
        );
        assert_eq!(
            t.add_any(b"\x30\x03\x02\x01").unwrap_err().code(),
            "CERTIFICATE_MALFORMED"
        );
    }

    /// A gateway entry is refused, alone, when its certificate is or when the list files it
    /// under a kid that is not its own.
    #[test]
    fn gateway_entries_are_refused_one_by_one() {
        let der = co20_der();
        let mut trailing = der.clone();
        trailing.push(0);
        let b64 = base64::engine::general_purpose::STANDARD;
        let json = format!(
            r#"[{{"kid":"AAAAAAAAAAA=","country":"AT","rawData":"{CO20_CERT}"}},
                {{"country":"AT","rawData":"{}"}},
                {{"country":"AT","rawData":"!!"}},
                {{"country":"AT","rawData":"{CO20_CERT}"}}]"#,
            b64.encode(&trailing)
        );
        let list = parse_gateway_json(&json).unwrap();
        assert_eq!(list.entries.len(), 1);
        let codes: Vec<(usize, &str)> = list
            .refused
            .iter()
            .map(|r| (r.index, r.error.code()))
            .collect();
        assert_eq!(
            codes,
            [
                (0, "CERTIFICATE_KID_MISMATCH"),
                (1, "CERTIFICATE_TRAILING_DATA"),
                (2, "CERTIFICATE_MALFORMED")
            ]
        );
    }
}
