//! End-to-end verification behaviour: every check of the verdict, against every backend.
#![allow(clippy::unwrap_used)]

mod support;

use hcert::{self as crypto, Algorithm};
use hcert::{CertificateType, CheckId, Outcome, Status, UnixTime};
use support::*;

fn factory() -> &'static dyn hcert::KeyFactory {
    crypto::default_key_factory()
}

#[test]
fn a_fresh_certificate_is_valid_with_every_backend_and_algorithm() {
    for alg in [Algorithm::Es256, Algorithm::Ps256] {
        let signer = Signer::new(factory(), alg, &[CertificateType::Vaccination]);
        let hc1 = issue(
            &mut signer.issuer(factory()),
            &vaccination("Nguyễn", "Văn An", 2),
            UnixTime(T0.0 + DAY),
            365,
        );
        for backend in crypto::backends() {
            let v = hcert::verify(&hc1, &signer.trust(backend), UnixTime(T0.0 + 10 * DAY));
            assert_eq!(
                v.status(),
                Status::Valid,
                "{} {}: {:?}",
                backend.name(),
                alg.name(),
                v.reason()
            );
            // Every check passed but the codes, which this store (no value sets) says it did
            // not check.
            for c in &v.checks {
                match c.id {
                    CheckId::ValueSets => assert_eq!(
                        c.outcome,
                        Outcome::NotCovered(hcert::Error::ValueSetsNotLoaded)
                    ),
                    _ => assert_eq!(c.outcome, Outcome::Passed, "{:?}", c.id),
                }
            }
            let d = v.decoded.as_ref().unwrap();
            assert_eq!(d.dcc.nam().display(), "Nguyễn Văn An");
            assert_eq!(v.signer.as_ref().unwrap().country.as_deref(), Some("VN"));
        }
    }
}

fn reason_code(hc1: &str, trust: &hcert::TrustStore, at: UnixTime) -> (Status, &'static str) {
    let v = hcert::verify(hc1, trust, at);
    (v.status(), v.reason().map_or("none", |e| e.code()))
}

#[test]
fn time_checks() {
    let signer = Signer::new(factory(), Algorithm::Es256, &[]);
    let trust = signer.trust(crypto::default_backend());
    let iat = UnixTime(T0.0 + DAY);
    let hc1 = issue(
        &mut signer.issuer(factory()),
        &vaccination("A", "B", 1),
        iat,
        30,
    );
    assert_eq!(
        reason_code(&hc1, &trust, UnixTime(iat.0 - 1)),
        (Status::Invalid, "NOT_YET_VALID")
    );
    assert_eq!(reason_code(&hc1, &trust, iat).0, Status::Valid);
    assert_eq!(
        reason_code(&hc1, &trust, UnixTime(iat.0 + 30 * DAY)).0,
        Status::Valid
    );
    assert_eq!(
        reason_code(&hc1, &trust, UnixTime(iat.0 + 30 * DAY + 1)),
        (Status::Invalid, "EXPIRED")
    );
    // Outliving the signer, and issued before the signer was valid.
    let long = issue(
        &mut signer.issuer(factory()),
        &vaccination("A", "B", 1),
        iat,
        2000,
    );
    // Outliving the signer is a warning, as in the EU suite: valid, and shown.
    let v = hcert::verify(&long, &trust, UnixTime(iat.0 + DAY));
    assert_eq!(v.status(), Status::Valid, "{:?}", v.reason());
    assert!(matches!(
        v.outcome(CheckId::SignerValidity),
        Some(Outcome::Warning(e)) if e.code() == "OUTLIVES_SIGNER"
    ));
    assert_eq!(
        v.warnings().map(hcert::Error::code).collect::<Vec<_>>(),
        ["OUTLIVES_SIGNER"]
    );
    let early = issue(
        &mut signer.issuer(factory()),
        &vaccination("A", "B", 1),
        UnixTime(T0.0 - DAY),
        10,
    );
    assert_eq!(
        reason_code(&early, &trust, T0),
        (Status::Invalid, "ISSUED_BEFORE_SIGNER_VALID")
    );
}

