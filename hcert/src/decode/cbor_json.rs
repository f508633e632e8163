//! The DCC's CBOR wire form and its JSON data model (HCERT.md §1.6–§1.7, `eu-dcc-schema`
//! FAQ "CBOR Encoding").
//!
//! CBOR is parsed by `ciborium`; this module only maps values between the two models: text
//! keys only and no duplicates; tag 0 date-time strings become plain strings and tag 1 epoch
//! times become RFC 3339 strings; byte strings and non-finite floats have no JSON form and
//! are refused, with the JSON pointer of the offending item.

use ciborium::Value;

use crate::time::UnixTime;

/// Converts decoded CBOR into the JSON data model, consuming it so strings move.
pub fn into_json(value: Value) -> core::result::Result<serde_json::Value, String> {
    convert(value).map_err(|(mut path, reason)| {
        path.reverse();
        let pointer: String = path.iter().map(|p| format!("/{p}")).collect();
        format!("{pointer}: {reason}")
    })
}

/// On error: the path segments from the failing item outwards, and the reason.
type ConvertError = (Vec<String>, String);

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Integer(_) => "integer",
        Value::Bytes(_) => "byte string",
        Value::Float(_) => "float",
        Value::Text(_) => "text string",
        Value::Bool(_) => "boolean",
        Value::Null => "null",
        Value::Tag(..) => "tagged item",
        Value::Array(_) => "array",
        Value::Map(_) => "map",
        _ => "unknown item",
    }
}

fn convert(value: Value) -> core::result::Result<serde_json::Value, ConvertError> {
    use serde_json::Value as J;
    let fail = |reason: String| Err((Vec::new(), reason));
    Ok(match value {
        Value::Integer(i) => {
            let i = i128::from(i);
            if let Ok(v) = i64::try_from(i) {
                J::from(v)
            } else if let Ok(v) = u64::try_from(i) {
                J::from(v)
            } else {
                return fail("integer out of range".into());
            }
        }
        Value::Float(f) => match serde_json::Number::from_f64(f) {
            Some(n) => J::Number(n),
            None => return fail("non-finite number".into()),
        },
        Value::Text(s) => J::String(s),
        Value::Bool(b) => J::Bool(b),
        Value::Null => J::Null,
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                out.push(convert(item).map_err(|(mut p, r)| {
                    p.push(i.to_string());
                    (p, r)
                })?);
            }
            J::Array(out)
        }
        Value::Map(entries) => {
            let mut out = serde_json::Map::with_capacity(entries.len());
            for (k, v) in entries {
                let key = match k {
                    Value::Text(key) => key,
                    other => return fail(format!("map key is a {}, not text", kind(&other))),
                };
                let v = convert(v).map_err(|(mut p, r)| {
                    p.push(key.clone());
                    (p, r)
                })?;
                match out.entry(key) {
                    serde_json::map::Entry::Vacant(slot) => {
                        slot.insert(v);
                    }
                    serde_json::map::Entry::Occupied(slot) => {
                        return fail(format!("duplicate key {:?}", slot.key()));
                    }
                }
            }
            J::Object(out)
        }
        Value::Tag(0, inner) if matches!(*inner, Value::Text(_)) => convert(*inner)?,
        Value::Tag(1, inner) => {
            let secs = match *inner {
                Value::Integer(i) => i64::try_from(i128::from(i)).ok(),
                Value::Float(f) if f.is_finite() && f.abs() < 1e15 => Some(f.floor() as i64),
                _ => None,
            };
            match secs.map(UnixTime) {
                Some(t) if t.is_representable() => J::String(t.rfc3339()),
                _ => return fail("tag 1 must hold an epoch time".into()),
            }
        }
        Value::Tag(tag, _) => return fail(format!("unexpected CBOR tag {tag}")),
        other => return fail(format!("{} has no JSON form", kind(&other))),
    })
}

