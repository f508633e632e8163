//! CertLogic date-times: CertLogic spec 1.3.3 §"Offset date-time (`plusTime`)" and
//! §"DCC Date of birth (`dccDateOfBirth`)" (HCERT.md §6.1).
//!
//! A CertLogic date-time is an instant with millisecond precision, held here as milliseconds
//! since 1970-01-01T00:00:00Z. The spec defines offsetting through the ECMAScript `Date`
//! methods (`setUTCFullYear`, `setUTCMonth`, `setUTCDate`, `setUTCHours`), so month and year
//! arithmetic *rolls over* instead of clamping: 2020-02-29 + 1 year = 2021-03-01 and
//! 2021-01-31 + 1 month = 2021-03-03 (the Kotlin engine clamps months; the spec and
//! certlogic-js do not, and the spec wins).
//!
//! Parsing follows `certlogic-js/src/internals.ts` `dateFromString`: the accepted shapes are
//! exactly those of its regular expression
//! `^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+?)?(Z|(([+-])(\d{1,2}):?(\d{2})?))?$`
//! (hand-matched below, including its backtracking on offsets such as `+130` = +01:30), plus
//! `YYYY-MM-DD`, plus the partial dates `YYYY` and `YYYY-MM` that are "rounded up" to the
//! last day they allow. A space instead of `T`, lower-case `z`, or a fraction without digits
//! are refused. Where the spec leaves behaviour undefined (an impossible calendar date such
//! as `2021-02-30`, hour 24, offsets beyond ±23:59) we refuse with an error instead of
//! producing JavaScript's "Invalid Date", so a rule cannot silently compare against NaN.
//!
//! Instants are limited to the ECMAScript time range (±8.64e15 ms, about ±273 790 years);
//! arithmetic leaving it is an error, never an overflow.

use crate::time::{days_in_month, Date, UnixTime};

/// The ECMAScript time-value bound (ECMA-262 §21.4.1.1).
const MAX_MS: i64 = 8_640_000_000_000_000;
const MS_PER_DAY: i64 = 86_400_000;
/// Years safely inside [`MAX_MS`] for the civil-date helpers (which take `i32` years).
const MAX_YEAR: i64 = 300_000;

/// Why a date-time could not be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateError {
    /// Not one of the accepted shapes, or not a real calendar date/time.
    Format,
    /// Outside the ECMAScript time range.
    Range,
}

/// A `plusTime` unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimeUnit {
    Year,
    Month,
    Day,
    Hour,
}

impl TimeUnit {
    pub(crate) fn parse(s: &str) -> Option<TimeUnit> {
        match s {
            "year" => Some(TimeUnit::Year),
            "month" => Some(TimeUnit::Month),
            "day" => Some(TimeUnit::Day),
            "hour" => Some(TimeUnit::Hour),
            _ => None,
        }
    }
}

fn is_digits(b: &[u8]) -> bool {
    !b.is_empty() && b.iter().all(u8::is_ascii_digit)
}

/// Value of ASCII digits; the callers pass at most 4, so `u32` cannot overflow.
fn num(b: &[u8]) -> u32 {
    b.iter()
        .fold(0u32, |n, c| n * 10 + u32::from(c.wrapping_sub(b'0')))
}

fn days_from_civil(year: i64, month: u8, day: u8) -> Result<i64, DateError> {
    if !(-MAX_YEAR..=MAX_YEAR).contains(&year) {
        return Err(DateError::Range);
    }
    // `Date`'s fields are public; `days_since_epoch` is plain arithmetic and does not need
    // the day to exist in the month (callers add the overflow days themselves).
    Ok(Date {
        year: year as i32,
        month,
        day,
    }
    .days_since_epoch())
}

fn checked(ms: Option<i64>) -> Result<i64, DateError> {
    match ms {
        Some(ms) if (-MAX_MS..=MAX_MS).contains(&ms) => Ok(ms),
        _ => Err(DateError::Range),
    }
}

fn midnight(date: Date) -> Result<i64, DateError> {
    checked(date.days_since_epoch().checked_mul(MS_PER_DAY))
}

