//! STIX 2.1 for Accord: object identifiers, timestamps, the catalogue of every STIX 2.1 object
//! type with its required properties, validation of one object as it arrives in an envelope,
//! and TLP markings (TLP 2.0 and the STIX 2.1 TLP 1.0 definitions).
//!
//! Objects are kept as the JSON text they arrived in (key order and all); validation reads
//! them once and returns what the server needs to index them ([`ObjectSummary`]).
//! No I/O, no clock.

pub mod catalogue;
pub mod envelope;
pub mod id;
pub mod timestamp;
pub mod tlp;
pub mod validate;

pub use catalogue::ObjectKind;
pub use envelope::{Envelope, EnvelopeError};
pub use id::StixId;
pub use timestamp::StixTimestamp;
pub use tlp::TlpLevel;
pub use validate::{ObjectSummary, Problem, RECIPIENTS_PROPERTY, validate_object};
