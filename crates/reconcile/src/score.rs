//! The match score of docs/reconcile.md §Score: one record against one registry entry.
//!
//! `S = 0.55·N + 0.30·B + 0.10·X + 0.05·P`, where N is the name similarity (`names`), B the
//! date-of-birth similarity (`dob`), X 1 when the sexes agree (0 when they differ, 0.5 when
//! one is unreadable) and P 1 when the CCCD's province code agrees with the registry's
//! province (0 when it differs, 1 when either is unknown). The same person iff
//! `S ≥ THRESHOLD` (0.80). A name with one typing error (N ≈ 0.93) and everything else equal
//! scores ≈ 0.96; one wrong field of three with the name intact ≥ 0.85; a random other person
//! with the same family name ≈ 0.4; the same name with an unrelated birth date 0.70 (another
//! person of that name: Vietnam has many `Nguyễn Văn An`s).

use vaxpass_issuer::nid::Sex;

use crate::dob;
use crate::names::{self, NameForms, RecordName};
use crate::tolerance::{Field, Tolerance};

/// Weight of the name similarity.
pub const WEIGHT_NAME: f64 = 0.55;
/// Weight of the date-of-birth similarity.
pub const WEIGHT_DOB: f64 = 0.30;
/// Weight of the sex.
pub const WEIGHT_SEX: f64 = 0.10;
/// Weight of the province.
pub const WEIGHT_PROVINCE: f64 = 0.05;
/// Score at or above which two descriptions are the same person.
pub const THRESHOLD: f64 = 0.80;

/// What a record says of its holder, ready to compare.
#[derive(Debug, Clone)]
pub(crate) struct RecordSide {
    pub(crate) name: RecordName,
    pub(crate) dob: String,
    pub(crate) sex: String,
    pub(crate) province: Option<u16>,
}

/// What the registry (or another record) says.
#[derive(Debug, Clone)]
pub(crate) struct OtherSide {
    pub(crate) name: NameForms,
    pub(crate) dob: String,
    pub(crate) sex: String,
    pub(crate) province: Option<u16>,
}

impl RecordSide {
    /// This record as the other side of a comparison (records claiming one ID).
    pub(crate) fn as_other(&self) -> OtherSide {
        OtherSide {
            name: self.name.forms().clone(),
            dob: self.dob.clone(),
            sex: self.sex.clone(),
            province: self.province,
        }
    }
}

/// The outcome of one comparison.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Comparison {
    pub(crate) score: f64,
    pub(crate) same_person: bool,
    pub(crate) differing: Vec<Field>,
    pub(crate) tolerances: Vec<Tolerance>,
}

/// The province code of a 12-digit CCCD.
pub(crate) fn cccd_province(id: &str) -> Option<u16> {
    if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) {
        id.get(0..3)?.parse().ok()
    } else {
        None
    }
}

/// A registry province: a 1–3 digit code.
pub(crate) fn parse_province(s: &str) -> Option<u16> {
    let s = s.trim();
    if (1..=3).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

/// Compares a record with the registry's (or another record's) description.
pub(crate) fn compare(rec: &RecordSide, other: &OtherSide) -> Comparison {
    let name = names::compare(&rec.name, &other.name);
    let dob = dob::compare(&rec.dob, &other.dob);
    let (sex_sim, sex_differs) = match (Sex::parse(&rec.sex), Sex::parse(&other.sex)) {
        (Some(a), Some(b)) if a == b => (1.0, false),
        (Some(_), Some(_)) => (0.0, true),
        (None, _) => (0.5, true),
        (Some(_), None) => (0.5, false),
    };
    let (prov_sim, prov_differs) = match (rec.province, other.province) {
        (Some(a), Some(b)) if a != b => (0.0, true),
        _ => (1.0, false),
    };
    let score = WEIGHT_NAME * name.similarity
        + WEIGHT_DOB * dob.similarity
        + WEIGHT_SEX * sex_sim
        + WEIGHT_PROVINCE * prov_sim;
    let mut differing = Vec::new();
    if name.differs {
        differing.push(Field::Name);
    }
    if dob.differs {
        differing.push(Field::Dob);
    }
    if sex_differs {
        differing.push(Field::Sex);
    }
    if prov_differs {
        differing.push(Field::Province);
    }
    let mut tolerances = name.tolerances;
    tolerances.extend(dob.tolerances);
    Comparison {
        score,
        same_person: score >= THRESHOLD - 1e-9,
        differing,
        tolerances,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(f: &str, m: &str, g: &str, dob: &str, sex: &str) -> RecordSide {
        RecordSide {
            name: RecordName::new(f, m, g),
            dob: dob.into(),
            sex: sex.into(),
            province: Some(79),
        }
    }

    fn reg(full: &str, dob: &str, sex: &str, province: u16) -> OtherSide {
        OtherSide {
            name: NameForms::new(&[full]),
            dob: dob.into(),
            sex: sex.into(),
            province: Some(province),
        }
    }

    #[test]
    fn scores() {
        let r = rec("Nguyễn", "Văn", "An", "30/04/1985", "Nam");
        let c = compare(&r, &reg("NGUYỄN VĂN AN", "1985-04-30", "M", 79));
        assert!(c.same_person && c.differing.is_empty(), "{c:?}");
        assert_eq!(c.tolerances, vec![Tolerance::CaseSpacing]);
        let c = compare(&r, &reg("Nguyễn Văn Anh", "1985-04-30", "M", 79));
        assert!(c.same_person && c.differing == vec![Field::Name], "{c:?}");
        let c = compare(&r, &reg("Nguyễn Văn An", "1985-04-30", "F", 79));
        assert!(c.same_person && c.differing == vec![Field::Sex]);
        let c = compare(&r, &reg("Nguyễn Văn An", "1985-04-30", "M", 1));
        assert!(c.same_person && c.differing == vec![Field::Province]);
        let c = compare(&r, &reg("Nguyễn Thị Lan", "1962-11-02", "F", 79));
        assert!(!c.same_person && c.score < 0.5, "{c:?}");
        let c = compare(&r, &reg("Nguyễn Văn An", "1962-11-02", "M", 79));
        assert!(!c.same_person, "{c:?}");
    }

    #[test]
    fn provinces() {
        assert_eq!(cccd_province("079185012345"), Some(79));
        assert_eq!(cccd_province("012345678"), None);
        assert_eq!(parse_province(" 079 "), Some(79));
        assert_eq!(parse_province("Hà Nội"), None);
    }

    proptest::proptest! {
        /// Arbitrary text never panics and keeps the score in 0–1.
        #[test]
        fn never_panics(f in "\\PC{0,40}", m in "\\PC{0,20}", g in "\\PC{0,20}", full in "\\PC{0,200}",
                        d1 in "[0-9/.-]{0,12}", d2 in "\\PC{0,12}", s in "\\PC{0,4}") {
            let r = RecordSide { name: RecordName::new(&f, &m, &g), dob: d1, sex: s.clone(), province: None };
            let o = OtherSide { name: NameForms::new(&[&full]), dob: d2, sex: s, province: Some(1) };
            let c = compare(&r, &o);
            proptest::prop_assert!((0.0..=1.0 + 1e-9).contains(&c.score));
            let _ = crate::encoding::check(&full);
            let _ = crate::names::move_tone(&full);
            let _ = crate::dob::PartialDate::parse(&full);
        }
    }
}
