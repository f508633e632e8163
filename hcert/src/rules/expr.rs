//! CertLogic expressions and their validation: CertLogic spec 1.3.3 §"Operations" and the
//! reference validator `certlogic-js/src/validation/format-validator.ts` (HCERT.md §6.1).
//!
//! [`validate_expr`] reports exactly the issues the reference validator reports, in the same order
//! and for the same sub-expressions (checked against `validation-testSuite`), each as a JSON
//! Pointer into the expression plus a stable [`ExprIssueCode`]. [`Expr::parse`] validates and
//! compiles in the same walk, so an [`Expr`] is always valid and evaluation never meets a
//! malformed operation.
//!
//! Bounds (enforced during the walk, each with its own code): nesting depth
//! ([`ExprOptions::max_depth`], default 64 JSON levels; the deepest real rule in the EU test
//! data has 15), node count ([`ExprOptions::max_nodes`], default 65 536) and number of
//! issues reported (256).

use serde::Serialize;
use serde_json::{Number, Value};

use super::datetime::TimeUnit;

/// Which operations an expression may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CertLogicDialect {
    /// CertLogic 1.3.3 exactly (the default; what the EU gateway and reference engines use).
    #[default]
    CertLogic,
    /// CertLogic plus two JsonLogic forms that JsonLogic-based verifier apps also accept:
    /// `{"var": [path]}` / `{"var": [path, default]}` (the default is used when the path
    /// yields `null`) and `{"!!": [x]}` (truthiness as CertLogic defines it).
    JsonLogicCompat,
}

/// Limits and dialect for [`Expr::parse_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExprOptions {
    /// Operations allowed.
    pub dialect: CertLogicDialect,
    /// Deepest JSON nesting allowed (the expression itself is level 1).
    pub max_depth: usize,
    /// Most JSON values (objects, arrays and scalars) allowed in the expression.
    pub max_nodes: usize,
}

impl Default for ExprOptions {
    fn default() -> Self {
        ExprOptions {
            dialect: CertLogicDialect::CertLogic,
            max_depth: 64,
            max_nodes: 65_536,
        }
    }
}

/// Most issues reported for one expression; the walk stops after that.
const MAX_ISSUES: usize = 256;

/// What is wrong with a (sub-)expression. Each maps to one message family of the reference
/// validator ([`ExprIssueCode::from_reference_message`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "&'static str")]
pub enum ExprIssueCode {
    /// `null` (or another value that is no expression).
    NullLiteral,
    /// A number that is not an integer.
    NonIntegerNumber,
    /// An integer beyond ±2^53 (JavaScript would lose precision; we refuse).
    IntegerOutOfRange,
    /// An object with zero or several keys.
    ObjectKeyCount,
    /// An operation whose operands are not an array.
    OperandsNotArray,
    /// An operation not in CertLogic (or not in the chosen dialect).
    UnknownOperator,
    /// `var` whose operand is not a path string.
    VarNotPath,
    /// `var` path with an empty fragment (`"x."`, `".x"`, `"a..b"`).
    VarPathFormat,
    /// Wrong number of operands.
    OperandCount,
    /// `plusTime` amount not an integer literal.
    PlusTimeAmount,
    /// `plusTime` unit not one of `year`, `month`, `day`, `hour`.
    PlusTimeUnit,
    /// `extractFromUVCI` index not an integer literal.
    UvciIndex,
    /// Nested deeper than [`ExprOptions::max_depth`].
    TooDeep,
    /// More nodes than [`ExprOptions::max_nodes`].
    TooLarge,
    /// More than 256 issues; the rest were not reported.
    TooManyIssues,
}

