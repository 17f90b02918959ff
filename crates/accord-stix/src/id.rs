//! STIX identifiers: `type--UUID`.

use std::fmt;
use std::str::FromStr;

/// Why a string is not a STIX identifier or type name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct IdError(pub String);

/// Checks a STIX type name: 3 to 250 characters, lower-case ASCII letters, digits and single
/// hyphens, starting with a letter (the rule of the STIX 2.1 `type` property).
pub fn check_type_name(t: &str) -> Result<(), IdError> {
    let ok_len = (3..=250).contains(&t.len());
    let ok_chars = t.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let starts = t.bytes().next().is_some_and(|b| b.is_ascii_lowercase());
    if !(ok_len && ok_chars && starts && !t.contains("--")) {
        return Err(IdError(format!(
            "{:?} is not a STIX type name (3 to 250 lower-case letters, digits and single hyphens, starting with a letter)",
            short(t)
        )));
    }
    if t == "action" {
        return Err(IdError("\"action\" is reserved and cannot be a type".to_owned()));
    }
    Ok(())
}

/// A STIX identifier such as `indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StixId(String);

impl StixId {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The type part, before `--`.
    pub fn object_type(&self) -> &str {
        self.0.split_once("--").map_or("", |(t, _)| t)
    }
}

impl fmt::Display for StixId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for StixId {
    type Err = IdError;

    /// Accepts `type--UUID` where the type is a valid type name and the UUID is in the
    /// RFC 4122 form of versions 1 to 5 (the STIX 2.1 identifier rule).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || IdError(format!("{:?} is not a STIX identifier (type--UUID)", short(s)));
        let (t, u) = s.split_once("--").ok_or_else(bad)?;
        check_type_name(t).map_err(|_| bad())?;
        let uuid = uuid::Uuid::try_parse(u).map_err(|_| bad())?;
        let hyphenated = u.len() == 36 && u.as_bytes()[8] == b'-';
        let version_ok = (1..=5).contains(&uuid.get_version_num());
        let variant_ok = uuid.get_variant() == uuid::Variant::RFC4122;
        if !(hyphenated && version_ok && variant_ok) {
            return Err(IdError(format!(
                "{:?}: the UUID of a STIX identifier must be an RFC 4122 UUID of version 1 to 5",
                short(s)
            )));
        }
        Ok(Self(s.to_owned()))
    }
}

impl serde::Serialize for StixId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// Shortens untrusted text before it goes into an error message.
pub(crate) fn short(s: &str) -> String {
    if s.chars().count() <= 80 {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(80).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        let id: StixId = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f".parse().unwrap();
        assert_eq!(id.object_type(), "indicator");
        assert!("x-acme-widget--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f".parse::<StixId>().is_ok());
        for bad in [
            "indicator-8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
            "Indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
            "indicator--8e2e2d2b17d44cbf938f98ee46b3cd3f",
            "indicator--8e2e2d2b-17d4-0cbf-938f-98ee46b3cd3f", // version 0
            "indicator--8e2e2d2b-17d4-4cbf-138f-98ee46b3cd3f", // NCS variant
            "in--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
            "",
        ] {
            assert!(bad.parse::<StixId>().is_err(), "{bad}");
        }
    }

    #[test]
    fn type_names() {
        for good in ["indicator", "x-acme", "ipv4-addr", "abc"] {
            assert!(check_type_name(good).is_ok(), "{good}");
        }
        for bad in ["ab", "Indicator", "1abc", "a--b", "a_b", "action"] {
            assert!(check_type_name(bad).is_err(), "{bad}");
        }
    }
}
