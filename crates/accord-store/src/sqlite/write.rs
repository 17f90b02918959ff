//! Writes: the [`RegistryWrite`]s of a batch of callers applied in one transaction, each
//! caller's in a savepoint, each registry change with an audit line; and the pulled pages.

use std::ops::Range;

use accord_model::{AccordVersionNumber, OrganizationId, OrganizationStatus};
use rusqlite::{Connection, ErrorCode, OptionalExtension, Transaction, TransactionBehavior};
use serde_json::json;

use super::backend;
use super::objects::{add_objects, delete_objects};
use super::rows::{self, text};
use super::writer::LoggedWrite;
use crate::log::{Appended, LogWrite};
use crate::{PulledPage, PulledPageOutcome, RegistryWrite, StoreError};

/// Applies the writes of several callers in **one** transaction, each caller's inside its own
/// savepoint: a caller whose writes fail is rolled back to its savepoint (rows, audit lines and
/// log entries alike) and gets its error, the others stay. The log entries of the callers that
/// succeeded are appended in order, one checkpoint is signed for all of them, and the
/// transaction commits once. Answers each caller's result, with its entries and their receipts
/// against that checkpoint; the outer error is a failure of the whole batch, of which nothing
/// was committed.
pub(super) fn apply_batch(
    conn: &mut Connection,
    batch: &[LoggedWrite],
) -> Result<Vec<Result<Vec<Appended>, StoreError>>, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(backend)?;
    let mut log = super::log::Pending::start(&tx)?;
    let mut signer = None;
    // Per caller: the range of `log`'s entries it appended, or its error.
    let mut outcomes: Vec<Result<Range<usize>, StoreError>> = Vec::with_capacity(batch.len());
    for w in batch {
        if w.appends() {
            match log.check_signer(w.signer.as_deref()) {
                Ok(s) => signer = Some(s),
                Err(e) => {
                    outcomes.push(Err(e));
                    continue;
                }
            }
        }
        let mark = log.len();
        statement(&tx, "SAVEPOINT caller")?;
        match apply_writes(&tx, &w.actor, &w.writes, &mut log) {
            Ok(()) => {
                statement(&tx, "RELEASE caller")?;
                outcomes.push(Ok(mark..log.len()));
            }
            Err(e) if tx.is_autocommit() => {
                // SQLite rolled the whole transaction back (I/O error, disk full): every
                // caller's writes are gone.
                return Err(e);
            }
            Err(e) => {
                statement(&tx, "ROLLBACK TO caller")?;
                statement(&tx, "RELEASE caller")?;
                log.truncate(mark);
                outcomes.push(Err(e));
            }
        }
    }
    let appended = if log.is_empty() { Vec::new() } else { super::log::finish(&tx, log, signer)? };
    tx.commit().map_err(backend)?;
    let mut appended = appended.into_iter();
    Ok(outcomes.into_iter().map(|o| o.map(|range| appended.by_ref().take(range.len()).collect())).collect())
}

fn statement(tx: &Transaction<'_>, sql: &str) -> Result<(), StoreError> {
    tx.prepare_cached(sql).and_then(|mut s| s.execute([])).map(|_| ()).map_err(backend)
}

/// One caller's writes, in order, within the batch's transaction.
fn apply_writes(
    tx: &Transaction<'_>,
    actor: &str,
    writes: &[RegistryWrite],
    log: &mut super::log::Pending,
) -> Result<(), StoreError> {
    for w in writes {
        match w {
            RegistryWrite::Log(LogWrite::Append { entry }) => super::log::append(tx, log, entry)?,
            RegistryWrite::Log(LogWrite::KeepCommitment { case_id, sealed }) => {
                super::log::keep_commitment(tx, *case_id, sealed)?
            }
            other => apply_one(tx, actor, other)?,
        }
    }
    Ok(())
}