#[test]
fn signer_and_signature_checks() {
    let signer = Signer::new(factory(), Algorithm::Es256, &[]);
    let other = Signer::new(factory(), Algorithm::Es256, &[]);
    let at = UnixTime(T0.0 + 2 * DAY);
    let hc1 = issue(
        &mut signer.issuer(factory()),
        &vaccination("A", "B", 1),
        UnixTime(T0.0 + DAY),
        30,
    );
    // Unknown signer: cannot verify, not invalid.
    assert_eq!(
        reason_code(&hc1, &other.trust(crypto::default_backend()), at),
        (Status::CannotVerify, "SIGNER_UNKNOWN")
    );
    // A different key listed under the same kid (an 8-byte collision): signature invalid...
    let mut collision = hcert::TrustStore::new();
    collision.add_with_kid(other.cert.clone(), signer.cert.kid, None, None);
    assert_eq!(
        reason_code(&hc1, &collision, at),
        (Status::Invalid, "SIGNATURE_INVALID")
    );
    // ...until the right one is listed too: every candidate is tried.
    collision.add(signer.cert.clone(), None);
    assert_eq!(reason_code(&hc1, &collision, at).0, Status::Valid);
    // An RSA key under the kid of an ES256 signature.
    let rsa = Signer::new(factory(), Algorithm::Ps256, &[]);
    let mut mismatch = hcert::TrustStore::new();
    mismatch.add_with_kid(rsa.cert.clone(), signer.cert.kid, None, None);
    assert_eq!(
        reason_code(&hc1, &mismatch, at),
        (Status::Invalid, "KEY_ALGORITHM_MISMATCH")
    );
}

/// Policy: a P-256 signature claimed by a P-384 key is refused before any arithmetic.
#[test]
fn es256_requires_p256() {
    let signer = Signer::new(factory(), Algorithm::Es256, &[]);
    let mut key = signer.cert.public_key.clone();
    key.kind = hcert::KeyKind::EcP384;
    let e = crypto::check_key_and_signature(Algorithm::Es256, &key, &[0; 96]).unwrap_err();
    assert_eq!(e.code(), "KEY_ALGORITHM_MISMATCH");
    key.kind = hcert::KeyKind::EcP256;
    assert_eq!(
        crypto::check_key_and_signature(Algorithm::Es256, &key, &[0; 63])
            .unwrap_err()
            .code(),
        "SIGNATURE_MALFORMED"
    );
    key.kind = hcert::KeyKind::Rsa { bits: 1024 };
    assert_eq!(
        crypto::check_key_and_signature(Algorithm::Ps256, &key, &[0; 128])
            .unwrap_err()
            .code(),
        "KEY_UNSUPPORTED"
    );
}

#[test]
fn key_usage_check() {
    let vaccination_only =
        Signer::new(factory(), Algorithm::Es256, &[CertificateType::Vaccination]);
    let at = UnixTime(T0.0 + 2 * DAY);
    let mut issuer = vaccination_only.issuer(factory());
    let t = issue(&mut issuer, &test_payload(), UnixTime(T0.0 + DAY), 3);
    let trust = vaccination_only.trust(crypto::default_backend());
    assert_eq!(
        reason_code(&t, &trust, at),
        (Status::Invalid, "KEY_USAGE_MISMATCH")
    );
    let v = issue(
        &mut issuer,
        &vaccination("A", "B", 1),
        UnixTime(T0.0 + DAY),
        3,
    );
    assert_eq!(reason_code(&v, &trust, at).0, Status::Valid);
}

