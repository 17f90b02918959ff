//! Federation, the local half: pages of objects pulled from a remote TAXII collection are
//! validated exactly as add-objects validates them and stored, page by page, together with the
//! point the next pull resumes from. The HTTP half lives in `accord-client`.
//!
//! Pulled objects have no producing organisation: they are recorded as produced by the
//! administrator who pulls (the operator at the command line acts as the store's first
//! administrator), so provenance refuses any object that claims to be one of the accord's
//! organisations, as it would for that administrator posting it.

use accord_model::{Role, UserId};
use accord_store::{PullSource, PulledPage};
use accord_taxii::{Collection, CollectionId};
use jiff::Timestamp;

use crate::taxii_objects::{Identities, Ingest, ObjectFailure};
use crate::{App, AppError, Caller, permissions};

/// A pull under way: the local collection, the remote source and where it stands.
#[derive(Debug, Clone)]
pub struct TaxiiPull {
    source: PullSource,
    collection: Collection,
    producer: UserId,
    identities: Identities,
    resume_after: Option<Timestamp>,
}

impl TaxiiPull {
    /// The `added_after` to ask the remote server for: where the last stored page left off.
    pub fn resume_after(&self) -> Option<Timestamp> {
        self.resume_after
    }

    /// The local collection the objects go to.
    pub fn collection(&self) -> &Collection {
        &self.collection
    }
}

/// What storing one pulled page did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PulledPageReport {
    /// Objects in the page.
    pub received: usize,
    /// Versions that were new here.
    pub stored: usize,
    /// Versions the collection held already.
    pub duplicates: usize,
    /// Objects refused by validation or provenance, with the reason.
    pub failures: Vec<ObjectFailure>,
}

impl App {
    /// Prepares a pull of the remote collection `remote_collection` of the TAXII API root at
    /// `api_root_url` (the caller's normalised form of the URL: it keys the resume point) into
    /// the local collection `local_collection`, for an administrator or the operator.
    pub async fn start_pull(
        &self,
        caller: &Caller,
        local_collection: &str,
        api_root_url: &str,
        remote_collection: &str,
    ) -> Result<TaxiiPull, AppError> {
        permissions::pull_taxii(caller)?;
        let id: CollectionId = local_collection.parse().map_err(|_| AppError::NotFound("collection"))?;
        let mut found = None;
        for root in self.store.api_roots().await? {
            let listed = self.store.collections(&root.name, None).await?;
            if let Some((c, _)) = listed.into_iter().find(|(c, _)| c.id == id) {
                found = Some(c);
                break;
            }
        }
        let collection = found.ok_or(AppError::NotFound("collection"))?;
        let producer = match caller {
            Caller::User(u) if u.role == Role::Admin => u.id,
            _ => {
                let mut admins: Vec<_> =
                    self.store.users(None).await?.into_iter().filter(|u| u.role == Role::Admin).collect();
                admins.sort_by_key(|u| (u.created_at, u.id.to_string()));
                admins.first().map(|u| u.id).ok_or_else(|| {
                    AppError::Conflict(
                        "the store has no administrator to record as the producer of pulled objects".into(),
                    )
                })?
            }
        };
        let source = PullSource {
            collection: collection.id.clone(),
            api_root_url: api_root_url.to_owned(),
            remote_collection: remote_collection.to_owned(),
        };
        let resume_after = self.store.pull_point(&source).await?.map(|p| p.resume_after);
        let identities = self.identities().await?;
        Ok(TaxiiPull { source, collection, producer, identities, resume_after })
    }

    /// Validates and stores one pulled page (each object's JSON text), and with it, in the same
    /// transaction, `resume_after` as the point the next pull starts from (`None` keeps it).
    /// Invalid objects are reported, not stored; they do not stop the page.
    pub async fn store_pulled_page<'a>(
        &self,
        caller: &Caller,
        pull: &mut TaxiiPull,
        objects: impl IntoIterator<Item = &'a str>,
        resume_after: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<PulledPageReport, AppError> {
        permissions::pull_taxii(caller)?;
        let mut received = 0;
        // Pulled objects have no organisation: none may speak for one of ours. Recipients that
        // are not organisations here are dropped, which only narrows who reads.
        let ingest = Ingest {
            identities: &pull.identities,
            organization: None,
            default_tlp: pull.collection.default_tlp,
            sightings_only: false,
            strict_recipients: false,
        };
        let checked = ingest.check_all(objects.into_iter().inspect(|_| received += 1));
        let page = PulledPage {
            source: pull.source.clone(),
            producer_user: pull.producer,
            versions: checked.versions,
            resume_after,
            at: now,
        };
        let outcome = self.store.add_pulled_page(&caller.audit_name(), page).await?;
        if resume_after.is_some() {
            pull.resume_after = resume_after;
        }
        Ok(PulledPageReport {
            received,
            stored: outcome.stored,
            duplicates: outcome.duplicates,
            failures: checked.failures,
        })
    }
}
