//! Run-time values of CertLogic: CertLogic spec 1.3.3 §"Values" (truthy/falsy, literals,
//! date-times) and §"Data access (`var`)".
//!
//! Values borrow from the data context and from the expression instead of copying: a `var`
//! that yields the 250 country codes is a pointer, not 250 strings. Only arrays written as
//! literals in the expression, the synthetic objects of the rule data context and of
//! `reduce`, and date-times are made at run time; they are reference-counted, so handing the
//! accumulator of a `reduce` around costs nothing, and each records its node count and depth
//! so the bounds of [`EvalLimits`](super::limits::EvalLimits) hold.
//!
//! Semantic choices where the spec is silent or the reference engines disagree:
//! * numbers are integers when JavaScript's `Number.isInteger` says so (`2.0` is `2`);
//!   other numbers are neither truthy nor falsy (the spec's definition; JavaScript would
//!   call `1.5` truthy);
//! * `===` and `in` compare strings, integers, booleans and `null` by value, date-times by
//!   instant, arrays and objects structurally (as certlogic-kotlin; certlogic-js compares
//!   non-primitives by reference, which no rule can rely on);
//! * `var` on a string, number or date-time yields `null` (certlogic-kotlin;
//!   certlogic-js would index into strings and expose `length`).

use std::rc::Rc;

use serde_json::{Map, Value};

use super::datetime;
use super::expr::{json_int, Frag};
use super::limits::{Budget, EvalError};

/// Size of a value made at run time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Meta {
    pub(crate) nodes: usize,
    pub(crate) depth: usize,
}