impl ExprIssueCode {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            ExprIssueCode::NullLiteral => "EXPR_NULL_LITERAL",
            ExprIssueCode::NonIntegerNumber => "EXPR_NON_INTEGER_NUMBER",
            ExprIssueCode::IntegerOutOfRange => "EXPR_INTEGER_OUT_OF_RANGE",
            ExprIssueCode::ObjectKeyCount => "EXPR_OBJECT_KEY_COUNT",
            ExprIssueCode::OperandsNotArray => "EXPR_OPERANDS_NOT_ARRAY",
            ExprIssueCode::UnknownOperator => "EXPR_UNKNOWN_OPERATOR",
            ExprIssueCode::VarNotPath => "EXPR_VAR_NOT_PATH",
            ExprIssueCode::VarPathFormat => "EXPR_VAR_PATH_FORMAT",
            ExprIssueCode::OperandCount => "EXPR_OPERAND_COUNT",
            ExprIssueCode::PlusTimeAmount => "EXPR_PLUSTIME_AMOUNT",
            ExprIssueCode::PlusTimeUnit => "EXPR_PLUSTIME_UNIT",
            ExprIssueCode::UvciIndex => "EXPR_UVCI_INDEX",
            ExprIssueCode::TooDeep => "EXPR_TOO_DEEP",
            ExprIssueCode::TooLarge => "EXPR_TOO_LARGE",
            ExprIssueCode::TooManyIssues => "EXPR_TOO_MANY_ISSUES",
        }
    }

    /// The code for a message of the reference validator (`format-validator.ts`), so that
    /// the shared `validation-testSuite` can be compared code for code.
    pub fn from_reference_message(message: &str) -> Option<ExprIssueCode> {
        const TABLE: [(&str, ExprIssueCode); 11] = [
            ("invalid CertLogic expression", ExprIssueCode::NullLiteral),
            ("is a non-integer number", ExprIssueCode::NonIntegerNumber),
            (
                "expression object must have exactly one key",
                ExprIssueCode::ObjectKeyCount,
            ),
            ("operation not of the form", ExprIssueCode::OperandsNotArray),
            ("unrecognised operator", ExprIssueCode::UnknownOperator),
            ("not of the form { \"var\"", ExprIssueCode::VarNotPath),
            (
                "data access path doesn't have a valid format",
                ExprIssueCode::VarPathFormat,
            ),
            ("\"amount\" argument", ExprIssueCode::PlusTimeAmount),
            ("\"unit\" argument", ExprIssueCode::PlusTimeUnit),
            ("\"index\" argument", ExprIssueCode::UvciIndex),
            ("operand", ExprIssueCode::OperandCount),
        ];
        TABLE
            .iter()
            .find(|(needle, _)| message.contains(needle))
            .map(|(_, code)| *code)
    }
}

impl From<ExprIssueCode> for &'static str {
    fn from(c: ExprIssueCode) -> &'static str {
        c.code()
    }
}

/// One validation issue: where (a JSON Pointer into the expression, `""` for the whole
/// expression) and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExprIssue {
    /// JSON Pointer (RFC 6901) of the offending sub-expression; resolve it with
    /// `serde_json::Value::pointer`.
    pub path: String,
    /// What is wrong.
    pub code: ExprIssueCode,
}

/// One fragment of a `var` path: an object key, and the array index it also denotes when it
/// is all digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Frag {
    pub(crate) key: Box<str>,
    pub(crate) index: Option<usize>,
}

/// Integer comparison operators (`after`/`before`/`not-after`/`not-before` map onto them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CmpOp {
    Lt,
    Gt,
    Le,
    Ge,
}

/// A compiled, valid expression node.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Bool(bool),
    Int(i64),
    Str(Box<str>),
    Array(Vec<Node>),
    Var {
        path: Vec<Frag>,
        default: Option<Box<Node>>,
    },
    If(Box<[Node; 3]>),
    Eq(Box<[Node; 2]>),
    In(Box<[Node; 2]>),
    Plus(Box<[Node; 2]>),
    And(Vec<Node>),
    Cmp(CmpOp, Vec<Node>),
    DateCmp(CmpOp, Vec<Node>),
    Not(Box<Node>),
    Truthy(Box<Node>),
    PlusTime(Box<Node>, i64, TimeUnit),
    Reduce(Box<[Node; 3]>),
    ExtractFromUvci(Box<Node>, i64),
    DccDateOfBirth(Box<Node>),
}

/// A parsed, valid CertLogic expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub(crate) root: Node,
    nodes: usize,
}

impl Expr {
    /// Validates and compiles `json` as CertLogic 1.3.3 with the default bounds.
    pub fn parse(json: &Value) -> Result<Expr, Vec<ExprIssue>> {
        Expr::parse_with(json, &ExprOptions::default())
    }

