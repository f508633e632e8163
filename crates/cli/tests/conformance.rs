//! The member states' test suite, scored flag by flag (`vaxpass conformance`), and the
//! suite's `common/` bad inputs, each of which must fail with its own specific error code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use base64::Engine as _;
use serde_json::Value;
use vaxpass::conformance;

fn suite_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("VAXPASS_DGC_TESTDATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            std::env::var_os("VAXPASS_SHARED_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| {
                    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
                })
                .join("conformance/dgc-testdata")
        });
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "\n========== SKIP: dgc-testdata not found at {} (set VAXPASS_DGC_TESTDATA) ==========\n",
            dir.display()
        );
        None
    }
}

/// The EU value sets beside the suite, as `vaxpass conformance` finds them.
fn value_sets(suite: &std::path::Path) -> Option<hcert::ValueSetCatalog> {
    let dir = conformance::value_sets_dir(suite);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!(
            "\n========== SKIP: value sets not found at {} (set VAXPASS_SHARED_DIR) ==========\n",
            dir.display()
        );
        return None;
    };
    let mut catalog = hcert::ValueSetCatalog::new();
    let mut files: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
    files.sort();
    for f in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "json"))
    {
        let bytes = std::fs::read(f).unwrap();
        if catalog.add_file(&bytes).is_err() {
            // The compressed `{id: [codes]}` map, or a file that is no value set (ignored).
            let _ = catalog.add_compressed(&bytes);
        }
    }
    Some(catalog)
}

#[test]
fn dgc_testdata_agrees_on_every_flag_except_allowlisted_data_errors() {
    let Some(dir) = suite_dir() else { return };
    let Some(value_sets) = value_sets(&dir) else {
        return;
    };
    let report = conformance::run(&dir, conformance::DEFAULT_ALLOWLIST, Some(&value_sets)).unwrap();
    let text = conformance::render(&report);
    println!("{text}");
    assert!(report.passed(), "{text}");
    let counts = report.counts();
    assert_eq!(counts.len(), 10);
    for (flag, c) in &counts {
        assert!(c.scored > 100, "{flag} scored only {}", c.scored);
    }
    let totals = report.totals();
    assert!(
        totals.scored >= 4000,
        "only {} assertions scored",
        totals.scored
    );
    assert!(report.files >= 480, "only {} files", report.files);
    // The allowlist is a short list of data errors, not a way to pass.
    assert!(totals.allowlisted * 20 < totals.scored);
    assert!(text
        .trim_end()
        .ends_with(&format!("{} passed, 0 failed", totals.agree)));
    // Value sets decide schema answers: a mistyped manufacturer is refused by its code.
    let sm = report
        .assertions
        .iter()
        .find(|a| a.file == "SM/2DCode/raw/1.json" && a.flag == "EXPECTEDSCHEMAVALIDATION")
        .unwrap();
    assert!(
        matches!(&sm.result, conformance::StepResult::Ran { ok: false, detail } if detail.starts_with("VALUESET_UNKNOWN_CODE")),
        "{sm:?}"
    );
    // Without value sets the same file passes its schema step.
    let without = conformance::evaluate(
        &serde_json::from_str(&std::fs::read_to_string(dir.join("SM/2DCode/raw/1.json")).unwrap())
            .unwrap(),
        None,
    );
    assert!(matches!(
        without["EXPECTEDSCHEMAVALIDATION"],
        conformance::StepResult::Ran { ok: true, .. }
    ));
}

fn load(dir: &std::path::Path, name: &str) -> Value {
    let p = dir.join("common/2DCode/raw").join(name);
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn field<'a>(t: &'a Value, k: &str) -> &'a str {
    t[k].as_str().unwrap_or_else(|| panic!("field {k}"))
}

fn verdict(t: &Value) -> hcert::Verdict {
    let der = base64::engine::general_purpose::STANDARD
        .decode(field(&t["TESTCTX"], "CERTIFICATE"))
        .unwrap();
    let mut trust = hcert::TrustStore::new();
    trust.add_der(&der).unwrap();
    let at = hcert::UnixTime::parse_rfc3339(field(&t["TESTCTX"], "VALIDATIONCLOCK")).unwrap();
    hcert::verify(field(t, "PREFIX"), &trust, at)
}

