//! The errors of this crate: a pattern that does not parse ([`PatternError`], with its
//! position), a pattern that parses but cannot be evaluated ([`CompileError`]), observed-data
//! the evaluator cannot read ([`ObservationError`]) and failures while evaluating
//! ([`EvalError`]).

use thiserror::Error;

/// Why a pattern is not a valid STIX 2.1 pattern, and where (1-based line and column, in
/// characters).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{kind} at line {line}, column {column}")]
pub struct PatternError {
    pub line: usize,
    pub column: usize,
    pub kind: PatternErrorKind,
}

/// What is wrong with a pattern.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PatternErrorKind {
    /// The text does not follow the grammar: what could come here, and what came.
    #[error("expected {expected}, found {found}")]
    Expected { expected: String, found: String },
    /// A pattern must start with `[` (after any opening parentheses).
    #[error("a pattern starts with '[' (after any '('), found {found}")]
    MissingBrackets { found: String },
    /// Two qualifiers of one kind on one bracketed observation expression.
    #[error("duplicate {qualifier} qualifier on one observation expression")]
    DuplicateQualifier { qualifier: &'static str },
    /// A value compared with a hash of a known algorithm is not such a hash.
    #[error("'{value}' is not a valid {algorithm} hash")]
    InvalidHash { value: String, algorithm: String },
    /// More operators, qualifiers and parentheses than [`crate::MAX_OPERATORS`].
    #[error("more than {limit} operators and parentheses")]
    TooComplex { limit: usize },
    /// Parentheses nested deeper than [`crate::MAX_NESTING`].
    #[error("parentheses nested deeper than {limit}")]
    TooDeep { limit: usize },
    /// A number too large for this implementation.
    #[error("number {text} is out of range")]
    NumberOutOfRange { text: String },
}

/// Why a valid pattern cannot be evaluated (the reference matcher refuses the same patterns).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CompileError {
    #[error("timestamp t'{0}' is not a real date and time")]
    InvalidTimestamp(String),
    #[error("WITHIN must be positive")]
    NonPositiveWithin,
    #[error("REPEATS must be at least 1")]
    ZeroRepeats,
    #[error("the set {0} mixes types")]
    MixedSet(String),
    #[error("invalid regular expression '{regex}': {reason}")]
    InvalidRegex { regex: String, reason: String },
}

/// Why a list of STIX objects cannot be evaluated as observed-data.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ObservationError {
    #[error("object {index} has no {property}")]
    Missing { index: usize, property: &'static str },
    #[error("observed-data {id}: {problem}")]
    Invalid { id: String, problem: String },
}

/// A failure while evaluating a pattern against observed-data: a value the reference treats
/// as an error (an unreadable timestamp compared with a timestamp, an invalid IP address, a
/// reference that is not a string, bad hex or base64 under a `_hex` or `_bin` property), or a
/// search that grew too large.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EvalError {
    #[error("{0}")]
    InvalidValue(String),
    #[error("the pattern has more than {0} ways to bind these observations; evaluation stopped")]
    TooComplex(usize),
}
