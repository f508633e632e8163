//! Rule selection and assessment: HCERT.md §6.2 (data context, external parameters,
//! reference engine outcomes) following `dgc-certlogic-android`
//! `DefaultGetRulesUseCase`, `DefaultCertLogicEngine` and `ExternalParameter`.

use serde::Serialize;
use serde_json::{Map, Value};

use super::eval::evaluate_val;
use super::limits::{Budget, EvalError, EvalLimits};
use super::rule::{Rule, RuleCertificateType, RuleError, RuleType, SemVer};
use super::value::Val;
use super::valuesets::ValueSetCatalog;
use crate::time::UnixTime;

/// The newest CertLogic version this engine implements (a rule asking for a newer one is
/// `OPEN`, as in the reference engine, which supports 1.0.0).
pub const CERTLOGIC_VERSION: SemVer = SemVer {
    major: 1,
    minor: 3,
    patch: 3,
};

/// The external parameters of an evaluation, as the EU apps pass them in
/// `{"payload": …, "external": {…}}`.
#[derive(Debug, Clone, Copy)]
pub struct ExternalParameters<'a> {
    /// The moment the rules are evaluated for (`validationClock`).
    pub validation_clock: UnixTime,
    /// `valueSets`: id → codes.
    pub value_sets: &'a ValueSetCatalog,
    /// `countryCode`: the country of arrival (ISO 3166-1 alpha-2, upper case).
    pub country_code: &'a str,
    /// `region` of the country of arrival (`""` for none).
    pub region: &'a str,
    /// `issuerCountryCode`: the CWT `iss`.
    pub issuer_country_code: &'a str,
    /// CWT `exp`.
    pub exp: Option<UnixTime>,
    /// CWT `iat`.
    pub iat: Option<UnixTime>,
    /// `kid`: the COSE key identifier as standard base64.
    pub kid: &'a str,
}

/// The `external` strings, formatted once per assessment.
struct ExternalText {
    clock: String,
    exp: Option<String>,
    iat: Option<String>,
}

impl ExternalParameters<'_> {
    fn text(&self) -> ExternalText {
        // `ExternalParameter.kt`: the clock as ISO_OFFSET_DATE_TIME (UTC here, so `…Z`);
        // `exp` and `iat` as the UTC calendar date `YYYY-MM-DD`.
        ExternalText {
            clock: self.validation_clock.rfc3339(),
            exp: self.exp.map(UnixTime::date_utc),
            iat: self.iat.map(UnixTime::date_utc),
        }
    }

    /// The `external` object exactly as rules see it.
    pub fn to_json(&self) -> Value {
        let t = self.text();
        let mut m = Map::new();
        m.insert("validationClock".into(), Value::String(t.clock));
        m.insert("valueSets".into(), self.value_sets.as_certlogic().clone());
        m.insert("countryCode".into(), self.country_code.into());
        if let Some(exp) = t.exp {
            m.insert("exp".into(), Value::String(exp));
        }
        if let Some(iat) = t.iat {
            m.insert("iat".into(), Value::String(iat));
        }
        m.insert("issuerCountryCode".into(), self.issuer_country_code.into());
        m.insert("kid".into(), self.kid.into());
        m.insert("region".into(), self.region.into());
        Value::Object(m)
    }
}

/// The data context `{payload, external}` as a run-time value, borrowing everything.
fn data_context<'a>(
    payload: &'a Value,
    ext: &ExternalParameters<'a>,
    text: &'a ExternalText,
    budget: &Budget,
) -> Result<Val<'a>, EvalError> {
    let mut e: Vec<(&'a str, Val<'a>)> = vec![
        ("validationClock", Val::Str(&text.clock)),
        ("valueSets", Val::Json(ext.value_sets.as_certlogic())),
        ("countryCode", Val::Str(ext.country_code)),
    ];
    if let Some(exp) = &text.exp {
        e.push(("exp", Val::Str(exp)));
    }
    if let Some(iat) = &text.iat {
        e.push(("iat", Val::Str(iat)));
    }
    e.extend([
        ("issuerCountryCode", Val::Str(ext.issuer_country_code)),
        ("kid", Val::Str(ext.kid)),
        ("region", Val::Str(ext.region)),
    ]);
    let external = Val::object(e, budget)?;
    Val::object(
        vec![("payload", Val::from_json(payload)), ("external", external)],
        budget,
    )
}

/// Outcome of one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "&'static str")]
pub enum RuleOutcome {
    /// The logic returned `true`.
    Passed,
    /// The logic returned `false`.
    Fail,
    /// The rule could not be decided ([`OpenReason`]).
    Open,
}

