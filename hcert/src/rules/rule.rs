//! EU DCC validation rules as data: HCERT.md §6.3 (`dgc-gateway`
//! `validation-rule.schema.json`) and the gateway's upload checks
//! (`dgc-gateway` `ValidationRuleService.contentCheck*`).
//!
//! [`Rule::parse`] refuses, each with its own [`RuleError`] code: input over 256 KiB
//! ([`MAX_RULE_BYTES`], checked before parsing), JSON nested deeper than the expression
//! bound allows (scanned before parsing, so serde_json never recurses that far), anything
//! the schema refuses (missing or unknown fields, patterns, enums, `Description` without
//! English or with a description under 20 characters), and what the gateway checks beyond
//! the schema that does not depend on the upload moment: identifier prefix against
//! `CertificateType` (`TR`/`VR`/`RR`/`GR`) and against `Type` (`IR` ⇔ `Invalidation`),
//! identifier country against `Country`, `ValidFrom` < `ValidTo`. We add: `Engine` must be
//! `CERTLOGIC`, and `Logic` must be a valid CertLogic expression (an unknown operation has
//! its own code). The gateway's time-of-upload rules (ValidFrom ≥ upload + 48 h, not more
//! than 2 weeks ahead, validity ≥ 72 h, newer version than the stored one) describe the
//! upload, not the rule, and are not checked here.

use core::fmt;

use serde::Serialize;
use serde_json::{Map, Value};

use super::expr::{Expr, ExprIssue, ExprIssueCode, ExprOptions};
use crate::time::UnixTime;

/// Largest rule accepted, in bytes of JSON (real rules: at most 4.5 KiB).
pub const MAX_RULE_BYTES: usize = 256 * 1024;

/// `Type` of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum RuleType {
    /// Rules of the country of arrival.
    Acceptance,
    /// Rules of the issuing country that invalidate its own certificates.
    Invalidation,
}

impl RuleType {
    /// The JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleType::Acceptance => "Acceptance",
            RuleType::Invalidation => "Invalidation",
        }
    }
}

/// `CertificateType` of a rule, and the type of a DCC (never `General` for a DCC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum RuleCertificateType {
    /// Applies to every type.
    General,
    /// Test (`t`).
    Test,
    /// Vaccination (`v`).
    Vaccination,
    /// Recovery (`r`).
    Recovery,
}

impl RuleCertificateType {
    /// The JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleCertificateType::General => "General",
            RuleCertificateType::Test => "Test",
            RuleCertificateType::Vaccination => "Vaccination",
            RuleCertificateType::Recovery => "Recovery",
        }
    }

    fn parse(s: &str) -> Option<RuleCertificateType> {
        [
            RuleCertificateType::General,
            RuleCertificateType::Test,
            RuleCertificateType::Vaccination,
            RuleCertificateType::Recovery,
        ]
        .into_iter()
        .find(|t| t.as_str() == s)
    }

    /// The type of a DCC payload: exactly one of `v`, `t`, `r` must be a non-empty array.
    pub fn of_payload(payload: &Value) -> Option<RuleCertificateType> {
        let has = |k: &str| {
            payload
                .get(k)
                .and_then(Value::as_array)
                .is_some_and(|a| !a.is_empty())
        };
        match (has("v"), has("t"), has("r")) {
            (true, false, false) => Some(RuleCertificateType::Vaccination),
            (false, true, false) => Some(RuleCertificateType::Test),
            (false, false, true) => Some(RuleCertificateType::Recovery),
            _ => None,
        }
    }
}

/// A `major.minor.patch` version (`^\d+\.\d+\.\d+$`); serialised as that string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SemVer {
    /// Major.
    pub major: u32,
    /// Minor.
    pub minor: u32,
    /// Patch.
    pub patch: u32,
}

impl SemVer {
    /// Parses `^\d+\.\d+\.\d+$` (components must fit in `u32`).
    pub fn parse(s: &str) -> Option<SemVer> {
        let mut parts = s.split('.');
        let mut next = || -> Option<u32> {
            let p = parts.next()?;
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            p.parse().ok()
        };
        let v = SemVer {
            major: next()?,
            minor: next()?,
            patch: next()?,
        };
        parts.next().is_none().then_some(v)
    }
}

