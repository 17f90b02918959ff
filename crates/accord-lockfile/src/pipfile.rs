//! `Pipfile.lock` files (pipenv's JSON): every entry of the `default` and `develop` sections
//! (and of any other package category pipenv writes) with a `"version": "==1.2.3"` is a `PyPI`
//! package, at the line of its entry when the file is pretty-printed as pipenv writes it.
//! Entries without such a version, from `git`, a `path` or a `file`, or `editable`, are notes.

use serde::Deserialize;

use crate::position::{json_error, json_object_lines};
use crate::{LockfileError, Note, Package, Parsed};

#[derive(Deserialize)]
struct Entry {
    version: Option<String>,
    git: Option<String>,
    path: Option<String>,
    file: Option<String>,
    #[serde(default)]
    editable: bool,
}

/// Reads a `Pipfile.lock`.
pub(crate) fn parse(text: &str) -> Result<Parsed, LockfileError> {
    let document: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(text).map_err(|e| json_error(&e, "Pipfile.lock"))?;
    let lines = json_object_lines(text);
    let mut parsed = Parsed::default();
    // `default` and `develop` first, in that order, then any other category (pipenv ≥ 2023).
    let mut sections: Vec<&String> = document.keys().filter(|k| !k.starts_with('_')).collect();
    sections.sort_by_key(|k| (k.as_str() != "default", k.as_str() != "develop", k.as_str()));
    for section in sections {
        let section_line = lines.get(&vec![section.clone()]).copied();
        let Some(members) = document[section].as_object() else {
            return Err(LockfileError::at(
                section_line,
                format!("`{section}`: expected an object of packages"),
            ));
        };
        let mut entries = Vec::with_capacity(members.len());
        for (name, value) in members {
            let line = lines.get(&vec![section.clone(), name.clone()]).copied();
            let entry: Entry = serde_json::from_value(value.clone()).map_err(|e| {
                LockfileError::at(line.or(section_line), format!("`{name}` in `{section}`: {e}"))
            })?;
            entries.push((name.clone(), entry, line));
        }
        entries.sort_by_key(|(_, _, line)| *line);
        for (name, entry, line) in entries {
            let local = [("git", &entry.git), ("path", &entry.path), ("file", &entry.file)]
                .into_iter()
                .find_map(|(k, v)| v.as_ref().map(|v| format!("{k} {v}")))
                .or_else(|| entry.editable.then(|| "editable".to_owned()));
            let pinned = entry.version.as_deref().and_then(|v| v.strip_prefix("==")).map(str::trim);
            match (local, pinned) {
                (Some(local), _) => parsed
                    .notes
                    .push(Note { line, message: format!("{name} ({section}): not from PyPI ({local})") }),
                (None, Some(version)) if !version.is_empty() && !version.contains('*') => parsed
                    .packages
                    .push(Package { ecosystem: "PyPI".to_owned(), name, version: version.to_owned(), line }),
                (None, _) => parsed.notes.push(Note {
                    line,
                    message: format!(
                        "{name} ({section}): not pinned ({})",
                        entry.version.as_deref().unwrap_or("no version")
                    ),
                }),
            }
        }
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"{
    "_meta": {
        "hash": {
            "sha256": "00"
        },
        "pipfile-spec": 6,
        "requires": {
            "python_version": "3.11"
        },
        "sources": [
            {
                "name": "pypi",
                "url": "https://pypi.org/simple",
                "verify_ssl": true
            }
        ]
    },
    "default": {
        "requests": {
            "hashes": [
                "sha256:00"
            ],
            "index": "pypi",
            "markers": "python_version >= '3.7'",
            "version": "==2.31.0"
        },
        "idna": {
            "hashes": [],
            "version": "==3.6"
        },
        "mylib": {
            "editable": true,
            "path": "."
        },
        "forked": {
            "git": "https://github.com/x/forked.git",
            "ref": "abc"
        }
    },
    "develop": {
        "pytest": {
            "version": "==7.4.3"
        },
        "requests": {
            "version": "==2.31.0"
        }
    }
}
"#;

    #[test]
    fn default_and_develop_packages_and_notes() {
        let parsed = crate::parse(crate::Kind::PipfileLock, LOCK).expect("reads");
        let got: Vec<_> = parsed
            .packages
            .iter()
            .map(|p| (p.ecosystem.as_str(), p.name.as_str(), p.version.as_str(), p.line))
            .collect();
        assert_eq!(
            got,
            [
                ("PyPI", "requests", "2.31.0", Some(19)),
                ("PyPI", "idna", "3.6", Some(27)),
                ("PyPI", "pytest", "7.4.3", Some(41)),
            ]
        );
        let notes: Vec<_> = parsed.notes.iter().map(|n| (n.line, n.message.as_str())).collect();
        assert_eq!(
            notes,
            [
                (Some(31), "mylib (default): not from PyPI (path .)"),
                (Some(35), "forked (default): not from PyPI (git https://github.com/x/forked.git)"),
            ]
        );
    }

    #[test]
    fn minified_files_read_without_lines() {
        let parsed =
            parse(r#"{"_meta":{},"default":{"a":{"version":"==1.0"}},"develop":{}}"#).expect("reads");
        assert_eq!(parsed.packages.len(), 1);
        assert_eq!(parsed.packages[0].line, None);
    }

    #[test]
    fn malformed_files_say_where() {
        let err = parse("{\n  \"default\": {\n    \"a\": {\"version\": 1,}\n  }\n}\n").expect_err("bad JSON");
        assert_eq!(err.line, Some(3), "{err}");
        assert!(err.message.starts_with("not a valid Pipfile.lock"), "{err}");
        let err = parse("{\n  \"default\": {\n    \"a\": {\n      \"version\": 1\n    }\n  }\n}\n")
            .expect_err("bad value");
        assert_eq!(err.line, Some(3), "{err}");
        assert!(err.message.contains("`a` in `default`"), "{err}");
        let err = parse("{\n  \"default\": [\n  ]\n}\n").expect_err("not an object");
        assert!(err.message.contains("expected an object"), "{err}");
    }
}
