//! SQL of the notification outbox and of the organisations' webhooks.

use accord_model::notification::{DeliveryState, WebhookSecret, WebhookUrl};
use accord_model::{NotificationId, OrganizationId};
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, Row, Transaction};
use serde_json::json;

use super::backend;
use super::rows::{self, text};
use super::write::{audit, unique_or};
use crate::StoreError;
use crate::outbox::{ClaimedMessage, NewNotification, NotificationRecipient, OutboxMessage, WebhookRecord};

const MESSAGE_COLUMNS: &str = "id, created_at, kind, recipient_kind, organization_id, destination, subject, \
     payload, state, attempts, next_attempt_at, last_error, delivered_at, destination_sealed";

fn message(row: &Row<'_>) -> rusqlite::Result<OutboxMessage> {
    Ok(OutboxMessage {
        id: rows::parsed(row, 0)?,
        created_at: rows::ts(row, 1)?,
        kind: row.get(2)?,
        recipient_kind: rows::parsed(row, 3)?,
        organization_id: rows::parsed_opt(row, 4)?,
        destination: row.get(5)?,
        subject: row.get(6)?,
        payload: row.get(7)?,
        state: rows::parsed(row, 8)?,
        attempts: row.get(9)?,
        next_attempt_at: rows::ts_opt(row, 10)?,
        last_error: row.get(11)?,
        delivered_at: rows::ts_opt(row, 12)?,
        destination_sealed: row.get(13)?,
    })
}

/// Enqueues one message; a webhook message for an organisation without a webhook is skipped.
pub(super) fn enqueue(tx: &Transaction<'_>, n: &NewNotification) -> Result<(), StoreError> {
    let (kind, organization, destination, sealed) = match &n.recipient {
        NotificationRecipient::Email(address) => ("email", None, address.as_str().to_owned(), false),
        NotificationRecipient::SealedEmail(sealed) => ("email", None, sealed.clone(), true),
        NotificationRecipient::OrganizationWebhook(org) => {
            let url: Option<String> = tx
                .prepare_cached("SELECT url FROM organization_webhooks WHERE organization_id = $1")
                .and_then(|mut s| s.query_row([org.to_string()], |r| r.get(0)).optional())
                .map_err(backend)?;
            let Some(url) = url else { return Ok(()) };
            ("webhook", Some(org.to_string()), url, false)
        }
    };
    tx.prepare_cached(
        "INSERT INTO outbox (id, created_at, kind, recipient_kind, organization_id, destination, subject,
             payload, state, attempts, next_attempt_at, destination_sealed)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', 0, $2, $9)",
    )
    .and_then(|mut s| {
        s.execute(rusqlite::params![
            n.id.to_string(),
            text(n.created_at),
            n.kind,
            kind,
            organization,
            destination,
            n.subject,
            n.payload,
            sealed
        ])
    })
    .map_err(|e| unique_or(e, "a notification with this id already exists"))?;
    Ok(())
}

pub(super) fn set_webhook(
    tx: &Transaction<'_>,
    actor: &str,
    organization: OrganizationId,
    url: &WebhookUrl,
    (secret, sealed): (&WebhookSecret, bool),
    at: Timestamp,
) -> Result<(), StoreError> {
    super::write::require_organization(tx, organization)?;
    tx.prepare_cached(
        "INSERT INTO organization_webhooks (organization_id, url, secret, secret_sealed, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5)
         ON CONFLICT (organization_id)
         DO UPDATE SET url = excluded.url, secret = excluded.secret, secret_sealed = excluded.secret_sealed,
                       updated_at = excluded.updated_at",
    )
    .and_then(|mut s| s.execute((organization.to_string(), url.as_str(), secret.expose(), sealed, text(at))))
    .map_err(backend)?;
    // The audit line names the URL, never the secret.
    audit(
        tx,
        actor,
        at,
        "organization.webhook_set",
        &organization.to_string(),
        json!({ "url": url.as_str() }),
    )
}

pub(super) fn delete_webhook(
    tx: &Transaction<'_>,
    actor: &str,
    organization: OrganizationId,
    at: Timestamp,
) -> Result<(), StoreError> {
    super::write::require_organization(tx, organization)?;
    let n = tx
        .prepare_cached("DELETE FROM organization_webhooks WHERE organization_id = $1")
        .and_then(|mut s| s.execute([organization.to_string()]))
        .map_err(backend)?;
    if n == 0 {
        return Err(StoreError::NotFound { what: "webhook" });
    }
    audit(tx, actor, at, "organization.webhook_deleted", &organization.to_string(), json!({}))
}

