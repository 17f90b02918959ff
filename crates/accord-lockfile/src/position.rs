//! Where things are in a file's text: the line of a byte offset, the lines of `[[package]]`
//! headers and of pretty-printed JSON objects, and the errors of the TOML, JSON and YAML readers
//! turned into [`LockfileError`]s at their line.

use std::collections::HashMap;

use crate::LockfileError;

/// The line (from 1) holding byte `offset` of `text`.
pub(crate) fn line_at(text: &str, offset: usize) -> u32 {
    let end = offset.min(text.len());
    let newlines = text.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count();
    u32::try_from(newlines + 1).unwrap_or(u32::MAX)
}

/// A line number from a 0-based index.
pub(crate) fn line_number(index: usize) -> u32 {
    u32::try_from(index + 1).unwrap_or(u32::MAX)
}

/// The lines of the `[[header]]` lines of a TOML file, in order.
pub(crate) fn toml_array_headers(text: &str, header: &str) -> Vec<u32> {
    let wanted = format!("[[{header}]]");
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            let l = l.trim();
            l == wanted
                || l.strip_prefix(wanted.as_str()).is_some_and(|rest| rest.trim_start().starts_with('#'))
        })
        .map(|(i, _)| line_number(i))
        .collect()
}

/// Reads a TOML file whose `[[package]]` entries are the packages: the document, and the line of
/// each entry's header when the headers found match the entries read one for one.
pub(crate) fn toml_document<T: serde::de::DeserializeOwned>(
    text: &str,
    format: &str,
) -> Result<(T, Vec<u32>), LockfileError> {
    let doc = toml::from_str::<T>(text).map_err(|e| {
        let line = e.span().map(|s| line_at(text, s.start));
        LockfileError::at(line, format!("not a valid {format}: {}", e.message().trim()))
    })?;
    Ok((doc, toml_array_headers(text, "package")))
}

/// The line of the `index`-th entry when `lines` has one per entry.
pub(crate) fn nth_line(lines: &[u32], count: usize, index: usize) -> Option<u32> {
    (lines.len() == count).then(|| lines[index])
}

/// A JSON reading error at its line.
pub(crate) fn json_error(e: &serde_json::Error, format: &str) -> LockfileError {
    let line = (e.line() > 0).then(|| u32::try_from(e.line()).unwrap_or(u32::MAX));
    // serde_json ends its message with " at line L column C"; the line is ours to say.
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = text.strip_suffix(&suffix).unwrap_or(&text);
    LockfileError::at(line, format!("not a valid {format}: {message}"))
}

/// A YAML reading error at its line.
pub(crate) fn yaml_error(e: &serde_saphyr::Error, format: &str) -> LockfileError {
    let line =
        e.location().map(|l| l.line()).filter(|&l| l > 0).map(|l| u32::try_from(l).unwrap_or(u32::MAX));
    let text = e.without_snippet().to_string();
    let message = text.split(" at line ").next().unwrap_or(&text).trim().to_owned();
    LockfileError::at(line, format!("not a valid {format}: {message}"))
}

/// The YAML reader's options, with limits raised for large lockfiles (its defaults suit
/// configuration files).
fn yaml_options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_events: 50_000_000,
            max_nodes: 20_000_000,
            max_documents: 16,
        },
    }
}

/// Reads a YAML document.
pub(crate) fn yaml_document<T: serde::de::DeserializeOwned>(
    text: &str,
    format: &str,
) -> Result<T, LockfileError> {
    serde_saphyr::from_str_with_options(text, yaml_options()).map_err(|e| yaml_error(&e, format))
}

/// Reads the documents of a YAML stream (`---` between documents).
pub(crate) fn yaml_documents<T: serde::de::DeserializeOwned>(
    text: &str,
    format: &str,
) -> Result<Vec<T>, LockfileError> {
    serde_saphyr::from_multiple_with_options(text, yaml_options()).map_err(|e| yaml_error(&e, format))
}

/// The line of each object of a pretty-printed JSON text (one member per line, as npm, pipenv
/// and most tools write), keyed by its path of member names from the root. Objects in arrays
/// get no path of their own; a minified text yields nothing, so callers fall back to no line.
pub(crate) fn json_object_lines(text: &str) -> HashMap<Vec<String>, u32> {
    let mut lines = HashMap::new();
    // Each open object: its member name, if it is a member.
    let mut stack: Vec<Option<String>> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.starts_with('}') {
            stack.pop();
            continue;
        }
        if line.starts_with(']') {
            continue;
        }
        let opens = line.ends_with('{');
        if !opens {
            continue;
        }
        let key = member_name(line);
        if let Some(k) = &key
            && stack.iter().all(Option::is_some)
        {
            let mut path: Vec<String> = stack.iter().flatten().cloned().collect();
            path.push(k.clone());
            lines.entry(path).or_insert_with(|| line_number(i));
        }
        // The root object and objects in arrays open without a name.
        if stack.is_empty() && key.is_none() {
            stack.push(Some(String::new()));
        } else {
            stack.push(key);
        }
    }
    // The root's empty name is not part of paths.
    lines
        .into_iter()
        .map(|(mut path, line)| {
            if path.first().is_some_and(String::is_empty) {
                path.remove(0);
            }
            (path, line)
        })
        .collect()
}

/// The member name of a line `"name": {`.
fn member_name(line: &str) -> Option<String> {
    let rest = line.strip_prefix('"')?;
    let end = rest.find("\":")?;
    let raw = &rest[..end];
    if raw.contains('\\') { serde_json::from_str(&format!("\"{raw}\"")).ok() } else { Some(raw.to_owned()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_offsets() {
        assert_eq!(line_at("a\nb\nc", 0), 1);
        assert_eq!(line_at("a\nb\nc", 2), 2);
        assert_eq!(line_at("a\nb\nc", 99), 3);
    }

    #[test]
    fn headers_are_found_in_order() {
        let text = "x = 1\n[[package]]\nname = \"a\"\n[package.source]\n  [[package]] # b\n[[package.x]]\n";
        assert_eq!(toml_array_headers(text, "package"), [2, 5]);
    }

    #[test]
    fn json_objects_have_their_lines() {
        let text = "{\n  \"a\": {\n    \"b\": {\n      \"x\": [\n        {\n          \"y\": {\n          }\n        }\n      ]\n    },\n    \"c\": {}\n  },\n  \"d\\\"e\": {\n  }\n}\n";
        let lines = json_object_lines(text);
        assert_eq!(lines.get(&vec!["a".to_owned()]), Some(&2));
        assert_eq!(lines.get(&vec!["a".to_owned(), "b".to_owned()]), Some(&3));
        assert_eq!(lines.get(&vec!["d\"e".to_owned()]), Some(&13));
        assert_eq!(lines.len(), 3, "{lines:?}");
    }

    proptest::proptest! {
        #[test]
        fn any_text_gives_lines_without_panicking(text in "(?s)[{}\\[\\]\"a:, \n\\\\]{0,200}", offset in 0usize..300) {
            let _ = json_object_lines(&text);
            let _ = toml_array_headers(&text, "package");
            let line = line_at(&text, offset) as usize;
            proptest::prop_assert!(line >= 1 && line <= text.split('\n').count());
        }
    }
}
