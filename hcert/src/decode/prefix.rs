//! The HCERT context identifier `HC1:` (hcert_spec §4.2.2, HCERT.md §1.2).

use crate::error::{Error, Result};

/// The only context identifier this version of the specification defines.
pub const HC1: &str = "HC1:";

/// Strips `HC1:` from `text`, or says precisely why the text is not an HCERT of version 1.
///
/// Later versions (`HC2:` … `HCZ:`) are reported as unsupported rather than invalid so that
/// users learn that their certificate may be fine but this verifier is too old.
pub fn strip_prefix(text: &str) -> Result<&str> {
    if let Some(rest) = text.strip_prefix(HC1) {
        return Ok(rest);
    }
    let b = text.as_bytes();
    if b.len() >= 4 && &b[..2] == b"HC" && b[3] == b':' && matches!(b[2], b'2'..=b'9' | b'A'..=b'Z')
    {
        return Err(Error::PrefixUnsupported {
            prefix: text[..4].to_string(),
        });
    }
    // Something that looks like a context identifier ("HL0:", "hc1:") but is not ours.
    if let Some(colon) = b.iter().take(5).position(|&c| c == b':') {
        if colon >= 2 && b[..colon].iter().all(u8::is_ascii_alphanumeric) {
            return Err(Error::PrefixInvalid {
                prefix: text[..=colon].to_string(),
            });
        }
    }
    Err(Error::PrefixMissing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hcert_spec_prefixes() {
        assert_eq!(strip_prefix("HC1:6BF"), Ok("6BF"));
        assert_eq!(strip_prefix("HC1:"), Ok(""));
        // dgc-testdata common/H1 (HL0:), H2 (HC2:), H3 (no prefix).
        assert_eq!(
            strip_prefix("HL0:6BF").unwrap_err().code(),
            "PREFIX_INVALID"
        );
        assert_eq!(
            strip_prefix("HC2:6BF").unwrap_err().code(),
            "PREFIX_UNSUPPORTED"
        );
        assert_eq!(strip_prefix("6BFOXN").unwrap_err().code(), "PREFIX_MISSING");
        assert_eq!(
            strip_prefix("hc1:6BF").unwrap_err().code(),
            "PREFIX_INVALID"
        );
        assert_eq!(strip_prefix("").unwrap_err().code(), "PREFIX_MISSING");
        assert_eq!(strip_prefix("HC").unwrap_err().code(), "PREFIX_MISSING");
        // Non-ASCII never panics on a char boundary.
        assert_eq!(strip_prefix("ĐHC1:").unwrap_err().code(), "PREFIX_MISSING");
    }
}
