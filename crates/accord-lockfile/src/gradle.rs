//! `gradle.lockfile` files (Gradle dependency locking, Maven artifacts).
//!
//! Read: each line `group:artifact:version=configuration,…` (and the older per-configuration
//! form without `=…`) is a package named `group:artifact`. Comment lines (`#`), blank lines and
//! the `empty=…` line (configurations that resolved nothing) are skipped.
//!
//! Notes: none; every locked line names an exact version.
//!
//! Errors: a line that is not three non-empty `:`-separated parts before its `=`.

use crate::{LockfileError, Package, Parsed};

/// Reads a file of this format.
pub(crate) fn parse(text: &str) -> Result<Parsed, LockfileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut parsed = Parsed::default();
    for (i, raw) in text.lines().enumerate() {
        let line = i as u32 + 1;
        let body = raw.trim();
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let coordinates = body.split_once('=').map_or(body, |(c, _configurations)| c).trim();
        if coordinates == "empty" {
            continue;
        }
        let parts: Vec<&str> = coordinates.split(':').collect();
        let [group, artifact, version] = parts.as_slice() else {
            return Err(LockfileError::at(
                Some(line),
                format!("expected `group:artifact:version=configurations`, found `{body}`"),
            ));
        };
        if [group, artifact, version].iter().any(|p| p.is_empty() || p.contains(char::is_whitespace)) {
            return Err(LockfileError::at(
                Some(line),
                format!("expected `group:artifact:version=configurations`, found `{body}`"),
            ));
        }
        parsed.packages.push(Package {
            ecosystem: "Maven".into(),
            name: format!("{group}:{artifact}"),
            version: (*version).into(),
            line: Some(line),
        });
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locked_lines_are_packages() {
        let parsed = parse(
            "# This is a Gradle generated file for dependency locking.\n\
             # Manual edits can break the build and are not advised.\n\
             # This file is expected to be part of source control.\n\
             com.fasterxml.jackson.core:jackson-databind:2.15.2=compileClasspath,runtimeClasspath\n\
             com.google.guava:guava:32.1.2-jre=runtimeClasspath\n\
             org.slf4j:slf4j-api:2.0.9\n\
             empty=annotationProcessor,testAnnotationProcessor\n",
        )
        .expect("reads");
        let got: Vec<_> = parsed
            .packages
            .iter()
            .map(|p| (p.ecosystem.as_str(), p.name.as_str(), p.version.as_str(), p.line))
            .collect();
        assert_eq!(
            got,
            [
                ("Maven", "com.fasterxml.jackson.core:jackson-databind", "2.15.2", Some(4)),
                ("Maven", "com.google.guava:guava", "32.1.2-jre", Some(5)),
                ("Maven", "org.slf4j:slf4j-api", "2.0.9", Some(6)),
            ]
        );
        assert!(parsed.notes.is_empty());
    }

    #[test]
    fn malformed_lines_are_errors() {
        for (text, line) in [
            ("# locked\norg.slf4j:slf4j-api=runtimeClasspath\n", 2),
            ("a:b:c:d=x\n", 1),
            ("\n\norg.slf4j::2.0.9=x\n", 3),
            ("dependencies {\n", 1),
        ] {
            let e = parse(text).expect_err(text);
            assert_eq!(e.line, Some(line), "{text}");
            assert!(e.message.contains("expected `group:artifact:version=configurations`"));
        }
    }
}
