//! The CertLogic evaluator: CertLogic spec 1.3.3 §"Operations", following
//! `certlogic-js/src/evaluator.ts` operation by operation (HCERT.md §6.1).
//!
//! Laziness is as specified: `if` evaluates only the chosen branch, `and` stops at the first
//! falsy operand, `reduce` evaluates its initial value only when needed. Recursion depth is
//! the expression's depth (bounded when it was parsed); work is metered by
//! [`EvalLimits`].

use serde_json::Value;

use super::datetime::{self, DateError};
use super::expr::{CmpOp, Expr, Node};
use super::limits::{Budget, EvalError, EvalLimits};
use super::value::{strict_equal, Val};

/// Evaluates `expr` against the data context `data`.
///
/// Date-times in the result are written as ECMAScript `toISOString` strings
/// (`2021-06-01T00:00:00.000Z`); every other value is returned as JSON.
pub fn evaluate_expr(expr: &Expr, data: &Value, limits: &EvalLimits) -> Result<Value, EvalError> {
    let mut budget = Budget::new(*limits);
    eval(&expr.root, &Val::from_json(data), &mut budget).map(|v| v.to_json())
}

impl Expr {
    /// Evaluates this expression against `data`; see [`evaluate_expr`].
    pub fn evaluate(&self, data: &Value, limits: &EvalLimits) -> Result<Value, EvalError> {
        evaluate_expr(self, data, limits)
    }
}

/// Evaluates against a data context made of run-time values (the rule engine's
/// `{payload, external}` object).
pub(crate) fn evaluate_val<'a>(
    expr: &'a Expr,
    data: &Val<'a>,
    budget: &mut Budget,
) -> Result<Val<'a>, EvalError> {
    eval(&expr.root, data, budget)
}

fn date_error(e: DateError) -> EvalError {
    match e {
        DateError::Format => EvalError::DateFormat,
        DateError::Range => EvalError::DateOutOfRange,
    }
}

fn compare<T: PartialOrd>(op: CmpOp, values: &[T]) -> bool {
    let f = |l: &T, r: &T| match op {
        CmpOp::Lt => l < r,
        CmpOp::Gt => l > r,
        CmpOp::Le => l <= r,
        CmpOp::Ge => l >= r,
    };
    values.windows(2).all(|w| match w {
        [l, r] => f(l, r),
        _ => true,
    })
}

fn eval_all<'a>(
    nodes: &'a [Node],
    scope: &Val<'a>,
    budget: &mut Budget,
) -> Result<Vec<Val<'a>>, EvalError> {
    nodes.iter().map(|n| eval(n, scope, budget)).collect()
}

