//! Integration tests of accord-tlog: every vector of `../shared/fixtures/tlog-vectors/` (RFC
//! 6962 hashes and proofs, transparency-dev/merkle probes, signed notes, tiles, our generated
//! end-to-end log), property tests, error cases and the number of stored hashes a proof reads.

mod errors;
mod generated;
mod merkle_probes;
mod policy;
mod proof_reads;
mod properties;
mod rfc6962;
mod signed_notes;
mod tiles;
mod witness;

use std::path::PathBuf;

/// The vector folder, or `None` (after saying SKIPPED) when the shared fixtures are absent.
pub fn vectors_dir() -> Option<PathBuf> {
    accord_testkit::shared_fixtures("tlog-vectors")
}

/// One JSON vector file of the folder.
pub fn vector_file(name: &str) -> Option<serde_json::Value> {
    let path = vectors_dir()?.join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Some(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

pub fn hex_bytes(v: &serde_json::Value) -> Vec<u8> {
    hex::decode(v.as_str().expect("a hex string")).expect("valid hex")
}

pub fn hex_hash(v: &serde_json::Value) -> accord_tlog::Hash {
    accord_tlog::Hash::from_slice(&hex_bytes(v)).expect("a 32-byte hash")
}

/// The eight leaves of RFC 6962's test tree, from `rfc6962.json`.
pub fn rfc6962_leaves(file: &serde_json::Value) -> Vec<Vec<u8>> {
    file["tree"]["leaves_hex"].as_array().expect("leaves").iter().map(hex_bytes).collect()
}
