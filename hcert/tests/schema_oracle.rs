//! The hand-written schema rules against the official schema files, run by a generic JSON
//! Schema validator: on the schema project's test cases and examples, on every payload of
//! the member states' test suite, and on generated payloads — for every schema version.
//!
//! The schema files are read from `../shared` (never copied into the project).
#![allow(clippy::unwrap_used)]

mod support;

use std::path::{Path, PathBuf};

use hcert::SchemaVersion;
use proptest::prelude::*;
use serde_json::{json, Value};

fn schema_file(shared: &Path, v: SchemaVersion) -> PathBuf {
    let kind = if v.id() < "1.2.1" { "DGC" } else { "DCC" };
    shared
        .join("reference/data/schemas/by-version")
        .join(format!("{}-{kind}.combined-schema.json", v.id()))
}

struct Oracle {
    validators: Vec<(SchemaVersion, jsonschema::Validator)>,
}

impl Oracle {
    fn load(shared: &Path) -> Oracle {
        let validators = SchemaVersion::all()
            .map(|v| {
                let text = std::fs::read_to_string(schema_file(shared, v)).unwrap();
                let schema: Value = serde_json::from_str(&text).unwrap();
                let validator = jsonschema::draft202012::options()
                    .should_validate_formats(false)
                    .build(&schema)
                    .unwrap();
                (v, validator)
            })
            .collect();
        Oracle { validators }
    }

    /// Compares our answer with the official schema's for every version; returns the
    /// mismatches.
    fn check(&self, what: &str, payload: &Value) -> Vec<String> {
        self.validators
            .iter()
            .filter_map(|(v, official)| {
                let theirs = official.is_valid(payload);
                let ours = hcert::validate_schema_with(*v, payload);
                (theirs != ours.is_empty()).then(|| {
                    format!(
                        "{what} @ {}: official says valid={theirs}, ours={ours:?}",
                        v.id()
                    )
                })
            })
            .collect()
    }
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "json") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn eu_dcc_schema_tests_and_examples() {
    let Some(shared) = support::shared_dir() else {
        return;
    };
    let oracle = Oracle::load(&shared);
    let base = shared.join("reference/data/schemas");
    let mut mismatches = Vec::new();
    let mut n = 0;
    for dir in ["tests/valid", "tests/invalid", "examples"] {
        for f in json_files(&base.join(dir)) {
            let payload: Value =
                serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
            mismatches.extend(oracle.check(&f.display().to_string(), &payload));
            n += 1;
        }
    }
    // The invalid cases are invalid for the version they name (1.3.3) by our rules too.
    for f in json_files(&base.join("tests/invalid")) {
        let payload: Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        assert!(
            hcert::validate_schema(&payload).is_err(),
            "{} must be invalid",
            f.display()
        );
    }
    assert!(n >= 30, "only {n} schema test files found");
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn every_payload_of_the_member_state_suite() {
    let Some(shared) = support::shared_dir() else {
        return;
    };
    let oracle = Oracle::load(&shared);
    let mut mismatches = Vec::new();
    let mut n = 0;
    for f in json_files(&shared.join("conformance/dgc-testdata")) {
        let Ok(test) = serde_json::from_str::<Value>(&std::fs::read_to_string(&f).unwrap()) else {
            continue;
        };
        if let Some(j) = test.get("JSON").filter(|j| j.is_object()) {
            mismatches.extend(oracle.check(&format!("{} JSON", f.display()), j));
            n += 1;
        }
        if let Some(p) = test.get("PREFIX").and_then(Value::as_str) {
            if let Ok(d) = hcert::decode(p) {
                mismatches.extend(oracle.check(&format!("{} decoded", f.display()), &d.dcc.json));
                n += 1;
            }
        }
    }
    assert!(n > 800, "only {n} payloads found");
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

/// Values that sit on the edges of the schemas' rules.
fn tricky() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!(null)),
        Just(json!(true)),
        Just(json!(0)),
        Just(json!(1)),
        Just(json!(1.0)),
        Just(json!(1.5)),
        Just(json!(9)),
        Just(json!(10)),
        Just(json!(-1)),
        Just(json!("")),
        Just(json!("1.3.0")),
        Just(json!("1.3")),
        Just(json!("1x3y0")),
        Just(json!("1964")),
        Just(json!("1964-01")),
        Just(json!("1963-00")),
        Just(json!("1899-12-31")),
        Just(json!("2100-01-01")),
        Just(json!("x1964-01-02")),
        Just(json!("NGUYEN<VAN")),
        Just(json!("Nguyen")),
        Just(json!("vn")),
        Just(json!("VN")),
        Just(json!("Đ".repeat(50))),
        Just(json!("Đ".repeat(51))),
        Just(json!("A".repeat(80))),
        Just(json!("A".repeat(81))),
        Just(json!("😀".repeat(60))),
        Just(json!([])),
        Just(json!({})),
        "[ -~]{0,12}".prop_map(Value::from),
    ]
}

