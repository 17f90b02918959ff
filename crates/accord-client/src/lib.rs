//! Accord's outbound HTTP. Today: pulling a remote TAXII 2.1 collection into a local one
//! ([`taxii_pull`]). What is pulled is validated and stored through `accord-app`, like
//! everything else; this crate only speaks HTTP.

pub mod taxii_pull;

pub use taxii_pull::{PullError, PullOptions, PullSummary, RemoteAuth, pull};