#[test]
fn content_and_schema_checks() {
    let signer = Signer::new(factory(), Algorithm::Es256, &[]);
    let trust = signer.trust(crypto::default_backend());
    let mut issuer = signer.issuer(factory());
    let at = UnixTime(T0.0 + 2 * DAY);
    let mut two = vaccination("A", "B", 1);
    let entry = two["v"][0].clone();
    two["v"].as_array_mut().unwrap().push(entry);
    let hc1 = issue(&mut issuer, &two, UnixTime(T0.0 + DAY), 3);
    let v = hcert::verify(&hc1, &trust, at);
    assert_eq!(v.status(), Status::Invalid);
    assert_eq!(v.reason().unwrap().code(), "DCC_MULTIPLE_ENTRIES");
    assert!(
        matches!(v.outcome(CheckId::Schema), Some(Outcome::Failed(e)) if e.code() == "SCHEMA_INVALID")
    );
    let mut bad = vaccination("A", "B", 1);
    bad["nam"]["fnt"] = "Nguyễn".into();
    let hc1 = issue(&mut issuer, &bad, UnixTime(T0.0 + DAY), 3);
    assert_eq!(
        reason_code(&hc1, &trust, at),
        (Status::Invalid, "SCHEMA_INVALID")
    );
}

#[test]
fn an_out_of_date_trust_list_never_yields_valid() {
    let signer = Signer::new(factory(), Algorithm::Es256, &[]);
    let mut trust = signer.trust(crypto::default_backend());
    trust.expires = Some(UnixTime(T0.0 + DAY));
    let hc1 = issue(
        &mut signer.issuer(factory()),
        &vaccination("A", "B", 1),
        T0,
        30,
    );
    assert_eq!(
        reason_code(&hc1, &trust, UnixTime(T0.0 + 2 * DAY)),
        (Status::CannotVerify, "TRUST_LIST_EXPIRED")
    );
    assert_eq!(
        reason_code(&hc1, &trust, UnixTime(T0.0 + DAY)).0,
        Status::Valid
    );
}

#[test]
fn audit_time_judges_the_certificate_then_and_the_trust_list_now() {
    let signer = Signer::new(factory(), Algorithm::Es256, &[]);
    let mut trust = signer.trust(crypto::default_backend());
    let hc1 = issue(
        &mut signer.issuer(factory()),
        &vaccination("A", "B", 1),
        T0,
        30,
    );
    // A list issued long after the certificate expired, and still current now.
    let now = UnixTime(T0.0 + 400 * DAY);
    trust.issued = Some(UnixTime(now.0 - DAY));
    trust.expires = Some(UnixTime(now.0 + DAY));
    let then = UnixTime(T0.0 + 10 * DAY);
    let v = hcert::verify_as_of(&hc1, &trust, then, now);
    assert_eq!(v.status(), Status::Valid, "{:?}", v.reason());
    assert_eq!(v.at, then);
    // Plain verification at `then` sees a list from the future.
    assert_eq!(
        reason_code(&hc1, &trust, then),
        (Status::CannotVerify, "TRUST_LIST_NOT_YET_VALID")
    );
    // An expired list is refused whatever the audit time.
    let later = UnixTime(now.0 + 2 * DAY);
    let v = hcert::verify_as_of(&hc1, &trust, then, later);
    assert_eq!(v.status(), Status::CannotVerify);
    assert_eq!(v.reason().map(|e| e.code()), Some("TRUST_LIST_EXPIRED"));
    // And the certificate is still judged at the audit time.
    let v = hcert::verify_as_of(&hc1, &trust, UnixTime(T0.0 + 40 * DAY), now);
    assert_eq!(v.reason().map(|e| e.code()), Some("EXPIRED"));
}

