//! `LIKE` and `MATCHES`, compiled once per pattern.
//!
//! `LIKE` is SQL-like: `%` matches any run of characters and `_` one character (neither
//! matches a newline, and the whole value must match, a final newline aside: the reference
//! turns the pattern into a Python regular expression `^…$`).
//!
//! `MATCHES` uses the `regex` crate, whose syntax is close to Python's `re` (the reference)
//! for common expressions. Python's `$` (end, or before a final newline) becomes `(?:\n?\z)`
//! and `\Z` becomes `\z`. Known differences: no backreferences or look-around (such patterns
//! fail to compile here), a `$` followed by more expression that must match the final newline,
//! `[` inside a character class (a nested class here, a literal in Python), and Python-only
//! forms such as `{,n}` or a lone `{`. Binary values are searched with a byte-oriented
//! expression when every character of the expression is below U+0100, as the reference does.
//! Neither operator applies Unicode NFC normalization (the reference normalizes both sides).

use regex::Regex;
use regex::bytes::Regex as BytesRegex;

use crate::error::{CompileError, EvalError};

/// A compiled `LIKE` pattern.
#[derive(Debug, Clone)]
pub(crate) struct LikePattern {
    regex: Regex,
    /// Whether binary values are decoded as UTF-8 and matched (all characters below U+0100).
    binary_convertible: bool,
}

impl LikePattern {
    pub(crate) fn new(pattern: &str) -> LikePattern {
        let mut source = String::from(r"\A(?:");
        for c in pattern.chars() {
            match c {
                '%' => source.push_str(".*"),
                '_' => source.push('.'),
                c => source.push_str(&regex::escape(c.encode_utf8(&mut [0; 4]))),
            }
        }
        source.push_str(r")\n?\z");
        let regex = Regex::new(&source).expect("escaped literals and wildcards always compile");
        LikePattern { regex, binary_convertible: pattern.chars().all(|c| u32::from(c) < 256) }
    }

    pub(crate) fn matches_str(&self, s: &str) -> bool {
        self.regex.is_match(s)
    }

    /// `Ok(None)` when binary values do not take part.
    pub(crate) fn matches_bytes(&self, b: &[u8]) -> Result<Option<bool>, EvalError> {
        if !self.binary_convertible {
            return Ok(None);
        }
        let s = std::str::from_utf8(b).map_err(|_| {
            EvalError::InvalidValue("binary value compared with LIKE is not UTF-8".to_owned())
        })?;
        Ok(Some(self.matches_str(s)))
    }
}

/// Python's end anchors in the `regex` crate's syntax: `$` outside character classes matches
/// at the end or before a final newline, `\Z` only at the end.
fn python_anchors(source: &str) -> String {
    let mut out = String::with_capacity(source.len() + 8);
    let mut chars = source.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('Z') if !in_class => out.push_str(r"\z"),
                Some(next) => {
                    out.push('\\');
                    out.push(next);
                }
                None => out.push('\\'),
            },
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                // A `]` right after `[` or `[^` is a literal.
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                if chars.peek() == Some(&']') {
                    out.push_str(r"\]");
                    chars.next();
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            '$' if !in_class => out.push_str(r"(?:\n?\z)"),
            c => out.push(c),
        }
    }
    out
}

/// A compiled `MATCHES` expression.
#[derive(Debug, Clone)]
pub(crate) struct MatchesPattern {
    regex: Regex,
    binary: Option<BytesRegex>,
}

impl MatchesPattern {
    pub(crate) fn new(source: &str) -> Result<MatchesPattern, CompileError> {
        let invalid =
            |e: regex::Error| CompileError::InvalidRegex { regex: source.to_owned(), reason: e.to_string() };
        let translated = python_anchors(source);
        let regex = Regex::new(&translated).map_err(invalid)?;
        let binary = if source.chars().all(|c| u32::from(c) < 256) {
            // Characters U+0080..U+00FF stand for single bytes.
            let mut bytes_source = String::from("(?-u)");
            for c in translated.chars() {
                if u32::from(c) >= 0x80 {
                    bytes_source.push_str(&format!(r"\x{:02X}", u32::from(c)));
                } else {
                    bytes_source.push(c);
                }
            }
            Some(BytesRegex::new(&bytes_source).map_err(invalid)?)
        } else {
            None
        };
        Ok(MatchesPattern { regex, binary })
    }

    pub(crate) fn matches_str(&self, s: &str) -> bool {
        self.regex.is_match(s)
    }

    pub(crate) fn matches_bytes(&self, b: &[u8]) -> bool {
        self.binary.as_ref().is_some_and(|r| r.is_match(b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_is_anchored_and_stops_at_newlines() {
        let like = LikePattern::new("a%c_");
        assert!(like.matches_str("abbcd"));
        assert!(like.matches_str("abbcd\n"));
        assert!(!like.matches_str("ab\ncd"));
        assert!(!like.matches_str("xabbcd"));
        assert!(LikePattern::new("1.5 (x)*").matches_str("1.5 (x)*"));
    }

    #[test]
    fn python_end_anchors() {
        let m = MatchesPattern::new("c$").unwrap();
        assert!(m.matches_str("abc\n"));
        assert!(!m.matches_str("c\nd"));
        assert!(MatchesPattern::new("[$]").unwrap().matches_str("$"));
        assert!(MatchesPattern::new(r"\$").unwrap().matches_str("$"));
        assert!(!MatchesPattern::new(r"c\Z").unwrap().matches_str("c\n"));
        assert!(!MatchesPattern::new("é").unwrap().matches_bytes("é".as_bytes()));
        assert!(MatchesPattern::new("é").unwrap().matches_bytes(&[0xe9]));
    }
}
