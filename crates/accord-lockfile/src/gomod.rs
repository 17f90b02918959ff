//! `go.mod` files (Go modules).
//!
//! Read: every `require` (single lines and `require ( … )` blocks, with or without a
//! `// indirect` comment) is a package named by its module path. `replace` directives apply to
//! the requires they match (`old => new v1.2.3` for every version of `old`, `old v1.0.0 => …`
//! for that version only): the replacement module and version are what is built, so they are
//! the package, on the require's line. `module`, `go`, `toolchain`, `godebug`, `exclude`,
//! `retract`, `tool` and `ignore` name no dependency and are skipped (the `go` version is the
//! toolchain, not a module; the standard library is not reported).
//!
//! Versions are given without their leading `v` (`v1.2.3` → `1.2.3`,
//! `v2.8.6+incompatible` → `2.8.6+incompatible`), as OSV's Go records write them.
//!
//! Notes: a require replaced by a local directory (`=> ../fork`), which has no version to check.
//!
//! Errors: an unknown directive, a require or replace without the expected fields, a version
//! that does not start with `v`, an unterminated string or an unclosed block.

use crate::{LockfileError, Note, Package, Parsed};

/// One directive and its fields.
struct Entry {
    verb: String,
    args: Vec<String>,
    line: u32,
}

struct Require {
    path: String,
    version: String,
    line: u32,
}

struct Replace {
    old_path: String,
    old_version: Option<String>,
    /// The replacement: a module and version, or a local directory.
    new_path: String,
    new_version: Option<String>,
    line: u32,
}

/// Reads a file of this format.
pub(crate) fn parse(text: &str) -> Result<Parsed, LockfileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let entries = entries(text)?;
    let mut requires = Vec::new();
    let mut replaces = Vec::new();
    for e in entries {
        match e.verb.as_str() {
            "require" => requires.push(require(&e)?),
            "replace" => replaces.push(replace(&e)?),
            "module" | "go" | "toolchain" | "godebug" | "exclude" | "retract" | "tool" | "ignore" => {}
            other => {
                return Err(LockfileError::at(
                    Some(e.line),
                    format!(
                        "unknown directive `{other}`: expected module, go, toolchain, require, \
                         replace, exclude or retract"
                    ),
                ));
            }
        }
    }
    let mut parsed = Parsed::default();
    for r in requires {
        // A replace naming the exact version wins over one for every version.
        let rep = replaces
            .iter()
            .filter(|p| p.old_path == r.path)
            .find(|p| p.old_version.as_deref() == Some(r.version.as_str()))
            .or_else(|| replaces.iter().find(|p| p.old_path == r.path && p.old_version.is_none()));
        match rep {
            None => parsed.packages.push(package(&r.path, &r.version, r.line)),
            Some(Replace { new_path, new_version: Some(v), .. }) => {
                parsed.packages.push(package(new_path, v, r.line));
            }
            Some(Replace { new_path, new_version: None, line, .. }) => parsed.notes.push(Note {
                line: Some(*line),
                message: format!(
                    "{} {} is replaced by the local directory {new_path}: no version to check",
                    r.path, r.version
                ),
            }),
        }
    }
    Ok(parsed)
}

fn package(path: &str, version: &str, line: u32) -> Package {
    Package {
        ecosystem: "Go".into(),
        name: path.into(),
        version: version.strip_prefix('v').unwrap_or(version).into(),
        line: Some(line),
    }
}

fn require(e: &Entry) -> Result<Require, LockfileError> {
    match e.args.as_slice() {
        [path, version] => Ok(Require {
            path: path.clone(),
            version: checked_version(version, e.line)?.into(),
            line: e.line,
        }),
        _ => Err(LockfileError::at(
            Some(e.line),
            "expected `require module/path v1.2.3` (a module path and a version)",
        )),
    }
}

