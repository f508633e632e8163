//! EU DCC value sets: HCERT.md §8 (`eu-dcc-valuesets` files
//! `{valueSetId, valueSetDate, valueSetValues}`, the vaccine encoding instructions, and the
//! compressed `id → [codes]` map that CertLogic rules see as `external.valueSets`).
//!
//! Bounds: a file is at most 4 MiB, a set at most 50 000 codes of at most 256 bytes, and at
//! most 256 sets are held (each refusal has its own [`ValueSetError`] code).

use std::collections::BTreeMap;

use core::fmt;

use serde_json::{Map, Value};

use crate::time::Date;

/// Largest value-set file accepted.
pub const MAX_VALUE_SET_BYTES: usize = 4 * 1024 * 1024;
const MAX_CODES: usize = 50_000;
const MAX_CODE_LEN: usize = 256;
const MAX_SETS: usize = 256;

/// The value-set id of the vaccine encoding instructions.
pub(crate) const ENCODING_INSTRUCTIONS: &str = "vaccines-covid-19-encoding-instructions";

/// What a value-set file says about one code.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ValueSetCode {
    /// `active` (absent in the compressed map).
    pub active: Option<bool>,
    /// `display` (English name), if given.
    pub display: Option<String>,
}

/// One value set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueSet {
    /// `valueSetId`.
    pub id: String,
    /// `valueSetDate`, when the file gives one.
    pub date: Option<Date>,
    codes: Vec<(String, ValueSetCode)>,
    index: BTreeMap<String, usize>,
}

impl ValueSet {
    fn new(id: String, date: Option<Date>, codes: Vec<(String, ValueSetCode)>) -> ValueSet {
        let index = codes
            .iter()
            .enumerate()
            .map(|(i, (c, _))| (c.clone(), i))
            .collect();
        ValueSet {
            id,
            date,
            codes,
            index,
        }
    }

    /// The code's entry, if the code is in the set.
    pub fn get(&self, code: &str) -> Option<&ValueSetCode> {
        self.index
            .get(code)
            .and_then(|&i| self.codes.get(i))
            .map(|(_, info)| info)
    }

    /// Codes in file order.
    pub fn codes(&self) -> impl Iterator<Item = (&str, &ValueSetCode)> {
        self.codes.iter().map(|(c, i)| (c.as_str(), i))
    }

    /// Number of codes.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// Whether the set has no codes.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }
}

/// One vaccine encoding instruction: which `ma` and `vp` codes go with an `mp`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodingInstruction {
    /// The vaccine's name (the instruction's key).
    pub name: String,
    /// `vaccine-code`: the `mp` code (a trailing ` (deprecated)` removed).
    pub medicinal_product: String,
    /// `vaccine-manufacturer`: the `ma` code.
    pub manufacturer: String,
    /// `sct-codes`: the `vp` codes.
    pub prophylaxis: Vec<String>,
}

/// Why a value-set file was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueSetError {
    /// Larger than [`MAX_VALUE_SET_BYTES`].
    TooLarge,
    /// Not JSON.
    Json,
    /// Not the expected shape (the field named).
    Shape(&'static str),
    /// Too many codes in one set, a code too long, or too many sets.
    TooMany,
}

impl ValueSetError {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            ValueSetError::TooLarge => "VALUESET_FILE_TOO_LARGE",
            ValueSetError::Json => "VALUESET_FILE_JSON_INVALID",
            ValueSetError::Shape(_) => "VALUESET_FILE_SHAPE",
            ValueSetError::TooMany => "VALUESET_FILE_TOO_MANY",
        }
    }
}

impl fmt::Display for ValueSetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueSetError::Shape(field) => write!(f, "{} ({field})", self.code()),
            _ => f.write_str(self.code()),
        }
    }
}

impl std::error::Error for ValueSetError {}

/// The value sets in force, by id.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueSetCatalog {
    sets: BTreeMap<String, ValueSet>,
    instructions: Vec<EncodingInstruction>,
    /// `id → [codes]`, built once per change: what rules read as `external.valueSets`.
    certlogic: Value,
}

impl Default for ValueSetCatalog {
    fn default() -> Self {
        ValueSetCatalog::new()
    }
}

fn parse_json(bytes: &[u8]) -> Result<Value, ValueSetError> {
    if bytes.len() > MAX_VALUE_SET_BYTES {
        return Err(ValueSetError::TooLarge);
    }
    serde_json::from_slice(bytes).map_err(|_| ValueSetError::Json)
}

