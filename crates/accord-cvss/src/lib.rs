//! CVSS vectors for Accord: CVSS v3.1 and v4.0 vector strings, read strictly, printed in
//! normalised form, and scored as their specifications say. No I/O.
//!
//! ```
//! use accord_cvss::{Cvss, Severity};
//!
//! let v = Cvss::parse("CVSS:3.1/S:U/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H").unwrap();
//! assert_eq!(v.base_score(), 9.8);
//! assert_eq!(v.severity(), Severity::Critical);
//! assert_eq!(v.to_string(), "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
//! ```
//!
//! # What is accepted
//!
//! A vector string starts with `CVSS:3.1/`, `CVSS:3.0/` or `CVSS:4.0/` and lists `METRIC:VALUE`
//! components separated by `/`, exactly as the specifications spell them (upper-case metric
//! abbreviations and values; `Clear`, `Green`, `Amber`, `Red` for CVSS 4.0 Provider Urgency).
//! Every base metric must be present, exactly once; other metrics at most once; an unknown
//! metric or value is refused, and [`CvssError`] names the metric at fault. CVSS 3.x metrics may
//! come in any order; CVSS 4.0 fixes their order, and a vector out of order is refused.
//!
//! `CVSS:3.0` vectors are read and scored with the CVSS 3.1 rules (3.1 changed the
//! rounding and the Modified Impact formula of the environmental score; the metrics are the
//! same). They keep their `CVSS:3.0` prefix.
//!
//! The value `X` (Not Defined) of an optional metric means the same as leaving the metric out:
//! it is accepted, counts as not set, and the normalised vector omits it.
//!
//! # Scores
//!
//! * CVSS 3.x: [`Cvss::base_score`] is the Base score; [`Cvss::score`] is the Environmental
//!   score when any environmental metric is set, else the Temporal score when any temporal
//!   metric is set, else the Base score. Rounding is the specification's Roundup (Appendix A).
//! * CVSS 4.0: [`Cvss::score`] is the score of the vector as given, its name given by
//!   [`Cvss::nomenclature`] (CVSS-B, -BT, -BE or -BTE), computed with the MacroVector method of
//!   the specification; [`Cvss::base_score`] is the CVSS-B score, threat and environmental
//!   metrics left out. Supplemental metrics never change a score.
//!
//! [`Cvss::severity`] rates [`Cvss::score`]; [`Severity::of`] rates any score.
//!
//! Serde reads and writes a [`Cvss`] as its vector string (normalised on output).

mod catalogue;
mod error;
mod v3;
mod v4;
mod vector;

use std::fmt;
use std::str::FromStr;

pub use error::CvssError;

use catalogue::{Group, Metric};
use vector::Values;

/// A valid CVSS vector.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Cvss {
    version: Version,
    values: Values,
}

/// The CVSS version of a vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Version {
    /// CVSS 3.0, read and scored with the 3.1 rules.
    V3_0,
    V3_1,
    V4_0,
}

impl Version {
    fn catalogue(self) -> &'static [Metric] {
        match self {
            Self::V3_0 | Self::V3_1 => catalogue::V3,
            Self::V4_0 => catalogue::V4,
        }
    }

    fn fixed_order(self) -> bool {
        self == Self::V4_0
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::V3_0 => "3.0",
            Self::V3_1 => "3.1",
            Self::V4_0 => "4.0",
        })
    }
}

/// The qualitative severity rating scale, the same in CVSS v3.1 (section 5) and v4.0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// 0.0
    None,
    /// 0.1 – 3.9
    Low,
    /// 4.0 – 6.9
    Medium,
    /// 7.0 – 8.9
    High,
    /// 9.0 – 10.0
    Critical,
}

impl Severity {
    /// The rating of a score with one decimal.
    pub fn of(score: f64) -> Self {
        if score < 0.05 {
            Self::None
        } else if score < 3.95 {
            Self::Low
        } else if score < 6.95 {
            Self::Medium
        } else if score < 8.95 {
            Self::High
        } else {
            Self::Critical
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::None => "None",
            Self::Low => "Low",
            Self::Medium => "Medium",
            Self::High => "High",
            Self::Critical => "Critical",
        })
    }
}

/// The name of a CVSS 4.0 score, saying which metric groups went into it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Nomenclature {
    /// Base metrics only.
    CvssB,
    /// Base and threat metrics.
    CvssBT,
    /// Base and environmental metrics.
    CvssBE,
    /// Base, threat and environmental metrics.
    CvssBTE,
}

impl fmt::Display for Nomenclature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::CvssB => "CVSS-B",
            Self::CvssBT => "CVSS-BT",
            Self::CvssBE => "CVSS-BE",
            Self::CvssBTE => "CVSS-BTE",
        })
    }
}

impl Cvss {
    /// Reads a vector string strictly (see the crate documentation for the rules).
    pub fn parse(text: &str) -> Result<Self, CvssError> {
        let (version, values) = vector::parse(text)?;
        Ok(Self { version, values })
    }

    pub fn version(&self) -> Version {
        self.version
    }

    /// The value of the metric with abbreviation `key` (`"AV"`), if it is set; `X` counts as not
    /// set.
    pub fn get(&self, key: &str) -> Option<&'static str> {
        self.values.get(self.version, key)
    }

    /// The metrics that are set, as (abbreviation, value), in the specification's order.
    pub fn metrics(&self) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
        self.values.iter(self.version).map(|(metric, value)| (metric.key, value))
    }

    /// The Base score (CVSS 4.0: CVSS-B), with one decimal.
    pub fn base_score(&self) -> f64 {
        match self.version {
            Version::V3_0 | Version::V3_1 => v3::base_score(self),
            Version::V4_0 => v4::base_score(self),
        }
    }

    /// The score of the vector with all its metrics: for CVSS 3.x the Environmental score if
    /// any environmental metric is set, else the Temporal score if any temporal metric is set,
    /// else the Base score; for CVSS 4.0 the score named by [`Cvss::nomenclature`].
    pub fn score(&self) -> f64 {
        match self.version {
            Version::V3_0 | Version::V3_1 => {
                if self.has(Group::Environmental) {
                    v3::environmental_score(self)
                } else if self.has(Group::Temporal) {
                    v3::temporal_score(self)
                } else {
                    v3::base_score(self)
                }
            }
            Version::V4_0 => v4::score(self),
        }
    }

    /// The rating of [`Cvss::score`].
    pub fn severity(&self) -> Severity {
        Severity::of(self.score())
    }

    /// For a CVSS 4.0 vector, the name of [`Cvss::score`], saying which metric groups it
    /// includes; `None` for CVSS 3.x.
    pub fn nomenclature(&self) -> Option<Nomenclature> {
        if self.version != Version::V4_0 {
            return None;
        }
        Some(match (self.has(Group::Temporal), self.has(Group::Environmental)) {
            (false, false) => Nomenclature::CvssB,
            (true, false) => Nomenclature::CvssBT,
            (false, true) => Nomenclature::CvssBE,
            (true, true) => Nomenclature::CvssBTE,
        })
    }

    fn has(&self, group: Group) -> bool {
        self.values.any_in(self.version, group)
    }
}

/// The normalised vector string: the metrics that are set, in the specification's order.
impl fmt::Display for Cvss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        vector::write(f, self.version, &self.values, |_| true)
    }
}

impl FromStr for Cvss {
    type Err = CvssError;

    fn from_str(text: &str) -> Result<Self, CvssError> {
        Self::parse(text)
    }
}

impl serde::Serialize for Cvss {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Cvss {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}
