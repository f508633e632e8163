//! CBOR (RFC 8949) as HCERT uses it: a bounded decoder into [`Value`] and a deterministic
//! encoder (RFC 8949 §4.2.1: shortest lengths, definite lengths).
//!
//! The decoder never allocates more than the input could describe: every declared length is
//! checked against the bytes left before anything is reserved, and nesting is capped, so any
//! input of `n` bytes costs O(n) time and memory.

use crate::error::{Error, Result};

/// Nesting limit. A COSE_Sign1 with its payload nests about six levels deep.
pub const MAX_DEPTH: usize = 32;

/// A decoded CBOR data item. Maps keep their order and may (before validation) hold
/// duplicate keys; the typed layers above reject those.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Major types 0 and 1: −2⁶⁴ … 2⁶⁴−1.
    Integer(i128),
    /// Major type 2.
    Bytes(Vec<u8>),
    /// Major type 3.
    Text(String),
    /// Major type 4.
    Array(Vec<Value>),
    /// Major type 5, in encoded order.
    Map(Vec<(Value, Value)>),
    /// Major type 6.
    Tag(u64, Box<Value>),
    /// `true` / `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// `undefined`.
    Undefined,
    /// Half, single or double precision float.
    Float(f64),
    /// Other simple values.
    Simple(u8),
}

impl Value {
    /// The integer, if this is an integer that fits `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Integer(i) => i64::try_from(*i).ok(),
            _ => None,
        }
    }

    /// The text, if this is a text string.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    /// The bytes, if this is a byte string.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::Bytes(b) => Some(b),
            _ => None,
        }
    }

    /// Looks up an integer key in a map.
    pub fn map_get_int(&self, key: i64) -> Option<&Value> {
        match self {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.as_i64() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// A short name of the item's type, for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Integer(_) => "integer",
            Value::Bytes(_) => "byte string",
            Value::Text(_) => "text string",
            Value::Array(_) => "array",
            Value::Map(_) => "map",
            Value::Tag(..) => "tagged item",
            Value::Bool(_) => "boolean",
            Value::Null => "null",
            Value::Undefined => "undefined",
            Value::Float(_) => "float",
            Value::Simple(_) => "simple value",
        }
    }
}

/// Whether a map's entries repeat a key (COSE and CWT forbid it: RFC 8152 §3, RFC 8392 §7).
pub fn has_duplicate_keys(entries: &[(Value, Value)]) -> bool {
    entries
        .iter()
        .enumerate()
        .any(|(i, (k, _))| entries[..i].iter().any(|(other, _)| other == k))
}

/// Decodes exactly one data item that spans all of `data`.
pub fn decode(data: &[u8]) -> Result<Value> {
    let mut d = Decoder { data, pos: 0 };
    let v = d.item(0)?;
    if d.pos != data.len() {
        return Err(d.err("trailing bytes after the data item"));
    }
    Ok(v)
}

struct Decoder<'a> {
    data: &'a [u8],
    pos: usize,
}

/// What follows an initial byte: a definite argument or the indefinite-length marker.
enum Arg {
    Value(u64),
    Indefinite,
}

