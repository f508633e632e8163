//! Cleaning and checking one record before it may be signed. Every problem has its own
//! reason code; a record is issued only with none.

use hcert::Date;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization as _};

use crate::nid::{self, IdProblem, Sex};
use crate::records::{Dose, Record};
use crate::translit::{self, TranslitError};
use crate::vaccines::{self, Vaccine};

/// Why a record was not issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reason {
    /// The line is not a record of the documented format.
    MalformedRecord,
    /// No record identifier.
    RecordIdMissing,
    /// The record identifier appeared earlier in the batch.
    DuplicateRecordId,
    /// `--only-verified`: reconciliation did not find the record's person in the population
    /// registry as recorded (its class is in that run's worklist).
    NotVerified,
    /// `--only-verified`: the record's identity fields changed since it was reconciled.
    ChangedSinceReconciled,
    /// No family name.
    NameMissing,
    /// A name holds digits or control characters.
    NameInvalid,
    /// A name is longer than the schema's 80 characters.
    NameTooLong,
    /// A name has letters no transliteration table covers.
    NameNotTransliterable,
    /// No date of birth.
    DobMissing,
    /// The date of birth is not a real date in a known format.
    DobInvalid,
    /// The date of birth is in the future or before 1900.
    DobOutOfRange,
    /// Sex missing or not M/F.
    SexInvalid,
    /// No identity number.
    IdMissing,
    /// Not a CCCD (12 digits), CMND (9 digits) or passport number.
    IdFormat,
    /// CCCD province code not in use.
    IdProvince,
    /// CCCD birth year differs from the date of birth.
    IdBirthYear,
    /// CCCD sex digit differs from the stated sex.
    IdSex,
    /// No dose recorded.
    NoDoses,
    /// A vaccine name missing from the mapping table.
    VaccineUnknown,
    /// A dose date is not a real date.
    DoseDateInvalid,
    /// A dose date is in the future.
    DoseDateFuture,
    /// A dose date before the vaccination campaign (December 2020).
    DoseDateTooEarly,
    /// A dose before the date of birth.
    DoseBeforeBirth,
    /// A dose number is not a positive whole number.
    DoseNumberInvalid,
    /// Dose numbers are not 1, 2, 3 … without gaps or repeats.
    DoseSequence,
    /// Later doses dated before earlier ones.
    DoseOrder,
    /// Two doses less than 14 days apart.
    DoseInterval,
}

