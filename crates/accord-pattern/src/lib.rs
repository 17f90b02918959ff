//! The STIX 2.1 patterning language: parser, canonical printer and evaluator over
//! observed-data. No I/O, no clock.
//!
//! ```
//! use accord_pattern::{ObservationSet, Pattern};
//!
//! let pattern = Pattern::parse("[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']")?;
//! let matcher = pattern.compile()?;
//! let objects: Vec<serde_json::Value> = serde_json::from_str(r#"[
//!   {"type": "observed-data", "id": "observed-data--1", "first_observed": "2024-01-01T00:00:00Z",
//!    "last_observed": "2024-01-01T00:00:00Z", "number_observed": 1, "object_refs": ["file--1"]},
//!   {"type": "file", "id": "file--1", "hashes": {"SHA-256": "aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f"}}
//! ]"#)?;
//! let observations = ObservationSet::from_objects(&objects)?;
//! assert_eq!(matcher.matches(observations.observations())?, Some(vec!["observed-data--1"]));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Validity follows the OASIS validator (`stix2-patterns` 2.1.2) and evaluation the OASIS
//! matcher (`stix2-matcher` 3.0.0, STIX 2.1 mode), quirks included (`1 = 1.0`, `true IN (1)`,
//! strings compared with binary values as Latin-1, a `NOT` that does not turn an unordered
//! comparison true, references resolved only among the observed-data's own objects); the
//! differential tests check both on a corpus. Known differences:
//!
//! - `ISSUBSET`/`ISSUPERSET` also read IPv6 (the reference refuses it); IPv4 and IPv6 never
//!   contain each other.
//! - `NOT EXISTS` means the property is absent (the reference ignores the `NOT`).
//! - `LIKE` and `MATCHES` do not normalize to Unicode NFC; `MATCHES` uses the `regex` crate
//!   (no backreferences or look-around; see the `text_match` module for the rest).
//! - Integer literals beyond ±2^127, and `WITHIN`/`REPEATS` counts beyond 2^64, are refused.
//! - Timestamps are read with ASCII digits only (Python's `strptime` also takes other
//!   Unicode digits).
//! - Where the reference fails with an internal error (`EXISTS` and another test true for one
//!   observation, a negative index in the validator), this crate answers.
//! - Observed-data without `object_refs` may embed its objects (STIX 2.0 style).
//! - A search over more than 100,000 bindings stops with [`EvalError::TooComplex`].

pub mod ast;
mod binding;
mod compile;
mod error;
mod eval;
mod lexer;
mod network;
mod observation;
mod parser;
mod printer;
mod text_match;
mod timestamp;
mod validity;
mod value;

use std::fmt;
use std::str::FromStr;

pub use crate::ast::ObservationExpression;
pub use crate::error::{CompileError, EvalError, ObservationError, PatternError, PatternErrorKind};
pub use crate::observation::{Observation, ObservationSet};

/// The most operators (`AND`, `OR`, `FOLLOWEDBY`), qualifiers and parentheses a pattern may
/// have: it bounds the depth of the syntax tree, so that no pattern can exhaust the stack (the
/// recursive walks over a tree at this limit need up to a few MiB of stack unoptimized; call
/// from a thread with at least 8 MiB, the main thread's default, to be safe).
pub const MAX_OPERATORS: usize = 1000;

/// The deepest nesting of parentheses a pattern may have.
pub const MAX_NESTING: usize = 64;

/// A valid STIX 2.1 pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    expression: ObservationExpression,
}

impl Pattern {
    /// Parses a pattern; the error says where and what was expected.
    pub fn parse(text: &str) -> Result<Pattern, PatternError> {
        parser::parse(text).map(|expression| Pattern { expression })
    }

    /// A pattern from a syntax tree (printing it gives its text).
    pub fn from_expression(expression: ObservationExpression) -> Pattern {
        Pattern { expression }
    }

    /// The syntax tree.
    pub fn expression(&self) -> &ObservationExpression {
        &self.expression
    }

    /// Prepares the pattern for evaluation.
    pub fn compile(&self) -> Result<Matcher, CompileError> {
        let mut comparisons = Vec::new();
        let root = compile::compile(&self.expression, &mut comparisons)?;
        Ok(Matcher { root, comparisons })
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.expression)
    }
}

impl FromStr for Pattern {
    type Err = PatternError;

    fn from_str(s: &str) -> Result<Pattern, PatternError> {
        Pattern::parse(s)
    }
}

/// A compiled pattern: evaluates against observations as many times as needed.
#[derive(Debug, Clone)]
pub struct Matcher {
    root: compile::Node,
    comparisons: Vec<compile::Comparison>,
}

impl Matcher {
    /// Evaluates the pattern: the ids of the observed-data of one binding that satisfies it
    /// (in the order given, each once), or `None` when nothing does.
    pub fn matches<'a>(&self, observations: &[Observation<'a>]) -> Result<Option<Vec<&'a str>>, EvalError> {
        let mut passing = Vec::with_capacity(self.comparisons.len());
        for comparison in &self.comparisons {
            let mut passed = Vec::new();
            for (index, observation) in observations.iter().enumerate() {
                if !eval::passing_roots(comparison, observation)?.is_empty() {
                    passed.push(index);
                }
            }
            passing.push(passed);
        }
        let search = binding::Search { observations, passing };
        let bindings = search.bindings(&self.root)?;
        Ok(bindings.first().map(|b| b.iter().map(|&(o, _)| observations[o].id).collect()))
    }

    /// Whether the comparison expressions of the pattern's `index`th bracketed expression hold
    /// for one observation: the building block of a hunter that evaluates observations one at a
    /// time. Bracketed expressions are numbered left to right.
    pub fn observation_passes(&self, index: usize, observation: &Observation<'_>) -> Result<bool, EvalError> {
        match self.comparisons.get(index) {
            Some(c) => Ok(!eval::passing_roots(c, observation)?.is_empty()),
            None => Ok(false),
        }
    }

    /// How many bracketed expressions the pattern has.
    pub fn observation_expressions(&self) -> usize {
        self.comparisons.len()
    }
}
