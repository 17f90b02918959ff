//! The tokenizer and the access-log reader as they were before they were made faster, kept
//! (for tests only) to compare the new ones with on tricky and generated lines.

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::event::Event;
use crate::field::{DOMAIN, EMAIL, IPV4, IPV6, REQUEST_METHOD, REQUEST_VALUE, URL, USER_AGENT};
// What a word and a token are is shared with the new tokenizer: the comparison checks how
// lines are cut, not the definitions.
use crate::text::{TOKEN_BREAK, WORD_BREAK, trim_end, trim_start};

/// The old `field::hash_field`.
fn hash_field(hex: &[u8]) -> Option<crate::field::FieldId> {
    use crate::field::{MD5, SHA1, SHA256, SHA512};
    if !hex.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    match hex.len() {
        32 => Some(MD5),
        40 => Some(SHA1),
        64 => Some(SHA256),
        128 => Some(SHA512),
        _ => None,
    }
}

/// The old `Event::push_lowercase`.
fn push_lowercase(event: &mut Event, field: crate::field::FieldId, group: u32, value: &str) {
    let lower: String = value.chars().flat_map(char::to_lowercase).collect();
    event.push(field, group, &lower);
}

/// Finds the tokens of `line` and adds them to `event`, each its own object (groups from
/// `group` on); returns the next free group.
pub(crate) fn tokens(line: &[u8], event: &mut Event, mut group: u32) -> u32 {
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
        if i > start {
            group = word(&line[start..i], event, group);
        }
    }
    group
}

