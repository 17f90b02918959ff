//! The serde types of the part of a CVE JSON 5.1 record Accord writes: a published record with
//! its CNA container. Field names and order follow the schema; optional lists are left out when
//! empty, since the schema wants at least one item wherever a list is present.

use serde::{Deserialize, Serialize};

use super::{CveId, OrgId, ShortName};

/// A CVE record in the `PUBLISHED` state, with only a CNA container.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CveRecord {
    /// `dataType`: always `CVE_RECORD`.
    pub data_type: DataType,
    /// `dataVersion`: [`DATA_VERSION`](super::DATA_VERSION) when written by Accord.
    pub data_version: String,
    /// `cveMetadata`.
    pub cve_metadata: CveMetadata,
    /// `containers`.
    pub containers: Containers,
}

/// `dataType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DataType {
    /// `CVE_RECORD`.
    #[serde(rename = "CVE_RECORD")]
    CveRecord,
}

/// `cveMetadata.state`: Accord writes published records only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum State {
    /// `PUBLISHED`.
    #[serde(rename = "PUBLISHED")]
    Published,
}

/// `cveMetadata` of a published record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CveMetadata {
    /// `cveId`.
    pub cve_id: CveId,
    /// `assignerOrgId`.
    pub assigner_org_id: OrgId,
    /// `assignerShortName`.
    pub assigner_short_name: ShortName,
    /// `state`.
    pub state: State,
    /// `datePublished`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_published: Option<String>,
    /// `dateUpdated`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_updated: Option<String>,
}

/// `containers`: the CNA's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Containers {
    /// `cna`.
    pub cna: CnaContainer,
}

/// `containers.cna` of a published record. `descriptions`, `affected` and `references` are
/// required and hold at least one item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CnaContainer {
    /// `providerMetadata`.
    pub provider_metadata: ProviderMetadata,
    /// `title`: at most 256 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `descriptions`.
    pub descriptions: Vec<Description>,
    /// `affected`.
    pub affected: Vec<Product>,
    /// `problemTypes`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problem_types: Vec<ProblemType>,
    /// `references`: at most 512.
    pub references: Vec<Reference>,
    /// `metrics`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metrics: Vec<Metric>,
    /// `credits`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credits: Vec<Credit>,
    /// `datePublic`: when the vulnerability was made public.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_public: Option<String>,
}

/// `providerMetadata`: who wrote the container.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProviderMetadata {
    /// `orgId`.
    pub org_id: OrgId,
    /// `shortName`.
    pub short_name: ShortName,
    /// `dateUpdated`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_updated: Option<String>,
}

/// `descriptions[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Description {
    /// `lang`: `en` when Accord writes it.
    pub lang: String,
    /// `value`: 1 to 4,096 characters.
    pub value: String,
}

/// `affected[]`: a product, named by `vendor` and `product` or by `collectionURL` and
/// `packageName` (or both), with a `defaultStatus`, `versions`, or both.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Product {
    /// `vendor`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// `product`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// `collectionURL`: the package collection (registry) that gives `packageName` its meaning.
    #[serde(rename = "collectionURL", default, skip_serializing_if = "Option::is_none")]
    pub collection_url: Option<String>,
    /// `packageName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_name: Option<String>,
    /// `repo`: the source repository, which gives `git` versions their meaning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    /// `defaultStatus`: the status of every version `versions` does not cover.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_status: Option<Status>,
    /// `versions`: without repeats.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<VersionEntry>,
}

/// A version's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// `affected`.
    Affected,
    /// `unaffected`.
    Unaffected,
    /// `unknown`.
    Unknown,
}

/// `versions[]`: one version, or a range of them. The schema's four shapes are exactly these:
/// a single version (without or with its `versionType`), or a range with `versionType` and
/// one of `lessThan` and `lessThanOrEqual`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum VersionEntry {
    /// `{version, status, versionType, lessThan | lessThanOrEqual, changes?}`.
    Range(VersionRange),
    /// `{version, status}`.
    Single {
        /// `version`.
        version: String,
        /// `status`.
        status: Status,
    },
}

