//! RFC 6962 §2.1 / RFC 9162 §2.1.1 Merkle tree hashing with SHA-256: leaf and node hashes,
//! the tree hash of `n` leaves, and the stored hashes of a growing log.
//!
//! A log stores, for each level `l`, the hashes of its *complete* subtrees: the node at
//! `(l, i)` is `MTH(D[i·2^l : (i+1)·2^l])` and exists once the tree has `(i+1)·2^l` leaves.
//! This is the layout tlog-tiles serves (a tile at tile level `L` holds the stored hashes of
//! Merkle level `8·L`), so any proof or root can be built from `O(log n)` stored hashes read
//! through a [`HashReader`].

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

/// A SHA-256 hash: a leaf hash, an interior node hash or a tree root.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hash(pub [u8; Hash::LEN]);

/// A byte string that is not a 32-byte hash.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HashError {
    #[error("a hash is 32 bytes, not {0}")]
    Length(usize),
    #[error("a hash is not valid base64")]
    Base64,
}

impl Hash {
    /// The size of a SHA-256 hash in bytes.
    pub const LEN: usize = 32;

    /// The bytes of the hash.
    pub fn as_bytes(&self) -> &[u8; Self::LEN] {
        &self.0
    }

    /// A hash from exactly 32 bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, HashError> {
        let array: [u8; Self::LEN] = bytes.try_into().map_err(|_| HashError::Length(bytes.len()))?;
        Ok(Self(array))
    }

    /// A hash from standard base64 with padding (RFC 4648 §4), as checkpoints and proofs
    /// write it.
    pub fn from_base64(text: &str) -> Result<Self, HashError> {
        let bytes = STANDARD.decode(text).map_err(|_| HashError::Base64)?;
        Self::from_slice(&bytes)
    }

    /// Standard base64 with padding.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }

    /// Lowercase hex.
    pub fn to_hex(&self) -> String {
        use fmt::Write as _;
        self.0.iter().fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({})", self.to_hex())
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// `MTH({}) = SHA-256("")`, the root of the empty tree.
pub fn empty_root() -> Hash {
    Hash(Sha256::digest([]).into())
}

/// `SHA-256(0x00 ‖ data)`, the hash of one leaf.
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0x00]);
    h.update(data);
    Hash(h.finalize().into())
}

/// `SHA-256(0x01 ‖ left ‖ right)`, the hash of an interior node.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    node_hash_of_bytes(&left.0, &right.0)
}

/// [`node_hash`] over raw children of any length (RFC 6962's hasher test uses short ones).
pub fn node_hash_of_bytes(left: &[u8], right: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0x01]);
    h.update(left);
    h.update(right);
    Hash(h.finalize().into())
}

/// The largest power of two smaller than `n` (`n >= 2`): where RFC 6962 splits `n` leaves.
pub(crate) fn split_point(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1 << (63 - (n - 1).leading_zeros())
}

/// `MTH(D[n])` over leaf hashes held in memory (RFC 6962 §2.1).
pub fn tree_hash(leaf_hashes: &[Hash]) -> Hash {
    match leaf_hashes {
        [] => empty_root(),
        [one] => *one,
        _ => {
            let k = usize::try_from(split_point(leaf_hashes.len() as u64)).expect("k < len fits usize");
            node_hash(&tree_hash(&leaf_hashes[..k]), &tree_hash(&leaf_hashes[k..]))
        }
    }
}

/// Where a stored hash lives: the root of the complete subtree of `2^level` leaves that starts
/// at leaf `index · 2^level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeIndex {
    pub level: u8,
    pub index: u64,
}

impl NodeIndex {
    pub fn new(level: u8, index: u64) -> Self {
        Self { level, index }
    }
}

