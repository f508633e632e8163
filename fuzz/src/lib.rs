//! The properties the fuzz targets check, one function per target: whatever the input, each
//! decoder or parser returns a value or an error of its own stage, within its bounds, and
//! never panics. `cargo fuzz` (libFuzzer, coverage-guided) runs them on generated input
//! (`./dev fuzz`); `tests/regressions.rs` runs them on every input a fuzzer ever found
//! (`fuzz/regressions/<target>/`) and on seeds from the EU test suite, in every `cargo test`.
//!
//! Each function panics, on purpose, when its property does not hold: that is how libFuzzer
//! learns of a failure.
#![allow(clippy::panic, clippy::expect_used)]

use std::sync::OnceLock;

/// The targets, by name (the names of `fuzz_targets/*.rs`).
pub const TARGETS: [&str; 14] = [
    "base45",
    "inflate",
    "cbor",
    "cose",
    "cwt",
    "payload",
    "decode",
    "verify",
    "x509",
    "gateway_json",
    "lists",
    "statement",
    "revocation_filter",
    "picture",
];

/// Runs the property of `target` on `data`.
pub fn check(target: &str, data: &[u8]) {
    match target {
        "base45" => base45(data),
        "inflate" => inflate(data),
        "cbor" => cbor(data),
        "cose" => cose(data),
        "cwt" => cwt(data),
        "payload" => payload(data),
        "decode" => decode(data),
        "verify" => verify(data),
        "x509" => x509(data),
        "gateway_json" => gateway_json(data),
        "lists" => lists(data),
        "statement" => statement(data),
        "revocation_filter" => revocation_filter(data),
        "picture" => picture(data),
        other => panic!("no fuzz target {other}"),
    }
}

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// CBOR: hcert's reader (`decode/cbor.rs`) reads exactly what ciborium reads, to the same
/// value, and refuses what ciborium refuses.
pub fn cbor(data: &[u8]) {
    let ours = hcert::decode_cbor(data);
    let theirs = {
        let mut rest = data;
        ciborium::de::from_reader_with_recursion_limit::<ciborium::Value, _>(&mut rest, 32)
            .ok()
            .filter(|_| rest.is_empty())
    };
    match (&ours, &theirs) {
        (Ok(a), Some(b)) => assert!(same_cbor(a, b), "{a:?} != ciborium's {b:?}"),
        (Err(e), None) => assert_eq!(e.code(), "CBOR_MALFORMED", "{e}"),
        _ => panic!("hcert {ours:?}, ciborium {theirs:?}"),
    }
}

/// CBOR values equal, NaNs bit for bit.
fn same_cbor(a: &ciborium::Value, b: &ciborium::Value) -> bool {
    use ciborium::Value as V;
    match (a, b) {
        (V::Float(x), V::Float(y)) => x.to_bits() == y.to_bits(),
        (V::Array(x), V::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_cbor(a, b))
        }
        (V::Map(x), V::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((k, v), (l, w))| same_cbor(k, l) && same_cbor(v, w))
        }
        (V::Tag(t, x), V::Tag(u, y)) => t == u && same_cbor(x, y),
        _ => a == b,
    }
}

/// Base45 (RFC 9285): any text decodes, or fails in the Base45 stage.
pub fn base45(data: &[u8]) {
    let Some(text) = text(data) else { return };
    if let Err(e) = hcert::decode_base45(text) {
        assert_eq!(e.stage(), hcert::Stage::Base45, "{e}");
    }
}

/// zlib inflate with the 64 KiB cap: never more output than the cap.
pub fn inflate(data: &[u8]) {
    match hcert::inflate(data, 64 * 1024) {
        Ok(out) => assert!(out.len() <= 64 * 1024),
        Err(e) => assert_eq!(e.stage(), hcert::Stage::Decompress, "{e}"),
    }
}

/// COSE_Sign1 through coset and the adapter: errors of the decode stage; a decoded message
/// answers every accessor.
pub fn cose(data: &[u8]) {
    match hcert::decode_sign1(data) {
        Ok(m) => {
            let _ = (m.algorithm(), m.kid(), m.signed_bytes(), m.payload().len());
        }
        Err(e) => assert_eq!(e.stage(), hcert::Stage::Decode, "{e}"),
    }
}

/// CWT claims: errors of the decode stage.
pub fn cwt(data: &[u8]) {
    if let Err(e) = hcert::decode_claims(data) {
        assert_eq!(e.stage(), hcert::Stage::Decode, "{e}");
    }
}

