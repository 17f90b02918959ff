//! The lexer: pattern text to tokens, with the token rules of the STIX 2.1 patterning grammar.
//!
//! Like the grammar's reference lexer, each token is the longest prefix that some token rule
//! matches, and on a tie the rule listed first wins (so `AND` is a keyword, `ANDROID` an
//! identifier, `h'00'` a hex literal but `h'0'` the identifier `h` followed by a string).
//! Whitespace and comments are skipped; any other character becomes an [`TokenKind::Invalid`]
//! token, which the parser then refuses with its position.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    IntNeg,
    IntPos,
    FloatNeg,
    FloatPos,
    Hex,
    Binary,
    String,
    Bool,
    Timestamp,
    Keyword(Keyword),
    /// `[a-zA-Z_][a-zA-Z0-9_]*` (and not a keyword).
    Identifier,
    /// `[a-zA-Z_][a-zA-Z0-9_-]*` with at least one hyphen.
    IdentifierWithHyphen,
    Eq,
    Neq,
    Lt,
    Le,
    Gt,
    Ge,
    Quote,
    Colon,
    Dot,
    Comma,
    RParen,
    LParen,
    RBrack,
    LBrack,
    Plus,
    Hyphen,
    Power,
    Divide,
    Asterisk,
    Invalid,
    Eof,
}

/// The reserved words of the grammar (case-sensitive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keyword {
    And,
    Or,
    Not,
    FollowedBy,
    Like,
    Matches,
    IsSuperset,
    IsSubset,
    Exists,
    Last,
    In,
    Start,
    Stop,
    Seconds,
    Within,
    Repeats,
    Times,
}

pub(crate) const KEYWORDS: &[(&str, Keyword)] = &[
    ("AND", Keyword::And),
    ("OR", Keyword::Or),
    ("NOT", Keyword::Not),
    ("FOLLOWEDBY", Keyword::FollowedBy),
    ("LIKE", Keyword::Like),
    ("MATCHES", Keyword::Matches),
    ("ISSUPERSET", Keyword::IsSuperset),
    ("ISSUBSET", Keyword::IsSubset),
    ("EXISTS", Keyword::Exists),
    ("LAST", Keyword::Last),
    ("IN", Keyword::In),
    ("START", Keyword::Start),
    ("STOP", Keyword::Stop),
    ("SECONDS", Keyword::Seconds),
    ("WITHIN", Keyword::Within),
    ("REPEATS", Keyword::Repeats),
    ("TIMES", Keyword::Times),
];

/// One token: its kind, its text and where it starts (1-based line and column, counted in
/// characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub kind: TokenKind,
    pub text: String,
    pub line: usize,
    pub column: usize,
}

/// Splits `input` into tokens; the last one is always [`TokenKind::Eof`].
pub(crate) fn tokenize(input: &str) -> Vec<Token> {
    let chars: Vec<char> = input.chars().collect();
    let mut tokens = Vec::new();
    let (mut pos, mut line, mut column) = (0, 1, 1);
    while pos < chars.len() {
        let rest = &chars[pos..];
        let (len, kind) = longest_token(rest);
        if let Some(kind) = kind {
            tokens.push(Token { kind, text: rest[..len].iter().collect(), line, column });
        }
        for &c in &rest[..len] {
            if c == '\n' {
                line += 1;
                column = 1;
            } else {
                column += 1;
            }
        }
        pos += len;
    }
    tokens.push(Token { kind: TokenKind::Eof, text: String::new(), line, column });
    tokens
}

/// The length of the next token and its kind (`None` for skipped whitespace and comments).
fn longest_token(s: &[char]) -> (usize, Option<TokenKind>) {
    // Rules in the grammar's order; the first longest wins.
    let candidates: [(usize, Option<TokenKind>); 18] = [
        (int_neg(s), Some(TokenKind::IntNeg)),
        (int_pos(s), Some(TokenKind::IntPos)),
        (float(s, true), Some(TokenKind::FloatNeg)),
        (float(s, false), Some(TokenKind::FloatPos)),
        (hex(s), Some(TokenKind::Hex)),
        (binary(s), Some(TokenKind::Binary)),
        (string(s), Some(TokenKind::String)),
        (boolean(s), Some(TokenKind::Bool)),
        (timestamp(s), Some(TokenKind::Timestamp)),
        keyword(s),
        (identifier(s, false), Some(TokenKind::Identifier)),
        (identifier(s, true), Some(TokenKind::IdentifierWithHyphen)),
        operator(s),
        punctuation(s),
        (whitespace(s), None),
        (block_comment(s), None),
        (line_comment(s), None),
        (1, Some(TokenKind::Invalid)),
    ];
    let mut best = (0, Some(TokenKind::Invalid));
    for (len, kind) in candidates {
        if len > best.0 {
            best = (len, kind);
        }
    }
    best
}