impl Serialize for SemVer {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl fmt::Display for SemVer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// One `Description` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleDescription {
    /// `xx` or `xx-yy`.
    pub lang: String,
    /// The text (at least 20 characters).
    pub desc: String,
}

/// A validated rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// `GR|VR|TR|RR|IR-CC-NNNN`.
    pub identifier: String,
    /// Acceptance or invalidation.
    pub rule_type: RuleType,
    /// Owner country (ISO 3166-1 alpha-2).
    pub country: String,
    /// Optional region of the owner country (`^[A-Z0-9]{0,5}$`).
    pub region: Option<String>,
    /// Rule version.
    pub version: SemVer,
    /// DCC schema version the rule was written for.
    pub schema_version: SemVer,
    /// Always `CERTLOGIC`.
    pub engine: String,
    /// CertLogic version the rule was written for.
    pub engine_version: SemVer,
    /// Type of DCC the rule applies to.
    pub certificate_type: RuleCertificateType,
    /// Descriptions; one of them is English.
    pub descriptions: Vec<RuleDescription>,
    /// In force from (inclusive).
    pub valid_from: UnixTime,
    /// In force until (exclusive).
    pub valid_to: UnixTime,
    /// Payload paths the rule looks at (`v.0.mp`).
    pub affected_fields: Vec<String>,
    /// The compiled logic.
    pub logic: Expr,
    /// The logic as published.
    pub logic_json: Value,
}

/// Why a rule was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleError {
    /// Larger than [`MAX_RULE_BYTES`].
    TooLarge {
        /// Size seen.
        size: usize,
    },
    /// Nested deeper than the expression depth bound allows.
    TooDeep,
    /// Not JSON.
    Json,
    /// Not a JSON object.
    NotObject,
    /// A field the schema does not define.
    UnknownField(String),
    /// A required field is absent.
    MissingField(&'static str),
    /// A field has the wrong type or fails its pattern.
    InvalidField(&'static str),
    /// `Description` has no English entry.
    DescriptionNoEnglish,
    /// Identifier prefix does not match `CertificateType` or `Type`.
    IdentifierMismatch,
    /// Identifier country differs from `Country`.
    CountryMismatch,
    /// `ValidFrom` is not before `ValidTo`.
    ValidityOrder,
    /// `Engine` is not `CERTLOGIC`.
    EngineUnsupported,
    /// `Logic` uses an operation CertLogic does not have (JSON Pointer into `Logic`).
    UnknownOperation(String),
    /// `Logic` is not a valid expression.
    Logic(Vec<ExprIssue>),
}

impl RuleError {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            RuleError::TooLarge { .. } => "RULE_TOO_LARGE",
            RuleError::TooDeep => "RULE_TOO_DEEP",
            RuleError::Json => "RULE_JSON_INVALID",
            RuleError::NotObject => "RULE_NOT_OBJECT",
            RuleError::UnknownField(_) => "RULE_UNKNOWN_FIELD",
            RuleError::MissingField(_) => "RULE_MISSING_FIELD",
            RuleError::InvalidField(_) => "RULE_INVALID_FIELD",
            RuleError::DescriptionNoEnglish => "RULE_DESCRIPTION_NO_ENGLISH",
            RuleError::IdentifierMismatch => "RULE_ID_MISMATCH",
            RuleError::CountryMismatch => "RULE_COUNTRY_MISMATCH",
            RuleError::ValidityOrder => "RULE_VALIDITY_ORDER",
            RuleError::EngineUnsupported => "RULE_ENGINE_UNSUPPORTED",
            RuleError::UnknownOperation(_) => "RULE_UNKNOWN_OPERATION",
            RuleError::Logic(_) => "RULE_LOGIC_INVALID",
        }
    }

    /// The `ValidationRuleCheckException.Reason` the EU gateway would give.
    pub fn gateway_reason(&self) -> &'static str {
        match self {
            RuleError::IdentifierMismatch => "INVALID_RULE_ID",
            RuleError::CountryMismatch => "INVALID_COUNTRY",
            RuleError::ValidityOrder => "INVALID_TIMESTAMP",
            RuleError::InvalidField("Version") => "INVALID_VERSION",
            _ => "INVALID_JSON",
        }
    }
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RuleError::TooLarge { size } => write!(f, "{} ({size} bytes)", self.code()),
            RuleError::UnknownField(n) => write!(f, "{} ({n})", self.code()),
            RuleError::MissingField(n) | RuleError::InvalidField(n) => {
                write!(f, "{} ({n})", self.code())
            }
            RuleError::UnknownOperation(p) => write!(f, "{} (at {p:?})", self.code()),
            RuleError::Logic(issues) => {
                write!(f, "{}", self.code())?;
                for i in issues {
                    write!(f, " {}@{:?}", i.code.code(), i.path)?;
                }
                Ok(())
            }
            _ => f.write_str(self.code()),
        }
    }
}