fn eval<'a>(node: &'a Node, scope: &Val<'a>, budget: &mut Budget) -> Result<Val<'a>, EvalError> {
    budget.step()?;
    match node {
        Node::Bool(b) => Ok(Val::Bool(*b)),
        Node::Int(i) => Ok(Val::Int(*i)),
        Node::Str(s) => Ok(Val::Str(s)),
        Node::Array(items) => {
            let items = eval_all(items, scope, budget)?;
            Val::array(items, budget)
        }
        Node::Var { path, default } => {
            let mut current = scope.clone();
            for frag in path {
                if matches!(current, Val::Null) {
                    break;
                }
                current = current.get(frag);
            }
            match (current, default) {
                (Val::Null, Some(d)) => eval(d, scope, budget),
                (v, _) => Ok(v),
            }
        }
        Node::If(ops) => {
            let [guard, then, otherwise] = &**ops;
            match eval(guard, scope, budget)?.truthiness() {
                Some(true) => eval(then, scope, budget),
                Some(false) => eval(otherwise, scope, budget),
                None => Err(EvalError::IfGuardNotBoolean),
            }
        }
        Node::And(ops) => {
            let mut last = Val::Bool(true);
            for op in ops {
                let v = eval(op, scope, budget)?;
                match v.truthiness() {
                    None => return Err(EvalError::AndOperandNotBoolean),
                    Some(false) => return Ok(v),
                    Some(true) => last = v,
                }
            }
            Ok(last)
        }
        Node::Eq(ops) => {
            let [l, r] = &**ops;
            let (l, r) = (eval(l, scope, budget)?, eval(r, scope, budget)?);
            Ok(Val::Bool(strict_equal(&l, &r, budget, 0)?))
        }
        Node::In(ops) => {
            let [l, r] = &**ops;
            let (l, r) = (eval(l, scope, budget)?, eval(r, scope, budget)?);
            let items = r.elements().ok_or(EvalError::InNotArray)?;
            for item in items {
                if strict_equal(&l, &item, budget, 0)? {
                    return Ok(Val::Bool(true));
                }
            }
            Ok(Val::Bool(false))
        }
        Node::Plus(ops) => {
            let [l, r] = &**ops;
            match (eval(l, scope, budget)?, eval(r, scope, budget)?) {
                (Val::Int(l), Val::Int(r)) => l
                    .checked_add(r)
                    .map(Val::Int)
                    .ok_or(EvalError::IntegerOverflow),
                _ => Err(EvalError::PlusNotInteger),
            }
        }
        Node::Cmp(op, ops) => {
            let ints = eval_all(ops, scope, budget)?
                .into_iter()
                .map(|v| match v {
                    Val::Int(i) => Ok(i),
                    _ => Err(EvalError::CompareNotInteger),
                })
                .collect::<Result<Vec<i64>, _>>()?;
            Ok(Val::Bool(compare(*op, &ints)))
        }
        Node::DateCmp(op, ops) => {
            let times = eval_all(ops, scope, budget)?
                .into_iter()
                .map(|v| match v {
                    Val::DateTime(t) => Ok(t),
                    _ => Err(EvalError::CompareNotDateTime),
                })
                .collect::<Result<Vec<i64>, _>>()?;
            Ok(Val::Bool(compare(*op, &times)))
        }
        Node::Not(x) => match eval(x, scope, budget)?.truthiness() {
            Some(b) => Ok(Val::Bool(!b)),
            None => Err(EvalError::NotOperandNotBoolean),
        },
        Node::Truthy(x) => match eval(x, scope, budget)?.truthiness() {
            Some(b) => Ok(Val::Bool(b)),
            None => Err(EvalError::NotOperandNotBoolean),
        },
        Node::PlusTime(date, amount, unit) => match eval(date, scope, budget)? {
            Val::Str(s) => {
                let t = datetime::parse(s).map_err(date_error)?;
                datetime::plus_time(t, *amount, *unit)
                    .map(Val::DateTime)
                    .map_err(date_error)
            }
            _ => Err(EvalError::PlusTimeNotString),
        },
        Node::Reduce(ops) => {
            let [operand, lambda, initial] = &**ops;
            let operand = eval(operand, scope, budget)?;
            if matches!(operand, Val::Null) {
                return eval(initial, scope, budget);
            }
            let items = operand.elements().ok_or(EvalError::ReduceNotArray)?;
            let mut acc = eval(initial, scope, budget)?;
            for current in items {
                budget.step()?;
                let lambda_scope =
                    Val::object(vec![("accumulator", acc), ("current", current)], budget)?;
                acc = eval(lambda, &lambda_scope, budget)?;
            }
            Ok(acc)
        }
        Node::ExtractFromUvci(x, index) => match eval(x, scope, budget)? {
            Val::Null => Ok(Val::Null),
            Val::Str(s) => Ok(extract_from_uvci(s, *index).map_or(Val::Null, Val::Str)),
            _ => Err(EvalError::UvciNotString),
        },
        Node::DccDateOfBirth(x) => match eval(x, scope, budget)? {
            Val::Str(s) => datetime::dcc_date_of_birth(s)
                .map(Val::DateTime)
                .map_err(|e| match e {
                    DateError::Format => EvalError::DobFormat,
                    DateError::Range => EvalError::DateOutOfRange,
                }),
            _ => Err(EvalError::DobNotString),
        },
    }
}