fn replace(e: &Entry) -> Result<Replace, LockfileError> {
    let expected = || {
        LockfileError::at(
            Some(e.line),
            "expected `replace module/path [v1.2.3] => other/path v1.2.3` or `=> ../local/dir`",
        )
    };
    let arrow = e.args.iter().position(|a| a == "=>").ok_or_else(expected)?;
    let (old, new) = (&e.args[..arrow], &e.args[arrow + 1..]);
    let (old_path, old_version) = match old {
        [p] => (p.clone(), None),
        [p, v] => (p.clone(), Some(checked_version(v, e.line)?.to_string())),
        _ => return Err(expected()),
    };
    let (new_path, new_version) = match new {
        [p] if is_local(p) => (p.clone(), None),
        [p, v] => (p.clone(), Some(checked_version(v, e.line)?.to_string())),
        [p] => {
            return Err(LockfileError::at(
                Some(e.line),
                format!(
                    "replacement {p} has no version: expected a version after a module path, \
                     or a local directory starting with ./, ../ or /"
                ),
            ));
        }
        _ => return Err(expected()),
    };
    Ok(Replace { old_path, old_version, new_path, new_version, line: e.line })
}

/// Go's rule: a replacement starting with `./`, `../` or `/` (or a Windows path) is a directory.
fn is_local(path: &str) -> bool {
    path.starts_with("./")
        || path.starts_with("../")
        || path.starts_with('/')
        || path.starts_with(".\\")
        || path.starts_with("..\\")
        || path == "."
        || path == ".."
        || path.get(1..3).is_some_and(|s| s == ":\\" || s == ":/")
}

fn checked_version(v: &str, line: u32) -> Result<&str, LockfileError> {
    if v.starts_with('v') && v.len() > 1 {
        Ok(v)
    } else {
        Err(LockfileError::at(Some(line), format!("version `{v}` should look like v1.2.3")))
    }
}

/// The file's directives, block entries spelled out with their block's verb.
fn entries(text: &str) -> Result<Vec<Entry>, LockfileError> {
    let mut out = Vec::new();
    let mut block: Option<(String, u32)> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = i as u32 + 1;
        let tokens = tokens(raw, line)?;
        if tokens.is_empty() {
            continue;
        }
        if let Some((verb, _)) = &block {
            if tokens.len() == 1 && tokens[0] == ")" {
                block = None;
                continue;
            }
            out.push(Entry { verb: verb.clone(), args: tokens, line });
            continue;
        }
        if tokens.len() == 2 && tokens[1] == "(" {
            block = Some((tokens[0].clone(), line));
            continue;
        }
        if tokens[0] == ")" || tokens[0] == "(" {
            return Err(LockfileError::at(Some(line), format!("unexpected `{}`", tokens[0])));
        }
        let mut tokens = tokens.into_iter();
        let verb = tokens.next().expect("tokens is not empty");
        out.push(Entry { verb, args: tokens.collect(), line });
    }
    if let Some((verb, line)) = block {
        return Err(LockfileError::at(
            Some(line),
            format!("`{verb} (` block is never closed: expected a line with `)`"),
        ));
    }
    Ok(out)
}

