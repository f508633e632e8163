//! Vietnamese personal names compared as docs/reconcile.md §Names specifies (Unicode UAX #15
//! NFC; Vietnamese orthography: one tone mark per syllable, placed "old style" `hoà`/`thuỷ` or
//! "new style" `hòa`/`thủy` (Quyết định 240/QĐ or QĐ 1989/QĐ-BGDĐT), `Đ` a letter of its own).
//!
//! A name becomes token lists in four forms, each more forgiving:
//! 1. folded: NFC, lower case, single spaces (decomposed/precomposed input and case differ no more);
//! 2. toned: each syllable's tone mark taken off and written as a digit after it, so `hoà`
//!    and `hòa` both become `hoa1` whatever the placement;
//! 3. d-folded: toned with `đ` → `d`;
//! 4. ascii: every mark removed.
//!
//! Forms 1–3 are spelling equivalences (the record is verified, the tolerance reported);
//! form 4 and the arrangements (family and given names swapped, a middle name missing on one
//! side) and a small edit distance are differences a person probably made while typing.
//!
//! Bounds: names are cut to [`MAX_NAME_CHARS`] characters and [`MAX_TOKENS`] syllables before
//! comparison, so the edit distance costs at most 120 × 120 cells.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization as _;

use crate::tolerance::Tolerance;

/// Longest name compared, in characters.
pub(crate) const MAX_NAME_CHARS: usize = 120;
/// Most syllables compared.
pub(crate) const MAX_TOKENS: usize = 12;
/// Largest edit distance still called a typing error.
pub(crate) const TYPO_MAX_DISTANCE: usize = 2;

/// Tone of a combining mark: 1 huyền, 2 sắc, 3 hỏi, 4 ngã, 5 nặng.
fn tone_of(c: char) -> Option<char> {
    match c {
        '\u{300}' | '\u{340}' => Some('1'),
        '\u{301}' | '\u{341}' => Some('2'),
        '\u{309}' => Some('3'),
        '\u{303}' => Some('4'),
        '\u{323}' => Some('5'),
        _ => None,
    }
}

/// One name in the four forms.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct NameForms {
    folded: Vec<String>,
    toned: Vec<String>,
    dfold: Vec<String>,
    ascii: Vec<String>,
    /// The input was not NFC (decomposed or mixed).
    not_nfc: bool,
    /// Every letter is upper case (registries often store names so).
    upper: bool,
    /// Spaces doubled, leading or trailing, or hyphens between syllables.
    irregular_space: bool,
    /// NFC syllables in their original case.
    cased: Vec<String>,
}

impl NameForms {
    /// From the parts as written (family, middle, given; any may be empty or hold several words).
    pub(crate) fn new(parts: &[&str]) -> NameForms {
        let mut f = NameForms::default();
        let mut chars = 0usize;
        for part in parts {
            let nfc: String = part.trim().nfc().collect();
            if nfc.as_str() != part.trim() {
                f.not_nfc = true;
            }
            for word in nfc.split(|c: char| c.is_whitespace() || c == '-' || c == '_') {
                if word.is_empty() || f.folded.len() >= MAX_TOKENS {
                    continue;
                }
                let take: String = word
                    .chars()
                    .take(MAX_NAME_CHARS.saturating_sub(chars))
                    .collect();
                if take.is_empty() {
                    continue;
                }
                chars += take.chars().count() + 1;
                let lower = take.to_lowercase();
                let (toned, dfold, ascii) = syllable_forms(&lower);
                f.cased.push(take);
                f.folded.push(lower);
                f.toned.push(toned);
                f.dfold.push(dfold);
                f.ascii.push(ascii);
            }
            // Spacing differences (double spaces, hyphens) are equivalences too.
            if nfc.split_whitespace().collect::<Vec<_>>().join(" ") != nfc || nfc.contains('-') {
                f.irregular_space = true;
            }
        }
        let mut letters = f
            .cased
            .iter()
            .flat_map(|t| t.chars())
            .filter(|c| c.is_alphabetic());
        f.upper = letters.clone().count() > 1 && letters.all(|c| !c.is_lowercase());
        f
    }

    /// Whether the two names are written with different case or spacing.
    fn case_or_space_differs(&self, other: &NameForms) -> bool {
        self.irregular_space || other.irregular_space || self.upper != other.upper
    }

    /// Number of syllables.
    pub(crate) fn len(&self) -> usize {
        self.folded.len()
    }

    /// Whether no syllable is left.
    pub(crate) fn is_empty(&self) -> bool {
        self.folded.is_empty()
    }

