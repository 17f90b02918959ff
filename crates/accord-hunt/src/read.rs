//! Log readers: lines (or CSV records) in, events out, each event checked by the [`Hunter`].
//!
//! Line formats (JSON lines, text, syslog, access logs) are read from any slice that starts
//! and ends at line boundaries, so a caller may cut a large input into chunks and read them on
//! several threads; lines are numbered from 1 in each chunk ([`Outcome::shift`] moves them).
//! CSV records may span lines (quoted newlines) and are read from the whole input.

use serde_json::Value;

use crate::event::Event;
use crate::field::{
    DOMAIN, Fields, IPV4, IPV6, REQUEST_METHOD, REQUEST_VALUE, Target, URL, USER_AGENT, hash_field,
};
use crate::hunter::{Hit, Hunter, Kept, Scratch};
use crate::text;

/// A log format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per line, Elastic Common Schema names (nested or dotted) or mapped ones.
    Json,
    /// Any text: addresses, domains, URLs, e-mail addresses and hashes as tokens.
    Text,
    /// CSV with a header row naming the columns like JSON fields.
    Csv,
    /// RFC 3164 or RFC 5424 syslog: the time from the header, tokens from the rest.
    Syslog,
    /// Common or combined access logs (Apache, nginx).
    Access,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Text => "text",
            Format::Csv => "csv",
            Format::Syslog => "syslog",
            Format::Access => "access",
        }
    }
}

/// A line that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub line: u64,
    pub message: String,
}

/// What reading an input (or a chunk of one) found.
#[derive(Debug, Default)]
pub struct Outcome {
    pub hits: Vec<Hit>,
    /// Events kept for multi-observation patterns ([`Hunter::finish`]).
    pub kept: Vec<Kept>,
    /// The first errors (at most [`MAX_ERRORS`]).
    pub errors: Vec<ReadError>,
    /// All errors, reported or not.
    pub error_count: u64,
    pub lines: u64,
    pub events: u64,
}

/// Errors kept per chunk; the rest are only counted.
pub const MAX_ERRORS: usize = 20;

impl Outcome {
    /// Moves the lines of this chunk by `offset`.
    pub fn shift(&mut self, offset: u64) {
        for h in &mut self.hits {
            h.line += offset;
        }
        crate::hunter::shift_kept(&mut self.kept, offset);
        for e in &mut self.errors {
            e.line += offset;
        }
    }

    /// Appends a later chunk (already shifted).
    pub fn append(&mut self, mut later: Outcome) {
        self.hits.append(&mut later.hits);
        self.kept.append(&mut later.kept);
        let room = MAX_ERRORS.saturating_sub(self.errors.len());
        self.errors.extend(later.errors.into_iter().take(room));
        self.error_count += later.error_count;
        self.lines += later.lines;
        self.events += later.events;
    }

    fn error(&mut self, line: u64, message: String) {
        self.error_count += 1;
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(ReadError { line, message });
        }
    }
}

/// What readers need besides the data.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    /// Microseconds since the epoch: the time of events whose line has none, and the year of
    /// RFC 3164 syslog timestamps (which have none).
    pub now: i64,
}

/// Guesses the format from the file name and the first line.
pub fn detect(name: Option<&str>, head: &[u8]) -> Format {
    let lower = name.map(str::to_ascii_lowercase).unwrap_or_default();
    let ext = lower.rsplit_once('.').map_or("", |(_, e)| e);
    match ext {
        "json" | "jsonl" | "ndjson" => return Format::Json,
        "csv" => return Format::Csv,
        _ => {}
    }
    let first = head
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .find(|l| !l.iter().all(u8::is_ascii_whitespace))
        .unwrap_or(b"");
    let trimmed = first.trim_ascii_start();
    if trimmed.starts_with(b"{") {
        return Format::Json;
    }
    let line = String::from_utf8_lossy(first);
    if parse_access(&line, &mut TimeCache::default()).is_some() {
        return Format::Access;
    }
    if syslog_header(&line, 0).is_some() {
        return Format::Syslog;
    }
    if lower.contains("access") {
        return Format::Access;
    }
    Format::Text
}

