//! The EU member states' test suite (dgc-testdata) run through `hcert`, flag by flag
//! (HCERT.md §3.2).
//!
//! Every `EXPECTED*` flag of every test file is an assertion: `true` means the step must
//! succeed, `false` that it must fail. Each step takes its input from the file's own field
//! when present and otherwise from the previous step's output (some files omit intermediate
//! stages), and compares its output with the file's next field when that is present.
//! A flag whose input cannot be had at all is reported as skipped, never as agreed.
//!
//! With value sets (the EU ones in `../shared/reference/data/valuesets`), schema validation
//! also fails on a code that is not in its value set, as the verdict does (`hcert::verify`'s
//! `value_sets` check): the suite expects `EXPECTEDSCHEMAVALIDATION: false` for such codes.
//! A certificate outliving its signer is a warning in the verdict, so it passes the
//! expiration step here too.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use hcert::CborValue as Value;
use hcert::{Certificate, Dcc, Error, TrustStore, UnixTime};
use serde_json::Value as J;

use vaxpass_picture as picture;

/// The ten flags the suite's harness scores, in pipeline order.
pub const FLAGS: [&str; 10] = [
    "EXPECTEDPICTUREDECODE",
    "EXPECTEDUNPREFIX",
    "EXPECTEDB45DECODE",
    "EXPECTEDCOMPRESSION",
    "EXPECTEDVERIFY",
    "EXPECTEDDECODE",
    "EXPECTEDVALIDJSON",
    "EXPECTEDSCHEMAVALIDATION",
    "EXPECTEDEXPIRATIONCHECK",
    "EXPECTEDKEYUSAGE",
];

/// The allowlist shipped with the repository.
pub const DEFAULT_ALLOWLIST: &str = include_str!("../../../tests/conformance/allowlist.txt");

/// What a step did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepResult {
    /// It ran; `ok` says whether it succeeded, `detail` what happened.
    Ran {
        /// Whether the step succeeded (and matched the expected output, if given).
        ok: bool,
        /// Error code or mismatch description.
        detail: String,
    },
    /// Its input is missing from the file.
    Skipped(String),
}

fn ran(ok: bool, detail: impl Into<String>) -> StepResult {
    StepResult::Ran {
        ok,
        detail: detail.into(),
    }
}

fn from_result<T>(r: Result<T, Error>) -> StepResult {
    match r {
        Ok(_) => ran(true, "ok"),
        Err(e) => ran(false, e.to_string()),
    }
}

/// One scored assertion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assertion {
    /// Test file, relative to the suite directory, `/`-separated.
    pub file: String,
    /// The flag.
    pub flag: &'static str,
    /// What the file expects.
    pub expected: bool,
    /// What `hcert` did.
    pub result: StepResult,
    /// The allowlist's reason, if this assertion is a known test-data error.
    pub allowlisted: Option<String>,
}

impl Assertion {
    /// Whether `hcert` agrees with the expectation (None when skipped).
    pub fn agrees(&self) -> Option<bool> {
        match &self.result {
            StepResult::Ran { ok, .. } => Some(*ok == self.expected),
            StepResult::Skipped(_) => None,
        }
    }
}

/// The outcome of a whole run.
#[derive(Debug, Default)]
pub struct Report {
    /// Test files read.
    pub files: usize,
    /// Files that could not be read as test cases.
    pub unreadable: Vec<(String, String)>,
    /// Every assertion.
    pub assertions: Vec<Assertion>,
    /// Allowlist entries that matched nothing (stale entries are themselves an error).
    pub unused_allowlist: Vec<String>,
}

/// Per-flag counts.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct FlagCounts {
    /// Assertions that ran.
    pub scored: usize,
    /// Of those, agreeing with the file.
    pub agree: usize,
    /// Disagreeing, not allowlisted.
    pub disagree: usize,
    /// Disagreeing, allowlisted as test-data errors.
    pub allowlisted: usize,
    /// Not run for lack of input.
    pub skipped: usize,
}

