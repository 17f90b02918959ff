//! Integration tests of accord-formats: every real OSV record of the shared fixtures, the
//! official OSV JSON schema as an oracle for what is written, and bad inputs one rule at a time;
//! CVE JSON 5 records written from OSV records, checked against the official CVE schema.

mod csaf;
mod cve_schema;
mod osv_bad_inputs;
mod osv_fixtures;
