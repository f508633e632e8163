//! When a signed list is current: one rule for the issue time and the expiry of every signed
//! file, used when lists are loaded (`lists::statement`) and again in every verdict that
//! consults them (`verify::verdict`, `revocation::list`), so a list that loads is never
//! refused a moment later for the same clock.

use crate::error::{Error, TrustListErrorKind};
use crate::time::UnixTime;

/// Clock skew tolerated on a signed list's issue time, in seconds: devices' clocks are often
/// minutes off. There is none on the expiry: a stale list must not stay usable.
pub const CLOCK_SKEW: i64 = 600;

/// Refuses `what` (a file or list, for the message) outside its validity at `at`: issued more
/// than [`CLOCK_SKEW`] in the future (`NotYetValid`), or past its expiry (`late`: `Expired`, or
/// `RevocationExpired` for revocation data). An unknown time bounds nothing.
pub(crate) fn check_current(
    what: &str,
    issued: Option<UnixTime>,
    expires: Option<UnixTime>,
    at: UnixTime,
    late: TrustListErrorKind,
) -> Result<(), Error> {
    if let Some(exp) = expires.filter(|&exp| at > exp) {
        return Err(Error::TrustListInvalid {
            kind: late,
            reason: format!("{what} expired at {}", exp.rfc3339()),
        });
    }
    if let Some(iat) = issued.filter(|iat| at.0.saturating_add(CLOCK_SKEW) < iat.0) {
        return Err(Error::TrustListInvalid {
            kind: TrustListErrorKind::NotYetValid,
            reason: format!("{what} is issued at {}, in the future", iat.rfc3339()),
        });
    }
    Ok(())
}
