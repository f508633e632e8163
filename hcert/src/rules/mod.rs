//! CertLogic business rules and value sets: HCERT.md §6 (CertLogic spec 1.3.3, EU rule JSON,
//! rule selection and outcomes) and §8 (value sets).
//!
//! Pure library code (serde, serde_json, the crate's `time`): no I/O, no clock. Rules, value
//! sets and the validation moment come in as parameters; results go out as data with stable
//! codes, for front ends to word.
//!
//! ```
//! use hcert::{ExternalParameters, Rule, RuleSet, UnixTime, ValueSetCatalog};
//! use serde_json::json;
//!
//! let rule = Rule::parse(br#"{"Identifier": "VR-DE-0001", "Type": "Acceptance", "Country": "DE",
//!     "Version": "1.0.0", "SchemaVersion": "1.0.0", "Engine": "CERTLOGIC", "EngineVersion": "0.7.5",
//!     "CertificateType": "Vaccination",
//!     "Description": [{"lang": "en", "desc": "The vaccination schedule must be complete."}],
//!     "ValidFrom": "2021-07-03T00:00:00Z", "ValidTo": "2030-06-01T00:00:00Z",
//!     "AffectedFields": ["v.0.dn", "v.0.sd"],
//!     "Logic": {"if": [{"var": "payload.v.0"},
//!                      {">=": [{"var": "payload.v.0.dn"}, {"var": "payload.v.0.sd"}]}, true]}}"#)?;
//! let mut rules = RuleSet::new();
//! rules.insert(rule);
//! let value_sets = ValueSetCatalog::new();
//! let external = ExternalParameters {
//!     validation_clock: UnixTime(1_650_000_000),
//!     value_sets: &value_sets,
//!     country_code: "DE",
//!     region: "",
//!     issuer_country_code: "VN",
//!     exp: None,
//!     iat: None,
//!     kid: "",
//! };
//! let payload = json!({"ver": "1.3.0", "v": [{"dn": 1, "sd": 2}]});
//! let answer = rules.assess(&payload, &external, "vi");
//! assert_eq!(answer.status.code(), "NOT_ACCEPTED");
//! assert_eq!(answer.rules[0].outcome.code(), "FAIL");
//! assert_eq!(answer.rules[0].description_lang, "en"); // no Vietnamese text: English
//! # Ok::<(), hcert::RuleError>(())
//! ```
//!
//! # Files
//!
//! | file | role |
//! |---|---|
//! | `expr.rs` | [`Expr`]: validation (as the reference validator) and compilation |
//! | `eval.rs` | the evaluator ([`evaluate_expr`], [`Expr::evaluate`]) |
//! | `value.rs` | run-time values: truthiness, `var` drilling, `===` |
//! | `datetime.rs` | `plusTime`/`dccDateOfBirth` parsing and ECMAScript date arithmetic |
//! | `limits.rs` | [`EvalLimits`], [`EvalError`], the step meter |
//! | `rule.rs` | [`Rule`]: the EU rule JSON and the gateway's checks |
//! | `ruleset.rs` | [`RuleSet`]: selection, [`ExternalParameters`], [`Assessment`] |
//! | `valuesets.rs` | [`ValueSetCatalog`]: value-set files, compressed map, encoding instructions |
//! | `check.rs` | [`ValueSetCatalog::check_payload`]: code membership and plausibility |
//! | `finding.rs` | [`Finding`], [`FindingCode`] |
//! | `suite.rs` | runners for the shared CertLogic suites and business-rules tests |
//!
//! # CertLogic (spec 1.3.3)
//!
//! Every operation of the spec: `var` (dotted paths; all-digit fragments index arrays;
//! `""` is the whole context), `if`, `===`, `and`, `<`, `>`, `<=`, `>=` and `after`,
//! `before`, `not-after`, `not-before` (2 operands, or 3 for "between"), `in`, `+`, `!`,
//! `plusTime` (`year`, `month`, `day`, `hour`), `reduce`, `extractFromUVCI`,
//! `dccDateOfBirth`; literals are booleans, integers, strings and arrays.
//! The reference is `certlogic-js`; where it and certlogic-kotlin differ or the spec says
//! "undefined", we chose:
//!
//! * **Truthiness** as the spec defines it: falsy `false`, `null`, `""`, `0`, `[]`, `{}`;
//!   truthy `true`, non-empty strings, non-zero integers, non-empty arrays and objects;
//!   everything else (date-times, non-integer numbers) is neither, and `if`, `and`, `!`
//!   fail on it with their own [`EvalError`].
//! * **Numbers**: integers as `Number.isInteger` sees them, within ±2^53 (`2.0` is 2);
//!   `+` overflowing `i64` is [`EvalError::IntegerOverflow`] instead of losing precision.
//! * **`===`/`in`** compare strings, integers, booleans, `null` by value, date-times by
//!   instant, arrays and objects structurally (Kotlin; JS compares those by reference).
//! * **`var`** on a string, number or date-time gives `null` (Kotlin; JS would index
//!   strings); the default-value form is not CertLogic.
//! * **Dates**: the accepted formats are exactly those of `dateFromString`'s regular
//!   expression (offsets `±h`, `±hh`, `±hmm`, `±hhmm`, `±h:mm`, `±hh:mm`, `Z`, or none = UTC;
//!   any number of fraction digits, truncated to ms); partial dates round up (`2004` →
//!   2004-12-31, `2004-02` → 2004-02-29); month/year offsets roll over like
//!   `setUTCMonth`/`setUTCFullYear` (2021-01-31 + 1 month = 2021-03-03; the Kotlin engine
//!   clamps). Impossible dates (`2021-02-30`), hour 24, a space for `T` are errors.
//! * **Dialect**: [`CertLogicDialect::JsonLogicCompat`] additionally accepts
//!   `{"var": [path, default]}` and `{"!!": [x]}`, which JsonLogic-based apps evaluate; the
//!   default dialect is strict CertLogic, so a rule using them is refused like any unknown
//!   operation.
//! * `reduce` gives its lambda only `{accumulator, current}` (the spec's optional `data`
//!   patch is not applied; the suite skips `patched-reduce.json`).
//!
//! [`validate_expr`] reports what `certlogic-js/src/validation/format-validator.ts` reports,
//! one [`ExprIssue`] per message, as a JSON Pointer into the expression plus an
//! [`ExprIssueCode`]; [`Expr::parse`] refuses any expression with an issue, so evaluation
//! only ever sees valid expressions.
//!
//! ## Bounds
//!
//! | what | bound | code |
//! |---|---|---|
//! | expression nesting | 64 JSON levels ([`ExprOptions`]) | `EXPR_TOO_DEEP` |
//! | expression size | 65 536 JSON values | `EXPR_TOO_LARGE` |
//! | issues reported | 256 | `EXPR_TOO_MANY_ISSUES` |
//! | evaluation work | 50 000 steps per rule ([`EvalLimits`]) | `EVAL_STEP_LIMIT` |
//! | values built while evaluating | 65 536 nodes, depth 256 | `EVAL_VALUE_TOO_LARGE`, `EVAL_VALUE_TOO_DEEP` |
//! | rule JSON | 256 KiB, nesting 65 (scanned before parsing) | `RULE_TOO_LARGE`, `RULE_TOO_DEEP` |
//! | value-set file | 4 MiB, 50 000 codes × 256 bytes, 256 sets | `VALUESET_FILE_*` |
//! | payload entries checked | 16 per `v`/`t`/`r` | – |
//!
//! Evaluation recursion is bounded by the expression depth; a step is an evaluated node,
//! an element visited by `in`/`reduce`, or a node compared by `===`. Every one of the 877
//! EU rule tests needs fewer than 100 steps (`tests/rules_shared_data.rs` reruns them all
//! with 200); `in` over a value set costs one step per code passed. A hostile rule (nested
//! `reduce` over a 1000 × 1000 array) is cut off after 1.7 ms natively. An assessment
//! evaluates only the selected rules, each with a fresh budget.
//!
//! Why not a JsonLogic crate: JsonLogic has JavaScript truthiness (`"0"`, `1.5` truthy),
//! an `and`/`!` that never fail, no date-time values, none of the four DCC operations and no
//! metering, so the differences would be most of the work; the evaluator here (`eval.rs`,
//! `value.rs`) is about 400 lines of code and evaluates the 11 German rules in a few microseconds (below).
//!
//! # Rules (HCERT.md §6.3)
//!
//! [`Rule::parse`] checks the gateway schema (`additionalProperties: false`, patterns,
//! enums, ≥ 20-character descriptions, an English description) and what the gateway's
//! `ValidationRuleService` checks that does not depend on the upload moment: `TR`/`VR`/
//! `RR`/`GR` prefix ⇔ `CertificateType`, `IR` ⇔ `Invalidation`, identifier country ⇔
//! `Country`, `ValidFrom` < `ValidTo`; plus `Engine` = `CERTLOGIC` and a valid `Logic` (an
//! unknown operation is `RULE_UNKNOWN_OPERATION`). [`RuleError::gateway_reason`] maps to
//! the gateway's reasons (`INVALID_RULE_ID`, …). Not checked: the upload-time rules
//! (ValidFrom ≥ upload + 48 h / ≤ 2 weeks ahead, validity ≥ 72 h, version increase).
//!
//! # Selection and assessment (HCERT.md §6.2)
//!
//! [`RuleSet::select`] is `DefaultGetRulesUseCase`: acceptance rules of the arrival
//! country whose region equals the requested one (both trimmed, case-insensitive, `""`
//! when absent, so a regional request does not pick national rules, as in the app), plus
//! invalidation rules of the issuing country; each with `ValidFrom ≤ clock < ValidTo`,
//! `CertificateType` = the DCC's type or `General`, and per identifier only the highest
//! `Version` in force.
//!
//! [`RuleSet::assess`] runs each selected rule as `DefaultCertLogicEngine.checkRule`: `OPEN`
//! when `EngineVersion` is newer than [`CERTLOGIC_VERSION`] (1.3.3, the spec implemented
//! here; the Android engine says 1.0.0), when the DCC `ver` is unreadable, or its major
//! differs from the rule's `SchemaVersion` or it is older; otherwise the logic decides:
//! `true` `PASSED`, `false` `FAIL`, an error or any non-boolean `OPEN` ([`OpenReason`]).
//! The data context is `{"payload": …, "external": {…}}` with `external` as
//! `ExternalParameter.kt` builds it ([`ExternalParameters::to_json`]): `validationClock`
//! `YYYY-MM-DDThh:mm:ssZ`, `valueSets` id → codes, `countryCode`, `exp` and `iat` as the
//! UTC date `YYYY-MM-DD`, `issuerCountryCode`, `kid`, `region`. It is built from borrowed
//! parts, so the value sets are not copied per certificate.
//!
//! The answer ([`AcceptanceStatus`]): `NOT_ACCEPTED` if any rule fails (a failure is
//! definite even when another rule is open); else `CANNOT_ASSESS` if any is open; else
//! `ACCEPTED` only if at least one acceptance rule of the arrival country was selected.
//! A country without any acceptance rule gives `CANNOT_ASSESS` / `RULES_NONE_FOR_COUNTRY`,
//! one whose rules do not cover this certificate type or moment `RULES_NONE_APPLICABLE`:
//! no rules never means "accepted".
//!
//! # Value sets and plausibility (HCERT.md §8)
//!
//! [`ValueSetCatalog`] reads the `{valueSetId, valueSetDate, valueSetValues}` files
//! (keeping `active` and the encoding instructions) and the compressed `{id: [codes]}` map.
//! [`ValueSetCatalog::check_payload`] gives one [`Finding`] per problem, with the field in
//! `AffectedFields` notation (`v.0.mp`):
//!
//! | code | check | source |
//! |---|---|---|
//! | `VALUESET_UNKNOWN_CODE` | `v[].tg vp mp ma co`, `t[].tg tt tr ma co`, `r[].tg co` in their value set | HCERT.md §8 table; the schema's `valueset-uri` annotations |
//! | `VALUESET_DEPRECATED_CODE` | the code is `active: false` (e.g. `J07BX03`) | value-set files |
//! | `VALUESET_CODE_NOT_STRING`, `VALUESET_UNAVAILABLE` | not a string; set not loaded | – |
//! | `PLAUSIBILITY_MP_MA_MISMATCH` | `ma` is not the manufacturer the encoding instructions give for `mp` (VN sample: Vaxzevria with BioNTech) | `vaccine-encoding-instructions.json` |
//! | `PLAUSIBILITY_VP_MP_MISMATCH` | `vp` is a specific code not listed for `mp` (generic `28531000087107`, `J07BX03`, and `1119305005` for non-mRNA vaccines always fit) | same; HCERT.md §8.1 |
//! | `PLAUSIBILITY_DOSE_NUMBER_INVALID`, `PLAUSIBILITY_DOSE_ABOVE_SERIES` | `dn`, `sd` integers ≥ 1; `dn` > `sd` (legitimate for some boosters: a hint, not a verdict) | schema 1.3 (`minimum: 1`); rule VR-EU-0002 |
//! | `PLAUSIBILITY_VACCINATION_BEFORE_VACCINES` | `dt` before 2020-12-01 (2020-07-01 for Sputnik-V, BBIBP-CorV, WIBP-CorV, CoronaVac, EpiVacCorona, in national emergency use earlier) | first authorisations (UK 2020-12-02, EMA 2020-12-21); national registrations |
//! | `PLAUSIBILITY_VACCINATION_BEFORE_BIRTH` | `dt` before the earliest date `dob` allows | – |
//! | `PLAUSIBILITY_DATE_INVALID` | `dob`, `dt`, `sc`, `fr`, `df`, `du` unreadable (a time after a date is tolerated, as PL/BG write it) | HCERT.md §1.7 |
//! | `PLAUSIBILITY_DATE_IN_FUTURE` | `dob`, `dt`, `sc`, `fr` after the clock ([`ValueSetCatalog::check_payload_at`] only) | – |
//! | `PLAUSIBILITY_DATE_BEFORE_PANDEMIC` | `sc` or `fr` before 2019-12-01 | SARS-CoV-2 first identified December 2019 |
//! | `PLAUSIBILITY_RECOVERY_VALID_TOO_EARLY`, `…_VALIDITY_TOO_LONG`, `…_VALIDITY_REVERSED` | `df` ≥ `fr` + 11 days, `du` ≤ `fr` + 180 days, `df` ≤ `du` | Regulation (EU) 2021/953 Annex / recovery certificate rules (11th day, 180 days) |
//! | `PLAUSIBILITY_RAT_WITHOUT_DEVICE` | a rapid antigen test (`LP217198-3`) without `ma` | eHN guidelines: `ma` required for RAT |
//!
//! The test-device list shipped (`test-manf-example.json`, 88 devices) is an example; the
//! live JRC list is longer, so an unknown `t.ma` against it is not conclusive.
//!
//! # Conformance and speed
//!
//! * `testSuite/` (14 files, 232 assertions): 14 skipped by the suite's own directives,
//!   218 run, 218 agree (of the 14 skipped, 6 would agree too).
//! * `validation-testSuite/` (23 cases): 23 agree, same sub-expression and code per issue.
//! * business rules: 128 rules parse; their 877 tests: 877 agree (4 NL tests that put the
//!   value sets directly under `external` are read with them under `valueSets`; the test
//!   without `payload` runs with `payload` null; a test whose clock is outside the rule's
//!   validity would fail, as in the reference runner). Of the 8 MT rules without tests, 6
//!   parse, one is truncated JSON and one has an `if` with four operands.
//! * `vaxpass rules certlogic-suite` and `vaxpass rules test` run the same suites from the
//!   command line.
//! * `cargo bench -p hcert --bench rules` (native, 2 shared cores; medians over three
//!   runs): 5.9–8.0 µs to assess a vaccination for DE (4 rules selected from 128 held,
//!   descriptions copied), 2.6–5.3 µs to evaluate all 11 DE rules, 1.2–1.8 µs for the
//!   value-set and plausibility checks of one payload.

mod check;
mod datetime;
mod eval;
mod expr;
mod finding;
mod limits;
mod rule;
mod ruleset;
mod suite;
mod value;
mod valuesets;

pub use eval::evaluate_expr;
pub use expr::{
    validate_expr, validate_expr_with, CertLogicDialect, Expr, ExprIssue, ExprIssueCode,
    ExprOptions,
};
pub use finding::{Finding, FindingCode};
pub use limits::{EvalError, EvalLimits};
pub use rule::{
    Rule, RuleCertificateType, RuleDescription, RuleError, RuleType, SemVer, MAX_RULE_BYTES,
};
pub use ruleset::{
    evaluate_rule_logic, AcceptanceStatus, Assessment, AssessmentReason, ExternalParameters,
    OpenReason, RuleOutcome, RuleResult, RuleSet, CERTLOGIC_VERSION,
};
pub use suite::{
    run_evaluation_suite, run_rule_test, run_validation_suite, RuleTestOutcome, SuiteFailure,
    SuiteReport,
};
pub use valuesets::{
    EncodingInstruction, ValueSet, ValueSetCatalog, ValueSetCode, ValueSetError,
    MAX_VALUE_SET_BYTES,
};
