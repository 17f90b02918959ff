//! `requirements.txt` files (pip's format, as `pip freeze`, `pip-compile` and `uv pip compile`
//! write them): each `name==version` or `name===version` line is a `PyPI` package at the line
//! where its requirement starts, with the name as written (scanners normalise it). Extras
//! (`name[extra]==1.0`), environment markers (`; python_version < "3.9"`), per-requirement
//! options (`--hash=…`), comments and `\` line continuations are understood.
//!
//! Notes, not packages: requirements that pin no single version ("not pinned": `>=`, `~=`,
//! `==1.*`, several clauses, no version at all); `-r`/`-c` lines naming other files (not
//! followed: callers read those files themselves); editable installs (`-e`), URLs, paths and
//! `name @ url` references (not from PyPI). Global options (`--index-url`, `--find-links`, …)
//! are skipped. A line that is none of these (no name where one should be, an unclosed
//! `[extras]`, text after the version) is an error at its line.

use crate::position::line_number;
use crate::{LockfileError, Note, Package, Parsed};

/// Reads a requirements file.
pub(crate) fn parse(text: &str) -> Result<Parsed, LockfileError> {
    let mut parsed = Parsed::default();
    for (line, logical) in logical_lines(text) {
        read_line(line, &logical, &mut parsed)?;
    }
    Ok(parsed)
}

/// Whether a line holds only a comment.
fn is_comment(line: &str) -> bool {
    line.trim_start().starts_with('#')
}

/// The lines after joining `\` continuations, each with the line it starts on. As pip does, a
/// comment line is never continued and ends a continuation.
fn logical_lines(text: &str) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let mut pending: Option<(u32, String)> = None;
    for (i, raw) in text.lines().enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let continued = raw.ends_with('\\') && !is_comment(raw);
        if continued {
            let part = &raw[..raw.len() - 1];
            match &mut pending {
                Some((_, joined)) => joined.push_str(part),
                None => pending = Some((line_number(i), part.to_owned())),
            }
            continue;
        }
        match pending.take() {
            Some((start, mut joined)) => {
                if !is_comment(raw) {
                    joined.push_str(raw);
                }
                out.push((start, joined));
            }
            None => out.push((line_number(i), raw.to_owned())),
        }
    }
    out.extend(pending);
    out
}

/// The text before a comment: `#` at the start or after whitespace (a URL's `#egg=` stays).
fn without_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()) {
            return &line[..i];
        }
    }
    line
}

fn note(parsed: &mut Parsed, line: u32, message: String) {
    parsed.notes.push(Note { line: Some(line), message });
}

