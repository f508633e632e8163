//! The result screen as data: what the portal shows for a verdict, in one language.
//!
//! Pure, so that native tests reach every rule: the big answer, the reason, the holder's data
//! with value-set names, and each check with its outcome.

use hcert::{Entry, Error, Outcome, Status, UnixTime, ValueSets, Verdict};

use crate::i18n::{self, Key, Lang};

/// The big answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Every check passed.
    Valid,
    /// A check failed.
    NotValid,
    /// The certificate could not be checked.
    CannotVerify,
    /// The issuer revoked it (every other failure aside, this is what the reader must know).
    Revoked,
}

impl Answer {
    /// A stable lower-case name (CSS class, test hook).
    pub fn code(self) -> &'static str {
        match self {
            Answer::Valid => "valid",
            Answer::NotValid => "not-valid",
            Answer::CannotVerify => "cannot-verify",
            Answer::Revoked => "revoked",
        }
    }
}

/// One check line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckLine {
    /// Stable check code.
    pub code: &'static str,
    /// Title in the language.
    pub title: String,
    /// `passed`, `failed` or `na`.
    pub state: &'static str,
    /// Outcome in words.
    pub outcome: String,
    /// The reason, for failed and skipped checks.
    pub detail: Option<String>,
}

/// Everything the result screen shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultView {
    /// The answer.
    pub answer: Answer,
    /// VALID / NOT VALID / CANNOT VERIFY.
    pub headline: String,
    /// What to do about it.
    pub hint: String,
    /// The plain-language reason for anything but valid.
    pub reason: Option<String>,
    /// The stable code of that reason.
    pub reason_code: Option<&'static str>,
    /// Labelled fields, in display order: name first.
    pub fields: Vec<(String, String)>,
    /// Every check.
    pub checks: Vec<CheckLine>,
    /// In audit mode (`?at=`), the mark shown on the answer itself: it is a judgement as of
    /// another moment, not a check for today.
    pub audit: Option<String>,
}

impl ResultView {
    /// Marks the answer as an audit as of `at` (when the `?at=` time is in force).
    pub fn with_audit(mut self, lang: Lang, at: Option<UnixTime>) -> ResultView {
        self.audit = at.map(|t| {
            i18n::fill(
                i18n::text(lang, Key::AuditVerdict),
                &[&i18n::date_time(lang, t)],
            )
        });
        self
    }
}

/// Display name of a value-set code: the name in `lang`, else English, else the code itself.
pub fn value_name(sets: Option<&ValueSets>, set: &str, code: &str, lang: Lang) -> String {
    sets.and_then(|s| s.get(set))
        .and_then(|codes| codes.get(code))
        .and_then(|names| names.get(lang.code()).or_else(|| names.get("en")))
        .cloned()
        .unwrap_or_else(|| code.to_string())
}

fn date_text(lang: Lang, s: &str) -> String {
    // Full dates (and date-times) in the language's format; partial dates as written.
    match hcert::Date::parse(s.get(..10).unwrap_or(s)) {
        Some(d) if s.len() == 10 => i18n::date(lang, d.midnight_utc()),
        Some(_) => match UnixTime::parse_rfc3339(s) {
            Some(t) => i18n::date_time(lang, t),
            None => s.to_string(),
        },
        None => s.to_string(),
    }
}

/// Builds the result screen.
///
/// `blocked` forces CANNOT VERIFY with its reason (no trust list, no anchor, bad audit time):
/// the verdict is then shown for information only, never as valid. `country` names a country
/// code (the browser supplies `Intl.DisplayNames`).
pub fn build(
    verdict: &Verdict,
    sets: Option<&ValueSets>,
    lang: Lang,
    blocked: Option<String>,
    country: &dyn Fn(&str) -> String,
) -> ResultView {
    let (answer, reason, reason_code) = match (&blocked, verdict.status()) {
        (Some(why), _) => (
            Answer::CannotVerify,
            Some(why.clone()),
            Some("TRUST_LIST_UNAVAILABLE"),
        ),
        (None, Status::Valid) => (Answer::Valid, None, None),
        (None, Status::Invalid) if revoked(verdict).is_some() => {
            let e = revoked(verdict);
            (
                Answer::Revoked,
                e.map(|e| i18n::reason(lang, e)),
                e.map(Error::code),
            )
        }
        (None, status) => {
            let e = verdict.reason();
            (
                if status == Status::Invalid {
                    Answer::NotValid
                } else {
                    Answer::CannotVerify
                },
                Some(e.map_or_else(
                    || i18n::text(lang, Key::CannotVerifyHint).to_string(),
                    |e| i18n::reason(lang, e),
                )),
                e.map(Error::code),
            )
        }
    };
    let (headline, hint) = match answer {
        Answer::Valid => (Key::Valid, Key::ValidHint),
        Answer::NotValid => (Key::NotValid, Key::NotValidHint),
        Answer::CannotVerify => (Key::CannotVerify, Key::CannotVerifyHint),
        Answer::Revoked => (Key::Revoked, Key::RevokedHint),
    };
    ResultView {
        answer,
        headline: i18n::text(lang, headline).to_string(),
        hint: i18n::text(lang, hint).to_string(),
        reason,
        reason_code,
        fields: fields(verdict, sets, lang, country),
        checks: checks(verdict, lang),
        audit: None,
    }
}

