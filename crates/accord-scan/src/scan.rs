//! Matching packages against the database.
//!
//! Packages are grouped by key (ecosystem family and name as the ecosystem compares it), so a
//! package named in many files is looked up once; each group's entries are decoded and their
//! ranges compiled once, then every version of the group is evaluated. Each range is compiled
//! on its own so that the `fixed` versions reported are those of the ranges that contain the
//! version.

use rustc_hash::FxHashMap as HashMap;

use accord_version::{Affected, Ecosystem, Event, Range, RangeKind, Scheme, Version};

use crate::db::{Advisory, Database, DbError, Entry, package_key};

/// A package to check, as a scan takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query<'a> {
    /// OSV ecosystem, with a release suffix where it has one (`Debian:12`).
    pub ecosystem: &'a str,
    /// Name as the ecosystem writes it.
    pub name: &'a str,
    /// Exact version.
    pub version: &'a str,
}

/// One advisory that affects one package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The package, as its index in the scanned list.
    pub package: usize,
    /// The advisory, as its index in [`Report::advisories`].
    pub advisory: usize,
    /// For each range that contains the package's version, the first of its `fixed` versions
    /// above it (the fix that closes the stretch holding the version); for a version matched
    /// only by an explicit `versions` list, every `fixed` version of the entry's `SEMVER` and
    /// `ECOSYSTEM` ranges. In the entry's order, without repeats.
    pub fixed: Vec<String>,
}

/// What a scan found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Vulnerabilities: packages affected by advisories that are not informational.
    pub findings: Vec<Finding>,
    /// Packages affected by informational advisories (unmaintained, unsound, notice).
    pub warnings: Vec<Finding>,
    /// Packages with an advisory whose entry has only commit (`GIT`) ranges and no versions
    /// list, which a version number cannot be placed in (`fixed` is empty).
    pub not_evaluated: Vec<Finding>,
    /// The advisories the lists refer to.
    pub advisories: Vec<Advisory>,
}

/// A range compiled alone, its type, and its `fixed` versions (read where they read).
type CompiledRange<'a> = (Affected, RangeKind, Vec<(Option<Version>, &'a str)>);

struct CompiledEntry<'a> {
    advisory: u32,
    release: Option<&'a str>,
    ecosystem: Option<Ecosystem>,
    /// each SEMVER or ECOSYSTEM range on its own, with its fixed versions (read in the
    /// range's order where they read)
    ranges: Vec<CompiledRange<'a>>,
    /// fixed versions of every SEMVER and ECOSYSTEM range
    all_fixed: Vec<&'a str>,
    versions: Vec<&'a str>,
    has_git: bool,
}

fn release(ecosystem: &str) -> Option<&str> {
    ecosystem.split_once(':').map(|(_, r)| r).filter(|r| !r.is_empty())
}

fn fixed_of(range: &Range) -> impl Iterator<Item = &str> {
    range.events.iter().filter_map(|e| match e {
        Event::Fixed(v) => Some(v.as_str()),
        _ => None,
    })
}

fn push_new<'a>(list: &mut Vec<&'a str>, v: &'a str) {
    if !list.contains(&v) {
        list.push(v);
    }
}

fn compile<'a>(entry: &'a Entry<'a>) -> CompiledEntry<'a> {
    let family = entry.ecosystem.split_once(':').map_or(entry.ecosystem, |(f, _)| f);
    let ecosystem = family.parse::<Ecosystem>().ok();
    let mut ranges = Vec::new();
    let mut all_fixed = Vec::new();
    let mut has_git = false;
    let none: &[&str] = &[];
    for range in &entry.ranges {
        if range.kind == RangeKind::Git {
            has_git = true;
            continue;
        }
        let fixed: Vec<&str> = fixed_of(range).collect();
        for f in &fixed {
            push_new(&mut all_fixed, f);
        }
        // A range whose versions the ecosystem cannot read matches nothing (the entry's
        // `versions` list still does), as in the OSV query API.
        if let Some(eco) = ecosystem
            && let Ok(a) = Affected::compile(eco, std::slice::from_ref(range), none)
        {
            let read = |v: &str| match range.kind {
                RangeKind::Semver => Version::parse_with(a.semver_scheme(), v).ok(),
                _ => accord_version::parse(eco, v).ok(),
            };
            let fixed = fixed.into_iter().map(|f| (read(f), f)).collect();
            ranges.push((a, range.kind, fixed));
        }
    }
    let mut versions = entry.versions.clone();
    versions.sort_unstable();
    CompiledEntry {
        advisory: entry.advisory,
        release: release(entry.ecosystem),
        ecosystem,
        ranges,
        all_fixed,
        versions,
        has_git,
    }
}