/// `YYYY` → 31 December, `YYYY-MM` → the last day of that month (midnight UTC); `None` when
/// `s` has neither shape (`roundUpPartialDate`).
fn round_up_partial(s: &[u8]) -> Option<Result<i64, DateError>> {
    match s {
        _ if s.len() == 4 && is_digits(s) => {
            let date = Date::new(num(s) as i32, 12, 31)?;
            Some(midnight(date))
        }
        [y0, y1, y2, y3, b'-', m0, m1] if is_digits(&[*y0, *y1, *y2, *y3, *m0, *m1]) => {
            let year = num(&[*y0, *y1, *y2, *y3]) as i32;
            let month = num(&[*m0, *m1]) as u8;
            if !(1..=12).contains(&month) {
                return Some(Err(DateError::Format));
            }
            let date = Date::new(year, month, days_in_month(year, month))?;
            Some(midnight(date))
        }
        _ => None,
    }
}

/// `YYYY-MM-DD` as midnight UTC.
fn full_date(s: &[u8]) -> Option<Result<i64, DateError>> {
    let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = *s else {
        return None;
    };
    if !is_digits(&[y0, y1, y2, y3, m0, m1, d0, d1]) {
        return None;
    }
    let (y, m, d) = (num(&[y0, y1, y2, y3]), num(&[m0, m1]), num(&[d0, d1]));
    Some(match Date::new(y as i32, m as u8, d as u8) {
        Some(date) => midnight(date),
        None => Err(DateError::Format),
    })
}

/// The offset part of the reference regex: `\d{1,2}:?(\d{2})?` anchored at the end, tried in
/// the regex's own order (two hour digits first, colon consumed first).
fn offset_hm(r: &[u8]) -> Option<(u32, u32)> {
    for hlen in [2usize, 1] {
        let Some((h, rest)) = r.split_at_checked(hlen) else {
            continue;
        };
        if !is_digits(h) {
            continue;
        }
        let after_colon: &[&[u8]] = match rest.first() {
            Some(b':') => &[rest.get(1..).unwrap_or_default(), rest],
            _ => &[rest],
        };
        for tail in after_colon {
            match tail {
                [] => return Some((num(h), 0)),
                [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => {
                    return Some((num(h), num(&[*a, *b])))
                }
                _ => {}
            }
        }
    }
    None
}

/// `dateFromString`: `YYYY-MM-DD` or the full date-time form.
fn date_from_string(s: &[u8]) -> Result<i64, DateError> {
    if let Some(r) = full_date(s) {
        return r;
    }
    let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1, b'T', h0, h1, b':', i0, i1, b':', s0, s1, ref tail @ ..] =
        *s
    else {
        return Err(DateError::Format);
    };
    let year = [y0, y1, y2, y3];
    let fields: [&[u8]; 6] = [&year, &[m0, m1], &[d0, d1], &[h0, h1], &[i0, i1], &[s0, s1]];
    if !fields.iter().all(|f| is_digits(f)) {
        return Err(DateError::Format);
    }
    let [y, mo, d, h, mi, se] = fields.map(num);
    let mut rest = tail;
    let mut millis = 0u32;
    if let [b'.', frac @ ..] = rest {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        let (digits, after) = frac.split_at_checked(n).ok_or(DateError::Format)?;
        if digits.is_empty() {
            return Err(DateError::Format);
        }
        // `padEnd(4, "0").substring(0, 4)`: the first three digits, padded.
        let mut three = [b'0'; 3];
        for (dst, src) in three.iter_mut().zip(digits) {
            *dst = *src;
        }
        millis = num(&three);
        rest = after;
    }
    let offset_min: i64 = match rest {
        [] | [b'Z'] => 0,
        [sign @ (b'+' | b'-'), r @ ..] => {
            let (oh, om) = offset_hm(r).ok_or(DateError::Format)?;
            if oh > 23 || om > 59 {
                return Err(DateError::Format);
            }
            let m = i64::from(oh * 60 + om);
            if *sign == b'-' {
                -m
            } else {
                m
            }
        }
        _ => return Err(DateError::Format),
    };
    let date = Date::new(y as i32, mo as u8, d as u8).ok_or(DateError::Format)?;
    if h > 23 || mi > 59 || se > 59 {
        return Err(DateError::Format);
    }
    let day_ms = midnight(date)?;
    let tod = i64::from(h) * 3_600_000
        + i64::from(mi) * 60_000
        + i64::from(se) * 1000
        + i64::from(millis)
        - offset_min * 60_000;
    checked(day_ms.checked_add(tod))
}

