//! The portal's decisions, natively: loading signed lists (every way they can be wrong) and
//! turning verdicts into the result screen, in both languages.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use hcert::{self as crypto, Algorithm, SigningKey};
use hcert::{
    filter_key as key_of, Bundle, Certificate, CertificateSpec, FilterManifest,
    FilterSlice as Slice, FilterWidth as Width, FuseFilter, Index, IndexEntry, IssuerRef, NameAttr,
    SignedFile, TrustAnchor, UnixTime, VerifierEntry, VerifierList,
};
use serde_json::json;
use vaxpass_app::answer::{self, Answer};
use vaxpass_app::i18n::Lang;

const T0: UnixTime = UnixTime(1_767_225_600); // 2026-01-01
const DAY: i64 = 86_400;

fn key_and_cert(cn: &str, usage: u16) -> (Vec<u8>, Box<dyn SigningKey>, Vec<u8>) {
    let f = crypto::default_key_factory();
    let pkcs8 = f.generate_pkcs8(Algorithm::Es256, 0).unwrap();
    let key = f.load_signing_key(Algorithm::Es256, &pkcs8).unwrap();
    let spki = f.public_key_der(Algorithm::Es256, &pkcs8).unwrap();
    let name = hcert::encode_name(&[(NameAttr::Country, "VN"), (NameAttr::CommonName, cn)]);
    let der = hcert::build_certificate(
        &CertificateSpec {
            serial: vec![9; 8],
            subject: name.clone(),
            not_before: UnixTime(T0.0 - 30 * DAY),
            not_after: UnixTime(T0.0 + 700 * DAY),
            spki_der: spki.clone(),
            ca: None,
            key_usage: usage,
            types: vec![],
        },
        &IssuerRef {
            name: &name,
            key: key.as_ref(),
            key_id: hcert::key_identifier(&spki),
        },
    )
    .unwrap();
    (pkcs8, key, der)
}

struct World {
    anchor_key: Box<dyn SigningKey>,
    anchor: TrustAnchor,
    dsc_pkcs8: Vec<u8>,
    dsc: Certificate,
}

fn world() -> World {
    let (_, anchor_key, anchor_der) =
        key_and_cert("Trust list signer", hcert::KU_DIGITAL_SIGNATURE);
    let anchor =
        TrustAnchor::from_pem(&hcert::to_pem(&anchor_der), crypto::default_backend()).unwrap();
    let (dsc_pkcs8, _, dsc_der) = key_and_cert("DSC", hcert::KU_DIGITAL_SIGNATURE);
    World {
        anchor_key,
        anchor,
        dsc_pkcs8,
        dsc: Certificate::from_der(&dsc_der).unwrap(),
    }
}

fn sha256_hex(b: &[u8]) -> String {
    use sha2::Digest as _;
    base16ct::lower::encode_string(&sha2::Sha256::digest(b))
}

/// A published bundle, as `vaxpass publish` would write it, issued at `issued`.
fn bundle(w: &World, issued: UnixTime, sequence: u64) -> Bundle {
    bundle_revoking(w, issued, sequence, &[])
}

/// [`bundle`] with these UVCIs (of VN certificates) in its revocation filter.
fn bundle_revoking(w: &World, issued: UnixTime, sequence: u64, revoked: &[&str]) -> Bundle {
    bundle_with(w, issued, sequence, revoked, UnixTime(issued.0 + 2 * DAY))
}

