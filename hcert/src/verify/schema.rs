//! The DCC JSON schemas 1.0.0 – 1.3.3 (eu-dcc-schema, HCERT.md §1.7) as code.
//!
//! A user's device has no schema files, so each version's rules are written out here with
//! JSON Schema draft 2020-12 semantics: keywords apply only to instances of their type,
//! patterns are ECMA-262 and unanchored unless they say `^…$`, `maxLength` counts code
//! points, `1.0` is an integer, and `format` is an annotation (not asserted), as in the
//! official test harness. Value-set membership is not part of the schema. The schema files
//! themselves are the test oracle (`tests/schema_oracle.rs`).

use serde_json::{Map, Value as J};

use crate::error::Error;

/// A schema version this module knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchemaVersion {
    rules: &'static Rules,
}

impl SchemaVersion {
    /// The version string, e.g. `"1.3.0"`.
    pub fn id(self) -> &'static str {
        self.rules.id
    }

    /// Every version, oldest first.
    pub fn all() -> impl Iterator<Item = SchemaVersion> {
        VERSIONS.iter().map(|rules| SchemaVersion { rules })
    }

    /// The exact version, if known.
    pub fn exact(id: &str) -> Option<SchemaVersion> {
        SchemaVersion::all().find(|v| v.id() == id)
    }

    /// The schema to validate a payload of version `ver` against: the same version when we
    /// know it, else the newest known version not newer than it with the same major version
    /// (`1.0.4` → 1.0.1, `1.4.0` → 1.3.3). An unparseable `ver` gets the newest schema, whose
    /// `ver` pattern then reports it. Only major version 1 exists.
    pub fn for_payload(ver: Option<&str>) -> Result<SchemaVersion, Error> {
        let newest = SchemaVersion {
            rules: &VERSIONS[VERSIONS.len() - 1],
        };
        let Some(ver) = ver else { return Ok(newest) };
        if let Some(v) = SchemaVersion::exact(ver) {
            return Ok(v);
        }
        let Some(wanted) = parse_semver(ver) else {
            return Ok(newest);
        };
        if wanted.0 != 1 {
            return Err(Error::SchemaVersionUnsupported {
                ver: ver.to_string(),
            });
        }
        SchemaVersion::all()
            .filter(|v| parse_semver(v.id()).is_some_and(|k| k <= wanted))
            .last()
            .ok_or_else(|| Error::SchemaVersionUnsupported {
                ver: ver.to_string(),
            })
    }
}

fn parse_semver(s: &str) -> Option<(u32, u32, u32)> {
    let mut it = s.split('.');
    let mut n = || -> Option<u32> {
        let p = it.next()?;
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.len() > 9 {
            return None;
        }
        p.parse().ok()
    };
    let v = (n()?, n()?, n()?);
    it.next().is_none().then_some(v)
}

/// One schema violation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// JSON pointer to the offending value (`""` = the payload itself).
    pub path: String,
    /// What the schema requires.
    pub rule: String,
}

#[derive(Debug, PartialEq, Eq)]
enum Dob {
    /// 1.0.0, 1.0.1: unanchored `(19|20)\d{2}-\d{2}-\d{2}`.
    Full,
    /// 1.1.0 – 1.2.1: `^(19|20)\d\d(-\d\d){0,2}$`.
    Partial,
    /// 1.3.x: the above or empty.
    PartialOrEmpty,
}

#[derive(Debug, PartialEq, Eq)]
struct Rules {
    id: &'static str,
    /// maxLength of fn, fnt, gn, gnt, is, ci, tc.
    text_max: usize,
    /// maxLength of nm.
    nm_max: Option<usize>,
    /// maximum of dn, sd.
    dose_max: Option<u64>,
    dob: Dob,
    /// 1.3.2+: fnt or gnt; before: fnt.
    fnt_or_gnt: bool,
    /// 1.3.x: top-level oneOf over v/t/r and maxItems 1; before: required ver, nam, dob.
    one_of: bool,
    /// 1.0.0 – 1.2.1 require tc in test entries.
    tc_required: bool,
    /// 1.0.0 – 1.1.0 define dr (a string).
    has_dr: bool,
}