/// The date-time operand of `plusTime`: partial dates rounded up, else `dateFromString`.
pub(crate) fn parse(s: &str) -> Result<i64, DateError> {
    let b = s.as_bytes();
    match round_up_partial(b) {
        Some(r) => r,
        None => date_from_string(b),
    }
}

/// `dccDateOfBirth`: `YYYY`, `YYYY-MM` (rounded up) or `YYYY-MM-DD`; nothing else.
pub(crate) fn dcc_date_of_birth(s: &str) -> Result<i64, DateError> {
    let b = s.as_bytes();
    if let Some(r) = round_up_partial(b) {
        return r;
    }
    full_date(b).unwrap_or(Err(DateError::Format))
}

/// `dateTime.setUTC<unit>(dateTime.getUTC<unit>() + amount)`.
pub(crate) fn plus_time(ms: i64, amount: i64, unit: TimeUnit) -> Result<i64, DateError> {
    if amount == 0 {
        return Ok(ms);
    }
    match unit {
        TimeUnit::Hour => checked(
            amount
                .checked_mul(3_600_000)
                .and_then(|d| ms.checked_add(d)),
        ),
        TimeUnit::Day => checked(
            amount
                .checked_mul(MS_PER_DAY)
                .and_then(|d| ms.checked_add(d)),
        ),
        TimeUnit::Month | TimeUnit::Year => {
            let days = ms.div_euclid(MS_PER_DAY);
            let time_of_day = ms.rem_euclid(MS_PER_DAY);
            let date = UnixTime(days * 86_400).date();
            let months = match unit {
                TimeUnit::Year => i64::from(date.year)
                    .checked_add(amount)
                    .and_then(|y| y.checked_mul(12)),
                _ => i64::from(date.year)
                    .checked_mul(12)
                    .and_then(|m| m.checked_add(amount)),
            }
            .and_then(|m| m.checked_add(i64::from(date.month) - 1))
            .ok_or(DateError::Range)?;
            let year = months.div_euclid(12);
            let month = (months.rem_euclid(12) + 1) as u8;
            // MakeDay: the first of the target month plus (day − 1) days, so an overflowing
            // day rolls into the next month as in ECMAScript.
            let first = days_from_civil(year, month, 1)?;
            let new_days = first + i64::from(date.day) - 1;
            checked(
                new_days
                    .checked_mul(MS_PER_DAY)
                    .and_then(|d| d.checked_add(time_of_day)),
            )
        }
    }
}

