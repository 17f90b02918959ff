//! Advisory formats: their serde types, the rules their schemas state, and conversions to the
//! types Accord evaluates. No I/O, no clock.
//!
//! * [`osv`]: the Open Source Vulnerability format (schema 1.7), as imported from OSV data sets
//!   and exported for every advisory.

#![warn(missing_docs)]

pub mod csaf;
pub mod osv;
