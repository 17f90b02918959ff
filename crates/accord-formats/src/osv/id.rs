//! The `id` of an OSV record.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The home-database prefixes the OSV schema registers (`ID-…`); `x_` marks a local database.
pub const PREFIXES: &[&str] = &[
    "ASB-A",
    "PUB-A",
    "ALPINE",
    "ALSA",
    "ALBA",
    "ALEA",
    "AZL",
    "BELL",
    "BIT",
    "CGA",
    "CLEANSTART",
    "CLSA",
    "CURL",
    "CVE",
    "DEBIAN",
    "DHI",
    "DRUPAL",
    "DSA",
    "DLA",
    "ELA",
    "DTSA",
    "ECHO",
    "EEF",
    "FreeBSD",
    "GHSA",
    "GO",
    "GSD",
    "HSEC",
    "JLSEC",
    "KUBE",
    "LBSEC",
    "LSN",
    "MAL",
    "MINI",
    "MGASA",
    "OESA",
    "OSEC",
    "OSV",
    "openSUSE-SU",
    "PHSA",
    "PSF",
    "PYSEC",
    "RHBA",
    "RHEA",
    "RHSA",
    "RLSA",
    "RXSA",
    "RSEC",
    "ROOT",
    "RUSTSEC",
    "SUSE-SU",
    "SUSE-RU",
    "SUSE-FU",
    "SUSE-OU",
    "UBUNTU",
    "USN",
    "V8",
];

/// An OSV record id: a registered prefix and `-` (`GHSA-…`, `PYSEC-…`), or `x_` for a local
/// database (`x_ACCORD-2026-0001`), then at least one more character, none of them a control
/// character or white space, at most 255 bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OsvId(String);

impl OsvId {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for OsvId {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let rest = s
            .strip_prefix("x_")
            .or_else(|| PREFIXES.iter().find_map(|p| s.strip_prefix(p).and_then(|r| r.strip_prefix('-'))));
        match rest {
            None => Err(format!(
                "{s:?} does not start with a registered OSV prefix and `-` (GHSA-, PYSEC-, RUSTSEC-, …) or `x_`"
            )),
            Some("") => Err(format!("{s:?} has nothing after its prefix")),
            Some(_) if s.len() > 255 => Err("an id has at most 255 bytes".to_owned()),
            Some(_) if s.chars().any(|c| c.is_control() || c.is_whitespace()) => {
                Err(format!("{s:?} contains white space or a control character"))
            }
            Some(_) => Ok(OsvId(s.to_owned())),
        }
    }
}

impl fmt::Display for OsvId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for OsvId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for OsvId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes() {
        for ok in ["GHSA-xxxx-yyyy-zzzz", "x_ACCORD-2026-0001", "SUSE-SU-2024:1234-1", "openSUSE-SU-2024:1"] {
            assert_eq!(ok.parse::<OsvId>().map(|i| i.to_string()), Ok(ok.to_owned()));
        }
        for bad in ["ACCORD-2026-0001", "GHSA", "GHSA-", "ghsa-1", "x_", "GHSA-a b", "SUSE-XU-1"] {
            assert!(bad.parse::<OsvId>().is_err(), "{bad}");
        }
    }
}
