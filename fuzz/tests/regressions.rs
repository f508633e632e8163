//! Every fuzz target's property, in the ordinary test run: on each input a fuzzer ever found
//! (`fuzz/regressions/<target>/`, kept as regression tests) and on the seeds the fuzzers
//! start from (the EU test suite's files, lists built here).

use std::path::{Path, PathBuf};

fn shared() -> Option<PathBuf> {
    let dir = std::env::var_os("VAXPASS_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "\n========== SKIP: shared reference data not found at {} (set VAXPASS_SHARED_DIR): fuzz seeds from the EU suite not checked ==========\n",
            dir.display()
        );
        None
    }
}

#[test]
fn every_target_holds_on_its_regressions_and_seeds() {
    let regressions = Path::new(env!("CARGO_MANIFEST_DIR")).join("regressions");
    let suite = shared().map(|s| s.join("conformance/dgc-testdata"));
    let mut checked = 0usize;
    for target in vaxpass_fuzz::TARGETS {
        let mut inputs: Vec<Vec<u8>> = std::fs::read_dir(regressions.join(target))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| std::fs::read(e.path()).ok())
            .collect();
        let from_suite = suite
            .as_deref()
            .map(|s| vaxpass_fuzz::seeds(target, s))
            .unwrap_or_default();
        if suite.is_some() {
            assert!(!from_suite.is_empty(), "no seeds for {target}");
        }
        inputs.extend(from_suite);
        for input in &inputs {
            vaxpass_fuzz::check(target, input);
        }
        checked += inputs.len();
        eprintln!("{target}: {} inputs hold", inputs.len());
    }
    if suite.is_some() {
        assert!(checked > 2000, "only {checked} inputs");
    }
}
