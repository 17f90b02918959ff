//! `LIKE` and `MATCHES`, compiled once per pattern.
//!
//! `LIKE` is SQL-like: `%` matches any run of characters and `_` one character (neither
//! matches a newline, and the whole value must match, a final newline aside: the reference
//! turns the pattern into a Python regular expression `^…$`).
//!
//! `MATCHES` uses the `regex` crate, whose syntax is close to Python's `re` (the reference)
//! for common expressions. Known differences: no backreferences or look-around (such patterns
//! fail to compile here), `$` does not match before a final newline, and Python-only forms
//! such as `{,n}` or a lone `{` differ. Binary values are searched with a byte-oriented
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
        let regex = Regex::new(source).map_err(invalid)?;
        let binary = if source.chars().all(|c| u32::from(c) < 256) {
            // Characters U+0080..U+00FF stand for single bytes.
            let mut bytes_source = String::from("(?-u)");
            for c in source.chars() {
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
