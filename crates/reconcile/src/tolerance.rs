//! The vocabulary of docs/reconcile.md §Classes, §Reasons and §Tolerances: every outcome, reason
//! and tolerance with its stable code (what `summary.json`, the worklists and the tests count).

/// The one class each input record gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Class {
    /// The registry holds this ID for the same person; fields agree up to spelling equivalences.
    Verified,
    /// The registry holds this ID but fields differ (a typing error or a different person).
    Wrong,
    /// The ID is not in the registry.
    NotFound,
    /// No identity number.
    NoId,
    /// An identity number that is neither CCCD, CMND nor passport.
    IdFormat,
    /// Two records claim one ID with different people.
    Duplicate,
    /// The registry's entry for this ID is unusable (conflicting duplicates, bad encoding).
    RegistryProblem,
    /// The record could not be read (malformed line, wrong encoding, truncated file).
    Malformed,
}

impl Class {
    /// Every class, in report order.
    pub const ALL: [Class; 8] = [
        Class::Verified,
        Class::Wrong,
        Class::NotFound,
        Class::NoId,
        Class::IdFormat,
        Class::Duplicate,
        Class::RegistryProblem,
        Class::Malformed,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Class::Verified => "verified",
            Class::Wrong => "wrong",
            Class::NotFound => "not_found",
            Class::NoId => "no_id",
            Class::IdFormat => "id_format",
            Class::Duplicate => "duplicate",
            Class::RegistryProblem => "registry_problem",
            Class::Malformed => "malformed",
        }
    }

    /// From [`Class::code`].
    pub fn from_code(s: &str) -> Option<Class> {
        Class::ALL.into_iter().find(|c| c.code() == s)
    }

    /// Position in [`Class::ALL`].
    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// Why a record is in its class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reason {
    /// The name differs from the registry's.
    NameDiffers,
    /// The date of birth differs.
    DobDiffers,
    /// The sex differs.
    SexDiffers,
    /// The CCCD's province code differs from the registry's province.
    ProvinceDiffers,
    /// The ID is not in the registry.
    IdNotInRegistry,
    /// No identity number.
    IdMissing,
    /// Not 12 or 9 digits nor a passport number.
    IdFormat,
    /// A CCCD whose province code does not exist.
    IdProvince,
    /// Another record claims this ID for a different person.
    DuplicateId,
    /// The registry holds this ID more than once, for different people.
    RegistryIdConflict,
    /// The registry's entry is not readable text (wrong encoding).
    RegistryEncoding,
    /// The line is not a record of the documented format.
    MalformedRecord,
    /// The record is not UTF-8 (Windows-1258 or another legacy code page).
    EncodingInvalidUtf8,
    /// The record's names look like VNI-encoded text shown as Unicode.
    EncodingVni,
    /// The record's names look like UTF-8 decoded twice (`Nguyá»…n`).
    EncodingMojibake,
    /// The file ends in the middle of this record.
    Truncated,
    /// The same person appears in more than one record with this ID (information).
    SamePersonRepeated,
}

