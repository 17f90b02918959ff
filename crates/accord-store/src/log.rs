//! The public transparency log's records (SPEC §7).
//!
//! An entry is appended with [`LogWrite::Append`] among the writes of the event it records, so
//! the entry, its hashes and the new signed checkpoint commit in that event's transaction, or
//! not at all. The store computes the new root from its stored subtree hashes and signs the
//! checkpoint with the key passed to [`crate::Store::write_logged`].

use accord_model::CaseId;
use accord_tlog::{Hash, TlogProof};
use jiff::Timestamp;

/// A change of the log, applied with the other writes of one transaction.
#[derive(Debug, Clone)]
pub enum LogWrite {
    /// Appends an entry (1 to 65,535 bytes): the next index of the log.
    Append { entry: Vec<u8> },
    /// Keeps what an embargo's commitment was made of (sealed), until its reveal.
    KeepCommitment { case_id: CaseId, sealed: String },
}

/// An entry appended by a write, with its receipt: the entry's index, its inclusion proof and
/// the checkpoint signed in the same transaction (C2SP tlog-proof).
#[derive(Debug, Clone)]
pub struct Appended {
    pub index: u64,
    pub entry: Vec<u8>,
    pub receipt: TlogProof,
}

/// The log's current head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogHead {
    pub size: u64,
    pub root: Hash,
    /// The signed checkpoint note; empty while the log has no entry.
    pub checkpoint: String,
}

/// A witness's cosignature of one of the log's checkpoints (C2SP tlog-cosignature v1), as the
/// server keeps it: the latest of each witness.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cosignature {
    /// The witness's verifier key (`<name>+<key id>+<key>`, type 0x04).
    pub witness: String,
    /// The checkpoint cosigned: its size and root hash.
    pub size: u64,
    pub root: Hash,
    /// The signature line, ending with `\n`.
    pub signature: String,
    /// The time the witness signed, POSIX seconds.
    pub cosigned_at: u64,
    pub received_at: Timestamp,
}
