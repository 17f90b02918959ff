//! Notifications: what each event says to whom, the organisations' webhook settings, the
//! administrators' view of the outbox, and the delivery use case.
//!
//! Events enqueue their messages with [`RegistryWrite::Notify`] in the batch of the change
//! itself, so a message exists exactly when its change committed. [`App::deliver_due`] claims
//! due messages, hands each to a [`NotificationSender`] (the network lives outside this crate,
//! in `accord-client`) with no transaction open, and records each outcome on its own: a slow
//! or failing receiver never holds up another message.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use accord_model::notification::{DeliveryState, RecipientKind, RetryPolicy, WebhookSecret, WebhookUrl};
use accord_model::seal::SealingKey;
use accord_model::{AccordSignature, Email, NotificationId, Organization, OrganizationId};
use accord_store::RegistryWrite;
use accord_store::outbox::{ClaimedMessage, NewNotification, NotificationRecipient};
pub use accord_store::outbox::{OutboxMessage, WebhookRecord};
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use crate::{App, AppError, Caller, permissions, random};

/// How messages are delivered and retried.
#[derive(Debug, Clone)]
pub struct OutboxSettings {
    pub retry: RetryPolicy,
    /// Longest a single delivery may take (connect, send, answer).
    pub delivery_timeout: Duration,
    /// Whether e-mails are enqueued at all (an SMTP server is configured).
    pub email: bool,
    /// Most messages one delivery round claims.
    pub batch: u32,
}

impl Default for OutboxSettings {
    fn default() -> Self {
        Self {
            retry: RetryPolicy::default(),
            delivery_timeout: Duration::from_secs(10),
            email: false,
            batch: 32,
        }
    }
}

/// One message ready to go out.
#[derive(Debug, Clone)]
pub struct OutgoingMessage {
    pub id: NotificationId,
    /// The event, such as `organization.invited`.
    pub kind: String,
    pub created_at: Timestamp,
    pub subject: String,
    /// What a webhook receives as `data`.
    pub data: Value,
    /// The plain-text body of an e-mail.
    pub text: String,
    pub target: DeliveryTarget,
}

/// Where a message goes.
#[derive(Debug, Clone)]
pub enum DeliveryTarget {
    Webhook { url: WebhookUrl, secret: WebhookSecret },
    Email { to: String },
}

/// Sends one message over the network (`accord-client` implements it for HTTP and SMTP).
/// `Ok` means the receiver accepted it; the error text is kept for administrators, so it must
/// not contain secrets.
pub trait NotificationSender: Send + Sync + 'static {
    fn send(&self, message: &OutgoingMessage) -> impl Future<Output = Result<(), String>> + Send;
}

/// What one delivery round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryRound {
    pub claimed: usize,
    pub delivered: usize,
    /// Failed attempts that will be retried.
    pub retrying: usize,
    /// Messages given up after their last attempt.
    pub failed: usize,
}

/// What the webhook of an organisation is set to by `PUT …/webhook`.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookRequest {
    pub url: String,
    pub secret: String,
}

impl App {
    /// How notifications are delivered and retried (and whether e-mails are sent at all).
    pub fn with_outbox(mut self, settings: OutboxSettings) -> Self {
        self.outbox = Arc::new(settings);
        self
    }

    /// Woken whenever a change enqueued a message, so the delivery worker need not wait for
    /// its next round.
    pub fn outbox_signal(&self) -> Arc<tokio::sync::Notify> {
        self.outbox_signal.clone()
    }

    /// Most messages one delivery round claims.
    pub fn outbox_batch(&self) -> usize {
        usize::try_from(self.outbox.batch).unwrap_or(usize::MAX)
    }

    pub(crate) fn wake_outbox(&self) {
        self.outbox_signal.notify_one();
    }

