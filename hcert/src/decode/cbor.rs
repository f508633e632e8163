//! CBOR (RFC 8949) bytes into a `ciborium::Value`, the tree coset reads COSE_Sign1 and CWT
//! claims from.
//!
//! Why not `ciborium::de::from_reader`: it goes through serde's visitor machinery and pulls
//! every header byte by byte through an I/O trait. For one HCERT it cost 1.1 µs (COSE) +
//! 4.2 µs (CWT claims, most of it the CBOR) of a 60.2 µs native ES256 verification
//! (`stages/aws-lc/ES256/cose` and `cwt` in `benches/pipeline.rs`, 2026-11-30), the
//! largest share after the signature and what kept decode+verify below OpenSSL's bare
//! verify. This reader walks the slice directly.
//!
//! It accepts and refuses exactly what ciborium 0.2 does, with the same values: bignums
//! (tags 2 and 3 over at most 16 bytes) become integers where they fit, `undefined` reads as
//! null, a one-byte simple value is read by its number, nesting of arrays, maps and tags is
//! capped, and indefinite-length strings take chunks of their own type only (nested
//! indefinite ones are flattened). The
//! property test below and the `cbor` fuzz target compare both readers on arbitrary bytes.

use ciborium::value::{Integer, Value};

use crate::error::{Error, Result};

/// Nesting of arrays, maps and tags allowed. A COSE_Sign1 with its payload nests about six
/// levels deep; the cap keeps hostile input from exhausting the stack (a wasm stack is 1 MiB).
pub(crate) const MAX_DEPTH: usize = 32;

/// Reads exactly one CBOR item spanning all of `data`, nesting capped at 32 levels.
pub fn read_value(data: &[u8]) -> Result<Value> {
    let mut reader = Reader {
        data,
        at: 0,
        depth_left: MAX_DEPTH,
    };
    let value = reader.item().map_err(|f| Error::CborMalformed {
        offset: f.offset,
        reason: f.reason.into(),
    })?;
    if reader.at != data.len() {
        return Err(Error::CborMalformed {
            offset: reader.at,
            reason: "trailing bytes after the data item".into(),
        });
    }
    Ok(value)
}

struct Fault {
    offset: usize,
    reason: &'static str,
}

type Read<T> = core::result::Result<T, Fault>;

struct Reader<'a> {
    data: &'a [u8],
    at: usize,
    depth_left: usize,
}

/// Major type 7's additional information that this reader tells apart.
const BREAK: u8 = 31;

impl<'a> Reader<'a> {
    fn fault<T>(&self, offset: usize, reason: &'static str) -> Read<T> {
        Err(Fault { offset, reason })
    }

