//! Evaluating comparison expressions (what is inside one `[ … ]`) against one observation.
//!
//! A test starts from each object of its type in the observation (a "root"), follows the path
//! (through references), and passes for a root when one of the selected values satisfies it.
//! `AND` keeps the roots that pass both sides, `OR` those that pass either: `[a:x = 1 AND
//! a:y = 2]` needs one object with both. The observation passes when a root is left.
//!
//! As in the reference matcher, every test is evaluated on every root (no short-cut between
//! `AND`/`OR` operands), so an invalid value anywhere in the data is reported the same way; the
//! values of one root are tried in order until one passes.

use serde_json::Value;

use crate::compile::{Comparison, CompiledTest, Encoding, Predicate, Reference, Step};
use crate::error::EvalError;
use crate::observation::Observation;
use crate::value::{self, Order, Selected};

/// The indexes (into `observation.roots`) of the roots that satisfy `comparison`, sorted.
pub(crate) fn passing_roots(
    comparison: &Comparison,
    observation: &Observation<'_>,
) -> Result<Vec<usize>, EvalError> {
    match comparison {
        Comparison::Test(test) => test_roots(test, observation),
        Comparison::And(l, r) => {
            let left = passing_roots(l, observation)?;
            let right = passing_roots(r, observation)?;
            Ok(left.into_iter().filter(|i| right.binary_search(i).is_ok()).collect())
        }
        Comparison::Or(l, r) => {
            let mut left = passing_roots(l, observation)?;
            let right = passing_roots(r, observation)?;
            left.extend(right);
            left.sort_unstable();
            left.dedup();
            Ok(left)
        }
    }
}

fn test_roots(test: &CompiledTest, observation: &Observation<'_>) -> Result<Vec<usize>, EvalError> {
    let mut passed = Vec::new();
    if test.never {
        return Ok(passed);
    }
    for (index, (_, root)) in observation.roots.iter().enumerate() {
        if root.get("type").and_then(Value::as_str) != Some(test.object_type.as_str()) {
            continue;
        }
        let mut values = vec![Selected::Json(root)];
        for step in &test.steps {
            values = take_step(values, step, observation)?;
            if values.is_empty() {
                break;
            }
        }
        if let Predicate::Exists = test.predicate {
            // `NOT EXISTS`: the object has nothing at the path. (The reference matcher ignores
            // the NOT and treats it as EXISTS.)
            if values.is_empty() == test.negated {
                passed.push(index);
            }
            continue;
        }
        for v in &values {
            if holds(test, v)? {
                passed.push(index);
                break;
            }
        }
    }
    Ok(passed)
}

fn invalid(message: String) -> EvalError {
    EvalError::InvalidValue(message)
}

/// The objects of the observation whose id is `id`.
fn resolve<'a>(observation: &Observation<'a>, id: &str, out: &mut Vec<&'a Value>) {
    out.extend(observation.objects.iter().filter(|(k, _)| *k == id).map(|(_, o)| *o));
}

