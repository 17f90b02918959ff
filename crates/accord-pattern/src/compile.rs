//! The compiled form of a pattern, ready to evaluate many times: paths split into steps with
//! their `_ref`/`_refs`/`_hex`/`_bin` handling decided, literals converted, `LIKE` and
//! `MATCHES` compiled, timestamps read, the qualifiers' bounds in microseconds.
//!
//! Compiling refuses what the reference matcher refuses before looking at any data: a
//! timestamp that is not a real date, `WITHIN 0 SECONDS`, `REPEATS 0 TIMES`, a set of mixed
//! kinds, and an invalid regular expression.

use crate::ast::{
    ComparisonExpression, ComparisonOperator, Literal, ObservationExpression, PathStep, Qualifier, Seconds,
    Test,
};
use crate::error::CompileError;
use crate::network::Network;
use crate::text_match::{LikePattern, MatchesPattern};
use crate::timestamp::{self, Micros};
use crate::value::{LiteralSet, Operand};

/// STIX 2.1 domain object types: a pattern naming one matches no cyber-observable object
/// (the reference matcher skips them).
const DOMAIN_OBJECT_TYPES: &[&str] = &[
    "attack-pattern",
    "bundle",
    "campaign",
    "course-of-action",
    "extension-definition",
    "grouping",
    "identity",
    "incident",
    "indicator",
    "infrastructure",
    "intrusion-set",
    "language-content",
    "location",
    "malware",
    "malware-analysis",
    "marking-definition",
    "note",
    "observed-data",
    "opinion",
    "relationship",
    "report",
    "threat-actor",
    "tool",
    "sighting",
    "vulnerability",
];

/// The structure of observation expressions over compiled comparison expressions.
#[derive(Debug, Clone)]
pub(crate) enum Node {
    /// Index into the matcher's comparison expressions.
    Observation(usize),
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    FollowedBy(Box<Node>, Box<Node>),
    Within(Box<Node>, Micros),
    StartStop(Box<Node>, Micros, Micros),
    Repeats(Box<Node>, u64),
}

#[derive(Debug, Clone)]
pub(crate) enum Comparison {
    Test(Box<CompiledTest>),
    And(Box<Comparison>, Box<Comparison>),
    Or(Box<Comparison>, Box<Comparison>),
}

#[derive(Debug, Clone)]
pub(crate) struct CompiledTest {
    pub object_type: String,
    /// A domain object type: nothing to test.
    pub never: bool,
    pub steps: Vec<Step>,
    pub predicate: Predicate,
    pub negated: bool,
}

/// How a key's value is decoded, by the suffix of its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    Plain,
    Hex,
    Base64,
}

/// Whether a key holds references to follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reference {
    None,
    One,
    List,
}

#[derive(Debug, Clone)]
pub(crate) enum Step {
    Key { name: String, encoding: Encoding, reference: Reference },
    Index(i128),
    AnyIndex,
}

#[derive(Debug, Clone)]
pub(crate) enum Predicate {
    Equal {
        not_equal: bool,
        value: Operand,
    },
    Order {
        operator: ComparisonOperator,
        value: Operand,
    },
    In(LiteralSet),
    Like(LikePattern),
    Matches(MatchesPattern),
    /// The value is the containee; the literal (the container) as written.
    IsSubset(String),
    /// The literal is the containee; the value is the container.
    IsSuperset(String),
    Exists,
}

impl Predicate {
    /// The literal network of `ISSUBSET`/`ISSUPERSET`, read when first needed (an invalid one
    /// is an error only when a string value is tested, as in the reference).
    pub(crate) fn network(text: &str, cidr_only: bool) -> Option<Network> {
        if cidr_only { Network::cidr(text) } else { Network::address_or_cidr(text) }
    }
}

