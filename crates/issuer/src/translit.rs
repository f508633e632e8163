//! ICAO Doc 9303 Part 3 transliteration of names into `fnt`/`gnt` (HCERT.md §7.3): `A–Z`
//! and the filler `<` only.
//!
//! Vietnamese letters lose tone marks and vowel modifiers (Ă, Â → A; Ê → E; Ô, Ơ → O;
//! Ư → U …). Đ/đ have no Unicode decomposition and are mapped explicitly to D — the classic
//! trap. Other Latin letters follow the ICAO table (Ä → AE, ß → SS …) or lose their marks.
//! Spaces and hyphens separate name parts with one `<`; apostrophes and other punctuation
//! disappear.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization as _};

/// Why a name cannot be transliterated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TranslitError {
    /// A letter from a script without a table here (Cyrillic, Greek, Han …).
    UnsupportedCharacter(char),
}

/// ICAO 9303 Part 3 multi-letter mappings for Latin letters.
fn icao_special(c: char) -> Option<&'static str> {
    Some(match c {
        'Ä' | 'ä' | 'Æ' | 'æ' => "AE",
        'Å' | 'å' => "AA",
        'Ö' | 'ö' | 'Ø' | 'ø' | 'Œ' | 'œ' => "OE",
        'Ü' | 'ü' => "UE",
        'ß' | 'ẞ' => "SS",
        'Þ' | 'þ' => "TH",
        'Ð' | 'ð' | 'Đ' | 'đ' => "D",
        'Ĳ' | 'ĳ' => "IJ",
        'Ł' | 'ł' => "L",
        'Ħ' | 'ħ' => "H",
        'ı' => "I",
        _ => return None,
    })
}

/// Transliterates one name field (`fn` → `fnt`, `gn` → `gnt`), truncated to `max` characters
/// at the end (ICAO truncation keeps the start of the name).
///
/// Names arrive in NFC (cleaning normalises them), which the quick check confirms without
/// building a normalised copy; ASCII characters need no decomposition, and the others are
/// decomposed one by one without an iterator's buffers. With the like fast paths of
/// `clean::normalize_name` and `vaccines::lookup`, cleaning a record went from 1.74 µs to
/// 0.65 µs (stage `clean` of `./dev bench-issue`, 2026-11-30), where Unicode normalisation
/// was the largest part. A property test checks every result against the plain form
/// (`name.nfc()`, then `c.nfd()` per character).
pub fn transliterate(name: &str, max: usize) -> Result<String, TranslitError> {
    if is_nfc_quick(name.chars()) == IsNormalized::Yes {
        transliterate_nfc(name.chars(), name.len(), max)
    } else {
        transliterate_nfc(name.nfc(), name.len(), max)
    }
}

/// What a letter of a decomposition becomes: the base letter, upper case, after a pending
/// filler; digits and stray punctuation have no place in a name and are dropped (`true`);
/// anything else is refused (`false`).
fn letter(d: char, out: &mut String, pending_filler: &mut bool) -> bool {
    if d.is_ascii_alphabetic() {
        if *pending_filler && !out.is_empty() {
            out.push('<');
        }
        *pending_filler = false;
        out.push(d.to_ascii_uppercase());
        true
    } else {
        d.is_ascii_punctuation() || d.is_ascii_digit()
    }
}