fn take_step<'a>(
    values: Vec<Selected<'a>>,
    step: &Step,
    observation: &Observation<'a>,
) -> Result<Vec<Selected<'a>>, EvalError> {
    let mut next = Vec::new();
    match step {
        Step::Key { name, encoding, reference } => {
            for v in values {
                let Selected::Json(Value::Object(map)) = v else { continue };
                let Some(raw) = map.get(name.as_str()) else { continue };
                let decoded = match (encoding, raw) {
                    (Encoding::Plain, _) => Selected::Json(raw),
                    (Encoding::Hex, Value::String(s)) => Selected::Bytes(
                        value::decode_hex(s).ok_or_else(|| invalid(format!("{name}: {s:?} is not hex")))?,
                    ),
                    (Encoding::Base64, Value::String(s)) => Selected::Bytes(
                        value::decode_base64_lenient(s)
                            .ok_or_else(|| invalid(format!("{name}: {s:?} is not base64")))?,
                    ),
                    _ => return Err(invalid(format!("{name} is not a string"))),
                };
                match reference {
                    Reference::None => next.push(decoded),
                    Reference::One => {
                        let Selected::Json(Value::String(id)) = decoded else {
                            return Err(invalid(format!(
                                "the value of reference property {name} is not a string"
                            )));
                        };
                        let mut found = Vec::new();
                        resolve(observation, id, &mut found);
                        next.extend(found.into_iter().map(Selected::Json));
                    }
                    Reference::List => {
                        let Selected::Json(Value::Array(ids)) = decoded else {
                            return Err(invalid(format!(
                                "the value of reference list property {name} is not a list"
                            )));
                        };
                        let mut found = Vec::new();
                        for id in ids {
                            let Value::String(id) = id else {
                                return Err(invalid(format!(
                                    "a value of reference property {name} is not a string"
                                )));
                            };
                            resolve(observation, id, &mut found);
                        }
                        if !found.is_empty() {
                            next.push(Selected::Objects(found));
                        }
                    }
                }
            }
        }
        Step::Index(i) => {
            let Ok(i) = usize::try_from(*i) else { return Ok(next) };
            for v in values {
                match v {
                    Selected::Json(Value::Array(items)) => next.extend(items.get(i).map(Selected::Json)),
                    Selected::Objects(objects) => next.extend(objects.get(i).map(|o| Selected::Json(o))),
                    _ => {}
                }
            }
        }
        Step::AnyIndex => {
            for v in values {
                match v {
                    Selected::Json(Value::Array(items)) => next.extend(items.iter().map(Selected::Json)),
                    Selected::Objects(objects) => next.extend(objects.into_iter().map(Selected::Json)),
                    _ => {}
                }
            }
        }
    }
    Ok(next)
}

/// Whether one selected value satisfies the test (its `NOT` included).
fn holds(test: &CompiledTest, v: &Selected<'_>) -> Result<bool, EvalError> {
    let result = match &test.predicate {
        Predicate::Exists => return Ok(!test.negated),
        Predicate::Equal { not_equal, value } => value::equals(v, value)?.unwrap_or(false) != *not_equal,
        Predicate::Order { operator, value } => match value::order(v, value)? {
            Order::Unordered => return Ok(false),
            Order::Refused => false,
            Order::Ordered(o) => {
                use crate::ast::ComparisonOperator as Op;
                use std::cmp::Ordering;
                match operator {
                    Op::Less => o == Ordering::Less,
                    Op::LessOrEqual => o != Ordering::Greater,
                    Op::Greater => o == Ordering::Greater,
                    _ => o != Ordering::Less,
                }
            }
        },
        Predicate::In(set) => set.contains(v)?,
        Predicate::Like(like) => match v {
            Selected::Json(Value::String(s)) => like.matches_str(s),
            Selected::Bytes(b) => like.matches_bytes(b)?.unwrap_or(false),
            _ => false,
        },
        Predicate::Matches(regex) => match v {
            Selected::Json(Value::String(s)) => regex.matches_str(s),
            Selected::Bytes(b) => regex.matches_bytes(b),
            _ => false,
        },
        Predicate::IsSubset(container) => match v {
            Selected::Json(Value::String(s)) => {
                let inner = Predicate::network(s, false)
                    .ok_or_else(|| invalid(format!("invalid IP address: {s}")))?;
                let outer = Predicate::network(container, true)
                    .ok_or_else(|| invalid(format!("invalid CIDR network: {container}")))?;
                outer.contains(&inner)
            }
            _ => false,
        },
        Predicate::IsSuperset(containee) => match v {
            Selected::Json(Value::String(s)) => {
                let inner = Predicate::network(containee, false)
                    .ok_or_else(|| invalid(format!("invalid IP address: {containee}")))?;
                let outer = Predicate::network(s, true)
                    .ok_or_else(|| invalid(format!("invalid CIDR network: {s}")))?;
                outer.contains(&inner)
            }
            _ => false,
        },
    };
    Ok(result != test.negated)
}