fn word(w: &[u8], event: &mut Event, mut group: u32) -> u32 {
    // the cheapest test first: most words of a log are plain words or numbers
    if w.len() < 4 {
        return group;
    }
    if let Some(at) = memchr::memmem::find(w, b"://") {
        let scheme = &w[..at];
        if !scheme.is_empty()
            && scheme.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
        {
            let url = trim_end(w, b".,:;!?");
            if let Ok(url) = std::str::from_utf8(url) {
                event.push(URL, group, url);
                group += 1;
                let rest = &url[at + 3..];
                let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
                let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
                group = host_token(host.as_bytes(), event, group);
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
            group = token(&w[start..i], event, group);
        }
        i += 1;
    }
    group
}

/// A host of a URL or a token: an address or a domain name.
pub(crate) fn host_token(h: &[u8], event: &mut Event, group: u32) -> u32 {
    let h = trim_end(h, b".");
    if h.first() == Some(&b'[') {
        if let Some(end) = h.iter().position(|&b| b == b']')
            && let Some(s) = as_str(&h[1..end])
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
    if let Some(s) = as_str(host) {
        if s.parse::<Ipv4Addr>().is_ok() {
            event.push(IPV4, group, s);
            return group + 1;
        }
        if s.contains(':') && s.parse::<Ipv6Addr>().is_ok() {
            event.push(IPV6, group, s);
            return group + 1;
        }
        if is_domain(host) {
            push_lowercase(event, DOMAIN, group, s);
            return group + 1;
        }
    }
    group
}

fn as_str(b: &[u8]) -> Option<&str> {
    std::str::from_utf8(b).ok()
}

fn token(t: &[u8], event: &mut Event, group: u32) -> u32 {
    // IPv6 first: its colons must not be trimmed away
    if t.contains(&b':') && t.iter().all(|b| b.is_ascii_hexdigit() || matches!(b, b':' | b'.')) {
        let s = trim_end(t, b".");
        if let Some(s) = as_str(s)
            && s.parse::<Ipv6Addr>().is_ok()
        {
            event.push(IPV6, group, s);
            return group + 1;
        }
    }
    if t.contains(&b':') {
        let mut group = group;
        for part in t.split(|&b| b == b':') {
            if part.len() >= 4 {
                group = simple_token(part, event, group);
            }
        }
        return group;
    }
    simple_token(t, event, group)
}

/// A token without colons.
fn simple_token(t: &[u8], event: &mut Event, group: u32) -> u32 {
    let t = trim_end(trim_start(t, b".-_@"), b".-_@");
    if t.len() < 4 {
        return group;
    }
    if let Some(field) = hash_field(t) {
        // a digest, not a decimal number of that length
        if let Some(s) = as_str(t) {
            push_lowercase(event, field, group, s);
            return group + 1;
        }
    }
    if let Some(at) = t.iter().position(|&b| b == b'@') {
        let (local, domain) = (&t[..at], &t[at + 1..]);
        if !local.is_empty()
            && local.iter().all(|b| b.is_ascii_alphanumeric() || b"._-+'".contains(b))
            && is_domain(domain)
            && let Some(s) = as_str(t)
        {
            event.push(EMAIL, group, s);
            return group + 1;
        }
        return group;
    }
    host_token(t, event, group)
}

/// A domain name: two or more labels of letters, digits and hyphens, the last alphabetic (or
/// punycode), not starting or ending with a hyphen.
fn is_domain(d: &[u8]) -> bool {
    if d.len() < 4 || d.len() > 253 {
        return false;
    }
    let mut labels = 0;
    let mut last: &[u8] = &[];
    for label in d.split(|&b| b == b'.') {
        if label.is_empty()
            || label.len() > 63
            || label[0] == b'-'
            || label[label.len() - 1] == b'-'
            || !label.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
        {
            return false;
        }
        labels += 1;
        last = label;
    }
    labels >= 2
        && last.len() >= 2
        && (last.iter().all(u8::is_ascii_alphabetic) || (last.starts_with(b"xn--") && last.len() > 4))
}

/// The parts of an access-log line.
struct Access<'a> {
    client: &'a str,
    time: Option<i64>,
    method: &'a str,
    target: &'a str,
    referer: Option<&'a str>,
    agent: Option<&'a str>,
}

/// `client ident user [time] "request" status size ["referer" "agent"]`
fn parse_access(line: &str) -> Option<Access<'_>> {
    let (client, rest) = line.split_once(' ')?;
    let (_ident, rest) = rest.split_once(' ')?;
    let (_user, rest) = rest.split_once(" [")?;
    let (stamp, rest) = rest.split_once(']')?;
    let time = crate::read::access_time(stamp).or_else(|| {
        jiff::fmt::strtime::parse("%d/%b/%Y:%H:%M:%S %z", stamp)
            .ok()
            .and_then(|t| t.to_timestamp().ok())
            .map(|t| t.as_microsecond())
    });
    let (request, rest) = quoted(rest.trim_start())?;
    let mut parts = request.split(' ');
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("");
    let mut rest = rest.trim_start();
    // status and size
    for _ in 0..2 {
        rest = rest.split_once(' ').map_or("", |(_, r)| r);
    }
    let (referer, agent) = match quoted(rest.trim_start()) {
        Some((referer, rest)) => (Some(referer), quoted(rest.trim_start()).map(|(a, _)| a)),
        None => (None, None),
    };
    Some(Access { client, time, method, target, referer, agent })
}

/// A `"…"` field (`\"` inside) and what follows it.
fn quoted(s: &str) -> Option<(&str, &str)> {
    let body = s.strip_prefix('"')?;
    let b = body.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Some((&body[..i], &body[i + 1..])),
            _ => i += 1,
        }
    }
    None
}

pub(crate) fn read_access(line: &[u8], event: &mut Event) -> Result<(), String> {
    if line.trim_ascii().is_empty() {
        return Ok(());
    }
    let text = String::from_utf8_lossy(line);
    let Some(a) = parse_access(&text) else {
        tokens(line, event, 0);
        return Err("not an access-log line (common or combined format)".into());
    };
    event.time = a.time;
    let mut group = host_token(a.client.as_bytes(), event, 0);
    // the request: method, target (as written) and its tokens
    if !a.method.is_empty() && a.method != "-" {
        event.push(REQUEST_METHOD, group, a.method);
    }
    if !a.target.is_empty() {
        event.push(REQUEST_VALUE, group, a.target);
        group += 1;
        event.push(URL, group, a.target);
        group += 1;
        group = tokens(a.target.as_bytes(), event, group);
    }
    if let Some(r) = a.referer.filter(|r| *r != "-" && !r.is_empty()) {
        group = tokens(r.as_bytes(), event, group);
    }
    if let Some(agent) = a.agent.filter(|r| *r != "-" && !r.is_empty()) {
        event.push(USER_AGENT, group, agent);
    }
    Ok(())
}
