//! `pubspec.lock` files (Dart and Flutter, Pub), read by a small reader of the block YAML that
//! `pub` writes (mappings by indentation, plain or quoted scalars, `#` comments).
//!
//! Read: `packages:` → each package name → its `version` when its `source` is `hosted` on the
//! public repository (`https://pub.dev`, or the older `https://pub.dartlang.org`), on the
//! package name's line. `sdks:` and other top-level keys are skipped.
//!
//! Notes: packages whose source is `sdk` (`flutter`, `flutter_test`: parts of the SDK), `git`,
//! `path`, or `hosted` on another server.
//!
//! Errors: a line that is not `key:` or `key: value`, indentation that does not fit the
//! mapping, no top-level `packages:`, or a package without a `source` or without a `version`.

use crate::{LockfileError, Note, Package, Parsed};

#[derive(Default)]
struct Entry {
    name: String,
    line: u32,
    source: Option<String>,
    version: Option<String>,
    url: Option<String>,
    description: Option<String>,
}

/// Reads a file of this format.
pub(crate) fn parse(text: &str) -> Result<Parsed, LockfileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut parsed = Parsed::default();
    let mut in_packages = false;
    let mut package_indent: Option<usize> = None;
    let mut field_indent: Option<usize> = None;
    let mut last_field = String::new();
    let mut current: Option<Entry> = None;
    let mut seen_packages = false;
    for (i, raw) in text.lines().enumerate() {
        let line = i as u32 + 1;
        let raw = raw.trim_end_matches('\r');
        let content = raw.trim();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        if raw.starts_with('\t') {
            return Err(LockfileError::at(Some(line), "tabs are not allowed for indentation in YAML"));
        }
        let indent = raw.len() - raw.trim_start_matches(' ').len();
        let (key, value) = key_value(content).ok_or_else(|| {
            LockfileError::at(Some(line), format!("expected `key:` or `key: value`, found `{content}`"))
        })?;
        if indent == 0 {
            finish(current.take(), &mut parsed)?;
            in_packages = key == "packages";
            seen_packages |= in_packages;
            package_indent = None;
            continue;
        }
        if !in_packages {
            continue;
        }
        let pkg = *package_indent.get_or_insert(indent);
        if indent < pkg {
            return Err(LockfileError::at(Some(line), "indentation does not match the package names'"));
        }
        if indent == pkg {
            finish(current.take(), &mut parsed)?;
            current = Some(Entry { name: key.to_string(), line, ..Entry::default() });
            field_indent = None;
            continue;
        }
        let entry = current.as_mut().expect("a deeper line follows a package name");
        let field = *field_indent.get_or_insert(indent);
        if indent < field {
            return Err(LockfileError::at(Some(line), "indentation does not match the package's fields'"));
        }
        if indent == field {
            last_field = key.to_string();
            match key {
                "source" => entry.source = Some(value.to_string()),
                "version" => entry.version = Some(value.to_string()),
                "description" if !value.is_empty() => entry.description = Some(value.to_string()),
                _ => {}
            }
        } else if last_field == "description" {
            match key {
                "url" => entry.url = Some(value.to_string()),
                "path" if entry.description.is_none() => entry.description = Some(value.to_string()),
                _ => {}
            }
        }
    }
    finish(current, &mut parsed)?;
    if !seen_packages {
        return Err(LockfileError::at(None, "expected a top-level `packages:` mapping"));
    }
    Ok(parsed)
}

/// `key: value` (value unquoted, possibly empty) or `key:`.
fn key_value(content: &str) -> Option<(&str, &str)> {
    let (key, rest) =
        if let Some(k) = content.strip_suffix(':') { (k, "") } else { content.split_once(": ")? };
    let key = key.trim();
    if key.starts_with(['{', '[', '-', '"', '\'']) && unquote(key) == key {
        return None;
    }
    let key = unquote(key);
    let value = rest.split(" #").next().unwrap_or("").trim();
    (!key.is_empty()).then_some((key, unquote(value)))
}

fn unquote(s: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = s.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner;
        }
    }
    s
}