impl std::error::Error for RuleError {}

const FIELDS: [&str; 14] = [
    "Identifier",
    "Type",
    "Country",
    "Region",
    "Version",
    "SchemaVersion",
    "Engine",
    "EngineVersion",
    "CertificateType",
    "Description",
    "ValidFrom",
    "ValidTo",
    "AffectedFields",
    "Logic",
];

/// Deepest `[`/`{` nesting of a JSON text (strings skipped), stopping once past `limit`.
fn nesting_exceeds(bytes: &[u8], limit: usize) -> bool {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &b in bytes {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

fn is_upper(b: &[u8]) -> bool {
    b.iter().all(u8::is_ascii_uppercase)
}

/// `^\d{4}-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-5]\d([-+][0-2]\d:[0-5]\d|Z)$`, then a real
/// instant.
fn rule_time(s: &str) -> Option<UnixTime> {
    let d = |c: u8, max: u8| (b'0'..=max).contains(&c);
    let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1, b'T', h0, h1, b':', i0, i1, b':', s0, s1, ref zone @ ..] =
        *s.as_bytes()
    else {
        return None;
    };
    let shape = [y0, y1, y2, y3, m1, d1, h1, i1, s1]
        .iter()
        .all(|c| c.is_ascii_digit())
        && d(m0, b'1')
        && d(d0, b'3')
        && d(h0, b'2')
        && d(i0, b'5')
        && d(s0, b'5')
        && match *zone {
            [b'Z'] => true,
            [b'+' | b'-', a, b, b':', c, e] => d(a, b'2') && d(b, b'9') && d(c, b'5') && d(e, b'9'),
            _ => false,
        };
    if shape {
        UnixTime::parse_rfc3339(s)
    } else {
        None
    }
}

struct Fields<'m> {
    map: &'m Map<String, Value>,
}

