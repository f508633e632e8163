//! Dates of birth, full or partial, compared as docs/reconcile.md §Dates of birth specifies
//! (the forms of docs/records.md: `YYYY-MM-DD`, `DD/MM/YYYY`, `YYYY-MM`, `MM/YYYY`, `YYYY`,
//! plus `YYYYMMDD` and `DD-MM-YYYY` that registries export).

use crate::tolerance::Tolerance;

/// A date with what is known of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PartialDate {
    pub(crate) year: i32,
    pub(crate) month: Option<u8>,
    pub(crate) day: Option<u8>,
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

fn num(s: &str, min_len: usize, max_len: usize) -> Option<u32> {
    if s.len() < min_len || s.len() > max_len || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl PartialDate {
    fn full(y: u32, m: u32, d: u32) -> Option<PartialDate> {
        let year = i32::try_from(y).ok()?;
        let month = u8::try_from(m).ok()?;
        let day = u8::try_from(d).ok()?;
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(PartialDate {
            year,
            month: Some(month),
            day: Some(day),
        })
    }

    fn month(y: u32, m: u32) -> Option<PartialDate> {
        let month = u8::try_from(m).ok().filter(|m| (1..=12).contains(m))?;
        Some(PartialDate {
            year: i32::try_from(y).ok()?,
            month: Some(month),
            day: None,
        })
    }

    /// Parses the accepted forms; `None` for anything else.
    pub(crate) fn parse(s: &str) -> Option<PartialDate> {
        let s = s.trim();
        if s.len() > 10 {
            return None;
        }
        if let Some(y) = num(s, 4, 4) {
            return Some(PartialDate {
                year: i32::try_from(y).ok()?,
                month: None,
                day: None,
            });
        }
        if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
            let y = num(s.get(0..4)?, 4, 4)?;
            return PartialDate::full(y, num(s.get(4..6)?, 2, 2)?, num(s.get(6..8)?, 2, 2)?);
        }
        let parts: Vec<&str> = s.split(['-', '/', '.']).collect();
        match parts.as_slice() {
            [a, b, c] if a.len() == 4 => {
                PartialDate::full(num(a, 4, 4)?, num(b, 1, 2)?, num(c, 1, 2)?)
            }
            [a, b, c] => PartialDate::full(num(c, 4, 4)?, num(b, 1, 2)?, num(a, 1, 2)?),
            [a, b] if a.len() == 4 => PartialDate::month(num(a, 4, 4)?, num(b, 1, 2)?),
            [a, b] => PartialDate::month(num(b, 4, 4)?, num(a, 1, 2)?),
            _ => None,
        }
    }

    /// ISO form of what is known.
    pub(crate) fn iso(&self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{:04}-{m:02}-{d:02}", self.year),
            (Some(m), None) => format!("{:04}-{m:02}", self.year),
            _ => format!("{:04}", self.year),
        }
    }

    fn digits(&self) -> String {
        format!(
            "{:04}{:02}{:02}",
            self.year,
            self.month.unwrap_or(0),
            self.day.unwrap_or(0)
        )
    }
}

/// How two dates of birth compare.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DobMatch {
    /// 0 … 1.
    pub(crate) similarity: f64,
    /// The dates differ (the record must be corrected).
    pub(crate) differs: bool,
    /// Tolerances applied.
    pub(crate) tolerances: Vec<Tolerance>,
}

/// Similarity when a side cannot be read.
const UNKNOWN: f64 = 0.5;