/// The DCC payload: CBOR → JSON data model → schema, and every typed view of it.
pub fn payload(data: &[u8]) {
    let Ok(value) = hcert::decode_cbor(data) else {
        return;
    };
    let Ok(json) = hcert::cbor_to_json(value) else {
        return;
    };
    let _ = hcert::validate_schema(&json);
    if let Ok(dcc) = hcert::Dcc::from_json(json) {
        let _ = (
            dcc.nam().display(),
            dcc.date_of_birth(),
            dcc.single_entry().is_ok(),
        );
        let _ = (
            dcc.vaccinations().len(),
            dcc.tests().len(),
            dcc.recoveries().len(),
        );
    }
}

/// The whole decoding chain from text.
pub fn decode(data: &[u8]) {
    let Some(text) = text(data) else { return };
    if let Ok(d) = hcert::decode(text) {
        let _ = (d.cose.kid(), d.dcc.single_entry().is_ok());
    }
}

/// dgc-testdata `common/CO20`'s signer, a public test certificate.
const CO20_CERT: &str = "MIIBVzCB/6ADAgECAgRzLoFUMAoGCCqGSM49BAMCMBAxDjAMBgNVBAMMBUVDLU1lMB4XDTIxMDUwMzE4MDAwMFoXDTIxMDYwMjE4MDAwMFowEDEOMAwGA1UEAwwFRUMtTWUwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQkI7eQFjMDlzlZE76ey3MxeRRXqe19Gz5zI534UOGwz0uk3rC1lzMRKFjlMYqi/vEbZerv5xjysRnzhyo1P/P9o0cwRTAOBgNVHQ8BAf8EBAMCBaAwMwYDVR0lBCwwKgYMKwYBBAEAjjePZQEBBgwrBgEEAQCON49lAQIGDCsGAQQBAI43j2UBAzAKBggqhkjOPQQDAgNHADBEAiBS0ew1ZTfhrMdiOqGuSiRAe9kpg9jNZoHBICd0rAEjvQIgeFUhq00LEJHST3StBaww1NrZpEyYgh7XeC5ZK7UbRDE=";

fn store() -> &'static hcert::TrustStore {
    static STORE: OnceLock<hcert::TrustStore> = OnceLock::new();
    STORE.get_or_init(|| {
        let mut t = hcert::TrustStore::new();
        let pem = format!("-----BEGIN CERTIFICATE-----\n{CO20_CERT}\n-----END CERTIFICATE-----\n");
        t.add_pem(&pem).expect("the CO20 certificate loads");
        t
    })
}

/// Verifying any text against a fixed trust store: `Valid` only with the one signer found and
/// no check failed or unable to run (a warning, or data this store does not have, such as value
/// sets, is shown but does not prevent it).
pub fn verify(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let v = hcert::verify(text, store(), hcert::UnixTime(1_620_100_000));
    if v.is_valid() {
        assert!(v.decoded.is_some() && v.signer.is_some());
        assert!(v.checks.iter().all(|c| matches!(
            c.outcome,
            hcert::Outcome::Passed | hcert::Outcome::Warning(_) | hcert::Outcome::NotCovered(_)
        )));
        assert!(v
            .checks
            .iter()
            .any(|c| c.id == hcert::CheckId::Signature && c.outcome == hcert::Outcome::Passed));
    }
}

/// X.509 through x509-cert and the view: refused certificates belong to the trust stage.
pub fn x509(data: &[u8]) {
    match hcert::Certificate::from_der(data) {
        Ok(c) => {
            let _ = (c.allowed_types(), c.thumbprint(), c.kid_base64());
        }
        Err(e) => assert_eq!(e.stage(), hcert::Stage::Trust, "{e}"),
    }
    let _ = hcert::PublicKeyInfo::from_spki_der(data);
}

/// EU gateway trust lists (and PEM/DER through `add_any`): accepted entries are filed under
/// their own kid.
pub fn gateway_json(data: &[u8]) {
    if let Some(text) = text(data) {
        if let Ok(list) = hcert::parse_gateway_json(text) {
            for e in &list.entries {
                assert_eq!(e.kid, e.certificate.kid);
            }
        }
    }
    let mut t = hcert::TrustStore::new();
    let _ = t.add_any(data);
}