impl RuleOutcome {
    /// `PASSED`, `FAIL`, `OPEN`.
    pub fn code(self) -> &'static str {
        match self {
            RuleOutcome::Passed => "PASSED",
            RuleOutcome::Fail => "FAIL",
            RuleOutcome::Open => "OPEN",
        }
    }
}

impl From<RuleOutcome> for &'static str {
    fn from(o: RuleOutcome) -> &'static str {
        o.code()
    }
}

/// Why a rule is `OPEN`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OpenReason {
    /// Evaluation failed.
    Eval(EvalError),
    /// The logic returned something other than a boolean.
    NotBoolean,
    /// The rule wants a newer CertLogic than [`CERTLOGIC_VERSION`].
    EngineVersion,
    /// The DCC `ver` has another major version than the rule's `SchemaVersion`, or is older.
    SchemaVersion,
    /// The DCC has no readable `ver`.
    DccVersionMissing,
}

impl OpenReason {
    /// Stable code (an evaluation error gives its own `EVAL_…` code).
    pub fn code(self) -> &'static str {
        match self {
            OpenReason::Eval(e) => e.code(),
            OpenReason::NotBoolean => "RULE_RESULT_NOT_BOOLEAN",
            OpenReason::EngineVersion => "RULE_ENGINE_VERSION_UNSUPPORTED",
            OpenReason::SchemaVersion => "RULE_SCHEMA_VERSION_MISMATCH",
            OpenReason::DccVersionMissing => "RULE_DCC_VERSION_MISSING",
        }
    }
}

impl Serialize for OpenReason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// The result of one rule for one certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleResult {
    /// Rule identifier.
    pub identifier: String,
    /// Rule version.
    pub version: SemVer,
    /// Owner country.
    pub country: String,
    /// Acceptance or invalidation.
    pub rule_type: RuleType,
    /// Passed, failed or open.
    pub outcome: RuleOutcome,
    /// Why it is open.
    pub open_reason: Option<OpenReason>,
    /// Language of [`RuleResult::description`].
    pub description_lang: String,
    /// The rule's description in the requested language, else English.
    pub description: String,
    /// Payload fields the rule looks at.
    pub affected_fields: Vec<String>,
}

/// The overall answer for a country of arrival.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "&'static str")]
pub enum AcceptanceStatus {
    /// Rules apply and all passed.
    Accepted,
    /// A rule failed.
    NotAccepted,
    /// No rules, or a rule is open.
    CannotAssess,
}

impl AcceptanceStatus {
    /// `ACCEPTED`, `NOT_ACCEPTED`, `CANNOT_ASSESS`.
    pub fn code(self) -> &'static str {
        match self {
            AcceptanceStatus::Accepted => "ACCEPTED",
            AcceptanceStatus::NotAccepted => "NOT_ACCEPTED",
            AcceptanceStatus::CannotAssess => "CANNOT_ASSESS",
        }
    }
}

impl From<AcceptanceStatus> for &'static str {
    fn from(s: AcceptanceStatus) -> &'static str {
        s.code()
    }
}

/// Why the status is what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "&'static str")]
pub enum AssessmentReason {
    /// Every selected rule passed.
    AllPassed,
    /// At least one rule failed.
    RuleFailed,
    /// No rule failed but at least one is open.
    RuleOpen,
    /// The rule set has no acceptance rule of this country at all.
    NoRulesForCountry,
    /// The country has rules, but none in force for this certificate type (and region).
    NoApplicableRules,
    /// The payload is not exactly one of vaccination, test, recovery.
    CertificateTypeUnknown,
}

impl AssessmentReason {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            AssessmentReason::AllPassed => "RULES_ALL_PASSED",
            AssessmentReason::RuleFailed => "RULES_FAILED",
            AssessmentReason::RuleOpen => "RULES_OPEN",
            AssessmentReason::NoRulesForCountry => "RULES_NONE_FOR_COUNTRY",
            AssessmentReason::NoApplicableRules => "RULES_NONE_APPLICABLE",
            AssessmentReason::CertificateTypeUnknown => "RULES_CERTIFICATE_TYPE_UNKNOWN",
        }
    }
}

impl From<AssessmentReason> for &'static str {
    fn from(r: AssessmentReason) -> &'static str {
        r.code()
    }
}

