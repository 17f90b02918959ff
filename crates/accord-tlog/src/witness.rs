//! The request body of C2SP tlog-witness v1 `add-checkpoint`: `old <size>`, the base64
//! consistency proof hashes from that size (0 to 63 lines), an empty line, then the signed
//! checkpoint note.

use std::fmt;

use crate::merkle::Hash;
use crate::note::{Note, NoteError};
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
