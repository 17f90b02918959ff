//! The serde types of an OSV record, in the order the schema lists the fields.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::{OsvId, OsvTimestamp};

/// Properties a type does not define, kept as they came.
pub type Other = Map<String, Value>;

/// One OSV record. Lists the schema allows to be `null` read as empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// `schema_version`, when the record states it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_version: Option<String>,
    /// `id`.
    pub id: OsvId,
    /// `modified`.
    pub modified: OsvTimestamp,
    /// `published`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<OsvTimestamp>,
    /// `withdrawn`: the record should no longer be used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<OsvTimestamp>,
    /// `aliases`: ids of the same vulnerability in other databases (CVE, GHSA, …).
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// `upstream`: ids this record derives from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub upstream: Vec<String>,
    /// `related`: ids of related but different vulnerabilities.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<String>,
    /// `summary`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// `details` (CommonMark).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
    /// `severity` of the whole record (then no `affected` entry has one).
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Vec::is_empty")]
    pub severity: Vec<Severity>,
    /// `affected`.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Vec::is_empty")]
    pub affected: Vec<Affected>,
    /// `references`.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
    /// `credits`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credits: Vec<Credit>,
    /// `database_specific`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_specific: Option<Map<String, Value>>,
    /// Properties the schema does not define.
    #[serde(flatten)]
    pub other: Other,
    /// The JSON text the record was read from (empty for a record built in code).
    #[serde(skip)]
    pub(super) original: String,
}

/// `severity[]`: a score in one of the schema's systems.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Severity {
    /// `type`.
    #[serde(rename = "type")]
    pub kind: SeverityType,
    /// `score`: a CVSS vector, or an Ubuntu priority.
    pub score: String,
    /// Properties the schema does not define.
    #[serde(flatten)]
    pub other: Other,
}

/// `severity[].type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SeverityType {
    /// `CVSS_V2`.
    #[serde(rename = "CVSS_V2")]
    CvssV2,
    /// `CVSS_V3` (3.0 or 3.1).
    #[serde(rename = "CVSS_V3")]
    CvssV3,
    /// `CVSS_V4`.
    #[serde(rename = "CVSS_V4")]
    CvssV4,
    /// `Ubuntu`: negligible, low, medium, high or critical.
    Ubuntu,
}

/// `affected[]`: one package (or, without `package`, a product named elsewhere) and its
/// affected versions.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Affected {
    /// `package`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<Package>,
    /// `severity` of this package.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Vec::is_empty")]
    pub severity: Vec<Severity>,
    /// `ranges`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<Range>,
    /// `versions`: affected versions, listed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
    /// `ecosystem_specific`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecosystem_specific: Option<Map<String, Value>>,
    /// `database_specific`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_specific: Option<Map<String, Value>>,
    /// Properties the schema does not define.
    #[serde(flatten)]
    pub other: Other,
}

/// `affected[].package`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    /// `ecosystem`, with its release suffix when it has one (`Debian:12`).
    pub ecosystem: String,
    /// `name`, as the ecosystem spells it.
    pub name: String,
    /// `purl`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
    /// Properties the schema does not define.
    #[serde(flatten)]
    pub other: Other,
}

/// `affected[].ranges[]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Range {
    /// `type`.
    #[serde(rename = "type")]
    pub kind: RangeType,
    /// `repo`: the repository of a `GIT` range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    /// `events`.
    pub events: Vec<Event>,
    /// `database_specific`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_specific: Option<Map<String, Value>>,
    /// Properties the schema does not define.
    #[serde(flatten)]
    pub other: Other,
}

/// `affected[].ranges[].type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RangeType {
    /// `GIT`: events are commits of `repo`.
    Git,
    /// `SEMVER`: SemVer 2.0 versions.
    Semver,
    /// `ECOSYSTEM`: versions in the package ecosystem's order.
    Ecosystem,
}

/// `affected[].ranges[].events[]`: an object with exactly one of the four keys.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "EventObject", into = "EventObject")]
pub enum Event {
    /// `introduced`.
    Introduced(String),
    /// `fixed`.
    Fixed(String),
    /// `last_affected`.
    LastAffected(String),
    /// `limit`.
    Limit(String),
}

impl Event {
    /// The event's version (or commit).
    pub fn version(&self) -> &str {
        match self {
            Event::Introduced(v) | Event::Fixed(v) | Event::LastAffected(v) | Event::Limit(v) => v,
        }
    }
}

