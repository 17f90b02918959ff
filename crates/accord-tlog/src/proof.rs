//! RFC 6962 §2.1.1–2.1.2 inclusion (`PATH`) and consistency (`PROOF`/`SUBPROOF`) proofs, built
//! from stored hashes, and their verification by the algorithms of RFC 9162 §2.1.3.2 and
//! §2.1.4.2 (0-based leaf indices). Inclusion in a subtree `[start, end)`, as
//! draft-ietf-plants-merkle-tree-certs defines it, is the same proof over the subtree's leaves.
//!
//! A proof for a tree of `n` leaves reads `O(log n)` stored hashes: every sibling is either a
//! complete subtree (one stored hash) or the right edge of the tree (at most `log n` of them).

use crate::merkle::{Hash, subtree_nodes};
use crate::merkle::{
    HashReader, NodeIndex, ReadError, fold_subtree, is_valid_subtree, node_hash, split_point,
};

/// Why a proof could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ProofError {
    #[error("leaf index {index} is not in a tree of size {size}")]
    IndexOutOfRange { index: u64, size: u64 },
    #[error("no consistency proof from size {old} to size {new}: 0 < old <= new is required")]
    InvalidSizes { old: u64, new: u64 },
    #[error("[{start}, {end}) is not a subtree of the tree's shape")]
    InvalidSubtree { start: u64, end: u64 },
    #[error(transparent)]
    Read(#[from] ReadError),
}

/// Why a proof does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("leaf index {index} is not in a tree of size {size}")]
    IndexOutOfRange { index: u64, size: u64 },
    #[error("[{start}, {end}) is not a subtree of the tree's shape")]
    InvalidSubtree { start: u64, end: u64 },
    #[error("old size {old} is larger than new size {new}")]
    OldLargerThanNew { old: u64, new: u64 },
    #[error("a consistency proof from the empty tree proves nothing")]
    EmptyOldTree,
    #[error("the proof has the wrong number of hashes")]
    WrongLength,
    #[error("the proof does not lead to the expected root")]
    RootMismatch,
}

/// The subtrees, as `[start, end)`, whose hashes form `PATH(index, D[start:end])`.
fn path_ranges(index: u64, start: u64, end: u64, out: &mut Vec<(u64, u64)>) {
    let n = end - start;
    if n <= 1 {
        return;
    }
    let k = split_point(n);
    if index - start < k {
        path_ranges(index, start, start + k, out);
        out.push((start + k, end));
    } else {
        path_ranges(index, start + k, end, out);
        out.push((start, start + k));
    }
}

/// The subtrees whose hashes form `SUBPROOF(m, D[start:end], complete)`.
fn subproof_ranges(m: u64, start: u64, end: u64, complete: bool, out: &mut Vec<(u64, u64)>) {
    let n = end - start;
    if m == n {
        if !complete {
            out.push((start, end));
        }
        return;
    }
    let k = split_point(n);
    if m <= k {
        subproof_ranges(m, start, start + k, complete, out);
        out.push((start + k, end));
    } else {
        subproof_ranges(m - k, start + k, end, false, out);
        out.push((start, start + k));
    }
}

/// Reads the hashes of the subtrees `ranges` with one call to the reader.
fn hashes_of(reader: &impl HashReader, ranges: &[(u64, u64)]) -> Result<Vec<Hash>, ReadError> {
    let mut nodes: Vec<NodeIndex> = Vec::with_capacity(ranges.len() + 8);
    let mut bounds = Vec::with_capacity(ranges.len());
    for &(start, end) in ranges {
        let from = nodes.len();
        subtree_nodes(start, end, &mut nodes);
        bounds.push(from..nodes.len());
    }
    let stored = reader.read_hashes(&nodes)?;
    if stored.len() != nodes.len() {
        return Err(ReadError::Storage("the reader returned the wrong number of hashes".into()));
    }
    Ok(bounds.into_iter().map(|r| fold_subtree(&stored[r])).collect())
}

/// The inclusion proof of leaf `index` in the tree of the first `size` leaves.
pub fn inclusion_proof(reader: &impl HashReader, index: u64, size: u64) -> Result<Vec<Hash>, ProofError> {
    subtree_inclusion_proof(reader, index, 0, size)
}

