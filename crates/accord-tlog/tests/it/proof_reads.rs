//! Proof generation reads `O(log n)` stored hashes (exact bounds, counted). How long a proof
//! takes is measured by the benchmark, not asserted here.

use std::cell::Cell;

use accord_tlog::{Hash, HashReader, NodeIndex, ReadError, consistency_proof, inclusion_proof};

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
