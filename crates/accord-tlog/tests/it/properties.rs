//! Property tests: generated proofs verify and a flipped bit fails them; sign-then-verify
//! round trips; tile paths and entry bundles round trip.

use accord_tlog::{
    Checkpoint, Cosigner, Hash, KeyName, MemoryHashes, Note, NoteSigner, OpenError, Tile, consistency_proof,
    encode_entry_bundle, inclusion_proof, leaf_hash, parse_entry_bundle, root_hash, tree_hash,
    verify_consistency, verify_inclusion,
};
use proptest::prelude::*;

fn tree_of(size: u64) -> (MemoryHashes, Vec<Hash>) {
    let leaves: Vec<Hash> = (0..size).map(|i| leaf_hash(&i.to_le_bytes())).collect();
    (MemoryHashes::from_leaf_hashes(leaves.iter().copied()), leaves)
}

fn flip(h: &mut Hash, bit: usize) {
    h.0[(bit / 8) % 32] ^= 1 << (bit % 8);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn inclusion_proofs_verify_and_a_flipped_bit_fails(size in 1u64..600, pick in any::<u64>(), bit in 0usize..256) {
        let (tree, leaves) = tree_of(size);
        let index = pick % size;
        let root = tree.root();
        prop_assert_eq!(root, tree_hash(&leaves));
        let proof = inclusion_proof(&tree, index, size).unwrap();
        prop_assert!(proof.len() <= 64 - (size - 1).leading_zeros() as usize);
        prop_assert!(verify_inclusion(index, size, &leaves[index as usize], &proof, &root).is_ok());
        let mut bad_root = root;
        flip(&mut bad_root, bit);
        prop_assert!(verify_inclusion(index, size, &leaves[index as usize], &proof, &bad_root).is_err());
        if !proof.is_empty() {
            let mut bad = proof.clone();
            let at = bit % bad.len();
            flip(&mut bad[at], bit);
            prop_assert!(verify_inclusion(index, size, &leaves[index as usize], &bad, &root).is_err());
        }
        if size > 1 {
            let other = (index + 1) % size;
            prop_assert!(verify_inclusion(other, size, &leaves[index as usize], &proof, &root).is_err());
        }
    }

    #[test]
    fn consistency_proofs_verify_and_a_flipped_bit_fails(new in 1u64..600, pick in any::<u64>(), bit in 0usize..256) {
        let (tree, _) = tree_of(new);
        let old = 1 + pick % new;
        let (old_root, new_root) = (root_hash(&tree, old).unwrap(), tree.root());
        let proof = consistency_proof(&tree, old, new).unwrap();
        prop_assert!(verify_consistency(old, new, &proof, &old_root, &new_root).is_ok());
        let mut bad_old = old_root;
        flip(&mut bad_old, bit);
        prop_assert!(verify_consistency(old, new, &proof, &bad_old, &new_root).is_err());
        if !proof.is_empty() {
            let mut bad = proof.clone();
            let at = bit % bad.len();
            flip(&mut bad[at], bit);
            prop_assert!(verify_consistency(old, new, &bad, &old_root, &new_root).is_err());
            prop_assert!(verify_consistency(old, new, &proof[..proof.len() - 1], &old_root, &new_root).is_err());
        }
    }

    #[test]
    fn sign_then_verify(seed in any::<[u8; 32]>(), text in "[ -~\u{e9}\u{2014}]{1,40}(\n[ -~]{0,20}){0,3}", ts in 0u64..(1 << 63)) {
        let text = format!("{text}\n");
        let signer = NoteSigner::from_seed(KeyName::new("signer.example/a").unwrap(), &seed);
        let mut note = Note::new(text.clone()).unwrap();
        note.sign(&signer).unwrap();
        let printed = note.to_text();
        let (opened, verified) = Note::open(printed.as_bytes(), &[signer.verifier_key()]).unwrap();
        prop_assert_eq!(opened.text(), text.as_str());
        prop_assert_eq!(verified.len(), 1);
        let vkey_text = signer.verifier_key().to_string();
        prop_assert_eq!(vkey_text.parse::<accord_tlog::VerifierKey>().unwrap().to_string(), vkey_text);
        let skey: NoteSigner = signer.to_private_key_string().parse().unwrap();
        prop_assert_eq!(skey.key_id(), signer.key_id());

        // A cosignature over a checkpoint round trips with its timestamp.
        let checkpoint = Checkpoint::new("log.example", ts % 1000, leaf_hash(&seed)).unwrap();
        let witness = Cosigner::from_seed(KeyName::new("w.example").unwrap(), &seed);
        let mut cp = Note::new(checkpoint.to_text()).unwrap();
        cp.add_signature(witness.sign(&checkpoint.to_text(), ts).unwrap()).unwrap();
        let (_, v) = Note::open(cp.to_text().as_bytes(), &[witness.verifier_key()]).unwrap();
        prop_assert_eq!(v[0].timestamp, Some(ts));
        let tampered = cp.to_text().replacen("log.example", "log.exampl3", 1);
        prop_assert!(
            matches!(Note::open(tampered.as_bytes(), &[witness.verifier_key()]), Err(OpenError::BadSignature { .. })),
            "a tampered checkpoint verified"
        );
    }

    #[test]
    fn tile_paths_round_trip(level in 0u8..=63, index in any::<u64>(), width in 1u16..=256, entries in any::<bool>()) {
        let tile = if entries { Tile::entries(index, width) } else { Tile::hashes(level, index, width) }.unwrap();
        let path = tile.path();
        prop_assert_eq!(Tile::parse_path(&path).unwrap(), tile);
    }

    #[test]
    fn entry_bundles_round_trip(entries in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..300), 0..40)) {
        let bundle = encode_entry_bundle(&entries).unwrap();
        let parsed = parse_entry_bundle(&bundle).unwrap();
        prop_assert_eq!(parsed.len(), entries.len());
        for (a, b) in parsed.iter().zip(&entries) {
            prop_assert_eq!(*a, b.as_slice());
        }
        if !bundle.is_empty() {
            prop_assert!(parse_entry_bundle(&bundle[..bundle.len() - 1]).is_err());
        }
    }
}