/// ECMAScript `Date.prototype.toISOString`: `YYYY-MM-DDTHH:mm:ss.sssZ` (±YYYYYY outside
/// years 0–9999).
pub(crate) fn to_iso_string(ms: i64) -> String {
    let days = ms.div_euclid(MS_PER_DAY);
    let t = ms.rem_euclid(MS_PER_DAY);
    let date = UnixTime(days * 86_400).date();
    let year = if (0..=9999).contains(&date.year) {
        format!("{:04}", date.year)
    } else if date.year < 0 {
        format!("-{:06}", -i64::from(date.year))
    } else {
        format!("+{:06}", date.year)
    };
    format!(
        "{year}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        date.month,
        date.day,
        t / 3_600_000,
        t / 60_000 % 60,
        t / 1000 % 60,
        t % 1000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(s: &str) -> String {
        to_iso_string(parse(s).unwrap())
    }

    #[test]
    fn accepted_shapes() {
        for (input, want) in [
            ("2021", "2021-12-31T00:00:00.000Z"),
            ("2020-02", "2020-02-29T00:00:00.000Z"),
            ("2021-02", "2021-02-28T00:00:00.000Z"),
            ("2021-12", "2021-12-31T00:00:00.000Z"),
            ("2021-06-01", "2021-06-01T00:00:00.000Z"),
            ("2021-06-01T12:34:56", "2021-06-01T12:34:56.000Z"),
            ("2021-06-01T12:34:56Z", "2021-06-01T12:34:56.000Z"),
            ("2021-06-01T12:34:56+2", "2021-06-01T10:34:56.000Z"),
            ("2021-06-01T12:34:56-02", "2021-06-01T14:34:56.000Z"),
            ("2021-06-01T12:34:56+130", "2021-06-01T11:04:56.000Z"),
            ("2021-06-01T12:34:56+0130", "2021-06-01T11:04:56.000Z"),
            ("2021-06-01T12:34:56+123", "2021-06-01T11:11:56.000Z"),
            ("2021-06-01T12:34:56+1:30", "2021-06-01T11:04:56.000Z"),
            ("2021-06-01T12:34:56+01:30", "2021-06-01T11:04:56.000Z"),
            ("2021-06-01T12:34:56+1:", "2021-06-01T11:34:56.000Z"),
            ("2021-06-01T12:34:56.1", "2021-06-01T12:34:56.100Z"),
            ("2021-06-01T12:34:56.123456Z", "2021-06-01T12:34:56.123Z"),
            ("2021-06-01T12:34:56.9999+00:00", "2021-06-01T12:34:56.999Z"),
            ("0000-01-01", "0000-01-01T00:00:00.000Z"),
        ] {
            assert_eq!(iso(input), want, "{input}");
        }
    }

    #[test]
    fn refused_shapes() {
        for s in [
            "",
            "202",
            "2021-1",
            "2021-13",
            "2021-00",
            "2021-02-30",
            "2021-06-01 12:34:56Z",
            "2021-06-01T12:34:56z",
            "2021-06-01T12:34:56.Z",
            "2021-06-01T12:34Z",
            "2021-06-01T24:00:00Z",
            "2021-06-01T12:34:60Z",
            "2021-06-01T12:34:56+24:00",
            "2021-06-01T12:34:56+",
            "٢٠٢١-06-01",
            "2021-06-01T12:34:56Zjunk",
        ] {
            assert_eq!(parse(s).err(), Some(DateError::Format), "{s:?}");
        }
    }

    #[test]
    fn offsets_roll_over_like_ecmascript() {
        let p = |s: &str, n: i64, u: TimeUnit| {
            to_iso_string(plus_time(parse(s).unwrap(), n, u).unwrap())
        };
        // The spec's leap-day table.
        assert_eq!(
            p("2020-02-29", 1, TimeUnit::Day),
            "2020-03-01T00:00:00.000Z"
        );
        assert_eq!(
            p("2020-02-29", 1, TimeUnit::Month),
            "2020-03-29T00:00:00.000Z"
        );
        assert_eq!(
            p("2020-02-29", 1, TimeUnit::Year),
            "2021-03-01T00:00:00.000Z"
        );
        assert_eq!(
            p("2021-01-31", 1, TimeUnit::Month),
            "2021-03-03T00:00:00.000Z"
        );
        assert_eq!(
            p("2021-03-31", -1, TimeUnit::Month),
            "2021-03-03T00:00:00.000Z"
        );
        assert_eq!(
            p("2021-01-15", -13, TimeUnit::Month),
            "2019-12-15T00:00:00.000Z"
        );
        assert_eq!(
            p("2021-06-01T00:00:00Z", 40, TimeUnit::Hour),
            "2021-06-02T16:00:00.000Z"
        );
        assert_eq!(
            p("2021-06-23T00:00:00Z", -180, TimeUnit::Day),
            "2020-12-25T00:00:00.000Z"
        );
        assert_eq!(p("2004-01", 18, TimeUnit::Year), "2022-01-31T00:00:00.000Z");
        assert_eq!(
            plus_time(0, i64::MAX, TimeUnit::Year).err(),
            Some(DateError::Range)
        );
        assert_eq!(
            plus_time(0, 300_000, TimeUnit::Year).err(),
            Some(DateError::Range)
        );
        assert_eq!(
            plus_time(0, i64::MIN, TimeUnit::Hour).err(),
            Some(DateError::Range)
        );
    }

    #[test]
    fn date_of_birth() {
        let d = |s: &str| dcc_date_of_birth(s).map(to_iso_string);
        assert_eq!(d("2004").unwrap(), "2004-12-31T00:00:00.000Z");
        assert_eq!(d("2004-02").unwrap(), "2004-02-29T00:00:00.000Z");
        assert_eq!(d("2004-02-03").unwrap(), "2004-02-03T00:00:00.000Z");
        assert_eq!(d("").err(), Some(DateError::Format));
        assert_eq!(d("2004-02-03T00:00:00").err(), Some(DateError::Format));
    }

    #[test]
    fn iso_years_outside_four_digits() {
        assert_eq!(to_iso_string(-MAX_MS), "-271821-04-20T00:00:00.000Z");
        assert_eq!(to_iso_string(MAX_MS), "+275760-09-13T00:00:00.000Z");
    }
}