    /// Sets (or replaces) an organisation's webhook; `true` when it had none before. The
    /// secret is never shown again.
    pub async fn set_webhook(
        &self,
        caller: &Caller,
        org: OrganizationId,
        req: WebhookRequest,
        now: Timestamp,
    ) -> Result<(WebhookRecord, bool), AppError> {
        permissions::manage_organization(caller, org)?;
        let url: WebhookUrl = req.url.parse()?;
        let secret: WebhookSecret = req.secret.parse()?;
        // Sealed at rest when the server has a sealing key: the worker opens it to sign.
        let (secret, secret_sealed) = match self.sealing_key.as_deref() {
            Some(key) => {
                let sealed = key.seal(random::bytes::<24>()?, &aad_webhook_secret(org), secret.expose());
                (WebhookSecret::from_stored(sealed), true)
            }
            None => (secret, false),
        };
        let existed = self.store.organization_webhook(org).await?.is_some();
        self.commit(
            &caller.audit_name(),
            vec![RegistryWrite::SetWebhook { organization_id: org, url, secret, secret_sealed, at: now }],
        )
        .await?;
        let record = self.store.organization_webhook(org).await?.ok_or(AppError::NotFound("webhook"))?;
        Ok((record, !existed))
    }

    /// An organisation's webhook, without its secret.
    pub async fn webhook(&self, caller: &Caller, org: OrganizationId) -> Result<WebhookRecord, AppError> {
        permissions::manage_organization(caller, org)?;
        self.store.organization_webhook(org).await?.ok_or(AppError::NotFound("webhook"))
    }

    pub async fn delete_webhook(
        &self,
        caller: &Caller,
        org: OrganizationId,
        now: Timestamp,
    ) -> Result<(), AppError> {
        permissions::manage_organization(caller, org)?;
        self.commit(
            &caller.audit_name(),
            vec![RegistryWrite::DeleteWebhook { organization_id: org, at: now }],
        )
        .await?;
        Ok(())
    }

    /// The outbox for administrators, newest first.
    pub async fn outbox(
        &self,
        caller: &Caller,
        state: Option<DeliveryState>,
        limit: u32,
    ) -> Result<Vec<OutboxMessage>, AppError> {
        permissions::read_outbox(caller)?;
        Ok(self.store.outbox(state, limit.clamp(1, 1000)).await?)
    }

    /// Claims the messages due at `now`, delivers them concurrently through `sender` (each
    /// within the delivery timeout) and records every outcome as it comes: delivered, retried
    /// after the policy's back-off, or given up after the last attempt.
    pub async fn deliver_due<S: NotificationSender + Clone>(
        &self,
        sender: &S,
        now: Timestamp,
    ) -> Result<DeliveryRound, AppError> {
        let settings = self.outbox.clone();
        // The lease outlasts the longest delivery, so no other worker takes a message in flight.
        let lease =
            SignedDuration::try_from(settings.delivery_timeout * 3).unwrap_or(SignedDuration::from_secs(30));
        let lease_until = now.checked_add(lease).map_err(|e| AppError::Internal(e.to_string()))?;
        let claimed = self.store.claim_notifications(now, lease_until, settings.batch).await?;
        let mut round = DeliveryRound { claimed: claimed.len(), ..DeliveryRound::default() };
        let mut tasks = tokio::task::JoinSet::new();
        for c in claimed {
            let (app, sender) = (self.clone(), sender.clone());
            tasks.spawn(async move { app.deliver_one(&sender, c).await });
        }
        while let Some(joined) = tasks.join_next().await {
            match joined {
                Ok(Ok(Outcome::Delivered)) => round.delivered += 1,
                Ok(Ok(Outcome::Retrying)) => round.retrying += 1,
                Ok(Ok(Outcome::Failed)) => round.failed += 1,
                Ok(Err(e)) => tracing::error!(error = %e, "cannot record a delivery outcome"),
                Err(e) => tracing::error!(error = %e, "a delivery task failed"),
            }
        }
        Ok(round)
    }

