//! `generated.json`: our end-to-end vector — log and witness keys from fixed seeds, signed and
//! cosigned checkpoints of sizes 4 and 8 over the RFC 6962 test leaves, the cosigned message,
//! an `add-checkpoint` request body, a tlog-proof for leaf 5, and tile inventories.

use accord_tlog::cosignature::signed_message;
use accord_tlog::{
    AddCheckpointRequest, Checkpoint, Cosigner, Hash, KeyName, MemoryHashes, Note, NoteSigner, TlogProof,
    VerifierKey, consistency_proof, inclusion_proof, leaf_hash, root_hash, tiles_for_size,
    verify_consistency,
};

use crate::{hex_bytes, hex_hash, rfc6962_leaves, vector_file};

struct Log {
    file: serde_json::Value,
    origin: String,
    signer: NoteSigner,
    cosigner: Cosigner,
    tree: MemoryHashes,
}

fn seed(v: &serde_json::Value) -> [u8; 32] {
    hex_bytes(v).try_into().expect("32-byte seed")
}

fn log() -> Option<Log> {
    let file = vector_file("generated.json")?;
    let rfc = vector_file("rfc6962.json")?;
    let origin = file["log"]["origin"].as_str().unwrap().to_owned();
    let signer =
        NoteSigner::from_seed(KeyName::new(origin.clone()).unwrap(), &seed(&file["log"]["ed25519_seed_hex"]));
    let w = &file["witness"];
    let cosigner = Cosigner::from_seed(
        KeyName::new(w["name"].as_str().unwrap()).unwrap(),
        &seed(&w["ed25519_seed_hex"]),
    );
    let mut tree = MemoryHashes::new();
    for leaf in rfc6962_leaves(&rfc) {
        tree.append(&leaf);
    }
    Some(Log { file, origin, signer, cosigner, tree })
}

#[test]
fn keys_from_seeds() {
    let Some(log) = log() else { return };
    let f = &log.file;
    assert_eq!(log.signer.verifier_key().to_string(), f["log"]["vkey"].as_str().unwrap());
    assert_eq!(
        log.cosigner.verifier_key().to_string(),
        f["witness"]["vkey_cosignature_v1"].as_str().unwrap()
    );
    let vkey: VerifierKey = f["log"]["vkey"].as_str().unwrap().parse().unwrap();
    assert!(vkey.to_string().ends_with(&{
        use base64::Engine as _;
        let mut b = vec![1u8];
        b.extend(hex_bytes(&f["log"]["public_key_hex"]));
        base64::engine::general_purpose::STANDARD.encode(b)
    }));
}

#[test]
fn signed_and_cosigned_checkpoints_are_reproduced_and_verify() {
    let Some(log) = log() else { return };
    let log_key: VerifierKey = log.file["log"]["vkey"].as_str().unwrap().parse().unwrap();
    let witness_key: VerifierKey =
        log.file["witness"]["vkey_cosignature_v1"].as_str().unwrap().parse().unwrap();
    let cases = log.file["checkpoints"].as_array().unwrap();
    assert_eq!(cases.len(), 2);
    for case in cases {
        let size = case["size"].as_u64().unwrap();
        let root = root_hash(&log.tree, size).unwrap();
        assert_eq!(root, hex_hash(&case["root_hex"]));
        let timestamp = case["cosignature_timestamp"].as_u64().unwrap();
        let checkpoint = Checkpoint::new(log.origin.clone(), size, root).unwrap();
        let text = checkpoint.to_text();
        assert_eq!(signed_message(timestamp, &text).unwrap(), case["cosigned_message"].as_str().unwrap());
        let mut note = checkpoint.sign(&log.signer);
        note.add_signature(log.cosigner.sign(&text, timestamp).unwrap()).unwrap();
        let want = case["note"].as_str().unwrap();
        assert_eq!(note.to_text(), want, "size {size}");

        // Under log and witness keys, the witness only, the log only.
        let (opened, _, verified) =
            Checkpoint::open(want.as_bytes(), &log.origin, &[log_key.clone(), witness_key.clone()]).unwrap();
        assert_eq!(opened, checkpoint);
        assert_eq!(verified.len(), 2);
        assert_eq!(verified[0].timestamp, None);
        assert_eq!(verified[1].name, *witness_key.name());
        assert_eq!(verified[1].timestamp, Some(timestamp));
        let (_, witness_only) = Note::open(want.as_bytes(), std::slice::from_ref(&witness_key)).unwrap();
        assert_eq!(witness_only.len(), 1);
        let (_, log_only) = Note::open(want.as_bytes(), std::slice::from_ref(&log_key)).unwrap();
        assert_eq!(log_only.len(), 1);
    }
}

#[test]
fn add_checkpoint_request() {
    let Some(log) = log() else { return };
    let body = log.file["witness_add_checkpoint_request"].as_str().unwrap();
    let request = AddCheckpointRequest::parse(body.as_bytes()).unwrap();
    assert_eq!(request.old, 4);
    assert_eq!(request.to_string(), body);
    assert_eq!(request.proof, consistency_proof(&log.tree, 4, 8).unwrap());
    let checkpoint = Checkpoint::parse(request.checkpoint.text()).unwrap();
    let old_root = hex_hash(&log.file["checkpoints"][0]["root_hex"]);
    verify_consistency(4, checkpoint.size(), &request.proof, &old_root, checkpoint.root()).unwrap();
    // The request carries the log's signature only; the witness adds its own.
    let log_key: VerifierKey = log.file["log"]["vkey"].as_str().unwrap().parse().unwrap();
    assert_eq!(request.checkpoint.verify(&[log_key]).unwrap().len(), 1);
    assert_eq!(request.checkpoint.signatures().len(), 1);
}

#[test]
fn tlog_proof_receipt() {
    let Some(log) = log() else { return };
    let p = &log.file["tlog_proof"];
    let text = p["text"].as_str().unwrap();
    let receipt = TlogProof::parse(text.as_bytes()).unwrap();
    assert_eq!(receipt.index, p["leaf_index"].as_u64().unwrap());
    assert_eq!(receipt.extra, None);
    assert_eq!(receipt.to_string(), text);
    assert_eq!(receipt.proof, inclusion_proof(&log.tree, 5, 8).unwrap());
    let log_key: VerifierKey = log.file["log"]["vkey"].as_str().unwrap().parse().unwrap();
    let witness_key: VerifierKey =
        log.file["witness"]["vkey_cosignature_v1"].as_str().unwrap().parse().unwrap();
    let leaf = leaf_hash(&hex_bytes(&p["leaf_hex"]));
    let checkpoint = receipt.verify(&leaf, &log.origin, &log_key, &[witness_key], 1).unwrap();
    assert_eq!(checkpoint.size(), 8);
    let other_leaf: Hash = leaf_hash(b"not this entry");
    assert!(receipt.verify(&other_leaf, &log.origin, &log_key, &[], 0).is_err());
}

#[test]
fn tile_inventories() {
    let Some(log) = log() else { return };
    let cases = log.file["tiles"].as_array().unwrap();
    assert_eq!(cases.len(), 8);
    for case in cases {
        let size = case["tree_size"].as_u64().unwrap();
        let tiles = tiles_for_size(size);
        crate::tiles::check_levels(size, &tiles, case["levels"].as_array().unwrap());
        if let Some(all) = case["all_tile_paths"].as_array() {
            let paths: Vec<String> = tiles.iter().map(|t| t.path()).collect();
            let want: Vec<&str> = all.iter().map(|p| p.as_str().unwrap()).collect();
            assert_eq!(paths, want, "size {size}");
        }
    }
}
