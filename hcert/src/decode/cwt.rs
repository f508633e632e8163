//! CWT claims (RFC 8392) of an HCERT: `iss` (1), `exp` (4), `iat` (6) and `hcert` (-260)
//! holding the DCC under key 1 (hcert_spec §3.3, HCERT.md §1.6), read and written by
//! `coset::cwt::ClaimsSet`.
//!
//! What the adapter adds: a NumericDate may come as an integer, a float (ES and HU issuers)
//! or tagged with CBOR tag 1; the DCC is handed on as a CBOR value.

use ciborium::Value;
use coset::{cwt::Timestamp, iana, AsCborValue as _};

use crate::decode::cbor::read_value;
use crate::decode::cose::coset_error;
use crate::error::{Error, Result};
use crate::time::UnixTime;

/// Key of the EU DCC inside `hcert`.
const EU_DCC: i64 = 1;

/// The claims of an HCERT.
#[derive(Debug, Clone, PartialEq)]
pub struct Claims {
    /// Issuer, usually an ISO 3166-1 alpha-2 country code.
    pub iss: Option<String>,
    /// Issued at.
    pub iat: Option<UnixTime>,
    /// Expires at.
    pub exp: Option<UnixTime>,
}

fn numeric_date(t: Timestamp, claim: &str) -> Result<UnixTime> {
    match t {
        Timestamp::WholeSeconds(s) => Ok(UnixTime(s)),
        Timestamp::FractionalSeconds(f) if f.is_finite() && f.abs() < 1e15 => {
            Ok(UnixTime(f.floor() as i64))
        }
        Timestamp::FractionalSeconds(_) => Err(Error::ClaimsMalformed {
            reason: format!("{claim} is not a NumericDate"),
        }),
    }
}

/// Unwraps tag 1 (epoch-based date/time, RFC 8949 §3.4.2) around `exp` and `iat`, which
/// coset reads only untagged.
fn untag_dates(claims: &mut Value) {
    if let Value::Map(entries) = claims {
        for (k, v) in entries.iter_mut() {
            let is_date = matches!(k, Value::Integer(i) if [4i128, 6].contains(&i128::from(*i)));
            if is_date {
                if let Value::Tag(1, inner) = v {
                    let inner = core::mem::replace(inner.as_mut(), Value::Null);
                    *v = inner;
                }
            }
        }
    }
}

/// Decodes the CWT claims from the COSE payload; returns them with the DCC (`hcert[1]`),
/// still as CBOR.
pub fn decode_claims(payload: &[u8]) -> Result<(Claims, Value)> {
    let mut value = read_value(payload)?;
    if !matches!(value, Value::Map(_)) {
        return Err(Error::ClaimsMalformed {
            reason: "claims are not a CBOR map".into(),
        });
    }
    untag_dates(&mut value);
    let set = coset::cwt::ClaimsSet::from_cbor_value(value).map_err(|e| {
        match coset_error(e, "claims") {
            Error::CoseMalformed { reason } => Error::ClaimsMalformed { reason },
            other => other,
        }
    })?;
    let claims = Claims {
        iss: set.issuer,
        iat: set.issued_at.map(|t| numeric_date(t, "iat")).transpose()?,
        exp: set
            .expiration_time
            .map(|t| numeric_date(t, "exp"))
            .transpose()?,
    };
    let hcert = set
        .rest
        .into_iter()
        .find(|(k, _)| *k == coset::cwt::ClaimName::Assigned(iana::CwtClaimName::Hcert))
        .map(|(_, v)| v)
        .ok_or(Error::ClaimMissing { claim: "hcert" })?;
    let Value::Map(hcert) = hcert else {
        return Err(Error::ClaimsMalformed {
            reason: "hcert claim is not a map".into(),
        });
    };
    let dcc = hcert
        .into_iter()
        .find(|(k, _)| matches!(k, Value::Integer(i) if i128::from(*i) == i128::from(EU_DCC)))
        .map(|(_, v)| v)
        .ok_or(Error::ClaimMissing { claim: "hcert[1]" })?;
    Ok((claims, dcc))
}

