//! CycloneDX JSON SBOMs (specVersion 1.2 to 1.6).
//!
//! Read: every entry of `components`, and of the `components` nested in them at any depth, by
//! its `purl` (see [`crate::purl`] for the purl types read and their OSV ecosystems). The
//! SBOM's subject (`metadata.component`) is the project itself, not a dependency, and is
//! skipped. A component with a purl is on the line of its `"purl"` member (found by its text;
//! none if the file escapes it otherwise).
//!
//! Notes: a component without a purl, with a purl that has no version or does not read, or of a
//! purl type without an OSV ecosystem (`github`, `generic`, `rpm`, …).
//!
//! Errors: text that is not JSON, a `bomFormat` other than `CycloneDX`, or a `components` that is
//! not a list of objects (with the line serde_json reports).

use serde::Deserialize;

use crate::{LockfileError, Note, Package, Parsed, json, purl};

#[derive(Deserialize)]
struct Bom {
    #[serde(rename = "bomFormat")]
    bom_format: String,
    #[serde(default)]
    components: Vec<Component>,
}

#[derive(Deserialize)]
struct Component {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    purl: Option<String>,
    #[serde(default)]
    components: Vec<Component>,
}

/// Reads a file of this format.
pub(crate) fn parse(text: &str) -> Result<Parsed, LockfileError> {
    let bom: Bom = json::from_str(text, "CycloneDX JSON SBOM (an object with `bomFormat`)")?;
    if bom.bom_format != "CycloneDX" {
        return Err(LockfileError::at(
            None,
            format!("bomFormat is `{}`: expected `CycloneDX`", bom.bom_format),
        ));
    }
    let mut parsed = Parsed::default();
    read(&bom.components, &mut json::Lines::new(text), &mut parsed);
    Ok(parsed)
}

fn read(components: &[Component], lines: &mut json::Lines, parsed: &mut Parsed) {
    for c in components {
        let label = match (&c.name, &c.version) {
            (Some(n), Some(v)) => format!("{n} {v}"),
            (Some(n), None) => n.clone(),
            _ => "a component without a name".to_string(),
        };
        let line = c.purl.as_deref().and_then(|p| lines.member_with_string("purl", p));
        match c.purl.as_deref().map(purl::package) {
            None => parsed.notes.push(Note { line: None, message: format!("component {label} has no purl") }),
            Some(Err(why)) => parsed.notes.push(Note { line, message: format!("component {label}: {why}") }),
            Some(Ok((ecosystem, name, version))) => {
                parsed.packages.push(Package { ecosystem, name, version, line });
            }
        }
        read(&c.components, lines, parsed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_nested_or_not_by_purl_and_notes_for_the_rest() {
        let parsed = parse(
            r#"{
  "bomFormat": "CycloneDX",
  "specVersion": "1.5",
  "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
  "version": 1,
  "metadata": {
    "component": {"type": "application", "name": "shop", "version": "2.0.0", "purl": "pkg:npm/shop@2.0.0"}
  },
  "components": [
    {"type": "library", "name": "core", "group": "@angular", "version": "17.3.1", "purl": "pkg:npm/%40angular/core@17.3.1"},
    {"type": "library", "name": "log4j-core", "group": "org.apache.logging.log4j", "version": "2.14.1",
     "purl": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
     "components": [
       {"type": "library", "name": "log4j-api", "version": "2.14.1", "purl": "pkg:maven/org.apache.logging.log4j/log4j-api@2.14.1"}
     ]},
    {"type": "library", "name": "vendored-zlib", "version": "1.3"},
    {"type": "library", "name": "checkout", "version": "v4", "purl": "pkg:github/actions/checkout@v4"},
    {"type": "library", "name": "lodash", "purl": "pkg:npm/lodash"}
  ]
}"#,
        )
        .expect("reads");
        let got: Vec<_> = parsed
            .packages
            .iter()
            .map(|p| (p.ecosystem.as_str(), p.name.as_str(), p.version.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("npm", "@angular/core", "17.3.1"),
                ("Maven", "org.apache.logging.log4j:log4j-core", "2.14.1"),
                ("Maven", "org.apache.logging.log4j:log4j-api", "2.14.1"),
            ]
        );
        let notes: Vec<_> = parsed.notes.iter().map(|n| n.message.as_str()).collect();
        assert_eq!(notes.len(), 3, "{notes:?}");
        assert_eq!(notes[0], "component vendored-zlib 1.3 has no purl");
        assert!(
            notes[1].starts_with(
                "component checkout v4: purl pkg:github/actions/checkout@v4 is of type `github`"
            )
        );
        assert_eq!(notes[2], "component lodash: purl pkg:npm/lodash has no version");
    }

    #[test]
    fn other_documents_are_errors() {
        let e = parse(r#"{"bomFormat": "SPDX", "components": []}"#).expect_err("not CycloneDX");
        assert_eq!(e.message, "bomFormat is `SPDX`: expected `CycloneDX`");
        let e = parse("{\n  \"spdxVersion\": \"SPDX-2.3\"\n}").expect_err("no bomFormat");
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("missing field `bomFormat`"), "{}", e.message);
        let e = parse("{\n  \"bomFormat\": \"CycloneDX\",\n  \"components\": {}\n}").expect_err("not a list");
        assert_eq!(e.line, Some(3));
    }
}
