//! Notifications end to end: the real server delivers its outbox to a real HTTP receiver
//! (checking the signature exactly as the README tells receivers to) and to a real SMTP sink.

use std::time::{Duration, Instant};

use accord_testkit::peers::{ReceivedRequest, SilentReceiver, SmtpSink, WebhookReceiver};
use accord_testkit::{ADMIN_TOKEN, StatusCode, TestServer, json};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signer, SigningKey};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::bin;

const SECRET: &str = "receiver-shared-secret-1234";
/// Retries after 200 ms, 800 ms, 4 s… instead of 30 s, 2 min, 10 min…
const FAST_RETRIES: (&str, &str) = ("ACCORD_OUTBOX_RETRY_BASE_MS", "200");

fn server_with(extra: &[&str], env: &[(&str, &str)]) -> TestServer {
    TestServer::start_with_env(bin(), extra, env).expect("start a server")
}

/// Checks a delivery as the README documents it: HEX is the HMAC-SHA-256, keyed with the
/// secret, of the `X-Accord-Timestamp` value, a dot and the raw body; the timestamp is recent.
fn assert_signed(req: &ReceivedRequest, secret: &str) {
    let timestamp = req.header("x-accord-timestamp").expect("X-Accord-Timestamp");
    let sent: i64 = timestamp.parse().expect("Unix seconds");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    assert!((i64::try_from(now).unwrap() - sent).abs() < 300, "a fresh timestamp");
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.").as_bytes());
    mac.update(&req.body);
    let header = req.header("x-accord-signature").expect("X-Accord-Signature");
    let hex = header.strip_prefix("sha256=").expect("sha256= prefix");
    mac.verify_slice(&hex::decode(hex).expect("hex")).expect("the signature verifies");
}

fn create_org(s: &TestServer, domain: &str, contact: Option<&str>) -> String {
    let mut body = json!({"name": format!("Org {domain}"), "domain": domain, "kind": "vendor"});
    if let Some(c) = contact {
        body["security_contact"] = json!(c);
    }
    let resp = s.post_json("/api/v1/organizations", Some(ADMIN_TOKEN), &body);
    assert_eq!(resp.status(), StatusCode::CREATED);
    json(resp)["id"].as_str().unwrap().to_owned()
}

fn set_webhook(s: &TestServer, org: &str, url: &str) {
    let resp = s.put_json(
        &format!("/api/v1/organizations/{org}/webhook"),
        Some(ADMIN_TOKEN),
        &json!({"url": url, "secret": SECRET}),
    );
    assert!(resp.status().is_success(), "{}", resp.text().unwrap());
}

fn invite(s: &TestServer, org: &str) -> StatusCode {
    s.post_json(&format!("/api/v1/organizations/{org}/invitation"), Some(ADMIN_TOKEN), &json!({})).status()
}

fn outbox(s: &TestServer, query: &str) -> Vec<Value> {
    let resp = s.get_auth(&format!("/api/v1/outbox{query}"), ADMIN_TOKEN);
    assert_eq!(resp.status(), StatusCode::OK);
    json(resp)["messages"].as_array().unwrap().clone()
}

