//! Transparency-log formats (C2SP tlog-checkpoint, signed-note, tlog-cosignature, tlog-tiles,
//! tlog-proof, tlog-policy, the tlog-witness request and the witness's rules; RFC 6962/9162 Merkle trees). Pure: no I/O, no
//! clock, no randomness; time and keys come in as parameters.

pub mod bundle;
pub mod checkpoint;
pub mod cosignature;
pub mod keys;
pub mod merkle;
pub mod note;
pub mod policy;
pub mod proof;
pub mod receipt;
pub mod sumdb;
pub mod tiles;
pub mod witness;

pub use bundle::{
    BundleError, MAX_ENTRY_LEN, check_entries_against_tile, encode_entry_bundle, parse_entry_bundle,
};
pub use checkpoint::{Checkpoint, CheckpointError, CheckpointOpenError};
pub use cosignature::{CosignatureError, Cosigner};
pub use keys::{KeyError, KeyId, KeyName, KeyNameError, NoteSigner, SignatureType, VerifierKey};
pub use merkle::{
    Hash, HashError, HashReader, MemoryHashes, NodeIndex, ReadError, SubtreeError, empty_root,
    is_valid_subtree, leaf_hash, node_hash, node_hash_of_bytes, root_hash, subtree_hash, tree_hash,
};
pub use note::{MAX_SIGNATURES, Note, NoteError, NoteSignature, OpenError, VerifiedSignature};
pub use policy::{Policy, PolicyError, PolicyLog, PolicyWitness};
pub use proof::{
    ProofError, VerifyError, consistency_proof, inclusion_proof, subtree_inclusion_proof, verify_consistency,
    verify_inclusion, verify_subtree_inclusion,
};
pub use receipt::{ReceiptError, TlogProof};
pub use sumdb::{SumdbPathError, SumdbTile, new_sumdb_tiles};
pub use tiles::{
    Tile, TileError, TileHashReader, TileKind, TileReader, entry_bundles_for_size, new_tiles, read_hash_tile,
    tiles_for_size,
};
pub use witness::{
    AddCheckpointError, AddCheckpointRequest, SignedRequest, TrustedLogs, WitnessRefusal, WitnessedTree,
};
