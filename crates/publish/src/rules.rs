//! Business rules and value sets for the static API (`docs/static-api.md`, HCERT.md §6, §8).
//!
//! ```text
//! rules/rules.json           {"version": 1, "rules": [EU rule JSON…]}, every country's, sorted
//!                            by (Country, Identifier, Version)
//! rules/valuesets.json       {"version": 1, "valuesets": [EU value-set JSON…]} ([] without
//!                            --value-sets)
//! rules/index.json           EU gateway: [{"identifier", "version", "country", "hash"}]
//! rules/<CC>/<hash>.json     one rule; hash = SHA-256 (hex) of this file's bytes
//! valuesets/index.json       EU gateway: [{"id", "hash"}]
//! valuesets/<hash>.json      one value set
//! ```
//!
//! Sources: Viet Nam's rules compiled in from `data/rules/VN/<ID>/rule.json` (their tests
//! beside them: `vaxpass rules test crates/publish/data/rules`), or `--rules` instead; partner
//! rules from `--extra-rules` (a folder in the business-rules layout `<CC>/<ID>/rule.json`, a
//! rule file, a JSON array of rules, or a `rules/rules.json` bundle).
//!
//! Everything is read and checked before anything is written; one bad input refuses the whole
//! publication, naming every file and reason:
//!
//! | refused | where |
//! |---|---|
//! | a rule file over 256 KiB, malformed JSON, too deep, failing the gateway's checks, unknown operation | [`hcert::Rule::parse`] (codes `RULE_*`) |
//! | an array or bundle file over 16 MiB; a rule in it over 256 KiB | here, then `Rule::parse` per rule |
//! | a rule that does not finish within [`hcert::EvalLimits`] on a minimal certificate of its type (of every type for `General`) | here (`EVAL_STEP_LIMIT`, `EVAL_VALUE_TOO_*`) |
//! | two different rules with the same Identifier and Version | here |
//! | a value-set file over 4 MiB, malformed, or with a `valueSetId` that `ValueSetCatalog` refuses; two different sets with one id | here and [`hcert::ValueSetCatalog::add_file`] |
//!
//! A JSON file in a value-set folder that is not an EU value-set file (the compressed
//! `{id: [codes]}` map) is skipped with a note.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};
use hcert::{
    EvalError, EvalLimits, ExternalParameters, Rule, RuleCertificateType, SemVer, UnixTime,
    ValueSetCatalog, MAX_VALUE_SET_BYTES,
};
use serde_json::{json, Value};
use sha2::{Digest as _, Sha256};

use crate::files::json_file;

/// Largest file of several rules (a JSON array or a `rules/rules.json` bundle).
pub const MAX_RULE_BUNDLE_BYTES: usize = 16 * 1024 * 1024;

/// Viet Nam's own rules, compiled in (`data/rules/VN/<ID>/rule.json`).
pub const BUILTIN_RULES: &[(&str, &str)] = &[
    (
        "VN/RR-VN-0001/rule.json",
        include_str!("../data/rules/VN/RR-VN-0001/rule.json"),
    ),
    (
        "VN/TR-VN-0001/rule.json",
        include_str!("../data/rules/VN/TR-VN-0001/rule.json"),
    ),
    (
        "VN/TR-VN-0002/rule.json",
        include_str!("../data/rules/VN/TR-VN-0002/rule.json"),
    ),
    (
        "VN/VR-VN-0001/rule.json",
        include_str!("../data/rules/VN/VR-VN-0001/rule.json"),
    ),
    (
        "VN/VR-VN-0002/rule.json",
        include_str!("../data/rules/VN/VR-VN-0002/rule.json"),
    ),
];

/// One rule to publish: the parsed rule and its JSON as given.
#[derive(Debug, Clone)]
pub struct PublishedRule {
    /// The validated rule.
    pub rule: Rule,
    /// The rule JSON as given.
    pub json: Value,
    /// Where it came from (for messages).
    pub source: String,
}

/// What the rules part of a publication holds, read and checked.
#[derive(Debug, Clone, Default)]
pub struct Bundle {
    /// Every rule, sorted by (Country, Identifier, Version).
    pub rules: Vec<PublishedRule>,
    /// Every EU value-set file, sorted by id.
    pub value_sets: Vec<(String, Value)>,
}