/// Waits until the outbox holds `n` messages in `state`.
fn wait_outbox(s: &TestServer, state: &str, n: usize) -> Vec<Value> {
    let start = Instant::now();
    loop {
        let got = outbox(s, &format!("?state={state}"));
        if got.len() >= n {
            return got;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "expected {n} {state} messages: {got:#?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn an_invitation_is_a_signed_webhook_event_and_an_email_to_the_security_contact() {
    let sink = SmtpSink::start();
    let receiver = WebhookReceiver::start();
    let s = server_with(&["--smtp-url", &sink.url, "--smtp-from", "Accord <accord@accord.test>"], &[]);
    let org = create_org(&s, "invited.example", Some("psirt@invited.example"));

    let resp = s.put_json(
        &format!("/api/v1/organizations/{org}/webhook"),
        Some(ADMIN_TOKEN),
        &json!({"url": receiver.url, "secret": SECRET}),
    );
    assert_eq!(resp.status(), StatusCode::CREATED);
    let created = json(resp);
    assert_eq!(created["url"], receiver.url.as_str());
    assert!(created.get("secret").is_none(), "the secret is write-only");
    let shown = json(s.get_auth(&format!("/api/v1/organizations/{org}/webhook"), ADMIN_TOKEN));
    assert!(!shown.to_string().contains(SECRET), "{shown}");

    assert_eq!(invite(&s, &org), StatusCode::OK);

    let req = receiver.wait_for(1, Duration::from_secs(10)).remove(0);
    assert_eq!((req.method.as_str(), req.path.as_str()), ("POST", "/hook"));
    assert_eq!(req.header("content-type"), Some("application/json"));
    assert_eq!(req.header("x-accord-event"), Some("organization.invited"));
    assert_signed(&req, SECRET);
    let body = req.json();
    assert_eq!(req.header("x-accord-delivery"), body["id"].as_str());
    assert_eq!(body["kind"], "organization.invited");
    assert!(body["created_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(body["data"]["organization"]["id"], org.as_str());
    assert_eq!(body["data"]["organization"]["domain"], "invited.example");

    let mail = sink.wait_for(1, Duration::from_secs(10)).remove(0);
    assert_eq!(mail.to, ["psirt@invited.example"]);
    assert_eq!(mail.from, "accord@accord.test");
    assert_eq!(mail.header("To").as_deref(), Some("psirt@invited.example"));
    assert_eq!(
        mail.header("Subject").as_deref(),
        Some("Org invited.example is invited to sign the Cybersecurity Tech Accord")
    );
    assert!(mail.header("Message-ID").is_some_and(|id| id.starts_with('<') && id.ends_with("@accord.test>")));
    assert!(mail.header("Content-Type").is_some_and(|t| t.starts_with("text/plain")));
    let text = mail.body();
    assert!(text.contains("Org invited.example (invited.example) has been invited"), "{text}");
    assert!(text.contains(&format!("organization_id={org}")), "{text}");

    let delivered = wait_outbox(&s, "delivered", 2);
    for m in &delivered {
        assert_eq!((m["kind"].as_str(), m["attempts"].as_u64()), (Some("organization.invited"), Some(1)));
        assert!(m.get("payload").is_none());
        assert!(!m.to_string().contains(SECRET));
    }
    let mut kinds: Vec<_> =
        delivered.iter().map(|m| m["recipient_kind"].as_str().unwrap().to_owned()).collect();
    kinds.sort();
    assert_eq!(kinds, ["email", "webhook"]);
    assert!(delivered.iter().any(|m| m["destination"] == "psirt@invited.example"));
    assert!(delivered.iter().any(|m| m["destination"] == receiver.url.as_str()));
    // The secret is sealed at rest with the server's key: no file of the store holds it, yet
    // the delivery above was signed with it.
    for entry in std::fs::read_dir(s.data_dir()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains(SECRET), "the webhook secret is in a store file");
    }

    // Replacing the webhook answers 200; a second invitation of an invited organisation is
    // refused, and the refused change sends nothing.
    set_webhook(&s, &org, &receiver.url);
    assert_eq!(invite(&s, &org), StatusCode::CONFLICT);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(receiver.requests().len(), 1);
    assert_eq!(sink.mails().len(), 1);
    assert_eq!(outbox(&s, "").len(), 2);
}

#[test]
fn a_failing_receiver_is_retried_with_back_off_until_it_accepts() {
    let receiver = WebhookReceiver::start();
    receiver.answer_next(&[500, 503]);
    let s = server_with(&[], &[FAST_RETRIES]);
    let org = create_org(&s, "flaky.example", None);
    set_webhook(&s, &org, &receiver.url);
    assert_eq!(invite(&s, &org), StatusCode::OK);

    let requests = receiver.wait_for(3, Duration::from_secs(15));
    assert_eq!(requests.iter().map(|r| r.status).collect::<Vec<_>>(), [500, 503, 200]);
    let id = requests[0].header("x-accord-delivery").unwrap();
    assert!(requests.iter().all(|r| r.header("x-accord-delivery") == Some(id)), "one message, retried");
    for r in &requests {
        assert_signed(r, SECRET);
        assert_eq!(r.body, requests[0].body, "the same event each time");
    }
    // 200 ms then 800 ms, each within ±20 % (and a poll of at most 200 ms later).
    let first = requests[1].at - requests[0].at;
    let second = requests[2].at - requests[1].at;
    assert!(first >= Duration::from_millis(150) && first < Duration::from_millis(700), "{first:?}");
    assert!(second >= Duration::from_millis(600) && second < Duration::from_millis(1600), "{second:?}");

    let m = &wait_outbox(&s, "delivered", 1)[0];
    assert_eq!(m["attempts"], 3);
    assert_eq!(m["last_error"], "HTTP 503");
    assert!(outbox(&s, "?state=pending").is_empty());
}

#[test]
fn a_receiver_that_never_answers_does_not_hold_up_another() {
    let silent = SilentReceiver::start();
    let good = WebhookReceiver::start();
    let s = server_with(&[], &[]);
    let stuck = create_org(&s, "stuck.example", None);
    let fine = create_org(&s, "fine.example", None);
    set_webhook(&s, &stuck, &silent.url);
    set_webhook(&s, &fine, &good.url);

    assert_eq!(invite(&s, &stuck), StatusCode::OK);
    let start = Instant::now();
    while silent.connections() == 0 {
        assert!(start.elapsed() < Duration::from_secs(10), "the hanging receiver was never called");
        std::thread::sleep(Duration::from_millis(20));
    }
    let invited = Instant::now();
    assert_eq!(invite(&s, &fine), StatusCode::OK);
    let req = good.wait_for(1, Duration::from_secs(5)).remove(0);
    assert!(req.at - invited < Duration::from_secs(3), "delivered in {:?}", req.at - invited);
    assert_eq!(req.json()["data"]["organization"]["id"], fine.as_str());
    // The receiver records the request before the server has read its answer: wait for the mark.
    let delivered = wait_outbox(&s, "delivered", 1);
    assert_eq!(delivered[0]["destination"], good.url.as_str());
    let pending = outbox(&s, "?state=pending");
    assert_eq!(pending.len(), 1, "the other is still waiting on the silent receiver: {pending:#?}");
    assert_eq!(pending[0]["destination"], silent.url.as_str());
}

fn publish_accord(s: &TestServer) {
    let resp = s.post_json(
        "/api/v1/accord",
        Some(ADMIN_TOKEN),
        &json!({"title": "The Accord", "text": "We protect every user and customer everywhere.\n"}),
    );
    assert_eq!(resp.status(), StatusCode::CREATED);
}

fn sign(s: &TestServer, org: &str, key: &SigningKey) -> StatusCode {
    let statement = json(s.get(&format!("/api/v1/accord/statement?organization_id={org}")))["statement"]
        .as_str()
        .unwrap()
        .to_owned();
    s.post_json(
        &format!("/api/v1/organizations/{org}/signatures"),
        Some(ADMIN_TOKEN),
        &json!({
            "public_key": STANDARD.encode(key.verifying_key().as_bytes()),
            "signature": STANDARD.encode(key.sign(statement.as_bytes()).to_bytes()),
        }),
    )
    .status()
}

#[test]
fn a_signature_is_announced_once_to_the_organisations_webhook() {
    let receiver = WebhookReceiver::start();
    let s = server_with(&[], &[]);
    publish_accord(&s);
    let key = SigningKey::from_bytes(&[7; 32]);
    let org = create_org(&s, "signer.example", None);
    let resp = s.post_json(
        &format!("/api/v1/organizations/{org}/keys"),
        Some(ADMIN_TOKEN),
        &json!({"public_key": STANDARD.encode(key.verifying_key().as_bytes())}),
    );
    assert_eq!(resp.status(), StatusCode::CREATED);
    set_webhook(&s, &org, &receiver.url);

    assert_eq!(sign(&s, &org, &key), StatusCode::CREATED);
    let req = receiver.wait_for(1, Duration::from_secs(10)).remove(0);
    assert_eq!(req.header("x-accord-event"), Some("accord.signed"));
    assert_signed(&req, SECRET);
    let body = req.json();
    assert_eq!(body["kind"], "accord.signed");
    assert_eq!(body["data"]["organization"]["id"], org.as_str());
    assert_eq!(body["data"]["signature"]["version"], 1);

    // The same version again is refused: a rolled-back change announces nothing.
    assert_eq!(sign(&s, &org, &key), StatusCode::CONFLICT);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(receiver.requests().len(), 1);
    assert_eq!(outbox(&s, "").len(), 1);
}

#[test]
fn a_pending_message_is_delivered_after_a_restart() {
    let receiver = WebhookReceiver::start();
    receiver.answer_by_default(500);
    let slow_retries = ("ACCORD_OUTBOX_RETRY_BASE_MS", "2000");
    let keep = tempfile::tempdir().unwrap();
    let data = keep.path().join("data");
    let s = TestServer::start_in_with_env(bin(), &data, &[], &[slow_retries]).expect("start");
    let org = create_org(&s, "restart.example", None);
    set_webhook(&s, &org, &receiver.url);
    assert_eq!(invite(&s, &org), StatusCode::OK);
    receiver.wait_for(1, Duration::from_secs(10));
    let start = Instant::now();
    let pending = loop {
        let p = outbox(&s, "?state=pending");
        if p.first().is_some_and(|m| m["attempts"] == 1) {
            break p;
        }
        assert!(start.elapsed() < Duration::from_secs(5), "{p:#?}");
        std::thread::sleep(Duration::from_millis(20));
    };
    let id = pending[0]["id"].as_str().unwrap().to_owned();
    s.kill9().unwrap();

    receiver.answer_by_default(200);
    let s = TestServer::start_in_with_env(bin(), &data, &[], &[slow_retries]).expect("restart");
    let requests = receiver.wait_for(2, Duration::from_secs(15));
    assert_eq!(requests[1].header("x-accord-delivery"), Some(id.as_str()));
    assert_eq!(requests[1].status, 200);
    let m = &wait_outbox(&s, "delivered", 1)[0];
    assert_eq!((m["id"].as_str(), m["attempts"].as_u64()), (Some(id.as_str()), Some(2)));
    s.terminate().unwrap();

    // The outbox offline, from the command line.
    let out = std::process::Command::new(bin())
        .args(["admin", "outbox", "list", "--state", "delivered", "--data"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(&id) && text.contains("organization.invited webhook") && text.contains("delivered 2"),
        "{text}"
    );
}

#[test]
fn webhook_settings_are_checked_and_limited_to_the_organisation() {
    let s = server_with(&[], &[]);
    let org = create_org(&s, "settings.example", None);
    let other = create_org(&s, "other.example", None);
    let path = format!("/api/v1/organizations/{org}/webhook");
    let put = |token: Option<&str>, body: Value| s.put_json(&path, token, &body);

    let resp = put(Some(ADMIN_TOKEN), json!({"url": "ftp://hooks.example/", "secret": SECRET}));
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json(resp)["field"], "url");
    let resp = put(Some(ADMIN_TOKEN), json!({"url": "https://hooks.example/", "secret": "short"}));
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json(resp)["field"], "secret");
    assert_eq!(
        put(None, json!({"url": "https://hooks.example/", "secret": SECRET})).status(),
        StatusCode::UNAUTHORIZED
    );

    // The org_admin of another organisation may not; this organisation's may.
    let user = |email: &str, of: &str| {
        let resp = s.post_json(
            "/api/v1/users",
            Some(ADMIN_TOKEN),
            &json!({"email": email, "name": "Admin", "role": "org_admin", "organization_id": of}),
        );
        assert_eq!(resp.status(), StatusCode::CREATED);
        json(resp)["token"].as_str().unwrap().to_owned()
    };
    let outsider = user("admin@other.example", &other);
    let insider = user("admin@settings.example", &org);
    let body = json!({"url": "http://127.0.0.1:9/hook", "secret": SECRET});
    assert_eq!(put(Some(&outsider), body.clone()).status(), StatusCode::FORBIDDEN);
    assert_eq!(put(Some(&insider), body.clone()).status(), StatusCode::CREATED);
    assert_eq!(put(Some(&insider), body).status(), StatusCode::OK);
    assert_eq!(s.get_auth("/api/v1/outbox", &insider).status(), StatusCode::FORBIDDEN);
    assert_eq!(s.get_auth("/api/v1/outbox?state=lost", ADMIN_TOKEN).status(), StatusCode::BAD_REQUEST);

    let audit = json(s.get_auth("/api/v1/audit", ADMIN_TOKEN)).to_string();
    assert!(audit.contains("organization.webhook_set") && !audit.contains(SECRET));

    assert_eq!(s.delete(&path, Some(&outsider)).status(), StatusCode::FORBIDDEN);
    assert_eq!(s.delete(&path, Some(&insider)).status(), StatusCode::NO_CONTENT);
    assert_eq!(s.delete(&path, Some(&insider)).status(), StatusCode::NOT_FOUND);
    assert_eq!(s.get_auth(&path, ADMIN_TOKEN).status(), StatusCode::NOT_FOUND);
}

#[test]
fn case_events_reach_their_vendors_without_confidential_text() {
    let sink = SmtpSink::start();
    let receiver = WebhookReceiver::start();
    let s = server_with(&["--smtp-url", &sink.url], &[]);
    let vendor = create_org(&s, "vendor.example", Some("psirt@vendor.example"));
    let bystander = create_org(&s, "bystander.example", Some("psirt@bystander.example"));
    set_webhook(&s, &vendor, &receiver.url);
    let coordinator = json(s.post_json(
        "/api/v1/users",
        Some(ADMIN_TOKEN),
        &json!({"name": "Coordinator", "role": "coordinator", "email": "coordinator@accord.test"}),
    ))["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let secret_text = "use-after-free in the quux decoder 9Z";
    let report = json(s.post_json(
        "/api/v1/reports",
        None,
        &json!({"title": "Quux decoder flaw", "description": secret_text}),
    ));
    let case = json(s.post_json("/api/v1/cases", Some(&coordinator), &json!({"report_id": report["id"]})));
    let id = case["id"].as_str().unwrap();
    assert_eq!(
        s.post_json(
            &format!("/api/v1/cases/{id}/vendors"),
            Some(&coordinator),
            &json!({"organization_id": vendor})
        )
        .status(),
        StatusCode::CREATED
    );
    let hook = receiver.wait_for(1, Duration::from_secs(10)).remove(0);
    assert_eq!(hook.header("x-accord-event"), Some("case.vendor_invited"));
    assert_signed(&hook, SECRET);
    let body = hook.json();
    assert_eq!(body["data"]["local_id"], case["local_id"]);
    assert_eq!(body["data"]["case_id"], id);
    // The vendor's security contact is told too, and nothing is sent to an uninvited one.
    let mail = sink.wait_for(1, Duration::from_secs(10)).remove(0);
    assert_eq!(mail.to, ["psirt@vendor.example"]);
    assert!(mail.header("Subject").unwrap().contains(case["local_id"].as_str().unwrap()));
    // A vendor's statement is news for the coordinators.
    let analyst = json(s.post_json(
        "/api/v1/users",
        Some(ADMIN_TOKEN),
        &json!({"name": "Analyst", "role": "analyst", "organization_id": vendor}),
    ))["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = s.put_json(
        &format!("/api/v1/cases/{id}/vendors/{vendor}/products/Quux"),
        Some(&analyst),
        &json!({"status": "affected"}),
    );
    assert_eq!(r.status(), StatusCode::OK);
    let mails = sink.wait_for(2, Duration::from_secs(10));
    assert!(
        mails.iter().any(|m| m.to == ["coordinator@accord.test"]),
        "{:?}",
        mails.iter().map(|m| &m.to).collect::<Vec<_>>()
    );
    // Neither the deliveries nor the outbox ever carry the case's text.
    std::thread::sleep(Duration::from_millis(300));
    for req in receiver.requests() {
        assert!(!String::from_utf8_lossy(&req.body).contains("quux decoder"), "a webhook carried case text");
    }
    for m in sink.mails() {
        assert!(
            !m.body().contains("quux decoder") && !m.header("Subject").unwrap_or_default().contains("Quux")
        );
        assert!(!m.to.contains(&"psirt@bystander.example".to_owned()));
    }
    for entry in std::fs::read_dir(s.data_dir()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains("quux decoder 9Z"));
    }
    let _ = bystander;
}

/// An anonymous finder who gave an e-mail address as contact is told by e-mail what becomes of
/// the report — triage, a message from someone else in the case thread, publication — with no
/// case text and no follow-up secret; the address is sealed in the outbox (administrators see
/// `(sealed)`), so no store file holds it in clear. A contact that is not an address gets
/// nothing.
#[test]
fn a_finder_with_an_email_contact_is_told_what_becomes_of_the_report() {
    let sink = SmtpSink::start();
    let keep = tempfile::tempdir().unwrap();
    let data = keep.path().join("data");
    let s = TestServer::start_in_with_env(bin(), &data, &["--smtp-url", &sink.url], &[]).expect("start");
    let coordinator = json(s.post_json(
        "/api/v1/users",
        Some(ADMIN_TOKEN),
        &json!({"name": "Coordinator", "role": "coordinator", "email": "coordinator@accord.test"}),
    ))["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let address = "zoe.finder@researcher.example";
    let secret_text = "stack smash in the grault parser 7Q";
    let report = |contact: &str, title: &str| {
        let resp = s.post_json(
            "/api/v1/reports",
            None,
            &json!({"title": title, "description": secret_text, "contact": contact}),
        );
        assert_eq!(resp.status(), StatusCode::CREATED);
        let r = json(resp);
        (r["id"].as_str().unwrap().to_owned(), r["followup_token"].as_str().unwrap().to_owned())
    };
    let to_finder = || sink.mails().into_iter().filter(|m| m.to == [address]).collect::<Vec<_>>();
    let wait_finder = |n: usize| {
        let start = Instant::now();
        loop {
            let mails = to_finder();
            if mails.len() >= n {
                return mails;
            }
            assert!(start.elapsed() < Duration::from_secs(10), "expected {n} mails to the finder: {mails:?}");
            std::thread::sleep(Duration::from_millis(50));
        }
    };

    // Accepted into a case.
    let (id, token) = report(address, "Grault parser flaw");
    let case = json(s.post_json("/api/v1/cases", Some(&coordinator), &json!({"report_id": id})));
    let case_id = case["id"].as_str().unwrap().to_owned();
    let accepted = wait_finder(1).remove(0);
    assert_eq!(
        accepted.header("Subject").as_deref(),
        Some(format!("Your vulnerability report {id}: accepted").as_str())
    );
    let body = accepted.body();
    assert!(body.contains(&id) && body.contains("was accepted") && body.contains("follow-up link"), "{body}");

    // A coordinator's message in the case thread; the finder's own answer is not news to them.
    let posted = s.post_json(
        &format!("/api/v1/cases/{case_id}/messages"),
        Some(&coordinator),
        &json!({"body": "Thanks, we reproduced it."}),
    );
    assert_eq!(posted.status(), StatusCode::CREATED, "{}", posted.text().unwrap());
    let message = wait_finder(2).remove(1);
    assert!(message.body().contains("has a new message in its case thread"), "{}", message.body());
    let answered =
        s.post_json(&format!("/api/v1/followup/{token}/messages"), None, &json!({"body": "Great, thanks."}));
    assert_eq!(answered.status(), StatusCode::CREATED);

    // Published (early, with a reason), once a vendor is in.
    let vendor = create_org(&s, "grault.example", None);
    let invited = s.post_json(
        &format!("/api/v1/cases/{case_id}/vendors"),
        Some(&coordinator),
        &json!({"organization_id": vendor}),
    );
    assert_eq!(invited.status(), StatusCode::CREATED);
    let published = s.post_json(
        &format!("/api/v1/cases/{case_id}/publish"),
        Some(&coordinator),
        &json!({"reason": "exploited"}),
    );
    assert_eq!(published.status(), StatusCode::CREATED, "{}", published.text().unwrap());
    let mails = wait_finder(3);
    assert!(mails[2].header("Subject").unwrap().ends_with(": published"), "{:?}", mails[2].header("Subject"));

    // Rejected.
    let (rejected_id, _) = report(address, "Second report");
    let resp = s.post_json(
        &format!("/api/v1/reports/{rejected_id}/rejection"),
        Some(&coordinator),
        &json!({"reason": "out of scope"}),
    );
    assert_eq!(resp.status(), StatusCode::OK, "{}", resp.text().unwrap());
    let mails = wait_finder(4);
    assert_eq!(
        mails[3].header("Subject").as_deref(),
        Some(format!("Your vulnerability report {rejected_id}: rejected").as_str())
    );

    // A contact that is not an e-mail address: nothing is queued for the finder.
    let (handle_id, _) = report("@zoe on Mastodon", "Third report");
    let case = s.post_json("/api/v1/cases", Some(&coordinator), &json!({"report_id": handle_id}));
    assert_eq!(case.status(), StatusCode::CREATED);

    std::thread::sleep(Duration::from_millis(500));
    let mails = to_finder();
    assert_eq!(mails.len(), 4, "only the four notices above: {mails:?}");
    for m in &mails {
        let (subject, body) = (m.header("Subject").unwrap(), m.body());
        assert!(!body.contains("grault parser") && !subject.contains("Grault"), "no case text: {body}");
        assert!(!body.contains(&token) && !body.contains("/followup/"), "no follow-up secret: {body}");
    }
    let outbox = outbox(&s, "");
    let kinds: Vec<&str> =
        outbox.iter().filter_map(|m| m["kind"].as_str()).filter(|k| k.starts_with("report.")).collect();
    assert_eq!(kinds.len(), 4, "{kinds:?}");
    for m in outbox.iter().filter(|m| m["kind"].as_str().unwrap().starts_with("report.")) {
        assert_eq!(
            (m["destination"].as_str(), m["destination_sealed"].as_bool()),
            (Some("(sealed)"), Some(true))
        );
        assert_eq!(m["state"], "delivered");
    }
    assert!(!serde_json::to_string(&outbox).unwrap().contains(address));
    s.terminate().unwrap();

    // Neither the store's files nor the administrators' offline listing hold the address (the
    // case's text is public now: it is in the published advisory).
    for entry in std::fs::read_dir(&data).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains(address) && !text.contains("researcher.example"),
            "{} holds the address",
            path.display()
        );
    }
    let out = std::process::Command::new(bin())
        .args(["admin", "outbox", "list", "--data"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let listing = String::from_utf8(out.stdout).unwrap();
    assert!(listing.contains("report.accepted email (sealed) delivered 1"), "{listing}");
    assert!(!listing.contains(address), "{listing}");
}
