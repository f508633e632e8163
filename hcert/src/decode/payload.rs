//! The DCC payload (`hcert[1]`), schema versions 1.0.0 – 1.3.3 (HCERT.md §1.7).
//!
//! Two views of the same data: [`Dcc::json`] is the payload in the JSON data model exactly as
//! decoded (key order kept, unknown fields included) and is what the schema validates; the
//! typed fields are a lenient reading of it for display and business logic. A field of the
//! wrong type reads as absent here and is reported by the schema check.

use serde_json::{Map, Value as J};

use crate::certificate_type::CertificateType;
use crate::decode::cbor_json;
use crate::error::{Error, Result};

/// Person name (`nam`), borrowed from the payload.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Name<'a> {
    /// Surname(s) as written (`fn`).
    pub family: Option<&'a str>,
    /// Surname(s), ICAO 9303 transliteration (`fnt`).
    pub family_t: Option<&'a str>,
    /// Forename(s) as written (`gn`).
    pub given: Option<&'a str>,
    /// Forename(s), ICAO 9303 transliteration (`gnt`).
    pub given_t: Option<&'a str>,
}

impl Name<'_> {
    /// The name as written: family name then given names, falling back to the
    /// transliterated forms.
    pub fn display(&self) -> String {
        match (self.family.or(self.family_t), self.given.or(self.given_t)) {
            (Some(f), Some(g)) if !g.is_empty() => format!("{f} {g}"),
            (Some(f), _) => f.to_string(),
            (None, Some(g)) => g.to_string(),
            (None, None) => String::new(),
        }
    }

    /// `FNT<<GNT` as in a passport's machine-readable zone.
    pub fn transliterated(&self) -> String {
        match (self.family_t, self.given_t) {
            (Some(f), Some(g)) if !g.is_empty() => format!("{f}<<{g}"),
            (Some(f), _) => f.to_string(),
            (None, Some(g)) => g.to_string(),
            (None, None) => String::new(),
        }
    }
}

/// A date that may lack its day or month (`dob`: `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, or empty).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartialDate {
    /// Year.
    pub year: u16,
    /// Month, if known.
    pub month: Option<u8>,
    /// Day, if known.
    pub day: Option<u8>,
}

impl PartialDate {
    /// Parses the forms the schema allows, plus a trailing time part some issuers add
    /// (`1978-01-26T00:00:00`, HCERT.md §1.7). Month and day 00 read as unknown.
    pub fn parse(s: &str) -> Option<PartialDate> {
        let s = s.split('T').next().unwrap_or(s);
        let mut parts = s.split('-');
        let year = parts.next().filter(|y| y.len() == 4)?.parse().ok()?;
        let num = |p: Option<&str>| -> Option<Option<u8>> {
            match p {
                None => Some(None),
                Some(p) if p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()) => {
                    let n: u8 = p.parse().ok()?;
                    Some((n != 0).then_some(n))
                }
                Some(_) => None,
            }
        };
        let month = num(parts.next())?;
        let day = num(parts.next())?;
        if parts.next().is_some() || (month.is_none() && day.is_some()) {
            return None;
        }
        if month.is_some_and(|m| m > 12) || day.is_some_and(|d| d > 31) {
            return None;
        }
        Some(PartialDate { year, month, day })
    }
}

/// A vaccination entry (`v[i]`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Vaccination<'a> {
    /// Disease targeted.
    pub tg: Option<&'a str>,
    /// Vaccine or prophylaxis type.
    pub vp: Option<&'a str>,
    /// Medicinal product.
    pub mp: Option<&'a str>,
    /// Marketing authorisation holder or manufacturer.
    pub ma: Option<&'a str>,
    /// Dose number.
    pub dn: Option<u64>,
    /// Total doses in the series.
    pub sd: Option<u64>,
    /// Date of vaccination.
    pub dt: Option<&'a str>,
    /// Country of vaccination.
    pub co: Option<&'a str>,
    /// Certificate issuer.
    pub is: Option<&'a str>,
    /// Unique certificate identifier.
    pub ci: Option<&'a str>,
}