/// Refusals collected over every input, reported together.
#[derive(Default)]
struct Refusals(Vec<String>);

impl Refusals {
    fn add(&mut self, what: impl std::fmt::Display, why: impl std::fmt::Display) {
        self.0.push(format!("{what}: {why}"));
    }

    fn finish(self, kind: &str) -> Result<()> {
        if self.0.is_empty() {
            return Ok(());
        }
        let mut msg = format!("{} {kind} refused, nothing published:", self.0.len());
        for r in &self.0 {
            let _ = write!(msg, "\n  {r}");
        }
        bail!(msg)
    }
}

/// Reads at most `cap` bytes of `path`; `Err(size)` when it is larger.
fn read_capped(path: &Path, cap: usize) -> Result<std::result::Result<Vec<u8>, u64>> {
    let file = fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    if len > cap as u64 {
        return Ok(Err(len));
    }
    let mut bytes = Vec::new();
    file.take(cap as u64 + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("reading {}", path.display()))?;
    if bytes.len() > cap {
        return Ok(Err(bytes.len() as u64));
    }
    Ok(Ok(bytes))
}

/// The sub-folders of `dir` (no dot-folders), sorted.
fn sub_dirs(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if path.is_dir() && !hidden {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

/// The rule files of one `--rules`/`--extra-rules` argument: the file itself; in a folder,
/// its `*.json` files and every `rule.json` at the folder, `<ID>/` or `<CC>/<ID>/` below it
/// (the business-rules layout; tests and other files beside them are not rules).
fn rule_files(path: &Path) -> Result<Vec<PathBuf>> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = std::collections::BTreeSet::new();
    let has_rule = |d: &Path| d.join("rule.json").is_file();
    if has_rule(path) {
        files.insert(path.join("rule.json"));
    } else {
        for entry in fs::read_dir(path).with_context(|| format!("reading {}", path.display()))? {
            let file = entry?.path();
            if file.is_file() && file.extension().is_some_and(|e| e == "json") {
                files.insert(file);
            }
        }
        for child in sub_dirs(path)? {
            if has_rule(&child) {
                files.insert(child.join("rule.json"));
                continue;
            }
            for grandchild in sub_dirs(&child)? {
                if has_rule(&grandchild) {
                    files.insert(grandchild.join("rule.json"));
                }
            }
        }
    }
    if files.is_empty() {
        bail!("{}: no rule files found", path.display());
    }
    Ok(files.into_iter().collect())
}

/// A minimal, plausible payload of one certificate type.
fn minimal_payload(kind: RuleCertificateType) -> Value {
    let mut p = json!({
        "ver": "1.3.0",
        "nam": {"fn": "Nguyen", "fnt": "NGUYEN", "gn": "An", "gnt": "AN"},
        "dob": "1990-01-01",
    });
    let common = json!({"tg": "840539006", "co": "VN", "is": "Ministry of Health",
        "ci": "URN:UVCI:01:VN:BYT/0000000001#Q"});
    let (key, mut entry) = match kind {
        RuleCertificateType::Test => (
            "t",
            json!({"tt": "LP6464-4", "nm": "PCR", "sc": "2021-10-01T06:00:00Z",
                "tr": "260415000", "tc": "Bach Mai Hospital"}),
        ),
        RuleCertificateType::Recovery => (
            "r",
            json!({"fr": "2021-08-01", "df": "2021-08-12", "du": "2022-01-28"}),
        ),
        RuleCertificateType::Vaccination | RuleCertificateType::General => (
            "v",
            json!({"vp": "1119349007", "mp": "EU/1/20/1528", "ma": "ORG-100030215",
                "dn": 2, "sd": 2, "dt": "2021-09-01"}),
        ),
    };
    if let (Some(e), Some(c)) = (entry.as_object_mut(), common.as_object()) {
        e.extend(c.clone());
    }
    p[key] = json!([entry]);
    p
}

/// Evaluates `rule` once per certificate type it applies to; the bound it exceeds, if any.
fn exceeds_limits(rule: &Rule, value_sets: &ValueSetCatalog, now: UnixTime) -> Option<String> {
    let kinds = match rule.certificate_type {
        RuleCertificateType::General => vec![
            RuleCertificateType::Vaccination,
            RuleCertificateType::Test,
            RuleCertificateType::Recovery,
        ],
        other => vec![other],
    };
    // A moment the rule is in force at: now, or its first second.
    let clock = if rule.in_force_at(now) {
        now
    } else {
        rule.valid_from
    };
    let external = ExternalParameters {
        validation_clock: clock,
        value_sets,
        country_code: &rule.country,
        region: rule.region.as_deref().unwrap_or(""),
        issuer_country_code: "VN",
        exp: Some(UnixTime(clock.0 + 180 * 86_400)),
        iat: Some(UnixTime(clock.0 - 86_400)),
        kid: "AAAAAAAAAAA=",
    }
    .to_json();
    let limits = EvalLimits::default();
    for kind in kinds {
        let payload = minimal_payload(kind);
        // Any other answer (even a type error: the rule is then OPEN) finished in bounds.
        if let Err(
            e @ (EvalError::StepLimit | EvalError::ValueTooLarge | EvalError::ValueTooDeep),
        ) = hcert::evaluate_rule_logic(rule, Some(&payload), &external, &limits)
        {
            return Some(format!(
                "{e}: does not finish within the evaluation limits ({} steps, {} value nodes, depth {}) on a minimal {} certificate",
                limits.max_steps,
                limits.max_value_nodes,
                limits.max_value_depth,
                kind.as_str()
            ));
        }
    }
    None
}

/// Parses one rule JSON value (from an array or a bundle) with `Rule::parse`'s checks.
fn parse_value(v: &Value) -> std::result::Result<Rule, String> {
    let bytes = serde_json::to_vec(v).map_err(|e| e.to_string())?;
    Rule::parse(&bytes).map_err(|e| e.to_string())
}

/// The rules of one file: `(label, json, rule)` or refusals.
fn rules_of_file(path: &Path, refusals: &mut Refusals) -> Result<Vec<(String, Value, Rule)>> {
    let label = path.display().to_string();
    let bytes = match read_capped(path, MAX_RULE_BUNDLE_BYTES)? {
        Ok(b) => b,
        Err(size) => {
            refusals.add(&label, format_args!("RULE_TOO_LARGE ({size} bytes)"));
            return Ok(Vec::new());
        }
    };
    // An array of rules, or a `rules/rules.json` bundle; anything else is one rule.
    // serde_json stops at 128 levels, so this never recurses deeper than that.
    let parsed = serde_json::from_slice::<Value>(&bytes);
    let syntax = parsed.as_ref().err().map(ToString::to_string);
    let many = match parsed {
        Ok(Value::Array(a)) => Some(a),
        Ok(Value::Object(mut m)) if !m.contains_key("Identifier") && m.contains_key("rules") => {
            match m.remove("rules") {
                Some(Value::Array(a)) => Some(a),
                _ => {
                    refusals.add(&label, "\"rules\" is not an array");
                    return Ok(Vec::new());
                }
            }
        }
        _ => None,
    };
    let mut out = Vec::new();
    match many {
        None => match Rule::parse(&bytes) {
            Ok(rule) => match serde_json::from_slice::<Value>(&bytes) {
                Ok(json) => out.push((label, json, rule)),
                Err(e) => refusals.add(&label, format_args!("not JSON: {e}")),
            },
            // Rule::parse's checks come first (size, depth); the parser's words say where.
            Err(e @ hcert::RuleError::Json) => match &syntax {
                Some(detail) => refusals.add(&label, format_args!("{e} ({detail})")),
                None => refusals.add(&label, e),
            },
            Err(e) => refusals.add(&label, e),
        },
        Some(items) => {
            if items.is_empty() {
                refusals.add(&label, "no rules in the array");
            }
            for (i, item) in items.into_iter().enumerate() {
                let at = format!("{label} [{i}]");
                match parse_value(&item) {
                    Ok(rule) => out.push((at, item, rule)),
                    Err(e) => refusals.add(&at, e),
                }
            }
        }
    }
    Ok(out)
}

/// Reads and checks the rules: `rules` (or the built-in Viet Nam set) plus `extra`.
pub fn load_rules(
    rules: Option<&Path>,
    extra: &[PathBuf],
    value_sets: &ValueSetCatalog,
    now: UnixTime,
) -> Result<Vec<PublishedRule>> {
    let mut refusals = Refusals::default();
    let mut found: Vec<(String, Value, Rule)> = Vec::new();
    match rules {
        Some(dir) => {
            for file in rule_files(dir)? {
                found.extend(rules_of_file(&file, &mut refusals)?);
            }
        }
        None => {
            for (path, text) in BUILTIN_RULES {
                let label = format!("(built in) crates/publish/data/rules/{path}");
                match Rule::parse(text.as_bytes()) {
                    Ok(rule) => found.push((label, serde_json::from_str(text)?, rule)),
                    Err(e) => refusals.add(label, e),
                }
            }
        }
    }
    for path in extra {
        for file in rule_files(path)? {
            found.extend(rules_of_file(&file, &mut refusals)?);
        }
    }
    let mut by_key: BTreeMap<(String, String, SemVer), PublishedRule> = BTreeMap::new();
    for (source, json, rule) in found {
        if let Some(why) = exceeds_limits(&rule, value_sets, now) {
            refusals.add(&source, why);
            continue;
        }
        let key = (rule.country.clone(), rule.identifier.clone(), rule.version);
        match by_key.get(&key) {
            Some(seen) if seen.json == json => {} // the same rule given twice
            Some(seen) => refusals.add(
                &source,
                format_args!(
                    "{} version {} differs from the rule of the same identifier and version in {}",
                    rule.identifier, rule.version, seen.source
                ),
            ),
            None => {
                by_key.insert(key, PublishedRule { rule, json, source });
            }
        }
    }
    refusals.finish("rule(s)")?;
    Ok(by_key.into_values().collect())
}

/// Reads and checks the EU value-set files of `paths` (folders or files). Returns the files
/// by id and the catalog they make.
pub fn load_value_sets(paths: &[PathBuf]) -> Result<(Vec<(String, Value)>, ValueSetCatalog)> {
    let mut refusals = Refusals::default();
    let mut catalog = ValueSetCatalog::new();
    let mut sets: BTreeMap<String, (Value, String)> = BTreeMap::new();
    for path in paths {
        let files = if path.is_dir() {
            let mut files = Vec::new();
            for entry in
                fs::read_dir(path).with_context(|| format!("reading {}", path.display()))?
            {
                let file = entry?.path();
                if file.is_file() && file.extension().is_some_and(|e| e == "json") {
                    files.push(file);
                }
            }
            files.sort();
            files
        } else {
            vec![path.clone()]
        };
        for file in files {
            let label = file.display().to_string();
            let bytes = match read_capped(&file, MAX_VALUE_SET_BYTES)? {
                Ok(b) => b,
                Err(size) => {
                    refusals.add(
                        &label,
                        format_args!("VALUESET_FILE_TOO_LARGE ({size} bytes)"),
                    );
                    continue;
                }
            };
            let json: Value = match serde_json::from_slice(&bytes) {
                Ok(j) => j,
                Err(e) => {
                    refusals.add(&label, format_args!("not JSON: {e}"));
                    continue;
                }
            };
            if json.get("valueSetId").is_none() {
                eprintln!("{label}: not an EU value-set file (no valueSetId), skipped");
                continue;
            }
            let id = match catalog.add_file(&bytes) {
                Ok(id) => id,
                Err(e) => {
                    refusals.add(&label, format_args!("not a value set: {e}"));
                    continue;
                }
            };
            match sets.get(&id) {
                Some((seen, _)) if *seen == json => {}
                Some((_, seen_at)) => refusals.add(
                    &label,
                    format_args!("value set {id} differs from the one in {seen_at}"),
                ),
                None => {
                    sets.insert(id, (json, label));
                }
            }
        }
    }
    refusals.finish("value-set file(s)")?;
    Ok((
        sets.into_iter().map(|(id, (json, _))| (id, json)).collect(),
        catalog,
    ))
}

impl Bundle {
    /// Reads and checks every rule and value set; nothing is written.
    pub fn load(
        rules: Option<&Path>,
        extra_rules: &[PathBuf],
        value_sets: &[PathBuf],
        now: UnixTime,
    ) -> Result<Bundle> {
        let (value_sets, catalog) = load_value_sets(value_sets)?;
        let rules = load_rules(rules, extra_rules, &catalog, now)?;
        Ok(Bundle { rules, value_sets })
    }

    /// The countries with rules, sorted.
    pub fn countries(&self) -> Vec<&str> {
        let mut c: Vec<&str> = self.rules.iter().map(|r| r.rule.country.as_str()).collect();
        c.dedup();
        c
    }

    /// The files to sign and publish: `(path, content, description)`.
    pub fn files(&self) -> Result<Vec<(String, Vec<u8>, String)>> {
        let hex = |b: &[u8]| base16ct::lower::encode_string(&Sha256::digest(b));
        let mut out = Vec::new();
        let mut bundle_text = serde_json::to_vec(&json!({
            "version": 1,
            "rules": self.rules.iter().map(|r| &r.json).collect::<Vec<_>>(),
        }))?;
        bundle_text.push(b'\n');
        out.push((
            "rules/rules.json".to_owned(),
            bundle_text,
            format!(
                "business rules (EU rule JSON) of {}: {} rules",
                self.countries().join(" "),
                self.rules.len()
            ),
        ));
        let mut sets_text = serde_json::to_vec(&json!({
            "version": 1,
            "valuesets": self.value_sets.iter().map(|(_, v)| v).collect::<Vec<_>>(),
        }))?;
        sets_text.push(b'\n');
        out.push((
            "rules/valuesets.json".to_owned(),
            sets_text,
            format!(
                "value sets the rules are evaluated with (EU format): {} sets",
                self.value_sets.len()
            ),
        ));
        let mut index = Vec::with_capacity(self.rules.len());
        for r in &self.rules {
            let body = json_file(&r.json)?;
            let hash = hex(&body);
            index.push(json!({
                "identifier": r.rule.identifier,
                "version": r.rule.version.to_string(),
                "country": r.rule.country,
                "hash": hash,
            }));
            out.push((
                format!("rules/{}/{hash}.json", r.rule.country),
                body,
                format!(
                    "rule {} {} (EU gateway format)",
                    r.rule.identifier, r.rule.version
                ),
            ));
        }
        out.push((
            "rules/index.json".to_owned(),
            json_file(&index)?,
            "EU gateway rule list: identifier, version, country, hash".to_owned(),
        ));
        let mut index = Vec::with_capacity(self.value_sets.len());
        for (id, json) in &self.value_sets {
            let body = json_file(json)?;
            let hash = hex(&body);
            index.push(json!({"id": id, "hash": hash}));
            out.push((
                format!("valuesets/{hash}.json"),
                body,
                format!("value set {id} (EU gateway format)"),
            ));
        }
        out.push((
            "valuesets/index.json".to_owned(),
            json_file(&index)?,
            "EU gateway value-set list: id, hash".to_owned(),
        ));
        // Two rules with the same content share one file: publish it once.
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out.dedup_by(|a, b| a.0 == b.0);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use hcert::MAX_RULE_BYTES;
    use vaxpass_testkit::shared::reference_data;

    #[test]
    fn every_shared_rule_and_value_set_is_accepted() {
        let (Some(rules), Some(sets)) = (
            reference_data("business-rules"),
            reference_data("valuesets"),
        ) else {
            return;
        };
        let bundle = Bundle::load(None, std::slice::from_ref(&rules), &[sets], now()).unwrap();
        let expected = rule_files(&rules).unwrap().len() + BUILTIN_RULES.len();
        assert_eq!(bundle.rules.len(), expected);
        assert!(bundle.countries().len() >= 12, "{:?}", bundle.countries());
        assert!(bundle.value_sets.len() >= 9, "{}", bundle.value_sets.len());
        let files = bundle.files().unwrap();
        // bundles, indexes, one file per rule and per value set
        assert_eq!(files.len(), 4 + expected + bundle.value_sets.len());
    }

    fn now() -> UnixTime {
        UnixTime::parse_rfc3339("2022-01-10T08:00:00Z").unwrap()
    }

    #[test]
    fn the_built_in_set_is_every_rule_of_the_data_folder() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/rules");
        let on_disk: Vec<String> = rule_files(&dir)
            .unwrap()
            .iter()
            .map(|p| p.strip_prefix(&dir).unwrap().display().to_string())
            .collect();
        let built_in: Vec<String> = BUILTIN_RULES.iter().map(|(p, _)| p.to_string()).collect();
        assert_eq!(on_disk, built_in);
        for (path, text) in BUILTIN_RULES {
            assert_eq!(fs::read_to_string(dir.join(path)).unwrap(), *text, "{path}");
        }
        let rules = load_rules(None, &[], &ValueSetCatalog::new(), now()).unwrap();
        assert_eq!(rules.len(), BUILTIN_RULES.len());
        for r in &rules {
            assert_eq!(r.rule.country, "VN");
            assert!(r.rule.descriptions.iter().any(|d| d.lang == "vi"));
            assert!(r.rule.descriptions.iter().any(|d| d.lang == "en"));
            assert_eq!(r.rule.rule_type, hcert::RuleType::Acceptance);
        }
    }

    fn rule(id: &str, logic: Value) -> Value {
        let kind = match &id[..2] {
            "VR" => "Vaccination",
            "TR" => "Test",
            "RR" => "Recovery",
            _ => "General",
        };
        json!({"Identifier": id, "Type": "Acceptance", "Country": &id[3..5], "Version": "1.0.0",
            "SchemaVersion": "1.0.0", "Engine": "CERTLOGIC", "EngineVersion": "0.7.5",
            "CertificateType": kind,
            "Description": [{"lang": "en", "desc": "A rule written for the publisher's tests."}],
            "ValidFrom": "2021-07-01T00:00:00Z", "ValidTo": "2030-12-31T00:00:00Z",
            "AffectedFields": ["v.0"], "Logic": logic})
    }

    fn temp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!(
            "vaxpass-publish-rules-{}-{name}",
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        d
    }

    /// `reduce` over `n` elements, nested in a `reduce` over `n`: n² steps.
    fn costly(n: usize) -> Value {
        let xs: Vec<u32> = (0..n as u32).collect();
        json!({"reduce": [xs, {"reduce": [xs, {"+": [{"var": "accumulator"}, 1]}, {"var": "accumulator"}]}, 0]})
    }

    #[test]
    fn costly_rules_are_refused_and_cheap_ones_kept() {
        let dir = temp("costly");
        let cheap = rule("GR-XX-0001", costly(50));
        let dear = rule("GR-XX-0002", costly(400));
        fs::write(dir.join("cheap.json"), serde_json::to_vec(&cheap).unwrap()).unwrap();
        fs::write(dir.join("dear.json"), serde_json::to_vec(&dear).unwrap()).unwrap();
        let err = load_rules(Some(&dir), &[], &ValueSetCatalog::new(), now())
            .unwrap_err()
            .to_string();
        assert!(err.contains("dear.json: EVAL_STEP_LIMIT"), "{err}");
        assert!(!err.contains("cheap.json"), "{err}");
        fs::remove_file(dir.join("dear.json")).unwrap();
        let rules = load_rules(Some(&dir), &[], &ValueSetCatalog::new(), now()).unwrap();
        assert_eq!(rules.len(), 1);
        fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn arrays_bundles_duplicates_and_conflicts() {
        let dir = temp("arrays");
        let a = rule("VR-DE-0001", json!({"var": "payload.v.0"}));
        let b = rule("VR-AT-0001", json!({"var": "payload.v.0"}));
        let array = dir.join("array.json");
        fs::write(&array, serde_json::to_vec(&json!([a, b])).unwrap()).unwrap();
        let bundle = dir.join("bundle.json");
        fs::write(
            &bundle,
            serde_json::to_vec(&json!({"version": 1, "rules": [a]})).unwrap(),
        )
        .unwrap();
        let rules = load_rules(
            None,
            &[array.clone(), bundle],
            &ValueSetCatalog::new(),
            now(),
        )
        .unwrap();
        let ids: Vec<&str> = rules.iter().map(|r| r.rule.identifier.as_str()).collect();
        assert_eq!(
            ids,
            [
                "VR-AT-0001",
                "VR-DE-0001",
                "RR-VN-0001",
                "TR-VN-0001",
                "TR-VN-0002",
                "VR-VN-0001",
                "VR-VN-0002"
            ]
        );
        let mut changed = a.clone();
        changed["Logic"] = json!({"var": "payload.v.1"});
        let other = dir.join("other.json");
        fs::write(&other, serde_json::to_vec(&changed).unwrap()).unwrap();
        let err = load_rules(None, &[array, other], &ValueSetCatalog::new(), now())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("other.json: VR-DE-0001 version 1.0.0 differs"),
            "{err}"
        );
        fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn bad_rule_files_are_named_with_their_reason() {
        let dir = temp("bad");
        let mut big = rule("VR-DE-0001", json!({"var": "payload.v.0"}));
        big["Description"][0]["desc"] = Value::String("x".repeat(MAX_RULE_BYTES));
        fs::write(dir.join("big.json"), serde_json::to_vec(&big).unwrap()).unwrap();
        fs::write(dir.join("broken.json"), b"{\"Identifier\": ").unwrap();
        let unknown = rule("VR-DE-0002", json!({"eval": ["rm -rf /"]}));
        fs::write(
            dir.join("unknown.json"),
            serde_json::to_vec(&unknown).unwrap(),
        )
        .unwrap();
        let mut deep = json!({"var": "payload.v.0"});
        for _ in 0..100 {
            deep = json!({"!": [deep]});
        }
        let deep = rule("VR-DE-0003", deep);
        fs::write(dir.join("deep.json"), serde_json::to_vec(&deep).unwrap()).unwrap();
        let err = load_rules(Some(&dir), &[], &ValueSetCatalog::new(), now())
            .unwrap_err()
            .to_string();
        for (file, code) in [
            ("big.json", "RULE_TOO_LARGE"),
            ("broken.json", "RULE_JSON_INVALID"),
            ("unknown.json", "RULE_UNKNOWN_OPERATION"),
            ("deep.json", "RULE_TOO_DEEP"),
        ] {
            assert!(err.contains(&format!("{file}: {code}")), "{file}: {err}");
        }
        assert!(
            err.starts_with("4 rule(s) refused, nothing published"),
            "{err}"
        );
        fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn value_sets_are_read_checked_and_non_eu_files_skipped() {
        let dir = temp("valuesets");
        fs::write(
            dir.join("a.json"),
            br#"{"valueSetId": "covid-19-lab-result", "valueSetDate": "2021-04-27",
                "valueSetValues": {"260415000": {"display": "Not detected", "active": true}}}"#,
        )
        .unwrap();
        fs::write(
            dir.join("compressed.json"),
            br#"{"covid-19-lab-result": ["1"]}"#,
        )
        .unwrap();
        fs::write(dir.join("notes.txt"), b"not json").unwrap();
        let (sets, catalog) = load_value_sets(std::slice::from_ref(&dir)).unwrap();
        assert_eq!(sets.len(), 1);
        assert!(catalog.get("covid-19-lab-result").is_some());
        fs::write(dir.join("b.json"), b"{\"valueSetId\": ").unwrap();
        let err = load_value_sets(std::slice::from_ref(&dir))
            .unwrap_err()
            .to_string();
        assert!(err.contains("b.json: not JSON"), "{err}");
        fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn gateway_files_are_named_by_their_hash() {
        let bundle = Bundle::load(None, &[], &[], now()).unwrap();
        let files = bundle.files().unwrap();
        let index = files.iter().find(|f| f.0 == "rules/index.json").unwrap();
        let index: Vec<Value> = serde_json::from_slice(&index.1).unwrap();
        assert_eq!(index.len(), BUILTIN_RULES.len());
        for e in &index {
            let path = format!(
                "rules/{}/{}.json",
                e["country"].as_str().unwrap(),
                e["hash"].as_str().unwrap()
            );
            let (_, body, _) = files.iter().find(|f| f.0 == path).unwrap();
            assert_eq!(
                base16ct::lower::encode_string(&Sha256::digest(body)),
                e["hash"].as_str().unwrap()
            );
        }
        let sets = files
            .iter()
            .find(|f| f.0 == "rules/valuesets.json")
            .unwrap();
        assert_eq!(
            serde_json::from_slice::<Value>(&sets.1).unwrap(),
            json!({"version": 1, "valuesets": []})
        );
    }
}
