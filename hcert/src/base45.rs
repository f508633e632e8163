//! Base45 (RFC 9285), strict: every violation is an error, nothing is skipped or trimmed.

use crate::error::{Error, Result};

/// The 45 characters, value order (RFC 9285 §4).
pub const ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

const INVALID: u8 = 0xFF;

const DECODE: [u8; 256] = {
    let mut t = [INVALID; 256];
    let mut i = 0;
    while i < 45 {
        t[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    t
};

/// Decodes Base45 text. Rejects characters outside the alphabet (lower case, `=`, line
/// breaks…), a length of 1 mod 3, triplets above 65535 and final pairs above 255.
pub fn decode(text: &str) -> Result<Vec<u8>> {
    let b = text.as_bytes();
    if b.len() % 3 == 1 {
        // Report a bad character first when there is one: it is the more useful message.
        if let Some(position) = b.iter().position(|&c| DECODE[c as usize] == INVALID) {
            return Err(Error::Base45InvalidChar { position });
        }
        return Err(Error::Base45InvalidLength { len: b.len() });
    }
    let mut out = Vec::with_capacity(b.len() / 3 * 2 + 1);
    for (group, chunk) in b.chunks(3).enumerate() {
        let position = group * 3;
        let mut n: u32 = 0;
        let mut factor: u32 = 1;
        for (i, &c) in chunk.iter().enumerate() {
            let v = DECODE[c as usize];
            if v == INVALID {
                return Err(Error::Base45InvalidChar {
                    position: position + i,
                });
            }
            n += u32::from(v) * factor;
            factor *= 45;
        }
        if chunk.len() == 3 {
            if n > 0xFFFF {
                return Err(Error::Base45Overflow { position });
            }
            out.extend_from_slice(&[(n >> 8) as u8, n as u8]);
        } else {
            if n > 0xFF {
                return Err(Error::Base45Overflow { position });
            }
            out.push(n as u8);
        }
    }
    Ok(out)
}

/// Encodes bytes as Base45.
pub fn encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(2) * 3);
    encode_into(data, &mut out);
    out
}

/// Appends the Base45 encoding of `data` to `out`.
pub fn encode_into(data: &[u8], out: &mut String) {
    out.reserve(data.len().div_ceil(2) * 3);
    let digit = |n: u32| char::from(ALPHABET[(n % 45) as usize]);
    let mut pairs = data.chunks_exact(2);
    for pair in &mut pairs {
        let n = u32::from(pair[0]) << 8 | u32::from(pair[1]);
        out.push(digit(n));
        out.push(digit(n / 45));
        out.push(digit(n / 2025));
    }
    if let [last] = pairs.remainder() {
        let n = u32::from(*last);
        out.push(digit(n));
        out.push(digit(n / 45));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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
    }

    proptest! {
        #[test]
        fn round_trip(data in proptest::collection::vec(any::<u8>(), 0..600)) {
            prop_assert_eq!(decode(&encode(&data)).unwrap(), data);
        }

        #[test]
        fn any_text_decodes_or_fails_in_base45(s in ".{0,64}") {
            match decode(&s) {
                Ok(bytes) => prop_assert_eq!(encode(&bytes), s),
                Err(e) => prop_assert_eq!(e.stage(), crate::Stage::Base45),
            }
        }

        #[test]
        fn valid_text_decodes_to_a_unique_encoding(s in "[0-9A-Z $%*+\\-./:]{0,60}") {
            // Whatever decodes must re-encode to the very same text (Base45 has no padding
            // or alternative forms).
            if let Ok(bytes) = decode(&s) {
                prop_assert_eq!(encode(&bytes), s);
            }
        }
    }
}
