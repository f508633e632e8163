//! ECDSA signatures between COSE's raw `r‖s` (RFC 9053 §2.1) and X.509's DER
//! `Ecdsa-Sig-Value` (RFC 3279 §2.2.3), through the `der` crate.

use der::asn1::UintRef;
use der::Decode as _;
#[cfg(feature = "sign")]
use der::Encode as _;

/// `SEQUENCE { INTEGER r, INTEGER s }` → `r‖s`, each half `half` bytes (32 for P-256).
pub(crate) fn der_to_raw(der: &[u8], half: usize) -> Option<Vec<u8>> {
    let mut reader = der::SliceReader::new(der).ok()?;
    let (r, s) = der::Reader::sequence(&mut reader, |r| {
        Ok((UintRef::decode(r)?, UintRef::decode(r)?))
    })
    .ok()?;
    der::Reader::finish(reader, ()).ok()?;
    let mut out = vec![0u8; 2 * half];
    for (i, int) in [r, s].iter().enumerate() {
        let v = int.as_bytes();
        if v.len() > half {
            return None;
        }
        let end = (i + 1) * half;
        out.get_mut(end - v.len()..end)?.copy_from_slice(v);
    }
    Some(out)
}

/// `r‖s` → `SEQUENCE { INTEGER r, INTEGER s }`.
#[cfg(feature = "sign")]
pub(crate) fn raw_to_der(raw: &[u8]) -> Option<Vec<u8>> {
    let (r, s) = raw.split_at(raw.len() / 2);
    let (r, s) = (UintRef::new(r).ok()?, UintRef::new(s).ok()?);
    let len = (r.encoded_len().ok()? + s.encoded_len().ok()?).ok()?;
    let mut out = Vec::with_capacity(raw.len() + 8);
    der::Header::new(der::Tag::Sequence, len)
        .ok()?
        .encode_to_vec(&mut out)
        .ok()?;
    r.encode_to_vec(&mut out).ok()?;
    s.encode_to_vec(&mut out).ok()?;
    Some(out)
}

// The tests build signatures with the signing half.
#[cfg(all(test, feature = "sign"))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn leading_zeros_and_high_bits() {
        let mut raw = [0u8; 64];
        raw[31] = 1; // r = 1
        raw[32] = 0x80; // s has its high bit set: DER needs a 00 pad
        let der = raw_to_der(&raw).unwrap();
        assert_eq!(&der[..5], &[0x30, 0x26, 0x02, 0x01, 0x01]);
        assert_eq!(&der[5..8], &[0x02, 0x21, 0x00]);
        assert_eq!(der_to_raw(&der, 32).unwrap(), raw);
        assert_eq!(der_to_raw(&der, 16), None);
        let mut trailing = der.clone();
        trailing.push(0);
        assert_eq!(der_to_raw(&trailing, 32), None);
    }

    proptest! {
        #[test]
        fn round_trip(r in proptest::collection::vec(any::<u8>(), 32), s in proptest::collection::vec(any::<u8>(), 32)) {
            let raw = [r, s].concat();
            prop_assert_eq!(der_to_raw(&raw_to_der(&raw).unwrap(), 32).unwrap(), raw);
        }
    }
}
