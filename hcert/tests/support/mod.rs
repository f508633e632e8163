//! Shared helpers for hcert's integration tests: fresh signers and payloads.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, unreachable_pub)]

use hcert::{
    Algorithm, CborValue, Certificate, CertificateSpec, CertificateType, Issuer, IssuerRef,
    KeyFactory, NameAttr, UnixTime,
};
use serde_json::json;

/// 2022-01-01T00:00:00Z.
pub const T0: UnixTime = UnixTime(1_640_995_200);
pub const DAY: i64 = 86_400;

/// A document signer: its PKCS#8 key and self-signed certificate.
pub struct Signer {
    pub alg: Algorithm,
    pub pkcs8: Vec<u8>,
    pub cert: Certificate,
}

impl Signer {
    pub fn new(factory: &dyn KeyFactory, alg: Algorithm, types: &[CertificateType]) -> Signer {
        Signer::with_validity(factory, alg, types, T0, UnixTime(T0.0 + 730 * DAY))
    }

    pub fn with_validity(
        factory: &dyn KeyFactory,
        alg: Algorithm,
        types: &[CertificateType],
        not_before: UnixTime,
        not_after: UnixTime,
    ) -> Signer {
        let pkcs8 = factory.generate_pkcs8(alg, 2048).unwrap();
        let key = factory.load_signing_key(alg, &pkcs8).unwrap();
        let spki = factory.public_key_der(alg, &pkcs8).unwrap();
        let subject = hcert::encode_name(&[
            (NameAttr::Country, "VN"),
            (NameAttr::CommonName, "Test DSC"),
        ]);
        let spec = CertificateSpec {
            serial: vec![7; 12],
            subject: subject.clone(),
            not_before,
            not_after,
            spki_der: spki.clone(),
            ca: None,
            key_usage: hcert::KU_DIGITAL_SIGNATURE,
            types: types.to_vec(),
        };
        let issuer = IssuerRef {
            name: &subject,
            key: key.as_ref(),
            key_id: hcert::key_identifier(&spki),
        };
        let der = hcert::build_certificate(&spec, &issuer).unwrap();
        Signer {
            alg,
            pkcs8,
            cert: Certificate::from_der(&der).unwrap(),
        }
    }

    pub fn issuer(&self, factory: &dyn KeyFactory) -> Issuer {
        Issuer::new(
            factory.load_signing_key(self.alg, &self.pkcs8).unwrap(),
            self.cert.kid,
        )
    }

    pub fn trust(&self, backend: &'static dyn hcert::Backend) -> hcert::TrustStore {
        let mut t = hcert::TrustStore::with_backend(backend);
        t.add(self.cert.clone(), Some("VN".into()));
        t
    }
}

/// A schema-1.3.0 vaccination payload as the Vietnamese issuer writes it.
pub fn vaccination(family: &str, given: &str, dn: u64) -> serde_json::Value {
    json!({
        "ver": "1.3.0",
        "nam": {"fn": family, "fnt": "NGUYEN", "gn": given, "gnt": "VAN<AN"},
        "dob": "1985-04-30",
        "v": [{"tg": "840539006", "vp": "1119349007", "mp": "EU/1/20/1528", "ma": "ORG-100030215",
               "dn": dn, "sd": 2, "dt": "2021-09-15", "co": "VN", "is": "Ministry of Health of Viet Nam",
               "ci": "URN:UVCI:01:VN:0123456789ABCDEF0123456789ABCDEF"}]
    })
}

pub fn test_payload() -> serde_json::Value {
    json!({
        "ver": "1.3.0", "nam": {"fnt": "TRAN"}, "dob": "1990",
        "t": [{"tg": "840539006", "tt": "LP6464-4", "sc": "2021-09-15T08:00:00Z", "tr": "260415000",
               "co": "VN", "is": "Ministry of Health of Viet Nam", "ci": "URN:UVCI:01:VN:T1"}]
    })
}

/// Issues `payload` valid from `iat` for `days` days.
pub fn issue(issuer: &mut Issuer, payload: &serde_json::Value, iat: UnixTime, days: i64) -> String {
    issuer
        .issue("VN", iat, UnixTime(iat.0 + days * DAY), payload)
        .unwrap()
}

pub fn dcc_value(payload: &serde_json::Value) -> CborValue {
    hcert::json_to_cbor(payload)
}

/// Where the read-only shared reference data lives (`VAXPASS_SHARED_DIR` overrides).
pub fn shared_dir() -> Option<std::path::PathBuf> {
    let dir = std::env::var_os("VAXPASS_SHARED_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "\n========== SKIP: shared reference data not found at {} (set VAXPASS_SHARED_DIR) ==========\n",
            dir.display()
        );
        None
    }
}
