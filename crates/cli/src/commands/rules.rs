//! `vaxpass rules test DIR` and `vaxpass rules certlogic-suite DIR`: the EU business-rules
//! tests and the CertLogic specification suites (HCERT.md §6.4), run by `hcert`'s suite
//! runners. Each prints one line per disagreement and closes with `N passed, M failed`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context as _, Result};
use serde_json::Value;

use crate::cli::RulesCommand;

pub(crate) fn run(c: &RulesCommand) -> Result<ExitCode> {
    let (passed, failed) = match c {
        RulesCommand::Test(a) => rule_tests(&a.dir)?,
        RulesCommand::CertlogicSuite(a) => certlogic_suite(&a.dir)?,
    };
    println!("{passed} passed, {failed} failed");
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The sub-folders of `dir`, sorted by name.
fn sub_dirs(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry
            .with_context(|| format!("reading {}", dir.display()))?
            .path();
        if path.is_dir() {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

/// The `*.json` files of `dir`, sorted by name, each parsed or with its parse error.
fn json_files(dir: &Path) -> Result<Vec<(String, Result<Value, String>)>> {
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry
            .with_context(|| format!("reading {}", dir.display()))?
            .path();
        if path.is_file() && path.extension().is_some_and(|e| e == "json") {
            paths.push(path);
        }
    }
    paths.sort();
    let mut out = Vec::with_capacity(paths.len());
    for path in paths {
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let value = serde_json::from_slice(&bytes).map_err(|e| format!("not JSON: {e}"));
        out.push((name, value));
    }
    Ok(out)
}

/// The rule folders (holding `rule.json`) at `dir`, or one or two levels below it
/// (`<CC>/<ID>`), sorted. Folders without `rule.json` (MT's `<ID>.json` samples, `tooling/`)
/// are ignored, as the reference tooling ignores them.
fn rule_dirs(dir: &Path) -> Result<Vec<PathBuf>> {
    let has_rule = |d: &Path| d.join("rule.json").is_file();
    if has_rule(dir) {
        return Ok(vec![dir.to_path_buf()]);
    }
    let mut out = Vec::new();
    for child in sub_dirs(dir)? {
        if has_rule(&child) {
            out.push(child);
            continue;
        }
        out.extend(sub_dirs(&child)?.into_iter().filter(|d| has_rule(d)));
    }
    Ok(out)
}

/// `path` relative to `root`, for messages.
fn label(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

fn rule_tests(dir: &Path) -> Result<(usize, usize)> {
    let (mut passed, mut failed) = (0usize, 0usize);
    let limits = hcert::EvalLimits::default();
    let rule_dirs = rule_dirs(dir)?;
    if rule_dirs.is_empty() {
        bail!("no rule.json found in {} or below it", dir.display());
    }
    for rule_dir in rule_dirs {
        let rule_path = rule_dir.join("rule.json");
        let bytes = std::fs::read(&rule_path)
            .with_context(|| format!("reading {}", rule_path.display()))?;
        let tests_dir = rule_dir.join("tests");
        let tests = if tests_dir.is_dir() {
            json_files(&tests_dir)?
        } else {
            Vec::new()
        };
        let rule = match hcert::Rule::parse(&bytes) {
            Ok(rule) => rule,
            Err(e) => {
                println!(
                    "{}: rule refused: {e} ({} tests not run)",
                    label(dir, &rule_path),
                    tests.len()
                );
                failed += 1;
                continue;
            }
        };
        for (name, test) in tests {
            let test_label = label(dir, &tests_dir.join(&name));
            let disagreement = match test {
                Err(e) => Some(e),
                Ok(test) => disagreement(&rule, &test, &limits),
            };
            match disagreement {
                None => passed += 1,
                Some(why) => {
                    println!("{test_label}: {why}");
                    failed += 1;
                }
            }
        }
    }
    Ok((passed, failed))
}

/// What went wrong with one rule test, if anything.
fn disagreement(rule: &hcert::Rule, test: &Value, limits: &hcert::EvalLimits) -> Option<String> {
    let expected = test.get("expected").unwrap_or(&Value::Null);
    match hcert::run_rule_test(rule, test, limits) {
        hcert::RuleTestOutcome::Agreed => None,
        hcert::RuleTestOutcome::Disagreed { actual } => {
            Some(format!("expected {expected}, got {actual}"))
        }
        hcert::RuleTestOutcome::EvalError(code) => {
            Some(format!("evaluation failed ({code}), expected {expected}"))
        }
        hcert::RuleTestOutcome::ClockOutsideValidity => Some(format!(
            "external.validationClock {} is outside the rule's validity ({} to {})",
            test.pointer("/external/validationClock")
                .unwrap_or(&Value::Null),
            rule.valid_from,
            rule.valid_to
        )),
        hcert::RuleTestOutcome::Malformed => {
            Some("not a rule test (an object with \"expected\")".to_owned())
        }
    }
}

/// Runs one suite folder with `runner`; prints its disagreements and a summary line.
fn run_suite(
    root: &Path,
    sub: &str,
    unit: &str,
    runner: fn(&[(&str, &Value)]) -> hcert::SuiteReport,
) -> Result<(usize, usize)> {
    let dir = root.join(sub);
    if !dir.is_dir() {
        bail!("{} is not a folder", dir.display());
    }
    let files = json_files(&dir)?;
    let mut unreadable = 0usize;
    let mut parsed = Vec::with_capacity(files.len());
    for (name, value) in &files {
        match value {
            Ok(v) => parsed.push((name.as_str(), v)),
            Err(e) => {
                println!("{sub}/{name}: {e}");
                unreadable += 1;
            }
        }
    }
    let report = runner(&parsed);
    for f in &report.failures {
        let at = f
            .assertion
            .map_or_else(String::new, |i| format!(", assertion {i}"));
        println!("{sub}/{}: {}{at}: {}", f.file, f.case, f.detail);
    }
    let failed = report.failed() + unreadable;
    // Skipped assertions are evaluated too, and said to agree or not: the suite skips some
    // for its reference implementation's sake (patched-reduce: semantics certlogic-js lacks).
    let also = if report.skipped > 0 {
        format!(" ({} of them agree as well)", report.skipped_but_agreeing)
    } else {
        String::new()
    };
    println!(
        "{sub}: {} files, {} {unit}, {} skipped by the suite's directives{also}, {} passed, {failed} failed",
        files.len(),
        report.total,
        report.skipped,
        report.passed,
    );
    Ok((report.passed, failed))
}

fn certlogic_suite(dir: &Path) -> Result<(usize, usize)> {
    let (p1, f1) = run_suite(dir, "testSuite", "assertions", hcert::run_evaluation_suite)?;
    let (p2, f2) = run_suite(
        dir,
        "validation-testSuite",
        "cases",
        hcert::run_validation_suite,
    )?;
    Ok((p1 + p2, f1 + f2))
}

/// The rule files of one `--rules` argument: the file itself, or in a folder its `*.json`
/// files and every `rule.json` of the layouts [`rule_dirs`] knows.
fn rule_files(path: &Path) -> Result<Vec<PathBuf>> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(path).with_context(|| format!("reading {}", path.display()))? {
        let file = entry
            .with_context(|| format!("reading {}", path.display()))?
            .path();
        if file.is_file() && file.extension().is_some_and(|e| e == "json") {
            files.insert(file);
        }
    }
    for dir in rule_dirs(path)? {
        files.insert(dir.join("rule.json"));
    }
    Ok(files.into_iter().collect())
}

/// The business rules of `--rules` arguments. A rule the gateway would refuse is reported
/// on stderr with its file and reason, and left out.
pub(crate) fn load_rules(paths: &[PathBuf]) -> Result<hcert::RuleSet> {
    let mut set = hcert::RuleSet::new();
    for path in paths {
        let files = rule_files(path)?;
        let mut loaded = 0usize;
        for file in &files {
            let bytes =
                std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
            match hcert::Rule::parse(&bytes) {
                Ok(rule) => {
                    set.insert(rule);
                    loaded += 1;
                }
                Err(e) => eprintln!("{}: rule refused: {e}", file.display()),
            }
        }
        if loaded == 0 {
            eprintln!("{}: no usable rules", path.display());
        }
    }
    Ok(set)
}

/// The value sets of `--value-sets` arguments: EU value-set files or compressed maps, or
/// folders of them (a file of neither form in a folder is reported and skipped).
pub(crate) fn load_value_sets(paths: &[PathBuf]) -> Result<hcert::ValueSetCatalog> {
    let mut catalog = hcert::ValueSetCatalog::new();
    for path in paths {
        let (files, in_folder) = if path.is_dir() {
            let mut files = Vec::new();
            for entry in
                std::fs::read_dir(path).with_context(|| format!("reading {}", path.display()))?
            {
                let file = entry
                    .with_context(|| format!("reading {}", path.display()))?
                    .path();
                if file.is_file() && file.extension().is_some_and(|e| e == "json") {
                    files.push(file);
                }
            }
            files.sort();
            (files, true)
        } else {
            (vec![path.clone()], false)
        };
        for file in files {
            let bytes =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let added = catalog
                .add_file(&bytes)
                .map(drop)
                .or_else(|e| catalog.add_compressed(&bytes).map(drop).map_err(|_| e));
            match added {
                Ok(()) => {}
                Err(e) if in_folder => eprintln!("{}: not a value set: {e}", file.display()),
                Err(e) => bail!("{}: not a value set: {e}", file.display()),
            }
        }
    }
    Ok(catalog)
}
