//! OSV records (schema 1.7, <https://ossf.github.io/osv-schema/>): serde types, the rules the
//! schema states, and the conversion of ranges to [`accord_version::Range`].
//!
//! [`parse_record`] reads one record and [`parse_records`] a file of them (one record, a JSON
//! list, or `{"vulns": [...]}` as the OSV API answers); every error names the JSON path of the
//! field at fault (`affected[0].ranges[1].events[0]: …`). A [`Record`] keeps its original text
//! ([`Record::original`]), which is what is stored and exported, and the typed fields keep
//! unknown properties (`other`) so that serializing a record loses nothing the schema defines
//! and nothing it does not know yet.
//!
//! What is checked: everything the official JSON schema says, with two documented exceptions.
//!
//! * `GIT` range events must be full 40- or 64-hex commit hashes in the schema. Published PyPA
//!   records use abbreviated hashes and `<sha>.patch` there; since a `GIT` event is never
//!   compared with a version, such records are accepted (their original text is kept as is).
//! * A property the schema does not define is kept rather than refused (the schema refuses
//!   them at the top level): a record written for a newer schema version must not stop an
//!   import. Event objects keep only their one event key.
//!
//! CVSS `score`s are checked for their version prefix (`CVSS:3.0/`, `CVSS:3.1/`, `CVSS:4.0/`),
//! not metric by metric as `accord-cvss` would: severity is informative here, and the schema's
//! own patterns accept vectors a strict parser refuses.

mod check;
mod id;
mod read;
mod record;
mod severity;
mod timestamp;

pub use id::{OsvId, PREFIXES};
pub use read::{OsvError, parse_record, parse_records};
pub use record::{
    Affected, Credit, CreditType, Event, Package, Range, RangeType, Record, Reference, ReferenceType,
    Severity, SeverityType,
};
pub use severity::{SeverityLevel, UnknownSeverity, highest_cvss, record_severity};
pub use timestamp::OsvTimestamp;

/// The OSV schema version these types follow, written in exports.
pub const SCHEMA_VERSION: &str = "1.7.0";
