//! Human and JSON renderings of decoded certificates and verdicts for the CLI.

use std::fmt::Write as _;

use base64::Engine as _;
use hcert::{
    Assessment, Check, Decoded, Entry, Envelope, Error, Outcome, RuleOutcome, Status, Verdict,
};
use serde_json::{json, Value as J};
use vaxpass_i18n::{
    acceptance_status, assessment_reason, check_title, reason, rule_outcome, text, type_name, Key,
    Lang,
};

fn error_json(e: &Error, lang: Lang) -> J {
    json!({"code": e.code(), "message": reason(lang, e), "detail": e.detail()})
}

fn envelope(e: Envelope) -> &'static str {
    match e {
        Envelope::Tagged => "COSE_Sign1 (tag 18)",
        Envelope::Untagged => "COSE_Sign1 (untagged)",
        Envelope::CwtTagged => "CWT (tag 61) around COSE_Sign1 (tag 18)",
    }
}

/// A decoded certificate as JSON: COSE facts, claims and the payload as decoded.
pub(crate) fn decoded_json(d: &Decoded) -> J {
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    json!({
        "cose": {
            "envelope": envelope(d.cose.envelope),
            "alg": d.cose.algorithm().ok().map(|a| a.name()),
            "kid": d.cose.kid_bytes().map(b64),
            "signature_bytes": d.cose.signature().len(),
        },
        "claims": {
            "iss": d.claims.iss,
            "iat": d.claims.iat.map(|t| t.rfc3339()),
            "exp": d.claims.exp.map(|t| t.rfc3339()),
        },
        "type": d.dcc.certificate_type().map(|t| t.code()),
        "type_name": d.dcc.certificate_type().map(|t| type_name(Lang::En, t)),
        "payload": d.dcc.json,
    })
}

/// A verdict as JSON: status, first reason, every check, signer and certificate.
pub(crate) fn verdict_json(v: &Verdict, lang: Lang) -> J {
    let status = match v.status() {
        Status::Valid => "valid",
        Status::Invalid => "invalid",
        Status::CannotVerify => "cannot_verify",
    };
    json!({
        "status": status,
        "valid": v.is_valid(),
        "reason": v.reason().map(|e| error_json(e, lang)),
        "warnings": v.warnings().map(|e| error_json(e, lang)).collect::<Vec<_>>(),
        "at": v.at.rfc3339(),
        "checks": v.checks.iter().map(|c: &Check| {
            let mut o = json!({"check": c.id.code(), "title": check_title(lang, c.id)});
            match &c.outcome {
                Outcome::Passed => o["outcome"] = "passed".into(),
                Outcome::Failed(e) => {
                    o["outcome"] = "failed".into();
                    o["error"] = error_json(e, lang);
                }
                Outcome::NotApplicable(why) => {
                    o["outcome"] = "not_applicable".into();
                    o["why"] = (*why).into();
                }
                Outcome::NotCovered(e) => {
                    o["outcome"] = "not_checked".into();
                    o["error"] = error_json(e, lang);
                }
                Outcome::Warning(e) => {
                    o["outcome"] = "warning".into();
                    o["warning"] = error_json(e, lang);
                }
            }
            o
        }).collect::<Vec<_>>(),
        "signer": v.signer.as_ref().map(|s| json!({
            "kid": s.kid, "country": s.country, "subject": s.subject,
            "not_before": s.not_before.rfc3339(), "not_after": s.not_after.rfc3339(),
            "allowed_types": s.allowed_types.iter().map(|t| t.code()).collect::<Vec<_>>(),
        })),
        "certificate": v.decoded.as_ref().map(decoded_json),
    })
}

fn opt(s: Option<&str>) -> &str {
    s.unwrap_or("-")
}

/// A decoded certificate for people.
pub(crate) fn decoded_text(d: &Decoded, lang: Lang) -> String {
    let mut s = String::new();
    let kid = d
        .cose
        .kid_bytes()
        .map(|k| base64::engine::general_purpose::STANDARD.encode(k));
    let _ = writeln!(s, "Envelope:   {}", envelope(d.cose.envelope));
    let _ = writeln!(
        s,
        "Signature:  {} by key {}",
        d.cose
            .algorithm()
            .map(|a| a.name())
            .unwrap_or("unknown algorithm"),
        opt(kid.as_deref())
    );
    let _ = writeln!(s, "Issuer:     {}", opt(d.claims.iss.as_deref()));
    let time = |t: Option<hcert::UnixTime>| t.map(|t| t.rfc3339()).unwrap_or_else(|| "-".into());
    let _ = writeln!(s, "Issued:     {}", time(d.claims.iat));
    let _ = writeln!(s, "Expires:    {}", time(d.claims.exp));
    let dcc = &d.dcc;
    let _ = writeln!(
        s,
        "Name:       {} ({})",
        dcc.nam().display(),
        dcc.nam().transliterated()
    );
    let _ = writeln!(s, "Born:       {}", opt(dcc.dob()));
    let _ = writeln!(s, "Schema:     {}", opt(dcc.ver()));
    match dcc.single_entry() {
        Ok(Entry::Vaccination(v)) => {
            let _ = writeln!(
                s,
                "Vaccination: dose {}/{} on {}, product {} by {}, in {}",
                v.dn.map_or("-".into(), |n| n.to_string()),
                v.sd.map_or("-".into(), |n| n.to_string()),
                opt(v.dt),
                opt(v.mp),
                opt(v.ma),
                opt(v.co)
            );
        }
        Ok(Entry::Test(t)) => {
            let _ = writeln!(
                s,
                "Test:       type {}, sampled {}, result {}, in {}",
                opt(t.tt),
                opt(t.sc),
                opt(t.tr),
                opt(t.co)
            );
        }
        Ok(Entry::Recovery(r)) => {
            let _ = writeln!(
                s,
                "Recovery:   first positive {}, valid {} to {}, in {}",
                opt(r.fr),
                opt(r.df),
                opt(r.du),
                opt(r.co)
            );
        }
        Err(e) => {
            let _ = writeln!(s, "Content:    {}", reason(lang, &e));
        }
    }
    if let Ok(e) = dcc.single_entry() {
        let _ = writeln!(s, "Identifier: {}", opt(e.ci()));
        let _ = writeln!(s, "Issued by:  {}", opt(e.issuer()));
    }
    let _ = writeln!(
        s,
        "Payload:\n{}",
        serde_json::to_string_pretty(&dcc.json).unwrap_or_default()
    );
    s
}