/// Encodes claims `{1: iss, 4: exp, 6: iat, -260: {1: dcc}}`, keys in that order (the order
/// written, not RFC 8949 §4.2.1 sorted order; the Vietnamese issuer's order).
#[cfg(feature = "sign")]
pub fn encode_claims(iss: &str, iat: UnixTime, exp: UnixTime, dcc: Value) -> Result<Vec<u8>> {
    use coset::CborSerializable as _;
    coset::cwt::ClaimsSetBuilder::new()
        .issuer(iss.to_string())
        .expiration_time(Timestamp::WholeSeconds(exp.0))
        .issued_at(Timestamp::WholeSeconds(iat.0))
        .claim(
            iana::CwtClaimName::Hcert,
            Value::Map(vec![(Value::Integer(EU_DCC.into()), dcc)]),
        )
        .build()
        .to_vec()
        .map_err(|e| Error::ClaimsMalformed {
            reason: format!("encoding: {e}"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(v: &Value) -> Vec<u8> {
        let mut out = Vec::new();
        ciborium::ser::into_writer(v, &mut out).unwrap();
        out
    }

    fn int(i: i64) -> Value {
        Value::Integer(i.into())
    }

    fn hc() -> (Value, Value) {
        (int(-260), Value::Map(vec![(int(1), Value::Map(vec![]))]))
    }

    #[cfg(feature = "sign")]
    #[test]
    fn round_trip_and_key_order() {
        let dcc = Value::Map(vec![(
            Value::Text("ver".into()),
            Value::Text("1.3.0".into()),
        )]);
        let bytes = encode_claims(
            "VN",
            UnixTime(1_649_950_687),
            UnixTime(1_738_195_200),
            dcc.clone(),
        )
        .unwrap();
        // Same layout as the Vietnamese QA sample: A4 01 62 "VN" 04 1A … 06 1A … 39 0103 A1 01 …
        assert_eq!(&bytes[..5], &[0xA4, 0x01, 0x62, b'V', b'N']);
        assert_eq!(bytes[5], 0x04);
        assert_eq!(bytes[11], 0x06);
        assert_eq!(&bytes[17..22], &[0x39, 0x01, 0x03, 0xA1, 0x01]);
        let (c, d) = decode_claims(&bytes).unwrap();
        assert_eq!(c.iss.as_deref(), Some("VN"));
        assert_eq!(c.iat, Some(UnixTime(1_649_950_687)));
        assert_eq!(c.exp, Some(UnixTime(1_738_195_200)));
        assert_eq!(d, dcc);
    }

    /// HCERT.md §1.6: ES and HU encode iat/exp as floats; tag 1 is also accepted.
    #[test]
    fn float_and_tagged_numeric_dates() {
        let claims = Value::Map(vec![
            (int(4), Value::Float(1_622_000_000.9)),
            (int(6), Value::Tag(1, Box::new(int(1_620_000_000)))),
            hc(),
        ]);
        let (c, _) = decode_claims(&enc(&claims)).unwrap();
        assert_eq!(c.exp, Some(UnixTime(1_622_000_000)));
        assert_eq!(c.iat, Some(UnixTime(1_620_000_000)));
        assert_eq!(c.iss, None);
    }

    #[test]
    fn malformed_claims() {
        assert_eq!(
            decode_claims(&enc(&Value::Array(vec![])))
                .unwrap_err()
                .code(),
            "CWT_MALFORMED"
        );
        assert_eq!(
            decode_claims(&enc(&Value::Map(vec![(int(1), Value::Text("VN".into()))]))),
            Err(Error::ClaimMissing { claim: "hcert" })
        );
        assert_eq!(
            decode_claims(&enc(&Value::Map(vec![(int(-260), Value::Map(vec![]))]))),
            Err(Error::ClaimMissing { claim: "hcert[1]" })
        );
        for bad in [
            Value::Map(vec![(int(4), Value::Text("x".into())), hc()]),
            Value::Map(vec![(int(1), int(5)), hc()]),
            Value::Map(vec![hc(), hc()]),
            Value::Map(vec![(int(4), Value::Float(f64::INFINITY)), hc()]),
            Value::Map(vec![(int(-260), Value::Array(vec![]))]),
        ] {
            assert_eq!(
                decode_claims(&enc(&bad)).unwrap_err().code(),
                "CWT_MALFORMED",
                "{bad:?}"
            );
        }
    }
}
