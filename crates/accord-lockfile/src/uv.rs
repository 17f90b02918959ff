//! `uv.lock` files: every `[[package]]` whose `source` is a package index
//! (`source = { registry = "…" }`, PyPI or another index) is a `PyPI` package at its header's
//! line. Packages from anywhere else are notes: the project itself and workspace members
//! (`editable`, `virtual`), local folders and files (`directory`, `path`), `git` repositories
//! and `url` archives.

use serde::Deserialize;

use crate::position::{nth_line, toml_document};
use crate::{LockfileError, Note, Package, Parsed};

#[derive(Deserialize)]
struct Lockfile {
    #[serde(default)]
    package: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    name: String,
    version: Option<String>,
    source: Option<toml::Table>,
}

/// The kinds of source, as uv names them, that are not a package index.
const LOCAL: [&str; 6] = ["editable", "virtual", "directory", "path", "git", "url"];

/// Reads a `uv.lock`.
pub(crate) fn parse(text: &str) -> Result<Parsed, LockfileError> {
    let (lock, lines) = toml_document::<Lockfile>(text, "uv.lock")?;
    let mut parsed = Parsed::default();
    let count = lock.package.len();
    for (i, entry) in lock.package.into_iter().enumerate() {
        let line = nth_line(&lines, count, i);
        let source = entry.source.unwrap_or_default();
        let local = LOCAL.iter().find_map(|k| {
            source.get(*k).map(|v| format!("{k} {}", v.as_str().unwrap_or("")).trim_end().to_owned())
        });
        let title = match &entry.version {
            Some(v) => format!("{} {v}", entry.name),
            None => entry.name.clone(),
        };
        match (source.contains_key("registry"), entry.version, local) {
            (true, Some(version), _) => parsed.packages.push(Package {
                ecosystem: "PyPI".to_owned(),
                name: entry.name,
                version,
                line,
            }),
            (true, None, _) => {
                return Err(LockfileError::at(
                    line,
                    format!("package `{}` from a registry has no version", entry.name),
                ));
            }
            (false, _, Some(local)) => parsed
                .notes
                .push(Note { line, message: format!("{title}: not from a package index ({local})") }),
            (false, _, None) => {
                parsed.notes.push(Note { line, message: format!("{title}: no package index named") })
            }
        }
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_packages_and_the_others() {
        let text = "version = 1\nrevision = 3\nrequires-python = \">=3.8\"\n\n\
            [[package]]\nname = \"anyio\"\nversion = \"4.3.0\"\nsource = { registry = \"https://pypi.org/simple\" }\n\
            dependencies = [\n    { name = \"idna\" },\n]\nsdist = { url = \"https://files.example/anyio-4.3.0.tar.gz\", hash = \"sha256:00\" }\n\n\
            [[package]]\nname = \"app\"\nversion = \"0.1.0\"\nsource = { editable = \".\" }\n\n\
            [[package]]\nname = \"idna\"\nversion = \"3.6\"\nsource = { registry = \"https://mirror.example/simple\" }\n\n\
            [[package]]\nname = \"tool\"\nversion = \"1.0\"\nsource = { git = \"https://github.com/x/tool?rev=abc#abc\" }\n\n\
            [[package]]\nname = \"workspace\"\nsource = { virtual = \".\" }\n\n\
            [[package]]\nname = \"wheel-pkg\"\nversion = \"2.0\"\nsource = { url = \"https://example.com/w-2.0-py3-none-any.whl\" }\n\n\
            [package.metadata]\nrequires-dist = []\n";
        let parsed = parse(text).expect("reads");
        let got: Vec<_> = parsed
            .packages
            .iter()
            .map(|p| (p.ecosystem.as_str(), p.name.as_str(), p.version.as_str(), p.line))
            .collect();
        assert_eq!(got, [("PyPI", "anyio", "4.3.0", Some(5)), ("PyPI", "idna", "3.6", Some(19))]);
        let notes: Vec<_> = parsed.notes.iter().map(|n| (n.line, n.message.as_str())).collect();
        assert_eq!(
            notes,
            [
                (Some(14), "app 0.1.0: not from a package index (editable .)"),
                (Some(24), "tool 1.0: not from a package index (git https://github.com/x/tool?rev=abc#abc)"),
                (Some(29), "workspace: not from a package index (virtual .)"),
                (
                    Some(33),
                    "wheel-pkg 2.0: not from a package index (url https://example.com/w-2.0-py3-none-any.whl)"
                ),
            ]
        );
    }

    #[test]
    fn malformed_files_say_where() {
        let err = parse("version = 1\n\n[[package]]\nname = \"a\"\nsource = { registry = \"x\" \n")
            .expect_err("bad");
        assert_eq!(err.line, Some(5), "{err}");
        let err =
            parse("[[package]]\nname = \"a\"\nsource = { registry = \"x\" }\n").expect_err("no version");
        assert_eq!(err.line, Some(1), "{err}");
    }
}