#[test]
fn one_changed_character_never_verifies_and_a_changed_signature_is_named() {
    let signer = Signer::new(factory(), Algorithm::Es256, &[]);
    let trust = signer.trust(crypto::default_backend());
    let at = UnixTime(T0.0 + DAY);
    const B45: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
    // Level 9 (Huffman-coded, most issuers) and level 0 (stored blocks, our issuer).
    for level in [9, 0] {
        let mut issuer = hcert::Issuer::with_zlib_level(
            factory()
                .load_signing_key(Algorithm::Es256, &signer.pkcs8)
                .unwrap(),
            signer.cert.kid,
            level,
        );
        let hc1 = issue(&mut issuer, &vaccination("Trần", "Thị Bình", 2), T0, 30);
        assert_eq!(hcert::verify(&hc1, &trust, at).status(), Status::Valid);
        let mut reasons = std::collections::BTreeMap::<&str, usize>::new();
        let mut in_signature = std::collections::BTreeMap::<&str, usize>::new();
        // The 64 signature bytes are the 96 Base45 characters before the 6 of the checksum.
        let signature = hc1.len() - 6 - 90..hc1.len() - 6;
        for pos in 4..hc1.len() {
            let old = hc1.as_bytes()[pos];
            let new = B45[(B45.iter().position(|&c| c == old).unwrap() + 1) % B45.len()];
            let mut bytes = hc1.clone().into_bytes();
            bytes[pos] = new;
            let v = hcert::verify(&String::from_utf8(bytes).unwrap(), &trust, at);
            assert_ne!(
                v.status(),
                Status::Valid,
                "level {level}: position {pos} still verifies"
            );
            let code = v.reason().unwrap().code();
            *reasons.entry(code).or_default() += 1;
            if signature.contains(&pos) {
                *in_signature.entry(code).or_default() += 1;
            }
        }
        // A changed signature breaks the checksum and the signature alike: the reader is told
        // the signature does not match, not that the zlib stream is damaged. In stored blocks
        // that holds for every character of the signature that still decodes as Base45.
        let named = in_signature.get("SIGNATURE_INVALID").copied().unwrap_or(0);
        if level == 0 {
            let overflow = in_signature.get("BASE45_OVERFLOW").copied().unwrap_or(0);
            assert_eq!(named + overflow, signature.len(), "{in_signature:?}");
            assert!(named > signature.len() * 9 / 10, "{in_signature:?}");
        } else {
            assert!(named > 0, "{in_signature:?}");
        }
        assert!(reasons.contains_key("SIGNATURE_INVALID"), "{reasons:?}");
    }
}

#[test]
fn every_check_is_listed_even_when_decoding_fails() {
    // "NCF" is Base45 for 78 DA, the zlib header every certificate starts with: a
    // truncated stream.
    let v = hcert::verify("HC1:NCF", &hcert::TrustStore::new(), T0);
    assert_eq!(v.status(), Status::Invalid);
    assert_eq!(v.checks.len(), 8);
    assert!(matches!(
        v.outcome(CheckId::Signature),
        Some(Outcome::NotApplicable(_))
    ));
    assert_eq!(v.reason().unwrap().code(), "ZLIB_CORRUPT");
    // With value sets, their check is listed too, as not applicable.
    let mut trust = hcert::TrustStore::new();
    trust.value_sets = Some(catalog());
    let v = hcert::verify("HC1:NCF", &trust, T0);
    assert_eq!(v.checks.len(), 9);
    assert!(matches!(
        v.outcome(CheckId::ValueSets),
        Some(Outcome::NotApplicable(_))
    ));
}

