//! SemVer 2.0 as OSV data uses it (npm, crates.io, Go, Hex, … and every `SEMVER` range), with
//! the two close relatives NuGet and Pub.
//!
//! Read leniently, as osv-scanner does: a leading `v` is dropped (Go writes `v1.2.3`), the
//! release may have any number of numeric components (`1.2` = `1.2.0`, NuGet's `1.0.0.1`), and
//! numbers have no size limit. A pre-release starts at the first character that is neither a
//! digit nor a `.` (`1.0.0-beta`, also `1.0.0beta`) and ends at `+`; the build metadata after
//! `+` does not count, except for Pub. Go's `+incompatible` is build metadata, and Go
//! pseudo-versions (`v0.0.0-20191109021931-daa7c04131f5`) are ordinary pre-releases.

use std::cmp::Ordering;

use crate::VersionError;
use crate::ecosystem::Scheme;
use crate::number::Number;

/// One dot-separated identifier of a pre-release or build.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Identifier {
    /// Only digits: compared numerically, and below any alphanumeric identifier.
    Numeric(Number),
    /// Anything else: compared in ASCII order.
    Text(Box<str>),
}

/// A parsed SemVer-like version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SemVer {
    /// Numeric components without trailing zeros, so that `1.2 = 1.2.0`.
    release: Vec<Number>,
    /// Empty for a release.
    pre: Vec<Identifier>,
    /// Kept only by Pub, where it orders.
    build: Vec<Identifier>,
}

impl SemVer {
    pub(crate) fn parse(s: &str, scheme: Scheme) -> Result<SemVer, VersionError> {
        let invalid = |reason| VersionError::invalid(s, scheme.name(), reason);
        let rest = s.strip_prefix('v').unwrap_or(s);
        if !rest.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(invalid("it must start with a number (after an optional v)"));
        }
        let release_len = rest.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(rest.len());
        let mut release: Vec<Number> =
            rest[..release_len].split('.').filter(|c| !c.is_empty()).map(Number::from_digits).collect();
        while release.last().is_some_and(Number::is_zero) {
            release.pop();
        }
        let tail = &rest[release_len..];
        let (pre, build) = match tail.split_once('+') {
            Some((pre, build)) => (pre, Some(build)),
            None => (tail, None),
        };
        let pre = pre.strip_prefix('-').unwrap_or(pre);
        if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid("it contains a space or a control character"));
        }
        let lower = scheme == Scheme::NuGet;
        let pre = identifiers(pre, lower);
        let build = match build {
            Some(build) if scheme == Scheme::Pub => identifiers(build, false),
            _ => Vec::new(),
        };
        Ok(SemVer { release, pre, build })
    }
}

fn identifiers(s: &str, lower: bool) -> Vec<Identifier> {
    if s.is_empty() {
        return Vec::new();
    }
    s.split('.')
        .map(|id| {
            if crate::number::all_digits(id) {
                Identifier::Numeric(Number::from_digits(id))
            } else if lower {
                Identifier::Text(id.to_ascii_lowercase().into())
            } else {
                Identifier::Text(id.into())
            }
        })
        .collect()
}

impl Ord for SemVer {
    fn cmp(&self, other: &Self) -> Ordering {
        self.release
            .cmp(&other.release)
            // A version with a pre-release comes before the release itself.
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => self.pre.cmp(&other.pre),
            })
            // Pub only: a build comes after the version without one.
            .then_with(|| self.build.cmp(&other.build))
    }
}

impl PartialOrd for SemVer {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn go(s: &str) -> SemVer {
        SemVer::parse(s, Scheme::SemVer).expect("a valid version")
    }

    #[test]
    fn go_pseudo_versions_sort_as_prereleases() {
        // vX.0.0-timestamp-commit: before every release of that line.
        assert!(go("v0.0.0-20191109021931-daa7c04131f5") < go("v0.0.0-20201109021931-aaaaaaaaaaaa"));
        assert!(go("v0.0.0-20201109021931-aaaaaaaaaaaa") < go("v0.0.1"));
        // vX.Y.(Z+1)-0.timestamp-commit: after vX.Y.Z, before vX.Y.(Z+1)-alpha.
        assert!(go("v1.2.3") < go("v1.2.4-0.20191109021931-daa7c04131f5"));
        assert!(go("v1.2.4-0.20191109021931-daa7c04131f5") < go("v1.2.4-alpha"));
        assert_eq!(go("v2.0.0+incompatible"), go("2.0.0"));
    }

    #[test]
    fn extra_numeric_components_order_numerically() {
        assert!(go("1.1.3") < go("1.1.3.4"));
        assert_eq!(go("1.2"), go("1.2.0.0"));
        assert!(go("1.2.3.4-beta") < go("1.2.3.4"));
    }
}