const fn rules(id: &'static str, era: u8, dob: Dob, fnt_or_gnt: bool, has_dr: bool) -> Rules {
    let new = era >= 13;
    Rules {
        id,
        text_max: if new { 80 } else { 50 },
        nm_max: if new { Some(80) } else { None },
        dose_max: if new { None } else { Some(9) },
        dob,
        fnt_or_gnt,
        one_of: new,
        tc_required: !new,
        has_dr,
    }
}

static VERSIONS: [Rules; 9] = [
    rules("1.0.0", 10, Dob::Full, false, true),
    rules("1.0.1", 10, Dob::Full, false, true),
    rules("1.1.0", 11, Dob::Partial, false, true),
    rules("1.2.0", 12, Dob::Partial, false, false),
    rules("1.2.1", 12, Dob::Partial, false, false),
    rules("1.3.0", 13, Dob::PartialOrEmpty, false, false),
    rules("1.3.1", 13, Dob::PartialOrEmpty, false, false),
    rules("1.3.2", 13, Dob::PartialOrEmpty, true, false),
    rules("1.3.3", 13, Dob::PartialOrEmpty, true, false),
];

/// Validates a payload against the schema of its `ver`; returns the schema used and every
/// violation in document order.
pub fn validate_all(payload: &J) -> Result<(SchemaVersion, Vec<Violation>), Error> {
    let ver = payload.get("ver").and_then(J::as_str);
    let version = SchemaVersion::for_payload(ver)?;
    Ok((version, validate_with(version, payload)))
}

/// Validates a payload against the schema of its `ver`; the first violation is the error.
pub fn validate(payload: &J) -> Result<SchemaVersion, Error> {
    let (version, violations) = validate_all(payload)?;
    match violations.into_iter().next() {
        None => Ok(version),
        Some(v) => Err(Error::SchemaInvalid {
            schema: version.id(),
            path: v.path,
            rule: v.rule,
        }),
    }
}

/// Validates a payload against one given schema version.
pub fn validate_with(version: SchemaVersion, payload: &J) -> Vec<Violation> {
    let mut c = Checker {
        rules: version.rules,
        out: Vec::new(),
    };
    c.top(payload);
    c.out
}

struct Checker {
    rules: &'static Rules,
    out: Vec<Violation>,
}

fn is_integer(v: &J) -> bool {
    match v {
        J::Number(n) => n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0),
        _ => false,
    }
}

fn type_name(v: &J) -> &'static str {
    match v {
        J::Null => "null",
        J::Bool(_) => "boolean",
        J::Number(_) => "number",
        J::String(_) => "string",
        J::Array(_) => "array",
        J::Object(_) => "object",
    }
}