/// The value sets the support payloads need (`VN`, Comirnaty by BioNTech, a PCR test), the
/// AstraZeneca pair, a deprecated prophylaxis code, and the encoding instructions.
fn catalog() -> hcert::ValueSetCatalog {
    let mut vs = hcert::ValueSetCatalog::new();
    vs.add_compressed(
        br#"{"country-2-codes": ["VN", "DE"], "disease-agent-targeted": ["840539006"],
            "vaccines-covid-19-names": ["EU/1/20/1528", "EU/1/21/1529"],
            "vaccines-covid-19-auth-holders": ["ORG-100030215", "ORG-100001699"],
            "covid-19-lab-test-type": ["LP6464-4", "LP217198-3"],
            "covid-19-lab-result": ["260415000", "260373001"],
            "covid-19-lab-test-manufacturer-and-name": ["1232"]}"#,
    )
    .unwrap();
    vs.add_file(
        br#"{"valueSetId": "sct-vaccines-covid-19", "valueSetDate": "2023-05-05", "valueSetValues": {
            "1119349007": {"display": "SARS-CoV-2 mRNA vaccine", "active": true},
            "29061000087103": {"display": "COVID-19 non-replicating viral vector vaccine", "active": true},
            "J07BX03": {"display": "covid-19 vaccines", "active": false}}}"#,
    )
    .unwrap();
    vs.add_file(
        br#"{"valueSetId": "vaccines-covid-19-encoding-instructions", "valueSetDate": "2023-05-05",
            "valueSetValues": {
            "Comirnaty": {"vaccine-code": "EU/1/20/1528", "vaccine-manufacturer": "ORG-100030215",
                          "sct-codes": ["1119349007", "28531000087107"]},
            "Vaxzevria": {"vaccine-code": "EU/1/21/1529", "vaccine-manufacturer": "ORG-100001699",
                          "sct-codes": ["28531000087107", "29061000087103"]}}}"#,
    )
    .unwrap();
    vs
}

/// Verifies `payload`, freshly issued and signed, with `value_sets` in the trust store.
fn verify_payload(
    payload: &serde_json::Value,
    value_sets: Option<hcert::ValueSetCatalog>,
) -> hcert::Verdict {
    let signer = Signer::new(factory(), Algorithm::Es256, &[]);
    let mut trust = signer.trust(crypto::default_backend());
    trust.value_sets = value_sets;
    let hc1 = issue(
        &mut signer.issuer(factory()),
        payload,
        UnixTime(T0.0 + DAY),
        30,
    );
    hcert::verify(&hc1, &trust, UnixTime(T0.0 + 2 * DAY))
}

fn value_set_lines(v: &hcert::Verdict) -> Vec<&Outcome> {
    v.checks
        .iter()
        .filter(|c| c.id == CheckId::ValueSets)
        .map(|c| &c.outcome)
        .collect()
}

#[test]
fn known_codes_pass_the_value_set_check() {
    for payload in [vaccination("Nguyễn", "Văn An", 2), test_payload()] {
        let v = verify_payload(&payload, Some(catalog()));
        assert_eq!(v.status(), Status::Valid, "{:?}", v.reason());
        assert_eq!(value_set_lines(&v), [&Outcome::Passed]);
        assert!(v.checks.iter().all(|c| c.outcome == Outcome::Passed));
        assert_eq!(CheckId::ValueSets.code(), "value_sets");
    }
}