impl Reason {
    /// Stable reason code.
    pub fn code(self) -> &'static str {
        match self {
            Reason::MalformedRecord => "MALFORMED_RECORD",
            Reason::RecordIdMissing => "RECORD_ID_MISSING",
            Reason::DuplicateRecordId => "DUPLICATE_RECORD_ID",
            Reason::NotVerified => "NOT_VERIFIED",
            Reason::ChangedSinceReconciled => "CHANGED_SINCE_RECONCILED",
            Reason::NameMissing => "NAME_MISSING",
            Reason::NameInvalid => "NAME_INVALID",
            Reason::NameTooLong => "NAME_TOO_LONG",
            Reason::NameNotTransliterable => "NAME_NOT_TRANSLITERABLE",
            Reason::DobMissing => "DOB_MISSING",
            Reason::DobInvalid => "DOB_INVALID",
            Reason::DobOutOfRange => "DOB_OUT_OF_RANGE",
            Reason::SexInvalid => "SEX_INVALID",
            Reason::IdMissing => "ID_MISSING",
            Reason::IdFormat => "ID_FORMAT",
            Reason::IdProvince => "ID_PROVINCE",
            Reason::IdBirthYear => "ID_BIRTH_YEAR_MISMATCH",
            Reason::IdSex => "ID_SEX_MISMATCH",
            Reason::NoDoses => "NO_DOSES",
            Reason::VaccineUnknown => "VACCINE_UNKNOWN",
            Reason::DoseDateInvalid => "DOSE_DATE_INVALID",
            Reason::DoseDateFuture => "DOSE_DATE_FUTURE",
            Reason::DoseDateTooEarly => "DOSE_DATE_TOO_EARLY",
            Reason::DoseBeforeBirth => "DOSE_BEFORE_BIRTH",
            Reason::DoseNumberInvalid => "DOSE_NUMBER_INVALID",
            Reason::DoseSequence => "DOSE_SEQUENCE",
            Reason::DoseOrder => "DOSE_ORDER",
            Reason::DoseInterval => "DOSE_INTERVAL",
        }
    }

    /// What to fix, for the staff correcting the record.
    pub fn message(self) -> &'static str {
        match self {
            Reason::MalformedRecord => "the line is not a record in the documented format",
            Reason::RecordIdMissing => "the record has no record_id",
            Reason::DuplicateRecordId => "this record_id already appears earlier in the batch",
            Reason::NotVerified => "the population registry does not confirm this person: see the site's reconciliation worklist",
            Reason::ChangedSinceReconciled => "the name, date of birth, sex or identity number changed since reconciliation: reconcile again",
            Reason::NameMissing => "the family name is missing",
            Reason::NameInvalid => "a name contains digits or control characters",
            Reason::NameTooLong => "a name is longer than 80 characters",
            Reason::NameNotTransliterable => "a name uses letters that cannot be transliterated to A-Z",
            Reason::DobMissing => "the date of birth is missing",
            Reason::DobInvalid => "the date of birth is not a real date (YYYY-MM-DD, DD/MM/YYYY, YYYY-MM or YYYY)",
            Reason::DobOutOfRange => "the date of birth is in the future or before 1900",
            Reason::SexInvalid => "sex must be M or F (Nam/Nữ)",
            Reason::IdMissing => "the identity number is missing",
            Reason::IdFormat => "the identity number is neither a 12-digit CCCD, a 9-digit CMND nor a passport number",
            Reason::IdProvince => "the CCCD starts with a province code that does not exist",
            Reason::IdBirthYear => "the CCCD's birth year does not match the date of birth",
            Reason::IdSex => "the CCCD's sex digit does not match the stated sex",
            Reason::NoDoses => "no dose is recorded",
            Reason::VaccineUnknown => "a vaccine name is not in the mapping table (server/data/vaccines.tsv)",
            Reason::DoseDateInvalid => "a dose date is not a real date",
            Reason::DoseDateFuture => "a dose date is in the future",
            Reason::DoseDateTooEarly => "a dose date is before the vaccination campaign (December 2020)",
            Reason::DoseBeforeBirth => "a dose is dated before the date of birth",
            Reason::DoseNumberInvalid => "a dose number is not a positive whole number",
            Reason::DoseSequence => "dose numbers are not 1, 2, 3 … without gaps or repeats",
            Reason::DoseOrder => "a later dose is dated before an earlier one",
            Reason::DoseInterval => "two doses are less than 14 days apart",
        }
    }

    /// Every reason, for reports.
    pub const ALL: [Reason; 28] = [
        Reason::MalformedRecord,
        Reason::RecordIdMissing,
        Reason::DuplicateRecordId,
        Reason::NotVerified,
        Reason::ChangedSinceReconciled,
        Reason::NameMissing,
        Reason::NameInvalid,
        Reason::NameTooLong,
        Reason::NameNotTransliterable,
        Reason::DobMissing,
        Reason::DobInvalid,
        Reason::DobOutOfRange,
        Reason::SexInvalid,
        Reason::IdMissing,
        Reason::IdFormat,
        Reason::IdProvince,
        Reason::IdBirthYear,
        Reason::IdSex,
        Reason::NoDoses,
        Reason::VaccineUnknown,
        Reason::DoseDateInvalid,
        Reason::DoseDateFuture,
        Reason::DoseDateTooEarly,
        Reason::DoseBeforeBirth,
        Reason::DoseNumberInvalid,
        Reason::DoseSequence,
        Reason::DoseOrder,
        Reason::DoseInterval,
    ];
}

