//! Values met while evaluating, and how they compare with the pattern's literals.
//!
//! The rules are the reference matcher's: numbers compare across integer and decimal (exactly);
//! strings compare with strings by code point; binary values (`b'…'`, `h'…'`, and properties
//! named `…_hex` or `…_bin`) compare with binary values, and with strings whose characters are
//! all below U+0100 (read as bytes); booleans only equal booleans; a timestamp literal reads the
//! compared string as a timestamp (an unreadable one is an error). Other pairs are unequal and
//! unordered. Set membership (`IN`) follows Python's set semantics, where `true` equals `1`.

use std::cmp::Ordering;

use serde_json::Value;

use crate::error::EvalError;
use crate::timestamp::{self, Micros};

/// A value selected by an object path.
#[derive(Debug, Clone)]
pub(crate) enum Selected<'a> {
    Json(&'a Value),
    /// The decoded value of a `…_hex` or `…_bin` property.
    Bytes(Vec<u8>),
    /// The objects a `…_refs` list resolved to.
    Objects(Vec<&'a Value>),
}

/// A literal prepared for comparison.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Operand {
    Int(i128),
    Float(f64),
    Str(String),
    Bytes(Vec<u8>),
    Bool(bool),
    Time(Micros),
}

/// A number of the JSON data or the pattern, compared exactly across kinds.
#[derive(Debug, Clone, Copy)]
enum Number {
    Int(i128),
    Float(f64),
}

fn json_number(n: &serde_json::Number) -> Number {
    if let Some(i) = n.as_i64() {
        Number::Int(i128::from(i))
    } else if let Some(u) = n.as_u64() {
        Number::Int(i128::from(u))
    } else {
        Number::Float(n.as_f64().unwrap_or(f64::NAN))
    }
}

fn int_float_cmp(i: i128, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    // Every i128 we meet fits in ±2^127; compare through the float's integer part.
    if f >= 1.7e38 {
        return Some(Ordering::Less);
    }
    if f <= -1.7e38 {
        return Some(Ordering::Greater);
    }
    let t = f.trunc();
    let ti = t as i128;
    Some(i.cmp(&ti).then_with(|| {
        let frac = f - t;
        if frac > 0.0 {
            Ordering::Less
        } else if frac < 0.0 {
            Ordering::Greater
        } else {
            Ordering::Equal
        }
    }))
}

fn number_cmp(a: Number, b: Number) -> Option<Ordering> {
    match (a, b) {
        (Number::Int(x), Number::Int(y)) => Some(x.cmp(&y)),
        (Number::Float(x), Number::Float(y)) => x.partial_cmp(&y),
        (Number::Int(x), Number::Float(y)) => int_float_cmp(x, y),
        (Number::Float(x), Number::Int(y)) => int_float_cmp(y, x).map(Ordering::reverse),
    }
}

fn operand_number(o: &Operand) -> Option<Number> {
    match o {
        Operand::Int(i) => Some(Number::Int(*i)),
        Operand::Float(f) => Some(Number::Float(*f)),
        _ => None,
    }
}

/// A string as bytes when every character is below U+0100 (Latin-1), as the reference reads
/// strings compared with binary values.
fn latin1(s: &str) -> Option<Vec<u8>> {
    s.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect()
}

fn timestamp_of(s: &str) -> Result<Micros, EvalError> {
    timestamp::parse(s).ok_or_else(|| EvalError::InvalidValue(format!("invalid timestamp in JSON: {s}")))
}

/// Equality of a selected value with a literal: `None` when the kinds are not comparable.
pub(crate) fn equals(value: &Selected<'_>, literal: &Operand) -> Result<Option<bool>, EvalError> {
    Ok(match (value, literal) {
        (Selected::Json(Value::Number(n)), lit) => {
            operand_number(lit).map(|m| number_cmp(json_number(n), m) == Some(Ordering::Equal))
        }
        (Selected::Json(Value::String(s)), Operand::Str(t)) => Some(s == t),
        (Selected::Json(Value::String(s)), Operand::Bytes(b)) => {
            Some(latin1(s).as_deref() == Some(b.as_slice()))
        }
        (Selected::Json(Value::String(s)), Operand::Time(t)) => Some(timestamp_of(s)? == *t),
        (Selected::Json(Value::Bool(a)), Operand::Bool(b)) => Some(a == b),
        (Selected::Bytes(a), Operand::Bytes(b)) => Some(a == b),
        (Selected::Bytes(a), Operand::Str(s)) => Some(latin1(s).as_deref() == Some(a.as_slice())),
        _ => None,
    })
}

/// How a selected value orders against a literal.
pub(crate) enum Order {
    /// The kinds have no order: the test is false (even under `NOT`).
    Unordered,
    /// A string with characters from U+0100 compared with a binary value: the test is false,
    /// and `NOT` makes it true.
    Refused,
    Ordered(Ordering),
}

