use accord_testkit::{ADMIN_TOKEN, StatusCode, TestServer, json};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signer, SigningKey, Verifier};
use serde_json::{Value, json};

use crate::api::sha256_hex;
use crate::demo_server;

fn public_b64(key: &SigningKey) -> String {
    STANDARD.encode(key.verifying_key().as_bytes())
}

fn sign_b64(key: &SigningKey, message: &str) -> String {
    STANDARD.encode(key.sign(message.as_bytes()).to_bytes())
}

/// The statement as the README documents it, rebuilt here independently of the server code.
fn documented_statement(version: u64, text_sha256: &str, org: &str) -> String {
    format!(
        "accord-signature/v1\naccord-version: {version}\naccord-sha256: {text_sha256}\norganization: {org}\n"
    )
}

fn new_org(s: &TestServer, domain: &str, key: &SigningKey) -> String {
    let resp = s.post_json(
        "/api/v1/organizations",
        Some(ADMIN_TOKEN),
        &json!({"name": domain, "domain": domain, "kind": "vendor", "public_keys": [public_b64(key)]}),
    );
    assert_eq!(resp.status(), StatusCode::CREATED);
    json(resp)["id"].as_str().unwrap().to_owned()
}

fn post_signature(
    s: &TestServer,
    org: &str,
    key: &SigningKey,
    signature: &str,
) -> reqwest::blocking::Response {
    s.post_json(
        &format!("/api/v1/organizations/{org}/signatures"),
        Some(ADMIN_TOKEN),
        &json!({"version": 1, "public_key": public_b64(key), "signature": signature}),
    )
}

fn accord_sha(s: &TestServer) -> String {
    let accord = json(s.get("/api/v1/accord"));
    sha256_hex(accord["text"].as_str().unwrap().as_bytes())
}

#[test]
fn a_good_signature_makes_a_signatory() {
    let s = demo_server();
    let key = SigningKey::from_bytes(&[42; 32]);
    let org = new_org(&s, "newcomer.example", &key);
    let statement = documented_statement(1, &accord_sha(&s), &org);
    let served = json(s.get(&format!("/api/v1/accord/statement?organization_id={org}")));
    assert_eq!(served["statement"], statement.as_str());

    let resp = post_signature(&s, &org, &key, &sign_b64(&key, &statement));
    assert_eq!(resp.status(), StatusCode::CREATED);
    let body = json(resp);
    assert_eq!(body["organization"]["status"], "signatory");
    assert_eq!(body["organization"]["signed_version"], 1);

    let signatories = json(s.get("/api/v1/signatories"));
    assert_eq!(signatories["signatories"].as_array().unwrap().len(), 35);
    assert_eq!(signatories["signatories"][34]["id"], org.as_str(), "the newest signature comes last");

    let again = post_signature(&s, &org, &key, &sign_b64(&key, &statement));
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert!(json(again)["message"].as_str().unwrap().contains("already signed"));
}

#[test]
fn a_signature_over_the_wrong_text_is_refused() {
    let s = demo_server();
    let key = SigningKey::from_bytes(&[43; 32]);
    let org = new_org(&s, "wrongtext.example", &key);
    let wrong = documented_statement(1, &sha256_hex(b"some other accord"), &org);
    let resp = post_signature(&s, &org, &key, &sign_b64(&key, &wrong));
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = json(resp);
    assert_eq!(body["code"], "signature_rejected");
    assert!(body["message"].as_str().unwrap().contains("does not verify"), "{body}");
    assert_eq!(json(s.get(&format!("/api/v1/organizations/{org}")))["status"], "not_invited");
}

