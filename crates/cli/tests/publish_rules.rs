//! `vaxpass publish` with business rules and value sets (issue 12, "Publishing and importing
//! rules", "Bad input"): the files `docs/static-api.md` describes, signed, indexed and
//! verifying against the trust anchor; Viet Nam's rules plus the shared partner rules
//! (`VAXPASS_SHARED_DIR`, loud SKIP when absent); bad rules refused with their file and
//! nothing published; Viet Nam's rule tests pass.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use hcert::{Index, TrustAnchor, UnixTime};
use serde_json::{json, Value};
use sha2::{Digest as _, Sha256};
use vaxpass_testkit::shared::reference_data;

mod common;
use common::{run, s, tmp};

fn ok(args: &[&str]) -> String {
    let out = run(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn now() -> UnixTime {
    UnixTime(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64,
    )
}

/// The `<CC>/<ID>/rule.json` files below a business-rules folder.
fn count_rules(dir: &Path) -> usize {
    let mut n = 0;
    for cc in std::fs::read_dir(dir).unwrap() {
        let cc = cc.unwrap().path();
        if !cc.is_dir() {
            continue;
        }
        for id in std::fs::read_dir(&cc).unwrap() {
            if id.unwrap().path().join("rule.json").is_file() {
                n += 1;
            }
        }
    }
    n
}

const VN_RULES: usize = 5;

#[test]
fn rules_and_value_sets_are_published_signed_and_indexed() {
    let dir = tmp("published");
    let keys = dir.join("keys");
    ok(&["keys", "init", "--dir", s(&keys)]);
    let out = dir.join("out");
    let mut args = vec!["publish", "--keys", s(&keys), "--out", s(&out)];
    let rules_dir = reference_data("business-rules");
    let sets_dir = reference_data("valuesets");
    if let (Some(r), Some(v)) = (&rules_dir, &sets_dir) {
        args.extend(["--extra-rules", s(r), "--value-sets", s(v)]);
    }
    let stdout = ok(&args);
    println!("{stdout}");
    let tree = out.join("current");
    let read = |p: &str| std::fs::read(tree.join(p)).unwrap();
    let anchor = TrustAnchor::from_pem(
        std::str::from_utf8(&read("trust-anchor.pem")).unwrap(),
        hcert::default_backend(),
    )
    .unwrap();
    let at = now();
    let index = Index::parse(&read(".well-known/vaxpass.json")).unwrap();
    hcert::verify_file(
        ".well-known/vaxpass.json",
        &read(".well-known/vaxpass.json"),
        &read(".well-known/vaxpass.json.sig"),
        &anchor,
        at,
    )
    .unwrap();
    // Every rules and value-set file is in the index, with its digest, and verifies.
    let mut seen = 0;
    for e in &index.files {
        if !(e.path.starts_with("rules/") || e.path.starts_with("valuesets/")) {
            continue;
        }
        seen += 1;
        let body = read(&e.path);
        assert_eq!(
            format!("{:x}", Sha256::digest(&body)),
            e.sha256,
            "{}",
            e.path
        );
        let sig = e.signature.as_deref().expect("rules files are signed");
        let st = hcert::verify_file(&e.path, &body, &read(sig), &anchor, at).unwrap();
        assert_eq!(st.sequence, index.sequence);
    }
    let listed = |p: &str| index.files.iter().any(|e| e.path == p);
    for p in [
        "rules/rules.json",
        "rules/valuesets.json",
        "rules/index.json",
        "valuesets/index.json",
    ] {
        assert!(listed(p), "{p} not in the index");
    }

    // rules/rules.json: ours and the partners', sorted by (Country, Identifier, Version).
    let bundle: Value = serde_json::from_slice(&read("rules/rules.json")).unwrap();
    assert_eq!(bundle["version"], 1);
    let rules = bundle["rules"].as_array().unwrap();
    let partners = rules_dir.as_deref().map_or(0, count_rules);
    assert_eq!(rules.len(), VN_RULES + partners);
    let keys_of = |r: &Value| {
        let version: Vec<u32> = r["Version"]
            .as_str()
            .unwrap()
            .split('.')
            .map(|p| p.parse().unwrap())
            .collect();
        (
            r["Country"].as_str().unwrap().to_owned(),
            r["Identifier"].as_str().unwrap().to_owned(),
            version,
        )
    };
    let order: Vec<_> = rules.iter().map(keys_of).collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
    let countries: std::collections::BTreeSet<&str> = rules
        .iter()
        .map(|r| r["Country"].as_str().unwrap())
        .collect();
    assert!(countries.contains("VN"));
    if rules_dir.is_some() {
        for cc in ["AT", "DE", "FR", "NL", "EU"] {
            assert!(countries.contains(cc), "{cc} missing: {countries:?}");
        }
        assert_eq!(
            seen,
            4 + rules.len() + 9,
            "bundles, indexes, rules, value sets"
        );
    }
    // Each rule parses as the gateway would.
    for r in rules {
        hcert::Rule::parse(&serde_json::to_vec(r).unwrap()).unwrap();
    }

    // The EU gateway layout: index → rules/<CC>/<hash>.json, hash = SHA-256 of the file.
    let gateway: Vec<Value> = serde_json::from_slice(&read("rules/index.json")).unwrap();
    assert_eq!(gateway.len(), rules.len());
    for e in &gateway {
        let path = format!(
            "rules/{}/{}.json",
            e["country"].as_str().unwrap(),
            e["hash"].as_str().unwrap()
        );
        let body = read(&path);
        assert_eq!(
            format!("{:x}", Sha256::digest(&body)),
            e["hash"].as_str().unwrap()
        );
        let rule: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(rule["Identifier"], e["identifier"]);
        assert_eq!(rule["Version"], e["version"]);
        assert!(listed(&path));
    }

    // Value sets: the EU files given, in both forms; none without --value-sets.
    let sets: Value = serde_json::from_slice(&read("rules/valuesets.json")).unwrap();
    let sets = sets["valuesets"].as_array().unwrap();
    let vs_index: Vec<Value> = serde_json::from_slice(&read("valuesets/index.json")).unwrap();
    assert_eq!(vs_index.len(), sets.len());
    for e in &vs_index {
        let body = read(&format!("valuesets/{}.json", e["hash"].as_str().unwrap()));
        assert_eq!(
            format!("{:x}", Sha256::digest(&body)),
            e["hash"].as_str().unwrap()
        );
        let set: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(set["valueSetId"], e["id"]);
    }
    if sets_dir.is_some() {
        assert_eq!(sets.len(), 9);
        let ids: Vec<&str> = sets
            .iter()
            .map(|v| v["valueSetId"].as_str().unwrap())
            .collect();
        assert!(ids.contains(&"covid-19-lab-result"), "{ids:?}");
        assert!(sets.iter().all(|v| v["valueSetValues"].is_object()));
        // Republished without value sets: an empty array.
        ok(&["publish", "--keys", s(&keys), "--out", s(&out)]);
        let sets: Value = serde_json::from_slice(&read("rules/valuesets.json")).unwrap();
        assert_eq!(sets, json!({"version": 1, "valuesets": []}));
        let bundle: Value = serde_json::from_slice(&read("rules/rules.json")).unwrap();
        assert_eq!(bundle["rules"].as_array().unwrap().len(), VN_RULES);
    }
    std::fs::remove_dir_all(&dir).ok();
}

fn rule(id: &str, logic: Value) -> Value {
    json!({"Identifier": id, "Type": "Acceptance", "Country": &id[3..5], "Version": "1.0.0",
        "SchemaVersion": "1.0.0", "Engine": "CERTLOGIC", "EngineVersion": "0.7.5",
        "CertificateType": "Vaccination",
        "Description": [{"lang": "en", "desc": "A partner rule written for this test."}],
        "ValidFrom": "2021-07-01T00:00:00Z", "ValidTo": "2030-12-31T00:00:00Z",
        "AffectedFields": ["v.0"], "Logic": logic})
}

#[test]
fn bad_rules_are_refused_with_their_file_and_nothing_is_published() {
    let dir = tmp("bad");
    let keys = dir.join("keys");
    ok(&["keys", "init", "--dir", s(&keys)]);
    let good = dir.join("good.json");
    std::fs::write(
        &good,
        serde_json::to_vec(&rule("VR-DE-0001", json!({"var": "payload.v.0"}))).unwrap(),
    )
    .unwrap();

    let mut big = rule("VR-DE-0002", json!({"var": "payload.v.0"}));
    big["Description"][0]["desc"] = Value::String("x".repeat(300 * 1024));
    let unknown = rule("VR-DE-0003", json!({"eval": ["globalThis"]}));
    let mut deep = json!({"var": "payload.v.0"});
    for _ in 0..80 {
        deep = json!({"!": [deep]});
    }
    let deep = rule("VR-DE-0004", deep);
    let xs: Vec<u32> = (0..400).collect();
    let endless = rule(
        "VR-DE-0005",
        json!({"reduce": [xs, {"reduce": [xs, {"+": [{"var": "accumulator"}, 1]}, {"var": "accumulator"}]}, 0]}),
    );
    let mut conflicting = rule("VR-DE-0001", json!({"var": "payload.v.1"}));
    conflicting["Description"][0]["desc"] = json!("Another rule with the same id and version.");
    let cases: [(&str, Vec<u8>, &str); 6] = [
        (
            "big.json",
            serde_json::to_vec(&big).unwrap(),
            "RULE_TOO_LARGE",
        ),
        (
            "broken.json",
            b"{\"Identifier\": \"VR-DE-0006\", ".to_vec(),
            "RULE_JSON_INVALID",
        ),
        (
            "unknown-op.json",
            serde_json::to_vec(&unknown).unwrap(),
            "RULE_UNKNOWN_OPERATION",
        ),
        (
            "deep.json",
            serde_json::to_vec(&deep).unwrap(),
            "RULE_TOO_DEEP",
        ),
        (
            "endless.json",
            serde_json::to_vec(&endless).unwrap(),
            "EVAL_STEP_LIMIT",
        ),
        (
            "conflict.json",
            serde_json::to_vec(&conflicting).unwrap(),
            "differs from the rule",
        ),
    ];
    for (name, body, reason) in cases {
        let file = dir.join(name);
        std::fs::write(&file, body).unwrap();
        let out = dir.join(format!("out-{name}"));
        let r = run(&[
            "publish",
            "--keys",
            s(&keys),
            "--out",
            s(&out),
            "--extra-rules",
            s(&good),
            "--extra-rules",
            s(&file),
        ]);
        let stderr = String::from_utf8_lossy(&r.stderr);
        assert!(!r.status.success(), "{name} was published");
        assert!(
            stderr.contains(&format!("{}: ", file.display())) && stderr.contains(reason),
            "{name}: {stderr}"
        );
        assert!(stderr.contains("nothing published"), "{name}: {stderr}");
        assert!(
            !out.join("current").exists(),
            "{name}: something was published"
        );
    }

    // A bad rule in a business-rules folder is named too, and the current tree stays.
    let out = dir.join("out");
    ok(&[
        "publish",
        "--keys",
        s(&keys),
        "--out",
        s(&out),
        "--extra-rules",
        s(&good),
    ]);
    let before = std::fs::read_link(out.join("current")).unwrap();
    let folder = dir.join("partner");
    std::fs::create_dir_all(folder.join("DE/VR-DE-0003")).unwrap();
    std::fs::write(
        folder.join("DE/VR-DE-0003/rule.json"),
        serde_json::to_vec(&unknown).unwrap(),
    )
    .unwrap();
    let r = run(&[
        "publish",
        "--keys",
        s(&keys),
        "--out",
        s(&out),
        "--extra-rules",
        s(&folder),
    ]);
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert!(!r.status.success());
    assert!(
        stderr.contains("DE/VR-DE-0003/rule.json: RULE_UNKNOWN_OPERATION"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_link(out.join("current")).unwrap(), before);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn viet_nam_rule_tests_pass() {
    let rules = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../publish/data/rules");
    let out = run(&["rules", "test", s(&rules)]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    assert!(out.status.success(), "{stdout}");
    let last = stdout.lines().last().unwrap_or("");
    assert!(last.ends_with(" 0 failed"), "{last}");
    let passed: usize = last.split(' ').next().unwrap().parse().unwrap();
    assert!(passed >= 2 * VN_RULES, "{last}");
}
