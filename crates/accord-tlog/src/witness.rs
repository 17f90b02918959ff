//! The request body of C2SP tlog-witness v1 `add-checkpoint`: `old <size>`, the base64
//! consistency proof hashes from that size (0 to 63 lines), an empty line, then the signed
//! checkpoint note; and the rules a witness applies to it before cosigning ([`SignedRequest`]):
//! which status each refusal answers, and what it compares with the latest checkpoint it
//! cosigned for the log ([`WitnessedTree`]). The witness's storage, clock and key live above.

use std::collections::BTreeMap;
use std::fmt;

use crate::checkpoint::Checkpoint;
use crate::cosignature::{CosignatureError, Cosigner};
use crate::keys::VerifierKey;
use crate::merkle::{Hash, empty_root};
use crate::note::{Note, NoteError, NoteSignature, OpenError};
use crate::proof::{VerifyError, verify_consistency};
use crate::tiles::parse_decimal;

/// The most consistency proof hashes an `add-checkpoint` request may carry.
pub const MAX_CONSISTENCY_HASHES: usize = 63;

/// An `add-checkpoint` request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddCheckpointRequest {
    /// The size of the witness's latest cosigned checkpoint, as the log believes it.
    pub old: u64,
    /// The consistency proof from `old` to the checkpoint's size (empty for `old` 0).
    pub proof: Vec<Hash>,
    /// The checkpoint note, signed by the log.
    pub checkpoint: Note,
}

/// Why an `add-checkpoint` request body is malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddCheckpointError {
    #[error("line {0} of the request is malformed")]
    Line(usize),
    #[error("the request has no empty line before its checkpoint")]
    NoCheckpoint,
    #[error("the request has more than {MAX_CONSISTENCY_HASHES} proof hashes")]
    TooManyHashes,
    #[error("the checkpoint note: {0}")]
    Note(#[from] NoteError),
}

impl AddCheckpointRequest {
    pub fn parse(bytes: &[u8]) -> Result<Self, AddCheckpointError> {
        let mut rest = bytes;
        let mut number = 0;
        let mut next_line = |rest: &mut &[u8]| -> Result<(usize, String), AddCheckpointError> {
            number += 1;
            let end = rest.iter().position(|b| *b == b'\n').ok_or(AddCheckpointError::NoCheckpoint)?;
            let line =
                std::str::from_utf8(&rest[..end]).map_err(|_| AddCheckpointError::Line(number))?.to_owned();
            *rest = &rest[end + 1..];
            Ok((number, line))
        };
        let (n, line) = next_line(&mut rest)?;
        let old = line.strip_prefix("old ").and_then(parse_decimal).ok_or(AddCheckpointError::Line(n))?;
        let mut proof = Vec::new();
        loop {
            let (n, line) = next_line(&mut rest)?;
            if line.is_empty() {
                break;
            }
            if proof.len() == MAX_CONSISTENCY_HASHES {
                return Err(AddCheckpointError::TooManyHashes);
            }
            proof.push(Hash::from_base64(&line).map_err(|_| AddCheckpointError::Line(n))?);
        }
        let checkpoint = Note::parse(rest)?;
        Ok(Self { old, proof, checkpoint })
    }
}

impl fmt::Display for AddCheckpointRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "old {}", self.old)?;
        for h in &self.proof {
            writeln!(f, "{}", h.to_base64())?;
        }
        writeln!(f)?;
        write!(f, "{}", self.checkpoint)
    }
}

/// What a witness keeps of a log: the size and root hash of the latest checkpoint it cosigned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WitnessedTree {
    pub size: u64,
    pub root: Hash,
}

/// Why a witness refuses an `add-checkpoint` request. Each reason has the HTTP status
/// tlog-witness requires ([`WitnessRefusal::status`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WitnessRefusal {
    #[error("malformed request: {0}")]
    Malformed(String),
    #[error("{0:?} is not the origin of a log this witness follows")]
    UnknownOrigin(String),
    #[error("the checkpoint carries no valid signature of a trusted key of its log: {0}")]
    NotSigned(OpenError),
    #[error("old size {old} is larger than the checkpoint's size {size}")]
    OldLargerThanSize { old: u64, size: u64 },
    #[error("old size {old} is not the size of the latest checkpoint cosigned for this log, {latest}")]
    Conflict { old: u64, latest: u64 },
    #[error("a checkpoint of size 0 must carry the root hash of the empty tree")]
    EmptyTreeRoot,
    #[error("old size 0 needs no consistency proof, but the request carries {0} hashes")]
    ProofFromEmptyTree(usize),
    #[error("the consistency proof from size {old} to size {size} does not verify: {error}")]
    Inconsistent { old: u64, size: u64, error: VerifyError },
    #[error("the checkpoint of size {size} has another root hash than the one cosigned at that size")]
    RootMismatch { size: u64 },
}

impl WitnessRefusal {
    /// The HTTP status of this refusal: 400, 403, 404, 409 or 422.
    pub fn status(&self) -> u16 {
        match self {
            Self::Malformed(_) | Self::OldLargerThanSize { .. } => 400,
            Self::NotSigned(_) => 403,
            Self::UnknownOrigin(_) => 404,
            Self::Conflict { .. } => 409,
            Self::EmptyTreeRoot
            | Self::ProofFromEmptyTree(_)
            | Self::Inconsistent { .. }
            | Self::RootMismatch { .. } => 422,
        }
    }

