//! Notifications: who an outbox message goes to, where it stands, the webhook settings of an
//! organisation and the retry schedule. Delivery itself (HTTP, SMTP) happens elsewhere.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::ValidationError;
use crate::ids::truncate;

/// How a message travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecipientKind {
    /// A signed HTTP `POST` to an organisation's webhook.
    Webhook,
    /// A plain-text e-mail over SMTP.
    Email,
}

impl RecipientKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Webhook => "webhook",
            Self::Email => "email",
        }
    }
}

impl fmt::Display for RecipientKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RecipientKind {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "webhook" => Ok(Self::Webhook),
            "email" => Ok(Self::Email),
            other => Err(ValidationError::new(
                "recipient_kind",
                format!("{:?} is not a recipient kind; use webhook or email", truncate(other)),
            )),
        }
    }
}

/// Where an outbox message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryState {
    /// Not delivered yet; tried again at its next attempt time.
    Pending,
    /// Accepted by the receiver (a 2xx answer, or the SMTP server took it).
    Delivered,
    /// Given up after the last attempt the retry policy allows.
    Failed,
}

impl DeliveryState {
    pub const ALL: [DeliveryState; 3] = [Self::Pending, Self::Delivered, Self::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
        }
    }
}

impl fmt::Display for DeliveryState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DeliveryState {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| {
            ValidationError::new(
                "state",
                format!("{:?} is not a delivery state; use pending, delivered or failed", truncate(s)),
            )
        })
    }
}

/// The URL of a webhook: `http://` or `https://`, with a host, at most 2,000 characters, no
/// spaces or control characters and no credentials in it (the shared secret authenticates).
/// Loopback and private addresses are allowed: receivers often run beside the server.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WebhookUrl(String);

impl WebhookUrl {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Wraps a URL the store validated when it was saved.
    pub fn from_stored(s: String) -> Self {
        Self(s)
    }
}

impl fmt::Display for WebhookUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for WebhookUrl {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = |m: &str| ValidationError::new("url", m.to_owned());
        let s = s.trim();
        if s.len() > 2000 {
            return Err(bad("must be at most 2000 characters"));
        }
        if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad("must not contain spaces or control characters"));
        }
        let lower = s.to_ascii_lowercase();
        let rest = if lower.starts_with("https://") {
            &s["https://".len()..]
        } else if lower.starts_with("http://") {
            &s["http://".len()..]
        } else {
            return Err(bad("must be an http:// or https:// URL"));
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        if authority.contains('@') {
            return Err(bad("must not carry credentials; the secret authenticates the server"));
        }
        let host = match authority.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or(""),
            None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
        };
        if host.is_empty() {
            return Err(bad("must name a host"));
        }
        if let Some(port) = authority.strip_prefix('[').map_or_else(
            || authority.rsplit_once(':').map(|(_, p)| p),
            |v6| v6.split_once("]:").map(|(_, p)| p),
        ) && port.parse::<u16>().map_or(true, |p| p == 0)
        {
            return Err(bad("has a port that is not a number from 1 to 65535"));
        }
        Ok(Self(s.to_owned()))
    }
}

/// The shared secret of a webhook: 16 to 256 printable ASCII characters. The server signs each
/// delivery with it (HMAC-SHA-256), so it is kept as written and never shown again.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret(String);

impl WebhookSecret {
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Wraps a secret the store validated when it was saved.
    pub fn from_stored(s: String) -> Self {
        Self(s)
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(…)")
    }
}

impl FromStr for WebhookSecret {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if !(16..=256).contains(&s.len()) || !s.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ValidationError::new(
                "secret",
                "must be 16 to 256 printable ASCII characters without spaces",
            ));
        }
        Ok(Self(s.to_owned()))
    }
}

/// When to try a message again after a failed attempt.
///
/// The delays grow from `base`: 1, 4, 20, 120 and 720 times it (30 s, 2 min, 10 min, 1 h and
/// 6 h for the default 30 s), then stay at the last step; each is spread by ±20 % so that the
/// messages of one outage do not all come back at once. After `max_attempts` failed attempts
/// the message is given up (`failed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub base: Duration,
    pub max_attempts: u32,
}

const STEPS: [u32; 5] = [1, 4, 20, 120, 720];

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { base: Duration::from_secs(30), max_attempts: 12 }
    }
}

impl RetryPolicy {
    /// The wait before the next attempt once `attempts` attempts have failed, or `None` when
    /// that was the last allowed. `jitter` in `[0, 1]` (drawn by the caller) spreads the delay
    /// over 80–120 % of its step.
    pub fn delay_after(&self, attempts: u32, jitter: f64) -> Option<Duration> {
        if attempts >= self.max_attempts {
            return None;
        }
        let step =
            STEPS[usize::try_from(attempts.saturating_sub(1)).unwrap_or(usize::MAX).min(STEPS.len() - 1)];
        let nominal = self.base.saturating_mul(step);
        let factor = 0.8 + 0.4 * jitter.clamp(0.0, 1.0);
        Some(nominal.mul_f64(factor))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_urls() {
        for good in [
            "https://hooks.example.com/accord",
            "http://127.0.0.1:8080/in",
            "http://[::1]:9000/x?y=1",
            "HTTPS://Example.org",
        ] {
            assert!(good.parse::<WebhookUrl>().is_ok(), "{good}");
        }
        for bad in [
            "ftp://example.com",
            "https://",
            "https:///path",
            "https://user:pw@example.com/",
            "https://example.com/a b",
            "http://example.com:0/",
            "http://example.com:99999/",
            "example.com",
        ] {
            let e = bad.parse::<WebhookUrl>().unwrap_err();
            assert_eq!(e.field, "url", "{bad}");
        }
    }

    #[test]
    fn secrets_are_never_printed() {
        let s: WebhookSecret = "0123456789abcdef".parse().unwrap();
        assert!(!format!("{s:?}").contains("0123"));
        assert!("short".parse::<WebhookSecret>().is_err());
        assert!("with a space in it, long enough".parse::<WebhookSecret>().is_err());
    }

    #[test]
    fn retries_back_off_then_stop() {
        let p = RetryPolicy::default();
        let mid = |n| p.delay_after(n, 0.5).unwrap().as_secs();
        assert_eq!([mid(1), mid(2), mid(3), mid(4), mid(5), mid(11)], [30, 120, 600, 3600, 21600, 21600]);
        assert_eq!(p.delay_after(1, 0.0).unwrap(), Duration::from_secs(24));
        assert_eq!(p.delay_after(1, 1.0).unwrap(), Duration::from_secs(36));
        assert_eq!(p.delay_after(12, 0.5), None);
        assert_eq!(p.delay_after(0, 0.5).unwrap().as_secs(), 30);
    }

    #[test]
    fn states_and_kinds_round_trip() {
        for s in DeliveryState::ALL {
            assert_eq!(s.as_str().parse::<DeliveryState>().unwrap(), s);
        }
        assert_eq!("email".parse::<RecipientKind>().unwrap(), RecipientKind::Email);
        assert!("sms".parse::<RecipientKind>().is_err());
    }
}
