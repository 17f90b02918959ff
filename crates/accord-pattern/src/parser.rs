//! The parser: tokens to the syntax tree, by recursive descent over the STIX 2.1 patterning
//! grammar, with the validator's checks beyond the grammar (see [`crate::validity`]) and
//! duplicate qualifiers on one bracketed expression.
//!
//! Precedence, loosest first: `FOLLOWEDBY`, `OR`, `AND` between observation expressions, then
//! qualifiers (postfix, any number); inside brackets `OR`, then `AND`. All binary operators
//! associate to the left.

use base64::Engine as _;

use crate::ast::{
    ComparisonExpression, ComparisonOperator, Literal, ObjectPath, ObjectType, ObservationExpression,
    PathStep, Qualifier, Seconds, Test, Timestamp,
};
use crate::error::{PatternError, PatternErrorKind};
use crate::lexer::{Keyword, Token, TokenKind, tokenize};
use crate::validity;

/// Parses a whole pattern.
pub(crate) fn parse(text: &str) -> Result<ObservationExpression, PatternError> {
    let tokens = tokenize(text);
    let mut parser = Parser { tokens, pos: 0, operators: 0, depth: 0 };
    let expression = parser.observation_expressions()?;
    parser.expect(TokenKind::Eof, "end of pattern or AND/OR/FOLLOWEDBY")?;
    if let Some(found) = validity::brackets_error(text) {
        let found = found.map_or("end of pattern".to_owned(), |c| format!("{c:?}"));
        return Err(PatternError { line: 1, column: 1, kind: PatternErrorKind::MissingBrackets { found } });
    }
    Ok(expression)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    /// Operators, qualifiers and parentheses so far: bounds the depth of the tree (and of the
    /// recursion that builds, prints and drops it).
    operators: usize,
    /// Parentheses open now.
    depth: usize,
}

fn describe(token: &Token) -> String {
    match token.kind {
        TokenKind::Eof => "end of pattern".to_owned(),
        _ => format!("'{}'", token.text),
    }
}

impl Parser {
    fn peek(&self) -> &Token {
        &self.tokens[self.pos.min(self.tokens.len() - 1)]
    }

    fn peek_kind(&self) -> TokenKind {
        self.peek().kind
    }

    fn next(&mut self) -> Token {
        let token = self.peek().clone();
        if self.pos < self.tokens.len() - 1 {
            self.pos += 1;
        }
        token
    }

    fn error_here(&self, expected: &str) -> PatternError {
        let token = self.peek();
        PatternError {
            line: token.line,
            column: token.column,
            kind: PatternErrorKind::Expected { expected: expected.to_owned(), found: describe(token) },
        }
    }

    fn error_at(token: &Token, kind: PatternErrorKind) -> PatternError {
        PatternError { line: token.line, column: token.column, kind }
    }

    fn expect(&mut self, kind: TokenKind, expected: &str) -> Result<Token, PatternError> {
        if self.peek_kind() == kind { Ok(self.next()) } else { Err(self.error_here(expected)) }
    }

    fn eat_keyword(&mut self, keyword: Keyword) -> bool {
        if self.peek_kind() == TokenKind::Keyword(keyword) {
            self.next();
            true
        } else {
            false
        }
    }

    /// Enters one more level of parentheses, refusing too many.
    fn enter(&mut self) -> Result<(), PatternError> {
        self.depth += 1;
        if self.depth > crate::MAX_NESTING {
            let token = self.peek();
            return Err(Self::error_at(token, PatternErrorKind::TooDeep { limit: crate::MAX_NESTING }));
        }
        Ok(())
    }

    /// Counts one more operator, qualifier or parenthesis, refusing too many.
    fn count_operator(&mut self) -> Result<(), PatternError> {
        self.operators += 1;
        if self.operators > crate::MAX_OPERATORS {
            let token = self.peek();
            return Err(Self::error_at(token, PatternErrorKind::TooComplex { limit: crate::MAX_OPERATORS }));
        }
        Ok(())
    }