/// A range of versions: from `version` (included) to its [`Limit`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionRange {
    /// `version`: where the range starts (`0`: the earliest version).
    pub version: String,
    /// `status` of the range's versions (until a change).
    pub status: Status,
    /// `versionType`: how versions are ordered (`semver`, `git`, `python`, `maven`, …).
    pub version_type: String,
    /// `lessThan` or `lessThanOrEqual`.
    #[serde(flatten)]
    pub limit: Limit,
    /// `changes`: where the status changes inside the range.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Change>,
}

/// Where a range ends.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Limit {
    /// `lessThan`: up to this version, excluded (`*`: no end).
    #[serde(rename = "lessThan")]
    LessThan(String),
    /// `lessThanOrEqual`: up to this version, included.
    #[serde(rename = "lessThanOrEqual")]
    LessThanOrEqual(String),
}

/// `changes[]`: from `at` on, the range's versions have `status`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    /// `at`.
    pub at: String,
    /// `status`.
    pub status: Status,
}

/// `problemTypes[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProblemType {
    /// `descriptions`.
    pub descriptions: Vec<ProblemTypeDescription>,
}

/// `problemTypes[].descriptions[]`: here, always a CWE.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProblemTypeDescription {
    /// `lang`.
    pub lang: String,
    /// `cweId`: `CWE-` and a number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cwe_id: Option<String>,
    /// `description`.
    pub description: String,
    /// `type`: `CWE`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// `references[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// `url`: an RFC 3986 URI, at most 2,048 characters.
    pub url: String,
    /// `tags`, without repeats.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<ReferenceTag>,
}

/// The reference tags of the schema Accord writes (those an OSV reference type maps to).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReferenceTag {
    /// `patch`.
    Patch,
    /// `issue-tracking`.
    IssueTracking,
    /// `technical-description`.
    TechnicalDescription,
    /// `product`.
    Product,
    /// `signature`.
    Signature,
}

/// `metrics[]`: one CVSS score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Metric {
    /// `cvssV4_0`.
    #[serde(rename = "cvssV4_0")]
    CvssV40(Cvss),
    /// `cvssV3_1`.
    #[serde(rename = "cvssV3_1")]
    CvssV31(Cvss),
    /// `cvssV3_0`.
    #[serde(rename = "cvssV3_0")]
    CvssV30(Cvss),
}

/// The required part of a CVSS v3.x or v4.0 object: version, vector, base score and its
/// severity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Cvss {
    /// `version`: `3.0`, `3.1` or `4.0`.
    pub version: String,
    /// `vectorString`, normalised.
    pub vector_string: String,
    /// `baseScore`, with one decimal.
    pub base_score: f64,
    /// `baseSeverity`.
    pub base_severity: BaseSeverity,
}

/// `baseSeverity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
#[allow(missing_docs)]
pub enum BaseSeverity {
    None,
    Low,
    Medium,
    High,
    Critical,
}

/// `credits[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credit {
    /// `lang`.
    pub lang: String,
    /// `value`: the name.
    pub value: String,
    /// `type`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<CreditType>,
}

/// `credits[].type`, the schema's list (the same roles as OSV's credit types).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum CreditType {
    #[serde(rename = "finder")]
    Finder,
    #[serde(rename = "reporter")]
    Reporter,
    #[serde(rename = "analyst")]
    Analyst,
    #[serde(rename = "coordinator")]
    Coordinator,
    #[serde(rename = "remediation developer")]
    RemediationDeveloper,
    #[serde(rename = "remediation reviewer")]
    RemediationReviewer,
    #[serde(rename = "remediation verifier")]
    RemediationVerifier,
    #[serde(rename = "tool")]
    Tool,
    #[serde(rename = "sponsor")]
    Sponsor,
    #[serde(rename = "other")]
    Other,
}