impl Decoder<'_> {
    fn err(&self, reason: &'static str) -> Error {
        Error::CborMalformed {
            offset: self.pos,
            reason,
        }
    }

    fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }

    fn byte(&mut self) -> Result<u8> {
        let b = *self
            .data
            .get(self.pos)
            .ok_or_else(|| self.err("unexpected end of data"))?;
        self.pos += 1;
        Ok(b)
    }

    fn take(&mut self, n: usize) -> Result<&[u8]> {
        if n > self.remaining() {
            return Err(self.err("length exceeds the remaining data"));
        }
        let s = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    fn argument(&mut self, info: u8) -> Result<Arg> {
        let n = match info {
            0..=23 => return Ok(Arg::Value(u64::from(info))),
            24 => 1,
            25 => 2,
            26 => 4,
            27 => 8,
            31 => return Ok(Arg::Indefinite),
            _ => return Err(self.err("reserved additional information value")),
        };
        let bytes = self.take(n)?;
        Ok(Arg::Value(
            bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b)),
        ))
    }

    fn definite(&mut self, info: u8) -> Result<u64> {
        match self.argument(info)? {
            Arg::Value(v) => Ok(v),
            Arg::Indefinite => Err(self.err("indefinite length not allowed here")),
        }
    }

    /// A length that must fit in what is left, `unit` bytes per element at least.
    fn length(&mut self, n: u64, unit: usize) -> Result<usize> {
        match usize::try_from(n) {
            Ok(n) if n.saturating_mul(unit) <= self.remaining() => Ok(n),
            _ => Err(self.err("length exceeds the remaining data")),
        }
    }

    fn at_break(&self) -> bool {
        self.data.get(self.pos) == Some(&0xFF)
    }

    fn item(&mut self, depth: usize) -> Result<Value> {
        if depth > MAX_DEPTH {
            return Err(self.err("nesting too deep"));
        }
        let initial = self.byte()?;
        let (major, info) = (initial >> 5, initial & 0x1F);
        match major {
            0 => Ok(Value::Integer(i128::from(self.definite(info)?))),
            1 => Ok(Value::Integer(-1 - i128::from(self.definite(info)?))),
            2 | 3 => {
                let bytes = match self.argument(info)? {
                    Arg::Value(n) => {
                        let n = self.length(n, 1)?;
                        self.take(n)?.to_vec()
                    }
                    Arg::Indefinite => {
                        let mut buf = Vec::new();
                        while !self.at_break() {
                            let chunk = self.byte()?;
                            if chunk >> 5 != major {
                                return Err(self.err("indefinite string chunk of another type"));
                            }
                            let n = self.definite(chunk & 0x1F)?;
                            let n = self.length(n, 1)?;
                            buf.extend_from_slice(self.take(n)?);
                        }
                        self.pos += 1;
                        buf
                    }
                };
                if major == 2 {
                    Ok(Value::Bytes(bytes))
                } else {
                    String::from_utf8(bytes)
                        .map(Value::Text)
                        .map_err(|_| self.err("text string is not valid UTF-8"))
                }
            }
            4 => match self.argument(info)? {
                Arg::Value(n) => {
                    let n = self.length(n, 1)?;
                    let mut items = Vec::with_capacity(n);
                    for _ in 0..n {
                        items.push(self.item(depth + 1)?);
                    }
                    Ok(Value::Array(items))
                }
                Arg::Indefinite => {
                    let mut items = Vec::new();
                    while !self.at_break() {
                        items.push(self.item(depth + 1)?);
                    }
                    self.pos += 1;
                    Ok(Value::Array(items))
                }
            },
            5 => match self.argument(info)? {
                Arg::Value(n) => {
                    let n = self.length(n, 2)?;
                    let mut entries = Vec::with_capacity(n);
                    for _ in 0..n {
                        let k = self.item(depth + 1)?;
                        let v = self.item(depth + 1)?;
                        entries.push((k, v));
                    }
                    Ok(Value::Map(entries))
                }
                Arg::Indefinite => {
                    let mut entries = Vec::new();
                    while !self.at_break() {
                        let k = self.item(depth + 1)?;
                        if self.at_break() {
                            return Err(self.err("map ends after a key without a value"));
                        }
                        let v = self.item(depth + 1)?;
                        entries.push((k, v));
                    }
                    self.pos += 1;
                    Ok(Value::Map(entries))
                }
            },
            6 => {
                let tag = self.definite(info)?;
                Ok(Value::Tag(tag, Box::new(self.item(depth + 1)?)))
            }
            _ => match info {
                20 => Ok(Value::Bool(false)),
                21 => Ok(Value::Bool(true)),
                22 => Ok(Value::Null),
                23 => Ok(Value::Undefined),
                24 => {
                    let v = self.byte()?;
                    if v < 32 {
                        return Err(self.err("simple value in two-byte form below 32"));
                    }
                    Ok(Value::Simple(v))
                }
                25 => {
                    let b = self.take(2)?;
                    Ok(Value::Float(f16_to_f64(u16::from_be_bytes([b[0], b[1]]))))
                }
                26 => {
                    let b = self.take(4)?;
                    Ok(Value::Float(f64::from(f32::from_be_bytes([
                        b[0], b[1], b[2], b[3],
                    ]))))
                }
                27 => {
                    let b = self.take(8)?;
                    let mut a = [0u8; 8];
                    a.copy_from_slice(b);
                    Ok(Value::Float(f64::from_be_bytes(a)))
                }
                31 => {
                    self.pos -= 1;
                    Err(self.err("unexpected break"))
                }
                0..=19 => Ok(Value::Simple(info)),
                _ => Err(self.err("reserved additional information value")),
            },
        }
    }
}

