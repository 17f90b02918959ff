//! Reads. Each method is one statement (or one read transaction) on a pooled connection.

use accord_model::{
    AccordSignature, AccordVersion, AccordVersionNumber, Email, Organization, OrganizationId,
    OrganizationStatus, User, UserId,
};
use accord_taxii::{Access, ApiRoot, ApiRootName, Collection, CollectionId};
use rusqlite::OptionalExtension;
use std::sync::Arc;

use super::rows::{self, ACCORD_COLUMNS, ORGANIZATION_COLUMNS, SIGNATURE_COLUMNS, USER_COLUMNS};
use super::{SqliteStore, backend};
use crate::{
    ObjectFilter, ObjectReader, OrganizationKey, PullPoint, PullSource, PulledPage, PulledPageOutcome,
    RegistryCounts, RegistryEvent, RegistryWrite, SessionRecord, Store, StoreError, StoredObject, TokenInfo,
    TokenRecord, UserWithSecret,
};

#[async_trait::async_trait]
impl Store for SqliteStore {
    async fn write_logged(
        &self,
        actor: &str,
        writes: Vec<RegistryWrite>,
        log_signer: Option<std::sync::Arc<accord_tlog::NoteSigner>>,
    ) -> Result<Vec<crate::log::Appended>, StoreError> {
        self.write_batched(actor, writes, log_signer).await
    }

    async fn log_head(&self) -> Result<crate::log::LogHead, StoreError> {
        self.with_reader(super::log::head).await
    }

    async fn log_entries(&self, start: u64, end: u64) -> Result<Vec<Vec<u8>>, StoreError> {
        self.with_reader(move |c| super::log::entries(c, start, end)).await
    }

    async fn log_hashes(
        &self,
        nodes: Vec<accord_tlog::NodeIndex>,
    ) -> Result<Vec<accord_tlog::Hash>, StoreError> {
        self.with_reader(move |c| super::log::hashes(c, &nodes)).await
    }

    async fn log_inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<accord_tlog::Hash>, StoreError> {
        let upper = self.inner.log_upper.clone();
        self.with_log_reader(move |c| {
            super::read_transaction(c, |c| super::log::inclusion_proof(c, &upper, index, size))
        })
        .await
    }

    async fn log_consistency_proof(&self, old: u64, new: u64) -> Result<Vec<accord_tlog::Hash>, StoreError> {
        let upper = self.inner.log_upper.clone();
        self.with_log_reader(move |c| {
            super::read_transaction(c, |c| super::log::consistency_proof(c, &upper, old, new))
        })
        .await
    }

    async fn log_commitment(&self, case: accord_model::CaseId) -> Result<Option<String>, StoreError> {
        self.with_reader(move |c| super::log::commitment(c, case)).await
    }

    async fn log_cosignatures(&self) -> Result<Vec<crate::log::Cosignature>, StoreError> {
        self.with_reader(super::log::cosignatures).await
    }

    async fn keep_log_cosignature(&self, cosignature: crate::log::Cosignature) -> Result<bool, StoreError> {
        self.with_writer(move |c| super::log::keep_cosignature(c, &cosignature)).await
    }

    async fn is_empty(&self) -> Result<bool, StoreError> {
        self.with_reader(|c| {
            c.query_row(
                "SELECT NOT EXISTS (SELECT 1 FROM organizations)
                    AND NOT EXISTS (SELECT 1 FROM accord_versions)",
                [],
                |r| r.get(0),
            )
            .map_err(backend)
        })
        .await
    }

    async fn has_admin(&self) -> Result<bool, StoreError> {
        self.with_reader(|c| {
            c.query_row("SELECT EXISTS (SELECT 1 FROM users WHERE role = 'admin')", [], |r| r.get(0))
                .map_err(backend)
        })
        .await
    }

