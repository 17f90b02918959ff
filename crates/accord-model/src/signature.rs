//! Ed25519 public keys and signatures of the accord.

use std::fmt;
use std::str::FromStr;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, VerifyingKey};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{AccordVersionNumber, OrganizationId, ValidationError};

/// An Ed25519 public key, written as standard base64 of its 32 bytes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    pub fn from_verifying_key(key: VerifyingKey) -> Self {
        Self(key)
    }

    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0.as_bytes())
    }

    /// A short fingerprint to show people: first 8 bytes of SHA-256 of the key, in hex.
    pub fn fingerprint(&self) -> String {
        hex::encode(&Sha256::digest(self.0.as_bytes())[..8])
    }

    /// Verifies `signature` over `message` with the strict rules (no small-order keys,
    /// canonical encodings only), so one message has one valid signature encoding per key.
    pub fn verify(&self, message: &[u8], signature: &SignatureValue) -> Result<(), SignatureError> {
        self.0.verify_strict(message, &signature.0).map_err(|_| SignatureError::Invalid)
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.to_base64())
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_base64())
    }
}

impl FromStr for PublicKey {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = |m: &str| ValidationError::new("public_key", m.to_owned());
        let bytes = STANDARD.decode(s.trim()).map_err(|_| bad("is not standard base64"))?;
        let bytes: [u8; 32] =
            bytes.try_into().map_err(|_| bad("an Ed25519 public key is 32 bytes (44 base64 characters)"))?;
        let key = VerifyingKey::from_bytes(&bytes).map_err(|_| bad("is not a valid Ed25519 point"))?;
        if key.is_weak() {
            return Err(bad("is a weak (small-order) Ed25519 key"));
        }
        Ok(Self(key))
    }
}

impl Serialize for PublicKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_base64())
    }
}

impl<'de> Deserialize<'de> for PublicKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// An Ed25519 signature, written as standard base64 of its 64 bytes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SignatureValue(Signature);

impl SignatureValue {
    pub fn from_signature(sig: Signature) -> Self {
        Self(sig)
    }

    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0.to_bytes())
    }
}

impl fmt::Debug for SignatureValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SignatureValue({})", self.to_base64())
    }
}

impl FromStr for SignatureValue {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bytes = STANDARD
            .decode(s.trim())
            .map_err(|_| ValidationError::new("signature", "is not standard base64"))?;
        let bytes: [u8; 64] = bytes.try_into().map_err(|_| {
            ValidationError::new("signature", "an Ed25519 signature is 64 bytes (88 base64 characters)")
        })?;
        Ok(Self(Signature::from_bytes(&bytes)))
    }
}

impl Serialize for SignatureValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_base64())
    }
}

impl<'de> Deserialize<'de> for SignatureValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Why a signature was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the signature does not verify against the accord statement with this key")]
    Invalid,
}

/// A recorded signature of the accord by an organisation: everything an auditor needs to
/// check it offline (rebuild the statement with [`crate::accord::signing_statement`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccordSignature {
    pub organization_id: OrganizationId,
    pub version: AccordVersionNumber,
    pub accord_sha256: String,
    pub public_key: PublicKey,
    pub signature: SignatureValue,
    /// The exact statement that was signed.
    pub statement: String,
    #[serde(with = "crate::time::serde_ts")]
    pub signed_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};

    #[test]
    fn verify_good_and_bad() {
        let sk = SigningKey::from_bytes(&[9; 32]);
        let pk = PublicKey::from_verifying_key(sk.verifying_key());
        let pk2: PublicKey = pk.to_base64().parse().unwrap();
        assert_eq!(pk, pk2);
        let sig = SignatureValue::from_signature(sk.sign(b"statement"));
        let sig2: SignatureValue = sig.to_base64().parse().unwrap();
        assert!(pk.verify(b"statement", &sig2).is_ok());
        assert_eq!(pk.verify(b"statemenT", &sig2), Err(SignatureError::Invalid));
        let other = PublicKey::from_verifying_key(SigningKey::from_bytes(&[8; 32]).verifying_key());
        assert_eq!(other.verify(b"statement", &sig2), Err(SignatureError::Invalid));
    }

    #[test]
    fn rejects_malformed_keys() {
        assert!("not base64!".parse::<PublicKey>().is_err());
        assert!("AAAA".parse::<PublicKey>().unwrap_err().message.contains("32 bytes"));
        // the identity point is a small-order key
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let b64 = STANDARD.encode(identity);
        assert!(b64.parse::<PublicKey>().is_err());
        assert!("AAAA".parse::<SignatureValue>().is_err());
    }
}
