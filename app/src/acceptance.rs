//! Acceptance: may this certificate's holder board, check in or enter under a destination's
//! business rules on a given date (issue 12, HCERT.md §6)? And, for a traveller, where is it
//! accepted and until when?
//!
//! The rules and the value sets come from the signed lists (`rules/rules.json`,
//! `rules/valuesets.json`, checked with the rest of the publication by `hcert::load_lists`).
//! The CertLogic engine (`hcert::rules`) and these answers' markup live in the scanner worker,
//! not on the page: loaded after first paint, they never count against the first load. The
//! page asks only once its verdict is VALID, and sends the certificate's payload and claims
//! ([`Certificate`]) to its own worker, never to the network; the worker builds a
//! [`Request`], runs the [`Engine`] and answers with the markup of [`html`]. Authenticity and acceptance stay
//! apart: an answer here never makes a certificate valid.
//!
//! Why the worker renders: on the page, the acceptance views as Leptos view trees cost 40 KB
//! gzip of first load, and the JSON round trip of typed answers about 10 KB more (measured
//! with `./dev build-portal`: 309,533 B → 269,087 B without the views; 297,849 B with the
//! answers rendered as HTML on the page). The page now only places strings.

/// One day, in seconds.
const DAY: i64 = 86_400;
/// How far ahead "until when" looks.
const HORIZON_DAYS: i64 = 366;
/// The step of the forward scan before bisection narrows a change down to the day.
const STEP_DAYS: i64 = 7;

/// What the page asks the worker.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The certificate's payload (the DCC JSON, `hcert`'s `dcc.json`).
    pub payload: serde_json::Value,
    /// CWT `iss`: the issuing country.
    pub issuer: String,
    /// CWT `exp` (seconds).
    pub exp: Option<i64>,
    /// CWT `iat` (seconds).
    pub iat: Option<i64>,
    /// COSE `kid`, standard Base64.
    pub kid: String,
    /// Countries of arrival; empty: every country with rules (the traveller view).
    pub countries: Vec<String>,
    /// Region of the country of arrival (`""` for none).
    pub region: String,
    /// The validation moment (seconds).
    pub at: i64,
    /// Language of the rule descriptions (`vi`, `en`; English is the fallback).
    pub lang: String,
    /// Also find until when an accepted certificate stays accepted.
    pub until: bool,
}

/// One rule's result, as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleLine {
    /// Rule identifier (`VR-DE-0003`).
    pub identifier: String,
    /// Passed, failed or open.
    pub outcome: hcert::RuleOutcome,
    /// Why it is open.
    pub open_reason: Option<hcert::OpenReason>,
    /// The rule's description in the language asked for, else English.
    pub description: String,
    /// The language of the description.
    pub lang: String,
}

/// The answer for one country of arrival.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryAnswer {
    /// Country of arrival.
    pub country: String,
    /// Accepted, not accepted or cannot assess.
    pub status: hcert::AcceptanceStatus,
    /// Why.
    pub reason: hcert::AssessmentReason,
    /// Every selected rule, failed ones first.
    pub rules: Vec<RuleLine>,
    /// For an accepted certificate asked with [`Request::until`]: the last day (start, in
    /// seconds) on which it is still accepted. `None` with [`CountryAnswer::beyond`] set: still
    /// accepted at the end of the horizon or at the certificate's expiry, whichever is first.
    pub until: Option<i64>,
    /// Accepted through the whole horizon (see [`CountryAnswer::until`]).
    pub beyond: Option<i64>,
}

/// The worker's reply.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// One answer per country asked (or per country with rules).
    pub answers: Vec<CountryAnswer>,
    /// Why nothing could be assessed (the rules file could not be read), if so.
    pub error: Option<String>,
    /// Evaluation time in the worker, milliseconds (for the benchmarks).
    pub ms: f64,
}

/// The rules and value sets of one publication, parsed once.
pub struct Engine {
    rules: hcert::RuleSet,
    value_sets: hcert::ValueSetCatalog,
    countries: Vec<String>,
}

impl Engine {
    /// From the bytes of `rules/rules.json` and `rules/valuesets.json`. A rule the engine
    /// refuses makes the whole file unusable: the publisher checked every rule, so a refusal
    /// here means the file is not what was published, and no country is then assessed.
    pub fn load(rules_json: &[u8], value_sets_json: &[u8]) -> Result<Engine, String> {
        let rules = hcert::RuleSet::from_published(rules_json)
            .map_err(|(i, id, e)| format!("rule {i} {id}: {e}"))?;
        let value_sets = hcert::ValueSetCatalog::from_published(value_sets_json)
            .map_err(|e| format!("value sets: {e}"))?;
        let mut countries: Vec<String> = rules
            .rules()
            .iter()
            .filter(|r| r.rule_type == hcert::RuleType::Acceptance)
            .map(|r| r.country.clone())
            .collect();
        countries.sort();
        countries.dedup();
        Ok(Engine {
            rules,
            value_sets,
            countries,
        })
    }