/// A pulled page: its versions and the source's new resume point, in one transaction.
pub(super) fn add_pulled_page(
    conn: &mut Connection,
    actor: &str,
    page: &PulledPage,
) -> Result<PulledPageOutcome, StoreError> {
    let tx = conn.transaction().map_err(backend)?;
    let source = &page.source;
    let user_exists: bool = tx
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM users WHERE id = $1)")
        .and_then(|mut s| s.query_row([page.producer_user.to_string()], |r| r.get(0)))
        .map_err(backend)?;
    if !user_exists {
        return Err(StoreError::NotFound { what: "user" });
    }
    let stored =
        add_objects(&tx, source.collection.as_str(), None, page.producer_user, &page.versions, page.at)?;
    if let Some(resume_after) = page.resume_after {
        tx.prepare_cached(
            "INSERT INTO taxii_pull_points
                 (collection_id, api_root_url, remote_collection, resume_after, updated_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (collection_id, api_root_url, remote_collection)
             DO UPDATE SET resume_after = excluded.resume_after, updated_at = excluded.updated_at",
        )
        .and_then(|mut s| {
            s.execute((
                source.collection.as_str(),
                &source.api_root_url,
                &source.remote_collection,
                text(resume_after),
                text(page.at),
            ))
        })
        .map_err(backend)?;
    }
    audit(
        &tx,
        actor,
        page.at,
        "taxii.objects_pulled",
        source.collection.as_str(),
        json!({
            "api_root_url": source.api_root_url,
            "remote_collection": source.remote_collection,
            "count": page.versions.len(),
            "stored": stored,
            "resume_after": page.resume_after.map(text),
        }),
    )?;
    tx.commit().map_err(backend)?;
    Ok(PulledPageOutcome { stored, duplicates: page.versions.len() - stored })
}

