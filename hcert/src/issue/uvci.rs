//! Unique vaccination certificate identifiers (eHN guidelines Annex 2; HCERT.md §7.1–7.2):
//! `URN:UVCI:01:<country>:<national part>[#<check character>]`, with the Luhn mod N check
//! character over the code points `A–Z 0–9 / :` (N = 38).
//!
//! Verifiers must treat a UVCI as opaque (many issuers get the check character wrong), so
//! [`check_character_valid`] is for display and issuing, never a reason to reject.

/// The code points, value order.
pub const CODE_POINTS: &[u8; 38] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/:";

fn value(c: u8) -> Option<u32> {
    CODE_POINTS.iter().position(|&p| p == c).map(|v| v as u32)
}

/// The Luhn mod N check character for `body` (the UVCI without `#`, upper case), or `None`
/// when it holds a character outside the code points.
pub fn check_character(body: &str) -> Option<char> {
    let n = CODE_POINTS.len() as u32;
    let mut factor = 2;
    let mut sum = 0;
    for c in body.bytes().rev() {
        let addend = factor * value(c)?;
        factor = if factor == 2 { 1 } else { 2 };
        sum += addend / n + addend % n;
    }
    let check = (n - sum % n) % n;
    Some(char::from(CODE_POINTS[check as usize]))
}

/// Whether `uvci` ends in `#` plus a valid check character.
pub fn check_character_valid(uvci: &str) -> bool {
    match uvci.rsplit_once('#') {
        Some((body, check)) if check.len() == 1 => {
            check_character(&body.to_ascii_uppercase())
                .map(String::from)
                .as_deref()
                == Some(&check.to_ascii_uppercase())
        }
        _ => false,
    }
}

/// Appends `#` and the check character.
pub fn with_check_character(body: &str) -> Option<String> {
    check_character(body).map(|c| format!("{body}#{c}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// eu-dcc-schema wiki/FAQ and examples/Luhn-Mod-N: `…/37512422923` → `Z`.
    #[test]
    fn eu_dcc_schema_luhn_example() {
        assert_eq!(check_character("URN:UVCI:01:NL:187/37512422923"), Some('Z'));
        assert!(check_character_valid("URN:UVCI:01:NL:187/37512422923#Z"));
        assert!(!check_character_valid("URN:UVCI:01:NL:187/37512422923#Y"));
        assert!(!check_character_valid("URN:UVCI:01:NL:187/37512422923"));
        assert_eq!(check_character("URN:UVCI:01:VN:ABC-1"), None);
    }

    proptest::proptest! {
        /// Every single-character substitution is detected (the Luhn mod N guarantee).
        #[test]
        fn single_substitutions_are_detected(body in "[A-Z0-9/:]{1,40}", pos in 0usize..40, to in 0usize..38) {
            let full = with_check_character(&body).unwrap();
            proptest::prop_assert!(check_character_valid(&full));
            let pos = pos % body.len();
            let mut changed = body.clone().into_bytes();
            if changed[pos] != CODE_POINTS[to] {
                changed[pos] = CODE_POINTS[to];
                let changed = String::from_utf8(changed).unwrap();
                let c = full.chars().last().unwrap();
                let forged = format!("{changed}#{c}");
                proptest::prop_assert!(!check_character_valid(&forged));
            }
        }
    }
}
