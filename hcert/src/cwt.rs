//! CWT claims (RFC 8392) of an HCERT: `iss` (1), `exp` (4), `iat` (6) and `hcert` (-260)
//! holding the DCC under key 1 (hcert_spec §3.3, HCERT.md §1.6).

use crate::cbor::{self, Value};
use crate::error::{Error, Result};
use crate::time::UnixTime;

/// Claim key `iss`.
pub const ISS: i64 = 1;
/// Claim key `exp`.
pub const EXP: i64 = 4;
/// Claim key `iat`.
pub const IAT: i64 = 6;
/// Claim key `hcert`.
pub const HCERT: i64 = -260;
/// Key of the EU DCC inside `hcert`.
pub const EU_DCC: i64 = 1;

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

/// Reads a NumericDate: an integer or, as some issuers wrote them, a float (HCERT.md §1.6).
fn numeric_date(v: &Value) -> Option<UnixTime> {
    match v {
        Value::Integer(i) => i64::try_from(*i).ok().map(UnixTime),
        Value::Float(f) if f.is_finite() && f.abs() < 1e15 => Some(UnixTime(f.floor() as i64)),
        Value::Tag(1, inner) => numeric_date(inner),
        _ => None,
    }
}

/// Decodes the CWT claims from the COSE payload; returns them with the DCC (`hcert[1]`),
/// still as CBOR.
pub fn decode_claims(payload: &[u8]) -> Result<(Claims, Value)> {
    let Value::Map(entries) = cbor::decode(payload)? else {
        return Err(Error::ClaimsMalformed {
            reason: "claims are not a CBOR map",
        });
    };
    let mut claims = Claims {
        iss: None,
        iat: None,
        exp: None,
    };
    let mut hcert = None;
    if cbor::has_duplicate_keys(&entries) {
        return Err(Error::ClaimsMalformed {
            reason: "duplicate claim",
        });
    }
    for (k, v) in entries {
        match k.as_i64() {
            Some(ISS) => {
                claims.iss = Some(
                    v.as_text()
                        .ok_or(Error::ClaimsMalformed {
                            reason: "iss is not a text string",
                        })?
                        .to_string(),
                )
            }
            Some(EXP) => {
                claims.exp = Some(numeric_date(&v).ok_or(Error::ClaimsMalformed {
                    reason: "exp is not a NumericDate",
                })?)
            }
            Some(IAT) => {
                claims.iat = Some(numeric_date(&v).ok_or(Error::ClaimsMalformed {
                    reason: "iat is not a NumericDate",
                })?)
            }
            Some(HCERT) => hcert = Some(v),
            _ => {}
        }
    }
    let Value::Map(hcert) = hcert.ok_or(Error::ClaimMissing { claim: "hcert" })? else {
        return Err(Error::ClaimsMalformed {
            reason: "hcert claim is not a map",
        });
    };
    let dcc = hcert
        .into_iter()
        .find(|(k, _)| k.as_i64() == Some(EU_DCC))
        .map(|(_, v)| v)
        .ok_or(Error::ClaimMissing { claim: "hcert[1]" })?;
    Ok((claims, dcc))
}

/// Encodes claims `{1: iss, 4: exp, 6: iat, -260: {1: dcc}}` in deterministic key order.
pub fn encode_claims(iss: &str, iat: UnixTime, exp: UnixTime, dcc: &Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(512);
    out.push(0xA4);
    cbor::encode_into(&Value::Integer(ISS.into()), &mut out);
    cbor::encode_into(&Value::Text(iss.to_string()), &mut out);
    cbor::encode_into(&Value::Integer(EXP.into()), &mut out);
    cbor::encode_into(&Value::Integer(exp.0.into()), &mut out);
    cbor::encode_into(&Value::Integer(IAT.into()), &mut out);
    cbor::encode_into(&Value::Integer(iat.0.into()), &mut out);
    cbor::encode_into(&Value::Integer(HCERT.into()), &mut out);
    out.push(0xA1);
    out.push(0x01);
    cbor::encode_into(dcc, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_key_order() {
        let dcc = Value::Map(vec![(
            Value::Text("ver".into()),
            Value::Text("1.3.0".into()),
        )]);
        let bytes = encode_claims("VN", UnixTime(1_649_950_687), UnixTime(1_738_195_200), &dcc);
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

    /// HCERT.md §1.6: ES and HU encode iat/exp as floats.
    #[test]
    fn float_numeric_dates() {
        let claims = Value::Map(vec![
            (Value::Integer(4), Value::Float(1_622_000_000.9)),
            (Value::Integer(6), Value::Float(1_620_000_000.0)),
            (
                Value::Integer(-260),
                Value::Map(vec![(Value::Integer(1), Value::Map(vec![]))]),
            ),
        ]);
        let (c, _) = decode_claims(&cbor::encode(&claims)).unwrap();
        assert_eq!(c.exp, Some(UnixTime(1_622_000_000)));
        assert_eq!(c.iat, Some(UnixTime(1_620_000_000)));
        assert_eq!(c.iss, None);
    }

    #[test]
    fn malformed_claims() {
        let enc = |v: Value| cbor::encode(&v);
        let hc = || {
            (
                Value::Integer(-260),
                Value::Map(vec![(Value::Integer(1), Value::Map(vec![]))]),
            )
        };
        assert_eq!(
            decode_claims(&enc(Value::Array(vec![])))
                .unwrap_err()
                .code(),
            "CWT_MALFORMED"
        );
        assert_eq!(
            decode_claims(&enc(Value::Map(vec![(
                Value::Integer(1),
                Value::Text("VN".into())
            )]))),
            Err(Error::ClaimMissing { claim: "hcert" })
        );
        assert_eq!(
            decode_claims(&enc(Value::Map(vec![(
                Value::Integer(-260),
                Value::Map(vec![])
            )]))),
            Err(Error::ClaimMissing { claim: "hcert[1]" })
        );
        assert_eq!(
            decode_claims(&enc(Value::Map(vec![
                (Value::Integer(4), Value::Text("x".into())),
                hc()
            ])))
            .unwrap_err()
            .code(),
            "CWT_MALFORMED"
        );
        assert_eq!(
            decode_claims(&enc(Value::Map(vec![
                (Value::Integer(1), Value::Integer(5)),
                hc()
            ])))
            .unwrap_err()
            .code(),
            "CWT_MALFORMED"
        );
        assert_eq!(
            decode_claims(&enc(Value::Map(vec![hc(), hc()])))
                .unwrap_err()
                .code(),
            "CWT_MALFORMED"
        );
    }
}
