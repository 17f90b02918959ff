//! The syntax tree of a STIX 2.1 pattern.
//!
//! Grouping parentheses are not kept: the tree's shape says what they said, and the printer
//! puts back the ones that are needed. Token spellings that mean the same thing (`=` and `==`,
//! `!=` and `<>`, `+1` and `1`) become one node.

/// An observation expression: what the whole pattern, or a part between `AND`, `OR` and
/// `FOLLOWEDBY`, describes.
#[derive(Debug, Clone, PartialEq)]
pub enum ObservationExpression {
    /// `[ comparison-expression ]`: one observation whose objects satisfy the comparisons.
    Observation(ComparisonExpression),
    /// `left AND right`
    And(Box<ObservationExpression>, Box<ObservationExpression>),
    /// `left OR right`
    Or(Box<ObservationExpression>, Box<ObservationExpression>),
    /// `left FOLLOWEDBY right`
    FollowedBy(Box<ObservationExpression>, Box<ObservationExpression>),
    /// `expression qualifier`
    Qualified(Box<ObservationExpression>, Qualifier),
}

/// A qualifier applied to an observation expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Qualifier {
    /// `WITHIN n SECONDS`
    Within(Seconds),
    /// `START t'…' STOP t'…'`
    StartStop { start: Timestamp, stop: Timestamp },
    /// `REPEATS n TIMES`
    Repeats(u64),
}

impl Qualifier {
    /// The qualifier's keyword, as the grammar spells it.
    pub fn keyword(&self) -> &'static str {
        match self {
            Qualifier::Within(_) => "WITHIN",
            Qualifier::StartStop { .. } => "START",
            Qualifier::Repeats(_) => "REPEATS",
        }
    }
}

/// The duration of a `WITHIN` qualifier: a non-negative integer or decimal number of seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Seconds {
    Int(u64),
    Float(f64),
}

/// Comparisons inside one `[ … ]`.
#[derive(Debug, Clone, PartialEq)]
pub enum ComparisonExpression {
    Test(Test),
    And(Box<ComparisonExpression>, Box<ComparisonExpression>),
    Or(Box<ComparisonExpression>, Box<ComparisonExpression>),
}

/// One property test. `negated` is the `NOT` written before the operator.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// `path [NOT] (= | != | < | <= | > | >=) literal` (order operators never take a boolean).
    Compare { path: ObjectPath, negated: bool, operator: ComparisonOperator, value: Literal },
    /// `path [NOT] IN (literal, …)`
    In { path: ObjectPath, negated: bool, values: Vec<Literal> },
    /// `path [NOT] LIKE 'pattern'` (`%` any run of characters, `_` one character)
    Like { path: ObjectPath, negated: bool, pattern: String },
    /// `path [NOT] MATCHES 'regex'`
    Matches { path: ObjectPath, negated: bool, regex: String },
    /// `path [NOT] ISSUBSET 'cidr'`
    IsSubset { path: ObjectPath, negated: bool, network: String },
    /// `path [NOT] ISSUPERSET 'address or cidr'`
    IsSuperset { path: ObjectPath, negated: bool, network: String },
    /// `[NOT] EXISTS path`
    Exists { path: ObjectPath, negated: bool },
}

impl Test {
    /// The object path the test reads.
    pub fn path(&self) -> &ObjectPath {
        match self {
            Test::Compare { path, .. }
            | Test::In { path, .. }
            | Test::Like { path, .. }
            | Test::Matches { path, .. }
            | Test::IsSubset { path, .. }
            | Test::IsSuperset { path, .. }
            | Test::Exists { path, .. } => path,
        }
    }
}

/// `=`, `!=`, `<`, `<=`, `>`, `>=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComparisonOperator {
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

impl ComparisonOperator {
    /// The operator as printed.
    pub fn symbol(self) -> &'static str {
        match self {
            ComparisonOperator::Equal => "=",
            ComparisonOperator::NotEqual => "!=",
            ComparisonOperator::Less => "<",
            ComparisonOperator::LessOrEqual => "<=",
            ComparisonOperator::Greater => ">",
            ComparisonOperator::GreaterOrEqual => ">=",
        }
    }

    /// Whether this is one of the order operators (which take no boolean).
    pub fn is_order(self) -> bool {
        !matches!(self, ComparisonOperator::Equal | ComparisonOperator::NotEqual)
    }
}

/// `object-type:property.step[…]…`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectPath {
    pub object_type: ObjectType,
    /// The first property name (after the colon).
    pub property: String,
    /// The steps after the first property.
    pub steps: Vec<PathStep>,
}

/// A step of an object path after its first property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    /// `.name` or `.'quoted name'`
    Key(String),
    /// `[n]` (negative indexes are allowed by the grammar; they select nothing)
    Index(i128),
    /// `[*]`
    AnyIndex,
}

/// A STIX object type as a pattern names it: `[a-zA-Z_][a-zA-Z0-9_-]*`, not a keyword.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ObjectType(String);

impl ObjectType {
    /// Checks the spelling the grammar allows for object types.
    pub fn new(name: &str) -> Option<ObjectType> {
        let mut chars = name.chars();
        let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
        let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        let reserved =
            crate::lexer::KEYWORDS.iter().any(|(k, _)| *k == name) || name == "true" || name == "false";
        (first_ok && rest_ok && !reserved).then(|| ObjectType(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A literal value of the pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Int(i128),
    Float(f64),
    String(String),
    Bool(bool),
    /// `b'…'` (base64 in the pattern; never empty)
    Binary(Vec<u8>),
    /// `h'…'`
    Hex(Vec<u8>),
    Timestamp(Timestamp),
}

/// The text of a timestamp literal (between `t'` and `'`), in the form the grammar allows:
/// `YYYY-MM-DDTHH:MM:SS[.fraction]Z`. Whether the date exists (`02-30`) is checked when the
/// pattern is compiled for evaluation, as the reference does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timestamp(pub(crate) String);

impl Timestamp {
    /// Checks the grammar's form of a timestamp literal.
    pub fn new(text: &str) -> Option<Timestamp> {
        let tokens = crate::lexer::tokenize(&format!("t'{text}'"));
        (tokens.len() == 2 && tokens[0].kind == crate::lexer::TokenKind::Timestamp)
            .then(|| Timestamp(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}
