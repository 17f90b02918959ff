//! Error cases: malformed notes, wrong keys, bad checkpoints, truncated entry bundles, bad tile
//! paths, bad receipts, proof requests out of range.

use accord_tlog::{
    AddCheckpointRequest, BundleError, Checkpoint, CheckpointError, CosignatureError, Cosigner, KeyError,
    KeyName, MemoryHashes, Note, NoteError, NoteSigner, OpenError, ProofError, ReceiptError, Tile, TileError,
    TlogProof, VerifierKey, consistency_proof, encode_entry_bundle, inclusion_proof, leaf_hash,
    parse_entry_bundle,
};

fn signer(name: &str, seed: u8) -> NoteSigner {
    NoteSigner::from_seed(KeyName::new(name).unwrap(), &[seed; 32])
}

fn signed(text: &str, by: &NoteSigner) -> String {
    let mut note = Note::new(text).unwrap();
    note.sign(by).unwrap();
    note.to_text()
}

#[test]
fn malformed_notes() {
    let alice = signer("alice.example", 1);
    let good = signed("hello\n", &alice);
    let sig_line = good.split("\n\n").nth(1).unwrap();
    let cases: &[(&str, String)] = &[
        ("empty", String::new()),
        ("no blank line", "hello\n".to_owned()),
        ("empty text", format!("\n{sig_line}")),
        ("no signature", "hello\n\n".to_owned()),
        ("tab in text", good.replace("hello", "hel\tlo")),
        ("carriage return", good.replace("hello\n", "hello\r\n")),
        ("hyphen instead of em dash", good.replace('\u{2014}', "-")),
        ("no space after dash", good.replace("\u{2014} ", "\u{2014}")),
        ("three fields", good.replace(" alice.example ", " alice.example x ")),
        ("plus in name", good.replace("alice.example", "alice+example")),
        ("not base64", good.replace(" alice.example ", " alice.example !")),
        ("signature too short", "hello\n\n\u{2014} alice.example AAAAAA==\n".to_owned()),
        ("unterminated", good.trim_end_matches('\n').to_owned()),
    ];
    for (what, text) in cases {
        let got = Note::open(text.as_bytes(), &[alice.verifier_key()]);
        assert!(matches!(got, Err(OpenError::Malformed(_))), "{what}: {got:?}");
    }
    // A blank line between signatures makes the first one part of the text (the split is at
    // the last blank line), so the signature no longer matches its text.
    let split = format!("{good}\n{sig_line}");
    assert!(matches!(
        Note::open(split.as_bytes(), &[alice.verifier_key()]),
        Err(OpenError::BadSignature { .. })
    ));
    assert!(matches!(Note::parse(&[0xff, b'\n', b'\n']), Err(NoteError::NotUtf8)));
    assert_eq!(Note::new("no newline"), Err(NoteError::TextWithoutNewline));
    // Sixteen signatures must be accepted (C2SP); a hundred and one are not.
    let mut note = Note::new("many\n").unwrap();
    for i in 0..16 {
        note.sign(&signer(&format!("s{i}"), i)).unwrap();
    }
    assert_eq!(
        Note::open(note.to_text().as_bytes(), &[signer("s15", 15).verifier_key()]).unwrap().1.len(),
        1
    );
    for i in 16..100 {
        note.sign(&signer(&format!("s{i}"), i)).unwrap();
    }
    assert_eq!(note.sign(&alice), Err(NoteError::TooManySignatures));
}

#[test]
fn wrong_keys() {
    let alice = signer("alice.example", 1);
    let note = signed("hello\n", &alice);
    // Same name, another key: a different key ID, so the signature is unknown, not bad.
    let other = signer("alice.example", 2);
    assert_eq!(Note::open(note.as_bytes(), &[other.verifier_key()]), Err(OpenError::NoVerifiableSignature));
    // The right key over altered text: a known key's signature fails.
    let altered = note.replace("hello", "jello");
    assert!(matches!(
        Note::open(altered.as_bytes(), &[alice.verifier_key()]),
        Err(OpenError::BadSignature { .. })
    ));
    // A cosignature key does not verify a plain signature with the same seed and name.
    let cosigner = Cosigner::from_seed(KeyName::new("alice.example").unwrap(), &[1; 32]);
    assert_eq!(
        Note::open(note.as_bytes(), &[cosigner.verifier_key()]),
        Err(OpenError::NoVerifiableSignature)
    );
}

