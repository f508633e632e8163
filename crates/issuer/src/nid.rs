//! Vietnamese identity numbers (HCERT.md §9): the 12-digit CCCD / personal identification
//! number, the old 9-digit CMND, and passport numbers. Used only to check a record at
//! issuance; certificates never carry them.
//!
//! CCCD layout (Decree 137/2015/NĐ-CP art. 13, Circular 07/2016/TT-BCA art. 7): 3 digits of
//! the province (or country) of birth registration, 1 digit of century and sex, the last 2
//! digits of the birth year, 6 random digits.

/// Province codes 001–096 in use (the 63 provinces and cities as coded until 2025).
const PROVINCES: [u16; 63] = [
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37,
    38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77,
    79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
];

/// A person's sex as the record states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sex {
    /// Nam.
    Male,
    /// Nữ.
    Female,
}

impl Sex {
    /// Reads `M`, `F`, `Nam`, `Nữ`, `male`, `female` (any case).
    pub fn parse(s: &str) -> Option<Sex> {
        let s = s.trim();
        // The usual `M`/`F` without lower-casing into a new String.
        if s.eq_ignore_ascii_case("m") {
            return Some(Sex::Male);
        }
        if s.eq_ignore_ascii_case("f") {
            return Some(Sex::Female);
        }
        match s.to_lowercase().as_str() {
            "m" | "male" | "nam" => Some(Sex::Male),
            "f" | "female" | "nữ" | "nu" | "nư" => Some(Sex::Female),
            _ => None,
        }
    }
}

/// Which kind of number a record carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    /// 12-digit citizen identity card / personal identification number.
    Cccd,
    /// 9-digit people's identity card.
    Cmnd,
    /// A passport number (foreigners, travellers).
    Passport,
}

/// What is wrong with an identity number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdProblem {
    /// Missing.
    Missing,
    /// Not 12 or 9 digits nor a passport number.
    Format,
    /// CCCD province code not in use.
    Province,
    /// CCCD birth year differs from the date of birth.
    BirthYear,
    /// CCCD sex digit differs from the stated sex.
    Sex,
}

/// Classifies and checks an identity number against the birth year and sex when known.
pub fn check(id: &str, birth_year: Option<i32>, sex: Option<Sex>) -> Result<IdKind, IdProblem> {
    let id = id.trim();
    if id.is_empty() {
        return Err(IdProblem::Missing);
    }
    let digits = id.bytes().all(|b| b.is_ascii_digit());
    if digits && id.len() == 12 {
        let n = |r: core::ops::Range<usize>| id[r].parse::<i32>().unwrap_or(-1);
        let province = n(0..3);
        if !PROVINCES.iter().any(|&p| i32::from(p) == province) {
            return Err(IdProblem::Province);
        }
        let code = n(3..4);
        let year = 1900 + 100 * (code / 2) + n(4..6);
        let female = code % 2 == 1;
        if birth_year.is_some_and(|y| y != year) {
            return Err(IdProblem::BirthYear);
        }
        if sex.is_some_and(|s| (s == Sex::Female) != female) {
            return Err(IdProblem::Sex);
        }
        return Ok(IdKind::Cccd);
    }
    if digits && id.len() == 9 {
        return Ok(IdKind::Cmnd);
    }
    // Passports: 6–9 letters and digits with at least one letter (Vietnamese ones are a
    // letter and 7 digits, e.g. C1234567).
    let alnum = id
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if alnum && (6..=9).contains(&id.len()) && id.bytes().any(|b| b.is_ascii_uppercase()) {
        return Ok(IdKind::Passport);
    }
    Err(IdProblem::Format)
}

/// The century-and-sex digit for a birth year and sex.
pub fn century_sex_digit(year: i32, sex: Sex) -> u8 {
    let century = ((year - 1900).div_euclid(100)).clamp(0, 4) as u8;
    century * 2 + u8::from(sex == Sex::Female)
}

/// All province codes in use.
pub fn provinces() -> &'static [u16] {
    &PROVINCES
}

#[cfg(test)]
mod tests {
    use super::*;

    /// HCERT.md §9: 087084000999 → Đồng Tháp, male, born 1984.
    #[test]
    fn cccd_example() {
        assert_eq!(
            check("087084000999", Some(1984), Some(Sex::Male)),
            Ok(IdKind::Cccd)
        );
        assert_eq!(
            check("087084000999", Some(1985), Some(Sex::Male)),
            Err(IdProblem::BirthYear)
        );
        assert_eq!(
            check("087084000999", Some(1984), Some(Sex::Female)),
            Err(IdProblem::Sex)
        );
        assert_eq!(
            check("087184000999", Some(1984), Some(Sex::Female)),
            Ok(IdKind::Cccd)
        );
        // Born in 2005: century digit 2 (male) / 3 (female).
        assert_eq!(
            check("001305123456", Some(2005), Some(Sex::Female)),
            Ok(IdKind::Cccd)
        );
        assert_eq!(
            check("001105123456", Some(2005), Some(Sex::Female)),
            Err(IdProblem::BirthYear)
        );
        // 003 is not a province code; 097+ neither.
        assert_eq!(check("003084000999", None, None), Err(IdProblem::Province));
        assert_eq!(check("097084000999", None, None), Err(IdProblem::Province));
    }

    #[test]
    fn other_kinds() {
        assert_eq!(check("012345678", None, None), Ok(IdKind::Cmnd));
        assert_eq!(check("C1234567", None, None), Ok(IdKind::Passport));
        assert_eq!(check("", None, None), Err(IdProblem::Missing));
        assert_eq!(check("12345", None, None), Err(IdProblem::Format));
        assert_eq!(check("0870840009991", None, None), Err(IdProblem::Format));
        assert_eq!(check("123456789012345", None, None), Err(IdProblem::Format));
        assert_eq!(check("c123456!", None, None), Err(IdProblem::Format));
        assert_eq!(century_sex_digit(1984, Sex::Male), 0);
        assert_eq!(century_sex_digit(2010, Sex::Female), 3);
        assert_eq!(Sex::parse("Nữ"), Some(Sex::Female));
        assert_eq!(Sex::parse(" nam "), Some(Sex::Male));
        assert_eq!(Sex::parse("x"), None);
    }
}
