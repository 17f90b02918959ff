//! Records and writes of the notification outbox and of the organisations' webhooks.
//!
//! Messages are enqueued with [`crate::RegistryWrite::Notify`] in the same batch (so the same
//! transaction) as the change they announce. Delivery is claim → deliver → record: the worker
//! claims due messages ([`crate::Store::claim_notifications`], which leases them so that no
//! other worker takes them meanwhile), talks to the network with no transaction open, and
//! records each outcome ([`crate::Store::record_delivered`],
//! [`crate::Store::record_failed_attempt`]).

use accord_model::notification::{DeliveryState, RecipientKind, WebhookSecret, WebhookUrl};
use accord_model::{Email, NotificationId, OrganizationId};
use jiff::Timestamp;

/// Who a new message goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotificationRecipient {
    /// An e-mail address.
    Email(Email),
    /// The organisation's webhook. When the organisation has none at the time of the write,
    /// nothing is enqueued for it.
    OrganizationWebhook(OrganizationId),
    /// An e-mail address that is confidential (a finder's contact), sealed by the application:
    /// the store keeps it as given and never sees it in clear. Listed with
    /// [`OutboxMessage::destination_sealed`] set.
    SealedEmail(String),
}

/// A message to enqueue (see [`crate::RegistryWrite::Notify`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotification {
    pub id: NotificationId,
    /// The event, such as `organization.invited`.
    pub kind: String,
    pub created_at: Timestamp,
    pub recipient: NotificationRecipient,
    /// The e-mail subject (and a one-line summary for administrators).
    pub subject: String,
    /// JSON kept as given: `{"data": {...}, "text": "..."}`.
    pub payload: String,
}

/// A message of the outbox as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    pub id: NotificationId,
    pub created_at: Timestamp,
    pub kind: String,
    pub recipient_kind: RecipientKind,
    /// For webhook messages: the organisation whose webhook receives it.
    pub organization_id: Option<OrganizationId>,
    /// The webhook URL (as of the last claim) or the e-mail address (sealed when
    /// `destination_sealed`).
    pub destination: String,
    /// Whether `destination` is an address sealed by the application (a finder's contact).
    pub destination_sealed: bool,
    pub subject: String,
    pub payload: String,
    pub state: DeliveryState,
    /// Attempts made so far (successful or not).
    pub attempts: u32,
    /// When a pending message is due (or its lease ends, while a worker holds it).
    pub next_attempt_at: Option<Timestamp>,
    pub last_error: Option<String>,
    pub delivered_at: Option<Timestamp>,
}

impl OutboxMessage {
    /// The destination as administrators see it: a sealed address is not shown.
    pub fn shown_destination(&self) -> &str {
        if self.destination_sealed { "(sealed)" } else { &self.destination }
    }
}

/// A message handed to a worker, with what it needs to deliver it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedMessage {
    pub message: OutboxMessage,
    /// For webhook messages: the organisation's webhook as configured now, or `None` when it
    /// was removed after the message was enqueued.
    pub webhook: Option<(WebhookUrl, WebhookSecret)>,
    /// The webhook's secret as stored is sealed with the server's sealing key.
    pub webhook_secret_sealed: bool,
}

/// An organisation's webhook as the API shows it: never its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookRecord {
    pub organization_id: OrganizationId,
    pub url: WebhookUrl,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}