/// [`transliterate`] of a name already in NFC, given as its characters.
fn transliterate_nfc(
    chars: impl Iterator<Item = char>,
    len: usize,
    max: usize,
) -> Result<String, TranslitError> {
    let mut out = String::with_capacity(len);
    let mut pending_filler = false;
    for c in chars {
        if let Some(s) = icao_special(c) {
            if pending_filler && !out.is_empty() {
                out.push('<');
            }
            pending_filler = false;
            out.push_str(s);
            continue;
        }
        if c.is_whitespace() || matches!(c, '-' | '‐' | '‑' | '–' | '—' | ',' | '.' | '<' | '_')
        {
            pending_filler = true;
            continue;
        }
        if matches!(c, '\'' | '’' | '‘' | 'ʼ' | '`' | '´' | '"') {
            continue;
        }
        // Decompose and keep the base letter (an ASCII character is its own decomposition).
        let ok = if c.is_ascii() {
            letter(c, &mut out, &mut pending_filler)
        } else {
            let mut ok = true;
            decompose_canonical(c, |d| {
                if ok && !is_combining_mark(d) {
                    ok = letter(d, &mut out, &mut pending_filler);
                }
            });
            ok
        };
        if !ok {
            return Err(TranslitError::UnsupportedCharacter(c));
        }
    }
    if out.len() > max {
        out.truncate(max);
        while out.ends_with('<') {
            out.pop();
        }
    }
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    /// transliterate as first written: the whole name through `nfc()`, every character
    /// through `nfd()`.
    fn reference(name: &str, max: usize) -> Result<String, TranslitError> {
        let mut out = String::with_capacity(name.len());
        let mut pending_filler = false;
        for c in name.nfc() {
            if let Some(s) = icao_special(c) {
                if pending_filler && !out.is_empty() {
                    out.push('<');
                }
                pending_filler = false;
                out.push_str(s);
                continue;
            }
            if c.is_whitespace() || matches!(c, '-' | '‐' | '‑' | '–' | '—' | ',' | '.' | '<' | '_')
            {
                pending_filler = true;
                continue;
            }
            if matches!(c, '\'' | '’' | '‘' | 'ʼ' | '`' | '´' | '"') {
                continue;
            }
            for d in c.nfd().filter(|d| !is_combining_mark(*d)) {
                if d.is_ascii_alphabetic() {
                    if pending_filler && !out.is_empty() {
                        out.push('<');
                    }
                    pending_filler = false;
                    out.push(d.to_ascii_uppercase());
                } else if d.is_ascii_punctuation() || d.is_ascii_digit() {
                } else {
                    return Err(TranslitError::UnsupportedCharacter(c));
                }
            }
        }
        if out.len() > max {
            out.truncate(max);
            while out.ends_with('<') {
                out.pop();
            }
        }
        Ok(out)
    }

    /// Names in every form the fast paths tell apart: ASCII, Vietnamese precomposed and
    /// decomposed (NFD, and marks in a non-canonical order), other Latin letters, separators,
    /// combining marks alone, other scripts, anything.
    pub(crate) fn name() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            4 => "[A-Za-z '\\-]{1,12}",
            4 => "[a-zA-ZàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđĐ ]{1,12}",
            2 => "[a-eÀ-ÿĀ-ſ\u{300}-\u{36f}\u{1e00}-\u{1eff}ǅǈ ,.<_’‐—]{1,10}",
            1 => "[\u{300}-\u{36f}Иви王가각ﬁ①²]{1,4}",
            1 => any::<String>(),
        ];
        prop::collection::vec(piece, 0..5).prop_map(|v| {
            let s = v.concat();
            // Half of them decomposed, as some systems export.
            if s.len() % 2 == 0 {
                s.nfd().collect()
            } else {
                s
            }
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn same_as_the_reference(s in name(), max in prop_oneof![Just(80usize), 0usize..20]) {
            prop_assert_eq!(transliterate(&s, max), reference(&s, max));
        }
    }

    fn t(s: &str) -> String {
        transliterate(s, 80).unwrap()
    }

    /// HCERT.md §7.3 examples and the Vietnamese QA sample.
    #[test]
    fn vietnamese_names() {
        assert_eq!(t("Nguyễn"), "NGUYEN");
        assert_eq!(t("Trần Thị Ánh Tuyết"), "TRAN<THI<ANH<TUYET");
        assert_eq!(t("Đặng Văn Đức"), "DANG<VAN<DUC");
        assert_eq!(t("Hồ Chí-Minh"), "HO<CHI<MINH");
        assert_eq!(t("Bảo Duy"), "BAO<DUY");
        assert_eq!(t("Phạm Minh Chính"), "PHAM<MINH<CHINH");
        assert_eq!(t("Võ Nguyên Giáp"), "VO<NGUYEN<GIAP");
        assert_eq!(t("Lương Thế Vinh"), "LUONG<THE<VINH");
        assert_eq!(t("Trưng Trắc"), "TRUNG<TRAC");
        assert_eq!(t("Huỳnh Thúc Kháng"), "HUYNH<THUC<KHANG");
        assert_eq!(t("Ngô Bảo Châu"), "NGO<BAO<CHAU");
        assert_eq!(t("Đoàn Thị Điểm"), "DOAN<THI<DIEM");
        assert_eq!(t("Kiều Phương Ơn"), "KIEU<PHUONG<ON");
        assert_eq!(t("Ỷ Lan"), "Y<LAN");
        // Every Vietnamese vowel with every tone, upper and lower case.
        let vowels = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵ";
        let t1: String = t(vowels);
        assert_eq!(
            t1,
            "AAAAAAAAAAAAAAAAAAEEEEEEEEEEEEIIIIIIOOOOOOOOOOOOOOOOOOUUUUUUUUUUUUYYYYYY"
        );
        assert_eq!(t(&vowels.to_uppercase()), t1);
        assert_eq!(t("đĐ"), "DD");
    }

    /// Decomposed input (NFD, as some systems export) gives the same result.
    #[test]
    fn decomposed_input() {
        let nfd: String = "Nguyễn Thị Đào".nfd().collect();
        assert_eq!(t(&nfd), "NGUYEN<THI<DAO");
    }

    /// ICAO specials and separators (NL and DE examples from the test data).
    #[test]
    fn other_latin_names() {
        assert_eq!(t("'t Achternaam"), "T<ACHTERNAAM");
        assert_eq!(
            t("van der Achternaam-Leeuwarden"),
            "VAN<DER<ACHTERNAAM<LEEUWARDEN"
        );
        assert_eq!(t("Musterfrau-Gößinger"), "MUSTERFRAU<GOESSINGER");
        assert_eq!(t("Ærøskøbing"), "AEROESKOEBING");
        assert_eq!(t("Peña  Núñez"), "PENA<NUNEZ");
        assert_eq!(t("O'Brien"), "OBRIEN");
        assert_eq!(t("  Anna -  Maria "), "ANNA<MARIA");
        assert_eq!(t("Łukasz Żółć"), "LUKASZ<ZOLC");
    }

    #[test]
    fn unsupported_scripts_and_truncation() {
        assert_eq!(
            transliterate("Иванов", 80),
            Err(TranslitError::UnsupportedCharacter('И'))
        );
        assert_eq!(
            transliterate("王", 80),
            Err(TranslitError::UnsupportedCharacter('王'))
        );
        assert_eq!(transliterate("Nguyen Van", 8).unwrap(), "NGUYEN<V");
        assert_eq!(transliterate("Nguyen Van", 7).unwrap(), "NGUYEN");
        assert_eq!(t(""), "");
    }
}