/// The published JSON files a verifier parses (before any signature check).
pub fn lists(data: &[u8]) {
    if let Ok(list) = hcert::VerifierList::parse(data) {
        let st = hcert::Statement {
            kind: "vaxpass-signed-file".into(),
            version: 1,
            file: "trust-lists/verifier.json".into(),
            sha256: String::new(),
            size: 0,
            issued: "2026-01-01T00:00:00Z".into(),
            expires: "2026-01-08T00:00:00Z".into(),
            sequence: 1,
        };
        let _ = list.into_trust_store(hcert::default_backend(), &st);
    }
    let _ = hcert::Index::parse(data);
    let _ = hcert::parse_value_sets(data);
    let _ = hcert::FilterManifest::parse(data);
    let _ = hcert::filter_slice_paths(data);
}

fn anchor() -> &'static hcert::TrustAnchor {
    static ANCHOR: OnceLock<hcert::TrustAnchor> = OnceLock::new();
    ANCHOR.get_or_init(|| {
        let f = hcert::default_key_factory();
        let pkcs8 = f.generate_pkcs8(hcert::Algorithm::Es256, 0).expect("key");
        let key = f
            .load_signing_key(hcert::Algorithm::Es256, &pkcs8)
            .expect("key");
        let spki = f
            .public_key_der(hcert::Algorithm::Es256, &pkcs8)
            .expect("spki");
        let name = hcert::encode_name(&[(hcert::NameAttr::CommonName, "fuzz anchor")]);
        let der = hcert::build_certificate(
            &hcert::CertificateSpec {
                serial: vec![1; 8],
                subject: name.clone(),
                not_before: hcert::UnixTime(0),
                not_after: hcert::UnixTime(4_000_000_000),
                spki_der: spki.clone(),
                ca: None,
                key_usage: hcert::KU_DIGITAL_SIGNATURE,
                types: vec![],
            },
            &hcert::IssuerRef {
                name: &name,
                key: key.as_ref(),
                key_id: hcert::key_identifier(&spki),
            },
        )
        .expect("certificate");
        hcert::TrustAnchor::from_pem(&hcert::to_pem(&der), hcert::default_backend())
            .expect("anchor")
    })
}

/// Detached signature files against a fixed anchor whose key nobody else holds: any bytes
/// are refused with a trust-list error.
pub fn statement(data: &[u8]) {
    let (content, sig) = data.split_at(data.len() / 2);
    let r = hcert::verify_file(
        "trust-lists/verifier.json",
        content,
        sig,
        anchor(),
        hcert::UnixTime(1_800_000_000),
    );
    match r {
        Ok(_) => panic!("a signature file no one signed was accepted"),
        Err(e) => assert_eq!(e.stage(), hcert::Stage::Trust, "{e}"),
    }
}

/// The revocation filter reader: a slice that loads answers lookups and round-trips.
pub fn revocation_filter(data: &[u8]) {
    if let Ok(f) = hcert::FuseFilter::from_bytes(data) {
        for key in [0u64, 1, u64::MAX, 0x9e37_79b9_7f4a_7c15] {
            let _ = f.contains(key);
        }
        assert_eq!(hcert::FuseFilter::from_bytes(&f.to_bytes()).ok(), Some(f));
    }
}

/// PNG/JPEG QR reading: text, or an error of the picture stage.
pub fn picture(data: &[u8]) {
    if let Err(e) = vaxpass_picture::read_qr(data) {
        assert_eq!(e.stage(), hcert::Stage::Picture, "{e}");
    }
}

