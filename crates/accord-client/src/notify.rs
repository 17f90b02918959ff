//! The [`NotificationSender`] of `accord serve`: webhooks over HTTP, e-mails over SMTP.

use std::sync::Arc;
use std::time::Duration;

use accord_app::{DeliveryTarget, NotificationSender, OutgoingMessage};

use crate::email::Mailer;
use crate::webhook::WebhookClient;

/// Delivers outbox messages. Cheap to clone.
#[derive(Clone)]
pub struct Deliveries {
    webhooks: WebhookClient,
    mailer: Option<Arc<Mailer>>,
}

impl Deliveries {
    /// Webhooks with `timeout` per delivery, and e-mails when a mailer is given.
    pub fn new(timeout: Duration, mailer: Option<Mailer>) -> Result<Self, String> {
        Ok(Self { webhooks: WebhookClient::new(timeout)?, mailer: mailer.map(Arc::new) })
    }
}

impl NotificationSender for Deliveries {
    async fn send(&self, message: &OutgoingMessage) -> Result<(), String> {
        match &message.target {
            DeliveryTarget::Webhook { url, secret } => self.webhooks.deliver(url, secret, message).await,
            DeliveryTarget::Email { to } => match &self.mailer {
                Some(mailer) => mailer.deliver(to, message).await,
                None => Err("no SMTP server is configured (--smtp-url)".to_owned()),
            },
        }
    }
}
