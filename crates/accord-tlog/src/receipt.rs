//! C2SP tlog-proof v1 (`c2sp.org/tlog-proof@v1`): a receipt that an entry is in a log,
//! verifiable offline. Lines: the header, an optional unauthenticated `extra <base64>`,
//! `index <n>`, the base64 inclusion proof hashes (leaf sibling first), an empty line, then the
//! checkpoint note verbatim with its signatures and cosignatures.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::checkpoint::{Checkpoint, CheckpointError};
use crate::keys::VerifierKey;
use crate::merkle::Hash;
use crate::note::{Note, NoteError, OpenError};
use crate::proof::{VerifyError, verify_inclusion};
use crate::tiles::parse_decimal;

/// The first line of a tlog-proof.
pub const TLOG_PROOF_HEADER: &str = "c2sp.org/tlog-proof@v1";

/// The most proof hashes a tree of up to 2^64 leaves needs.
const MAX_PROOF_HASHES: usize = 64;

/// An inclusion receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlogProof {
    /// Application data that no signature covers.
    pub extra: Option<Vec<u8>>,
    /// The entry's index in the log.
    pub index: u64,
    /// The inclusion proof of the entry in the checkpoint's tree.
    pub proof: Vec<Hash>,
    /// The checkpoint note, with its signatures.
    pub checkpoint: Note,
}

/// Why a tlog-proof is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptError {
    #[error("the proof does not start with {TLOG_PROOF_HEADER}")]
    Header,
    #[error("line {0} of the proof is malformed")]
    Line(usize),
    #[error("the proof has no empty line before its checkpoint")]
    NoCheckpoint,
    #[error("the proof has more than {MAX_PROOF_HASHES} hashes")]
    TooManyHashes,
    #[error("the checkpoint note: {0}")]
    Note(#[from] NoteError),
    #[error("the checkpoint: {0}")]
    Checkpoint(#[from] CheckpointError),
    #[error("the checkpoint signatures: {0}")]
    Signatures(#[from] OpenError),
    #[error("the checkpoint is for origin {found:?}, not {expected:?}")]
    OriginMismatch { expected: String, found: String },
    #[error("the log's key did not sign the checkpoint")]
    NoLogSignature,
    #[error("{found} cosigners of the required {required} cosigned the checkpoint")]
    Quorum { required: usize, found: usize },
    #[error("the entry is not in the checkpoint's tree: {0}")]
    Inclusion(#[from] VerifyError),
}

impl TlogProof {
    /// Parses a tlog-proof.
    pub fn parse(bytes: &[u8]) -> Result<Self, ReceiptError> {
        let mut rest = bytes;
        let mut number = 0;
        let mut next_line = |rest: &mut &[u8]| -> Result<(usize, String), ReceiptError> {
            number += 1;
            let end = rest.iter().position(|b| *b == b'\n').ok_or(ReceiptError::NoCheckpoint)?;
            let line = std::str::from_utf8(&rest[..end]).map_err(|_| ReceiptError::Line(number))?.to_owned();
            *rest = &rest[end + 1..];
            Ok((number, line))
        };
        let (_, header) = next_line(&mut rest)?;
        if header != TLOG_PROOF_HEADER {
            return Err(ReceiptError::Header);
        }
        let (mut n, mut line) = next_line(&mut rest)?;
        let mut extra = None;
        if let Some(b64) = line.strip_prefix("extra ") {
            extra = Some(STANDARD.decode(b64).map_err(|_| ReceiptError::Line(n))?);
            (n, line) = next_line(&mut rest)?;
        }
        let index = line.strip_prefix("index ").and_then(parse_decimal).ok_or(ReceiptError::Line(n))?;
        let mut proof = Vec::new();
        loop {
            let (n, line) = next_line(&mut rest)?;
            if line.is_empty() {
                break;
            }
            if proof.len() == MAX_PROOF_HASHES {
                return Err(ReceiptError::TooManyHashes);
            }
            proof.push(Hash::from_base64(&line).map_err(|_| ReceiptError::Line(n))?);
        }
        let checkpoint = Note::parse(rest)?;
        Ok(Self { extra, index, proof, checkpoint })
    }

    /// Verifies the receipt for the entry whose leaf hash is `leaf_hash`: the checkpoint is
    /// of the log `origin`, signed by `log_key`, cosigned by at least `quorum` of `cosigners`,
    /// and the proof leads from the entry to its root. Returns the checkpoint.
    pub fn verify(
        &self,
        leaf_hash: &Hash,
        origin: &str,
        log_key: &VerifierKey,
        cosigners: &[VerifierKey],
        quorum: usize,
    ) -> Result<Checkpoint, ReceiptError> {
        let checkpoint = Checkpoint::parse(self.checkpoint.text())?;
        if checkpoint.origin() != origin {
            return Err(ReceiptError::OriginMismatch {
                expected: origin.to_owned(),
                found: checkpoint.origin().to_owned(),
            });
        }
        let mut keys = Vec::with_capacity(cosigners.len() + 1);
        keys.push(log_key.clone());
        keys.extend(cosigners.iter().cloned());
        let verified = self.checkpoint.verify(&keys)?;
        let signed_by =
            |k: &VerifierKey| verified.iter().any(|v| v.name == *k.name() && v.key_id == k.key_id());
        if !signed_by(log_key) {
            return Err(ReceiptError::NoLogSignature);
        }
        let found = cosigners.iter().filter(|k| signed_by(k)).count();
        if found < quorum {
            return Err(ReceiptError::Quorum { required: quorum, found });
        }
        verify_inclusion(self.index, checkpoint.size(), leaf_hash, &self.proof, checkpoint.root())?;
        Ok(checkpoint)
    }
}

impl fmt::Display for TlogProof {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{TLOG_PROOF_HEADER}")?;
        if let Some(extra) = &self.extra {
            writeln!(f, "extra {}", STANDARD.encode(extra))?;
        }
        writeln!(f, "index {}", self.index)?;
        for h in &self.proof {
            writeln!(f, "{}", h.to_base64())?;
        }
        writeln!(f)?;
        write!(f, "{}", self.checkpoint)
    }
}
