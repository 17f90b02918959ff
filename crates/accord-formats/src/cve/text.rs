//! Text as the schema wants it: URIs, bounded lengths, timestamps.

/// The longest `url` (and `repo`, `collectionURL`) the schema accepts, in characters.
pub(super) const URI_MAX: usize = 2048;

/// `text` as an RFC 3986 URI, or `None` when it cannot be one.
///
/// Characters a URI may not hold in its path, query or fragment (spaces, `"`, `<`, `>`, `\`,
/// `^`, `` ` ``, `{`, `|`, `}`, `[`, `]`, a second `#`, a `%` that starts no percent-encoding,
/// and every non-ASCII character) are percent-encoded as UTF-8, as browsers do when they
/// follow such a link, so the URI leads to the same place. What cannot be repaired that way
/// gives `None`: no scheme, a control character, an authority that is not
/// `[userinfo@]host[:port]` with a registered name for host (IP literals in brackets and
/// international domain names included), or more than [`URI_MAX`] characters once encoded.
pub(super) fn uri(text: &str) -> Option<String> {
    let text = text.trim();
    if text.chars().any(char::is_control) {
        return None;
    }
    let colon = text.find(':')?;
    let scheme = &text[..colon];
    let scheme_ok = scheme.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
        && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    if !scheme_ok {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..=colon]);
    let mut rest = &text[colon + 1..];
    if let Some(after) = rest.strip_prefix("//") {
        let end = after.find(['/', '?', '#']).unwrap_or(after.len());
        let authority = &after[..end];
        if !authority_ok(authority) {
            return None;
        }
        out.push_str("//");
        out.push_str(authority);
        rest = &after[end..];
    }
    let mut in_fragment = false;
    let bytes = rest.as_bytes();
    for (i, c) in rest.char_indices() {
        match c {
            '#' if !in_fragment => {
                in_fragment = true;
                out.push('#');
            }
            '%' if bytes.get(i + 1..i + 3).is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) => {
                out.push('%')
            }
            c if c.is_ascii() && (allowed(c as u8) || matches!(c, '/' | '?')) => out.push(c),
            c => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
        }
    }
    (out.chars().count() <= URI_MAX).then_some(out)
}

/// Unreserved, sub-delims, `:` and `@`: the characters of a path segment besides
/// percent-encodings.
fn allowed(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&b)
}

/// `[userinfo "@"] host [":" port]` with a registered name (possibly empty) as host.
fn authority_ok(authority: &str) -> bool {
    let b = authority.as_bytes();
    let pct_ok = |s: &[u8]| {
        s.iter().enumerate().all(|(i, &c)| {
            c != b'%' || s.get(i + 1..i + 3).is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
        })
    };
    let plain = |c: u8| c.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=%".contains(&c);
    let (userinfo, host_port) = match b.iter().position(|&c| c == b'@') {
        Some(at) => (&b[..at], &b[at + 1..]),
        None => (&b[..0], b),
    };
    let (host, port) = match host_port.iter().position(|&c| c == b':') {
        Some(at) => (&host_port[..at], &host_port[at + 1..]),
        None => (host_port, &host_port[..0]),
    };
    userinfo.iter().all(|&c| plain(c) || c == b':')
        && host.iter().all(|&c| plain(c))
        && port.iter().all(u8::is_ascii_digit)
        && pct_ok(b)
}

/// `text` with at most `max` characters: cut, with `…` as its last character, when longer.
pub(super) fn bounded(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let mut cut: String = text.chars().take(max - 1).collect();
        cut.push('…');
        cut
    }
}

/// An instant as the schema's `timestamp` pattern accepts it (`2024-05-01T12:00:00Z`), or
/// `None` for one it cannot express: the pattern knows the years 1900 to 2999 only, and none
/// of the 29ths of February of the 1900s (its leap-year rule for that century is broken).
pub(super) fn timestamp(at: jiff::Timestamp) -> Option<String> {
    let date = at.to_zoned(jiff::tz::TimeZone::UTC).date();
    let in_range = (1900..=2999).contains(&date.year());
    let expressible = !(date.year() < 2000 && date.month() == 2 && date.day() == 29);
    (in_range && expressible).then(|| at.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        for (given, expected) in [
            ("https://example.com/a?b=c#d", Some("https://example.com/a?b=c#d")),
            ("  https://example.com/  ", Some("https://example.com/")),
            ("https://example.com/a b", Some("https://example.com/a%20b")),
            ("https://example.com/ü", Some("https://example.com/%C3%BC")),
            ("https://example.com/?q=[1]|{2}", Some("https://example.com/?q=%5B1%5D%7C%7B2%7D")),
            ("https://example.com/100%", Some("https://example.com/100%25")),
            ("https://example.com/%2Fok", Some("https://example.com/%2Fok")),
            ("https://example.com/a#b#c", Some("https://example.com/a#b%23c")),
            ("https://user:pw@example.com:8443/x", Some("https://user:pw@example.com:8443/x")),
            ("mailto:security@example.com", Some("mailto:security@example.com")),
            ("example.com/path", None),
            ("/relative", None),
            ("1https://example.com", None),
            ("https://exa mple.com/", None),
            ("https://[::1]/", None),
            ("https://example.com:port/", None),
            ("https://bücher.example/", None),
            ("https://example.com/\u{7}", None),
            ("", None),
        ] {
            assert_eq!(uri(given).as_deref(), expected, "{given:?}");
        }
        let long = format!("https://example.com/{}", "a".repeat(URI_MAX));
        assert_eq!(uri(&long), None);
    }

    #[test]
    fn bounds() {
        assert_eq!(bounded("abc", 3), "abc");
        assert_eq!(bounded("abcd", 3), "ab…");
        assert_eq!(bounded("ééééé", 4), "ééé…");
    }

    #[test]
    fn timestamps() {
        let at = |s: &str| s.parse::<jiff::Timestamp>().unwrap();
        assert_eq!(timestamp(at("2024-05-01T12:00:00Z")).as_deref(), Some("2024-05-01T12:00:00Z"));
        assert_eq!(timestamp(at("2024-05-01T12:00:00.25Z")).as_deref(), Some("2024-05-01T12:00:00.25Z"));
        assert_eq!(timestamp(at("2000-02-29T00:00:00Z")).as_deref(), Some("2000-02-29T00:00:00Z"));
        assert_eq!(timestamp(at("0001-01-01T00:00:00Z")), None);
        assert_eq!(timestamp(at("1996-02-29T00:00:00Z")), None);
        assert_eq!(timestamp(at("3000-01-01T00:00:00Z")), None);
    }
}