    async fn counts(&self) -> Result<RegistryCounts, StoreError> {
        self.with_reader(|c| {
            let mut counts = RegistryCounts::default();
            let mut stmt = c
                .prepare_cached("SELECT status, COUNT(*) FROM organizations GROUP BY status")
                .map_err(backend)?;
            let rows = stmt
                .query_map([], |r| Ok((rows::parsed::<OrganizationStatus>(r, 0)?, r.get::<_, i64>(1)?)))
                .map_err(backend)?;
            for row in rows {
                let (status, n) = row.map_err(backend)?;
                let n = u64::try_from(n).unwrap_or(0);
                match status {
                    OrganizationStatus::Signatory => counts.signatory = n,
                    OrganizationStatus::Invited => counts.invited = n,
                    OrganizationStatus::Withdrawn => counts.withdrawn = n,
                    OrganizationStatus::NotInvited => counts.not_invited = n,
                }
            }
            let users: i64 = c.query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0)).map_err(backend)?;
            counts.users = u64::try_from(users).unwrap_or(0);
            Ok(counts)
        })
        .await
    }

    async fn organization(&self, id: OrganizationId) -> Result<Option<Organization>, StoreError> {
        self.with_reader(move |c| {
            c.prepare_cached(&format!("SELECT {ORGANIZATION_COLUMNS} FROM organizations WHERE id = $1"))
                .and_then(|mut s| s.query_row([id.to_string()], rows::organization).optional())
                .map_err(backend)
        })
        .await
    }

    async fn organizations(
        &self,
        status: Option<OrganizationStatus>,
    ) -> Result<Vec<Organization>, StoreError> {
        self.with_reader(move |c| {
            let mut stmt = c
                .prepare_cached(&format!(
                    "SELECT {ORGANIZATION_COLUMNS} FROM organizations
                     WHERE $1 IS NULL OR status = $1
                     ORDER BY name COLLATE NOCASE, id"
                ))
                .map_err(backend)?;
            let rows = stmt.query_map([status.map(|s| s.as_str())], rows::organization).map_err(backend)?;
            rows.collect::<Result<_, _>>().map_err(backend)
        })
        .await
    }

    async fn signatories(&self) -> Result<Vec<Organization>, StoreError> {
        self.with_reader(move |c| {
            let mut stmt = c
                .prepare_cached(&format!(
                    "SELECT {ORGANIZATION_COLUMNS} FROM organizations
                     WHERE status = 'signatory'
                     ORDER BY signed_at, name COLLATE NOCASE, id"
                ))
                .map_err(backend)?;
            let rows = stmt.query_map([], rows::organization).map_err(backend)?;
            rows.collect::<Result<_, _>>().map_err(backend)
        })
        .await
    }

    async fn organization_keys(&self, id: OrganizationId) -> Result<Vec<OrganizationKey>, StoreError> {
        self.with_reader(move |c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT public_key, fingerprint, added_at, revoked_at FROM organization_keys
                     WHERE organization_id = $1 ORDER BY added_at, public_key",
                )
                .map_err(backend)?;
            let rows = stmt
                .query_map([id.to_string()], |r| {
                    Ok(OrganizationKey {
                        public_key: rows::parsed(r, 0)?,
                        fingerprint: r.get(1)?,
                        added_at: rows::ts(r, 2)?,
                        revoked_at: rows::ts_opt(r, 3)?,
                    })
                })
                .map_err(backend)?;
            rows.collect::<Result<_, _>>().map_err(backend)
        })
        .await
    }

    async fn signatures(&self, id: OrganizationId) -> Result<Vec<AccordSignature>, StoreError> {
        self.with_reader(move |c| {
            let mut stmt = c
                .prepare_cached(&format!(
                    "SELECT {SIGNATURE_COLUMNS} FROM accord_signatures
                     WHERE organization_id = $1 ORDER BY version"
                ))
                .map_err(backend)?;
            let rows = stmt.query_map([id.to_string()], rows::signature).map_err(backend)?;
            rows.collect::<Result<_, _>>().map_err(backend)
        })
        .await
    }

    async fn accord_latest(&self) -> Result<Option<AccordVersion>, StoreError> {
        self.with_reader(move |c| {
            c.prepare_cached(&format!(
                "SELECT {ACCORD_COLUMNS} FROM accord_versions ORDER BY version DESC LIMIT 1"
            ))
            .and_then(|mut s| s.query_row([], rows::accord_version).optional())
            .map_err(backend)
        })
        .await
    }

    async fn accord_version(
        &self,
        version: AccordVersionNumber,
    ) -> Result<Option<AccordVersion>, StoreError> {
        self.with_reader(move |c| {
            c.prepare_cached(&format!("SELECT {ACCORD_COLUMNS} FROM accord_versions WHERE version = $1"))
                .and_then(|mut s| s.query_row([version.get()], rows::accord_version).optional())
                .map_err(backend)
        })
        .await
    }

    async fn user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        self.with_reader(move |c| {
            c.prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1"))
                .and_then(|mut s| s.query_row([id.to_string()], rows::user).optional())
                .map_err(backend)
        })
        .await
    }

    async fn user_by_email(&self, email: &Email) -> Result<Option<UserWithSecret>, StoreError> {
        let email = email.as_str().to_owned();
        self.with_reader(move |c| {
            c.prepare_cached(&format!(
                "SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.email = $1"
            ))
            .and_then(|mut s| {
                s.query_row([email], |r| {
                    Ok(UserWithSecret { user: rows::user(r)?, password_hash: r.get(6)? })
                })
                .optional()
            })
            .map_err(backend)
        })
        .await
    }

    async fn users(&self, organization: Option<OrganizationId>) -> Result<Vec<User>, StoreError> {
        self.with_reader(move |c| {
            let mut stmt = c
                .prepare_cached(&format!(
                    "SELECT {USER_COLUMNS} FROM users u
                     WHERE $1 IS NULL OR u.organization_id = $1 ORDER BY u.email"
                ))
                .map_err(backend)?;
            let rows = stmt.query_map([organization.map(|o| o.to_string())], rows::user).map_err(backend)?;
            rows.collect::<Result<_, _>>().map_err(backend)
        })
        .await
    }

    async fn token(&self, selector: &str) -> Result<Option<TokenRecord>, StoreError> {
        let selector = selector.to_owned();
        self.with_reader(move |c| {
            c.prepare_cached(&format!(
                "SELECT {USER_COLUMNS}, t.verifier FROM api_tokens t JOIN users u ON u.id = t.user_id
                 WHERE t.selector = $1 AND t.revoked_at IS NULL"
            ))
            .and_then(|mut s| {
                s.query_row([selector], |r| Ok(TokenRecord { user: rows::user(r)?, verifier: r.get(6)? }))
                    .optional()
            })
            .map_err(backend)
        })
        .await
    }

    async fn tokens(&self, user: UserId) -> Result<Vec<TokenInfo>, StoreError> {
        self.with_reader(move |c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT selector, name, created_at, revoked_at FROM api_tokens
                     WHERE user_id = $1 ORDER BY created_at, selector",
                )
                .map_err(backend)?;
            let rows = stmt
                .query_map([user.to_string()], |r| {
                    Ok(TokenInfo {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        created_at: rows::ts(r, 2)?,
                        revoked_at: rows::ts_opt(r, 3)?,
                    })
                })
                .map_err(backend)?;
            rows.collect::<Result<_, _>>().map_err(backend)
        })
        .await
    }

    async fn session(&self, selector: &str) -> Result<Option<SessionRecord>, StoreError> {
        let selector = selector.to_owned();
        self.with_reader(move |c| {
            c.prepare_cached(&format!(
                "SELECT {USER_COLUMNS}, s.verifier, s.expires_at
                 FROM web_sessions s JOIN users u ON u.id = s.user_id WHERE s.selector = $1"
            ))
            .and_then(|mut s| {
                s.query_row([selector], |r| {
                    Ok(SessionRecord {
                        user: rows::user(r)?,
                        verifier: r.get(6)?,
                        expires_at: rows::ts(r, 7)?,
                    })
                })
                .optional()
            })
            .map_err(backend)
        })
        .await
    }

    async fn api_roots(&self) -> Result<Vec<ApiRoot>, StoreError> {
        self.with_reader(|c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT name, title, description, max_content_length FROM api_roots ORDER BY name",
                )
                .map_err(backend)?;
            let rows = stmt
                .query_map([], |r| {
                    Ok(ApiRoot {
                        name: rows::parsed(r, 0)?,
                        title: r.get(1)?,
                        description: r.get(2)?,
                        max_content_length: u64::try_from(r.get::<_, i64>(3)?).unwrap_or(0),
                    })
                })
                .map_err(backend)?;
            rows.collect::<Result<_, _>>().map_err(backend)
        })
        .await
    }

    async fn collections(
        &self,
        api_root: &ApiRootName,
        organization: Option<OrganizationId>,
    ) -> Result<Vec<(Collection, Access)>, StoreError> {
        let root = api_root.as_str().to_owned();
        self.with_reader(move |c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT c.id, c.api_root, c.title, c.description, c.default_tlp, c.public,
                            COALESCE(g.can_read, 0), COALESCE(g.can_write, 0)
                     FROM collections c
                     LEFT JOIN collection_grants g ON g.collection_id = c.id AND g.organization_id = $1
                     WHERE c.api_root = $2
                     ORDER BY c.title, c.id",
                )
                .map_err(backend)?;
            let rows = stmt
                // SQLite numbers parameters by first appearance: $1 (the organisation) comes first.
                .query_map((organization.map(|o| o.to_string()), root), |r| {
                    Ok((
                        Collection {
                            id: rows::parsed(r, 0)?,
                            api_root: rows::parsed(r, 1)?,
                            title: r.get(2)?,
                            description: r.get(3)?,
                            default_tlp: rows::parsed(r, 4)?,
                            public: r.get(5)?,
                        },
                        Access { can_read: r.get(6)?, can_write: r.get(7)? },
                    ))
                })
                .map_err(backend)?;
            rows.collect::<Result<_, _>>().map_err(backend)
        })
        .await
    }

    async fn collection_grants(
        &self,
        id: &CollectionId,
    ) -> Result<Vec<(OrganizationId, Access)>, StoreError> {
        let id = id.as_str().to_owned();
        self.with_reader(move |c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT organization_id, can_read, can_write FROM collection_grants
                     WHERE collection_id = $1 ORDER BY organization_id",
                )
                .map_err(backend)?;
            let rows = stmt
                .query_map([id], |r| {
                    Ok((rows::parsed(r, 0)?, Access { can_read: r.get(1)?, can_write: r.get(2)? }))
                })
                .map_err(backend)?;
            rows.collect::<Result<_, _>>().map_err(backend)
        })
        .await
    }

    async fn objects(
        &self,
        collection: &CollectionId,
        reader: ObjectReader,
        filter: &ObjectFilter,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<StoredObject>, StoreError> {
        let list = |v: &[String]| serde_json::Value::from(v.to_vec()).to_string();
        let params = (
            collection.as_str().to_owned(),
            reader.member,
            reader.organization.map(|o| o.to_string()),
            reader.user.map(|u| u.to_string()),
            filter.added_after.map(rows::text),
            after_seq,
            list(&filter.ids),
            list(&filter.types),
            list(&filter.spec_versions),
            filter.versions.all,
            filter.versions.last,
            filter.versions.first,
            list(&filter.versions.at),
            filter.linked_to.clone(),
            limit,
            serde_json::Value::from(
                filter
                    .ids
                    .iter()
                    .map(|id| super::objects::object_key(collection.as_str(), id))
                    .collect::<Vec<_>>(),
            )
            .to_string(),
        );
        self.with_reader(move |c| {
            // `added_after` as a position: `date_added` never decreases with `seq` in a
            // collection, so the last row added at or before the time bounds the page by index
            // instead of by reading every earlier row.
            let mut after_seq = params.5;
            if let Some(after) = &params.4 {
                let bound: Option<i64> = c
                    .prepare_cached(
                        "SELECT seq FROM stix_objects WHERE collection_id = $1 AND date_added <= $2
                         ORDER BY date_added DESC, seq DESC LIMIT 1",
                    )
                    .and_then(|mut s| {
                        s.query_row(rusqlite::params![params.0, after], |r| r.get(0)).optional()
                    })
                    .map_err(backend)?;
                after_seq = after_seq.max(bound.unwrap_or(0));
            }
            // TLP is part of the query: a row the reader may not see is never read.
            // With `match[id]`, the rows come from the objects' keys (migration 13), not from
            // a walk of the collection.
            let mut stmt = c
                .prepare_cached(if params.15 == "[]" { OBJECTS_SQL } else { OBJECTS_BY_KEY_SQL })
                .map_err(backend)?;
            let rows = stmt
                .query_map(
                    rusqlite::params![
                        params.0, params.1, params.2, params.3, params.4, after_seq, params.6, params.7,
                        params.8, params.9, params.10, params.11, params.12, params.13, params.14, params.15
                    ],
                    |r| {
                        Ok(StoredObject {
                            seq: r.get(0)?,
                            object_id: r.get(1)?,
                            spec_version: r.get(2)?,
                            version: r.get(3)?,
                            date_added: rows::ts(r, 4)?,
                            raw: r.get(5)?,
                            object_type: r.get(6)?,
                            tlp: rows::parsed(r, 7)?,
                        })
                    },
                )
                .map_err(backend)?;
            rows.collect::<Result<_, _>>().map_err(backend)
        })
        .await
    }

    async fn add_pulled_page(&self, actor: &str, page: PulledPage) -> Result<PulledPageOutcome, StoreError> {
        let actor = actor.to_owned();
        self.with_writer(move |conn| super::write::add_pulled_page(conn, &actor, &page)).await
    }

    async fn pull_point(&self, source: &PullSource) -> Result<Option<PullPoint>, StoreError> {
        let source = source.clone();
        self.with_reader(move |c| {
            c.prepare_cached(
                "SELECT resume_after, updated_at FROM taxii_pull_points
                 WHERE collection_id = $1 AND api_root_url = $2 AND remote_collection = $3",
            )
            .and_then(|mut s| {
                s.query_row(
                    (source.collection.as_str(), &source.api_root_url, &source.remote_collection),
                    |r| Ok(PullPoint { resume_after: rows::ts(r, 0)?, updated_at: rows::ts(r, 1)? }),
                )
                .optional()
            })
            .map_err(backend)
        })
        .await
    }

    async fn status(&self, id: &str) -> Result<Option<(String, UserId, String)>, StoreError> {
        let id = id.to_owned();
        self.with_reader(move |c| {
            c.prepare_cached("SELECT api_root, created_by, resource FROM taxii_statuses WHERE id = $1")
                .and_then(|mut s| {
                    s.query_row([id], |r| Ok((r.get(0)?, rows::parsed(r, 1)?, r.get(2)?))).optional()
                })
                .map_err(backend)
        })
        .await
    }

    async fn cvd_report(
        &self,
        id: accord_model::ReportId,
    ) -> Result<Option<crate::cvd::ReportRecord>, StoreError> {
        self.with_reader(move |c| super::cvd::report_by_id(c, id)).await
    }

    async fn cvd_report_by_followup(
        &self,
        selector: &str,
    ) -> Result<Option<(crate::cvd::ReportRecord, Vec<u8>)>, StoreError> {
        let selector = selector.to_owned();
        self.with_reader(move |c| super::cvd::report_by_followup(c, &selector)).await
    }

    async fn cvd_reports(
        &self,
        status: Option<accord_model::cvd::ReportStatus>,
    ) -> Result<Vec<crate::cvd::ReportRecord>, StoreError> {
        self.with_reader(move |c| super::cvd::reports(c, status.map(|s| s.as_str()))).await
    }

    async fn cvd_case(&self, id: accord_model::CaseId) -> Result<Option<crate::cvd::CaseRecord>, StoreError> {
        self.with_reader(move |c| super::cvd::case_by_id(c, id)).await
    }

    async fn cvd_cases(
        &self,
        reader: crate::cvd::CaseReader,
    ) -> Result<Vec<crate::cvd::CaseRecord>, StoreError> {
        self.with_reader(move |c| super::cvd::cases(c, reader)).await
    }

    async fn cvd_case_events(
        &self,
        id: accord_model::CaseId,
    ) -> Result<Vec<crate::cvd::CaseEventRecord>, StoreError> {
        self.with_reader(move |c| super::cvd::events(c, id)).await
    }

    async fn cvd_messages(
        &self,
        id: accord_model::CaseId,
        thread: &str,
    ) -> Result<Vec<crate::cvd::MessageRecord>, StoreError> {
        let thread = thread.to_owned();
        self.with_reader(move |c| super::cvd::messages(c, id, &thread)).await
    }

    async fn cvd_attachments(
        &self,
        report: accord_model::ReportId,
    ) -> Result<Vec<crate::cvd::AttachmentRecord>, StoreError> {
        self.with_reader(move |c| super::cvd::attachments(c, report)).await
    }

    async fn cvd_attachment(
        &self,
        report: accord_model::ReportId,
        id: &str,
    ) -> Result<Option<(crate::cvd::AttachmentRecord, Vec<u8>)>, StoreError> {
        let id = id.to_owned();
        self.with_reader(move |c| super::cvd::attachment(c, report, &id)).await
    }

    async fn advisory(&self, id: &str) -> Result<Option<(accord_model::CaseId, String)>, StoreError> {
        let id = id.to_owned();
        self.with_reader(move |c| super::cvd::advisory(c, &id)).await
    }

    async fn osv_documents(
        &self,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let after = after.unwrap_or_default().to_owned();
        let documents = self.inner.documents.clone();
        self.with_reader(move |c| super::advisories::documents_after(c, &documents, &after, limit)).await
    }

    async fn osv_generation(&self) -> Result<String, StoreError> {
        self.with_reader(|c| {
            c.prepare_cached("SELECT generation FROM osv_generation WHERE id = 1")
                .and_then(|mut s| s.query_row([], |r| Ok(r.get::<_, i64>(0)?.to_string())))
                .map_err(backend)
        })
        .await
    }

    async fn published_advisories(&self) -> Result<Vec<(String, String)>, StoreError> {
        self.with_reader(super::advisories::published).await
    }

    async fn import_osv(
        &self,
        actor: &str,
        records: Vec<crate::advisories::OsvImport>,
        at: jiff::Timestamp,
    ) -> Result<crate::advisories::ImportCounts, StoreError> {
        let actor = actor.to_owned();
        let stored = self.osv_dictionary().await?;
        let prepared = tokio::task::spawn_blocking(move || {
            let dictionary = stored.or_else(|| crate::advisories::train_for(&records)).map(Arc::new);
            crate::advisories::prepare_all(records, dictionary.as_ref())
        })
        .await
        .map_err(|e| StoreError::Backend(format!("import task failed: {e}")))?;
        let stream: crate::advisories::ImportStream = Box::new(std::iter::once(Ok(prepared)));
        self.with_writer(move |conn| super::advisories::import(conn, &actor, stream, at)).await
    }

    async fn import_osv_stream(
        &self,
        actor: &str,
        records: crate::advisories::ImportStream,
        at: jiff::Timestamp,
    ) -> Result<crate::advisories::ImportCounts, StoreError> {
        let actor = actor.to_owned();
        self.with_writer(move |conn| super::advisories::import(conn, &actor, records, at)).await
    }

    async fn osv_dictionary(&self) -> Result<Option<crate::advisories::OsvDictionary>, StoreError> {
        self.with_reader(super::advisories::latest_dictionary).await
    }

    async fn osv_advisory(
        &self,
        id_or_alias: &str,
    ) -> Result<Option<crate::advisories::OsvAdvisory>, StoreError> {
        let id = id_or_alias.to_owned();
        let documents = self.inner.documents.clone();
        self.with_reader(move |c| super::advisories::advisory(c, &documents, &id)).await
    }

    async fn osv_advisories(
        &self,
        filter: &crate::advisories::OsvFilter,
        after: Option<&crate::advisories::OsvCursor>,
        limit: u32,
    ) -> Result<Vec<crate::advisories::OsvSummary>, StoreError> {
        let (filter, after) = (filter.clone(), after.cloned());
        self.with_reader(move |c| super::advisories::advisories(c, &filter, after.as_ref(), limit)).await
    }

    async fn osv_by_package(&self, ecosystem: &str, name: &str) -> Result<Vec<(String, String)>, StoreError> {
        let (ecosystem, name) = (ecosystem.to_owned(), name.to_owned());
        let documents = self.inner.documents.clone();
        self.with_reader(move |c| super::advisories::by_package(c, &documents, &ecosystem, &name)).await
    }

    async fn server_secret(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let name = name.to_owned();
        self.with_reader(move |c| {
            c.prepare_cached("SELECT value FROM server_secrets WHERE name = $1")
                .and_then(|mut s| s.query_row([name], |r| r.get(0)).optional())
                .map_err(backend)
        })
        .await
    }

    async fn events(&self, limit: u32) -> Result<Vec<RegistryEvent>, StoreError> {
        self.with_reader(move |c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT seq, at, actor, action, subject, detail FROM registry_events
                     ORDER BY seq DESC LIMIT $1",
                )
                .map_err(backend)?;
            let rows = stmt
                .query_map([limit], |r| {
                    Ok(RegistryEvent {
                        seq: r.get(0)?,
                        at: rows::ts(r, 1)?,
                        actor: r.get(2)?,
                        action: r.get(3)?,
                        subject: r.get(4)?,
                        detail: r.get(5)?,
                    })
                })
                .map_err(backend)?;
            rows.collect::<Result<_, _>>().map_err(backend)
        })
        .await
    }

    async fn claim_notifications(
        &self,
        now: jiff::Timestamp,
        lease_until: jiff::Timestamp,
        limit: u32,
    ) -> Result<Vec<crate::outbox::ClaimedMessage>, StoreError> {
        self.with_writer(move |c| super::outbox::claim(c, now, lease_until, limit)).await
    }

    async fn record_delivered(
        &self,
        id: accord_model::NotificationId,
        at: jiff::Timestamp,
    ) -> Result<(), StoreError> {
        self.with_writer(move |c| super::outbox::record_delivered(c, id, at)).await
    }

    async fn record_failed_attempt(
        &self,
        id: accord_model::NotificationId,
        error: &str,
        next_attempt_at: Option<jiff::Timestamp>,
    ) -> Result<(), StoreError> {
        // Kept short: an error text from the network can be long.
        let error: String = error.chars().take(500).collect();
        self.with_writer(move |c| super::outbox::record_failed_attempt(c, id, &error, next_attempt_at)).await
    }

    async fn outbox(
        &self,
        state: Option<accord_model::notification::DeliveryState>,
        limit: u32,
    ) -> Result<Vec<crate::outbox::OutboxMessage>, StoreError> {
        self.with_reader(move |c| super::outbox::list(c, state, limit)).await
    }

    async fn organization_webhook(
        &self,
        organization: OrganizationId,
    ) -> Result<Option<crate::outbox::WebhookRecord>, StoreError> {
        self.with_reader(move |c| super::outbox::webhook(c, organization)).await
    }
}