fn f16_to_f64(h: u16) -> f64 {
    let sign = if h & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = i32::from((h >> 10) & 0x1F);
    let mant = f64::from(h & 0x3FF);
    sign * match exp {
        0 => mant * 2f64.powi(-24),
        31 if mant == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        e => (1.0 + mant / 1024.0) * 2f64.powi(e - 15),
    }
}

/// Appends the deterministic encoding of `value` to `out`.
pub fn encode_into(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Integer(i) => {
            if *i >= 0 {
                head(out, 0, u64::try_from(*i).unwrap_or(u64::MAX));
            } else {
                head(out, 1, u64::try_from(-1 - *i).unwrap_or(u64::MAX));
            }
        }
        Value::Bytes(b) => {
            head(out, 2, b.len() as u64);
            out.extend_from_slice(b);
        }
        Value::Text(s) => {
            head(out, 3, s.len() as u64);
            out.extend_from_slice(s.as_bytes());
        }
        Value::Array(items) => {
            head(out, 4, items.len() as u64);
            for item in items {
                encode_into(item, out);
            }
        }
        Value::Map(entries) => {
            head(out, 5, entries.len() as u64);
            for (k, v) in entries {
                encode_into(k, out);
                encode_into(v, out);
            }
        }
        Value::Tag(tag, inner) => {
            head(out, 6, *tag);
            encode_into(inner, out);
        }
        Value::Bool(b) => out.push(if *b { 0xF5 } else { 0xF4 }),
        Value::Null => out.push(0xF6),
        Value::Undefined => out.push(0xF7),
        Value::Float(f) => {
            out.push(0xFB);
            out.extend_from_slice(&f.to_be_bytes());
        }
        Value::Simple(v) => {
            if *v < 24 {
                out.push(0xE0 | v);
            } else {
                out.extend_from_slice(&[0xF8, *v]);
            }
        }
    }
}

/// The deterministic encoding of `value`.
pub fn encode(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    encode_into(value, &mut out);
    out
}