/// A test entry (`t[i]`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Test<'a> {
    /// Disease targeted.
    pub tg: Option<&'a str>,
    /// Type of test.
    pub tt: Option<&'a str>,
    /// NAA test name.
    pub nm: Option<&'a str>,
    /// RAT device identifier.
    pub ma: Option<&'a str>,
    /// Sample collection date-time.
    pub sc: Option<&'a str>,
    /// Result date-time (schema 1.0.0–1.1.0).
    pub dr: Option<&'a str>,
    /// Test result.
    pub tr: Option<&'a str>,
    /// Testing centre.
    pub tc: Option<&'a str>,
    /// Country of test.
    pub co: Option<&'a str>,
    /// Certificate issuer.
    pub is: Option<&'a str>,
    /// Unique certificate identifier.
    pub ci: Option<&'a str>,
}

/// A recovery entry (`r[i]`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Recovery<'a> {
    /// Disease targeted.
    pub tg: Option<&'a str>,
    /// Date of first positive NAA test.
    pub fr: Option<&'a str>,
    /// Country of test.
    pub co: Option<&'a str>,
    /// Certificate issuer.
    pub is: Option<&'a str>,
    /// Valid from.
    pub df: Option<&'a str>,
    /// Valid until.
    pub du: Option<&'a str>,
    /// Unique certificate identifier.
    pub ci: Option<&'a str>,
}

/// The single entry of a well-formed DCC.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Entry<'a> {
    /// A vaccination.
    Vaccination(Vaccination<'a>),
    /// A test.
    Test(Test<'a>),
    /// A recovery.
    Recovery(Recovery<'a>),
}

impl<'a> Entry<'a> {
    /// The certificate type of the entry.
    pub fn certificate_type(&self) -> CertificateType {
        match self {
            Entry::Vaccination(_) => CertificateType::Vaccination,
            Entry::Test(_) => CertificateType::Test,
            Entry::Recovery(_) => CertificateType::Recovery,
        }
    }

    /// The entry's unique certificate identifier.
    pub fn ci(&self) -> Option<&'a str> {
        match self {
            Entry::Vaccination(v) => v.ci,
            Entry::Test(t) => t.ci,
            Entry::Recovery(r) => r.ci,
        }
    }

    /// The entry's country.
    pub fn co(&self) -> Option<&'a str> {
        match self {
            Entry::Vaccination(v) => v.co,
            Entry::Test(t) => t.co,
            Entry::Recovery(r) => r.co,
        }
    }

    /// The entry's issuer.
    pub fn issuer(&self) -> Option<&'a str> {
        match self {
            Entry::Vaccination(v) => v.is,
            Entry::Test(t) => t.is,
            Entry::Recovery(r) => r.is,
        }
    }
}

/// A decoded DCC payload: the JSON data model exactly as decoded (key order kept, unknown
/// fields included), with typed read-only views borrowed from it.
#[derive(Debug, Clone, PartialEq)]
pub struct Dcc {
    /// The payload as JSON.
    pub json: J,
}

fn text<'a>(o: &'a Map<String, J>, k: &str) -> Option<&'a str> {
    o.get(k).and_then(J::as_str)
}

fn count(o: &Map<String, J>, k: &str) -> Option<u64> {
    match o.get(k)? {
        J::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                .map(|f| f as u64)
        }),
        _ => None,
    }
}

fn vaccination(e: &Map<String, J>) -> Vaccination<'_> {
    Vaccination {
        tg: text(e, "tg"),
        vp: text(e, "vp"),
        mp: text(e, "mp"),
        ma: text(e, "ma"),
        dn: count(e, "dn"),
        sd: count(e, "sd"),
        dt: text(e, "dt"),
        co: text(e, "co"),
        is: text(e, "is"),
        ci: text(e, "ci"),
    }
}

fn test(e: &Map<String, J>) -> Test<'_> {
    Test {
        tg: text(e, "tg"),
        tt: text(e, "tt"),
        nm: text(e, "nm"),
        ma: text(e, "ma"),
        sc: text(e, "sc"),
        dr: text(e, "dr"),
        tr: text(e, "tr"),
        tc: text(e, "tc"),
        co: text(e, "co"),
        is: text(e, "is"),
        ci: text(e, "ci"),
    }
}

fn recovery(e: &Map<String, J>) -> Recovery<'_> {
    Recovery {
        tg: text(e, "tg"),
        fr: text(e, "fr"),
        co: text(e, "co"),
        is: text(e, "is"),
        df: text(e, "df"),
        du: text(e, "du"),
        ci: text(e, "ci"),
    }
}

const KNOWN_TOP_LEVEL: [&str; 6] = ["ver", "nam", "dob", "v", "t", "r"];