fn paths() -> Vec<Vec<&'static str>> {
    let mut p: Vec<Vec<&'static str>> = vec![vec!["ver"], vec!["dob"], vec!["nam"], vec!["v"]];
    for k in ["fn", "fnt", "gn", "gnt"] {
        p.push(vec!["nam", k]);
    }
    for k in [
        "tg", "vp", "mp", "ma", "dn", "sd", "dt", "co", "is", "ci", "tc", "nm",
    ] {
        p.push(vec!["v", "0", k]);
    }
    p
}

fn set(doc: &mut Value, path: &[&str], value: Option<Value>) {
    let (last, parents) = path.split_last().unwrap();
    let mut cur = doc;
    for p in parents {
        cur = match p.parse::<usize>() {
            Ok(i) => match cur.get_mut(i) {
                Some(c) => c,
                None => return,
            },
            Err(_) => match cur.get_mut(*p) {
                Some(c) => c,
                None => return,
            },
        };
    }
    match (cur, value) {
        (Value::Object(o), Some(v)) => {
            o.insert(last.to_string(), v);
        }
        (Value::Object(o), None) => {
            o.remove(*last);
        }
        (Value::Array(a), Some(v)) => {
            if let Ok(i) = last.parse::<usize>() {
                if i < a.len() {
                    a[i] = v;
                }
            }
        }
        _ => {}
    }
}

fn oracle() -> Option<&'static Oracle> {
    static ORACLE: std::sync::OnceLock<Option<Oracle>> = std::sync::OnceLock::new();
    ORACLE
        .get_or_init(|| support::shared_dir().map(|s| Oracle::load(&s)))
        .as_ref()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    #[test]
    fn generated_payloads(
        edits in proptest::collection::vec((0usize..24, proptest::option::weighted(0.8, tricky())), 1..5),
        group in prop_oneof![Just("v"), Just("t"), Just("r")],
        extra_group in proptest::option::of(prop_oneof![Just("t"), Just("r")]),
    ) {
        let Some(oracle) = oracle() else { return Ok(()) };
        let mut doc = support::vaccination("Nguyễn", "Văn An", 1);
        if group != "v" {
            let entry = doc["v"].clone();
            doc.as_object_mut().unwrap().remove("v");
            doc[group] = entry;
        }
        if let Some(g) = extra_group {
            doc[g] = json!([{"tg": "840539006"}]);
        }
        let paths = paths();
        for (i, value) in edits {
            let mut path = paths[i % paths.len()].clone();
            if path[0] == "v" {
                path[0] = group;
            }
            set(&mut doc, &path, value);
        }
        let mismatches = oracle.check("generated", &doc);
        prop_assert!(mismatches.is_empty(), "{}\n{}", serde_json::to_string(&doc).unwrap(), mismatches.join("\n"));
    }
}
