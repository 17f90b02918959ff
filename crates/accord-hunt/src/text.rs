//! Indicators in free text: IPv4 and IPv6 addresses, domain names, URLs, e-mail addresses and
//! MD5/SHA-1/SHA-256/SHA-512 digests recognised as whole tokens. `10.0.0.1` is not found in
//! `110.0.0.12`, nor `evil.com` in `notevil.com`; a subdomain is a different domain.

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::event::Event;
use crate::field::{DOMAIN, EMAIL, IPV4, IPV6, URL, hash_field};

/// Bytes that end a word: white space, quotes, brackets and list punctuation.
const fn word_breaks() -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 33 {
        t[i] = true;
        i += 1;
    }
    t[127] = true;
    let list = b"\"'<>()[]{},;|\\`^";
    let mut j = 0;
    while j < list.len() {
        t[list[j] as usize] = true;
        j += 1;
    }
    t
}
pub(crate) static WORD_BREAK: [bool; 256] = word_breaks();

/// Bytes that split a word (not a URL) into tokens.
const fn token_breaks() -> [bool; 256] {
    let mut t = [false; 256];
    let list = b"/=?&+~#!%*$";
    let mut j = 0;
    while j < list.len() {
        t[list[j] as usize] = true;
        j += 1;
    }
    t
}
pub(crate) static TOKEN_BREAK: [bool; 256] = token_breaks();

/// Where the tokenizer takes its text from: bytes that may not be UTF-8 (each value is
/// checked before it is kept), or text already known to be valid.
trait Source<'a>: Copy {
    /// `part` (a slice of the input) as text, `None` when it is not valid UTF-8.
    fn text(self, part: &'a [u8]) -> Option<&'a str>;
}

#[derive(Clone, Copy)]
struct Bytes;

impl<'a> Source<'a> for Bytes {
    fn text(self, part: &'a [u8]) -> Option<&'a str> {
        std::str::from_utf8(part).ok()
    }
}

#[derive(Clone, Copy)]
struct Text<'a>(&'a str);

impl<'a> Source<'a> for Text<'a> {
    fn text(self, part: &'a [u8]) -> Option<&'a str> {
        // `part` lies inside the text: the same bytes as a `str`, without validating them again
        // (a slice of valid UTF-8 is valid exactly when it starts and ends at character
        // boundaries, which `get` checks)
        let at = (part.as_ptr() as usize).wrapping_sub(self.0.as_ptr() as usize);
        debug_assert!(at + part.len() <= self.0.len());
        self.0.get(at..at + part.len())
    }
}

/// Finds the tokens of `line` and adds them to `event`, each its own object (groups from
/// `group` on); returns the next free group. Tokens that are not valid UTF-8 are left out.
pub fn tokens(line: &[u8], event: &mut Event, group: u32) -> u32 {
    tokens_of(line, Bytes, event, group)
}

/// [`tokens`] of text (the same tokens, without checking their encoding again).
pub fn tokens_str(line: &str, event: &mut Event, group: u32) -> u32 {
    tokens_of(line.as_bytes(), Text(line), event, group)
}

fn tokens_of<'a>(line: &'a [u8], source: impl Source<'a>, event: &mut Event, mut group: u32) -> u32 {
    let mut i = 0;
    let n = line.len();
    while i < n {
        while i < n && WORD_BREAK[line[i] as usize] {
            i += 1;
        }
        let start = i;
        while i < n && !WORD_BREAK[line[i] as usize] {
            i += 1;
        }
        // the cheapest test first: most words of a log are plain words or numbers
        if i - start >= 4 {
            group = word(&line[start..i], source, event, group);
        }
    }
    group
}