impl Dcc {
    /// Reads a DCC from its CBOR form (`hcert[1]`), consuming it.
    pub(crate) fn from_cbor(value: ciborium::Value) -> Result<Dcc> {
        let json =
            cbor_json::into_json(value).map_err(|reason| Error::PayloadMalformed { reason })?;
        Dcc::from_json(json)
    }

    /// Reads a DCC from the JSON data model. Fails only when the payload is not an object.
    pub fn from_json(json: J) -> Result<Dcc> {
        if !json.is_object() {
            return Err(Error::PayloadMalformed {
                reason: "the payload is not a map".into(),
            });
        }
        Ok(Dcc { json })
    }

    fn object(&self) -> Option<&Map<String, J>> {
        self.json.as_object()
    }

    fn entries(&self, group: &str) -> impl Iterator<Item = &Map<String, J>> {
        self.object()
            .and_then(|o| o.get(group))
            .and_then(J::as_array)
            .into_iter()
            .flatten()
            .filter_map(J::as_object)
    }

    /// Schema version (`ver`).
    pub fn ver(&self) -> Option<&str> {
        self.object().and_then(|o| text(o, "ver"))
    }

    /// Name (`nam`).
    pub fn nam(&self) -> Name<'_> {
        match self
            .object()
            .and_then(|o| o.get("nam"))
            .and_then(J::as_object)
        {
            Some(n) => Name {
                family: text(n, "fn"),
                family_t: text(n, "fnt"),
                given: text(n, "gn"),
                given_t: text(n, "gnt"),
            },
            None => Name::default(),
        }
    }

    /// Date of birth as written (`dob`).
    pub fn dob(&self) -> Option<&str> {
        self.object().and_then(|o| text(o, "dob"))
    }

    /// The date of birth, parsed.
    pub fn date_of_birth(&self) -> Option<PartialDate> {
        self.dob().and_then(PartialDate::parse)
    }

    /// Vaccination entries (`v`).
    pub fn vaccinations(&self) -> Vec<Vaccination<'_>> {
        self.entries("v").map(vaccination).collect()
    }

    /// Test entries (`t`).
    pub fn tests(&self) -> Vec<Test<'_>> {
        self.entries("t").map(test).collect()
    }

    /// Recovery entries (`r`).
    pub fn recoveries(&self) -> Vec<Recovery<'_>> {
        self.entries("r").map(recovery).collect()
    }

    /// Top-level keys the schema does not define, in encoded order.
    pub fn unknown_fields(&self) -> Vec<&str> {
        self.object()
            .into_iter()
            .flat_map(|o| o.keys())
            .map(String::as_str)
            .filter(|k| !KNOWN_TOP_LEVEL.contains(k))
            .collect()
    }

    /// The groups among `v`, `t`, `r` that are present and not `null`, with their values.
    fn groups(&self) -> Vec<(CertificateType, &J)> {
        let o = self.object();
        CertificateType::ALL
            .into_iter()
            .filter_map(|t| {
                o.and_then(|o| o.get(t.code()))
                    .filter(|v| !v.is_null())
                    .map(|v| (t, v))
            })
            .collect()
    }

    /// Checks that exactly one of `v`, `t`, `r` is present and holds exactly one entry, and
    /// returns that entry (hcert_spec §3.3.1; dgc-testdata DGC2). A group whose value is
    /// `null` counts as absent.
    pub fn single_entry(&self) -> Result<Entry<'_>> {
        let (group, value) = match self.groups().as_slice() {
            [] => return Err(Error::NoEntry),
            [one] => *one,
            _ => return Err(Error::MultipleTypes),
        };
        let items = value.as_array().map_or(&[][..], Vec::as_slice);
        let entry = match items {
            [] => return Err(Error::NoEntry),
            [one] => one.as_object().ok_or_else(|| Error::PayloadMalformed {
                reason: format!("{}[0] is not a map", group.code()),
            })?,
            _ => return Err(Error::MultipleEntries { count: items.len() }),
        };
        Ok(match group {
            CertificateType::Vaccination => Entry::Vaccination(vaccination(entry)),
            CertificateType::Test => Entry::Test(test(entry)),
            CertificateType::Recovery => Entry::Recovery(recovery(entry)),
        })
    }

    /// The certificate type: the one group among `v`, `t`, `r` that is present, however
    /// many entries it holds (the entry count is [`Dcc::single_entry`]'s concern). `None`
    /// when no group or several are present.
    pub fn certificate_type(&self) -> Option<CertificateType> {
        match self.groups().as_slice() {
            [(t, _)] => Some(*t),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_vietnamese_sample_shape() {
        // The structure of the VN QA sample (HCERT.md §9), with an unknown extra field.
        let j = json!({
            "ver": "1.3.0",
            "nam": {"fn": "Nguyễn", "gn": "Bảo Duy", "fnt": "NGUYEN", "gnt": "BAO<DUY"},
            "dob": "1990-05-01",
            "v": [{"tg": "840539006", "vp": "J07BX03", "mp": "EU/1/21/1529", "ma": "ORG-100030215",
                   "dn": 2, "sd": 2, "dt": "2021-03-18", "co": "VN", "is": "Ban Co Yeu",
                   "ci": "URN:UVCI:01:VN:0123456789ABCDEF0123456789ABCDEF"}],
            "x-extra": {"kept": true}
        });
        let d = Dcc::from_json(j.clone()).unwrap();
        assert_eq!(d.json, j);
        assert_eq!(d.nam().display(), "Nguyễn Bảo Duy");
        assert_eq!(d.nam().transliterated(), "NGUYEN<<BAO<DUY");
        assert_eq!(d.unknown_fields(), vec!["x-extra"]);
        assert_eq!(d.ver(), Some("1.3.0"));
        let e = d.single_entry().unwrap();
        assert_eq!(e.certificate_type(), CertificateType::Vaccination);
        assert_eq!(e.co(), Some("VN"));
        let Entry::Vaccination(v) = e else {
            unreachable!()
        };
        assert_eq!((v.dn, v.sd), (Some(2), Some(2)));
        assert_eq!(
            d.date_of_birth(),
            Some(PartialDate {
                year: 1990,
                month: Some(5),
                day: Some(1)
            })
        );
    }

    /// dgc-testdata DGC2 and the BG "old version" files (HCERT.md §3.6).
    #[test]
    fn entry_count_rules() {
        let base = |extra: serde_json::Value| {
            let mut o = json!({"ver": "1.3.0", "nam": {"fnt": "A"}, "dob": "1990"});
            for (k, v) in extra.as_object().unwrap() {
                o[k] = v.clone();
            }
            Dcc::from_json(o).unwrap()
        };
        assert_eq!(base(json!({})).single_entry(), Err(Error::NoEntry));
        assert_eq!(base(json!({"v": []})).single_entry(), Err(Error::NoEntry));
        assert_eq!(
            base(json!({"v": null, "t": null, "r": null})).single_entry(),
            Err(Error::NoEntry)
        );
        assert_eq!(
            base(json!({"v": [{}], "t": [{}]})).single_entry(),
            Err(Error::MultipleTypes)
        );
        assert_eq!(
            base(json!({"r": [{}, {}]})).single_entry(),
            Err(Error::MultipleEntries { count: 2 })
        );
        // The type is still clear with two entries of one kind, not with two kinds.
        assert_eq!(
            base(json!({"r": [{}, {}]})).certificate_type(),
            Some(CertificateType::Recovery)
        );
        assert_eq!(base(json!({"v": [{}], "t": [{}]})).certificate_type(), None);
        assert_eq!(
            base(json!({"t": [5]})).single_entry().unwrap_err().code(),
            "DCC_MALFORMED"
        );
        assert_eq!(
            base(json!({"t": [{"tt": "LP6464-4"}]})).certificate_type(),
            Some(CertificateType::Test)
        );
        assert!(Dcc::from_json(json!([1])).is_err());
    }

    #[test]
    fn partial_dates() {
        let p = PartialDate::parse;
        assert_eq!(
            p("1964"),
            Some(PartialDate {
                year: 1964,
                month: None,
                day: None
            })
        );
        assert_eq!(
            p("1964-01"),
            Some(PartialDate {
                year: 1964,
                month: Some(1),
                day: None
            })
        );
        assert_eq!(
            p("1963-00"),
            Some(PartialDate {
                year: 1963,
                month: None,
                day: None
            })
        );
        assert_eq!(
            p("1978-01-26T00:00:00"),
            Some(PartialDate {
                year: 1978,
                month: Some(1),
                day: Some(26)
            })
        );
        for bad in [
            "",
            "64",
            "1964-1",
            "1964-13",
            "1964-01-32",
            "1964--01",
            "1964-00-05",
            "abcd",
        ] {
            assert_eq!(p(bad), None, "{bad}");
        }
    }
}
