//! Python versions: PEP 440 through `pep440_rs`, and the versions PEP 440 refuses.
//!
//! PyPI still serves releases whose versions predate PEP 440 (`0.1-bulbasaur`). OSV data lists
//! them, so they are read the way `packaging` read them before version 22 (`LegacyVersion`):
//! they sort below every PEP 440 version, and among themselves by setuptools' old key.

use std::cmp::Ordering;
use std::str::FromStr;

use crate::VersionError;

/// A Python package version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PyPi {
    /// Not PEP 440: setuptools' legacy key, below every PEP 440 version.
    Legacy(Vec<Box<str>>),
    /// A PEP 440 version.
    Pep440(pep440_rs::Version),
}

impl PyPi {
    pub(crate) fn parse(s: &str) -> Result<PyPi, VersionError> {
        if s.trim().is_empty() {
            return Err(VersionError::invalid(s, "PEP 440", "it is empty"));
        }
        match pep440_rs::Version::from_str(s) {
            Ok(v) => Ok(PyPi::Pep440(v)),
            Err(_) => Ok(PyPi::Legacy(legacy_key(s))),
        }
    }
}

impl Ord for PyPi {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (PyPi::Pep440(a), PyPi::Pep440(b)) => a.cmp(b),
            (PyPi::Legacy(a), PyPi::Legacy(b)) => a.cmp(b),
            (PyPi::Legacy(_), PyPi::Pep440(_)) => Ordering::Less,
            (PyPi::Pep440(_), PyPi::Legacy(_)) => Ordering::Greater,
        }
    }
}

impl PartialOrd for PyPi {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// setuptools' legacy sort key: runs of digits (zero-padded to 8 so that they sort as
/// numbers), runs of letters and `-` become parts; `pre`, `preview` and `rc` read as `c`, `dev`
/// as `@` (before everything), `-` as `final-`; a closing `*final` part; and trailing zero
/// parts and `final-` parts before a pre-release marker dropped.
fn legacy_key(s: &str) -> Vec<Box<str>> {
    let lower = s.to_lowercase();
    let mut parts: Vec<Box<str>> = Vec::new();
    let mut push = |part: String| {
        if part.starts_with('*') {
            if part.as_str() < "*final" {
                while parts.last().is_some_and(|p| &**p == "*final-") {
                    parts.pop();
                }
            }
            while parts.last().is_some_and(|p| &**p == "00000000") {
                parts.pop();
            }
        }
        parts.push(part.into());
    };
    let bytes = lower.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let run = |pred: fn(&u8) -> bool| bytes[i..].iter().take_while(|b| pred(b)).count();
        let len = if c.is_ascii_digit() {
            run(u8::is_ascii_digit)
        } else if c.is_ascii_lowercase() {
            run(u8::is_ascii_lowercase)
        } else {
            1
        };
        if c.is_ascii_digit() {
            push(format!("{:0>8}", &lower[i..i + len]));
        } else if c.is_ascii_lowercase() {
            let word = match &lower[i..i + len] {
                "pre" | "preview" | "rc" => "c",
                "dev" => "@",
                other => other,
            };
            push(format!("*{word}"));
        } else if c == b'-' {
            push("*final-".to_owned());
        }
        i += len;
        // Any other character (`.`, `_`, `+`, non-ASCII …) only separates parts.
    }
    push("*final".to_owned());
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_versions_sort_below_pep440() {
        let legacy = PyPi::parse("0.9-ivysaur").unwrap();
        assert!(matches!(legacy, PyPi::Legacy(_)));
        assert!(legacy < PyPi::parse("0.0.1").unwrap());
        assert!(PyPi::parse("0.1-bulbasaur").unwrap() < legacy);
    }
}