impl Reason {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Reason::NameDiffers => "NAME_DIFFERS",
            Reason::DobDiffers => "DOB_DIFFERS",
            Reason::SexDiffers => "SEX_DIFFERS",
            Reason::ProvinceDiffers => "PROVINCE_DIFFERS",
            Reason::IdNotInRegistry => "ID_NOT_IN_REGISTRY",
            Reason::IdMissing => "ID_MISSING",
            Reason::IdFormat => "ID_FORMAT",
            Reason::IdProvince => "ID_PROVINCE",
            Reason::DuplicateId => "DUPLICATE_ID",
            Reason::RegistryIdConflict => "REGISTRY_ID_CONFLICT",
            Reason::RegistryEncoding => "REGISTRY_ENCODING",
            Reason::MalformedRecord => "MALFORMED_RECORD",
            Reason::EncodingInvalidUtf8 => "ENCODING_INVALID_UTF8",
            Reason::EncodingVni => "ENCODING_VNI",
            Reason::EncodingMojibake => "ENCODING_MOJIBAKE",
            Reason::Truncated => "TRUNCATED",
            Reason::SamePersonRepeated => "SAME_PERSON_REPEATED",
        }
    }

    /// Every reason, in report order.
    pub const ALL: [Reason; 17] = [
        Reason::NameDiffers,
        Reason::DobDiffers,
        Reason::SexDiffers,
        Reason::ProvinceDiffers,
        Reason::IdNotInRegistry,
        Reason::IdMissing,
        Reason::IdFormat,
        Reason::IdProvince,
        Reason::DuplicateId,
        Reason::RegistryIdConflict,
        Reason::RegistryEncoding,
        Reason::MalformedRecord,
        Reason::EncodingInvalidUtf8,
        Reason::EncodingVni,
        Reason::EncodingMojibake,
        Reason::Truncated,
        Reason::SamePersonRepeated,
    ];

    /// From [`Reason::code`].
    pub fn from_code(s: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|c| c.code() == s)
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// A difference the matcher forgave or recognised, reported with the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tolerance {
    /// Decomposed and precomposed diacritics (NFD vs NFC).
    UnicodeForm,
    /// Upper/lower case or spacing.
    CaseSpacing,
    /// Old and new tone-mark placement (`hoà` / `hòa`).
    TonePlacement,
    /// `Đ` written as `D`.
    DStroke,
    /// A date of birth given as a year or year and month on one side, agreeing with the other.
    DobPartial,
    /// Every diacritic missing (`Nguyen` for `Nguyễn`).
    DiacriticsMissing,
    /// A middle name present on one side only.
    MiddleNameMissing,
    /// Family and given names swapped.
    NameOrderSwapped,
    /// A name within a small edit distance.
    NameTypo,
    /// Day and month of birth swapped.
    DobDayMonthSwapped,
    /// One digit of the date of birth mistyped or two adjacent digits swapped.
    DobTypo,
}

impl Tolerance {
    /// Every tolerance, in report order.
    pub const ALL: [Tolerance; 11] = [
        Tolerance::UnicodeForm,
        Tolerance::CaseSpacing,
        Tolerance::TonePlacement,
        Tolerance::DStroke,
        Tolerance::DobPartial,
        Tolerance::DiacriticsMissing,
        Tolerance::MiddleNameMissing,
        Tolerance::NameOrderSwapped,
        Tolerance::NameTypo,
        Tolerance::DobDayMonthSwapped,
        Tolerance::DobTypo,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Tolerance::UnicodeForm => "UNICODE_FORM",
            Tolerance::CaseSpacing => "CASE_SPACING",
            Tolerance::TonePlacement => "TONE_PLACEMENT",
            Tolerance::DStroke => "D_STROKE",
            Tolerance::DobPartial => "DOB_PARTIAL",
            Tolerance::DiacriticsMissing => "DIACRITICS_MISSING",
            Tolerance::MiddleNameMissing => "MIDDLE_NAME_MISSING",
            Tolerance::NameOrderSwapped => "NAME_ORDER_SWAPPED",
            Tolerance::NameTypo => "NAME_TYPO",
            Tolerance::DobDayMonthSwapped => "DOB_DAY_MONTH_SWAPPED",
            Tolerance::DobTypo => "DOB_TYPO",
        }
    }

    /// From [`Tolerance::code`].
    pub fn from_code(s: &str) -> Option<Tolerance> {
        Tolerance::ALL.into_iter().find(|c| c.code() == s)
    }

    /// A spelling equivalence: the record is still verified.
    pub fn is_equivalence(self) -> bool {
        matches!(
            self,
            Tolerance::UnicodeForm
                | Tolerance::CaseSpacing
                | Tolerance::TonePlacement
                | Tolerance::DStroke
                | Tolerance::DobPartial
        )
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// For a `wrong` or `duplicate` record: what the difference most likely is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// The same person (score at or above the threshold): a typing error to fix.
    TypingError,
    /// Another person's ID (score below the threshold).
    DifferentPerson,
}

impl Verdict {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Verdict::TypingError => "typing_error",
            Verdict::DifferentPerson => "different_person",
        }
    }
}

/// Which compared field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// Full name.
    Name,
    /// Date of birth.
    Dob,
    /// Sex.
    Sex,
    /// Province (of the CCCD).
    Province,
}

impl Field {
    /// The reason a difference in this field gives.
    pub fn reason(self) -> Reason {
        match self {
            Field::Name => Reason::NameDiffers,
            Field::Dob => Reason::DobDiffers,
            Field::Sex => Reason::SexDiffers,
            Field::Province => Reason::ProvinceDiffers,
        }
    }
}