/// `extractFromUVCI`: the fragment at `index` after dropping an optional `URN:UVCI:` prefix
/// and splitting on `/`, `#` and `:`.
fn extract_from_uvci(uvci: &str, index: i64) -> Option<&str> {
    let index = usize::try_from(index).ok()?;
    let body = uvci.strip_prefix("URN:UVCI:").unwrap_or(uvci);
    body.split(['/', '#', ':']).nth(index)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(e: Value, data: Value) -> Result<Value, EvalError> {
        evaluate_expr(&Expr::parse(&e).unwrap(), &data, &EvalLimits::default())
    }

    #[test]
    fn uvci_fragments() {
        assert_eq!(extract_from_uvci("a::c/#/f", 5), Some("f"));
        assert_eq!(extract_from_uvci("a::c/#/f", 1), Some(""));
        assert_eq!(
            extract_from_uvci("URN:UVCI:01:NL:187/37512422923", 0),
            Some("01")
        );
        assert_eq!(extract_from_uvci("urn:uvci:01", 0), Some("urn"));
        assert_eq!(extract_from_uvci("", 0), Some(""));
        assert_eq!(extract_from_uvci("x", -1), None);
        assert_eq!(extract_from_uvci("x", 1), None);
    }

    #[test]
    fn type_errors_have_codes() {
        let cases = [
            (
                json!({"if": [{"var": "f"}, 1, 2]}),
                json!({"f": 1.5}),
                EvalError::IfGuardNotBoolean,
            ),
            (
                json!({"and": [true, {"plusTime": ["2021", 0, "day"]}]}),
                json!(null),
                EvalError::AndOperandNotBoolean,
            ),
            (
                json!({"!": [{"var": "f"}]}),
                json!({"f": 0.5}),
                EvalError::NotOperandNotBoolean,
            ),
            (
                json!({"in": [1, {"var": "x"}]}),
                json!({"x": "abc"}),
                EvalError::InNotArray,
            ),
            (
                json!({"in": [1, {"var": "x"}]}),
                json!({}),
                EvalError::InNotArray,
            ),
            (
                json!({"+": [1, "2"]}),
                json!(null),
                EvalError::PlusNotInteger,
            ),
            (
                json!({"+": [{"var": "x"}, 1]}),
                json!({"x": i64::MAX}),
                EvalError::PlusNotInteger,
            ),
            (
                json!({"reduce": [{"var": "x"}, {"+": [{"var": "accumulator"}, {"var": "accumulator"}]}, 1]}),
                json!({"x": vec![0; 64]}),
                EvalError::IntegerOverflow,
            ),
            (
                json!({"<": [1, "2"]}),
                json!(null),
                EvalError::CompareNotInteger,
            ),
            (
                json!({"before": [1, 2]}),
                json!(null),
                EvalError::CompareNotDateTime,
            ),
            (
                json!({"plusTime": [{"var": "d"}, 1, "day"]}),
                json!({}),
                EvalError::PlusTimeNotString,
            ),
            (
                json!({"plusTime": ["2021-02-30", 1, "day"]}),
                json!({}),
                EvalError::DateFormat,
            ),
            (
                json!({"plusTime": ["2021", 9_000_000_000_000_000i64, "hour"]}),
                json!({}),
                EvalError::DateOutOfRange,
            ),
            (
                json!({"reduce": [{"var": "x"}, 1, 0]}),
                json!({"x": {}}),
                EvalError::ReduceNotArray,
            ),
            (
                json!({"extractFromUVCI": [{"var": "x"}, 0]}),
                json!({"x": 1}),
                EvalError::UvciNotString,
            ),
            (
                json!({"dccDateOfBirth": [{"var": "x"}]}),
                json!({}),
                EvalError::DobNotString,
            ),
            (
                json!({"dccDateOfBirth": [""]}),
                json!({}),
                EvalError::DobFormat,
            ),
        ];
        for (e, d, want) in cases {
            assert_eq!(run(e.clone(), d), Err(want), "{e}");
        }
    }

    #[test]
    fn values_and_equality() {
        assert_eq!(
            run(
                json!({"===": [{"var": "a"}, {"var": "b"}]}),
                json!({"a": [1, {"x": 2}], "b": [1, {"x": 2.0}]})
            ),
            Ok(json!(true))
        );
        assert_eq!(
            run(json!({"===": [[1, 2], {"var": "a"}]}), json!({"a": [1, 2]})),
            Ok(json!(true))
        );
        assert_eq!(
            run(
                json!({"===": [{"var": "a"}, {"var": "b"}]}),
                json!({"a": {"x": 1}, "b": {"y": 1}})
            ),
            Ok(json!(false))
        );
        assert_eq!(
            run(
                json!({"===": [{"plusTime": ["2021-01-01T01:00:00+01:00", 0, "day"]}, {"plusTime": ["2021-01-01", 0, "day"]}]}),
                json!(null)
            ),
            Ok(json!(true))
        );
        assert_eq!(
            run(json!({"in": [[1], [[1], 2]]}), json!(null)),
            Ok(json!(true))
        );
        assert_eq!(
            run(json!({"plusTime": ["2020-02-29", 1, "year"]}), json!(null)),
            Ok(json!("2021-03-01T00:00:00.000Z"))
        );
        assert_eq!(
            run(json!({"var": "a.length"}), json!({"a": [1, 2]})),
            Ok(json!(null))
        );
        assert_eq!(
            run(json!({"var": "a.0"}), json!({"a": "xyz"})),
            Ok(json!(null))
        );
        assert_eq!(
            run(json!({"var": "a.1"}), json!({"a": {"1": "one"}})),
            Ok(json!("one"))
        );
        assert_eq!(
            run(json!({"if": [{"var": "f"}, 1, 2]}), json!({"f": 2.0})),
            Ok(json!(1))
        );
    }

    #[test]
    fn reduce_scope() {
        let e = json!({"reduce": [{"var": "x"}, {"+": [{"var": "accumulator"}, {"var": "current.n"}]}, 0]});
        assert_eq!(
            run(e.clone(), json!({"x": [{"n": 1}, {"n": 2}]})),
            Ok(json!(3))
        );
        assert_eq!(run(e, json!({"x": null})), Ok(json!(0)));
        // The reduce scope does not see the outer data (the unpatched reduce of the spec).
        let e = json!({"reduce": [{"var": "x"}, {"var": "z"}, 5]});
        assert_eq!(run(e, json!({"x": [1], "z": 9})), Ok(json!(null)));
    }

    #[test]
    fn hostile_rules_are_bounded() {
        // Doubling the accumulator: the value bound trips long before memory is a concern.
        let e =
            json!({"reduce": [{"var": "x"}, [{"var": "accumulator"}, {"var": "accumulator"}], 0]});
        let data = json!({"x": vec![0; 64]});
        assert_eq!(run(e, data.clone()), Err(EvalError::ValueTooLarge));
        // Nesting the accumulator one level per element.
        let e = json!({"reduce": [{"var": "x"}, [{"var": "accumulator"}], 0]});
        assert_eq!(
            run(e, json!({"x": vec![0; 1000]})),
            Err(EvalError::ValueTooDeep)
        );
        // Quadratic work: a reduce over rows, each scanned by an inner reduce.
        let e = json!({"reduce": [{"var": "x"}, {"+": [{"var": "accumulator"}, {"reduce": [{"var": "current"}, {"+": [{"var": "accumulator"}, 1]}, 0]}]}, 0]});
        let rows: Vec<Vec<i64>> = vec![(0..1000).collect(); 1000];
        assert_eq!(run(e, json!({"x": rows})), Err(EvalError::StepLimit));
    }

    #[test]
    fn compat_operations() {
        let opts = super::super::expr::ExprOptions {
            dialect: super::super::expr::CertLogicDialect::JsonLogicCompat,
            ..Default::default()
        };
        let run = |e: Value, d: Value| {
            evaluate_expr(
                &Expr::parse_with(&e, &opts).unwrap(),
                &d,
                &EvalLimits::default(),
            )
        };
        assert_eq!(
            run(json!({"var": ["a.b", 7]}), json!({"a": {}})),
            Ok(json!(7))
        );
        assert_eq!(
            run(json!({"var": ["a.b", 7]}), json!({"a": {"b": 0}})),
            Ok(json!(0))
        );
        assert_eq!(run(json!({"var": 1}), json!(["x", "y"])), Ok(json!("y")));
        assert_eq!(
            run(json!({"!!": [{"var": "a"}]}), json!({"a": [0]})),
            Ok(json!(true))
        );
        assert_eq!(run(json!({"!!": [""]}), json!(null)), Ok(json!(false)));
    }
}
