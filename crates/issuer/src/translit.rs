//! ICAO Doc 9303 Part 3 transliteration of names into `fnt`/`gnt` (HCERT.md §7.3): `A–Z`
//! and the filler `<` only.
//!
//! Vietnamese letters lose tone marks and vowel modifiers (Ă, Â → A; Ê → E; Ô, Ơ → O;
//! Ư → U …). Đ/đ have no Unicode decomposition and are mapped explicitly to D — the classic
//! trap. Other Latin letters follow the ICAO table (Ä → AE, ß → SS …) or lose their marks.
//! Spaces and hyphens separate name parts with one `<`; apostrophes and other punctuation
//! disappear.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization as _;

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
pub fn transliterate(name: &str, max: usize) -> Result<String, TranslitError> {
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
        // Decompose and keep the base letter.
        for d in c.nfd().filter(|d| !is_combining_mark(*d)) {
            if d.is_ascii_alphabetic() {
                if pending_filler && !out.is_empty() {
                    out.push('<');
                }
                pending_filler = false;
                out.push(d.to_ascii_uppercase());
            } else if d.is_ascii_punctuation() || d.is_ascii_digit() {
                // Digits and stray punctuation have no place in a name: dropped.
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

#[cfg(test)]
mod tests {
    use super::*;

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
