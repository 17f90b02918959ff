//! A version parsed once with its ecosystem's rules, to be compared many times.

use std::cmp::Ordering;
use std::fmt;

use crate::VersionError;
use crate::alpine::Alpine;
use crate::composer::Composer;
use crate::debian::Debian;
use crate::ecosystem::{Ecosystem, Scheme};
use crate::maven::Maven;
use crate::numeric::Numeric;
use crate::pypi::PyPi;
use crate::rpm::Rpm;
use crate::rubygems::RubyGems;
use crate::semver::SemVer;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Parsed {
    SemVer(SemVer),
    PyPi(PyPi),
    Maven(Maven),
    RubyGems(RubyGems),
    Composer(Composer),
    Debian(Debian),
    Alpine(Alpine),
    Rpm(Rpm),
    Numeric(Numeric),
}

/// A version read with the rules of one [`Scheme`].
///
/// Versions of the same scheme are totally ordered by that scheme's rules; equality is that
/// order's (`1.0` and `1.0.0` are equal for npm), not string equality. Versions of different
/// schemes are ordered by scheme first, which is only useful to keep them apart in a sorted
/// collection. [`Display`](fmt::Display) gives back the text as it was read.
#[derive(Debug, Clone)]
pub struct Version {
    scheme: Scheme,
    text: Box<str>,
    parsed: Parsed,
}

impl Version {
    /// Reads `text` with the rules of `scheme`.
    ///
    /// Whatever the scheme, a version holds no whitespace or control character, and (except for
    /// RPM, whose comparison gives `+` and `_` a meaning) a letter or digit: no ecosystem
    /// publishes anything else, even where its own comparison would accept any text (Maven,
    /// legacy PyPI versions, Packagist).
    pub fn parse_with(scheme: Scheme, text: &str) -> Result<Version, VersionError> {
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(VersionError::invalid(
                text,
                scheme.name(),
                "it holds whitespace or a control character",
            ));
        }
        if !text.is_empty() && scheme != Scheme::Rpm && !text.chars().any(|c| c.is_alphanumeric()) {
            return Err(VersionError::invalid(text, scheme.name(), "it has no letter or digit"));
        }
        let parsed = match scheme {
            Scheme::SemVer | Scheme::NuGet | Scheme::Pub => Parsed::SemVer(SemVer::parse(text, scheme)?),
            Scheme::Pep440 => Parsed::PyPi(PyPi::parse(text)?),
            Scheme::Maven if text.is_empty() => {
                return Err(VersionError::invalid(text, scheme.name(), "it is empty"));
            }
            Scheme::Maven => Parsed::Maven(Maven::parse(text)),
            Scheme::RubyGems => Parsed::RubyGems(RubyGems::parse(text)?),
            Scheme::Composer => Parsed::Composer(Composer::parse(text)?),
            Scheme::Debian => Parsed::Debian(Debian::parse(text)?),
            Scheme::Alpine => Parsed::Alpine(Alpine::parse(text)?),
            Scheme::Rpm => Parsed::Rpm(Rpm::parse(text)?),
            Scheme::Cran | Scheme::Hackage => Parsed::Numeric(Numeric::parse(text, scheme)?),
        };
        Ok(Version { scheme, text: text.into(), parsed })
    }

    /// The scheme the version was read with.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The text the version was read from.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// Reads `text` as a version of `ecosystem`.
///
/// ```
/// use accord_version::{Ecosystem, parse};
///
/// let a = parse(Ecosystem::PyPi, "1.0.post1").unwrap();
/// let b = parse(Ecosystem::PyPi, "1.0rc1").unwrap();
/// assert!(b < a);
/// ```
pub fn parse(ecosystem: Ecosystem, text: &str) -> Result<Version, VersionError> {
    let scheme = ecosystem.scheme().ok_or(VersionError::Unordered { ecosystem })?;
    Version::parse_with(scheme, text)
}

/// Compares two versions of `ecosystem`.
///
/// ```
/// use std::cmp::Ordering;
/// use accord_version::{Ecosystem, compare};
///
/// assert_eq!(compare(Ecosystem::Debian, "1:1.0~rc1-1", "1:1.0-1"), Ok(Ordering::Less));
/// assert_eq!(compare(Ecosystem::Maven, "1.0-SNAPSHOT", "1.0"), Ok(Ordering::Less));
/// assert_eq!(compare(Ecosystem::Go, "v1.2.3", "1.2.3+incompatible"), Ok(Ordering::Equal));
/// ```
pub fn compare(ecosystem: Ecosystem, a: &str, b: &str) -> Result<Ordering, VersionError> {
    Ok(parse(ecosystem, a)?.cmp(&parse(ecosystem, b)?))
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.scheme.cmp(&other.scheme).then_with(|| self.parsed.cmp(&other.parsed))
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}
