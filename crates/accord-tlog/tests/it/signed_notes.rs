//! `signed-note.json`: verifier and signer keys, bad verifier keys, the open/verify cases with
//! their expected outcome, and checkpoint parsing.

use accord_tlog::{
    Checkpoint, CheckpointOpenError, KeyName, Note, NoteSigner, OpenError, VerifierKey, leaf_hash,
};

use crate::{hex_bytes, vector_file};

fn vkeys(v: &serde_json::Value) -> Vec<VerifierKey> {
    v.as_array().unwrap().iter().map(|k| k.as_str().unwrap().parse().expect("a valid vkey")).collect()
}

fn note_bytes(case: &serde_json::Value) -> Vec<u8> {
    match case["note"].as_str() {
        Some(text) => text.as_bytes().to_vec(),
        None => hex_bytes(&case["note_hex"]),
    }
}

#[test]
fn verifier_keys_parse_and_print_back() {
    let Some(file) = vector_file("signed-note.json") else { return };
    let keys = file["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 9);
    for k in keys {
        let text = k["vkey"].as_str().unwrap();
        let key: VerifierKey = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(key.name().as_str(), k["name"].as_str().unwrap());
        assert_eq!(key.to_string(), text);
        assert_eq!(key.key_id().to_string(), text.split('+').nth(1).unwrap());
    }
}

#[test]
fn signer_keys_match_their_verifier_keys() {
    let Some(file) = vector_file("signed-note.json") else { return };
    let mut checked = 0;
    for k in file["keys"].as_array().unwrap() {
        let vkey = k["vkey"].as_str().unwrap();
        if let Some(skey) = k["skey_go_format"].as_str() {
            let signer: NoteSigner = skey.parse().unwrap_or_else(|e| panic!("{skey}: {e}"));
            assert_eq!(signer.verifier_key().to_string(), vkey);
            assert_eq!(signer.to_private_key_string(), skey);
            checked += 1;
        }
        if k["ed25519_seed_hex"].is_string() {
            let seed: [u8; 32] = hex_bytes(&k["ed25519_seed_hex"]).try_into().unwrap();
            let name = KeyName::new(k["name"].as_str().unwrap()).unwrap();
            assert_eq!(NoteSigner::from_seed(name, &seed).verifier_key().to_string(), vkey);
            checked += 1;
        }
    }
    assert_eq!(checked, 3);
}

#[test]
fn bad_verifier_keys_are_refused() {
    let Some(file) = vector_file("signed-note.json") else { return };
    let bad = file["bad_vkeys"].as_array().unwrap();
    assert_eq!(bad.len(), 6);
    for k in bad {
        let text = k["vkey"].as_str().unwrap();
        assert!(text.parse::<VerifierKey>().is_err(), "{text} ({}) was accepted", k["why"]);
    }
}

#[test]
fn open_cases_have_their_expected_outcome() {
    let Some(file) = vector_file("signed-note.json") else { return };
    let cases = file["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 22);
    let mut failures = Vec::new();
    for case in cases {
        let desc = case["desc"].as_str().unwrap();
        let verifiers = vkeys(&case["verifiers"]);
        let result = Note::open(&note_bytes(case), &verifiers);
        let outcome = match &result {
            Ok(_) => "ok",
            Err(OpenError::Malformed(_)) => "malformed",
            Err(OpenError::NoVerifiableSignature) => "no_verifiable_signature",
            Err(OpenError::BadSignature { .. }) => "bad_signature",
        };
        if let Some(only) = case["expect_verified_only"].as_array() {
            let Ok((_, verified)) = &result else {
                failures.push(format!("{desc}: {result:?}"));
                continue;
            };
            for name in only {
                if !verified.iter().any(|v| v.name.as_str() == name.as_str().unwrap()) {
                    failures.push(format!("{desc}: {name} did not verify"));
                }
            }
            continue;
        }
        let expect = case["expect"].as_str().unwrap();
        if outcome != expect {
            failures.push(format!("{desc}: expected {expect}, got {result:?}"));
            continue;
        }
        if let Ok((note, verified)) = &result {
            let names: Vec<&str> = verified.iter().map(|v| v.name.as_str()).collect();
            let want: Vec<&str> =
                case["verified"].as_array().unwrap().iter().map(|n| n.as_str().unwrap()).collect();
            if names != want {
                failures.push(format!("{desc}: verified {names:?}, expected {want:?}"));
            }
            if let Some(text) = case["text"].as_str() {
                assert_eq!(note.text(), text, "{desc}");
            }
            assert_eq!(note.to_text().as_bytes(), note_bytes(case), "{desc}: the note does not print back");
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn signing_reproduces_the_go_notes() {
    // Ed25519 is deterministic: signing the text again must give the vector's exact bytes.
    let Some(file) = vector_file("signed-note.json") else { return };
    let keys = file["keys"].as_array().unwrap();
    let peter: NoteSigner = keys[0]["skey_go_format"].as_str().unwrap().parse().unwrap();
    let enoch = NoteSigner::from_seed(KeyName::new("EnochRoot").unwrap(), &[0; 32]);
    let cases = file["cases"].as_array().unwrap();
    let one = cases.iter().find(|c| c["desc"] == "Go note TestSign output, PeterNeumann").unwrap();
    let two = cases.iter().find(|c| c["desc"] == "two signatures, both known").unwrap();
    let mut note = Note::new(one["text"].as_str().unwrap()).unwrap();
    note.sign(&peter).unwrap();
    assert_eq!(note.to_text(), one["note"].as_str().unwrap());
    note.sign(&enoch).unwrap();
    assert_eq!(note.to_text(), two["note"].as_str().unwrap());
}

#[test]
fn checkpoint_parsing_cases() {
    let Some(file) = vector_file("signed-note.json") else { return };
    let cases = file["checkpoint_parsing"].as_array().unwrap();
    assert_eq!(cases.len(), 5);
    for case in cases {
        let desc = case["desc"].as_str().unwrap();
        let text = match (case["text"].as_str(), case["note"].as_str()) {
            (Some(t), _) => t.to_owned(),
            (None, Some(n)) => Note::parse(n.as_bytes()).unwrap().text().to_owned(),
            _ => panic!("{desc}: no text"),
        };
        match case["expect"].as_str() {
            None => {
                let c = Checkpoint::parse(&text).unwrap_or_else(|e| panic!("{desc}: {e}"));
                assert_eq!(c.origin(), case["origin"].as_str().unwrap(), "{desc}");
                assert_eq!(c.size(), case["size"].as_u64().unwrap(), "{desc}");
                if let Some(data) = case["root_is_leaf_hash_of_utf8"].as_str() {
                    assert_eq!(*c.root(), leaf_hash(data.as_bytes()), "{desc}");
                }
                assert_eq!(c.to_text(), text, "{desc}: does not print back");
            }
            Some("reject") => assert!(Checkpoint::parse(&text).is_err(), "{desc}"),
            Some("sumdb_reject") => {
                // A well-formed checkpoint of another origin: opening it as the sumdb's fails.
                let signer = NoteSigner::from_seed(KeyName::new("sum.golang.org").unwrap(), &[7; 32]);
                let mut note = Note::new(text.clone()).unwrap();
                note.sign(&signer).unwrap();
                let opened = Checkpoint::open(
                    note.to_text().as_bytes(),
                    "go.sum database tree",
                    &[signer.verifier_key()],
                );
                assert!(
                    matches!(opened, Err(CheckpointOpenError::OriginMismatch { .. })),
                    "{desc}: {opened:?}"
                );
            }
            Some(other) => panic!("{desc}: unknown expectation {other}"),
        }
    }
}
