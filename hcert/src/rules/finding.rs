//! Findings of the value-set and plausibility checks of a DCC payload (HCERT.md §8 value
//! sets, §1.7 payload fields).

use serde::Serialize;

pub(crate) use crate::error::PlausibilityKind;

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
    /// Data that does not fit together or in time (a warning; see [`PlausibilityKind`]).
    Implausible(PlausibilityKind),
}

impl FindingCode {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            FindingCode::UnknownCode => "VALUESET_UNKNOWN_CODE",
            FindingCode::DeprecatedCode => "VALUESET_DEPRECATED_CODE",
            FindingCode::CodeNotString => "VALUESET_CODE_NOT_STRING",
            FindingCode::ValueSetUnavailable => "VALUESET_UNAVAILABLE",
            FindingCode::Implausible(kind) => kind.code(),
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