/// Seed inputs for `target` from the EU member states' test suite below `suite`
/// (`dgc-testdata`), and for the list parsers from lists built here: real-world shapes for
/// the fuzzer to start from, and for the regression test to check.
pub fn seeds(target: &str, suite: &std::path::Path) -> Vec<Vec<u8>> {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    let hex = |s: &str| -> Option<Vec<u8>> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
            .collect()
    };
    let mut out: Vec<Vec<u8>> = Vec::new();
    match target {
        "lists" | "statement" | "revocation_filter" => return built_seeds(target),
        _ => {}
    }
    let mut files = Vec::new();
    let mut stack = vec![suite.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "json") {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut certificates = Vec::new();
    for f in files {
        let Ok(t) =
            serde_json::from_slice::<serde_json::Value>(&std::fs::read(&f).unwrap_or_default())
        else {
            continue;
        };
        let field = |k: &str| t.get(k).and_then(serde_json::Value::as_str);
        let cose = field("COSE").and_then(hex);
        match target {
            "decode" | "verify" => out.extend(field("PREFIX").map(|p| p.as_bytes().to_vec())),
            "base45" => out.extend(field("BASE45").map(|p| p.as_bytes().to_vec())),
            "inflate" => out.extend(field("COMPRESSED").and_then(hex)),
            "cose" => out.extend(cose),
            "cbor" => {
                out.extend(field("CBOR").and_then(hex));
                out.extend(cose);
            }
            "cwt" => out.extend(
                cose.as_deref()
                    .and_then(|c| hcert::decode_sign1(c).ok())
                    .map(|m| m.payload().to_vec()),
            ),
            "payload" => out.extend(field("CBOR").and_then(hex)),
            "x509" | "gateway_json" => {
                let cert = t
                    .get("TESTCTX")
                    .and_then(|c| c.get("CERTIFICATE"))
                    .and_then(serde_json::Value::as_str)
                    .and_then(|c| b64.decode(c.trim()).ok());
                if let Some(der) = cert {
                    if target == "x509" {
                        out.push(der);
                    } else {
                        certificates.push(der);
                    }
                }
            }
            "picture" => out.extend(field("2DCODE").and_then(|c| b64.decode(c.trim()).ok())),
            _ => {}
        }
    }
    if target == "gateway_json" {
        certificates.sort();
        certificates.dedup();
        let entries: Vec<serde_json::Value> = certificates
            .iter()
            .take(50)
            .map(|der| {
                serde_json::json!({
                    "kid": b64.encode(hcert::kid_of(der)),
                    "country": "XX",
                    "certificateType": "DSC",
                    "rawData": b64.encode(der),
                })
            })
            .collect();
        out.push(serde_json::to_vec(&entries).unwrap_or_default());
    }
    out.sort();
    out.dedup();
    out
}

/// Seeds for the parsers of published files, built here (a filter, a manifest, lists).
fn built_seeds(target: &str) -> Vec<Vec<u8>> {
    let keys: Vec<u64> = (0u64..500)
        .map(|i| i.wrapping_mul(0x9e37_79b9_7f4a_7c15))
        .collect();
    let filter = hcert::FuseFilter::build(&keys, hcert::FilterWidth::Bits24)
        .map(|f| f.to_bytes())
        .unwrap_or_default();
    match target {
        "revocation_filter" => vec![
            filter,
            hcert::FuseFilter::build(&keys[..3], hcert::FilterWidth::Bits32)
                .map(|f| f.to_bytes())
                .unwrap_or_default(),
        ],
        "lists" => {
            let cert = hcert::pem_certificates(&format!(
                "-----BEGIN CERTIFICATE-----\n{CO20_CERT}\n-----END CERTIFICATE-----\n"
            ))
            .ok()
            .and_then(|d| d.into_iter().next())
            .and_then(|der| hcert::Certificate::from_der(&der).ok());
            let verifier = cert.map(|c| hcert::VerifierList {
                version: 1,
                signers: vec![hcert::VerifierEntry::from_certificate(&c, c.kid, "AT")],
            });
            vec![
                serde_json::to_vec(&verifier).unwrap_or_default(),
                br#"{"version":1,"country":"VN","sequence":3,"issued":"2026-01-01T00:00:00Z","next_update":"2026-01-02T00:00:00Z","expires":"2026-01-08T00:00:00Z","files":[{"path":"trust-lists/verifier.json","sha256":"00","size":1,"signature":"trust-lists/verifier.json.sig","description":""}]}"#.to_vec(),
                br#"{"version":1,"valuesets":{"vaccines-covid-19-names":{"EU/1/20/1528":{"en":"Comirnaty","vi":"Comirnaty"}}}}"#.to_vec(),
                br#"{"version":1,"country":"VN","hashType":"COUNTRYCODEUCI","entries":500,"falsePositiveRate":6e-8,"slices":[{"path":"revocation/filter/0123456789abcdef0123456789abcdef.vx24","sha256":"00","size":10,"entries":500,"bits":24}],"logEntries":500,"logTail":"00"}"#.to_vec(),
            ]
        }
        _ => vec![
            br#"{"alg":"ES256","statement":"e30=","signature":"MEUCIQ=="}"#.to_vec(),
            b"{}".to_vec(),
        ],
    }
}
