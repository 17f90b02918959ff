//! C2SP tlog-cosignature v1 (Ed25519, signature type 0x04): a witness's timestamped signature
//! of a checkpoint. The signed message is `cosignature/v1\ntime <t>\n` followed by the whole
//! checkpoint body; the signature line carries `key id ‖ u64 big-endian timestamp ‖ 64-byte
//! Ed25519 signature`. Its meaning: as of time `t`, this is the largest tree the cosigner has
//! seen for the origin, consistent with all earlier ones. Time is the caller's parameter.

use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature as Ed25519Signature, Signer as _, SigningKey};

use crate::checkpoint::{Checkpoint, CheckpointError};
use crate::keys::{KeyError, KeyId, KeyName, VerifierKey};
use crate::note::NoteSignature;

/// The signature type byte of Ed25519 cosignatures.
pub const COSIGNATURE_TYPE: u8 = 0x04;

/// The length of a cosignature after the key ID: timestamp and Ed25519 signature.
pub const COSIGNATURE_LEN: usize = 8 + 64;

/// Why a cosignature cannot be made or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CosignatureError {
    #[error("a cosignature timestamp must be below 2^63, not {0}")]
    Timestamp(u64),
    #[error("a cosignature is {COSIGNATURE_LEN} bytes after its key ID, not {0}")]
    Length(usize),
    #[error("the note already carries the most signatures a note may have")]
    TooManySignatures,
    #[error("a cosigner signs checkpoints: {0}")]
    NotACheckpoint(#[from] CheckpointError),
}

/// The message a cosigner signs: `cosignature/v1\ntime <timestamp>\n<checkpoint body>`.
pub fn signed_message(timestamp: u64, checkpoint_text: &str) -> Result<String, CosignatureError> {
    if timestamp >= 1 << 63 {
        return Err(CosignatureError::Timestamp(timestamp));
    }
    Ok(format!("cosignature/v1\ntime {timestamp}\n{checkpoint_text}"))
}

/// Splits the bytes of a cosignature (after the key ID) into its timestamp and signature.
pub fn split_signature(bytes: &[u8]) -> Result<(u64, Ed25519Signature), CosignatureError> {
    let (ts, sig) = bytes.split_first_chunk::<8>().ok_or(CosignatureError::Length(bytes.len()))?;
    let sig: &[u8; 64] = sig.try_into().map_err(|_| CosignatureError::Length(bytes.len()))?;
    let timestamp = u64::from_be_bytes(*ts);
    if timestamp >= 1 << 63 {
        return Err(CosignatureError::Timestamp(timestamp));
    }
    Ok((timestamp, Ed25519Signature::from_bytes(sig)))
}

/// A witness's Ed25519 key that cosigns checkpoints.
#[derive(Clone)]
pub struct Cosigner {
    name: KeyName,
    key_id: KeyId,
    key: SigningKey,
}

impl std::fmt::Debug for Cosigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Cosigner({}+{}, private key hidden)", self.name, self.key_id)
    }
}

impl Cosigner {
    /// The cosigner `name` whose Ed25519 private key is `seed`.
    pub fn from_seed(name: KeyName, seed: &[u8; 32]) -> Self {
        let key = SigningKey::from_bytes(seed);
        let key_id = KeyId::derive(&name, COSIGNATURE_TYPE, key.verifying_key().as_bytes());
        Self { name, key_id, key }
    }

    pub fn name(&self) -> &KeyName {
        &self.name
    }

    pub fn key_id(&self) -> KeyId {
        self.key_id
    }

    /// The `PRIVATE+KEY+<name>+<hex key id>+base64(0x04 ‖ seed)` text form: Go's signer-key
    /// form with the cosignature type byte. It holds the private key: keep it secret.
    pub fn to_private_key_string(&self) -> String {
        let mut bytes = vec![COSIGNATURE_TYPE];
        bytes.extend_from_slice(self.key.as_bytes());
        format!("PRIVATE+KEY+{}+{}+{}", self.name, self.key_id, STANDARD.encode(bytes))
    }

    /// The verifier key (type 0x04) of this cosigner.
    pub fn verifier_key(&self) -> VerifierKey {
        VerifierKey::cosignature(self.name.clone(), &self.key.verifying_key())
    }

    /// Cosigns a checkpoint body at `timestamp` (POSIX seconds): the signature line to add to
    /// the checkpoint's note.
    pub fn sign(&self, checkpoint_text: &str, timestamp: u64) -> Result<NoteSignature, CosignatureError> {
        Checkpoint::parse(checkpoint_text)?;
        let message = signed_message(timestamp, checkpoint_text)?;
        let sig = self.key.sign(message.as_bytes());
        let mut bytes = Vec::with_capacity(COSIGNATURE_LEN);
        bytes.extend_from_slice(&timestamp.to_be_bytes());
        bytes.extend_from_slice(&sig.to_bytes());
        Ok(NoteSignature::new(self.name.clone(), self.key_id, bytes))
    }
}

impl FromStr for Cosigner {
    type Err = KeyError;

    /// Reads the text form of [`Cosigner::to_private_key_string`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (name, stated, seed) = crate::keys::parse_private_key(s, COSIGNATURE_TYPE)?;
        let cosigner = Self::from_seed(name, &seed);
        if cosigner.key_id != stated {
            return Err(KeyError::KeyIdMismatch { stated, expected: cosigner.key_id });
        }
        Ok(cosigner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_private_key_text_form_round_trips() {
        let cosigner = Cosigner::from_seed(KeyName::new("witness.example/w1").unwrap(), &[7; 32]);
        let text = cosigner.to_private_key_string();
        assert!(text.starts_with("PRIVATE+KEY+witness.example/w1+"));
        let back: Cosigner = text.parse().unwrap();
        assert_eq!(back.verifier_key().to_string(), cosigner.verifier_key().to_string());
        // A note signer's key (type 0x01) is not a cosigner's.
        let signer = crate::NoteSigner::from_seed(KeyName::new("witness.example/w1").unwrap(), &[7; 32]);
        assert_eq!(signer.to_private_key_string().parse::<Cosigner>().unwrap_err(), KeyError::WrongType);
        // Another key ID than the key's.
        let forged = text.replacen(&cosigner.key_id().to_string(), "00000000", 1);
        assert!(matches!(forged.parse::<Cosigner>(), Err(KeyError::KeyIdMismatch { .. })));
        assert_eq!("witness.example/w1".parse::<Cosigner>().unwrap_err(), KeyError::SignerParts);
    }
}