/// ECMA-262 `.` outside multiline/dotAll mode: anything but a line terminator.
fn ecma_dot(c: char) -> bool {
    !matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

/// `^\d+.\d+.\d+$` (the `ver` pattern; `.` is any character, as written in the schema).
fn matches_ver_pattern(s: &str) -> bool {
    fn digits_then(chars: &[char], groups_left: u8) -> bool {
        // Match \d+ then, if groups remain, `.` and recurse; try every split (backtracking).
        let run = chars.iter().take_while(|c| c.is_ascii_digit()).count();
        if run == 0 {
            return false;
        }
        if groups_left == 0 {
            return run == chars.len();
        }
        (1..=run).any(|take| {
            chars.get(take).is_some_and(|&dot| {
                ecma_dot(dot) && digits_then(&chars[take + 1..], groups_left - 1)
            })
        })
    }
    let chars: Vec<char> = s.chars().collect();
    digits_then(&chars, 2)
}

fn is_century(c: &[char]) -> bool {
    matches!(c, ['1', '9'] | ['2', '0'])
}

fn all_digits(c: &[char]) -> bool {
    c.iter().all(char::is_ascii_digit)
}

/// `(19|20)\d{2}-\d{2}-\d{2}` anywhere in the string (1.0.x, unanchored).
fn contains_full_date(s: &str) -> bool {
    let c: Vec<char> = s.chars().collect();
    c.windows(10).any(|w| {
        is_century(&w[0..2])
            && all_digits(&w[2..4])
            && w[4] == '-'
            && all_digits(&w[5..7])
            && w[7] == '-'
            && all_digits(&w[8..10])
    })
}

/// `^(19|20)\d\d(-\d\d){0,2}$`.
fn is_partial_date(s: &str) -> bool {
    let c: Vec<char> = s.chars().collect();
    if c.len() < 4 || !is_century(&c[0..2]) || !all_digits(&c[2..4]) {
        return false;
    }
    let rest = &c[4..];
    rest.len().is_multiple_of(3)
        && rest.len() <= 6
        && rest.chunks(3).all(|g| g[0] == '-' && all_digits(&g[1..3]))
}

/// A JSON pointer built only when a violation needs it.
#[derive(Clone, Copy)]
enum Path<'a> {
    Root,
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl Path<'_> {
    fn render(&self) -> String {
        match self {
            Path::Root => String::new(),
            Path::Key(parent, k) => format!("{}/{k}", parent.render()),
            Path::Index(parent, i) => format!("{}/{i}", parent.render()),
        }
    }
}

impl Checker {
    fn fail(&mut self, path: &Path<'_>, rule: impl Into<String>) {
        self.out.push(Violation {
            path: path.render(),
            rule: rule.into(),
        });
    }

    fn expect_type(&mut self, path: &Path<'_>, v: &J, want: &str) -> bool {
        let ok = match want {
            "integer" => is_integer(v),
            t => type_name(v) == t,
        };
        if !ok {
            self.fail(
                path,
                format!("must be of type {want}, found {}", type_name(v)),
            );
        }
        ok
    }

    fn string(&mut self, path: &Path<'_>, v: &J, max: Option<usize>) {
        if self.expect_type(path, v, "string") {
            if let (Some(max), Some(s)) = (max, v.as_str()) {
                // Byte length bounds the character count: count only when it could exceed.
                if s.len() > max {
                    let len = s.chars().count();
                    if len > max {
                        self.fail(
                            path,
                            format!("must be at most {max} characters, found {len}"),
                        );
                    }
                }
            }
        }
    }

    fn top(&mut self, v: &J) {
        let root = Path::Root;
        let Some(o) = v.as_object() else {
            self.expect_type(&root, v, "object");
            if self.rules.one_of {
                // Every `required`-only branch accepts a non-object, so oneOf fails too.
                self.fail(
                    &root,
                    "must match exactly one of the v/t/r alternatives, matched 3",
                );
            }
            return;
        };
        let r = self.rules;
        if r.one_of {
            let matched = ["v", "t", "r"]
                .iter()
                .filter(|g| ["ver", "nam", "dob", g].iter().all(|k| o.contains_key(*k)))
                .count();
            if matched != 1 {
                self.fail(
                    &root,
                    format!(
                        "must contain ver, nam, dob and exactly one of v, t, r (matched {matched})"
                    ),
                );
            }
        } else {
            for k in ["ver", "nam", "dob"] {
                if !o.contains_key(k) {
                    self.fail(&root, format!("missing required property {k:?}"));
                }
            }
        }
        if let Some(ver) = o.get("ver") {
            let path = Path::Key(&root, "ver");
            if self.expect_type(&path, ver, "string")
                && !ver.as_str().is_some_and(matches_ver_pattern)
            {
                self.fail(&path, "must match ^\\d+.\\d+.\\d+$");
            }
        }
        if let Some(nam) = o.get("nam") {
            self.name(&Path::Key(&root, "nam"), nam);
        }
        if let Some(dob) = o.get("dob") {
            let path = Path::Key(&root, "dob");
            if self.expect_type(&path, dob, "string") {
                let s = dob.as_str().unwrap_or_default();
                let ok = match r.dob {
                    Dob::Full => contains_full_date(s),
                    Dob::Partial => is_partial_date(s),
                    Dob::PartialOrEmpty => s.is_empty() || is_partial_date(s),
                };
                if !ok {
                    self.fail(
                        &path,
                        match r.dob {
                            Dob::Full => "must contain a date YYYY-MM-DD in 1900–2099",
                            Dob::Partial => "must be YYYY, YYYY-MM or YYYY-MM-DD in 1900–2099",
                            Dob::PartialOrEmpty => {
                                "must be YYYY, YYYY-MM, YYYY-MM-DD in 1900–2099, or empty"
                            }
                        },
                    );
                }
            }
        }
        for group in ["v", "t", "r"] {
            if let Some(g) = o.get(group) {
                self.group(&Path::Key(&root, group), group, g);
            }
        }
    }

