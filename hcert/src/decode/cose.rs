//! COSE_Sign1 (RFC 9052 §4.2) as HCERT carries it (hcert_spec §3.3.2–3.3.3, HCERT.md §1.5),
//! decoded and encoded by `coset` behind a thin adapter.
//!
//! The adapter adds what HCERT needs beyond coset:
//! * envelopes: tag 18, untagged, and tag 61 (CWT) around tag 18 (dgc-testdata `common/CO28`);
//! * header precedence: `kid` from the protected header wins over the unprotected one, `alg`
//!   falls back to the unprotected header (hcert_spec §3.3.3, the suite's CO18–CO23 cases);
//! * bounded decoding: nesting is capped before coset sees the value;
//! * the crate's stable error codes instead of coset's error strings.

use ciborium::Value;
#[cfg(feature = "sign")]
use coset::iana;
use coset::iana::EnumI64 as _;
use coset::{AsCborValue as _, RegisteredLabelWithPrivate};

use crate::decode::cbor::read_value;
use crate::error::{Error, Result};

/// CBOR tag of COSE_Sign1.
const TAG_SIGN1: u64 = 18;
/// CBOR tag of a CWT.
const TAG_CWT: u64 = 61;

/// A COSE signature algorithm HCERT allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// ECDSA with SHA-256 on P-256, signature `r‖s` (COSE -7).
    Es256,
    /// RSASSA-PSS with SHA-256, MGF1-SHA-256, salt 32 (COSE -37).
    Ps256,
}

impl Algorithm {
    /// From a COSE algorithm identifier.
    pub fn from_cose(id: i64) -> Option<Algorithm> {
        match id {
            -7 => Some(Algorithm::Es256),
            -37 => Some(Algorithm::Ps256),
            _ => None,
        }
    }

    /// The COSE algorithm identifier.
    pub fn cose_id(self) -> i64 {
        match self {
            Algorithm::Es256 => -7,
            Algorithm::Ps256 => -37,
        }
    }

    /// `ES256` or `PS256`.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Es256 => "ES256",
            Algorithm::Ps256 => "PS256",
        }
    }

    #[cfg(feature = "sign")]
    fn iana(self) -> iana::Algorithm {
        match self {
            Algorithm::Es256 => iana::Algorithm::ES256,
            Algorithm::Ps256 => iana::Algorithm::PS256,
        }
    }
}

/// How the COSE_Sign1 array was wrapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Envelope {
    /// `18([…])`, the normal form.
    Tagged,
    /// `[…]` without a tag.
    Untagged,
    /// `61(18([…]))`.
    CwtTagged,
}

/// A decoded, not yet verified COSE_Sign1.
#[derive(Debug, Clone, PartialEq)]
pub struct CoseSign1 {
    /// The envelope it came in.
    pub envelope: Envelope,
    inner: coset::CoseSign1,
}

fn cbor_error<T: core::fmt::Debug>(e: &ciborium::de::Error<T>, len: usize) -> Error {
    use ciborium::de::Error as E;
    let (offset, reason) = match e {
        E::Io(_) => (len, "unexpected end of data".to_string()),
        E::Syntax(offset) => (*offset, "not well-formed CBOR".to_string()),
        E::Semantic(offset, what) => (offset.unwrap_or(0), what.clone()),
        E::RecursionLimitExceeded => (0, "nesting too deep".to_string()),
    };
    Error::CborMalformed { offset, reason }
}

/// Maps coset's refusal of a structure onto this crate's codes.
pub(crate) fn coset_error(e: coset::CoseError, what: &str) -> Error {
    match e {
        coset::CoseError::DecodeFailed(inner) => cbor_error(&inner, 0),
        coset::CoseError::ExtraneousData => Error::CborMalformed {
            offset: 0,
            reason: format!("{what}: trailing bytes after the data item"),
        },
        other => Error::CoseMalformed {
            reason: format!("{what}: {other}"),
        },
    }
}

