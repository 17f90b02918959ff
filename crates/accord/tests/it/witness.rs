//! Witnesses end to end: `accord witness serve` and `accord serve --witness` as real processes
//! on loopback. The server asks the witness after each change and serves its cosignature with
//! the checkpoint; `accord log verify --witness` checks it (and fails for a witness that did not
//! cosign); a witness that is down does not stop the log; a restarted witness keeps its state
//! and refuses rollbacks and forks; a witness that lost its state is brought back by the
//! server's 409 retry.

use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use accord_testkit::{ADMIN_TOKEN, StatusCode, TestServer, json};
use accord_tlog::{AddCheckpointRequest, Checkpoint, Cosigner, KeyName, NoteSigner, VerifierKey};
use serde_json::json;
use sha2::Digest;

use crate::bin;
use crate::log::{code, ed25519_public, explain, log_cli};

const WITNESS_NAME: &str = "witness.test/w1";

/// The log's key, written before the server's first start (as `accord serve` would make it),
/// so that the witness can be told the log's key before the server runs.
fn log_signer() -> NoteSigner {
    NoteSigner::from_seed(KeyName::new("localhost/log").unwrap(), &[42; 32])
}

fn witness_key_cli(data: &std::path::Path, name: Option<&str>) -> std::process::Output {
    let mut command = Command::new(bin());
    command.args(["witness", "key", "--data"]).arg(data).stdin(Stdio::null());
    if let Some(name) = name {
        command.args(["--name", name]);
    }
    command.output().expect("run accord witness key")
}

/// The checkpoint the server serves, with what verified under the log's and the witness's keys.
fn served(s: &TestServer, witness: &VerifierKey) -> (Checkpoint, bool) {
    let note = s.get("/log/checkpoint").text().unwrap();
    let keys = [log_signer().verifier_key(), witness.clone()];
    let (cp, _, verified) = Checkpoint::open(note.as_bytes(), "localhost/log", &keys).unwrap();
    let cosigned = verified.iter().any(|v| v.name == *witness.name() && v.key_id == witness.key_id());
    (cp, cosigned)
}

