//! Base45 (RFC 9285) through the `base45` crate, strict: every violation is an error, nothing
//! is skipped or trimmed (hcert_spec §4.2.2, HCERT.md §1.3).
//!
//! The crate says only "invalid", and it reads a final pair above 255 without complaint (it
//! keeps the low byte: `::` decodes to one byte where RFC 9285 §4 requires an error). This
//! adapter adds that check and, when the crate refuses a text, finds the position and the
//! kind of fault for the error code.

use crate::error::{Error, Result};

/// The 45 characters, value order (RFC 9285 §4).
const ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

fn value(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|v| v as u32)
}

/// Decodes Base45 text. Rejects characters outside the alphabet (lower case, `=`, line
/// breaks…), a length of 1 mod 3, triplets above 65535 and final pairs above 255.
pub fn decode(text: &str) -> Result<Vec<u8>> {
    let b = text.as_bytes();
    if b.len() % 3 == 1 {
        // A bad character is the more useful message when there is one.
        return Err(first_invalid_char(b).unwrap_or(Error::Base45InvalidLength { len: b.len() }));
    }
    if let [.., c, d] = b {
        if b.len() % 3 == 2 {
            if let (Some(c), Some(d)) = (value(*c), value(*d)) {
                if c + 45 * d > 0xFF {
                    // A bad character earlier in the text is reported first.
                    return Err(locate(b).unwrap_or(Error::Base45Overflow {
                        position: b.len() - 2,
                    }));
                }
            }
        }
    }
    base45::decode(b).map_err(|_| {
        locate(b).unwrap_or(Error::Base45InvalidChar {
            position: b.len().saturating_sub(1),
        })
    })
}

fn first_invalid_char(b: &[u8]) -> Option<Error> {
    b.iter()
        .position(|&c| value(c).is_none())
        .map(|position| Error::Base45InvalidChar { position })
}

/// The first fault of a text the crate refused, in reading order.
fn locate(b: &[u8]) -> Option<Error> {
    for (group, chunk) in b.chunks(3).enumerate() {
        let position = group * 3;
        let mut n = 0u32;
        let mut factor = 1u32;
        for (i, &c) in chunk.iter().enumerate() {
            let Some(v) = value(c) else {
                return Some(Error::Base45InvalidChar {
                    position: position + i,
                });
            };
            n += v * factor;
            factor *= 45;
        }
        let limit = if chunk.len() == 3 { 0xFFFF } else { 0xFF };
        if n > limit {
            return Some(Error::Base45Overflow { position });
        }
    }
    None
}

/// Appends the Base45 encoding of `data` to `out`.
#[cfg(feature = "sign")]
pub(crate) fn encode_into(data: &[u8], out: &mut String) {
    out.push_str(&base45::encode(data));
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The RFC 9285 decoding algorithm, written from §4 as an oracle for the crate plus
    /// adapter: the same answer on every input, error kinds and positions included.
    fn reference(text: &str) -> Result<Vec<u8>> {
        let b = text.as_bytes();
        if b.len() % 3 == 1 {
            return Err(
                first_invalid_char(b).unwrap_or(Error::Base45InvalidLength { len: b.len() })
            );
        }
        if let Some(e) = locate(b) {
            return Err(e);
        }
        let mut out = Vec::new();
        for chunk in b.chunks(3) {
            let n = chunk
                .iter()
                .rev()
                .fold(0u32, |acc, &c| acc * 45 + value(c).unwrap_or(0));
            if chunk.len() == 3 {
                out.extend_from_slice(&[(n >> 8) as u8, n as u8]);
            } else {
                out.push(n as u8);
            }
        }
        Ok(out)
    }

    fn encode(data: &[u8]) -> String {
        base45::encode(data)
    }

    /// RFC 9285 §4.3 and §4.4 examples, plus the HCERT.md §1.3 vectors.
    #[test]
    fn rfc9285_examples() {
        for (raw, text) in [
            (&b"AB"[..], "BB8"),
            (b"Hello!!", "%69 VD92EX0"),
            (b"base-45", "UJCLQE7W581"),
            (b"ietf!", "QED8WEX0"),
            (&[100u8][..], "A2"),
            (b"", ""),
        ] {
            assert_eq!(encode(raw), text);
            assert_eq!(decode(text).unwrap(), raw);
        }
    }

    #[test]
    fn rfc9285_rejections() {
        assert_eq!(decode("GGW"), Err(Error::Base45Overflow { position: 0 }));
        // The final pair `::` is 2024 > 255: the crate alone would return one byte.
        assert_eq!(decode("BB8::"), Err(Error::Base45Overflow { position: 3 }));
        assert_eq!(decode("BB8A"), Err(Error::Base45InvalidLength { len: 4 }));
        assert_eq!(
            decode("BB8a2"),
            Err(Error::Base45InvalidChar { position: 3 })
        );
        assert_eq!(
            decode("QED8WEX0="),
            Err(Error::Base45InvalidChar { position: 8 })
        );
        assert_eq!(
            decode("QED\n8W"),
            Err(Error::Base45InvalidChar { position: 3 })
        );
        assert_eq!(decode("Đ"), Err(Error::Base45InvalidChar { position: 0 }));
        // A bad character before an overflowing final pair is reported first.
        assert_eq!(
            decode("BbB::"),
            Err(Error::Base45InvalidChar { position: 1 })
        );
    }

    proptest! {
        #[test]
        fn round_trip(data in proptest::collection::vec(any::<u8>(), 0..600)) {
            prop_assert_eq!(decode(&encode(&data)).unwrap(), data);
        }

        #[test]
        fn agrees_with_the_rfc_algorithm_on_any_text(s in ".{0,64}") {
            prop_assert_eq!(decode(&s), reference(&s));
        }

        #[test]
        fn agrees_with_the_rfc_algorithm_on_alphabet_text(s in "[0-9A-Z $%*+\\-./:]{0,60}") {
            let ours = decode(&s);
            prop_assert_eq!(&ours, &reference(&s));
            // Whatever decodes re-encodes to the very same text (no padding, no variants).
            if let Ok(bytes) = ours {
                prop_assert_eq!(encode(&bytes), s);
            }
        }
    }
}