/// The object query. Only [`OBJECTS_BY_KEY_SQL`] uses the keys (`?16`); the other names them
/// in a condition that always holds, so that both take the same parameters. Parameters are
/// numbered `?N`, which SQLite binds by number whatever their order in the text.
/// `$collection` is the start of the WHERE clause up to the collection's column: with keys, the
/// unary `+` keeps SQLite from walking the collection's index instead of reading the keys' rows.
macro_rules! objects_sql {
    ($collection:literal) => {
        concat!(
            "SELECT seq, object_id, spec_version, version_text, date_added, raw, object_type, tlp
             FROM stix_objects
             WHERE ",
            $collection,
            " = ?1
               AND (tlp = 'clear' OR (tlp = 'green' AND ?2)
                    OR (tlp IN ('amber', 'amber+strict') AND producer_org = ?3)
                    OR (tlp IN ('amber', 'red') AND EXISTS (
                        SELECT 1 FROM stix_object_recipients AS r
                        WHERE r.seq = stix_objects.seq AND r.organization_id = ?3))
                    OR producer_user = ?4)
               AND (?5 IS NULL OR date_added > ?5)
               AND seq > ?6
               AND (?7 = '[]' OR object_id IN (SELECT value FROM json_each(?7)))
               AND (?8 = '[]' OR object_type IN (SELECT value FROM json_each(?8)))
               AND ((?9 = '[]' AND is_latest_spec)
                    OR spec_version IN (SELECT value FROM json_each(?9)))
               AND (?10 OR (?11 AND is_last) OR (?12 AND is_first)
                    OR version IN (SELECT value FROM json_each(?13)))
               AND (?14 IS NULL OR seq IN (SELECT seq FROM stix_object_links WHERE target_id = ?14))
               AND (?16 IS NOT NULL)
             ORDER BY seq
             LIMIT ?15"
        )
    };
}
pub(super) const OBJECTS_SQL: &str = objects_sql!("collection_id");
pub(super) const OBJECTS_BY_KEY_SQL: &str = objects_sql!(
    "seq IN (SELECT k.seq FROM json_each(?16) AS j JOIN stix_object_keys AS k ON k.okey = j.value
             UNION ALL
             SELECT k.seq FROM json_each(?16) AS j JOIN stix_object_keys_recent AS k ON k.okey = j.value)
     AND +collection_id"
);