impl Report {
    /// Counts per flag, in [`FLAGS`] order.
    pub fn counts(&self) -> Vec<(&'static str, FlagCounts)> {
        FLAGS
            .iter()
            .map(|&flag| {
                let mut c = FlagCounts::default();
                for a in self.assertions.iter().filter(|a| a.flag == flag) {
                    match a.agrees() {
                        None => c.skipped += 1,
                        Some(true) => {
                            c.scored += 1;
                            c.agree += 1;
                        }
                        Some(false) => {
                            c.scored += 1;
                            if a.allowlisted.is_some() {
                                c.allowlisted += 1;
                            } else {
                                c.disagree += 1;
                            }
                        }
                    }
                }
                (flag, c)
            })
            .collect()
    }

    /// Totals over all flags.
    pub fn totals(&self) -> FlagCounts {
        self.counts()
            .iter()
            .fold(FlagCounts::default(), |mut t, (_, c)| {
                t.scored += c.scored;
                t.agree += c.agree;
                t.disagree += c.disagree;
                t.allowlisted += c.allowlisted;
                t.skipped += c.skipped;
                t
            })
    }

    /// Whether the run passes: no unlisted disagreement, no unreadable file, no stale
    /// allowlist entry.
    pub fn passed(&self) -> bool {
        self.totals().disagree == 0
            && self.unreadable.is_empty()
            && self.unused_allowlist.is_empty()
    }
}

/// One allowlist line: `path | FLAG | why the test data is wrong`.
#[derive(Debug, Clone)]
struct AllowEntry {
    file: String,
    flag: String,
    reason: String,
    used: bool,
}

fn parse_allowlist(text: &str) -> Result<Vec<AllowEntry>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let parts: Vec<&str> = line.splitn(3, '|').map(str::trim).collect();
        match parts.as_slice() {
            [file, flag, reason] if !reason.is_empty() && FLAGS.contains(flag) => {
                out.push(AllowEntry {
                    file: file.to_string(),
                    flag: flag.to_string(),
                    reason: reason.to_string(),
                    used: false,
                })
            }
            _ => {
                return Err(format!(
                    "allowlist line {}: expected `path | FLAG | reason`",
                    n + 1
                ))
            }
        }
    }
    Ok(out)
}

/// Every `.json` file below `dir`, at any depth, sorted.
pub fn test_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Where the EU value sets are, for a suite at `suite`: `$VAXPASS_SHARED_DIR/reference/data/
/// valuesets`, else `reference/data/valuesets` beside the suite's `conformance/` folder
/// (`../shared/conformance/dgc-testdata` → `../shared/reference/data/valuesets`).
pub fn value_sets_dir(suite: &Path) -> PathBuf {
    match std::env::var_os("VAXPASS_SHARED_DIR") {
        Some(shared) => PathBuf::from(shared),
        None => suite.join("../.."),
    }
    .join("reference/data/valuesets")
}

/// Runs every test file below `dir`, checking codes against `value_sets` when given.
pub fn run(
    dir: &Path,
    allowlist: &str,
    value_sets: Option<&hcert::ValueSetCatalog>,
) -> Result<Report, String> {
    let mut allow = parse_allowlist(allowlist)?;
    let files = test_files(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut report = Report::default();
    for path in files {
        let rel = path
            .strip_prefix(dir)
            .unwrap_or(&path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                report.unreadable.push((rel, e.to_string()));
                continue;
            }
        };
        let test: J = match serde_json::from_str(&text) {
            Ok(t) => t,
            Err(e) => {
                report.unreadable.push((rel, format!("not JSON: {e}")));
                continue;
            }
        };
        // Only files with an EXPECTEDRESULTS object are test cases (the suite also holds
        // decoded CWTs and other helper JSON).
        let Some(expected) = test.get("EXPECTEDRESULTS").and_then(J::as_object) else {
            continue;
        };
        report.files += 1;
        let results = evaluate(&test, value_sets);
        for flag in FLAGS {
            let Some(exp) = expected.get(flag).and_then(J::as_bool) else {
                continue;
            };
            let result = results
                .get(flag)
                .cloned()
                .unwrap_or_else(|| StepResult::Skipped("not evaluated".into()));
            let mut a = Assertion {
                file: rel.clone(),
                flag,
                expected: exp,
                result,
                allowlisted: None,
            };
            if a.agrees() == Some(false) {
                if let Some(entry) = allow
                    .iter_mut()
                    .find(|e| e.flag == flag && wildcard_match(&e.file, &rel))
                {
                    entry.used = true;
                    a.allowlisted = Some(entry.reason.clone());
                }
            }
            report.assertions.push(a);
        }
    }
    report.unused_allowlist = allow
        .iter()
        .filter(|e| !e.used)
        .map(|e| format!("{} | {}", e.file, e.flag))
        .collect();
    Ok(report)
}

