//! The portal's acceptance answers (`acceptance`), natively: the engine the scanner worker
//! runs, fed with the published form of the EU business rules of 12 countries and the EU value
//! sets from the shared reference data (`VAXPASS_SHARED_DIR` overrides `../shared`; a loud SKIP
//! when absent).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use hcert::AcceptanceStatus::{Accepted, CannotAssess, NotAccepted};
use hcert::AssessmentReason;
use hcert::RuleOutcome::{Fail, Passed};
use serde_json::{json, Value};
use vaxpass_app::acceptance::{html, CountryAnswer, Engine, Reply, Request};
use vaxpass_testkit::shared::reference_data as data_dir;

const DAY: i64 = 86_400;

/// `rules/rules.json` and `rules/valuesets.json` as `vaxpass publish` writes them, from the
/// shared business rules and value sets.
fn published() -> Option<(Vec<u8>, Vec<u8>, usize)> {
    let rules_dir = data_dir("business-rules")?;
    let sets_dir = data_dir("valuesets")?;
    let mut rules = Vec::new();
    for country in std::fs::read_dir(&rules_dir).unwrap() {
        let country = country.unwrap().path();
        if !country.is_dir() {
            continue;
        }
        for rule in std::fs::read_dir(&country).unwrap() {
            let file = rule.unwrap().path().join("rule.json");
            if file.is_file() {
                rules.push(serde_json::from_slice::<Value>(&std::fs::read(file).unwrap()).unwrap());
            }
        }
    }
    let mut sets = Vec::new();
    for f in std::fs::read_dir(&sets_dir).unwrap() {
        let p = f.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".json") && !name.starts_with("compressed") {
            let v: Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
            if v.get("valueSetId").is_some() {
                sets.push(v);
            }
        }
    }
    let n = rules.len();
    Some((
        serde_json::to_vec(&json!({"version": 1, "rules": rules})).unwrap(),
        serde_json::to_vec(&json!({"version": 1, "valuesets": sets})).unwrap(),
        n,
    ))
}

/// 2026-06-01T12:00:00Z.
const AT: i64 = 1_780_315_200;

fn date(t: i64) -> String {
    hcert::UnixTime(t).date_utc()
}

/// A complete Comirnaty primary course, second dose `days` before [`AT`].
fn vaccination(days: i64, dn: u32, sd: u32) -> Request {
    Request {
        payload: json!({
            "ver": "1.3.0",
            "nam": {"fn": "Nguyen", "fnt": "NGUYEN", "gn": "Van An", "gnt": "VAN<AN"},
            "dob": "1990-01-01",
            "v": [{
                "tg": "840539006", "vp": "1119349007", "mp": "EU/1/20/1528",
                "ma": "ORG-100030215", "dn": dn, "sd": sd, "dt": date(AT - days * DAY),
                "co": "VN", "is": "Ministry of Health of Viet Nam",
                "ci": "URN:UVCI:01:VN:ABCDEFGHIJ#K"
            }]
        }),
        issuer: "VN".into(),
        exp: Some(AT + 300 * DAY),
        iat: Some(AT - days * DAY),
        kid: "AAAAAAAAAAA=".into(),
        countries: vec!["DE".into()],
        region: String::new(),
        at: AT,
        lang: "vi".into(),
        until: false,
    }
}

fn one(engine: &Engine, req: &Request) -> CountryAnswer {
    let mut a = engine.answer(req);
    assert_eq!(a.len(), 1);
    a.remove(0)
}

#[test]
fn germany_accepts_a_complete_course_and_names_the_dose_age_rule_it_fails() {
    let Some((rules, sets, _)) = published() else {
        return;
    };
    let engine = Engine::load(&rules, &sets).unwrap();
    let ok = one(&engine, &vaccination(30, 2, 2));
    assert_eq!(
        (ok.status, ok.reason),
        (Accepted, AssessmentReason::AllPassed),
        "{:#?}",
        ok.rules
            .iter()
            .filter(|r| r.outcome != Passed)
            .collect::<Vec<_>>()
    );
    assert!(ok.rules.iter().any(|r| r.identifier == "VR-DE-0003"));
    assert!(ok.rules.iter().all(|r| r.outcome == Passed));
    // Five days after the last dose of the primary course: VR-DE-0003 (14 days) fails, is
    // listed first, and is described in English, as DE publishes no Vietnamese text.
    let early = one(&engine, &vaccination(5, 2, 2));
    assert_eq!(early.status, NotAccepted);
    assert_eq!(early.rules[0].identifier, "VR-DE-0003");
    assert_eq!(early.rules[0].outcome, Fail);
    assert_eq!(early.rules[0].lang, "en");
    assert!(early.rules[0].description.contains("14 days"));
    // The same certificate in English, ten days later (15 days after the dose).
    let mut later = vaccination(5, 2, 2);
    later.lang = "en".into();
    later.at += 10 * DAY;
    assert_eq!(one(&engine, &later).status, Accepted);
}