/// Reads the lines of `data` (whole lines) in a line format and checks each event.
pub fn hunt_lines(hunter: &Hunter, format: Format, data: &[u8], context: &Context) -> Outcome {
    let mut out = Outcome::default();
    let mut event = Event::new();
    let mut scratch = Scratch::default();
    let mut times = TimeCache::default();
    // valid UTF-8 as a whole (the usual case): the readers that work on text take each line as
    // it is instead of validating it again
    let whole = match format {
        Format::Access | Format::Syslog | Format::Text | Format::Csv => std::str::from_utf8(data).ok(),
        Format::Json => None,
    };
    let mut line_no = 0u64;
    let mut at = 0;
    while at < data.len() {
        let (start, end) = match memchr::memchr(b'\n', &data[at..]) {
            Some(i) => (at, at + i),
            None => (at, data.len()),
        };
        at = end + 1;
        line_no += 1;
        let end = if end > start && data[end - 1] == b'\r' { end - 1 } else { end };
        let line = &data[start..end];
        // a line of valid text (cut at ASCII bytes, so at character boundaries)
        let valid = whole.map(|w| &w[start..end]);
        event.clear(line_no);
        let read = match format {
            Format::Json => read_json(hunter.fields(), line, &mut event, context),
            Format::Text => {
                text_tokens(line, valid, &mut event);
                Ok(())
            }
            Format::Syslog => {
                read_syslog(line, valid, &mut event, context);
                Ok(())
            }
            Format::Access => read_access(line, valid, &mut event, &mut times),
            // CSV lines are read as text when a caller cuts CSV into lines anyway
            Format::Csv => {
                text_tokens(line, valid, &mut event);
                Ok(())
            }
        };
        if let Err(message) = read {
            out.error(line_no, message);
        }
        if !event.is_empty() {
            out.events += 1;
            hunter.check(&event, context.now, &mut scratch, &mut out.hits, &mut out.kept);
        }
    }
    out.lines = line_no;
    out
}

/// The tokens of a line of text (`valid`: the line as text when known to be valid UTF-8).
fn text_tokens(line: &[u8], valid: Option<&str>, event: &mut Event) {
    match valid {
        Some(text) => text::tokens_str(text, event, 0),
        None => text::tokens(line, event, 0),
    };
}

/// Reads a whole CSV input (header first) and checks each record.
pub fn hunt_csv(hunter: &Hunter, data: &[u8], context: &Context) -> Outcome {
    let mut out = Outcome::default();
    let fields = hunter.fields();
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(data);
    let columns: Vec<Option<(Target, u32)>> = match reader.headers() {
        Ok(h) => h
            .iter()
            .map(|name| {
                let name = name.trim();
                fields
                    .name(name)
                    .or_else(|| fields.name(&name.to_ascii_lowercase()))
                    .map(|m| (m.target, m.group))
            })
            .collect(),
        Err(e) => {
            out.error(1, format!("cannot read the CSV header: {e}"));
            return out;
        }
    };
    if columns.iter().all(Option::is_none) {
        out.error(1, "no column of the CSV header is a known field (ECS names or --mapping)".into());
    }
    let mut event = Event::new();
    let mut scratch = Scratch::default();
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(line, csv::Position::line);
                event.clear(line);
                for (i, value) in record.iter().enumerate() {
                    if let Some(Some((target, group))) = columns.get(i)
                        && let Err(message) = put(fields, *target, *group, value, &mut event, context)
                    {
                        out.error(line, message);
                    }
                }
                if !event.is_empty() {
                    out.events += 1;
                    hunter.check(&event, context.now, &mut scratch, &mut out.hits, &mut out.kept);
                }
            }
            Err(e) => {
                let line = e.position().map_or(line, csv::Position::line);
                out.error(line, format!("not a CSV record: {e}"));
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
            }
        }
    }
    out.lines =
        reader.position().line().saturating_sub(1).max(data.iter().filter(|&&b| b == b'\n').count() as u64);
    out
}

