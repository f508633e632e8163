//! Evaluation bounds and errors for CertLogic (spec 1.3.3 §"Introduction": evaluation of a
//! valid expression may still fail on type mismatches; HCERT.md §6.1).
//!
//! A rule is data from a foreign gateway, so evaluation is metered: every evaluated node,
//! every element visited by `in`/`reduce` and every node compared by `===` costs one step;
//! arrays built at run time (array literals, possibly inside `reduce`) count their nodes and
//! nesting. Exceeding a bound is an error with its own code, never a hang or a crash.

use core::fmt;

use serde::Serialize;

/// Bounds on one evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvalLimits {
    /// Most steps (evaluated nodes, visited elements, compared nodes).
    pub max_steps: u64,
    /// Most nodes in one value built during evaluation.
    pub max_value_nodes: usize,
    /// Deepest nesting of a value built or compared during evaluation.
    pub max_value_depth: usize,
}

impl Default for EvalLimits {
    /// 50 000 steps (each of the 877 EU rule tests needs fewer than 100; an `in` over a
    /// value set costs one step per code passed, so a 1 000-device list stays far inside),
    /// 65 536 nodes, depth 256.
    fn default() -> Self {
        EvalLimits {
            max_steps: 50_000,
            max_value_nodes: 65_536,
            max_value_depth: 256,
        }
    }
}

/// Why evaluating a valid expression failed. A rule that fails this way is `OPEN`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "&'static str")]
pub enum EvalError {
    /// `if` guard neither truthy nor falsy.
    IfGuardNotBoolean,
    /// `and` operand neither truthy nor falsy.
    AndOperandNotBoolean,
    /// `!`/`!!` operand neither truthy nor falsy.
    NotOperandNotBoolean,
    /// Right-hand side of `in` not an array.
    InNotArray,
    /// `+` operand not an integer.
    PlusNotInteger,
    /// `+` result outside the integer range.
    IntegerOverflow,
    /// `<`, `>`, `<=`, `>=` operand not an integer.
    CompareNotInteger,
    /// `after`, `before`, `not-after`, `not-before` operand not a date-time.
    CompareNotDateTime,
    /// `plusTime` date operand not a string.
    PlusTimeNotString,
    /// `plusTime` date string not in an accepted format, or not a real date.
    DateFormat,
    /// Date-time arithmetic left the ECMAScript time range.
    DateOutOfRange,
    /// `reduce` operand neither an array nor `null`.
    ReduceNotArray,
    /// `extractFromUVCI` operand neither a string nor `null`.
    UvciNotString,
    /// `dccDateOfBirth` operand not a string.
    DobNotString,
    /// `dccDateOfBirth` operand not `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    DobFormat,
    /// More than [`EvalLimits::max_steps`] steps.
    StepLimit,
    /// A value larger than [`EvalLimits::max_value_nodes`].
    ValueTooLarge,
    /// A value deeper than [`EvalLimits::max_value_depth`].
    ValueTooDeep,
}

impl EvalError {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            EvalError::IfGuardNotBoolean => "EVAL_IF_GUARD_NOT_BOOLEAN",
            EvalError::AndOperandNotBoolean => "EVAL_AND_OPERAND_NOT_BOOLEAN",
            EvalError::NotOperandNotBoolean => "EVAL_NOT_OPERAND_NOT_BOOLEAN",
            EvalError::InNotArray => "EVAL_IN_NOT_ARRAY",
            EvalError::PlusNotInteger => "EVAL_PLUS_NOT_INTEGER",
            EvalError::IntegerOverflow => "EVAL_INTEGER_OVERFLOW",
            EvalError::CompareNotInteger => "EVAL_COMPARE_NOT_INTEGER",
            EvalError::CompareNotDateTime => "EVAL_COMPARE_NOT_DATE_TIME",
            EvalError::PlusTimeNotString => "EVAL_PLUSTIME_NOT_STRING",
            EvalError::DateFormat => "EVAL_DATE_FORMAT",
            EvalError::DateOutOfRange => "EVAL_DATE_OUT_OF_RANGE",
            EvalError::ReduceNotArray => "EVAL_REDUCE_NOT_ARRAY",
            EvalError::UvciNotString => "EVAL_UVCI_NOT_STRING",
            EvalError::DobNotString => "EVAL_DOB_NOT_STRING",
            EvalError::DobFormat => "EVAL_DOB_FORMAT",
            EvalError::StepLimit => "EVAL_STEP_LIMIT",
            EvalError::ValueTooLarge => "EVAL_VALUE_TOO_LARGE",
            EvalError::ValueTooDeep => "EVAL_VALUE_TOO_DEEP",
        }
    }
}

impl From<EvalError> for &'static str {
    fn from(e: EvalError) -> &'static str {
        e.code()
    }
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl std::error::Error for EvalError {}

/// The meter of one evaluation.
pub(crate) struct Budget {
    pub(crate) limits: EvalLimits,
    pub(crate) steps: u64,
}

impl Budget {
    pub(crate) fn new(limits: EvalLimits) -> Budget {
        Budget { limits, steps: 0 }
    }

    pub(crate) fn step(&mut self) -> Result<(), EvalError> {
        self.steps += 1;
        if self.steps > self.limits.max_steps {
            Err(EvalError::StepLimit)
        } else {
            Ok(())
        }
    }
}
