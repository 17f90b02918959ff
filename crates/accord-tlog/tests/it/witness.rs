//! The rules of a tlog-witness before it cosigns: each refusal with the status the spec gives
//! it (400, 403, 404, 409, 422), rollbacks and forks, and the cosigned note. The last test
//! replays the add-checkpoint request of `generated.json` and reproduces its cosignature.

use accord_tlog::{
    AddCheckpointRequest, Checkpoint, Cosigner, Hash, KeyName, MemoryHashes, Note, NoteSigner, SignedRequest,
    TrustedLogs, VerifierKey, WitnessRefusal, WitnessedTree, consistency_proof, empty_root,
};

const ORIGIN: &str = "log.example/log";

struct Log {
    signer: NoteSigner,
    tree: MemoryHashes,
}

impl Log {
    fn new() -> Self {
        let mut tree = MemoryHashes::new();
        for i in 0..20u32 {
            tree.append(&i.to_be_bytes());
        }
        Self { signer: NoteSigner::from_seed(KeyName::new(ORIGIN).unwrap(), &[1; 32]), tree }
    }

    fn root(&self, size: u64) -> Hash {
        accord_tlog::root_hash(&self.tree, size).unwrap()
    }

    fn note(&self, size: u64) -> Note {
        Checkpoint::new(ORIGIN, size, self.root(size)).unwrap().sign(&self.signer)
    }

    /// The request from `old` to `size`, with the right proof.
    fn request(&self, old: u64, size: u64) -> String {
        let proof = if old == 0 { Vec::new() } else { consistency_proof(&self.tree, old, size).unwrap() };
        AddCheckpointRequest { old, proof, checkpoint: self.note(size) }.to_string()
    }

    fn logs(&self) -> TrustedLogs {
        TrustedLogs::new([self.signer.verifier_key()])
    }

    fn seen(&self, size: u64) -> WitnessedTree {
        WitnessedTree { size, root: self.root(size) }
    }
}

/// Both steps of a witness's checks: what the result is, as the status it answers.
fn status(log: &Log, body: &str, latest: Option<WitnessedTree>) -> Result<(), (u16, WitnessRefusal)> {
    let checked = SignedRequest::check(body.as_bytes(), &log.logs()).map_err(|r| (r.status(), r))?;
    checked.check_against(latest.as_ref()).map_err(|r| (r.status(), r))
}

fn refused(log: &Log, body: &str, latest: Option<WitnessedTree>) -> u16 {
    match status(log, body, latest) {
        Ok(()) => panic!("accepted: {body}"),
        Err((code, _)) => code,
    }
}

#[test]
fn a_consistent_checkpoint_is_accepted() {
    let log = Log::new();
    assert_eq!(status(&log, &log.request(0, 4), None), Ok(()));
    assert_eq!(status(&log, &log.request(4, 9), Some(log.seen(4))), Ok(()));
    assert_eq!(status(&log, &log.request(7, 20), Some(log.seen(7))), Ok(()));
    // The same checkpoint again (old = size = latest): cosigned again.
    assert_eq!(status(&log, &log.request(9, 9), Some(log.seen(9))), Ok(()));
    // The empty tree, and from it.
    assert_eq!(status(&log, &log.request(0, 0), None), Ok(()));
    assert_eq!(status(&log, &log.request(0, 3), Some(log.seen(0))), Ok(()));
}

#[test]
fn unknown_origins_are_404_and_unsigned_checkpoints_403() {
    let log = Log::new();
    let other = NoteSigner::from_seed(KeyName::new("other.example/log").unwrap(), &[2; 32]);
    let note = Checkpoint::new("other.example/log", 3, log.root(3)).unwrap().sign(&other);
    let body = AddCheckpointRequest { old: 0, proof: vec![], checkpoint: note }.to_string();
    assert_eq!(refused(&log, &body, None), 404);

    // Signed under the log's name by another key: an unknown signature, ignored; none left.
    let impostor = NoteSigner::from_seed(KeyName::new(ORIGIN).unwrap(), &[3; 32]);
    let note = Checkpoint::new(ORIGIN, 3, log.root(3)).unwrap().sign(&impostor);
    let body = AddCheckpointRequest { old: 0, proof: vec![], checkpoint: note.clone() }.to_string();
    assert_eq!(refused(&log, &body, None), 403);

    // The same with the log's signature too: the unknown one is ignored, and dropped from the
    // note the witness keeps.
    let mut both = note;
    both.sign(&log.signer).unwrap();
    let body = AddCheckpointRequest { old: 0, proof: vec![], checkpoint: both }.to_string();
    let checked = SignedRequest::check(body.as_bytes(), &log.logs()).unwrap();
    assert_eq!(checked.note.signatures().len(), 1);
    assert_eq!(checked.note.signatures()[0].key_id(), log.signer.key_id());

    // The log's own key over another text: a trusted key's signature that fails is 403.
    let good = log.note(3).to_text();
    let forged = good.replacen("\n3\n", "\n4\n", 1);
    let body = format!("old 0\n\n{forged}");
    assert_eq!(refused(&log, &body, None), 403);
}