/// Whether `text` matches `pattern`, where `*` stands for any run of characters.
fn wildcard_match(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

fn hex(s: &str) -> Option<Vec<u8>> {
    let s = s.trim();
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Brings a CBOR value to the form the suite compares in: tags 0/1 and float-vs-integer
/// differences removed, date-times in UTC `Z` form, maps sorted.
fn normalize(v: &Value) -> Value {
    match v {
        Value::Tag(0 | 1, inner) => match hcert::cbor_to_json(v.clone()) {
            Ok(J::String(s)) => normalize(&Value::Text(s)),
            _ => normalize(inner),
        },
        Value::Tag(t, inner) => Value::Tag(*t, Box::new(normalize(inner))),
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 9e15 => Value::Integer((*f as i64).into()),
        Value::Text(s) if s.len() > 10 => match UnixTime::parse_rfc3339(s) {
            Some(t) => Value::Text(t.rfc3339()),
            None => v.clone(),
        },
        Value::Array(a) => Value::Array(a.iter().map(normalize).collect()),
        Value::Map(m) => {
            let mut m: Vec<(Value, Value)> = m
                .iter()
                .map(|(k, v)| (normalize(k), normalize(v)))
                .collect();
            m.sort_by_key(|a| encode(&a.0));
            Value::Map(m)
        }
        _ => v.clone(),
    }
}

fn encode(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = ciborium::ser::into_writer(v, &mut out);
    out
}

fn same(a: &Value, b: &Value) -> bool {
    normalize(a) == normalize(b)
}

/// The test's validation clock.
fn clock(ctx: &J) -> Option<UnixTime> {
    ctx.get("VALIDATIONCLOCK")
        .and_then(J::as_str)
        .and_then(UnixTime::parse_rfc3339)
        .or_else(|| {
            ctx.get("validationClockInstant")
                .and_then(J::as_str)
                .and_then(UnixTime::parse_rfc3339)
        })
}

/// The first code of `payload` that is not in its value set, as an error.
fn check_codes(value_sets: &hcert::ValueSetCatalog, payload: &J) -> Result<(), Error> {
    // Only failures matter here; the clock only feeds warnings (dates in the future).
    let outcomes = hcert::check_value_sets(value_sets, payload, UnixTime(0));
    match outcomes.into_iter().next() {
        Some(hcert::Outcome::Failed(e)) => Err(e),
        _ => Ok(()),
    }
}

/// Evaluates every step of one test file, with `value_sets` for the schema step if given.
pub fn evaluate(
    test: &J,
    value_sets: Option<&hcert::ValueSetCatalog>,
) -> BTreeMap<&'static str, StepResult> {
    let mut out = BTreeMap::new();
    let field = |k: &str| test.get(k).and_then(J::as_str);
    let ctx = test.get("TESTCTX").cloned().unwrap_or(J::Null);
    let json = test.get("JSON").filter(|j| j.is_object());

    // EXPECTEDPICTUREDECODE: the PNG holds PREFIX.
    out.insert(
        "EXPECTEDPICTUREDECODE",
        match field("2DCODE") {
            None => StepResult::Skipped("no 2DCODE image".into()),
            Some(b64) => match base64::engine::general_purpose::STANDARD.decode(b64.trim()) {
                Err(_) => ran(false, "2DCODE is not Base64"),
                Ok(png) => match picture::read_qr(&png) {
                    Err(e) => ran(false, e.to_string()),
                    Ok(texts) => match field("PREFIX") {
                        Some(p) if texts.iter().any(|t| t == p) => ran(true, "ok"),
                        Some(_) => ran(false, "the QR code holds other text than PREFIX"),
                        None => ran(true, "decoded (no PREFIX to compare)"),
                    },
                },
            },
        },
    );

    // EXPECTEDUNPREFIX: PREFIX = "HC1:" + BASE45.
    let stripped = field("PREFIX").map(hcert::strip_prefix);
    out.insert(
        "EXPECTEDUNPREFIX",
        match &stripped {
            None => StepResult::Skipped("no PREFIX".into()),
            Some(Err(e)) => ran(false, e.to_string()),
            Some(Ok(rest)) => match field("BASE45") {
                Some(b) if b != *rest => ran(false, "text after the prefix differs from BASE45"),
                _ => ran(true, "ok"),
            },
        },
    );

    // EXPECTEDB45DECODE: BASE45 decodes to COMPRESSED.
    let b45: Option<&str> = field("BASE45").or(match &stripped {
        Some(Ok(rest)) => Some(rest),
        _ => None,
    });
    let decoded45 = b45.map(hcert::decode_base45);
    out.insert(
        "EXPECTEDB45DECODE",
        match &decoded45 {
            None => StepResult::Skipped("no BASE45".into()),
            Some(Err(e)) => ran(false, e.to_string()),
            Some(Ok(bytes)) => match field("COMPRESSED").map(hex) {
                Some(Some(c)) if c != *bytes => ran(false, "decoded bytes differ from COMPRESSED"),
                Some(None) => ran(false, "COMPRESSED is not hex"),
                _ => ran(true, "ok"),
            },
        },
    );

    // EXPECTEDCOMPRESSION: COMPRESSED inflates to COSE.
    let compressed: Option<Vec<u8>> = field("COMPRESSED")
        .and_then(hex)
        .or_else(|| decoded45.as_ref().and_then(|r| r.as_ref().ok().cloned()));
    let limits = hcert::Limits::default();
    let inflated = compressed
        .as_ref()
        .map(|c| hcert::inflate(c, limits.max_inflated));
    out.insert(
        "EXPECTEDCOMPRESSION",
        match &inflated {
            None => StepResult::Skipped("no COMPRESSED".into()),
            Some(Err(e)) => ran(false, e.to_string()),
            Some(Ok(bytes)) => match field("COSE").map(hex) {
                Some(Some(c)) if c != *bytes => ran(false, "inflated bytes differ from COSE"),
                _ => ran(true, "ok"),
            },
        },
    );

    // The COSE message: given, or inflated.
    let cose_bytes: Option<Vec<u8>> = field("COSE")
        .and_then(hex)
        .or_else(|| inflated.as_ref().and_then(|r| r.as_ref().ok().cloned()));
    let cose = cose_bytes.as_deref().map(hcert::decode_sign1);
    let claims = cose.as_ref().map(|r| {
        r.as_ref()
            .map_err(Clone::clone)
            .and_then(|c| hcert::decode_claims(c.payload()))
    });
    let dcc = claims.as_ref().map(|r| {
        r.as_ref().map_err(Clone::clone).and_then(|(_, value)| {
            hcert::cbor_to_json(value.clone())
                .map_err(|reason| Error::PayloadMalformed { reason })
                .and_then(Dcc::from_json)
        })
    });

    let certificate = ctx.get("CERTIFICATE").and_then(J::as_str).map(|b64| {
        base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .map_err(|_| Error::CertificateInvalid {
                kind: hcert::CertificateErrorKind::Malformed,
                reason: "TESTCTX.CERTIFICATE is not Base64".into(),
            })
            .and_then(|der| Certificate::from_der(&der))
    });

    // EXPECTEDVERIFY: the kid names the test certificate and its key verifies the signature.
    out.insert(
        "EXPECTEDVERIFY",
        match (&cose, &certificate) {
            (None, _) => StepResult::Skipped("no COSE".into()),
            (_, None) => StepResult::Skipped("no TESTCTX.CERTIFICATE".into()),
            (Some(Err(e)), _) | (_, Some(Err(e))) => ran(false, e.to_string()),
            (Some(Ok(c)), Some(Ok(cert))) => {
                let mut trust = TrustStore::new();
                trust.add(cert.clone(), None);
                from_result(hcert::check_signature(c, &trust))
            }
        },
    );

    // EXPECTEDDECODE: COSE → CWT → payload, equal to JSON and to the CBOR field.
    out.insert(
        "EXPECTEDDECODE",
        match (&claims, &dcc) {
            (None, _) | (_, None) => StepResult::Skipped("no COSE".into()),
            (Some(Err(e)), _) | (_, Some(Err(e))) => ran(false, e.to_string()),
            (Some(Ok((_, dcc_value))), Some(Ok(_))) => {
                let cwt_value = cose
                    .as_ref()
                    .and_then(|c| c.as_ref().ok())
                    .and_then(|c| hcert::decode_cbor(c.payload()).ok());
                if json.is_some_and(|j| !same(&hcert::json_to_cbor(j), dcc_value)) {
                    ran(false, "payload differs from JSON")
                } else {
                    match field("CBOR").map(|h| hex(h).and_then(|b| hcert::decode_cbor(&b).ok())) {
                        Some(None) => ran(false, "CBOR field does not decode"),
                        Some(Some(c))
                            if !same(&c, dcc_value)
                                && !cwt_value.as_ref().is_some_and(|w| same(&c, w)) =>
                        {
                            ran(false, "payload differs from the CBOR field")
                        }
                        _ => ran(true, "ok"),
                    }
                }
            }
        },
    );

    // EXPECTEDVALIDJSON: the whole chain, from the earliest stage given, yields JSON.
    out.insert(
        "EXPECTEDVALIDJSON",
        match json {
            None => StepResult::Skipped("no JSON".into()),
            Some(j) => {
                let chain: Result<Dcc, Error> = if let Some(p) = field("PREFIX") {
                    hcert::decode(p).map(|d| d.dcc)
                } else if let Some(b) = field("BASE45") {
                    hcert::decode(&format!("{}{b}", hcert::HC1)).map(|d| d.dcc)
                } else {
                    match &dcc {
                        Some(r) => r.clone(),
                        None => Err(Error::InputEmpty),
                    }
                };
                match chain {
                    Err(e) => ran(false, e.to_string()),
                    Ok(d) if same(&hcert::json_to_cbor(&d.json), &hcert::json_to_cbor(j)) => {
                        ran(true, "ok")
                    }
                    Ok(_) => ran(false, "decoded payload differs from JSON"),
                }
            }
        },
    );

    // EXPECTEDSCHEMAVALIDATION: the payload (decoded, else JSON) follows its schema.
    let payload: Option<Result<J, Error>> = match &dcc {
        Some(Ok(d)) => Some(Ok(d.json.clone())),
        Some(Err(e)) => Some(Err(e.clone())),
        None => json.cloned().map(Ok),
    };
    out.insert(
        "EXPECTEDSCHEMAVALIDATION",
        match &payload {
            None => StepResult::Skipped("no payload".into()),
            Some(Err(e)) => ran(false, e.to_string()),
            Some(Ok(p)) => from_result(
                hcert::validate_schema(p)
                    .and_then(|_| Dcc::from_json(p.clone())?.single_entry().map(|_| ()))
                    .and_then(|()| value_sets.map_or(Ok(()), |vs| check_codes(vs, p))),
            ),
        },
    );

    // EXPECTEDEXPIRATIONCHECK: DSC.notBefore ≤ iat ≤ clock ≤ exp ≤ DSC.notAfter.
    out.insert(
        "EXPECTEDEXPIRATIONCHECK",
        match (&claims, &certificate, clock(&ctx)) {
            (None, _, _) => StepResult::Skipped("no COSE".into()),
            (_, None, _) => StepResult::Skipped("no TESTCTX.CERTIFICATE".into()),
            (_, _, None) => StepResult::Skipped("no usable VALIDATIONCLOCK".into()),
            (Some(Err(e)), _, _) | (_, Some(Err(e)), _) => ran(false, e.to_string()),
            (Some(Ok((c, _))), Some(Ok(cert)), Some(at)) => {
                from_result(hcert::check_validity(c, at).and_then(|()| {
                    match hcert::check_signer_validity(c, cert.not_before, cert.not_after) {
                        // A warning in the verdict, not a failure (module doc).
                        Err(Error::OutlivesSigner { .. }) => Ok(()),
                        r => r,
                    }
                }))
            }
        },
    );

    // EXPECTEDKEYUSAGE: the certificate's EKU allows the payload's type.
    out.insert(
        "EXPECTEDKEYUSAGE",
        match (&dcc, &certificate) {
            (None, _) => StepResult::Skipped("no COSE".into()),
            (_, None) => StepResult::Skipped("no TESTCTX.CERTIFICATE".into()),
            (Some(Err(e)), _) | (_, Some(Err(e))) => ran(false, e.to_string()),
            (Some(Ok(d)), Some(Ok(cert))) => match d.certificate_type() {
                None => ran(false, "the payload has no single certificate type"),
                Some(t) => from_result(hcert::check_key_usage(t, cert.allowed_types())),
            },
        },
    );
    out
}

/// The report as a table, the disagreements, and the final `N passed, M failed` line.
pub fn render(report: &Report) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(s, "dgc-testdata: {} test files", report.files);
    let _ = writeln!(
        s,
        "{:<26} {:>7} {:>7} {:>9} {:>12} {:>8}",
        "flag", "scored", "agree", "disagree", "allowlisted", "skipped"
    );
    for (flag, c) in report.counts() {
        let _ = writeln!(
            s,
            "{:<26} {:>7} {:>7} {:>9} {:>12} {:>8}",
            flag, c.scored, c.agree, c.disagree, c.allowlisted, c.skipped
        );
    }
    let t = report.totals();
    let _ = writeln!(
        s,
        "{:<26} {:>7} {:>7} {:>9} {:>12} {:>8}",
        "total", t.scored, t.agree, t.disagree, t.allowlisted, t.skipped
    );
    let detail = |a: &Assertion| match &a.result {
        StepResult::Ran { detail, .. } => detail.clone(),
        StepResult::Skipped(r) => r.clone(),
    };
    let failing: Vec<&Assertion> = report
        .assertions
        .iter()
        .filter(|a| a.agrees() == Some(false))
        .collect();
    let unlisted: Vec<&&Assertion> = failing.iter().filter(|a| a.allowlisted.is_none()).collect();
    if !unlisted.is_empty() {
        let _ = writeln!(s, "\ndisagreements (not allowlisted):");
        for a in unlisted {
            let _ = writeln!(
                s,
                "  {} {}: expected {}, got {}: {}",
                a.file,
                a.flag,
                a.expected,
                !a.expected,
                detail(a)
            );
        }
    }
    let mut by_reason: BTreeMap<&str, Vec<&Assertion>> = BTreeMap::new();
    for a in &failing {
        if let Some(why) = &a.allowlisted {
            by_reason.entry(why.as_str()).or_default().push(a);
        }
    }
    if !by_reason.is_empty() {
        let _ = writeln!(s, "\nallowlisted test-data errors:");
        for (why, list) in by_reason {
            let _ = writeln!(s, "  {why}");
            for a in list {
                let _ = writeln!(s, "    {} {}: {}", a.file, a.flag, detail(a));
            }
        }
    }
    for (file, why) in &report.unreadable {
        let _ = writeln!(s, "unreadable test file {file}: {why}");
    }
    for e in &report.unused_allowlist {
        let _ = writeln!(s, "stale allowlist entry (matches no disagreement): {e}");
    }
    let _ = writeln!(
        s,
        "{} disagreements allowlisted as test-data errors",
        t.allowlisted
    );
    let _ = writeln!(
        s,
        "{} passed, {} failed",
        t.agree,
        t.disagree + report.unreadable.len() + report.unused_allowlist.len()
    );
    s
}