    fn name(&mut self, path: &Path<'_>, v: &J) {
        let Some(o) = v.as_object() else {
            self.expect_type(path, v, "object");
            return;
        };
        let max = Some(self.rules.text_max);
        if self.rules.fnt_or_gnt {
            if !o.contains_key("fnt") && !o.contains_key("gnt") {
                self.fail(path, "must contain fnt or gnt");
            }
        } else if !o.contains_key("fnt") {
            self.fail(path, "missing required property \"fnt\"");
        }
        for k in ["fn", "fnt", "gn", "gnt"] {
            let Some(x) = o.get(k) else { continue };
            let p = Path::Key(path, k);
            self.string(&p, x, max);
            if k.ends_with('t') {
                if let Some(s) = x.as_str() {
                    if !s.bytes().all(|c| c.is_ascii_uppercase() || c == b'<') {
                        self.fail(&p, "must match ^[A-Z<]*$");
                    }
                }
            }
        }
    }

    fn group(&mut self, path: &Path<'_>, group: &str, v: &J) {
        let Some(items) = v.as_array() else {
            self.expect_type(path, v, "array");
            return;
        };
        if items.is_empty() {
            self.fail(path, "must hold at least 1 entry");
        }
        if self.rules.one_of && items.len() > 1 {
            self.fail(
                path,
                format!("must hold at most 1 entry, found {}", items.len()),
            );
        }
        for (i, item) in items.iter().enumerate() {
            let p = Path::Index(path, i);
            let Some(e) = item.as_object() else {
                self.expect_type(&p, item, "object");
                continue;
            };
            match group {
                "v" => self.vaccination(&p, e),
                "t" => self.test(&p, e),
                _ => self.recovery(&p, e),
            }
        }
    }

    fn required(&mut self, path: &Path<'_>, e: &Map<String, J>, keys: &[&str]) {
        for k in keys {
            if !e.contains_key(*k) {
                self.fail(path, format!("missing required property {k:?}"));
            }
        }
    }

    fn country(&mut self, path: &Path<'_>, v: &J) {
        if self.expect_type(path, v, "string")
            && !v
                .as_str()
                .is_some_and(|s| s.bytes().any(|c| c.is_ascii_uppercase()))
        {
            self.fail(path, "must match [A-Z]{1,10}");
        }
    }

    fn dose(&mut self, path: &Path<'_>, v: &J) {
        if !self.expect_type(path, v, "integer") {
            return;
        }
        let n = v.as_f64().unwrap_or(0.0);
        if n < 1.0 {
            self.fail(path, "must be at least 1");
        }
        if let Some(max) = self.rules.dose_max {
            if n > max as f64 {
                self.fail(path, format!("must be at most {max}"));
            }
        }
    }

