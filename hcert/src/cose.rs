//! COSE_Sign1 (RFC 8152 §4.2) as HCERT carries it (hcert_spec §3.3.2–3.3.3, HCERT.md §1.5).
//!
//! Accepted envelopes: tag 18, untagged, and tag 61 (CWT) around tag 18. Header labels:
//! `alg` (1) and `kid` (4); `kid` from the protected header wins over the unprotected one,
//! `alg` falls back to the unprotected header when the protected one lacks it.

use crate::cbor::{self, Value};
use crate::crypto::Algorithm;
use crate::error::{Error, Result};

/// COSE header label `alg`.
pub const LABEL_ALG: i64 = 1;
/// COSE header label `kid`.
pub const LABEL_KID: i64 = 4;
/// CBOR tag of COSE_Sign1.
pub const TAG_SIGN1: u64 = 18;
/// CBOR tag of a CWT.
pub const TAG_CWT: u64 = 61;

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

/// One header bucket, with only the labels HCERT uses interpreted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Header {
    /// `alg` as found (any CBOR type).
    pub alg: Option<Value>,
    /// `kid` as found (any CBOR type).
    pub kid: Option<Value>,
    /// Other labels, kept for display.
    pub other: Vec<(Value, Value)>,
}

impl Header {
    fn from_map(entries: Vec<(Value, Value)>) -> Result<Header> {
        if cbor::has_duplicate_keys(&entries) {
            return Err(Error::CoseMalformed {
                reason: "duplicate header label",
            });
        }
        let mut h = Header::default();
        for (k, v) in entries {
            match k.as_i64() {
                Some(LABEL_ALG) => h.alg = Some(v),
                Some(LABEL_KID) => h.kid = Some(v),
                _ => h.other.push((k, v)),
            }
        }
        Ok(h)
    }
}

/// A decoded, not yet verified COSE_Sign1.
#[derive(Debug, Clone, PartialEq)]
pub struct CoseSign1 {
    /// The envelope it came in.
    pub envelope: Envelope,
    /// The protected header exactly as serialized (signed over as is).
    pub protected_bytes: Vec<u8>,
    /// The protected header, decoded.
    pub protected: Header,
    /// The unprotected header.
    pub unprotected: Header,
    /// The payload (the CWT claims, still CBOR-encoded).
    pub payload: Vec<u8>,
    /// The signature.
    pub signature: Vec<u8>,
}

/// Decodes a COSE_Sign1 message.
pub fn decode_sign1(data: &[u8]) -> Result<CoseSign1> {
    let (envelope, array) = match cbor::decode(data)? {
        Value::Tag(TAG_SIGN1, inner) => (Envelope::Tagged, *inner),
        Value::Tag(TAG_CWT, inner) => match *inner {
            Value::Tag(TAG_SIGN1, inner) => (Envelope::CwtTagged, *inner),
            _ => {
                return Err(Error::CoseMalformed {
                    reason: "CWT tag 61 does not wrap a COSE_Sign1 (tag 18)",
                })
            }
        },
        Value::Tag(_, _) => {
            return Err(Error::CoseMalformed {
                reason: "tagged as another COSE message type, not COSE_Sign1",
            })
        }
        other => (Envelope::Untagged, other),
    };
    let Value::Array(items) = array else {
        return Err(Error::CoseMalformed {
            reason: "not a COSE array",
        });
    };
    let [protected, unprotected, payload, signature]: [Value; 4] =
        items.try_into().map_err(|_| Error::CoseMalformed {
            reason: "COSE_Sign1 must have exactly four elements",
        })?;
    let Value::Bytes(protected_bytes) = protected else {
        return Err(Error::CoseMalformed {
            reason: "protected header is not a byte string",
        });
    };
    let protected = if protected_bytes.is_empty() {
        Header::default()
    } else {
        match cbor::decode(&protected_bytes) {
            Ok(Value::Map(entries)) => Header::from_map(entries)?,
            _ => {
                return Err(Error::CoseMalformed {
                    reason: "protected header is not a CBOR map",
                })
            }
        }
    };
    let Value::Map(unprotected) = unprotected else {
        return Err(Error::CoseMalformed {
            reason: "unprotected header is not a map",
        });
    };
    let unprotected = Header::from_map(unprotected)?;
    let Value::Bytes(payload) = payload else {
        return Err(Error::CoseMalformed {
            reason: "payload is not a byte string (detached payloads are not allowed)",
        });
    };
    let Value::Bytes(signature) = signature else {
        return Err(Error::CoseMalformed {
            reason: "signature is not a byte string",
        });
    };
    Ok(CoseSign1 {
        envelope,
        protected_bytes,
        protected,
        unprotected,
        payload,
        signature,
    })
}

