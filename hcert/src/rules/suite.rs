//! Runners for the shared test data: CertLogic spec 1.3.3 §"Test suite" (`testSuite/*.json`
//! and `validation-testSuite/*.json`, HCERT.md §6.4) and the business-rules test files
//! (`<CC>/<ID>/tests/*.json`, `tooling/src/run-all-tests.tsx`). Pure functions over parsed
//! JSON: the caller reads the files.

use serde_json::{Map, Value};

use super::eval::evaluate_expr;
use super::expr::{validate_expr, Expr, ExprIssueCode};
use super::limits::EvalLimits;
use super::rule::Rule;
use super::ruleset::evaluate_rule_logic;
use crate::time::UnixTime;

/// Counts of a suite run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SuiteReport {
    /// Assertions (evaluation suite) or cases (validation suite) in the files.
    pub total: usize,
    /// Not run: `directive: skip` at file, case or assertion level, or left out by `only`.
    pub skipped: usize,
    /// Run and agreed.
    pub passed: usize,
    /// Run and disagreed.
    pub failures: Vec<SuiteFailure>,
    /// Skipped assertions that would agree if run (information only).
    pub skipped_but_agreeing: usize,
}

impl SuiteReport {
    /// Number of failures.
    pub fn failed(&self) -> usize {
        self.failures.len()
    }
}

/// One disagreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuiteFailure {
    /// File (as named by the caller).
    pub file: String,
    /// Case name.
    pub case: String,
    /// Assertion index within the case (evaluation suite).
    pub assertion: Option<usize>,
    /// What happened (for engineers).
    pub detail: String,
}

fn directive(v: &Value) -> Option<&str> {
    v.get("directive").and_then(Value::as_str)
}

fn cases(file: &Value) -> &[Value] {
    file.get("cases")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// Which cases run: mocha semantics of `describe.only`/`it.only` (any `only` anywhere
/// restricts the run to the marked files and cases), `skip` at file and case level.
fn selected<'f>(files: &'f [(&str, &Value)]) -> Vec<(usize, &'f Value, bool)> {
    let any_only = files.iter().any(|(_, f)| {
        directive(f) == Some("only") || cases(f).iter().any(|c| directive(c) == Some("only"))
    });
    let mut out = Vec::new();
    for (i, (_, file)) in files.iter().enumerate() {
        for case in cases(file) {
            let (fd, cd) = (directive(file), directive(case));
            let run = if fd == Some("skip") || cd == Some("skip") {
                false
            } else if any_only {
                fd == Some("only") || cd == Some("only")
            } else {
                true
            };
            out.push((i, case, run));
        }
    }
    out
}

