//! OSV `affected[].ranges` and `affected[].versions`, evaluated as the OSV schema says.
//!
//! For a `SEMVER` or `ECOSYSTEM` range, the events are sorted by version (`introduced: "0"`
//! is before everything) and walked in order: `introduced` opens the range at its version,
//! `fixed` closes it before its version, `last_affected` closes it after its version. A
//! version is affected when it is in an open stretch and below one of the range's `limit`s,
//! if it has any (`limit: "*"` is no limit). A `SEMVER` range uses SemVer order whatever the
//! ecosystem, except that in Pub and Julia, whose own tools order build metadata, it orders
//! build metadata too; an `ECOSYSTEM` range uses the ecosystem's order. `GIT` ranges name
//! commits, which a version number cannot be placed against: they are not evaluated.

use std::cmp::Ordering;

use crate::VersionError;
use crate::ecosystem::{Ecosystem, Scheme};
use crate::version::{Version, parse};

/// The `type` of an OSV range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RangeKind {
    /// `SEMVER`: versions are SemVer 2.0, whatever the ecosystem.
    Semver,
    /// `ECOSYSTEM`: versions are ordered by the package's ecosystem.
    Ecosystem,
    /// `GIT`: events are commit hashes; not evaluated here.
    Git,
}

/// One event of an OSV range.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Event {
    /// `introduced`: affected from this version on (`"0"`: from the beginning).
    Introduced(String),
    /// `fixed`: not affected from this version on.
    Fixed(String),
    /// `last_affected`: affected up to and including this version.
    LastAffected(String),
    /// `limit`: nothing at or above this version is affected (`"*"`: no limit).
    Limit(String),
}

/// An OSV range: its type and its events.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Range {
    /// The range's `type`.
    pub kind: RangeKind,
    /// The range's `events`, in any order.
    pub events: Vec<Event>,
}

/// What the ranges and versions of an OSV `affected` entry say about one version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// The version is listed in `versions` or falls in a `SEMVER` or `ECOSYSTEM` range.
    Affected,
    /// Every range was evaluated and none contains the version, nor does `versions` list it.
    NotAffected,
    /// The version is not listed, no range contains it, and some range could not be evaluated
    /// (a `GIT` range with no `versions` list to stand for it).
    NotEvaluated,
}

/// Where an event's version sits: `introduced: "0"` is before every version.
#[derive(Debug, Clone)]
enum Bound {
    Zero,
    At(Version),
}