fn word<'a>(w: &'a [u8], source: impl Source<'a>, event: &mut Event, mut group: u32) -> u32 {
    if let Some(at) = scheme_end(w) {
        let scheme = &w[..at];
        if !scheme.is_empty()
            && scheme.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
        {
            let url = trim_end(w, b".,:;!?");
            if let Some(text) = source.text(url) {
                event.push(URL, group, text);
                group += 1;
                let rest = &url[(at + 3).min(url.len())..];
                let authority =
                    &rest[..rest.iter().position(|b| matches!(b, b'/' | b'?' | b'#')).unwrap_or(rest.len())];
                let host =
                    authority.iter().rposition(|&b| b == b'@').map_or(authority, |i| &authority[i + 1..]);
                group = host_of(host, source, event, group);
            }
            return group;
        }
    }
    let mut i = 0;
    while i < w.len() {
        let start = i;
        while i < w.len() && !TOKEN_BREAK[w[i] as usize] {
            i += 1;
        }
        if i - start >= 4 {
            group = token(&w[start..i], source, event, group);
        }
        i += 1;
    }
    group
}

/// Where the first `://` of a word is.
fn scheme_end(w: &[u8]) -> Option<usize> {
    w.windows(3).position(|x| x == b"://")
}

pub(crate) fn trim_end<'a>(mut s: &'a [u8], chars: &[u8]) -> &'a [u8] {
    while let Some((last, rest)) = s.split_last() {
        if chars.contains(last) {
            s = rest;
        } else {
            break;
        }
    }
    s
}

pub(crate) fn trim_start<'a>(mut s: &'a [u8], chars: &[u8]) -> &'a [u8] {
    while let Some((first, rest)) = s.split_first() {
        if chars.contains(first) {
            s = rest;
        } else {
            break;
        }
    }
    s
}

/// A host of a URL or a token: an address or a domain name.
pub(crate) fn host_token(h: &str, event: &mut Event, group: u32) -> u32 {
    host_of(h.as_bytes(), Text(h), event, group)
}

fn host_of<'a>(h: &'a [u8], source: impl Source<'a>, event: &mut Event, group: u32) -> u32 {
    let h = trim_end(h, b".");
    if h.first() == Some(&b'[') {
        if let Some(end) = h.iter().position(|&b| b == b']')
            && let Some(s) = source.text(&h[1..end])
            && s.parse::<Ipv6Addr>().is_ok()
        {
            event.push(IPV6, group, s);
            return group + 1;
        }
        return group;
    }
    let host = match h.iter().rposition(|&b| b == b':') {
        Some(at) if h[at + 1..].iter().all(u8::is_ascii_digit) && !h[..at].contains(&b':') => &h[..at],
        _ => h,
    };
    // an IPv4 address and a domain name have dots, an IPv6 address colons: a host with neither
    // is none of them (most tokens of a log)
    if !host.iter().any(|&b| b == b'.' || b == b':') {
        return group;
    }
    if let Some(s) = source.text(host) {
        if s.parse::<Ipv4Addr>().is_ok() {
            event.push(IPV4, group, s);
            return group + 1;
        }
        if s.contains(':') && s.parse::<Ipv6Addr>().is_ok() {
            event.push(IPV6, group, s);
            return group + 1;
        }
        if is_domain(host) {
            event.push_lowercase(DOMAIN, group, s);
            return group + 1;
        }
    }
    group
}

fn token<'a>(t: &'a [u8], source: impl Source<'a>, event: &mut Event, group: u32) -> u32 {
    let colon = t.contains(&b':');
    // IPv6 first: its colons must not be trimmed away
    if colon && t.iter().all(|b| b.is_ascii_hexdigit() || matches!(b, b':' | b'.')) {
        let s = trim_end(t, b".");
        if let Some(s) = source.text(s)
            && s.parse::<Ipv6Addr>().is_ok()
        {
            event.push(IPV6, group, s);
            return group + 1;
        }
    }
    if colon {
        let mut group = group;
        for part in t.split(|&b| b == b':') {
            if part.len() >= 4 {
                group = simple_token(part, source, event, group);
            }
        }
        return group;
    }
    simple_token(t, source, event, group)
}

