//! E-mail deliveries over SMTP (with `lettre`): one plain-text message per outbox message,
//! with the message's subject and a `Message-ID` made of its id, so that a message sent again
//! after a lost answer can be recognised as the same.
//!
//! The server is given as a URL: `smtp://host[:port]` (no TLS, port 25; for a relay on the same
//! machine), `smtp://host:587?tls=required` (STARTTLS), `smtps://user:password@host[:port]`
//! (TLS from the start, port 465); credentials in the URL are percent-decoded.

use std::time::Duration;

use accord_app::OutgoingMessage;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// Sends e-mails through one SMTP server.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The domain of `Message-ID`s: the sender address's.
    domain: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The transport holds the credentials: never print it.
        write!(f, "Mailer(from {})", self.from)
    }
}

impl Mailer {
    /// A mailer for the server at `url`, sending as `from` (`accord@example.org` or
    /// `Accord <accord@example.org>`), giving each message at most `timeout` per SMTP step.
    pub fn new(url: &str, from: &str, timeout: Duration) -> Result<Self, String> {
        let from: Mailbox =
            from.parse().map_err(|e| format!("the sender address {from:?} is not valid: {e}"))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            // The URL may hold a password: do not repeat it.
            .map_err(|e| {
                format!("the SMTP URL is not valid (smtp://host:port or smtps://user:password@host): {e}")
            })?
            .timeout(Some(timeout))
            .build();
        let domain = from.email.domain().to_owned();
        Ok(Self { transport, from, domain })
    }

    /// Sends one message; the error says what went wrong.
    pub async fn deliver(&self, to: &str, message: &OutgoingMessage) -> Result<(), String> {
        let to: Mailbox = to.parse().map_err(|e| format!("the address is not valid: {e}"))?;
        let email = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(message.subject.clone())
            .message_id(Some(format!("<{}@{}>", message.id, self.domain)))
            .header(ContentType::TEXT_PLAIN)
            .body(message.text.clone())
            .map_err(|e| format!("cannot build the e-mail: {e}"))?;
        self.transport.send(email).await.map(|_| ()).map_err(|e| format!("SMTP: {e}"))
    }
}