/// Compares the record's date of birth with the registry's.
pub(crate) fn compare(record: &str, registry: &str) -> DobMatch {
    let (a, b) = (PartialDate::parse(record), PartialDate::parse(registry));
    let (a, b) = match (a, b) {
        (Some(a), Some(b)) => (a, b),
        // An unreadable or missing record date is the record's to fix; a registry without one
        // cannot contradict the record.
        (None, _) => {
            return DobMatch {
                similarity: UNKNOWN,
                differs: true,
                tolerances: Vec::new(),
            }
        }
        (Some(_), None) => {
            return DobMatch {
                similarity: UNKNOWN,
                differs: false,
                tolerances: Vec::new(),
            }
        }
    };
    let agree = |x: Option<u8>, y: Option<u8>| x.is_none() || y.is_none() || x == y;
    if a.year == b.year && agree(a.month, b.month) && agree(a.day, b.day) {
        let partial = a.month.is_some() != b.month.is_some() || a.day.is_some() != b.day.is_some();
        return DobMatch {
            similarity: 1.0,
            differs: false,
            tolerances: if partial {
                vec![Tolerance::DobPartial]
            } else {
                Vec::new()
            },
        };
    }
    let differ = |similarity: f64, t: Option<Tolerance>| DobMatch {
        similarity,
        differs: true,
        tolerances: t.into_iter().collect(),
    };
    if a.year == b.year && a.day.is_some() && a.day == b.month && a.month == b.day {
        return differ(0.9, Some(Tolerance::DobDayMonthSwapped));
    }
    // Compare only the digits both sides know.
    let (x, y) = (a.digits(), b.digits());
    let known =
        |d: &PartialDate| 4 + 2 * usize::from(d.month.is_some()) + 2 * usize::from(d.day.is_some());
    let n = known(&a).min(known(&b));
    let (x, y) = (x.as_bytes(), y.as_bytes());
    let diffs: Vec<usize> = (0..n).filter(|&i| x.get(i) != y.get(i)).collect();
    let one_typo = match diffs.as_slice() {
        [_] => true,
        [i, j] => *j == i + 1 && x.get(*i) == y.get(*j) && x.get(*j) == y.get(*i),
        _ => false,
    };
    if one_typo {
        return differ(0.85, Some(Tolerance::DobTypo));
    }
    if a.year == b.year {
        return differ(0.5, None);
    }
    differ(0.0, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_forms() {
        let p = |s: &str| PartialDate::parse(s).map(|d| d.iso());
        assert_eq!(p("1985-04-30").as_deref(), Some("1985-04-30"));
        assert_eq!(p("30/04/1985").as_deref(), Some("1985-04-30"));
        assert_eq!(p("3/4/1985").as_deref(), Some("1985-04-03"));
        assert_eq!(p("19850430").as_deref(), Some("1985-04-30"));
        assert_eq!(p("30-04-1985").as_deref(), Some("1985-04-30"));
        assert_eq!(p("1985-04").as_deref(), Some("1985-04"));
        assert_eq!(p("04/1985").as_deref(), Some("1985-04"));
        assert_eq!(p("1985").as_deref(), Some("1985"));
        assert_eq!(p("31/02/1985"), None);
        assert_eq!(p("1985-13"), None);
        assert_eq!(p(""), None);
        assert_eq!(p("abcd"), None);
        assert_eq!(p("1/2/3/4"), None);
    }

    #[test]
    fn compares() {
        let c = |a: &str, b: &str| {
            let m = compare(a, b);
            (m.similarity, m.differs, m.tolerances)
        };
        assert_eq!(c("30/04/1985", "1985-04-30"), (1.0, false, vec![]));
        assert_eq!(
            c("1985", "1985-04-30"),
            (1.0, false, vec![Tolerance::DobPartial])
        );
        assert_eq!(
            c("1985-04-30", "04/1985"),
            (1.0, false, vec![Tolerance::DobPartial])
        );
        assert_eq!(
            c("04/05/1985", "1985-04-05"),
            (0.9, true, vec![Tolerance::DobDayMonthSwapped])
        );
        assert_eq!(
            c("1985-04-30", "1986-04-30"),
            (0.85, true, vec![Tolerance::DobTypo])
        );
        assert_eq!(
            c("1958-04-30", "1985-04-30"),
            (0.85, true, vec![Tolerance::DobTypo])
        );
        assert_eq!(c("1985-01-02", "1985-07-19"), (0.5, true, vec![]));
        assert_eq!(c("1961-01-02", "1985-07-19"), (0.0, true, vec![]));
        assert_eq!(c("", "1985-07-19"), (0.5, true, vec![]));
        assert_eq!(c("1985", ""), (0.5, false, vec![]));
    }
}
