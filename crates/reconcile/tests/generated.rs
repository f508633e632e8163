//! docs/reconcile.md §Acceptance on generated data: 100,000 records with every fault kind,
//! scored against the generator's truth; the seed's proportions; every record exactly once;
//! a worklist read back with Python's `csv` module.

// Test helpers outside #[test] functions: panicking on broken fixtures is the point.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::type_complexity
)]

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

mod common;
use common::{dir, worklist_rows};
use vaxpass_reconcile::{gen_registry, reconcile, Class, GenOptions, Options, Source, Tolerance};

/// A worklist row: (record_id, class code, reason codes, tolerance codes, file name).
fn read_worklists(out: &Path) -> Vec<(String, String, String, String, String)> {
    worklist_rows(out)
        .into_iter()
        .map(|row| {
            (
                row.get("Mã hồ sơ").to_string(),
                row.get("Mã phân loại").to_string(),
                row.get("Mã lý do").to_string(),
                row.get("Mã sai khác").to_string(),
                row.file.clone(),
            )
        })
        .collect()
}

#[test]
fn generated_100k_precision_recall_and_accounting() {
    let d = dir("gen100k");
    let n = 100_000u64;
    let g = gen_registry(&GenOptions::new(Source::Generate { count: n }, &d, 42)).unwrap();
    assert_eq!(g.records, n);
    let out = d.join("out");
    let s = reconcile(&Options::new(
        d.join("records.csv"),
        d.join("registry.csv"),
        &out,
    ))
    .unwrap();
    assert_eq!(s.records, n);

    // Truth.
    let mut truth: HashMap<String, (String, String, Option<String>)> = HashMap::new();
    for l in std::fs::read_to_string(d.join("truth.jsonl"))
        .unwrap()
        .lines()
    {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        truth.insert(
            v["record_id"].as_str().unwrap().into(),
            (
                v["class"].as_str().unwrap().into(),
                v["fault"].as_str().unwrap().into(),
                v["verdict"].as_str().map(String::from),
            ),
        );
    }
    assert_eq!(truth.len() as u64, n);

    // Predictions: verified.jsonl plus the worklists; each record exactly once.
    let mut pred: HashMap<String, (String, String, String)> = HashMap::new();
    let mut last_index = None;
    for l in std::fs::read_to_string(out.join("verified.jsonl"))
        .unwrap()
        .lines()
    {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        let idx = v["index"].as_u64().unwrap();
        assert!(
            last_index.is_none_or(|p| p < idx),
            "verified.jsonl in input order"
        );
        last_index = Some(idx);
        assert_eq!(v["fp"].as_str().unwrap().len(), 32);
        let id = v["record_id"].as_str().unwrap().to_string();
        assert!(pred
            .insert(id, ("verified".into(), String::new(), String::new()))
            .is_none());
    }
    let rows = read_worklists(&out);
    let mut site_of: HashMap<String, String> = HashMap::new();
    for (id, class, reasons, tols, file) in &rows {
        assert_ne!(class, "verified");
        assert!(
            pred.insert(id.clone(), (class.clone(), reasons.clone(), tols.clone()))
                .is_none(),
            "{id} twice"
        );
        site_of.insert(id.clone(), file.clone());
    }
    assert_eq!(pred.len() as u64, n, "every record exactly once");
    assert_eq!(s.verified_written + s.worklist_rows, n);
    assert_eq!(s.classes.iter().map(|(_, c)| c).sum::<u64>(), n);

    // Each worklist holds its own site's records only: the site column of records.csv.
    let mut rdr = csv::Reader::from_path(d.join("records.csv")).unwrap();
    for row in rdr.records() {
        let row = row.unwrap();
        if let Some(file) = site_of.get(&row[0]) {
            let site = &row[9];
            assert_eq!(
                file,
                &vaxpass_reconcile::site_file_name(site),
                "{}",
                &row[0]
            );
        }
    }

    // Precision and recall per class.
    let mut confusion: BTreeMap<(String, String), u64> = BTreeMap::new();
    for (id, (tc, _, _)) in &truth {
        let pc = &pred[id].0;
        *confusion.entry((tc.clone(), pc.clone())).or_default() += 1;
    }
    let mut failures = 0;
    for class in [
        "verified",
        "wrong",
        "not_found",
        "no_id",
        "id_format",
        "duplicate",
    ] {
        let tp = confusion
            .get(&(class.into(), class.into()))
            .copied()
            .unwrap_or(0);
        let predicted: u64 = confusion
            .iter()
            .filter(|((_, p), _)| p == class)
            .map(|(_, n)| n)
            .sum();
        let actual: u64 = confusion
            .iter()
            .filter(|((t, _), _)| t == class)
            .map(|(_, n)| n)
            .sum();
        let precision = tp as f64 / predicted.max(1) as f64;
        let recall = tp as f64 / actual.max(1) as f64;
        println!(
            "{class:10} truth {actual:6} predicted {predicted:6} precision {:.4}% recall {:.4}%",
            precision * 100.0,
            recall * 100.0
        );
        if matches!(class, "verified" | "wrong") && (precision < 0.995 || recall < 0.99) {
            println!("FAIL {class}");
            failures += 1;
        }
    }
    for ((t, p), n) in &confusion {
        if t != p {
            println!("confusion truth {t} → predicted {p}: {n}");
        }
    }

    // Per fault kind: recall of the true class, and the tolerance reported.
    let mut per_fault: BTreeMap<String, (u64, u64, u64)> = BTreeMap::new();
    for (id, (tc, fault, _)) in &truth {
        let (pc, _, tols) = &pred[id];
        let e = per_fault.entry(fault.clone()).or_default();
        e.0 += 1;
        if pc == tc {
            e.1 += 1;
        }
        if Tolerance::from_code(fault).is_some_and(|t| !t.is_equivalence())
            && tols.split(';').any(|x| x == fault)
        {
            e.2 += 1;
        }
    }
    for (fault, (total, right, reported)) in &per_fault {
        println!(
            "fault {fault:22} {total:6} class right {:.3}% tolerance reported {reported}",
            *right as f64 * 100.0 / *total as f64
        );
        if *right as f64 / (*total as f64) < 0.98 {
            println!("FAIL fault {fault}");
            failures += 1;
        }
    }
    // Every tolerance was exercised and reported.
    for t in Tolerance::ALL {
        let n = s
            .tolerances
            .iter()
            .find(|(k, _)| *k == t)
            .map(|(_, n)| *n)
            .unwrap_or(0);
        println!("tolerance {:22} {n}", t.code());
        if n == 0 {
            println!("FAIL tolerance {} never reported", t.code());
            failures += 1;
        }
        if !t.is_equivalence() {
            let (total, _, reported) = per_fault.get(t.code()).copied().unwrap_or_default();
            if total == 0 || (reported as f64) < 0.95 * total as f64 {
                println!(
                    "FAIL tolerance {} reported for {reported} of {total} injected",
                    t.code()
                );
                failures += 1;
            }
        }
    }

    // The seed's proportions within 0.5 percentage points.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let pct = &json["seed_table"]["percent_of_vaccinated"];
    for (key, seed) in [
        ("matched", 51_493.0 / 76_625.0),
        ("wrong_information", 19_039.0 / 76_625.0),
        ("not_verified", 2_579.0 / 76_625.0),
        ("no_or_bad_id", 3_500.0 / 76_625.0),
    ] {
        let got = pct[key].as_f64().unwrap();
        println!("seed {key:18} {got:6.2}% vs {:6.2}%", seed * 100.0);
        if (got - seed * 100.0).abs() > 0.5 {
            println!("FAIL seed {key}");
            failures += 1;
        }
    }
    assert_eq!(
        json["classes"]["verified"].as_u64().unwrap(),
        s.count(Class::Verified)
    );
    println!("{} passed, {failures} failed", 1 + Tolerance::ALL.len() + 4);
    assert_eq!(failures, 0);
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn worklist_reads_back_with_python_csv() {
    let d = dir("python");
    gen_registry(&GenOptions::new(Source::Generate { count: 3_000 }, &d, 7)).unwrap();
    let out = d.join("out");
    reconcile(&Options::new(
        d.join("records.csv"),
        d.join("registry.csv"),
        &out,
    ))
    .unwrap();
    let rows = read_worklists(&out);
    let file = &rows
        .iter()
        .max_by_key(|r| rows.iter().filter(|x| x.4 == r.4).count())
        .unwrap()
        .4;
    let path = out.join("worklists").join(file);
    let script = "import csv, json, sys\nwith open(sys.argv[1], encoding='utf-8-sig', newline='') as f:\n    rows = list(csv.reader(f))\nprint(json.dumps(rows, ensure_ascii=False))\n";
    let py = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&path)
        .output();
    let py = match py {
        Ok(o) if o.status.success() => o.stdout,
        other => {
            println!("SKIP: python3 unavailable: {other:?}");
            return;
        }
    };
    let from_python: Vec<Vec<String>> = serde_json::from_slice(&py).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[3..]);
    let ours: Vec<Vec<String>> = r
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect();
    assert!(ours.len() > 10, "{}", ours.len());
    assert_eq!(from_python, ours);
    assert_eq!(from_python[0][0], "Mã hồ sơ");
    // Rows carry Vietnamese text with diacritics intact.
    assert!(from_python
        .iter()
        .skip(1)
        .any(|r| r[2].contains("định danh") || r[2].contains("CSDL")));
    let _ = std::fs::remove_dir_all(&d);
}
