//! What several subcommands share: the clock, time flags, JSON output and reading INPUT.

use std::process::ExitCode;

use anyhow::{anyhow, Result};
use vaxpass_i18n::Lang;

use crate::input::{self, InputError};

/// The wall clock as a NumericDate: the one place the command line reads the time.
pub(crate) fn now() -> hcert::UnixTime {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    hcert::UnixTime(i64::try_from(secs).unwrap_or(i64::MAX))
}

/// An RFC 3339 flag value.
pub(crate) fn parse_time(flag: &str, s: &str) -> Result<hcert::UnixTime> {
    hcert::UnixTime::parse_rfc3339(s).ok_or_else(|| anyhow!("{flag} {s:?} is not an RFC 3339 time"))
}

/// An optional RFC 3339 flag value, or now.
pub(crate) fn time_or_now(flag: &str, s: Option<&str>) -> Result<hcert::UnixTime> {
    s.map_or_else(|| Ok(now()), |s| parse_time(flag, s))
}

pub(crate) fn print_json(value: &serde_json::Value) {
    println!("{value:#}");
}

/// The certificate text of an INPUT argument; `Ok(Err(code))` when the input itself is no
/// certificate (its reason has been printed).
pub(crate) fn read_input(arg: &str, lang: Lang) -> Result<Result<String, ExitCode>> {
    match input::certificate_text(arg) {
        Ok(t) => Ok(Ok(t)),
        Err(InputError::Io(e)) => Err(e),
        Err(InputError::Certificate(e)) => {
            eprintln!("{} [{}]", vaxpass_i18n::reason(lang, &e), e.code());
            Ok(Err(ExitCode::from(1)))
        }
    }
}
