//! `pnpm-lock.yaml` files, lockfile versions 5.x, 6 (and the 7 of early pnpm 8) and 9 (several
//! YAML documents, as pnpm 10 may write, are read one after the other). Ecosystem `npm`.
//!
//! The packages are the keys of `packages`: `/name/1.2.3` in 5.x, `/name@1.2.3` in 6, and
//! `name@1.2.3` in 9, with scoped names (`/@scope/name/1.2.3`, `'@scope/name@1.2.3'`) and the
//! peer-dependency suffixes of a key (`_react@18.2.0` in 5.x, `(react@18.2.0)` later) removed;
//! each at its key's line. Entries installed from elsewhere are notes: keys that are not a
//! registry path (`github.com/…`, `file:…`, `link:…`, a URL as a version) and resolutions of
//! type `git` or `directory`, or a `tarball` that is not an npm registry's.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use crate::npm::{is_exact_version, is_registry_tarball};
use crate::position::{line_number, yaml_documents};
use crate::{LockfileError, Note, Package, Parsed};

#[derive(Deserialize)]
struct Lockfile {
    #[serde(rename = "lockfileVersion")]
    lockfile_version: Option<String>,
    packages: Option<BTreeMap<String, Entry>>,
}

#[derive(Deserialize)]
struct Entry {
    resolution: Option<Resolution>,
}

#[derive(Deserialize)]
struct Resolution {
    #[serde(rename = "type")]
    kind: Option<String>,
    tarball: Option<String>,
    directory: Option<String>,
    repo: Option<String>,
    commit: Option<String>,
}

/// How a lockfile version writes its keys.
#[derive(Clone, Copy)]
enum KeyStyle {
    /// 5.x: `/name/1.2.3_peer@1.0.0`.
    Slashes,
    /// 6 and 7: `/name@1.2.3(peer@1.0.0)`.
    AtWithSlash,
    /// 9: `name@1.2.3`.
    At,
}

/// Reads a `pnpm-lock.yaml`.
pub(crate) fn parse(text: &str) -> Result<Parsed, LockfileError> {
    let documents: Vec<Lockfile> = yaml_documents(text, "pnpm-lock.yaml")?;
    let lines = key_lines(text);
    let mut parsed = Parsed::default();
    for lock in documents {
        let Some(packages) = lock.packages else { continue };
        let Some(version) = lock.lockfile_version else {
            return Err(LockfileError::at(None, "not a valid pnpm-lock.yaml: no `lockfileVersion`"));
        };
        let major: u32 =
            version.trim_matches(['\'', '"']).split('.').next().and_then(|m| m.parse().ok()).ok_or_else(
                || LockfileError::at(None, format!("lockfileVersion `{version}` is not a version")),
            )?;
        let style = match major {
            0..=4 => {
                return Err(LockfileError::at(
                    None,
                    format!("lockfileVersion {version} is older than this reader knows (5 to 9)"),
                ));
            }
            5 => KeyStyle::Slashes,
            6..=8 => KeyStyle::AtWithSlash,
            _ => KeyStyle::At,
        };
        let mut entries: Vec<(Option<u32>, String, Entry)> =
            packages.into_iter().map(|(key, entry)| (lines.get(&key).copied(), key, entry)).collect();
        entries.sort_by(|a, b| (a.0.unwrap_or(u32::MAX), &a.1).cmp(&(b.0.unwrap_or(u32::MAX), &b.1)));
        for (line, key, entry) in entries {
            read_entry(style, line, &key, &entry, &mut parsed);
        }
    }
    Ok(parsed)
}

/// A package key's name and version, or `None` when it is not a registry package's key.
fn name_and_version(style: KeyStyle, key: &str) -> Option<(String, String)> {
    match style {
        KeyStyle::Slashes => {
            let path = key.strip_prefix('/')?;
            let (name, version) = path.rsplit_once('/')?;
            let version = version.split('_').next().unwrap_or(version);
            Some((name.to_owned(), version.to_owned()))
        }
        KeyStyle::AtWithSlash | KeyStyle::At => {
            let key = match style {
                KeyStyle::AtWithSlash => key.strip_prefix('/')?,
                _ => key,
            };
            let from = usize::from(key.starts_with('@'));
            let at = key[from..].find('@')? + from;
            let version = &key[at + 1..];
            let version = version.split('(').next().unwrap_or(version);
            Some((key[..at].to_owned(), version.to_owned()))
        }
    }
    .filter(|(name, version)| !name.is_empty() && name != "@" && is_exact_version(version))
}

