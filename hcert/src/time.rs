//! Time as CWT NumericDate (RFC 8392 §2) and its RFC 3339 text form.
//!
//! `hcert` never reads a clock: the caller passes the verification time in. The civil-date
//! arithmetic is Howard Hinnant's `days_from_civil`, valid for the proleptic Gregorian
//! calendar over the whole `i64` second range we accept.

use core::fmt;

/// Seconds since 1970-01-01T00:00:00Z, ignoring leap seconds (a CWT NumericDate).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct UnixTime(pub i64);

/// Years outside 0000–9999 cannot be written in RFC 3339, so we refuse them on input.
const MIN_SECS: i64 = -62_167_219_200; // 0000-01-01T00:00:00Z
const MAX_SECS: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year.
    pub year: i32,
    /// Month 1–12.
    pub month: u8,
    /// Day 1–31.
    pub day: u8,
}

impl Date {
    /// A date if it exists in the Gregorian calendar.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Days since 1970-01-01.
    pub fn days_since_epoch(self) -> i64 {
        days_from_civil(self.year as i64, self.month as i64, self.day as i64)
    }

    /// Midnight UTC at the start of this date.
    pub fn midnight_utc(self) -> UnixTime {
        UnixTime(self.days_since_epoch() * 86_400)
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        Date::new(
            digits(&b[0..4])? as i32,
            digits(&b[5..7])? as u8,
            digits(&b[8..10])? as u8,
        )
    }

    /// The date `months` calendar months later, clamped to the end of the month
    /// (2024-01-31 + 1 month = 2024-02-29).
    pub fn add_months(self, months: i32) -> Date {
        let total = self.year * 12 + (self.month as i32 - 1) + months;
        let year = total.div_euclid(12);
        let month = (total.rem_euclid(12) + 1) as u8;
        let day = self.day.min(days_in_month(year, month));
        Date { year, month, day }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Number of days in a month (1–12) of a year.
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || b.len() > 9 {
        return None;
    }
    let mut n = 0u32;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u32::from(c - b'0');
    }
    Some(n)
}

impl UnixTime {
    /// From a civil date and time in UTC.
    pub fn from_civil(date: Date, hour: u8, minute: u8, second: u8) -> UnixTime {
        UnixTime(
            date.days_since_epoch() * 86_400
                + i64::from(hour) * 3600
                + i64::from(minute) * 60
                + i64::from(second),
        )
    }