    async fn deliver_one<S: NotificationSender>(
        &self,
        sender: &S,
        c: ClaimedMessage,
    ) -> Result<Outcome, AppError> {
        let m = c.message;
        let key = self.sealing_key.as_deref();
        let result = match outgoing(&m, c.webhook, c.webhook_secret_sealed, key) {
            Ok(message) => {
                // The sender has its own timeout; this one only guards against a sender that
                // forgets it.
                let limit = self.outbox.delivery_timeout + Duration::from_secs(2);
                let result = match tokio::time::timeout(limit, sender.send(&message)).await {
                    Ok(r) => r,
                    Err(_) => Err(format!("no answer within {} s", limit.as_secs())),
                };
                // A sealed address stays sealed: an SMTP server's answer may quote it, and the
                // error is kept in clear for administrators.
                match (&message.target, m.destination_sealed) {
                    (DeliveryTarget::Email { to }, true) => {
                        result.map_err(|e| e.replace(to.as_str(), SEALED_ADDRESS))
                    }
                    _ => result,
                }
            }
            Err(permanent) => {
                self.store.record_failed_attempt(m.id, &permanent, None).await?;
                tracing::warn!(id = %m.id, kind = %m.kind, error = %permanent, "notification given up");
                return Ok(Outcome::Failed);
            }
        };
        let now = Timestamp::now();
        match result {
            Ok(()) => {
                self.store.record_delivered(m.id, now).await?;
                tracing::info!(id = %m.id, kind = %m.kind, recipient = %m.recipient_kind, "notification delivered");
                Ok(Outcome::Delivered)
            }
            Err(error) => {
                let attempts = m.attempts + 1;
                let jitter = f64::from(u16::from_le_bytes(random::bytes::<2>()?)) / f64::from(u16::MAX);
                let next = self
                    .outbox
                    .retry
                    .delay_after(attempts, jitter)
                    .and_then(|d| SignedDuration::try_from(d).ok())
                    .and_then(|d| now.checked_add(d).ok());
                self.store.record_failed_attempt(m.id, &error, next).await?;
                if next.is_some() {
                    tracing::info!(id = %m.id, kind = %m.kind, attempts, %error, "notification attempt failed; will retry");
                    Ok(Outcome::Retrying)
                } else {
                    tracing::warn!(id = %m.id, kind = %m.kind, attempts, %error, "notification given up");
                    Ok(Outcome::Failed)
                }
            }
        }
    }

    /// The messages of an invitation: an e-mail to the security contact (when it is an
    /// address and e-mail is configured) and the `organization.invited` webhook event.
    pub(crate) async fn invitation_notices(
        &self,
        org: &Organization,
        now: Timestamp,
    ) -> Result<Vec<RegistryWrite>, AppError> {
        let accord = self.store.accord_latest().await?;
        let data = json!({
            "organization": { "id": org.id, "name": org.name, "domain": org.domain },
            "invited_at": accord_model::time::format_timestamp(now),
            "accord": accord.as_ref().map(|a| json!({ "version": a.version, "title": a.title, "sha256": a.sha256 })),
        });
        let subject = format!("{} is invited to sign the Cybersecurity Tech Accord", org.name);
        let version = accord
            .as_ref()
            .map_or_else(String::new, |a| format!(" (version {}, \"{}\")", a.version, a.title));
        let text = format!(
            "Hello,\n\n\
             {name} ({domain}) has been invited to sign the Cybersecurity Tech Accord{version}.\n\n\
             To sign, an administrator of {name} registers an Ed25519 public key for the \
             organisation, signs the statement given by\n\
             GET /api/v1/accord/statement?organization_id={id}\n\
             with that key, and posts the signature to\n\
             POST /api/v1/organizations/{id}/signatures\n\n\
             This message was sent to the security contact registered for {name}.\n",
            name = org.name,
            domain = org.domain,
            id = org.id,
        );
        let mut recipients = vec![NotificationRecipient::OrganizationWebhook(org.id)];
        if self.outbox.email
            && let Some(address) =
                org.security_contact.as_ref().and_then(|c| c.as_str().parse::<Email>().ok())
        {
            recipients.push(NotificationRecipient::Email(address));
        }
        notices("organization.invited", now, &subject, &data, &text, recipients)
    }

    /// The `accord.signed` webhook event of a signature.
    pub(crate) fn signature_notices(
        &self,
        org: &Organization,
        sig: &AccordSignature,
    ) -> Result<Vec<RegistryWrite>, AppError> {
        let data = json!({
            "organization": { "id": org.id, "name": org.name, "domain": org.domain },
            "signature": sig,
        });
        let subject = format!("{} signed the Cybersecurity Tech Accord (version {})", org.name, sig.version);
        let text = format!(
            "{subject}.\nKey: {}\nSignature: {}\n",
            sig.public_key.fingerprint(),
            sig.signature.to_base64()
        );
        notices(
            "accord.signed",
            sig.signed_at,
            &subject,
            &data,
            &text,
            vec![NotificationRecipient::OrganizationWebhook(org.id)],
        )
    }
}

/// What stands for a sealed address in the errors kept for administrators.
const SEALED_ADDRESS: &str = "(sealed address)";