/// Waits until the served checkpoint is of at least `size` and carries the witness's
/// cosignature; returns its size.
fn wait_cosigned(s: &TestServer, witness: &VerifierKey, size: u64) -> u64 {
    let start = Instant::now();
    loop {
        let (cp, cosigned) = served(s, witness);
        if cosigned && cp.size() >= size {
            return cp.size();
        }
        assert!(
            start.elapsed() < Duration::from_secs(40),
            "no cosignature of size {size} or more (served: {}, cosigned {cosigned}); server stderr:\n{}",
            cp.size(),
            s.stderr()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A new log entry: a key added to an organisation.
fn log_event(s: &TestServer, org: &str, seed: u8) {
    let resp = s.post_json(
        &format!("/api/v1/organizations/{org}/keys"),
        Some(ADMIN_TOKEN),
        &json!({ "public_key": ed25519_public(&[seed; 32]) }),
    );
    assert_eq!(resp.status(), StatusCode::CREATED);
}

fn add_checkpoint(w: &TestServer, body: String) -> (StatusCode, String, String) {
    let resp = w.client.post(w.url("/add-checkpoint")).body(body).send().unwrap();
    let status = resp.status();
    let ct = resp.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    (status, ct, resp.text().unwrap())
}

#[test]
fn a_witness_cosigns_the_log_keeps_its_state_and_refuses_forks() {
    let server_data = tempfile::tempdir().unwrap();
    std::fs::write(
        server_data.path().join("log-signing.key"),
        format!("{}\n", log_signer().to_private_key_string()),
    )
    .unwrap();
    let log_key = log_signer().verifier_key().to_string();

    // The witness's key: made with its name, kept private, printed for the log's operator.
    let witness_data = tempfile::tempdir().unwrap();
    let out = witness_key_cli(witness_data.path(), None);
    assert_eq!(code(&out), 2, "no key and no name: {}", explain(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--name"), "{}", explain(&out));
    let out = witness_key_cli(witness_data.path(), Some(WITNESS_NAME));
    assert_eq!(code(&out), 0, "{}", explain(&out));
    let witness_vkey = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let witness_key: VerifierKey = witness_vkey.parse().unwrap();
    assert_eq!(witness_key.name().as_str(), WITNESS_NAME);
    let key_file = witness_data.path().join("witness.key");
    assert_eq!(std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777, 0o600);
    let out = witness_key_cli(witness_data.path(), None);
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), witness_vkey, "the same key again");
    let out = witness_key_cli(witness_data.path(), Some("witness.test/other"));
    assert_eq!(code(&out), 2, "another name than the key's: {}", explain(&out));

    let w =
        TestServer::start_witness(bin(), witness_data.path(), "127.0.0.1:0", &["--log", &log_key]).unwrap();
    let witness_addr = w.base.trim_start_matches("http://").to_owned();
    let s = TestServer::start_in(
        bin(),
        server_data.path(),
        &["--demo", "--witness", &format!("{witness_vkey}={}", w.base)],
    )
    .unwrap();
    assert_eq!(s.get("/.well-known/accord/log-key").text().unwrap().trim(), log_key);

    // The demo's checkpoint is cosigned; so is the next one, after a new entry.
    let first = wait_cosigned(&s, &witness_key, 1);
    let orgs = json(s.get("/api/v1/signatories"))["signatories"].as_array().unwrap().clone();
    let org = orgs[0]["id"].as_str().unwrap().to_owned();
    log_event(&s, &org, 1);
    log_event(&s, &org, 2);
    let size = wait_cosigned(&s, &witness_key, first + 2);
    let note = s.get("/log/checkpoint").text().unwrap();
    let lines: Vec<&str> = note.lines().filter(|l| l.starts_with('\u{2014}')).collect();
    assert_eq!(lines.len(), 2, "{note}");
    assert!(lines[0].starts_with("\u{2014} localhost/log "), "the log's signature first: {note}");
    assert!(lines[1].starts_with(&format!("\u{2014} {WITNESS_NAME} ")), "{note}");

    // The monitoring API serves the same cosigned checkpoint.
    let origin_hash = hex::encode(sha2::Sha256::digest("localhost/log"));
    let monitored = w.get(&format!("/{origin_hash}/checkpoint"));
    assert_eq!(monitored.status(), StatusCode::OK);
    let keys = [log_signer().verifier_key(), witness_key.clone()];
    let monitored = monitored.text().unwrap();
    let (cp, _, verified) = Checkpoint::open(monitored.as_bytes(), "localhost/log", &keys).unwrap();
    assert_eq!((cp.size(), verified.len()), (size, 2));

    // accord log verify with the witness pinned: 0; with a witness that did not cosign: 1,
    // naming it; a quorum of 1 of both: 0.
    let url = s.url("/log");
    let out = log_cli(&["log", "verify", &url, "--key", &log_key, "--witness", &witness_vkey]);
    assert_eq!(code(&out), 0, "{}", explain(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("cosigned by {WITNESS_NAME}")));
    let stranger =
        Cosigner::from_seed(KeyName::new("witness.test/stranger").unwrap(), &[9; 32]).verifier_key();
    let stranger = stranger.to_string();
    let out = log_cli(&["log", "verify", &url, "--key", &log_key, "--witness", &stranger]);
    assert_eq!(code(&out), 1, "{}", explain(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains(&stranger), "{}", explain(&out));
    let both = ["log", "verify", &url, "--key", &log_key, "--witness", &witness_vkey, "--witness", &stranger];
    let out = log_cli(&both);
    assert_eq!(code(&out), 1, "all pinned witnesses by default: {}", explain(&out));
    let out = log_cli(&[&both[..], &["--quorum", "1"]].concat());
    assert_eq!(code(&out), 0, "{}", explain(&out));
    let out = log_cli(&[&both[..], &["--quorum", "3"]].concat());
    assert_eq!(code(&out), 2, "a quorum over the witnesses given: {}", explain(&out));
    // The same with a tlog-policy file.
    let policy = server_data.path().join("accord.policy");
    std::fs::write(
        &policy,
        format!(
            "log {log_key}\nwitness w1 {witness_vkey}\nwitness other {stranger}\ngroup any-of-them any w1 other\nquorum any-of-them\n"
        ),
    )
    .unwrap();
    let policy = policy.to_str().unwrap();
    let out = log_cli(&["log", "verify", &url, "--key", &log_key, "--policy", policy]);
    assert_eq!(code(&out), 0, "{}", explain(&out));

    // The witness goes down: the log goes on (writes succeed, the checkpoint is served without
    // the cosignature of its new size) and the server warns.
    let stopped = w.terminate().unwrap();
    assert!(stopped.success());
    log_event(&s, &org, 3);
    let (cp, cosigned) = served(&s, &witness_key);
    assert_eq!((cp.size(), cosigned), (size + 1, false));
    let out = log_cli(&["log", "verify", &url, "--key", &log_key, "--witness", &witness_vkey]);
    assert_eq!(code(&out), 1, "{}", explain(&out));
    let start = Instant::now();
    while !s.stderr().contains("no cosignature from the witness") {
        assert!(start.elapsed() < Duration::from_secs(20), "no warning; stderr:\n{}", s.stderr());
        std::thread::sleep(Duration::from_millis(100));
    }

    // Restarted on the same address, the witness still knows what it cosigned...
    let w =
        TestServer::start_witness(bin(), witness_data.path(), &witness_addr, &["--log", &log_key]).unwrap();
    let monitored = w.get(&format!("/{origin_hash}/checkpoint")).text().unwrap();
    let (cp, _, _) = Checkpoint::open(monitored.as_bytes(), "localhost/log", &keys).unwrap();
    assert_eq!(cp.size(), size);
    // ... so a client starting from 0 learns its size (409, text/x.tlog.size),
    let head_note = accord_tlog::Note::parse(note.as_bytes()).unwrap();
    let head = Checkpoint::parse(head_note.text()).unwrap();
    let signed = |cp: Checkpoint| cp.sign(&log_signer());
    let from_zero = AddCheckpointRequest { old: 0, proof: vec![], checkpoint: signed(head.clone()) };
    assert_eq!(
        add_checkpoint(&w, from_zero.to_string()),
        (StatusCode::CONFLICT, "text/x.tlog.size".to_owned(), format!("{size}\n"))
    );
    // a rollback to a smaller tree is refused (409),
    let smaller = Checkpoint::new("localhost/log", size - 1, *head.root()).unwrap();
    let rollback = AddCheckpointRequest { old: size - 1, proof: vec![], checkpoint: signed(smaller) };
    assert_eq!(add_checkpoint(&w, rollback.to_string()).0, StatusCode::CONFLICT);
    // and a fork (another root at its size, signed by the log's own key) is refused (422).
    let mut other_root = *head.root();
    other_root.0[0] ^= 1;
    let fork = Checkpoint::new("localhost/log", size, other_root).unwrap();
    let fork = AddCheckpointRequest { old: size, proof: vec![], checkpoint: signed(fork) };
    let (status, _, why) = add_checkpoint(&w, fork.to_string());
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{why}");
    // The server catches up: the entry written while the witness was down gets cosigned, and
    // verify waits for it.
    let out =
        log_cli(&["log", "verify", &url, "--key", &log_key, "--witness", &witness_vkey, "--wait", "40"]);
    assert_eq!(code(&out), 0, "{}\nserver stderr:\n{}", explain(&out), s.stderr());
    assert_eq!(wait_cosigned(&s, &witness_key, size + 1), size + 1);
    w.terminate().unwrap();

    // A witness that lost its state (same key, empty data folder) answers 409 with 0: the
    // server asks again from 0 and gets the next checkpoint cosigned.
    let fresh = tempfile::tempdir().unwrap();
    std::fs::copy(&key_file, fresh.path().join("witness.key")).unwrap();
    let w = TestServer::start_witness(bin(), fresh.path(), &witness_addr, &["--log", &log_key]).unwrap();
    log_event(&s, &org, 4);
    assert_eq!(wait_cosigned(&s, &witness_key, size + 2), size + 2);
    assert_eq!(w.get(&format!("/{origin_hash}/checkpoint")).status(), StatusCode::OK);
}

#[test]
fn witness_configuration_errors_are_explained() {
    let data = tempfile::tempdir().unwrap();
    let run =
        |args: &[&str]| Command::new(bin()).args(args).stdin(Stdio::null()).output().expect("run accord");
    let d = data.path().to_str().unwrap();
    // No log to witness.
    let out = run(&["witness", "serve", "--data", d, "--name", WITNESS_NAME, "--listen", "127.0.0.1:0"]);
    assert_eq!(code(&out), 2, "{}", explain(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no log to witness"), "{}", explain(&out));
    // A witness key where a log key belongs.
    let cosigner =
        Cosigner::from_seed(KeyName::new("w.test/w").unwrap(), &[1; 32]).verifier_key().to_string();
    let out = run(&["witness", "serve", "--data", d, "--name", WITNESS_NAME, "--log", &cosigner]);
    assert_eq!(code(&out), 2, "{}", explain(&out));
    // The server: a witness without a URL, and a log key given as a witness.
    let log_key = log_signer().verifier_key().to_string();
    for bad in [cosigner.clone(), format!("{log_key}=http://127.0.0.1:1")] {
        let out = run(&["serve", "--data", d, "--listen", "127.0.0.1:0", "--witness", &bad]);
        assert_eq!(code(&out), 2, "{bad}: {}", explain(&out));
        assert!(String::from_utf8_lossy(&out.stderr).contains("--witness"), "{}", explain(&out));
    }
}