    /// Countries of arrival with acceptance rules, sorted.
    pub fn countries(&self) -> &[String] {
        &self.countries
    }

    /// The countries a verifier can choose as destination, sorted by code, each with whether
    /// rules are published for it: every code of the `country-2-codes` value set, and every
    /// country with acceptance rules.
    pub fn destinations(&self) -> Vec<(String, bool)> {
        let mut all: std::collections::BTreeSet<&str> =
            self.countries.iter().map(String::as_str).collect();
        if let Some(set) = self.value_sets.get("country-2-codes") {
            all.extend(set.codes().map(|(c, _)| c));
        }
        all.into_iter()
            .map(|c| (c.to_string(), self.countries.iter().any(|r| r == c)))
            .collect()
    }

    fn assess(&self, req: &Request, country: &str, at: i64) -> hcert::Assessment {
        let external = hcert::ExternalParameters {
            validation_clock: hcert::UnixTime(at),
            value_sets: &self.value_sets,
            country_code: country,
            region: &req.region,
            issuer_country_code: &req.issuer,
            exp: req.exp.map(hcert::UnixTime),
            iat: req.iat.map(hcert::UnixTime),
            kid: &req.kid,
        };
        self.rules.assess(&req.payload, &external, &req.lang)
    }

    fn accepted(&self, req: &Request, country: &str, at: i64) -> bool {
        self.assess(req, country, at).status == hcert::AcceptanceStatus::Accepted
    }

    /// Until when a certificate accepted at `at` stays accepted: scanned forward a week at a
    /// time to the horizon (a year, or the certificate's expiry if sooner), the first change
    /// narrowed down to the day. `Err(end)`: still accepted at the end.
    fn until(&self, req: &Request, country: &str) -> Result<i64, i64> {
        let mut end = req.at + HORIZON_DAYS * DAY;
        if let Some(exp) = req.exp {
            end = end.min(exp);
        }
        let mut good = req.at;
        while good < end {
            let next = (good + STEP_DAYS * DAY).min(end);
            if self.accepted(req, country, next) {
                good = next;
                continue;
            }
            let mut bad = next;
            while bad - good > DAY {
                let mid = good + (bad - good) / 2;
                if self.accepted(req, country, mid) {
                    good = mid;
                } else {
                    bad = mid;
                }
            }
            // The last whole day still accepted: from `good`, to the moment before `bad`.
            return Ok(good);
        }
        Err(end)
    }

    /// Answers a request.
    pub fn answer(&self, req: &Request) -> Vec<CountryAnswer> {
        let countries: Vec<String> = if req.countries.is_empty() {
            self.countries.clone()
        } else {
            req.countries
                .iter()
                .map(|c| c.trim().to_ascii_uppercase())
                .collect()
        };
        let mut answers: Vec<CountryAnswer> = countries
            .iter()
            .map(|country| {
                let a = self.assess(req, country, req.at);
                let mut rules: Vec<RuleLine> = a
                    .rules
                    .iter()
                    .map(|r| RuleLine {
                        identifier: r.identifier.clone(),
                        outcome: r.outcome,
                        open_reason: r.open_reason,
                        description: r.description.clone(),
                        lang: r.description_lang.clone(),
                    })
                    .collect();
                // Failed rules first, then open ones, then the rest, each by identifier.
                let rank = |o: hcert::RuleOutcome| match o {
                    hcert::RuleOutcome::Fail => 0,
                    hcert::RuleOutcome::Open => 1,
                    hcert::RuleOutcome::Passed => 2,
                };
                rules.sort_by(|x, y| {
                    (rank(x.outcome), &x.identifier).cmp(&(rank(y.outcome), &y.identifier))
                });
                let (until, beyond) = if req.until && a.status == hcert::AcceptanceStatus::Accepted
                {
                    match self.until(req, country) {
                        Ok(t) => (Some(t), None),
                        Err(end) => (None, Some(end)),
                    }
                } else {
                    (None, None)
                };
                CountryAnswer {
                    country: country.clone(),
                    status: a.status,
                    reason: a.reason,
                    rules,
                    until,
                    beyond,
                }
            })
            .collect();
        if req.countries.is_empty() {
            traveller_order(&mut answers);
        }
        answers
    }
}

/// What the page tells the worker about the certificate it verified: the payload as JSON
/// text, the CWT claims and the signer's kid. Built on the page from the verdict, so the
/// worker needs no decoder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    /// The payload (`dcc.json`) as JSON text.
    pub payload: String,
    /// CWT `iss`.
    pub issuer: String,
    /// CWT `exp` (seconds).
    pub exp: Option<i64>,
    /// CWT `iat` (seconds).
    pub iat: Option<i64>,
    /// The signer's kid, standard Base64.
    pub kid: String,
}