    /// Validates the properties common to every entry kind and the kind-specific ones
    /// listed in `strings` (plain strings) in encoded order.
    fn fields(&mut self, path: &Path<'_>, e: &Map<String, J>, strings: &[&str]) {
        let max = Some(self.rules.text_max);
        for (k, v) in e {
            let p = Path::Key(path, k);
            match k.as_str() {
                "co" => self.country(&p, v),
                "is" | "ci" => self.string(&p, v, max),
                "tc" if strings.contains(&"tc") => self.string(&p, v, max),
                "nm" if strings.contains(&"nm") => self.string(&p, v, self.rules.nm_max),
                "dn" | "sd" if strings.contains(&"dn") => self.dose(&p, v),
                "dr" if strings.contains(&"dr") && !self.rules.has_dr => {}
                k if strings.contains(&k) => self.string(&p, v, None),
                _ => {}
            }
        }
    }

    fn vaccination(&mut self, path: &Path<'_>, e: &Map<String, J>) {
        self.required(
            path,
            e,
            &["tg", "vp", "mp", "ma", "dn", "sd", "dt", "co", "is", "ci"],
        );
        self.fields(path, e, &["tg", "vp", "mp", "ma", "dn", "dt"]);
    }

    fn test(&mut self, path: &Path<'_>, e: &Map<String, J>) {
        if self.rules.tc_required {
            self.required(path, e, &["tg", "tt", "sc", "tr", "tc", "co", "is", "ci"]);
        } else {
            self.required(path, e, &["tg", "tt", "sc", "tr", "co", "is", "ci"]);
        }
        self.fields(path, e, &["tg", "tt", "nm", "ma", "sc", "dr", "tr", "tc"]);
    }