/// Decodes a COSE_Sign1 message.
pub fn decode_sign1(data: &[u8]) -> Result<CoseSign1> {
    let (envelope, array) = match read_value(data)? {
        Value::Tag(TAG_SIGN1, inner) => (Envelope::Tagged, *inner),
        Value::Tag(TAG_CWT, inner) => match *inner {
            Value::Tag(TAG_SIGN1, inner) => (Envelope::CwtTagged, *inner),
            _ => {
                return Err(Error::CoseMalformed {
                    reason: "CWT tag 61 does not wrap a COSE_Sign1 (tag 18)".into(),
                })
            }
        },
        Value::Tag(_, _) => {
            return Err(Error::CoseMalformed {
                reason: "tagged as another COSE message type, not COSE_Sign1".into(),
            })
        }
        other => (Envelope::Untagged, other),
    };
    let inner =
        coset::CoseSign1::from_cbor_value(array).map_err(|e| coset_error(e, "COSE_Sign1"))?;
    if inner.payload.is_none() {
        return Err(Error::CoseMalformed {
            reason: "payload is nil (detached payloads are not allowed)".into(),
        });
    }
    Ok(CoseSign1 { envelope, inner })
}

fn algorithm_of(label: &coset::Algorithm) -> Result<Algorithm> {
    let id = match label {
        RegisteredLabelWithPrivate::Assigned(a) => a.to_i64(),
        RegisteredLabelWithPrivate::PrivateUse(i) => *i,
        RegisteredLabelWithPrivate::Text(_) => 0,
    };
    Algorithm::from_cose(id).ok_or(Error::AlgorithmUnsupported { alg: id })
}

impl CoseSign1 {
    /// The signature algorithm: protected header first, else unprotected.
    pub fn algorithm(&self) -> Result<Algorithm> {
        let alg = self
            .inner
            .protected
            .header
            .alg
            .as_ref()
            .or(self.inner.unprotected.alg.as_ref())
            .ok_or(Error::AlgorithmMissing)?;
        algorithm_of(alg)
    }

    /// The raw key identifier by the spec's precedence, whatever its length.
    pub fn kid_bytes(&self) -> Option<&[u8]> {
        // coset reads an absent kid as empty, and refuses an empty one on the wire.
        [
            &self.inner.protected.header.key_id,
            &self.inner.unprotected.key_id,
        ]
        .into_iter()
        .find(|k| !k.is_empty())
        .map(Vec::as_slice)
    }

    /// The 8-byte key identifier (hcert_spec §3.3.3: protected wins over unprotected).
    pub fn kid(&self) -> Result<[u8; 8]> {
        let kid = self.kid_bytes().ok_or(Error::KidMissing)?;
        kid.try_into()
            .map_err(|_| Error::KidInvalidLength { len: kid.len() })
    }

    /// The protected header exactly as received (the signature covers these bytes).
    pub fn protected_bytes(&self) -> &[u8] {
        self.inner
            .protected
            .original_data
            .as_deref()
            .unwrap_or_default()
    }

    /// The payload: the CWT claims, still CBOR-encoded.
    pub fn payload(&self) -> &[u8] {
        self.inner.payload.as_deref().unwrap_or_default()
    }

    /// The signature.
    pub fn signature(&self) -> &[u8] {
        &self.inner.signature
    }

    /// The bytes the signature covers: `["Signature1", protected, h'', payload]`
    /// (RFC 9052 §4.4), using the protected header exactly as received.
    ///
    /// Written directly rather than through coset's `tbs_data`, which clones the payload into a
    /// CBOR tree and serialises it (0.9 µs of a 58 µs native verification; this takes 0.1 µs);
    /// a property test checks both give the same bytes.
    pub fn signed_bytes(&self) -> Vec<u8> {
        let protected = &self.inner.protected;
        if protected.original_data.is_none() && !protected.header.is_empty() {
            // Built here rather than decoded: let coset serialise the header.
            return self.inner.tbs_data(b"");
        }
        let (protected, payload) = (self.protected_bytes(), self.payload());
        let mut out = Vec::with_capacity(protected.len() + payload.len() + 32);
        out.push(0x84); // array(4)
        out.push(0x6A); // text(10)
        out.extend_from_slice(b"Signature1");
        bstr_head(protected.len(), &mut out);
        out.extend_from_slice(protected);
        out.push(0x40); // external_aad: h''
        bstr_head(payload.len(), &mut out);
        out.extend_from_slice(payload);
        out
    }
}

/// The head of a definite-length byte string (RFC 8949 §3.1, shortest form).
fn bstr_head(len: usize, out: &mut Vec<u8>) {
    let len = len as u64;
    match len {
        0..=23 => out.push(0x40 | len as u8),
        24..=0xFF => out.extend_from_slice(&[0x58, len as u8]),
        0x100..=0xFFFF => {
            out.push(0x59);
            out.extend_from_slice(&(len as u16).to_be_bytes());
        }
        0x1_0000..=0xFFFF_FFFF => {
            out.push(0x5A);
            out.extend_from_slice(&(len as u32).to_be_bytes());
        }
        _ => {
            out.push(0x5B);
            out.extend_from_slice(&len.to_be_bytes());
        }
    }
}

