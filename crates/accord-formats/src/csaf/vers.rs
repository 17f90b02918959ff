//! Version ranges as `vers` strings (the version-range specifier of the package-url project,
//! which CSAF 2.0 recommends for `product_version_range` branches) and package URLs of
//! the OSV ecosystems.

use accord_version::{Ecosystem, Scheme, Version};

use crate::osv::{Event, Range, RangeType};

/// One interval of affected versions, as read from an OSV range.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Interval {
    /// The first affected version; `None` for "from the first version" (OSV `introduced: "0"`).
    pub introduced: Option<String>,
    /// Where the interval ends.
    pub end: End,
}

/// How an [`Interval`] ends.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum End {
    /// Versions from this one on are fixed.
    Fixed(String),
    /// This version is the last affected one (later ones are not, though no fix is named).
    LastAffected(String),
    /// No end is known: every later version is affected.
    Open,
}

/// The intervals of an OSV `SEMVER` or `ECOSYSTEM` range, in version order (the events are
/// sorted with the ecosystem's own order when every version reads in it, else kept as given).
/// `GIT` ranges have no version intervals: empty.
pub fn intervals(range: &Range, ecosystem: Option<Ecosystem>) -> Vec<Interval> {
    if range.kind == RangeType::Git {
        return Vec::new();
    }
    let scheme = match range.kind {
        RangeType::Semver => Some(match ecosystem.and_then(Ecosystem::scheme) {
            Some(Scheme::Pub) => Scheme::Pub,
            _ => Scheme::SemVer,
        }),
        _ => ecosystem.and_then(Ecosystem::scheme),
    };
    let mut events: Vec<&Event> = range.events.iter().filter(|e| !matches!(e, Event::Limit(_))).collect();
    if let Some(scheme) = scheme {
        let keyed: Option<Vec<(Option<Version>, &Event)>> = events
            .iter()
            .map(|e| match e.version() {
                "0" if matches!(e, Event::Introduced(_)) => Some((None, *e)),
                v => Version::parse_with(scheme, v).ok().map(|p| (Some(p), *e)),
            })
            .collect();
        if let Some(mut keyed) = keyed {
            // An opening sorts before a closing at the same version, as OSV evaluates them.
            keyed.sort_by(|(a, ea), (b, eb)| {
                a.cmp(b).then_with(|| {
                    matches!(ea, Event::Introduced(_)).cmp(&matches!(eb, Event::Introduced(_))).reverse()
                })
            });
            events = keyed.into_iter().map(|(_, e)| e).collect();
        }
    }
    let mut out = Vec::new();
    let mut open: Option<Option<String>> = None;
    for e in events {
        match e {
            Event::Introduced(v) => {
                if open.is_none() {
                    open = Some((v != "0").then(|| v.clone()));
                }
            }
            Event::Fixed(v) => {
                if let Some(introduced) = open.take() {
                    out.push(Interval { introduced, end: End::Fixed(v.clone()) });
                }
            }
            Event::LastAffected(v) => {
                if let Some(introduced) = open.take() {
                    out.push(Interval { introduced, end: End::LastAffected(v.clone()) });
                }
            }
            Event::Limit(_) => {}
        }
    }
    if let Some(introduced) = open {
        out.push(Interval { introduced, end: End::Open });
    }
    out
}

/// The `vers` scheme of an OSV ecosystem (`generic` where `vers` defines none).
pub fn vers_scheme(ecosystem: &str) -> &'static str {
    match ecosystem.split(':').next().unwrap_or(ecosystem) {
        "crates.io" => "cargo",
        "npm" => "npm",
        "PyPI" => "pypi",
        "Go" => "golang",
        "Maven" => "maven",
        "RubyGems" => "gem",
        "NuGet" => "nuget",
        "Packagist" => "composer",
        "Pub" => "pub",
        "Hex" => "hex",
        "Debian" | "Ubuntu" => "deb",
        "Alpine" => "apk",
        "Red Hat" | "Rocky Linux" | "AlmaLinux" | "openSUSE" | "SUSE" => "rpm",
        "Hackage" => "hackage",
        "CRAN" => "cran",
        "SwiftURL" => "swift",
        "GitHub Actions" => "github",
        _ => "generic",
    }
}

