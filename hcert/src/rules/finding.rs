//! Findings of the value-set and plausibility checks of a DCC payload (HCERT.md §8 value
//! sets, §1.7 payload fields).

use serde::Serialize;

/// What a finding says. Codes are stable; see the `rules` module doc for the source of
/// each check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(into = "&'static str")]
pub enum FindingCode {
    /// A coded field holds a code that is not in its value set.
    UnknownCode,
    /// The code is in its value set but marked inactive (deprecated).
    DeprecatedCode,
    /// A coded field is not a string.
    CodeNotString,
    /// The value set a field needs is not loaded, so the field was not checked.
    ValueSetUnavailable,
    /// `mp` and `ma` do not belong together (vaccine encoding instructions).
    MpMaMismatch,
    /// `vp` is a specific prophylaxis code that does not fit `mp`.
    VpMpMismatch,
    /// `dn` greater than `sd`.
    DoseAboveSeries,
    /// `dn` or `sd` not an integer ≥ 1.
    DoseNumberInvalid,
    /// Vaccinated before any COVID-19 vaccine was in use.
    VaccinationBeforeVaccines,
    /// Vaccinated before the holder was born.
    VaccinationBeforeBirth,
    /// A date field cannot be read.
    DateInvalid,
    /// A date lies after the validation clock.
    DateInFuture,
    /// A test date before SARS-CoV-2 was known (2019-12-01).
    DateBeforePandemic,
    /// Recovery certificate valid from earlier than 11 days after the positive test.
    RecoveryValidTooEarly,
    /// Recovery certificate valid until more than 180 days after the positive test.
    RecoveryValidityTooLong,
    /// Recovery certificate valid until before it is valid from.
    RecoveryValidityReversed,
    /// Rapid antigen test without the device identifier (`ma`).
    RatWithoutDevice,
}

impl FindingCode {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            FindingCode::UnknownCode => "VALUESET_UNKNOWN_CODE",
            FindingCode::DeprecatedCode => "VALUESET_DEPRECATED_CODE",
            FindingCode::CodeNotString => "VALUESET_CODE_NOT_STRING",
            FindingCode::ValueSetUnavailable => "VALUESET_UNAVAILABLE",
            FindingCode::MpMaMismatch => "PLAUSIBILITY_MP_MA_MISMATCH",
            FindingCode::VpMpMismatch => "PLAUSIBILITY_VP_MP_MISMATCH",
            FindingCode::DoseAboveSeries => "PLAUSIBILITY_DOSE_ABOVE_SERIES",
            FindingCode::DoseNumberInvalid => "PLAUSIBILITY_DOSE_NUMBER_INVALID",
            FindingCode::VaccinationBeforeVaccines => "PLAUSIBILITY_VACCINATION_BEFORE_VACCINES",
            FindingCode::VaccinationBeforeBirth => "PLAUSIBILITY_VACCINATION_BEFORE_BIRTH",
            FindingCode::DateInvalid => "PLAUSIBILITY_DATE_INVALID",
            FindingCode::DateInFuture => "PLAUSIBILITY_DATE_IN_FUTURE",
            FindingCode::DateBeforePandemic => "PLAUSIBILITY_DATE_BEFORE_PANDEMIC",
            FindingCode::RecoveryValidTooEarly => "PLAUSIBILITY_RECOVERY_VALID_TOO_EARLY",
            FindingCode::RecoveryValidityTooLong => "PLAUSIBILITY_RECOVERY_VALIDITY_TOO_LONG",
            FindingCode::RecoveryValidityReversed => "PLAUSIBILITY_RECOVERY_VALIDITY_REVERSED",
            FindingCode::RatWithoutDevice => "PLAUSIBILITY_RAT_WITHOUT_DEVICE",
        }
    }
}

impl From<FindingCode> for &'static str {
    fn from(c: FindingCode) -> &'static str {
        c.code()
    }
}

/// One finding about one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// What.
    pub code: FindingCode,
    /// Payload path in the rules' `AffectedFields` notation (`v.0.mp`).
    pub field: String,
    /// The value found (JSON text when it is not a string; empty when absent).
    pub value: String,
    /// The value set consulted, if any.
    pub value_set: Option<String>,
    /// What would have been consistent (a code, a date), if there is one answer.
    pub expected: Option<String>,
}
