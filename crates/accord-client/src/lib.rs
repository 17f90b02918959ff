//! Accord's outbound network: pulling a remote TAXII 2.1 collection into a local one
//! ([`taxii_pull`]) and delivering notifications by signed webhook ([`webhook`]) and e-mail
//! ([`email`]), put together in [`notify::Deliveries`], and asking an OSV API which advisories
//! affect packages ([`osv_api`], for `accord scan --server`); it also asks the transparency
//! log's witnesses to cosign its checkpoints ([`log_witness`]). What is pulled is validated and stored
//! through `accord-app`, and what is sent comes from its outbox; this crate only speaks the
//! protocols.

pub mod email;
pub mod log_fetch;
pub mod log_witness;
pub mod notify;
pub mod osv_api;
pub mod taxii_fetch;
pub mod taxii_pull;
pub mod webhook;

pub use notify::Deliveries;
pub use taxii_pull::{PullError, PullOptions, PullSummary, RemoteAuth, pull};
