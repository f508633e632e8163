//! Rule evaluation speed: all rules of one country for one certificate.
//!
//! `CARGO_BUILD_JOBS=1 nice -n 10 cargo bench -p hcert --bench rules`

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion};
use hcert::{
    evaluate_expr, evaluate_rule_logic, EvalError, EvalLimits, Expr, ExternalParameters, Rule,
    RuleSet, UnixTime, ValueSetCatalog,
};
use serde_json::json;

/// The allocator the native binaries (`vaxpass`) use, so the numbers are theirs.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn data() -> Option<PathBuf> {
    let root = std::env::var_os("VAXPASS_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    let dir = root.join("reference/data");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "\n========== SKIP: shared reference data not found at {} (set VAXPASS_SHARED_DIR) ==========\n",
            dir.display()
        );
        None
    }
}

fn bench(c: &mut Criterion) {
    let Some(dir) = data() else {
        return;
    };
    let mut set = RuleSet::new();
    let mut de = Vec::new();
    for country in std::fs::read_dir(dir.join("business-rules")).unwrap() {
        let country = country.unwrap().path();
        if !country.is_dir() {
            continue;
        }
        for id in std::fs::read_dir(&country).unwrap() {
            if let Ok(bytes) = std::fs::read(id.unwrap().path().join("rule.json")) {
                let rule = Rule::parse(&bytes).unwrap();
                if rule.country == "DE" {
                    de.push(rule.clone());
                }
                set.insert(rule);
            }
        }
    }
    let mut vs = ValueSetCatalog::new();
    vs.add_compressed(&std::fs::read(dir.join("valuesets/compressed-valueSets.json")).unwrap())
        .unwrap();
    let payload = json!({"ver": "1.3.0", "nam": {"fn": "Nguyễn", "fnt": "NGUYEN", "gn": "Bảo Duy", "gnt": "BAO<DUY"},
        "dob": "1990-01-01", "v": [{"tg": "840539006", "vp": "1119349007", "mp": "EU/1/20/1528",
        "ma": "ORG-100030215", "dn": 2, "sd": 2, "dt": "2021-10-01", "co": "VN", "is": "Ban Co Yeu",
        "ci": "URN:UVCI:01:VN:0123456789ABCDEF0123456789ABCDEF"}]});
    let t = |s: &str| UnixTime::parse_rfc3339(s).unwrap();
    let ext = ExternalParameters {
        validation_clock: t("2021-12-01T10:00:00Z"),
        value_sets: &vs,
        country_code: "DE",
        region: "",
        issuer_country_code: "VN",
        exp: Some(t("2025-01-30T00:00:00Z")),
        iat: Some(t("2022-04-14T15:38:07Z")),
        kid: "8w2kZxb3iC0=",
    };
    let a = set.assess(&payload, &ext, "en");
    assert_eq!(a.status.code(), "ACCEPTED");
    println!(
        "DE: {} rules held, {} selected for a vaccination",
        de.len(),
        a.rules.len()
    );
    c.bench_function("assess DE (4 selected of 128 rules held)", |b| {
        b.iter(|| set.assess(std::hint::black_box(&payload), &ext, "en"))
    });
    let external = ext.to_json();
    let limits = EvalLimits::default();
    c.bench_function("evaluate all 11 DE rules", |b| {
        b.iter(|| {
            de.iter()
                .map(|r| {
                    evaluate_rule_logic(r, Some(std::hint::black_box(&payload)), &external, &limits)
                })
                .filter(|r| {
                    r.as_ref()
                        .is_ok_and(|v| v == &serde_json::Value::Bool(true))
                })
                .count()
        })
    });
    // A hostile rule: nested reduces over a 1000 × 1000 array, cut off by the step bound.
    let hostile = Expr::parse(
        &json!({"reduce": [{"var": "x"}, {"+": [{"var": "accumulator"},
        {"reduce": [{"var": "current"}, {"+": [{"var": "accumulator"}, 1]}, 0]}]}, 0]}),
    )
    .unwrap();
    let rows = json!({"x": vec![vec![0; 1000]; 1000]});
    assert_eq!(
        evaluate_expr(&hostile, &rows, &limits),
        Err(EvalError::StepLimit)
    );
    c.bench_function("hostile rule until EVAL_STEP_LIMIT", |b| {
        b.iter(|| evaluate_expr(&hostile, std::hint::black_box(&rows), &limits))
    });
    c.bench_function("check_payload (value sets + plausibility)", |b| {
        b.iter(|| vs.check_payload_at(std::hint::black_box(&payload), t("2021-12-01T10:00:00Z")))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