/// [`bundle_revoking`] whose revocation data expires at `revocation_expires`.
fn bundle_with(
    w: &World,
    issued: UnixTime,
    sequence: u64,
    revoked: &[&str],
    revocation_expires: UnixTime,
) -> Bundle {
    let keys: Vec<u64> = revoked
        .iter()
        .map(|u| key_of(&hcert::country_uci_hash("VN", u)))
        .collect();
    let filter = FuseFilter::build(&keys, Width::Bits24).unwrap().to_bytes();
    let slice_path = format!("revocation/filter/{}.vx24", &sha256_hex(&filter)[..32]);
    let manifest = serde_json::to_vec(&FilterManifest {
        version: 1,
        country: "VN".into(),
        hash_type: "COUNTRYCODEUCI".into(),
        entries: keys.len() as u64,
        false_positive_rate: Width::Bits24.false_positive_rate(),
        slices: vec![Slice {
            path: slice_path.clone(),
            sha256: sha256_hex(&filter),
            size: filter.len() as u64,
            entries: keys.len() as u64,
            bits: 24,
        }],
        log_entries: keys.len() as u64,
        log_tail: String::new(),
    })
    .unwrap();
    let expires = UnixTime(issued.0 + 7 * DAY);
    let verifier = serde_json::to_vec(&VerifierList {
        version: 1,
        signers: vec![VerifierEntry::from_certificate(&w.dsc, w.dsc.kid, "VN")],
    })
    .unwrap();
    let sets = serde_json::to_vec(&json!({"version": 1, "valuesets": {
        "vaccines-covid-19-names": {"EU/1/20/1528": {"en": "Comirnaty (Pfizer-BioNTech)", "vi": "Comirnaty (Pfizer-BioNTech) VI"}},
        "vaccines-covid-19-auth-holders": {"ORG-100030215": {"en": "BioNTech Manufacturing GmbH", "vi": "BioNTech Manufacturing GmbH"}}
    }}))
    .unwrap();
    let sign = |path: &str, content: &[u8]| {
        let until = if path == hcert::REVOCATION_PATH {
            revocation_expires
        } else {
            expires
        };
        hcert::sign_file(
            path,
            content,
            w.anchor_key.as_ref(),
            issued,
            until,
            sequence,
        )
        .unwrap()
    };
    let files: Vec<SignedFile> = [
        (hcert::VERIFIER_PATH, verifier),
        (hcert::VALUE_SETS_PATH, sets),
        (hcert::REVOCATION_PATH, manifest),
        (
            hcert::RULES_PATH,
            br#"{"version": 1, "rules": []}"#.to_vec(),
        ),
        (
            hcert::RULE_VALUE_SETS_PATH,
            br#"{"version": 1, "valuesets": []}"#.to_vec(),
        ),
    ]
    .into_iter()
    .map(|(p, c)| SignedFile {
        path: p.into(),
        signature: sign(p, &c),
        content: c,
    })
    .collect();
    let index = serde_json::to_vec(&Index {
        version: 1,
        country: "VN".into(),
        sequence,
        issued: issued.rfc3339(),
        next_update: UnixTime(issued.0 + DAY).rfc3339(),
        expires: expires.rfc3339(),
        files: files
            .iter()
            .map(|f| IndexEntry {
                path: f.path.clone(),
                sha256: sha256_hex(&f.content),
                size: f.content.len() as u64,
                signature: Some(format!("{}.sig", f.path)),
                description: String::new(),
            })
            .chain(std::iter::once(IndexEntry {
                path: slice_path.clone(),
                sha256: sha256_hex(&filter),
                size: filter.len() as u64,
                signature: None,
                description: String::new(),
            }))
            .collect(),
    })
    .unwrap();
    Bundle {
        index: SignedFile {
            path: hcert::INDEX_PATH.into(),
            signature: sign(hcert::INDEX_PATH, &index),
            content: index,
        },
        files,
        slices: vec![(slice_path, filter)],
    }
}

fn load(
    bundle: &Bundle,
    anchor: &TrustAnchor,
    now: UnixTime,
    last_sequence: Option<u64>,
) -> hcert::Result<hcert::Lists> {
    hcert::load_lists(
        bundle,
        anchor,
        now,
        last_sequence,
        crypto::default_backend(),
    )
}

fn code(r: hcert::Result<hcert::Lists>) -> &'static str {
    r.map(|_| "OK").unwrap_or_else(|e| e.code())
}