/// A verdict for people: the answer, the reason, each check, the signer, then `acceptance`
/// (a section of [`acceptance_text`], if asked for), then the certificate.
pub(crate) fn verdict_text(v: &Verdict, lang: Lang, acceptance: Option<&str>) -> String {
    let mut s = String::new();
    let headline = text(
        lang,
        match v.status() {
            Status::Valid => Key::Valid,
            Status::Invalid => Key::NotValid,
            Status::CannotVerify => Key::CannotVerify,
        },
    );
    let _ = writeln!(s, "{headline}  (checked as of {})", v.at.rfc3339());
    if let Some(e) = v.reason() {
        let _ = writeln!(s, "Reason: {} [{}]", reason(lang, e), e.code());
    }
    for e in v.warnings() {
        let _ = writeln!(s, "Warning: {} [{}]", reason(lang, e), e.code());
    }
    let _ = writeln!(s, "\nChecks:");
    for c in &v.checks {
        let (mark, note) = match &c.outcome {
            Outcome::Passed => ("pass", String::new()),
            Outcome::Failed(e) => ("FAIL", format!(": {} ({})", e.code(), e.detail())),
            Outcome::NotApplicable(why) => ("n/a ", format!(": {why}")),
            Outcome::NotCovered(e) => ("----", format!(": not checked: {}", e.detail())),
            Outcome::Warning(e) => ("WARN", format!(": {} ({})", e.code(), e.detail())),
        };
        let _ = writeln!(s, "  [{mark}] {}{note}", check_title(lang, c.id));
    }
    if let Some(signer) = &v.signer {
        let _ = writeln!(
            s,
            "\nSigner: {} ({}), kid {}, valid {} to {}",
            signer.subject,
            opt(signer.country.as_deref()),
            signer.kid,
            signer.not_before.date_utc(),
            signer.not_after.date_utc()
        );
    }
    if let Some(a) = acceptance {
        let _ = write!(s, "\n{a}");
    }
    if let Some(d) = &v.decoded {
        let _ = writeln!(s, "\n{}", decoded_text(d, lang));
    }
    s
}

/// What a business-rules assessment was asked: the country of arrival's region and the
/// validation clock.
pub(crate) struct AcceptanceQuery<'a> {
    /// Region of the country of arrival (`""` for none).
    pub(crate) region: &'a str,
    /// The validation clock.
    pub(crate) at: hcert::UnixTime,
}

/// A business-rules assessment as JSON: the answer and reason (codes and words), then every
/// rule with its outcome and description.
pub(crate) fn acceptance_json(a: &Assessment, q: &AcceptanceQuery<'_>, lang: Lang) -> J {
    json!({
        "country": a.country,
        "region": q.region,
        "at": q.at.rfc3339(),
        "status": a.status.code(),
        "status_text": acceptance_status(lang, a.status),
        "reason": a.reason.code(),
        "reason_text": assessment_reason(lang, a.reason),
        "certificate_type": a.certificate_type.map(|t| t.as_str()),
        "rules": a.rules.iter().map(|r| json!({
            "identifier": r.identifier,
            "version": r.version.to_string(),
            "country": r.country,
            "type": r.rule_type.as_str(),
            "outcome": r.outcome.code(),
            "outcome_text": rule_outcome(lang, r.outcome),
            "open_reason": r.open_reason.map(|o| o.code()),
            "description": r.description,
            "description_lang": r.description_lang,
            "affected_fields": r.affected_fields,
        })).collect::<Vec<_>>(),
    })
}

/// A business-rules assessment for people: the answer with its reason, then one line per
/// rule (failed and open rules say why in the rule's own words).
pub(crate) fn acceptance_text(a: &Assessment, q: &AcceptanceQuery<'_>, lang: Lang) -> String {
    let mut s = String::new();
    let place = if q.region.is_empty() {
        a.country.clone()
    } else {
        format!("{} ({})", a.country, q.region)
    };
    let _ = writeln!(
        s,
        "Acceptance in {place} as of {}: {}  ({}) [{}]",
        q.at.rfc3339(),
        acceptance_status(lang, a.status),
        assessment_reason(lang, a.reason),
        a.reason.code()
    );
    for r in &a.rules {
        let mark = match r.outcome {
            RuleOutcome::Passed => "pass",
            RuleOutcome::Fail => "FAIL",
            RuleOutcome::Open => "open",
        };
        let why = r
            .open_reason
            .map_or_else(String::new, |o| format!(" [{}]", o.code()));
        let _ = writeln!(
            s,
            "  [{mark}] {} {} ({}): {}{why}",
            r.identifier,
            r.version,
            rule_outcome(lang, r.outcome),
            r.description
        );
    }
    s
}