    /// The syllables `idx` in that order.
    fn pick(&self, idx: &[usize]) -> NameForms {
        let take = |v: &Vec<String>| idx.iter().filter_map(|&i| v.get(i).cloned()).collect();
        NameForms {
            folded: take(&self.folded),
            toned: take(&self.toned),
            dfold: take(&self.dfold),
            ascii: take(&self.ascii),
            not_nfc: self.not_nfc,
            upper: self.upper,
            irregular_space: self.irregular_space,
            cased: take(&self.cased),
        }
    }
}

/// Toned, d-folded and ascii forms of one lower-case NFC syllable.
fn syllable_forms(s: &str) -> (String, String, String) {
    let mut base = String::with_capacity(s.len());
    let mut tone = None;
    for c in s.nfd() {
        match tone_of(c) {
            Some(t) => tone = Some(t),
            None => base.push(c),
        }
    }
    let mut toned: String = base.nfc().collect();
    if let Some(t) = tone {
        toned.push(t);
    }
    let dfold: String = toned
        .chars()
        .map(|c| if c == 'đ' { 'd' } else { c })
        .collect();
    let ascii: String = base
        .chars()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| if c == 'đ' { 'd' } else { c })
        .collect();
    (toned, dfold, ascii)
}

/// How two names compare.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NameMatch {
    /// 0 (nothing in common) … 1 (same spelling).
    pub(crate) similarity: f64,
    /// The names differ beyond spelling equivalences.
    pub(crate) differs: bool,
    /// Tolerances applied to reach the similarity.
    pub(crate) tolerances: Vec<Tolerance>,
}

/// Penalty of an arrangement: swapped order or a missing middle name is a likely mistake,
/// not an equivalent spelling.
const SWAP_PENALTY: f64 = 0.05;
const MIDDLE_PENALTY: f64 = 0.10;
/// Similarity of names equal once every diacritic is removed.
const ASCII_SIMILARITY: f64 = 0.95;

/// Compares a record's name (family, middle, given) with a registry's full name.
pub(crate) fn compare(rec: &RecordName, reg: &NameForms) -> NameMatch {
    let f = rec.family_len;
    let m = rec.middle_len;
    let n = rec.forms.len();
    let g = n.saturating_sub(f + m);
    let all: Vec<usize> = (0..n).collect();
    let mut arrangements: Vec<(NameForms, NameForms, f64, Option<Tolerance>)> =
        vec![(rec.forms.clone(), reg.clone(), 0.0, None)];
    if f > 0 && g > 0 {
        let swapped: Vec<usize> = (f + m..n).chain(f..f + m).chain(0..f).collect();
        if swapped != all {
            arrangements.push((
                rec.forms.pick(&swapped),
                reg.clone(),
                SWAP_PENALTY,
                Some(Tolerance::NameOrderSwapped),
            ));
        }
    }
    if m == 0 && f > 0 && g > 0 && reg.len() > f + g {
        let keep: Vec<usize> = (0..f).chain(reg.len() - g..reg.len()).collect();
        arrangements.push((
            rec.forms.clone(),
            reg.pick(&keep),
            MIDDLE_PENALTY,
            Some(Tolerance::MiddleNameMissing),
        ));
    }
    if m > 0 && reg.len() == f + g {
        let keep: Vec<usize> = (0..f).chain(f + m..n).collect();
        arrangements.push((
            rec.forms.pick(&keep),
            reg.clone(),
            MIDDLE_PENALTY,
            Some(Tolerance::MiddleNameMissing),
        ));
    }
    let mut best: Option<NameMatch> = None;
    for (a, b, penalty, arrangement) in arrangements {
        let mut m = compare_forms(&a, &b);
        if let Some(t) = arrangement {
            m.similarity = (m.similarity - penalty).max(0.0);
            m.differs = true;
            m.tolerances.insert(0, t);
        }
        if best
            .as_ref()
            .is_none_or(|b| m.similarity > b.similarity + 1e-9)
        {
            best = Some(m);
        }
    }
    best.unwrap_or(NameMatch {
        similarity: 0.0,
        differs: true,
        tolerances: Vec::new(),
    })
}