/// Why stored hashes could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("stored hash at level {level}, index {index} is not available")]
    Missing { level: u8, index: u64 },
    #[error("the hash storage failed: {0}")]
    Storage(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// A source of stored hashes (see the module documentation for what `(level, index)` means).
/// The server backs it with its database or with tiles; [`MemoryHashes`] keeps them in memory.
pub trait HashReader {
    /// The hashes at `indexes`, in the same order. Callers pass every index they need for one
    /// proof at once, so a database can answer with one query.
    fn read_hashes(&self, indexes: &[NodeIndex]) -> Result<Vec<Hash>, ReadError>;
}

impl<R: HashReader + ?Sized> HashReader for &R {
    fn read_hashes(&self, indexes: &[NodeIndex]) -> Result<Vec<Hash>, ReadError> {
        (**self).read_hashes(indexes)
    }
}

/// The stored hashes of a log, in memory: appending a leaf adds its hash at level 0 and the
/// hash of every subtree it completes.
#[derive(Debug, Clone, Default)]
pub struct MemoryHashes {
    levels: Vec<Vec<Hash>>,
}

impl MemoryHashes {
    pub fn new() -> Self {
        Self::default()
    }

    /// A tree of these leaf hashes.
    pub fn from_leaf_hashes(leaf_hashes: impl IntoIterator<Item = Hash>) -> Self {
        let mut tree = Self::new();
        for h in leaf_hashes {
            tree.append_leaf_hash(h);
        }
        tree
    }

    /// The number of leaves.
    pub fn size(&self) -> u64 {
        self.levels.first().map_or(0, |l| l.len() as u64)
    }

    /// Appends a leaf (its data, hashed with [`leaf_hash`]) and returns its index.
    pub fn append(&mut self, data: &[u8]) -> u64 {
        self.append_leaf_hash(leaf_hash(data))
    }

    /// Appends a leaf by its leaf hash and returns its index.
    pub fn append_leaf_hash(&mut self, hash: Hash) -> u64 {
        let index = self.size();
        let mut carry = hash;
        let mut level = 0;
        loop {
            if self.levels.len() == level {
                self.levels.push(Vec::new());
            }
            let row = &mut self.levels[level];
            row.push(carry);
            if row.len() % 2 == 1 {
                break;
            }
            carry = node_hash(&row[row.len() - 2], &row[row.len() - 1]);
            level += 1;
        }
        index
    }

    /// The root of the whole tree.
    pub fn root(&self) -> Hash {
        root_hash(self, self.size()).expect("every complete subtree of the tree is stored")
    }

    /// The stored hash at `node`, if the tree has it.
    pub fn get(&self, node: NodeIndex) -> Option<Hash> {
        let i = usize::try_from(node.index).ok()?;
        self.levels.get(usize::from(node.level))?.get(i).copied()
    }
}

impl HashReader for MemoryHashes {
    fn read_hashes(&self, indexes: &[NodeIndex]) -> Result<Vec<Hash>, ReadError> {
        indexes
            .iter()
            .map(|n| self.get(*n).ok_or(ReadError::Missing { level: n.level, index: n.index }))
            .collect()
    }
}

/// Whether `[start, end)` is a subtree of the RFC 6962 tree shape: empty, starting at 0, or
/// starting at a multiple of the smallest power of two `>= end - start`.
pub fn is_valid_subtree(start: u64, end: u64) -> bool {
    if start > end {
        return false;
    }
    if start == end || start == 0 {
        return true;
    }
    match (end - start).checked_next_power_of_two() {
        Some(p) => start.is_multiple_of(p),
        None => false,
    }
}

/// The stored nodes whose hashes make up the valid subtree `[start, end)`, largest first.
pub(crate) fn subtree_nodes(start: u64, end: u64, out: &mut Vec<NodeIndex>) {
    let mut at = start;
    while at < end {
        let remaining = end - at;
        // The largest block that is aligned at `at` and fits in what remains.
        let mut level = 63 - remaining.leading_zeros();
        if at != 0 {
            level = level.min(at.trailing_zeros());
        }
        out.push(NodeIndex::new(level as u8, at >> level));
        at += 1 << level;
    }
}

/// Folds the hashes of a subtree's stored nodes (largest first) into its hash.
pub(crate) fn fold_subtree(hashes: &[Hash]) -> Hash {
    match hashes.split_last() {
        None => empty_root(),
        Some((last, rest)) => rest.iter().rev().fold(*last, |acc, h| node_hash(h, &acc)),
    }
}

/// Why a subtree hash could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum SubtreeError {
    #[error("[{start}, {end}) is not a subtree of the tree's shape")]
    InvalidSubtree { start: u64, end: u64 },
    #[error(transparent)]
    Read(#[from] ReadError),
}

/// `MTH(D[start:end])` for a valid subtree, from `O(log n)` stored hashes.
pub fn subtree_hash(reader: &impl HashReader, start: u64, end: u64) -> Result<Hash, SubtreeError> {
    if !is_valid_subtree(start, end) {
        return Err(SubtreeError::InvalidSubtree { start, end });
    }
    let mut nodes = Vec::new();
    subtree_nodes(start, end, &mut nodes);
    Ok(fold_subtree(&reader.read_hashes(&nodes)?))
}

/// The root of the tree of the first `size` leaves, from `O(log size)` stored hashes.
pub fn root_hash(reader: &impl HashReader, size: u64) -> Result<Hash, ReadError> {
    match subtree_hash(reader, 0, size) {
        Ok(h) => Ok(h),
        Err(SubtreeError::Read(e)) => Err(e),
        Err(SubtreeError::InvalidSubtree { .. }) => unreachable!("[0, n) is always a subtree"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_point_is_the_largest_power_of_two_below() {
        assert_eq!(split_point(2), 1);
        assert_eq!(split_point(3), 2);
        assert_eq!(split_point(4), 2);
        assert_eq!(split_point(5), 4);
        assert_eq!(split_point(1 << 40), 1 << 39);
        assert_eq!(split_point(u64::MAX), 1 << 63);
    }

    #[test]
    fn stored_roots_match_the_recursive_definition() {
        let leaves: Vec<Hash> = (0u32..40).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        let mut tree = MemoryHashes::new();
        for (i, h) in leaves.iter().enumerate() {
            assert_eq!(tree.append_leaf_hash(*h), i as u64);
            assert_eq!(tree.root(), tree_hash(&leaves[..=i]));
        }
        assert_eq!(root_hash(&tree, 0).unwrap(), empty_root());
        assert_eq!(root_hash(&tree, 13).unwrap(), tree_hash(&leaves[..13]));
    }

    #[test]
    fn valid_subtrees() {
        assert!(is_valid_subtree(0, 5));
        assert!(is_valid_subtree(4, 6));
        assert!(is_valid_subtree(8, 13));
        assert!(!is_valid_subtree(2, 5));
        assert!(!is_valid_subtree(1, 3));
        assert!(!is_valid_subtree(1, (1 << 63) + 2));
        assert!(!is_valid_subtree(3, 2));
    }
}