fn apply_one(tx: &Transaction<'_>, actor: &str, w: &RegistryWrite) -> Result<(), StoreError> {
    match w {
        RegistryWrite::Cvd(w) => super::cvd::apply(tx, w),
        RegistryWrite::Log(_) => unreachable!("log writes are applied by `apply`"),
        RegistryWrite::Notify(n) => super::outbox::enqueue(tx, n),
        RegistryWrite::SetWebhook { organization_id, url, secret, secret_sealed, at } => {
            super::outbox::set_webhook(tx, actor, *organization_id, url, (secret, *secret_sealed), *at)
        }
        RegistryWrite::DeleteWebhook { organization_id, at } => {
            super::outbox::delete_webhook(tx, actor, *organization_id, *at)
        }
        RegistryWrite::CreateOrganization(o) => {
            tx.prepare_cached(
                "INSERT INTO organizations (id, name, domain, kind, status, security_contact,
                     signed_at, signed_version, invited_at, withdrawn_at, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .and_then(|mut s| {
                s.execute((
                    o.id.to_string(),
                    &o.name,
                    &o.domain,
                    o.kind.as_str(),
                    o.status.as_str(),
                    o.security_contact.as_ref().map(|c| c.as_str()),
                    o.signed_at.map(text),
                    o.signed_version.map(|v| v.get()),
                    o.invited_at.map(text),
                    o.withdrawn_at.map(text),
                    text(o.created_at),
                ))
            })
            .map_err(|e| unique_or(e, "an organization with this domain or id already exists"))?;
            audit(
                tx,
                actor,
                o.created_at,
                "organization.created",
                &o.id.to_string(),
                json!({
                    "name": o.name, "domain": o.domain, "kind": o.kind.as_str(), "status": o.status.as_str(),
                }),
            )
        }
        RegistryWrite::AddOrganizationKey { organization_id, key, at } => {
            require_organization(tx, *organization_id)?;
            tx.prepare_cached(
                "INSERT INTO organization_keys (organization_id, public_key, fingerprint, added_at)
                 VALUES ($1, $2, $3, $4)",
            )
            .and_then(|mut s| {
                s.execute((organization_id.to_string(), key.to_base64(), key.fingerprint(), text(*at)))
            })
            .map_err(|e| unique_or(e, "this key is already registered for the organization"))?;
            audit(
                tx,
                actor,
                *at,
                "organization.key_added",
                &organization_id.to_string(),
                json!({
                    "public_key": key.to_base64(), "fingerprint": key.fingerprint(),
                }),
            )
        }
        RegistryWrite::PublishAccordVersion(v) => {
            let latest: Option<u32> = tx
                .query_row("SELECT MAX(version) FROM accord_versions", [], |r| r.get(0))
                .map_err(backend)?;
            let expected = latest.map_or(AccordVersionNumber::FIRST, |n| {
                AccordVersionNumber::new(n).map_or(AccordVersionNumber::FIRST, |v| v.next())
            });
            if v.version != expected {
                return Err(StoreError::conflict(format!(
                    "the next accord version is {expected}, not {}",
                    v.version
                )));
            }
            tx.prepare_cached(
                "INSERT INTO accord_versions (version, title, text, sha256, published_at)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .and_then(|mut s| {
                s.execute((v.version.get(), &v.title, v.text.as_str(), &v.sha256, text(v.published_at)))
            })
            .map_err(|e| unique_or(e, "this accord version already exists"))?;
            audit(
                tx,
                actor,
                v.published_at,
                "accord.published",
                &format!("accord/{}", v.version),
                json!({
                    "title": v.title, "sha256": v.sha256,
                }),
            )
        }
        RegistryWrite::Invite { organization_id, at } => {
            let status = current_status(tx, *organization_id)?;
            let next = status.after_invitation().map_err(|e| StoreError::conflict(e.0))?;
            tx.prepare_cached("UPDATE organizations SET status = $1, invited_at = $2 WHERE id = $3")
                .and_then(|mut s| s.execute((next.as_str(), text(*at), organization_id.to_string())))
                .map_err(backend)?;
            audit(tx, actor, *at, "organization.invited", &organization_id.to_string(), json!({}))
        }
        RegistryWrite::Sign(sig) => {
            let status = current_status(tx, sig.organization_id)?;
            let org = sig.organization_id.to_string();
            let key_ok: bool = tx
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM organization_keys
                     WHERE organization_id = $1 AND public_key = $2 AND revoked_at IS NULL)",
                )
                .and_then(|mut s| s.query_row((&org, sig.public_key.to_base64()), |r| r.get(0)))
                .map_err(backend)?;
            if !key_ok {
                return Err(StoreError::conflict(
                    "the key is not registered for this organization (or was revoked)",
                ));
            }
            let digest: Option<String> = tx
                .prepare_cached("SELECT sha256 FROM accord_versions WHERE version = $1")
                .and_then(|mut s| s.query_row([sig.version.get()], |r| r.get(0)).optional())
                .map_err(backend)?;
            match digest {
                None => return Err(StoreError::NotFound { what: "accord version" }),
                Some(d) if d != sig.accord_sha256 => {
                    return Err(StoreError::conflict("the signature is for another text of this version"));
                }
                Some(_) => {}
            }
            let next = status.after_signature().map_err(|e| StoreError::conflict(e.0))?;
            tx.prepare_cached(&format!(
                "INSERT INTO accord_signatures ({}) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                rows::SIGNATURE_COLUMNS
            ))
            .and_then(|mut s| {
                s.execute((
                    &org,
                    sig.version.get(),
                    &sig.accord_sha256,
                    sig.public_key.to_base64(),
                    sig.signature.to_base64(),
                    &sig.statement,
                    text(sig.signed_at),
                ))
            })
            .map_err(|e| {
                unique_or(e, format!("the organization has already signed version {}", sig.version))
            })?;
            tx.prepare_cached(
                "UPDATE organizations SET status = $1, signed_at = $2, signed_version = $3,
                     withdrawn_at = NULL WHERE id = $4",
            )
            .and_then(|mut s| s.execute((next.as_str(), text(sig.signed_at), sig.version.get(), &org)))
            .map_err(backend)?;
            audit(
                tx,
                actor,
                sig.signed_at,
                "accord.signed",
                &org,
                json!({
                    "version": sig.version.get(), "public_key": sig.public_key.to_base64(),
                    "signature": sig.signature.to_base64(),
                }),
            )
        }
        RegistryWrite::Withdraw { organization_id, reason, at } => {
            let status = current_status(tx, *organization_id)?;
            let next = status.after_withdrawal().map_err(|e| StoreError::conflict(e.0))?;
            tx.prepare_cached("UPDATE organizations SET status = $1, withdrawn_at = $2 WHERE id = $3")
                .and_then(|mut s| s.execute((next.as_str(), text(*at), organization_id.to_string())))
                .map_err(backend)?;
            audit(
                tx,
                actor,
                *at,
                "accord.withdrawn",
                &organization_id.to_string(),
                json!({ "reason": reason }),
            )
        }
        RegistryWrite::CreateUser { user, password_hash } => {
            if let Some(org) = user.organization_id {
                require_organization(tx, org)?;
            }
            tx.prepare_cached(
                "INSERT INTO users (id, email, name, role, organization_id, password_hash, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .and_then(|mut s| {
                s.execute((
                    user.id.to_string(),
                    user.email.as_str(),
                    &user.name,
                    user.role.as_str(),
                    user.organization_id.map(|o| o.to_string()),
                    password_hash,
                    text(user.created_at),
                ))
            })
            .map_err(|e| unique_or(e, "a user with this e-mail address already exists"))?;
            audit(
                tx,
                actor,
                user.created_at,
                "user.created",
                &user.id.to_string(),
                json!({
                    "email": user.email.as_str(), "role": user.role.as_str(),
                    "organization_id": user.organization_id.map(|o| o.to_string()),
                }),
            )
        }
        RegistryWrite::SetPassword { user_id, password_hash, at } => {
            let n = tx
                .prepare_cached("UPDATE users SET password_hash = $1 WHERE id = $2")
                .and_then(|mut s| s.execute((password_hash, user_id.to_string())))
                .map_err(backend)?;
            if n == 0 {
                return Err(StoreError::NotFound { what: "user" });
            }
            // Existing web sessions end when the password changes.
            tx.prepare_cached("DELETE FROM web_sessions WHERE user_id = $1")
                .and_then(|mut s| s.execute([user_id.to_string()]))
                .map_err(backend)?;
            audit(tx, actor, *at, "user.password_set", &user_id.to_string(), json!({}))
        }
        RegistryWrite::CreateToken { digest, user_id, name, at } => {
            tx.prepare_cached(
                "INSERT INTO api_tokens (selector, verifier, user_id, name, created_at)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .and_then(|mut s| {
                s.execute((&digest.selector, &digest.verifier[..], user_id.to_string(), name, text(*at)))
            })
            .map_err(|e| match e.sqlite_error_code() {
                Some(ErrorCode::ConstraintViolation) if is_foreign_key(&e) => {
                    StoreError::NotFound { what: "user" }
                }
                _ => unique_or(e, "this token already exists"),
            })?;
            audit(
                tx,
                actor,
                *at,
                "token.created",
                &user_id.to_string(),
                json!({
                    "name": name, "selector": digest.selector,
                }),
            )
        }
        RegistryWrite::RevokeToken { user_id, token_id, at } => {
            let n = tx
                .prepare_cached(
                    "UPDATE api_tokens SET revoked_at = $1
                     WHERE selector = $2 AND user_id = $3 AND revoked_at IS NULL",
                )
                .and_then(|mut s| s.execute((text(*at), token_id, user_id.to_string())))
                .map_err(backend)?;
            if n == 0 {
                return Err(StoreError::NotFound { what: "token" });
            }
            audit(tx, actor, *at, "token.revoked", &user_id.to_string(), json!({ "token_id": token_id }))
        }
        RegistryWrite::RevokeOrganizationKey { organization_id, fingerprint, at } => {
            require_organization(tx, *organization_id)?;
            let n = tx
                .prepare_cached(
                    "UPDATE organization_keys SET revoked_at = $1
                     WHERE organization_id = $2 AND fingerprint = $3 AND revoked_at IS NULL",
                )
                .and_then(|mut s| s.execute((text(*at), organization_id.to_string(), fingerprint)))
                .map_err(backend)?;
            if n == 0 {
                return Err(StoreError::NotFound { what: "key" });
            }
            audit(
                tx,
                actor,
                *at,
                "organization.key_revoked",
                &organization_id.to_string(),
                json!({ "fingerprint": fingerprint }),
            )
        }
        RegistryWrite::AddObjects { collection, producer_org, producer_user, versions, at } => {
            add_objects(tx, collection.as_str(), *producer_org, *producer_user, versions, *at)?;
            audit(
                tx,
                actor,
                *at,
                "taxii.objects_added",
                collection.as_str(),
                json!({ "count": versions.len() }),
            )
        }
        RegistryWrite::RecordStatus { id, api_root, created_by, request_timestamp, resource } => {
            tx.prepare_cached(
                "INSERT INTO taxii_statuses (id, api_root, created_by, request_timestamp, resource)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .and_then(|mut s| {
                s.execute((id, api_root, created_by.to_string(), text(*request_timestamp), resource))
            })
            .map_err(|e| unique_or(e, "a status with this id already exists"))?;
            Ok(())
        }
        RegistryWrite::InitServerSecret { name, value } => {
            tx.prepare_cached(
                "INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
            )
            .and_then(|mut s| s.execute((name, value)))
            .map_err(backend)?;
            Ok(())
        }
        RegistryWrite::DeleteObject { collection, object_id, spec_versions, versions, producer, at } => {
            let n = delete_objects(tx, collection.as_str(), object_id, spec_versions, versions, producer)?;
            audit(
                tx,
                actor,
                *at,
                "taxii.object_deleted",
                collection.as_str(),
                json!({
                    "object_id": object_id, "versions_deleted": n,
                }),
            )
        }
        RegistryWrite::CreateApiRoot { root, at } => {
            tx.prepare_cached(
                "INSERT INTO api_roots (name, title, description, max_content_length, created_at)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .and_then(|mut s| {
                s.execute((
                    root.name.as_str(),
                    &root.title,
                    &root.description,
                    i64::try_from(root.max_content_length).unwrap_or(i64::MAX),
                    text(*at),
                ))
            })
            .map_err(|e| unique_or(e, "an API root with this name already exists"))?;
            audit(
                tx,
                actor,
                *at,
                "taxii.api_root_created",
                root.name.as_str(),
                json!({ "title": root.title }),
            )
        }
        RegistryWrite::CreateCollection { collection: c, at } => {
            let root_exists: bool = tx
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM api_roots WHERE name = $1)")
                .and_then(|mut s| s.query_row([c.api_root.as_str()], |r| r.get(0)))
                .map_err(backend)?;
            if !root_exists {
                return Err(StoreError::NotFound { what: "API root" });
            }
            tx.prepare_cached(
                "INSERT INTO collections (id, api_root, title, description, default_tlp, public, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .and_then(|mut s| {
                s.execute((
                    c.id.as_str(),
                    c.api_root.as_str(),
                    &c.title,
                    &c.description,
                    c.default_tlp.as_str(),
                    c.public,
                    text(*at),
                ))
            })
            .map_err(|e| unique_or(e, "a collection with this id already exists"))?;
            audit(
                tx,
                actor,
                *at,
                "taxii.collection_created",
                c.id.as_str(),
                json!({
                    "api_root": c.api_root.as_str(), "title": c.title,
                    "default_tlp": c.default_tlp.as_str(), "public": c.public,
                }),
            )
        }
        RegistryWrite::GrantCollection { collection, organization_id, access, at } => {
            require_organization(tx, *organization_id)?;
            let exists: bool = tx
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM collections WHERE id = $1)")
                .and_then(|mut s| s.query_row([collection.as_str()], |r| r.get(0)))
                .map_err(backend)?;
            if !exists {
                return Err(StoreError::NotFound { what: "collection" });
            }
            tx.prepare_cached(
                "INSERT INTO collection_grants (collection_id, organization_id, can_read, can_write)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (collection_id, organization_id)
                 DO UPDATE SET can_read = excluded.can_read, can_write = excluded.can_write",
            )
            .and_then(|mut s| {
                s.execute((
                    collection.as_str(),
                    organization_id.to_string(),
                    access.can_read,
                    access.can_write,
                ))
            })
            .map_err(backend)?;
            audit(
                tx,
                actor,
                *at,
                "taxii.collection_granted",
                collection.as_str(),
                json!({
                    "organization_id": organization_id.to_string(),
                    "can_read": access.can_read, "can_write": access.can_write,
                }),
            )
        }
        RegistryWrite::CreateSession { digest, user_id, at, expires_at } => {
            tx.prepare_cached(
                "INSERT INTO web_sessions (selector, verifier, user_id, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .and_then(|mut s| {
                s.execute((
                    &digest.selector,
                    &digest.verifier[..],
                    user_id.to_string(),
                    text(*at),
                    text(*expires_at),
                ))
            })
            .map_err(|e| match e.sqlite_error_code() {
                Some(ErrorCode::ConstraintViolation) if is_foreign_key(&e) => {
                    StoreError::NotFound { what: "user" }
                }
                _ => unique_or(e, "this session already exists"),
            })?;
            // Sweep expired sessions while we hold the write lock anyway.
            tx.prepare_cached("DELETE FROM web_sessions WHERE expires_at < $1")
                .and_then(|mut s| s.execute([text(*at)]))
                .map_err(backend)?;
            Ok(())
        }
        RegistryWrite::DeleteSession { selector } => {
            tx.prepare_cached("DELETE FROM web_sessions WHERE selector = $1")
                .and_then(|mut s| s.execute([selector]))
                .map_err(backend)?;
            Ok(())
        }
    }
}