#[test]
fn an_unknown_code_makes_the_certificate_not_valid() {
    let mut payload = vaccination("Nguyễn", "Văn An", 2);
    payload["v"][0]["ma"] = "ORG-99999999".into();
    let v = verify_payload(&payload, Some(catalog()));
    assert_eq!(v.status(), Status::Invalid);
    let e = v.reason().unwrap();
    assert_eq!(e.code(), "VALUESET_UNKNOWN_CODE");
    assert_eq!(e.stage(), hcert::Stage::ValueSets);
    assert_eq!(
        e,
        &hcert::Error::ValueSetUnknownCode {
            field: "v.0.ma".into(),
            code: "ORG-99999999".into(),
            value_set: "vaccines-covid-19-auth-holders".into(),
        }
    );
    // Every other check passed: the value-set check alone decides.
    assert!(v
        .checks
        .iter()
        .all(|c| c.id == CheckId::ValueSets || c.outcome == Outcome::Passed));
    // A country and a test device the EU does not know fail the same way; a code that is
    // not text too.
    let mut payload = test_payload();
    payload["t"][0]["co"] = "XY".into();
    payload["t"][0]["ma"] = "9999".into();
    let v = verify_payload(&payload, Some(catalog()));
    assert_eq!(v.status(), Status::Invalid);
    let failed: Vec<_> = value_set_lines(&v)
        .into_iter()
        .filter_map(|o| match o {
            Outcome::Failed(hcert::Error::ValueSetUnknownCode { field, code, .. }) => {
                Some((field.as_str(), code.as_str()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(failed, [("t.0.ma", "9999"), ("t.0.co", "XY")]);
    let mut payload = vaccination("Nguyễn", "Văn An", 2);
    payload["v"][0]["co"] = 84.into();
    let v = verify_payload(&payload, Some(catalog()));
    assert_eq!(v.status(), Status::Invalid);
    assert!(matches!(
        v.outcome(CheckId::ValueSets),
        Some(Outcome::Failed(e)) if e.code() == "VALUESET_CODE_NOT_STRING"
    ));
}

#[test]
fn implausible_data_is_a_warning_on_a_valid_certificate() {
    // HCERT.md §9: Vaxzevria named as the product, BioNTech as the manufacturer, dose 3 of 2,
    // with the deprecated ATC prophylaxis code.
    let mut payload = vaccination("Nguyễn", "Văn An", 3);
    payload["v"][0]["mp"] = "EU/1/21/1529".into();
    payload["v"][0]["vp"] = "J07BX03".into();
    let v = verify_payload(&payload, Some(catalog()));
    assert_eq!(v.status(), Status::Valid, "{:?}", v.reason());
    assert_eq!(v.reason(), None);
    let warnings: Vec<_> = v.warnings().map(hcert::Error::code).collect();
    assert_eq!(
        warnings,
        [
            "VALUESET_DEPRECATED_CODE",
            "PLAUSIBILITY_MP_MA_MISMATCH",
            "PLAUSIBILITY_DOSE_ABOVE_SERIES"
        ]
    );
    assert!(v.warnings().any(|e| e
        == &hcert::Error::Implausible {
            kind: hcert::PlausibilityKind::MpMaMismatch,
            field: "v.0.ma".into(),
            value: "ORG-100030215".into(),
            expected: Some("ORG-100001699".into()),
        }));
    // Each warning is its own line of the value-set check.
    assert_eq!(value_set_lines(&v).len(), 3);
    // The codes are the findings' codes.
    for kind in hcert::PlausibilityKind::ALL {
        assert!(kind.code().starts_with("PLAUSIBILITY_"), "{kind:?}");
    }
    // An unknown code next to warnings: NOT VALID, the failure listed first.
    payload["v"][0]["co"] = "XY".into();
    let v = verify_payload(&payload, Some(catalog()));
    assert_eq!(v.status(), Status::Invalid);
    assert!(matches!(
        v.outcome(CheckId::ValueSets),
        Some(Outcome::Failed(_))
    ));
    assert_eq!(v.warnings().count(), 3);
}

#[test]
fn without_value_sets_codes_are_not_checked_and_do_not_block_valid() {
    let mut payload = vaccination("Nguyễn", "Văn An", 2);
    payload["v"][0]["ma"] = "ORG-99999999".into();
    let v = verify_payload(&payload, None);
    assert_eq!(v.status(), Status::Valid);
    assert_eq!(
        v.outcome(CheckId::ValueSets),
        Some(&Outcome::NotCovered(hcert::Error::ValueSetsNotLoaded))
    );
    // A catalog without the value set a field needs: that field is not checked, still valid.
    let mut partial = hcert::ValueSetCatalog::new();
    partial
        .add_compressed(br#"{"country-2-codes": ["VN"], "disease-agent-targeted": ["840539006"]}"#)
        .unwrap();
    let v = verify_payload(&payload, Some(partial));
    assert_eq!(v.status(), Status::Valid, "{:?}", v.reason());
    let not_covered: Vec<_> = value_set_lines(&v)
        .into_iter()
        .filter_map(|o| match o {
            Outcome::NotCovered(e) => Some(e.code()),
            _ => None,
        })
        .collect();
    assert_eq!(not_covered, ["VALUESET_UNAVAILABLE"; 3]);
}
