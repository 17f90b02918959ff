//! `composer.lock` files (Composer, Packagist).
//!
//! Read: every entry of `packages` and `packages-dev`, its `name` (`vendor/package`) and its
//! `version` as written (`v6.4.3` keeps its `v`: Packagist's OSV ranges drop it but their
//! `versions` lists keep it as tagged, and Packagist version ordering ignores a leading `v`).
//! Each package is on the line of its `"name"` member.
//!
//! Notes: a package on a development branch (`dev-main`, `2.x-dev`), which names a commit and
//! not a release.
//!
//! Errors: text that is not JSON, or an object without a `packages` array, or an entry without a
//! `name` or `version` string (with the line serde_json reports).

use serde::Deserialize;

use crate::{LockfileError, Note, Package, Parsed, json};

#[derive(Deserialize)]
struct Lock {
    packages: Vec<Entry>,
    #[serde(rename = "packages-dev", default)]
    packages_dev: Option<Vec<Entry>>,
}

#[derive(Deserialize)]
struct Entry {
    name: String,
    version: String,
}

/// Reads a file of this format.
pub(crate) fn parse(text: &str) -> Result<Parsed, LockfileError> {
    let lock: Lock = json::from_str(text, "composer.lock (an object with a `packages` array)")?;
    let mut parsed = Parsed::default();
    let mut lines = json::Lines::new(text);
    for e in lock.packages.into_iter().chain(lock.packages_dev.into_iter().flatten()) {
        let line = lines.member_with_string("name", &e.name);
        if e.version.starts_with("dev-") || e.version.ends_with("-dev") {
            parsed.notes.push(Note {
                line,
                message: format!("{} is on the development branch {}: not a release", e.name, e.version),
            });
        } else {
            parsed.packages.push(Package {
                ecosystem: "Packagist".into(),
                name: e.name,
                version: e.version,
                line,
            });
        }
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages_and_dev_packages_with_branches_as_notes() {
        let parsed = parse(
            r#"{
    "_readme": ["This file locks the dependencies of your project to a known state"],
    "content-hash": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
    "packages": [
        {"name": "monolog/monolog", "version": "3.5.0", "type": "library"},
        {"name": "symfony/http-kernel", "version": "v6.4.3", "type": "library"},
        {"name": "acme/internal-tools", "version": "dev-main", "type": "library"}
    ],
    "packages-dev": [
        {"name": "phpunit/phpunit", "version": "10.5.10"},
        {"name": "acme/fixtures", "version": "2.x-dev"}
    ],
    "aliases": [],
    "minimum-stability": "stable",
    "platform": {"php": ">=8.2"},
    "plugin-api-version": "2.6.0"
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
                ("Packagist", "monolog/monolog", "3.5.0"),
                ("Packagist", "symfony/http-kernel", "v6.4.3"),
                ("Packagist", "phpunit/phpunit", "10.5.10"),
            ]
        );
        let notes: Vec<_> = parsed.notes.iter().map(|n| n.message.as_str()).collect();
        assert_eq!(
            notes,
            [
                "acme/internal-tools is on the development branch dev-main: not a release",
                "acme/fixtures is on the development branch 2.x-dev: not a release",
            ]
        );
    }

    #[test]
    fn a_null_packages_dev_reads_as_none() {
        let parsed =
            parse(r#"{"packages": [{"name": "psr/log", "version": "3.0.0"}], "packages-dev": null}"#)
                .expect("reads");
        assert_eq!(parsed.packages.len(), 1);
        assert!(parsed.notes.is_empty());
    }

    #[test]
    fn malformed_files_name_the_line() {
        for (text, line, fragment) in [
            ("{\n  \"packages\": [\n    {\"name\": \"a/b\"}\n  ]\n}", 3, "missing field `version`"),
            ("{\n  \"packages-dev\": []\n}", 3, "missing field `packages`"),
            ("{\n  \"packages\": [\n    {\"name\": \"a/b\", \"version\": 1}\n  ]\n}", 3, "invalid type"),
            ("packages:\n", 1, "expected value"),
        ] {
            let e = parse(text).expect_err(text);
            assert_eq!(e.line, Some(line), "{text}: {e}");
            assert!(e.message.contains("not a valid composer.lock"), "{}", e.message);
            assert!(e.message.contains(fragment), "{}", e.message);
        }
    }
}