/// A line's tokens (quoted strings unquoted), its `//` comment left out.
fn tokens(raw: &str, line: u32) -> Result<Vec<String>, LockfileError> {
    let mut out = Vec::new();
    let mut rest = raw.trim_start();
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return Ok(out);
        }
        if rest.starts_with("//") {
            return Ok(out);
        }
        if let Some(q) = rest.strip_prefix('"') {
            let mut value = String::new();
            let mut chars = q.char_indices();
            let end = loop {
                match chars.next() {
                    Some((i, '"')) => break i,
                    Some((_, '\\')) => match chars.next() {
                        Some((_, c)) => value.push(c),
                        None => return Err(unterminated(line)),
                    },
                    Some((_, c)) => value.push(c),
                    None => return Err(unterminated(line)),
                }
            };
            out.push(value);
            rest = &q[end + 1..];
        } else if let Some(q) = rest.strip_prefix('`') {
            let end = q.find('`').ok_or_else(|| unterminated(line))?;
            out.push(q[..end].to_string());
            rest = &q[end + 1..];
        } else if rest.starts_with("=>") {
            out.push("=>".into());
            rest = &rest[2..];
        } else {
            let end = rest.find(|c: char| c.is_whitespace() || c == '"' || c == '`').unwrap_or(rest.len());
            let end = rest[..end].find("//").unwrap_or(end);
            let end = rest[..end].find("=>").unwrap_or(end);
            out.push(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
}

fn unterminated(line: u32) -> LockfileError {
    LockfileError::at(Some(line), "unterminated string: expected a closing quote")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, packages: &[(&str, &str, u32)], notes: &[(u32, &str)]) {
        let parsed = parse(text).expect("reads");
        let got: Vec<_> = parsed
            .packages
            .iter()
            .map(|p| {
                assert_eq!(p.ecosystem, "Go");
                (p.name.as_str(), p.version.as_str(), p.line.expect("line"))
            })
            .collect();
        assert_eq!(got, packages);
        assert_eq!(parsed.notes.len(), notes.len(), "{:?}", parsed.notes);
        for (note, (line, fragment)) in parsed.notes.iter().zip(notes) {
            assert_eq!(note.line, Some(*line));
            assert!(note.message.contains(fragment), "{}", note.message);
        }
    }

    fn error(text: &str, line: u32, fragment: &str) {
        let e = parse(text).expect_err("does not read");
        assert_eq!(e.line, Some(line), "{e}");
        assert!(e.message.contains(fragment), "{}", e.message);
    }

    #[test]
    fn single_requires_and_blocks_with_indirect_comments() {
        check(
            "module example.com/app\n\ngo 1.22.1\n\ntoolchain go1.22.4\n\n\
             require github.com/pkg/errors v0.9.1\n\n\
             require (\n\tgithub.com/gin-gonic/gin v1.9.1\n\
             \tgolang.org/x/net v0.0.0-20220722155237-a158d28d115b // indirect\n\
             \tgithub.com/docker/docker v20.10.7+incompatible // indirect\n)\n",
            &[
                ("github.com/pkg/errors", "0.9.1", 7),
                ("github.com/gin-gonic/gin", "1.9.1", 10),
                ("golang.org/x/net", "0.0.0-20220722155237-a158d28d115b", 11),
                ("github.com/docker/docker", "20.10.7+incompatible", 12),
            ],
            &[],
        );
    }

    #[test]
    fn replaces_give_what_is_built() {
        check(
            "module m\n\nrequire (\n\
             \tgithub.com/a/one v1.0.0\n\
             \tgithub.com/b/two v1.1.0\n\
             \tgithub.com/c/three v2.0.0\n\
             \tgithub.com/d/four v0.3.0\n)\n\n\
             replace github.com/a/one => github.com/fork/one v1.0.1\n\
             replace github.com/b/two v1.0.0 => github.com/b/two v1.0.5\n\
             replace (\n\tgithub.com/c/three v2.0.0 => ../three\n\
             \tgithub.com/d/four => github.com/d/four v0.3.2 // security fix\n)\n",
            &[
                ("github.com/fork/one", "1.0.1", 4),
                ("github.com/b/two", "1.1.0", 5),
                ("github.com/d/four", "0.3.2", 7),
            ],
            &[(13, "github.com/c/three v2.0.0 is replaced by the local directory ../three")],
        );
    }

    #[test]
    fn exclude_retract_and_quoted_paths() {
        check(
            "module \"example.com/q\"\ngo 1.21\n\
             exclude github.com/x/y v1.2.0\nretract [v1.0.0, v1.0.5] // broken\n\
             retract (\n\tv0.1.0\n)\n\
             require `github.com/x/y` v1.3.0\n",
            &[("github.com/x/y", "1.3.0", 8)],
            &[],
        );
    }

    #[test]
    fn malformed_files_name_the_line() {
        error("module m\nrequire github.com/x/y\n", 2, "require module/path v1.2.3");
        error("module m\nrequire (\n\tgithub.com/x/y 1.2.3\n)\n", 3, "v1.2.3");
        error("module m\nrequire (\n\tgithub.com/x/y v1.2.3\n", 2, "never closed");
        error("module m\nrequires github.com/x/y v1.2.3\n", 2, "unknown directive `requires`");
        error("module m\nreplace github.com/x/y => github.com/z/y\n", 2, "has no version");
        error("module \"m\n", 1, "unterminated string");
    }
}
