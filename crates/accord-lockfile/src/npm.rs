//! `package-lock.json` and `npm-shrinkwrap.json` files.
//!
//! lockfileVersion 2 and 3 are read from `packages`, keyed by install path: the root (`""`) is
//! the project itself and is skipped; `node_modules/a`, `node_modules/@s/b` and nested
//! `node_modules/a/node_modules/c` are packages named by the path's last `node_modules/`
//! segment, or by the entry's `name` when it is an alias (`"name": "real-package"`). Version 1
//! is read from its nested `dependencies` (an alias there is `"version": "npm:real@1.0.0"`).
//!
//! Notes, not packages: `link: true` entries (symlinks to workspace folders), workspace folders
//! themselves (keys outside `node_modules/`), entries `resolved` from anywhere but an npm
//! registry (git, `file:`, a tarball that is not a registry's `…/<name>/-/<name>-<version>.tgz`,
//! on registry.npmjs.org or a mirror), and entries without a version. Packages carry the line of
//! their key when the file is pretty-printed as npm writes it.

use std::collections::HashMap;

use serde::Deserialize;

use crate::position::{json_error, json_object_lines};
use crate::{LockfileError, Note, Package, Parsed};

#[derive(Deserialize)]
struct Lockfile {
    #[serde(rename = "lockfileVersion")]
    lockfile_version: Option<u32>,
    packages: Option<serde_json::Map<String, serde_json::Value>>,
    dependencies: Option<serde_json::Map<String, serde_json::Value>>,
}

#[derive(Deserialize)]
struct Entry {
    name: Option<String>,
    version: Option<String>,
    resolved: Option<String>,
    #[serde(default)]
    link: bool,
    dependencies: Option<serde_json::Map<String, serde_json::Value>>,
}

const FORMAT: &str = "package-lock.json";

/// Reads a `package-lock.json` or `npm-shrinkwrap.json`.
pub(crate) fn parse(text: &str) -> Result<Parsed, LockfileError> {
    let lock: Lockfile = serde_json::from_str(text).map_err(|e| json_error(&e, FORMAT))?;
    let lines = json_object_lines(text);
    let mut parsed = Parsed::default();
    match (lock.lockfile_version, lock.packages, lock.dependencies) {
        (Some(0), _, _) => {
            return Err(LockfileError::at(None, "lockfileVersion 0 is not one this reader knows (1, 2, 3)"));
        }
        // Version 2 has both sections; `packages` is the complete one.
        (Some(1), _, Some(dependencies)) | (None, None, Some(dependencies)) => {
            read_dependencies(dependencies, &mut vec!["dependencies".to_owned()], &lines, &mut parsed)?
        }
        (_, Some(packages), _) => read_packages(packages, &lines, &mut parsed)?,
        (_, None, _) => {}
    }
    Ok(parsed)
}

fn entry(
    value: serde_json::Value,
    path: &[String],
    lines: &HashMap<Vec<String>, u32>,
) -> Result<Entry, LockfileError> {
    serde_json::from_value(value).map_err(|e| {
        let line = lines.get(path).copied();
        LockfileError::at(
            line,
            format!("not a valid {FORMAT}: `{}`: {e}", path.last().map_or("", String::as_str)),
        )
    })
}

/// Sorts `(key, line, …)` by line so packages come in file order.
fn in_file_order<T>(items: &mut [(String, Option<u32>, T)]) {
    items.sort_by_key(|(_, line, _)| line.unwrap_or(u32::MAX));
}

fn read_packages(
    packages: serde_json::Map<String, serde_json::Value>,
    lines: &HashMap<Vec<String>, u32>,
    parsed: &mut Parsed,
) -> Result<(), LockfileError> {
    let mut items: Vec<(String, Option<u32>, serde_json::Value)> = packages
        .into_iter()
        .map(|(key, value)| {
            let line = lines.get(&vec!["packages".to_owned(), key.clone()]).copied();
            (key, line, value)
        })
        .collect();
    in_file_order(&mut items);
    for (key, line, value) in items {
        if key.is_empty() {
            continue;
        }
        let entry = entry(value, &["packages".to_owned(), key.clone()], lines)?;
        let installed_as = key.rsplit_once("node_modules/").map(|(_, name)| name);
        let Some(installed_as) = installed_as else {
            parsed.notes.push(Note {
                line,
                message: format!("{key}: a workspace folder, not a package from the registry"),
            });
            continue;
        };
        let name = entry.name.clone().unwrap_or_else(|| installed_as.to_owned());
        classify(name, entry, line, parsed);
    }
    Ok(())
}