impl Bound {
    fn cmp_version(&self, v: &Version) -> Ordering {
        match self {
            Bound::Zero => Ordering::Less,
            Bound::At(b) => b.cmp(v),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    // At the same version, an opening comes before a closing, so that `introduced: X`,
    // `fixed: X` stays an empty range.
    Introduced,
    Fixed,
    LastAffected,
}

/// Says whether `version` of a package of `ecosystem` is affected, given the `ranges` and the
/// explicit `versions` list of an OSV `affected` entry.
///
/// An exact match in `versions` (string equality, as the schema says) is affected without
/// reading any version. Otherwise every version of a `SEMVER` or `ECOSYSTEM` range, and
/// `version` itself, must be valid for the order used: an invalid one is an error, which names
/// it. An `ECOSYSTEM` range in an ecosystem without a version order is an error too. To check
/// many versions against one entry, [`Affected::compile`] it once.
///
/// ```
/// use accord_version::{Ecosystem, Event, Range, RangeKind, Verdict, affected};
///
/// let ranges = [Range {
///     kind: RangeKind::Ecosystem,
///     events: vec![Event::Introduced("0".into()), Event::Fixed("2.0.1".into())],
/// }];
/// let listed: &[&str] = &[];
/// assert_eq!(affected(Ecosystem::PyPi, &ranges, listed, "2.0"), Ok(Verdict::Affected));
/// assert_eq!(affected(Ecosystem::PyPi, &ranges, listed, "2.0.1"), Ok(Verdict::NotAffected));
/// ```
pub fn affected<S: AsRef<str>>(
    ecosystem: Ecosystem,
    ranges: &[Range],
    versions: &[S],
    version: &str,
) -> Result<Verdict, VersionError> {
    if versions.iter().any(|v| v.as_ref() == version) {
        return Ok(Verdict::Affected);
    }
    Affected::compile(ecosystem, ranges, versions)?.verdict(version)
}

/// An OSV `affected` entry with its range versions read once, for checking many versions (the
/// OSV query API and the scanner). [`verdict`](Affected::verdict) answers as [`affected`].
#[derive(Debug, Clone)]
pub struct Affected {
    ecosystem: Ecosystem,
    /// how `SEMVER` ranges order: SemVer 2.0, or the ecosystem's own SemVer variant when it
    /// orders build metadata (Pub, Julia), as its own tools and its advisories' authors do
    semver_scheme: Scheme,
    pub(crate) versions: Vec<Box<str>>,
    pub(crate) semver: Vec<CompiledRange>,
    pub(crate) native: Vec<CompiledRange>,
    unevaluated: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct CompiledRange {
    /// sorted by version, an opening before a closing at the same version
    steps: Vec<(Bound, Step)>,
    limits: Vec<Version>,
}

impl Affected {
    /// Reads every version of the entry's `SEMVER` and `ECOSYSTEM` ranges; an invalid one is an
    /// error that names it.
    pub fn compile<S: AsRef<str>>(
        ecosystem: Ecosystem,
        ranges: &[Range],
        versions: &[S],
    ) -> Result<Affected, VersionError> {
        let semver_scheme = match ecosystem.scheme() {
            Some(Scheme::Pub) => Scheme::Pub,
            _ => Scheme::SemVer,
        };
        let mut compiled = Affected {
            ecosystem,
            semver_scheme,
            versions: {
                let mut listed: Vec<Box<str>> = versions.iter().map(|v| v.as_ref().into()).collect();
                listed.sort_unstable();
                listed.dedup();
                listed
            },
            semver: Vec::new(),
            native: Vec::new(),
            unevaluated: false,
        };
        for range in ranges {
            match range.kind {
                RangeKind::Git => compiled.unevaluated = true,
                RangeKind::Semver => compiled
                    .semver
                    .push(CompiledRange::new(range, |t| Version::parse_with(semver_scheme, t))?),
                RangeKind::Ecosystem => {
                    compiled.native.push(CompiledRange::new(range, |t| parse(ecosystem, t))?)
                }
            }
        }
        Ok(compiled)
    }

    /// Whether `version` is affected. `version` is read only when a range needs it: an invalid
    /// version is an error unless `versions` lists it.
    pub fn verdict(&self, version: &str) -> Result<Verdict, VersionError> {
        if self.lists(version) {
            return Ok(Verdict::Affected);
        }
        if !self.semver.is_empty() {
            let v = Version::parse_with(self.semver_scheme, version)?;
            if self.semver.iter().any(|r| r.includes(&v)) {
                return Ok(Verdict::Affected);
            }
        }
        if !self.native.is_empty() {
            let v = parse(self.ecosystem, version)?;
            if self.native.iter().any(|r| r.includes(&v)) {
                return Ok(Verdict::Affected);
            }
        }
        if self.unevaluated && self.versions.is_empty() {
            Ok(Verdict::NotEvaluated)
        } else {
            Ok(Verdict::NotAffected)
        }
    }

    /// Whether the entry's `versions` list names `version` exactly.
    pub fn lists(&self, version: &str) -> bool {
        self.versions.binary_search_by(|v| (**v).cmp(version)).is_ok()
    }

    /// The order of the entry's `ECOSYSTEM` ranges (`None` when it has none to order).
    pub(crate) fn native_scheme(&self) -> Option<Scheme> {
        self.ecosystem.scheme()
    }

    /// The order of the entry's `SEMVER` ranges (SemVer, or Pub for Pub and Julia).
    pub fn semver_scheme(&self) -> Scheme {
        self.semver_scheme
    }

    /// Whether `version`, already read with [`semver_scheme`](Affected::semver_scheme) (for
    /// `SEMVER` ranges) and with the ecosystem's order (for `ECOSYSTEM` ranges), is affected;
    /// `None` for a reading that failed, which then matches no range of that type. For asking
    /// many entries of one package about one version without reading it again for each.
    pub fn includes(&self, version: &str, semver: Option<&Version>, native: Option<&Version>) -> bool {
        self.lists(version)
            || semver.is_some_and(|v| self.semver.iter().any(|r| r.includes(v)))
            || native.is_some_and(|v| self.native.iter().any(|r| r.includes(v)))
    }
}

impl CompiledRange {
    fn new(
        range: &Range,
        read: impl Fn(&str) -> Result<Version, VersionError>,
    ) -> Result<Self, VersionError> {
        let mut steps = Vec::with_capacity(range.events.len());
        let mut limits = Vec::new();
        for event in &range.events {
            match event {
                Event::Introduced(v) if v == "0" => steps.push((Bound::Zero, Step::Introduced)),
                Event::Introduced(v) => steps.push((Bound::At(read(v)?), Step::Introduced)),
                Event::Fixed(v) => steps.push((Bound::At(read(v)?), Step::Fixed)),
                Event::LastAffected(v) => steps.push((Bound::At(read(v)?), Step::LastAffected)),
                Event::Limit(v) if v == "*" => {}
                Event::Limit(v) => limits.push(read(v)?),
            }
        }
        steps.sort_by(|(a, sa), (b, sb)| {
            let by_version = match (a, b) {
                (Bound::Zero, Bound::Zero) => Ordering::Equal,
                (Bound::Zero, Bound::At(_)) => Ordering::Less,
                (Bound::At(_), Bound::Zero) => Ordering::Greater,
                (Bound::At(x), Bound::At(y)) => x.cmp(y),
            };
            by_version.then(sa.cmp(sb))
        });
        Ok(CompiledRange { steps, limits })
    }

    /// The versions where the range's answer can change: its events' and limits' versions.
    pub(crate) fn boundaries(&self) -> impl Iterator<Item = &Version> {
        self.steps
            .iter()
            .filter_map(|(b, _)| match b {
                Bound::Zero => None,
                Bound::At(v) => Some(v),
            })
            .chain(self.limits.iter())
    }

    /// The answer for every version strictly above `after` (`None`: below everything) and below
    /// the next of a set of versions that holds all of this range's [`boundaries`]: it is the
    /// same for all of them.
    ///
    /// [`boundaries`]: CompiledRange::boundaries
    pub(crate) fn includes_between(&self, after: Option<&Version>) -> bool {
        // An event's version is below such a version when it is at or below `after`, and
        // above it otherwise: never equal.
        let below = |b: &Version| after.is_some_and(|a| b <= a);
        let mut is_affected = false;
        for (bound, step) in &self.steps {
            let passed = match bound {
                Bound::Zero => true,
                Bound::At(b) => below(b),
            };
            match step {
                Step::Introduced if passed => is_affected = true,
                Step::Fixed | Step::LastAffected if passed => is_affected = false,
                _ => {}
            }
        }
        let below_limits = self.limits.is_empty() || self.limits.iter().any(|limit| !below(limit));
        is_affected && below_limits
    }

    pub(crate) fn includes(&self, version: &Version) -> bool {
        let mut is_affected = false;
        for (bound, step) in &self.steps {
            let here = bound.cmp_version(version);
            match step {
                Step::Introduced if here != Ordering::Greater => is_affected = true,
                Step::Fixed if here != Ordering::Greater => is_affected = false,
                Step::LastAffected if here == Ordering::Less => is_affected = false,
                _ => {}
            }
        }
        let below_limits = self.limits.is_empty() || self.limits.iter().any(|limit| version < limit);
        is_affected && below_limits
    }
}
