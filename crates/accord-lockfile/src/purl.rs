//! Package URLs (purls) of SBOMs mapped to OSV ecosystems and names, shared by the CycloneDX and
//! SPDX readers.
//!
//! Mapped types: `cargo` → crates.io, `npm` (`@scope/name`), `pypi` → PyPI, `golang` → Go
//! (`namespace/name`, version without its `v`), `maven` → Maven (`group:artifact`), `gem` →
//! RubyGems, `nuget` → NuGet, `composer` → Packagist (`vendor/name`), `hex` → Hex, `pub` → Pub,
//! `swift` → SwiftURL (`host/owner/name`), `hackage` → Hackage, `cran` → CRAN, `cocoapods` →
//! CocoaPods, `conan` → ConanCenter, `deb` → Debian or Ubuntu (with the release from a
//! `distro=debian-12` qualifier: `Debian:12`), `apk` → Alpine (with `distro=alpine-3.19`:
//! `Alpine:v3.19`). Any other type, a purl that does not read, or one without a version, is the
//! reason given back for a note.

use std::str::FromStr;

use packageurl::PackageUrl;

/// A purl's OSV ecosystem, name and version, or why it is not a package to check.
pub(crate) fn package(purl: &str) -> Result<(String, String, String), String> {
    let p = PackageUrl::from_str(purl).map_err(|e| format!("purl {purl} does not read: {e}"))?;
    let Some(version) = p.version().filter(|v| !v.is_empty()) else {
        return Err(format!("purl {purl} has no version"));
    };
    let name = p.name();
    let namespaced = |sep: &str| match p.namespace() {
        Some(ns) if !ns.is_empty() => format!("{ns}{sep}{name}"),
        _ => name.to_string(),
    };
    let distro = p.qualifiers().get("distro").map(|d| d.to_string());
    let (ecosystem, name, version) = match p.ty() {
        "cargo" => ("crates.io".to_string(), name.to_string(), version.to_string()),
        "npm" => ("npm".into(), namespaced("/"), version.into()),
        "pypi" => ("PyPI".into(), name.into(), version.into()),
        "golang" => ("Go".into(), namespaced("/"), version.strip_prefix('v').unwrap_or(version).into()),
        "maven" => ("Maven".into(), namespaced(":"), version.into()),
        "gem" => ("RubyGems".into(), name.into(), version.into()),
        "nuget" => ("NuGet".into(), name.into(), version.into()),
        "composer" => ("Packagist".into(), namespaced("/"), version.into()),
        "hex" => ("Hex".into(), name.into(), version.into()),
        "pub" => ("Pub".into(), name.into(), version.into()),
        "swift" => ("SwiftURL".into(), namespaced("/"), version.into()),
        "hackage" => ("Hackage".into(), name.into(), version.into()),
        "cran" => ("CRAN".into(), name.into(), version.into()),
        "cocoapods" => ("CocoaPods".into(), name.into(), version.into()),
        "conan" => ("ConanCenter".into(), name.into(), version.into()),
        "deb" => {
            let (base, prefix) = match p.namespace() {
                Some(ns) if ns.eq_ignore_ascii_case("ubuntu") => ("Ubuntu", "ubuntu-"),
                Some(ns) if ns.eq_ignore_ascii_case("debian") => ("Debian", "debian-"),
                _ => return Err(format!("purl {purl} is a deb package of neither Debian nor Ubuntu")),
            };
            let release = distro.as_deref().and_then(|d| d.strip_prefix(prefix));
            let ecosystem = match release {
                Some(r) => format!("{base}:{r}"),
                None => base.to_string(),
            };
            (ecosystem, name.into(), version.into())
        }
        "apk" => {
            if !p.namespace().is_some_and(|ns| ns.eq_ignore_ascii_case("alpine")) {
                return Err(format!("purl {purl} is an apk package not of Alpine"));
            }
            let ecosystem = match distro.as_deref().and_then(|d| d.strip_prefix("alpine-")) {
                Some(r) => {
                    let minor: Vec<&str> = r.split('.').take(2).collect();
                    format!("Alpine:v{}", minor.join("."))
                }
                None => "Alpine".to_string(),
            };
            (ecosystem, name.into(), version.into())
        }
        other => return Err(format!("purl {purl} is of type `{other}`, which has no OSV ecosystem here")),
    };
    Ok((ecosystem, name, version))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purl_types_map_to_osv_ecosystems() {
        for (purl, expected) in [
            ("pkg:cargo/serde@1.0.200", ("crates.io", "serde", "1.0.200")),
            ("pkg:npm/%40angular/core@17.3.1", ("npm", "@angular/core", "17.3.1")),
            ("pkg:npm/lodash@4.17.21", ("npm", "lodash", "4.17.21")),
            ("pkg:pypi/requests@2.31.0", ("PyPI", "requests", "2.31.0")),
            ("pkg:golang/github.com/gin-gonic/gin@v1.9.1", ("Go", "github.com/gin-gonic/gin", "1.9.1")),
            (
                "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar",
                ("Maven", "org.apache.logging.log4j:log4j-core", "2.14.1"),
            ),
            ("pkg:gem/rack@3.0.9.1", ("RubyGems", "rack", "3.0.9.1")),
            ("pkg:nuget/Newtonsoft.Json@13.0.3", ("NuGet", "Newtonsoft.Json", "13.0.3")),
            ("pkg:composer/symfony/http-kernel@v6.4.3", ("Packagist", "symfony/http-kernel", "v6.4.3")),
            ("pkg:hex/phoenix@1.7.11", ("Hex", "phoenix", "1.7.11")),
            ("pkg:pub/http@1.2.1", ("Pub", "http", "1.2.1")),
            (
                "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12",
                ("Debian:12", "openssl", "3.0.11-1~deb12u2"),
            ),
            ("pkg:deb/ubuntu/zlib1g@1:1.2.11.dfsg-2ubuntu9", ("Ubuntu", "zlib1g", "1:1.2.11.dfsg-2ubuntu9")),
            (
                "pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=alpine-3.19.1",
                ("Alpine:v3.19", "musl", "1.2.4-r2"),
            ),
        ] {
            let got = package(purl).unwrap_or_else(|e| panic!("{purl}: {e}"));
            assert_eq!((got.0.as_str(), got.1.as_str(), got.2.as_str()), expected, "{purl}");
        }
    }

    #[test]
    fn purls_without_a_package_to_check_give_a_reason() {
        for (purl, fragment) in [
            ("pkg:npm/lodash", "has no version"),
            ("pkg:github/actions/checkout@v4", "type `github`"),
            ("not a purl", "does not read"),
            ("pkg:rpm/fedora/curl@8.6.0-1.fc40", "type `rpm`"),
        ] {
            let e = package(purl).expect_err(purl);
            assert!(e.contains(fragment), "{purl}: {e}");
        }
    }
}