    fn observation_expressions(&mut self) -> Result<ObservationExpression, PatternError> {
        let mut left = self.observation_or()?;
        while self.eat_keyword(Keyword::FollowedBy) {
            self.count_operator()?;
            let right = self.observation_or()?;
            left = ObservationExpression::FollowedBy(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn observation_or(&mut self) -> Result<ObservationExpression, PatternError> {
        let mut left = self.observation_and()?;
        while self.eat_keyword(Keyword::Or) {
            self.count_operator()?;
            let right = self.observation_and()?;
            left = ObservationExpression::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn observation_and(&mut self) -> Result<ObservationExpression, PatternError> {
        let mut left = self.observation_expression()?;
        while self.eat_keyword(Keyword::And) {
            self.count_operator()?;
            let right = self.observation_expression()?;
            left = ObservationExpression::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn observation_expression(&mut self) -> Result<ObservationExpression, PatternError> {
        let (mut expression, bracketed) = match self.peek_kind() {
            TokenKind::LBrack => {
                self.next();
                let comparison = self.comparison_or()?;
                self.expect(TokenKind::RBrack, "']' or AND/OR")?;
                (ObservationExpression::Observation(comparison), true)
            }
            TokenKind::LParen => {
                self.next();
                self.count_operator()?;
                self.enter()?;
                let inner = self.observation_expressions()?;
                self.depth -= 1;
                self.expect(TokenKind::RParen, "')' or AND/OR/FOLLOWEDBY")?;
                (inner, false)
            }
            _ => return Err(self.error_here("'[' or '('")),
        };
        // The validator refuses two qualifiers of one kind directly on a bracketed expression.
        let mut seen: Vec<&'static str> = Vec::new();
        loop {
            let at = self.peek().clone();
            let qualifier = match at.kind {
                TokenKind::Keyword(Keyword::Within) => {
                    self.next();
                    let seconds = self.within_seconds()?;
                    self.expect(TokenKind::Keyword(Keyword::Seconds), "SECONDS")?;
                    Qualifier::Within(seconds)
                }
                TokenKind::Keyword(Keyword::Repeats) => {
                    self.next();
                    let token = self.expect(TokenKind::IntPos, "a positive integer")?;
                    let times = parse_int(&token)?;
                    let times = u64::try_from(times).map_err(|_| out_of_range(&token))?;
                    self.expect(TokenKind::Keyword(Keyword::Times), "TIMES")?;
                    Qualifier::Repeats(times)
                }
                TokenKind::Keyword(Keyword::Start) => {
                    self.next();
                    let start = self.timestamp()?;
                    self.expect(TokenKind::Keyword(Keyword::Stop), "STOP")?;
                    let stop = self.timestamp()?;
                    Qualifier::StartStop { start, stop }
                }
                _ => break,
            };
            self.count_operator()?;
            if bracketed {
                let keyword = qualifier.keyword();
                if seen.contains(&keyword) {
                    let qualifier = if keyword == "START" { "START/STOP" } else { keyword };
                    return Err(Self::error_at(&at, PatternErrorKind::DuplicateQualifier { qualifier }));
                }
                seen.push(keyword);
            }
            expression = ObservationExpression::Qualified(Box::new(expression), qualifier);
        }
        Ok(expression)
    }

    fn within_seconds(&mut self) -> Result<Seconds, PatternError> {
        let token = self.peek().clone();
        match token.kind {
            TokenKind::IntPos => {
                self.next();
                let n = parse_int(&token)?;
                Ok(Seconds::Int(u64::try_from(n).map_err(|_| out_of_range(&token))?))
            }
            TokenKind::FloatPos => {
                self.next();
                Ok(Seconds::Float(parse_float(&token)))
            }
            _ => Err(self.error_here("a positive number of seconds")),
        }
    }

    fn timestamp(&mut self) -> Result<Timestamp, PatternError> {
        let token = self.expect(TokenKind::Timestamp, "a timestamp t'…'")?;
        Ok(Timestamp(token.text[2..token.text.len() - 1].to_owned()))
    }

    fn comparison_or(&mut self) -> Result<ComparisonExpression, PatternError> {
        let mut left = self.comparison_and()?;
        while self.eat_keyword(Keyword::Or) {
            self.count_operator()?;
            let right = self.comparison_and()?;
            left = ComparisonExpression::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn comparison_and(&mut self) -> Result<ComparisonExpression, PatternError> {
        let mut left = self.property_test()?;
        while self.eat_keyword(Keyword::And) {
            self.count_operator()?;
            let right = self.property_test()?;
            left = ComparisonExpression::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn property_test(&mut self) -> Result<ComparisonExpression, PatternError> {
        match self.peek_kind() {
            TokenKind::LParen => {
                self.next();
                self.count_operator()?;
                self.enter()?;
                let inner = self.comparison_or()?;
                self.depth -= 1;
                self.expect(TokenKind::RParen, "')' or AND/OR")?;
                return Ok(inner);
            }
            TokenKind::Keyword(Keyword::Exists) => {
                self.next();
                let (path, _) = self.object_path()?;
                return Ok(ComparisonExpression::Test(Test::Exists { path, negated: false }));
            }
            TokenKind::Keyword(Keyword::Not) => {
                self.next();
                self.expect(TokenKind::Keyword(Keyword::Exists), "EXISTS after NOT")?;
                let (path, _) = self.object_path()?;
                return Ok(ComparisonExpression::Test(Test::Exists { path, negated: true }));
            }
            _ => {}
        }
        let (path, components) = self.object_path()?;
        let negated = self.eat_keyword(Keyword::Not);
        let operator_token = self.peek().clone();
        let (test, literal_text) = match operator_token.kind {
            TokenKind::Eq | TokenKind::Neq => {
                self.next();
                let operator = if operator_token.kind == TokenKind::Eq {
                    ComparisonOperator::Equal
                } else {
                    ComparisonOperator::NotEqual
                };
                let (value, text) = self.literal(true)?;
                (Test::Compare { path, negated, operator, value }, text)
            }
            TokenKind::Lt | TokenKind::Le | TokenKind::Gt | TokenKind::Ge => {
                self.next();
                let operator = match operator_token.kind {
                    TokenKind::Lt => ComparisonOperator::Less,
                    TokenKind::Le => ComparisonOperator::LessOrEqual,
                    TokenKind::Gt => ComparisonOperator::Greater,
                    _ => ComparisonOperator::GreaterOrEqual,
                };
                let (value, text) = self.literal(false)?;
                (Test::Compare { path, negated, operator, value }, text)
            }
            TokenKind::Keyword(Keyword::In) => {
                self.next();
                self.expect(TokenKind::LParen, "'(' to open a set")?;
                let mut values = Vec::new();
                let mut text = String::from("(");
                if self.peek_kind() != TokenKind::RParen {
                    loop {
                        let (value, value_text) = self.literal(true)?;
                        values.push(value);
                        text.push_str(&value_text);
                        if self.peek_kind() == TokenKind::Comma {
                            self.next();
                            text.push(',');
                        } else {
                            break;
                        }
                    }
                }
                self.expect(TokenKind::RParen, "',' or ')'")?;
                text.push(')');
                (Test::In { path, negated, values }, text)
            }
            TokenKind::Keyword(
                keyword @ (Keyword::Like | Keyword::Matches | Keyword::IsSubset | Keyword::IsSuperset),
            ) => {
                self.next();
                let token = self.expect(TokenKind::String, "a string literal")?;
                let value = unescape(&token.text);
                let test = match keyword {
                    Keyword::Like => Test::Like { path, negated, pattern: value },
                    Keyword::Matches => Test::Matches { path, negated, regex: value },
                    Keyword::IsSubset => Test::IsSubset { path, negated, network: value },
                    _ => Test::IsSuperset { path, negated, network: value },
                };
                (test, token.text)
            }
            _ => {
                let expected = if negated {
                    "a comparison operator"
                } else {
                    "a comparison operator, NOT, or a path step ('.' or '[')"
                };
                return Err(self.error_here(expected));
            }
        };
        let refs: Vec<Option<&str>> = components.iter().map(|c| c.as_deref()).collect();
        if let Some((value, algorithm)) = validity::hash_error(&refs, &literal_text) {
            return Err(Self::error_at(&operator_token, PatternErrorKind::InvalidHash { value, algorithm }));
        }
        Ok(ComparisonExpression::Test(test))
    }

    /// An object path, and its components as the validator lists them (keys as strings,
    /// indexes as `None`).
    fn object_path(&mut self) -> Result<(ObjectPath, Vec<Option<String>>), PatternError> {
        let type_token = self.peek().clone();
        if !matches!(type_token.kind, TokenKind::Identifier | TokenKind::IdentifierWithHyphen) {
            return Err(self.error_here("an object type"));
        }
        self.next();
        let object_type = ObjectType::new(&type_token.text).expect("the lexer only makes valid identifiers");
        self.expect(TokenKind::Colon, "':' after the object type")?;
        let first = self.peek().clone();
        let property = match first.kind {
            TokenKind::Identifier => first.text.clone(),
            TokenKind::String => unescape(&first.text),
            _ => return Err(self.error_here("a property name")),
        };
        self.next();
        let mut components = vec![Some(property.clone())];
        let mut steps = Vec::new();
        loop {
            match self.peek_kind() {
                TokenKind::Dot => {
                    self.next();
                    let token = self.peek().clone();
                    let key = match token.kind {
                        TokenKind::Identifier => token.text.clone(),
                        TokenKind::String => unescape(&token.text),
                        _ => return Err(self.error_here("a property name after '.'")),
                    };
                    self.next();
                    components.push(Some(key.clone()));
                    steps.push(PathStep::Key(key));
                }
                TokenKind::LBrack => {
                    self.next();
                    let token = self.peek().clone();
                    let step = match token.kind {
                        TokenKind::IntPos | TokenKind::IntNeg => PathStep::Index(parse_int(&token)?),
                        TokenKind::Asterisk => PathStep::AnyIndex,
                        _ => return Err(self.error_here("an index or '*'")),
                    };
                    self.next();
                    self.expect(TokenKind::RBrack, "']' after the index")?;
                    components.push(None);
                    steps.push(step);
                }
                _ => break,
            }
        }
        Ok((ObjectPath { object_type, property, steps }, components))
    }

    /// A literal; booleans only where `allow_bool` (the grammar's primitive literals).
    fn literal(&mut self, allow_bool: bool) -> Result<(Literal, String), PatternError> {
        let token = self.peek().clone();
        let value = match token.kind {
            TokenKind::IntPos | TokenKind::IntNeg => Literal::Int(parse_int(&token)?),
            TokenKind::FloatPos | TokenKind::FloatNeg => Literal::Float(parse_float(&token)),
            TokenKind::String => Literal::String(unescape(&token.text)),
            TokenKind::Bool if allow_bool => Literal::Bool(token.text == "true"),
            TokenKind::Binary => {
                let content = &token.text[2..token.text.len() - 1];
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(content)
                    .or_else(|_| lenient_base64(content))
                    .map_err(|_| out_of_range(&token))?;
                Literal::Binary(bytes)
            }
            TokenKind::Hex => {
                let content = &token.text[2..token.text.len() - 1];
                let bytes = (0..content.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&content[i..i + 2], 16))
                    .collect::<Result<Vec<u8>, _>>()
                    .map_err(|_| out_of_range(&token))?;
                Literal::Hex(bytes)
            }
            TokenKind::Timestamp => {
                Literal::Timestamp(Timestamp(token.text[2..token.text.len() - 1].to_owned()))
            }
            _ => {
                let expected = if allow_bool { "a literal" } else { "a literal (not a boolean)" };
                return Err(self.error_here(expected));
            }
        };
        self.next();
        Ok((value, token.text))
    }
}

/// Base64 whose last character carries bits beyond the data (`AB==`): the grammar allows it
/// and the reference decodes it, dropping those bits.
fn lenient_base64(content: &str) -> Result<Vec<u8>, base64::DecodeError> {
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
    );
    engine.decode(content)
}

fn out_of_range(token: &Token) -> PatternError {
    Parser::error_at(token, PatternErrorKind::NumberOutOfRange { text: token.text.clone() })
}

fn parse_int(token: &Token) -> Result<i128, PatternError> {
    token.text.trim_start_matches('+').parse::<i128>().map_err(|_| out_of_range(token))
}

fn parse_float(token: &Token) -> f64 {
    // The lexer only makes `[+-]?[0-9]*.[0-9]+`, which Rust's parser reads, with "+" removed.
    token.text.trim_start_matches('+').parse::<f64>().expect("the lexer only makes decimal numbers")
}

/// The value of a string literal token: quotes removed, `\'` and `\\` unescaped.
fn unescape(token_text: &str) -> String {
    let inner = &token_text[1..token_text.len() - 1];
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(escaped) = chars.next() {
                out.push(escaped);
            }
        } else {
            out.push(c);
        }
    }
    out
}