impl Certificate {
    /// From a verdict that decoded a certificate and found its signer (`None` otherwise: there
    /// is nothing to assess).
    pub fn of(verdict: &hcert::Verdict) -> Option<Certificate> {
        let decoded = verdict.decoded.as_ref()?;
        Some(Certificate {
            payload: decoded.dcc.json.to_string(),
            issuer: decoded.claims.iss.clone().unwrap_or_default(),
            exp: decoded.claims.exp.map(|t| t.0),
            iat: decoded.claims.iat.map(|t| t.0),
            kid: verdict.signer.as_ref()?.kid.clone(),
        })
    }

    /// The request for `countries` (empty: all) at `at`; `None` when the payload is not JSON.
    pub fn request(
        &self,
        countries: Vec<String>,
        region: &str,
        at: hcert::UnixTime,
        lang: &str,
        until: bool,
    ) -> Option<Request> {
        Some(Request {
            payload: serde_json::from_str(&self.payload).ok()?,
            issuer: self.issuer.clone(),
            exp: self.exp,
            iat: self.iat,
            kid: self.kid.clone(),
            countries,
            region: region.to_string(),
            at: at.0,
            lang: lang.to_string(),
            until,
        })
    }
}

/// The countries of arrival a traveller sees: accepted first (longest acceptance first), then
/// not accepted, then those that cannot be assessed, each by country code.
pub fn traveller_order(answers: &mut [CountryAnswer]) {
    let rank = |a: &CountryAnswer| match a.status {
        hcert::AcceptanceStatus::Accepted => 0,
        hcert::AcceptanceStatus::NotAccepted => 1,
        hcert::AcceptanceStatus::CannotAssess => 2,
    };
    answers.sort_by(|x, y| {
        let last = |a: &CountryAnswer| std::cmp::Reverse(a.beyond.or(a.until).unwrap_or(0));
        (rank(x), last(x), &x.country).cmp(&(rank(y), last(y), &y.country))
    });
}

/// The destination choice, as saved on the device: a country code (upper case, two letters)
/// or nothing.
pub fn parse_destination(saved: &str) -> Option<String> {
    let c = saved.trim().to_ascii_uppercase();
    (c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase())).then_some(c)
}

/// The acceptance markup, built in the worker (see the module doc). Every piece of text is
/// escaped ([`escape`]); rule descriptions are partner data.
pub mod html {
    use super::{CountryAnswer, Reply};
    use crate::i18n::{self, accept_text, AcceptKey as K, Lang};
    use std::fmt::Write as _;

