//! Timestamps: always UTC, always written with a trailing `Z` and microsecond precision.

use jiff::Timestamp;

/// Formats a timestamp the one way Accord stores and shows it: `2018-04-17T00:00:00.000000Z`.
/// The fixed width keeps text order equal to time order.
pub fn format_timestamp(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Parses an RFC 3339 timestamp that must be in UTC (`Z`), as Accord stores them.
pub fn parse_timestamp(s: &str) -> Result<Timestamp, crate::ValidationError> {
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
}

/// Serde helpers writing timestamps in the fixed Accord format.
pub mod serde_ts {
    use jiff::Timestamp;
    pub fn serialize<S: serde::Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format_timestamp(*t))
    }
}

/// Serde helpers for optional timestamps (`null` when absent).
pub mod serde_opt {
    use jiff::Timestamp;
    pub fn serialize<S: serde::Serializer>(t: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&super::format_timestamp(*t)),
            None => s.serialize_none(),
        }
    }
}
