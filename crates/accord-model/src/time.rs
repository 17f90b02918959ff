//! Timestamps: always UTC, always written with a trailing `Z` and microsecond precision.

use jiff::Timestamp;

/// Formats a timestamp the one way Accord stores and shows it: `2018-04-17T00:00:00.000000Z`.
/// The fixed width keeps text order equal to time order.
pub fn format_timestamp(t: Timestamp) -> String {
    match fixed_bytes(t) {
        Some(b) => b.iter().map(|&c| char::from(c)).collect(),
        None => t.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
    }
}

/// The 27 ASCII bytes of the fixed form, written without the formatting machinery (every
/// timestamp of every listed row goes through here); `None` for years outside 0..=9999.
fn fixed_bytes(t: Timestamp) -> Option<[u8; 27]> {
    let dt = jiff::tz::Offset::UTC.to_datetime(t);
    let year = u32::try_from(dt.year()).ok().filter(|y| *y <= 9999)?;
    let mut out = *b"0000-00-00T00:00:00.000000Z";
    let mut put = |at: usize, width: usize, mut value: u32| {
        for i in (at..at + width).rev() {
            out[i] = b'0' + u8::try_from(value % 10).expect("a digit");
            value /= 10;
        }
    };
    let two = |v: i8| u32::try_from(v).unwrap_or(0);
    put(0, 4, year);
    put(5, 2, two(dt.month()));
    put(8, 2, two(dt.day()));
    put(11, 2, two(dt.hour()));
    put(14, 2, two(dt.minute()));
    put(17, 2, two(dt.second()));
    put(20, 6, u32::try_from(dt.subsec_nanosecond() / 1000).unwrap_or(0));
    Some(out)
}

/// Serialises a timestamp in the fixed form without allocating.
fn serialize_fixed<S: serde::Serializer>(t: Timestamp, s: S) -> Result<S::Ok, S::Error> {
    match fixed_bytes(t) {
        Some(b) => s.serialize_str(std::str::from_utf8(&b).expect("ASCII digits and separators")),
        None => s.serialize_str(&format_timestamp(t)),
    }
}

/// Reads the fixed form written by [`format_timestamp`] without a general parser (this is on
/// the path of every row read); `None` when `s` is not exactly in that form.
fn parse_fixed(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    if b.len() != 27
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'.'
        || b[26] != b'Z'
    {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<i32> {
        b[range].iter().try_fold(0i32, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + i32::from(c - b'0')))
    };
    let dt = jiff::civil::DateTime::new(
        i16::try_from(num(0..4)?).ok()?,
        i8::try_from(num(5..7)?).ok()?,
        i8::try_from(num(8..10)?).ok()?,
        i8::try_from(num(11..13)?).ok()?,
        i8::try_from(num(14..16)?).ok()?,
        i8::try_from(num(17..19)?).ok()?,
        num(20..26)? * 1000,
    )
    .ok()?;
    jiff::tz::Offset::UTC.to_timestamp(dt).ok()
}

/// Parses an RFC 3339 timestamp that must be in UTC (`Z`), as Accord stores them.
pub fn parse_timestamp(s: &str) -> Result<Timestamp, crate::ValidationError> {
    if let Some(t) = parse_fixed(s) {
        return Ok(t);
    }
    if !s.ends_with('Z') && !s.ends_with('z') {
        return Err(crate::ValidationError::new(
            "timestamp",
            format!("{:?} must be in UTC and end with \"Z\"", crate::ids::truncate(s)),
        ));
    }
    s.parse::<Timestamp>().map_err(|e| {
        crate::ValidationError::new(
            "timestamp",
            format!("{:?} is not an RFC 3339 timestamp: {e}", crate::ids::truncate(s)),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_with_fixed_width() {
        let t: Timestamp = "2018-04-17T00:00:00Z".parse().unwrap();
        assert_eq!(format_timestamp(t), "2018-04-17T00:00:00.000000Z");
        assert_eq!(parse_timestamp("2018-04-17T00:00:00.000000Z").unwrap(), t);
        assert!(parse_timestamp("2018-04-17T00:00:00+02:00").is_err());
        assert!(parse_timestamp("yesterday").is_err());
    }

    #[test]
    fn fixed_form_agrees_with_the_general_parser() {
        for s in [
            "2018-04-17T00:00:00.000000Z",
            "1999-12-31T23:59:59.999999Z",
            "2026-11-29T01:05:16.123456Z",
            "2024-02-29T12:00:00.000001Z",
        ] {
            let fast = parse_fixed(s).unwrap();
            assert_eq!(fast, s.parse::<Timestamp>().unwrap(), "{s}");
            assert_eq!(format_timestamp(fast), s);
        }
        // Not the fixed form, or not a real date: left to the general parser, which refuses.
        for s in ["2023-02-29T00:00:00.000000Z", "2018-04-17T00:00:00.00000aZ", "2018-04-17 00:00:00.000000Z"]
        {
            assert!(parse_fixed(s).is_none(), "{s}");
        }
        assert!(parse_timestamp("2023-02-29T00:00:00.000000Z").is_err());
        let t: Timestamp = "2026-11-29T01:05:16.123456789Z".parse().unwrap();
        assert_eq!(format_timestamp(t), "2026-11-29T01:05:16.123456Z", "truncated to microseconds");
    }
}

/// Serde helpers writing timestamps in the fixed Accord format.
pub mod serde_ts {
    use jiff::Timestamp;
    pub fn serialize<S: serde::Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
        super::serialize_fixed(*t, s)
    }
}

/// Serde helpers for optional timestamps (`null` when absent).
pub mod serde_opt {
    use jiff::Timestamp;
    pub fn serialize<S: serde::Serializer>(t: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => super::serialize_fixed(*t, s),
            None => s.serialize_none(),
        }
    }
}
