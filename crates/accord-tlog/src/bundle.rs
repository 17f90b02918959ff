//! C2SP tlog-tiles entry bundles: the entries of one level-0 tile, each written as a
//! big-endian `uint16` length and the entry's bytes. An entry is therefore at most 65,535
//! bytes, and a bundle holds at most 256 entries.

use crate::merkle::{Hash, leaf_hash};
use crate::tiles::TILE_WIDTH;

/// The largest entry a bundle can carry.
pub const MAX_ENTRY_LEN: usize = u16::MAX as usize;

/// Why an entry bundle cannot be written or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    #[error("entry {index} is {len} bytes; an entry is at most {MAX_ENTRY_LEN} bytes")]
    EntryTooLarge { index: usize, len: usize },
    #[error("a bundle holds at most {TILE_WIDTH} entries, not {0}")]
    TooManyEntries(usize),
    #[error("the bundle ends inside entry {index}")]
    Truncated { index: usize },
    #[error("the bundle holds {found} entries, not {expected}")]
    WrongCount { expected: usize, found: usize },
    #[error("entry {index} does not match its leaf hash in the tile")]
    LeafHashMismatch { index: usize },
}

/// Writes a bundle of entries.
pub fn encode_entry_bundle<E: AsRef<[u8]>>(entries: &[E]) -> Result<Vec<u8>, BundleError> {
    if entries.len() > usize::from(TILE_WIDTH) {
        return Err(BundleError::TooManyEntries(entries.len()));
    }
    let mut out = Vec::with_capacity(entries.iter().map(|e| e.as_ref().len() + 2).sum());
    for (index, entry) in entries.iter().enumerate() {
        let entry = entry.as_ref();
        let len =
            u16::try_from(entry.len()).map_err(|_| BundleError::EntryTooLarge { index, len: entry.len() })?;
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(entry);
    }
    Ok(out)
}

/// Reads a bundle of entries.
pub fn parse_entry_bundle(bytes: &[u8]) -> Result<Vec<&[u8]>, BundleError> {
    let mut entries = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let index = entries.len();
        if index == usize::from(TILE_WIDTH) {
            return Err(BundleError::TooManyEntries(index + 1));
        }
        let (len, tail) = rest.split_first_chunk::<2>().ok_or(BundleError::Truncated { index })?;
        let len = usize::from(u16::from_be_bytes(*len));
        if tail.len() < len {
            return Err(BundleError::Truncated { index });
        }
        let (entry, tail) = tail.split_at(len);
        entries.push(entry);
        rest = tail;
    }
    Ok(entries)
}

/// Checks that the entries of a bundle are those of a level-0 hash tile: as many, and each
/// entry's RFC 6962 leaf hash equal to the tile's hash at its position.
pub fn check_entries_against_tile(entries: &[&[u8]], tile_hashes: &[Hash]) -> Result<(), BundleError> {
    if entries.len() != tile_hashes.len() {
        return Err(BundleError::WrongCount { expected: tile_hashes.len(), found: entries.len() });
    }
    for (index, (entry, hash)) in entries.iter().zip(tile_hashes).enumerate() {
        if leaf_hash(entry) != *hash {
            return Err(BundleError::LeafHashMismatch { index });
        }
    }
    Ok(())
}