/// A token without colons.
fn simple_token<'a>(t: &'a [u8], source: impl Source<'a>, event: &mut Event, group: u32) -> u32 {
    let t = trim_end(trim_start(t, b".-_@"), b".-_@");
    if t.len() < 4 {
        return group;
    }
    if let Some(field) = hash_field(t) {
        // a digest, not a decimal number of that length
        if let Some(s) = source.text(t) {
            event.push_lowercase(field, group, s);
            return group + 1;
        }
    }
    if let Some(at) = t.iter().position(|&b| b == b'@') {
        let (local, domain) = (&t[..at], &t[at + 1..]);
        if !local.is_empty()
            && local.iter().all(|b| b.is_ascii_alphanumeric() || b"._-+'".contains(b))
            && is_domain(domain)
            && let Some(s) = source.text(t)
        {
            event.push(EMAIL, group, s);
            return group + 1;
        }
        return group;
    }
    host_of(t, source, event, group)
}

/// A domain name: two or more labels of letters, digits and hyphens, the last alphabetic (or
/// punycode), not starting or ending with a hyphen.
pub fn is_domain(d: &[u8]) -> bool {
    if d.len() < 4 || d.len() > 253 {
        return false;
    }
    // one pass over the bytes, each label checked at its end
    let mut labels = 0;
    let mut start = 0;
    let mut last: &[u8] = &[];
    for end in 0..=d.len() {
        if end < d.len() && d[end] != b'.' {
            let b = d[end];
            if !(b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
                return false;
            }
            continue;
        }
        let label = &d[start..end];
        if label.is_empty() || label.len() > 63 || label[0] == b'-' || label[label.len() - 1] == b'-' {
            return false;
        }
        labels += 1;
        last = label;
        start = end + 1;
    }
    labels >= 2
        && last.len() >= 2
        && (last.iter().all(u8::is_ascii_alphabetic) || (last.starts_with(b"xn--") && last.len() > 4))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::{FieldId, Fields, MD5, SHA1, SHA256};

    fn found(line: &str) -> Vec<(String, String)> {
        let fields = Fields::new();
        let mut e = Event::new();
        e.clear(1);
        tokens(line.as_bytes(), &mut e, 0);
        e.values().map(|(f, _, v): (FieldId, u32, &str)| (fields.spec(f).stix_path(), v.to_owned())).collect()
    }

    fn values(line: &str) -> Vec<String> {
        found(line).into_iter().map(|(_, v)| v).collect()
    }

    #[test]
    fn addresses_are_whole_tokens() {
        assert_eq!(values("conn from 110.0.0.12 to 10.0.0.1:443, ok"), ["110.0.0.12", "10.0.0.1"]);
        assert_eq!(found("x 10.0.0.1.")[0], ("ipv4-addr:value".to_owned(), "10.0.0.1".to_owned()));
        assert!(values("version 1.2.3.4.5 and 300.1.1.1 and 1.2.3").is_empty());
        assert_eq!(found("src=2001:db8::1 dst=[fe80::1]")[0].0, "ipv6-addr:value");
        assert_eq!(values("src=2001:db8::1 dst=[fe80::1]:80"), ["2001:db8::1", "fe80::1"]);
        assert!(values("at 12:30:45 today").is_empty());
    }

    #[test]
    fn domains_urls_and_mail() {
        assert_eq!(values("query notevil.com A"), ["notevil.com"]);
        assert_eq!(values("Query Evil.COM."), ["evil.com"]);
        assert_eq!(
            found("GET http://Bad.example.org:8080/x?q=1, then"),
            [
                ("url:value".to_owned(), "http://Bad.example.org:8080/x?q=1".to_owned()),
                ("domain-name:value".to_owned(), "bad.example.org".to_owned())
            ]
        );
        assert_eq!(
            found("mail from <bob@evil.test>")[0],
            ("email-addr:value".into(), "bob@evil.test".into())
        );
        assert!(values("HTTP/1.1 Mozilla/5.0 -1.5 a.b").is_empty());
        assert_eq!(values("host=db-1.internal.corp:5432"), ["db-1.internal.corp"]);
    }

    #[test]
    fn hashes_by_length() {
        let md5 = "d41d8cd98f00b204e9800998ecf8427e";
        let sha1 = "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709";
        let sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let line = format!("md5={md5} sha1:{sha1} file {sha256} short abcdef12");
        let f = found(&line);
        let fields = Fields::new();
        assert_eq!(f.len(), 3);
        assert_eq!(f[0], (fields.spec(MD5).stix_path(), md5.to_owned()));
        assert_eq!(f[1], (fields.spec(SHA1).stix_path(), sha1.to_lowercase()));
        assert_eq!(f[2], (fields.spec(SHA256).stix_path(), sha256.to_owned()));
        // a digest inside a longer hex run is not a digest
        assert!(values(&format!("{sha256}00")).is_empty());
    }

    /// Generated lines of token-like pieces: the tokenizer finds what the old one found.
    #[test]
    fn tokens_as_before() {
        let pieces: &[&str] = &[
            "10.0.0.1",
            "110.0.0.12",
            "10.0.0.1:443",
            "[fe80::1]:80",
            "2001:db8::1",
            "::1",
            "evil.com",
            "NotEvil.COM.",
            "http://Bad.example.org:8080/x?q=1",
            "https://user@h.test/p#f",
            "a://[",
            "ftp://x",
            "://",
            "x:://y",
            "mailto:bob@evil.test",
            "bob@evil.test",
            "@evil.test",
            "x@.com",
            "d41d8cd98f00b204e9800998ecf8427e",
            "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "-1.5",
            "a.b",
            "host=db-1.internal.corp:5432",
            "/dl?u=evil.test&h=10.0.0.1",
            "é.test",
            "xn--bcher-kva.example",
            "Straße.DE",
            "sha:abcdef0123456789abcdef0123456789",
            "1.2.3.4.5",
            "12:30:45",
            "_a._b.test",
            "x.y.z.",
            "%2F",
            "...",
            "----",
            "http://",
            "HTTP/1.1",
        ];
        let separators: &[&str] =
            &[" ", "/", "=", "?", "&", ", ", "\"", "'", "(", ")", ":", ".", "\t", "", "@", "#"];
        let mut rng = crate::read::tests::Rng(12345);
        let alphabet = b" :/.@[]-_xF0\xff\xc3\xa9%";
        let fields = Fields::new();
        for i in 0..40_000 {
            let mut line = Vec::new();
            for _ in 0..1 + rng.below(6) {
                line.extend_from_slice(rng.pick(pieces).as_bytes());
                line.extend_from_slice(rng.pick(separators).as_bytes());
            }
            if i % 2 == 0 {
                rng.mutate(&mut line, alphabet);
            }
            let (mut old, mut new) = (Event::new(), Event::new());
            old.clear(1);
            new.clear(1);
            let g_old = crate::reference::tokens(&line, &mut old, 3);
            let g_new = tokens(&line, &mut new, 3);
            let all = |e: &Event| -> Vec<(String, u32, String)> {
                e.values().map(|(f, g, v)| (fields.spec(f).stix_path(), g, v.to_owned())).collect()
            };
            assert_eq!((g_new, all(&new)), (g_old, all(&old)), "{:?}", String::from_utf8_lossy(&line));
            // as text: the same as the old tokenizer on the text's bytes
            let text = String::from_utf8_lossy(&line);
            let mut old = Event::new();
            old.clear(1);
            new.clear(1);
            let g_old = crate::reference::tokens(text.as_bytes(), &mut old, 3);
            let g_new = tokens_str(&text, &mut new, 3);
            assert_eq!((g_new, all(&new)), (g_old, all(&old)), "{text:?}");
        }
    }

    #[test]
    fn odd_input_does_not_panic() {
        for line in
            ["", "::::", "@@@@", "[[[[", "http://", "a://[", "\u{ff}\u{fe}://x", "x@.com", "....", "[::1"]
        {
            let _ = found(line);
        }
    }
}
