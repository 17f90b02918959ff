//! C2SP signed-note v1 keys: key names, key IDs, signature types, verifier keys
//! (`<name>+<hex key id>+base64(<type> ‖ <key>)`) and Ed25519 note signers, with the signer-key
//! text form `PRIVATE+KEY+<name>+<hex key id>+base64(0x01 ‖ <32-byte seed>)` of Go's
//! `golang.org/x/mod/sumdb/note`.
//!
//! Verifier keys of types 0x01 (Ed25519), 0x04 (Ed25519 timestamped cosignature, C2SP
//! tlog-cosignature v1), 0x02 (ECDSA P-256, as transparency-dev/witness and Rekor use it) and
//! 0x05 (RFC 6962 TreeHeadSignature, C2SP static-ct-api) verify signatures; only 0x01 and 0x04
//! can be made here.

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature as Ed25519Signature, SigningKey, VerifyingKey};
use p256::ecdsa::signature::Verifier as _;
use p256::pkcs8::DecodePublicKey as _;
use sha2::{Digest, Sha256};

use crate::checkpoint::Checkpoint;
use crate::cosignature;
use crate::note::NoteSignature;

/// The name of a key: non-empty, no Unicode white space, no `+`. Recommended: a schema-less
/// URL such as `example.com/log`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyName(String);

/// Why a key name is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyNameError {
    #[error("a key name cannot be empty")]
    Empty,
    #[error("a key name cannot contain white space")]
    WhiteSpace,
    #[error("a key name cannot contain `+`")]
    Plus,
    #[error("a key name cannot contain control characters")]
    Control,
}

impl KeyName {
    pub fn new(name: impl Into<String>) -> Result<Self, KeyNameError> {
        let name = name.into();
        if name.is_empty() {
            return Err(KeyNameError::Empty);
        }
        if name.chars().any(char::is_whitespace) {
            return Err(KeyNameError::WhiteSpace);
        }
        if name.contains('+') {
            return Err(KeyNameError::Plus);
        }
        if name.chars().any(char::is_control) {
            return Err(KeyNameError::Control);
        }
        Ok(Self(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for KeyName {
    type Err = KeyNameError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl fmt::Display for KeyName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A key ID: a big-endian `uint32` that, with the key name, selects the key of a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(pub u32);

impl KeyId {
    /// The recommended key ID: the first 4 bytes of `SHA-256(name ‖ 0x0A ‖ type ‖ key)`.
    pub fn derive(name: &KeyName, signature_type: u8, key: &[u8]) -> Self {
        let mut h = Sha256::new();
        h.update(name.as_str().as_bytes());
        h.update([b'\n', signature_type]);
        h.update(key);
        Self::from_digest(&h.finalize())
    }

    fn from_digest(d: &[u8]) -> Self {
        Self(u32::from_be_bytes([d[0], d[1], d[2], d[3]]))
    }

    pub fn to_bytes(self) -> [u8; 4] {
        self.0.to_be_bytes()
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:08x}", self.0)
    }
}

/// The signature types of the signed-note registry that this crate knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignatureType {
    /// 0x01: Ed25519 over the note text.
    Ed25519,
    /// 0x02: ECDSA P-256 over the note text; key ID = first 4 bytes of SHA-256 of the key.
    EcdsaP256,
    /// 0x04: Ed25519 timestamped cosignature of a checkpoint (tlog-cosignature v1).
    Cosignature,
    /// 0x05: RFC 6962 TreeHeadSignature of a checkpoint (static-ct-api); key ID over the
    /// RFC 6962 log ID (SHA-256 of the key) instead of the key.
    Rfc6962TreeHead,
}

impl SignatureType {
    pub fn byte(self) -> u8 {
        match self {
            Self::Ed25519 => 0x01,
            Self::EcdsaP256 => 0x02,
            Self::Cosignature => 0x04,
            Self::Rfc6962TreeHead => 0x05,
        }
    }

    pub fn from_byte(b: u8) -> Option<Self> {
        match b {
            0x01 => Some(Self::Ed25519),
            0x02 => Some(Self::EcdsaP256),
            0x04 => Some(Self::Cosignature),
            0x05 => Some(Self::Rfc6962TreeHead),
            _ => None,
        }
    }
}

/// Why a verifier or signer key string is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("a verifier key is `<name>+<hex key id>+<base64 key>`")]
    Parts,
    #[error("a signer key is `PRIVATE+KEY+<name>+<hex key id>+<base64 key>`")]
    SignerParts,
    #[error("bad key name: {0}")]
    Name(#[from] KeyNameError),
    #[error("the key ID is not 8 hex digits")]
    KeyIdSyntax,
    #[error("the key is not valid base64")]
    Base64,
    #[error("the key is empty")]
    Empty,
    #[error("unknown signature type 0x{0:02x}")]
    UnknownType(u8),
    #[error("this signature type cannot be used here")]
    WrongType,
    #[error("the key material is invalid for its signature type")]
    Material,
    #[error("the key ID {stated} does not match the key (expected {expected})")]
    KeyIdMismatch { stated: KeyId, expected: KeyId },
}

#[derive(Clone)]
enum Material {
    Ed25519(VerifyingKey),
    EcdsaP256(p256::ecdsa::VerifyingKey),
    Cosignature(VerifyingKey),
    Rfc6962TreeHead(p256::ecdsa::VerifyingKey),
}

/// A key that verifies note signatures, parsed from (and shown as) a vkey string.
#[derive(Clone)]
pub struct VerifierKey {
    name: KeyName,
    key_id: KeyId,
    signature_type: SignatureType,
    /// The bytes after the type byte, as the vkey carries them.
    raw: Vec<u8>,
    material: Material,
}

impl fmt::Debug for VerifierKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerifierKey({self})")
    }
}

pub(crate) fn parse_key_id(hex: &str) -> Result<KeyId, KeyError> {
    if hex.len() != 8 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(KeyError::KeyIdSyntax);
    }
    u32::from_str_radix(hex, 16).map(KeyId).map_err(|_| KeyError::KeyIdSyntax)
}

