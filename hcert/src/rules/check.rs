//! Value-set membership and plausibility checks of a DCC payload: HCERT.md §8 (value sets,
//! vaccine encoding instructions) and §1.7 (payload fields). The sources of the individual
//! checks are listed in the `rules` module doc (`mod.rs`).

use serde_json::Value;

use super::finding::{Finding, FindingCode, PlausibilityKind};
use super::valuesets::ValueSetCatalog;
use crate::time::{Date, UnixTime};

/// Coded fields per entry kind, with their value-set ids (HCERT.md §8 table).
const CODED: [(&str, &[(&str, &str)]); 3] = [
    (
        "v",
        &[
            ("tg", "disease-agent-targeted"),
            ("vp", "sct-vaccines-covid-19"),
            ("mp", "vaccines-covid-19-names"),
            ("ma", "vaccines-covid-19-auth-holders"),
            ("co", "country-2-codes"),
        ],
    ),
    (
        "t",
        &[
            ("tg", "disease-agent-targeted"),
            ("tt", "covid-19-lab-test-type"),
            ("tr", "covid-19-lab-result"),
            ("ma", "covid-19-lab-test-manufacturer-and-name"),
            ("co", "country-2-codes"),
        ],
    ),
    (
        "r",
        &[("tg", "disease-agent-targeted"), ("co", "country-2-codes")],
    ),
];

/// `vp` codes that fit every vaccine: the generic "COVID-19 vaccine" (since release 2.11.0),
/// its deprecated ATC predecessor `J07BX03`, and `1119305005` "SARS-CoV-2 antigen vaccine",
/// the early catch-all for every non-mRNA vaccine.
const GENERIC_VP: [&str; 2] = ["28531000087107", "J07BX03"];
const ANTIGEN_VP: &str = "1119305005";
const MRNA_VP: &str = "1119349007";

/// Vaccines in emergency use before December 2020 (national registrations: Sputnik V
/// 2020-08-11, Sinopharm BBIBP/WIBP and CoronaVac emergency use in China from July 2020,
/// EpiVacCorona 2020-10-14).
const EARLY_VACCINES: [&str; 5] = [
    "Sputnik-V",
    "BBIBP-CorV",
    "WIBP-CorV",
    "CoronaVac",
    "EpiVacCorona",
];
const EARLY_VACCINES_FROM: Date = Date {
    year: 2020,
    month: 7,
    day: 1,
};
/// First authorisations of the vaccines used in the EU (UK MHRA for Comirnaty,
/// 2020-12-02; EMA 2020-12-21).
const VACCINES_FROM: Date = Date {
    year: 2020,
    month: 12,
    day: 1,
};
/// SARS-CoV-2 was first identified in December 2019.
const PANDEMIC_FROM: Date = Date {
    year: 2019,
    month: 12,
    day: 1,
};
const RAT: &str = "LP217198-3";

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A `YYYY-MM-DD` date, or the date part of a date-time (PL and BG write times in date
/// fields; HCERT.md §1.7).
fn date_prefix(s: &str) -> Option<Date> {
    s.get(..10).and_then(Date::parse)
}

/// Earliest date a (possibly partial) date of birth allows.
fn dob_earliest(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    match b.len() {
        4 => Date::new(s.parse().ok()?, 1, 1),
        7 if b.get(4) == Some(&b'-') => {
            Date::new(s.get(..4)?.parse().ok()?, s.get(5..)?.parse().ok()?, 1)
        }
        _ => date_prefix(s),
    }
}

struct Checker<'p> {
    out: Vec<Finding>,
    clock: Option<Date>,
    payload: &'p Value,
}

