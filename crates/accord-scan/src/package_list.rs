//! The package-list input: a JSON file named `*.accord-packages.json` (or
//! `accord-packages.json`) holding `[{"ecosystem": "crates.io", "name": "time", "version":
//! "0.1.45"}, …]`, for scripts that know their packages without a lockfile. Each package's
//! line is the line its object starts on.

use accord_lockfile::{LockfileError, Package, Parsed};
use serde::Deserialize;

/// The file name suffix of a package list.
pub const SUFFIX: &str = "accord-packages.json";

/// Whether a file name (not a path) names a package list.
pub fn is_package_list(file_name: &str) -> bool {
    file_name == SUFFIX || file_name.strip_suffix(SUFFIX).is_some_and(|p| p.ends_with('.'))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Item {
    ecosystem: String,
    name: String,
    version: String,
}

/// The line of each object directly inside the top-level array.
fn object_lines(text: &str) -> Vec<u32> {
    let mut lines = Vec::new();
    let (mut line, mut depth, mut in_string, mut escaped) = (1u32, 0usize, false, false);
    for c in text.chars() {
        if c == '\n' {
            line += 1;
        }
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '[' | '{' => {
                if c == '{' && depth == 1 {
                    lines.push(line);
                }
                depth += 1;
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    lines
}

/// Reads a package list. An error names the line (and column) at fault.
pub fn parse(text: &str) -> Result<Parsed, LockfileError> {
    let items: Vec<Item> = serde_json::from_str(text).map_err(|e| {
        LockfileError::at(
            u32::try_from(e.line()).ok().filter(|l| *l > 0),
            format!("not a package list ([{{\"ecosystem\", \"name\", \"version\"}}, …]): {e}"),
        )
    })?;
    let lines = object_lines(text);
    let mut packages = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let line = lines.get(i).copied();
        for (field, value) in
            [("ecosystem", &item.ecosystem), ("name", &item.name), ("version", &item.version)]
        {
            if value.trim().is_empty() {
                return Err(LockfileError::at(line, format!("package {}: empty {field}", i + 1)));
            }
        }
        packages.push(Package { ecosystem: item.ecosystem, name: item.name, version: item.version, line });
    }
    accord_lockfile::without_repeats(&mut packages);
    Ok(Parsed { packages, notes: Vec::new() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_lines() {
        assert!(is_package_list("accord-packages.json"));
        assert!(is_package_list("app.accord-packages.json"));
        assert!(!is_package_list("appaccord-packages.json"));
        let text = "[\n  {\"ecosystem\": \"npm\", \"name\": \"a{\", \"version\": \"1\"},\n\n  {\"ecosystem\": \"PyPI\",\n \"name\": \"b\", \"version\": \"2\"}\n]";
        let parsed = parse(text).unwrap();
        let lines: Vec<_> = parsed.packages.iter().map(|p| p.line).collect();
        assert_eq!(lines, [Some(2), Some(4)]);
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse("[\n {\"ecosystem\": \"npm\",\n \"name\": 3}]").unwrap_err();
        assert_eq!(e.line, Some(3));
        let e = parse("[\n {\"ecosystem\": \"npm\", \"name\": \"x\", \"version\": \"\"}]").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("empty version"));
    }
}
