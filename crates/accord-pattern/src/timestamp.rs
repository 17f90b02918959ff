//! Reading timestamps the way the reference matcher does (Python's `strptime` with
//! `%Y-%m-%dT%H:%M:%S[.%f]Z`, upper case required, fractions cut to microseconds), as
//! microseconds since 1970-01-01T00:00:00Z.
//!
//! Like `strptime`, the reading is lenient about field widths (`2020-1-2T3:4:5Z` is read) and
//! strict about the calendar (`02-30` and second `60` are refused).

/// Microseconds since the Unix epoch, UTC.
pub(crate) type Micros = i64;

/// Reads a timestamp; `None` when the reference would refuse it.
pub(crate) fn parse(text: &str) -> Option<Micros> {
    if text.chars().any(char::is_lowercase) {
        return None;
    }
    let owned;
    let mut s = text;
    if s.contains('.') {
        let mut parts: Vec<&str> = s.split('.').collect();
        let cut;
        if parts[1].chars().count() > 7 && parts[1].ends_with('Z') {
            cut = format!("{}Z", parts[1].chars().take(6).collect::<String>());
            parts[1] = &cut;
            owned = parts.join(".");
            s = &owned;
        }
        read(s, true)
    } else {
        read(s, false)
    }
}

struct Cursor<'a> {
    s: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn digit(&self, offset: usize) -> Option<u32> {
        self.s.get(self.at + offset).filter(|b| b.is_ascii_digit()).map(|b| u32::from(b - b'0'))
    }

    fn literal(&mut self, c: u8) -> Option<()> {
        (self.s.get(self.at) == Some(&c)).then(|| self.at += 1)
    }

    /// One- or two-digit field: two digits when both are there and `two_ok` accepts them
    /// (the order of strptime's alternatives), else one digit accepted by `one_ok`.
    fn field(&mut self, two_ok: impl Fn(u32) -> bool, one_ok: impl Fn(u32) -> bool) -> Option<u32> {
        if let (Some(a), Some(b)) = (self.digit(0), self.digit(1)) {
            let v = a * 10 + b;
            if two_ok(v) {
                self.at += 2;
                return Some(v);
            }
        }
        let a = self.digit(0)?;
        one_ok(a).then(|| {
            self.at += 1;
            a
        })
    }
}

fn read(s: &str, fraction: bool) -> Option<Micros> {
    let mut c = Cursor { s: s.as_bytes(), at: 0 };
    let mut year = 0;
    for i in 0..4 {
        year = year * 10 + c.digit(i)?;
    }
    c.at = 4;
    c.literal(b'-')?;
    let month = c.field(|v| (1..=12).contains(&v), |v| v >= 1)?;
    c.literal(b'-')?;
    // %d also takes a space and one digit.
    let day = if c.s.get(c.at) == Some(&b' ') {
        c.at += 1;
        c.field(|_| false, |v| v >= 1)?
    } else {
        c.field(|v| (1..=31).contains(&v), |v| v >= 1)?
    };
    c.literal(b'T')?;
    let hour = c.field(|v| v <= 23, |_| true)?;
    c.literal(b':')?;
    let minute = c.field(|v| v <= 59, |_| true)?;
    c.literal(b':')?;
    let second = c.field(|v| v <= 61, |_| true)?;
    let mut micros = 0;
    if fraction {
        c.literal(b'.')?;
        let n = (0..6).take_while(|&i| c.digit(i).is_some()).count();
        if n == 0 {
            return None;
        }
        for i in 0..6 {
            micros = micros * 10 + if i < n { c.digit(i)? } else { 0 };
        }
        c.at += n;
    }
    c.literal(b'Z')?;
    if c.at != c.s.len() {
        return None;
    }
    if year == 0 || second > 59 || day > days_in_month(year, month) {
        return None;
    }
    let days = days_from_civil(i64::from(year), i64::from(month), i64::from(day));
    let secs = days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second);
    Some(secs * 1_000_000 + i64::from(micros))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn reads_like_strptime() {
        assert_eq!(parse("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse("1970-01-01T00:00:01.5Z"), Some(1_500_000));
        assert_eq!(parse("1970-1-1T0:0:1Z"), Some(1_000_000));
        assert_eq!(parse("1970-01-01T00:00:00.123456789Z"), Some(123_456));
        assert_eq!(parse("2020-02-30T00:00:00Z"), None);
        assert_eq!(parse("2020-02-29T00:00:60Z"), None);
        assert_eq!(parse("2020-02-29t00:00:00Z"), None);
        assert_eq!(parse("2020-02-29T00:00:00"), None);
        assert_eq!(parse("2020-02-29T00:00:00.Z"), None);
        assert_eq!(parse("2000-03-01T00:00:00Z"), Some(951_868_800_000_000));
    }
}
