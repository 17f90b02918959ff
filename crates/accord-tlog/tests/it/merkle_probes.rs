//! `merkle-testdata/` (transparency-dev/merkle): inclusion, consistency and subtree-inclusion
//! probes, happy paths and systematic corruptions; each verification's outcome must agree with
//! `wantErr`. A probe whose hashes cannot be read as 32-byte hashes (a negative number, a
//! truncated or extended hash) fails at parsing, which is the verifier's answer for it.
//!
//! One rule of upstream cannot be expressed by a typed 32-byte root: for equal sizes it compares
//! the roots as opaque byte strings (a passing probe uses 12-byte dummy roots). The harness maps
//! a root that is not 32 bytes to `SHA-256(bytes)`, which keeps equal roots equal and different
//! ones different.

use std::path::{Path, PathBuf};

use accord_tlog::{Hash, verify_consistency, verify_inclusion, verify_subtree_inclusion};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

use crate::vectors_dir;

fn probe_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn hash(v: &serde_json::Value) -> Option<Hash> {
    Hash::from_slice(&STANDARD.decode(v.as_str()?).ok()?).ok()
}

fn opaque_root(v: &serde_json::Value) -> Option<Hash> {
    let bytes = STANDARD.decode(v.as_str()?).ok()?;
    Some(Hash::from_slice(&bytes).unwrap_or_else(|_| Hash(Sha256::digest(&bytes).into())))
}

fn proof(v: &serde_json::Value) -> Option<Vec<Hash>> {
    match v {
        serde_json::Value::Null => Some(Vec::new()),
        serde_json::Value::Array(items) => items.iter().map(hash).collect(),
        _ => None,
    }
}

/// Runs every probe of `kind` with `verify` (which answers whether the probe verified) and
/// returns how many ran; all disagreements are reported together.
fn run(kind: &str, verify: impl Fn(&serde_json::Value) -> bool) -> Option<usize> {
    let dir = vectors_dir()?.join("merkle-testdata").join(kind);
    let files = probe_files(&dir);
    let mut failures = Vec::new();
    for file in &files {
        let probe: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        let want_err = probe["wantErr"].as_bool().expect("wantErr");
        if verify(&probe) == want_err {
            failures.push(format!("{}: wantErr {want_err} ({})", file.display(), probe["desc"]));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} probes disagree:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
    Some(files.len())
}

#[test]
fn inclusion_probes() {
    let Some(count) = run("inclusion", |p| {
        let (Some(index), Some(size), Some(leaf), Some(root), Some(proof)) = (
            p["leafIdx"].as_u64(),
            p["treeSize"].as_u64(),
            hash(&p["leafHash"]),
            hash(&p["root"]),
            proof(&p["proof"]),
        ) else {
            return false;
        };
        verify_inclusion(index, size, &leaf, &proof, &root).is_ok()
    }) else {
        return;
    };
    assert_eq!(count, 98);
}

#[test]
fn consistency_probes() {
    let Some(count) = run("consistency", |p| {
        let (Some(size1), Some(size2), Some(proof)) =
            (p["size1"].as_u64(), p["size2"].as_u64(), proof(&p["proof"]))
        else {
            return false;
        };
        let root = if size1 == size2 { opaque_root } else { hash };
        let (Some(root1), Some(root2)) = (root(&p["root1"]), root(&p["root2"])) else { return false };
        verify_consistency(size1, size2, &proof, &root1, &root2).is_ok()
    }) else {
        return;
    };
    assert_eq!(count, 98);
}

#[test]
fn subtree_inclusion_probes() {
    let Some(count) = run("subtreeinclusion", |p| {
        let (Some(index), Some(start), Some(end), Some(leaf), Some(root), Some(proof)) = (
            p["leafIdx"].as_u64(),
            p["start"].as_u64(),
            p["end"].as_u64(),
            hash(&p["leafHash"]),
            hash(&p["root"]),
            proof(&p["proof"]),
        ) else {
            return false;
        };
        verify_subtree_inclusion(index, start, end, &leaf, &proof, &root).is_ok()
    }) else {
        return;
    };
    assert_eq!(count, 204);
}