impl CoseSign1 {
    /// The signature algorithm: protected header first, else unprotected.
    pub fn algorithm(&self) -> Result<Algorithm> {
        let alg = self
            .protected
            .alg
            .as_ref()
            .or(self.unprotected.alg.as_ref())
            .ok_or(Error::AlgorithmMissing)?;
        let id = alg.as_i64().ok_or(Error::AlgorithmUnsupported { alg: 0 })?;
        Algorithm::from_cose(id).ok_or(Error::AlgorithmUnsupported { alg: id })
    }

    /// The raw key identifier by the spec's precedence, whatever its length.
    pub fn kid_bytes(&self) -> Option<&[u8]> {
        match (&self.protected.kid, &self.unprotected.kid) {
            (Some(k), _) | (None, Some(k)) => Some(k.as_bytes().unwrap_or(&[])),
            (None, None) => None,
        }
    }

    /// The 8-byte key identifier (hcert_spec §3.3.3: protected wins over unprotected).
    pub fn kid(&self) -> Result<[u8; 8]> {
        let kid = self.kid_bytes().ok_or(Error::KidMissing)?;
        kid.try_into()
            .map_err(|_| Error::KidInvalidLength { len: kid.len() })
    }

    /// The bytes the signature covers: `["Signature1", protected, h'', payload]`
    /// (RFC 8152 §4.4), using the protected header exactly as received.
    pub fn signed_bytes(&self) -> Vec<u8> {
        signature_structure(&self.protected_bytes, &self.payload)
    }
}

/// The RFC 8152 §4.4 `Sig_structure` for COSE_Sign1 with empty external AAD.
pub fn signature_structure(protected: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(protected.len() + payload.len() + 24);
    out.push(0x84);
    out.push(0x6A);
    out.extend_from_slice(b"Signature1");
    cbor::head(&mut out, 2, protected.len() as u64);
    out.extend_from_slice(protected);
    out.push(0x40);
    cbor::head(&mut out, 2, payload.len() as u64);
    out.extend_from_slice(payload);
    out
}

/// Encodes a tagged COSE_Sign1 (the issuing direction).
pub fn encode_sign1(protected: &[u8], payload: &[u8], signature: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(protected.len() + payload.len() + signature.len() + 16);
    out.push(0xD2); // tag 18
    out.push(0x84);
    cbor::head(&mut out, 2, protected.len() as u64);
    out.extend_from_slice(protected);
    out.push(0xA0);
    cbor::head(&mut out, 2, payload.len() as u64);
    out.extend_from_slice(payload);
    cbor::head(&mut out, 2, signature.len() as u64);
    out.extend_from_slice(signature);
    out
}