/// A version read once per order for all the entries of its package.
struct ReadVersion<'a> {
    text: &'a str,
    semver: Option<Option<Version>>,
    pub_order: Option<Option<Version>>,
    native: Option<Option<Version>>,
}

impl<'a> ReadVersion<'a> {
    fn new(text: &'a str) -> Self {
        ReadVersion { text, semver: None, pub_order: None, native: None }
    }

    /// Whether the range holds the version, and the version as the range reads it.
    fn includes(&mut self, a: &Affected, kind: RangeKind, ecosystem: Ecosystem) -> (bool, Option<&Version>) {
        let text = self.text;
        let scheme = a.semver_scheme();
        let slot = if scheme == Scheme::Pub { &mut self.pub_order } else { &mut self.semver };
        let semver = slot.get_or_insert_with(|| Version::parse_with(scheme, text).ok()).as_ref();
        let native = self.native.get_or_insert_with(|| accord_version::parse(ecosystem, text).ok()).as_ref();
        let hit = a.includes(text, semver, native);
        (hit, if kind == RangeKind::Semver { semver } else { native })
    }
}

/// Checks every package against the database. The lists of the report follow the packages'
/// order, and for one package the order of the advisories in the database.
pub fn scan(db: &Database, packages: &[Query<'_>]) -> Result<Report, DbError> {
    let mut groups: HashMap<String, Vec<usize>> = HashMap::default();
    let mut order = Vec::new();
    for (i, p) in packages.iter().enumerate() {
        let key = package_key(p.ecosystem, p.name);
        let group = groups.entry(key).or_insert_with_key(|k| {
            order.push(k.clone());
            Vec::new()
        });
        group.push(i);
    }
    // (package, advisory) → fixed versions, kind
    let mut hits: Vec<(usize, u32, Vec<String>, bool)> = Vec::new();
    // for the package being evaluated: advisory → its line in `hits`
    let mut seen: HashMap<u32, usize> = HashMap::default();
    for key in &order {
        let entries = db.entries(key)?;
        if entries.is_empty() {
            continue;
        }
        let compiled: Vec<CompiledEntry<'_>> = entries.iter().map(compile).collect();
        for &i in &groups[key] {
            let p = &packages[i];
            let wanted = release(p.ecosystem);
            let mut version = ReadVersion::new(p.version);
            seen.clear();
            for e in &compiled {
                if let (Some(w), Some(h)) = (wanted, e.release)
                    && w != h
                {
                    continue;
                }
                let mut fixed: Vec<&str> = Vec::new();
                let mut hit = false;
                if let Some(eco) = e.ecosystem {
                    for (a, kind, f) in &e.ranges {
                        let (holds, read) = version.includes(a, *kind, eco);
                        if !holds {
                            continue;
                        }
                        hit = true;
                        // the first fix above the version closes its stretch of the range
                        let next = read.and_then(|v| {
                            f.iter()
                                .filter_map(|(fv, t)| Some((fv.as_ref()?, *t)))
                                .filter(|(fv, _)| *fv > v)
                                .min()
                        });
                        match next {
                            Some((_, t)) => push_new(&mut fixed, t),
                            None => f.iter().for_each(|(_, t)| push_new(&mut fixed, t)),
                        }
                    }
                }
                if !hit && e.versions.binary_search(&p.version).is_ok() {
                    hit = true;
                    fixed.clone_from(&e.all_fixed);
                }
                let evaluated = hit || !(e.has_git && e.versions.is_empty());
                if !hit && evaluated {
                    continue;
                }
                // one line per (package, advisory): entries of one advisory merge
                match seen.get(&e.advisory).map(|&at| &mut hits[at]) {
                    Some(h) => {
                        if hit && !h.3 {
                            h.2.clear();
                            h.3 = true;
                        }
                        if hit {
                            for v in fixed {
                                if !h.2.iter().any(|x| x == v) {
                                    h.2.push(v.to_owned());
                                }
                            }
                        }
                    }
                    None => {
                        seen.insert(e.advisory, hits.len());
                        hits.push((i, e.advisory, fixed.into_iter().map(str::to_owned).collect(), hit));
                    }
                }
            }
        }
    }
    hits.sort_by_key(|h| (h.0, h.1));
    let mut report = Report::default();
    let mut numbered: HashMap<u32, usize> = HashMap::default();
    for (package, advisory, fixed, hit) in hits {
        let index = match numbered.get(&advisory) {
            Some(&n) => n,
            None => {
                report.advisories.push(db.advisory(advisory)?);
                numbered.insert(advisory, report.advisories.len() - 1);
                report.advisories.len() - 1
            }
        };
        let finding = Finding { package, advisory: index, fixed };
        if !hit {
            report.not_evaluated.push(finding);
        } else if report.advisories[index].informational.is_some() {
            report.warnings.push(finding);
        } else {
            report.findings.push(finding);
        }
    }
    Ok(report)
}
