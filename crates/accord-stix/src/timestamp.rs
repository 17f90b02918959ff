//! STIX timestamps: RFC 3339 in UTC with a `Z`, e.g. `2016-05-12T08:17:27.000Z`.

use std::fmt;

/// A STIX timestamp, kept as written (comparisons use the normalised form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StixTimestamp {
    text: String,
    /// Seconds part `YYYY-MM-DDTHH:MM:SS` and the fraction as 9 nanosecond digits, so that
    /// plain string comparison of `key` is time order.
    key: String,
    fraction_digits: usize,
}

/// Why a string is not a STIX timestamp.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TimestampError(pub String);

impl StixTimestamp {
    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction]Z` with a real calendar date.
    pub fn parse(s: &str) -> Result<Self, TimestampError> {
        let bad = || {
            TimestampError(format!(
                "{:?} is not a STIX timestamp (RFC 3339 in UTC, e.g. 2016-05-12T08:17:27.000Z)",
                crate::id::short(s)
            ))
        };
        let b = s.as_bytes();
        if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
            return Err(bad());
        }
        if *b.last().unwrap_or(&0) != b'Z' {
            return Err(bad());
        }
        let digits = |r: std::ops::Range<usize>| -> Option<u32> {
            b[r].iter().try_fold(0u32, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0')))
        };
        let (year, month, day) =
            (digits(0..4).ok_or_else(bad)?, digits(5..7).ok_or_else(bad)?, digits(8..10).ok_or_else(bad)?);
        let (hour, minute, second) = (
            digits(11..13).ok_or_else(bad)?,
            digits(14..16).ok_or_else(bad)?,
            digits(17..19).ok_or_else(bad)?,
        );
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return Err(bad()),
        };
        if day == 0 || day > days_in_month || hour > 23 || minute > 59 || second > 60 {
            return Err(bad());
        }
        let rest = &s[19..s.len() - 1];
        let fraction = match rest.strip_prefix('.') {
            None if rest.is_empty() => "",
            Some(f) if !f.is_empty() && f.bytes().all(|c| c.is_ascii_digit()) => f,
            _ => return Err(bad()),
        };
        let mut key = String::with_capacity(29);
        key.push_str(&s[..19]);
        key.push('.');
        let kept = &fraction[..fraction.len().min(9)];
        key.push_str(kept);
        key.extend(std::iter::repeat_n('0', 9 - kept.len()));
        Ok(Self { text: s.to_owned(), key, fraction_digits: fraction.len() })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the timestamp is given to the millisecond at least (required of `created` and
    /// `modified`).
    pub fn has_millisecond_precision(&self) -> bool {
        self.fraction_digits >= 3
    }

    /// A string whose order is time order (fixed width, nanoseconds).
    pub fn sort_key(&self) -> &str {
        &self.key
    }
}

impl PartialOrd for StixTimestamp {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.key.cmp(&other.key))
    }
}

impl fmt::Display for StixTimestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_orders() {
        let a = StixTimestamp::parse("2016-05-12T08:17:27.000Z").unwrap();
        let b = StixTimestamp::parse("2016-05-12T08:17:27.0001Z").unwrap();
        let c = StixTimestamp::parse("2016-05-12T08:17:27Z").unwrap();
        assert!(a < b);
        assert_eq!(a.sort_key(), c.sort_key());
        assert!(a.has_millisecond_precision() && !c.has_millisecond_precision());
        assert!(StixTimestamp::parse("2016-02-29T00:00:00Z").is_ok());
        for bad in [
            "2015-02-29T00:00:00Z",
            "2016-05-12T08:17:27.000+00:00",
            "2016-05-12 08:17:27Z",
            "2016-13-12T08:17:27Z",
            "2016-05-12T24:00:00Z",
            "2016-05-12T08:17:27.Z",
            "2016-05-12T08:17:27.000z",
            "yesterday",
        ] {
            assert!(StixTimestamp::parse(bad).is_err(), "{bad}");
        }
    }
}
