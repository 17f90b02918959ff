//! C2SP tlog-checkpoint v1: the signed-note text that commits a log to a tree. Lines: the
//! origin (the log's identity), the tree size in decimal, the base64 RFC 6962 root hash, then
//! optional non-empty extension lines; every line ends with `\n`.

use std::fmt;

use crate::keys::{NoteSigner, VerifierKey};
use crate::merkle::Hash;
use crate::note::{Note, NoteError, OpenError, VerifiedSignature};

/// A checkpoint body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    origin: String,
    size: u64,
    root: Hash,
    extensions: Vec<String>,
}

/// Why a checkpoint text is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    #[error("a checkpoint has at least three lines, each ending with a newline")]
    TooFewLines,
    #[error("the checkpoint text does not end with a newline")]
    NoFinalNewline,
    #[error("line {0} is empty")]
    EmptyLine(usize),
    #[error("line {0} holds a control character")]
    ControlCharacter(usize),
    #[error("the tree size is not a decimal number without leading zeros")]
    Size,
    #[error("the root hash is not base64 of 32 bytes")]
    RootHash,
}

/// Why a signed checkpoint is not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointOpenError {
    #[error(transparent)]
    Note(#[from] OpenError),
    #[error("bad checkpoint: {0}")]
    Checkpoint(#[from] CheckpointError),
    #[error("the checkpoint is for origin {found:?}, not {expected:?}")]
    OriginMismatch { expected: String, found: String },
}

fn check_line(line: &str, number: usize) -> Result<(), CheckpointError> {
    if line.is_empty() {
        return Err(CheckpointError::EmptyLine(number));
    }
    if line.chars().any(char::is_control) {
        return Err(CheckpointError::ControlCharacter(number));
    }
    Ok(())
}

fn parse_size(text: &str) -> Result<u64, CheckpointError> {
    if text.is_empty()
        || !text.bytes().all(|b| b.is_ascii_digit())
        || (text.len() > 1 && text.starts_with('0'))
    {
        return Err(CheckpointError::Size);
    }
    text.parse().map_err(|_| CheckpointError::Size)
}

impl Checkpoint {
    /// A checkpoint without extension lines.
    pub fn new(origin: impl Into<String>, size: u64, root: Hash) -> Result<Self, CheckpointError> {
        Self::with_extensions(origin, size, root, Vec::new())
    }

    /// A checkpoint with extension lines (not recommended by the spec: nobody audits them).
    pub fn with_extensions(
        origin: impl Into<String>,
        size: u64,
        root: Hash,
        extensions: Vec<String>,
    ) -> Result<Self, CheckpointError> {
        let origin = origin.into();
        check_line(&origin, 1)?;
        for (i, e) in extensions.iter().enumerate() {
            check_line(e, i + 4)?;
        }
        Ok(Self { origin, size, root, extensions })
    }

    /// Parses a checkpoint body (the text of its note).
    pub fn parse(text: &str) -> Result<Self, CheckpointError> {
        let body = text.strip_suffix('\n').ok_or(CheckpointError::NoFinalNewline)?;
        let lines: Vec<&str> = body.split('\n').collect();
        let [origin, size, root, extensions @ ..] = &lines[..] else {
            return Err(CheckpointError::TooFewLines);
        };
        for (i, line) in lines.iter().enumerate() {
            check_line(line, i + 1)?;
        }
        let size = parse_size(size)?;
        let root = Hash::from_base64(root).map_err(|_| CheckpointError::RootHash)?;
        Ok(Self {
            origin: (*origin).to_owned(),
            size,
            root,
            extensions: extensions.iter().map(|s| (*s).to_owned()).collect(),
        })
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    pub fn root(&self) -> &Hash {
        &self.root
    }

    pub fn extensions(&self) -> &[String] {
        &self.extensions
    }

    /// The checkpoint body, every line ending with `\n`.
    pub fn to_text(&self) -> String {
        self.to_string()
    }

    /// The signed note of this checkpoint, signed by the log's key.
    pub fn sign(&self, signer: &NoteSigner) -> Note {
        let mut note = Note::new(self.to_text()).expect("a checkpoint body is a valid note text");
        note.sign(signer).expect("one signature is under the limit");
        note
    }

    /// Parses and verifies a signed checkpoint of the log `origin`: the note must verify under
    /// `verifiers` (see [`Note::verify`]) and its body must be a checkpoint of that origin.
    pub fn open(
        note: &[u8],
        origin: &str,
        verifiers: &[VerifierKey],
    ) -> Result<(Self, Note, Vec<VerifiedSignature>), CheckpointOpenError> {
        let note = Note::parse(note).map_err(|e: NoteError| CheckpointOpenError::Note(e.into()))?;
        let checkpoint = Self::parse(note.text())?;
        if checkpoint.origin != origin {
            return Err(CheckpointOpenError::OriginMismatch {
                expected: origin.to_owned(),
                found: checkpoint.origin,
            });
        }
        let verified = note.verify(verifiers)?;
        Ok((checkpoint, note, verified))
    }
}

impl fmt::Display for Checkpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.origin)?;
        writeln!(f, "{}", self.size)?;
        writeln!(f, "{}", self.root.to_base64())?;
        for e in &self.extensions {
            writeln!(f, "{e}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_canonical_decimals() {
        assert_eq!(parse_size("0"), Ok(0));
        assert_eq!(parse_size("20852163"), Ok(20852163));
        assert_eq!(parse_size("018"), Err(CheckpointError::Size));
        assert_eq!(parse_size("+1"), Err(CheckpointError::Size));
        assert_eq!(parse_size(""), Err(CheckpointError::Size));
        assert_eq!(parse_size("18446744073709551616"), Err(CheckpointError::Size));
    }

    #[test]
    fn empty_lines_are_refused() {
        let root = crate::merkle::empty_root().to_base64();
        assert_eq!(Checkpoint::parse(&format!("o\n0\n{root}\n\n")), Err(CheckpointError::EmptyLine(4)));
        assert_eq!(Checkpoint::parse(&format!("\n0\n{root}\n")), Err(CheckpointError::EmptyLine(1)));
        assert_eq!(Checkpoint::parse("o\n0\n"), Err(CheckpointError::TooFewLines));
    }
}
