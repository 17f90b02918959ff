//! Alpine's apk versions (also Wolfi, Chainguard, MinimOS, Alpaquita …).
//!
//! `digits(.digits)*[letter](_suffix[N])*[~hash][-rN]`. Versions compare by numeric
//! components (the first by value; a later one that starts with `0` is compared as a string, as
//! apk compares it as a decimal fraction), then the optional lower-case letter (none first), then
//! the suffixes (`_alpha < _beta < _pre < _rc < none < _cvs < _svn < _git < _hg < _p`, each then
//! by its number), then the `-r` revision. The commit hash does not order.
//!
//! What does not fit this shape is kept as a remainder: a version with a remainder sorts just
//! below the same version without it, and two versions that apk cannot read at all (no `-r`
//! where one is due) fall back to comparing their text, as osv-scanner does. That fallback is
//! not transitive across readable and unreadable versions (`^ <= a <= 1~` yet `^ > 1~`); the
//! order is a total order on versions apk can read.

use std::cmp::Ordering;

use crate::VersionError;
use crate::number::Number;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Component {
    digits: Box<str>,
    value: Number,
}

/// Compares a component after the first: one with a leading zero is compared as text.
fn compare_later(a: &Component, b: &Component) -> Ordering {
    if a.digits.starts_with('0') || b.digits.starts_with('0') {
        a.digits.cmp(&b.digits)
    } else {
        a.value.cmp(&b.value)
    }
}

const SUFFIXES: [&str; 9] = ["alpha", "beta", "pre", "rc", "cvs", "svn", "git", "hg", "p"];
/// The weight of "no suffix": between `_rc` and `_cvs`.
const NO_SUFFIX: u8 = 4;

fn suffix_weight(name: &str) -> u8 {
    let i = SUFFIXES.iter().position(|s| *s == name).unwrap_or(0) as u8;
    if i >= NO_SUFFIX { i + 1 } else { i }
}

/// A parsed apk version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Alpine {
    original: Box<str>,
    components: Vec<Component>,
    letter: Option<u8>,
    suffixes: Vec<(u8, Number)>,
    revision: Number,
    /// apk cannot read the version: something other than `-r` follows the known parts.
    unreadable: bool,
    /// Whatever is left after the known parts.
    remainder: Box<str>,
}

impl Alpine {
    pub(crate) fn parse(s: &str) -> Result<Alpine, VersionError> {
        if s.is_empty() || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(VersionError::invalid(s, "Alpine", "it is empty or holds spaces"));
        }
        let mut rest = s;
        let mut components = Vec::new();
        // Digit runs, each optionally followed by one `.`.
        loop {
            let n = rest.bytes().take_while(u8::is_ascii_digit).count();
            if n == 0 {
                break;
            }
            components.push(Component { digits: rest[..n].into(), value: Number::from_digits(&rest[..n]) });
            rest = &rest[n..];
            match rest.strip_prefix('.') {
                Some(r) => rest = r,
                None => break,
            }
        }
        let mut letter = None;
        if let Some(c) = rest.bytes().next().filter(u8::is_ascii_lowercase) {
            letter = Some(c);
            rest = &rest[1..];
        }
        let mut suffixes = Vec::new();
        while let Some(after) = rest.strip_prefix('_') {
            let Some(name) = SUFFIXES.iter().find(|name| after.starts_with(**name)) else { break };
            let after = &after[name.len()..];
            let n = after.bytes().take_while(u8::is_ascii_digit).count();
            suffixes.push((suffix_weight(name), Number::from_digits(&after[..n])));
            rest = &after[n..];
        }
        if let Some(after) = rest.strip_prefix('~') {
            let n = after.bytes().take_while(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c)).count();
            if n > 0 {
                rest = &after[n..];
            }
        }
        let mut revision = Number::zero();
        let mut unreadable = false;
        if let Some(after) = rest.strip_prefix("-r") {
            let n = after.bytes().take_while(u8::is_ascii_digit).count();
            revision = Number::from_digits(&after[..n]);
            rest = &after[n..];
        } else if !rest.is_empty() {
            unreadable = true;
        }
        Ok(Alpine {
            original: s.into(),
            components,
            letter,
            suffixes,
            revision,
            unreadable,
            remainder: rest.into(),
        })
    }

    fn compare_components(&self, other: &Self) -> Ordering {
        let zero = Component { digits: "0".into(), value: Number::zero() };
        for i in 0..self.components.len().max(other.components.len()) {
            let a = self.components.get(i).unwrap_or(&zero);
            let b = other.components.get(i).unwrap_or(&zero);
            let ord = if i == 0 { a.value.cmp(&b.value) } else { compare_later(a, b) };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        Ordering::Equal
    }

    fn compare_suffixes(&self, other: &Self) -> Ordering {
        let none = (NO_SUFFIX, Number::zero());
        for i in 0..self.suffixes.len().max(other.suffixes.len()) {
            let a = self.suffixes.get(i).unwrap_or(&none);
            let b = other.suffixes.get(i).unwrap_or(&none);
            let ord = a.cmp(b);
            if ord != Ordering::Equal {
                return ord;
            }
        }
        Ordering::Equal
    }
}

impl Ord for Alpine {
    fn cmp(&self, other: &Self) -> Ordering {
        if self.unreadable && other.unreadable {
            return self.original.cmp(&other.original);
        }
        self.compare_components(other)
            .then_with(|| self.letter.cmp(&other.letter))
            .then_with(|| self.compare_suffixes(other))
            .then_with(|| self.revision.cmp(&other.revision))
            .then_with(|| self.remainder.is_empty().cmp(&other.remainder.is_empty()))
    }
}

impl PartialOrd for Alpine {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