#[test]
fn malformed_requests_and_old_beyond_size_are_400() {
    let log = Log::new();
    let good = log.request(4, 9);
    let note = log.note(9).to_text();
    for (what, body) in [
        ("empty", String::new()),
        ("no old line", format!("\n{note}")),
        ("old with a leading zero", format!("old 04\n\n{note}")),
        ("old not a number", format!("old four\n\n{note}")),
        ("a proof line that is not base64", format!("old 4\n!!!!\n\n{note}")),
        ("a proof line of 31 bytes", format!("old 4\n{}\n\n{note}", "A".repeat(40) + "AA==")),
        ("no checkpoint", "old 0\n\n".to_owned()),
        ("a note that is not a checkpoint", {
            let mut n = Note::new("hello\n").unwrap();
            n.sign(&log.signer).unwrap();
            format!("old 0\n\n{n}")
        }),
        (
            "64 proof hashes",
            format!("old 4\n{}\n{note}", format!("{}\n", empty_root().to_base64()).repeat(64)),
        ),
        ("a carriage return", good.replacen("old 4\n", "old 4\r\n", 1)),
    ] {
        assert_eq!(refused(&log, &body, Some(log.seen(4))), 400, "{what}");
    }
    // old > size: 400, whatever the witness has seen.
    let body = AddCheckpointRequest { old: 10, proof: vec![], checkpoint: log.note(9) }.to_string();
    assert_eq!(refused(&log, &body, Some(log.seen(10))), 400);
}

#[test]
fn another_old_size_than_the_latest_cosigned_is_409() {
    let log = Log::new();
    // The log believes the witness saw 4; it saw 7.
    let got = status(&log, &log.request(4, 9), Some(log.seen(7)));
    assert_eq!(got, Err((409, WitnessRefusal::Conflict { old: 4, latest: 7 })));
    // A client that knows nothing starts with old 0 to learn the size.
    let got = status(&log, &log.request(0, 9), Some(log.seen(7)));
    assert_eq!(got, Err((409, WitnessRefusal::Conflict { old: 0, latest: 7 })));
    // A witness that never cosigned answers 409 with size 0.
    let got = status(&log, &log.request(4, 9), None);
    assert_eq!(got, Err((409, WitnessRefusal::Conflict { old: 4, latest: 0 })));
}

#[test]
fn rollbacks_are_refused() {
    let log = Log::new();
    // A smaller tree than the one cosigned, from its own size: 409 (old ≠ latest).
    assert_eq!(refused(&log, &log.request(5, 5), Some(log.seen(9))), 409);
    // ... claiming the latest size as old: old > size, 400.
    let body = AddCheckpointRequest { old: 9, proof: vec![], checkpoint: log.note(5) }.to_string();
    assert_eq!(refused(&log, &body, Some(log.seen(9))), 400);
}

#[test]
fn forks_and_bad_proofs_are_422() {
    let log = Log::new();
    // Same size, another root (a split view), signed by the log's key.
    let mut other = log.root(9);
    other.0[0] ^= 1;
    let fork = Checkpoint::new(ORIGIN, 9, other).unwrap().sign(&log.signer);
    let body = AddCheckpointRequest { old: 9, proof: vec![], checkpoint: fork.clone() }.to_string();
    assert_eq!(status(&log, &body, Some(log.seen(9))), Err((422, WitnessRefusal::RootMismatch { size: 9 })));
    // A larger tree that does not extend the cosigned one: its proof cannot verify.
    let mut forked = MemoryHashes::new();
    for i in 0..20u32 {
        forked.append(&(i + u32::from(i == 2)).to_be_bytes());
    }
    let forked_root = accord_tlog::root_hash(&forked, 12).unwrap();
    let note = Checkpoint::new(ORIGIN, 12, forked_root).unwrap().sign(&log.signer);
    let proof = consistency_proof(&forked, 9, 12).unwrap();
    let body = AddCheckpointRequest { old: 9, proof, checkpoint: note }.to_string();
    assert_eq!(refused(&log, &body, Some(log.seen(9))), 422);
    // A good proof with one hash flipped, cut short, or one hash too many.
    let proof = consistency_proof(&log.tree, 9, 12).unwrap();
    for (what, bad) in [
        ("flipped", {
            let mut p = proof.clone();
            p[1].0[5] ^= 0x40;
            p
        }),
        ("short", proof[..proof.len() - 1].to_vec()),
        ("long", [proof.clone(), vec![empty_root()]].concat()),
        ("empty", Vec::new()),
    ] {
        let body = AddCheckpointRequest { old: 9, proof: bad, checkpoint: log.note(12) }.to_string();
        let got = status(&log, &body, Some(log.seen(9)));
        assert!(matches!(got, Err((422, WitnessRefusal::Inconsistent { .. }))), "{what}: {got:?}");
    }
    // The same checkpoint with a proof it does not need.
    let body =
        AddCheckpointRequest { old: 9, proof: vec![empty_root()], checkpoint: log.note(9) }.to_string();
    assert_eq!(refused(&log, &body, Some(log.seen(9))), 422);
}

