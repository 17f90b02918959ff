//! `rfc6962.json`: hasher vectors, the 8-leaf test tree (every node, every root), the
//! transcribed inclusion and consistency proofs, and the accumulated subtree vectors of
//! draft-ietf-plants-merkle-tree-certs.

use accord_tlog::{
    Hash, MemoryHashes, NodeIndex, consistency_proof, empty_root, inclusion_proof, is_valid_subtree,
    leaf_hash, node_hash_of_bytes, root_hash, subtree_hash, subtree_inclusion_proof, verify_consistency,
    verify_inclusion,
};
use sha2::{Digest, Sha256};

use crate::{hex_bytes, hex_hash, rfc6962_leaves, vector_file};

fn tree(file: &serde_json::Value) -> MemoryHashes {
    let mut t = MemoryHashes::new();
    for leaf in rfc6962_leaves(file) {
        t.append(&leaf);
    }
    t
}

#[test]
fn hasher_vectors() {
    let Some(file) = vector_file("rfc6962.json") else { return };
    let cases = file["hasher"].as_array().unwrap();
    assert_eq!(cases.len(), 4);
    for case in cases {
        let want = hex_hash(&case["want"]);
        let got = match case["kind"].as_str().unwrap() {
            "empty_root" => empty_root(),
            "leaf" => leaf_hash(&hex_bytes(&case["data_hex"])),
            "node" => node_hash_of_bytes(&hex_bytes(&case["left_hex"]), &hex_bytes(&case["right_hex"])),
            other => panic!("unknown kind {other}"),
        };
        assert_eq!(got, want, "{}", case["desc"]);
    }
}

#[test]
fn every_node_and_every_root_of_the_test_tree() {
    let Some(file) = vector_file("rfc6962.json") else { return };
    let t = tree(&file);
    let levels = file["tree"]["node_hashes_by_level"].as_array().unwrap();
    let mut checked = 0;
    for (level, row) in levels.iter().enumerate() {
        for (index, want) in row.as_array().unwrap().iter().enumerate() {
            assert_eq!(
                t.get(NodeIndex::new(level as u8, index as u64)),
                Some(hex_hash(want)),
                "({level}, {index})"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 15);
    let roots = file["tree"]["root_by_size"].as_array().unwrap();
    assert_eq!(roots.len(), 9);
    for (size, want) in roots.iter().enumerate() {
        assert_eq!(root_hash(&t, size as u64).unwrap(), hex_hash(want), "size {size}");
    }
}

#[test]
fn transcribed_inclusion_proofs_are_generated_and_verify() {
    let Some(file) = vector_file("rfc6962.json") else { return };
    let t = tree(&file);
    let leaves = rfc6962_leaves(&file);
    let roots = file["tree"]["root_by_size"].as_array().unwrap();
    let cases = file["inclusion"].as_array().unwrap();
    assert_eq!(cases.len(), 5);
    for case in cases {
        let index = case["leaf_index"].as_u64().unwrap();
        let size = case["tree_size"].as_u64().unwrap();
        let want: Vec<Hash> = case["proof"].as_array().unwrap().iter().map(hex_hash).collect();
        assert_eq!(inclusion_proof(&t, index, size).unwrap(), want, "{index} in {size}");
        let root = hex_hash(&roots[size as usize]);
        verify_inclusion(index, size, &leaf_hash(&leaves[index as usize]), &want, &root).unwrap();
    }
}

#[test]
fn transcribed_consistency_proofs_are_generated_and_verify() {
    let Some(file) = vector_file("rfc6962.json") else { return };
    let t = tree(&file);
    let roots = file["tree"]["root_by_size"].as_array().unwrap();
    let cases = file["consistency"].as_array().unwrap();
    assert_eq!(cases.len(), 5);
    for case in cases {
        let old = case["size1"].as_u64().unwrap();
        let new = case["size2"].as_u64().unwrap();
        let want: Vec<Hash> = case["proof"].as_array().unwrap().iter().map(hex_hash).collect();
        assert_eq!(consistency_proof(&t, old, new).unwrap(), want, "{old} -> {new}");
        let (r1, r2) = (hex_hash(&roots[old as usize]), hex_hash(&roots[new as usize]));
        verify_consistency(old, new, &want, &r1, &r2).unwrap();
    }
}

/// The tree of the accumulated vectors: leaf `i` is the single byte `i`, 130 leaves.
fn accumulated_tree() -> MemoryHashes {
    let mut t = MemoryHashes::new();
    for i in 0..130u8 {
        t.append(&[i]);
    }
    t
}

fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

#[test]
fn accumulated_subtree_hashes() {
    let Some(file) = vector_file("rfc6962.json") else { return };
    let t = accumulated_tree();
    let mut lines = String::new();
    for end in 0..=130u64 {
        for start in 0..=end {
            if is_valid_subtree(start, end) {
                let h = subtree_hash(&t, start, end).unwrap();
                lines.push_str(&format!("[{start}, {end}) {}\n", h.to_hex()));
            }
        }
    }
    let want = file["accumulated_subtree_vectors"]["subtree_hash"]["want_sha256"].as_str().unwrap();
    assert_eq!(sha256_hex(&lines), want);
}

#[test]
fn accumulated_subtree_inclusion_proofs() {
    let Some(file) = vector_file("rfc6962.json") else { return };
    let t = accumulated_tree();
    let mut lines = String::new();
    for end in 0..=130u64 {
        for start in 0..=end {
            if !is_valid_subtree(start, end) {
                continue;
            }
            for index in start..end {
                lines.push_str(&format!("{index} [{start}, {end})"));
                for h in subtree_inclusion_proof(&t, index, start, end).unwrap() {
                    lines.push_str(&format!(" {}", h.to_hex()));
                }
                lines.push('\n');
            }
        }
    }
    let want =
        file["accumulated_subtree_vectors"]["subtree_inclusion_proof"]["want_sha256"].as_str().unwrap();
    assert_eq!(sha256_hex(&lines), want);
}