#[test]
fn a_published_bundle_loads_and_every_kind_of_damage_is_refused() {
    let w = world();
    let now = UnixTime(T0.0 + 3600);
    let good = bundle(&w, T0, 5);
    let l = load(&good, &w.anchor, now, None).unwrap();
    assert_eq!(
        (l.signers, l.sequence, l.issued, l.expires),
        (1, 5, T0, UnixTime(T0.0 + 7 * DAY))
    );
    assert_eq!(l.next_update, Some(UnixTime(T0.0 + DAY)));
    assert!(hcert::refresh_due(&l, now, UnixTime(T0.0 + DAY)));
    assert!(!hcert::refresh_due(&l, now, UnixTime(now.0 + 60)));

    // Tampered and truncated content.
    let mut b = good.clone();
    b.files[0].content.push(b' ');
    assert_eq!(
        code(load(&b, &w.anchor, now, None)),
        "TRUST_LIST_DIGEST_MISMATCH"
    );
    let mut b = good.clone();
    b.files[1].content.truncate(10);
    assert_eq!(
        code(load(&b, &w.anchor, now, None)),
        "TRUST_LIST_DIGEST_MISMATCH"
    );
    // One file served under the other's name.
    let mut b = good.clone();
    let f0 = b.files[0].clone();
    b.files[0].content = b.files[1].content.clone();
    b.files[0].signature = b.files[1].signature.clone();
    b.files[1].content = f0.content;
    b.files[1].signature = f0.signature;
    assert_eq!(
        code(load(&b, &w.anchor, now, None)),
        "TRUST_LIST_WRONG_FILE"
    );
    // Expired, and dated in the future.
    assert_eq!(
        code(load(&good, &w.anchor, UnixTime(T0.0 + 8 * DAY), None)),
        "TRUST_LIST_EXPIRED"
    );
    assert_eq!(
        code(load(&good, &w.anchor, UnixTime(T0.0 - DAY), None)),
        "TRUST_LIST_NOT_YET_VALID"
    );
    // Older than what was already accepted.
    assert_eq!(
        code(load(&good, &w.anchor, now, Some(6))),
        "TRUST_LIST_ROLLBACK"
    );
    assert_eq!(code(load(&good, &w.anchor, now, Some(5))), "OK");
    // Files of another publication than the index (a reader racing a republication).
    let mut b = good.clone();
    b.files[0] = bundle(&w, T0, 6).files[0].clone();
    assert_eq!(
        code(load(&b, &w.anchor, now, None)),
        "TRUST_LIST_DIGEST_MISMATCH"
    );
    // Signed by someone else than the pinned anchor.
    let other = world();
    assert_eq!(
        code(load(&good, &other.anchor, now, None)),
        "TRUST_LIST_SIGNATURE_INVALID"
    );
    // A missing file.
    let mut b = good.clone();
    b.files.pop();
    assert_eq!(code(load(&b, &w.anchor, now, None)), "TRUST_LIST_MALFORMED");
    // The revocation filter: changed, missing, or from another publication.
    let mut b = good.clone();
    let last = b.slices[0].1.len() - 1;
    b.slices[0].1[last] ^= 1;
    assert_eq!(
        code(load(&b, &w.anchor, now, None)),
        "TRUST_LIST_DIGEST_MISMATCH"
    );
    let mut b = good.clone();
    b.slices.clear();
    assert_eq!(code(load(&b, &w.anchor, now, None)), "TRUST_LIST_MALFORMED");
    let mut b = good.clone();
    b.slices = bundle_revoking(&w, T0, 5, &["URN:UVCI:01:VN:X#Y"]).slices;
    assert_eq!(code(load(&b, &w.anchor, now, None)), "TRUST_LIST_MALFORMED");
    let mut b = good.clone();
    let other_pub = bundle_revoking(&w, T0, 5, &["URN:UVCI:01:VN:X#Y"]);
    b.files[2] = other_pub.files[2].clone();
    b.slices = other_pub.slices;
    assert_eq!(
        code(load(&b, &w.anchor, now, None)),
        "TRUST_LIST_DIGEST_MISMATCH"
    );
    // No anchor compiled in: nothing loads.
    assert!(hcert::pinned_anchor("", crypto::default_backend()).is_none());
    assert!(hcert::pinned_anchor("garbage", crypto::default_backend()).is_none());
}

fn certificate(w: &World, iat: UnixTime) -> String {
    certificate_with_id(w, iat, "URN:UVCI:01:VN:0123456789ABCDEF#K")
}

