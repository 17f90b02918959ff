//! OSV timestamps: RFC 3339 in UTC with a `Z`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An RFC 3339 timestamp in UTC as OSV writes them (`2024-05-01T12:00:00Z`, fractions of a
/// second allowed, the `Z` required). The text is kept as given; [`OsvTimestamp::at`] is the
/// instant, for ordering.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OsvTimestamp {
    text: String,
    at: jiff::Timestamp,
}

impl OsvTimestamp {
    /// The timestamp as given.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The instant.
    pub fn at(&self) -> jiff::Timestamp {
        self.at
    }
}

impl From<jiff::Timestamp> for OsvTimestamp {
    /// Written with as many fraction digits as needed (none for whole seconds), and `Z`.
    fn from(at: jiff::Timestamp) -> Self {
        OsvTimestamp { text: at.to_string(), at }
    }
}

impl FromStr for OsvTimestamp {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let shape_ok = {
            let b = s.as_bytes();
            let digits =
                |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
            let fraction = b.get(19..b.len().saturating_sub(1)).unwrap_or_default();
            b.len() >= 20
                && digits(0..4)
                && b[4] == b'-'
                && digits(5..7)
                && b[7] == b'-'
                && digits(8..10)
                && b[10] == b'T'
                && digits(11..13)
                && b[13] == b':'
                && digits(14..16)
                && b[16] == b':'
                && digits(17..19)
                && b[b.len() - 1] == b'Z'
                && (fraction.is_empty()
                    || (fraction.len() >= 2
                        && fraction[0] == b'.'
                        && fraction[1..].iter().all(u8::is_ascii_digit)))
        };
        if !shape_ok {
            return Err(format!("{s:?} is not an RFC 3339 UTC timestamp such as 2024-05-01T12:00:00Z"));
        }
        let at = s.parse::<jiff::Timestamp>().map_err(|e| format!("{s:?} is not a valid timestamp: {e}"))?;
        Ok(OsvTimestamp { text: s.to_owned(), at })
    }
}

impl fmt::Display for OsvTimestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for OsvTimestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for OsvTimestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        for ok in ["2024-05-01T12:00:00Z", "2024-05-01T12:00:00.123456Z", "0001-01-01T00:00:00Z"] {
            assert_eq!(ok.parse::<OsvTimestamp>().map(|t| t.to_string()), Ok(ok.to_owned()));
        }
        for bad in [
            "2024-05-01T12:00:00",
            "2024-05-01T12:00:00+00:00",
            "2024-05-01 12:00:00Z",
            "2024-05-01T12:00:00.Z",
            "2024-02-30T12:00:00Z",
            "2024-05-01T25:00:00Z",
            "2024-05-01",
            "",
        ] {
            assert!(bad.parse::<OsvTimestamp>().is_err(), "{bad}");
        }
    }
}