/// Writes a major type and argument in the shortest form.
pub fn head(out: &mut Vec<u8>, major: u8, n: u64) {
    let m = major << 5;
    if n < 24 {
        out.push(m | n as u8);
    } else if n <= 0xFF {
        out.extend_from_slice(&[m | 24, n as u8]);
    } else if n <= 0xFFFF {
        out.push(m | 25);
        out.extend_from_slice(&(n as u16).to_be_bytes());
    } else if n <= 0xFFFF_FFFF {
        out.push(m | 26);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    } else {
        out.push(m | 27);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

/// Converts decoded CBOR into the JSON data model of the DCC schema (HCERT.md §1.6): text
/// keys only, no duplicates; tag 0 date-time strings become plain strings and tag 1 epoch
/// times become RFC 3339 strings; byte strings, `undefined` and non-finite floats have no
/// JSON form and are refused. The error names the JSON pointer of the offending item.
pub fn to_json(value: &Value) -> core::result::Result<serde_json::Value, String> {
    into_json(value.clone())
}

/// [`to_json`], consuming the value so strings move instead of being copied.
pub fn into_json(value: Value) -> core::result::Result<serde_json::Value, String> {
    convert(value).map_err(|(mut path, reason)| {
        path.reverse();
        let pointer: String = path.iter().map(|p| format!("/{p}")).collect();
        format!("{pointer}: {reason}")
    })
}

/// On error: the path segments from the failing item outwards, and the reason.
type ConvertError = (Vec<String>, String);

fn convert(value: Value) -> core::result::Result<serde_json::Value, ConvertError> {
    use serde_json::Value as J;
    let fail = |reason: String| Err((Vec::new(), reason));
    Ok(match value {
        Value::Integer(i) => {
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
                    other => return fail(format!("map key is a {}, not text", other.kind())),
                };
                let v = convert(v).map_err(|(mut p, r)| {
                    p.push(key.clone());
                    (p, r)
                })?;
                if out.contains_key(&key) {
                    return fail(format!("duplicate key {key:?}"));
                }
                out.insert(key, v);
            }
            J::Object(out)
        }
        Value::Tag(0, inner) if matches!(*inner, Value::Text(_)) => convert(*inner)?,
        Value::Tag(1, inner) => {
            let secs = match *inner {
                Value::Integer(i) => i64::try_from(i).ok(),
                Value::Float(f) if f.is_finite() && f.abs() < 1e15 => Some(f.floor() as i64),
                _ => None,
            };
            match secs.map(crate::time::UnixTime) {
                Some(t) if t.is_representable() => J::String(t.rfc3339()),
                _ => return fail("tag 1 must hold an epoch time".into()),
            }
        }
        Value::Tag(tag, _) => return fail(format!("unexpected CBOR tag {tag}")),
        Value::Bytes(_) => return fail("byte string has no JSON form".into()),
        Value::Undefined | Value::Simple(_) => {
            return fail(format!("{} has no JSON form", value.kind()))
        }
    })
}

