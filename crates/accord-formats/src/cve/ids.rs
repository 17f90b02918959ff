//! The identifiers of a CVE record: the CVE id, and the assigning CNA's organisation id and
//! short name, each checked against the schema's rule for it.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A CVE id as the schema's pattern spells it: `CVE-`, four digits of year, `-`, four to
/// nineteen digits (`CVE-2024-12345`).
///
/// Ordered by year, then by number as a number (`CVE-2024-9999` before `CVE-2024-10000`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CveId(String);

impl CveId {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn parts(&self) -> (&str, &str) {
        let rest = &self.0["CVE-".len()..];
        rest.split_at(4)
    }
}

impl FromStr for CveId {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let ok = s.strip_prefix("CVE-").and_then(|r| r.split_once('-')).is_some_and(|(year, number)| {
            year.len() == 4
                && (4..=19).contains(&number.len())
                && year.bytes().chain(number.bytes()).all(|b| b.is_ascii_digit())
        });
        if ok {
            Ok(CveId(s.to_owned()))
        } else {
            Err(format!("{s:?} is not a CVE id (CVE-YYYY-NNNN, four to nineteen digits of number)"))
        }
    }
}

impl Ord for CveId {
    fn cmp(&self, other: &Self) -> Ordering {
        let ((ya, na), (yb, nb)) = (self.parts(), other.parts());
        // The number has no sign and, as the pattern allows, may have leading zeros only up
        // to its four digits: compare by length once those are set aside, then as text.
        let (na, nb) = (na.trim_start_matches('0'), nb.trim_start_matches('0'));
        ya.cmp(yb).then(na.len().cmp(&nb.len())).then(na.cmp(nb)).then(self.0.cmp(&other.0))
    }
}

impl PartialOrd for CveId {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The organisation id of a CNA: a UUID in the form the schema's `uuidType` pattern demands,
/// which is that of a random (version 4, RFC 4122 variant) UUID, written with hyphens.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OrgId(String);

impl OrgId {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for OrgId {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let b = s.as_bytes();
        let hex_at = |i: usize| b[i].is_ascii_hexdigit();
        let shape = b.len() == 36
            && (0..36).all(|i| if [8, 13, 18, 23].contains(&i) { b[i] == b'-' } else { hex_at(i) });
        if !shape {
            return Err(format!(
                "{s:?} is not a UUID written as 8-4-4-4-12 hexadecimal digits \
                 (such as 7a3f0c52-1d4e-4b8a-9c6e-2f5b8d9e0a14)"
            ));
        }
        if b[14] != b'4' || !matches!(b[19], b'8' | b'9' | b'a' | b'b' | b'A' | b'B') {
            return Err(format!(
                "{s:?} is not a version 4 UUID, the only kind the CVE schema accepts as an organisation id \
                 (the 13th digit is 4, the 17th one of 8, 9, a, b)"
            ));
        }
        Ok(OrgId(s.to_owned()))
    }
}

/// The short name of a CNA (`assignerShortName`, `providerMetadata.shortName`): 2 to 32
/// characters, none of them a control character, not starting or ending with white space.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ShortName(String);

impl ShortName {
    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for ShortName {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let count = s.chars().count();
        if !(2..=32).contains(&count) {
            Err(format!("{s:?} is not a CNA short name: it has 2 to 32 characters"))
        } else if s.chars().any(char::is_control) || s.trim() != s {
            Err(format!("{s:?} is not a CNA short name: no control characters, no white space at either end"))
        } else {
            Ok(ShortName(s.to_owned()))
        }
    }
}

/// The CNA a record is written for: its organisation id and short name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Assigner {
    /// `assignerOrgId` and `providerMetadata.orgId`.
    pub org_id: OrgId,
    /// `assignerShortName` and `providerMetadata.shortName`.
    pub short_name: ShortName,
}

macro_rules! text_serde {
    ($($t:ty),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    )*};
}

text_serde!(CveId, OrgId, ShortName);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cve_ids() {
        for ok in ["CVE-2024-0001", "CVE-1999-12345", "CVE-2099-1234567890123456789"] {
            assert_eq!(ok.parse::<CveId>().map(|c| c.to_string()), Ok(ok.to_owned()));
        }
        for bad in [
            "CVE-2024-001",
            "cve-2024-0001",
            "CVE-24-0001",
            "CVE-2024-12345678901234567890",
            "CVE-2024-00a1",
            "",
        ] {
            assert!(bad.parse::<CveId>().is_err(), "{bad}");
        }
    }

    #[test]
    fn cve_ids_order_by_year_then_number() {
        let mut ids: Vec<CveId> = ["CVE-2024-10000", "CVE-2023-99999", "CVE-2024-9999", "CVE-2024-0002"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        ids.sort();
        let ids: Vec<&str> = ids.iter().map(CveId::as_str).collect();
        assert_eq!(ids, ["CVE-2023-99999", "CVE-2024-0002", "CVE-2024-9999", "CVE-2024-10000"]);
    }

    #[test]
    fn org_ids_are_version_4_uuids() {
        assert!("8254265b-2729-46b6-b9e3-3dfca2d5bfca".parse::<OrgId>().is_ok());
        assert!("8254265B-2729-46B6-B9E3-3DFCA2D5BFCA".parse::<OrgId>().is_ok());
        for bad in [
            "8254265b-2729-56b6-b9e3-3dfca2d5bfca", // version 5
            "8254265b-2729-46b6-c9e3-3dfca2d5bfca", // not the RFC 4122 variant
            "8254265b272946b6b9e33dfca2d5bfca",
            "8254265b-2729-46b6-b9e3-3dfca2d5bfcg",
            "",
        ] {
            assert!(bad.parse::<OrgId>().is_err(), "{bad}");
        }
    }

    #[test]
    fn short_names() {
        assert!("ab".parse::<ShortName>().is_ok());
        assert!("GitHub_M".parse::<ShortName>().is_ok());
        for bad in ["a", " accord", "accord\n", &"x".repeat(33)] {
            assert!(bad.parse::<ShortName>().is_err(), "{bad}");
        }
    }
}