fn certificate_with_id(w: &World, iat: UnixTime, ci: &str) -> String {
    let payload = json!({
        "ver": "1.3.0",
        "nam": {"fn": "Nguyễn", "fnt": "NGUYEN", "gn": "Thị Đào", "gnt": "THI<DAO"},
        "dob": "1985-04-30",
        "v": [{"tg": "840539006", "vp": "1119349007", "mp": "EU/1/20/1528", "ma": "ORG-100030215",
               "dn": 2, "sd": 2, "dt": "2021-09-15", "co": "VN", "is": "Ministry of Health of Viet Nam",
               "ci": ci}]
    });
    let key = crypto::default_key_factory()
        .load_signing_key(Algorithm::Es256, &w.dsc_pkcs8)
        .unwrap();
    let mut issuer = hcert::Issuer::with_zlib_level(key, w.dsc.kid, 0);
    issuer
        .issue("VN", iat, UnixTime(iat.0 + 365 * DAY), &payload)
        .unwrap()
}

#[test]
fn the_result_screen_says_what_a_clerk_needs_in_both_languages() {
    let w = world();
    let now = UnixTime(T0.0 + 3600);
    let l = load(&bundle(&w, T0, 1), &w.anchor, now, None).unwrap();
    let hc1 = certificate(&w, UnixTime(T0.0 - DAY));
    let country = |c: &str| format!("<{c}>");

    let v = hcert::verify_as_of(&hc1, &l.store, now, now);
    let en = answer::build(&v, Some(&l.value_sets), Lang::En, None, &country);
    assert_eq!(en.answer, Answer::Valid, "{:?}", en.reason);
    assert_eq!(
        (en.headline.as_str(), en.reason.as_deref()),
        ("VALID", None)
    );
    let field = |view: &answer::ResultView, label: &str| {
        view.fields
            .iter()
            .find(|(k, _)| k == label)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(field(&en, "Name").as_deref(), Some("Nguyễn Thị Đào"));
    assert_eq!(
        field(&en, "Name (passport spelling)").as_deref(),
        Some("NGUYEN<<THI<DAO")
    );
    assert_eq!(field(&en, "Date of birth").as_deref(), Some("1985-04-30"));
    assert_eq!(
        field(&en, "Vaccine").as_deref(),
        Some("Comirnaty (Pfizer-BioNTech)")
    );
    assert_eq!(
        field(&en, "Manufacturer").as_deref(),
        Some("BioNTech Manufacturing GmbH")
    );
    // Not in the value sets: shown as the code, never dropped.
    assert_eq!(field(&en, "Vaccine type").as_deref(), Some("1119349007"));
    assert_eq!(field(&en, "Dose").as_deref(), Some("2 of 2"));
    assert_eq!(field(&en, "Country").as_deref(), Some("<VN>"));
    assert_eq!(
        field(&en, "Certificate identifier").as_deref(),
        Some("URN:UVCI:01:VN:0123456789ABCDEF#K")
    );
    assert_eq!(en.checks.len(), 10);
    assert!(en.checks[..9].iter().all(|c| c.state == "passed"));
    assert_eq!(en.checks[8].title, "Not revoked by its issuer");
    // This publication carries no value sets: the codes are said not checked, not passed.
    assert_eq!(
        (en.checks[9].code, en.checks[9].state),
        ("value_sets", "not_covered")
    );
    assert!(en.checks[9]
        .detail
        .as_deref()
        .is_some_and(|d| d.contains("Codes not checked")));

    let vi = answer::build(&v, Some(&l.value_sets), Lang::Vi, None, &country);
    assert_eq!(vi.headline, "HỢP LỆ");
    assert_eq!(field(&vi, "Ngày sinh").as_deref(), Some("30/04/1985"));
    assert_eq!(
        field(&vi, "Vắc xin").as_deref(),
        Some("Comirnaty (Pfizer-BioNTech) VI")
    );
    assert_eq!(field(&vi, "Mũi tiêm").as_deref(), Some("2/2"));

    // Expired: NOT VALID, with the date.
    let later = UnixTime(T0.0 + 400 * DAY);
    let v = hcert::verify_as_of(&hc1, &l.store, later, now);
    let r = answer::build(&v, Some(&l.value_sets), Lang::En, None, &country);
    assert_eq!(
        (r.answer, r.reason_code),
        (Answer::NotValid, Some("EXPIRED"))
    );
    assert!(r.reason.unwrap().contains("2026-12-31"));
    let r = answer::build(&v, Some(&l.value_sets), Lang::Vi, None, &country);
    assert!(r.reason.unwrap().contains("31/12/2026"));

    // A signer the list does not know: CANNOT VERIFY.
    let other = world();
    let stranger = certificate(&other, UnixTime(T0.0 - DAY));
    let r = answer::build(
        &hcert::verify_as_of(&stranger, &l.store, now, now),
        None,
        Lang::En,
        None,
        &country,
    );
    assert_eq!(
        (r.answer, r.reason_code),
        (Answer::CannotVerify, Some("SIGNER_UNKNOWN"))
    );

    // Revoked: its own answer, in both languages, even when it has also expired.
    let revoking = load(
        &bundle_revoking(&w, T0, 2, &["URN:UVCI:01:VN:0123456789ABCDEF#K"]),
        &w.anchor,
        now,
        None,
    )
    .unwrap();
    assert_eq!(revoking.revoked, 1);
    for at in [now, later] {
        let v = hcert::verify_as_of(&hc1, &revoking.store, at, now);
        let r = answer::build(&v, Some(&l.value_sets), Lang::En, None, &country);
        assert_eq!(
            (r.answer, r.reason_code),
            (Answer::Revoked, Some("REVOKED"))
        );
        assert_eq!(r.headline, "REVOKED");
        assert!(r.reason.unwrap().contains("revoked by its issuer"));
        let r = answer::build(&v, Some(&l.value_sets), Lang::Vi, None, &country);
        assert_eq!(r.headline, "ĐÃ BỊ THU HỒI");
        assert!(r.reason.unwrap().contains("thu hồi"));
        assert_eq!(
            r.checks.iter().filter(|c| c.state == "failed").count(),
            if at == now { 1 } else { 2 }
        );
    }
    // The same list does not touch another certificate of the same signer.
    let other_id = certificate_with_id(
        &w,
        UnixTime(T0.0 - DAY),
        "URN:UVCI:01:VN:FEDCBA9876543210#K",
    );
    assert!(hcert::verify_as_of(&other_id, &revoking.store, now, now).is_valid());
    let mut other_store = load(&bundle(&w, T0, 3), &w.anchor, now, None)
        .unwrap()
        .store;
    assert!(hcert::verify_as_of(&hc1, &other_store, now, now).is_valid());
    // An expired revocation list: CANNOT VERIFY, not valid.
    if let Some(r) = other_store.revocations.as_mut() {
        r.expires = Some(UnixTime(now.0 - 1));
    }
    let v = hcert::verify_as_of(&hc1, &other_store, now, now);
    assert_eq!(v.status(), hcert::Status::CannotVerify);

    // No usable list (or no anchor): never valid, whatever the verdict says.
    let v = hcert::verify_as_of(&hc1, &l.store, now, now);
    let r = answer::build(
        &v,
        Some(&l.value_sets),
        Lang::En,
        Some("no list".into()),
        &country,
    );
    assert_eq!(
        (r.answer, r.reason.as_deref()),
        (Answer::CannotVerify, Some("no list"))
    );
    assert_eq!(field(&r, "Name").as_deref(), Some("Nguyễn Thị Đào"));

    // Garbage: NOT VALID with the decoding reason and every check listed.
    let r = answer::build(
        &hcert::verify_as_of("HC1:NCF", &l.store, now, now),
        None,
        Lang::Vi,
        None,
        &country,
    );
    assert_eq!(r.answer, Answer::NotValid);
    assert_eq!(r.checks.len(), 9);
    assert!(r.fields.is_empty());
}

/// Issue 18, finding 5: one clock-skew rule. Whatever moment a bundle is issued at, if the
/// loader accepts it at `now`, a verdict at `now` finds the lists current: a list a few minutes
/// ahead of the device's clock never loads and then refuses every certificate.
#[test]
fn a_list_the_loader_accepts_passes_the_verdict_check_at_the_same_moment() {
    let w = world();
    let hc1 = certificate(&w, UnixTime(T0.0 - 10 * DAY));
    let mut runner = proptest::test_runner::TestRunner::new(proptest::test_runner::Config {
        cases: 48,
        ..Default::default()
    });
    let mut accepted = 0;
    runner
        .run(&(-8 * DAY..=20 * 60i64), |offset| {
            // Issued `offset` seconds away from now (negative: in the past).
            let issued = UnixTime(T0.0 + offset);
            let b = bundle_with(&w, issued, 1, &[], UnixTime(issued.0 + 9 * DAY));
            if let Ok(l) = load(&b, &w.anchor, T0, None) {
                let v = hcert::verify_as_of(&hc1, &l.store, T0, T0);
                proptest::prop_assert!(v.is_valid(), "offset {offset}: {:?}", v.reason());
            }
            Ok(())
        })
        .unwrap();
    // The boundaries, and that the property was not vacuous: five minutes ahead loads and
    // verifies, a day ahead does not load.
    for (offset, loads) in [
        (300, true),
        (hcert::CLOCK_SKEW, true),
        (hcert::CLOCK_SKEW + 1, false),
        (DAY, false),
    ] {
        let b = bundle_with(
            &w,
            UnixTime(T0.0 + offset),
            1,
            &[],
            UnixTime(T0.0 + 9 * DAY),
        );
        let l = load(&b, &w.anchor, T0, None);
        assert_eq!(l.is_ok(), loads, "offset {offset}");
        if let Ok(l) = l {
            accepted += 1;
            assert!(hcert::verify_as_of(&hc1, &l.store, T0, T0).is_valid());
        }
    }
    assert_eq!(accepted, 2);
}

/// Issue 18, findings 4 and 8: revocation data covers its own country only, and it expires
/// sooner than the lists.
#[test]
fn revocation_is_not_covered_for_other_countries_and_expires_on_its_own() {
    let w = world();
    let now = UnixTime(T0.0 + 3 * DAY);
    let country = |c: &str| format!("<{c}>");
    // Revocation data two days old at most: expired three days after issue.
    let b = bundle_with(&w, T0, 1, &[], UnixTime(T0.0 + 2 * DAY));
    let l = load(&b, &w.anchor, now, None).unwrap();
    assert!(l.revocation_expired(now));
    assert!(l.stale(now), "past next_update (one day)");
    assert!(hcert::refresh_due(&l, now, now));
    let ours = certificate(&w, UnixTime(T0.0 - DAY));
    let v = hcert::verify_as_of(&ours, &l.store, now, now);
    assert_eq!(v.status(), hcert::Status::CannotVerify);
    assert_eq!(
        v.reason().map(hcert::Error::code),
        Some("REVOCATION_DATA_EXPIRED")
    );
    let r = answer::build(&v, Some(&l.value_sets), Lang::En, None, &country);
    assert_eq!(r.answer, Answer::CannotVerify);
    assert!(r
        .reason
        .as_deref()
        .unwrap()
        .contains("revocation data is out of date"));

    // Another country's certificate (same signer, iss DE): revocation "not checked", which
    // is shown as such and never as passed; the certificate is valid on its other checks.
    let fresh = load(&bundle(&w, T0, 2), &w.anchor, UnixTime(T0.0 + 3600), None).unwrap();
    let key = crypto::default_key_factory()
        .load_signing_key(Algorithm::Es256, &w.dsc_pkcs8)
        .unwrap();
    let payload = json!({
        "ver": "1.3.0", "nam": {"fnt": "MUSTER", "gnt": "ERIKA"}, "dob": "1964-08-12",
        "v": [{"tg": "840539006", "vp": "1119349007", "mp": "EU/1/20/1528", "ma": "ORG-100030215",
               "dn": 2, "sd": 2, "dt": "2021-06-01", "co": "DE", "is": "Robert Koch-Institut",
               "ci": "URN:UVCI:01DE/IZ12345A/5CWLU12RNOB9RXSEOP6FG8#W"}]
    });
    let de = hcert::Issuer::with_zlib_level(key, w.dsc.kid, 0)
        .issue(
            "DE",
            UnixTime(T0.0 - DAY),
            UnixTime(T0.0 + 300 * DAY),
            &payload,
        )
        .unwrap();
    let at = UnixTime(T0.0 + 3600);
    let v = hcert::verify_as_of(&de, &fresh.store, at, at);
    assert!(v.is_valid(), "{:?}", v.reason());
    assert!(matches!(
        v.outcome(hcert::CheckId::Revocation),
        Some(hcert::Outcome::NotCovered(hcert::Error::RevocationNotCovered { country: Some(c) })) if c == "DE"
    ));
    for lang in [Lang::En, Lang::Vi] {
        let r = answer::build(&v, Some(&fresh.value_sets), lang, None, &country);
        let line = r.checks.iter().find(|c| c.code == "revocation").unwrap();
        assert_eq!(line.state, "not_covered");
        assert!(line.detail.as_deref().unwrap().contains("DE"));
        assert_ne!(
            line.outcome,
            vaxpass_app::i18n::text(lang, vaxpass_app::i18n::Key::CheckPassed)
        );
    }
    // Revoked-data expiry does not touch certificates it does not cover.
    let v = hcert::verify_as_of(&de, &l.store, now, now);
    assert!(v.is_valid(), "{:?}", v.reason());
}

/// Issue 18, lower finding: an audit-mode verdict is marked as such on the answer itself.
#[test]
fn audit_verdicts_carry_their_mark() {
    let w = world();
    let now = UnixTime(T0.0 + 3600);
    let l = load(&bundle(&w, T0, 1), &w.anchor, now, None).unwrap();
    let hc1 = certificate(&w, UnixTime(T0.0 - DAY));
    let at = UnixTime(T0.0 - 3600);
    let v = hcert::verify_as_of(&hc1, &l.store, at, now);
    let country = |c: &str| c.to_string();
    let plain =
        answer::build(&v, Some(&l.value_sets), Lang::En, None, &country).with_audit(Lang::En, None);
    assert_eq!(plain.audit, None);
    let en = answer::build(&v, Some(&l.value_sets), Lang::En, None, &country)
        .with_audit(Lang::En, Some(at));
    assert_eq!(en.answer, Answer::Valid);
    assert!(
        en.audit
            .as_deref()
            .unwrap()
            .starts_with("AUDIT as of 2025-12-31 23:00"),
        "{:?}",
        en.audit
    );
    let vi = answer::build(&v, Some(&l.value_sets), Lang::Vi, None, &country)
        .with_audit(Lang::Vi, Some(at));
    assert!(
        vi.audit.as_deref().unwrap().starts_with("KIỂM TOÁN"),
        "{:?}",
        vi.audit
    );
}

/// Issue 18, lower finding: offline saves go to a new copy and switch only when it is whole.
#[test]
fn saved_copies_are_switched_whole() {
    use vaxpass_app::lists::{copy_name, stale_copies, COPY_PREFIX};
    let old = copy_name(4, T0);
    let new = copy_name(5, UnixTime(T0.0 + 60));
    assert_ne!(old, new);
    assert!(new.starts_with(COPY_PREFIX));
    let names = vec![
        "vaxpass-shell-v1".to_string(),
        "vaxpass-lists-v1".to_string(),
        old.clone(),
        new.clone(),
    ];
    // Before the switch the old copy is current: the half-written new one is what goes.
    assert_eq!(
        stale_copies(&names, &old),
        ["vaxpass-lists-v1".to_string(), new.clone()]
    );
    // After it, every other list copy goes, and the app shell stays.
    assert_eq!(
        stale_copies(&names, &new),
        ["vaxpass-lists-v1".to_string(), old]
    );
}

/// The browser checks list signatures with WebCrypto and hands the confirmed ones to `hcert` as
/// the anchor's key: a bundle loads only when every signature it needs was confirmed, and a
/// confirmation of one file's signature does not stand in for another's.
#[test]
fn lists_load_only_with_every_signature_confirmed() {
    use vaxpass_app::lists::{signed_statements, Confirmed};
    let w = world();
    let now = UnixTime(T0.0 + 3600);
    let good = bundle(&w, T0, 5);
    let statements = signed_statements(&good);
    assert_eq!(statements.len(), 1 + hcert::LIST_FILES.len());
    // What WebCrypto does: each statement verifies with the anchor's key.
    for (m, sig) in &statements {
        let key = crypto::default_backend()
            .prepare(&hcert::PublicKeyInfo::from_spki_der(&w.anchor.spki_der).unwrap())
            .unwrap();
        assert!(key.verify(Algorithm::Es256, m, sig));
    }
    let anchor_with = |confirmed: Vec<(Vec<u8>, Vec<u8>)>| {
        TrustAnchor::with_key(
            &w.anchor.spki_der,
            w.anchor.subject.clone(),
            w.anchor.not_before,
            w.anchor.not_after,
            Box::new(Confirmed(confirmed)),
        )
        .unwrap()
    };
    let all = anchor_with(statements.clone());
    assert_eq!(code(load(&good, &all, now, None)), "OK");
    assert_eq!(
        code(hcert::load_lists(&good, &all, now, None, &hcert::NoCrypto)),
        "OK",
        "no signature arithmetic is needed once the answers are in"
    );
    for missing in 0..statements.len() {
        let mut some = statements.clone();
        some.remove(missing);
        assert_eq!(
            code(load(&good, &anchor_with(some), now, None)),
            "TRUST_LIST_SIGNATURE_INVALID",
            "statement {missing} unconfirmed"
        );
    }
    // A confirmed statement with another signature bytes is not a confirmation.
    let mut bent = statements.clone();
    bent[0].1[5] ^= 1;
    assert_eq!(
        code(load(&good, &anchor_with(bent), now, None)),
        "TRUST_LIST_SIGNATURE_INVALID"
    );
    // A tampered signature file yields no statement to confirm, and does not load.
    let mut damaged = good.clone();
    damaged.files[0].signature = b"{not json".to_vec();
    assert_eq!(signed_statements(&damaged).len(), statements.len() - 1);
    assert_eq!(
        code(load(&damaged, &anchor_with(statements), now, None)),
        "TRUST_LIST_MALFORMED"
    );
}

/// Issue 18, lower finding: the pinned anchor's own validity and key usage are checked (the
/// CLI's `verify --published` loads through the same `hcert::load_lists`).
#[test]
fn the_anchor_itself_must_be_valid_and_allowed_to_sign() {
    let w = world();
    let b = bundle(&w, T0, 1);
    // Its certificate runs out 700 days after T0: lists checked after that are refused for
    // the anchor, whatever they say.
    assert_eq!(
        code(load(&b, &w.anchor, UnixTime(T0.0 + 701 * DAY), None)),
        "TRUST_ANCHOR_INVALID"
    );
    assert_eq!(
        code(load(&b, &w.anchor, UnixTime(T0.0 - 31 * DAY), None)),
        "TRUST_ANCHOR_INVALID"
    );
    // A certificate whose key usage does not allow signing cannot be an anchor.
    let (_, _, der) = key_and_cert("Encipherment only", 1 << 2);
    let e = TrustAnchor::from_pem(&hcert::to_pem(&der), crypto::default_backend()).unwrap_err();
    assert_eq!(e.code(), "TRUST_ANCHOR_INVALID");
}

/// What the page sends its worker to assess a verified certificate, and the request built from
/// it there.
#[test]
fn an_acceptance_request_carries_the_payload_claims_and_kid() {
    use vaxpass_app::acceptance::Certificate;
    let w = world();
    let now = UnixTime(T0.0 + 3600);
    let l = load(&bundle(&w, T0, 1), &w.anchor, now, None).unwrap();
    let hc1 = certificate(&w, T0);
    let verdict = hcert::verify_as_of(&hc1, &l.store, now, now);
    assert!(verdict.is_valid());
    let cert = Certificate::of(&verdict).unwrap();
    let decoded = hcert::decode(&hc1).unwrap();
    assert_eq!(cert.issuer, "VN");
    assert_eq!(
        (cert.iat, cert.exp),
        (
            decoded.claims.iat.map(|t| t.0),
            decoded.claims.exp.map(|t| t.0)
        )
    );
    assert_eq!(cert.kid, w.dsc.kid_base64());
    let at = UnixTime(T0.0 + DAY);
    let req = cert.request(vec!["DE".into()], "", at, "vi", true).unwrap();
    assert_eq!(req.payload, decoded.dcc.json);
    assert_eq!((req.at, req.lang.as_str(), req.until), (at.0, "vi", true));
    let garbled = Certificate {
        payload: "{".into(),
        ..cert
    };
    assert!(garbled.request(vec![], "", at, "en", false).is_none());
    // A verdict without a signer (an unknown one) has nothing to assess.
    let unknown = hcert::verify_as_of(&hc1, &hcert::TrustStore::new(), now, now);
    assert!(Certificate::of(&unknown).is_none());
}