/// JSON equality with numbers compared by value (`3` equals `3.0`), as `deepEqual` does.
fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_equal(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

/// Runs the CertLogic evaluation suite (`testSuite/*.json`, given as `(name, json)`).
pub fn run_evaluation_suite(files: &[(&str, &Value)]) -> SuiteReport {
    let mut report = SuiteReport::default();
    let limits = EvalLimits::default();
    for (fi, case, run) in selected(files) {
        let file = files.get(fi).map_or("", |(n, _)| *n);
        let name = case.get("name").and_then(Value::as_str).unwrap_or("");
        let assertions = case
            .get("assertions")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        for (ai, a) in assertions.iter().enumerate() {
            report.total += 1;
            let expr = a
                .get("certLogicExpression")
                .or_else(|| case.get("certLogicExpression"));
            let outcome = match expr {
                None => Err("no certLogicExpression".to_owned()),
                Some(expr) => match Expr::parse(expr) {
                    Err(issues) => Err(format!("invalid expression: {issues:?}")),
                    Ok(e) => {
                        let data = a.get("data").unwrap_or(&Value::Null);
                        let expected = a.get("expected").unwrap_or(&Value::Null);
                        match evaluate_expr(&e, data, &limits) {
                            Ok(actual) if json_equal(&actual, expected) => Ok(()),
                            Ok(actual) => Err(format!("got {actual}, expected {expected}")),
                            Err(err) => Err(format!("error {}, expected {expected}", err.code())),
                        }
                    }
                },
            };
            if !run || directive(a) == Some("skip") {
                report.skipped += 1;
                report.skipped_but_agreeing += usize::from(outcome.is_ok());
                continue;
            }
            match outcome {
                Ok(()) => report.passed += 1,
                Err(detail) => report.failures.push(SuiteFailure {
                    file: file.to_owned(),
                    case: name.to_owned(),
                    assertion: Some(ai),
                    detail,
                }),
            }
        }
    }
    report
}

/// Runs the CertLogic validation suite (`validation-testSuite/*.json`): each case must give
/// as many issues as expected, each on the same sub-expression and with the code of the
/// reference message.
pub fn run_validation_suite(files: &[(&str, &Value)]) -> SuiteReport {
    let mut report = SuiteReport::default();
    for (fi, case, run) in selected(files) {
        report.total += 1;
        if !run {
            report.skipped += 1;
            continue;
        }
        let file = files.get(fi).map_or("", |(n, _)| *n);
        let name = case.get("name").and_then(Value::as_str).unwrap_or("");
        let expr = case.get("certLogicExpression").unwrap_or(&Value::Null);
        let expected = case
            .get("issues")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        let issues = validate_expr(expr);
        let mut problems = Vec::new();
        if issues.len() != expected.len() {
            problems.push(format!(
                "{} issues, expected {}",
                issues.len(),
                expected.len()
            ));
        }
        for (got, want) in issues.iter().zip(expected) {
            let want_expr = want.get("expr").unwrap_or(&Value::Null);
            let want_code = want
                .get("message")
                .and_then(Value::as_str)
                .and_then(ExprIssueCode::from_reference_message);
            if expr.pointer(&got.path) != Some(want_expr) {
                problems.push(format!("issue at {:?}, expected on {want_expr}", got.path));
            }
            if want_code != Some(got.code) {
                problems.push(format!("code {}, expected {want_code:?}", got.code.code()));
            }
        }
        if problems.is_empty() {
            report.passed += 1;
        } else {
            report.failures.push(SuiteFailure {
                file: file.to_owned(),
                case: if name.is_empty() {
                    expr.to_string()
                } else {
                    name.to_owned()
                },
                assertion: None,
                detail: problems.join("; "),
            });
        }
    }
    report
}

/// Outcome of one business-rules test file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleTestOutcome {
    /// The rule gave the expected value.
    Agreed,
    /// The rule gave another value.
    Disagreed {
        /// What the rule returned.
        actual: Value,
    },
    /// Evaluation failed (code).
    EvalError(&'static str),
    /// `external.validationClock` is outside the rule's validity (the reference runner
    /// fails such a test).
    ClockOutsideValidity,
    /// The test file is not an object with `expected`.
    Malformed,
}

/// Runs one `<CC>/<ID>/tests/*.json` against its rule, as the reference tooling does:
/// the data context is `{payload, external}` taken from the test as written; a test whose
/// `external` holds the value sets directly (four NL files) has them moved under
/// `valueSets`, which is what it means; a test without `payload` runs with `payload` null.
pub fn run_rule_test(rule: &Rule, test: &Value, limits: &EvalLimits) -> RuleTestOutcome {
    let Some(expected) = test.get("expected") else {
        return RuleTestOutcome::Malformed;
    };
    let external = normalise_external(test.get("external"));
    if let Some(clock) = external.get("validationClock").and_then(Value::as_str) {
        match UnixTime::parse_rfc3339(clock) {
            Some(t) if rule.in_force_at(t) => {}
            _ => return RuleTestOutcome::ClockOutsideValidity,
        }
    }
    match evaluate_rule_logic(rule, test.get("payload"), &external, limits) {
        Ok(actual) if json_equal(&actual, expected) => RuleTestOutcome::Agreed,
        Ok(actual) => RuleTestOutcome::Disagreed { actual },
        Err(e) => RuleTestOutcome::EvalError(e.code()),
    }
}

/// `external` as a test means it: value-set arrays found directly under `external` go under
/// `external.valueSets`.
fn normalise_external(external: Option<&Value>) -> Value {
    let Some(Value::Object(ext)) = external else {
        return Value::Object(Map::new());
    };
    if ext.contains_key("valueSets") || !ext.values().any(Value::is_array) {
        return Value::Object(ext.clone());
    }
    let (sets, rest): (Map<String, Value>, Map<String, Value>) = ext
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .partition(|(_, v)| v.is_array());
    let mut out = rest;
    out.insert("valueSets".into(), Value::Object(sets));
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_and_skip() {
        let a = json!({"name": "a", "cases": [
            {"name": "c1", "certLogicExpression": 1, "assertions": [{"data": null, "expected": 1}, {"data": null, "expected": 2, "directive": "skip"}]},
            {"name": "c2", "directive": "only", "certLogicExpression": 2, "assertions": [{"data": null, "expected": 3}]}
        ]});
        let b = json!({"name": "b", "directive": "skip", "cases": [{"name": "c3", "certLogicExpression": 1, "assertions": [{"data": null, "expected": 1}]}]});
        let r = run_evaluation_suite(&[("a", &a), ("b", &b)]);
        assert_eq!((r.total, r.skipped, r.passed, r.failed()), (4, 3, 0, 1));
        assert_eq!(r.skipped_but_agreeing, 2);
        assert_eq!(r.failures[0].case, "c2");
    }

    #[test]
    fn value_sets_directly_under_external() {
        let n = normalise_external(Some(
            &json!({"country-2-codes": ["DE"], "validationClock": "x"}),
        ));
        assert_eq!(
            n,
            json!({"validationClock": "x", "valueSets": {"country-2-codes": ["DE"]}})
        );
        let n = normalise_external(Some(&json!({"valueSets": {}, "x": [1]})));
        assert_eq!(n, json!({"valueSets": {}, "x": [1]}));
    }
}
