//! Package URLs of scanned packages (CycloneDX components).

/// The purl of a package of an OSV ecosystem, when the ecosystem has a purl type.
pub fn purl(ecosystem: &str, name: &str, version: &str) -> Option<String> {
    let family = ecosystem.split_once(':').map_or(ecosystem, |(f, _)| f);
    let (ty, namespace, name) = match family {
        "crates.io" => ("cargo", None, name),
        "PyPI" => ("pypi", None, name),
        "RubyGems" => ("gem", None, name),
        "NuGet" => ("nuget", None, name),
        "Hex" => ("hex", None, name),
        "Pub" => ("pub", None, name),
        "CRAN" => ("cran", None, name),
        "Hackage" => ("hackage", None, name),
        "npm" | "Go" | "Packagist" => {
            let ty = match family {
                "npm" => "npm",
                "Go" => "golang",
                _ => "composer",
            };
            match name.rsplit_once('/') {
                Some((ns, n)) => (ty, Some(ns), n),
                None => (ty, None, name),
            }
        }
        "Maven" => match name.split_once(':') {
            Some((group, artifact)) => ("maven", Some(group), artifact),
            None => return None,
        },
        _ => return None,
    };
    let mut p = packageurl::PackageUrl::new(ty, name).ok()?;
    if let Some(ns) = namespace {
        p.with_namespace(ns).ok()?;
    }
    p.with_version(version).ok()?;
    Some(p.to_string())
}

#[cfg(test)]
mod tests {
    use super::purl;

    #[test]
    fn ecosystems_map_to_purl_types() {
        assert_eq!(purl("crates.io", "time", "0.1.45").as_deref(), Some("pkg:cargo/time@0.1.45"));
        assert_eq!(purl("npm", "@babel/core", "7.0.0").as_deref(), Some("pkg:npm/%40babel/core@7.0.0"));
        assert_eq!(purl("Maven", "org.a:b", "1").as_deref(), Some("pkg:maven/org.a/b@1"));
        assert_eq!(
            purl("Go", "golang.org/x/net", "v0.1.0").as_deref(),
            Some("pkg:golang/golang.org/x/net@v0.1.0")
        );
        assert_eq!(purl("OSS-Fuzz", "x", "1"), None);
    }
}