/// Longest name field the schema allows (1.3.x).
pub const MAX_NAME: usize = 80;
/// Minimum days between two doses.
pub const MIN_DOSE_INTERVAL_DAYS: i64 = 14;
/// First day a dose may be dated.
pub const CAMPAIGN_START: Date = Date {
    year: 2020,
    month: 12,
    day: 1,
};

/// A record ready to sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clean {
    /// Record identifier.
    pub record_id: String,
    /// `fn`.
    pub family: String,
    /// `gn` (middle and given names; may be empty).
    pub given: String,
    /// `fnt`.
    pub family_t: String,
    /// `gnt`.
    pub given_t: String,
    /// `dob` in ISO form (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).
    pub dob: String,
    /// The latest dose's number (`dn`).
    pub dn: u32,
    /// Doses in the series (`sd`).
    pub sd: u32,
    /// The latest dose's date (`dt`).
    pub dt: Date,
    /// The latest dose's vaccine.
    pub vaccine: Vaccine,
}

/// A date as sites write them: `YYYY-MM-DD`, `DD/MM/YYYY` or `D/M/YYYY`.
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    if let Some(d) = Date::parse(s) {
        return Some(d);
    }
    let mut parts = s.split('/');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some()
        || y.len() != 4
        || d.is_empty()
        || m.is_empty()
        || d.len() > 2
        || m.len() > 2
    {
        return None;
    }
    Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// A date of birth as written: a full date, or `YYYY-MM`, `MM/YYYY`, `YYYY`.
struct Dob {
    /// ISO form (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`).
    iso: String,
    year: i32,
    /// The earliest day the person can have been born.
    earliest: Date,
}

fn parse_dob(s: &str) -> Option<Dob> {
    let s = s.trim();
    if let Some(d) = parse_date(s) {
        return Some(Dob {
            iso: {
                let mut iso = String::with_capacity(10);
                push_date(&mut iso, d);
                iso
            },
            year: d.year,
            earliest: d,
        });
    }
    let all_digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let (year, month) = if s.len() == 4 && all_digits(s) {
        (s.parse::<i32>().ok()?, None)
    } else if let Some((y, m)) = s
        .split_once('-')
        .filter(|(y, m)| y.len() == 4 && m.len() == 2)
    {
        (y.parse().ok()?, Some(m.parse::<u8>().ok()?))
    } else if let Some((m, y)) = s
        .split_once('/')
        .filter(|(m, y)| y.len() == 4 && m.len() <= 2)
    {
        (y.parse().ok()?, Some(m.parse::<u8>().ok()?))
    } else {
        return None;
    };
    match month {
        None => Some(Dob {
            iso: format!("{year:04}"),
            year,
            earliest: Date::new(year, 1, 1)?,
        }),
        Some(m) => Some(Dob {
            iso: format!("{year:04}-{m:02}"),
            year,
            earliest: Date::new(year, m, 1)?,
        }),
    }
}

/// NFC, trimmed, inner whitespace collapsed.
fn normalize_name(s: &str) -> String {
    if is_nfc_quick(s.chars()) == IsNormalized::Yes {
        // Already NFC (names almost always are): no normalised copy.
        collapse_whitespace(s.split_whitespace(), s.len())
    } else {
        let nfc: String = s.nfc().collect();
        collapse_whitespace(nfc.split_whitespace(), nfc.len())
    }
}

/// [`normalize_name`] of `first`, a space and `second` (middle and given names), without
/// joining them first when they are NFC together.
fn normalize_names(first: &str, second: &str) -> String {
    let joined = first
        .chars()
        .chain(std::iter::once(' '))
        .chain(second.chars());
    if is_nfc_quick(joined) == IsNormalized::Yes {
        let words = first.split_whitespace().chain(second.split_whitespace());
        collapse_whitespace(words, first.len() + second.len() + 1)
    } else {
        normalize_name(&format!("{first} {second}"))
    }
}

