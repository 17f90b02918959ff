//! RubyGems versions, ordered as `Gem::Version#<=>` orders them.
//!
//! A `-` means `.pre.`; the version is read as runs of digits (numbers) and runs of letters
//! (strings, case kept), everything else separating them. Trailing zeros are dropped from the
//! numeric part before the first string and from the rest. Comparison goes segment by segment,
//! missing segments counting as 0: numbers by value, strings in byte order, and a string is
//! below any number (so `1.0.a < 1.0`).
//!
//! RubyGems itself refuses a few shapes this accepts (`1beta`): they are read as the segments
//! they obviously mean, as osv-scanner does.

use std::cmp::Ordering;

use crate::VersionError;
use crate::number::Number;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Segment {
    // Declared first: a string sorts below a number.
    Text(Box<str>),
    Number(Number),
}

const ZERO: Segment = Segment::Number(Number::ZERO);

/// A parsed RubyGems version (its canonical segments).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RubyGems(Vec<Segment>);

impl RubyGems {
    pub(crate) fn parse(s: &str) -> Result<RubyGems, VersionError> {
        let text = s.trim().replace('-', ".pre.");
        let mut segments = Vec::new();
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let c = bytes[i];
            if c.is_ascii_digit() {
                let len = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
                segments.push(Segment::Number(Number::from_digits(&text[i..i + len])));
                i += len;
            } else if c.is_ascii_alphabetic() {
                let len = bytes[i..].iter().take_while(|b| b.is_ascii_alphabetic()).count();
                segments.push(Segment::Text(text[i..i + len].into()));
                i += len;
            } else {
                i += 1;
            }
        }
        if segments.is_empty() {
            return Err(VersionError::invalid(s, "RubyGems", "it has no number or letter"));
        }
        // Canonical segments: trailing zeros dropped from the numeric part and from the rest.
        let split = segments.iter().position(|s| matches!(s, Segment::Text(_))).unwrap_or(segments.len());
        let mut rest = segments.split_off(split);
        while segments.last() == Some(&ZERO) {
            segments.pop();
        }
        while rest.last() == Some(&ZERO) {
            rest.pop();
        }
        segments.extend(rest);
        Ok(RubyGems(segments))
    }
}

impl Ord for RubyGems {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (&self.0, &other.0);
        for i in 0..a.len().max(b.len()) {
            let ord = a.get(i).unwrap_or(&ZERO).cmp(b.get(i).unwrap_or(&ZERO));
            if ord != Ordering::Equal {
                return ord;
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for RubyGems {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