/// The inclusion proof of leaf `index` in the subtree `[start, end)`:
/// `PATH(index - start, D[start:end])`.
pub fn subtree_inclusion_proof(
    reader: &impl HashReader,
    index: u64,
    start: u64,
    end: u64,
) -> Result<Vec<Hash>, ProofError> {
    if !is_valid_subtree(start, end) {
        return Err(ProofError::InvalidSubtree { start, end });
    }
    if index < start || index >= end {
        return Err(ProofError::IndexOutOfRange { index, size: end });
    }
    let mut ranges = Vec::with_capacity(64);
    path_ranges(index, start, end, &mut ranges);
    Ok(hashes_of(reader, &ranges)?)
}

/// The consistency proof between the trees of the first `old` and `new` leaves,
/// `PROOF(old, D[new])`; empty when `old == new`. `old` must not be 0: a proof from the empty
/// tree is meaningless (tlog-witness sends an empty proof for `old 0` by convention).
pub fn consistency_proof(reader: &impl HashReader, old: u64, new: u64) -> Result<Vec<Hash>, ProofError> {
    if old == 0 || old > new {
        return Err(ProofError::InvalidSizes { old, new });
    }
    let mut ranges = Vec::with_capacity(64);
    subproof_ranges(old, 0, new, true, &mut ranges);
    Ok(hashes_of(reader, &ranges)?)
}

/// Verifies that `leaf_hash` is leaf `index` of the tree of `size` leaves whose root is `root`
/// (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(
    index: u64,
    size: u64,
    leaf_hash: &Hash,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), VerifyError> {
    if index >= size {
        return Err(VerifyError::IndexOutOfRange { index, size });
    }
    let mut f_n = index;
    let mut s_n = size - 1;
    let mut r = *leaf_hash;
    for p in proof {
        if s_n == 0 {
            return Err(VerifyError::WrongLength);
        }
        if f_n & 1 == 1 || f_n == s_n {
            r = node_hash(p, &r);
            while f_n & 1 == 0 && f_n != 0 {
                f_n >>= 1;
                s_n >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    if s_n != 0 {
        return Err(VerifyError::WrongLength);
    }
    if r != *root {
        return Err(VerifyError::RootMismatch);
    }
    Ok(())
}

/// Verifies that `leaf_hash` is leaf `index` of the subtree `[start, end)` whose hash is
/// `subtree_hash`.
pub fn verify_subtree_inclusion(
    index: u64,
    start: u64,
    end: u64,
    leaf_hash: &Hash,
    proof: &[Hash],
    subtree_hash: &Hash,
) -> Result<(), VerifyError> {
    if start >= end || !is_valid_subtree(start, end) {
        return Err(VerifyError::InvalidSubtree { start, end });
    }
    if index < start || index >= end {
        return Err(VerifyError::IndexOutOfRange { index, size: end });
    }
    verify_inclusion(index - start, end - start, leaf_hash, proof, subtree_hash)
}

/// Verifies that the tree of `old` leaves with root `old_root` is a prefix of the tree of `new`
/// leaves with root `new_root` (RFC 9162 §2.1.4.2). Equal sizes need an empty proof and equal
/// roots; `old == 0` is refused (see [`consistency_proof`]).
pub fn verify_consistency(
    old: u64,
    new: u64,
    proof: &[Hash],
    old_root: &Hash,
    new_root: &Hash,
) -> Result<(), VerifyError> {
    if old == 0 {
        return Err(VerifyError::EmptyOldTree);
    }
    if old > new {
        return Err(VerifyError::OldLargerThanNew { old, new });
    }
    if old == new {
        if !proof.is_empty() {
            return Err(VerifyError::WrongLength);
        }
        if old_root != new_root {
            return Err(VerifyError::RootMismatch);
        }
        return Ok(());
    }
    let (first, rest) = if old.is_power_of_two() {
        (old_root, proof)
    } else {
        match proof.split_first() {
            Some(split) => split,
            None => return Err(VerifyError::WrongLength),
        }
    };
    let mut f_n = old - 1;
    let mut s_n = new - 1;
    while f_n & 1 == 1 {
        f_n >>= 1;
        s_n >>= 1;
    }
    let mut f_r = *first;
    let mut s_r = *first;
    for c in rest {
        if s_n == 0 {
            return Err(VerifyError::WrongLength);
        }
        if f_n & 1 == 1 || f_n == s_n {
            f_r = node_hash(c, &f_r);
            s_r = node_hash(c, &s_r);
            while f_n & 1 == 0 && f_n != 0 {
                f_n >>= 1;
                s_n >>= 1;
            }
        } else {
            s_r = node_hash(&s_r, c);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    if s_n != 0 {
        return Err(VerifyError::WrongLength);
    }
    if f_r != *old_root || s_r != *new_root {
        return Err(VerifyError::RootMismatch);
    }
    Ok(())
}