pub(crate) fn order(value: &Selected<'_>, literal: &Operand) -> Result<Order, EvalError> {
    let ordered = |o: Option<Ordering>| o.map_or(Order::Unordered, Order::Ordered);
    Ok(match (value, literal) {
        (Selected::Json(Value::Number(n)), lit) => match operand_number(lit) {
            Some(m) => ordered(number_cmp(json_number(n), m)),
            None => Order::Unordered,
        },
        (Selected::Json(Value::String(s)), Operand::Str(t)) => Order::Ordered(s.as_str().cmp(t.as_str())),
        (Selected::Json(Value::String(s)), Operand::Bytes(b)) => match latin1(s) {
            Some(a) => Order::Ordered(a.as_slice().cmp(b.as_slice())),
            None => Order::Refused,
        },
        (Selected::Json(Value::String(s)), Operand::Time(t)) => Order::Ordered(timestamp_of(s)?.cmp(t)),
        (Selected::Bytes(a), Operand::Bytes(b)) => Order::Ordered(a.as_slice().cmp(b.as_slice())),
        (Selected::Bytes(a), Operand::Str(s)) => match latin1(s) {
            Some(b) => Order::Ordered(a.as_slice().cmp(b.as_slice())),
            None => Order::Refused,
        },
        _ => Order::Unordered,
    })
}

/// The literal set of an `IN` test.
#[derive(Debug, Clone)]
pub(crate) struct LiteralSet {
    members: Vec<Operand>,
    timestamps: bool,
}

impl LiteralSet {
    /// A set of literals of one kind (integers and decimals mix); `None` when they do not.
    pub(crate) fn new(members: Vec<Operand>) -> Option<LiteralSet> {
        let kind = |o: &Operand| std::mem::discriminant(o);
        let numeric = |o: &Operand| matches!(o, Operand::Int(_) | Operand::Float(_));
        let homogeneous =
            members.windows(2).all(|w| kind(&w[0]) == kind(&w[1])) || members.iter().all(numeric);
        let timestamps = matches!(members.first(), Some(Operand::Time(_)));
        homogeneous.then_some(LiteralSet { members, timestamps })
    }

    /// Whether the value is in the set (Python's `in`: numbers and booleans compare as numbers).
    pub(crate) fn contains(&self, value: &Selected<'_>) -> Result<bool, EvalError> {
        let as_number = |o: &Operand| match o {
            Operand::Bool(b) => Some(Number::Int(i128::from(*b))),
            other => operand_number(other),
        };
        Ok(match value {
            Selected::Json(Value::String(s)) if self.timestamps => {
                let t = timestamp_of(s)?;
                self.members.contains(&Operand::Time(t))
            }
            Selected::Json(Value::String(s)) => {
                self.members.iter().any(|m| matches!(m, Operand::Str(t) if t == s))
            }
            Selected::Json(Value::Number(n)) => {
                let n = json_number(n);
                self.members.iter().filter_map(as_number).any(|m| number_cmp(n, m) == Some(Ordering::Equal))
            }
            Selected::Json(Value::Bool(b)) => {
                let n = Number::Int(i128::from(*b));
                self.members.iter().filter_map(as_number).any(|m| number_cmp(n, m) == Some(Ordering::Equal))
            }
            Selected::Bytes(a) => self.members.iter().any(|m| matches!(m, Operand::Bytes(b) if b == a)),
            _ => false,
        })
    }
}

/// Decodes a `…_hex` property as Python's `binascii.a2b_hex` does.
pub(crate) fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.is_ascii() {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok()).collect()
}

/// Decodes a `…_bin` property as Python's `base64.standard_b64decode` does: characters
/// outside the alphabet are skipped, and a complete padding ends the data.
pub(crate) fn decode_base64_lenient(s: &str) -> Option<Vec<u8>> {
    if !s.is_ascii() {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut quad, mut pads, mut left) = (0u8, 0u8, 0u32);
    for c in s.bytes() {
        if c == b'=' {
            // CPython counts pad characters only once two data characters of a quad are in.
            if quad >= 2 {
                pads += 1;
            }
            if quad >= 2 && quad + pads >= 4 {
                return Some(out);
            }
            continue;
        }
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => continue,
        };
        let v = u32::from(v);
        pads = 0;
        match quad {
            0 => {
                left = v;
                quad = 1;
            }
            1 => {
                out.push(((left << 2) | (v >> 4)) as u8);
                left = v & 0x0f;
                quad = 2;
            }
            2 => {
                out.push(((left << 4) | (v >> 2)) as u8);
                left = v & 0x03;
                quad = 3;
            }
            _ => {
                out.push(((left << 6) | v) as u8);
                left = 0;
                quad = 0;
            }
        }
    }
    (quad == 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_exactly() {
        assert_eq!(int_float_cmp(9_007_199_254_740_993, 9_007_199_254_740_992.0), Some(Ordering::Greater));
        assert_eq!(int_float_cmp(1, 1.0), Some(Ordering::Equal));
        assert_eq!(int_float_cmp(1, 1.5), Some(Ordering::Less));
        assert_eq!(int_float_cmp(-1, -1.5), Some(Ordering::Greater));
    }

    #[test]
    fn lenient_base64() {
        assert_eq!(decode_base64_lenient("YWJj"), Some(b"abc".to_vec()));
        assert_eq!(decode_base64_lenient("YW=Jj"), Some(b"abc".to_vec()));
        assert_eq!(decode_base64_lenient("YQ==junk"), Some(b"a".to_vec()));
        assert_eq!(decode_base64_lenient("YWJ"), None);
        assert_eq!(decode_base64_lenient("Y!WJj"), Some(b"abc".to_vec()));
    }
}