/// The revocation failure of a verdict, if any.
fn revoked(verdict: &Verdict) -> Option<&Error> {
    verdict.checks.iter().find_map(|c| match &c.outcome {
        Outcome::Failed(e @ Error::Revoked { .. }) => Some(e),
        _ => None,
    })
}

fn fields(
    verdict: &Verdict,
    sets: Option<&ValueSets>,
    lang: Lang,
    country: &dyn Fn(&str) -> String,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Some(d) = &verdict.decoded else {
        return out;
    };
    let mut push = |key: Key, value: String| {
        if !value.is_empty() {
            out.push((i18n::text(lang, key).to_string(), value));
        }
    };
    let vs = |set: &str, code: Option<&str>| {
        code.map_or(String::new(), |c| value_name(sets, set, c, lang))
    };
    let name = d.dcc.nam();
    push(Key::Holder, name.display());
    push(Key::NameTransliterated, name.transliterated());
    push(
        Key::DateOfBirth,
        d.dcc.dob().map(|s| date_text(lang, s)).unwrap_or_default(),
    );
    let entry = d.dcc.single_entry().ok().or_else(|| {
        // An invalid certificate with several entries: still show the first.
        d.dcc
            .vaccinations()
            .into_iter()
            .map(Entry::Vaccination)
            .chain(d.dcc.tests().into_iter().map(Entry::Test))
            .chain(d.dcc.recoveries().into_iter().map(Entry::Recovery))
            .next()
    });
    if let Some(entry) = entry {
        push(
            Key::CertificateType,
            i18n::type_name(lang, entry.certificate_type()).to_string(),
        );
        match entry {
            Entry::Vaccination(v) => {
                push(Key::Disease, vs("disease-agent-targeted", v.tg));
                push(Key::Vaccine, vs("vaccines-covid-19-names", v.mp));
                push(Key::VaccineType, vs("sct-vaccines-covid-19", v.vp));
                push(
                    Key::Manufacturer,
                    vs("vaccines-covid-19-auth-holders", v.ma),
                );
                if let (Some(dn), Some(sd)) = (v.dn, v.sd) {
                    push(
                        Key::Dose,
                        match lang {
                            Lang::En => format!("{dn} of {sd}"),
                            Lang::Vi => format!("{dn}/{sd}"),
                        },
                    );
                }
                push(
                    Key::VaccinationDate,
                    v.dt.map(|s| date_text(lang, s)).unwrap_or_default(),
                );
            }
            Entry::Test(t) => {
                push(Key::Disease, vs("disease-agent-targeted", t.tg));
                push(Key::TestType, vs("covid-19-lab-test-type", t.tt));
                push(
                    Key::TestName,
                    t.nm.map(str::to_string)
                        .or_else(|| {
                            t.ma.map(|m| vs("covid-19-lab-test-manufacturer-and-name", Some(m)))
                        })
                        .unwrap_or_default(),
                );
                push(Key::TestResult, vs("covid-19-lab-result", t.tr));
                push(
                    Key::SampleTime,
                    t.sc.map(|s| date_text(lang, s)).unwrap_or_default(),
                );
                push(Key::TestCentre, t.tc.unwrap_or_default().to_string());
            }
            Entry::Recovery(r) => {
                push(Key::Disease, vs("disease-agent-targeted", r.tg));
                push(
                    Key::FirstPositive,
                    r.fr.map(|s| date_text(lang, s)).unwrap_or_default(),
                );
                push(
                    Key::ValidFrom,
                    r.df.map(|s| date_text(lang, s)).unwrap_or_default(),
                );
                push(
                    Key::ValidUntil,
                    r.du.map(|s| date_text(lang, s)).unwrap_or_default(),
                );
            }
        }
        push(Key::Country, entry.co().map(country).unwrap_or_default());
        push(Key::Issuer, entry.issuer().unwrap_or_default().to_string());
        push(
            Key::CertificateId,
            entry.ci().unwrap_or_default().to_string(),
        );
    }
    push(
        Key::Expiry,
        d.claims
            .exp
            .map(|t| i18n::date(lang, t))
            .unwrap_or_default(),
    );
    if let Some(s) = &verdict.signer {
        let c = s.country.as_deref().map(country).unwrap_or_default();
        push(
            Key::Signer,
            if c.is_empty() {
                s.subject.clone()
            } else {
                format!("{} ({c})", s.subject)
            },
        );
    }
    out
}

fn checks(verdict: &Verdict, lang: Lang) -> Vec<CheckLine> {
    verdict
        .checks
        .iter()
        .map(|c| {
            let (state, key, detail) = match &c.outcome {
                Outcome::Passed => ("passed", Key::CheckPassed, None),
                Outcome::Failed(e) => ("failed", Key::CheckFailed, Some(i18n::reason(lang, e))),
                Outcome::NotApplicable(why) => (
                    "na",
                    Key::CheckNotApplicable,
                    (lang == Lang::En).then(|| why.to_string()),
                ),
                Outcome::NotCovered(e) => (
                    "not_covered",
                    Key::CheckNotCovered,
                    Some(i18n::reason(lang, e)),
                ),
                Outcome::Warning(e) => ("warning", Key::CheckWarning, Some(i18n::reason(lang, e))),
            };
            CheckLine {
                code: c.id.code(),
                title: i18n::check_title(lang, c.id).to_string(),
                state,
                outcome: i18n::text(lang, key).to_string(),
                detail,
            }
        })
        .collect()
}
