//! API tokens: random secrets shown once, stored as a digest.
//!
//! A token is looked up by a short *selector* (the first 8 bytes of its SHA-256, in hex) and
//! then checked against the full SHA-256 in constant time. Tokens carry 256 bits of randomness,
//! so a fast hash is the right tool (a password hash would add nothing but latency).

use base64::Engine;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::ValidationError;

/// Prefix that makes Accord tokens recognisable to secret scanners.
pub const TOKEN_PREFIX: &str = "accord_";

/// A token secret in clear text. Only ever held briefly: to show it once, or to check it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiToken(String);

impl std::fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiToken(…)")
    }
}

impl ApiToken {
    /// A new token from 32 random bytes drawn by the caller.
    pub fn from_random(bytes: [u8; 32]) -> Self {
        Self(format!("{TOKEN_PREFIX}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)))
    }

    /// A token chosen by an operator (the bootstrap token): at least 16 printable characters.
    pub fn chosen(s: &str) -> Result<Self, ValidationError> {
        if s.len() < 16 || s.len() > 256 {
            return Err(ValidationError::new("token", "must be 16 to 256 characters long"));
        }
        if !s.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ValidationError::new("token", "must be printable ASCII without spaces"));
        }
        Ok(Self(s.to_owned()))
    }

    /// A token presented by a client; any length up to 256 bytes is looked up (and fails).
    pub fn presented(s: &str) -> Option<Self> {
        (!s.is_empty() && s.len() <= 256).then(|| Self(s.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn digest(&self) -> TokenDigest {
        let full: [u8; 32] = Sha256::digest(self.0.as_bytes()).into();
        TokenDigest { selector: hex::encode(&full[..8]), verifier: full }
    }
}

/// What is stored of a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenDigest {
    /// Indexed, used to find the row.
    pub selector: String,
    /// Compared in constant time.
    pub verifier: [u8; 32],
}

impl TokenDigest {
    /// Constant-time comparison with a stored verifier.
    pub fn matches(&self, stored_verifier: &[u8]) -> bool {
        stored_verifier.len() == 32 && bool::from(self.verifier.ct_eq(stored_verifier))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_have_prefix_and_digest() {
        let t = ApiToken::from_random([1; 32]);
        assert!(t.expose().starts_with("accord_"));
        assert_eq!(t.expose().len(), 7 + 43);
        let d = t.digest();
        assert_eq!(d.selector.len(), 16);
        assert!(d.matches(&d.verifier));
        let other = ApiToken::from_random([2; 32]).digest();
        assert!(!d.matches(&other.verifier));
        assert!(!d.matches(&d.verifier[..31]));
        assert!(format!("{t:?}").find("accord_").is_none(), "Debug must not leak the secret");
    }

    #[test]
    fn chosen_tokens_are_checked() {
        assert!(ApiToken::chosen("short").is_err());
        assert!(ApiToken::chosen("has a space in it!!").is_err());
        assert!(ApiToken::chosen("0123456789abcdef").is_ok());
    }
}
