//! C2SP signed-note v1: a note is its text, a blank line and one or more signature lines
//! `— <key name> base64(<key id> ‖ <signature>)`. Parsing is strict (valid UTF-8, no control
//! characters but `\n`, every line complete); verification follows the spec's rules: a
//! signature counts only when both its key name and key ID match a known key, unknown
//! signatures are ignored, a known key's failing signature rejects the note, and at least one
//! known key must verify.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::keys::{KeyId, KeyName, NoteSigner, VerifierKey};

/// The most signatures a note may carry. C2SP asks verifiers to accept at least 16; Go's
/// `note.Open` stops at 100, and so do we.
pub const MAX_SIGNATURES: usize = 100;

/// The start of a signature line: U+2014 EM DASH and a space.
const SIGNATURE_PREFIX: &str = "\u{2014} ";

/// One signature line of a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSignature {
    name: KeyName,
    key_id: KeyId,
    /// The signature bytes after the key ID.
    signature: Vec<u8>,
}

impl NoteSignature {
    pub fn new(name: KeyName, key_id: KeyId, signature: Vec<u8>) -> Self {
        Self { name, key_id, signature }
    }

    pub fn name(&self) -> &KeyName {
        &self.name
    }

    pub fn key_id(&self) -> KeyId {
        self.key_id
    }

    /// The signature bytes after the 4-byte key ID.
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// Parses one signature line, without its final `\n`.
    fn parse_line(line: &str) -> Result<Self, LineError> {
        let rest = line.strip_prefix(SIGNATURE_PREFIX).ok_or(LineError::Prefix)?;
        let (name, b64) = rest.split_once(' ').ok_or(LineError::Fields)?;
        if b64.contains(' ') {
            return Err(LineError::Fields);
        }
        let name = KeyName::new(name).map_err(|_| LineError::Name)?;
        let bytes = STANDARD.decode(b64).map_err(|_| LineError::Base64)?;
        let (id, signature) = bytes.split_first_chunk::<4>().ok_or(LineError::Short)?;
        if signature.is_empty() {
            return Err(LineError::Short);
        }
        Ok(Self { name, key_id: KeyId(u32::from_be_bytes(*id)), signature: signature.to_vec() })
    }
}

impl fmt::Display for NoteSignature {
    /// The signature line, with its final `\n`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut bytes = Vec::with_capacity(4 + self.signature.len());
        bytes.extend_from_slice(&self.key_id.to_bytes());
        bytes.extend_from_slice(&self.signature);
        writeln!(f, "{SIGNATURE_PREFIX}{} {}", self.name, STANDARD.encode(bytes))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineError {
    Prefix,
    Fields,
    Name,
    Base64,
    Short,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Prefix => "it does not start with an em dash and a space",
            Self::Fields => "it is not `— <key name> <base64 signature>`",
            Self::Name => "the key name is not valid",
            Self::Base64 => "the signature is not valid base64",
            Self::Short => "the signature is shorter than a key ID and one byte",
        })
    }
}

/// Why a note is malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    #[error("a note is UTF-8 text")]
    NotUtf8,
    #[error("control character U+{code:04X} at byte {offset} (only \\n is allowed)")]
    ControlCharacter { code: u32, offset: usize },
    #[error("the note has no blank line before its signatures")]
    NoSignatureBlock,
    #[error("the note text is empty")]
    EmptyText,
    #[error("the note text must end with a newline")]
    TextWithoutNewline,
    #[error("the note has no signature")]
    NoSignatures,
    #[error("the last signature line does not end with a newline")]
    UnterminatedLine,
    #[error("signature line {line}: {reason}")]
    SignatureLine { line: usize, reason: String },
    #[error("the note has more than {MAX_SIGNATURES} signatures")]
    TooManySignatures,
}

/// Why a note does not open under a set of verifier keys.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    #[error("malformed note: {0}")]
    Malformed(#[from] NoteError),
    #[error("no signature by a known key")]
    NoVerifiableSignature,
    #[error("the signature of known key {name}+{key_id} does not verify")]
    BadSignature { name: KeyName, key_id: KeyId },
}

/// A signature that verified under a known key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedSignature {
    pub name: KeyName,
    pub key_id: KeyId,
    /// The signed timestamp of a cosignature (type 0x04, seconds) or of an RFC 6962 tree head
    /// (type 0x05, milliseconds).
    pub timestamp: Option<u64>,
}

