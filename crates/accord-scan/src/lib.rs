//! Dependency scanning, without I/O: OSV advisories compiled into a compact database
//! ([`db`]), packages matched against it ([`scan`]), and what a scan writes: JSON and a table
//! ([`output`]), SARIF 2.1.0 ([`sarif`]) and CycloneDX 1.5 VEX ([`cyclonedx`]). Also the
//! package-list input ([`package_list`]) and ignored advisories ([`ignore`]).
//!
//! Version orders and range evaluation are `accord-version`'s; OSV records are read by
//! `accord-formats`; lockfiles by `accord-lockfile`. The SARIF and CycloneDX writers live here
//! because they write a scan's report, not an advisory.

#![warn(missing_docs)]

mod codec;
pub mod cyclonedx;
pub mod db;
pub mod ignore;
pub mod output;
pub mod package_list;
pub mod purl;
pub mod sarif;
pub mod scan;

pub use db::{Advisory, Database, DatabaseBuilder, DbError};
pub use output::{FileError, Located, Outcome};
pub use scan::{Finding, Query, Report, scan};

#[cfg(test)]
mod tests;
