//! `vaxpass verify INPUT (--trust FILE… | --published DIR --anchor PEM [--keys DIR])
//! [--country CC [--region R] [--rules DIR…] [--value-sets PATH…]]`: authenticity, and with
//! `--country` acceptance under that country's business rules, each answered separately.
//! The value sets also go into the trust store, so the verdict checks the certificate's codes
//! against them (`value_sets` check: an unknown code is NOT VALID, odd data a warning).

use std::process::ExitCode;

use anyhow::{Context as _, Result};
use base64::Engine as _;
use vaxpass_i18n::Lang;

use crate::cli::VerifyArgs;
use crate::commands::common::{now, print_json, read_input, time_or_now};
use crate::commands::rules;
use crate::render::AcceptanceQuery;
use crate::{published, render};

pub(crate) fn run(a: &VerifyArgs, lang: Lang) -> Result<ExitCode> {
    let at = time_or_now("--at", a.at.as_deref())?;
    let mut store = hcert::TrustStore::new();
    let mut published_rules = None;
    if let (Some(dir), Some(anchor)) = (&a.published, &a.anchor) {
        match published::load(dir, anchor, a.keys.as_deref(), now()) {
            Ok(published::Loaded {
                store: s,
                rules,
                note,
            }) => {
                store = s;
                published_rules = Some(rules);
                if !a.json {
                    eprintln!("{note}");
                }
            }
            Err(e) => {
                // The published lists themselves are bad: nothing can be verified.
                eprintln!("vaxpass: the published lists cannot be used: {e:#}");
                return Ok(ExitCode::from(1));
            }
        }
    }
    for path in &a.trust {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let added = store
            .add_any(&bytes)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        for r in &added.refused {
            eprintln!(
                "{}: entry {} (kid {}) refused: {}",
                path.display(),
                r.index,
                r.kid.as_deref().unwrap_or("-"),
                r.error
            );
        }
    }
    // Rules and value sets are read before the certificate, so a bad rules folder is found
    // whatever the input.
    // `--rules` replaces the publication's own rules.
    let rules = match (&a.country, published_rules) {
        (Some(_), Some(published)) if a.rules.is_empty() => Some(published),
        (Some(_), _) => Some(rules::load_rules(&a.rules)?),
        (None, _) => None,
    };
    if !a.value_sets.is_empty() {
        store.value_sets = Some(rules::load_value_sets(&a.value_sets)?);
    }
    let text = match read_input(&a.input, lang)? {
        Ok(t) => t,
        Err(code) => return Ok(code),
    };
    let verdict = hcert::verify_as_of(&text, &store, at, now());
    let query = AcceptanceQuery {
        region: a.region.as_deref().map_or("", str::trim),
        at,
    };
    let no_value_sets = hcert::ValueSetCatalog::new();
    let value_sets = store.value_sets.as_ref().unwrap_or(&no_value_sets);
    let acceptance = match (&a.country, &rules) {
        (Some(country), Some(set)) => {
            if value_sets.ids().next().is_none() && !set.rules().is_empty() {
                eprintln!("no --value-sets: rules that consult value sets cannot be assessed");
            }
            Some(assess(&verdict, set, value_sets, country, &query, lang))
        }
        _ => None,
    };
    if a.json {
        let mut json = render::verdict_json(&verdict, lang);
        if let Some(assessment) = &acceptance {
            json["acceptance"] = render::acceptance_json(assessment, &query, lang);
        }
        print_json(&json);
    } else {
        let section = acceptance
            .as_ref()
            .map(|assessment| render::acceptance_text(assessment, &query, lang));
        print!(
            "{}",
            render::verdict_text(&verdict, lang, section.as_deref())
        );
    }
    let accepted = acceptance
        .as_ref()
        .is_none_or(|assessment| assessment.status == hcert::AcceptanceStatus::Accepted);
    Ok(if verdict.is_valid() && accepted {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The business rules of `country` applied to the certificate's payload (a certificate that
/// could not be decoded has none: no rule can apply, so it cannot be assessed).
fn assess(
    verdict: &hcert::Verdict,
    rules: &hcert::RuleSet,
    value_sets: &hcert::ValueSetCatalog,
    country: &str,
    query: &AcceptanceQuery<'_>,
    lang: Lang,
) -> hcert::Assessment {
    let country = country.trim().to_ascii_uppercase();
    let null = serde_json::Value::Null;
    let decoded = verdict.decoded.as_ref();
    let kid = decoded
        .and_then(|d| d.cose.kid_bytes())
        .map(|k| base64::engine::general_purpose::STANDARD.encode(k))
        .unwrap_or_default();
    let external = hcert::ExternalParameters {
        validation_clock: query.at,
        value_sets,
        country_code: &country,
        region: query.region,
        issuer_country_code: decoded.and_then(|d| d.claims.iss.as_deref()).unwrap_or(""),
        exp: decoded.and_then(|d| d.claims.exp),
        iat: decoded.and_then(|d| d.claims.iat),
        kid: &kid,
    };
    let payload = decoded.map_or(&null, |d| &d.dcc.json);
    rules.assess(payload, &external, lang.code())
}