/// Builds a tagged COSE_Sign1 with protected header `{1: alg, 4: kid}` over `payload`,
/// signed by `sign` over the `Sig_structure` (the issuing direction).
#[cfg(feature = "sign")]
pub(crate) fn encode_sign1(
    alg: Algorithm,
    kid: &[u8; 8],
    payload: Vec<u8>,
    sign: impl FnOnce(&[u8]) -> Result<Vec<u8>>,
) -> Result<Vec<u8>> {
    let protected = coset::HeaderBuilder::new()
        .algorithm(alg.iana())
        .key_id(kid.to_vec())
        .build();
    let message = coset::CoseSign1Builder::new()
        .protected(protected)
        .payload(payload)
        .try_create_signature(b"", sign)?
        .build();
    coset::TaggedCborSerializable::to_tagged_vec(message).map_err(|e| Error::CoseMalformed {
        reason: format!("encoding: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(v: &Value) -> Vec<u8> {
        let mut out = Vec::new();
        ciborium::ser::into_writer(v, &mut out).unwrap();
        out
    }

    fn msg(envelope: &[u8], protected: Option<Value>, unprotected: Value) -> Vec<u8> {
        let p = protected.map(|p| encode(&p)).unwrap_or_default();
        let mut out = envelope.to_vec();
        out.extend(encode(&Value::Array(vec![
            Value::Bytes(p),
            unprotected,
            Value::Bytes(b"payload".to_vec()),
            Value::Bytes(vec![0; 64]),
        ])));
        out
    }

    fn hdr(pairs: &[(i64, Value)]) -> Value {
        Value::Map(
            pairs
                .iter()
                .map(|(k, v)| (Value::Integer((*k).into()), v.clone()))
                .collect(),
        )
    }

    fn int(i: i64) -> Value {
        Value::Integer(i.into())
    }

    #[test]
    fn envelopes() {
        let p = hdr(&[(1, int(-7)), (4, Value::Bytes(vec![1; 8]))]);
        for (prefix, env) in [
            (&[0xD2][..], Envelope::Tagged),
            (&[][..], Envelope::Untagged),
            (&[0xD8, 0x3D, 0xD2][..], Envelope::CwtTagged),
        ] {
            let m = decode_sign1(&msg(prefix, Some(p.clone()), Value::Map(vec![]))).unwrap();
            assert_eq!(m.envelope, env);
            assert_eq!(m.algorithm().unwrap(), Algorithm::Es256);
            assert_eq!(m.kid().unwrap(), [1; 8]);
            assert_eq!(m.payload(), b"payload");
        }
        // COSE_Mac0 (17) is not a signature.
        let e = decode_sign1(&msg(&[0xD1], Some(p), Value::Map(vec![]))).unwrap_err();
        assert_eq!(e.code(), "COSE_MALFORMED");
    }

    /// hcert_spec §3.3.3 and dgc-testdata common/CO18–CO23: kid precedence and fallbacks.
    #[test]
    fn kid_and_alg_precedence() {
        let good = Value::Bytes(vec![7; 8]);
        let foo = Value::Bytes(b"foo".to_vec());
        // Protected wins (CO21: unprotected junk is ignored).
        let m = decode_sign1(&msg(
            &[0xD2],
            Some(hdr(&[(1, int(-37)), (4, good.clone())])),
            hdr(&[(4, foo.clone())]),
        ))
        .unwrap();
        assert_eq!(m.kid().unwrap(), [7; 8]);
        assert_eq!(m.algorithm().unwrap(), Algorithm::Ps256);
        // CO22: protected junk wins over a good unprotected kid.
        let m = decode_sign1(&msg(
            &[0xD2],
            Some(hdr(&[(4, foo)])),
            hdr(&[(1, int(-7)), (4, good.clone())]),
        ))
        .unwrap();
        assert_eq!(m.kid(), Err(Error::KidInvalidLength { len: 3 }));
        // CO20: empty protected header; both alg and kid unprotected.
        let m = decode_sign1(&msg(&[0xD2], None, hdr(&[(1, int(-7)), (4, good)]))).unwrap();
        assert!(m.protected_bytes().is_empty());
        assert_eq!(m.kid().unwrap(), [7; 8]);
        assert_eq!(m.algorithm().unwrap(), Algorithm::Es256);
        // No alg, unknown alg, no kid.
        let m = decode_sign1(&msg(
            &[0xD2],
            Some(hdr(&[(1, int(-8))])),
            Value::Map(vec![]),
        ))
        .unwrap();
        assert_eq!(m.algorithm(), Err(Error::AlgorithmUnsupported { alg: -8 }));
        assert_eq!(m.kid(), Err(Error::KidMissing));
        let m = decode_sign1(&msg(&[0xD2], None, Value::Map(vec![]))).unwrap();
        assert_eq!(m.algorithm(), Err(Error::AlgorithmMissing));
    }

    #[test]
    fn malformed_structures() {
        for bad in [
            vec![0xD2, 0x83, 0x40, 0xA0, 0x40],             // three elements
            vec![0xD2, 0xA0],                               // a map
            vec![0xD2, 0x84, 0xA0, 0xA0, 0x40, 0x40],       // protected not bstr
            vec![0xD2, 0x84, 0x41, 0x01, 0xA0, 0x40, 0x40], // protected not a map
            vec![0xD2, 0x84, 0x40, 0x80, 0x40, 0x40],       // unprotected not a map
            vec![0xD2, 0x84, 0x40, 0xA0, 0xF6, 0x40],       // detached payload
            vec![
                0xD2, 0x84, 0x40, 0xA2, 0x04, 0x41, 0x01, 0x04, 0x41, 0x02, 0x40, 0x40,
            ], // duplicate label
            vec![0xD2, 0x84, 0x40, 0xA0, 0x40, 0x40, 0x00], // trailing byte
            vec![0xD2, 0x84, 0x40, 0xA0, 0x40],             // truncated
        ] {
            let e = decode_sign1(&bad).unwrap_err();
            assert_eq!(e.stage(), crate::error::Stage::Decode, "{bad:02x?}: {e}");
        }
        // Deep nesting is refused before it can exhaust the stack.
        let mut deep = vec![0x81; 10_000];
        deep.push(0x00);
        assert_eq!(decode_sign1(&deep).unwrap_err().code(), "CBOR_MALFORMED");
    }

    #[cfg(feature = "sign")]
    #[test]
    fn encoding_matches_the_vietnamese_layout_and_signs_the_sig_structure() {
        let kid = [0xF3, 0x0D, 0xA4, 0x67, 0x16, 0xF7, 0x88, 0x2D];
        let mut seen = Vec::new();
        let bytes = encode_sign1(Algorithm::Ps256, &kid, vec![0xAB; 300], |tbs| {
            seen = tbs.to_vec();
            Ok(vec![1; 256])
        })
        .unwrap();
        let m = decode_sign1(&bytes).unwrap();
        // The Vietnamese PS256 header layout (HCERT.md §1.5).
        assert_eq!(
            m.protected_bytes(),
            [0xA2, 0x01, 0x38, 0x24, 0x04, 0x48, 0xF3, 0x0D, 0xA4, 0x67, 0x16, 0xF7, 0x88, 0x2D]
        );
        assert_eq!(m.signed_bytes(), seen);
        let generic = encode(&Value::Array(vec![
            Value::Text("Signature1".into()),
            Value::Bytes(m.protected_bytes().to_vec()),
            Value::Bytes(vec![]),
            Value::Bytes(vec![0xAB; 300]),
        ]));
        assert_eq!(seen, generic);
        assert_eq!(m.signature(), &[1; 256][..]);
    }

    proptest::proptest! {
        /// The hand-written Sig_structure is coset's, byte for byte.
        #[test]
        fn signed_bytes_are_cosets(
            protected_len in 0usize..3,
            payload_len in proptest::prop_oneof![0usize..30, 250usize..260, 65_530usize..65_540],
        ) {
            let protected: &[u8] = [&[][..], &[0xA0][..], &[0xA1, 0x01, 0x26][..]][protected_len];
            let mut message = Vec::new();
            message.extend_from_slice(&[0xD2, 0x84]);
            bstr_head(protected.len(), &mut message);
            message.extend_from_slice(protected);
            message.push(0xA0);
            bstr_head(payload_len, &mut message);
            message.extend(std::iter::repeat_n(0xAB, payload_len));
            message.extend_from_slice(&[0x41, 0x00]);
            let m = decode_sign1(&message).unwrap();
            proptest::prop_assert_eq!(m.signed_bytes(), m.inner.tbs_data(b""));
        }
    }
}
