//! The invariants of ARCHITECTURE.md that a test can check, over the real source tree.

use std::path::PathBuf;

fn root() -> PathBuf {
    // The directory cargo runs this test in, read at run time: a test binary reused from
    // another checkout (a clone sharing `target/`) must still check this one's sources.
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest.join("../..")
}

/// Every crate's `src` directory in the workspace.
fn crate_sources() -> Vec<PathBuf> {
    let root = root();
    let mut out = vec![
        root.join("hcert/src"),
        root.join("server/src"),
        root.join("app/src"),
    ];
    if let Ok(entries) = std::fs::read_dir(root.join("crates")) {
        for e in entries.flatten() {
            out.push(e.path().join("src"));
        }
    }
    out.retain(|p| p.is_dir());
    out.sort();
    out
}

/// Architecture invariant: no import cycle in any crate (see the crate docs for the graph).
#[test]
fn no_crate_has_an_import_cycle() {
    let mut found = Vec::new();
    let sources = crate_sources();
    assert!(sources.len() >= 9, "crates found: {sources:?}");
    for src in &sources {
        let graph = vaxpass_tidy::module_graph(src);
        assert!(!graph.is_empty(), "{}: no modules read", src.display());
        for cycle in vaxpass_tidy::cycles(&graph) {
            found.push(format!("{}: {}", src.display(), cycle.join(" → ")));
        }
    }
    assert!(found.is_empty(), "import cycles:\n{}", found.join("\n"));
}

/// The graph sees the edges it must: `hcert`'s verdict imports the decoding chain, and the
/// revocation list imports `Decoded` from it (not the other way round).
#[test]
fn the_graph_reads_real_edges() {
    let graph = vaxpass_tidy::module_graph(&root().join("hcert/src"));
    let edges = |m: &str| graph.get(m).cloned().unwrap_or_default();
    assert!(edges("verify::verdict").contains("decode::chain"));
    assert!(edges("revocation::list").contains("decode::chain"));
    assert!(edges("").contains("verify"));
    assert!(!edges("decode::chain").contains("verify::verdict"));
    // `error` and `time` are leaves.
    assert!(edges("error").is_empty(), "{:?}", edges("error"));
    assert!(edges("time").is_empty(), "{:?}", edges("time"));
}

/// Architecture invariant: only `app/src/browser/` uses the browser's APIs (web-sys).
#[test]
fn web_sys_only_in_the_browser_glue() {
    let root = root();
    let browser = root.join("app/src/browser");
    let mut offenders = Vec::new();
    for dir in ["app/src", "hcert/src", "server/src", "crates"] {
        for f in vaxpass_tidy::rust_files(&root.join(dir)) {
            if f.starts_with(&browser) {
                continue;
            }
            let text = std::fs::read_to_string(&f).unwrap_or_default();
            if text.contains("web_sys") {
                offenders.push(f.display().to_string());
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "web_sys outside app/src/browser/: {offenders:?}"
    );
    // And the glue is really there.
    let glue = vaxpass_tidy::rust_files(&browser);
    assert!(glue.iter().any(|f| std::fs::read_to_string(f)
        .unwrap_or_default()
        .contains("web_sys")));
}
