//! Integration tests of accord-version: osv-scanner's comparison vectors for every ecosystem,
//! property tests of each order, OSV range evaluation, errors, and a speed sanity check.

mod errors;
mod index;
mod properties;
mod ranges;
mod speed;
mod vectors;