#[test]
fn a_country_without_rules_cannot_be_assessed_and_never_accepts() {
    let Some((rules, sets, _)) = published() else {
        return;
    };
    let engine = Engine::load(&rules, &sets).unwrap();
    let mut req = vaccination(30, 2, 2);
    req.countries = vec!["jp".into()];
    let a = one(&engine, &req);
    assert_eq!(
        (a.country.as_str(), a.status, a.reason),
        ("JP", CannotAssess, AssessmentReason::NoRulesForCountry)
    );
    assert!(a.rules.is_empty());
    // And with no rules published at all.
    let empty = Engine::load(br#"{"version": 1, "rules": []}"#, &sets).unwrap();
    assert!(empty.countries().is_empty());
    req.countries = vec!["DE".into()];
    assert_eq!(one(&empty, &req).status, CannotAssess);
}

#[test]
fn the_traveller_view_covers_every_country_with_rules_and_says_until_when() {
    let Some((rules, sets, n)) = published() else {
        return;
    };
    let engine = Engine::load(&rules, &sets).unwrap();
    assert!(n >= 100, "{n} rules");
    // Every country folder with a rule in the `<CC>/<ID>/rule.json` layout (MT's rules are in
    // another layout and are not published).
    let with_rules = std::fs::read_dir(data_dir("business-rules").unwrap())
        .unwrap()
        .filter(|c| {
            let c = c.as_ref().unwrap().path();
            c.is_dir()
                && std::fs::read_dir(&c)
                    .unwrap()
                    .any(|r| r.unwrap().path().join("rule.json").is_file())
        })
        .count();
    assert_eq!(
        engine.countries().len(),
        with_rules,
        "{:?}",
        engine.countries()
    );
    let mut req = vaccination(30, 2, 2);
    req.countries.clear();
    req.until = true;
    let answers = engine.answer(&req);
    assert_eq!(answers.len(), with_rules);
    let de = answers.iter().find(|a| a.country == "DE").unwrap();
    assert_eq!(de.status, Accepted);
    // Until when: the day found must be accepted and the next day not (or the horizon
    // reached, still accepted).
    for a in answers.iter().filter(|a| a.status == Accepted) {
        let mut probe = req.clone();
        probe.countries = vec![a.country.clone()];
        probe.until = false;
        match (a.until, a.beyond) {
            (Some(last), None) => {
                probe.at = last;
                assert_eq!(
                    one(&engine, &probe).status,
                    Accepted,
                    "{} on {}",
                    a.country,
                    date(last)
                );
                probe.at = last + DAY;
                assert_ne!(
                    one(&engine, &probe).status,
                    Accepted,
                    "{} after {}",
                    a.country,
                    date(last)
                );
            }
            (None, Some(end)) => {
                assert!(end <= req.exp.unwrap());
                probe.at = end;
                assert_eq!(
                    one(&engine, &probe).status,
                    Accepted,
                    "{} at the end",
                    a.country
                );
            }
            other => panic!("{}: {other:?}", a.country),
        }
    }
    // Order: accepted first, then not accepted, then cannot assess.
    let ranks: Vec<u8> = answers
        .iter()
        .map(|a| match a.status {
            Accepted => 0,
            NotAccepted => 1,
            CannotAssess => 2,
        })
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
    // Dose 1 of 2 is not a complete course for Germany.
    let mut partial = vaccination(30, 1, 2);
    partial.countries.clear();
    let partial = engine.answer(&partial);
    let de = partial.iter().find(|a| a.country == "DE").unwrap();
    assert_eq!(de.status, NotAccepted);
    assert!(de.rules.iter().any(|r| r.outcome == Fail));
    // The destinations offered: every country code, the 12 with rules marked.
    let offered = engine.destinations();
    assert!(offered.len() > 200, "{}", offered.len());
    let ruled: Vec<&str> = offered
        .iter()
        .filter(|(_, r)| *r)
        .map(|(c, _)| c.as_str())
        .collect();
    assert_eq!(ruled, engine.countries());
}

#[test]
fn damaged_rule_files_assess_nothing() {
    let Some((_, sets, _)) = published() else {
        return;
    };
    for bad in [
        &b"{not json"[..],
        br#"{"version": 2, "rules": []}"#,
        br#"{"version": 1}"#,
        br#"{"version": 1, "rules": [{"Identifier": "VR-XX-0001"}]}"#,
    ] {
        assert!(
            Engine::load(bad, &sets).is_err(),
            "{}",
            String::from_utf8_lossy(bad)
        );
    }
    assert!(Engine::load(br#"{"version": 1, "rules": []}"#, b"[]").is_err());
}

#[test]
fn a_saved_destination_is_a_country_code_or_nothing() {
    use vaxpass_app::acceptance::parse_destination;
    assert_eq!(parse_destination(" de ").as_deref(), Some("DE"));
    assert_eq!(parse_destination(""), None);
    assert_eq!(parse_destination("DEU"), None);
    assert_eq!(parse_destination("D1"), None);
}

#[test]
fn the_markup_escapes_partner_text_and_carries_what_the_page_and_tests_read() {
    assert_eq!(
        html::escape(r#"<img src=x onerror="a('b')">&"#),
        "&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;"
    );
    let evil = CountryAnswer {
        country: "DE".into(),
        status: NotAccepted,
        reason: AssessmentReason::RuleFailed,
        rules: vec![vaxpass_app::acceptance::RuleLine {
            identifier: "VR-DE-0003".into(),
            outcome: Fail,
            open_reason: None,
            description: "<script>alert(1)</script>".into(),
            lang: "en".into(),
        }],
        until: None,
        beyond: None,
    };
    let reply = Reply {
        answers: vec![evil],
        error: None,
        ms: 0.25,
    };
    let name = |c: &str| format!("<{c}>");
    let at = hcert::UnixTime(AT);
    let vi = html::answer(vaxpass_app::i18n::Lang::Vi, &reply, at, at, &name);
    assert!(!vi.contains("<script>") && !vi.contains("<DE>"), "{vi}");
    assert!(vi.contains(r#"data-status="NOT_ACCEPTED""#));
    assert!(vi.contains(r#"data-rule="VR-DE-0003" data-outcome="FAIL""#));
    assert!(
        vi.contains("không đạt") && vi.contains("bằng tiếng Anh"),
        "{vi}"
    );
    let en = html::answer(vaxpass_app::i18n::Lang::En, &reply, at, at, &name);
    assert!(
        en.contains("not met") && !en.contains("bằng tiếng Anh"),
        "{en}"
    );
    // No answer (the rules could not be read): cannot assess, never accepted.
    let none = Reply {
        answers: Vec::new(),
        error: Some("rule 3: bad".into()),
        ms: 0.0,
    };
    let h = html::answer(vaxpass_app::i18n::Lang::En, &none, at, at, &name);
    assert!(h.contains(r#"data-status="CANNOT_ASSESS""#), "{h}");
    let t = html::traveller(vaxpass_app::i18n::Lang::En, &reply, &name);
    assert!(
        t.contains(r#"data-country="DE" data-status="NOT_ACCEPTED""#),
        "{t}"
    );
    assert!(t.contains("not accepted: rule VR-DE-0003"), "{t}");
    let o = html::options(
        vaxpass_app::i18n::Lang::En,
        &[("DE".into(), true), ("JP".into(), false)],
        Some("JP"),
        &|c| c.to_string(),
    );
    assert!(
        o.contains(r#"<option value="JP" data-rules="false" selected>JP –</option>"#),
        "{o}"
    );
    assert!(
        o.contains(r#"<option value="DE" data-rules="true">DE</option>"#),
        "{o}"
    );
}
