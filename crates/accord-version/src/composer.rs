//! Packagist (Composer) versions, ordered as PHP's `version_compare` orders them after
//! Composer drops a leading `v`.
//!
//! `version_compare` turns `-`, `_` and `+` into `.`, puts a `.` at every switch between digits
//! and other characters, and compares the dot-separated parts: numbers by value; words by their
//! "special form", the first that is a prefix of the word:
//! `dev < alpha = a < beta = b < RC = rc < # = (any number) < pl = p` (an unknown word is below
//! `dev`). When one version has more parts, a following number makes it greater, and a
//! following word compares as against `#` (so `1.0 < 1.0.1`, `1.0-beta < 1.0 < 1.0-p1`).
//!
//! Like PHP's, this order is not transitive for the odd word that starts with `#`: it equals
//! every number and also a missing part (`1.2.3.# = 1.2.3.1` and `1.2.3.# = 1.2.3`, while
//! `1.2.3 < 1.2.3.1`). No real Packagist version has one.

use std::cmp::Ordering;

use crate::VersionError;
use crate::number::Number;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    /// A word, by its special-form weight.
    Word(i8),
    Number(Number),
}

/// The weight of a missing part and of a number against words.
const NUMBER_WEIGHT: i8 = 4;

fn word_weight(word: &str) -> i8 {
    const FORMS: [(&str, i8); 10] = [
        ("dev", 0),
        ("alpha", 1),
        ("a", 1),
        ("beta", 2),
        ("b", 2),
        ("RC", 3),
        ("rc", 3),
        ("#", 4),
        ("pl", 5),
        ("p", 5),
    ];
    FORMS.iter().find(|(form, _)| word.starts_with(form)).map_or(-1, |(_, w)| *w)
}

/// A parsed Composer version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Composer(Vec<Part>);

impl Composer {
    pub(crate) fn parse(s: &str) -> Result<Composer, VersionError> {
        let body = s.strip_prefix(['v', 'V']).unwrap_or(s);
        let mut parts = Vec::new();
        let bytes = body.as_bytes();
        let is_separator = |c: u8| matches!(c, b'.' | b'-' | b'_' | b'+');
        let mut i = 0;
        while i < bytes.len() {
            let c = bytes[i];
            if is_separator(c) {
                i += 1;
            } else if c.is_ascii_digit() {
                let len = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
                parts.push(Part::Number(Number::from_digits(&body[i..i + len])));
                i += len;
            } else {
                let len = bytes[i..].iter().take_while(|b| !b.is_ascii_digit() && !is_separator(**b)).count();
                parts.push(Part::Word(word_weight(&body[i..i + len])));
                i += len;
            }
        }
        if parts.is_empty() {
            return Err(VersionError::invalid(s, "Composer", "it has no number or letter"));
        }
        Ok(Composer(parts))
    }
}

/// Orders parts, `None` standing for a missing part: a word by weight against a number's 4;
/// a missing part is like a number for words, and below every number.
fn compare_parts(a: Option<&Part>, b: Option<&Part>) -> Ordering {
    match (a, b) {
        (Some(Part::Number(x)), Some(Part::Number(y))) => x.cmp(y),
        (Some(Part::Word(x)), Some(Part::Word(y))) => x.cmp(y),
        (Some(Part::Word(w)), Some(Part::Number(_)) | None) => w.cmp(&NUMBER_WEIGHT),
        (Some(Part::Number(_)) | None, Some(Part::Word(w))) => NUMBER_WEIGHT.cmp(w),
        (Some(Part::Number(_)), None) => Ordering::Greater,
        (None, Some(Part::Number(_))) => Ordering::Less,
        (None, None) => Ordering::Equal,
    }
}

impl Ord for Composer {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (&self.0, &other.0);
        for i in 0..a.len().max(b.len()) {
            let ord = compare_parts(a.get(i), b.get(i));
            if ord != Ordering::Equal {
                return ord;
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for Composer {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