/// Puts a value of a mapped log field into the event.
fn put(
    fields: &Fields,
    target: Target,
    group: u32,
    value: &str,
    event: &mut Event,
    context: &Context,
) -> Result<(), String> {
    let value = value.trim();
    if value.is_empty() || value == "-" {
        return Ok(());
    }
    match target {
        Target::Time => {
            event.time =
                Some(parse_time(value, context).ok_or_else(|| format!("{value:?} is not a timestamp"))?);
        }
        Target::Ip => {
            if value.parse::<std::net::Ipv4Addr>().is_ok() {
                event.push(IPV4, group, value);
            } else if value.parse::<std::net::Ipv6Addr>().is_ok() {
                event.push(IPV6, group, value);
            } else if text::is_domain(value.as_bytes()) {
                event.push_lowercase(DOMAIN, group, value);
            }
        }
        Target::Hash => {
            if let Some(f) = hash_field(value.as_bytes()) {
                event.push_lowercase(f, group, value);
            }
        }
        Target::Field(f) => {
            if fields.spec(f).numeric
                && let Ok(n) = value.parse::<i64>()
            {
                event.push(f, group, &n.to_string());
            } else if matches!(f, IPV4 | IPV6) {
                // an address mapped to either type goes to the one it is
                if value.parse::<std::net::Ipv4Addr>().is_ok() {
                    event.push(IPV4, group, value);
                } else if value.parse::<std::net::Ipv6Addr>().is_ok() {
                    event.push(IPV6, group, value);
                } else {
                    event.push(f, group, value);
                }
            } else {
                event.push_field(fields, f, group, value);
            }
        }
    }
    Ok(())
}

/// RFC 3339 (`2024-01-02T03:04:05Z`, with offset or fraction), or seconds or milliseconds since
/// the epoch.
pub fn parse_time(s: &str, _context: &Context) -> Option<i64> {
    if let Ok(t) = s.parse::<jiff::Timestamp>() {
        return Some(t.as_microsecond());
    }
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = s.parse().ok()?;
        // milliseconds from 2001-09 on, else seconds
        return if n > 1_000_000_000_000 { n.checked_mul(1000) } else { n.checked_mul(1_000_000) };
    }
    None
}

fn read_json(fields: &Fields, line: &[u8], event: &mut Event, context: &Context) -> Result<(), String> {
    if line.trim_ascii().is_empty() {
        return Ok(());
    }
    let value: Value = serde_json::from_slice(line).map_err(|e| format!("not JSON: {e}"))?;
    let Value::Object(map) = &value else { return Err("not a JSON object".into()) };
    let mut key = String::new();
    let mut errors = Vec::new();
    let mut next_group = 1 << 20;
    for (k, v) in map {
        key.clear();
        key.push_str(k);
        walk(fields, &mut key, v, event, context, &mut errors, &mut next_group);
    }
    match errors.into_iter().next() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

fn walk(
    fields: &Fields,
    key: &mut String,
    v: &Value,
    event: &mut Event,
    context: &Context,
    errors: &mut Vec<String>,
    next_group: &mut u32,
) {
    match v {
        Value::Object(map) => {
            let len = key.len();
            for (k, child) in map {
                key.truncate(len);
                key.push('.');
                key.push_str(k);
                walk(fields, key, child, event, context, errors, next_group);
            }
            key.truncate(len);
        }
        Value::Array(list) => {
            if let Some(m) = fields.name(key) {
                for item in list {
                    let text = match item {
                        Value::String(s) => s.clone(),
                        Value::Number(n) => n.to_string(),
                        _ => continue,
                    };
                    // every element its own object
                    *next_group += 1;
                    if let Err(e) = put(fields, m.target, *next_group, &text, event, context) {
                        errors.push(format!("{key}: {e}"));
                    }
                }
            }
        }
        Value::String(s) => {
            if let Some(m) = fields.name(key)
                && let Err(e) = put(fields, m.target, m.group, s, event, context)
            {
                errors.push(format!("{key}: {e}"));
            }
        }
        Value::Number(n) => {
            if let Some(m) = fields.name(key)
                && let Err(e) = put(fields, m.target, m.group, &n.to_string(), event, context)
            {
                errors.push(format!("{key}: {e}"));
            }
        }
        Value::Bool(_) | Value::Null => {}
    }
}

const MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// The time of a syslog header and where the rest of the line starts.
fn syslog_header(line: &str, now: i64) -> Option<(Option<i64>, usize)> {
    let mut at = 0;
    let b = line.as_bytes();
    if b.first() == Some(&b'<') {
        let end = line[..line.len().min(6)].find('>')?;
        if end < 2 || !line[1..end].bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        at = end + 1;
    }
    let rest = &line[at..];
    // RFC 5424: version, then an RFC 3339 time or "-"
    if let Some(after) = rest.strip_prefix("1 ") {
        let (stamp, _) = after.split_once(' ').unwrap_or((after, ""));
        if stamp == "-" {
            return Some((None, at + 2 + stamp.len()));
        }
        let t = stamp.parse::<jiff::Timestamp>().ok()?;
        return Some((Some(t.as_microsecond()), at + 2 + stamp.len()));
    }
    // an RFC 3339 time first (rsyslog's high-precision format)
    if let Some((stamp, _)) = rest.split_once(' ')
        && stamp.len() >= 20
        && let Ok(t) = stamp.parse::<jiff::Timestamp>()
    {
        return Some((Some(t.as_microsecond()), at + stamp.len()));
    }
    // RFC 3164: "Mmm dd hh:mm:ss", the year taken from `now`
    let head = rest.get(..15)?;
    let month = MONTHS.iter().position(|m| head.starts_with(m))? as i8 + 1;
    let hb = head.as_bytes();
    if hb[3] != b' ' || hb[6] != b' ' || hb[9] != b':' || hb[12] != b':' {
        return None;
    }
    let num = |s: &str| s.trim_start().parse::<i8>().ok();
    let (day, hour, minute, second) =
        (num(&head[4..6])?, num(&head[7..9])?, num(&head[10..12])?, num(&head[13..15])?);
    let year = jiff::Timestamp::from_microsecond(now)
        .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).year())
        .unwrap_or(1970);
    let time = jiff::civil::DateTime::new(year, month, day, hour, minute, second, 0)
        .ok()
        .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map(|z| z.timestamp().as_microsecond());
    Some((time, at + 15))
}