#[test]
fn size_zero_rules_are_422() {
    let log = Log::new();
    // A proof from old 0.
    let body = AddCheckpointRequest { old: 0, proof: vec![log.root(1)], checkpoint: log.note(4) }.to_string();
    assert_eq!(status(&log, &body, None), Err((422, WitnessRefusal::ProofFromEmptyTree(1))));
    // A checkpoint of size 0 whose root is not the empty tree's.
    let note = Checkpoint::new(ORIGIN, 0, log.root(1)).unwrap().sign(&log.signer);
    let body = AddCheckpointRequest { old: 0, proof: vec![], checkpoint: note }.to_string();
    assert_eq!(status(&log, &body, None), Err((422, WitnessRefusal::EmptyTreeRoot)));
}

#[test]
fn the_cosigned_note_is_the_logs_signature_then_the_cosignature() {
    let log = Log::new();
    let cosigner = Cosigner::from_seed(KeyName::new("witness.example/w1").unwrap(), &[9; 32]);
    let checked = SignedRequest::check(log.request(0, 6).as_bytes(), &log.logs()).unwrap();
    let (line, note) = checked.cosign(&cosigner, 1_700_000_000).unwrap();
    assert_eq!(note.signatures().len(), 2);
    assert_eq!(note.signatures()[1], line);
    let keys: Vec<VerifierKey> = vec![log.signer.verifier_key(), cosigner.verifier_key()];
    let (cp, _, verified) = Checkpoint::open(note.to_text().as_bytes(), ORIGIN, &keys).unwrap();
    assert_eq!(cp.size(), 6);
    assert_eq!(verified[0].timestamp, None);
    assert_eq!(verified[1].timestamp, Some(1_700_000_000));
    assert_eq!(checked.tree(), log.seen(6));
}

/// `generated.json`: the witness saw size 4; the vector's request (old 4 → 8) passes, and the
/// cosignature at the vector's time is the vector's, byte for byte.
#[test]
fn the_generated_vector_request_is_cosigned_as_the_vector_says() {
    let Some(file) = crate::vector_file("generated.json") else { return };
    let log_key: VerifierKey = file["log"]["vkey"].as_str().unwrap().parse().unwrap();
    let w = &file["witness"];
    let seed: [u8; 32] = crate::hex_bytes(&w["ed25519_seed_hex"]).try_into().unwrap();
    let cosigner = Cosigner::from_seed(KeyName::new(w["name"].as_str().unwrap()).unwrap(), &seed);
    let logs = TrustedLogs::new([log_key]);
    let seen = WitnessedTree { size: 4, root: crate::hex_hash(&file["checkpoints"][0]["root_hex"]) };
    let body = file["witness_add_checkpoint_request"].as_str().unwrap();
    let checked = SignedRequest::check(body.as_bytes(), &logs).unwrap();
    checked.check_against(Some(&seen)).unwrap();
    let case = &file["checkpoints"][1];
    let (_, note) = checked.cosign(&cosigner, case["cosignature_timestamp"].as_u64().unwrap()).unwrap();
    assert_eq!(note.to_text(), case["note"].as_str().unwrap());
    // Seen at 8 already: the same request is 409, with 8 as the size.
    let seen8 = WitnessedTree { size: 8, root: *checked.checkpoint.root() };
    assert_eq!(checked.check_against(Some(&seen8)), Err(WitnessRefusal::Conflict { old: 4, latest: 8 }));
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Any request, a valid one cut, changed or extended anywhere, is answered with one of
        /// the spec's statuses and never panics; a consistent one from the witness's size is
        /// accepted, and cosigning it cannot fail.
        #[test]
        fn every_request_gets_a_status(old in 1u64..20, grow in 0u64..10, cut in any::<usize>(), byte in any::<u8>(), latest in 0u64..20) {
            let log = Log::new();
            let size = (old + grow).min(20);
            let body = log.request(old, size).into_bytes();
            let at = cut % (body.len() + 1);
            let mut changed = body.clone();
            if at < changed.len() { changed[at] = byte } else { changed.push(byte) }
            let seen = (latest > 0).then(|| log.seen(latest));
            for candidate in [&body[..at], &changed[..], &body[..]] {
                match SignedRequest::check(candidate, &log.logs()) {
                    Err(r) => prop_assert!([400, 403, 404].contains(&r.status()), "{r}"),
                    Ok(signed) => match signed.check_against(seen.as_ref()) {
                        Err(r) => prop_assert!([409, 422].contains(&r.status()), "{r}"),
                        Ok(()) => {
                            let cosigner = Cosigner::from_seed(KeyName::new("w.example/w").unwrap(), &[5; 32]);
                            prop_assert!(signed.cosign(&cosigner, 1).is_ok());
                        }
                    },
                }
            }
            let from_latest = log.request(latest, size.max(latest));
            let signed = SignedRequest::check(from_latest.as_bytes(), &log.logs()).unwrap();
            prop_assert_eq!(signed.check_against(seen.as_ref()), Ok(()));
        }
    }
}
