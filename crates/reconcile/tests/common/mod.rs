//! What the reconciliation tests share: fresh directories and reading the outputs back.
// Each test file uses its own part of this module.
#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};

/// An empty directory of this test process under the system's temporary directory.
pub(crate) fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("vaxpass-reconcile-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// One row of a site's worklist.
pub(crate) struct WorklistRow {
    /// The worklist's file name.
    pub(crate) file: String,
    header: csv::StringRecord,
    row: csv::StringRecord,
}

impl WorklistRow {
    /// The cell under the column named `name` (the worklists' Vietnamese headers).
    pub(crate) fn get(&self, name: &str) -> &str {
        let i = self.header.iter().position(|x| x == name).unwrap();
        &self.row[i]
    }
}

/// Every row of every worklist in `out/worklists` (each file must start with a UTF-8
/// byte-order mark and the record id column).
pub(crate) fn worklist_rows(out: &Path) -> Vec<WorklistRow> {
    let mut rows = Vec::new();
    for e in std::fs::read_dir(out.join("worklists")).unwrap() {
        let p = e.unwrap().path();
        if p.file_name().unwrap() == "index.csv" {
            continue;
        }
        let bytes = std::fs::read(&p).unwrap();
        assert!(bytes.starts_with("\u{feff}".as_bytes()), "BOM in {p:?}");
        let mut r = csv::Reader::from_reader(&bytes[3..]);
        let header = r.headers().unwrap().clone();
        assert_eq!(&header[0], "Mã hồ sơ");
        let file = p.file_name().unwrap().to_string_lossy().to_string();
        for row in r.records() {
            rows.push(WorklistRow {
                file: file.clone(),
                header: header.clone(),
                row: row.unwrap(),
            });
        }
    }
    rows
}

/// The record ids of `out/verified.jsonl`, in file order.
pub(crate) fn verified_ids(out: &Path) -> Vec<String> {
    std::fs::read_to_string(out.join("verified.jsonl"))
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["record_id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}