    /// Validates and compiles `json` with the given dialect and bounds.
    pub fn parse_with(json: &Value, opts: &ExprOptions) -> Result<Expr, Vec<ExprIssue>> {
        let mut w = Walk {
            opts,
            issues: Vec::new(),
            nodes: 0,
            stopped: false,
            path: String::new(),
        };
        let root = w.expr(json, 1);
        match root {
            Some(root) if w.issues.is_empty() => Ok(Expr {
                root,
                nodes: w.nodes,
            }),
            _ => {
                if w.issues.is_empty() {
                    // Unreachable by construction (every `None` pushes an issue); kept so a
                    // future mistake cannot yield an invalid `Expr`.
                    w.issues.push(ExprIssue {
                        path: String::new(),
                        code: ExprIssueCode::NullLiteral,
                    });
                }
                Err(w.issues)
            }
        }
    }

    /// Number of JSON values in the source expression.
    pub fn node_count(&self) -> usize {
        self.nodes
    }
}

/// The issues of `json` as a CertLogic 1.3.3 expression (empty when valid), with the default
/// bounds.
pub fn validate_expr(json: &Value) -> Vec<ExprIssue> {
    validate_expr_with(json, &ExprOptions::default())
}

/// The issues of `json` with the given dialect and bounds.
pub fn validate_expr_with(json: &Value, opts: &ExprOptions) -> Vec<ExprIssue> {
    Expr::parse_with(json, opts).err().unwrap_or_default()
}

const INFIX: [&str; 12] = [
    "===",
    "and",
    ">",
    "<",
    ">=",
    "<=",
    "in",
    "+",
    "after",
    "before",
    "not-after",
    "not-before",
];

/// The integer value of a JSON number as JavaScript's `Number.isInteger` sees it, within
/// ±2^53; `Err(true)` for integral but out of range, `Err(false)` for a fraction.
pub(crate) fn json_int(n: &Number) -> Result<i64, bool> {
    const LIMIT: i64 = 1 << 53;
    if let Some(i) = n.as_i64() {
        return if (-LIMIT..=LIMIT).contains(&i) {
            Ok(i)
        } else {
            Err(true)
        };
    }
    match n.as_f64() {
        Some(f) if f.fract() == 0.0 && f.abs() <= LIMIT as f64 => Ok(f as i64),
        Some(f) if f.fract() == 0.0 => Err(true),
        _ => Err(false),
    }
}

/// A `var` path: `""` is the whole context; otherwise no fragment may be empty.
fn parse_path(path: &str) -> Option<Vec<Frag>> {
    if path.is_empty() {
        return Some(Vec::new());
    }
    path.split('.')
        .map(|f| {
            (!f.is_empty()).then(|| Frag {
                key: f.into(),
                index: if f.bytes().all(|b| b.is_ascii_digit()) {
                    f.parse().ok()
                } else {
                    None
                },
            })
        })
        .collect()
}

struct Walk<'o> {
    opts: &'o ExprOptions,
    issues: Vec<ExprIssue>,
    nodes: usize,
    stopped: bool,
    path: String,
}