/// Each defective input of `common/`, fed to the stage it breaks, fails with the code that
/// names that defect; the whole-certificate verdict is never valid.
#[test]
fn common_bad_inputs_fail_with_their_own_codes() {
    let Some(dir) = suite_dir() else { return };
    let mut seen = std::collections::BTreeSet::new();
    let mut check = |name: &str, code: &str| {
        println!("{name}: {code}");
        seen.insert(code.to_string());
    };
    // Q1: the "image" is not a readable picture.
    let q1 = load(&dir, "Q1.json");
    let png = base64::engine::general_purpose::STANDARD
        .decode(field(&q1, "2DCODE"))
        .unwrap();
    let e = vaxpass_picture::read_qr(&png).unwrap_err();
    assert!(
        matches!(e.code(), "IMAGE_UNREADABLE" | "QR_NOT_FOUND"),
        "Q1: {e}"
    );
    check("Q1", e.code());
    // H1 (HL0:) and H3 (no prefix).
    for (name, code) in [("H1.json", "PREFIX_INVALID"), ("H3.json", "PREFIX_MISSING")] {
        let t = load(&dir, name);
        let e = hcert::strip_prefix(field(&t, "PREFIX")).unwrap_err();
        assert_eq!(e.code(), code, "{name}");
        assert_eq!(verdict(&t).reason().unwrap().code(), code, "{name}");
        check(name, code);
    }
    // B1: '=' in the Base45 text.
    let b1 = load(&dir, "B1.json");
    let e = hcert::decode_base45(field(&b1, "BASE45")).unwrap_err();
    assert_eq!(e.code(), "BASE45_INVALID_CHAR");
    check("B1", e.code());
    // Z1: broken zlib; Z2: not compressed at all.
    for (name, code) in [
        ("Z1.json", "ZLIB_CORRUPT"),
        ("Z2.json", "ZLIB_NOT_COMPRESSED"),
    ] {
        let t = load(&dir, name);
        let e = hcert::inflate(&hex(field(&t, "COMPRESSED")), 1 << 16).unwrap_err();
        assert_eq!(e.code(), code, "{name}");
        check(name, code);
    }
    // CBO1: the payload's CBOR structure is wrong (a byte string where the DCC needs a map
    // of text), and its separate CBOR field is truncated; CBO2: the COSE bytes are not one
    // CBOR item at all (reversed).
    let cbo1 = load(&dir, "CBO1.json");
    assert_eq!(verdict(&cbo1).reason().unwrap().code(), "DCC_MALFORMED");
    check("CBO1", "DCC_MALFORMED");
    let e = hcert::decode_cbor(&hex(field(&cbo1, "CBOR"))).unwrap_err();
    assert_eq!(e.code(), "CBOR_MALFORMED");
    let cbo2 = load(&dir, "CBO2.json");
    assert_eq!(verdict(&cbo2).reason().unwrap().code(), "CBOR_MALFORMED");
    let e = hcert::decode_sign1(&hex(field(&cbo2, "COSE"))).unwrap_err();
    assert_eq!(e.code(), "CBOR_MALFORMED");
    check("CBO2", e.code());
    // Whole-certificate verdicts with the suite's certificate and clock.
    for (name, code) in [
        ("CO5.json", "SIGNATURE_MALFORMED"),
        ("CO22.json", "COSE_KID_INVALID_LENGTH"),
        ("CO6.json", "KEY_USAGE_MISMATCH"),
        ("CO7.json", "KEY_USAGE_MISMATCH"),
        ("CO8.json", "KEY_USAGE_MISMATCH"),
        ("CO10.json", "KEY_USAGE_MISMATCH"),
        ("CO16.json", "NOT_YET_VALID"),
        ("DGC1.json", "SCHEMA_INVALID"),
    ] {
        let v = verdict(&load(&dir, name));
        assert!(!v.is_valid(), "{name}");
        let failed: Vec<&str> = v
            .checks
            .iter()
            .filter_map(|c| match &c.outcome {
                hcert::Outcome::Failed(e) => Some(e.code()),
                _ => None,
            })
            .collect();
        assert!(
            failed.contains(&code),
            "{name}: failed checks {failed:?}, expected {code}"
        );
        check(name, code);
    }
    // ES 401: ES256 claimed by a P-384 key (our documented policy).
    let es = dir.join("ES/2DCode/raw/401.json");
    let t: Value = serde_json::from_str(&std::fs::read_to_string(es).unwrap()).unwrap();
    let v = verdict(&t);
    assert_eq!(v.reason().unwrap().code(), "KEY_ALGORITHM_MISMATCH");
    // Thirteen kinds of defect, thirteen distinct codes (the key-usage cases share one).
    assert_eq!(seen.len(), 13, "{seen:?}");
}
