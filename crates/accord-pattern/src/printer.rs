//! The canonical printer (`Display`): one space around operators, keywords in capitals,
//! `=`/`!=`, parentheses only where precedence needs them. Parsing the printed text gives the
//! same tree back.
//!
//! One rule beyond precedence: the validator refuses two qualifiers of one kind directly on a
//! bracketed expression, so `Qualified(Qualified([…], WITHIN 1), WITHIN 2)` prints as
//! `([…] WITHIN 1 SECONDS) WITHIN 2 SECONDS`.

use std::fmt::{self, Display, Formatter, Write as _};

use base64::Engine as _;

use crate::ast::{
    ComparisonExpression, Literal, ObjectPath, ObservationExpression, PathStep, Qualifier, Seconds, Test,
};
use crate::lexer::{TokenKind, tokenize};

/// Binding strength of an observation expression (higher binds tighter).
fn observation_level(e: &ObservationExpression) -> u8 {
    match e {
        ObservationExpression::FollowedBy(..) => 0,
        ObservationExpression::Or(..) => 1,
        ObservationExpression::And(..) => 2,
        ObservationExpression::Qualified(..) | ObservationExpression::Observation(_) => 3,
    }
}

fn write_operand(f: &mut Formatter<'_>, e: &ObservationExpression, parens: bool) -> fmt::Result {
    if parens { write!(f, "({e})") } else { write!(f, "{e}") }
}

impl Display for ObservationExpression {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let level = observation_level(self);
        let (left, right, keyword) = match self {
            ObservationExpression::Observation(c) => return write!(f, "[{c}]"),
            ObservationExpression::Qualified(..) => return write_qualified(f, self),
            ObservationExpression::And(l, r) => (l, r, "AND"),
            ObservationExpression::Or(l, r) => (l, r, "OR"),
            ObservationExpression::FollowedBy(l, r) => (l, r, "FOLLOWEDBY"),
        };
        write_operand(f, left, observation_level(left) < level)?;
        write!(f, " {keyword} ")?;
        write_operand(f, right, observation_level(right) <= level)
    }
}

fn write_qualified(f: &mut Formatter<'_>, e: &ObservationExpression) -> fmt::Result {
    let mut qualifiers = Vec::new();
    let mut base = e;
    while let ObservationExpression::Qualified(inner, q) = base {
        qualifiers.push(q);
        base = inner;
    }
    qualifiers.reverse();
    let mut text = if observation_level(base) < 3 { format!("({base})") } else { base.to_string() };
    // Qualifiers directly on a bracketed expression must be of distinct kinds.
    let mut seen: Option<Vec<&str>> = matches!(base, ObservationExpression::Observation(_)).then(Vec::new);
    for q in qualifiers {
        if let Some(kinds) = &mut seen {
            if kinds.contains(&q.keyword()) {
                text = format!("({text})");
                seen = None;
            } else {
                kinds.push(q.keyword());
            }
        }
        write!(text, " {q}")?;
    }
    f.write_str(&text)
}

impl Display for Qualifier {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Qualifier::Within(Seconds::Int(n)) => write!(f, "WITHIN {n} SECONDS"),
            Qualifier::Within(Seconds::Float(x)) => write!(f, "WITHIN {} SECONDS", float_text(*x)),
            Qualifier::StartStop { start, stop } => {
                write!(f, "START t'{}' STOP t'{}'", start.as_str(), stop.as_str())
            }
            Qualifier::Repeats(n) => write!(f, "REPEATS {n} TIMES"),
        }
    }
}

fn comparison_level(e: &ComparisonExpression) -> u8 {
    match e {
        ComparisonExpression::Or(..) => 0,
        ComparisonExpression::And(..) => 1,
        ComparisonExpression::Test(_) => 2,
    }
}

impl Display for ComparisonExpression {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let (left, right, keyword) = match self {
            ComparisonExpression::Test(t) => return write!(f, "{t}"),
            ComparisonExpression::And(l, r) => (l, r, "AND"),
            ComparisonExpression::Or(l, r) => (l, r, "OR"),
        };
        let level = comparison_level(self);
        let paren = |f: &mut Formatter<'_>, e: &ComparisonExpression, p: bool| {
            if p { write!(f, "({e})") } else { write!(f, "{e}") }
        };
        paren(f, left, comparison_level(left) < level)?;
        write!(f, " {keyword} ")?;
        paren(f, right, comparison_level(right) <= level)
    }
}

impl Display for Test {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let not = |negated: &bool| if *negated { "NOT " } else { "" };
        match self {
            Test::Compare { path, negated, operator, value } => {
                write!(f, "{path} {}{} {value}", not(negated), operator.symbol())
            }
            Test::In { path, negated, values } => {
                write!(f, "{path} {}IN (", not(negated))?;
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str(")")
            }
            Test::Like { path, negated, pattern } => {
                write!(f, "{path} {}LIKE {}", not(negated), quote(pattern))
            }
            Test::Matches { path, negated, regex } => {
                write!(f, "{path} {}MATCHES {}", not(negated), quote(regex))
            }
            Test::IsSubset { path, negated, network } => {
                write!(f, "{path} {}ISSUBSET {}", not(negated), quote(network))
            }
            Test::IsSuperset { path, negated, network } => {
                write!(f, "{path} {}ISSUPERSET {}", not(negated), quote(network))
            }
            Test::Exists { path, negated } => write!(f, "{}EXISTS {path}", not(negated)),
        }
    }
}

impl Display for ObjectPath {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.object_type.as_str(), key(&self.property))?;
        for step in &self.steps {
            match step {
                PathStep::Key(k) => write!(f, ".{}", key(k))?,
                PathStep::Index(i) => write!(f, "[{i}]")?,
                PathStep::AnyIndex => f.write_str("[*]")?,
            }
        }
        Ok(())
    }
}

/// A property name: bare when it reads back as an identifier, quoted otherwise.
fn key(name: &str) -> String {
    let tokens = tokenize(name);
    let bare = tokens.len() == 2 && tokens[0].kind == TokenKind::Identifier && tokens[0].text == name;
    if bare { name.to_owned() } else { quote(name) }
}

/// A string literal: quotes around, `'` and `\` escaped.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if c == '\'' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// A decimal number the grammar reads back as the same `f64` (no exponent, always a point).
pub(crate) fn float_text(x: f64) -> String {
    if x.is_infinite() {
        // Larger than any finite f64: reads back as infinity, as it was written.
        let sign = if x < 0.0 { "-" } else { "" };
        return format!("{sign}1{}.0", "0".repeat(309));
    }
    let mut s = x.to_string();
    if !s.contains('.') {
        s.push_str(".0");
    }
    s
}

impl Display for Literal {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Int(n) => write!(f, "{n}"),
            Literal::Float(x) => f.write_str(&float_text(*x)),
            Literal::String(s) => f.write_str(&quote(s)),
            Literal::Bool(b) => write!(f, "{b}"),
            Literal::Binary(bytes) => {
                write!(f, "b'{}'", base64::engine::general_purpose::STANDARD.encode(bytes))
            }
            Literal::Hex(bytes) => {
                f.write_str("h'")?;
                for b in bytes {
                    write!(f, "{b:02x}")?;
                }
                f.write_str("'")
            }
            Literal::Timestamp(t) => write!(f, "t'{}'", t.as_str()),
        }
    }
}