fn check_code(code: &str) -> Result<(), ValueSetError> {
    if code.len() > MAX_CODE_LEN {
        Err(ValueSetError::TooMany)
    } else {
        Ok(())
    }
}

impl ValueSetCatalog {
    /// No value sets.
    pub fn new() -> ValueSetCatalog {
        ValueSetCatalog {
            sets: BTreeMap::new(),
            instructions: Vec::new(),
            certlogic: Value::Object(Map::new()),
        }
    }

    /// Adds (or replaces) one `{valueSetId, valueSetDate, valueSetValues}` file; returns its
    /// id. The encoding-instructions file also fills [`ValueSetCatalog::encoding_instructions`].
    pub fn add_file(&mut self, bytes: &[u8]) -> Result<String, ValueSetError> {
        self.add_value(&parse_json(bytes)?)
    }

    /// The value sets a publication carries (`rules/valuesets.json`: `{"version": 1,
    /// "valuesets": [<value-set file>, …]}`); an empty list gives an empty catalog.
    pub fn from_published(bytes: &[u8]) -> Result<ValueSetCatalog, ValueSetError> {
        let json = parse_json(bytes)?;
        if json.get("version").and_then(Value::as_u64) != Some(1) {
            return Err(ValueSetError::Shape("version"));
        }
        let sets = json
            .get("valuesets")
            .and_then(Value::as_array)
            .ok_or(ValueSetError::Shape("valuesets"))?;
        let mut catalog = ValueSetCatalog::new();
        for set in sets {
            catalog.add_value(set)?;
        }
        Ok(catalog)
    }