fn current_status(tx: &Transaction<'_>, id: OrganizationId) -> Result<OrganizationStatus, StoreError> {
    tx.prepare_cached("SELECT status FROM organizations WHERE id = $1")
        .and_then(|mut s| s.query_row([id.to_string()], |r| rows::parsed(r, 0)).optional())
        .map_err(backend)?
        .ok_or(StoreError::NotFound { what: "organization" })
}

pub(super) fn require_organization(tx: &Transaction<'_>, id: OrganizationId) -> Result<(), StoreError> {
    current_status(tx, id).map(|_| ())
}

pub(super) fn audit(
    tx: &Transaction<'_>,
    actor: &str,
    at: jiff::Timestamp,
    action: &str,
    subject: &str,
    detail: serde_json::Value,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO registry_events (at, actor, action, subject, detail) VALUES ($1, $2, $3, $4, $5)",
    )
    .and_then(|mut s| s.execute((text(at), actor, action, subject, detail.to_string())))
    .map_err(backend)?;
    Ok(())
}

pub(super) fn is_foreign_key(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY)
}

/// Maps a uniqueness violation to a conflict with a message fit for the caller.
pub(super) fn unique_or(e: rusqlite::Error, message: impl Into<String>) -> StoreError {
    match &e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
        {
            StoreError::conflict(message)
        }
        _ => backend(e),
    }
}
