//! The storage interface of Accord and its back ends.
//!
//! [`Store`] is the contract; [`sqlite::SqliteStore`] is the embedded back end. Every method is
//! one unit of work: one transaction for writes, one consistent read for reads, run on a blocking
//! thread so that the async runtime is never held up by disk I/O. All SQL of the project lives in
//! this crate, and none of it is assembled from user input: values are always bound parameters.

pub mod advisories;
pub mod cvd;
mod error;
pub mod log;
pub mod outbox;
mod records;
pub mod sqlite;
pub mod witness;

pub use error::StoreError;
pub use records::{
    NewObjectVersion, ObjectFilter, ObjectReader, OrganizationKey, PullPoint, PullSource, PulledPage,
    PulledPageOutcome, RegistryCounts, RegistryEvent, RegistryWrite, SessionRecord, StoredObject, TokenInfo,
    TokenRecord, UserWithSecret, VersionChoice,
};

use accord_model::{
    AccordSignature, AccordVersion, AccordVersionNumber, Email, Organization, OrganizationId,
    OrganizationStatus, User, UserId,
};
use accord_taxii::{Access, ApiRoot, ApiRootName, Collection, CollectionId};
use jiff::Timestamp;

/// The documented contract every back end fulfils (see the conformance suite in `tests/it`).
#[async_trait::async_trait]
pub trait Store: Send + Sync + 'static {
    /// Applies every write in order in one transaction: all or nothing. Each registry change is
    /// recorded in the audit trail with `actor` (web-session bookkeeping is not). State rules (an invitation of a signatory, a withdrawal
    /// by a non-signatory, a second signature of the same version) answer
    /// [`StoreError::Conflict`]; a missing organisation, user or accord version answers
    /// [`StoreError::NotFound`].
    async fn write(&self, actor: &str, writes: Vec<RegistryWrite>) -> Result<(), StoreError> {
        self.write_logged(actor, writes, None).await.map(|_| ())
    }
    /// [`Store::write`], with the transparency log: the entries the writes append
    /// ([`log::LogWrite::Append`]) are hashed into the tree, and a new checkpoint signed with
    /// `log_signer` (whose key name is the log's origin) replaces the head by compare-and-swap
    /// on its size, all in the writes' transaction. Returns each appended entry with its
    /// receipt. Appending without `log_signer`, or with a key of another origin than the
    /// log's, or an entry of 0 or over 65,535 bytes, is a [`StoreError::Conflict`], and nothing
    /// is written. A back end may commit the writes of concurrent callers in one transaction
    /// (group commit): each caller's writes still apply all or nothing and are answered on
    /// their own, only after the commit, with receipts against the checkpoint of that commit.
    async fn write_logged(
        &self,
        actor: &str,
        writes: Vec<RegistryWrite>,
        log_signer: Option<std::sync::Arc<accord_tlog::NoteSigner>>,
    ) -> Result<Vec<log::Appended>, StoreError>;

    /// The log's head: size, root and signed checkpoint.
    async fn log_head(&self) -> Result<log::LogHead, StoreError>;
    /// The entries `start..end` of the log (fewer when the log is shorter).
    async fn log_entries(&self, start: u64, end: u64) -> Result<Vec<Vec<u8>>, StoreError>;
    /// Stored subtree hashes, in the order asked; a hash not stored (beyond the tree) is
    /// [`StoreError::NotFound`].
    async fn log_hashes(
        &self,
        nodes: Vec<accord_tlog::NodeIndex>,
    ) -> Result<Vec<accord_tlog::Hash>, StoreError>;
    /// The inclusion proof of entry `index` in the tree of `size` entries.
    async fn log_inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<accord_tlog::Hash>, StoreError>;
    /// The consistency proof between the trees of `old` and `new` entries.
    async fn log_consistency_proof(&self, old: u64, new: u64) -> Result<Vec<accord_tlog::Hash>, StoreError>;
    /// What the embargo commitment of a case was made of (sealed), if it is kept.
    async fn log_commitment(&self, case: accord_model::CaseId) -> Result<Option<String>, StoreError>;
    /// The latest cosignature kept of each witness, by witness key.
    async fn log_cosignatures(&self) -> Result<Vec<log::Cosignature>, StoreError>;
    /// Keeps a witness's cosignature in place of its previous one, unless that one is of a
    /// larger tree; answers whether it was kept. The caller has checked the signature.
    async fn keep_log_cosignature(&self, cosignature: log::Cosignature) -> Result<bool, StoreError>;

    /// True when the store holds no organisation and no accord version.
    async fn is_empty(&self) -> Result<bool, StoreError>;
    /// True when at least one user has the admin role.
    async fn has_admin(&self) -> Result<bool, StoreError>;
    async fn counts(&self) -> Result<RegistryCounts, StoreError>;

    async fn organization(&self, id: OrganizationId) -> Result<Option<Organization>, StoreError>;
    /// Organisations by name, optionally only those with one status.
    async fn organizations(
        &self,
        status: Option<OrganizationStatus>,
    ) -> Result<Vec<Organization>, StoreError>;
    /// Signatories in the order they signed (then by name).
    async fn signatories(&self) -> Result<Vec<Organization>, StoreError>;
    async fn organization_keys(&self, id: OrganizationId) -> Result<Vec<OrganizationKey>, StoreError>;
    async fn signatures(&self, id: OrganizationId) -> Result<Vec<AccordSignature>, StoreError>;

    async fn accord_latest(&self) -> Result<Option<AccordVersion>, StoreError>;
    async fn accord_version(&self, version: AccordVersionNumber)
    -> Result<Option<AccordVersion>, StoreError>;

    async fn user(&self, id: UserId) -> Result<Option<User>, StoreError>;
    async fn user_by_email(&self, email: &Email) -> Result<Option<UserWithSecret>, StoreError>;
    async fn users(&self, organization: Option<OrganizationId>) -> Result<Vec<User>, StoreError>;

    /// The token whose selector is given, with its user, unless revoked.
    async fn token(&self, selector: &str) -> Result<Option<TokenRecord>, StoreError>;
    /// Every token of a user, revoked ones included, oldest first.
    async fn tokens(&self, user: UserId) -> Result<Vec<TokenInfo>, StoreError>;
    /// The web session whose selector is given, with its user (expiry is checked by the caller).
    async fn session(&self, selector: &str) -> Result<Option<SessionRecord>, StoreError>;

    /// Every TAXII API root, by name.
    async fn api_roots(&self) -> Result<Vec<ApiRoot>, StoreError>;
    /// The collections of an API root (by title) with what `organization` may do with each
    /// (nothing for `None` or without a grant).
    async fn collections(
        &self,
        api_root: &ApiRootName,
        organization: Option<OrganizationId>,
    ) -> Result<Vec<(Collection, Access)>, StoreError>;
    /// The organisations granted access to a collection, with their access.
    async fn collection_grants(&self, id: &CollectionId)
    -> Result<Vec<(OrganizationId, Access)>, StoreError>;

    /// The object versions of a collection that `reader` may see under TLP and that match
    /// `filter`, after the row `after_seq`, oldest first, at most `limit`.
    async fn objects(
        &self,
        collection: &CollectionId,
        reader: ObjectReader,
        filter: &ObjectFilter,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<StoredObject>, StoreError>;

    /// Stores one page pulled from a remote TAXII collection in one transaction: its object
    /// versions (as [`RegistryWrite::AddObjects`] would, without a producing organisation; a
    /// version already stored is a duplicate, not an error) and, when given, the new resume point
    /// of the source, with an audit line. A missing local collection or user is `NotFound`.
    async fn add_pulled_page(&self, actor: &str, page: PulledPage) -> Result<PulledPageOutcome, StoreError>;
    /// Where the last pull of `source` stopped, if it ever stored a resume point.
    async fn pull_point(&self, source: &PullSource) -> Result<Option<PullPoint>, StoreError>;

    /// A TAXII status resource (JSON) with the API root and the user who created it.
    async fn status(&self, id: &str) -> Result<Option<(String, UserId, String)>, StoreError>;
    /// A server secret.
    async fn server_secret(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError>;

    /// The audit trail, newest first.
    async fn events(&self, limit: u32) -> Result<Vec<RegistryEvent>, StoreError>;

    /// A report by id.
    async fn cvd_report(&self, id: accord_model::ReportId) -> Result<Option<cvd::ReportRecord>, StoreError>;
    /// The report whose follow-up token has this selector, with the token's verifier.
    async fn cvd_report_by_followup(
        &self,
        selector: &str,
    ) -> Result<Option<(cvd::ReportRecord, Vec<u8>)>, StoreError>;
    /// Reports, oldest first, optionally of one status.
    async fn cvd_reports(
        &self,
        status: Option<accord_model::cvd::ReportStatus>,
    ) -> Result<Vec<cvd::ReportRecord>, StoreError>;
    /// A case by id, with its vendors and their statements (no visibility rule: callers check).
    async fn cvd_case(&self, id: accord_model::CaseId) -> Result<Option<cvd::CaseRecord>, StoreError>;
    /// The cases the reader may see, newest first; visibility is part of the query.
    async fn cvd_cases(&self, reader: cvd::CaseReader) -> Result<Vec<cvd::CaseRecord>, StoreError>;
    /// A case's history, oldest first.
    async fn cvd_case_events(
        &self,
        id: accord_model::CaseId,
    ) -> Result<Vec<cvd::CaseEventRecord>, StoreError>;
    /// The messages of one thread of a case (`case` or a vendor organisation's id).
    async fn cvd_messages(
        &self,
        id: accord_model::CaseId,
        thread: &str,
    ) -> Result<Vec<cvd::MessageRecord>, StoreError>;
    /// The attachments of a report (and its case), without content.
    async fn cvd_attachments(
        &self,
        report: accord_model::ReportId,
    ) -> Result<Vec<cvd::AttachmentRecord>, StoreError>;
    /// One attachment of a report with its sealed content.
    async fn cvd_attachment(
        &self,
        report: accord_model::ReportId,
        id: &str,
    ) -> Result<Option<(cvd::AttachmentRecord, Vec<u8>)>, StoreError>;
    /// A published advisory's case and document.
    async fn advisory(&self, id: &str) -> Result<Option<(accord_model::CaseId, String)>, StoreError>;
    /// Every advisory published from a case, as `(id, document)`, newest publication first.
    async fn published_advisories(&self) -> Result<Vec<(String, String)>, StoreError>;

    /// Imports OSV records in one transaction, all or nothing. A record whose id is not stored
    /// is added; one stored with the same document text is unchanged (nothing is written); one
    /// stored with another text is replaced, with its aliases and packages. A record repeated
    /// in `records` counts again against its earlier occurrence. An import that added or
    /// updated something has an audit line (`advisories.osv_imported`) with its counts. A
    /// record without id or document is a [`StoreError::Conflict`], and nothing is imported.
    async fn import_osv(
        &self,
        actor: &str,
        records: Vec<advisories::OsvImport>,
        at: Timestamp,
    ) -> Result<advisories::ImportCounts, StoreError>;
    /// [`Store::import_osv`] of records that keep arriving while the transaction is open (the
    /// reading of a large data set overlaps the writing). An `Err` from the stream rolls the
    /// import back and is answered as [`StoreError::Conflict`] with its message. The
    /// dictionary each record was compressed with ([`advisories::PreparedImport::new`]) is
    /// stored in the same transaction unless the store has it already.
    async fn import_osv_stream(
        &self,
        actor: &str,
        records: advisories::ImportStream,
        at: Timestamp,
    ) -> Result<advisories::ImportCounts, StoreError>;
    /// The dictionary the latest imports compressed their documents with, if any: an import
    /// uses it rather than training its own ([`advisories::OsvDictionary`]).
    async fn osv_dictionary(&self) -> Result<Option<advisories::OsvDictionary>, StoreError>;
    /// An imported record by id; failing that, the record (lowest id first) that has this alias.
    async fn osv_advisory(&self, id_or_alias: &str) -> Result<Option<advisories::OsvAdvisory>, StoreError>;
    /// Imported records matching `filter`, newest `modified` first then id descending, strictly
    /// after `after`, at most `limit`.
    async fn osv_advisories(
        &self,
        filter: &advisories::OsvFilter,
        after: Option<&advisories::OsvCursor>,
        limit: u32,
    ) -> Result<Vec<advisories::OsvSummary>, StoreError>;
    /// The `(id, document)` of every imported record affecting a package, by id. An ecosystem
    /// without release suffix (`Debian`) also matches its releases (`Debian:12`).
    async fn osv_by_package(&self, ecosystem: &str, name: &str) -> Result<Vec<(String, String)>, StoreError>;
    /// A page of imported records as `(id, document)`, by id, strictly after `after`.
    async fn osv_documents(
        &self,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<(String, String)>, StoreError>;
    /// Changes whenever an import adds or replaces a record (a counter the import increments),
    /// so that what was built from the records knows to build again.
    async fn osv_generation(&self) -> Result<String, StoreError>;

    /// Claims up to `limit` pending messages due at `now` (`next_attempt_at <= now`, oldest
    /// due first) for delivery: their `next_attempt_at` moves to `lease_until`, so that no
    /// other worker claims them while this one delivers; a worker that dies mid-delivery
    /// leaves them to be claimed again when the lease ends. Webhook messages come with their
    /// organisation's current webhook (and their `destination` is updated to its URL).
    async fn claim_notifications(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> Result<Vec<outbox::ClaimedMessage>, StoreError>;
    /// Records a successful delivery of a pending message. A message that is not pending
    /// (unknown, delivered or failed) is `NotFound`.
    async fn record_delivered(
        &self,
        id: accord_model::NotificationId,
        at: Timestamp,
    ) -> Result<(), StoreError>;
    /// Records a failed attempt with its error: the message is due again at `next_attempt_at`,
    /// or, when that is `None`, it is given up (`failed`). A message that is not pending is
    /// `NotFound`.
    async fn record_failed_attempt(
        &self,
        id: accord_model::NotificationId,
        error: &str,
        next_attempt_at: Option<Timestamp>,
    ) -> Result<(), StoreError>;
    /// Outbox messages, newest first, optionally in one state.
    async fn outbox(
        &self,
        state: Option<accord_model::notification::DeliveryState>,
        limit: u32,
    ) -> Result<Vec<outbox::OutboxMessage>, StoreError>;
    /// An organisation's webhook, without its secret.
    async fn organization_webhook(
        &self,
        organization: OrganizationId,
    ) -> Result<Option<outbox::WebhookRecord>, StoreError>;
}
