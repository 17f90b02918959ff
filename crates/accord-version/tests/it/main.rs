//! Integration tests of accord-version: osv-scanner's comparison vectors for every ecosystem.

mod vectors;
