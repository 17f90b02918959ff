//! Times the transparency log's inclusion proofs (bench/tlog.sh runs it).
//!
//! Fills a fresh SQLite store (in the system's temporary folder) with `ENTRIES` entries of about
//! 120 bytes, appended `BATCH` per write as the group commit would, then times `PROOFS`
//! inclusion proofs of random entries against the full tree, one after another:
//!
//! * `store`: `Store::log_inclusion_proof`, what a proof costs the server: a pooled read
//!   connection on a blocking thread, one read transaction, the head's size, then the proof's
//!   stored hashes: those of the upper levels from memory once read, the others one indexed
//!   lookup each;
//! * `call`: the same call for an empty proof (entry 0 of the tree of 1), what the call costs
//!   without reading hashes;
//!
//! the proofs of `store` are timed after an untimed pass over 5,000 other random entries, as in
//! a server that has been answering for a while (the upper levels' hashes are in memory).
//! * `memory`: the proof from a tree held in memory (the hashing and indexing alone).
//!
//! Every proof is checked against the root. Then `batch`: 20 writes of 256 entries each, the
//! time per entry of appending, hashing, proving (the receipts) and committing them.
//! Prints one JSON object.
//!
//! `cargo run --release -p accord-store --example log_proofs -- [ENTRIES] [PROOFS] [BATCH]`

use std::sync::Arc;
use std::time::Instant;

use accord_store::log::LogWrite;
use accord_store::sqlite::SqliteStore;
use accord_store::{RegistryWrite, Store};
use accord_tlog::{Hash, KeyName, MemoryHashes, NoteSigner, leaf_hash, verify_inclusion};

/// Proofs made before the timed ones (untimed): a server that has been answering for a while.
const WARM: u64 = 5_000;

fn entry(n: u64) -> Vec<u8> {
    format!(
        "{{\"at\":\"2026-01-01T00:00:00Z\",\"key_fingerprint\":\"{n:064x}\",\"type\":\"accord/bench/v1\"}}"
    )
    .into_bytes()
}

/// A small deterministic generator of entry indexes (xorshift64*).
struct Indexes(u64);

impl Indexes {
    fn next_below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let arg =
        |i: usize, default: u64| std::env::args().nth(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let entries = arg(1, 1_000_000).max(1);
    let proofs = arg(2, 20_000).max(1);
    let batch = arg(3, 1_000).max(1);

    let dir = tempfile::tempdir()?;
    let store = SqliteStore::open(dir.path())?;
    let signer = Arc::new(NoteSigner::from_seed(KeyName::new("bench.example/log")?, &[7; 32]));
    let started = Instant::now();
    let mut n = 0;
    while n < entries {
        let end = (n + batch).min(entries);
        let writes = (n..end).map(|i| RegistryWrite::Log(LogWrite::Append { entry: entry(i) })).collect();
        store.write_logged("bench", writes, Some(signer.clone())).await?;
        n = end;
    }
    let fill_seconds = started.elapsed().as_secs_f64();
    let head = store.log_head().await?;
    assert_eq!(head.size, entries);
    let memory = MemoryHashes::from_leaf_hashes((0..entries).map(|i| leaf_hash(&entry(i))));
    assert_eq!(memory.root(), head.root);

    // Checked after each timed loop, so that the times are of making the proofs only.
    let check = |made: Vec<(u64, Vec<Hash>)>| {
        for (index, proof) in made {
            verify_inclusion(index, entries, &leaf_hash(&entry(index)), &proof, &head.root)
                .expect("the proof verifies");
        }
    };
    let mut made = Vec::with_capacity(proofs as usize);

    // A first pass over other entries, untimed: what a server answering proofs for a while has
    // read (the upper levels' hashes are kept in memory).
    let mut warm = Indexes(0x2545_f491_4f6c_dd1d);
    for _ in 0..proofs.min(WARM) {
        store.log_inclusion_proof(warm.next_below(entries), entries).await?;
    }
    let mut pick = Indexes(0x9e37_79b9_7f4a_7c15);
    let started = Instant::now();
    for _ in 0..proofs {
        let index = pick.next_below(entries);
        made.push((index, store.log_inclusion_proof(index, entries).await?));
    }
    let store_us = started.elapsed().as_secs_f64() * 1e6 / proofs as f64;
    let hashes_per_proof = made.iter().map(|(_, p)| p.len()).sum::<usize>() as f64 / proofs as f64;
    check(std::mem::take(&mut made));

    // The same call for the first entry of the tree of one entry: an empty proof, so the cost
    // of the call itself (thread hop, connection, head).
    let started = Instant::now();
    for _ in 0..proofs {
        assert!(store.log_inclusion_proof(0, 1).await?.is_empty());
    }
    let call_us = started.elapsed().as_secs_f64() * 1e6 / proofs as f64;

    let mut pick = Indexes(0x9e37_79b9_7f4a_7c15);
    let started = Instant::now();
    for _ in 0..proofs {
        let index = pick.next_below(entries);
        made.push((index, accord_tlog::inclusion_proof(&memory, index, entries)?));
    }
    let memory_us = started.elapsed().as_secs_f64() * 1e6 / proofs as f64;
    check(made);

    // Receipts as the writer makes them: batches of 256 entries appended, hashed, proven
    // against one signed checkpoint and committed.
    let rounds = 20u64;
    let started = Instant::now();
    for r in 0..rounds {
        let first = entries + r * 256;
        let writes =
            (first..first + 256).map(|i| RegistryWrite::Log(LogWrite::Append { entry: entry(i) })).collect();
        let appended = store.write_logged("bench", writes, Some(signer.clone())).await?;
        assert_eq!(appended.len(), 256);
    }
    let batch_entry_us = started.elapsed().as_secs_f64() * 1e6 / (rounds * 256) as f64;

    println!(
        "{{\"entries\":{entries},\"proofs\":{proofs},\"batch\":{batch},\"fill_seconds\":{fill_seconds:.2},\
         \"hashes_per_proof\":{hashes_per_proof:.1},\"store_us\":{store_us:.2},\"call_us\":{call_us:.2},\"memory_us\":{memory_us:.2},\"batch_entry_us\":{batch_entry_us:.2}}}"
    );
    Ok(())
}
