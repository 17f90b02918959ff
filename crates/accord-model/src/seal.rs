//! Encryption at rest of confidential case text (embargoed descriptions, threads,
//! attachments): XChaCha20-Poly1305 under a key kept outside the database, so a copied store
//! file reveals nothing that is still under embargo.
//!
//! A sealed value is `v1:` + base64 of (24-byte nonce ‖ ciphertext ‖ tag). The additional data
//! binds it to where it belongs (case id and field), so a ciphertext moved to another row or
//! field does not open. The caller supplies the nonce (random bytes): this crate draws none.

use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

const PREFIX: &str = "v1:";

/// The key that seals case text. Its bytes never leave this type (no `Debug` output).
#[derive(Clone)]
pub struct SealingKey(XChaCha20Poly1305);

impl std::fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealingKey(…)")
    }
}

/// A sealed value that does not open: wrong key, altered, or moved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a sealed value does not open with this key (wrong key, or altered)")]
pub struct OpenError;

impl SealingKey {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(XChaCha20Poly1305::new(&bytes.into()))
    }

    /// Reads a key written as 64 hexadecimal digits (surrounding white space ignored).
    pub fn from_hex(text: &str) -> Result<Self, crate::ValidationError> {
        let bytes: [u8; 32] = hex::decode(text.trim())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| crate::ValidationError::new("key", "must be 64 hexadecimal digits (32 bytes)"))?;
        Ok(Self::from_bytes(bytes))
    }

    /// Seals `plaintext` for the place `aad` names (e.g. `case:<id>:description`).
    pub fn seal(&self, nonce: [u8; 24], aad: &str, plaintext: &str) -> String {
        let sealed = self
            .0
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: plaintext.as_bytes(), aad: aad.as_bytes() })
            .expect("XChaCha20-Poly1305 encryption cannot fail for in-memory input");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!("{PREFIX}{}", STANDARD_NO_PAD.encode(out))
    }

    /// Seals bytes (a file) for the place `aad` names.
    pub fn seal_bytes(&self, nonce: [u8; 24], aad: &str, plaintext: &[u8]) -> Vec<u8> {
        let sealed = self
            .0
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: plaintext, aad: aad.as_bytes() })
            .expect("XChaCha20-Poly1305 encryption cannot fail for in-memory input");
        let mut out = Vec::with_capacity(PREFIX.len() + 24 + sealed.len());
        out.extend_from_slice(PREFIX.as_bytes());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    /// Opens bytes sealed by [`Self::seal_bytes`] for `aad`.
    pub fn open_bytes(&self, aad: &str, sealed: &[u8]) -> Result<Vec<u8>, OpenError> {
        let body = sealed.strip_prefix(PREFIX.as_bytes()).filter(|b| b.len() >= 24 + 16).ok_or(OpenError)?;
        let (nonce, body) = body.split_at(24);
        self.0
            .decrypt(XNonce::from_slice(nonce), Payload { msg: body, aad: aad.as_bytes() })
            .map_err(|_| OpenError)
    }

    /// Opens a value sealed for `aad`.
    pub fn open(&self, aad: &str, sealed: &str) -> Result<String, OpenError> {
        let bytes = sealed
            .strip_prefix(PREFIX)
            .and_then(|b| STANDARD_NO_PAD.decode(b).ok())
            .filter(|b| b.len() >= 24 + 16)
            .ok_or(OpenError)?;
        let (nonce, body) = bytes.split_at(24);
        let plain = self
            .0
            .decrypt(XNonce::from_slice(nonce), Payload { msg: body, aad: aad.as_bytes() })
            .map_err(|_| OpenError)?;
        String::from_utf8(plain).map_err(|_| OpenError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_and_opens_only_in_place() {
        let key = SealingKey::from_bytes([7; 32]);
        let sealed = key.seal([1; 24], "case:1:description", "heap overflow in the parser");
        assert!(sealed.starts_with("v1:"));
        assert!(!sealed.contains("overflow"));
        assert_eq!(key.open("case:1:description", &sealed).unwrap(), "heap overflow in the parser");
        assert_eq!(key.open("case:2:description", &sealed), Err(OpenError), "moved to another case");
        assert_eq!(SealingKey::from_bytes([8; 32]).open("case:1:description", &sealed), Err(OpenError));
        let mut altered = sealed.clone();
        altered.pop();
        altered.push('A');
        assert_eq!(key.open("case:1:description", &altered), Err(OpenError));
        assert_eq!(key.open("x", "plain text"), Err(OpenError));
        assert_ne!(key.seal([2; 24], "a", "same"), key.seal([3; 24], "a", "same"), "a fresh nonce each time");
    }

    #[test]
    fn bytes_too() {
        let key = SealingKey::from_bytes([7; 32]);
        let sealed = key.seal_bytes([1; 24], "att:1", b"%PDF-1.7 secret");
        assert!(!sealed.windows(6).any(|w| w == b"secret"));
        assert_eq!(key.open_bytes("att:1", &sealed).unwrap(), b"%PDF-1.7 secret");
        assert_eq!(key.open_bytes("att:2", &sealed), Err(OpenError));
    }

    #[test]
    fn keys_from_hex() {
        assert!(SealingKey::from_hex(&"ab".repeat(32)).is_ok());
        assert_eq!(SealingKey::from_hex("abc").unwrap_err().field, "key");
        assert_eq!(format!("{:?}", SealingKey::from_bytes([0; 32])), "SealingKey(…)");
    }
}