/// `valid`: the line as text when the caller knows it is valid UTF-8.
fn read_syslog(line: &[u8], valid: Option<&str>, event: &mut Event, context: &Context) {
    let text = valid.map_or_else(|| String::from_utf8_lossy(line), std::borrow::Cow::Borrowed);
    match syslog_header(&text, context.now) {
        Some((time, rest)) => {
            event.time = time;
            match text.get(rest..) {
                Some(rest) => text::tokens_str(rest, event, 0),
                None => text::tokens(&text.as_bytes()[rest..], event, 0),
            };
        }
        None => {
            text::tokens(line, event, 0);
        }
    }
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
fn parse_access<'a>(line: &'a str, times: &mut TimeCache) -> Option<Access<'a>> {
    // the separators are ASCII: cutting at them keeps character boundaries
    let (client, rest) = split_byte(line, b' ')?;
    let (_ident, rest) = split_byte(rest, b' ')?;
    // the user, up to the first " ["
    let open =
        memchr::memchr_iter(b'[', rest.as_bytes()).find(|&i| i > 0 && rest.as_bytes()[i - 1] == b' ')?;
    let rest = &rest[open + 1..];
    let (stamp, rest) = split_byte(rest, b']')?;
    let time = times.access_time(stamp).or_else(|| {
        jiff::fmt::strtime::parse("%d/%b/%Y:%H:%M:%S %z", stamp)
            .ok()
            .and_then(|t| t.to_timestamp().ok())
            .map(|t| t.as_microsecond())
    });
    let (request, rest) = quoted(rest.trim_start())?;
    // the first two words of the request, split at single spaces
    let (method, target) = match split_byte(request, b' ') {
        Some((method, after)) => (method, split_byte(after, b' ').map_or(after, |(target, _)| target)),
        None => (request, ""),
    };
    let mut rest = rest.trim_start();
    // status and size
    for _ in 0..2 {
        rest = split_byte(rest, b' ').map_or("", |(_, r)| r);
    }
    let (referer, agent) = match quoted(rest.trim_start()) {
        Some((referer, rest)) => (Some(referer), quoted(rest.trim_start()).map(|(a, _)| a)),
        None => (None, None),
    };
    Some(Access { client, time, method, target, referer, agent })
}

/// `s.split_once(byte)` for an ASCII byte.
fn split_byte(s: &str, byte: u8) -> Option<(&str, &str)> {
    let i = memchr::memchr(byte, s.as_bytes())?;
    Some((&s[..i], &s[i + 1..]))
}

/// `10/Oct/2000:13:55:36 -0700` read by position (the common case, without a general parser).
pub(crate) fn access_time(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 26 || b[2] != b'/' || b[6] != b'/' || b[11] != b':' || b[20] != b' ' {
        return None;
    }
    let n = |r: std::ops::Range<usize>| -> Option<i32> {
        b[r].iter().try_fold(0i32, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + i32::from(c - b'0')))
    };
    let month = MONTHS.iter().position(|m| m.as_bytes() == &b[3..6])? as i8 + 1;
    let sign = match b[21] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let offset = sign * (n(22..24)? * 3600 + n(24..26)? * 60);
    let date = jiff::civil::DateTime::new(
        i16::try_from(n(7..11)?).ok()?,
        month,
        i8::try_from(n(0..2)?).ok()?,
        i8::try_from(n(12..14)?).ok()?,
        i8::try_from(n(15..17)?).ok()?,
        i8::try_from(n(18..20)?).ok()?,
        0,
    )
    .ok()?;
    let offset = jiff::tz::Offset::from_seconds(offset).ok()?;
    offset.to_timestamp(date).ok().map(|t| t.as_microsecond())
}