impl<'m> Fields<'m> {
    fn get(&self, name: &'static str) -> Result<&'m Value, RuleError> {
        self.map.get(name).ok_or(RuleError::MissingField(name))
    }

    fn str(&self, name: &'static str) -> Result<&'m str, RuleError> {
        self.get(name)?
            .as_str()
            .ok_or(RuleError::InvalidField(name))
    }

    fn checked<T>(
        &self,
        name: &'static str,
        f: impl FnOnce(&'m str) -> Option<T>,
    ) -> Result<T, RuleError> {
        f(self.str(name)?).ok_or(RuleError::InvalidField(name))
    }
}

impl Rule {
    /// Parses and validates a rule with the default expression bounds.
    pub fn parse(bytes: &[u8]) -> Result<Rule, RuleError> {
        Rule::parse_with(bytes, &ExprOptions::default())
    }

    /// Parses and validates a rule with the given expression dialect and bounds.
    pub fn parse_with(bytes: &[u8], opts: &ExprOptions) -> Result<Rule, RuleError> {
        if bytes.len() > MAX_RULE_BYTES {
            return Err(RuleError::TooLarge { size: bytes.len() });
        }
        // The rule object is one level above `Logic`.
        if nesting_exceeds(bytes, opts.max_depth.saturating_add(1)) {
            return Err(RuleError::TooDeep);
        }
        let json: Value = serde_json::from_slice(bytes).map_err(|_| RuleError::Json)?;
        Rule::from_json(&json, opts)
    }

    /// Validates an already parsed rule. The size bound of [`Rule::parse`] does not apply;
    /// the expression bounds of `opts` do.
    pub fn from_json(json: &Value, opts: &ExprOptions) -> Result<Rule, RuleError> {
        let map = json.as_object().ok_or(RuleError::NotObject)?;
        if let Some(unknown) = map.keys().find(|k| !FIELDS.contains(&k.as_str())) {
            return Err(RuleError::UnknownField(unknown.clone()));
        }
        let f = Fields { map };
        let identifier = f.checked("Identifier", |s| match *s.as_bytes() {
            [p0, p1, b'-', c0, c1, b'-', n0, n1, n2, n3]
                if matches!(&[p0, p1], b"GR" | b"VR" | b"TR" | b"RR" | b"IR")
                    && is_upper(&[c0, c1])
                    && [n0, n1, n2, n3].iter().all(u8::is_ascii_digit) =>
            {
                Some(s)
            }
            _ => None,
        })?;
        let rule_type = f.checked("Type", |s| match s {
            "Acceptance" => Some(RuleType::Acceptance),
            "Invalidation" => Some(RuleType::Invalidation),
            _ => None,
        })?;
        let country = f.checked("Country", |s| {
            (s.len() == 2 && is_upper(s.as_bytes())).then_some(s)
        })?;
        let region = match map.get("Region") {
            None => None,
            Some(Value::String(r))
                if r.len() <= 5
                    && r.bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) =>
            {
                Some(r.clone())
            }
            Some(_) => return Err(RuleError::InvalidField("Region")),
        };
        let version = f.checked("Version", SemVer::parse)?;
        let schema_version = f.checked("SchemaVersion", SemVer::parse)?;
        let engine = f.str("Engine")?;
        let engine_version = f.checked("EngineVersion", SemVer::parse)?;
        let certificate_type = f.checked("CertificateType", RuleCertificateType::parse)?;
        let descriptions = f
            .get("Description")?
            .as_array()
            .filter(|a| !a.is_empty())
            .ok_or(RuleError::InvalidField("Description"))?
            .iter()
            .map(|d| {
                let lang = d.get("lang").and_then(Value::as_str);
                let desc = d.get("desc").and_then(Value::as_str);
                match (lang, desc) {
                    (Some(lang), Some(desc)) if lang_ok(lang) && desc.chars().count() >= 20 => {
                        Ok(RuleDescription {
                            lang: lang.to_owned(),
                            desc: desc.to_owned(),
                        })
                    }
                    _ => Err(RuleError::InvalidField("Description")),
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        let valid_from = f.checked("ValidFrom", rule_time)?;
        let valid_to = f.checked("ValidTo", rule_time)?;
        let affected_fields = f
            .get("AffectedFields")?
            .as_array()
            .filter(|a| !a.is_empty())
            .and_then(|a| {
                a.iter()
                    .map(|x| x.as_str().map(str::to_owned))
                    .collect::<Option<Vec<_>>>()
            })
            .ok_or(RuleError::InvalidField("AffectedFields"))?;
        let logic_json = f.get("Logic")?;
        if logic_json.as_object().is_none_or(|o| o.is_empty()) {
            return Err(RuleError::InvalidField("Logic"));
        }
        // Schema done; now the checks beyond it, in the gateway's order.
        if !descriptions.iter().any(|d| d.lang == "en") {
            return Err(RuleError::DescriptionNoEnglish);
        }
        // The identifier was matched above: ASCII, 10 bytes.
        let (prefix, id_country) = (
            identifier.get(..2).unwrap_or(""),
            identifier.get(3..5).unwrap_or(""),
        );
        let prefix_type = match prefix {
            "TR" => Some(RuleCertificateType::Test),
            "VR" => Some(RuleCertificateType::Vaccination),
            "RR" => Some(RuleCertificateType::Recovery),
            "GR" => Some(RuleCertificateType::General),
            _ => None,
        };
        if prefix_type.is_some_and(|t| t != certificate_type)
            || (prefix == "IR") != (rule_type == RuleType::Invalidation)
        {
            return Err(RuleError::IdentifierMismatch);
        }
        if id_country != country {
            return Err(RuleError::CountryMismatch);
        }
        if valid_from >= valid_to {
            return Err(RuleError::ValidityOrder);
        }
        if engine != "CERTLOGIC" {
            return Err(RuleError::EngineUnsupported);
        }
        let logic = Expr::parse_with(logic_json, opts).map_err(|issues| {
            if let Some(i) = issues
                .iter()
                .find(|i| i.code == ExprIssueCode::UnknownOperator)
            {
                RuleError::UnknownOperation(i.path.clone())
            } else if issues.iter().any(|i| i.code == ExprIssueCode::TooDeep) {
                RuleError::TooDeep
            } else {
                RuleError::Logic(issues)
            }
        })?;
        Ok(Rule {
            identifier: identifier.to_owned(),
            rule_type,
            country: country.to_owned(),
            region,
            version,
            schema_version,
            engine: engine.to_owned(),
            engine_version,
            certificate_type,
            descriptions,
            valid_from,
            valid_to,
            affected_fields,
            logic,
            logic_json: logic_json.clone(),
        })
    }

    /// Whether the rule is in force at `t` (`ValidFrom ≤ t < ValidTo`).
    pub fn in_force_at(&self, t: UnixTime) -> bool {
        self.valid_from <= t && t < self.valid_to
    }

    /// The description in `lang` (exact, then its primary language `de` for `de-at`), else
    /// English, else the first one.
    pub fn description(&self, lang: &str) -> &RuleDescription {
        let lang = lang.to_ascii_lowercase();
        let primary = lang.split('-').next().unwrap_or("");
        let find = |l: &str| self.descriptions.iter().find(|d| d.lang == l);
        find(&lang)
            .or_else(|| find(primary))
            .or_else(|| find("en"))
            .or(self.descriptions.first())
            .unwrap_or(&FALLBACK)
    }
}

/// Never used for a parsed rule (it has an English description); keeps `description`
/// total without a panic path.
static FALLBACK: RuleDescription = RuleDescription {
    lang: String::new(),
    desc: String::new(),
};

/// `^([a-z]{2}|[a-z]{2}-[a-z]{2})$`.
fn lang_ok(l: &str) -> bool {
    match *l.as_bytes() {
        [a, b] => is_lower(&[a, b]),
        [a, b, b'-', c, d] => is_lower(&[a, b, c, d]),
        _ => false,
    }
}

fn is_lower(b: &[u8]) -> bool {
    b.iter().all(u8::is_ascii_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn base() -> Value {
        json!({
            "Identifier": "VR-DE-0001",
            "Type": "Acceptance",
            "Country": "DE",
            "Version": "1.0.0",
            "SchemaVersion": "1.0.0",
            "Engine": "CERTLOGIC",
            "EngineVersion": "0.7.5",
            "CertificateType": "Vaccination",
            "Description": [{"lang": "en", "desc": "The vaccination schedule must be complete."}],
            "ValidFrom": "2021-07-03T00:00:00Z",
            "ValidTo": "2030-06-01T00:00:00+02:00",
            "AffectedFields": ["v.0.dn"],
            "Logic": {">=": [{"var": "payload.v.0.dn"}, 1]}
        })
    }

    fn with(k: &str, v: Value) -> Vec<u8> {
        let mut r = base();
        r[k] = v;
        serde_json::to_vec(&r).unwrap()
    }

    fn code(bytes: &[u8]) -> &'static str {
        Rule::parse(bytes).err().map_or("OK", |e| e.code())
    }

    #[test]
    fn parses_a_good_rule() {
        let r = Rule::parse(&serde_json::to_vec(&base()).unwrap()).unwrap();
        assert_eq!(
            r.version,
            SemVer {
                major: 1,
                minor: 0,
                patch: 0
            }
        );
        assert_eq!(
            r.valid_to,
            UnixTime::parse_rfc3339("2030-05-31T22:00:00Z").unwrap()
        );
        assert!(r.in_force_at(r.valid_from));
        assert!(!r.in_force_at(r.valid_to));
        assert_eq!(r.description("de-at").lang, "en");
    }

    #[test]
    fn refusals_have_codes() {
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (vec![b' '; MAX_RULE_BYTES + 1], "RULE_TOO_LARGE"),
            (b"[".repeat(100), "RULE_TOO_DEEP"),
            (b"{\"a\":".to_vec(), "RULE_JSON_INVALID"),
            (b"[]".to_vec(), "RULE_NOT_OBJECT"),
            (with("Extra", json!(1)), "RULE_UNKNOWN_FIELD"),
            (with("Identifier", json!("VR-DE-001")), "RULE_INVALID_FIELD"),
            (with("Identifier", json!("TR-DE-0001")), "RULE_ID_MISMATCH"),
            (with("Identifier", json!("IR-DE-0001")), "RULE_ID_MISMATCH"),
            (
                with("Identifier", json!("VR-AT-0001")),
                "RULE_COUNTRY_MISMATCH",
            ),
            (with("Version", json!("1.0")), "RULE_INVALID_FIELD"),
            (
                with("Version", json!("1.0.99999999999")),
                "RULE_INVALID_FIELD",
            ),
            (
                with("ValidTo", json!("2021-07-03T00:00:00Z")),
                "RULE_VALIDITY_ORDER",
            ),
            (
                with("ValidTo", json!("2021-07-03T00:00:00.000Z")),
                "RULE_INVALID_FIELD",
            ),
            (
                with("ValidTo", json!("2021-02-30T00:00:00Z")),
                "RULE_INVALID_FIELD",
            ),
            (
                with("Engine", json!("JSONLOGIC")),
                "RULE_ENGINE_UNSUPPORTED",
            ),
            (
                with(
                    "Description",
                    json!([{"lang": "de", "desc": "Die Impfreihe muss vollständig sein."}]),
                ),
                "RULE_DESCRIPTION_NO_ENGLISH",
            ),
            (
                with("Description", json!([{"lang": "en", "desc": "too short"}])),
                "RULE_INVALID_FIELD",
            ),
            (with("Region", json!("toolong")), "RULE_INVALID_FIELD"),
            (with("AffectedFields", json!([])), "RULE_INVALID_FIELD"),
            (with("Logic", json!(true)), "RULE_INVALID_FIELD"),
            (with("Logic", json!({"all": [1]})), "RULE_UNKNOWN_OPERATION"),
            (
                with("Logic", json!({"and": [{"!!": [1]}, true]})),
                "RULE_UNKNOWN_OPERATION",
            ),
            (
                with("Logic", json!({"if": [true, null, 1]})),
                "RULE_LOGIC_INVALID",
            ),
        ];
        for (bytes, want) in cases {
            assert_eq!(
                code(&bytes),
                want,
                "{}",
                String::from_utf8_lossy(&bytes[..bytes.len().min(200)])
            );
        }
        let mut r = base();
        r.as_object_mut().unwrap().remove("Logic");
        assert_eq!(code(&serde_json::to_vec(&r).unwrap()), "RULE_MISSING_FIELD");
        assert_eq!(
            Rule::parse(&with("Identifier", json!("IR-DE-0001")))
                .unwrap_err()
                .gateway_reason(),
            "INVALID_RULE_ID"
        );
        let mut deep = json!(true);
        for _ in 0..70 {
            deep = json!({"!": [deep]});
        }
        assert_eq!(code(&with("Logic", deep)), "RULE_TOO_DEEP");
    }

    #[test]
    fn nesting_scan_skips_strings() {
        assert!(!nesting_exceeds(br#"{"a": "[[[[[[\"[[[["}"#, 2));
        assert!(nesting_exceeds(b"[[[", 2));
    }
}