#[derive(Serialize, Deserialize)]
struct EventObject {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    introduced: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fixed: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_affected: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    limit: Option<String>,
}

impl TryFrom<EventObject> for Event {
    type Error = &'static str;

    fn try_from(o: EventObject) -> Result<Self, Self::Error> {
        match (o.introduced, o.fixed, o.last_affected, o.limit) {
            (Some(v), None, None, None) => Ok(Event::Introduced(v)),
            (None, Some(v), None, None) => Ok(Event::Fixed(v)),
            (None, None, Some(v), None) => Ok(Event::LastAffected(v)),
            (None, None, None, Some(v)) => Ok(Event::Limit(v)),
            _ => Err("an event has exactly one of introduced, fixed, last_affected or limit"),
        }
    }
}

impl From<Event> for EventObject {
    fn from(e: Event) -> Self {
        let mut o = EventObject { introduced: None, fixed: None, last_affected: None, limit: None };
        match e {
            Event::Introduced(v) => o.introduced = Some(v),
            Event::Fixed(v) => o.fixed = Some(v),
            Event::LastAffected(v) => o.last_affected = Some(v),
            Event::Limit(v) => o.limit = Some(v),
        }
        o
    }
}

/// `references[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    /// `type`.
    #[serde(rename = "type")]
    pub kind: ReferenceType,
    /// `url`.
    pub url: String,
    /// Properties the schema does not define.
    #[serde(flatten)]
    pub other: Other,
}

/// `references[].type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(missing_docs)]
pub enum ReferenceType {
    Advisory,
    Article,
    Detection,
    Discussion,
    Report,
    Fix,
    Introduced,
    Git,
    Package,
    Evidence,
    Web,
}

/// `credits[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credit {
    /// `name`.
    pub name: String,
    /// `contact`: URLs, e-mail addresses, handles.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contact: Vec<String>,
    /// `type`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<CreditType>,
    /// Properties the schema does not define.
    #[serde(flatten)]
    pub other: Other,
}

/// `credits[].type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(missing_docs)]
pub enum CreditType {
    Finder,
    Reporter,
    Analyst,
    Coordinator,
    RemediationDeveloper,
    RemediationReviewer,
    RemediationVerifier,
    Tool,
    Sponsor,
    Other,
}

/// Reads a list the schema allows to be `null` as empty.
fn nullable<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

impl Record {
    /// The JSON text the record was read from; empty for a record built in code.
    pub fn original(&self) -> &str {
        &self.original
    }

    /// The record as JSON: its original text when it was read from one, else its serialization.
    pub fn to_json(&self) -> String {
        if self.original.is_empty() {
            serde_json::to_string(self).expect("a record always serializes")
        } else {
            self.original.clone()
        }
    }

    /// The `(ecosystem, name)` of every affected package, without repeats, in order.
    pub fn packages(&self) -> Vec<(&str, &str)> {
        let mut seen: Vec<(&str, &str)> = Vec::new();
        for p in self.affected.iter().filter_map(|a| a.package.as_ref()) {
            let key = (p.ecosystem.as_str(), p.name.as_str());
            if !seen.contains(&key) {
                seen.push(key);
            }
        }
        seen
    }
}

impl Affected {
    /// The package's ecosystem as `accord-version` knows it (`None` without a package or for
    /// an ecosystem it has no entry for, such as `GIT`).
    pub fn ecosystem(&self) -> Option<accord_version::Ecosystem> {
        self.package.as_ref()?.ecosystem.parse().ok()
    }

    /// The entry's ranges as `accord-version` evaluates them.
    pub fn version_ranges(&self) -> Vec<accord_version::Range> {
        self.ranges.iter().map(Range::to_version_range).collect()
    }
}

impl Range {
    /// The range as `accord-version` evaluates it.
    pub fn to_version_range(&self) -> accord_version::Range {
        use accord_version::{Event as V, RangeKind};
        accord_version::Range {
            kind: match self.kind {
                RangeType::Git => RangeKind::Git,
                RangeType::Semver => RangeKind::Semver,
                RangeType::Ecosystem => RangeKind::Ecosystem,
            },
            events: self
                .events
                .iter()
                .map(|e| match e {
                    Event::Introduced(v) => V::Introduced(v.clone()),
                    Event::Fixed(v) => V::Fixed(v.clone()),
                    Event::LastAffected(v) => V::LastAffected(v.clone()),
                    Event::Limit(v) => V::Limit(v.clone()),
                })
                .collect(),
        }
    }
}
