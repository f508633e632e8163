//! Architecture checks over the source tree (rust-analyzer's "tidy" tests): the invariants
//! ARCHITECTURE.md states are tested, not only written down. The checks read source files as
//! text; `tests/architecture.rs` runs them over the workspace.
//!
//! * **No import cycle in any crate.** Each `.rs` file is a node. A file has an edge to each
//!   module it declares (`mod x;`) and to each module file a `crate::…`, `super::…` or
//!   `self::…` path in its non-test code names (the longest prefix of the path that is a file
//!   of the crate). A cycle among the nodes is an error, named file by file. Test code (from a
//!   file's first `#[cfg(test)]` on) is not part of the graph.
//! * **Browser APIs in one place.** `web_sys` may appear only under `app/src/browser/`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The module path of a file below a crate's `src/` (`verify/trust.rs` → `verify::trust`,
/// `verify/mod.rs` → `verify`, `lib.rs` → ``).
fn module_of(rel: &Path) -> String {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts.join("::")
}

/// Every `.rs` file below `dir`, sorted.
pub fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The code of a file without its test part and without comments.
fn non_test_code(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        if line.trim_start().starts_with("#[cfg(test)]") {
            break;
        }
        let code = match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        };
        out.push_str(code);
        out.push('\n');
    }
    out
}

/// Paths starting with `crate::`, `super::` or `self::` (also inside `use` braces, which name
/// the prefix once: `use crate::a::{b, c}` counts as `crate::a::b` and `crate::a::c`).
fn paths(code: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    for root in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(i) = code[from..].find(root) {
            let start = from + i;
            from = start + root.len();
            // Only a whole word (not `my_crate::`).
            if start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
                continue;
            }
            let rest = &code[start + root.len()..];
            let mut segs = Vec::new();
            let mut r = rest;
            loop {
                let len = r
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(r.len());
                if len == 0 {
                    break;
                }
                segs.push(r[..len].to_string());
                r = &r[len..];
                if let Some(next) = r.strip_prefix("::") {
                    if next.starts_with('{') {
                        // A brace group: each item is a path below the segments so far.
                        let end = next.find('}').unwrap_or(next.len());
                        for item in next[1..end].split(',') {
                            let item = item.trim();
                            let first = item.split("::").next().unwrap_or("").trim();
                            let mut s = segs.clone();
                            if !first.is_empty() && first != "self" {
                                s.push(first.to_string());
                            }
                            out.push((root.trim_end_matches("::").to_string(), s));
                        }
                        segs.clear();
                        break;
                    }
                    r = next;
                } else {
                    break;
                }
            }
            if !segs.is_empty() {
                out.push((root.trim_end_matches("::").to_string(), segs));
            }
        }
    }
    out
}

/// The module graph of one crate (`src` directory): file → files it depends on.
pub fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let files = rust_files(src);
    let modules: BTreeMap<String, PathBuf> = files
        .iter()
        .filter_map(|f| {
            let rel = f.strip_prefix(src).ok()?;
            // Binaries under src/bin are their own crate roots: not part of the library graph.
            if rel.starts_with("bin") {
                return None;
            }
            Some((module_of(rel), f.clone()))
        })
        .collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, file) in &modules {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let code = non_test_code(&text);
        let edges = graph.entry(module.clone()).or_default();
        // `mod x;` declarations.
        for line in code.lines() {
            let l = line.trim();
            let l = l
                .strip_prefix("pub(crate) ")
                .or_else(|| l.strip_prefix("pub "))
                .unwrap_or(l);
            if let Some(name) = l.strip_prefix("mod ").and_then(|r| r.strip_suffix(';')) {
                let child = if module.is_empty() {
                    name.trim().to_string()
                } else {
                    format!("{module}::{}", name.trim())
                };
                if modules.contains_key(&child) {
                    edges.insert(child);
                }
            }
        }
        for (root, segs) in paths(&code) {
            let mut base: Vec<String> = match root.as_str() {
                "crate" => Vec::new(),
                "self" => module
                    .split("::")
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect(),
                _ => {
                    let mut m: Vec<String> = module
                        .split("::")
                        .filter(|s| !s.is_empty())
                        .map(String::from)
                        .collect();
                    m.pop();
                    m
                }
            };
            // The longest prefix that is a module file.
            let mut target = base.join("::");
            for s in segs {
                base.push(s);
                let candidate = base.join("::");
                if modules.contains_key(&candidate) {
                    target = candidate;
                } else {
                    break;
                }
            }
            if &target != module && modules.contains_key(&target) {
                edges.insert(target);
            }
        }
    }
    graph
}

/// The cycles of a graph, each as the list of its nodes (one cycle per strongly connected
/// component with more than one node).
pub fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    // Tarjan's algorithm, iteratively deep enough for any source tree.
    struct State<'g> {
        graph: &'g BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        on_stack: BTreeSet<&'g str>,
        stack: Vec<&'g str>,
        next: usize,
        out: Vec<Vec<String>>,
    }
    fn visit<'g>(s: &mut State<'g>, v: &'g str) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on_stack.insert(v);
        if let Some(edges) = s.graph.get(v) {
            for w in edges {
                let w = w.as_str();
                if !s.index.contains_key(w) {
                    visit(s, w);
                    let lw = s.low[w];
                    let lv = s.low[v];
                    s.low.insert(v, lv.min(lw));
                } else if s.on_stack.contains(w) {
                    let iw = s.index[w];
                    let lv = s.low[v];
                    s.low.insert(v, lv.min(iw));
                }
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.out.push(component);
            }
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        on_stack: BTreeSet::new(),
        stack: Vec::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v.as_str());
        }
    }
    s.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_in_uses_and_braces() {
        let p = paths(
            "use crate::verify::{trust::TrustStore, x509};\nlet x = super::a::b();\nuse hcrate::x;",
        );
        assert!(p.contains(&("crate".into(), vec!["verify".into(), "trust".into()])));
        assert!(p.contains(&("crate".into(), vec!["verify".into(), "x509".into()])));
        assert!(p.contains(&("super".into(), vec!["a".into(), "b".into()])));
        assert_eq!(p.len(), 3);
    }

    #[test]
    fn finds_a_cycle_and_only_real_ones() {
        let g = |edges: &[(&str, &str)]| {
            let mut m: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
            for (a, b) in edges {
                m.entry(a.to_string()).or_default().insert(b.to_string());
                m.entry(b.to_string()).or_default();
            }
            m
        };
        assert!(cycles(&g(&[("a", "b"), ("b", "c")])).is_empty());
        assert_eq!(
            cycles(&g(&[("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])),
            vec![vec!["a".to_string(), "b".to_string(), "c".to_string()]]
        );
    }

    #[test]
    fn module_paths() {
        assert_eq!(module_of(Path::new("lib.rs")), "");
        assert_eq!(module_of(Path::new("verify/mod.rs")), "verify");
        assert_eq!(module_of(Path::new("verify/trust.rs")), "verify::trust");
    }
}