fn ed25519_key(raw: &[u8]) -> Result<VerifyingKey, KeyError> {
    let bytes: [u8; 32] = raw.try_into().map_err(|_| KeyError::Material)?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| KeyError::Material)
}

impl VerifierKey {
    /// A verifier key from its parts; the key ID is derived as the type requires.
    fn from_parts(name: KeyName, type_byte: u8, raw: &[u8]) -> Result<Self, KeyError> {
        let signature_type = SignatureType::from_byte(type_byte).ok_or(KeyError::UnknownType(type_byte))?;
        let material = match signature_type {
            SignatureType::Ed25519 => Material::Ed25519(ed25519_key(raw)?),
            SignatureType::Cosignature => Material::Cosignature(ed25519_key(raw)?),
            SignatureType::EcdsaP256 => Material::EcdsaP256(
                p256::ecdsa::VerifyingKey::from_public_key_der(raw).map_err(|_| KeyError::Material)?,
            ),
            SignatureType::Rfc6962TreeHead => Material::Rfc6962TreeHead(
                p256::ecdsa::VerifyingKey::from_public_key_der(raw).map_err(|_| KeyError::Material)?,
            ),
        };
        let key_id = match signature_type {
            SignatureType::EcdsaP256 => KeyId::from_digest(&Sha256::digest(raw)),
            // static-ct-api: the key material of the ID is the RFC 6962 log ID, SHA-256(SPKI).
            SignatureType::Rfc6962TreeHead => KeyId::derive(&name, type_byte, &Sha256::digest(raw)),
            _ => KeyId::derive(&name, type_byte, raw),
        };
        Ok(Self { name, key_id, signature_type, raw: raw.to_vec(), material })
    }

    /// The Ed25519 (type 0x01) verifier key of `public_key` under `name`.
    pub fn ed25519(name: KeyName, public_key: &VerifyingKey) -> Self {
        Self::from_parts(name, 0x01, public_key.as_bytes()).expect("a valid Ed25519 key")
    }