impl Walk<'_> {
    fn issue(&mut self, code: ExprIssueCode) {
        if self.issues.len() >= MAX_ISSUES {
            if !self.stopped {
                self.issues.push(ExprIssue {
                    path: self.path.clone(),
                    code: ExprIssueCode::TooManyIssues,
                });
            }
            self.stopped = true;
            return;
        }
        self.issues.push(ExprIssue {
            path: self.path.clone(),
            code,
        });
    }

    /// Walks `v` at path `self.path + "/" + seg`.
    fn child(&mut self, seg: &str, v: &Value, depth: usize) -> Option<Node> {
        let len = self.path.len();
        self.path.push('/');
        for c in seg.chars() {
            match c {
                '~' => self.path.push_str("~0"),
                '/' => self.path.push_str("~1"),
                c => self.path.push(c),
            }
        }
        let r = self.expr(v, depth);
        self.path.truncate(len);
        r
    }

    fn index(&mut self, i: usize, v: &Value, depth: usize) -> Option<Node> {
        self.child(&i.to_string(), v, depth)
    }

    /// Validates the operands `values[..n]` (children of the operator key `op`).
    fn operands(
        &mut self,
        op: &str,
        values: &[Value],
        n: usize,
        depth: usize,
    ) -> Vec<Option<Node>> {
        let len = self.path.len();
        self.path.push('/');
        self.path.push_str(op);
        let out = values
            .iter()
            .take(n)
            .enumerate()
            .map(|(i, v)| self.index(i, v, depth + 1))
            .collect();
        self.path.truncate(len);
        out
    }

    fn expr(&mut self, v: &Value, depth: usize) -> Option<Node> {
        if self.stopped {
            return None;
        }
        self.nodes += 1;
        if self.nodes > self.opts.max_nodes {
            self.issue(ExprIssueCode::TooLarge);
            self.stopped = true;
            return None;
        }
        if depth > self.opts.max_depth {
            self.issue(ExprIssueCode::TooDeep);
            return None;
        }
        match v {
            Value::Bool(b) => Some(Node::Bool(*b)),
            Value::String(s) => Some(Node::Str(s.as_str().into())),
            Value::Number(n) => match json_int(n) {
                Ok(i) => Some(Node::Int(i)),
                Err(true) => {
                    self.issue(ExprIssueCode::IntegerOutOfRange);
                    None
                }
                Err(false) => {
                    self.issue(ExprIssueCode::NonIntegerNumber);
                    None
                }
            },
            Value::Null => {
                self.issue(ExprIssueCode::NullLiteral);
                None
            }
            Value::Array(items) => {
                let nodes: Vec<Option<Node>> = items
                    .iter()
                    .enumerate()
                    .map(|(i, x)| self.index(i, x, depth + 1))
                    .collect();
                nodes
                    .into_iter()
                    .collect::<Option<Vec<_>>>()
                    .map(Node::Array)
            }
            Value::Object(map) => {
                let mut entries = map.iter();
                let (op, values) = match (entries.next(), entries.next()) {
                    (Some(entry), None) => entry,
                    _ => {
                        self.issue(ExprIssueCode::ObjectKeyCount);
                        return None;
                    }
                };
                self.operation(op, values, depth)
            }
        }
    }

    fn var(&mut self, values: &Value, depth: usize) -> Option<Node> {
        let compat = self.opts.dialect == CertLogicDialect::JsonLogicCompat;
        let (path, default) = match values {
            Value::String(p) => (p.clone(), None),
            Value::Array(a) if compat && (1..=2).contains(&a.len()) => {
                let p = match a.first() {
                    Some(Value::String(p)) => p.clone(),
                    Some(Value::Number(n)) if n.as_u64().is_some() => n.to_string(),
                    _ => {
                        self.issue(ExprIssueCode::VarNotPath);
                        return None;
                    }
                };
                let default = match a.get(1) {
                    Some(d) => {
                        let len = self.path.len();
                        self.path.push_str("/var");
                        let node = self.index(1, d, depth + 2);
                        self.path.truncate(len);
                        Some(Box::new(node?))
                    }
                    None => None,
                };
                (p, default)
            }
            Value::Number(n) if compat && n.as_u64().is_some() => (n.to_string(), None),
            _ => {
                self.issue(ExprIssueCode::VarNotPath);
                return None;
            }
        };
        match parse_path(&path) {
            Some(path) => Some(Node::Var { path, default }),
            None => {
                self.issue(ExprIssueCode::VarPathFormat);
                None
            }
        }
    }

    fn count(&mut self, ok: bool) {
        if !ok {
            self.issue(ExprIssueCode::OperandCount);
        }
    }

    fn operation(&mut self, op: &str, values: &Value, depth: usize) -> Option<Node> {
        if op == "var" {
            return self.var(values, depth);
        }
        let Value::Array(values) = values else {
            self.issue(ExprIssueCode::OperandsNotArray);
            return None;
        };
        let n = values.len();
        match op {
            "if" | "reduce" => {
                self.count(n == 3);
                let ops = self.operands(op, values, 3, depth);
                let [a, b, c] = three(ops)?;
                let nodes = Box::new([a, b, c]);
                Some(if op == "if" {
                    Node::If(nodes)
                } else {
                    Node::Reduce(nodes)
                })
            }
            _ if INFIX.contains(&op) => {
                let max = match op {
                    "and" => {
                        self.count(n >= 2);
                        n
                    }
                    "<" | ">" | "<=" | ">=" | "after" | "before" | "not-after" | "not-before" => {
                        self.count((2..=3).contains(&n));
                        3
                    }
                    _ => {
                        self.count(n == 2);
                        2
                    }
                };
                let ops = self.operands(op, values, max, depth);
                let ops: Vec<Node> = ops.into_iter().collect::<Option<_>>()?;
                let pair = |ops: Vec<Node>| -> Option<Box<[Node; 2]>> {
                    let [a, b]: [Node; 2] = ops.try_into().ok()?;
                    Some(Box::new([a, b]))
                };
                Some(match op {
                    "===" => Node::Eq(pair(ops)?),
                    "in" => Node::In(pair(ops)?),
                    "+" => Node::Plus(pair(ops)?),
                    "and" => Node::And(ops),
                    "<" => Node::Cmp(CmpOp::Lt, ops),
                    ">" => Node::Cmp(CmpOp::Gt, ops),
                    "<=" => Node::Cmp(CmpOp::Le, ops),
                    ">=" => Node::Cmp(CmpOp::Ge, ops),
                    "before" => Node::DateCmp(CmpOp::Lt, ops),
                    "after" => Node::DateCmp(CmpOp::Gt, ops),
                    "not-after" => Node::DateCmp(CmpOp::Le, ops),
                    _ => Node::DateCmp(CmpOp::Ge, ops),
                })
            }
            "!" | "!!" if op == "!" || self.opts.dialect == CertLogicDialect::JsonLogicCompat => {
                if n != 1 {
                    self.issue(ExprIssueCode::OperandCount);
                    return None;
                }
                let [x] = one(self.operands(op, values, 1, depth))?;
                Some(if op == "!" {
                    Node::Not(Box::new(x))
                } else {
                    Node::Truthy(Box::new(x))
                })
            }
            "plusTime" => {
                self.count(n == 3);
                let date = one(self.operands(op, values, 1, depth));
                let amount = match values.get(1) {
                    None => None,
                    Some(Value::Number(a)) if json_int(a).is_ok() => json_int(a).ok(),
                    Some(_) => {
                        self.issue(ExprIssueCode::PlusTimeAmount);
                        None
                    }
                };
                let unit = match values.get(2) {
                    None => None,
                    Some(u) => {
                        let unit = u.as_str().and_then(TimeUnit::parse);
                        if unit.is_none() {
                            self.issue(ExprIssueCode::PlusTimeUnit);
                        }
                        unit
                    }
                };
                let [date] = date?;
                Some(Node::PlusTime(Box::new(date), amount?, unit?))
            }
            "extractFromUVCI" => {
                self.count(n == 2);
                let uvci = one(self.operands(op, values, 1, depth));
                let index = match values.get(1) {
                    None => None,
                    Some(Value::Number(i)) if json_int(i).is_ok() => json_int(i).ok(),
                    Some(_) => {
                        self.issue(ExprIssueCode::UvciIndex);
                        None
                    }
                };
                let [uvci] = uvci?;
                Some(Node::ExtractFromUvci(Box::new(uvci), index?))
            }
            "dccDateOfBirth" => {
                self.count(n == 1);
                let [x] = one(self.operands(op, values, 1, depth))?;
                Some(Node::DccDateOfBirth(Box::new(x)))
            }
            _ => {
                self.issue(ExprIssueCode::UnknownOperator);
                None
            }
        }
    }
}