impl Checker<'_> {
    fn push(
        &mut self,
        code: FindingCode,
        field: String,
        value: String,
        value_set: Option<&str>,
        expected: Option<String>,
    ) {
        self.out.push(Finding {
            code,
            field,
            value,
            value_set: value_set.map(str::to_owned),
            expected,
        });
    }

    /// A date field: absent is fine (the schema decides), unreadable is a finding.
    fn date(
        &mut self,
        entry: &Value,
        path: &str,
        key: &str,
        parse: fn(&str) -> Option<Date>,
    ) -> Option<Date> {
        let v = entry.get(key)?;
        let d = v.as_str().and_then(parse);
        if d.is_none() {
            self.push(
                FindingCode::Implausible(PlausibilityKind::DateInvalid),
                format!("{path}.{key}"),
                text(v),
                None,
                None,
            );
        }
        d
    }

    fn future(&mut self, d: Option<Date>, field: String, value: &Value) {
        if let (Some(d), Some(clock)) = (d, self.clock) {
            if d > clock {
                self.push(
                    FindingCode::Implausible(PlausibilityKind::DateInFuture),
                    field,
                    text(value),
                    None,
                    Some(clock.to_string()),
                );
            }
        }
    }

    fn vaccination(&mut self, vs: &ValueSetCatalog, e: &Value, path: &str, dob: Option<Date>) {
        let s = |k: &str| e.get(k).and_then(Value::as_str);
        let (mp, ma, vp) = (s("mp"), s("ma"), s("vp"));
        if let Some(mp) = mp {
            let fits: Vec<_> = vs
                .encoding_instructions()
                .iter()
                .filter(|i| i.medicinal_product == mp)
                .collect();
            if let (Some(first), Some(ma)) = (fits.first(), ma) {
                if !fits.iter().any(|i| i.manufacturer == ma) {
                    self.push(
                        FindingCode::Implausible(PlausibilityKind::MpMaMismatch),
                        format!("{path}.ma"),
                        ma.to_owned(),
                        Some("vaccines-covid-19-encoding-instructions"),
                        Some(first.manufacturer.clone()),
                    );
                }
            }
            if let (false, Some(vp)) = (fits.is_empty(), vp) {
                let listed = fits.iter().any(|i| i.prophylaxis.iter().any(|c| c == vp));
                let generic = GENERIC_VP.contains(&vp)
                    || (vp == ANTIGEN_VP
                        && !fits
                            .iter()
                            .any(|i| i.prophylaxis.iter().any(|c| c == MRNA_VP)));
                if !listed && !generic {
                    let expected = fits
                        .iter()
                        .flat_map(|i| i.prophylaxis.iter())
                        .find(|c| !GENERIC_VP.contains(&c.as_str()))
                        .cloned();
                    self.push(
                        FindingCode::Implausible(PlausibilityKind::VpMpMismatch),
                        format!("{path}.vp"),
                        vp.to_owned(),
                        Some("vaccines-covid-19-encoding-instructions"),
                        expected,
                    );
                }
            }
        }
        let dose = |k: &str| e.get(k).map(|v| (v, v.as_i64().filter(|n| *n >= 1)));
        let (dn, sd) = (dose("dn"), dose("sd"));
        for (k, d) in [("dn", &dn), ("sd", &sd)] {
            if let Some((v, None)) = d {
                self.push(
                    FindingCode::Implausible(PlausibilityKind::DoseNumberInvalid),
                    format!("{path}.{k}"),
                    text(v),
                    None,
                    None,
                );
            }
        }
        if let (Some((v, Some(dn))), Some((_, Some(sd)))) = (dn, sd) {
            if dn > sd {
                self.push(
                    FindingCode::Implausible(PlausibilityKind::DoseAboveSeries),
                    format!("{path}.dn"),
                    text(v),
                    None,
                    Some(sd.to_string()),
                );
            }
        }
        if let Some(dt) = self.date(e, path, "dt", date_prefix) {
            let from = if mp.is_some_and(|mp| EARLY_VACCINES.contains(&mp)) {
                EARLY_VACCINES_FROM
            } else {
                VACCINES_FROM
            };
            let value = dt.to_string();
            if dt < from {
                self.push(
                    FindingCode::Implausible(PlausibilityKind::VaccinationBeforeVaccines),
                    format!("{path}.dt"),
                    value.clone(),
                    None,
                    Some(from.to_string()),
                );
            }
            if dob.is_some_and(|b| dt < b) {
                self.push(
                    FindingCode::Implausible(PlausibilityKind::VaccinationBeforeBirth),
                    format!("{path}.dt"),
                    value,
                    None,
                    dob.map(|d| d.to_string()),
                );
            }
            if let Some(v) = e.get("dt") {
                self.future(Some(dt), format!("{path}.dt"), v);
            }
        }
    }

    fn test(&mut self, e: &Value, path: &str) {
        if e.get("tt").and_then(Value::as_str) == Some(RAT)
            && e.get("ma").is_none_or(Value::is_null)
        {
            self.push(
                FindingCode::Implausible(PlausibilityKind::RatWithoutDevice),
                format!("{path}.ma"),
                String::new(),
                None,
                None,
            );
        }
        let sc = self.date(e, path, "sc", |s| {
            UnixTime::parse_rfc3339(s).map(UnixTime::date)
        });
        if let (Some(sc), Some(v)) = (sc, e.get("sc")) {
            if sc < PANDEMIC_FROM {
                self.push(
                    FindingCode::Implausible(PlausibilityKind::DateBeforePandemic),
                    format!("{path}.sc"),
                    text(v),
                    None,
                    Some(PANDEMIC_FROM.to_string()),
                );
            }
            self.future(Some(sc), format!("{path}.sc"), v);
        }
    }

    fn recovery(&mut self, e: &Value, path: &str) {
        let fr = self.date(e, path, "fr", date_prefix);
        let df = self.date(e, path, "df", date_prefix);
        let du = self.date(e, path, "du", date_prefix);
        if let (Some(fr), Some(v)) = (fr, e.get("fr")) {
            if fr < PANDEMIC_FROM {
                self.push(
                    FindingCode::Implausible(PlausibilityKind::DateBeforePandemic),
                    format!("{path}.fr"),
                    text(v),
                    None,
                    Some(PANDEMIC_FROM.to_string()),
                );
            }
            self.future(Some(fr), format!("{path}.fr"), v);
        }
        let plus_days = |d: Date, n: i64| UnixTime((d.days_since_epoch() + n) * 86_400).date();
        if let (Some(fr), Some(df)) = (fr, df) {
            let earliest = plus_days(fr, 11);
            if df < earliest {
                self.push(
                    FindingCode::Implausible(PlausibilityKind::RecoveryValidTooEarly),
                    format!("{path}.df"),
                    df.to_string(),
                    None,
                    Some(earliest.to_string()),
                );
            }
        }
        if let (Some(fr), Some(du)) = (fr, du) {
            let latest = plus_days(fr, 180);
            if du > latest {
                self.push(
                    FindingCode::Implausible(PlausibilityKind::RecoveryValidityTooLong),
                    format!("{path}.du"),
                    du.to_string(),
                    None,
                    Some(latest.to_string()),
                );
            }
        }
        if let (Some(df), Some(du)) = (df, du) {
            if du < df {
                self.push(
                    FindingCode::Implausible(PlausibilityKind::RecoveryValidityReversed),
                    format!("{path}.du"),
                    du.to_string(),
                    None,
                    Some(df.to_string()),
                );
            }
        }
    }

    fn codes(
        &mut self,
        vs: &ValueSetCatalog,
        e: &Value,
        path: &str,
        fields: &[(&str, &'static str)],
        missing: &mut Vec<&'static str>,
    ) {
        for (key, set_id) in fields {
            // Absent, null and empty are "not given": whether the field may be missing is the
            // schema's question (a PCR test's `ma` is often written as "").
            let Some(v) = e
                .get(*key)
                .filter(|v| !v.is_null() && v.as_str() != Some(""))
            else {
                continue;
            };
            let field = format!("{path}.{key}");
            let Some(set) = vs.get(set_id) else {
                if !missing.contains(set_id) {
                    missing.push(set_id);
                    self.push(
                        FindingCode::ValueSetUnavailable,
                        field,
                        text(v),
                        Some(set_id),
                        None,
                    );
                }
                continue;
            };
            let Some(code) = v.as_str() else {
                self.push(
                    FindingCode::CodeNotString,
                    field,
                    text(v),
                    Some(set_id),
                    None,
                );
                continue;
            };
            match set.get(code) {
                None => self.push(
                    FindingCode::UnknownCode,
                    field,
                    code.to_owned(),
                    Some(set_id),
                    None,
                ),
                Some(info) if info.active == Some(false) => self.push(
                    FindingCode::DeprecatedCode,
                    field,
                    code.to_owned(),
                    Some(set_id),
                    None,
                ),
                Some(_) => {}
            }
        }
    }
}

/// Most entries examined per kind; the schema allows one since 1.3.0 (HCERT.md §1.7).
const MAX_ENTRIES: usize = 16;

impl ValueSetCatalog {
    /// Checks every coded field against the value sets held, and the clock-free
    /// plausibility checks. One finding per problem, in payload order.
    pub fn check_payload(&self, payload: &Value) -> Vec<Finding> {
        self.check(payload, None)
    }

    /// As [`ValueSetCatalog::check_payload`], plus the checks against the validation clock
    /// (dates in the future).
    pub fn check_payload_at(&self, payload: &Value, clock: UnixTime) -> Vec<Finding> {
        self.check(payload, Some(clock.date()))
    }

    fn check(&self, payload: &Value, clock: Option<Date>) -> Vec<Finding> {
        let mut c = Checker {
            out: Vec::new(),
            clock,
            payload,
        };
        let dob = c
            .payload
            .get("dob")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty());
        let dob_date = match dob {
            Some(s) => {
                let d = dob_earliest(s);
                match d {
                    None => c.push(
                        FindingCode::Implausible(PlausibilityKind::DateInvalid),
                        "dob".into(),
                        s.to_owned(),
                        None,
                        None,
                    ),
                    Some(_) => c.future(d, "dob".into(), &Value::String(s.to_owned())),
                }
                d
            }
            None => None,
        };
        let mut missing = Vec::new();
        for (kind, fields) in CODED {
            let Some(entries) = payload.get(kind).and_then(Value::as_array) else {
                continue;
            };
            for (i, e) in entries.iter().take(MAX_ENTRIES).enumerate() {
                let path = format!("{kind}.{i}");
                c.codes(self, e, &path, fields, &mut missing);
                match kind {
                    "v" => c.vaccination(self, e, &path, dob_date),
                    "t" => c.test(e, &path),
                    _ => c.recovery(e, &path),
                }
            }
        }
        c.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sets() -> ValueSetCatalog {
        let mut vs = ValueSetCatalog::new();
        vs.add_file(br#"{"valueSetId":"vaccines-covid-19-encoding-instructions","valueSetDate":"2023-05-05","valueSetValues":{
            "Vaxzevria":{"vaccine-code":"EU/1/21/1529","vaccine-manufacturer":"ORG-100001699","sct-codes":["28531000087107","29061000087103"]},
            "Comirnaty":{"vaccine-code":"EU/1/20/1528","vaccine-manufacturer":"ORG-100030215","sct-codes":["1119349007","28531000087107"]},
            "NVX":{"vaccine-code":"NVX-CoV2373 (deprecated)","vaccine-manufacturer":"ORG-100032020","sct-codes":["28531000087107","1162643001"]}}}"#)
            .unwrap();
        vs.add_file(br#"{"valueSetId":"sct-vaccines-covid-19","valueSetDate":"2023-05-05","valueSetValues":{
            "J07BX03":{"active":false},"1119349007":{"active":true},"29061000087103":{"active":true}}}"#)
            .unwrap();
        vs.add_compressed(
            br#"{"country-2-codes":["VN","DE"],"disease-agent-targeted":["840539006"]}"#,
        )
        .unwrap();
        vs
    }

    fn codes(f: &[Finding]) -> Vec<(&'static str, &str)> {
        f.iter()
            .map(|f| (f.code.code(), f.field.as_str()))
            .collect()
    }

    #[test]
    fn vietnamese_sample_pair_is_inconsistent() {
        // HCERT.md §9: Vaxzevria with BioNTech as marketing authorisation holder.
        let p = json!({"ver": "1.3.0", "dob": "1990-01-01", "v": [{"tg": "840539006", "vp": "J07BX03",
            "mp": "EU/1/21/1529", "ma": "ORG-100030215", "dn": 2, "sd": 2, "dt": "2021-03-18", "co": "VN"}]});
        let f = sets().check_payload(&p);
        assert_eq!(
            codes(&f),
            [
                ("VALUESET_DEPRECATED_CODE", "v.0.vp"),
                ("VALUESET_UNAVAILABLE", "v.0.mp"),
                ("VALUESET_UNAVAILABLE", "v.0.ma"),
                ("PLAUSIBILITY_MP_MA_MISMATCH", "v.0.ma"),
            ]
        );
        assert_eq!(f[3].expected.as_deref(), Some("ORG-100001699"));
    }

    #[test]
    fn vaccination_plausibility() {
        let p = json!({"dob": "2021", "v": [{"tg": 840539006, "vp": "1119349007", "mp": "EU/1/21/1529",
            "ma": "ORG-100001699", "dn": 3, "sd": 2, "dt": "2020-11-30", "co": "XX"},
            {"mp": "NVX-CoV2373", "ma": "ORG-100032020", "vp": "1119305005", "dn": 0, "sd": "2", "dt": "2021-13-01"}]});
        let f =
            sets().check_payload_at(&p, UnixTime::parse_rfc3339("2020-11-29T00:00:00Z").unwrap());
        assert_eq!(
            codes(&f),
            [
                ("PLAUSIBILITY_DATE_IN_FUTURE", "dob"),
                ("VALUESET_CODE_NOT_STRING", "v.0.tg"),
                ("VALUESET_UNAVAILABLE", "v.0.mp"),
                ("VALUESET_UNAVAILABLE", "v.0.ma"),
                ("VALUESET_UNKNOWN_CODE", "v.0.co"),
                ("PLAUSIBILITY_VP_MP_MISMATCH", "v.0.vp"),
                ("PLAUSIBILITY_DOSE_ABOVE_SERIES", "v.0.dn"),
                ("PLAUSIBILITY_VACCINATION_BEFORE_VACCINES", "v.0.dt"),
                ("PLAUSIBILITY_VACCINATION_BEFORE_BIRTH", "v.0.dt"),
                ("PLAUSIBILITY_DATE_IN_FUTURE", "v.0.dt"),
                ("VALUESET_UNKNOWN_CODE", "v.1.vp"),
                ("PLAUSIBILITY_DOSE_NUMBER_INVALID", "v.1.dn"),
                ("PLAUSIBILITY_DOSE_NUMBER_INVALID", "v.1.sd"),
                ("PLAUSIBILITY_DATE_INVALID", "v.1.dt"),
            ]
        );
        assert_eq!(f[5].expected.as_deref(), Some("29061000087103"));
    }

    #[test]
    fn test_and_recovery_plausibility() {
        let p = json!({"t": [{"tt": "LP217198-3", "sc": "2019-11-30 10:00:00+02:00"}, {"sc": "2021-05-01T10:00", "co": ""}]});
        assert_eq!(
            codes(&sets().check_payload(&p)),
            [
                ("VALUESET_UNAVAILABLE", "t.0.tt"),
                ("PLAUSIBILITY_RAT_WITHOUT_DEVICE", "t.0.ma"),
                ("PLAUSIBILITY_DATE_BEFORE_PANDEMIC", "t.0.sc"),
            ]
        );
        let p = json!({"r": [{"fr": "2021-01-01", "df": "2021-01-05", "du": "2021-12-01"},
            {"fr": "2021-01-01", "df": "2021-03-01", "du": "2021-02-01"}, {"fr": "x"}]});
        assert_eq!(
            codes(&sets().check_payload(&p)),
            [
                ("PLAUSIBILITY_RECOVERY_VALID_TOO_EARLY", "r.0.df"),
                ("PLAUSIBILITY_RECOVERY_VALIDITY_TOO_LONG", "r.0.du"),
                ("PLAUSIBILITY_RECOVERY_VALIDITY_REVERSED", "r.1.du"),
                ("PLAUSIBILITY_DATE_INVALID", "r.2.fr"),
            ]
        );
    }
}