fn read_dependencies(
    dependencies: serde_json::Map<String, serde_json::Value>,
    path: &mut Vec<String>,
    lines: &HashMap<Vec<String>, u32>,
    parsed: &mut Parsed,
) -> Result<(), LockfileError> {
    let mut items: Vec<(String, Option<u32>, serde_json::Value)> = dependencies
        .into_iter()
        .map(|(name, value)| {
            path.push(name.clone());
            let line = lines.get(path.as_slice()).copied();
            path.pop();
            (name, line, value)
        })
        .collect();
    in_file_order(&mut items);
    for (name, line, value) in items {
        path.push(name.clone());
        let mut entry = entry(value, path, lines)?;
        let nested = entry.dependencies.take();
        // An alias: `"version": "npm:real-name@1.0.0"`.
        let name = match entry.version.as_deref().and_then(|v| v.strip_prefix("npm:")) {
            Some(alias) => {
                let at = alias.char_indices().skip(1).find(|&(_, c)| c == '@').map(|(i, _)| i);
                match at {
                    Some(at) => {
                        let (real, version) = (alias[..at].to_owned(), alias[at + 1..].to_owned());
                        entry.version = Some(version);
                        real
                    }
                    None => name,
                }
            }
            None => name,
        };
        classify(name, entry, line, parsed);
        if let Some(nested) = nested {
            path.push("dependencies".to_owned());
            read_dependencies(nested, path, lines, parsed)?;
            path.pop();
        }
        path.pop();
    }
    Ok(())
}

/// A package, or a note saying why not.
fn classify(name: String, entry: Entry, line: Option<u32>, parsed: &mut Parsed) {
    if entry.link {
        let target = entry.resolved.as_deref().unwrap_or("?");
        parsed.notes.push(Note {
            line,
            message: format!("{name}: a link to {target}, not a package from the registry"),
        });
        return;
    }
    let Some(version) = entry.version else {
        parsed.notes.push(Note { line, message: format!("{name}: no version") });
        return;
    };
    let from_elsewhere = match entry.resolved.as_deref() {
        Some(resolved) => !is_registry_tarball(resolved, &name, &version),
        // v1 writes git and file dependencies' sources as their version.
        None => !is_exact_version(&version),
    };
    if from_elsewhere {
        let source = entry.resolved.as_deref().unwrap_or(&version);
        parsed.notes.push(Note { line, message: format!("{name}: not from the npm registry ({source})") });
        return;
    }
    parsed.packages.push(Package { ecosystem: "npm".to_owned(), name, version, line });
}

/// Whether a URL is an npm-registry tarball of `name` at `version`: an http(s) URL whose path
/// ends `/<name>/-/<base name>-<version>.tgz`, as registry.npmjs.org and its mirrors serve.
pub(crate) fn is_registry_tarball(url: &str, name: &str, version: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")) else {
        return false;
    };
    let path = rest.split(['#', '?']).next().unwrap_or(rest);
    let base = name.rsplit('/').next().unwrap_or(name);
    let escaped = name.replace('/', "%2f");
    let escaped_upper = name.replace('/', "%2F");
    let tail = format!("/-/{base}-{version}.tgz");
    [name, escaped.as_str(), escaped_upper.as_str()].iter().any(|n| path.ends_with(&format!("/{n}{tail}")))
}