pub(super) fn claim(
    conn: &mut Connection,
    now: Timestamp,
    lease_until: Timestamp,
    limit: u32,
) -> Result<Vec<ClaimedMessage>, StoreError> {
    let tx = conn.transaction().map_err(backend)?;
    let mut claimed = Vec::new();
    {
        let mut stmt = tx
            .prepare_cached(&format!(
                "SELECT {MESSAGE_COLUMNS} FROM outbox
                 WHERE state = 'pending' AND next_attempt_at <= $1
                 ORDER BY next_attempt_at, id LIMIT $2"
            ))
            .map_err(backend)?;
        let due: Vec<OutboxMessage> = stmt
            .query_map(rusqlite::params![text(now), limit], message)
            .and_then(|rows| rows.collect())
            .map_err(backend)?;
        for mut m in due {
            let configured = match m.organization_id {
                Some(org) if m.recipient_kind == accord_model::notification::RecipientKind::Webhook => tx
                    .prepare_cached(
                        "SELECT url, secret, secret_sealed FROM organization_webhooks WHERE organization_id = $1",
                    )
                    .and_then(|mut s| {
                        s.query_row([org.to_string()], |r| {
                            let webhook = (WebhookUrl::from_stored(r.get(0)?), WebhookSecret::from_stored(r.get(1)?));
                            Ok((webhook, r.get::<_, bool>(2)?))
                        })
                        .optional()
                    })
                    .map_err(backend)?,
                _ => None,
            };
            let webhook_secret_sealed = configured.as_ref().is_some_and(|c| c.1);
            let webhook = configured.map(|c| c.0);
            if let Some((url, _)) = &webhook {
                m.destination = url.as_str().to_owned();
            }
            m.next_attempt_at = Some(lease_until);
            tx.prepare_cached("UPDATE outbox SET next_attempt_at = $1, destination = $2 WHERE id = $3")
                .and_then(|mut s| s.execute((text(lease_until), &m.destination, m.id.to_string())))
                .map_err(backend)?;
            claimed.push(ClaimedMessage { message: m, webhook, webhook_secret_sealed });
        }
    }
    tx.commit().map_err(backend)?;
    Ok(claimed)
}

pub(super) fn record_delivered(
    conn: &Connection,
    id: NotificationId,
    at: Timestamp,
) -> Result<(), StoreError> {
    let n = conn
        .prepare_cached(
            "UPDATE outbox SET state = 'delivered', attempts = attempts + 1, delivered_at = $1,
                 next_attempt_at = NULL
             WHERE id = $2 AND state = 'pending'",
        )
        .and_then(|mut s| s.execute((text(at), id.to_string())))
        .map_err(backend)?;
    if n == 0 {
        return Err(StoreError::NotFound { what: "pending notification" });
    }
    Ok(())
}

pub(super) fn record_failed_attempt(
    conn: &Connection,
    id: NotificationId,
    error: &str,
    next_attempt_at: Option<Timestamp>,
) -> Result<(), StoreError> {
    let n = conn
        .prepare_cached(
            "UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2,
                 state = CASE WHEN $2 IS NULL THEN 'failed' ELSE 'pending' END
             WHERE id = $3 AND state = 'pending'",
        )
        .and_then(|mut s| s.execute(rusqlite::params![error, next_attempt_at.map(text), id.to_string()]))
        .map_err(backend)?;
    if n == 0 {
        return Err(StoreError::NotFound { what: "pending notification" });
    }
    Ok(())
}

pub(super) fn list(
    conn: &Connection,
    state: Option<DeliveryState>,
    limit: u32,
) -> Result<Vec<OutboxMessage>, StoreError> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM outbox WHERE $1 IS NULL OR state = $1
             ORDER BY created_at DESC, id DESC LIMIT $2"
        ))
        .map_err(backend)?;
    stmt.query_map(rusqlite::params![state.map(DeliveryState::as_str), limit], message)
        .and_then(|rows| rows.collect())
        .map_err(backend)
}

pub(super) fn webhook(
    conn: &Connection,
    organization: OrganizationId,
) -> Result<Option<WebhookRecord>, StoreError> {
    conn.prepare_cached(
        "SELECT organization_id, url, created_at, updated_at FROM organization_webhooks
         WHERE organization_id = $1",
    )
    .and_then(|mut s| {
        s.query_row([organization.to_string()], |r| {
            Ok(WebhookRecord {
                organization_id: rows::parsed(r, 0)?,
                url: WebhookUrl::from_stored(r.get(1)?),
                created_at: rows::ts(r, 2)?,
                updated_at: rows::ts(r, 3)?,
            })
        })
        .optional()
    })
    .map_err(backend)
}
