//! Proof generation reads `O(log n)` stored hashes and is fast. The time bound is loose (a
//! debug build on a busy 2-core machine must pass it); the read counts are exact bounds.

use std::cell::Cell;
use std::time::Instant;

use accord_tlog::{
    Hash, HashReader, MemoryHashes, NodeIndex, ReadError, consistency_proof, inclusion_proof, leaf_hash,
    verify_inclusion,
};

/// A log of any size whose stored hashes are made up from their position, counting reads.
struct Synthetic {
    reads: Cell<usize>,
}

impl HashReader for Synthetic {
    fn read_hashes(&self, indexes: &[NodeIndex]) -> Result<Vec<Hash>, ReadError> {
        self.reads.set(self.reads.get() + indexes.len());
        Ok(indexes
            .iter()
            .map(|n| {
                let mut h = [0u8; 32];
                h[0] = n.level;
                h[8..16].copy_from_slice(&n.index.to_be_bytes());
                Hash(h)
            })
            .collect())
    }
}

#[test]
fn proofs_of_huge_trees_read_logarithmically_many_hashes() {
    let reader = Synthetic { reads: Cell::new(0) };
    for size in [3u64, 1_000_003, (1 << 40) + 12_345, u64::MAX / 3] {
        let log2 = 64 - size.leading_zeros() as usize;
        for index in [0, size / 2, size - 1] {
            reader.reads.set(0);
            inclusion_proof(&reader, index, size).unwrap();
            assert!(reader.reads.get() <= 2 * log2, "{index} in {size}: {} reads", reader.reads.get());
        }
        reader.reads.set(0);
        consistency_proof(&reader, size / 3, size).unwrap();
        assert!(reader.reads.get() <= 3 * log2, "consistency in {size}: {} reads", reader.reads.get());
    }
}

#[test]
fn inclusion_proofs_in_memory_are_fast() {
    let size = 1u64 << 17;
    let tree = MemoryHashes::from_leaf_hashes((0..size).map(|i| leaf_hash(&i.to_le_bytes())));
    let root = tree.root();
    let rounds = 2_000u64;
    let start = Instant::now();
    for i in 0..rounds {
        let index = (i * 7_919) % size;
        std::hint::black_box(inclusion_proof(&tree, index, size - 1 - i % 100).unwrap());
    }
    let per_proof = start.elapsed() / rounds as u32;
    eprintln!("{per_proof:?} per inclusion proof in a tree of {size} leaves");
    // The target is < 50 µs in an optimised build; allow a debug build on a busy machine twenty times that.
    assert!(per_proof.as_micros() < 1_000, "{per_proof:?} per inclusion proof");
    let proof = inclusion_proof(&tree, 12_345, size).unwrap();
    verify_inclusion(12_345, size, &leaf_hash(&12_345u64.to_le_bytes()), &proof, &root).unwrap();
}