fn read_line(line: u32, logical: &str, parsed: &mut Parsed) -> Result<(), LockfileError> {
    let text = without_comment(logical).trim();
    if text.is_empty() {
        return Ok(());
    }
    if text.starts_with('-') {
        let option = text.split([' ', '\t', '=']).next().unwrap_or(text);
        match option {
            "-r" | "--requirement" | "-c" | "--constraint" => {
                note(parsed, line, format!("not followed: `{text}` (read that file on its own)"))
            }
            "-e" | "--editable" => {
                note(parsed, line, format!("not from PyPI (an editable install): `{text}`"))
            }
            // -r and -c may be written without a space: `-rother.txt`.
            _ if text.starts_with("-r") || text.starts_with("-c") => {
                note(parsed, line, format!("not followed: `{text}` (read that file on its own)"))
            }
            _ if text.starts_with("-e") => {
                note(parsed, line, format!("not from PyPI (an editable install): `{text}`"))
            }
            // Global options: --index-url, --extra-index-url, --find-links, --pre, …
            _ => {}
        }
        return Ok(());
    }
    // Per-requirement options (`--hash=…`, `--config-settings`) follow the requirement.
    let requirement = match text.find(" --").or_else(|| text.find("\t--")) {
        Some(i) => text[..i].trim_end(),
        None => text,
    };
    if is_url_or_path(requirement) {
        note(parsed, line, format!("not from PyPI (a URL or path): `{requirement}`"));
        return Ok(());
    }
    let requirement = requirement.split(';').next().unwrap_or(requirement).trim();
    let name_end = requirement
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        .unwrap_or(requirement.len());
    let name = &requirement[..name_end];
    if name.is_empty()
        || !name.starts_with(|c: char| c.is_ascii_alphanumeric())
        || !name.ends_with(|c: char| c.is_ascii_alphanumeric())
    {
        return Err(LockfileError::at(
            Some(line),
            format!("expected a requirement such as `name==1.0`, found `{requirement}`"),
        ));
    }
    let mut rest = requirement[name_end..].trim_start();
    if let Some(extras) = rest.strip_prefix('[') {
        let Some(close) = extras.find(']') else {
            return Err(LockfileError::at(
                Some(line),
                format!("`{requirement}`: the `[extras]` are not closed"),
            ));
        };
        rest = extras[close + 1..].trim_start();
    }
    if rest.starts_with('@') {
        note(parsed, line, format!("not from PyPI (a URL or path): `{requirement}`"));
        return Ok(());
    }
    // The old form `name (==1.0)`.
    let spec = rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')).unwrap_or(rest).trim();
    if spec.is_empty() {
        note(parsed, line, format!("not pinned: `{requirement}` (no version)"));
        return Ok(());
    }
    if !spec.starts_with(['=', '<', '>', '~', '!']) {
        return Err(LockfileError::at(
            Some(line),
            format!("`{requirement}`: expected a version specifier such as `==1.0` after `{name}`"),
        ));
    }
    let pinned = if spec.contains(',') {
        None
    } else if let Some(v) = spec.strip_prefix("===") {
        Some(v.trim())
    } else if let Some(v) = spec.strip_prefix("==") {
        Some(v.trim()).filter(|v| !v.contains('*'))
    } else {
        None
    };
    match pinned {
        Some(version) if !version.is_empty() => {
            if version.contains(char::is_whitespace) {
                return Err(LockfileError::at(
                    Some(line),
                    format!("`{requirement}`: unexpected text after the version"),
                ));
            }
            parsed.packages.push(Package {
                ecosystem: "PyPI".to_owned(),
                name: name.to_owned(),
                version: version.to_owned(),
                line: Some(line),
            });
        }
        Some(_) => {
            return Err(LockfileError::at(Some(line), format!("`{requirement}`: `==` without a version")));
        }
        None => note(parsed, line, format!("not pinned: `{requirement}`")),
    }
    Ok(())
}

