//! The shared reference data for the rules area (HCERT.md §6.4, §8), read by path from
//! `../shared` (`VAXPASS_SHARED_DIR` overrides; a loud SKIP when absent): the official
//! CertLogic suites, the EU business-rules tests, rule selection over the EU rule sets, and
//! the value sets. One binary with a module per data set.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

/// `<shared>/reference/data/<sub>`, or `None` after a loud SKIP line when it is absent.
fn data_dir(sub: &str) -> Option<PathBuf> {
    let root = std::env::var_os("VAXPASS_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    let dir = root.join("reference/data").join(sub);
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

/// The `*.json` files of a directory, sorted, with their names.
fn json_files(dir: &Path) -> Vec<(String, serde_json::Value)> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|p| {
            let v = serde_json::from_slice(&std::fs::read(&p).unwrap())
                .unwrap_or(serde_json::Value::Null);
            (p.file_name().unwrap().to_string_lossy().into_owned(), v)
        })
        .collect()
}

/// The `<CC>/<ID>` folders of the business-rules data, sorted.
fn rule_dirs(root: &Path) -> Vec<PathBuf> {
    let dirs = |p: &Path| -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(p)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        v.sort();
        v
    };
    dirs(root)
        .into_iter()
        .filter(|c| c.file_name().is_some_and(|n| n.len() == 2))
        .flat_map(|c| dirs(&c))
        .collect()
}

/// The official CertLogic test suites (HCERT.md §6.4): `testSuite/` (14 files, 232
/// assertions) and `validation-testSuite/` (4 files, 23 cases).
mod certlogic_suites {
    use hcert::{run_evaluation_suite, run_validation_suite, SuiteReport};

    fn print(name: &str, r: &SuiteReport) {
        for f in &r.failures {
            println!(
                "FAIL {name}: {} / {} / {:?}: {}",
                f.file, f.case, f.assertion, f.detail
            );
        }
        println!(
            "{name}: {} total, {} skipped ({} of them would agree), {} passed, {} failed",
            r.total,
            r.skipped,
            r.skipped_but_agreeing,
            r.passed,
            r.failed()
        );
    }

    #[test]
    fn evaluation_suite() {
        let Some(dir) = crate::data_dir("certlogic/testSuite") else {
            return;
        };
        let files = crate::json_files(&dir);
        assert_eq!(files.len(), 14);
        let refs: Vec<(&str, &serde_json::Value)> =
            files.iter().map(|(n, v)| (n.as_str(), v)).collect();
        let r = run_evaluation_suite(&refs);
        print("testSuite", &r);
        // 232 assertions; 14 skipped by the suite itself (the 10 of patched-reduce.json and 4
        // null-rhs `in` assertions of ins-with-nulls.json); every other one must agree.
        assert_eq!(
            (r.total, r.skipped, r.passed, r.failed()),
            (232, 14, 218, 0)
        );
    }

    #[test]
    fn validation_suite() {
        let Some(dir) = crate::data_dir("certlogic/validation-testSuite") else {
            return;
        };
        let files = crate::json_files(&dir);
        let refs: Vec<(&str, &serde_json::Value)> =
            files.iter().map(|(n, v)| (n.as_str(), v)).collect();
        let r = run_validation_suite(&refs);
        print("validation-testSuite", &r);
        assert_eq!((r.total, r.skipped, r.passed, r.failed()), (23, 0, 23, 0));
    }
}

/// The EU business-rules test data (HCERT.md §6.4): every `<CC>/<ID>/rule.json` must parse
/// and validate, and every `<CC>/<ID>/tests/*.json` must give its expected result.
mod business_rules {
    use std::collections::BTreeMap;

    use hcert::{run_rule_test, EvalLimits, Rule, RuleTestOutcome};