/// The assessment of one certificate for one country of arrival.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assessment {
    /// Overall answer.
    pub status: AcceptanceStatus,
    /// Why.
    pub reason: AssessmentReason,
    /// Country of arrival.
    pub country: String,
    /// Certificate type derived from the payload.
    pub certificate_type: Option<RuleCertificateType>,
    /// One result per selected rule: acceptance rules, then invalidation rules, each by
    /// identifier.
    pub rules: Vec<RuleResult>,
}

/// Rules of several countries side by side.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
    limits: EvalLimits,
}

impl RuleSet {
    /// An empty set with the default evaluation bounds.
    pub fn new() -> RuleSet {
        RuleSet::default()
    }

    /// An empty set with the given evaluation bounds (per rule).
    pub fn with_limits(limits: EvalLimits) -> RuleSet {
        RuleSet {
            rules: Vec::new(),
            limits,
        }
    }

    /// Adds a rule; a rule with the same identifier and version replaces the old one.
    pub fn insert(&mut self, rule: Rule) {
        match self
            .rules
            .iter_mut()
            .find(|r| r.identifier == rule.identifier && r.version == rule.version)
        {
            Some(slot) => *slot = rule,
            None => self.rules.push(rule),
        }
    }

    /// All rules held.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Whether `country` published any acceptance rule.
    pub fn has_rules_for(&self, country: &str) -> bool {
        self.rules
            .iter()
            .any(|r| r.rule_type == RuleType::Acceptance && r.country.eq_ignore_ascii_case(country))
    }

    /// The rules that apply (`DefaultGetRulesUseCase`): acceptance rules of `arrival` whose
    /// region equals `region` (both trimmed, case-insensitive, `""` for none), then
    /// invalidation rules of `issuer` (when not blank); each in force at `clock`, for
    /// `cert_type` or `General`, and per identifier only the highest version among those in
    /// force. Each group is ordered by identifier.
    pub fn select(
        &self,
        arrival: &str,
        region: &str,
        issuer: &str,
        cert_type: RuleCertificateType,
        clock: UnixTime,
    ) -> Vec<&Rule> {
        let applies = |r: &Rule, country: &str, ty: RuleType| {
            r.rule_type == ty
                && r.country.eq_ignore_ascii_case(country)
                && r.in_force_at(clock)
                && (r.certificate_type == cert_type
                    || r.certificate_type == RuleCertificateType::General)
        };
        let region = region.trim();
        let mut out = newest(
            self.rules
                .iter()
                .filter(|r| applies(r, arrival, RuleType::Acceptance))
                .filter(|r| {
                    r.region
                        .as_deref()
                        .unwrap_or("")
                        .trim()
                        .eq_ignore_ascii_case(region)
                })
                .collect(),
        );
        if !issuer.trim().is_empty() {
            out.extend(newest(
                self.rules
                    .iter()
                    .filter(|r| applies(r, issuer, RuleType::Invalidation))
                    .collect(),
            ));
        }
        out
    }

    /// The rules a publication carries (`rules/rules.json`: `{"version": 1, "rules": [<EU rule
    /// JSON>, …]}`), each validated as [`Rule::from_json`] does. One refused rule refuses the
    /// file: the publisher checked every rule, so a refusal means the file is not what it
    /// published. The error names the rule by position and identifier.
    pub fn from_published(bytes: &[u8]) -> Result<RuleSet, (usize, String, RuleError)> {
        let whole = |e| (0, String::new(), e);
        let json: Value = serde_json::from_slice(bytes).map_err(|_| whole(RuleError::Json))?;
        if json.get("version").and_then(Value::as_u64) != Some(1) {
            return Err(whole(RuleError::InvalidField("version")));
        }
        let rules = json
            .get("rules")
            .and_then(Value::as_array)
            .ok_or(whole(RuleError::MissingField("rules")))?;
        let mut set = RuleSet::new();
        let opts = super::expr::ExprOptions::default();
        for (i, r) in rules.iter().enumerate() {
            let id = r.get("Identifier").and_then(Value::as_str).unwrap_or("");
            set.insert(Rule::from_json(r, &opts).map_err(|e| (i, id.to_string(), e))?);
        }
        Ok(set)
    }

