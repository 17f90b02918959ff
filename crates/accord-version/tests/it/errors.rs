//! What is refused, and what the errors say.

use accord_version::{Ecosystem, Scheme, VersionError, compare, parse};

fn check(ecosystem: Ecosystem, version: &str, expected: &str) {
    match parse(ecosystem, version) {
        Ok(v) => panic!("{ecosystem}: {version:?} was accepted as {v}"),
        Err(e) => assert!(e.to_string().contains(expected), "{ecosystem}: {version:?}: {e}"),
    }
}

#[test]
fn invalid_versions_are_refused_with_the_version_and_the_reason() {
    check(Ecosystem::Npm, "", "must start with a number");
    check(Ecosystem::Npm, "latest", "\"latest\" is not a valid SemVer version");
    check(Ecosystem::Go, "vX", "must start with a number");
    check(Ecosystem::NuGet, "1.0 beta", "whitespace");
    check(Ecosystem::Debian, "1.2.3-not-a-debian:version!@#$", "epoch");
    check(Ecosystem::Debian, "1.0 1", "whitespace");
    check(Ecosystem::Debian, "1.0#1", "may only hold");
    check(Ecosystem::Ubuntu, "", "upstream version is empty");
    check(Ecosystem::Debian, "1.0-", "revision");
    check(Ecosystem::Cran, "1.0a", "integers separated by . or -");
    check(Ecosystem::Hackage, "1.0-1", "integers separated by .");
    check(Ecosystem::PyPi, " ", "whitespace");
    check(Ecosystem::PyPi, "not a version!", "whitespace");
    check(Ecosystem::PyPi, "!!", "no letter or digit");
    check(Ecosystem::Maven, "1.0\t", "whitespace");
    check(Ecosystem::RubyGems, "1.0 beta", "whitespace");
    check(Ecosystem::Maven, "", "empty");
    check(Ecosystem::RubyGems, "..", "no letter or digit");
    check(Ecosystem::Packagist, "", "no number or letter");
    check(Ecosystem::Alpine, "1.0 r1", "whitespace");
    check(Ecosystem::RedHat, "", "empty");
}

#[test]
fn ecosystems_without_an_order_say_so() {
    for ecosystem in [Ecosystem::Android, Ecosystem::Linux, Ecosystem::GitHubActions, Ecosystem::OssFuzz] {
        assert_eq!(ecosystem.scheme(), None);
        let err = compare(ecosystem, "1", "2").unwrap_err();
        assert_eq!(err, VersionError::Unordered { ecosystem });
        assert!(err.to_string().contains(ecosystem.name()), "{err}");
    }
}

#[test]
fn every_ecosystem_of_the_brief_has_its_scheme() {
    let cases = [
        ("PyPI", Scheme::Pep440),
        ("crates.io", Scheme::SemVer),
        ("npm", Scheme::SemVer),
        ("Go", Scheme::SemVer),
        ("Hex", Scheme::SemVer),
        ("Maven", Scheme::Maven),
        ("RubyGems", Scheme::RubyGems),
        ("NuGet", Scheme::NuGet),
        ("Packagist", Scheme::Composer),
        ("Debian:11", Scheme::Debian),
        ("Ubuntu:22.04:LTS", Scheme::Debian),
        ("Alpine:v3.16", Scheme::Alpine),
        ("Wolfi", Scheme::Alpine),
        ("Chainguard", Scheme::Alpine),
        ("Red Hat", Scheme::Rpm),
        ("Rocky Linux", Scheme::Rpm),
        ("AlmaLinux", Scheme::Rpm),
        ("SUSE", Scheme::Rpm),
        ("openSUSE", Scheme::Rpm),
        ("Pub", Scheme::Pub),
        ("CRAN", Scheme::Cran),
        ("Hackage", Scheme::Hackage),
    ];
    for (name, scheme) in cases {
        let eco: Ecosystem = name.parse().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(eco.scheme(), Some(scheme), "{name}");
        assert_eq!(eco.to_string(), name.split(':').next().unwrap());
    }
}

#[test]
fn unknown_ecosystems_are_refused_by_name() {
    let err = "Pypi".parse::<Ecosystem>().unwrap_err();
    assert!(err.to_string().contains("\"Pypi\""), "{err}");
    assert!("NPM".parse::<Ecosystem>().is_err());
}

#[test]
fn a_version_displays_as_read_and_knows_its_scheme() {
    let v = parse(Ecosystem::Go, "v1.2.3+incompatible").unwrap();
    assert_eq!(v.to_string(), "v1.2.3+incompatible");
    assert_eq!(v.as_str(), "v1.2.3+incompatible");
    assert_eq!(v.scheme(), Scheme::SemVer);
    assert_eq!(v, parse(Ecosystem::Go, "1.2.3").unwrap());
}