fn three(ops: Vec<Option<Node>>) -> Option<[Node; 3]> {
    let v: Vec<Node> = ops.into_iter().collect::<Option<_>>()?;
    v.try_into().ok()
}

fn one(ops: Vec<Option<Node>>) -> Option<[Node; 1]> {
    let v: Vec<Node> = ops.into_iter().collect::<Option<_>>()?;
    v.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn codes(v: Value) -> Vec<(String, &'static str)> {
        validate_expr(&v)
            .into_iter()
            .map(|i| (i.path, i.code.code()))
            .collect()
    }

    #[test]
    fn valid_expressions_compile() {
        for v in [
            json!(true),
            json!(42),
            json!(2.0),
            json!("x"),
            json!([1, {"var": "a"}]),
            json!({"var": ""}),
            json!({"var": "a.0.b"}),
            json!({"if": [true, 1, 2]}),
            json!({"and": [true, false, 1]}),
            json!({"<": [1, 2, 3]}),
            json!({"plusTime": [{"var": "d"}, -3, "month"]}),
            json!({"extractFromUVCI": [{"var": "ci"}, 1]}),
            json!({"dccDateOfBirth": [{"var": "dob"}]}),
            json!({"reduce": [{"var": "v"}, {"+": [1, {"var": "accumulator"}]}, 0]}),
        ] {
            assert!(Expr::parse(&v).is_ok(), "{v}");
        }
    }

    #[test]
    fn issues_match_the_reference_validator() {
        assert_eq!(codes(json!(null)), [("".into(), "EXPR_NULL_LITERAL")]);
        assert_eq!(
            codes(json!({"if": [null, 1]})),
            [
                ("".into(), "EXPR_OPERAND_COUNT"),
                ("/if/0".into(), "EXPR_NULL_LITERAL")
            ]
        );
        assert_eq!(
            codes(json!({"plusTime": [null, 1.5, "week"]})),
            [
                ("/plusTime/0".into(), "EXPR_NULL_LITERAL"),
                ("".into(), "EXPR_PLUSTIME_AMOUNT"),
                ("".into(), "EXPR_PLUSTIME_UNIT")
            ]
        );
        // `!` with the wrong count does not look at its operands.
        assert_eq!(
            codes(json!({"!": [null, null]})),
            [("".into(), "EXPR_OPERAND_COUNT")]
        );
        // Comparisons look at no more than 3 operands, `===` at no more than 2.
        assert_eq!(
            codes(json!({"<": [1, 2, 3, null]})),
            [("".into(), "EXPR_OPERAND_COUNT")]
        );
        assert_eq!(
            codes(json!({"and": [{"var": "a/b~"}, {"var": "x.."}]})),
            [("/and/1".into(), "EXPR_VAR_PATH_FORMAT")]
        );
        assert_eq!(
            codes(json!({"a/b": []})),
            [("".into(), "EXPR_UNKNOWN_OPERATOR")]
        );
        assert_eq!(
            codes(json!([{"x~": [{"var": 1}]}])),
            [("/0".into(), "EXPR_UNKNOWN_OPERATOR")]
        );
        assert_eq!(
            codes(json!({"!!": [true]})),
            [("".into(), "EXPR_UNKNOWN_OPERATOR")]
        );
        assert_eq!(
            codes(json!({"var": ["x", 1]})),
            [("".into(), "EXPR_VAR_NOT_PATH")]
        );
        assert_eq!(
            codes(json!(9_007_199_254_740_993u64)),
            [("".into(), "EXPR_INTEGER_OUT_OF_RANGE")]
        );
    }

    #[test]
    fn pointer_paths_resolve() {
        let e = json!({"and": [true, {"in/x": [1]}, {"if": [1, 2, {"x~y": 3}]}]});
        let issues = validate_expr(&e);
        assert_eq!(issues.len(), 2);
        assert_eq!(e.pointer(&issues[0].path), Some(&json!({"in/x": [1]})));
        assert_eq!(e.pointer(&issues[1].path), Some(&json!({"x~y": 3})));
    }

    #[test]
    fn compat_dialect() {
        let opts = ExprOptions {
            dialect: CertLogicDialect::JsonLogicCompat,
            ..ExprOptions::default()
        };
        for v in [
            json!({"!!": [1]}),
            json!({"var": ["a.b"]}),
            json!({"var": ["a.b", {"var": "c"}]}),
            json!({"var": 1}),
        ] {
            assert!(Expr::parse_with(&v, &opts).is_ok(), "{v}");
        }
        let issues = validate_expr_with(&json!({"var": ["a", null]}), &opts);
        assert_eq!(issues[0].path, "/var/1");
    }

    #[test]
    fn bounds() {
        let mut v = json!(true);
        for _ in 0..70 {
            v = json!({"!": [v]});
        }
        assert!(validate_expr(&v)
            .iter()
            .any(|i| i.code == ExprIssueCode::TooDeep));
        let opts = ExprOptions {
            max_nodes: 10,
            ..ExprOptions::default()
        };
        let big = Value::Array(vec![json!(1); 20]);
        let issues = validate_expr_with(&big, &opts);
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].code, ExprIssueCode::TooLarge);
        let many = Value::Array(vec![Value::Null; 1000]);
        let issues = validate_expr(&many);
        assert_eq!(issues.len(), MAX_ISSUES + 1);
        assert_eq!(issues[MAX_ISSUES].code, ExprIssueCode::TooManyIssues);
    }
}