/// A version inside a `vers` string: characters with a meaning there (and anything outside
/// the unreserved set) are percent-encoded.
fn vers_version(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The `vers` string of an interval: `vers:cargo/>=1.0.0|<1.2.3`, `vers:pypi/<2.0`,
/// `vers:npm/*` for every version.
pub fn vers(scheme: &str, interval: &Interval) -> String {
    let mut constraints = Vec::new();
    if let Some(v) = &interval.introduced {
        constraints.push(format!(">={}", vers_version(v)));
    }
    match &interval.end {
        End::Fixed(v) => constraints.push(format!("<{}", vers_version(v))),
        End::LastAffected(v) => constraints.push(format!("<={}", vers_version(v))),
        End::Open => {}
    }
    if constraints.is_empty() {
        format!("vers:{scheme}/*")
    } else {
        format!("vers:{scheme}/{}", constraints.join("|"))
    }
}

/// How people read an interval: `>= 1.0.0, < 1.2.3`; `all versions`.
pub fn describe(interval: &Interval) -> String {
    let mut parts = Vec::new();
    if let Some(v) = &interval.introduced {
        parts.push(format!(">= {v}"));
    }
    match &interval.end {
        End::Fixed(v) => parts.push(format!("< {v}")),
        End::LastAffected(v) => parts.push(format!("<= {v}")),
        End::Open => {}
    }
    if parts.is_empty() { "all versions".to_owned() } else { parts.join(", ") }
}

/// The package URL (without version) of an OSV package, where the ecosystem has a purl type;
/// `None` otherwise or when the name does not fit the type.
pub fn purl(ecosystem: &str, name: &str) -> Option<String> {
    let base = ecosystem.split(':').next().unwrap_or(ecosystem);
    let (ty, namespace, name) = match base {
        "crates.io" => ("cargo", None, name.to_owned()),
        "npm" => match name.strip_prefix('@').and_then(|n| n.split_once('/')) {
            Some((scope, n)) => ("npm", Some(format!("@{scope}")), n.to_owned()),
            None => ("npm", None, name.to_owned()),
        },
        "PyPI" => ("pypi", None, accord_version::normalize_name("PyPI", name)),
        "Go" => match name.rsplit_once('/') {
            Some((ns, n)) => ("golang", Some(ns.to_owned()), n.to_owned()),
            None => ("golang", None, name.to_owned()),
        },
        "Maven" => {
            let (group, artifact) = name.split_once(':')?;
            ("maven", Some(group.to_owned()), artifact.to_owned())
        }
        "RubyGems" => ("gem", None, name.to_owned()),
        "NuGet" => ("nuget", None, name.to_owned()),
        "Packagist" => {
            let (vendor, n) = name.split_once('/')?;
            ("composer", Some(vendor.to_owned()), n.to_owned())
        }
        "Pub" => ("pub", None, name.to_owned()),
        "Hex" => ("hex", None, name.to_owned()),
        "Debian" => ("deb", Some("debian".to_owned()), name.to_owned()),
        "Ubuntu" => ("deb", Some("ubuntu".to_owned()), name.to_owned()),
        "Alpine" => ("apk", Some("alpine".to_owned()), name.to_owned()),
        _ => return None,
    };
    if name.is_empty() || namespace.as_deref().is_some_and(str::is_empty) {
        return None;
    }
    let mut purl = packageurl::PackageUrl::new(ty, name).ok()?;
    if let Some(ns) = &namespace {
        purl.with_namespace(ns.clone()).ok()?;
    }
    Some(purl.to_string())
}

/// A package URL with a version added.
pub fn purl_at(purl: &str, version: &str) -> Option<String> {
    use std::str::FromStr;
    let mut p = packageurl::PackageUrl::from_str(purl).ok()?;
    p.with_version(version.to_owned()).ok()?;
    Some(p.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(kind: RangeType, events: Vec<Event>) -> Range {
        Range { kind, repo: None, events, database_specific: None, other: Default::default() }
    }

    #[test]
    fn events_out_of_order_are_sorted_in_the_ecosystem_order() {
        let r = range(
            RangeType::Ecosystem,
            vec![
                Event::Introduced("2.0".into()),
                Event::Fixed("1.10".into()),
                Event::Introduced("0".into()),
                Event::Fixed("2.0.3".into()),
            ],
        );
        let got = intervals(&r, Some(Ecosystem::PyPi));
        assert_eq!(
            got,
            vec![
                Interval { introduced: None, end: End::Fixed("1.10".into()) },
                Interval { introduced: Some("2.0".into()), end: End::Fixed("2.0.3".into()) },
            ]
        );
        assert_eq!(vers("pypi", &got[0]), "vers:pypi/<1.10");
        assert_eq!(vers("pypi", &got[1]), "vers:pypi/>=2.0|<2.0.3");
        assert_eq!(describe(&got[1]), ">= 2.0, < 2.0.3");
    }

    #[test]
    fn open_and_last_affected_intervals() {
        let r = range(RangeType::Semver, vec![Event::Introduced("0".into())]);
        let all = intervals(&r, Some(Ecosystem::CratesIo));
        assert_eq!(vers("cargo", &all[0]), "vers:cargo/*");
        assert_eq!(describe(&all[0]), "all versions");
        let r = range(
            RangeType::Ecosystem,
            vec![Event::Introduced("1:1.0-1".into()), Event::LastAffected("1:1.2-3".into())],
        );
        let got = intervals(&r, "Debian".parse().ok());
        assert_eq!(vers("deb", &got[0]), "vers:deb/>=1%3A1.0-1|<=1%3A1.2-3");
        assert!(intervals(&range(RangeType::Git, vec![Event::Introduced("abc".into())]), None).is_empty());
    }

    #[test]
    fn package_urls_of_the_ecosystems() {
        assert_eq!(purl("crates.io", "serde").as_deref(), Some("pkg:cargo/serde"));
        assert_eq!(purl("npm", "@babel/core").as_deref(), Some("pkg:npm/%40babel/core"));
        assert_eq!(purl("PyPI", "Django_Rest").as_deref(), Some("pkg:pypi/django-rest"));
        assert_eq!(purl("Go", "golang.org/x/net").as_deref(), Some("pkg:golang/golang.org/x/net"));
        assert_eq!(
            purl("Maven", "org.apache.logging.log4j:log4j-core").as_deref(),
            Some("pkg:maven/org.apache.logging.log4j/log4j-core")
        );
        assert_eq!(purl("Debian:12", "openssl").as_deref(), Some("pkg:deb/debian/openssl"));
        assert_eq!(purl("Maven", "no-group"), None);
        assert_eq!(purl("GIT", "x"), None);
        assert_eq!(purl_at("pkg:cargo/serde", "1.0.1").as_deref(), Some("pkg:cargo/serde@1.0.1"));
    }
}
