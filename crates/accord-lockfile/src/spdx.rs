//! SPDX JSON SBOMs (`spdxVersion` `SPDX-2.2` and `SPDX-2.3`).
//!
//! Read: every `packages[]` entry's `externalRefs` of `referenceType` `purl` (with
//! `referenceCategory` `PACKAGE-MANAGER`, or `PACKAGE_MANAGER` as SPDX 2.2 tools also write it),
//! mapped by [`crate::purl`]. Each is on the line of its `"referenceLocator"` member (found by
//! its text; none if the file escapes it otherwise).
//!
//! Notes: a package without a purl reference, or whose purl has no version, does not read or is
//! of a type without an OSV ecosystem.
//!
//! Errors: text that is not JSON, an `spdxVersion` other than `SPDX-2.x`, or `packages` or
//! `externalRefs` that are not lists of objects (with the line serde_json reports).

use serde::Deserialize;

use crate::{LockfileError, Note, Package, Parsed, json, purl};

#[derive(Deserialize)]
struct Document {
    #[serde(rename = "spdxVersion")]
    spdx_version: String,
    #[serde(default)]
    packages: Vec<SpdxPackage>,
}

#[derive(Deserialize)]
struct SpdxPackage {
    #[serde(default)]
    name: Option<String>,
    #[serde(rename = "versionInfo", default)]
    version_info: Option<String>,
    #[serde(rename = "externalRefs", default)]
    external_refs: Vec<ExternalRef>,
}

#[derive(Deserialize)]
struct ExternalRef {
    #[serde(rename = "referenceCategory", default)]
    category: String,
    #[serde(rename = "referenceType", default)]
    kind: String,
    #[serde(rename = "referenceLocator", default)]
    locator: String,
}

/// Reads a file of this format.
pub(crate) fn parse(text: &str) -> Result<Parsed, LockfileError> {
    let doc: Document = json::from_str(text, "SPDX JSON SBOM (an object with `spdxVersion`)")?;
    if !doc.spdx_version.starts_with("SPDX-2.") {
        return Err(LockfileError::at(
            None,
            format!("spdxVersion is `{}`: expected SPDX-2.2 or SPDX-2.3", doc.spdx_version),
        ));
    }
    let mut parsed = Parsed::default();
    let mut lines = json::Lines::new(text);
    for p in &doc.packages {
        let label = match (&p.name, &p.version_info) {
            (Some(n), Some(v)) => format!("{n} {v}"),
            (Some(n), None) => n.clone(),
            _ => "a package without a name".to_string(),
        };
        let purls: Vec<&str> = p
            .external_refs
            .iter()
            .filter(|r| {
                r.kind == "purl" && matches!(r.category.as_str(), "PACKAGE-MANAGER" | "PACKAGE_MANAGER")
            })
            .map(|r| r.locator.as_str())
            .collect();
        if purls.is_empty() {
            parsed.notes.push(Note { line: None, message: format!("package {label} has no purl") });
        }
        for locator in purls {
            let line = lines.member_with_string("referenceLocator", locator);
            match purl::package(locator) {
                Ok((ecosystem, name, version)) => {
                    parsed.packages.push(Package { ecosystem, name, version, line });
                }
                Err(why) => parsed.notes.push(Note { line, message: format!("package {label}: {why}") }),
            }
        }
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages_by_purl_reference_and_notes_for_the_rest() {
        let parsed = parse(
            r#"{
  "spdxVersion": "SPDX-2.3",
  "dataLicense": "CC0-1.0",
  "SPDXID": "SPDXRef-DOCUMENT",
  "name": "shop",
  "documentNamespace": "https://example.com/spdx/shop-2.0.0",
  "packages": [
    {"SPDXID": "SPDXRef-root", "name": "shop", "versionInfo": "2.0.0", "downloadLocation": "NOASSERTION"},
    {"SPDXID": "SPDXRef-gin", "name": "github.com/gin-gonic/gin", "versionInfo": "v1.9.1",
     "externalRefs": [
       {"referenceCategory": "SECURITY", "referenceType": "cpe23Type", "referenceLocator": "cpe:2.3:a:gin-gonic:gin:1.9.1:*:*:*:*:*:*:*"},
       {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:golang/github.com/gin-gonic/gin@v1.9.1"}
     ]},
    {"SPDXID": "SPDXRef-rack", "name": "rack", "versionInfo": "3.0.9.1",
     "externalRefs": [{"referenceCategory": "PACKAGE_MANAGER", "referenceType": "purl", "referenceLocator": "pkg:gem/rack@3.0.9.1"}]},
    {"SPDXID": "SPDXRef-curl", "name": "curl", "versionInfo": "8.6.0",
     "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:rpm/fedora/curl@8.6.0"}]}
  ]
}"#,
        )
        .expect("reads");
        let got: Vec<_> = parsed
            .packages
            .iter()
            .map(|p| (p.ecosystem.as_str(), p.name.as_str(), p.version.as_str()))
            .collect();
        assert_eq!(got, [("Go", "github.com/gin-gonic/gin", "1.9.1"), ("RubyGems", "rack", "3.0.9.1")]);
        let notes: Vec<_> = parsed.notes.iter().map(|n| n.message.as_str()).collect();
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert_eq!(notes[0], "package shop 2.0.0 has no purl");
        assert!(notes[1].starts_with("package curl 8.6.0: purl pkg:rpm/fedora/curl@8.6.0 is of type `rpm`"));
    }

    #[test]
    fn other_documents_are_errors() {
        let e = parse(r#"{"spdxVersion": "SPDX-3.0", "packages": []}"#).expect_err("SPDX 3");
        assert_eq!(e.message, "spdxVersion is `SPDX-3.0`: expected SPDX-2.2 or SPDX-2.3");
        let e = parse("{\n  \"bomFormat\": \"CycloneDX\"\n}").expect_err("no spdxVersion");
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("missing field `spdxVersion`"), "{}", e.message);
        let e =
            parse("{\n  \"spdxVersion\": \"SPDX-2.3\",\n  \"packages\": [1]\n}").expect_err("bad package");
        assert_eq!(e.line, Some(3));
    }
}