/// Converts JSON into CBOR for issuing: integers stay integers, other numbers become floats.
pub fn from_json(value: &serde_json::Value) -> Value {
    use serde_json::Value as J;
    match value {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Integer(i128::from(i))
            } else if let Some(u) = n.as_u64() {
                Value::Integer(i128::from(u))
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
    use proptest::prelude::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// RFC 8949 Appendix A examples (a selection covering every major type).
    #[test]
    fn rfc8949_appendix_a() {
        let cases: Vec<(&str, Value)> = vec![
            ("00", Value::Integer(0)),
            ("17", Value::Integer(23)),
            ("1818", Value::Integer(24)),
            ("1903e8", Value::Integer(1000)),
            ("1b000000e8d4a51000", Value::Integer(1_000_000_000_000)),
            (
                "1bffffffffffffffff",
                Value::Integer(18_446_744_073_709_551_615),
            ),
            (
                "3bffffffffffffffff",
                Value::Integer(-18_446_744_073_709_551_616),
            ),
            ("20", Value::Integer(-1)),
            ("3903e7", Value::Integer(-1000)),
            ("f4", Value::Bool(false)),
            ("f6", Value::Null),
            ("f7", Value::Undefined),
            ("f0", Value::Simple(16)),
            ("f8ff", Value::Simple(255)),
            ("40", Value::Bytes(vec![])),
            ("4401020304", Value::Bytes(vec![1, 2, 3, 4])),
            ("6449455446", Value::Text("IETF".into())),
            ("62c3bc", Value::Text("ü".into())),
            (
                "83010203",
                Value::Array(vec![
                    Value::Integer(1),
                    Value::Integer(2),
                    Value::Integer(3),
                ]),
            ),
            (
                "a201020304",
                Value::Map(vec![
                    (Value::Integer(1), Value::Integer(2)),
                    (Value::Integer(3), Value::Integer(4)),
                ]),
            ),
            (
                "c074323031332d30332d32315432303a30343a30305a",
                Value::Tag(0, Box::new(Value::Text("2013-03-21T20:04:00Z".into()))),
            ),
            (
                "c11a514b67b0",
                Value::Tag(1, Box::new(Value::Integer(1_363_896_240))),
            ),
        ];
        for (h, v) in cases {
            assert_eq!(decode(&hex(h)).unwrap(), v, "{h}");
            assert_eq!(encode(&v), hex(h), "{h}");
        }
        // Floats decode from every width.
        assert_eq!(decode(&hex("f93c00")).unwrap(), Value::Float(1.0));
        assert_eq!(decode(&hex("f97bff")).unwrap(), Value::Float(65504.0));
        assert_eq!(
            decode(&hex("f90001")).unwrap(),
            Value::Float(5.960_464_477_539_063e-8)
        );
        assert_eq!(decode(&hex("fa47c35000")).unwrap(), Value::Float(100_000.0));
        assert_eq!(
            decode(&hex("fb3ff199999999999a")).unwrap(),
            Value::Float(1.1)
        );
        assert_eq!(
            decode(&hex("f9fc00")).unwrap(),
            Value::Float(f64::NEG_INFINITY)
        );
        // Indefinite lengths.
        assert_eq!(
            decode(&hex("5f42010243030405ff")).unwrap(),
            Value::Bytes(vec![1, 2, 3, 4, 5])
        );
        assert_eq!(
            decode(&hex("7f657374726561646d696e67ff")).unwrap(),
            Value::Text("streaming".into())
        );
        assert_eq!(
            decode(&hex("9f018202039f0405ffff")).unwrap(),
            Value::Array(vec![
                Value::Integer(1),
                Value::Array(vec![Value::Integer(2), Value::Integer(3)]),
                Value::Array(vec![Value::Integer(4), Value::Integer(5)]),
            ])
        );
        assert_eq!(
            decode(&hex("bf6346756ef563416d7421ff")).unwrap(),
            Value::Map(vec![
                (Value::Text("Fun".into()), Value::Bool(true)),
                (Value::Text("Amt".into()), Value::Integer(-2)),
            ])
        );
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
    fn nesting_is_capped() {
        let mut deep = vec![0x81u8; MAX_DEPTH + 5];
        deep.push(0x00);
        assert_eq!(decode(&deep).unwrap_err().code(), "CBOR_MALFORMED");
        let mut ok = vec![0x81u8; MAX_DEPTH];
        ok.push(0x00);
        assert!(decode(&ok).is_ok());
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
            (Value::Text("dn".into()), Value::Integer(2)),
        ]);
        assert_eq!(
            to_json(&v).unwrap().to_string(),
            r#"{"sc":"2021-05-03T10:00:00Z","t1":"2021-05-03T10:00:00Z","dn":2}"#
        );
        let dup = Value::Map(vec![
            (Value::Text("a".into()), Value::Integer(1)),
            (Value::Text("a".into()), Value::Integer(2)),
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
        assert!(to_json(&Value::Map(vec![(Value::Integer(1), Value::Null)])).is_err());
    }

    fn arb_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            any::<i64>().prop_map(|i| Value::Integer(i128::from(i))),
            any::<u64>().prop_map(|i| Value::Integer(-1 - i128::from(i))),
            proptest::collection::vec(any::<u8>(), 0..16).prop_map(Value::Bytes),
            ".{0,12}".prop_map(Value::Text),
            any::<bool>().prop_map(Value::Bool),
            Just(Value::Null),
            any::<f64>()
                .prop_filter("NaN is not equal to itself", |f| !f.is_nan())
                .prop_map(Value::Float),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::vec((inner.clone(), inner.clone()), 0..6)
                    .prop_map(Value::Map),
                (0u64..100, inner).prop_map(|(t, v)| Value::Tag(t, Box::new(v))),
            ]
        })
    }

    proptest! {
        #[test]
        fn encode_decode_round_trip(v in arb_value()) {
            prop_assert_eq!(decode(&encode(&v)).unwrap(), v);
        }

        #[test]
        fn arbitrary_bytes_decode_or_fail_cleanly(data in proptest::collection::vec(any::<u8>(), 0..256)) {
            match decode(&data) {
                // What decodes re-encodes deterministically to bytes that decode to the same.
                Ok(v) => {
                    let once = encode(&v);
                    prop_assert_eq!(encode(&decode(&once).unwrap()), once);
                }
                Err(e) => prop_assert_eq!(e.code(), "CBOR_MALFORMED"),
            }
        }
    }
}
