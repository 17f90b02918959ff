//! Which advisories affect a package version: OSV `affected` entries indexed by ecosystem and
//! package name, read once and asked many times (the OSV query API, the scanner).
//!
//! Package names are compared as their ecosystem compares them: PyPI names are normalised as
//! PEP 503 says (case and runs of `-`, `_`, `.` do not matter); every other ecosystem's names
//! are exact. An ecosystem with a release suffix (`Debian:12`) matches entries of that release
//! and entries without a release; one without a suffix (`Debian`) matches every release.

use std::collections::HashMap;
use std::hash::Hash;

use crate::ecosystem::Ecosystem;
use crate::range::{Affected, Range, RangeKind};
use crate::version::Version;
use crate::{Event, VersionError};

/// One `affected` entry of an advisory, as the index takes it.
#[derive(Debug, Clone)]
pub struct PackageEntry<'a> {
    /// The entry's `package.ecosystem`, release suffix included (`Debian:12`).
    pub ecosystem: &'a str,
    /// The entry's `package.name`.
    pub name: &'a str,
    /// The entry's `ranges`.
    pub ranges: &'a [Range],
    /// The entry's `versions`.
    pub versions: &'a [String],
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct PackageKey {
    family: Box<str>,
    name: Box<str>,
}

#[derive(Debug, Clone)]
struct Entry<T> {
    advisory: T,
    release: Option<Box<str>>,
    matcher: Matcher,
}

#[derive(Debug, Clone)]
enum Matcher {
    Compiled(Affected),
    /// A range version could not be read (or the ecosystem is unknown): only the sorted
    /// `versions` list is used
    Listed(Vec<Box<str>>),
}

/// One package's answers worked out in advance ([`PackageIndex::finish`]): for each order its
/// entries' ranges use, every boundary version of those ranges, sorted, and the advisories
/// affected at each boundary and between each two (the answer cannot change in between); and
/// the advisories listing each exact version.
#[derive(Debug, Clone)]
struct Table<T> {
    orders: Vec<OrderTable<T>>,
    exact: HashMap<Box<str>, Vec<T>>,
}

#[derive(Debug, Clone)]
struct OrderTable<T> {
    scheme: crate::Scheme,
    boundaries: Vec<Version>,
    /// `2 * boundaries.len() + 1` slots: below the first boundary, at it, between it and the
    /// next, …, above the last
    slots: Vec<Vec<T>>,
}

impl<T: Copy + Eq> OrderTable<T> {
    fn slot(&self, v: &Version) -> &[T] {
        match self.boundaries.binary_search(v) {
            Ok(i) => &self.slots[2 * i + 1],
            Err(i) => &self.slots[2 * i],
        }
    }
}

/// The index: advisory handles (`T`, e.g. a row number) by package.
#[derive(Debug, Clone)]
pub struct PackageIndex<T> {
    packages: HashMap<PackageKey, Vec<Entry<T>>>,
    tables: HashMap<PackageKey, Table<T>>,
    commits: HashMap<Box<str>, Vec<T>>,
    entries: usize,
}

impl<T> Default for PackageIndex<T> {
    fn default() -> Self {
        PackageIndex { packages: HashMap::new(), tables: HashMap::new(), commits: HashMap::new(), entries: 0 }
    }
}

/// Splits `Debian:12` into (`Debian`, `Some("12")`).
fn split_ecosystem(ecosystem: &str) -> (&str, Option<&str>) {
    match ecosystem.split_once(':') {
        Some((family, release)) if !release.is_empty() => (family, Some(release)),
        Some((family, _)) => (family, None),
        None => (ecosystem, None),
    }
}

/// The name as the ecosystem compares it.
pub fn normalize_name(ecosystem: &str, name: &str) -> String {
    if split_ecosystem(ecosystem).0 == "PyPI" {
        // PEP 503: lower case, every run of -, _ and . as one -
        let mut out = String::with_capacity(name.len());
        let mut in_run = false;
        for c in name.chars() {
            if matches!(c, '-' | '_' | '.') {
                if !in_run {
                    out.push('-');
                }
                in_run = true;
            } else {
                out.extend(c.to_lowercase());
                in_run = false;
            }
        }
        out
    } else {
        name.to_owned()
    }
}

