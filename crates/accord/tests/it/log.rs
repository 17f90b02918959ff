//! The transparency log end to end: the demo's events and new ones of each kind are logged
//! with receipts; `accord log verify` and `accord log audit` accept the log and catch a
//! tampered entry, a rewritten checkpoint and forked histories; receipts survive `kill -9`.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use accord_testkit::{ADMIN_TOKEN, StatusCode, TestServer, json};
use accord_tlog::{
    Checkpoint, KeyName, NoteSigner, Tile, TlogProof, VerifierKey, leaf_hash, parse_entry_bundle,
};
use serde_json::{Value, json};

use crate::bin;

pub(crate) fn log_cli(args: &[&str]) -> Output {
    Command::new(bin()).args(args).stdin(Stdio::null()).output().expect("run accord log")
}

pub(crate) fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

pub(crate) fn explain(out: &Output) -> String {
    format!(
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

pub(crate) fn log_key(s: &TestServer) -> String {
    let resp = s.get("/.well-known/accord/log-key");
    assert_eq!(resp.status(), StatusCode::OK);
    let text = resp.text().unwrap();
    assert_eq!(text.lines().count(), 1);
    text.trim().to_owned()
}

/// The entry at `index`, read from the server's entry bundles.
pub(crate) fn entry_at(s: &TestServer, index: u64, size: u64) -> Vec<u8> {
    let n = index / 256;
    let width = (size - n * 256).min(256) as u16;
    let tile = Tile::entries(n, width).unwrap();
    let resp = s.get(&format!("/log/{}", tile.path()));
    assert_eq!(resp.status(), StatusCode::OK, "{}", tile.path());
    let bytes = resp.bytes().unwrap();
    parse_entry_bundle(&bytes).unwrap()[(index % 256) as usize].to_vec()
}

/// Every entry of the tree of `size` entries, from the server's entry bundles.
fn all_entries(s: &TestServer, size: u64) -> Vec<Vec<u8>> {
    let mut entries = Vec::new();
    for n in 0..size.div_ceil(256) {
        let tile = Tile::entries(n, (size - n * 256).min(256) as u16).unwrap();
        let resp = s.get(&format!("/log/{}", tile.path()));
        assert_eq!(resp.status(), StatusCode::OK, "{}", tile.path());
        entries.extend(parse_entry_bundle(&resp.bytes().unwrap()).unwrap().into_iter().map(|e| e.to_vec()));
    }
    assert_eq!(entries.len() as u64, size);
    entries
}

/// Checks a receipt offline and returns its entry's JSON.
fn check_receipt(s: &TestServer, receipt: &str, key: &VerifierKey, kind: &str) -> Value {
    let proof = TlogProof::parse(receipt.as_bytes()).expect("a tlog-proof");
    let size = Checkpoint::parse(proof.checkpoint.text()).unwrap().size();
    let entry = entry_at(s, proof.index, size);
    proof.verify(&leaf_hash(&entry), key.name().as_str(), key, &[], 0).expect("the receipt verifies");
    let v: Value = serde_json::from_slice(&entry).unwrap();
    assert_eq!(v["type"], kind, "{v}");
    v
}

fn coordinator(s: &TestServer) -> String {
    let resp = s.post_json(
        "/api/v1/users",
        Some(ADMIN_TOKEN),
        &json!({ "name": "Coordinator", "role": "coordinator" }),
    );
    assert_eq!(resp.status(), StatusCode::CREATED);
    json(resp)["token"].as_str().unwrap().to_owned()
}

fn sqlite(data: &Path, sql: &str) {
    let conn = rusqlite::Connection::open(data.join("accord.sqlite3")).unwrap();
    conn.execute_batch(sql).unwrap();
}

#[test]
fn the_log_verifies_audits_and_catches_tampering_and_forks() {
    let data = tempfile::tempdir().unwrap();
    // CSAF documents name the URL they are served at: the public URL here.
    let s =
        TestServer::start_in(bin(), data.path(), &["--demo", "--public-url", "https://accord.test"]).unwrap();
    let key_text = log_key(&s);
    let key: VerifierKey = key_text.parse().unwrap();
    let checkpoint = s.get("/log/checkpoint");
    assert_eq!(checkpoint.headers()["content-type"], "text/plain; charset=utf-8");
    assert_eq!(checkpoint.headers()["cache-control"], "public, max-age=5");

    // Events of each kind, each answered with its receipt.
    let coord = coordinator(&s);
    let orgs = json(s.get("/api/v1/signatories"))["signatories"].as_array().unwrap().clone();
    let org = orgs[0]["id"].as_str().unwrap().to_owned();
    let resp = s.post_json(
        &format!("/api/v1/organizations/{org}/withdrawal"),
        Some(ADMIN_TOKEN),
        &json!({ "reason": "left" }),
    );
    assert_eq!(resp.status(), StatusCode::OK);
    let v = check_receipt(&s, json(resp)["log_receipt"].as_str().unwrap(), &key, "accord/withdrawal/v1");
    assert_eq!(v["organization_id"], org.as_str());
    let other = orgs[1]["id"].as_str().unwrap();
    let resp = s.post_json(
        &format!("/api/v1/organizations/{other}/keys"),
        Some(ADMIN_TOKEN),
        &json!({ "public_key": "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=" }),
    );
    assert_eq!(resp.status(), StatusCode::CREATED);
    check_receipt(&s, json(resp)["log_receipt"].as_str().unwrap(), &key, "accord/organization-key-added/v1");
    let cases = json(s.get_auth("/api/v1/cases", ADMIN_TOKEN))["cases"].as_array().unwrap().clone();
    let embargoed = cases.iter().find(|c| c["state"] != "published").unwrap();
    let case_id = embargoed["id"].as_str().unwrap();
    let title = embargoed["title"].as_str().unwrap().to_owned();
    let later = "2031-01-01T00:00:00Z";
    let resp = s.put_json(
        &format!("/api/v1/cases/{case_id}/embargo"),
        Some(&coord),
        &json!({ "public_date": later, "reason": "the fix needs a respin" }),
    );
    assert_eq!(resp.status(), StatusCode::OK);
    check_receipt(&s, json(resp)["log_receipt"].as_str().unwrap(), &key, "accord/embargo-changed/v1");
    // Before the lift, the embargoed summary is nowhere in the log.
    let page = s.get("/log").text().unwrap();
    assert!(page.contains("accord/embargo-opened/v1"));
    assert!(!page.contains(&title), "the embargoed summary leaked into the log page");
    let resp = s.post_json(
        &format!("/api/v1/cases/{case_id}/publish"),
        Some(&coord),
        &json!({ "reason": "actively exploited" }),
    );
    assert_eq!(resp.status(), StatusCode::CREATED, "{:?}", resp.text());
    let published = json(resp);
    let receipts = published["log_receipts"].as_array().unwrap();
    check_receipt(&s, published["log_receipt"].as_str().unwrap(), &key, "accord/advisory-published/v1");
    check_receipt(&s, receipts[1].as_str().unwrap(), &key, "accord/publication-override/v1");
    let lifted = check_receipt(&s, receipts[2].as_str().unwrap(), &key, "accord/embargo-lifted/v1");
    assert_eq!(lifted["summary"], title.as_str());
    let advisory = published["advisory_id"].as_str().unwrap();
    let osv = s.get(&format!("/api/v1/advisories/{advisory}/osv")).bytes().unwrap();
    let doc = data.path().join("advisory.osv.json");
    std::fs::write(&doc, &osv).unwrap();
    let mut csaf_documents = Vec::new();
    for kind in ["csaf", "csaf-vex"] {
        let resp = s.get(&format!("/api/v1/advisories/{advisory}/{kind}"));
        assert_eq!(resp.status(), StatusCode::OK, "{kind}");
        let path = data.path().join(format!("advisory.{kind}.json"));
        std::fs::write(&path, resp.bytes().unwrap()).unwrap();
        csaf_documents.push(path);
    }

    // A case closed without publication logs the end of its embargo, a reopened one its return.
    let open_case = |title: &str| {
        let resp = s.post_json(
            "/api/v1/reports",
            None,
            &json!({ "title": title, "description": "a report that goes nowhere", "products": ["Widget"] }),
        );
        assert_eq!(resp.status(), StatusCode::CREATED, "{:?}", resp.text());
        let report = json(resp)["id"].as_str().unwrap().to_owned();
        let resp = s.post_json("/api/v1/cases", Some(&coord), &json!({ "report_id": report }));
        assert_eq!(resp.status(), StatusCode::CREATED, "{:?}", resp.text());
        let case = json(resp);
        check_receipt(&s, case["log_receipt"].as_str().unwrap(), &key, "accord/embargo-opened/v1");
        case["id"].as_str().unwrap().to_owned()
    };
    let change = |case: &str, action: &str, kind: &str| {
        let body = if action == "close" {
            json!({ "reason": "invalid", "note": "not reproducible" })
        } else {
            json!({})
        };
        let resp = s.post_json(&format!("/api/v1/cases/{case}/{action}"), Some(&coord), &body);
        assert_eq!(resp.status(), StatusCode::OK, "{action}: {:?}", resp.text());
        let v = check_receipt(&s, json(resp)["log_receipt"].as_str().unwrap(), &key, kind);
        assert_eq!(v["case_id"], case);
        v
    };
    let closed = open_case("Closed without publication");
    let v = change(&closed, "close", "accord/embargo-closed/v1");
    assert_eq!(v["reason"], "invalid");
    assert!(!v.to_string().contains("not reproducible"), "the coordinator's note stays out of the log");
    let reopened = open_case("Closed, then reopened");
    change(&reopened, "close", "accord/embargo-closed/v1");
    change(&reopened, "reopen", "accord/embargo-reopened/v1");

    let stranger = data.path().join("not-logged.json");
    std::fs::write(&stranger, b"{}").unwrap();

    let url = s.url("/log");
    let state = data.path().join("seen.checkpoint");
    let st = state.to_str().unwrap();
    let out = log_cli(&["log", "verify", &url, "--key", &key_text, "--state", st]);
    assert_eq!(code(&out), 0, "{}", explain(&out));
    let out = log_cli(&[
        "log",
        "verify",
        &url,
        "--key",
        &key_text,
        "--state",
        st,
        "--document",
        doc.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 0, "{}", explain(&out));
    for csaf in &csaf_documents {
        let out = log_cli(&["log", "verify", &url, "--key", &key_text, "--document", csaf.to_str().unwrap()]);
        assert_eq!(code(&out), 0, "{}: {}", csaf.display(), explain(&out));
        assert!(String::from_utf8_lossy(&out.stdout).contains("accord/advisory-published/v1"));
    }
    let out = log_cli(&["log", "verify", &url, "--key", &key_text, "--document", stranger.to_str().unwrap()]);
    assert_eq!(code(&out), 1, "{}", explain(&out));
    let out = log_cli(&["log", "audit", &url, "--key", &key_text]);
    assert_eq!(code(&out), 0, "{}", explain(&out));
    let audit = String::from_utf8_lossy(&out.stdout);
    assert!(audit.contains("embargo commitments opened by their reveal"));
    assert!(audit.contains("1 embargoes closed without publication"), "{audit}");
    let line = |case: &str| {
        audit
            .lines()
            .find(|l| l.starts_with(&format!("embargo of case {case} ")))
            .unwrap_or_default()
            .to_owned()
    };
    assert!(line(&closed).contains("closed without publication at entry"), "{audit}");
    assert!(line(&reopened).ends_with("not lifted yet"), "{audit}");

    // Usage errors: exit 2.
    let out = log_cli(&["log", "verify", &url, "--key", "not a key"]);
    assert_eq!(code(&out), 2, "{}", explain(&out));

    // Another key than the pinned one: exit 1.
    let impostor = NoteSigner::from_seed(KeyName::new(key.name().as_str()).unwrap(), &[1; 32]);
    let out = log_cli(&["log", "verify", &url, "--key", &impostor.verifier_key().to_string()]);
    assert_eq!(code(&out), 1, "{}", explain(&out));

    // A state file from a different log: exit 1.
    let head_note = accord_tlog::Note::parse(s.get("/log/checkpoint").text().unwrap().as_bytes()).unwrap();
    let head = Checkpoint::parse(head_note.text()).unwrap();
    let other_log = Checkpoint::new("elsewhere.example/log", head.size(), *head.root()).unwrap();
    let other_signer = NoteSigner::from_seed(KeyName::new("elsewhere.example/log").unwrap(), &[2; 32]);
    let forked_state = data.path().join("other.checkpoint");
    std::fs::write(&forked_state, other_log.sign(&other_signer).to_text()).unwrap();
    let out =
        log_cli(&["log", "verify", &url, "--key", &key_text, "--state", forked_state.to_str().unwrap()]);
    assert_eq!(code(&out), 1, "{}", explain(&out));

    // A checkpoint of the same size with another root, signed by the log's own key (a split
    // view): exit 1, and the state file is left as it was.
    let log_signer: NoteSigner =
        std::fs::read_to_string(data.path().join("log-signing.key")).unwrap().trim().parse().unwrap();
    let mut other_root = *head.root();
    other_root.0[0] ^= 1;
    let split = Checkpoint::new(head.origin(), head.size(), other_root).unwrap().sign(&log_signer).to_text();
    std::fs::write(&forked_state, &split).unwrap();
    let out =
        log_cli(&["log", "verify", &url, "--key", &key_text, "--state", forked_state.to_str().unwrap()]);
    assert_eq!(code(&out), 1, "{}", explain(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("fork"), "{}", explain(&out));
    assert_eq!(std::fs::read_to_string(&forked_state).unwrap(), split);
    s.terminate().unwrap();

    // A tampered entry: the audit rebuilds another root.
    sqlite(
        data.path(),
        "UPDATE log_entries SET entry = CAST('{\"type\":\"accord/withdrawal/v1\"}' AS BLOB) WHERE idx = 3",
    );
    let s = TestServer::start_in(bin(), data.path(), &[]).unwrap();
    let url = s.url("/log");
    let out = log_cli(&["log", "audit", &url, "--key", &key_text]);
    assert_eq!(code(&out), 1, "{}", explain(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("root"), "{}", explain(&out));
    s.terminate().unwrap();

    // A rewritten checkpoint (signed by another key): refused, whatever the entries.
    let forged = Checkpoint::new(head.origin(), head.size(), *head.root()).unwrap().sign(&impostor).to_text();
    sqlite(data.path(), &format!("UPDATE log_head SET checkpoint = '{}'", forged.replace('\'', "''")));
    let s = TestServer::start_in(bin(), data.path(), &[]).unwrap();
    let url = s.url("/log");
    for cmd in ["verify", "audit"] {
        let out = log_cli(&["log", cmd, &url, "--key", &key_text]);
        assert_eq!(code(&out), 1, "{cmd}: {}", explain(&out));
    }
}

#[test]
fn tiles_follow_tlog_tiles() {
    let s = TestServer::start(bin(), &["--demo"]).unwrap();
    let key: VerifierKey = log_key(&s).parse().unwrap();
    let note = s.get("/log/checkpoint").text().unwrap();
    let (cp, _, _) =
        Checkpoint::open(note.as_bytes(), key.name().as_str(), std::slice::from_ref(&key)).unwrap();
    assert!(cp.size() > 0 && cp.size() < 256, "the demo log fits in one partial tile: {}", cp.size());
    let width = cp.size() as u16;
    let tile = s.get(&format!("/log/tile/0/000.p/{width}"));
    assert_eq!(tile.status(), StatusCode::OK);
    assert_eq!(tile.headers()["content-type"], "application/octet-stream");
    let hashes = Tile::hashes(0, 0, width).unwrap().parse_hashes(&tile.bytes().unwrap()).unwrap();
    assert_eq!(accord_tlog::tree_hash(&hashes), *cp.root());
    let bundle = s.get(&format!("/log/tile/entries/000.p/{width}")).bytes().unwrap();
    let entries = parse_entry_bundle(&bundle).unwrap();
    accord_tlog::check_entries_against_tile(&entries, &hashes).unwrap();
    // Beyond the tree, and paths that are not canonical: not found.
    for path in [
        format!("/log/tile/0/000.p/{}", width + 1),
        "/log/tile/0/000".to_owned(),
        "/log/tile/1/000.p/1".to_owned(),
        "/log/tile/entries/001.p/1".to_owned(),
        "/log/tile/0/0.p/1".to_owned(),
        "/log/tile/00/000.p/1".to_owned(),
        "/log/tile/0/000.p/01".to_owned(),
        "/log/tile/0/x000/000.p/1".to_owned(),
    ] {
        assert_eq!(s.get(&path).status(), StatusCode::NOT_FOUND, "{path}");
    }
    let page = s.get("/log?lang=fr").text().unwrap();
    assert!(page.contains("Journal de transparence"), "the French page");
}

/// Adds keys in a burst until the server dies, sending each receipt; every fifth request adds
/// the previous key again, which is refused (409) and logs nothing.
fn burst(s: &TestServer, org: &str, thread: u8, acknowledged: std::sync::mpsc::Sender<String>) {
    let mut previous = None;
    for i in 0u32.. {
        let public = match previous.take() {
            Some(again) if i % 5 == 0 => again,
            _ => {
                let mut seed = [thread; 32];
                seed[..4].copy_from_slice(&i.to_be_bytes());
                ed25519_public(&seed)
            }
        };
        let resp = s
            .client
            .post(s.url(&format!("/api/v1/organizations/{org}/keys")))
            .bearer_auth(ADMIN_TOKEN)
            .json(&json!({ "public_key": public }))
            .send();
        match resp {
            Ok(r) if r.status() == StatusCode::CREATED => {
                let receipt = json(r)["log_receipt"].as_str().unwrap().to_owned();
                if acknowledged.send(receipt).is_err() {
                    return;
                }
            }
            Ok(r) if r.status() == StatusCode::CONFLICT => {}
            _ => return,
        }
        previous = Some(public);
    }
}

pub(crate) fn ed25519_public(seed: &[u8; 32]) -> String {
    // A verifier key of a note signer carries the Ed25519 public key after its type byte.
    let signer = NoteSigner::from_seed(KeyName::new("k").unwrap(), seed);
    let vkey = signer.verifier_key().to_string();
    let b64 = vkey.splitn(3, '+').nth(2).unwrap();
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD.decode(b64).unwrap();
    base64::engine::general_purpose::STANDARD.encode(&bytes[1..])
}

#[test]
fn receipts_survive_kill_9_and_the_log_stays_consistent() {
    let data = tempfile::tempdir().unwrap();
    let s = TestServer::start_in(bin(), data.path(), &[]).unwrap();
    let key_text = log_key(&s);
    let key: VerifierKey = key_text.parse().unwrap();
    let resp = s.post_json(
        "/api/v1/organizations",
        Some(ADMIN_TOKEN),
        &json!({ "name": "Burst", "domain": "burst.example", "kind": "vendor" }),
    );
    let org = json(resp)["id"].as_str().unwrap().to_owned();
    let (tx, rx) = std::sync::mpsc::channel();
    let mut receipts = Vec::new();
    std::thread::scope(|scope| {
        let s = &s;
        let org = org.as_str();
        // Enough writers at once that the server commits them in batches.
        for thread in 0..12 {
            let tx = tx.clone();
            scope.spawn(move || burst(s, org, thread, tx));
        }
        drop(tx);
        while receipts.len() < 200 {
            receipts.push(rx.recv().expect("the burst goes on"));
        }
        // Kill mid-burst: the writers are still sending.
        let pid = s.pid();
        Command::new("kill").args(["-9", &pid.to_string()]).status().unwrap();
        receipts.extend(rx.iter());
    });
    drop(s);
    let s = TestServer::start_in(bin(), data.path(), &[]).unwrap();
    let head_note = s.get("/log/checkpoint").text().unwrap();
    let (head, _, _) =
        Checkpoint::open(head_note.as_bytes(), key.name().as_str(), std::slice::from_ref(&key)).unwrap();
    let mut largest: Option<(u64, String)> = None;
    let mut logged_keys = std::collections::BTreeSet::new();
    for r in &receipts {
        let proof = TlogProof::parse(r.as_bytes()).unwrap();
        assert!(proof.index < head.size(), "an acknowledged entry is lost");
        let entry = entry_at(&s, proof.index, head.size());
        let cp = proof
            .verify(&leaf_hash(&entry), key.name().as_str(), &key, &[], 0)
            .expect("the receipt verifies");
        if largest.as_ref().is_none_or(|(n, _)| cp.size() > *n) {
            largest = Some((cp.size(), proof.checkpoint.to_text()));
        }
        let v: Value = serde_json::from_slice(&entry).unwrap();
        assert!(logged_keys.insert(v["key_fingerprint"].as_str().unwrap().to_owned()), "one entry per key");
    }
    // Every entry of the log is a key the store holds, and every key held is logged once (a
    // refused repeat left no entry, and no commit kept one without the other).
    let mut entries = std::collections::BTreeSet::new();
    for (index, entry) in all_entries(&s, head.size()).iter().enumerate() {
        let v: Value = serde_json::from_slice(entry).unwrap();
        assert_eq!(v["type"], "accord/organization-key-added/v1");
        assert!(
            entries.insert(v["key_fingerprint"].as_str().unwrap().to_owned()),
            "entry {index} repeats a key"
        );
    }
    let stored: std::collections::BTreeSet<String> =
        json(s.get(&format!("/api/v1/organizations/{org}")))["public_keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["fingerprint"].as_str().unwrap().to_owned())
            .collect();
    assert_eq!(stored, entries);
    assert!(logged_keys.is_subset(&entries));
    // The log after the restart is consistent with the newest checkpoint acknowledged before.
    let state = data.path().join("seen.checkpoint");
    std::fs::write(&state, largest.unwrap().1).unwrap();
    let out =
        log_cli(&["log", "verify", &s.url("/log"), "--key", &key_text, "--state", state.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", explain(&out));
    let out = log_cli(&["log", "audit", &s.url("/log"), "--key", &key_text]);
    assert_eq!(code(&out), 0, "{}", explain(&out));
}
