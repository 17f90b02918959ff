//! `yarn.lock` files, classic (v1, yarn's own text format) and berry (v2 and later, YAML with a
//! `__metadata` entry); both ecosystem `npm`, each package at its entry's header line.
//!
//! Classic entries (`"a@^1", a@~1.2:` with an indented `version "1.2.3"` and `resolved "…"`)
//! are packages when resolved from an npm registry (a `…/<name>/-/<name>-<version>.tgz` tarball
//! on registry.yarnpkg.com, registry.npmjs.org or a mirror) or, with no `resolved`, when their
//! range is a registry range; an alias (`b@npm:real@^1`) is the real package. Entries resolved
//! from git, a URL or a folder are notes.
//!
//! Berry entries are read from their `resolution` (`"a@npm:1.2.3"`): `npm:` ones are packages;
//! `patch:` ones are the patched npm package at its underlying version when the patch names
//! one; `workspace:`, `link:`, `portal:`, `file:`, `exec:`, git and URL resolutions are notes.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use crate::npm::{is_exact_version, is_registry_tarball};
use crate::position::{line_number, yaml_document};
use crate::{LockfileError, Note, Package, Parsed};

/// Reads a `yarn.lock`, classic or berry.
pub(crate) fn parse(text: &str) -> Result<Parsed, LockfileError> {
    if text.lines().any(|l| l.starts_with("__metadata:")) { berry(text) } else { classic(text) }
}

/// `name` and the rest of a descriptor `name@range` (`@scope/name@range` for scoped names).
fn split_descriptor(descriptor: &str) -> Option<(&str, &str)> {
    let from = usize::from(descriptor.starts_with('@'));
    let at = descriptor[from..].find('@')? + from;
    let name = &descriptor[..at];
    (!name.is_empty() && name != "@").then(|| (name, &descriptor[at + 1..]))
}

/// A string as yarn writes it: bare, or JSON-quoted.
fn unquote(value: &str) -> Option<String> {
    let value = value.trim();
    if value.starts_with('"') { serde_json::from_str(value).ok() } else { Some(value.to_owned()) }
}

/// The descriptors of a header line (without its `:`): `"a@^1", a@~1.2`.
fn descriptors(header: &str) -> Option<Vec<String>> {
    header.split(", ").map(unquote).collect::<Option<Vec<_>>>().filter(|d| !d.is_empty())
}

fn package(name: &str, version: &str, line: u32) -> Package {
    Package {
        ecosystem: "npm".to_owned(),
        name: name.to_owned(),
        version: version.to_owned(),
        line: Some(line),
    }
}

struct ClassicEntry {
    line: u32,
    header: String,
    descriptors: Vec<String>,
    version: Option<String>,
    resolved: Option<String>,
}

fn classic(text: &str) -> Result<Parsed, LockfileError> {
    let mut parsed = Parsed::default();
    let mut current: Option<ClassicEntry> = None;
    for (i, raw) in text.lines().enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let line = line_number(i);
        let indent = raw.len() - raw.trim_start_matches(' ').len();
        if indent == 0 {
            if let Some(entry) = current.take() {
                finish_classic(entry, &mut parsed)?;
            }
            let descriptors = raw
                .strip_suffix(':')
                .and_then(descriptors)
                .filter(|ds| ds.iter().all(|d| split_descriptor(d).is_some()))
                .ok_or_else(|| {
                    LockfileError::at(
                        Some(line),
                        format!("expected an entry such as `name@^1.0.0:`, found `{raw}`"),
                    )
                })?;
            current = Some(ClassicEntry {
                line,
                header: raw[..raw.len() - 1].to_owned(),
                descriptors,
                version: None,
                resolved: None,
            });
            continue;
        }
        let Some(entry) = current.as_mut() else {
            return Err(LockfileError::at(Some(line), "an indented line before any entry"));
        };
        if indent != 2 {
            continue; // the members of `dependencies:` and the like
        }
        let (key, value) = trimmed.split_once(' ').unwrap_or((trimmed, ""));
        let field = match key {
            "version" => &mut entry.version,
            "resolved" => &mut entry.resolved,
            _ => continue,
        };
        *field = Some(unquote(value).filter(|v| !v.is_empty()).ok_or_else(|| {
            LockfileError::at(Some(line), format!("`{key}`: expected a quoted string, found `{value}`"))
        })?);
    }
    if let Some(entry) = current {
        finish_classic(entry, &mut parsed)?;
    }
    Ok(parsed)
}