#[test]
fn a_signature_by_an_unregistered_key_is_refused() {
    let s = demo_server();
    let registered = SigningKey::from_bytes(&[44; 32]);
    let stranger = SigningKey::from_bytes(&[45; 32]);
    let org = new_org(&s, "stranger.example", &registered);
    let statement = documented_statement(1, &accord_sha(&s), &org);
    let resp = post_signature(&s, &org, &stranger, &sign_b64(&stranger, &statement));
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = json(resp);
    assert!(body["message"].as_str().unwrap().contains("not registered"), "{body}");
    // Another organisation's demo key cannot sign for this one either.
    let microsoft = json(s.get("/api/v1/signatories"))["signatories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "Microsoft")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ms = json(s.get(&format!("/api/v1/organizations/{microsoft}")));
    let ms_sig = ms["signatures"][0]["signature"].as_str().unwrap();
    let replay = s.post_json(
        &format!("/api/v1/organizations/{org}/signatures"),
        Some(ADMIN_TOKEN),
        &json!({"public_key": ms["public_keys"][0]["public_key"], "signature": ms_sig}),
    );
    assert_eq!(replay.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[test]
fn malformed_keys_and_signatures_name_the_field() {
    let s = demo_server();
    let key = SigningKey::from_bytes(&[46; 32]);
    let org = new_org(&s, "malformed.example", &key);
    let resp = s.post_json(
        &format!("/api/v1/organizations/{org}/signatures"),
        Some(ADMIN_TOKEN),
        &json!({"public_key": public_b64(&key), "signature": "AAAA"}),
    );
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let m = json(resp)["message"].as_str().unwrap().to_owned();
    assert!(m.contains("signature") && m.contains("64 bytes"), "{m}");
    let resp = s.post_json(
        &format!("/api/v1/organizations/{org}/keys"),
        Some(ADMIN_TOKEN),
        &json!({"public_key": "not base64"}),
    );
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(json(resp)["message"].as_str().unwrap().contains("public_key"));
}

#[test]
fn demo_signatures_verify_offline_with_an_independent_implementation() {
    let s = demo_server();
    let sha = accord_sha(&s);
    let list = json(s.get("/api/v1/signatories"));
    for o in list["signatories"].as_array().unwrap() {
        let id = o["id"].as_str().unwrap();
        let detail: Value = json(s.get(&format!("/api/v1/organizations/{id}")));
        let sig = &detail["signatures"][0];
        let statement = documented_statement(1, &sha, id);
        assert_eq!(sig["statement"], statement.as_str());
        let pk: [u8; 32] = STANDARD.decode(sig["public_key"].as_str().unwrap()).unwrap().try_into().unwrap();
        let sv: [u8; 64] = STANDARD.decode(sig["signature"].as_str().unwrap()).unwrap().try_into().unwrap();
        let vk = ed25519_dalek::VerifyingKey::from_bytes(&pk).unwrap();
        vk.verify(statement.as_bytes(), &ed25519_dalek::Signature::from_bytes(&sv))
            .unwrap_or_else(|_| panic!("signature of {} does not verify", o["name"]));
    }
}

#[test]
fn withdrawal_and_invitation_change_the_status() {
    let s = demo_server();
    let orgs = json(s.get("/api/v1/signatories"));
    let cisco = orgs["signatories"].as_array().unwrap().iter().find(|o| o["name"] == "Cisco").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let no_reason = s.post_json(
        &format!("/api/v1/organizations/{cisco}/withdrawal"),
        Some(ADMIN_TOKEN),
        &json!({"reason": " "}),
    );
    assert_eq!(no_reason.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json(no_reason)["field"], "reason");
    let resp = s.post_json(
        &format!("/api/v1/organizations/{cisco}/withdrawal"),
        Some(ADMIN_TOKEN),
        &json!({"reason": "test withdrawal"}),
    );
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(json(resp)["status"], "withdrawn");
    assert_eq!(json(s.get("/api/v1/signatories"))["signatories"].as_array().unwrap().len(), 33);
    let withdrawn = json(s.get("/api/v1/organizations?status=withdrawn"));
    assert_eq!(withdrawn["organizations"][0]["name"], "Cisco");
    let twice = s.post_json(
        &format!("/api/v1/organizations/{cisco}/withdrawal"),
        Some(ADMIN_TOKEN),
        &json!({"reason": "x"}),
    );
    assert_eq!(twice.status(), StatusCode::CONFLICT);
    let reinvite =
        s.post_json(&format!("/api/v1/organizations/{cisco}/invitation"), Some(ADMIN_TOKEN), &json!({}));
    assert_eq!(json(reinvite)["status"], "invited");
    let google = json(s.get("/api/v1/organizations?status=invited"))["organizations"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let twice =
        s.post_json(&format!("/api/v1/organizations/{google}/invitation"), Some(ADMIN_TOKEN), &json!({}));
    assert_eq!(twice.status(), StatusCode::CONFLICT);
}

#[test]
fn a_revoked_key_can_no_longer_sign() {
    let s = demo_server();
    let key = SigningKey::from_bytes(&[47; 32]);
    let org = new_org(&s, "revoked.example", &key);
    let detail = json(s.get(&format!("/api/v1/organizations/{org}")));
    let fingerprint = detail["public_keys"][0]["fingerprint"].as_str().unwrap().to_owned();
    let resp = s
        .client
        .delete(s.url(&format!("/api/v1/organizations/{org}/keys/{fingerprint}")))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .unwrap();
    // The revoked key, with the receipt of the revocation's log entry.
    assert_eq!(resp.status(), StatusCode::OK);
    let revoked = json(resp);
    assert_eq!(revoked["fingerprint"], fingerprint.as_str());
    assert!(revoked["revoked_at"].is_string());
    let receipt = accord_tlog::TlogProof::parse(revoked["log_receipt"].as_str().unwrap().as_bytes()).unwrap();
    let log_key: accord_tlog::VerifierKey = crate::log::log_key(&s).parse().unwrap();
    let size = accord_tlog::Checkpoint::parse(receipt.checkpoint.text()).unwrap().size();
    let entry = crate::log::entry_at(&s, receipt.index, size);
    receipt
        .verify(&accord_tlog::leaf_hash(&entry), log_key.name().as_str(), &log_key, &[], 0)
        .expect("the receipt proves the revocation's entry");
    let entry: Value = serde_json::from_slice(&entry).unwrap();
    assert_eq!(entry["type"], "accord/organization-key-revoked/v1");
    assert_eq!(
        (entry["organization_id"].as_str(), entry["key_fingerprint"].as_str()),
        (Some(org.as_str()), Some(fingerprint.as_str()))
    );
    let detail = json(s.get(&format!("/api/v1/organizations/{org}")));
    assert!(detail["public_keys"][0]["revoked_at"].is_string());
    // Revoking it again: not found.
    let again = s
        .client
        .delete(s.url(&format!("/api/v1/organizations/{org}/keys/{fingerprint}")))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    let statement = documented_statement(1, &accord_sha(&s), &org);
    let resp = post_signature(&s, &org, &key, &sign_b64(&key, &statement));
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(json(resp)["message"].as_str().unwrap().contains("not registered"));
}