/// Compares two names in one arrangement.
pub(crate) fn compare_forms(a: &NameForms, b: &NameForms) -> NameMatch {
    let mut equiv = Vec::new();
    if a.not_nfc || b.not_nfc {
        equiv.push(Tolerance::UnicodeForm);
    }
    if a.is_empty() || b.is_empty() {
        return NameMatch {
            similarity: 0.0,
            differs: true,
            tolerances: Vec::new(),
        };
    }
    if a.folded == b.folded {
        if a.cased != b.cased || a.irregular_space || b.irregular_space {
            equiv.push(Tolerance::CaseSpacing);
        }
        return NameMatch {
            similarity: 1.0,
            differs: false,
            tolerances: equiv,
        };
    }
    if a.case_or_space_differs(b) {
        equiv.push(Tolerance::CaseSpacing);
    }
    if a.toned == b.toned {
        equiv.push(Tolerance::TonePlacement);
        return NameMatch {
            similarity: 1.0,
            differs: false,
            tolerances: equiv,
        };
    }
    if a.dfold == b.dfold {
        equiv.push(Tolerance::DStroke);
        return NameMatch {
            similarity: 1.0,
            differs: false,
            tolerances: equiv,
        };
    }
    if a.ascii == b.ascii {
        equiv.push(Tolerance::DiacriticsMissing);
        return NameMatch {
            similarity: ASCII_SIMILARITY,
            differs: true,
            tolerances: equiv,
        };
    }
    let x: Vec<char> = a.dfold.join(" ").chars().collect();
    let y: Vec<char> = b.dfold.join(" ").chars().collect();
    let d = edit_distance(&x, &y);
    let longest = x.len().max(y.len()).max(1);
    let similarity = (1.0 - d as f64 / longest as f64).max(0.0);
    if d <= TYPO_MAX_DISTANCE && longest >= 4 {
        equiv.push(Tolerance::NameTypo);
    }
    NameMatch {
        similarity,
        differs: true,
        tolerances: equiv,
    }
}

/// A record's name with the sizes of its parts.
#[derive(Debug, Clone)]
pub(crate) struct RecordName {
    forms: NameForms,
    family_len: usize,
    middle_len: usize,
}

impl RecordName {
    /// From the record's three fields.
    pub(crate) fn new(family: &str, middle: &str, given: &str) -> RecordName {
        let fam = NameForms::new(&[family]).len();
        let mid = NameForms::new(&[middle]).len();
        RecordName {
            forms: NameForms::new(&[family, middle, given]),
            family_len: fam,
            middle_len: mid,
        }
    }

    /// A full name split Vietnamese-style: first word family, last word given.
    pub(crate) fn from_full(full: &str) -> RecordName {
        let forms = NameForms::new(&[full]);
        let n = forms.len();
        RecordName {
            family_len: usize::from(n > 0),
            middle_len: n.saturating_sub(2),
            forms,
        }
    }

    /// All syllables.
    pub(crate) fn forms(&self) -> &NameForms {
        &self.forms
    }
}

