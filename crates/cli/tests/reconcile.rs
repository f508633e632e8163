//! Reconciliation as the Ministry runs it, through the real binary: `gen-registry`,
//! `reconcile`, then `issue --only-verified`: exactly the verified people get a certificate,
//! every other record is rejected with the reason, and a records file edited after
//! reconciliation is refused.
#![cfg(feature = "reconcile")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

mod common;
use common::{json_lines, ok, run, s, tmp};

#[test]
fn only_verified_people_are_issued() {
    let d = tmp("flow");
    let data = d.join("data");
    ok(&[
        "gen-registry",
        "--count",
        "3000",
        "--seed",
        "7",
        "--out",
        s(&data),
    ]);
    let records = data.join("records.csv");
    let rec = d.join("reconciled");
    let out = ok(&[
        "reconcile",
        "--records",
        s(&records),
        "--registry",
        s(&data.join("registry.csv")),
        "--out",
        s(&rec),
        "--threads",
        "2",
        "--memory-mib",
        "256",
    ]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("verified") && table.contains("3000"),
        "{table}"
    );
    let summary: Value =
        serde_json::from_slice(&std::fs::read(rec.join("summary.json")).unwrap()).unwrap();
    let classes = summary["classes"].as_object().unwrap();
    let total: u64 = classes.values().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(total, 3000, "{classes:?}");
    let verified: BTreeSet<String> = json_lines(&rec.join("verified.jsonl"))
        .iter()
        .map(|l| l["record_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(verified.len() as u64, classes["verified"].as_u64().unwrap());
    assert!(verified.len() > 1500, "{}", verified.len());

    let keys = d.join("keys");
    ok(&[
        "keys",
        "init",
        "--dir",
        s(&keys),
        "--valid-from",
        "2022-01-01T00:00:00Z",
    ]);
    let issued = d.join("issued");
    ok(&[
        "issue",
        "--keys",
        s(&keys),
        "--input",
        s(&records),
        "--out",
        s(&issued),
        "--issued-at",
        "2022-07-01T08:00:00Z",
        "--only-verified",
        s(&rec),
    ]);
    let certs: BTreeSet<String> = json_lines(&issued.join("certificates.jsonl"))
        .iter()
        .map(|l| l["record_id"].as_str().unwrap().to_string())
        .collect();
    let rejects = json_lines(&issued.join("rejects.jsonl"));
    // Every record once: issued or rejected.
    assert_eq!(certs.len() + rejects.len(), 3000);
    // Issued only the verified; a verified record may still fail issue's own checks (a dose
    // date, a vaccine name), but nobody unverified gets a certificate.
    assert!(certs.is_subset(&verified));
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    for r in &rejects {
        let codes: Vec<&str> = r["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        let id = r["record_id"].as_str().unwrap_or("");
        if verified.contains(id) {
            assert!(!codes.contains(&"NOT_VERIFIED"), "{r}");
        } else {
            assert!(
                codes == ["NOT_VERIFIED"] || codes == ["MALFORMED_RECORD"],
                "{r}"
            );
        }
        for c in codes {
            *reasons.entry(c.to_string()).or_default() += 1;
        }
    }
    assert_eq!(
        reasons.get("NOT_VERIFIED").copied().unwrap_or(0),
        3000 - verified.len() - reasons.get("MALFORMED_RECORD").copied().unwrap_or(0),
        "{reasons:?}"
    );

    // The records file edited after reconciliation: refused before anything is issued.
    let mut text = std::fs::read_to_string(&records).unwrap();
    text.push_str(&text.lines().nth(1).unwrap().replacen(',', "9,", 1));
    text.push('\n');
    let edited = d.join("edited.csv");
    std::fs::write(&edited, text).unwrap();
    let refused = run(&[
        "issue",
        "--keys",
        s(&keys),
        "--input",
        s(&edited),
        "--out",
        s(&d.join("issued-edited")),
        "--issued-at",
        "2022-07-01T08:00:00Z",
        "--only-verified",
        s(&rec),
    ]);
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("reconciled another records file"), "{err}");
    assert!(!d.join("issued-edited/certificates.jsonl").exists());
}
