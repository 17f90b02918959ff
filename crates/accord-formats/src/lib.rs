//! Advisory formats: their serde types, the rules their schemas state, and conversions to the
//! types Accord evaluates. No I/O, no clock.
//!
//! * [`osv`]: the Open Source Vulnerability format (schema 1.7), as imported from OSV data sets
//!   and exported for every advisory.
//! * [`cve`]: CVE JSON 5.1 records (the CNA container), written from OSV records.

#![warn(missing_docs)]

pub mod csaf;
pub mod cve;
pub mod osv;