/// Converts JSON into CBOR for issuing: integers stay integers, other numbers become floats.
#[cfg(feature = "sign")]
pub(crate) fn from_json(value: &serde_json::Value) -> Value {
    use serde_json::Value as J;
    match value {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Integer(i.into())
            } else if let Some(u) = n.as_u64() {
                Value::Integer(u.into())
            } else {
                Value::Float(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        J::String(s) => Value::Text(s.clone()),
        J::Array(a) => Value::Array(a.iter().map(from_json).collect()),
        J::Object(o) => Value::Map(
            o.iter()
                .map(|(k, v)| (Value::Text(k.clone()), from_json(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::cbor::read_value as decode;
    use proptest::prelude::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    fn to_json(v: &Value) -> core::result::Result<serde_json::Value, String> {
        into_json(v.clone())
    }

    fn int(i: i64) -> Value {
        Value::Integer(i.into())
    }

    /// RFC 8949 Appendix F examples of malformed data: each is rejected, none panics.
    #[test]
    fn rfc8949_appendix_f_malformed() {
        for h in [
            "18",
            "19",
            "1a",
            "1b",
            "1901",
            "1a0102",
            "1b01020304050607",
            "38",
            "58",
            "78",
            "98",
            "9a01ff00",
            "b8",
            "d8",
            "f8",
            "f900",
            "fa0000",
            "fb000000",
            "41",
            "61",
            "5affffffff00",
            "5bffffffffffffffff010203",
            "7affffffff00",
            "7b7fffffffffffffff010203",
            "81",
            "818181818181818181",
            "8200",
            "a1",
            "a20102",
            "a100",
            "a2000000",
            "c0",
            "5f4100",
            "7f6100",
            "9f",
            "9f0102",
            "bf",
            "bf01020102",
            "819f",
            "9f8000",
            "9f9f9f9f9fffffffff",
            "9f819f819f9fffffff",
            "1c",
            "1d",
            "1e",
            "3c",
            "3d",
            "3e",
            "5c",
            "5d",
            "5e",
            "7c",
            "7d",
            "7e",
            "9c",
            "9d",
            "9e",
            "bc",
            "bd",
            "be",
            "dc",
            "dd",
            "de",
            "fc",
            "fd",
            "fe",
            "f800",
            "f801",
            "f818",
            "f81f",
            "5f00ff",
            "5f21ff",
            "5f6100ff",
            "5f80ff",
            "5fa0ff",
            "5fc000ff",
            "5fe0ff",
            "7f4100ff",
            "ff",
            "81ff",
            "8200ff",
            "a1ff",
            "a1ff00",
            "a100ff",
            "a20000ff",
            "9f81ff",
            "9f829f819f9fffffffff",
            "bf00ff",
            "bf000000ff",
            "00ff",
            "6180",
        ] {
            assert!(decode(&hex(h)).is_err(), "{h} must be rejected");
        }
    }

    #[test]
    fn json_conversion_follows_the_dcc_model() {
        let v = Value::Map(vec![
            (
                Value::Text("sc".into()),
                Value::Tag(0, Box::new(Value::Text("2021-05-03T10:00:00Z".into()))),
            ),
            (
                Value::Text("t1".into()),
                Value::Tag(1, Box::new(Value::Float(1_620_036_000.5))),
            ),
            (Value::Text("dn".into()), int(2)),
        ]);
        assert_eq!(
            to_json(&v).unwrap().to_string(),
            r#"{"sc":"2021-05-03T10:00:00Z","t1":"2021-05-03T10:00:00Z","dn":2}"#
        );
        let dup = Value::Map(vec![
            (Value::Text("a".into()), int(1)),
            (Value::Text("a".into()), int(2)),
        ]);
        assert!(to_json(&dup).unwrap_err().contains("duplicate key"));
        let nested = Value::Map(vec![(
            Value::Text("v".into()),
            Value::Array(vec![Value::Map(vec![(
                Value::Text("dn".into()),
                Value::Bytes(vec![]),
            )])]),
        )]);
        assert_eq!(
            to_json(&nested).unwrap_err(),
            "/v/0/dn: byte string has no JSON form"
        );
        assert!(to_json(&Value::Bytes(vec![1])).is_err());
        assert!(to_json(&Value::Map(vec![(int(1), Value::Null)])).is_err());
        assert!(to_json(&Value::Tag(1, Box::new(Value::Text("x".into())))).is_err());
        assert!(to_json(&Value::Tag(55_799, Box::new(int(1)))).is_err());
    }

    #[cfg(feature = "sign")]
    proptest! {
        #[test]
        fn json_round_trips_through_cbor(s in ".{0,12}", n in any::<i64>(), b in any::<bool>()) {
            let j = serde_json::json!({"s": s, "n": n, "b": b, "a": [1, null, {"x": 1.5}]});
            prop_assert_eq!(into_json(from_json(&j)).unwrap(), j);
        }
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_decode_or_fail_cleanly(data in proptest::collection::vec(any::<u8>(), 0..256)) {
            match decode(&data) {
                Ok(v) => { let _ = into_json(v); }
                Err(e) => prop_assert_eq!(e.code(), "CBOR_MALFORMED"),
            }
        }
    }
}
