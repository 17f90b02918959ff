//! Webhook deliveries: one signed HTTP `POST` per message.
//!
//! The body is `{"id", "kind", "created_at", "data"}`. Headers: `X-Accord-Event` (the kind),
//! `X-Accord-Delivery` (the message id, the same on every retry), `X-Accord-Timestamp` (Unix
//! seconds when this attempt was signed) and `X-Accord-Signature: sha256=HEX`, where HEX is
//! the lower-case hexadecimal HMAC-SHA-256, keyed with the webhook's secret, of the timestamp,
//! a dot and the exact body bytes. Any 2xx answer is a delivery; anything else (another status,
//! a redirect, a refused connection, no answer within the timeout) is a failed attempt.

use std::time::Duration;

use accord_app::OutgoingMessage;
use accord_app::model::notification::{WebhookSecret, WebhookUrl};
use accord_app::model::time::format_timestamp;
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;

/// The value of `X-Accord-Signature` for a body sent at `timestamp` (Unix seconds).
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// The JSON body a webhook receives for a message.
pub fn body(message: &OutgoingMessage) -> Vec<u8> {
    json!({
        "id": message.id,
        "kind": message.kind,
        "created_at": format_timestamp(message.created_at),
        "data": message.data,
    })
    .to_string()
    .into_bytes()
}

/// Posts messages to webhooks.
#[derive(Clone)]
pub struct WebhookClient {
    http: reqwest::Client,
}

impl WebhookClient {
    /// A client that gives each delivery at most `timeout` (connecting included) and follows
    /// no redirects.
    pub fn new(timeout: Duration) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("accord/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot make the webhook client: {e}"))?;
        Ok(Self { http })
    }

    /// Delivers one message; the error says what went wrong without the secret.
    pub async fn deliver(
        &self,
        url: &WebhookUrl,
        secret: &WebhookSecret,
        message: &OutgoingMessage,
    ) -> Result<(), String> {
        let body = body(message);
        let timestamp = jiff::Timestamp::now().as_second();
        let response = self
            .http
            .post(url.as_str())
            .header("content-type", "application/json")
            .header("x-accord-event", &message.kind)
            .header("x-accord-delivery", message.id.to_string())
            .header("x-accord-timestamp", timestamp.to_string())
            .header("x-accord-signature", signature(secret.expose(), timestamp, &body))
            .body(body)
            .send()
            .await
            .map_err(describe)?;
        let status = response.status();
        if status.is_success() { Ok(()) } else { Err(format!("HTTP {}", status.as_u16())) }
    }
}

/// A short reason for a failed request, without the URL (it is shown beside the error).
fn describe(e: reqwest::Error) -> String {
    if e.is_timeout() {
        "no answer within the timeout".to_owned()
    } else if e.is_connect() {
        "cannot connect".to_owned()
    } else {
        let e = e.without_url();
        let mut text = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            text = format!("{text}: {s}");
            source = s.source();
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A value computed by hand with `openssl dgst -sha256 -hmac`.
    #[test]
    fn signature_is_hmac_of_timestamp_dot_body() {
        let s = signature("0123456789abcdef", 1700000000, br#"{"a":1}"#);
        assert_eq!(s, "sha256=9eb18f493f8ec135d9eb2dad817c369bb4e9cbfa818657897a7437c1cd8c3a23");
        assert_ne!(s, signature("0123456789abcdef", 1700000001, br#"{"a":1}"#));
        assert_ne!(s, signature("0123456789abcdeF", 1700000000, br#"{"a":1}"#));
    }
}