/// Compiles an observation expression; comparison expressions are appended to `comparisons`.
pub(crate) fn compile(
    expression: &ObservationExpression,
    comparisons: &mut Vec<Comparison>,
) -> Result<Node, CompileError> {
    let pair = |l, r, c: &mut Vec<Comparison>| -> Result<(Box<Node>, Box<Node>), CompileError> {
        let l = compile(l, c)?;
        let r = compile(r, c)?;
        Ok((Box::new(l), Box::new(r)))
    };
    Ok(match expression {
        ObservationExpression::Observation(c) => {
            let compiled = compile_comparison(c)?;
            comparisons.push(compiled);
            Node::Observation(comparisons.len() - 1)
        }
        ObservationExpression::And(l, r) => {
            let (l, r) = pair(l, r, comparisons)?;
            Node::And(l, r)
        }
        ObservationExpression::Or(l, r) => {
            let (l, r) = pair(l, r, comparisons)?;
            Node::Or(l, r)
        }
        ObservationExpression::FollowedBy(l, r) => {
            let (l, r) = pair(l, r, comparisons)?;
            Node::FollowedBy(l, r)
        }
        ObservationExpression::Qualified(inner, qualifier) => {
            let inner = Box::new(compile(inner, comparisons)?);
            match qualifier {
                Qualifier::Within(seconds) => {
                    let micros = match *seconds {
                        Seconds::Int(n) => i64::try_from(u128::from(n) * 1_000_000).unwrap_or(i64::MAX),
                        Seconds::Float(x) => (x * 1e6).round_ties_even() as i64,
                    };
                    let positive = match *seconds {
                        Seconds::Int(n) => n > 0,
                        Seconds::Float(x) => x > 0.0,
                    };
                    if !positive {
                        return Err(CompileError::NonPositiveWithin);
                    }
                    Node::Within(inner, micros)
                }
                Qualifier::StartStop { start, stop } => {
                    Node::StartStop(inner, read_timestamp(start.as_str())?, read_timestamp(stop.as_str())?)
                }
                Qualifier::Repeats(0) => return Err(CompileError::ZeroRepeats),
                Qualifier::Repeats(n) => Node::Repeats(inner, *n),
            }
        }
    })
}

fn read_timestamp(text: &str) -> Result<Micros, CompileError> {
    timestamp::parse(text).ok_or_else(|| CompileError::InvalidTimestamp(text.to_owned()))
}

fn operand(literal: &Literal) -> Result<Operand, CompileError> {
    Ok(match literal {
        Literal::Int(i) => Operand::Int(*i),
        Literal::Float(f) => Operand::Float(*f),
        Literal::String(s) => Operand::Str(s.clone()),
        Literal::Bool(b) => Operand::Bool(*b),
        Literal::Binary(b) | Literal::Hex(b) => Operand::Bytes(b.clone()),
        Literal::Timestamp(t) => Operand::Time(read_timestamp(t.as_str())?),
    })
}

fn compile_comparison(c: &ComparisonExpression) -> Result<Comparison, CompileError> {
    Ok(match c {
        ComparisonExpression::Test(t) => Comparison::Test(Box::new(compile_test(t)?)),
        ComparisonExpression::And(l, r) => {
            Comparison::And(Box::new(compile_comparison(l)?), Box::new(compile_comparison(r)?))
        }
        ComparisonExpression::Or(l, r) => {
            Comparison::Or(Box::new(compile_comparison(l)?), Box::new(compile_comparison(r)?))
        }
    })
}

fn key_step(name: &str) -> Step {
    let encoding = if name.ends_with("_hex") {
        Encoding::Hex
    } else if name.ends_with("_bin") {
        Encoding::Base64
    } else {
        Encoding::Plain
    };
    let reference = if name.ends_with("_ref") {
        Reference::One
    } else if name.ends_with("_refs") {
        Reference::List
    } else {
        Reference::None
    };
    Step::Key { name: name.to_owned(), encoding, reference }
}

fn compile_test(test: &Test) -> Result<CompiledTest, CompileError> {
    let path = test.path();
    let mut steps = vec![key_step(&path.property)];
    steps.extend(path.steps.iter().map(|s| match s {
        PathStep::Key(k) => key_step(k),
        PathStep::Index(i) => Step::Index(*i),
        PathStep::AnyIndex => Step::AnyIndex,
    }));
    let (predicate, negated) = match test {
        Test::Compare { operator, value, negated, .. } => {
            let value = operand(value)?;
            let predicate = match operator {
                ComparisonOperator::Equal => Predicate::Equal { not_equal: false, value },
                ComparisonOperator::NotEqual => Predicate::Equal { not_equal: true, value },
                op => Predicate::Order { operator: *op, value },
            };
            (predicate, *negated)
        }
        Test::In { values, negated, .. } => {
            let members = values.iter().map(operand).collect::<Result<Vec<_>, _>>()?;
            let set = LiteralSet::new(members).ok_or_else(|| {
                let shown: Vec<String> = values.iter().map(ToString::to_string).collect();
                CompileError::MixedSet(format!("({})", shown.join(", ")))
            })?;
            (Predicate::In(set), *negated)
        }
        Test::Like { pattern, negated, .. } => (Predicate::Like(LikePattern::new(pattern)), *negated),
        Test::Matches { regex, negated, .. } => (Predicate::Matches(MatchesPattern::new(regex)?), *negated),
        Test::IsSubset { network, negated, .. } => (Predicate::IsSubset(network.clone()), *negated),
        Test::IsSuperset { network, negated, .. } => (Predicate::IsSuperset(network.clone()), *negated),
        Test::Exists { negated, .. } => (Predicate::Exists, *negated),
    };
    let object_type = path.object_type.as_str().to_owned();
    let never = DOMAIN_OBJECT_TYPES.contains(&object_type.as_str());
    Ok(CompiledTest { object_type, never, steps, predicate, negated })
}