    #[test]
    fn rules_and_their_tests() {
        let Some(dir) = crate::data_dir("business-rules") else {
            return;
        };
        let (mut rules, mut passed, mut failed) = (0usize, 0usize, 0usize);
        let mut outcomes: BTreeMap<&'static str, usize> = BTreeMap::new();
        let mut extra = Vec::new();
        {
            for id in crate::rule_dirs(&dir) {
                if !id.join("rule.json").is_file() {
                    // MT publishes `<ID>.json` without tests; the reference tooling ignores these
                    // folders. We parse them as extra rule samples.
                    for (name, _) in crate::json_files(&id) {
                        let bytes = std::fs::read(id.join(&name)).unwrap();
                        let code = Rule::parse(&bytes).map_or_else(|e| e.code(), |_| "OK");
                        extra.push(format!(
                            "{}/{name}: {code}",
                            id.file_name().unwrap().to_string_lossy()
                        ));
                    }
                    continue;
                }
                let bytes = std::fs::read(id.join("rule.json")).unwrap();
                let rule = match Rule::parse(&bytes) {
                    Ok(r) => r,
                    Err(e) => {
                        println!("FAIL {}: rule refused: {e}", id.display());
                        failed += 1;
                        continue;
                    }
                };
                rules += 1;
                assert_eq!(
                    id.file_name().unwrap().to_str(),
                    Some(rule.identifier.as_str())
                );
                let tests = id.join("tests");
                if !tests.is_dir() {
                    continue;
                }
                for (name, test) in crate::json_files(&tests) {
                    let outcome = run_rule_test(&rule, &test, &EvalLimits::default());
                    // The real rules need little of the step budget: all agree with 200 steps.
                    let tight = EvalLimits {
                        max_steps: 200,
                        ..EvalLimits::default()
                    };
                    assert_eq!(run_rule_test(&rule, &test, &tight), outcome, "{name}");
                    let key = match &outcome {
                        RuleTestOutcome::Agreed => "agreed",
                        RuleTestOutcome::Disagreed { .. } => "disagreed",
                        RuleTestOutcome::EvalError(_) => "eval-error",
                        RuleTestOutcome::ClockOutsideValidity => "clock-outside-validity",
                        RuleTestOutcome::Malformed => "malformed",
                    };
                    *outcomes.entry(key).or_default() += 1;
                    if outcome == RuleTestOutcome::Agreed {
                        passed += 1;
                    } else {
                        failed += 1;
                        println!("FAIL {}/{name}: {outcome:?}", id.display());
                    }
                }
            }
        }
        println!("rules parsed: {rules}; outcomes: {outcomes:?}");
        println!("rules without tests: {extra:#?}");
        println!("business-rules: {passed} passed, {failed} failed");
        assert_eq!((rules, passed, failed), (128, 877, 0));
        assert_eq!(
            extra,
            [
                "GR-MT-0000/GR-MT-0000.json: OK",
                "RR-MT-0001/RR-MT-0001.json: OK",
                // A truncated file.
                "RR-MT-0001/TR-MT-0001.json: RULE_JSON_INVALID",
                "TR-MT-0002/TR-MT-0002.json: OK",
                "VR-MT-0002/VR-MT-0002.json: OK",
                "VR-MT-0003/VR-MT-0003.json: OK",
                "VR-MT-0004/VR-MT-0004.json: OK",
                // An `if` with four operands (certlogic-js refuses it too).
                "VR-MT-0005/VR-MT-0005.json: RULE_LOGIC_INVALID",
            ]
        );
    }
}

/// Rule selection and country answers (HCERT.md §6.2) over the shared EU rule sets.
mod assessment {
    use hcert::{
        AcceptanceStatus, ExternalParameters, OpenReason, Rule, RuleCertificateType, RuleOutcome,
        RuleSet, UnixTime, ValueSetCatalog,
    };
    use serde_json::{json, Value};

    fn rule_set() -> Option<RuleSet> {
        let dir = crate::data_dir("business-rules")?;
        let mut set = RuleSet::new();
        for id in crate::rule_dirs(&dir) {
            if let Ok(bytes) = std::fs::read(id.join("rule.json")) {
                set.insert(Rule::parse(&bytes).unwrap());
            }
        }
        Some(set)
    }

    fn value_sets() -> ValueSetCatalog {
        let mut vs = ValueSetCatalog::new();
        if let Some(dir) = crate::data_dir("valuesets") {
            vs.add_compressed(&std::fs::read(dir.join("compressed-valueSets.json")).unwrap())
                .unwrap();
        }
        vs
    }

    fn t(s: &str) -> UnixTime {
        UnixTime::parse_rfc3339(s).unwrap()
    }