/// The additional data that binds a sealed e-mail address to its outbox row.
fn aad_webhook_secret(org: OrganizationId) -> String {
    format!("organization:{org}:webhook-secret")
}

fn aad_destination(id: NotificationId) -> String {
    format!("outbox:{id}:destination")
}

impl App {
    /// An e-mail to a finder at the contact they gave with their report, when it is an e-mail
    /// address, e-mail is configured and a sealing key is there: the address is confidential,
    /// so it goes into the outbox sealed (bound to the message's id) and is opened only by the
    /// delivery worker. `None` when nothing is to be sent. The text must carry no case details
    /// and no follow-up secret.
    pub(crate) fn finder_notice(
        &self,
        contact: Option<&str>,
        kind: &str,
        at: Timestamp,
        subject: &str,
        data: &Value,
        text: &str,
    ) -> Result<Option<RegistryWrite>, AppError> {
        let (Some(key), true) = (self.sealing_key.as_deref(), self.outbox.email) else {
            return Ok(None);
        };
        let Some(address) = contact.and_then(|c| c.trim().parse::<Email>().ok()) else {
            return Ok(None);
        };
        let id =
            NotificationId::from_uuid(uuid::Builder::from_random_bytes(random::bytes::<16>()?).into_uuid());
        let sealed = key.seal(random::bytes::<24>()?, &aad_destination(id), address.as_str());
        Ok(Some(RegistryWrite::Notify(NewNotification {
            id,
            kind: kind.to_owned(),
            created_at: at,
            recipient: NotificationRecipient::SealedEmail(sealed),
            subject: subject.to_owned(),
            payload: json!({ "data": data, "text": text }).to_string(),
        })))
    }
}

enum Outcome {
    Delivered,
    Retrying,
    Failed,
}

pub(crate) fn notices(
    kind: &str,
    at: Timestamp,
    subject: &str,
    data: &Value,
    text: &str,
    recipients: Vec<NotificationRecipient>,
) -> Result<Vec<RegistryWrite>, AppError> {
    let payload = json!({ "data": data, "text": text }).to_string();
    recipients
        .into_iter()
        .map(|recipient| {
            Ok(RegistryWrite::Notify(NewNotification {
                id: NotificationId::from_uuid(uuid::Uuid::new_v4()),
                kind: kind.to_owned(),
                created_at: at,
                recipient,
                subject: subject.to_owned(),
                payload: payload.clone(),
            }))
        })
        .collect()
}

/// The message to send, or why it can never be sent. A sealed address is opened here, just
/// before sending, and lives only in memory.
fn outgoing(
    m: &OutboxMessage,
    webhook: Option<(WebhookUrl, WebhookSecret)>,
    webhook_secret_sealed: bool,
    key: Option<&SealingKey>,
) -> Result<OutgoingMessage, String> {
    let payload: Value =
        serde_json::from_str(&m.payload).map_err(|_| "the stored payload is not JSON".to_owned())?;
    let target = match m.recipient_kind {
        RecipientKind::Email if m.destination_sealed => {
            let key = key.ok_or("the address is sealed and no sealing key is configured")?;
            let to = key
                .open(&aad_destination(m.id), &m.destination)
                .map_err(|_| "the sealed address does not open with the configured key".to_owned())?;
            DeliveryTarget::Email { to }
        }
        RecipientKind::Email => DeliveryTarget::Email { to: m.destination.clone() },
        RecipientKind::Webhook => match (webhook, m.organization_id) {
            (Some((url, secret)), Some(org)) if webhook_secret_sealed => {
                let key = key.ok_or("the webhook's secret is sealed and no sealing key is configured")?;
                let secret = key.open(&aad_webhook_secret(org), secret.expose()).map_err(|_| {
                    "the webhook's sealed secret does not open with the configured key".to_owned()
                })?;
                DeliveryTarget::Webhook { url, secret: WebhookSecret::from_stored(secret) }
            }
            (Some((url, secret)), _) => DeliveryTarget::Webhook { url, secret },
            (None, _) => return Err("the organization's webhook was removed".to_owned()),
        },
    };
    Ok(OutgoingMessage {
        id: m.id,
        kind: m.kind.clone(),
        created_at: m.created_at,
        subject: m.subject.clone(),
        data: payload.get("data").cloned().unwrap_or(Value::Null),
        text: payload.get("text").and_then(Value::as_str).unwrap_or_default().to_owned(),
        target,
    })
}