fn finish_classic(entry: ClassicEntry, parsed: &mut Parsed) -> Result<(), LockfileError> {
    let line = entry.line;
    let Some(version) = entry.version else {
        return Err(LockfileError::at(Some(line), format!("`{}` has no version", entry.header)));
    };
    let (mut name, mut range) = split_descriptor(&entry.descriptors[0]).expect("descriptors were checked");
    if let Some((real, real_range)) = range.strip_prefix("npm:").and_then(split_descriptor) {
        (name, range) = (real, real_range);
    }
    let from_registry = match entry.resolved.as_deref() {
        Some(resolved) => is_registry_tarball(resolved, name, &version),
        None => !range.contains(':') && !range.contains('/'),
    };
    if from_registry && is_exact_version(&version) {
        parsed.packages.push(package(name, &version, line));
    } else {
        let source = entry.resolved.as_deref().unwrap_or(range);
        parsed.notes.push(Note {
            line: Some(line),
            message: format!("{name}: not from the npm registry ({source})"),
        });
    }
    Ok(())
}

#[derive(Deserialize)]
struct BerryEntry {
    version: Option<String>,
    resolution: Option<String>,
}

/// Decodes the `%XX` escapes yarn writes inside `patch:` references.
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn berry(text: &str) -> Result<Parsed, LockfileError> {
    let entries: BTreeMap<String, BerryEntry> = yaml_document(text, "yarn.lock")?;
    let mut lines: HashMap<String, u32> = HashMap::new();
    for (i, raw) in text.lines().enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if raw.starts_with([' ', '#']) || raw.is_empty() {
            continue;
        }
        if let Some(key) = raw.strip_suffix(':').and_then(unquote) {
            lines.entry(key).or_insert_with(|| line_number(i));
        }
    }
    let mut entries: Vec<(u32, String, BerryEntry)> = entries
        .into_iter()
        .filter(|(key, _)| key != "__metadata")
        .map(|(key, entry)| (lines.get(&key).copied().unwrap_or(0), key, entry))
        .collect();
    entries.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let mut parsed = Parsed::default();
    for (line, key, entry) in entries {
        let at = (line > 0).then_some(line);
        let resolution = entry
            .resolution
            .as_deref()
            .ok_or_else(|| LockfileError::at(at, format!("`{key}` has no resolution")))?;
        let (name, reference) = split_descriptor(resolution).ok_or_else(|| {
            LockfileError::at(
                at,
                format!("`{key}`: expected a resolution such as `name@npm:1.0.0`, found `{resolution}`"),
            )
        })?;
        let npm_version = match reference.split_once(':') {
            Some(("npm", version)) => Some((name.to_owned(), version.to_owned())),
            Some(("patch", patched)) => {
                let inner = percent_decoded(patched.split('#').next().unwrap_or(patched));
                split_descriptor(&inner).and_then(|(inner_name, inner_ref)| {
                    let version = inner_ref.strip_prefix("npm:")?;
                    Some((inner_name.to_owned(), version.to_owned()))
                })
            }
            _ => None,
        };
        match npm_version.filter(|(_, v)| is_exact_version(v)) {
            Some((name, version)) => {
                parsed.packages.push(Package { ecosystem: "npm".to_owned(), name, version, line: at })
            }
            None => {
                let what = match reference.split_once(':').map(|(p, _)| p) {
                    Some("workspace") => "a workspace",
                    Some("link" | "portal" | "file") => "a local folder",
                    Some("patch") => "a patch of something other than an npm version",
                    _ => "not from the npm registry",
                };
                let version = entry.version.as_deref().map(|v| format!(" {v}")).unwrap_or_default();
                parsed
                    .notes
                    .push(Note { line: at, message: format!("{name}{version}: {what} ({resolution})") });
            }
        }
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    type Summary = (Vec<(String, String, u32)>, Vec<(u32, String)>);

    fn summary(text: &str) -> Summary {
        let parsed = crate::parse(crate::Kind::YarnLock, text).expect("reads");
        (
            parsed
                .packages
                .iter()
                .map(|p| {
                    assert_eq!(p.ecosystem, "npm");
                    (p.name.clone(), p.version.clone(), p.line.expect("a line"))
                })
                .collect(),
            parsed.notes.iter().map(|n| (n.line.expect("a line"), n.message.clone())).collect(),
        )
    }

    fn check(text: &str, packages: &[(&str, &str, u32)], notes: &[(u32, &str)]) {
        let (got_packages, got_notes) = summary(text);
        let want: Vec<_> = packages.iter().map(|(n, v, l)| ((*n).to_owned(), (*v).to_owned(), *l)).collect();
        assert_eq!(got_packages, want);
        let want: Vec<_> = notes.iter().map(|(l, m)| (*l, (*m).to_owned())).collect();
        assert_eq!(got_notes, want);
    }

    const CLASSIC: &str = r#"# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.
# yarn lockfile v1


"@babel/code-frame@^7.0.0", "@babel/code-frame@^7.10.4":
  version "7.12.13"
  resolved "https://registry.yarnpkg.com/@babel/code-frame/-/code-frame-7.12.13.tgz#dcfc826beef65e75c50e21d3837d7d95798dd658"
  integrity sha512-00
  dependencies:
    "@babel/highlight" "^7.12.13"

abbrev@1, abbrev@^1.0.0:
  version "1.1.1"
  resolved "https://registry.yarnpkg.com/abbrev/-/abbrev-1.1.1.tgz#f8f2c887ad10bf67f634f005b6987fed3179aac8"

"lodash-old@npm:lodash@^3":
  version "3.10.1"
  resolved "https://registry.npmjs.org/lodash/-/lodash-3.10.1.tgz#5bf45e8e49ba4189e17d482789dfd15bd140b7b6"

"forked@git+https://github.com/x/forked.git#v1":
  version "1.0.0"
  resolved "git+https://github.com/x/forked.git#abc"

"local@file:../local":
  version "0.1.0"

no-resolved@^2.0.0:
  version "2.0.1"
"#;

    #[test]
    fn classic_entries_scoped_names_aliases_and_other_sources() {
        check(
            CLASSIC,
            &[
                ("@babel/code-frame", "7.12.13", 5),
                ("abbrev", "1.1.1", 12),
                ("lodash", "3.10.1", 16),
                ("no-resolved", "2.0.1", 27),
            ],
            &[
                (20, "forked: not from the npm registry (git+https://github.com/x/forked.git#abc)"),
                (24, "local: not from the npm registry (file:../local)"),
            ],
        );
    }

    #[test]
    fn classic_malformed_files_say_where() {
        for (text, line, says) in [
            ("a@^1:\n  version \"1.0.0\"\nb@^1\n  version \"1.0.0\"\n", 3, "expected an entry"),
            ("# c\n  version \"1.0.0\"\n", 2, "before any entry"),
            ("a@^1:\n  resolved \"x\"\n\nb@^1:\n  version \"1\"\n", 1, "has no version"),
            ("a@^1:\n  version \"1.0.0\n", 2, "expected a quoted string"),
            ("nameless:\n  version \"1.0.0\"\n", 1, "expected an entry"),
        ] {
            let err = parse(text).expect_err(text);
            assert_eq!(err.line, Some(line), "{text}: {err}");
            assert!(err.message.contains(says), "{text}: {err}");
        }
    }

    const BERRY: &str = r#"# This file is generated by running "yarn install" inside your project.
# Manual changes might be lost - proceed with caution!

__metadata:
  version: 8
  cacheKey: 10c0

"@babel/code-frame@npm:^7.0.0, @babel/code-frame@npm:^7.10.4":
  version: 7.12.13
  resolution: "@babel/code-frame@npm:7.12.13"
  dependencies:
    "@babel/highlight": "npm:^7.12.13"
  checksum: 10c0/00
  languageName: node
  linkType: hard

"app@workspace:.":
  version: 0.0.0-use.local
  resolution: "app@workspace:."
  languageName: unknown
  linkType: soft

"lodash-old@npm:lodash@^3":
  version: 3.10.1
  resolution: "lodash@npm:3.10.1"
  languageName: node
  linkType: hard

"typescript@patch:typescript@npm%3A^5.3.3#optional!builtin<compat/typescript>":
  version: 5.3.3
  resolution: "typescript@patch:typescript@npm%3A5.3.3#optional!builtin<compat/typescript>::version=5.3.3&hash=e012d7"
  languageName: node
  linkType: hard

"my-link@link:./vendor/my-link::locator=app%40workspace%3A.":
  version: 0.0.0-use.local
  resolution: "my-link@link:./vendor/my-link::locator=app%40workspace%3A."
  languageName: node
  linkType: soft

"forked@https://github.com/x/forked.git#commit=abc":
  version: 1.0.0
  resolution: "forked@https://github.com/x/forked.git#commit=abc"
  languageName: node
  linkType: hard
"#;

    #[test]
    fn berry_entries_patches_and_protocols() {
        check(
            BERRY,
            &[("@babel/code-frame", "7.12.13", 8), ("lodash", "3.10.1", 23), ("typescript", "5.3.3", 29)],
            &[
                (17, "app 0.0.0-use.local: a workspace (app@workspace:.)"),
                (
                    35,
                    "my-link 0.0.0-use.local: a local folder (my-link@link:./vendor/my-link::locator=app%40workspace%3A.)",
                ),
                (
                    41,
                    "forked 1.0.0: not from the npm registry (forked@https://github.com/x/forked.git#commit=abc)",
                ),
            ],
        );
    }

    #[test]
    fn berry_malformed_files_say_where() {
        let err = parse("__metadata:\n  version: 8\n\n\"a@npm:^1\":\n  version: 1.0.0\n  resolution: [\n")
            .expect_err("bad YAML");
        assert!(err.line.is_some_and(|l| l >= 6), "{err}");
        assert!(err.message.starts_with("not a valid yarn.lock"), "{err}");
        let err = parse("__metadata:\n  version: 8\n\n\"a@npm:^1\":\n  version: 1.0.0\n")
            .expect_err("no resolution");
        assert_eq!(err.line, Some(4), "{err}");
    }

    proptest::proptest! {
        #[test]
        fn any_text_reads_or_fails_without_panicking(text in "(?s).{0,200}") {
            let _ = parse(&text);
            let _ = parse(&format!("__metadata:\n  version: 8\n\n{text}"));
        }

        #[test]
        fn classic_entries_read_back(
            entries in proptest::collection::vec(
                ("(@[a-z]{1,5}/)?[a-z][a-z0-9-]{0,10}", "[0-9]{1,2}\\.[0-9]{1,2}\\.[0-9]{1,2}"),
                1..6,
            )
        ) {
            let mut text = String::from("# yarn lockfile v1\n\n");
            let mut expected = Vec::new();
            let mut line = 3;
            for (name, version) in &entries {
                let base = name.rsplit('/').next().unwrap_or(name);
                text.push_str(&format!(
                    "\"{name}@^{version}\":\n  version \"{version}\"\n  resolved \"https://registry.yarnpkg.com/{name}/-/{base}-{version}.tgz#00\"\n\n"
                ));
                expected.push((name.clone(), version.clone(), line));
                line += 4;
            }
            let parsed = parse(&text).expect("reads");
            let got: Vec<_> = parsed.packages.iter().map(|p| (p.name.clone(), p.version.clone(), p.line.expect("a line"))).collect();
            proptest::prop_assert_eq!(got, expected);
        }
    }
}