    /// `text` with `& < > " '` escaped, for element content and quoted attributes.
    pub fn escape(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&#39;"),
                c => out.push(c),
            }
        }
        out
    }

    /// Milliseconds as whole microseconds (`data-us`): no float formatting in the worker.
    fn micros(ms: f64) -> u64 {
        (ms * 1000.0).round() as u64
    }

    fn class(status: hcert::AcceptanceStatus) -> &'static str {
        match status {
            hcert::AcceptanceStatus::Accepted => "accepted",
            hcert::AcceptanceStatus::NotAccepted => "not-accepted",
            hcert::AcceptanceStatus::CannotAssess => "cannot-assess",
        }
    }

    /// The options of the destination chooser: "none", then every country by name, those
    /// without published rules marked `–`; `selected` chosen.
    pub fn options(
        lang: Lang,
        offered: &[(String, bool)],
        selected: Option<&str>,
        name: &dyn Fn(&str) -> String,
    ) -> String {
        let mut list: Vec<(String, &str, bool)> = offered
            .iter()
            .map(|(c, ruled)| (name(c), c.as_str(), *ruled))
            .collect();
        list.sort_unstable();
        let mut out = format!(
            r#"<option value=""{}>{}</option>"#,
            if selected.is_none() { " selected" } else { "" },
            escape(accept_text(lang, K::DestinationNone))
        );
        for (n, code, ruled) in list {
            let _ = write!(
                out,
                r#"<option value="{code}" data-rules="{ruled}"{}>{}{}</option>"#,
                if selected == Some(code) {
                    " selected"
                } else {
                    ""
                },
                escape(&n),
                if ruled { "" } else { " –" },
            );
        }
        out
    }

    fn rules(lang: Lang, a: &CountryAnswer, out: &mut String) {
        out.push_str(r#"<ul class="rules">"#);
        for r in &a.rules {
            let aside = if r.lang == lang.code() {
                ""
            } else {
                accept_text(lang, K::InEnglish)
            };
            let _ = write!(
                out,
                r#"<li class="rule {class}" data-rule="{id}" data-outcome="{o}"><span class="title">{id}</span> <span class="outcome">{}</span> <span class="detail" lang="{l}">{}{}</span></li>"#,
                i18n::rule_outcome(lang, r.outcome),
                escape(&r.description),
                escape(aside),
                class = match r.outcome {
                    hcert::RuleOutcome::Passed => "passed",
                    hcert::RuleOutcome::Fail => "fail",
                    hcert::RuleOutcome::Open => "open",
                },
                o = r.outcome.code(),
                id = escape(&r.identifier),
                l = escape(&r.lang),
            );
        }
        out.push_str("</ul>");
    }

    /// A line in place of an answer (`#acceptance` with `status`): not assessed, pending.
    pub fn status_line(status: &str, reason: &str, text: &str) -> String {
        format!(
            r#"<section id="acceptance" class="acceptance" data-status="{}" data-reason="{}"><p class="reason">{}</p></section>"#,
            escape(status),
            escape(reason),
            escape(text)
        )
    }

    /// A destination's answer (`#acceptance`): the first answer of `reply`, for rules
    /// published at `published`, evaluated at `at`.
    pub fn answer(
        lang: Lang,
        reply: &Reply,
        published: hcert::UnixTime,
        at: hcert::UnixTime,
        name: &dyn Fn(&str) -> String,
    ) -> String {
        let Some(a) = reply.answers.first().filter(|_| reply.error.is_none()) else {
            return status_line(
                "CANNOT_ASSESS",
                "RULES_UNREADABLE",
                accept_text(lang, K::RulesUnreadable),
            );
        };
        let title = i18n::fill(
            accept_text(lang, K::Title),
            &[&name(&a.country), &i18n::date(lang, at)],
        );
        let mut out = format!(
            r#"<section id="acceptance" class="acceptance {}" data-status="{}" data-reason="{}" data-country="{}" data-us="{}"><h2>{}</h2><p class="headline">{}</p><p class="reason">{}</p>"#,
            class(a.status),
            a.status.code(),
            a.reason.code(),
            escape(&a.country),
            micros(reply.ms),
            escape(&title),
            i18n::acceptance_status(lang, a.status),
            i18n::assessment_reason(lang, a.reason),
        );
        rules(lang, a, &mut out);
        let _ = write!(
            out,
            r#"<p class="age">{}</p></section>"#,
            escape(&i18n::fill(
                accept_text(lang, K::RulesAge),
                &[&i18n::date(lang, published)]
            ))
        );
        out
    }

    /// The traveller's list (`#travel-list`): the answers in the worker's order.
    pub fn traveller(lang: Lang, reply: &Reply, name: &dyn Fn(&str) -> String) -> String {
        let date = |t: i64| i18n::date(lang, hcert::UnixTime(t));
        let mut out = format!(
            r#"<ul id="travel-list" class="checks" data-us="{}" data-error="{}">"#,
            micros(reply.ms),
            escape(reply.error.as_deref().unwrap_or(""))
        );
        for c in &reply.answers {
            let line = match c.status {
                hcert::AcceptanceStatus::Accepted => match (c.until, c.beyond) {
                    (Some(t), _) => i18n::fill(accept_text(lang, K::AcceptedUntil), &[&date(t)]),
                    (None, Some(t)) => {
                        i18n::fill(accept_text(lang, K::AcceptedBeyond), &[&date(t)])
                    }
                    _ => i18n::acceptance_status(lang, c.status).to_string(),
                },
                hcert::AcceptanceStatus::NotAccepted => {
                    let rule = c
                        .rules
                        .iter()
                        .find(|r| r.outcome == hcert::RuleOutcome::Fail);
                    i18n::fill(
                        accept_text(lang, K::NotAcceptedRule),
                        &[rule.map_or("", |r| r.identifier.as_str())],
                    )
                }
                hcert::AcceptanceStatus::CannotAssess => format!(
                    "{}: {}",
                    i18n::acceptance_status(lang, c.status),
                    i18n::assessment_reason(lang, c.reason)
                ),
            };
            let until = c
                .until
                .or(c.beyond)
                .map(|t| t.to_string())
                .unwrap_or_default();
            let _ = write!(
                out,
                r#"<li class="travel {}" data-country="{}" data-status="{}" data-until="{until}"><span class="title">{}</span> <span class="outcome">{}</span></li>"#,
                class(c.status),
                escape(&c.country),
                c.status.code(),
                escape(&name(&c.country)),
                escape(&line),
            );
        }
        let _ = write!(
            out,
            r#"</ul><p class="hint">{}</p>"#,
            escape(accept_text(lang, K::OtherCountries))
        );
        out
    }
}