/// A CertLogic value.
#[derive(Debug, Clone)]
pub(crate) enum Val<'a> {
    Null,
    Bool(bool),
    Int(i64),
    /// A non-integer number from the data.
    Float(f64),
    Str(&'a str),
    /// An array or object of the data context.
    Json(&'a Value),
    /// An array made during evaluation.
    Arr(Rc<[Val<'a>]>, Meta),
    /// An object made during evaluation (the rule data context, the `reduce` scope).
    Obj(Rc<[(&'a str, Val<'a>)]>, Meta),
    /// Milliseconds since the epoch.
    DateTime(i64),
}

impl<'a> Val<'a> {
    /// A data value; scalars become their own variants.
    pub(crate) fn from_json(v: &'a Value) -> Val<'a> {
        match v {
            Value::Null => Val::Null,
            Value::Bool(b) => Val::Bool(*b),
            Value::Number(n) => match json_int(n) {
                Ok(i) => Val::Int(i),
                Err(_) => Val::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            Value::String(s) => Val::Str(s),
            Value::Array(_) | Value::Object(_) => Val::Json(v),
        }
    }

    fn meta(&self) -> Meta {
        match self {
            Val::Arr(_, m) | Val::Obj(_, m) => *m,
            _ => Meta { nodes: 1, depth: 1 },
        }
    }

    fn meta_of<'b>(
        items: impl Iterator<Item = &'b Val<'a>>,
        budget: &Budget,
    ) -> Result<Meta, EvalError>
    where
        'a: 'b,
    {
        let mut m = Meta { nodes: 1, depth: 1 };
        for v in items {
            let c = v.meta();
            m.nodes = m.nodes.saturating_add(c.nodes);
            m.depth = m.depth.max(c.depth + 1);
        }
        if m.nodes > budget.limits.max_value_nodes {
            return Err(EvalError::ValueTooLarge);
        }
        if m.depth > budget.limits.max_value_depth {
            return Err(EvalError::ValueTooDeep);
        }
        Ok(m)
    }

    /// An array made at run time, within the value bounds.
    pub(crate) fn array(items: Vec<Val<'a>>, budget: &Budget) -> Result<Val<'a>, EvalError> {
        let m = Val::meta_of(items.iter(), budget)?;
        Ok(Val::Arr(items.into(), m))
    }

    /// An object made at run time, within the value bounds.
    pub(crate) fn object(
        entries: Vec<(&'a str, Val<'a>)>,
        budget: &Budget,
    ) -> Result<Val<'a>, EvalError> {
        let m = Val::meta_of(entries.iter().map(|(_, v)| v), budget)?;
        Ok(Val::Obj(entries.into(), m))
    }

    /// `Some(true)` truthy, `Some(false)` falsy, `None` neither.
    pub(crate) fn truthiness(&self) -> Option<bool> {
        match self {
            Val::Null => Some(false),
            Val::Bool(b) => Some(*b),
            Val::Int(i) => Some(*i != 0),
            Val::Str(s) => Some(!s.is_empty()),
            Val::Json(Value::Array(a)) => Some(!a.is_empty()),
            Val::Json(Value::Object(o)) => Some(!o.is_empty()),
            Val::Arr(a, _) => Some(!a.is_empty()),
            Val::Obj(o, _) => Some(!o.is_empty()),
            Val::Float(_) | Val::DateTime(_) | Val::Json(_) => None,
        }
    }

    /// One `var` path step.
    pub(crate) fn get(&self, frag: &Frag) -> Val<'a> {
        match self {
            Val::Json(Value::Object(o)) => o.get(&*frag.key).map_or(Val::Null, Val::from_json),
            Val::Json(Value::Array(a)) => frag
                .index
                .and_then(|i| a.get(i))
                .map_or(Val::Null, Val::from_json),
            Val::Arr(a, _) => frag
                .index
                .and_then(|i| a.get(i))
                .cloned()
                .unwrap_or(Val::Null),
            Val::Obj(o, _) => o
                .iter()
                .find(|(k, _)| *k == &*frag.key)
                .map_or(Val::Null, |(_, v)| v.clone()),
            _ => Val::Null,
        }
    }

    /// The elements when this is an array.
    pub(crate) fn elements(&self) -> Option<Elements<'a, '_>> {
        match self {
            Val::Json(Value::Array(a)) => Some(Elements::Json(a.iter())),
            Val::Arr(a, _) => Some(Elements::Made(a.iter())),
            _ => None,
        }
    }

    /// The value as JSON; date-times become `toISOString` strings.
    pub(crate) fn to_json(&self) -> Value {
        match self {
            Val::Null => Value::Null,
            Val::Bool(b) => Value::Bool(*b),
            Val::Int(i) => Value::from(*i),
            Val::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Val::Str(s) => Value::String((*s).to_owned()),
            Val::Json(v) => (*v).clone(),
            Val::Arr(a, _) => Value::Array(a.iter().map(Val::to_json).collect()),
            Val::Obj(o, _) => Value::Object(
                o.iter()
                    .map(|(k, v)| ((*k).to_owned(), v.to_json()))
                    .collect::<Map<String, Value>>(),
            ),
            Val::DateTime(ms) => Value::String(datetime::to_iso_string(*ms)),
        }
    }
}

/// Iterator over the elements of an array value.
pub(crate) enum Elements<'a, 'b> {
    Json(core::slice::Iter<'a, Value>),
    Made(core::slice::Iter<'b, Val<'a>>),
}

impl<'a> Iterator for Elements<'a, '_> {
    type Item = Val<'a>;

    fn next(&mut self) -> Option<Val<'a>> {
        match self {
            Elements::Json(it) => it.next().map(Val::from_json),
            Elements::Made(it) => it.next().cloned(),
        }
    }
}

/// An object's entries, whichever kind of object it is.
fn entries<'a>(v: &Val<'a>) -> Option<Vec<(&'a str, Val<'a>)>> {
    match v {
        Val::Json(Value::Object(o)) => Some(
            o.iter()
                .map(|(k, v)| (k.as_str(), Val::from_json(v)))
                .collect(),
        ),
        Val::Obj(o, _) => Some(o.to_vec()),
        _ => None,
    }
}

/// `===` (and the membership test of `in`): see the module doc for the semantics.
pub(crate) fn strict_equal(
    a: &Val<'_>,
    b: &Val<'_>,
    budget: &mut Budget,
    depth: usize,
) -> Result<bool, EvalError> {
    budget.step()?;
    if depth > budget.limits.max_value_depth {
        return Err(EvalError::ValueTooDeep);
    }
    Ok(match (a, b) {
        (Val::Null, Val::Null) => true,
        (Val::Bool(x), Val::Bool(y)) => x == y,
        (Val::Int(x), Val::Int(y)) => x == y,
        (Val::Float(x), Val::Float(y)) => x == y,
        (Val::Int(x), Val::Float(y)) | (Val::Float(y), Val::Int(x)) => (*x as f64) == *y,
        (Val::Str(x), Val::Str(y)) => x == y,
        (Val::DateTime(x), Val::DateTime(y)) => x == y,
        _ => {
            if let (Some(xs), Some(ys)) = (a.elements(), b.elements()) {
                let (xs, ys): (Vec<Val<'_>>, Vec<Val<'_>>) = (xs.collect(), ys.collect());
                if xs.len() != ys.len() {
                    return Ok(false);
                }
                for (x, y) in xs.iter().zip(&ys) {
                    if !strict_equal(x, y, budget, depth + 1)? {
                        return Ok(false);
                    }
                }
                return Ok(true);
            }
            if let (Val::Json(Value::Object(x)), Val::Json(Value::Object(y))) = (a, b) {
                if x.len() != y.len() {
                    return Ok(false);
                }
                for (k, xv) in x {
                    let Some(yv) = y.get(k) else {
                        return Ok(false);
                    };
                    if !strict_equal(&Val::from_json(xv), &Val::from_json(yv), budget, depth + 1)? {
                        return Ok(false);
                    }
                }
                return Ok(true);
            }
            // At least one side is a made object (a handful of keys), so the scan is short.
            if let (Some(xs), Some(ys)) = (entries(a), entries(b)) {
                if xs.len() != ys.len() {
                    return Ok(false);
                }
                for (k, x) in &xs {
                    let Some((_, y)) = ys.iter().find(|(k2, _)| k2 == k) else {
                        return Ok(false);
                    };
                    if !strict_equal(x, y, budget, depth + 1)? {
                        return Ok(false);
                    }
                }
                return Ok(true);
            }
            false
        }
    })
}