fn read_entry(style: KeyStyle, line: Option<u32>, key: &str, entry: &Entry, parsed: &mut Parsed) {
    let resolution = entry.resolution.as_ref();
    let elsewhere = resolution.and_then(|r| match r.kind.as_deref() {
        Some("git") => Some(format!(
            "git {}{}",
            r.repo.as_deref().unwrap_or("?"),
            r.commit.as_deref().map(|c| format!("#{c}")).unwrap_or_default()
        )),
        Some("directory") => Some(format!("directory {}", r.directory.as_deref().unwrap_or("?"))),
        _ => None,
    });
    let note = |parsed: &mut Parsed, why: String| {
        parsed.notes.push(Note { line, message: format!("{key}: not from the npm registry ({why})") });
    };
    if let Some(why) = elsewhere {
        return note(parsed, why);
    }
    let Some((name, version)) = name_and_version(style, key) else {
        let why = resolution
            .and_then(|r| r.tarball.clone())
            .unwrap_or_else(|| "not a registry package's key".to_owned());
        return note(parsed, why);
    };
    if let Some(tarball) = resolution.and_then(|r| r.tarball.as_deref())
        && !is_registry_tarball(tarball, &name, &version)
    {
        return note(parsed, tarball.to_owned());
    }
    parsed.packages.push(Package { ecosystem: "npm".to_owned(), name, version, line });
}

/// The line of each key of `packages:` (indented by two spaces under it).
fn key_lines(text: &str) -> HashMap<String, u32> {
    let mut lines = HashMap::new();
    let mut in_packages = false;
    for (i, raw) in text.lines().enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if raw.trim().is_empty() || raw.trim_start().starts_with('#') {
            continue;
        }
        if !raw.starts_with(' ') {
            in_packages = raw.trim_end() == "packages:";
            continue;
        }
        let Some(key) = in_packages.then(|| raw.strip_prefix("  ")).flatten() else { continue };
        if key.starts_with(' ') {
            continue;
        }
        if let Some(key) = key.trim_end().strip_suffix(':').and_then(unquoted) {
            lines.entry(key).or_insert_with(|| line_number(i));
        }
    }
    lines
}

