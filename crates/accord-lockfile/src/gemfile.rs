//! `Gemfile.lock` files (Bundler, RubyGems).
//!
//! Read: the `specs:` entries of every `GEM` section, the lines indented by four spaces,
//! `name (1.2.3)`; a platform gem `name (1.2.3-x86_64-linux)` is its version before the first
//! `-` (Bundler's own rule: RubyGems versions have no `-`). The six-space lines under a spec (its
//! own dependencies and their requirements) are not packages.
//!
//! Notes: each spec of a `GIT` section (a gem built from a repository, no released version) and
//! of a `PATH` section (a gem from a local directory). The other sections (`PLATFORMS`,
//! `DEPENDENCIES`, `RUBY VERSION`, `BUNDLED WITH`, `CHECKSUMS`, `PLUGIN SOURCE`) are skipped.
//!
//! Errors: a line at the left margin that is not a section name in capitals, or a spec line that
//! is not `name (version)`.

use crate::{LockfileError, Note, Package, Parsed};

#[derive(PartialEq)]
enum Section {
    Gem,
    Git,
    Path,
    Other,
}

/// Reads a file of this format.
pub(crate) fn parse(text: &str) -> Result<Parsed, LockfileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut parsed = Parsed::default();
    let mut section: Option<Section> = None;
    let mut in_specs = false;
    let mut remote = String::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i as u32 + 1;
        let raw = raw.trim_end_matches('\r');
        if raw.trim().is_empty() {
            continue;
        }
        if !raw.starts_with(' ') {
            let header = raw.trim_end();
            if !header.chars().all(|c| c.is_ascii_uppercase() || c == ' ' || c == '_') {
                return Err(LockfileError::at(
                    Some(line),
                    format!("expected a section name such as GEM, GIT, PATH or PLATFORMS, found `{header}`"),
                ));
            }
            section = Some(match header {
                "GEM" => Section::Gem,
                "GIT" => Section::Git,
                "PATH" => Section::Path,
                _ => Section::Other,
            });
            in_specs = false;
            remote.clear();
            continue;
        }
        let Some(current) = &section else {
            return Err(LockfileError::at(Some(line), "expected a section name such as GEM first"));
        };
        if *current == Section::Other {
            continue;
        }
        let indent = raw.len() - raw.trim_start_matches(' ').len();
        let body = raw.trim();
        if indent == 2 {
            in_specs = body == "specs:";
            if let Some(r) = body.strip_prefix("remote:") {
                remote = r.trim().to_string();
            }
            continue;
        }
        if indent != 4 || !in_specs {
            continue;
        }
        let (name, version) = spec(body).ok_or_else(|| {
            LockfileError::at(
                Some(line),
                format!("expected a gem spec `name (1.2.3)` or `name (1.2.3-platform)`, found `{body}`"),
            )
        })?;
        match current {
            Section::Gem => parsed.packages.push(Package {
                ecosystem: "RubyGems".into(),
                name: name.into(),
                version: version.into(),
                line: Some(line),
            }),
            Section::Git => parsed.notes.push(Note {
                line: Some(line),
                message: format!(
                    "{name} {version} comes from the git repository {remote}: not a released gem"
                ),
            }),
            Section::Path => parsed.notes.push(Note {
                line: Some(line),
                message: format!(
                    "{name} {version} comes from the local directory {remote}: not a released gem"
                ),
            }),
            Section::Other => {}
        }
    }
    Ok(parsed)
}

/// `name (version[-platform])`: the name and the version.
fn spec(body: &str) -> Option<(&str, &str)> {
    let (name, rest) = body.split_once(" (")?;
    let inside = rest.strip_suffix(')')?;
    let version = inside.split_once('-').map_or(inside, |(v, _platform)| v);
    let valid = !name.is_empty()
        && !name.contains(char::is_whitespace)
        && version.starts_with(|c: char| c.is_ascii_digit())
        && !version.contains(char::is_whitespace);
    valid.then_some((name, version))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = "\
GIT
  remote: https://github.com/rails/rails.git
  revision: 6ab5f1e0d7a2f5f1e1b1b3c2a6f0e3b3c8e2d1a0
  branch: main
  specs:
    rails (7.2.0.alpha)
      actionpack (= 7.2.0.alpha)

PATH
  remote: engines/billing
  specs:
    billing (0.1.0)
      rails (>= 7.0)

GEM
  remote: https://rubygems.org/
  specs:
    actionpack (7.1.3)
      rack (~> 3.0)
    nokogiri (1.16.2-x86_64-linux)
      racc (~> 1.4)
    nokogiri (1.16.2-arm64-darwin)
      racc (~> 1.4)
    racc (1.7.3)
    rack (3.0.9.1)
    ffi (1.16.3-x64-mingw-ucrt)

PLATFORMS
  arm64-darwin
  x86_64-linux

DEPENDENCIES
  billing!
  nokogiri
  rails!

CHECKSUMS
  racc (1.7.3) sha256=abc

RUBY VERSION
   ruby 3.3.0p0

BUNDLED WITH
   2.5.6
";

    #[test]
    fn gem_specs_are_packages_with_platform_suffixes_dropped() {
        let parsed = parse(LOCK).expect("reads");
        let got: Vec<_> = parsed
            .packages
            .iter()
            .map(|p| {
                assert_eq!(p.ecosystem, "RubyGems");
                (p.name.as_str(), p.version.as_str(), p.line.expect("line"))
            })
            .collect();
        assert_eq!(
            got,
            [
                ("actionpack", "7.1.3", 18),
                ("nokogiri", "1.16.2", 20),
                ("nokogiri", "1.16.2", 22),
                ("racc", "1.7.3", 24),
                ("rack", "3.0.9.1", 25),
                ("ffi", "1.16.3", 26),
            ]
        );
    }

    #[test]
    fn git_and_path_gems_are_notes() {
        let parsed = parse(LOCK).expect("reads");
        let notes: Vec<_> = parsed.notes.iter().map(|n| (n.line, n.message.as_str())).collect();
        assert_eq!(
            notes,
            [
                (
                    Some(6),
                    "rails 7.2.0.alpha comes from the git repository \
                     https://github.com/rails/rails.git: not a released gem"
                ),
                (
                    Some(12),
                    "billing 0.1.0 comes from the local directory engines/billing: not a released gem"
                ),
            ]
        );
    }

    #[test]
    fn malformed_files_name_the_line() {
        for (text, line, fragment) in [
            ("GEM\n  remote: https://rubygems.org/\n  specs:\n    rack 3.0.9\n", 4, "name (1.2.3)"),
            ("GEM\n  specs:\n    rack (latest)\n", 3, "name (1.2.3)"),
            ("{\"packages\": []}\n", 1, "section name"),
            ("  specs:\n", 1, "section name such as GEM first"),
        ] {
            let e = parse(text).expect_err(text);
            assert_eq!(e.line, Some(line), "{text}");
            assert!(e.message.contains(fragment), "{}", e.message);
        }
    }
}
