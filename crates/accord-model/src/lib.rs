//! Domain types and rules of the accord registry.
//!
//! This crate does no I/O, has no clock and draws no random numbers: callers pass the current
//! time, new identifiers and random bytes in, so every rule here is deterministic and easy to test.

pub mod accord;
pub mod cvd;
pub mod error;
pub mod ids;
pub mod notification;
pub mod organization;
pub mod password;
pub mod refusal;
pub mod seal;
pub mod signature;
pub mod time;
pub mod token;
pub mod user;

pub use accord::{AccordText, AccordVersion, AccordVersionNumber};
pub use error::ValidationError;
pub use ids::{CaseId, NotificationId, OrganizationId, ReportId, UserId};
pub use organization::{
    NewOrganization, Organization, OrganizationKind, OrganizationStatus, SecurityContact,
};
pub use refusal::Refusal;
pub use signature::{AccordSignature, PublicKey, SignatureError, SignatureValue};
pub use token::{ApiToken, TokenDigest};
pub use user::{Email, NewUser, Role, User};