    /// Evaluates the rules that apply to `payload` for the country of arrival
    /// `external.country_code` and answers for that country. Descriptions are given in
    /// `lang` (else English).
    pub fn assess(
        &self,
        payload: &Value,
        external: &ExternalParameters<'_>,
        lang: &str,
    ) -> Assessment {
        let country = external.country_code.to_owned();
        let certificate_type = RuleCertificateType::of_payload(payload);
        let done = |status, reason, rules| Assessment {
            status,
            reason,
            country: country.clone(),
            certificate_type,
            rules,
        };
        if !self.has_rules_for(external.country_code) {
            return done(
                AcceptanceStatus::CannotAssess,
                AssessmentReason::NoRulesForCountry,
                Vec::new(),
            );
        }
        let Some(cert_type) = certificate_type else {
            return done(
                AcceptanceStatus::CannotAssess,
                AssessmentReason::CertificateTypeUnknown,
                Vec::new(),
            );
        };
        let selected = self.select(
            external.country_code,
            external.region,
            external.issuer_country_code,
            cert_type,
            external.validation_clock,
        );
        let text = external.text();
        let dcc_version = payload
            .get("ver")
            .and_then(Value::as_str)
            .and_then(SemVer::parse);
        let results: Vec<RuleResult> = selected
            .iter()
            .map(|rule| {
                let (outcome, open_reason) =
                    match self.run(rule, payload, external, &text, dcc_version) {
                        Ok(true) => (RuleOutcome::Passed, None),
                        Ok(false) => (RuleOutcome::Fail, None),
                        Err(reason) => (RuleOutcome::Open, Some(reason)),
                    };
                let d = rule.description(lang);
                RuleResult {
                    identifier: rule.identifier.clone(),
                    version: rule.version,
                    country: rule.country.clone(),
                    rule_type: rule.rule_type,
                    outcome,
                    open_reason,
                    description_lang: d.lang.clone(),
                    description: d.desc.clone(),
                    affected_fields: rule.affected_fields.clone(),
                }
            })
            .collect();
        let any = |o: RuleOutcome| results.iter().any(|r| r.outcome == o);
        let (status, reason) = if any(RuleOutcome::Fail) {
            (AcceptanceStatus::NotAccepted, AssessmentReason::RuleFailed)
        } else if any(RuleOutcome::Open) {
            (AcceptanceStatus::CannotAssess, AssessmentReason::RuleOpen)
        } else if !selected.iter().any(|r| r.rule_type == RuleType::Acceptance) {
            // Passing only the issuer's invalidation rules says nothing about the arrival
            // country's acceptance.
            (
                AcceptanceStatus::CannotAssess,
                AssessmentReason::NoApplicableRules,
            )
        } else {
            (AcceptanceStatus::Accepted, AssessmentReason::AllPassed)
        };
        done(status, reason, results)
    }

    /// One rule, as `DefaultCertLogicEngine.checkRule`: version gates, then the logic, whose
    /// result must be a boolean.
    fn run(
        &self,
        rule: &Rule,
        payload: &Value,
        external: &ExternalParameters<'_>,
        text: &ExternalText,
        dcc_version: Option<SemVer>,
    ) -> Result<bool, OpenReason> {
        if rule.engine_version > CERTLOGIC_VERSION {
            return Err(OpenReason::EngineVersion);
        }
        let ver = dcc_version.ok_or(OpenReason::DccVersionMissing)?;
        if ver.major != rule.schema_version.major || ver < rule.schema_version {
            return Err(OpenReason::SchemaVersion);
        }
        let mut budget = Budget::new(self.limits);
        let data = data_context(payload, external, text, &budget).map_err(OpenReason::Eval)?;
        match evaluate_val(&rule.logic, &data, &mut budget) {
            Ok(Val::Bool(b)) => Ok(b),
            Ok(_) => Err(OpenReason::NotBoolean),
            Err(e) => Err(OpenReason::Eval(e)),
        }
    }
}

/// Per identifier only the highest version, ordered by identifier.
fn newest(mut v: Vec<&Rule>) -> Vec<&Rule> {
    v.sort_by(|a, b| {
        a.identifier
            .cmp(&b.identifier)
            .then(b.version.cmp(&a.version))
    });
    v.dedup_by(|later, first| later.identifier == first.identifier);
    v
}

/// Evaluates a rule's logic against `{payload, external}` given as JSON, exactly as the
/// reference test tooling does (`run-all-tests.tsx`): no version gates, the result as JSON.
/// A missing payload is `null`.
pub fn evaluate_rule_logic(
    rule: &Rule,
    payload: Option<&Value>,
    external: &Value,
    limits: &EvalLimits,
) -> Result<Value, EvalError> {
    let mut budget = Budget::new(*limits);
    let payload = payload.map_or(Val::Null, Val::from_json);
    let data = Val::object(
        vec![("payload", payload), ("external", Val::from_json(external))],
        &budget,
    )?;
    evaluate_val(&rule.logic, &data, &mut budget).map(|v| v.to_json())
}