    /// The cosignature (type 0x04) verifier key of `public_key` under `name`.
    pub fn cosignature(name: KeyName, public_key: &VerifyingKey) -> Self {
        Self::from_parts(name, 0x04, public_key.as_bytes()).expect("a valid Ed25519 key")
    }

    pub fn name(&self) -> &KeyName {
        &self.name
    }

    pub fn key_id(&self) -> KeyId {
        self.key_id
    }

    pub fn signature_type(&self) -> SignatureType {
        self.signature_type
    }

    /// The public key bytes after the type byte, as the vkey carries them.
    pub fn key_bytes(&self) -> &[u8] {
        &self.raw
    }

    /// Whether `signature` verifies over the note `text` under this key. For timestamped
    /// types (0x04, 0x05) the answer carries the signature's timestamp (seconds for 0x04,
    /// milliseconds for 0x05), otherwise `Some(None)`; `None` means it does not verify.
    pub(crate) fn verify(&self, text: &str, signature: &[u8]) -> Option<Option<u64>> {
        match &self.material {
            Material::Ed25519(key) => {
                let sig = Ed25519Signature::from_slice(signature).ok()?;
                key.verify_strict(text.as_bytes(), &sig).ok().map(|()| None)
            }
            Material::Cosignature(key) => {
                let (timestamp, sig) = cosignature::split_signature(signature).ok()?;
                let message = cosignature::signed_message(timestamp, text).ok()?;
                key.verify_strict(message.as_bytes(), &sig).ok().map(|()| Some(timestamp))
            }
            Material::EcdsaP256(key) => {
                let sig = p256::ecdsa::DerSignature::from_bytes(signature).ok()?;
                key.verify(text.as_bytes(), &sig).ok().map(|()| None)
            }
            Material::Rfc6962TreeHead(key) => {
                let checkpoint = Checkpoint::parse(text).ok()?;
                if checkpoint.origin() != self.name.as_str() || !checkpoint.extensions().is_empty() {
                    return None;
                }
                // timestamp u64 ‖ hash algorithm (4 = SHA-256) ‖ signature algorithm (3 =
                // ECDSA) ‖ u16 length ‖ DER signature (RFC 5246 DigitallySigned).
                let (ts, rest) = signature.split_first_chunk::<8>()?;
                let ([4, 3, hi, lo], der) = rest.split_first_chunk::<4>()? else { return None };
                if der.len() != usize::from(u16::from_be_bytes([*hi, *lo])) {
                    return None;
                }
                let sig = p256::ecdsa::DerSignature::from_bytes(der).ok()?;
                let mut message = Vec::with_capacity(50);
                message.extend_from_slice(&[0, 1]); // version v1, signature_type tree_hash
                message.extend_from_slice(ts);
                message.extend_from_slice(&checkpoint.size().to_be_bytes());
                message.extend_from_slice(checkpoint.root().as_bytes());
                key.verify(&message, &sig).ok().map(|()| Some(u64::from_be_bytes(*ts)))
            }
        }
    }
}

impl FromStr for VerifierKey {
    type Err = KeyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // The base64 part may contain `+`: split at the first two only.
        let mut parts = s.splitn(3, '+');
        let (Some(name), Some(id), Some(key)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(KeyError::Parts);
        };
        let name = KeyName::new(name)?;
        let stated = parse_key_id(id)?;
        let bytes = STANDARD.decode(key).map_err(|_| KeyError::Base64)?;
        let (&type_byte, raw) = bytes.split_first().ok_or(KeyError::Empty)?;
        let key = Self::from_parts(name, type_byte, raw)?;
        if key.key_id != stated {
            return Err(KeyError::KeyIdMismatch { stated, expected: key.key_id });
        }
        Ok(key)
    }
}

impl fmt::Display for VerifierKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut bytes = Vec::with_capacity(1 + self.raw.len());
        bytes.push(self.signature_type.byte());
        bytes.extend_from_slice(&self.raw);
        write!(f, "{}+{}+{}", self.name, self.key_id, STANDARD.encode(bytes))
    }
}

/// An Ed25519 (type 0x01) key that signs notes.
#[derive(Clone)]
pub struct NoteSigner {
    name: KeyName,
    key_id: KeyId,
    key: SigningKey,
}

