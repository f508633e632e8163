//! Detects names that went through the wrong code page (docs/reconcile.md §Bad input): VNI
//! Windows text read as Unicode (`Nguyeãn` for `Nguyễn`), UTF-8 read as Windows-1252 and saved
//! again (`Nguyá»…n`), and bytes that were not UTF-8 at all (Windows-1258), which readers
//! replace by U+FFFD.
//!
//! VNI writes a Vietnamese letter as a base letter plus a Latin-1 letter standing for the mark
//! (`aø` à, `aâ` â, `eã` ễ, `ñ` đ, `ö` ư). Some of those pairs never occur in Vietnamese
//! (`a`/`e` followed by an `a`-family letter) and some letters never do (`ø û ï å ä ë ü ö ñ`);
//! one impossible pair, or two such letters, mark a name as VNI. A single `ü`/`ö`/`ñ` in a
//! foreign name (`Müller`) is not enough. Cost: one pass over at most the name's characters.

use crate::tolerance::Reason;

fn vni_only(c: char) -> bool {
    matches!(
        c.to_lowercase().next().unwrap_or(c),
        'ø' | 'û' | 'ï' | 'å' | 'ä' | 'ë' | 'ü' | 'ö' | 'ñ'
    )
}

fn a_family(c: char) -> bool {
    matches!(
        c.to_lowercase().next().unwrap_or(c),
        'â' | 'á' | 'à' | 'å' | 'ã' | 'ä' | 'ê' | 'é' | 'è' | 'ú' | 'ü' | 'ë'
    )
}

/// Windows-1252 letters that UTF-8 lead bytes of Vietnamese letters turn into.
fn mojibake_lead(c: char) -> bool {
    matches!(c, 'Ã' | 'Ä' | 'Å' | 'Æ' | 'á' | 'Ì' | 'Í')
}

/// Windows-1252 letters that UTF-8 continuation bytes turn into.
fn mojibake_cont(c: char) -> bool {
    matches!(c, '\u{80}'..='\u{bf}')
        || matches!(
            c,
            '€' | '‚'
                | 'ƒ'
                | '„'
                | '…'
                | '†'
                | '‡'
                | 'ˆ'
                | '‰'
                | 'Š'
                | '‹'
                | 'Œ'
                | 'Ž'
                | '‘'
                | '’'
                | '“'
                | '”'
                | '•'
                | '–'
                | '—'
                | '˜'
                | '™'
                | 'š'
                | '›'
                | 'œ'
                | 'ž'
                | 'Ÿ'
        )
}

/// The encoding problem a name shows, if any.
pub(crate) fn check(name: &str) -> Option<Reason> {
    if name.contains('\u{fffd}') || name.chars().any(|c| matches!(c, '\u{80}'..='\u{9f}')) {
        return Some(Reason::EncodingInvalidUtf8);
    }
    if name.is_ascii() {
        return None;
    }
    let mut vni_letters = 0;
    let mut vni_pairs = 0;
    let mut it = name.chars().take(256).peekable();
    while let Some(c) = it.next() {
        let next = it.peek().copied();
        if mojibake_lead(c) && next.is_some_and(mojibake_cont) {
            return Some(Reason::EncodingMojibake);
        }
        if vni_only(c) {
            vni_letters += 1;
        }
        let base = c.to_ascii_lowercase();
        if (base == 'a' || base == 'e') && next.is_some_and(a_family) {
            vni_pairs += 1;
        }
    }
    if vni_pairs > 0 || vni_letters >= 2 {
        return Some(Reason::EncodingVni);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects() {
        assert_eq!(check("Nguyễn Văn Đức"), None);
        assert_eq!(check("Hoàng Thị Thuỷ"), None);
        assert_eq!(check("Tiên Nguyên Tuân Quý Khoá"), None);
        assert_eq!(check("Müller"), None);
        assert_eq!(check("Nguyeãn"), Some(Reason::EncodingVni));
        assert_eq!(check("Traàn Vaên Ñöùc"), Some(Reason::EncodingVni));
        assert_eq!(check("Ñoã Ñöùc"), Some(Reason::EncodingVni));
        // "Nguyễn" as UTF-8 bytes read as Windows-1252.
        assert_eq!(check("Nguyá»…n"), Some(Reason::EncodingMojibake));
        assert_eq!(check("Tráº§n"), Some(Reason::EncodingMojibake));
        assert_eq!(check("Ng\u{fffd}y"), Some(Reason::EncodingInvalidUtf8));
    }
}