    fn vaccination(mp: &str, dn: u32, sd: u32, dt: &str) -> Value {
        json!({"ver": "1.3.0", "nam": {"fnt": "X"}, "dob": "1990-01-01", "v": [{"tg": "840539006",
        "vp": "1119349007", "mp": mp, "ma": "ORG-100030215", "dn": dn, "sd": sd, "dt": dt, "co": "VN",
        "is": "x", "ci": "URN:UVCI:01:VN:1"}]})
    }

    fn external<'a>(
        vs: &'a ValueSetCatalog,
        country: &'a str,
        clock: &str,
    ) -> ExternalParameters<'a> {
        ExternalParameters {
            validation_clock: t(clock),
            value_sets: vs,
            country_code: country,
            region: "",
            issuer_country_code: "VN",
            exp: Some(t("2025-01-30T00:00:00Z")),
            iat: Some(t("2022-04-14T15:38:07Z")),
            kid: "8w2kZxb3iC0=",
        }
    }

    #[test]
    fn germany() {
        let Some(set) = rule_set() else {
            return;
        };
        let vs = value_sets();
        let ext = external(&vs, "DE", "2021-12-01T10:00:00Z");
        let a = set.assess(&vaccination("EU/1/20/1528", 2, 2, "2021-10-01"), &ext, "de");
        let outcomes: Vec<(&str, &str)> = a
            .rules
            .iter()
            .map(|r| (r.identifier.as_str(), r.outcome.code()))
            .collect();
        assert_eq!(
            outcomes,
            [
                ("VR-DE-0001", "PASSED"),
                ("VR-DE-0002", "PASSED"),
                ("VR-DE-0003", "PASSED"),
                ("VR-DE-0004", "PASSED")
            ]
        );
        assert_eq!(a.status, AcceptanceStatus::Accepted);
        assert_eq!(a.rules[0].description_lang, "de");
        assert_eq!(a.rules[0].affected_fields, ["v.0", "v.0.dn", "v.0.sd"]);
        // Sinopharm, incomplete, and 14 days not yet elapsed.
        let a = set.assess(&vaccination("BBIBP-CorV", 1, 2, "2021-11-25"), &ext, "vi");
        let failed: Vec<&str> = a
            .rules
            .iter()
            .filter(|r| r.outcome == RuleOutcome::Fail)
            .map(|r| r.identifier.as_str())
            .collect();
        assert_eq!(failed, ["VR-DE-0001", "VR-DE-0002", "VR-DE-0003"]);
        assert_eq!(a.status, AcceptanceStatus::NotAccepted);
        assert_eq!(a.rules[0].description_lang, "en");
        // A payload the rules cannot read: dates that plusTime refuses make rules OPEN.
        let a = set.assess(
            &vaccination("EU/1/20/1528", 2, 2, "2021-10-01 00:00"),
            &ext,
            "en",
        );
        assert_eq!(a.status, AcceptanceStatus::CannotAssess);
        assert!(a
            .rules
            .iter()
            .any(|r| r.open_reason == Some(OpenReason::Eval(hcert::EvalError::DateFormat))));
        // DCC schema major 2 against rules for 1.x.
        let mut p = vaccination("EU/1/20/1528", 2, 2, "2021-10-01");
        p["ver"] = json!("2.0.0");
        let a = set.assess(&p, &ext, "en");
        assert!(a
            .rules
            .iter()
            .all(|r| r.open_reason == Some(OpenReason::SchemaVersion)));
        assert_eq!(a.status.code(), "CANNOT_ASSESS");
    }

    #[test]
    fn countries_without_rules_never_accept() {
        let Some(set) = rule_set() else {
            return;
        };
        let vs = value_sets();
        let p = vaccination("EU/1/20/1528", 2, 2, "2021-10-01");
        for country in ["VN", "SE", "XX", ""] {
            let a = set.assess(&p, &external(&vs, country, "2021-12-01T10:00:00Z"), "en");
            assert_eq!(
                (a.status.code(), a.reason.code()),
                ("CANNOT_ASSESS", "RULES_NONE_FOR_COUNTRY"),
                "{country}"
            );
        }
        // Before any DE rule is in force.
        let a = set.assess(&p, &external(&vs, "DE", "2021-06-01T00:00:00Z"), "en");
        assert_eq!(
            (a.status.code(), a.reason.code()),
            ("CANNOT_ASSESS", "RULES_NONE_APPLICABLE")
        );
        // Neither v, t nor r.
        let a = set.assess(
            &json!({"ver": "1.3.0"}),
            &external(&vs, "DE", "2021-12-01T10:00:00Z"),
            "en",
        );
        assert_eq!(a.reason.code(), "RULES_CERTIFICATE_TYPE_UNKNOWN");
    }

    #[test]
    fn selection_picks_the_newest_version_in_force() {
        let Some(set) = rule_set() else {
            return;
        };
        // CZ publishes several versions; count what is selected per type at one moment.
        for (country, ty) in [
            ("AT", RuleCertificateType::Vaccination),
            ("CZ", RuleCertificateType::Test),
        ] {
            let sel = set.select(country, "", "", ty, t("2022-03-01T00:00:00Z"));
            let mut ids: Vec<&str> = sel.iter().map(|r| r.identifier.as_str()).collect();
            let n = ids.len();
            ids.dedup();
            assert_eq!(ids.len(), n, "one version per identifier");
            assert!(sel
                .iter()
                .all(|r| r.country == country && r.in_force_at(t("2022-03-01T00:00:00Z"))));
            assert!(sel.iter().all(
                |r| matches!(r.certificate_type, RuleCertificateType::General)
                    || r.certificate_type == ty
            ));
        }
    }

    #[test]
    fn external_object_shape() {
        let vs = value_sets();
        let e = external(&vs, "DE", "2021-12-01T10:00:00Z").to_json();
        let keys: Vec<&str> = e.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "validationClock",
                "valueSets",
                "countryCode",
                "exp",
                "iat",
                "issuerCountryCode",
                "kid",
                "region"
            ]
        );
        assert_eq!(e["validationClock"], "2021-12-01T10:00:00Z");
        assert_eq!(e["exp"], "2025-01-30");
        assert_eq!(e["iat"], "2022-04-14");
    }
}