    fn recovery(&mut self, path: &Path<'_>, e: &Map<String, J>) {
        self.required(path, e, &["tg", "fr", "co", "is", "df", "du", "ci"]);
        self.fields(path, e, &["tg", "fr", "df", "du"]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vac() -> J {
        json!({"tg": "840539006", "vp": "1119349007", "mp": "EU/1/20/1528", "ma": "ORG-100030215",
               "dn": 1, "sd": 2, "dt": "2021-06-01", "co": "VN", "is": "Ministry of Health", "ci": "URN:UVCI:01:VN:ABC"})
    }

    fn dcc(ver: &str) -> J {
        json!({"ver": ver, "nam": {"fn": "Trần", "fnt": "TRAN", "gn": "Thị Ánh", "gnt": "THI<ANH"},
               "dob": "1990-01-02", "v": [vac()]})
    }

    #[test]
    fn every_version_accepts_a_plain_vaccination() {
        for v in SchemaVersion::all() {
            assert_eq!(validate_with(v, &dcc(v.id())), vec![], "{}", v.id());
        }
    }

    #[test]
    fn version_selection() {
        let pick = |v: &str| SchemaVersion::for_payload(Some(v)).map(|s| s.id());
        assert_eq!(pick("1.3.0"), Ok("1.3.0"));
        assert_eq!(pick("1.0.4"), Ok("1.0.1"));
        assert_eq!(pick("1.2.9"), Ok("1.2.1"));
        assert_eq!(pick("1.4.0"), Ok("1.3.3"));
        assert_eq!(pick("1.3"), Ok("1.3.3"));
        assert_eq!(
            pick("2.0.0").unwrap_err().code(),
            "SCHEMA_VERSION_UNSUPPORTED"
        );
        assert_eq!(
            pick("0.9.0").unwrap_err().code(),
            "SCHEMA_VERSION_UNSUPPORTED"
        );
    }

    #[test]
    fn ecma_patterns() {
        assert!(matches_ver_pattern("1.3.0"));
        assert!(matches_ver_pattern("10x2y333"));
        assert!(matches_ver_pattern("1.22.3"));
        assert!(!matches_ver_pattern("1.3"));
        assert!(!matches_ver_pattern("1.3.0\n"));
        assert!(!matches_ver_pattern("1\n3.0"));
        assert!(!matches_ver_pattern("v1.3.0"));
        assert!(contains_full_date("x1964-01-02y"));
        assert!(!contains_full_date("1815-08-24"));
        assert!(
            is_partial_date("1964") && is_partial_date("1964-13") && is_partial_date("2000-02-29")
        );
        assert!(
            !is_partial_date("1964-1")
                && !is_partial_date("2100")
                && !is_partial_date("1964-01-01-01")
        );
    }

    /// The invalid cases of eu-dcc-schema `test/invalid` rebuilt by hand (the files
    /// themselves are exercised by tests/schema_oracle.rs).
    #[test]
    fn eu_dcc_schema_invalid_cases() {
        let mut d = dcc("1.3.3");
        d["v"] = json!([]);
        assert!(!validate_with(SchemaVersion::exact("1.3.3").unwrap(), &d).is_empty());
        let mut d = dcc("1.3.3");
        d["dob"] = json!("1899-12-31");
        assert_eq!(validate(&d).unwrap_err().code(), "SCHEMA_INVALID");
        let mut d = dcc("1.3.3");
        d["v"][0]["dn"] = json!(0);
        assert_eq!(
            validate(&d),
            Err(Error::SchemaInvalid {
                schema: "1.3.3",
                path: "/v/0/dn".into(),
                rule: "must be at least 1".into()
            })
        );
        let mut d = dcc("1.3.3");
        d["nam"] = json!({"fn": "X"});
        assert_eq!(validate(&d).unwrap_err().code(), "SCHEMA_INVALID");
        let mut d = dcc("1.3.3");
        d.as_object_mut().unwrap().remove("dob");
        assert_eq!(validate(&d).unwrap_err().code(), "SCHEMA_INVALID");
    }

    #[test]
    fn version_differences() {
        let v = |id: &str| SchemaVersion::exact(id).unwrap();
        // gnt alone is enough only from 1.3.2.
        let mut d = dcc("1.3.1");
        d["nam"] = json!({"gnt": "ANH"});
        assert!(!validate_with(v("1.3.1"), &d).is_empty());
        assert!(validate_with(v("1.3.2"), &d).is_empty());
        // Dose 10 is fine from 1.3.0; 1.0 counts as an integer.
        let mut d = dcc("1.2.1");
        d["v"][0]["dn"] = json!(10.0);
        assert!(!validate_with(v("1.2.1"), &d).is_empty());
        assert!(validate_with(v("1.3.0"), &d).is_empty());
        d["v"][0]["dn"] = json!(1.5);
        assert!(!validate_with(v("1.3.0"), &d).is_empty());
        // Two entries: allowed by 1.2.1's schema, not by 1.3.0's.
        let mut d = dcc("1.2.1");
        d["v"] = json!([vac(), vac()]);
        assert!(validate_with(v("1.2.1"), &d).is_empty());
        assert!(!validate_with(v("1.3.0"), &d).is_empty());
        // Empty dob only from 1.3.0; year-only from 1.1.0.
        let mut d = dcc("1.3.0");
        d["dob"] = json!("");
        assert!(validate_with(v("1.3.0"), &d).is_empty());
        assert!(!validate_with(v("1.2.1"), &d).is_empty());
        d["dob"] = json!("1964");
        assert!(validate_with(v("1.1.0"), &d).is_empty());
        assert!(!validate_with(v("1.0.1"), &d).is_empty());
        // Name length limits: 50, then 80.
        let mut d = dcc("1.2.1");
        d["nam"]["fn"] = json!("Đ".repeat(51));
        assert!(!validate_with(v("1.2.1"), &d).is_empty());
        assert!(validate_with(v("1.3.0"), &d).is_empty());
        // Lower-case in transliterations is never allowed.
        d["nam"]["fnt"] = json!("Tran");
        assert!(!validate_with(v("1.3.0"), &d).is_empty());
    }
}
