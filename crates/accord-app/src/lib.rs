//! The use cases of Accord, shared by the HTTP server and the command line.
//!
//! Every operation takes the [`Caller`] and checks what it may do before it touches the store;
//! this crate is the only way to the store for the layers above it.

mod accounts;
pub mod advisories;
pub mod advisory_cve;
pub mod advisory_detail;
pub mod advisory_filters;
mod caller;
pub mod csaf;
mod cvd;
pub mod demo;
mod error;
pub mod log;
pub mod log_witnesses;
mod notifications;
pub mod osv_query;
mod permissions;
mod random;
mod registry;
mod taxii;
mod taxii_objects;
mod taxii_pull;
pub mod witness;

use std::sync::Arc;

use accord_store::Store;
use accord_store::sqlite::SqliteStore;

pub use accord_model as model;
pub use accord_stix as stix;
pub use accord_store::StoredObject;
pub use accord_store::{OrganizationKey, RegistryCounts, RegistryEvent, TokenInfo};
pub use accord_taxii as taxii_protocol;
pub use accounts::{Bootstrap, LoginOutcome, NewUserRequest, WebSession};
pub use caller::Caller;
pub use cvd::{
    AdvisoryDetails, AttachmentView, CaseEventView, CaseView, Credit, MessageView, NewReport, ProductView,
    Reference, ReportContent, ReportView, ScoreView, Thread, VendorView, limits as cvd_limits,
};
pub use error::AppError;
pub use notifications::{
    DeliveryRound, DeliveryTarget, NotificationSender, OutboxMessage, OutboxSettings, OutgoingMessage,
    WebhookRecord, WebhookRequest,
};
pub use registry::{NewOrganizationRequest, OrganizationDetail, SignatureRequest};
pub use taxii::NewCollectionRequest;
pub use taxii_objects::{ObjectDetail, ObjectFailure, ObjectsPage, ObjectsRequest, PAGE_MAX, stix_identity};
pub use taxii_pull::{PulledPageReport, TaxiiPull};

/// Where the store lives.
#[derive(Debug, Clone)]
pub enum StoreLocation {
    /// Embedded SQLite in this folder.
    Sqlite(std::path::PathBuf),
}

/// The application: the store plus the rules. Cheap to clone.
#[derive(Clone)]
pub struct App {
    store: Arc<dyn Store>,
    /// The TAXII cursor key, read (or made) once.
    cursor_key: Arc<std::sync::OnceLock<accord_taxii::CursorKey>>,
    /// Seals and opens confidential case text; kept outside the store.
    sealing_key: Option<Arc<accord_model::seal::SealingKey>>,
    /// Days from a report to its default embargo deadline.
    embargo_days: i64,
    /// Delivery and retry settings of the notification outbox.
    outbox: Arc<notifications::OutboxSettings>,
    /// Wakes the delivery worker when a change enqueued messages.
    outbox_signal: Arc<tokio::sync::Notify>,
    /// The OSV query API's index of the imported advisories, built when first needed.
    osv_index: Arc<osv_query::OsvIndexCache>,
    /// The CSAF provider's publisher and signing key.
    csaf_settings: Arc<csaf::CsafSettings>,
    /// The CSAF provider's list of documents, built when first needed.
    csaf_cache: Arc<csaf::CsafCache>,
    /// The CNA that CVE records name (`advisory_cve`).
    cve_assigner: Arc<accord_formats::cve::Assigner>,
    /// Signs the transparency log's checkpoints; kept outside the store.
    log_signer: Option<Arc<accord_tlog::NoteSigner>>,
    /// The witnesses the log asks for cosignatures, and their quorum.
    log_witnesses: Arc<log_witnesses::LogWitnesses>,
    /// Wakes the witness collector when an entry was appended.
    log_signal: Arc<tokio::sync::Notify>,
    /// The URL the server is reached at (`--public-url`), without a trailing `/`: the base of
    /// the CSAF documents whose SHA-256 a publication logs.
    public_url: Option<Arc<str>>,
}

/// A fresh key for [`App::with_sealing_key`], as 64 hexadecimal digits.
pub fn new_sealing_key_hex() -> Result<String, AppError> {
    Ok(hex::encode(random::bytes::<32>()?))
}

impl App {
    /// Opens the store (creating and migrating it if needed).
    pub fn open(location: &StoreLocation) -> Result<Self, AppError> {
        let store: Arc<dyn Store> = match location {
            StoreLocation::Sqlite(dir) => Arc::new(SqliteStore::open(dir)?),
        };
        Ok(Self {
            store,
            cursor_key: Arc::default(),
            sealing_key: None,
            embargo_days: accord_model::cvd::DEFAULT_EMBARGO_DAYS,
            outbox: Arc::default(),
            outbox_signal: Arc::default(),
            osv_index: Arc::default(),
            csaf_settings: Arc::default(),
            csaf_cache: Arc::default(),
            cve_assigner: Arc::new(advisory_cve::default_cve_assigner()),
            log_signer: None,
            log_witnesses: Arc::default(),
            log_signal: Arc::default(),
            public_url: None,
        })
    }

    /// Days from a report to its default embargo deadline.
    pub fn with_embargo_days(mut self, days: i64) -> Self {
        self.embargo_days = days;
        self
    }

    /// The key that seals confidential case text (coordinated disclosure needs one).
    pub fn with_sealing_key(mut self, key: accord_model::seal::SealingKey) -> Self {
        self.sealing_key = Some(Arc::new(key));
        self
    }

    /// The URL the server is reached at: documents whose text names it (CSAF) are logged as
    /// served there. Without it, as served to a request for `http://localhost`.
    pub fn with_public_url(mut self, url: &str) -> Self {
        self.public_url = Some(Arc::from(url.trim().trim_end_matches('/')));
        self
    }

    /// Whether the store is alive (for `/healthz`).
    pub async fn health(&self) -> Result<(), AppError> {
        self.store.counts().await?;
        Ok(())
    }
}
