//! The checks beyond the grammar that the OASIS validator (`stix2-patterns`) makes, so that a
//! pattern is valid here exactly when it is valid there: the pattern starts with a bracket,
//! and a literal compared with a hash of a known algorithm looks like such a hash.

/// The first character that is neither whitespace nor `(` must be `[`. Returns the offending
/// character (or `None` at the end of the text) when it is not.
pub(crate) fn brackets_error(text: &str) -> Option<Option<char>> {
    match text.chars().find(|&c| c != '(' && !c.is_whitespace()) {
        Some('[') => None,
        other => Some(other),
    }
}

/// Checks the literal compared with `path` when the path goes through a `hashes` property:
/// the last step names the algorithm, and for a known algorithm the literal's text (as written,
/// quotes removed) must look like such a hash. `path` is the list of path components (`None`
/// for an index step). Returns the value and the algorithm's name when it does not.
pub(crate) fn hash_error(path: &[Option<&str>], literal_text: &str) -> Option<(String, String)> {
    if !path.contains(&Some("hashes")) {
        return None;
    }
    // An index as the last step: the validator cannot check it (it fails); nothing to check.
    let selector = (*path.last()?)?;
    let algorithm = selector.to_uppercase().replace(['-', '\''], "");
    let value = literal_text.replace('\'', "");
    let ok = match algorithm.as_str() {
        "MD5" => hex_of_len(&value, &[32]),
        "RIPEMD160" | "SHA1" => hex_of_len(&value, &[40]),
        "SHA224" | "SHA3224" => hex_of_len(&value, &[56]),
        "SHA256" | "SHA3256" => hex_of_len(&value, &[64]),
        "SHA384" | "SHA3384" => hex_of_len(&value, &[96]),
        "SHA512" | "SHA3512" | "WHIRLPOOL" => hex_of_len(&value, &[128]),
        "SSDEEP" => {
            let body = value.strip_suffix('\n').unwrap_or(&value);
            let n = body.chars().count();
            (1..=128).contains(&n)
                && body.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '+' | ':' | '.'))
        }
        // The validator's MD6 expression is an unanchored alternation: 32 leading hex digits
        // are enough (or a newline, four spaces and 64 hex digits).
        "MD6" => {
            let lead =
                |s: &str, n: usize| s.len() >= n && s.as_bytes()[..n].iter().all(u8::is_ascii_hexdigit);
            lead(&value, 32) || value.strip_prefix("\n    ").is_some_and(|rest| lead(rest, 64))
        }
        _ => true,
    };
    (!ok).then(|| (value, selector.to_owned()))
}

/// `^[a-fA-F0-9]{n}$` as Python's `re.match` reads it (`$` also matches before a final newline).
fn hex_of_len(value: &str, lens: &[usize]) -> bool {
    let body = value.strip_suffix('\n').unwrap_or(value);
    lens.contains(&body.len()) && body.bytes().all(|b| b.is_ascii_hexdigit())
}
