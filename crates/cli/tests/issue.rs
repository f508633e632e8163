//! The issuer as the Ministry runs it: `vaxpass keys`, `gen-records` and `issue`, through
//! the real binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hcert::Certificate;
use serde_json::Value;

mod common;
use common::{json_lines, ok, s, tmp, BIN};

const ISSUED_AT: &str = "2022-07-01T08:00:00Z";

fn keys(dir: &Path, alg: &str) -> PathBuf {
    let k = dir.join("keys");
    ok(&[
        "keys",
        "init",
        "--dir",
        s(&k),
        "--alg",
        alg,
        "--valid-from",
        "2022-01-01T00:00:00Z",
    ]);
    k
}

fn read_cert(path: &Path) -> Certificate {
    let der = hcert::pem_certificates(&std::fs::read_to_string(path).unwrap())
        .unwrap()
        .remove(0);
    Certificate::from_der(&der).unwrap()
}

fn signer_cert(keys: &Path) -> (PathBuf, Certificate) {
    let entry = std::fs::read_dir(keys.join("signers"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".crt.pem"))
        .unwrap();
    let cert = read_cert(&entry);
    (entry, cert)
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// The key store follows the governance profile; private keys are 0600 and never land in a
/// published or served directory.
#[test]
fn key_store_profile_and_permissions() {
    let dir = tmp("keys");
    let k = keys(&dir, "ES256");
    #[cfg(unix)]
    {
        assert_eq!(mode(&k), 0o700);
        for f in ["csca.key.pem", "trust-list-signer.key.pem", "uvci.secret"] {
            assert_eq!(mode(&k.join(f)), 0o600, "{f}");
        }
        for e in std::fs::read_dir(k.join("signers")).unwrap() {
            let p = e.unwrap().path();
            if p.to_string_lossy().ends_with(".key.pem") {
                assert_eq!(mode(&p), 0o600);
            }
        }
    }
    let ca = read_cert(&k.join("csca.crt.pem"));
    assert!(ca.is_ca);
    assert_eq!(ca.path_len, Some(0));
    assert_eq!(
        ca.key_usage,
        Some(hcert::KU_KEY_CERT_SIGN | hcert::KU_CRL_SIGN)
    );
    assert_eq!(ca.subject.der, ca.issuer.der, "self-signed");
    assert_eq!(ca.subject.country.as_deref(), Some("VN"));
    let (_, dsc) = signer_cert(&k);
    assert!(!dsc.is_ca);
    assert_eq!(dsc.key_usage, Some(hcert::KU_DIGITAL_SIGNATURE));
    assert_eq!(dsc.issuer.der, ca.subject.der);
    assert_eq!(dsc.authority_key_id, ca.subject_key_id);
    assert_eq!(dsc.allowed_types().len(), 3);
    assert_eq!(
        dsc.extended_key_usage.as_ref().unwrap().len(),
        3,
        "the three certificate-type OIDs are listed explicitly"
    );
    // The CA's signature over the DSC verifies with the CA key (ES256 over the TBS bytes).
    let sig = der_ecdsa_to_raw(&dsc.signature);
    let backend = hcert::default_backend();
    let ca_key = backend.prepare(&ca.public_key).unwrap();
    assert!(ca_key.verify(hcert::Algorithm::Es256, &dsc.tbs, &sig));
    // The trust-list signer is a different key that may sign no certificates.
    let tl = read_cert(&k.join("trust-list-signer.crt.pem"));
    assert_ne!(tl.kid, dsc.kid);
    assert_eq!(tl.extended_key_usage, None);

    // A signer restricted to one type; rotation by activating it.
    ok(&[
        "keys",
        "add-signer",
        "--dir",
        s(&k),
        "--types",
        "t",
        "--activate",
        "--valid-from",
        "2022-01-01T00:00:00Z",
    ]);
    let list = ok(&["keys", "list", "--dir", s(&k), "--json"]);
    let list: Value = serde_json::from_slice(&list.stdout).unwrap();
    let signers = list["signers"].as_array().unwrap();
    assert_eq!(signers.len(), 2);
    let active: Vec<&Value> = signers.iter().filter(|s| s["active"] == true).collect();
    assert_eq!(active.len(), 1);
    assert_eq!(active[0]["types"], serde_json::json!(["t"]));
    let text = String::from_utf8(ok(&["keys", "list", "--dir", s(&k)]).stdout).unwrap();
    assert!(!text.contains("PRIVATE"), "listing never prints keys");

    // Refusals: an existing key store, and any directory that gets published or served.
    let again = Command::new(BIN)
        .args(["keys", "init", "--dir", s(&k)])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    for bad in ["trust-lists/keys", "public/keys", "dist/k"] {
        let out = Command::new(BIN)
            .args(["keys", "init", "--dir", s(&dir.join(bad))])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(!dir.join(bad).exists(), "{bad} must not be created");
    }
    std::fs::remove_dir_all(dir).ok();
}

fn der_ecdsa_to_raw(der: &[u8]) -> Vec<u8> {
    // SEQUENCE { INTEGER r, INTEGER s }, each 1–33 bytes.
    let mut out = Vec::new();
    let mut i = 2;
    for _ in 0..2 {
        assert_eq!(der[i], 0x02);
        let len = der[i + 1] as usize;
        let v = &der[i + 2..i + 2 + len];
        let v = &v[v.len().saturating_sub(32)..];
        out.extend(std::iter::repeat_n(0u8, 32 - v.len()));
        out.extend_from_slice(v);
        i += 2 + len;
    }
    out
}

/// Every record comes out exactly once, as a certificate that verifies or a reject with
/// reasons; certificates are correct in every field we promise.
#[test]
fn issuing_accounts_for_every_record() {
    let dir = tmp("e2e");
    let k = keys(&dir, "ES256");
    let input = dir.join("records.csv");
    ok(&[
        "gen-records",
        "--count",
        "600",
        "--seed",
        "11",
        "--error-rate",
        "0.15",
        "--out",
        s(&input),
    ]);
    let out = dir.join("out");
    ok(&[
        "issue",
        "--keys",
        s(&k),
        "--input",
        s(&input),
        "--out",
        s(&out),
        "--qr",
        "png",
        "--issued-at",
        ISSUED_AT,
        "--threads",
        "2",
    ]);
    let certs = json_lines(&out.join("certificates.jsonl"));
    let rejects = json_lines(&out.join("rejects.jsonl"));
    let summary: Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(certs.len() + rejects.len(), 600);
    assert_eq!(summary["records"], 600);
    assert_eq!(summary["issued"].as_u64().unwrap() as usize, certs.len());
    assert!(
        rejects.len() > 40 && certs.len() > 450,
        "{} rejects",
        rejects.len()
    );
    // Each input line (2..=601) appears exactly once.
    let cert_ids: BTreeSet<String> = certs
        .iter()
        .map(|c| c["record_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(cert_ids.len(), certs.len(), "no record issued twice");
    let reject_lines: BTreeSet<u64> = rejects
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(reject_lines.len(), rejects.len());
    for r in &rejects {
        assert!(!r["reasons"].as_array().unwrap().is_empty());
        assert!(!r["message"].as_str().unwrap().is_empty());
    }
    let reason_total: u64 = summary["reasons"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert!(reason_total >= rejects.len() as u64);

    let (dsc_path, dsc) = signer_cert(&k);
    let mut trust = hcert::TrustStore::new();
    trust.add(dsc.clone(), None);
    let iat = hcert::UnixTime::parse_rfc3339(ISSUED_AT).unwrap();
    let mut uvcis = BTreeSet::new();
    for c in &certs {
        let hc1 = c["hc1"].as_str().unwrap();
        let v = hcert::verify(hc1, &trust, iat);
        assert!(v.is_valid(), "{:?}", v.reason());
        let d = v.decoded.unwrap();
        assert_eq!(d.claims.iss.as_deref(), Some("VN"));
        assert_eq!(d.claims.iat, Some(iat));
        assert_eq!(
            d.claims.exp.unwrap().rfc3339(),
            "2023-07-01T08:00:00Z",
            "12 calendar months"
        );
        assert_eq!(c["exp"], "2023-07-01T08:00:00Z");
        assert_eq!(c["kid"], dsc.kid_base64());
        let uvci = c["uvci"].as_str().unwrap();
        assert!(
            uvci.starts_with("URN:UVCI:01:VN:") && uvci.len() == 49,
            "{uvci}"
        );
        assert!(hcert::check_character_valid(uvci));
        assert!(uvcis.insert(uvci.to_string()), "UVCIs are unique");
        let hcert::Entry::Vaccination(v) = d.dcc.single_entry().unwrap() else {
            panic!()
        };
        assert_eq!(v.ci, Some(uvci));
        assert_eq!(v.co, Some("VN"));
        assert!(v.dn.unwrap() >= 1 && v.sd.unwrap() >= 1);
        // Certificates carry no identity number.
        let payload = d.dcc.json.to_string();
        assert!(!payload.contains("national_id"));
        assert_eq!(
            hcert::validate_schema(&d.dcc.json).map(|v| v.id()),
            Ok("1.3.0")
        );
        assert!(d
            .dcc
            .nam()
            .family_t
            .unwrap()
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b == b'<'));
    }
    // The QR images hold the certificates (decoded by an independent reader).
    for c in certs.iter().step_by(97) {
        let png = std::fs::read(out.join(c["qr"].as_str().unwrap())).unwrap();
        let texts = vaxpass_picture::read_qr(&png).unwrap();
        assert_eq!(texts[0], c["hc1"].as_str().unwrap());
    }
    // The published `vaxpass verify` accepts them.
    let hc1 = certs[0]["hc1"].as_str().unwrap();
    ok(&[
        "verify",
        hc1,
        "--trust",
        s(&dsc_path),
        "--at",
        "2022-08-01T00:00:00Z",
    ]);

    // A second run on the same input mints the same UVCIs for the same records.
    let out2 = dir.join("out2");
    ok(&[
        "issue",
        "--keys",
        s(&k),
        "--input",
        s(&input),
        "--out",
        s(&out2),
        "--issued-at",
        "2022-07-02T00:00:00Z",
    ]);
    let again: BTreeMap<String, String> = json_lines(&out2.join("certificates.jsonl"))
        .iter()
        .map(|c| {
            (
                c["record_id"].as_str().unwrap().to_string(),
                c["uvci"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for c in &certs {
        assert_eq!(
            again[c["record_id"].as_str().unwrap()],
            c["uvci"].as_str().unwrap()
        );
    }
    // An existing output directory is never mixed into without --resume.
    let refused = Command::new(BIN)
        .args([
            "issue",
            "--keys",
            s(&k),
            "--input",
            s(&input),
            "--out",
            s(&out),
        ])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    std::fs::remove_dir_all(dir).ok();
}

/// Vietnam's own signer used PS256 (RSA-2048).
#[test]
fn ps256_issuing() {
    let dir = tmp("ps256");
    let k = keys(&dir, "PS256");
    let (_, dsc) = signer_cert(&k);
    assert_eq!(dsc.public_key.kind, hcert::KeyKind::Rsa { bits: 2048 });
    let input = dir.join("records.jsonl");
    ok(&[
        "gen-records",
        "--count",
        "40",
        "--seed",
        "5",
        "--out",
        s(&input),
    ]);
    let out = dir.join("out");
    ok(&[
        "issue",
        "--keys",
        s(&k),
        "--input",
        s(&input),
        "--out",
        s(&out),
        "--issued-at",
        ISSUED_AT,
        "--qr",
        "svg",
    ]);
    let certs = json_lines(&out.join("certificates.jsonl"));
    assert_eq!(certs.len(), 40);
    let mut trust = hcert::TrustStore::new();
    trust.add(dsc, None);
    for c in &certs {
        let v = hcert::verify(
            c["hc1"].as_str().unwrap(),
            &trust,
            hcert::UnixTime::parse_rfc3339(ISSUED_AT).unwrap(),
        );
        assert!(v.is_valid(), "{:?}", v.reason());
        assert_eq!(
            v.decoded.unwrap().cose.algorithm().unwrap(),
            hcert::Algorithm::Ps256
        );
        let svg = std::fs::read_to_string(out.join(c["qr"].as_str().unwrap())).unwrap();
        assert!(svg.starts_with("<svg"));
    }
    std::fs::remove_dir_all(dir).ok();
}

/// What identifies a certificate regardless of its (randomised) signature.
fn certificate_set(
    out: &Path,
    trust: &hcert::TrustStore,
) -> BTreeMap<String, (String, String, String, String)> {
    let at = hcert::UnixTime::parse_rfc3339(ISSUED_AT).unwrap();
    let mut set = BTreeMap::new();
    for (i, c) in json_lines(&out.join("certificates.jsonl"))
        .iter()
        .enumerate()
    {
        let hc1 = c["hc1"].as_str().unwrap();
        // Every payload is compared; signatures are checked on a sample (the issuer
        // self-checks too, and the other tests verify every certificate they make).
        if i % 25 == 0 {
            assert!(hcert::verify(hc1, trust, at).is_valid());
        }
        let payload = hcert::decode(hc1).unwrap().dcc.json.to_string();
        let id = c["record_id"].as_str().unwrap().to_string();
        let row = (
            c["uvci"].as_str().unwrap().to_string(),
            c["iat"].as_str().unwrap().to_string(),
            c["exp"].as_str().unwrap().to_string(),
            payload,
        );
        assert!(set.insert(id.clone(), row).is_none(), "{id} issued twice");
    }
    set
}

fn state(out: &Path) -> Option<Value> {
    serde_json::from_slice(&std::fs::read(out.join("state.json")).ok()?).ok()
}

/// `kill -9` at arbitrary moments, then `--resume`, gives exactly the certificates and
/// rejects of an uninterrupted run: no gaps, no duplicates, no torn lines.
#[test]
fn resume_after_kill_equals_an_uninterrupted_run() {
    let dir = tmp("resume");
    let k = keys(&dir, "ES256");
    let input = dir.join("records.csv");
    let count = 80_000;
    ok(&[
        "gen-records",
        "--count",
        &count.to_string(),
        "--seed",
        "3",
        "--error-rate",
        "0.05",
        "--out",
        s(&input),
    ]);
    let issue = |out: &Path, resume: bool| {
        let mut args = vec![
            "issue",
            "--keys",
            s(&k),
            "--input",
            s(&input),
            "--out",
            s(out),
            "--issued-at",
            ISSUED_AT,
            "--threads",
            "1",
            "--checkpoint-ms",
            "100",
        ];
        if resume {
            args.push("--resume");
        }
        Command::new(BIN)
            .args(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let reference = dir.join("reference");
    assert!(issue(&reference, false).wait().unwrap().success());

    let out = dir.join("interrupted");
    let mut kills = 0;
    let mut resume = false;
    loop {
        let mut child = issue(&out, resume);
        // Let it get past a checkpoint (or finish), then kill it without warning.
        let start = Instant::now();
        let done_before = state(&out).map_or(0, |s| {
            s["issued"].as_u64().unwrap() + s["rejected"].as_u64().unwrap()
        });
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                assert!(status.success());
                break;
            }
            let progressed = state(&out).is_some_and(|s| {
                s["issued"].as_u64().unwrap() + s["rejected"].as_u64().unwrap() > done_before
            });
            if progressed && kills < 4 {
                // Kill at some moment after a checkpoint, while it is writing more output.
                std::thread::sleep(Duration::from_millis([37, 151, 5, 83][kills as usize]));
                if child.try_wait().unwrap().is_none() {
                    child.kill().unwrap(); // SIGKILL
                    child.wait().unwrap();
                    kills += 1;
                }
                break;
            }
            assert!(start.elapsed() < Duration::from_secs(120), "no progress");
            std::thread::sleep(Duration::from_millis(20));
        }
        resume = true;
        if state(&out).is_some_and(|s| s["complete"] == true) {
            break;
        }
        // Simulate a torn write at the moment of the crash.
        use std::io::Write as _;
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(out.join("certificates.jsonl"))
            .unwrap();
        f.write_all(b"{\"record_id\":\"TORN").unwrap();
    }
    assert!(
        kills >= 3,
        "the run was interrupted {kills} times; make the input larger"
    );

    let (_, dsc) = signer_cert(&k);
    let mut trust = hcert::TrustStore::new();
    trust.add(dsc, None);
    let a = certificate_set(&reference, &trust);
    let b = certificate_set(&out, &trust);
    assert_eq!(a.len(), b.len());
    assert!(
        a == b,
        "resumed certificates differ from the uninterrupted run"
    );
    assert_eq!(
        std::fs::read(reference.join("rejects.jsonl")).unwrap(),
        std::fs::read(out.join("rejects.jsonl")).unwrap(),
        "rejects are byte-identical"
    );
    let rejected = json_lines(&out.join("rejects.jsonl")).len();
    assert_eq!(a.len() + rejected, count);
    let summary: Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["records"], count);
    assert_eq!(summary["resumed"], true);
    std::fs::remove_dir_all(dir).ok();
}