    fn take(&mut self, n: usize) -> Read<&'a [u8]> {
        match self.data.get(self.at..).and_then(|rest| rest.get(..n)) {
            Some(bytes) => {
                self.at += n;
                Ok(bytes)
            }
            None => self.fault(self.data.len(), "unexpected end of data"),
        }
    }

    fn uint(&mut self, n: usize) -> Read<u64> {
        Ok(self
            .take(n)?
            .iter()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
    }

    /// The initial byte's major type and additional information, and the argument that
    /// follows it (`None` for additional information 31, "indefinite").
    fn head(&mut self) -> Read<(u8, u8, Option<u64>)> {
        let start = self.at;
        let initial = *self.take(1)?.first().unwrap_or(&0);
        let (major, info) = (initial >> 5, initial & 0x1F);
        let argument = match info {
            0..=23 => Some(u64::from(info)),
            24 => Some(self.uint(1)?),
            25 => Some(self.uint(2)?),
            26 => Some(self.uint(4)?),
            27 => Some(self.uint(8)?),
            28..=30 => return self.fault(start, "reserved additional information"),
            _ => None,
        };
        Ok((major, info, argument))
    }

    fn peek_break(&self) -> bool {
        self.data.get(self.at) == Some(&0xFF)
    }

    fn enter(&mut self) -> Read<()> {
        if self.depth_left == 0 {
            return self.fault(self.at, "nesting too deep");
        }
        self.depth_left -= 1;
        Ok(())
    }

    fn length(&self, start: usize, argument: u64) -> Read<usize> {
        usize::try_from(argument).or_else(|_| self.fault(start, "length too large"))
    }

    /// A byte or text string's content: one definite run, or (indefinite) the definite
    /// chunks of the same major type up to the matching break. Indefinite strings nested in
    /// one another are flattened, as ciborium does.
    fn string(&mut self, start: usize, major: u8, argument: Option<u64>) -> Read<Vec<&'a [u8]>> {
        if let Some(n) = argument {
            let n = self.length(start, n)?;
            return Ok(vec![self.take(n)?]);
        }
        let mut chunks = Vec::new();
        let mut open = 1usize;
        loop {
            let chunk_start = self.at;
            match self.head()? {
                (7, BREAK, None) => {
                    open -= 1;
                    if open == 0 {
                        return Ok(chunks);
                    }
                }
                (m, _, None) if m == major => open += 1,
                (m, _, Some(n)) if m == major => {
                    let n = self.length(chunk_start, n)?;
                    chunks.push(self.take(n)?);
                }
                _ => return self.fault(chunk_start, "expected a chunk of the same string type"),
            }
        }
    }

    fn item(&mut self) -> Read<Value> {
        let start = self.at;
        let (major, info, argument) = self.head()?;
        let int = |r: &Self| argument.map_or_else(|| r.fault(start, "indefinite integer"), Ok);
        Ok(match major {
            0 => Value::Integer(Integer::from(int(self)?)),
            1 => Value::Integer(
                Integer::try_from(-1 - i128::from(int(self)?))
                    .or_else(|_| self.fault(start, "integer too large"))?,
            ),
            2 => Value::Bytes(self.string(start, 2, argument)?.concat()),
            3 => {
                let mut text = String::new();
                for chunk in self.string(start, 3, argument)? {
                    match core::str::from_utf8(chunk) {
                        Ok(s) => text.push_str(s),
                        Err(_) => return self.fault(start, "text is not UTF-8"),
                    }
                }
                Value::Text(text)
            }
            4 => {
                self.enter()?;
                let mut items = Vec::new();
                match argument {
                    Some(n) => {
                        let n = self.length(start, n)?;
                        items.reserve(n.min(self.data.len() - self.at));
                        for _ in 0..n {
                            items.push(self.item()?);
                        }
                    }
                    None => {
                        while !self.peek_break() {
                            items.push(self.item()?);
                        }
                        self.at += 1;
                    }
                }
                self.depth_left += 1;
                Value::Array(items)
            }
            5 => {
                self.enter()?;
                let mut entries = Vec::new();
                match argument {
                    Some(n) => {
                        let n = self.length(start, n)?;
                        entries.reserve(n.min((self.data.len() - self.at) / 2));
                        for _ in 0..n {
                            let key = self.item()?;
                            entries.push((key, self.item()?));
                        }
                    }
                    None => {
                        while !self.peek_break() {
                            let key = self.item()?;
                            entries.push((key, self.item()?));
                        }
                        self.at += 1;
                    }
                }
                self.depth_left += 1;
                Value::Map(entries)
            }
            6 => self.tagged(start, int(self)?)?,
            _ => match (info, argument) {
                (20, _) => Value::Bool(false),
                (21, _) => Value::Bool(true),
                (22 | 23, _) => Value::Null,
                (24, Some(simple)) => match simple {
                    20 => Value::Bool(false),
                    21 => Value::Bool(true),
                    22 | 23 => Value::Null,
                    _ => return self.fault(start, "unknown simple value"),
                },
                (25, Some(bits)) => Value::Float(f64::from(half::f16::from_bits(bits as u16))),
                (26, Some(bits)) => Value::Float(f64::from(f32::from_bits(bits as u32))),
                (27, Some(bits)) => Value::Float(f64::from_bits(bits)),
                (BREAK, _) => return self.fault(start, "break outside an indefinite item"),
                _ => return self.fault(start, "unknown simple value"),
            },
        })
    }

    /// A tagged item. Tags 2 and 3 (bignums) over a definite byte string of at most 16 bytes
    /// become integers, or stay tagged with their leading zeros removed when outside the
    /// integer range, as ciborium reads them.
    fn tagged(&mut self, start: usize, tag: u64) -> Read<Value> {
        if tag == 2 || tag == 3 {
            let save = self.at;
            if let Ok((2, _, Some(len))) = self.head() {
                if len <= 16 {
                    let len = self.length(start, len)?;
                    let bytes = self.take(len)?;
                    let raw = bytes
                        .iter()
                        .fold(0u128, |acc, &b| (acc << 8) | u128::from(b));
                    return Ok(if tag == 2 {
                        Value::from(raw)
                    } else {
                        match i128::try_from(raw) {
                            Ok(n) => Value::from(-1 - n),
                            Err(_) => return self.fault(start, "integer too large"),
                        }
                    });
                }
            }
            self.at = save;
        }
        self.enter()?;
        let inner = self.item()?;
        self.depth_left += 1;
        Ok(Value::Tag(tag, Box::new(inner)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// ciborium's reading of `data`, the oracle.
    fn ciborium_read(data: &[u8]) -> Option<Value> {
        let mut rest = data;
        let v: Value = ciborium::de::from_reader_with_recursion_limit(&mut rest, MAX_DEPTH).ok()?;
        rest.is_empty().then_some(v)
    }

    /// Equality with NaNs equal to themselves bit for bit.
    fn same(a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
            (Value::Array(x), Value::Array(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
            }
            (Value::Map(x), Value::Map(y)) => {
                x.len() == y.len()
                    && x.iter()
                        .zip(y)
                        .all(|((k, v), (l, w))| same(k, l) && same(v, w))
            }
            (Value::Tag(t, x), Value::Tag(u, y)) => t == u && same(x, y),
            _ => a == b,
        }
    }

    fn agree(data: &[u8]) -> core::result::Result<(), TestCaseError> {
        match (read_value(data), ciborium_read(data)) {
            (Ok(ours), Some(theirs)) => {
                prop_assert!(same(&ours, &theirs), "{data:02x?}: {ours:?} vs {theirs:?}")
            }
            (Err(_), None) => {}
            (ours, theirs) => {
                prop_assert!(false, "{data:02x?}: ours {ours:?}, ciborium {theirs:?}")
            }
        }
        Ok(())
    }

    #[test]
    fn corner_cases_agree_with_ciborium() {
        let cases: &[&[u8]] = &[
            &[0x00],
            &[0x1B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF],
            &[0x3B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF],
            &[0x1C],
            &[0x1F],
            &[0x5F, 0x41, 0x00, 0x42, 0x01, 0x02, 0xFF],
            &[0x5F, 0x61, 0x00, 0xFF],
            &[0x5F, 0x5F, 0xFF, 0xFF],
            &[0x7F, 0x62, 0xC3, 0xA9, 0xFF],
            &[0x7F, 0x61, 0xC3, 0x61, 0xA9, 0xFF],
            &[0x9F, 0x01, 0x02, 0xFF],
            &[0xBF, 0x01, 0x02, 0xFF],
            &[0xBF, 0x01, 0xFF],
            &[0xF8, 0x14],
            &[0xF8, 0x10],
            &[0xF0],
            &[0xF7],
            &[0xF9, 0x7E, 0x00],
            &[0xF9, 0x7C, 0x01],
            &[0xFA, 0x7F, 0x80, 0x00, 0x01],
            &[0xFF],
            &[0xC2, 0x41, 0x01],
            &[0xC2, 0x49, 0x01, 0, 0, 0, 0, 0, 0, 0, 0],
            &[0xC3, 0x49, 0x01, 0, 0, 0, 0, 0, 0, 0, 0],
            &[
                0xC3, 0x50, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            ],
            &[
                0xC3, 0x50, 0x7F, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            ],
            &[
                0xC2, 0x51, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
            ],
            &[0xC2, 0x5F, 0x41, 0x01, 0xFF],
            &[0xC2, 0x01],
            &[0xC1, 0x1A, 0x60, 0x00, 0x00, 0x00],
            &[0xD8, 0x3D, 0xD2, 0x80],
            &[0x81],
            &[0x01, 0x02],
            &[0x9B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF],
        ];
        for case in cases {
            agree(case).unwrap();
        }
        // Nesting: 32 levels read, 33 do not.
        for (depth, ok) in [(32, true), (33, false)] {
            let mut data = vec![0x81; depth];
            data.push(0x00);
            assert_eq!(read_value(&data).is_ok(), ok, "{depth} arrays");
            agree(&data).unwrap();
            let mut tags = vec![0xC6; depth];
            tags.push(0x00);
            agree(&tags).unwrap();
        }
    }

    proptest! {
        #[test]
        fn agrees_with_ciborium_on_any_bytes(data in proptest::collection::vec(any::<u8>(), 0..64)) {
            agree(&data)?;
        }

        /// Bytes drawn mostly from initial bytes of small items, so that nested structures
        /// and strings come up often.
        #[test]
        fn agrees_with_ciborium_on_item_soup(data in proptest::collection::vec(
            prop_oneof![
                Just(0x9Fu8), Just(0xBF), Just(0xFF), Just(0x82), Just(0xA1), Just(0xC2), Just(0xC3),
                Just(0xC0), Just(0x41), Just(0x61), Just(0x5F), Just(0x7F), Just(0xF9), Just(0xF8),
                0u8..=0x17, 0x20u8..=0x37, any::<u8>()
            ], 0..48)) {
            agree(&data)?;
        }
    }
}