#[test]
fn bad_keys() {
    let alice = signer("alice.example", 1);
    let vkey = alice.verifier_key().to_string();
    assert!(matches!(
        vkey.replacen("alice", "bob", 1).parse::<VerifierKey>(),
        Err(KeyError::KeyIdMismatch { .. })
    ));
    assert_eq!("alice.example".parse::<VerifierKey>().unwrap_err(), KeyError::Parts);
    let skey = alice.to_private_key_string();
    assert!(skey.replacen("PRIVATE+KEY+", "", 1).parse::<NoteSigner>().is_err());
    assert!(skey.replacen("alice", "bob", 1).parse::<NoteSigner>().is_err());
    assert!(vkey.parse::<NoteSigner>().is_err());
}

#[test]
fn bad_checkpoints() {
    let root = leaf_hash(b"x").to_base64();
    assert_eq!(Checkpoint::parse(&format!("o\n01\n{root}\n")), Err(CheckpointError::Size));
    assert_eq!(Checkpoint::parse(&format!("o\n-1\n{root}\n")), Err(CheckpointError::Size));
    assert_eq!(Checkpoint::parse("o\n1\nAAAA\n"), Err(CheckpointError::RootHash));
    assert_eq!(Checkpoint::parse(&format!("o\n1\n{root}")), Err(CheckpointError::NoFinalNewline));
    assert_eq!(Checkpoint::parse("o\n1\n"), Err(CheckpointError::TooFewLines));
    let unpadded = root.trim_end_matches('=');
    assert_eq!(Checkpoint::parse(&format!("o\n1\n{unpadded}\n")), Err(CheckpointError::RootHash));
    // A cosigner signs checkpoints only, at timestamps below 2^63.
    let witness = Cosigner::from_seed(KeyName::new("w").unwrap(), &[3; 32]);
    assert!(matches!(witness.sign("not a checkpoint\n", 1), Err(CosignatureError::NotACheckpoint(_))));
    let body = format!("o\n1\n{root}\n");
    assert_eq!(witness.sign(&body, 1 << 63), Err(CosignatureError::Timestamp(1 << 63)));
}

#[test]
fn truncated_and_oversized_entry_bundles() {
    let bundle = encode_entry_bundle(&[b"one".as_slice(), b"two"]).unwrap();
    assert_eq!(parse_entry_bundle(&bundle).unwrap(), vec![b"one".as_slice(), b"two"]);
    assert_eq!(parse_entry_bundle(&bundle[..bundle.len() - 1]), Err(BundleError::Truncated { index: 1 }));
    assert_eq!(parse_entry_bundle(&bundle[..6]), Err(BundleError::Truncated { index: 1 }));
    assert_eq!(parse_entry_bundle(&[0]), Err(BundleError::Truncated { index: 0 }));
    let big = vec![0u8; 65_536];
    assert_eq!(
        encode_entry_bundle(&[big.as_slice()]),
        Err(BundleError::EntryTooLarge { index: 0, len: 65_536 })
    );
    let largest = vec![7u8; 65_535];
    assert_eq!(
        parse_entry_bundle(&encode_entry_bundle(&[largest.as_slice()]).unwrap()).unwrap()[0].len(),
        65_535
    );
    let too_many = vec![b"e".as_slice(); 257];
    assert_eq!(encode_entry_bundle(&too_many), Err(BundleError::TooManyEntries(257)));
}

