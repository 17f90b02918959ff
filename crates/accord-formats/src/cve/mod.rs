//! CVE records in the CVE JSON 5.1 format (<https://github.com/CVEProject/cve-schema>), as a CNA
//! publishes them: serde types for the part Accord writes ([`CveRecord`] and below), and
//! [`from_osv`], which writes an OSV record as the CNA container of one of its CVE ids.
//!
//! What [`from_osv`] writes, and from what:
//!
//! * `cveMetadata`: the CVE id, the [`Assigner`] (also `providerMetadata`), state `PUBLISHED`,
//!   `datePublished` from `published`, `dateUpdated` from `modified`.
//! * `title` from `summary` (cut to 256 characters, ending with `…`); `descriptions`: one, in
//!   English, `details` or else `summary` (cut to 4,096 characters).
//! * `affected`: one product per package. A package of an ecosystem with a well-known registry
//!   is named by `collectionURL` ([`collection_url`]) and `packageName`; any other by `vendor`
//!   (the OSV ecosystem, such as `Bitnami` or `Alpine:v3.20`, who distributes it under that
//!   name) and `product` (the package name). Entries without package, or of the `GIT`
//!   ecosystem, are named by their repository (`repo`, `vendor` and `product` from its path,
//!   `python/cpython`). `versions` come from the ranges (see `range_versions` in the source for
//!   every case: `introduced`→`fixed` is `{version, lessThan}`, →`last_affected` is
//!   `lessThanOrEqual`, open-ended is `lessThan: "*"`, `introduced: "0"` stays `0`) with the
//!   [`version_type`] of the range, and from the explicit `versions` list (single affected
//!   versions). `defaultStatus` is `unaffected` when there are versions, else `unknown`.
//! * `problemTypes`: the CWE ids of `database_specific.cwe_ids` (as GitHub's advisories have
//!   them), described by the id itself, since the record does not name them.
//! * `references`: the URLs, tagged where the OSV type means one of the schema's tags
//!   ([`reference_tag`]).
//! * `metrics`: `CVSS_V3` and `CVSS_V4` severities (of the record and of its packages), each
//!   vector read and scored by `accord-cvss` ([`metric`]): normalised vector, base score,
//!   base severity.
//! * `credits`: names, in English, with the same role ([`credit_type`]).
//!
//! Whatever the record holds, the result is valid for the CVE JSON 5.1.1 schema (the tests check
//! every shared real record): what the schema cannot hold is dropped, or stands in, as follows.
//!
//! * A URL that is not an RFC 3986 URI is repaired by percent-encoding where that keeps its
//!   meaning (spaces, non-ASCII characters), else dropped, as are URLs over 2,048
//!   characters and references past the 512th. Without any reference left, the record's page
//!   at cve.org stands in, since the CNA container must list one.
//! * Without any product that can be named, one `n/a`/`n/a` product with status `unknown`
//!   ([`unknown_product`]) stands in, since the container must list one.
//! * Without summary or details, the description says so and names the OSV id.
//! * Versions that are empty or over 1,024 characters, CVSS vectors `accord-cvss` refuses,
//!   `CVSS_V2` and `Ubuntu` severities, malformed CWE ids, credits without a name, and `GIT`
//!   ranges of a second repository of one package are left out.
//! * Dates the schema's `timestamp` pattern cannot express (before 1900, after 2999, such as
//!   the `0001-01-01T00:00:00Z` of some Go records) are left out.
//! * `limit: "*"` events say nothing and are ignored; another `limit` closes an open stretch.
//!
//! Withdrawn OSV records are written like others: the CVE program, not the CNA container,
//! rejects a CVE id.

mod from_osv;
mod ids;
mod record;
mod text;

pub use from_osv::{
    collection_url, credit_type, cve_ids, from_osv, metric, reference_tag, unknown_product, version_type,
};
pub use ids::{Assigner, CveId, OrgId, ShortName};
pub use record::{
    BaseSeverity, Change, CnaContainer, Containers, Credit, CreditType, CveMetadata, CveRecord, Cvss,
    DataType, Description, Limit, Metric, ProblemType, ProblemTypeDescription, Product, ProviderMetadata,
    Reference, ReferenceTag, State, Status, VersionEntry, VersionRange,
};

/// The `dataVersion` Accord writes: the records follow the 5.1 format (checked against the
/// 5.1.1 schema).
pub const DATA_VERSION: &str = "5.1";