/// The last day of access-log times read ([`access_time`] of its midnight): the lines of a log
/// mostly share their day and offset, and the time of day is then added by hand.
#[derive(Default)]
struct TimeCache {
    /// `dd/Mon/yyyy` and ` +zzzz` of the last time read.
    key: [u8; 17],
    midnight: Option<Option<i64>>,
}

impl TimeCache {
    /// [`access_time`], the day taken from the cache when it is the last one.
    fn access_time(&mut self, s: &str) -> Option<i64> {
        let b = s.as_bytes();
        if b.len() != 26 || b[2] != b'/' || b[6] != b'/' || b[11] != b':' || b[20] != b' ' {
            return None;
        }
        // far years: near the ends of the time range the time of day matters, so read it whole
        if !matches!(b[7], b'1'..=b'8') {
            return access_time(s);
        }
        let mut key = [0u8; 17];
        key[..11].copy_from_slice(&b[..11]);
        key[11..].copy_from_slice(&b[20..]);
        if self.midnight.is_none() || self.key != key {
            let mut day = String::with_capacity(26);
            day.push_str(&s[..11]);
            day.push_str(":00:00:00");
            day.push_str(&s[20..]);
            self.key = key;
            self.midnight = Some(access_time(&day));
        }
        let midnight = self.midnight.flatten()?;
        let two = |i: usize| -> Option<i64> {
            (b[i].is_ascii_digit() && b[i + 1].is_ascii_digit())
                .then(|| i64::from(b[i] - b'0') * 10 + i64::from(b[i + 1] - b'0'))
        };
        let (hour, minute, second) = (two(12)?, two(15)?, two(18)?);
        if hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        Some(midnight + (hour * 3600 + minute * 60 + second) * 1_000_000)
    }
}

/// A `"…"` field (`\"` inside) and what follows it.
fn quoted(s: &str) -> Option<(&str, &str)> {
    let body = s.strip_prefix('"')?;
    let b = body.as_bytes();
    let mut i = 0;
    while let Some(j) = memchr::memchr2(b'\\', b'"', &b[i.min(b.len())..]) {
        let j = i + j;
        if b[j] == b'"' {
            return Some((&body[..j], &body[j + 1..]));
        }
        // a backslash takes the next byte with it
        i = j + 2;
    }
    None
}

