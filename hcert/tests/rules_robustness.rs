//! Hostile input never panics and stays bounded (COMMON.md; HCERT.md §6.1 "invalid
//! expressions throw, evaluation of valid ones never throws").

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use hcert::{
    evaluate_expr, validate_expr, EvalLimits, Expr, ExprIssueCode, Rule, RuleSet, UnixTime,
    ValueSetCatalog,
};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

const OPS: [&str; 20] = [
    "var",
    "if",
    "===",
    "and",
    "<",
    ">",
    "<=",
    ">=",
    "in",
    "+",
    "!",
    "after",
    "before",
    "not-after",
    "not-before",
    "plusTime",
    "reduce",
    "extractFromUVCI",
    "dccDateOfBirth",
    "!!",
];
const WORDS: [&str; 16] = [
    "",
    "x",
    "payload",
    "payload.v.0.dt",
    "accumulator",
    "current",
    "day",
    "month",
    "year",
    "hour",
    "2021",
    "2021-02",
    "2021-06-01T00:00:00+02",
    "URN:UVCI:01:VN:1/2#3",
    "a..b",
    "0",
];

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-400i64..400).prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop::sample::select(WORDS.to_vec()).prop_map(Value::from),
        ".{0,24}".prop_map(Value::from),
    ]
}

/// Expression-shaped JSON: mostly operations with plausible operands.
fn expr_json() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(6, 96, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            (
                prop::sample::select(OPS.to_vec()),
                prop::collection::vec(inner.clone(), 0..4)
            )
                .prop_map(|(op, args)| {
                    let mut m = Map::new();
                    m.insert(
                        op.to_owned(),
                        if op == "var" && !args.is_empty() {
                            args[0].clone()
                        } else {
                            Value::Array(args)
                        },
                    );
                    Value::Object(m)
                }),
            prop::collection::btree_map(".{0,6}", inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Valid expressions by construction, so that evaluation itself is exercised.
fn valid_expr() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any::<bool>().prop_map(Value::Bool),
        (-3i64..3).prop_map(Value::from),
        prop::sample::select(WORDS.to_vec()).prop_map(Value::from),
        prop::sample::select(vec![
            "",
            "x",
            "d",
            "s",
            "v.0",
            "x.0.d",
            "accumulator",
            "current",
            "0"
        ])
        .prop_map(|p| json!({ "var": p })),
    ];
    leaf.prop_recursive(5, 64, 3, |e| {
        let two = || (e.clone(), e.clone());
        let unit = prop::sample::select(vec!["day", "hour", "month", "year"]);
        prop_oneof![
            (e.clone(), e.clone(), e.clone()).prop_map(|(a, b, c)| json!({"if": [a, b, c]})),
            two().prop_map(|(a, b)| json!({"===": [a, b]})),
            two().prop_map(|(a, b)| json!({"in": [a, b]})),
            two().prop_map(|(a, b)| json!({"+": [a, b]})),
            two().prop_map(|(a, b)| json!({"and": [a, b]})),
            (
                prop::sample::select(vec![
                    "<",
                    ">",
                    "<=",
                    ">=",
                    "after",
                    "before",
                    "not-after",
                    "not-before"
                ]),
                prop::collection::vec(e.clone(), 2..4)
            )
                .prop_map(|(op, args)| {
                    let mut m = Map::new();
                    m.insert(op.to_owned(), Value::Array(args));
                    Value::Object(m)
                }),
            e.clone().prop_map(|a| json!({"!": [a]})),
            (e.clone(), -400i64..400, unit).prop_map(|(a, n, u)| json!({"plusTime": [a, n, u]})),
            (e.clone(), e.clone(), e.clone()).prop_map(|(a, b, c)| json!({"reduce": [a, b, c]})),
            (e.clone(), -1i64..6).prop_map(|(a, i)| json!({"extractFromUVCI": [a, i]})),
            e.clone().prop_map(|a| json!({"dccDateOfBirth": [a]})),
            prop::collection::vec(e, 0..3).prop_map(Value::Array),
        ]
    })
}

