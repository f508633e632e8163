//! docs/reconcile.md §Bad input: malformed lines, duplicate registry IDs, wrong encodings,
//! truncated files and an empty registry each give their own class or problem with the line
//! number, or a clear error; the batch goes on and every record appears once.

// Test helpers outside #[test] functions: panicking on broken fixtures is the point.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::type_complexity
)]

use std::collections::HashMap;
use std::path::Path;

mod common;
use common::{dir, verified_ids, worklist_rows};
use vaxpass_reconcile::{gen_registry, reconcile, GenOptions, JoinStrategy, Options, Source};

/// line → (record_id, class code, reason codes) from the worklists, plus verified record ids.
fn outcomes(out: &Path) -> (HashMap<u64, (String, String, String)>, Vec<String>) {
    let mut rows = HashMap::new();
    for row in worklist_rows(out) {
        let line: u64 = row.get("Dòng trong tệp").parse().unwrap();
        let outcome = (
            row.get("Mã hồ sơ").to_string(),
            row.get("Mã phân loại").to_string(),
            row.get("Mã lý do").to_string(),
        );
        assert!(rows.insert(line, outcome).is_none());
    }
    (rows, verified_ids(out))
}

fn problems(out: &Path) -> Vec<(u64, String)> {
    let mut v: Vec<(u64, String)> = std::fs::read_to_string(out.join("registry_problems.jsonl"))
        .unwrap()
        .lines()
        .map(|l| {
            let j: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                j["line"].as_u64().unwrap(),
                j["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

fn json_record(
    id: &str,
    fam: &str,
    mid: &str,
    given: &str,
    dob: &str,
    sex: &str,
    nid: &str,
) -> String {
    serde_json::json!({"record_id": id, "family_name": fam, "middle_name": mid, "given_name": given,
        "dob": dob, "sex": sex, "national_id": nid,
        "doses": [{"dose": 1, "vaccine": "Pfizer", "date": "2021-09-01", "site": "Trạm Y tế A"}]})
    .to_string()
}

#[test]
fn every_kind_of_bad_input_in_one_batch() {
    let d = dir("mixed");
    let mut rec = String::new();
    for l in [
        json_record(
            "P1",
            "Nguyễn",
            "Văn",
            "An",
            "1985-04-30",
            "M",
            "079085000001",
        ),
        "{\"record_id\": \"P2\", broken".to_string(),
        json_record(
            "P3",
            "Nguyeãn",
            "Vaên",
            "An",
            "1985-04-30",
            "M",
            "079085000003",
        ),
        json_record(
            "P4",
            "Trần",
            "Văn",
            "Bình",
            "1970-01-01",
            "M",
            "079070000004",
        ),
        json_record(
            "P5",
            "Phạm",
            "Văn",
            "Cường",
            "1980-03-03",
            "M",
            "079080000005",
        ),
        json_record("P6", "Nguyễn", "", "Tâm", "1985-01-01", "M", "079085000006"),
        json_record("P7", "Lê", "", "Hà", "1985-01-01", "F", ""),
        json_record("P8", "Lê", "", "Hà", "1985-01-01", "F", "12345"),
        json_record("P9", "Lê", "", "Hà", "1985-01-01", "F", "003185000009"),
        json_record("P10", "Lê", "", "Hà", "1985-01-01", "F", "079185000010"),
    ] {
        rec.push_str(&l);
        rec.push('\n');
    }
    rec.push_str("{\"record_id\": \"P11\", \"family_name\": \"Lê"); // truncated, no newline
    std::fs::write(d.join("records.jsonl"), rec).unwrap();
    let mut reg: Vec<u8> = b"id,full_name,dob,sex,province\n".to_vec();
    reg.extend_from_slice("079085000001,Nguyễn Văn An,1985-04-30,M,079\n".as_bytes()); // line 2
    reg.extend_from_slice("079070000004,Trần Văn Bình,1970-01-01,M,079\n".as_bytes()); // 3
    reg.extend_from_slice("079070000004,Lê Thị Mai,1990-02-02,F,079\n".as_bytes()); // 4
    reg.extend_from_slice("079080000005,Phạm Văn Cường,1980-03-03,M,079\n".as_bytes()); // 5
    reg.extend_from_slice("079080000005,PHẠM VĂN CƯỜNG,1980-03-03,M,079\n".as_bytes()); // 6
    reg.extend_from_slice(b"079085000006,Nguy\xd2n T\xe2m,1985-01-01,M,079\n"); // 7: Windows-1258 bytes
    reg.extend_from_slice(b"only,two\n"); // 8
    reg.extend_from_slice(",Ai Đó,1980-01-01,M,079\n".as_bytes()); // 9: no id
    reg.extend_from_slice("079099000099,Vũ Văn".as_bytes()); // 10: truncated
    std::fs::write(d.join("registry.csv"), reg).unwrap();
    let out = d.join("out");
    let s = reconcile(&Options::new(
        d.join("records.jsonl"),
        d.join("registry.csv"),
        &out,
    ))
    .unwrap();
    assert_eq!(s.records, 11);
    let (rows, verified) = outcomes(&out);
    let mut verified = verified;
    verified.sort();
    assert_eq!(verified, vec!["P1", "P5"]);
    let expect = [
        (2, "malformed", "MALFORMED_RECORD"),
        (3, "malformed", "ENCODING_VNI"),
        (4, "registry_problem", "REGISTRY_ID_CONFLICT"),
        (6, "registry_problem", "REGISTRY_ENCODING"),
        (7, "no_id", "ID_MISSING"),
        (8, "id_format", "ID_FORMAT"),
        (9, "id_format", "ID_PROVINCE"),
        (10, "not_found", "ID_NOT_IN_REGISTRY"),
        (11, "malformed", "TRUNCATED"),
    ];
    let mut failed = 0;
    for (line, class, reason) in expect {
        let got = rows.get(&line).map(|(_, c, r)| (c.as_str(), r.as_str()));
        if got != Some((class, reason)) {
            println!("line {line}: expected {class} {reason}, got {got:?}");
            failed += 1;
        }
    }
    assert_eq!(rows.len() + 2, 11, "every record once");
    let expect_problems: Vec<(u64, String)> = vec![
        (3, "DUPLICATE_ID".into()),
        (4, "DUPLICATE_ID".into()),
        (5, "DUPLICATE_ID".into()),
        (6, "DUPLICATE_ID".into()),
        (7, "ENCODING_INVALID_UTF8".into()),
        (8, "MALFORMED_LINE".into()),
        (9, "ID_MISSING".into()),
        (10, "TRUNCATED".into()),
    ];
    let got = problems(&out);
    if got != expect_problems {
        println!("registry problems: {got:?}");
        failed += 1;
    }
    println!("{} passed, {failed} failed", 10 - failed);
    assert_eq!(failed, 0);
}

#[test]
fn csv_records_in_legacy_encodings_and_truncated() {
    let d = dir("csv");
    let header = vaxpass_issuer::records::csv_header();
    let mut rec: Vec<u8> = format!("{header}\n").into_bytes();
    rec.extend_from_slice(
        "P1,Nguyễn,Văn,An,1985-04-30,M,079085000001,Pfizer,2021-09-01,Trạm A,,,,,,,,,\n".as_bytes(),
    );
    rec.extend_from_slice(
        b"P2,Nguy\xd2n,V\xe3n,An,1985-04-30,M,079085000002,Pfizer,2021-09-01,Tr\xe1m A,,,,,,,,,\n",
    );
    rec.extend_from_slice(
        "P3,Nguyá»…n,VÄƒn,An,1985-04-30,M,079085000003,Pfizer,2021-09-01,Trạm A,,,,,,,,,\n"
            .as_bytes(),
    );
    rec.extend_from_slice("P4,Trần,Văn,Bình,1970-01-01,M,0790".as_bytes());
    std::fs::write(d.join("records.csv"), rec).unwrap();
    std::fs::write(
        d.join("registry.jsonl"),
        "{\"id\": \"079085000001\", \"full_name\": \"Nguyễn Văn An\", \"dob\": \"1985-04-30\", \"sex\": \"M\", \"province\": 79}\n",
    )
    .unwrap();
    let out = d.join("out");
    let s = reconcile(&Options::new(
        d.join("records.csv"),
        d.join("registry.jsonl"),
        &out,
    ))
    .unwrap();
    assert_eq!(s.records, 4);
    let (rows, verified) = outcomes(&out);
    assert_eq!(verified, vec!["P1"]);
    let got: Vec<(u64, String)> = {
        let mut v: Vec<_> = rows.iter().map(|(l, (_, _, r))| (*l, r.clone())).collect();
        v.sort();
        v
    };
    assert_eq!(
        got,
        vec![
            (3, "ENCODING_INVALID_UTF8".to_string()),
            (4, "ENCODING_MOJIBAKE".to_string()),
            (5, "TRUNCATED".to_string())
        ]
    );
}

#[test]
fn empty_or_headerless_registry_is_a_clear_error() {
    let d = dir("empty");
    gen_registry(&GenOptions::new(Source::Generate { count: 10 }, &d, 1)).unwrap();
    std::fs::write(d.join("empty.csv"), "id,full_name,dob,sex,province\n").unwrap();
    let e = reconcile(&Options::new(
        d.join("records.csv"),
        d.join("empty.csv"),
        d.join("o1"),
    ))
    .unwrap_err();
    assert_eq!(e.code(), "REGISTRY_EMPTY");
    std::fs::write(d.join("zero.jsonl"), "").unwrap();
    let e = reconcile(&Options::new(
        d.join("records.csv"),
        d.join("zero.jsonl"),
        d.join("o2"),
    ))
    .unwrap_err();
    assert_eq!(e.code(), "REGISTRY_EMPTY");
    std::fs::write(d.join("nohdr.csv"), "a,b\n1,2\n").unwrap();
    let e = reconcile(&Options::new(
        d.join("records.csv"),
        d.join("nohdr.csv"),
        d.join("o3"),
    ))
    .unwrap_err();
    assert_eq!(e.code(), "REGISTRY_HEADER");
    let e = reconcile(&Options::new(
        d.join("missing.csv"),
        d.join("registry.csv"),
        d.join("o4"),
    ))
    .unwrap_err();
    assert_eq!(e.code(), "IO");
}

#[test]
fn hash_and_sort_merge_joins_agree() {
    let d = dir("joins");
    gen_registry(&GenOptions::new(Source::Generate { count: 20_000 }, &d, 5)).unwrap();
    let mut a = Options::new(
        d.join("records.csv"),
        d.join("registry.csv"),
        d.join("hash"),
    );
    a.join = JoinStrategy::Hash;
    let mut b = Options::new(d.join("records.csv"), d.join("registry.csv"), d.join("smj"));
    b.join = JoinStrategy::SortMerge;
    b.threads = 1;
    let sa = reconcile(&a).unwrap();
    let sb = reconcile(&b).unwrap();
    assert_eq!(sa.classes, sb.classes);
    assert_eq!(sa.reasons, sb.reasons);
    assert_eq!(
        std::fs::read(d.join("hash/verified.jsonl")).unwrap(),
        std::fs::read(d.join("smj/verified.jsonl")).unwrap()
    );
    let plan = vaxpass_reconcile::explain_join(&d, JoinStrategy::SortMerge).unwrap();
    assert!(plan.contains("SortMergeJoin"), "{plan}");
    let plan = vaxpass_reconcile::explain_join(&d, JoinStrategy::Hash).unwrap();
    println!("{plan}");
    assert!(plan.contains("HashJoinExec"), "{plan}");
}