/// Value sets (HCERT.md §8) and payload checks over the shared examples.
mod valuesets {
    use std::collections::BTreeMap;

    use hcert::{FindingCode, UnixTime, ValueSetCatalog};
    use serde_json::{json, Value};

    fn load() -> Option<ValueSetCatalog> {
        let dir = crate::data_dir("valuesets")?;
        let mut vs = ValueSetCatalog::new();
        for (name, _) in crate::json_files(&dir) {
            if name != "compressed-valueSets.json" {
                vs.add_file(&std::fs::read(dir.join(&name)).unwrap())
                    .unwrap();
            }
        }
        Some(vs)
    }

    /// The Vietnamese QA sample's payload (HCERT.md §9), name and UVCI shortened.
    fn vn_sample() -> Value {
        json!({"ver": "1.3.0", "nam": {"fn": "Nguyễn", "gn": "Bảo Duy", "fnt": "NGUYEN", "gnt": "BAO<DUY"},
        "dob": "1990-01-01", "v": [{"tg": "840539006", "vp": "J07BX03", "mp": "EU/1/21/1529",
        "ma": "ORG-100030215", "dn": 2, "sd": 2, "dt": "2021-03-18", "co": "VN", "is": "Ban Co Yeu",
        "ci": "URN:UVCI:01:VN:0123456789ABCDEF0123456789ABCDEF"}]})
    }

    #[test]
    fn files_load() {
        let Some(vs) = load() else {
            return;
        };
        let sizes: BTreeMap<&str, usize> =
            vs.ids().map(|id| (id, vs.get(id).unwrap().len())).collect();
        println!("{sizes:?}");
        assert_eq!(sizes.len(), 9);
        assert_eq!(sizes["country-2-codes"], 250);
        assert_eq!(sizes["vaccines-covid-19-names"], 39);
        assert_eq!(sizes["vaccines-covid-19-auth-holders"], 31);
        assert_eq!(vs.encoding_instructions().len(), 39);
        assert!(vs.as_certlogic()["country-2-codes"]
            .as_array()
            .unwrap()
            .contains(&json!("VN")));
        let dir = crate::data_dir("valuesets").unwrap();
        let mut compressed = ValueSetCatalog::new();
        assert_eq!(
            compressed
                .add_compressed(&std::fs::read(dir.join("compressed-valueSets.json")).unwrap()),
            Ok(9)
        );
    }