fn digits(s: &[char]) -> usize {
    s.iter().take_while(|c| c.is_ascii_digit()).count()
}

/// `'0' | [1-9][0-9]*`
fn unsigned_int(s: &[char]) -> usize {
    match s.first() {
        Some('0') => 1,
        Some('1'..='9') => 1 + digits(&s[1..]),
        _ => 0,
    }
}

fn int_neg(s: &[char]) -> usize {
    if s.first() == Some(&'-') {
        let n = unsigned_int(&s[1..]);
        if n > 0 {
            return n + 1;
        }
    }
    0
}

fn int_pos(s: &[char]) -> usize {
    let sign = usize::from(s.first() == Some(&'+'));
    let n = unsigned_int(&s[sign..]);
    if n > 0 { n + sign } else { 0 }
}

/// `[+-]? [0-9]* '.' [0-9]+` (the sign is required for the negative rule).
fn float(s: &[char], negative: bool) -> usize {
    let sign = match (s.first(), negative) {
        (Some('-'), true) | (Some('+'), false) => 1,
        (_, true) => return 0,
        _ => 0,
    };
    let int = digits(&s[sign..]);
    let dot = sign + int;
    if s.get(dot) != Some(&'.') {
        return 0;
    }
    let frac = digits(&s[dot + 1..]);
    if frac == 0 { 0 } else { dot + 1 + frac }
}

/// The length of `prefix 'content'` when every content character satisfies `allowed`; the
/// content is returned for further checks.
fn quoted(s: &[char], prefix: char, allowed: impl Fn(char) -> bool) -> Option<&[char]> {
    if s.first() != Some(&prefix) || s.get(1) != Some(&'\'') {
        return None;
    }
    let content = s[2..].iter().take_while(|&&c| allowed(c)).count();
    (s.get(2 + content) == Some(&'\'')).then(|| &s[2..2 + content])
}

fn hex(s: &[char]) -> usize {
    match quoted(s, 'h', |c| c.is_ascii_hexdigit()) {
        Some(content) if content.len() % 2 == 0 => content.len() + 3,
        _ => 0,
    }
}

pub(crate) fn is_base64_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '+' || c == '/'
}

fn binary(s: &[char]) -> usize {
    let Some(content) = quoted(s, 'b', |c| is_base64_char(c) || c == '=') else { return 0 };
    let n = content.len();
    if n == 0 || n % 4 != 0 {
        return 0;
    }
    let pads = content.iter().rev().take_while(|&&c| c == '=').count();
    let body_ok = content[..n - pads].iter().all(|&c| is_base64_char(c));
    if pads <= 2 && body_ok { n + 3 } else { 0 }
}

fn string(s: &[char]) -> usize {
    if s.first() != Some(&'\'') {
        return 0;
    }
    let mut i = 1;
    loop {
        match s.get(i) {
            None => return 0,
            Some('\'') => return i + 1,
            Some('\\') => match s.get(i + 1) {
                Some('\'') | Some('\\') => i += 2,
                _ => return 0,
            },
            Some(_) => i += 1,
        }
    }
}

fn starts_with(s: &[char], word: &str) -> bool {
    word.chars().enumerate().all(|(i, w)| s.get(i) == Some(&w))
}

fn boolean(s: &[char]) -> usize {
    if starts_with(s, "true") {
        4
    } else if starts_with(s, "false") {
        5
    } else {
        0
    }
}

/// `t'YYYY-MM-DDTHH:MM:SS(.d+)?Z'` with the grammar's digit ranges.
fn timestamp(s: &[char]) -> usize {
    if !starts_with(s, "t'") {
        return 0;
    }
    let d = |i: usize| s.get(i).copied().unwrap_or('\0');
    let digit = |i: usize| d(i).is_ascii_digit();
    let shape = digit(2)
        && digit(3)
        && digit(4)
        && digit(5)
        && d(6) == '-'
        && ((d(7) == '0' && ('1'..='9').contains(&d(8))) || (d(7) == '1' && ('0'..='2').contains(&d(8))))
        && d(9) == '-'
        && ((d(10) == '0' && ('1'..='9').contains(&d(11)))
            || (('1'..='2').contains(&d(10)) && digit(11))
            || (d(10) == '3' && ('0'..='1').contains(&d(11))))
        && d(12) == 'T'
        && ((('0'..='1').contains(&d(13)) && digit(14)) || (d(13) == '2' && ('0'..='3').contains(&d(14))))
        && d(15) == ':'
        && ('0'..='5').contains(&d(16))
        && digit(17)
        && d(18) == ':'
        && ((('0'..='5').contains(&d(19)) && digit(20)) || (d(19) == '6' && d(20) == '0'));
    if !shape {
        return 0;
    }
    let mut i = 21;
    if d(i) == '.' {
        let n = digits(&s[(i + 1).min(s.len())..]);
        if n == 0 {
            return 0;
        }
        i += 1 + n;
    }
    if d(i) == 'Z' && d(i + 1) == '\'' { i + 2 } else { 0 }
}