/// Whether a requirement is a URL, an archive or a local path rather than a name.
fn is_url_or_path(requirement: &str) -> bool {
    let head = requirement.split(';').next().unwrap_or(requirement).trim();
    let lower = head.to_ascii_lowercase();
    lower.contains("://")
        || lower.starts_with("file:")
        || lower.starts_with("git+")
        || head.starts_with(['.', '/', '~', '\\'])
        || (head.len() > 2 && head.as_bytes()[1] == b':' && head.as_bytes()[0].is_ascii_alphabetic())
        || [".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz"].iter().any(|ext| lower.ends_with(ext))
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
                assert_eq!(p.ecosystem, "PyPI");
                (p.name.as_str(), p.version.as_str(), p.line.expect("a line"))
            })
            .collect();
        assert_eq!(got, packages);
        let got: Vec<_> =
            parsed.notes.iter().map(|n| (n.line.expect("a line"), n.message.as_str())).collect();
        assert_eq!(got, notes);
    }

    #[test]
    fn pins_extras_markers_and_comments() {
        check(
            "# a comment\nrequests==2.31.0\nDjango === 4.2.1  # pinned by hand\n\
             uvicorn[standard,httptools]==0.23.2\n\
             importlib-metadata==6.8.0 ; python_version < \"3.10\"\n\
             zope.interface==6.0\nold-style (==1.0)\n\n",
            &[
                ("requests", "2.31.0", 2),
                ("Django", "4.2.1", 3),
                ("uvicorn", "0.23.2", 4),
                ("importlib-metadata", "6.8.0", 5),
                ("zope.interface", "6.0", 6),
                ("old-style", "1.0", 7),
            ],
            &[],
        );
    }

    #[test]
    fn hashes_and_continuations_as_uv_and_pip_compile_write_them() {
        check(
            "anyio==4.3.0 \\\n    --hash=sha256:00 \\\n    --hash=sha256:11\n    # via\n    #   httpx\n\
             idna==3.6 --hash=sha256:22\n    # via anyio\ncertifi==2023.11.17 \\\n    # a comment ends it\n\
             sniffio==1.3.0\n",
            &[
                ("anyio", "4.3.0", 1),
                ("idna", "3.6", 6),
                ("certifi", "2023.11.17", 8),
                ("sniffio", "1.3.0", 10),
            ],
            &[],
        );
    }

    #[test]
    fn unpinned_lines_references_and_urls_are_notes() {
        check(
            "--index-url https://pypi.example.com/simple\n-i https://x\n--pre\n\
             -r base.txt\n--requirement=dev.txt\n-c constraints.txt\n-rother.txt\n\
             -e .\n--editable git+https://github.com/x/y.git#egg=y\n\
             flask>=2.0\nrich~=13.0\nnumpy==1.*\nattrs>=22,<24\nclick\n\
             pkg @ https://example.com/pkg-1.0.tar.gz\n\
             git+https://github.com/x/z.git@v1#egg=z\n./local/dir\n\
             https://example.com/w-1.0-py3-none-any.whl\npkg-2.0-py3-none-any.whl\nsix==1.16.0\n",
            &[("six", "1.16.0", 20)],
            &[
                (4, "not followed: `-r base.txt` (read that file on its own)"),
                (5, "not followed: `--requirement=dev.txt` (read that file on its own)"),
                (6, "not followed: `-c constraints.txt` (read that file on its own)"),
                (7, "not followed: `-rother.txt` (read that file on its own)"),
                (8, "not from PyPI (an editable install): `-e .`"),
                (9, "not from PyPI (an editable install): `--editable git+https://github.com/x/y.git#egg=y`"),
                (10, "not pinned: `flask>=2.0`"),
                (11, "not pinned: `rich~=13.0`"),
                (12, "not pinned: `numpy==1.*`"),
                (13, "not pinned: `attrs>=22,<24`"),
                (14, "not pinned: `click` (no version)"),
                (15, "not from PyPI (a URL or path): `pkg @ https://example.com/pkg-1.0.tar.gz`"),
                (16, "not from PyPI (a URL or path): `git+https://github.com/x/z.git@v1#egg=z`"),
                (17, "not from PyPI (a URL or path): `./local/dir`"),
                (18, "not from PyPI (a URL or path): `https://example.com/w-1.0-py3-none-any.whl`"),
                (19, "not from PyPI (a URL or path): `pkg-2.0-py3-none-any.whl`"),
            ],
        );
    }

    #[test]
    fn malformed_lines_are_errors_at_their_line() {
        for (text, line, says) in [
            ("a==1\n!!!\n", 2, "expected a requirement"),
            ("a==1\nb[x==1\n", 2, "not closed"),
            ("a==1\n\nb==1 c\n", 3, "after the version"),
            ("b==\n", 1, "without a version"),
            ("b 1.0\n", 1, "expected a version specifier"),
        ] {
            let err = parse(text).expect_err(text);
            assert_eq!(err.line, Some(line), "{text}: {err}");
            assert!(err.message.contains(says), "{text}: {err}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_reads_or_fails_without_panicking(text in "(?s).{0,200}") {
            let _ = parse(&text);
        }

        #[test]
        fn pins_read_back_at_their_lines(
            pins in proptest::collection::vec(
                (
                    "[A-Za-z][A-Za-z0-9._-]{0,10}[A-Za-z0-9]",
                    "[0-9]{1,3}(\\.[0-9]{1,3}){0,3}(rc[0-9])?",
                    proptest::option::of("\\[[a-z]{1,5}\\]"),
                    proptest::option::of("; python_version < \"3\\.[0-9]\""),
                    proptest::bool::ANY,
                ),
                1..8,
            )
        ) {
            let mut text = String::new();
            let mut expected = Vec::new();
            let mut line = 1;
            for (name, version, extras, marker, hashed) in &pins {
                expected.push((name.clone(), version.clone(), line));
                text.push_str(&format!("{name}{}=={version}{}", extras.as_deref().unwrap_or(""), marker.as_deref().unwrap_or("")));
                if *hashed {
                    text.push_str(" \\\n    --hash=sha256:00");
                    line += 1;
                }
                text.push_str("\n    # via something\n");
                line += 2;
            }
            let parsed = parse(&text).expect("reads");
            let got: Vec<_> = parsed.packages.iter().map(|p| (p.name.clone(), p.version.clone(), p.line.expect("a line"))).collect();
            proptest::prop_assert_eq!(got, expected);
            proptest::prop_assert!(parsed.notes.is_empty());
        }
    }
}