    /// The UTC calendar date.
    pub fn date(self) -> Date {
        let (y, m, d) = civil_from_days(self.0.div_euclid(86_400));
        Date {
            year: y as i32,
            month: m,
            day: d,
        }
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`.
    pub fn rfc3339(self) -> String {
        let secs = self.0.rem_euclid(86_400);
        format!(
            "{}T{:02}:{:02}:{:02}Z",
            self.date(),
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )
    }

    /// `YYYY-MM-DD` in UTC, for people.
    pub fn date_utc(self) -> String {
        self.date().to_string()
    }

    /// `YYYY-MM-DD HH:MM UTC`, for people.
    pub fn date_time_utc(self) -> String {
        let secs = self.0.rem_euclid(86_400);
        format!(
            "{} {:02}:{:02} UTC",
            self.date(),
            secs / 3600,
            secs / 60 % 60
        )
    }

    /// Parses an RFC 3339 / ISO 8601 date-time leniently, as test data and people write
    /// them: `T` or a space between date and time; seconds and fraction optional (the
    /// fraction is truncated); zone `Z`, `±hh:mm`, `±hhmm`, `±hh`, or none (UTC).
    /// A bare `YYYY-MM-DD` means midnight UTC.
    pub fn parse_rfc3339(s: &str) -> Option<UnixTime> {
        let s = s.trim();
        let b = s.as_bytes();
        if b.len() < 10 {
            return None;
        }
        let date = Date::parse(s.get(..10)?)?;
        if b.len() == 10 {
            return Some(date.midnight_utc());
        }
        if !matches!(b[10], b'T' | b't' | b' ') {
            return None;
        }
        let rest = &b[11..];
        if rest.len() < 5 || rest[2] != b':' {
            return None;
        }
        let hour = digits(&rest[0..2])?;
        let minute = digits(&rest[3..5])?;
        let mut i = 5;
        let mut second = 0;
        if rest.len() >= 8 && rest[5] == b':' {
            second = digits(&rest[6..8])?;
            i = 8;
            if rest.len() > i && (rest[i] == b'.' || rest[i] == b',') {
                i += 1;
                let start = i;
                while i < rest.len() && rest[i].is_ascii_digit() {
                    i += 1;
                }
                if i == start {
                    return None;
                }
            }
        }
        // Leap seconds (…:60) are folded onto the next second, as NumericDate ignores them.
        if hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        let zone = &rest[i..];
        let offset: i64 = match zone {
            [] | [b'Z'] | [b'z'] => 0,
            [sign @ (b'+' | b'-'), tail @ ..] => {
                let (h, m) = match tail {
                    [h1, h2] => (digits(&[*h1, *h2])?, 0),
                    [h1, h2, b':', m1, m2] | [h1, h2, m1, m2] => {
                        (digits(&[*h1, *h2])?, digits(&[*m1, *m2])?)
                    }
                    _ => return None,
                };
                if h > 23 || m > 59 {
                    return None;
                }
                let o = i64::from(h) * 3600 + i64::from(m) * 60;
                if *sign == b'-' {
                    -o
                } else {
                    o
                }
            }
            _ => return None,
        };
        let t =
            UnixTime::from_civil(date, hour as u8, minute as u8, 0).0 + i64::from(second) - offset;
        (MIN_SECS..=MAX_SECS).contains(&t).then_some(UnixTime(t))
    }

    /// Whether this time can be written in RFC 3339 (years 0000–9999).
    pub fn is_representable(self) -> bool {
        (MIN_SECS..=MAX_SECS).contains(&self.0)
    }
}

impl fmt::Display for UnixTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rfc3339())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants() {
        // The Vietnamese QA sample's claims (HCERT.md §9).
        assert_eq!(UnixTime(1_649_950_687).rfc3339(), "2022-04-14T15:38:07Z");
        assert_eq!(UnixTime(1_738_195_200).rfc3339(), "2025-01-30T00:00:00Z");
        assert_eq!(UnixTime(0).rfc3339(), "1970-01-01T00:00:00Z");
        assert_eq!(UnixTime(-1).rfc3339(), "1969-12-31T23:59:59Z");
        assert_eq!(UnixTime(951_782_400).rfc3339(), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn parse_the_suites_clock_formats() {
        let want = UnixTime(1_620_000_000); // 2021-05-03T00:00:00Z
        for s in [
            "2021-05-03T00:00:00Z",
            "2021-05-03T00:00:00",
            "2021-05-03T00:00:00.123456",
            "2021-05-03T02:00:00+02:00",
            "2021-05-03T02:00:00+0200",
            "2021-05-03T02:00:00.123456789+02:00",
            "2021-05-02T22:00:00-02",
            "2021-05-03 00:00:00Z",
            "2021-05-03T00:00Z",
            "2021-05-03",
        ] {
            assert_eq!(UnixTime::parse_rfc3339(s), Some(want), "{s}");
        }
        for s in [
            "",
            "2021-13-01",
            "2021-02-29",
            "2021-05-03X00:00:00Z",
            "2021-05-03T24:00:00Z",
            "2021-05-03T00:00:00+25:00",
            "2021-05-03T00:00:00.Z",
            "2021-05-03T00:00:00Zjunk",
        ] {
            assert_eq!(UnixTime::parse_rfc3339(s), None, "{s}");
        }
    }

    #[test]
    fn add_months_clamps() {
        let d = Date::new(2024, 1, 31).unwrap();
        assert_eq!(d.add_months(1).to_string(), "2024-02-29");
        assert_eq!(d.add_months(12).to_string(), "2025-01-31");
        assert_eq!(
            Date::new(2023, 2, 28).unwrap().add_months(12).to_string(),
            "2024-02-28"
        );
    }

    proptest::proptest! {
        #[test]
        fn civil_round_trip(secs in MIN_SECS..=MAX_SECS) {
            let t = UnixTime(secs);
            proptest::prop_assert_eq!(UnixTime::parse_rfc3339(&t.rfc3339()), Some(t));
        }
    }
}