/// Reads an access-log line; `valid` is the line as text when the caller knows it is valid
/// UTF-8 (else invalid bytes read as U+FFFD).
fn read_access(
    line: &[u8],
    valid: Option<&str>,
    event: &mut Event,
    times: &mut TimeCache,
) -> Result<(), String> {
    if line.trim_ascii().is_empty() {
        return Ok(());
    }
    let text = valid.map_or_else(|| String::from_utf8_lossy(line), std::borrow::Cow::Borrowed);
    let Some(a) = parse_access(&text, times) else {
        text::tokens(line, event, 0);
        return Err("not an access-log line (common or combined format)".into());
    };
    event.time = a.time;
    let mut group = text::host_token(a.client, event, 0);
    // the request: method, target (as written) and its tokens
    if !a.method.is_empty() && a.method != "-" {
        event.push(REQUEST_METHOD, group, a.method);
    }
    if !a.target.is_empty() {
        event.push(REQUEST_VALUE, group, a.target);
        group += 1;
        event.push(URL, group, a.target);
        group += 1;
        group = text::tokens_str(a.target, event, group);
    }
    if let Some(r) = a.referer.filter(|r| *r != "-" && !r.is_empty()) {
        group = text::tokens_str(r, event, group);
    }
    if let Some(agent) = a.agent.filter(|r| *r != "-" && !r.is_empty()) {
        event.push(USER_AGENT, group, agent);
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::field::FieldId;

    fn ctx() -> Context {
        Context { now: "2024-06-01T00:00:00Z".parse::<jiff::Timestamp>().unwrap().as_microsecond() }
    }

    fn access(line: &[u8], e: &mut Event) -> Result<(), String> {
        read_access(line, std::str::from_utf8(line).ok(), e, &mut TimeCache::default())
    }

    fn syslog(line: &[u8], e: &mut Event, context: &Context) {
        read_syslog(line, std::str::from_utf8(line).ok(), e, context);
    }

    /// A small deterministic generator for the comparisons with the old readers.
    pub(crate) struct Rng(pub u64);

    impl Rng {
        pub(crate) fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        pub(crate) fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        pub(crate) fn pick<'a, T: ?Sized>(&mut self, items: &[&'a T]) -> &'a T {
            items[self.below(items.len())]
        }

        /// `line` with a few bytes replaced, removed or inserted.
        pub(crate) fn mutate(&mut self, line: &mut Vec<u8>, alphabet: &[u8]) {
            for _ in 0..self.below(4) {
                let at = self.below(line.len() + 1);
                let byte = alphabet[self.below(alphabet.len())];
                match self.below(3) {
                    0 if at < line.len() => line[at] = byte,
                    1 if at < line.len() => {
                        line.remove(at);
                    }
                    _ => line.insert(at, byte),
                }
            }
        }
    }

    /// An event's time and values, and the reader's result.
    type Snapshot = (Option<i64>, Vec<(FieldId, u32, String)>, Result<(), String>);

    fn snapshot(e: &Event, result: Result<(), String>) -> Snapshot {
        (e.time, e.values().map(|(f, g, v)| (f, g, v.to_owned())).collect(), result)
    }

    /// Odd access-log lines: the reader gives what the old one (on `String::from_utf8_lossy`
    /// of the line, with `split_once` and a general time parser) gave.
    #[test]
    fn access_lines_as_before() {
        let clients: &[&str] = &[
            "203.0.113.9",
            "::1",
            "[2001:db8::1]",
            "10.0.0.1:8080",
            "evil.test",
            "Host.Example.COM.",
            "-",
            "300.1.1.1",
            "é.test",
            "",
        ];
        let stamps: &[&str] = &[
            "10/Oct/2000:13:55:36 -0700",
            "01/Jun/2024:10:09:18 +0000",
            "01/Jun/2024:23:59:59 +1400",
            "01/Jun/2024:24:00:00 +0000",
            "01/Jun/2024:10:60:00 +0000",
            "01/Jun/2024:10:00:60 +0000",
            "31/Feb/2000:13:55:36 -0700",
            "29/Feb/2024:00:00:00 +0000",
            "29/Feb/2023:00:00:00 +0000",
            "01/Jan/9999:23:59:59 -2359",
            "31/Dec/9999:23:59:59 -0100",
            "01/Jan/0000:00:00:00 +0000",
            "01/Jan/0999:12:00:00 +0530",
            "1/Jun/2024:10:09:18 +0000",
            "01/Jun/2024:10:09:18 +2600",
            "01/Jun/2024:10:09:18 *0000",
            "01/jun/2024:10:09:18 +0000",
            "01/Jun/2024:1a:09:18 +0000",
            "01/Jun/2024:10x09x18 +0000",
            "01/Jun/2024:10:09:18",
            "",
            "01/Jun/2024:10:09:18 +0000 ",
        ];
        let requests: &[&str] = &[
            "GET /dl?u=evil.test HTTP/1.0",
            "GET / HTTP/1.1",
            "-",
            "",
            "GET",
            "POST  /two-spaces HTTP/1.1",
            "GET /x\\\" y HTTP/1.1",
            "GET http://Bad.example.org:8080/x?q=1 HTTP/1.1",
            "GET /download?sha=E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855 HTTP/1.1",
            "GET /é/ü?x=10.0.0.1 HTTP/1.1",
            "\\",
            "GET /a\tb HTTP/1.1",
        ];
        let tails: &[&str] = &[
            r#" 200 2326 "http://ref.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)""#,
            " 404 -",
            " 200 1 \"-\" \"-\"",
            " 200  1  \"https://a.test/\"  \"curl\"",
            " 200",
            "",
            " 200 1 \"x",
            " 200 1 \"mail bob@evil.test\" \"\"",
            "\u{a0}200\u{3000}1 \"a.test\" \"b\"",
            " 200 1 \"\\\"q\" \"ua\" trailing",
        ];
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let alphabet = b" \t\"[]\\:/.?=&@-0aZ\xff\xc3\xa9\r";
        let mut times = TimeCache::default();
        for i in 0..30_000 {
            let mut line = format!(
                "{} {} {} [{}] \"{}\"{}",
                rng.pick(clients),
                rng.pick(&["-", "ident", ""]),
                rng.pick(&["-", "frank", "a [b", ""]),
                rng.pick(stamps),
                rng.pick(requests),
                rng.pick(tails)
            )
            .into_bytes();
            if i % 3 == 0 {
                rng.mutate(&mut line, alphabet);
            }
            let mut old = Event::new();
            old.clear(1);
            let result = crate::reference::read_access(&line, &mut old);
            let expected = snapshot(&old, result);
            let valid = std::str::from_utf8(&line).ok();
            for (text, times) in [(valid, &mut times), (None, &mut TimeCache::default())] {
                let mut new = Event::new();
                new.clear(1);
                let result = read_access(&line, text, &mut new, times);
                let got = snapshot(&new, result);
                assert_eq!(got, expected, "{:?}", String::from_utf8_lossy(&line));
            }
        }
    }

    /// The day cache gives what reading each time whole gives, over runs of one day and changes
    /// of day, offset and year.
    #[test]
    fn access_times_through_the_day_cache() {
        let mut rng = Rng(7);
        let mut cache = TimeCache::default();
        let days = ["01/Jun/2024", "31/Dec/1999", "29/Feb/2024", "29/Feb/2023", "00/Jan/2024", "15/Oct/9999"];
        let offsets = [" +0000", " -0700", " +2359", " +9999", " -2500", " x0000"];
        for _ in 0..50_000 {
            let day = days[rng.below(days.len())];
            let offset = offsets[rng.below(offsets.len())];
            let stamp =
                format!("{day}:{:02}:{:02}:{:02}{offset}", rng.below(26), rng.below(62), rng.below(62));
            assert_eq!(cache.access_time(&stamp), access_time(&stamp), "{stamp}");
            // runs of the same day
            for _ in 0..rng.below(3) {
                let stamp = format!("{}{:02}{}", &stamp[..18], rng.below(61), &stamp[20..]);
                assert_eq!(cache.access_time(&stamp), access_time(&stamp), "{stamp}");
            }
        }
        assert_eq!(cache.access_time("10/Oct/2000:13:55:36 -0700"), Some(971_211_336_000_000));
    }

    fn paths(fields: &Fields, e: &Event) -> Vec<String> {
        e.values()
            .map(|(f, _, v): (FieldId, u32, &str)| format!("{}={v}", fields.spec(f).stix_path()))
            .collect()
    }

    #[test]
    fn json_lines_with_ecs_names() {
        let fields = Fields::new();
        let mut e = Event::new();
        let line = br#"{"@timestamp":"2024-05-01T10:00:00Z","source":{"ip":"10.0.0.1","port":5050},"destination.ip":"2001:db8::2","destination.port":"0443","dns":{"question":{"name":"Evil.Test"}},"file":{"name":"a.exe","hash":{"sha256":"ABCDEF"}},"related":{"ip":["1.1.1.1","2.2.2.2"]},"other":"x"}"#;
        read_json(&fields, line, &mut e, &ctx()).unwrap();
        assert_eq!(e.time, Some(1_714_557_600_000_000));
        let mut p = paths(&fields, &e);
        p.sort();
        let mut expected = [
            "ipv4-addr:value=10.0.0.1",
            "network-traffic:src_port=5050",
            "ipv6-addr:value=2001:db8::2",
            "network-traffic:dst_port=443",
            "domain-name:value=evil.test",
            "file:name=a.exe",
            "file:hashes.'SHA-256'=abcdef",
            "ipv4-addr:value=1.1.1.1",
            "ipv4-addr:value=2.2.2.2",
        ];
        expected.sort();
        assert_eq!(p, expected);
        let objects = e.objects(&fields);
        // source, destination, network-traffic (one), domain, file, two related addresses
        assert_eq!(objects.len(), 7, "{objects:?}");
        assert!(read_json(&fields, b"{not json", &mut e, &ctx()).is_err());
        assert!(read_json(&fields, b"[1]", &mut e, &ctx()).is_err());
        assert!(
            read_json(&fields, br#"{"@timestamp": "yesterday"}"#, &mut e, &ctx())
                .unwrap_err()
                .contains("@timestamp")
        );
    }

    #[test]
    fn access_logs() {
        let fields = Fields::new();
        let mut e = Event::new();
        let line = br#"203.0.113.9 - frank [10/Oct/2000:13:55:36 -0700] "GET /dl?u=evil.test HTTP/1.0" 200 2326 "http://ref.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)""#;
        access(line, &mut e).unwrap();
        assert_eq!(e.time, Some(971_211_336_000_000));
        assert_eq!(access_time("10/Oct/2000:13:55:36 -0700"), Some(971_211_336_000_000));
        assert_eq!(access_time("31/Feb/2000:13:55:36 -0700"), None);
        assert_eq!(
            paths(&fields, &e),
            [
                "ipv4-addr:value=203.0.113.9",
                "network-traffic:extensions.'http-request-ext'.request_method=GET",
                "network-traffic:extensions.'http-request-ext'.request_value=/dl?u=evil.test",
                "url:value=/dl?u=evil.test",
                "domain-name:value=evil.test",
                "url:value=http://ref.example.com/start.html",
                "domain-name:value=ref.example.com",
                "network-traffic:extensions.'http-request-ext'.request_header.'User-Agent'=Mozilla/4.08 [en] (Win98; I ;Nav)",
            ]
        );
        e.clear(2);
        access(br#"::1 - - [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.1" 404 -"#, &mut e).unwrap();
        assert_eq!(paths(&fields, &e)[0], "ipv6-addr:value=::1");
        e.clear(3);
        assert!(access(b"garbage 10.0.0.1", &mut e).is_err());
        assert_eq!(paths(&fields, &e), ["ipv4-addr:value=10.0.0.1"]);
    }

    #[test]
    fn syslog_headers() {
        let fields = Fields::new();
        let mut e = Event::new();
        syslog(
            b"<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick from 192.0.2.7",
            &mut e,
            &ctx(),
        );
        assert_eq!(e.time, Some("2024-10-11T22:14:15Z".parse::<jiff::Timestamp>().unwrap().as_microsecond()));
        assert_eq!(paths(&fields, &e), ["ipv4-addr:value=192.0.2.7"]);
        e.clear(2);
        syslog(
            b"<165>1 2003-10-11T22:14:15.003Z host.example.com evntslog - ID47 - hit evil.test",
            &mut e,
            &ctx(),
        );
        assert_eq!(
            e.time,
            Some("2003-10-11T22:14:15.003Z".parse::<jiff::Timestamp>().unwrap().as_microsecond())
        );
        assert_eq!(paths(&fields, &e), ["domain-name:value=host.example.com", "domain-name:value=evil.test"]);
        e.clear(3);
        syslog(b"no header 10.0.0.1", &mut e, &ctx());
        assert_eq!(e.time, None);
        assert_eq!(paths(&fields, &e), ["ipv4-addr:value=10.0.0.1"]);
    }

    #[test]
    fn csv_with_quotes_and_errors() {
        let pattern = accord_pattern::Pattern::parse("[domain-name:value = 'evil.test']").unwrap();
        let indicator = crate::indicator::Indicator {
            id: "indicator--1".into(),
            name: None,
            pattern,
            pattern_text: String::new(),
        };
        let (hunter, _) = Hunter::new(Fields::new(), vec![indicator]);
        let data = b"@timestamp,dns.question.name,note\n2024-01-01T00:00:00Z,evil.test,\"a, b\"\n2024-01-01T00:00:01Z,\"good.test\",\"multi\nline\"\n2024-01-01T00:00:02Z,evil.test,x\nnot a time,evil.test,y\n";
        let out = hunt_csv(&hunter, data, &ctx());
        let lines: Vec<u64> = out.hits.iter().map(|h| h.line).collect();
        assert_eq!(lines, [2, 5, 6]);
        assert_eq!(out.errors, [ReadError { line: 6, message: "\"not a time\" is not a timestamp".into() }]);
    }

    #[test]
    fn detection() {
        assert_eq!(detect(Some("x.jsonl"), b""), Format::Json);
        assert_eq!(detect(Some("x.CSV"), b""), Format::Csv);
        assert_eq!(detect(None, b"\n  {\"a\":1}"), Format::Json);
        assert_eq!(
            detect(None, br#"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 1"#),
            Format::Access
        );
        assert_eq!(detect(None, b"Oct 11 22:14:15 host sshd[1]: hello"), Format::Syslog);
        assert_eq!(detect(None, b"<13>1 2003-10-11T22:14:15Z h a - - - m"), Format::Syslog);
        assert_eq!(detect(None, b"just some text"), Format::Text);
    }
}