    #[test]
    fn vietnamese_sample() {
        let Some(vs) = load() else {
            return;
        };
        let f = vs.check_payload_at(
            &vn_sample(),
            UnixTime::parse_rfc3339("2022-04-14T15:38:07Z").unwrap(),
        );
        let got: Vec<(&str, &str, &str, Option<&str>)> = f
            .iter()
            .map(|f| {
                (
                    f.code.code(),
                    f.field.as_str(),
                    f.value.as_str(),
                    f.expected.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("VALUESET_DEPRECATED_CODE", "v.0.vp", "J07BX03", None),
                (
                    "PLAUSIBILITY_MP_MA_MISMATCH",
                    "v.0.ma",
                    "ORG-100030215",
                    Some("ORG-100001699")
                ),
            ]
        );
    }

    #[test]
    fn schema_examples_and_rule_test_payloads() {
        let (Some(vs), Some(schemas), Some(rules)) = (
            load(),
            crate::data_dir("schemas"),
            crate::data_dir("business-rules"),
        ) else {
            return;
        };
        let mut per_file = Vec::new();
        for sub in [
            "examples/vaccination",
            "examples/test",
            "examples/recovery",
            "tests/valid",
        ] {
            for (name, payload) in crate::json_files(&schemas.join(sub)) {
                let codes: Vec<&str> = vs
                    .check_payload(&payload)
                    .iter()
                    .map(|f| f.code.code())
                    .collect();
                if !codes.is_empty() {
                    per_file.push(format!("{sub}/{name}: {}", codes.join(",")));
                }
            }
        }
        println!("{per_file:#?}");
        assert_eq!(
        per_file,
        [
            // Janssen (a vector vaccine) coded with vp 1119349007 (mRNA).
            "examples/vaccination/standard_case_1-of-1-janssen.json: PLAUSIBILITY_VP_MP_MISMATCH",
            // Device 532 is not in the example device list (the live JRC list is longer).
            "examples/test/simple-rat.json: VALUESET_UNKNOWN_CODE",
            // `co: UNHCR` passes the schema pattern but is no ISO 3166 code.
            "tests/valid/R-dates1.json: VALUESET_UNKNOWN_CODE",
            "tests/valid/R-dates2.json: VALUESET_UNKNOWN_CODE",
            // fr 2021-01-01, du 2021-11-28: more than 180 days.
            "tests/valid/R-min-data.json: PLAUSIBILITY_RECOVERY_VALIDITY_TOO_LONG",
            "tests/valid/T-rat-dates1.json: VALUESET_UNKNOWN_CODE,VALUESET_UNKNOWN_CODE",
            "tests/valid/T-rat-dates2.json: VALUESET_UNKNOWN_CODE",
            "tests/valid/T-rat-dates3.json: VALUESET_UNKNOWN_CODE",
            "tests/valid/T-rat-min-data.json: VALUESET_UNKNOWN_CODE",
            "tests/valid/V-dates1.json: VALUESET_UNKNOWN_CODE",
        ]
    );
        // Every payload of the business-rules tests, many deliberately broken: no panic, and a
        // tally of what the checks see.
        let mut tally: BTreeMap<&'static str, usize> = BTreeMap::new();
        let mut payloads = 0;
        let clock = UnixTime::parse_rfc3339("2021-08-01T00:00:00Z").unwrap();
        for id in crate::rule_dirs(&rules) {
            let tests = id.join("tests");
            if !tests.is_dir() {
                continue;
            }
            for (_, test) in crate::json_files(&tests) {
                let Some(p) = test.get("payload") else {
                    continue;
                };
                payloads += 1;
                for f in vs.check_payload_at(p, clock) {
                    *tally.entry(f.code.code()).or_default() += 1;
                }
            }
        }
        println!("{payloads} payloads: {tally:#?}");
        assert_eq!(payloads, 876);
        assert!(tally
            .get(FindingCode::UnknownCode.code())
            .is_some_and(|n| *n > 0));
    }
}
