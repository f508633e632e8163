//! `hcert`: the EU Digital COVID Certificate (HCERT) codec and verifier.
//!
//! The pipeline of hcert_spec §3–§4, one module per stage:
//!
//! ```text
//! "HC1:…" ─prefix─▶ Base45 ─base45─▶ zlib ─zlib─▶ COSE_Sign1 ─cose─▶ CWT ─cwt─▶ DCC ─payload─▶
//!        verify: signature (crypto, trust) · validity (time) · key usage (x509) · schema
//! ```
//!
//! `hcert` does no I/O and reads no clock: callers pass the verification time in, so the
//! same code runs in the CLI, the server and the browser (wasm32). Cryptography sits behind
//! the small [`crypto::Backend`] seam: a pure-Rust backend for the browser, AWS-LC natively.
//!
//! ```
//! let verdict = hcert::verify("HC1:not a cert", &hcert::TrustStore::new(), hcert::UnixTime(0));
//! assert_eq!(verdict.status(), hcert::Status::Invalid);
//! assert_eq!(verdict.reason().map(|e| e.code()), Some("BASE45_INVALID_CHAR"));
//! ```

#![forbid(unsafe_code)]

pub mod base45;
pub mod cbor;
#[cfg(feature = "sign")]
pub mod certgen;
pub mod cose;
pub mod crypto;
pub mod cwt;
mod error;
pub mod payload;
pub mod prefix;
pub mod published;
#[cfg(feature = "qr")]
pub mod qr;
pub mod revocation;
pub mod schema;
#[cfg(feature = "sign")]
pub mod sign;
pub mod time;
pub mod trust;
pub mod trustlist;
pub mod uvci;
pub mod verify;
pub mod x509;
pub mod zlib;

pub use error::{Error, Result, Stage, TrustListErrorKind};
pub use payload::{Dcc, Entry};
pub use time::UnixTime;
pub use trust::{TrustStore, TrustedSigner};
pub use verify::{
    decode, decode_with, verify, verify_as_of, verify_decoded, verify_decoded_as_of, Check,
    CheckId, Decoded, Limits, Outcome, SignerSummary, Status, Verdict,
};

/// The three kinds of DCC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CertificateType {
    /// Vaccination (`v`).
    Vaccination,
    /// Test (`t`).
    Test,
    /// Recovery (`r`).
    Recovery,
}

/// Extended key usage OIDs per type: current form and the legacy `.0.1847` form that many
/// issuers still use (hcert_spec Appendix A.4, HCERT.md §2.3).
const EKU_OIDS: [(CertificateType, &str, &str); 3] = [
    (
        CertificateType::Test,
        "1.3.6.1.4.1.1847.2021.1.1",
        "1.3.6.1.4.1.0.1847.2021.1.1",
    ),
    (
        CertificateType::Vaccination,
        "1.3.6.1.4.1.1847.2021.1.2",
        "1.3.6.1.4.1.0.1847.2021.1.2",
    ),
    (
        CertificateType::Recovery,
        "1.3.6.1.4.1.1847.2021.1.3",
        "1.3.6.1.4.1.0.1847.2021.1.3",
    ),
];

impl CertificateType {
    /// All three, in `v`, `t`, `r` order.
    pub const ALL: [CertificateType; 3] = [
        CertificateType::Vaccination,
        CertificateType::Test,
        CertificateType::Recovery,
    ];

    /// `v`, `t` or `r`.
    pub fn code(self) -> &'static str {
        match self {
            CertificateType::Vaccination => "v",
            CertificateType::Test => "t",
            CertificateType::Recovery => "r",
        }
    }

    /// An English noun for messages.
    pub fn noun(self) -> &'static str {
        match self {
            CertificateType::Vaccination => "vaccination",
            CertificateType::Test => "test",
            CertificateType::Recovery => "recovery",
        }
    }

    /// The current extended key usage OID of this type.
    pub fn eku_oid(self) -> &'static str {
        EKU_OIDS
            .iter()
            .find(|(t, _, _)| *t == self)
            .map_or("", |(_, oid, _)| oid)
    }

    /// The type an extended key usage OID stands for, in either OID family.
    pub fn from_eku_oid(oid: &str) -> Option<CertificateType> {
        EKU_OIDS
            .iter()
            .find(|(_, current, legacy)| oid == *current || oid == *legacy)
            .map(|(t, _, _)| *t)
    }

    /// The types a signer may sign, given its extended key usage.
    ///
    /// **Policy** (HCERT.md §2.3 leaves the last case open; we decide it here):
    /// * no EKU extension → every type (hcert_spec A.4: "with no EKU the DSC may sign any
    ///   type");
    /// * an EKU listing certificate-type OIDs (either family) → exactly those types;
    /// * an EKU listing **no** certificate-type OID (only TLS, e-mail, ICAO … purposes, or an
    ///   empty list) → every type. The spec restricts a signer only through the DCC OIDs;
    ///   purposes it does not define say nothing about DCC types. This matches the EU
    ///   reference app and `common/CO15`, and keeps certificates from real signers such as
    ///   Vietnam's (whose EKU holds only clientAuth, emailProtection and smartcardLogon,
    ///   HCERT.md §9) verifiable.
    pub fn allowed_by_eku(eku: Option<&[String]>) -> Vec<CertificateType> {
        let Some(oids) = eku else {
            return CertificateType::ALL.to_vec();
        };
        let listed: Vec<CertificateType> = CertificateType::ALL
            .into_iter()
            .filter(|t| {
                oids.iter()
                    .any(|o| CertificateType::from_eku_oid(o) == Some(*t))
            })
            .collect();
        if listed.is_empty() {
            CertificateType::ALL.to_vec()
        } else {
            listed
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eku_policy() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            CertificateType::allowed_by_eku(None),
            CertificateType::ALL.to_vec()
        );
        assert_eq!(
            CertificateType::allowed_by_eku(Some(&s(&["1.3.6.1.4.1.0.1847.2021.1.2"]))),
            vec![CertificateType::Vaccination]
        );
        assert_eq!(
            CertificateType::allowed_by_eku(Some(&s(&[
                "1.3.6.1.4.1.1847.2021.1.1",
                "1.3.6.1.4.1.1847.2021.1.3",
                "1.3.6.1.5.5.7.3.2"
            ]))),
            vec![CertificateType::Test, CertificateType::Recovery]
        );
        // Only non-DCC purposes (the Vietnamese signer's EKU), or an empty list (CO15).
        assert_eq!(
            CertificateType::allowed_by_eku(Some(&s(&[
                "1.3.6.1.5.5.7.3.2",
                "1.3.6.1.5.5.7.3.4",
                "1.3.6.1.4.1.311.20.2.2"
            ]))),
            CertificateType::ALL.to_vec()
        );
        assert_eq!(
            CertificateType::allowed_by_eku(Some(&[])),
            CertificateType::ALL.to_vec()
        );
    }
}