/// Whether a version is an exact version (`1.2.3`, `1.0.0-beta.1+build`), not a range, a tag, a
/// URL or a path.
pub(crate) fn is_exact_version(version: &str) -> bool {
    version.starts_with(|c: char| c.is_ascii_digit())
        && version.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_tarballs() {
        assert!(is_registry_tarball("https://registry.npmjs.org/a/-/a-1.0.0.tgz", "a", "1.0.0"));
        assert!(is_registry_tarball("https://registry.yarnpkg.com/@s/n/-/n-1.0.0.tgz#abc", "@s/n", "1.0.0"));
        assert!(is_registry_tarball("https://npm.example.com/repo/@s%2fn/-/n-1.0.0.tgz", "@s/n", "1.0.0"));
        assert!(!is_registry_tarball("https://example.com/a.tgz", "a", "1.0.0"));
        assert!(!is_registry_tarball("git+https://github.com/a/a.git#abc", "a", "1.0.0"));
        assert!(!is_registry_tarball("file:../a", "a", "1.0.0"));
    }

    #[test]
    fn exact_versions() {
        for v in ["1.2.3", "0.0.0-use.local", "1.0.0-beta.1+build.5"] {
            assert!(is_exact_version(v), "{v}");
        }
        for v in ["^1.2.3", "~1", ">=1", "latest", "file:../a", "1.x || 2", ""] {
            assert!(!is_exact_version(v), "{v}");
        }
    }

    type Summary = (Vec<(String, String, Option<u32>)>, Vec<(Option<u32>, String)>);

    fn summary(parsed: &Parsed) -> Summary {
        (
            parsed
                .packages
                .iter()
                .map(|p| {
                    assert_eq!(p.ecosystem, "npm");
                    (p.name.clone(), p.version.clone(), p.line)
                })
                .collect(),
            parsed.notes.iter().map(|n| (n.line, n.message.clone())).collect(),
        )
    }

    fn owned<'a>(items: &[(&'a str, &'a str, u32)]) -> Vec<(String, String, Option<u32>)> {
        items.iter().map(|(n, v, l)| ((*n).to_owned(), (*v).to_owned(), Some(*l))).collect()
    }

    const V3: &str = r#"{
  "name": "app",
  "version": "1.0.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {
      "name": "app",
      "version": "1.0.0",
      "workspaces": [
        "packages/*"
      ],
      "dependencies": {
        "lodash": "^4.17.21"
      }
    },
    "node_modules/@babel/code-frame": {
      "version": "7.22.13",
      "resolved": "https://registry.npmjs.org/@babel/code-frame/-/code-frame-7.22.13.tgz",
      "integrity": "sha512-00",
      "dev": true
    },
    "node_modules/lodash": {
      "version": "4.17.21",
      "resolved": "https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz",
      "funding": [
        {
          "type": "github",
          "url": "https://github.com/sponsors/x"
        }
      ]
    },
    "node_modules/my-lib": {
      "resolved": "packages/my-lib",
      "link": true
    },
    "node_modules/old-lodash": {
      "name": "lodash",
      "version": "3.10.1",
      "resolved": "https://registry.npmjs.org/lodash/-/lodash-3.10.1.tgz"
    },
    "node_modules/from-git": {
      "version": "1.0.0",
      "resolved": "git+ssh://git@github.com/x/from-git.git#abc"
    },
    "node_modules/tarball": {
      "version": "2.0.0",
      "resolved": "https://example.com/downloads/tarball.tgz"
    },
    "node_modules/a/node_modules/lodash": {
      "version": "4.17.20",
      "resolved": "https://registry.npmjs.org/lodash/-/lodash-4.17.20.tgz"
    },
    "packages/my-lib": {
      "version": "0.0.1"
    }
  }
}
"#;

    #[test]
    fn version_3_packages_aliases_links_and_other_sources() {
        let (packages, notes) = summary(&parse(V3).expect("reads"));
        assert_eq!(
            packages,
            owned(&[
                ("@babel/code-frame", "7.22.13", 17),
                ("lodash", "4.17.21", 23),
                ("lodash", "3.10.1", 37),
                ("lodash", "4.17.20", 50),
            ])
        );
        assert_eq!(
            notes,
            [
                (Some(33), "my-lib: a link to packages/my-lib, not a package from the registry".to_owned()),
                (
                    Some(42),
                    "from-git: not from the npm registry (git+ssh://git@github.com/x/from-git.git#abc)"
                        .to_owned()
                ),
                (
                    Some(46),
                    "tarball: not from the npm registry (https://example.com/downloads/tarball.tgz)"
                        .to_owned()
                ),
                (Some(54), "packages/my-lib: a workspace folder, not a package from the registry".to_owned()),
            ]
        );
    }

    #[test]
    fn version_2_reads_packages_not_the_legacy_section() {
        let text = r#"{
  "lockfileVersion": 2,
  "packages": {
    "": {},
    "node_modules/ms": {
      "version": "2.1.3",
      "resolved": "https://registry.npmjs.org/ms/-/ms-2.1.3.tgz"
    }
  },
  "dependencies": {
    "ms": {
      "version": "2.1.3",
      "resolved": "https://registry.npmjs.org/ms/-/ms-2.1.3.tgz"
    }
  }
}"#;
        let (packages, notes) = summary(&parse(text).expect("reads"));
        assert_eq!(packages, owned(&[("ms", "2.1.3", 5)]));
        assert!(notes.is_empty());
    }

    #[test]
    fn version_1_nested_dependencies_aliases_and_git() {
        let text = r#"{
  "name": "app",
  "version": "1.0.0",
  "lockfileVersion": 1,
  "requires": true,
  "dependencies": {
    "debug": {
      "version": "2.6.9",
      "resolved": "https://registry.npmjs.org/debug/-/debug-2.6.9.tgz",
      "requires": {
        "ms": "2.0.0"
      },
      "dependencies": {
        "ms": {
          "version": "2.0.0",
          "resolved": "https://registry.npmjs.org/ms/-/ms-2.0.0.tgz"
        }
      }
    },
    "ms": {
      "version": "2.1.3",
      "resolved": "https://registry.npmjs.org/ms/-/ms-2.1.3.tgz"
    },
    "my-alias": {
      "version": "npm:@scope/real@1.2.3",
      "resolved": "https://registry.npmjs.org/@scope/real/-/real-1.2.3.tgz"
    },
    "from-git": {
      "version": "git+https://github.com/x/from-git.git#abc",
      "from": "git+https://github.com/x/from-git.git"
    },
    "local": {
      "version": "file:../local"
    }
  }
}"#;
        let (packages, notes) = summary(&parse(text).expect("reads"));
        assert_eq!(
            packages,
            owned(&[
                ("debug", "2.6.9", 7),
                ("ms", "2.0.0", 14),
                ("ms", "2.1.3", 20),
                ("@scope/real", "1.2.3", 24)
            ])
        );
        assert_eq!(
            notes,
            [
                (
                    Some(28),
                    "from-git: not from the npm registry (git+https://github.com/x/from-git.git#abc)"
                        .to_owned()
                ),
                (Some(32), "local: not from the npm registry (file:../local)".to_owned()),
            ]
        );
    }

    #[test]
    fn shrinkwrap_is_detected_and_minified_files_read_without_lines() {
        assert_eq!(crate::Kind::detect("npm-shrinkwrap.json"), Some(crate::Kind::NpmLock));
        let text = r#"{"lockfileVersion":3,"packages":{"":{},"node_modules/ms":{"version":"2.1.3"}}}"#;
        let (packages, _) = summary(&parse(text).expect("reads"));
        assert_eq!(packages, [("ms".to_owned(), "2.1.3".to_owned(), None)]);
    }

    #[test]
    fn malformed_files_say_where() {
        let err = parse("{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"node_modules/a\": {\"version\": }\n  }\n}")
            .expect_err("bad JSON");
        assert_eq!(err.line, Some(4), "{err}");
        assert!(err.message.starts_with("not a valid package-lock.json"), "{err}");
        let err = parse("{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"node_modules/a\": {\n      \"version\": 1\n    }\n  }\n}")
            .expect_err("a number for a version");
        assert_eq!(err.line, Some(4), "{err}");
        let err = parse("{\"lockfileVersion\": \"x\"}").expect_err("not a number");
        assert_eq!(err.line, Some(1), "{err}");
        let err = parse("{\"lockfileVersion\": 0}").expect_err("no such version");
        assert!(err.message.contains("lockfileVersion 0"), "{err}");
    }

    proptest::proptest! {
        #[test]
        fn any_text_reads_or_fails_without_panicking(text in "(?s).{0,200}") {
            let _ = parse(&text);
            let _ = parse(&format!("{{\n  \"lockfileVersion\": 3,\n  \"packages\": {{\n{text}"));
        }
    }
}