impl fmt::Debug for NoteSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NoteSigner({}+{}, private key hidden)", self.name, self.key_id)
    }
}

impl NoteSigner {
    /// The signer of `name` whose Ed25519 private key is `seed` (RFC 8032 §5.1.5). The seed is
    /// the caller's: this crate draws no randomness.
    pub fn from_seed(name: KeyName, seed: &[u8; 32]) -> Self {
        let key = SigningKey::from_bytes(seed);
        let key_id = KeyId::derive(&name, 0x01, key.verifying_key().as_bytes());
        Self { name, key_id, key }
    }

    pub fn name(&self) -> &KeyName {
        &self.name
    }

    pub fn key_id(&self) -> KeyId {
        self.key_id
    }

    /// The verifier key of this signer.
    pub fn verifier_key(&self) -> VerifierKey {
        VerifierKey::ed25519(self.name.clone(), &self.key.verifying_key())
    }

    /// The signature of a note text (see [`crate::Note::sign`]).
    pub fn sign(&self, text: &str) -> NoteSignature {
        use ed25519_dalek::Signer as _;
        let sig = self.key.sign(text.as_bytes());
        NoteSignature::new(self.name.clone(), self.key_id, sig.to_bytes().to_vec())
    }

    /// The `PRIVATE+KEY+…` text form. It holds the private key: keep it secret.
    pub fn to_private_key_string(&self) -> String {
        let mut bytes = vec![0x01];
        bytes.extend_from_slice(self.key.as_bytes());
        format!("PRIVATE+KEY+{}+{}+{}", self.name, self.key_id, STANDARD.encode(bytes))
    }
}

impl FromStr for NoteSigner {
    type Err = KeyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (name, stated, seed) = parse_private_key(s, 0x01)?;
        let signer = Self::from_seed(name, &seed);
        if signer.key_id != stated {
            return Err(KeyError::KeyIdMismatch { stated, expected: signer.key_id });
        }
        Ok(signer)
    }
}

/// Reads the `PRIVATE+KEY+<name>+<hex id>+base64(type ‖ seed)` text form of an Ed25519 key of
/// signature type `wanted`: its name, its stated key ID (the caller checks it against the key)
/// and its seed.
pub(crate) fn parse_private_key(s: &str, wanted: u8) -> Result<(KeyName, KeyId, [u8; 32]), KeyError> {
    let rest = s.strip_prefix("PRIVATE+KEY+").ok_or(KeyError::SignerParts)?;
    let mut parts = rest.splitn(3, '+');
    let (Some(name), Some(id), Some(key)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(KeyError::SignerParts);
    };
    let name = KeyName::new(name)?;
    let stated = parse_key_id(id)?;
    let bytes = STANDARD.decode(key).map_err(|_| KeyError::Base64)?;
    let (&type_byte, seed) = bytes.split_first().ok_or(KeyError::Empty)?;
    if type_byte != wanted {
        return Err(if SignatureType::from_byte(type_byte).is_some() {
            KeyError::WrongType
        } else {
            KeyError::UnknownType(type_byte)
        });
    }
    let seed: [u8; 32] = seed.try_into().map_err(|_| KeyError::Material)?;
    Ok((name, stated, seed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_names() {
        assert!(KeyName::new("example.com/log").is_ok());
        assert_eq!(KeyName::new(""), Err(KeyNameError::Empty));
        assert_eq!(KeyName::new("a b"), Err(KeyNameError::WhiteSpace));
        assert_eq!(KeyName::new("a\u{a0}b"), Err(KeyNameError::WhiteSpace));
        assert_eq!(KeyName::new("a+b"), Err(KeyNameError::Plus));
    }

    #[test]
    fn key_ids_print_as_eight_hex_digits() {
        assert_eq!(KeyId(0x0a).to_string(), "0000000a");
        assert_eq!(parse_key_id("0000000A"), Ok(KeyId(10)));
        assert_eq!(parse_key_id("+0000000"), Err(KeyError::KeyIdSyntax));
        assert_eq!(parse_key_id("abc"), Err(KeyError::KeyIdSyntax));
    }
}