    /// Whether the checkpoint, validly signed by its log, contradicts what the witness cosigned
    /// before: evidence of a misbehaving log worth keeping.
    pub fn is_evidence(&self) -> bool {
        self.status() == 422
    }
}

/// The logs a witness follows: each origin with the keys it trusts for it (a log's origin is
/// the name of its key, so a log whose key changes has two keys under one origin).
#[derive(Debug, Clone, Default)]
pub struct TrustedLogs {
    by_origin: BTreeMap<String, Vec<VerifierKey>>,
}

impl TrustedLogs {
    /// Trusts these log keys, each for the origin that is its key name.
    pub fn new(keys: impl IntoIterator<Item = VerifierKey>) -> Self {
        let mut by_origin: BTreeMap<String, Vec<VerifierKey>> = BTreeMap::new();
        for key in keys {
            let list = by_origin.entry(key.name().as_str().to_owned()).or_default();
            if !list.iter().any(|k| k.to_string() == key.to_string()) {
                list.push(key);
            }
        }
        Self { by_origin }
    }

    /// The keys trusted for `origin`, if the witness follows it.
    pub fn keys(&self, origin: &str) -> Option<&[VerifierKey]> {
        self.by_origin.get(origin).map(Vec::as_slice)
    }

    /// The origins followed, in order.
    pub fn origins(&self) -> impl Iterator<Item = &str> {
        self.by_origin.keys().map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.by_origin.is_empty()
    }
}

/// An `add-checkpoint` request whose checkpoint is signed by a trusted key of its log, and
/// whose old size does not exceed the checkpoint's: what is left to check needs the witness's
/// record of the log ([`SignedRequest::check_against`]).
#[derive(Debug, Clone)]
pub struct SignedRequest {
    pub old: u64,
    pub proof: Vec<Hash>,
    pub checkpoint: Checkpoint,
    /// The checkpoint note with only the signatures that verified under a trusted key.
    pub note: Note,
}

impl SignedRequest {
    /// Checks the parts of a request that need no stored state, in the order of tlog-witness:
    /// the body's syntax (400), the origin (404), the log's signature (403), old ≤ size (400).
    pub fn check(body: &[u8], logs: &TrustedLogs) -> Result<Self, WitnessRefusal> {
        let request =
            AddCheckpointRequest::parse(body).map_err(|e| WitnessRefusal::Malformed(e.to_string()))?;
        let checkpoint = Checkpoint::parse(request.checkpoint.text())
            .map_err(|e| WitnessRefusal::Malformed(format!("the checkpoint: {e}")))?;
        let keys = logs
            .keys(checkpoint.origin())
            .ok_or_else(|| WitnessRefusal::UnknownOrigin(checkpoint.origin().to_owned()))?;
        let verified = request.checkpoint.verify(keys).map_err(WitnessRefusal::NotSigned)?;
        if request.old > checkpoint.size() {
            return Err(WitnessRefusal::OldLargerThanSize { old: request.old, size: checkpoint.size() });
        }
        let mut note = Note::new(request.checkpoint.text()).expect("the text of a parsed note");
        for sig in request.checkpoint.signatures() {
            if verified.iter().any(|v| v.name == *sig.name() && v.key_id == sig.key_id()) {
                note.add_signature(sig.clone()).expect("no more signatures than the parsed note");
            }
        }
        Ok(Self { old: request.old, proof: request.proof, checkpoint, note })
    }

    pub fn origin(&self) -> &str {
        self.checkpoint.origin()
    }

    /// The tree this checkpoint commits to.
    pub fn tree(&self) -> WitnessedTree {
        WitnessedTree { size: self.checkpoint.size(), root: *self.checkpoint.root() }
    }

    /// Checks the request against the latest checkpoint the witness cosigned for the log
    /// (`None` when it never cosigned one): old size (409), the empty tree's root (422), the
    /// consistency proof (422), the root at an unchanged size (422).
    pub fn check_against(&self, latest: Option<&WitnessedTree>) -> Result<(), WitnessRefusal> {
        let latest_size = latest.map_or(0, |t| t.size);
        if self.old != latest_size {
            return Err(WitnessRefusal::Conflict { old: self.old, latest: latest_size });
        }
        let size = self.checkpoint.size();
        let root = self.checkpoint.root();
        if size == 0 && *root != empty_root() {
            return Err(WitnessRefusal::EmptyTreeRoot);
        }
        let Some(latest) = latest.filter(|_| self.old > 0) else {
            // Old size 0: the empty tree is a prefix of every tree.
            return match self.proof.len() {
                0 => Ok(()),
                n => Err(WitnessRefusal::ProofFromEmptyTree(n)),
            };
        };
        if size == latest.size && *root != latest.root {
            return Err(WitnessRefusal::RootMismatch { size });
        }
        verify_consistency(self.old, size, &self.proof, &latest.root, root)
            .map_err(|error| WitnessRefusal::Inconsistent { old: self.old, size, error })
    }

    /// The cosignature of this checkpoint by `cosigner` at `timestamp`, and the note the
    /// witness keeps and serves: the log's verified signatures followed by the cosignature.
    pub fn cosign(
        &self,
        cosigner: &Cosigner,
        timestamp: u64,
    ) -> Result<(NoteSignature, Note), CosignatureError> {
        let signature = cosigner.sign(self.note.text(), timestamp)?;
        let mut note = self.note.clone();
        note.add_signature(signature.clone()).map_err(|_| CosignatureError::TooManySignatures)?;
        Ok((signature, note))
    }
}