    /// Whether no value set is loaded.
    pub fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }

    /// [`ValueSetCatalog::add_file`] of parsed JSON.
    fn add_value(&mut self, json: &Value) -> Result<String, ValueSetError> {
        let id = json
            .get("valueSetId")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty() && s.len() <= MAX_CODE_LEN)
            .ok_or(ValueSetError::Shape("valueSetId"))?
            .to_owned();
        let date = match json.get("valueSetDate") {
            None => None,
            Some(d) => Some(
                d.as_str()
                    .and_then(Date::parse)
                    .ok_or(ValueSetError::Shape("valueSetDate"))?,
            ),
        };
        let values = json
            .get("valueSetValues")
            .and_then(Value::as_object)
            .ok_or(ValueSetError::Shape("valueSetValues"))?;
        if values.len() > MAX_CODES {
            return Err(ValueSetError::TooMany);
        }
        let mut codes = Vec::with_capacity(values.len());
        let mut instructions = Vec::new();
        for (code, v) in values {
            check_code(code)?;
            let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
            codes.push((
                code.clone(),
                ValueSetCode {
                    active: v.get("active").and_then(Value::as_bool),
                    display: text("display"),
                },
            ));
            if id == ENCODING_INSTRUCTIONS {
                let (Some(mp), Some(ma)) = (text("vaccine-code"), text("vaccine-manufacturer"))
                else {
                    return Err(ValueSetError::Shape("vaccine-code"));
                };
                let prophylaxis = v
                    .get("sct-codes")
                    .and_then(Value::as_array)
                    .ok_or(ValueSetError::Shape("sct-codes"))?
                    .iter()
                    .map(|c| c.as_str().map(str::to_owned))
                    .collect::<Option<Vec<_>>>()
                    .ok_or(ValueSetError::Shape("sct-codes"))?;
                instructions.push(EncodingInstruction {
                    name: code.clone(),
                    medicinal_product: mp.trim_end_matches(" (deprecated)").to_owned(),
                    manufacturer: ma,
                    prophylaxis,
                });
            }
        }
        if id == ENCODING_INSTRUCTIONS {
            self.instructions = instructions;
        }
        self.insert(ValueSet::new(id.clone(), date, codes))?;
        Ok(id)
    }

    /// Adds (or replaces) every set of a compressed `{id: [codes]}` map (the form of
    /// `external.valueSets`); returns how many sets it held. Such sets carry no `active`
    /// flags and no encoding instructions.
    pub fn add_compressed(&mut self, bytes: &[u8]) -> Result<usize, ValueSetError> {
        let json = parse_json(bytes)?;
        let map = json.as_object().ok_or(ValueSetError::Shape("root"))?;
        let mut sets = Vec::with_capacity(map.len());
        for (id, codes) in map {
            check_code(id)?;
            let codes = codes.as_array().ok_or(ValueSetError::Shape("codes"))?;
            if codes.len() > MAX_CODES {
                return Err(ValueSetError::TooMany);
            }
            let codes = codes
                .iter()
                .map(|c| {
                    let c = c.as_str().ok_or(ValueSetError::Shape("codes"))?;
                    check_code(c)?;
                    Ok((c.to_owned(), ValueSetCode::default()))
                })
                .collect::<Result<Vec<_>, ValueSetError>>()?;
            sets.push(ValueSet::new(id.clone(), None, codes));
        }
        let n = sets.len();
        let new = sets
            .iter()
            .filter(|s| !self.sets.contains_key(&s.id))
            .count();
        if self.sets.len() + new > MAX_SETS {
            return Err(ValueSetError::TooMany);
        }
        for s in sets {
            self.insert(s)?;
        }
        Ok(n)
    }

    fn insert(&mut self, set: ValueSet) -> Result<(), ValueSetError> {
        if !self.sets.contains_key(&set.id) && self.sets.len() >= MAX_SETS {
            return Err(ValueSetError::TooMany);
        }
        let codes = Value::Array(
            set.codes
                .iter()
                .map(|(c, _)| Value::String(c.clone()))
                .collect(),
        );
        if let Value::Object(m) = &mut self.certlogic {
            m.insert(set.id.clone(), codes);
        }
        self.sets.insert(set.id.clone(), set);
        Ok(())
    }

    /// A set by id.
    pub fn get(&self, id: &str) -> Option<&ValueSet> {
        self.sets.get(id)
    }

    /// Ids of the sets held.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.sets.keys().map(String::as_str)
    }

    /// The vaccine encoding instructions, when that file was added.
    pub fn encoding_instructions(&self) -> &[EncodingInstruction] {
        &self.instructions
    }

    /// `{id: [codes]}` as CertLogic rules see it in `external.valueSets`.
    pub fn as_certlogic(&self) -> &Value {
        &self.certlogic
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_and_compressed() {
        let mut vs = ValueSetCatalog::new();
        let id = vs
            .add_file(br#"{"valueSetId":"x","valueSetDate":"2021-04-27","valueSetValues":{"A":{"display":"a","active":true},"B":{"active":false}}}"#)
            .unwrap();
        assert_eq!(id, "x");
        assert_eq!(vs.get("x").unwrap().get("B").unwrap().active, Some(false));
        assert_eq!(vs.as_certlogic()["x"], serde_json::json!(["A", "B"]));
        assert_eq!(vs.add_compressed(br#"{"y":["1","2"],"x":["C"]}"#), Ok(2));
        assert_eq!(vs.as_certlogic()["x"], serde_json::json!(["C"]));
        assert_eq!(vs.ids().collect::<Vec<_>>(), ["x", "y"]);
    }

    #[test]
    fn refusals() {
        let mut vs = ValueSetCatalog::new();
        assert_eq!(vs.add_file(b"{"), Err(ValueSetError::Json));
        assert_eq!(vs.add_file(b"{}"), Err(ValueSetError::Shape("valueSetId")));
        assert_eq!(
            vs.add_file(br#"{"valueSetId":"x","valueSetDate":"2021-13-01","valueSetValues":{}}"#),
            Err(ValueSetError::Shape("valueSetDate"))
        );
        assert_eq!(
            vs.add_file(br#"{"valueSetId":"vaccines-covid-19-encoding-instructions","valueSetValues":{"X":{}}}"#),
            Err(ValueSetError::Shape("vaccine-code"))
        );
        assert_eq!(vs.add_compressed(b"[]"), Err(ValueSetError::Shape("root")));
        assert_eq!(
            vs.add_compressed(br#"{"x":[1]}"#),
            Err(ValueSetError::Shape("codes"))
        );
        assert_eq!(
            vs.add_file(&vec![b' '; MAX_VALUE_SET_BYTES + 1]),
            Err(ValueSetError::TooLarge)
        );
        let long = format!(r#"{{"x":["{}"]}}"#, "a".repeat(300));
        assert_eq!(
            vs.add_compressed(long.as_bytes()),
            Err(ValueSetError::TooMany)
        );
        let many: Map<String, Value> = (0..300)
            .map(|i| (format!("s{i}"), Value::Array(vec![])))
            .collect();
        let bytes = serde_json::to_vec(&Value::Object(many)).unwrap();
        assert_eq!(vs.add_compressed(&bytes), Err(ValueSetError::TooMany));
    }
}
