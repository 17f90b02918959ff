//! Hunting STIX 2.1 indicators in logs. No I/O, no clock: the caller reads the files and says
//! what time it is.
//!
//! - [`indicator::load`] takes the `indicator`s of STIX objects that hold a STIX pattern and
//!   are valid now (`valid_from`, `valid_until`, `revoked`, latest version).
//! - [`Hunter::new`] compiles them all into one matcher (see [`hunter`]).
//! - [`read`] turns log lines (JSON lines with Elastic Common Schema names, text, CSV, syslog,
//!   access logs) into [`Event`]s — STIX property values with a line and a time — and checks
//!   each one.

pub mod event;
pub mod field;
pub mod hunter;
pub mod indicator;
mod par;
pub mod read;
#[cfg(test)]
mod reference;
mod text;

pub use crate::event::Event;
pub use crate::field::{Fields, MappingError};
pub use crate::hunter::{Hit, Hunter, Kept, Scratch, Stats};
pub use crate::indicator::{Indicator, Loaded, Skipped};
pub use crate::read::{Context, Format, Outcome, ReadError};