impl<T: Copy + Eq + Hash> PackageIndex<T> {
    /// An empty index.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an advisory's `affected` entry. An entry whose ranges hold a version that cannot
    /// be read (or whose ecosystem is unknown or has no order) is still indexed for its
    /// `versions` list; the error is returned so that the caller can report it.
    pub fn add(&mut self, advisory: T, entry: &PackageEntry<'_>) -> Result<(), VersionError> {
        let (family, release) = split_ecosystem(entry.ecosystem);
        let key = PackageKey { family: family.into(), name: normalize_name(family, entry.name).into() };
        for range in entry.ranges.iter().filter(|r| r.kind == RangeKind::Git) {
            for event in &range.events {
                if let Event::Introduced(c) | Event::LastAffected(c) = event
                    && c != "0"
                {
                    self.commits.entry(c.as_str().into()).or_default().push(advisory);
                }
            }
        }
        let compiled = match family.parse::<Ecosystem>() {
            Ok(eco) => Affected::compile(eco, entry.ranges, entry.versions).map(Some),
            // An ecosystem this crate does not know: only exact versions can be matched, which
            // loses nothing when its ranges are all commit ranges.
            Err(_) if entry.ranges.iter().all(|r| r.kind == RangeKind::Git) => Ok(None),
            Err(_) => Err(VersionError::UnknownEcosystem { name: family.to_owned() }),
        };
        let listed = || {
            let mut v: Vec<Box<str>> = entry.versions.iter().map(|v| v.as_str().into()).collect();
            v.sort_unstable();
            v
        };
        let (matcher, error) = match compiled {
            Ok(Some(a)) => (Matcher::Compiled(a), None),
            Ok(None) => (Matcher::Listed(listed()), None),
            Err(e) => (Matcher::Listed(listed()), Some(e)),
        };
        self.tables.remove(&key);
        self.packages.entry(key).or_default().push(Entry {
            advisory,
            release: release.map(Into::into),
            matcher,
        });
        self.entries += 1;
        match error {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Works out every package's answers in advance, so that a query reads one table per
    /// version order instead of evaluating each entry of the package. Packages whose entries
    /// name releases (`Debian:12`) keep the per-entry evaluation. Adding entries afterwards
    /// drops the work for their package.
    pub fn finish(&mut self) {
        for (key, entries) in &self.packages {
            if self.tables.contains_key(key) || entries.iter().any(|e| e.release.is_some()) {
                continue;
            }
            self.tables.insert(key.clone(), Self::table(entries));
        }
    }

    fn table(entries: &[Entry<T>]) -> Table<T> {
        let mut exact: HashMap<Box<str>, Vec<T>> = HashMap::new();
        // (scheme, advisory, range) for every SEMVER and ECOSYSTEM range
        let mut ranges = Vec::new();
        for e in entries {
            let listed = match &e.matcher {
                Matcher::Compiled(a) => {
                    let native = a.native_scheme();
                    ranges.extend(a.semver.iter().map(|r| (a.semver_scheme(), e.advisory, r)));
                    if let Some(native) = native {
                        ranges.extend(a.native.iter().map(|r| (native, e.advisory, r)));
                    }
                    &a.versions
                }
                Matcher::Listed(listed) => listed,
            };
            for v in listed {
                let at = exact.entry(v.clone()).or_default();
                if !at.contains(&e.advisory) {
                    at.push(e.advisory);
                }
            }
        }
        let mut schemes: Vec<crate::Scheme> = ranges.iter().map(|r| r.0).collect();
        schemes.sort();
        schemes.dedup();
        let orders = schemes
            .into_iter()
            .map(|scheme| {
                let mine: Vec<_> = ranges.iter().filter(|r| r.0 == scheme).collect();
                let mut boundaries: Vec<Version> =
                    mine.iter().flat_map(|r| r.2.boundaries().cloned()).collect();
                boundaries.sort();
                boundaries.dedup_by(|a, b| a == b);
                let mut slots: Vec<Vec<T>> = vec![Vec::new(); 2 * boundaries.len() + 1];
                for (_, advisory, range) in &mine {
                    for (i, slot) in slots.iter_mut().enumerate() {
                        let hit = if i % 2 == 1 {
                            range.includes(&boundaries[i / 2])
                        } else {
                            range.includes_between(if i == 0 { None } else { Some(&boundaries[i / 2 - 1]) })
                        };
                        if hit && !slot.contains(advisory) {
                            slot.push(*advisory);
                        }
                    }
                }
                OrderTable { scheme, boundaries, slots }
            })
            .collect();
        Table { orders, exact }
    }

    /// The number of entries indexed.
    pub fn len(&self) -> usize {
        self.entries
    }

    /// Whether nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.entries == 0
    }

    /// The advisories whose entries for this package affect `version` (any version when
    /// `None`), each once, in the order they were added. A version the ecosystem cannot read
    /// matches only entries that list it exactly.
    pub fn affecting(&self, ecosystem: &str, name: &str, version: Option<&str>) -> Vec<T> {
        let (family, release) = split_ecosystem(ecosystem);
        let key = PackageKey { family: family.into(), name: normalize_name(family, name).into() };
        if let (Some(table), Some(v)) = (self.tables.get(&key), version) {
            let exact = table.exact.get(v);
            // The common case, one order and no exact listing: the slot is the answer (a slot
            // holds each advisory once, in the order they were added).
            if let ([order], None) = (table.orders.as_slice(), exact) {
                return match Version::parse_with(order.scheme, v) {
                    Ok(parsed) => order.slot(&parsed).to_vec(),
                    Err(_) => Vec::new(),
                };
            }
            let mut found: Vec<T> = exact.cloned().unwrap_or_default();
            for order in &table.orders {
                if let Ok(parsed) = Version::parse_with(order.scheme, v) {
                    for a in order.slot(&parsed) {
                        if !found.contains(a) {
                            found.push(*a);
                        }
                    }
                }
            }
            return found;
        }
        let Some(entries) = self.packages.get(&key) else { return Vec::new() };
        // The version is read once per order, not once per entry.
        let eco = family.parse::<Ecosystem>().ok();
        let semver_scheme = entries.iter().find_map(|e| match &e.matcher {
            Matcher::Compiled(a) => Some(a.semver_scheme()),
            Matcher::Listed(_) => None,
        });
        let semver = version.zip(semver_scheme).and_then(|(v, s)| Version::parse_with(s, v).ok());
        let native = version.zip(eco).and_then(|(v, e)| crate::version::parse(e, v).ok());
        let mut found: Vec<T> = Vec::new();
        for e in entries {
            if let (Some(want), Some(have)) = (release, e.release.as_deref())
                && want != have
            {
                continue;
            }
            if found.contains(&e.advisory) {
                continue;
            }
            let hit = match version {
                None => true,
                Some(v) => match &e.matcher {
                    Matcher::Compiled(a) => a.includes(v, semver.as_ref(), native.as_ref()),
                    Matcher::Listed(listed) => listed.binary_search_by(|l| (**l).cmp(v)).is_ok(),
                },
            };
            if hit {
                found.push(e.advisory);
            }
        }
        found
    }

    /// The advisories that name `commit` as `introduced` or `last_affected` in a `GIT` range.
    /// (Commits between those events are not known without the repository's history.)
    pub fn affecting_commit(&self, commit: &str) -> Vec<T> {
        let mut found: Vec<T> = Vec::new();
        for a in self.commits.get(commit).into_iter().flatten() {
            if !found.contains(a) {
                found.push(*a);
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(kind: RangeKind, events: &[(&str, &str)]) -> Range {
        Range {
            kind,
            events: events
                .iter()
                .map(|(k, v)| match *k {
                    "introduced" => Event::Introduced((*v).into()),
                    "fixed" => Event::Fixed((*v).into()),
                    "last_affected" => Event::LastAffected((*v).into()),
                    _ => Event::Limit((*v).into()),
                })
                .collect(),
        }
    }

    #[test]
    fn pypi_names_are_normalised_and_others_are_exact() {
        assert_eq!(normalize_name("PyPI", "Zope.Interface__x"), "zope-interface-x");
        assert_eq!(normalize_name("npm", "Left_Pad"), "Left_Pad");
        let ranges = [range(RangeKind::Ecosystem, &[("introduced", "0"), ("fixed", "2.0")])];
        let mut index = PackageIndex::new();
        index
            .add(1, &PackageEntry { ecosystem: "PyPI", name: "Django_Rest", ranges: &ranges, versions: &[] })
            .unwrap();
        index
            .add(2, &PackageEntry { ecosystem: "npm", name: "Django_Rest", ranges: &ranges, versions: &[] })
            .unwrap();
        assert_eq!(index.affecting("PyPI", "django-rest", Some("1.0")), [1]);
        assert_eq!(index.affecting("npm", "django-rest", Some("1.0")), Vec::<i32>::new());
        assert_eq!(index.affecting("npm", "Django_Rest", Some("1.0.0")), [2]);
        assert_eq!(index.affecting("PyPI", "django-rest", Some("2.0")), Vec::<i32>::new());
        assert_eq!(index.affecting("PyPI", "django-rest", None), [1]);
    }

    #[test]
    fn releases_narrow_and_a_bare_family_matches_every_release() {
        let ranges = [range(RangeKind::Ecosystem, &[("introduced", "0"), ("fixed", "1.2-1")])];
        let mut index = PackageIndex::new();
        index
            .add(
                "d11",
                &PackageEntry { ecosystem: "Debian:11", name: "zlib", ranges: &ranges, versions: &[] },
            )
            .unwrap();
        index
            .add(
                "d12",
                &PackageEntry { ecosystem: "Debian:12", name: "zlib", ranges: &ranges, versions: &[] },
            )
            .unwrap();
        index
            .add("any", &PackageEntry { ecosystem: "Debian", name: "zlib", ranges: &ranges, versions: &[] })
            .unwrap();
        assert_eq!(index.affecting("Debian:12", "zlib", Some("1.1-1")), ["d12", "any"]);
        assert_eq!(index.affecting("Debian", "zlib", Some("1.1-1")), ["d11", "d12", "any"]);
        assert_eq!(index.affecting("Debian", "zlib", Some("1.2-1")), Vec::<&str>::new());
    }

    #[test]
    fn an_unreadable_entry_still_matches_its_listed_versions() {
        let bad = [range(RangeKind::Ecosystem, &[("introduced", "0"), ("fixed", "not a version")])];
        let listed = ["1.0.0".to_owned()];
        let mut index = PackageIndex::new();
        let err =
            index.add(7, &PackageEntry { ecosystem: "npm", name: "x", ranges: &bad, versions: &listed });
        assert!(err.is_err(), "the bad range is reported");
        assert_eq!(index.affecting("npm", "x", Some("1.0.0")), [7]);
        assert_eq!(index.affecting("npm", "x", Some("0.5.0")), Vec::<i32>::new());
        assert_eq!(index.len(), 1);
    }

    #[test]
    fn one_advisory_is_answered_once_and_commits_are_matched_by_name() {
        let a = [range(RangeKind::Semver, &[("introduced", "1.0.0"), ("fixed", "1.5.0")])];
        let b = [range(RangeKind::Semver, &[("introduced", "1.2.0"), ("last_affected", "1.3.0")])];
        let git = [range(RangeKind::Git, &[("introduced", "abc123"), ("fixed", "def456")])];
        let mut index = PackageIndex::new();
        index.add(1, &PackageEntry { ecosystem: "crates.io", name: "c", ranges: &a, versions: &[] }).unwrap();
        index.add(1, &PackageEntry { ecosystem: "crates.io", name: "c", ranges: &b, versions: &[] }).unwrap();
        index
            .add(2, &PackageEntry { ecosystem: "OSS-Fuzz", name: "lib", ranges: &git, versions: &[] })
            .unwrap();
        assert_eq!(index.affecting("crates.io", "c", Some("1.2.5")), [1]);
        assert_eq!(index.affecting_commit("abc123"), [2]);
        assert_eq!(index.affecting_commit("def456"), Vec::<i32>::new(), "the fixing commit is not affected");
    }

    /// The answers worked out in advance agree with the entries' own, at boundaries, between
    /// them, below and above them, with limits, last_affected, several ranges and orders.
    #[test]
    fn finished_tables_answer_as_the_entries() {
        let a = [range(
            RangeKind::Semver,
            &[("introduced", "0"), ("fixed", "1.2.0"), ("introduced", "2.0.0"), ("last_affected", "2.3.0")],
        )];
        let b = [range(RangeKind::Ecosystem, &[("introduced", "1.0.0"), ("limit", "1.5.0")])];
        let c = [range(RangeKind::Semver, &[("introduced", "1.1.0"), ("fixed", "1.1.0")])];
        let listed = ["9.9.9".to_owned()];
        let mut index = PackageIndex::new();
        index.add(1, &PackageEntry { ecosystem: "npm", name: "p", ranges: &a, versions: &[] }).unwrap();
        index.add(2, &PackageEntry { ecosystem: "npm", name: "p", ranges: &b, versions: &listed }).unwrap();
        index.add(3, &PackageEntry { ecosystem: "npm", name: "p", ranges: &c, versions: &[] }).unwrap();
        let mut finished = index.clone();
        finished.finish();
        for v in [
            "0.0.1",
            "1.0.0",
            "1.0.5",
            "1.1.0",
            "1.1.5",
            "1.2.0",
            "1.2.0-rc.1",
            "1.4.9",
            "1.5.0",
            "1.9.0",
            "2.0.0",
            "2.2.0",
            "2.3.0",
            "2.3.1",
            "9.9.9",
            "not-a-version",
        ] {
            let (mut slow, mut fast) =
                (index.affecting("npm", "p", Some(v)), finished.affecting("npm", "p", Some(v)));
            slow.sort_unstable();
            fast.sort_unstable();
            assert_eq!(slow, fast, "{v}");
        }
        assert_eq!(finished.affecting("npm", "p", Some("1.1.5")), [1, 2]);
        assert_eq!(finished.affecting("npm", "p", Some("2.3.0")), [1]);
        assert_eq!(finished.affecting("npm", "p", Some("9.9.9")), [2]);
        assert!(finished.affecting("npm", "p", Some("1.5.0")).is_empty());
    }
}
