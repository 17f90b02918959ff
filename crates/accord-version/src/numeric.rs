//! Versions that are only integers: CRAN (R's `package_version`, separators `.` and `-`) and
//! Hackage (Haskell's `Data.Version`, separator `.`). Both compare the integer lists
//! lexicographically, so a longer list with the same start is greater (`1.0 < 1.0.0`).

use crate::VersionError;
use crate::ecosystem::Scheme;
use crate::number::{Number, all_digits};

/// A list of integers, compared lexicographically.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Numeric(Vec<Number>);

impl Numeric {
    pub(crate) fn parse(s: &str, scheme: Scheme) -> Result<Numeric, VersionError> {
        let body = match scheme {
            Scheme::Hackage => s.strip_prefix('v').unwrap_or(s),
            _ => s,
        };
        let separators: &[char] = if scheme == Scheme::Cran { &['.', '-'] } else { &['.'] };
        let mut parts = Vec::new();
        for part in body.split(separators) {
            if !all_digits(part) {
                let reason = if scheme == Scheme::Cran {
                    "it must be integers separated by . or -"
                } else {
                    "it must be integers separated by ."
                };
                return Err(VersionError::invalid(s, scheme.name(), reason));
            }
            parts.push(Number::from_digits(part));
        }
        Ok(Numeric(parts))
    }
}
