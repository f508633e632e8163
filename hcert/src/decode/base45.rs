//! Base45 (RFC 9285), strict: every violation is an error, nothing is skipped or trimmed
//! (hcert_spec §4.2.2, HCERT.md §1.3). Encoding is the `base45` crate's.
//!
//! Decoding is a 256-entry table here, not `base45::decode`. The crate looks every character
//! up through a function call and a `Result`: on a typical ES256 HC1 body (600 characters) it
//! takes 4.4 µs against this table's 0.3 µs (`stages/aws-lc/ES256/base45` and `base45_crate`
//! in `benches/pipeline.rs`; 4.34 µs vs 0.30 µs in the 2026-11-30 run), and 4 µs is 7% of a
//! whole native ES256 verification, more than every other decoding stage together. It also
//! says only "invalid", and it reads a final pair above 255 without complaint (it keeps the low
//! byte: `::` decodes to one byte where RFC 9285 §4 requires an error). The crate stays the
//! oracle: a property test checks that both agree on every text the crate accepts, and that
//! this decoder refuses exactly the texts the crate refuses plus the overflowing final pairs.

use crate::error::{Error, Result};

/// The 45 characters, value order (RFC 9285 §4).
const ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// Marks a byte outside the alphabet in [`VALUES`].
const INVALID: u8 = 0xFF;

/// The value of each byte, [`INVALID`] outside the alphabet.
const VALUES: [u8; 256] = {
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < ALPHABET.len() {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};

fn value(c: u8) -> Option<u32> {
    match VALUES[usize::from(c)] {
        INVALID => None,
        v => Some(u32::from(v)),
    }
}

/// Decodes Base45 text. Rejects characters outside the alphabet (lower case, `=`, line
/// breaks…), a length of 1 mod 3, triplets above 65535 and final pairs above 255, naming the
/// first fault in reading order.
pub fn decode(text: &str) -> Result<Vec<u8>> {
    let b = text.as_bytes();
    if b.len() % 3 == 1 {
        // A bad character is the more useful message when there is one.
        return Err(first_invalid_char(b).unwrap_or(Error::Base45InvalidLength { len: b.len() }));
    }
    let mut out = Vec::with_capacity(b.len() / 3 * 2 + 1);
    let (triplets, pair) = b.as_chunks::<3>();
    for &[c, d, e] in triplets {
        let (c, d, e) = (
            VALUES[usize::from(c)],
            VALUES[usize::from(d)],
            VALUES[usize::from(e)],
        );
        let n = u32::from(c) + 45 * u32::from(d) + 2025 * u32::from(e);
        // Values are below 64 and INVALID is 0xFF, so one OR finds an invalid character;
        // `locate` tells the faults apart.
        if (c | d | e) >= 64 || n > 0xFFFF {
            return Err(locate(b).unwrap_or(Error::Base45Overflow { position: 0 }));
        }
        out.extend_from_slice(&(n as u16).to_be_bytes());
    }
    if let &[c, d] = pair {
        let (c, d) = (VALUES[usize::from(c)], VALUES[usize::from(d)]);
        let n = u32::from(c) + 45 * u32::from(d);
        if (c | d) >= 64 || n > 0xFF {
            return Err(locate(b).unwrap_or(Error::Base45Overflow {
                position: b.len() - 2,
            }));
        }
        out.push(n as u8);
    }
    Ok(out)
}

fn first_invalid_char(b: &[u8]) -> Option<Error> {
    b.iter()
        .position(|&c| value(c).is_none())
        .map(|position| Error::Base45InvalidChar { position })
}

/// The first fault of a refused text, in reading order.
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

    /// Where a final pair overflows, which the crate reads without complaint.
    fn final_pair_overflows(s: &str) -> bool {
        let b = s.as_bytes();
        b.len() % 3 == 2
            && matches!(
                (value(b[b.len() - 2]), value(b[b.len() - 1])),
                (Some(c), Some(d)) if c + 45 * d > 0xFF
            )
    }

    proptest! {
        /// The `base45` crate as oracle: the same bytes wherever it decodes (except the final
        /// pairs above 255 it lets through), and a refusal wherever it refuses.
        #[test]
        fn agrees_with_the_base45_crate(s in "[0-9A-Z $%*+\\-./:a=]{0,90}") {
            match base45::decode(&s) {
                Ok(bytes) if !final_pair_overflows(&s) => prop_assert_eq!(decode(&s).unwrap(), bytes),
                _ => prop_assert!(decode(&s).is_err()),
            }
        }

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