/// The words, one space between them.
fn collapse_whitespace<'a>(words: impl Iterator<Item = &'a str>, len: usize) -> String {
    let mut out = String::with_capacity(len);
    for w in words {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

fn name_ok(s: &str) -> bool {
    !s.chars().any(|c| c.is_control() || c.is_ascii_digit())
}

/// Checks a record issued at `today`; returns the certificate data or every reason it fails.
pub fn clean(r: &Record, today: Date) -> Result<Clean, Vec<Reason>> {
    let mut why = Vec::new();
    let record_id = r.record_id.trim().to_string();
    if record_id.is_empty() {
        why.push(Reason::RecordIdMissing);
    }

    // Names: fn = family name; gn = middle + given names (HCERT.md §7.3).
    let family = normalize_name(&r.family_name);
    let given = normalize_names(&r.middle_name, &r.given_name);
    let mut family_t = String::new();
    let mut given_t = String::new();
    if family.is_empty() {
        why.push(Reason::NameMissing);
    } else if !name_ok(&family) || !name_ok(&given) {
        why.push(Reason::NameInvalid);
    } else if family.chars().count() > MAX_NAME || given.chars().count() > MAX_NAME {
        why.push(Reason::NameTooLong);
    } else {
        match (
            translit::transliterate(&family, MAX_NAME),
            translit::transliterate(&given, MAX_NAME),
        ) {
            (Ok(f), Ok(g)) if !f.is_empty() => {
                family_t = f;
                given_t = g;
            }
            (Ok(_), Ok(_)) => why.push(Reason::NameInvalid),
            (Err(TranslitError::UnsupportedCharacter(_)), _)
            | (_, Err(TranslitError::UnsupportedCharacter(_))) => {
                why.push(Reason::NameNotTransliterable)
            }
        }
    }

    // Date of birth.
    let dob = if r.dob.trim().is_empty() {
        why.push(Reason::DobMissing);
        None
    } else {
        match parse_dob(&r.dob) {
            None => {
                why.push(Reason::DobInvalid);
                None
            }
            Some(d) if d.year < 1900 || d.earliest > today => {
                why.push(Reason::DobOutOfRange);
                None
            }
            Some(d) => Some(d),
        }
    };

    // Sex and identity number.
    let sex = Sex::parse(&r.sex);
    if sex.is_none() {
        why.push(Reason::SexInvalid);
    }
    match nid::check(&r.national_id, dob.as_ref().map(|d| d.year), sex) {
        Ok(_) => {}
        Err(IdProblem::Missing) => why.push(Reason::IdMissing),
        Err(IdProblem::Format) => why.push(Reason::IdFormat),
        Err(IdProblem::Province) => why.push(Reason::IdProvince),
        Err(IdProblem::BirthYear) => why.push(Reason::IdBirthYear),
        Err(IdProblem::Sex) => why.push(Reason::IdSex),
    }

    // Doses.
    let doses = check_doses(&r.doses, today, dob.as_ref().map(|d| d.earliest), &mut why);

    if !why.is_empty() {
        why.sort();
        why.dedup();
        return Err(why);
    }
    let (Some(Dob { iso: dob, .. }), Some((first, latest))) = (dob, doses) else {
        // Unreachable: a missing part always pushes a reason above.
        return Err(vec![Reason::MalformedRecord]);
    };
    let primary = first.2.primary_doses;
    let dn = latest.0;
    // EU DCC examples: within the primary series n/primary; boosters after a one-dose
    // primary series n/1, after a longer one n/n (eu-dcc-schema examples/vaccination).
    let sd = if dn <= primary {
        primary
    } else if primary == 1 {
        1
    } else {
        dn
    };
    Ok(Clean {
        record_id,
        family,
        given,
        family_t,
        given_t,
        dob,
        dn,
        sd,
        dt: latest.1,
        vaccine: latest.2,
    })
}

type CheckedDose = (u32, Date, Vaccine);

/// Checks the doses; returns the first and the latest.
fn check_doses(
    doses: &[Dose],
    today: Date,
    born: Option<Date>,
    why: &mut Vec<Reason>,
) -> Option<(CheckedDose, CheckedDose)> {
    if doses.is_empty() {
        why.push(Reason::NoDoses);
        return None;
    }
    let before = why.len();
    let mut checked: Vec<CheckedDose> = Vec::with_capacity(doses.len());
    for d in doses {
        let number = d.dose.trim().parse::<u32>().ok().filter(|n| *n >= 1);
        if number.is_none() {
            why.push(Reason::DoseNumberInvalid);
        }
        let vaccine = vaccines::lookup(&d.vaccine);
        if vaccine.is_none() {
            why.push(Reason::VaccineUnknown);
        }
        let date = parse_date(&d.date);
        match date {
            None => why.push(Reason::DoseDateInvalid),
            Some(dt) if dt > today => why.push(Reason::DoseDateFuture),
            Some(dt) if dt < CAMPAIGN_START => why.push(Reason::DoseDateTooEarly),
            Some(dt) if born.is_some_and(|b| dt < b) => why.push(Reason::DoseBeforeBirth),
            Some(_) => {}
        }
        if let (Some(n), Some(dt), Some(v)) = (number, date, vaccine) {
            checked.push((n, dt, v));
        }
    }
    if why.len() > before {
        return None;
    }
    checked.sort_by_key(|d| d.0);
    if checked.iter().enumerate().any(|(i, d)| d.0 != i as u32 + 1) {
        why.push(Reason::DoseSequence);
        return None;
    }
    for pair in checked.windows(2) {
        let gap = pair[1].1.days_since_epoch() - pair[0].1.days_since_epoch();
        if gap < 0 {
            why.push(Reason::DoseOrder);
            return None;
        }
        if gap < MIN_DOSE_INTERVAL_DAYS {
            why.push(Reason::DoseInterval);
            return None;
        }
    }
    match (checked.first(), checked.last()) {
        (Some(f), Some(l)) => Some((*f, *l)),
        _ => None,
    }
}

/// Appends a date as its `Display` writes it (`YYYY-MM-DD`), without the formatting machinery
/// for the years 0–9999 (every date a record can hold).
pub fn push_date(out: &mut String, d: Date) {
    match u16::try_from(d.year) {
        Ok(y) if y <= 9999 && d.month <= 99 && d.day <= 99 => {
            let digit = |n: u16| char::from(b'0' + (n % 10) as u8);
            let (m, day) = (u16::from(d.month), u16::from(d.day));
            for c in [
                digit(y / 1000),
                digit(y / 100),
                digit(y / 10),
                digit(y),
                '-',
                digit(m / 10),
                digit(m),
                '-',
                digit(day / 10),
                digit(day),
            ] {
                out.push(c);
            }
        }
        // Writing to a String cannot fail.
        _ => {
            let _ = std::fmt::Write::write_fmt(out, format_args!("{d}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// normalize_name as first written.
    fn normalize_reference(s: &str) -> String {
        let nfc: String = s.nfc().collect();
        nfc.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// The fast paths (NFC quick check, no joined copy) give what NFC + collapse gives.
        #[test]
        fn names_normalise_as_the_reference(
            a in crate::translit::tests::name(),
            b in crate::translit::tests::name(),
        ) {
            prop_assert_eq!(normalize_name(&a), normalize_reference(&a));
            prop_assert_eq!(normalize_names(&a, &b), normalize_reference(&format!("{a} {b}")));
        }
    }

    const TODAY: Date = Date {
        year: 2022,
        month: 6,
        day: 1,
    };

    fn dose(n: u32, vaccine: &str, date: &str) -> Dose {
        Dose {
            dose: n.to_string(),
            vaccine: vaccine.into(),
            date: date.into(),
            site: "Trạm Y tế phường Bến Nghé".into(),
        }
    }

    fn good() -> Record {
        Record {
            record_id: "R1".into(),
            family_name: "Nguyễn".into(),
            middle_name: "Thị".into(),
            given_name: "Minh Khai".into(),
            dob: "30/04/1985".into(),
            sex: "Nữ".into(),
            national_id: "079185012345".into(),
            doses: vec![
                dose(1, "AstraZeneca", "2021-07-01"),
                dose(2, "Pfizer", "15/09/2021"),
            ],
        }
    }

    fn reasons(f: impl FnOnce(&mut Record)) -> Vec<&'static str> {
        let mut r = good();
        f(&mut r);
        match clean(&r, TODAY) {
            Ok(_) => vec![],
            Err(why) => why.into_iter().map(Reason::code).collect(),
        }
    }

    #[test]
    fn a_good_record() {
        let c = clean(&good(), TODAY).unwrap();
        assert_eq!(c.family, "Nguyễn");
        assert_eq!(c.given, "Thị Minh Khai");
        assert_eq!(c.family_t, "NGUYEN");
        assert_eq!(c.given_t, "THI<MINH<KHAI");
        assert_eq!(c.dob, "1985-04-30");
        assert_eq!((c.dn, c.sd), (2, 2));
        assert_eq!(c.dt.to_string(), "2021-09-15");
        assert_eq!(c.vaccine.mp, "EU/1/20/1528", "the latest dose's product");
    }

    #[test]
    fn each_rule_has_its_reason() {
        assert_eq!(reasons(|r| r.record_id = " ".into()), ["RECORD_ID_MISSING"]);
        assert_eq!(reasons(|r| r.family_name = "".into()), ["NAME_MISSING"]);
        assert_eq!(reasons(|r| r.given_name = "Khai2".into()), ["NAME_INVALID"]);
        assert_eq!(
            reasons(|r| r.family_name = "Nguyễn".repeat(14)),
            ["NAME_TOO_LONG"]
        );
        assert_eq!(
            reasons(|r| r.family_name = "Иванов".into()),
            ["NAME_NOT_TRANSLITERABLE"]
        );
        assert_eq!(reasons(|r| r.dob = "".into()), ["DOB_MISSING"]);
        assert_eq!(reasons(|r| r.dob = "31/02/1985".into()), ["DOB_INVALID"]);
        assert_eq!(reasons(|r| r.dob = "1985-13".into()), ["DOB_INVALID"]);
        assert_eq!(
            reasons(|r| {
                r.dob = "2030-01-01".into();
                r.national_id = "C1234567".into();
            }),
            ["DOB_OUT_OF_RANGE"]
        );
        assert_eq!(reasons(|r| r.sex = "X".into()), ["SEX_INVALID"]);
        assert_eq!(reasons(|r| r.national_id = "".into()), ["ID_MISSING"]);
        assert_eq!(
            reasons(|r| r.national_id = "07918501234".into()),
            ["ID_FORMAT"]
        );
        assert_eq!(
            reasons(|r| r.national_id = "003185012345".into()),
            ["ID_PROVINCE"]
        );
        assert_eq!(
            reasons(|r| r.national_id = "079186012345".into()),
            ["ID_BIRTH_YEAR_MISMATCH"]
        );
        assert_eq!(
            reasons(|r| r.national_id = "079085012345".into()),
            ["ID_SEX_MISMATCH"]
        );
        assert_eq!(reasons(|r| r.doses.clear()), ["NO_DOSES"]);
        assert_eq!(
            reasons(|r| r.doses[0].vaccine = "Nanocovax".into()),
            ["VACCINE_UNKNOWN"]
        );
        assert_eq!(
            reasons(|r| r.doses[1].date = "2021-09-31".into()),
            ["DOSE_DATE_INVALID"]
        );
        assert_eq!(
            reasons(|r| r.doses[1].date = "2022-07-01".into()),
            ["DOSE_DATE_FUTURE"]
        );
        assert_eq!(
            reasons(|r| r.doses[0].date = "2020-11-30".into()),
            ["DOSE_DATE_TOO_EARLY"]
        );
        assert_eq!(
            reasons(|r| {
                r.dob = "2021-08".into();
                r.national_id = "C1234567".into();
            }),
            ["DOSE_BEFORE_BIRTH"]
        );
        assert_eq!(
            reasons(|r| r.doses[1].dose = "two".into()),
            ["DOSE_NUMBER_INVALID"]
        );
        assert_eq!(reasons(|r| r.doses[1].dose = "3".into()), ["DOSE_SEQUENCE"]);
        assert_eq!(reasons(|r| r.doses[1].dose = "1".into()), ["DOSE_SEQUENCE"]);
        assert_eq!(
            reasons(|r| r.doses[1].date = "2021-06-01".into()),
            ["DOSE_ORDER"]
        );
        assert_eq!(
            reasons(|r| r.doses[1].date = "2021-07-10".into()),
            ["DOSE_INTERVAL"]
        );
    }

    #[test]
    fn several_problems_are_all_reported() {
        let got = reasons(|r| {
            r.sex = "?".into();
            r.doses[0].vaccine = "Unknown".into();
            r.family_name = "".into();
        });
        assert_eq!(got, ["NAME_MISSING", "SEX_INVALID", "VACCINE_UNKNOWN"]);
    }

    #[test]
    fn dose_series_rules() {
        let series = |doses: Vec<Dose>| {
            let mut r = good();
            r.doses = doses;
            let c = clean(&r, TODAY).unwrap();
            (c.dn, c.sd)
        };
        assert_eq!(series(vec![dose(1, "Janssen", "2021-08-01")]), (1, 1));
        assert_eq!(
            series(vec![
                dose(1, "Janssen", "2021-08-01"),
                dose(2, "Pfizer", "2021-12-01")
            ]),
            (2, 1)
        );
        assert_eq!(series(vec![dose(1, "Vero Cell", "2021-08-01")]), (1, 2));
        assert_eq!(
            series(vec![
                dose(3, "Moderna", "2022-01-10"),
                dose(1, "Vero Cell", "2021-08-01"),
                dose(2, "Vero Cell", "2021-08-29"),
            ]),
            (3, 3),
            "doses in any order; booster after two doses is 3/3"
        );
        assert_eq!(
            series(vec![
                dose(1, "Abdala", "2021-09-01"),
                dose(2, "Abdala", "2021-09-15")
            ]),
            (2, 3)
        );
    }

    fn reasons_at(dob: &str) -> Vec<&'static str> {
        reasons(|r| {
            r.dob = dob.into();
            r.national_id = "C1234567".into();
        })
    }

    #[test]
    fn dates_as_sites_write_them() {
        assert_eq!(parse_date("2021-09-15").unwrap().to_string(), "2021-09-15");
        assert_eq!(parse_date("15/09/2021").unwrap().to_string(), "2021-09-15");
        assert_eq!(parse_date("5/9/2021").unwrap().to_string(), "2021-09-05");
        assert_eq!(parse_date("29/02/2021"), None);
        assert_eq!(parse_date("2021/09/15"), None);
        assert_eq!(parse_dob("1985").unwrap().iso, "1985");
        assert_eq!(parse_dob("04/1985").unwrap().iso, "1985-04");
        assert_eq!(
            parse_dob("1985-04").unwrap().earliest.to_string(),
            "1985-04-01"
        );
        assert!(parse_dob("85").is_none());
        // A full date in the future is out of range even within the current year.
        assert_eq!(reasons_at("2022-12-01"), ["DOB_OUT_OF_RANGE"]);
        assert_eq!(reasons_at("2022"), ["DOSE_BEFORE_BIRTH"]);
    }
}