/// A YAML key as written: bare, 'single-quoted' or "double-quoted".
fn unquoted(key: &str) -> Option<String> {
    if let Some(inner) = key.strip_prefix('\'').and_then(|k| k.strip_suffix('\'')) {
        Some(inner.replace("''", "'"))
    } else if key.starts_with('"') {
        serde_json::from_str(key).ok()
    } else {
        Some(key.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, packages: &[(&str, &str, u32)], notes: &[(u32, &str)]) {
        let parsed = crate::parse(crate::Kind::PnpmLock, text).expect("reads");
        let got: Vec<_> = parsed
            .packages
            .iter()
            .map(|p| {
                assert_eq!(p.ecosystem, "npm");
                (p.name.as_str(), p.version.as_str(), p.line.expect("a line"))
            })
            .collect();
        assert_eq!(got, packages);
        let got: Vec<_> =
            parsed.notes.iter().map(|n| (n.line.expect("a line"), n.message.as_str())).collect();
        assert_eq!(got, notes);
    }

    #[test]
    fn version_5_slashes_and_underscore_peers() {
        check(
            r#"lockfileVersion: 5.4

specifiers:
  react: ^17.0.2

dependencies:
  react: 17.0.2

packages:

  /@babel/core/7.12.3:
    resolution: {integrity: sha512-00}
    dev: true

  /react-dom/17.0.2_react@17.0.2:
    resolution: {integrity: sha512-00}

  /react-dom/17.0.2_react@17.0.1:
    resolution: {integrity: sha512-00}

  /use-sync/1.0.0_@types+react@18.0.0:
    resolution: {integrity: sha512-00}

  github.com/x/forked/abc123:
    resolution: {tarball: https://codeload.github.com/x/forked/tar.gz/abc123}
    name: forked
    version: 1.0.0

  file:packages/local:
    resolution: {directory: packages/local, type: directory}
    name: local
    version: 0.1.0
"#,
            &[("@babel/core", "7.12.3", 11), ("react-dom", "17.0.2", 15), ("use-sync", "1.0.0", 21)],
            &[
                (
                    24,
                    "github.com/x/forked/abc123: not from the npm registry (https://codeload.github.com/x/forked/tar.gz/abc123)",
                ),
                (29, "file:packages/local: not from the npm registry (directory packages/local)"),
            ],
        );
    }

    #[test]
    fn version_6_at_signs_and_parenthesised_peers() {
        check(
            r#"lockfileVersion: '6.0'

settings:
  autoInstallPeers: true

packages:

  /@babel/core@7.12.3:
    resolution: {integrity: sha512-00}

  /react-dom@18.2.0(react@18.2.0):
    resolution: {integrity: sha512-00}
    peerDependencies:
      react: ^18.2.0

  /@tanstack/react-query@5.0.0(@types/react@18.0.0)(react@18.2.0):
    resolution: {integrity: sha512-00}

  github.com/x/forked/abc:
    resolution: {tarball: https://codeload.github.com/x/forked/tar.gz/abc}
"#,
            &[
                ("@babel/core", "7.12.3", 8),
                ("react-dom", "18.2.0", 11),
                ("@tanstack/react-query", "5.0.0", 16),
            ],
            &[(
                19,
                "github.com/x/forked/abc: not from the npm registry (https://codeload.github.com/x/forked/tar.gz/abc)",
            )],
        );
    }

    #[test]
    fn version_9_bare_keys_git_and_tarballs() {
        check(
            r#"lockfileVersion: '9.0'

importers:

  .:
    dependencies:
      react:
        specifier: ^18.2.0
        version: 18.2.0

packages:

  '@babel/core@7.12.3':
    resolution: {integrity: sha512-00}

  react@18.2.0:
    resolution: {integrity: sha512-00}

  forked@https://codeload.github.com/x/forked/tar.gz/abc:
    resolution: {tarball: https://codeload.github.com/x/forked/tar.gz/abc}
    version: 1.0.0

  gitdep@git+https://github.com/x/gitdep.git#abc:
    resolution: {commit: abc, repo: https://github.com/x/gitdep.git, type: git}
    version: 2.0.0

  mirrored@1.0.0:
    resolution: {integrity: sha512-00, tarball: https://npm.example.com/mirrored/-/mirrored-1.0.0.tgz}

  odd@1.0.0:
    resolution: {integrity: sha512-00, tarball: https://example.com/odd.tgz}

snapshots:

  react@18.2.0:
    dependencies:
      loose-envify: 1.4.0
"#,
            &[("@babel/core", "7.12.3", 13), ("react", "18.2.0", 16), ("mirrored", "1.0.0", 27)],
            &[
                (
                    19,
                    "forked@https://codeload.github.com/x/forked/tar.gz/abc: not from the npm registry (https://codeload.github.com/x/forked/tar.gz/abc)",
                ),
                (
                    23,
                    "gitdep@git+https://github.com/x/gitdep.git#abc: not from the npm registry (git https://github.com/x/gitdep.git#abc)",
                ),
                (30, "odd@1.0.0: not from the npm registry (https://example.com/odd.tgz)"),
            ],
        );
    }

    #[test]
    fn several_documents_are_all_read() {
        check(
            "---\nlockfileVersion: '9.0'\n\nimporters:\n  .:\n    configDependencies: {}\n\n---\nlockfileVersion: '9.0'\n\npackages:\n\n  ms@2.1.3:\n    resolution: {integrity: sha512-00}\n",
            &[("ms", "2.1.3", 13)],
            &[],
        );
    }

    #[test]
    fn malformed_files_say_where() {
        let err = parse("lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    resolution: {integrity: x\n")
            .expect_err("bad YAML");
        assert!(err.line.is_some_and(|l| l >= 4), "{err}");
        assert!(err.message.starts_with("not a valid pnpm-lock.yaml"), "{err}");
        let err = parse("packages:\n  a@1.0.0:\n    resolution: {integrity: x}\n").expect_err("no version");
        assert!(err.message.contains("lockfileVersion"), "{err}");
    }

    proptest::proptest! {
        #[test]
        fn any_key_or_text_reads_or_fails_without_panicking(text in "(?s).{0,200}") {
            for style in [KeyStyle::Slashes, KeyStyle::AtWithSlash, KeyStyle::At] {
                let _ = name_and_version(style, &text);
            }
            let _ = parse(&text);
        }

        #[test]
        fn keys_of_every_version_give_their_name_and_version(
            name in "(@[a-z]{1,5}/)?[a-z][a-z0-9._-]{0,10}",
            version in "[0-9]{1,2}\\.[0-9]{1,2}\\.[0-9]{1,2}(-beta\\.[0-9])?",
            peer in proptest::option::of("(@[a-z]{1,5}/)?[a-z]{1,8}@[0-9]\\.[0-9]\\.[0-9]"),
        ) {
            let expected = Some((name.clone(), version.clone()));
            let v5_peer = peer.as_ref().map(|p| format!("_{}", p.replace('/', "+"))).unwrap_or_default();
            let v6_peer = peer.as_ref().map(|p| format!("({p})")).unwrap_or_default();
            proptest::prop_assert_eq!(name_and_version(KeyStyle::Slashes, &format!("/{name}/{version}{v5_peer}")), expected.clone());
            proptest::prop_assert_eq!(name_and_version(KeyStyle::AtWithSlash, &format!("/{name}@{version}{v6_peer}")), expected.clone());
            proptest::prop_assert_eq!(name_and_version(KeyStyle::At, &format!("{name}@{version}{v6_peer}")), expected);
        }
    }
}