/// Optimal-string-alignment distance (Damerau–Levenshtein with adjacent transpositions),
/// O(|a|·|b|) time and O(|b|) memory.
pub(crate) fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut prev2 = vec![0usize; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0usize; b.len() + 1];
    for (i, &ca) in a.iter().enumerate() {
        // safe: the three rows have b.len() + 1 cells and j < b.len().
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let mut v = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            if i > 0 && j > 0 && a.get(i - 1) == Some(&cb) && b.get(j - 1) == Some(&ca) {
                v = v.min(prev2[j - 1] + 1);
            }
            cur[j + 1] = v;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Moves a syllable's tone between the two vowels of `oa`, `oe`, `uy` without a final
/// consonant (old style `hoà` ↔ new style `hòa`); `None` when the syllable has no such pair.
pub(crate) fn move_tone(syllable: &str) -> Option<String> {
    let chars: Vec<char> = syllable.nfd().collect();
    let tone_pos = chars.iter().position(|c| tone_of(*c).is_some())?;
    let tone = *chars.get(tone_pos)?;
    let base: Vec<char> = chars
        .iter()
        .copied()
        .filter(|c| tone_of(*c).is_none())
        .collect();
    let n = base.len();
    if n < 2 {
        return None;
    }
    // safe: n ≥ 2 checked above, and n ≥ 3 before base[n - 3].
    let (v1, v2) = (
        base[n - 2].to_ascii_lowercase(),
        base[n - 1].to_ascii_lowercase(),
    );
    if !matches!((v1, v2), ('o', 'a') | ('o', 'e') | ('u', 'y'))
        || (n >= 3 && base[n - 3].eq_ignore_ascii_case(&'q'))
    {
        return None;
    }
    // In NFD the tone follows its vowel (dot below may precede a circumflex; not on o/u/a/e/y
    // plain letters here). Tone on the last vowel → put it after the first, and back.
    let on_last = tone_pos == chars.len() - 1;
    let mut out: Vec<char> = Vec::with_capacity(chars.len());
    for (i, c) in base.iter().enumerate() {
        out.push(*c);
        if (on_last && i == n - 2) || (!on_last && i == n - 1) {
            out.push(tone);
        }
    }
    Some(out.into_iter().collect::<String>().nfc().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(family: &str, middle: &str, given: &str, reg: &str) -> NameMatch {
        compare(
            &RecordName::new(family, middle, given),
            &NameForms::new(&[reg]),
        )
    }

    #[test]
    fn equivalences() {
        let m = cmp("Nguyễn", "Văn", "An", "Nguyễn Văn An");
        assert_eq!(
            (m.similarity, m.differs, m.tolerances),
            (1.0, false, vec![])
        );
        let nfd: String = "Nguyễn Văn An".nfd().collect();
        let m = cmp("Nguyễn", "Văn", "An", &nfd);
        assert_eq!(m.tolerances, vec![Tolerance::UnicodeForm]);
        assert!(!m.differs);
        let m = cmp("Nguyễn", "Văn", "An", "NGUYỄN  VĂN AN");
        assert_eq!(m.tolerances, vec![Tolerance::CaseSpacing]);
        let m = cmp("Lê", "Thị", "Thuỷ", "Lê Thị Thủy");
        assert_eq!(m.tolerances, vec![Tolerance::TonePlacement]);
        let m = cmp("Lê", "Văn", "Hoà", "LÊ VĂN HÒA");
        assert_eq!(
            m.tolerances,
            vec![Tolerance::CaseSpacing, Tolerance::TonePlacement]
        );
        let m = cmp("Dặng", "Văn", "Dức", "Đặng Văn Đức");
        assert_eq!(m.tolerances, vec![Tolerance::DStroke]);
        assert!(!m.differs);
    }

    #[test]
    fn differences() {
        let m = cmp("Nguyen", "Van", "An", "Nguyễn Văn An");
        assert_eq!(m.tolerances, vec![Tolerance::DiacriticsMissing]);
        assert!(m.differs);
        let m = cmp("Nguyễn", "", "An", "Nguyễn Văn An");
        assert_eq!(m.tolerances, vec![Tolerance::MiddleNameMissing]);
        assert!(m.similarity > 0.85);
        let m = cmp("Nguyễn", "Văn", "An", "Nguyễn An");
        assert_eq!(m.tolerances, vec![Tolerance::MiddleNameMissing]);
        let m = cmp("An", "Văn", "Nguyễn", "Nguyễn Văn An");
        assert_eq!(m.tolerances, vec![Tolerance::NameOrderSwapped]);
        let m = cmp("Nguyễn", "Văn", "Anh", "Nguyễn Văn An");
        assert_eq!(m.tolerances, vec![Tolerance::NameTypo]);
        assert!(m.similarity > 0.9);
        let m = cmp("Nguyễn", "Văn", "Ăn", "Nguyễn Văn An");
        assert_eq!(m.tolerances, vec![Tolerance::DiacriticsMissing]);
        let m = cmp("Nguyễn", "Văn", "Am", "Nguyễn Văn An");
        assert_eq!(m.tolerances, vec![Tolerance::NameTypo]);
        let m = cmp("Trần", "Thị", "Lan", "Nguyễn Văn Bình");
        assert!(m.similarity < 0.5, "{m:?}");
        assert!(m.tolerances.is_empty());
    }

    #[test]
    fn tone_moves_both_ways() {
        assert_eq!(move_tone("hoà").as_deref(), Some("hòa"));
        assert_eq!(move_tone("hòa").as_deref(), Some("hoà"));
        assert_eq!(move_tone("Thủy").as_deref(), Some("Thuỷ"));
        assert_eq!(move_tone("Thuỷ").as_deref(), Some("Thủy"));
        assert_eq!(move_tone("khoẻ").as_deref(), Some("khỏe"));
        assert_eq!(move_tone("Hoàng"), None);
        assert_eq!(move_tone("An"), None);
    }

    #[test]
    fn distance() {
        let d = |a: &str, b: &str| {
            edit_distance(
                &a.chars().collect::<Vec<_>>(),
                &b.chars().collect::<Vec<_>>(),
            )
        };
        assert_eq!(d("an", "anh"), 1);
        assert_eq!(d("ab", "ba"), 1);
        assert_eq!(d("", "abc"), 3);
        assert_eq!(d("kitten", "sitting"), 3);
    }
}