/// The protected header `{1: alg, 4: kid}` in deterministic order.
pub fn encode_protected(alg: Algorithm, kid: &[u8; 8]) -> Vec<u8> {
    cbor::encode(&Value::Map(vec![
        (
            Value::Integer(LABEL_ALG.into()),
            Value::Integer(alg.cose_id().into()),
        ),
        (Value::Integer(LABEL_KID.into()), Value::Bytes(kid.to_vec())),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(envelope: &[u8], protected: Value, unprotected: Value) -> Vec<u8> {
        let mut p = Vec::new();
        if protected != Value::Null {
            p = cbor::encode(&protected);
        }
        let mut out = envelope.to_vec();
        out.extend(cbor::encode(&Value::Array(vec![
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

    #[test]
    fn envelopes() {
        let p = hdr(&[(1, Value::Integer(-7)), (4, Value::Bytes(vec![1; 8]))]);
        for (prefix, env) in [
            (&[0xD2][..], Envelope::Tagged),
            (&[][..], Envelope::Untagged),
            (&[0xD8, 0x3D, 0xD2][..], Envelope::CwtTagged),
        ] {
            let m = decode_sign1(&msg(prefix, p.clone(), Value::Map(vec![]))).unwrap();
            assert_eq!(m.envelope, env);
            assert_eq!(m.algorithm().unwrap(), Algorithm::Es256);
            assert_eq!(m.kid().unwrap(), [1; 8]);
        }
        // COSE_Mac0 (17) is not a signature.
        let e = decode_sign1(&msg(&[0xD1], p.clone(), Value::Map(vec![]))).unwrap_err();
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
            hdr(&[(1, Value::Integer(-37)), (4, good.clone())]),
            hdr(&[(4, foo.clone())]),
        ))
        .unwrap();
        assert_eq!(m.kid().unwrap(), [7; 8]);
        assert_eq!(m.algorithm().unwrap(), Algorithm::Ps256);
        // CO22: protected junk wins over a good unprotected kid.
        let m = decode_sign1(&msg(
            &[0xD2],
            hdr(&[(4, foo)]),
            hdr(&[(1, Value::Integer(-7)), (4, good.clone())]),
        ))
        .unwrap();
        assert_eq!(m.kid(), Err(Error::KidInvalidLength { len: 3 }));
        // CO20: empty protected header; both alg and kid unprotected.
        let m = decode_sign1(&msg(
            &[0xD2],
            Value::Null,
            hdr(&[(1, Value::Integer(-7)), (4, good)]),
        ))
        .unwrap();
        assert!(m.protected_bytes.is_empty());
        assert_eq!(m.kid().unwrap(), [7; 8]);
        assert_eq!(m.algorithm().unwrap(), Algorithm::Es256);
        // No alg, unknown alg, no kid.
        let m = decode_sign1(&msg(
            &[0xD2],
            hdr(&[(1, Value::Integer(-8))]),
            Value::Map(vec![]),
        ))
        .unwrap();
        assert_eq!(m.algorithm(), Err(Error::AlgorithmUnsupported { alg: -8 }));
        assert_eq!(m.kid(), Err(Error::KidMissing));
        let m = decode_sign1(&msg(&[0xD2], Value::Null, Value::Map(vec![]))).unwrap();
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
            vec![0xD2, 0x84, 0x40, 0xA2, 0x04, 0x40, 0x04, 0x40, 0x40, 0x40], // duplicate label
        ] {
            let e = decode_sign1(&bad).unwrap_err();
            assert_eq!(e.stage(), crate::Stage::Decode, "{bad:02x?}");
        }
    }

    #[test]
    fn signature_structure_matches_generic_encoding() {
        let p = encode_protected(Algorithm::Es256, &[9; 8]);
        let payload = vec![0xAB; 300];
        let generic = cbor::encode(&Value::Array(vec![
            Value::Text("Signature1".into()),
            Value::Bytes(p.clone()),
            Value::Bytes(vec![]),
            Value::Bytes(payload.clone()),
        ]));
        assert_eq!(signature_structure(&p, &payload), generic);
        let m = decode_sign1(&encode_sign1(&p, &payload, &[1; 64])).unwrap();
        assert_eq!(m.signed_bytes(), generic);
        assert_eq!(m.signature, vec![1; 64]);
        // The Vietnamese PS256 header layout (HCERT.md §1.5).
        let vn = encode_protected(
            Algorithm::Ps256,
            &[0xF3, 0x0D, 0xA4, 0x67, 0x16, 0xF7, 0x88, 0x2D],
        );
        assert_eq!(
            vn,
            [0xA2, 0x01, 0x38, 0x24, 0x04, 0x48, 0xF3, 0x0D, 0xA4, 0x67, 0x16, 0xF7, 0x88, 0x2D]
        );
    }
}