fn data_json() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(5, 64, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop::sample::select(vec!["x", "payload", "v", "0", "dt", "d", "s"]),
                inner,
                0..4
            )
            .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn expressions_never_panic(e in expr_json(), d in data_json()) {
        let issues = validate_expr(&e);
        match Expr::parse(&e) {
            Ok(x) => {
                prop_assert!(issues.is_empty());
                let _ = evaluate_expr(&x, &d, &EvalLimits::default());
            }
            Err(found) => {
                prop_assert_eq!(&found, &issues);
                for i in &found {
                    prop_assert!(e.pointer(&i.path).is_some(), "{} not in {}", i.path, e);
                }
            }
        }
    }

    #[test]
    fn valid_expressions_evaluate_without_panic(e in valid_expr(), d in data_json()) {
        let x = Expr::parse(&e);
        prop_assert!(x.is_ok(), "{}", e);
        if let Ok(x) = x {
            let _ = x.evaluate(&d, &EvalLimits::default());
        }
    }

    #[test]
    fn date_strings_never_panic(s in "\\PC{0,40}", n in -(1i64 << 53)..(1i64 << 53), unit in prop::sample::select(vec!["day", "hour", "month", "year"])) {
        let e = Expr::parse(&json!({"and": [
            {"plusTime": [{"var": "s"}, n, unit]},
            {"dccDateOfBirth": [{"var": "s"}]},
            {"extractFromUVCI": [{"var": "s"}, n]},
        ]})).unwrap();
        let _ = evaluate_expr(&e, &json!({"s": s}), &EvalLimits::default());
    }

    #[test]
    fn date_like_strings_never_panic(s in "[0-9]{4}(-[0-9]{2}(-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{0,12})?([+-][0-9]{0,4}:?[0-9]{0,2}|Z)?)?)?)?", n in -1_000_000i64..1_000_000) {
        let e = Expr::parse(&json!({"plusTime": [{"var": "s"}, n, "month"]})).unwrap();
        let _ = evaluate_expr(&e, &json!({"s": s}), &EvalLimits::default());
    }

    #[test]
    fn rule_bytes_never_panic(b in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = Rule::parse(&b);
        let mut vs = ValueSetCatalog::new();
        let _ = vs.add_file(&b);
        let _ = vs.add_compressed(&b);
    }

    #[test]
    fn mutated_rules_never_panic(pos in 0usize..2000, byte in any::<u8>(), cut in 0usize..2000) {
        let mut b = serde_json::to_vec(&json!({
            "Identifier": "VR-DE-0001", "Type": "Acceptance", "Country": "DE", "Version": "1.0.0",
            "SchemaVersion": "1.0.0", "Engine": "CERTLOGIC", "EngineVersion": "0.7.5",
            "CertificateType": "Vaccination",
            "Description": [{"lang": "en", "desc": "The vaccination schedule must be complete."}],
            "ValidFrom": "2021-07-03T00:00:00Z", "ValidTo": "2030-06-01T00:00:00Z",
            "AffectedFields": ["v.0", "v.0.dn", "v.0.sd"],
            "Logic": {"if": [{"var": "payload.v.0"}, {">=": [{"var": "payload.v.0.dn"}, {"var": "payload.v.0.sd"}]}, true]}
        })).unwrap();
        let n = b.len();
        b[pos % n] = byte;
        b.truncate(n - cut % 8);
        if let Ok(rule) = Rule::parse(&b) {
            let mut set = RuleSet::new();
            set.insert(rule);
        }
    }

    #[test]
    fn payload_checks_never_panic(p in data_json(), v in data_json()) {
        let mut vs = ValueSetCatalog::new();
        vs.add_compressed(br#"{"country-2-codes":["VN"]}"#).unwrap();
        let payload = json!({"dob": p, "v": [v.clone()], "t": [v.clone()], "r": [v]});
        let _ = vs.check_payload_at(&payload, UnixTime(1_650_000_000));
    }
}

#[test]
fn very_deep_input_is_refused_without_recursing() {
    let mut v = json!(1);
    for _ in 0..5000 {
        // Not `json!([v])`: that serializes `v` again, recursively.
        v = Value::Array(vec![v]);
    }
    let issues = validate_expr(&v);
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].code, ExprIssueCode::TooDeep);
    let text = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(
        Rule::parse(text.as_bytes()).unwrap_err().code(),
        "RULE_TOO_DEEP"
    );
    // Drop the deep value iteratively-ish: unwrap it level by level.
    while let Value::Array(mut a) = v {
        v = a.pop().unwrap_or(Value::Null);
    }
}