fn identifier(s: &[char], hyphen: bool) -> usize {
    match s.first() {
        Some(c) if c.is_ascii_alphabetic() || *c == '_' => {
            1 + s[1..]
                .iter()
                .take_while(|&&c| c.is_ascii_alphanumeric() || c == '_' || (hyphen && c == '-'))
                .count()
        }
        _ => 0,
    }
}

fn keyword(s: &[char]) -> (usize, Option<TokenKind>) {
    let mut best = (0, None);
    for &(word, kw) in KEYWORDS {
        let len = word.len();
        if len > best.0 && starts_with(s, word) {
            best = (len, Some(TokenKind::Keyword(kw)));
        }
    }
    best
}

fn operator(s: &[char]) -> (usize, Option<TokenKind>) {
    let two = (s.first().copied(), s.get(1).copied());
    match two {
        (Some('='), Some('=')) => (2, Some(TokenKind::Eq)),
        (Some('!'), Some('=')) | (Some('<'), Some('>')) => (2, Some(TokenKind::Neq)),
        (Some('<'), Some('=')) => (2, Some(TokenKind::Le)),
        (Some('>'), Some('=')) => (2, Some(TokenKind::Ge)),
        (Some('='), _) => (1, Some(TokenKind::Eq)),
        (Some('<'), _) => (1, Some(TokenKind::Lt)),
        (Some('>'), _) => (1, Some(TokenKind::Gt)),
        _ => (0, None),
    }
}

fn punctuation(s: &[char]) -> (usize, Option<TokenKind>) {
    let kind = match s.first() {
        Some('\'') => TokenKind::Quote,
        Some(':') => TokenKind::Colon,
        Some('.') => TokenKind::Dot,
        Some(',') => TokenKind::Comma,
        Some(')') => TokenKind::RParen,
        Some('(') => TokenKind::LParen,
        Some(']') => TokenKind::RBrack,
        Some('[') => TokenKind::LBrack,
        Some('+') => TokenKind::Plus,
        Some('-') => TokenKind::Hyphen,
        Some('^') => TokenKind::Power,
        Some('/') => TokenKind::Divide,
        Some('*') => TokenKind::Asterisk,
        _ => return (0, None),
    };
    (1, Some(kind))
}

/// The grammar's whitespace characters.
pub(crate) fn is_pattern_whitespace(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\r' | '\n' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

fn whitespace(s: &[char]) -> usize {
    s.iter().take_while(|&&c| is_pattern_whitespace(c)).count()
}

fn block_comment(s: &[char]) -> usize {
    if !starts_with(s, "/*") {
        return 0;
    }
    (2..s.len().saturating_sub(1)).find(|&i| s[i] == '*' && s[i + 1] == '/').map_or(0, |i| i + 2)
}

fn line_comment(s: &[char]) -> usize {
    if !starts_with(s, "//") {
        return 0;
    }
    s.iter().take_while(|&&c| c != '\r' && c != '\n').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(input: &str) -> Vec<TokenKind> {
        tokenize(input).into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn longest_match_and_rule_order() {
        use TokenKind::*;
        assert_eq!(
            kinds("AND ANDx true truex"),
            [Keyword(self::Keyword::And), Identifier, Bool, Identifier, Eof]
        );
        assert_eq!(kinds("h'0a' h'0'"), [Hex, Identifier, String, Eof]);
        assert_eq!(kinds("b'AA==' b''"), [Binary, Identifier, String, Eof]);
        assert_eq!(
            kinds("007 -0 +1.5 .5 5."),
            [IntPos, IntPos, IntPos, IntNeg, FloatPos, FloatPos, IntPos, Dot, Eof]
        );
        assert_eq!(kinds("x-y <> == /* c */ // d"), [IdentifierWithHyphen, Neq, Eq, Eof]);
        assert_eq!(kinds("t'2020-01-01T00:00:60.5Z' @"), [Timestamp, Invalid, Eof]);
    }

    #[test]
    fn positions_are_one_based_and_count_lines() {
        let t = tokenize("[\n  a");
        assert_eq!((t[1].line, t[1].column), (2, 3));
    }
}