/// The report as JSON.
pub fn to_json(report: &Report) -> J {
    let t = report.totals();
    serde_json::json!({
        "files": report.files,
        "flags": report.counts().iter().map(|(f, c)| serde_json::json!({
            "flag": f, "scored": c.scored, "agree": c.agree, "disagree": c.disagree,
            "allowlisted": c.allowlisted, "skipped": c.skipped,
        })).collect::<Vec<_>>(),
        "passed": t.agree,
        "failed": t.disagree + report.unreadable.len() + report.unused_allowlist.len(),
        "allowlisted": t.allowlisted,
        "disagreements": report.assertions.iter().filter(|a| a.agrees() == Some(false)).map(|a| serde_json::json!({
            "file": a.file, "flag": a.flag, "expected": a.expected,
            "detail": match &a.result { StepResult::Ran { detail, .. } => detail.clone(), StepResult::Skipped(r) => r.clone() },
            "allowlisted": a.allowlisted,
        })).collect::<Vec<_>>(),
        "unreadable": report.unreadable.iter().map(|(f, w)| serde_json::json!({"file": f, "reason": w})).collect::<Vec<_>>(),
        "stale_allowlist": report.unused_allowlist,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowlist_format() {
        let a =
            parse_allowlist("# c\n\nES/x.json | EXPECTEDVERIFY | P-384 key with ES256\n").unwrap();
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].flag, "EXPECTEDVERIFY");
        assert!(parse_allowlist("ES/x.json | EXPECTEDVERIFY |").is_err());
        assert!(parse_allowlist("ES/x.json | EXPECTEDNOTHING | why").is_err());
        assert!(parse_allowlist(DEFAULT_ALLOWLIST).is_ok());
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match(
            "NL/2DCode/raw/*.json",
            "NL/2DCode/raw/147-NL-recovery.json"
        ));
        assert!(!wildcard_match(
            "NL/2DCode/raw/*.json",
            "NL/2DCode/raw/147.png"
        ));
        assert!(!wildcard_match("NL/*.json", "BE/NL/x.json"));
        assert!(wildcard_match("a*b*c", "a-b-b-c"));
        assert!(!wildcard_match("a*b*c", "a-c"));
        assert!(wildcard_match("exact.json", "exact.json"));
        assert!(!wildcard_match("exact.json", "exact.json.bak"));
        assert!(wildcard_match("a*", "a"));
    }

    #[test]
    fn normalization_matches_the_harness_rules() {
        let tagged = Value::Tag(0, Box::new(Value::Text("2021-05-03T12:00:00+02:00".into())));
        assert!(same(&tagged, &Value::Text("2021-05-03T10:00:00Z".into())));
        assert!(same(&Value::Float(2.0), &Value::Integer(2.into())));
        assert!(!same(&Value::Float(2.5), &Value::Integer(2.into())));
        let m1 = Value::Map(vec![
            (Value::Text("a".into()), Value::Integer(1.into())),
            (Value::Text("b".into()), Value::Integer(2.into())),
        ]);
        let m2 = Value::Map(vec![
            (Value::Text("b".into()), Value::Integer(2.into())),
            (Value::Text("a".into()), Value::Integer(1.into())),
        ]);
        assert!(same(&m1, &m2));
        assert!(!same(&m1, &Value::Map(vec![])));
    }

    #[test]
    fn a_file_without_inputs_is_skipped_not_agreed() {
        let r = evaluate(
            &serde_json::json!({"EXPECTEDRESULTS": {"EXPECTEDVERIFY": true}}),
            None,
        );
        assert!(matches!(r["EXPECTEDVERIFY"], StepResult::Skipped(_)));
        assert!(matches!(r["EXPECTEDPICTUREDECODE"], StepResult::Skipped(_)));
    }
}