/// A signed note: its text (ending with `\n`) and its signatures, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    text: String,
    signatures: Vec<NoteSignature>,
}

fn check_characters(text: &str, base: usize) -> Result<(), NoteError> {
    match text.char_indices().find(|(_, c)| *c < ' ' && *c != '\n') {
        Some((offset, c)) => Err(NoteError::ControlCharacter { code: u32::from(c), offset: base + offset }),
        None => Ok(()),
    }
}

fn check_text(text: &str) -> Result<(), NoteError> {
    if text.is_empty() {
        return Err(NoteError::EmptyText);
    }
    if !text.ends_with('\n') {
        return Err(NoteError::TextWithoutNewline);
    }
    check_characters(text, 0)
}

impl Note {
    /// An unsigned note of this text (non-empty, ending with `\n`, no control characters but
    /// `\n`).
    pub fn new(text: impl Into<String>) -> Result<Self, NoteError> {
        let text = text.into();
        check_text(&text)?;
        Ok(Self { text, signatures: Vec::new() })
    }

    /// Parses a signed note.
    pub fn parse(bytes: &[u8]) -> Result<Self, NoteError> {
        let all = std::str::from_utf8(bytes).map_err(|_| NoteError::NotUtf8)?;
        check_characters(all, 0)?;
        let split = all.rfind("\n\n").ok_or(NoteError::NoSignatureBlock)?;
        let text = &all[..split + 1];
        check_text(text)?;
        let block = &all[split + 2..];
        if block.is_empty() {
            return Err(NoteError::NoSignatures);
        }
        if !block.ends_with('\n') {
            return Err(NoteError::UnterminatedLine);
        }
        let lines = block[..block.len() - 1].split('\n');
        let mut signatures = Vec::new();
        for (i, line) in lines.enumerate() {
            if signatures.len() == MAX_SIGNATURES {
                return Err(NoteError::TooManySignatures);
            }
            let sig = NoteSignature::parse_line(line)
                .map_err(|e| NoteError::SignatureLine { line: i + 1, reason: e.to_string() })?;
            signatures.push(sig);
        }
        Ok(Self { text: text.to_owned(), signatures })
    }

    /// The signed text, with its final `\n`.
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn signatures(&self) -> &[NoteSignature] {
        &self.signatures
    }

    /// Adds a signature line (from [`NoteSigner::sign`], a cosigner or elsewhere).
    pub fn add_signature(&mut self, signature: NoteSignature) -> Result<(), NoteError> {
        if self.signatures.len() == MAX_SIGNATURES {
            return Err(NoteError::TooManySignatures);
        }
        self.signatures.push(signature);
        Ok(())
    }

    /// Signs the text with `signer` and adds the signature.
    pub fn sign(&mut self, signer: &NoteSigner) -> Result<(), NoteError> {
        let sig = signer.sign(&self.text);
        self.add_signature(sig)
    }

    /// Verifies the signatures by the known `verifiers` and returns those that verified, in
    /// the note's order. Signatures whose name and key ID match no verifier are ignored.
    pub fn verify(&self, verifiers: &[VerifierKey]) -> Result<Vec<VerifiedSignature>, OpenError> {
        let mut verified = Vec::new();
        for sig in &self.signatures {
            let Some(key) = verifiers.iter().find(|v| v.name() == sig.name() && v.key_id() == sig.key_id())
            else {
                continue;
            };
            match key.verify(&self.text, sig.signature()) {
                Some(timestamp) => {
                    verified.push(VerifiedSignature { name: sig.name.clone(), key_id: sig.key_id, timestamp })
                }
                None => return Err(OpenError::BadSignature { name: sig.name.clone(), key_id: sig.key_id }),
            }
        }
        if verified.is_empty() {
            return Err(OpenError::NoVerifiableSignature);
        }
        Ok(verified)
    }

    /// Parses a note and verifies it (see [`Note::verify`]).
    pub fn open(
        bytes: &[u8],
        verifiers: &[VerifierKey],
    ) -> Result<(Self, Vec<VerifiedSignature>), OpenError> {
        let note = Self::parse(bytes)?;
        let verified = note.verify(verifiers)?;
        Ok((note, verified))
    }

    /// The note as text: the text, a blank line and the signature lines. A note without
    /// signatures is not a valid signed note; this gives its text and the blank line.
    pub fn to_text(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)?;
        f.write_str("\n")?;
        for sig in &self.signatures {
            write!(f, "{sig}")?;
        }
        Ok(())
    }
}