fn finish(entry: Option<Entry>, parsed: &mut Parsed) -> Result<(), LockfileError> {
    let Some(e) = entry else { return Ok(()) };
    let line = Some(e.line);
    let Some(source) = e.source else {
        return Err(LockfileError::at(line, format!("package {} has no `source:`", e.name)));
    };
    let Some(version) = e.version else {
        return Err(LockfileError::at(line, format!("package {} has no `version:`", e.name)));
    };
    let public = |url: &str| {
        let url = url.trim_end_matches('/');
        url == "https://pub.dev" || url == "https://pub.dartlang.org"
    };
    let message = match source.as_str() {
        "hosted" if e.url.as_deref().is_none_or(public) => {
            parsed.packages.push(Package { ecosystem: "Pub".into(), name: e.name, version, line });
            return Ok(());
        }
        "hosted" => format!(
            "{} {version} is hosted on {}, not pub.dev",
            e.name,
            e.url.as_deref().unwrap_or("another server")
        ),
        "sdk" => format!(
            "{} comes with the {} SDK, not from pub.dev",
            e.name,
            e.description.as_deref().unwrap_or("Dart")
        ),
        "git" => format!(
            "{} {version} comes from the git repository {}, not pub.dev",
            e.name,
            e.url.as_deref().unwrap_or("(no url)")
        ),
        "path" => format!(
            "{} {version} comes from the local directory {}, not pub.dev",
            e.name,
            e.description.as_deref().unwrap_or("(no path)")
        ),
        other => format!("{} {version} has source `{other}`, not pub.dev", e.name),
    };
    parsed.notes.push(Note { line, message });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"# Generated by pub
# See https://dart.dev/tools/pub/glossary#lockfile
packages:
  async:
    dependency: transitive
    description:
      name: async
      sha256: "947bfcf187f74dbc5e146c9eb9c0f10c9f8b30743e341481c1e2ed3ecc18c20c"
      url: "https://pub.dev"
    source: hosted
    version: "2.11.0"
  flutter:
    dependency: "direct main"
    description: flutter
    source: sdk
    version: "0.0.0"
  http:
    dependency: "direct main"
    description:
      name: http
      sha256: "a2bbf9d017fcced29139daa8ed2bba4ece450ab222871df93ca9eec6f80c34ba"
      url: "https://pub.dartlang.org"
    source: hosted
    version: "1.2.0"
  shop_ui:
    dependency: "direct main"
    description:
      path: "../shop_ui"
      relative: true
    source: path
    version: "0.3.0"
  markdown_widget:
    dependency: "direct main"
    description:
      path: "."
      ref: main
      resolved-ref: "0c3b3b3b1a2f0e9d8c7b6a5f4e3d2c1b0a9f8e7d"
      url: "https://github.com/asjqkkkk/markdown_widget.git"
    source: git
    version: "2.3.2+6"
  acme_design:
    dependency: "direct main"
    description:
      name: acme_design
      sha256: "00"
      url: "https://pub.acme.example"
    source: hosted
    version: "4.0.1"
sdks:
  dart: ">=3.2.0 <4.0.0"
  flutter: ">=3.16.0"
"#;

    #[test]
    fn hosted_packages_are_packages_and_the_rest_notes() {
        let parsed = parse(LOCK).expect("reads");
        let got: Vec<_> = parsed
            .packages
            .iter()
            .map(|p| (p.ecosystem.as_str(), p.name.as_str(), p.version.as_str(), p.line))
            .collect();
        assert_eq!(got, [("Pub", "async", "2.11.0", Some(4)), ("Pub", "http", "1.2.0", Some(17))]);
        let notes: Vec<_> =
            parsed.notes.iter().map(|n| (n.line.expect("line"), n.message.as_str())).collect();
        assert_eq!(
            notes,
            [
                (12, "flutter comes with the flutter SDK, not from pub.dev"),
                (25, "shop_ui 0.3.0 comes from the local directory ../shop_ui, not pub.dev"),
                (
                    32,
                    "markdown_widget 2.3.2+6 comes from the git repository \
                     https://github.com/asjqkkkk/markdown_widget.git, not pub.dev"
                ),
                (41, "acme_design 4.0.1 is hosted on https://pub.acme.example, not pub.dev"),
            ]
        );
    }

    #[test]
    fn malformed_files_name_the_line() {
        for (text, line, fragment) in [
            ("packages:\n  async:\n    source: hosted\nsdks:\n", 2, "package async has no `version:`"),
            ("packages:\n  async:\n    version: \"2.11.0\"\n", 2, "package async has no `source:`"),
            ("packages:\n  async:\n    source hosted\n", 3, "expected `key:` or `key: value`"),
            (
                "packages:\n    async:\n      source: hosted\n      version: \"1.0.0\"\n  http:\n",
                5,
                "indentation",
            ),
            ("{\"packages\": []}\n", 1, "expected `key:` or `key: value`"),
            ("- async\n", 1, "expected `key:` or `key: value`"),
        ] {
            let e = parse(text).expect_err(text);
            assert_eq!(e.line, Some(line), "{text}: {e}");
            assert!(e.message.contains(fragment), "{}", e.message);
        }
        let e = parse("# Generated by pub\nsdks:\n  dart: \">=3.2.0 <4.0.0\"\n").expect_err("no packages");
        assert_eq!(e, LockfileError::at(None, "expected a top-level `packages:` mapping"));
    }

    #[test]
    fn an_empty_package_map_reads() {
        let parsed = parse("packages: {}\nsdks:\n  dart: \">=3.0.0 <4.0.0\"\n").expect("reads");
        assert_eq!(parsed, Parsed::default());
    }
}