#[test]
fn bad_tile_paths() {
    for path in [
        "tile/0/1",
        "tile/00/000",
        "tile/64/000",
        "tile/0/x000/001",
        "tile/0/001.p/0",
        "tile/0/001.p/256",
        "tile/0/001.p/05",
        "tile/0/001.p/",
        "tile/entries/x1/000",
        "tile/0/001/",
        "/tile/0/001",
        "tile/data/000",
        "tile/0/-01",
        "tile/0/x018/x446/x744/x073/x709/x551/616",
    ] {
        assert!(matches!(Tile::parse_path(path), Err(TileError::Path(_))), "{path} was accepted");
    }
    let tile = Tile::hashes(0, 3, 10).unwrap();
    assert!(matches!(tile.parse_hashes(&[0; 31]), Err(TileError::Length { .. })));
    assert_eq!(Tile::hashes(0, 0, 0), Err(TileError::Width(0)));
    assert_eq!(Tile::entries(0, 257), Err(TileError::Width(257)));
}

#[test]
fn bad_receipts_and_requests() {
    let log = signer("log.example", 9);
    let witness = Cosigner::from_seed(KeyName::new("w.example").unwrap(), &[8; 32]);
    let tree = MemoryHashes::from_leaf_hashes((0u8..5).map(|i| leaf_hash(&[i])));
    let checkpoint = Checkpoint::new("log.example", 5, tree.root()).unwrap();
    let receipt = TlogProof {
        extra: Some(b"app".to_vec()),
        index: 2,
        proof: inclusion_proof(&tree, 2, 5).unwrap(),
        checkpoint: checkpoint.sign(&log),
    };
    let text = receipt.to_string();
    assert_eq!(TlogProof::parse(text.as_bytes()).unwrap(), receipt);
    let leaf = leaf_hash(&[2]);
    receipt.verify(&leaf, "log.example", &log.verifier_key(), &[], 0).unwrap();
    assert_eq!(
        receipt.verify(&leaf, "log.example", &log.verifier_key(), &[witness.verifier_key()], 1),
        Err(ReceiptError::Quorum { required: 1, found: 0 })
    );
    assert!(matches!(
        receipt.verify(&leaf, "other.example", &log.verifier_key(), &[], 0),
        Err(ReceiptError::OriginMismatch { .. })
    ));
    let stranger = signer("log.example", 10);
    assert!(matches!(
        receipt.verify(&leaf, "log.example", &stranger.verifier_key(), &[], 0),
        Err(ReceiptError::Signatures(OpenError::NoVerifiableSignature))
    ));
    assert!(matches!(
        receipt.verify(&leaf_hash(&[3]), "log.example", &log.verifier_key(), &[], 0),
        Err(ReceiptError::Inclusion(_))
    ));
    assert_eq!(TlogProof::parse(text.replace("@v1", "@v2").as_bytes()), Err(ReceiptError::Header));
    assert_eq!(TlogProof::parse(text.replace("index 2", "index 02").as_bytes()), Err(ReceiptError::Line(3)));
    assert!(TlogProof::parse(text.replace("\n\n", "\n").as_bytes()).is_err());

    let request = AddCheckpointRequest {
        old: 3,
        proof: consistency_proof(&tree, 3, 5).unwrap(),
        checkpoint: checkpoint.sign(&log),
    };
    let body = request.to_string();
    assert_eq!(AddCheckpointRequest::parse(body.as_bytes()).unwrap(), request);
    assert!(AddCheckpointRequest::parse(body.replace("old 3", "old x").as_bytes()).is_err());
}

#[test]
fn proof_requests_out_of_range() {
    let tree = MemoryHashes::from_leaf_hashes((0u8..5).map(|i| leaf_hash(&[i])));
    assert!(matches!(inclusion_proof(&tree, 5, 5), Err(ProofError::IndexOutOfRange { .. })));
    assert!(matches!(inclusion_proof(&tree, 0, 6), Err(ProofError::Read(_))));
    assert!(matches!(consistency_proof(&tree, 0, 5), Err(ProofError::InvalidSizes { .. })));
    assert!(matches!(consistency_proof(&tree, 4, 3), Err(ProofError::InvalidSizes { .. })));
    assert!(consistency_proof(&tree, 5, 5).unwrap().is_empty());
}
