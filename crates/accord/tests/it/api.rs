use accord_testkit::{ADMIN_TOKEN, StatusCode, json};
use serde_json::{Value, json};

use crate::{demo_server, empty_server};

fn names(list: &Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(|o| o["name"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn signatories_are_the_34_founders_of_april_2018() {
    let s = demo_server();
    let resp = s.get("/api/v1/signatories");
    assert_eq!(resp.status(), StatusCode::OK);
    let body = json(resp);
    let list = &body["signatories"];
    let names = names(list);
    assert_eq!(names.len(), 34, "{names:?}");
    for expected in ["ABB", "Cisco", "Microsoft", "Telefónica", "VMware", "GitHub", "HP Inc."] {
        assert!(names.iter().any(|n| n == expected), "{expected} missing from {names:?}");
    }
    for absent in ["Google", "Apple", "Amazon"] {
        assert!(!names.iter().any(|n| n == absent), "{absent} must not be a signatory");
    }
    for o in list.as_array().unwrap() {
        assert!(o["id"].as_str().is_some_and(|id| id.len() == 36));
        assert_eq!(o["signed_at"], "2018-04-17T00:00:00.000000Z", "{o}");
        assert_eq!(o["status"], "signatory");
    }
}

#[test]
fn google_apple_and_amazon_are_invited_not_signed() {
    let s = demo_server();
    let body = json(s.get("/api/v1/organizations?status=invited"));
    let mut names = names(&body["organizations"]);
    names.sort();
    assert_eq!(names, ["Amazon", "Apple", "Google"]);
    for o in body["organizations"].as_array().unwrap() {
        assert_eq!(o["status"], "invited");
        assert!(o["signed_at"].is_null());
    }
    let all = json(s.get("/api/v1/organizations"));
    assert_eq!(all["organizations"].as_array().unwrap().len(), 37);
    let none = json(s.get("/api/v1/organizations?status=withdrawn"));
    assert_eq!(none["organizations"], json!([]));
}

#[test]
fn an_unknown_status_filter_is_a_400_naming_the_parameter() {
    let s = demo_server();
    let resp = s.get("/api/v1/organizations?status=pending");
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let body = json(resp);
    assert_eq!(body["code"], "invalid_request");
    assert_eq!(body["field"], "status");
    assert!(body["message"].as_str().unwrap().contains("pending"), "{body}");
}

#[test]
fn the_accord_text_is_served_with_its_digest() {
    let s = demo_server();
    let body = json(s.get("/api/v1/accord"));
    assert_eq!(body["version"], 1);
    let text = body["text"].as_str().unwrap();
    for c in ["Stronger defense", "No offense", "Capacity building", "Collective action"] {
        assert!(text.contains(c), "{c}");
    }
    let digest = sha256_hex(text.as_bytes());
    assert_eq!(body["sha256"], digest);
    assert_eq!(json(s.get("/api/v1/accord/versions/1"))["sha256"], digest);
    assert_eq!(s.get("/api/v1/accord/versions/2").status(), StatusCode::NOT_FOUND);
    assert_eq!(s.get("/api/v1/accord/versions/zero").status(), StatusCode::NOT_FOUND);
}

/// SHA-256 computed by the system's `sha256sum`, independent of the code under test.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("sha256sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("sha256sum");
    child.stdin.take().unwrap().write_all(bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout).unwrap().split_whitespace().next().unwrap().to_owned()
}

#[test]
fn one_organization_by_id_and_unknown_ids() {
    let s = demo_server();
    let list = json(s.get("/api/v1/signatories"));
    let id = list["signatories"][0]["id"].as_str().unwrap().to_owned();
    let org = json(s.get(&format!("/api/v1/organizations/{id}")));
    assert_eq!(org["id"], id.as_str());
    assert_eq!(org["public_keys"].as_array().unwrap().len(), 1);
    assert_eq!(org["signatures"].as_array().unwrap().len(), 1);
    let missing = s.get("/api/v1/organizations/7c9e6679-7425-40de-944b-e07fc1f90ae7");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(json(missing)["code"], "not_found");
    assert_eq!(s.get("/api/v1/organizations/not-an-id").status(), StatusCode::NOT_FOUND);
    let nowhere = s.get("/api/v1/nowhere");
    assert_eq!(nowhere.status(), StatusCode::NOT_FOUND);
    assert_eq!(json(nowhere)["code"], "not_found");
}

#[test]
fn writes_need_a_valid_token() {
    let s = empty_server();
    let body = json!({"name": "Example", "domain": "example.org", "kind": "vendor"});
    let anonymous = s.post_json("/api/v1/organizations", None, &body);
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert!(anonymous.headers().get("www-authenticate").is_some());
    assert_eq!(json(anonymous)["code"], "unauthenticated");
    let wrong = s.post_json("/api/v1/organizations", Some("accord_not-a-real-token"), &body);
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let basic =
        s.client.post(s.url("/api/v1/organizations")).basic_auth("x", Some("y")).json(&body).send().unwrap();
    assert_eq!(basic.status(), StatusCode::UNAUTHORIZED);
    let created = s.post_json("/api/v1/organizations", Some(ADMIN_TOKEN), &body);
    assert_eq!(created.status(), StatusCode::CREATED);
    let org = json(created);
    assert_eq!(org["status"], "not_invited");
    let id = org["id"].as_str().unwrap();
    assert_eq!(json(s.get(&format!("/api/v1/organizations/{id}")))["domain"], "example.org");
    let again = s.post_json("/api/v1/organizations", Some(ADMIN_TOKEN), &body);
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert_eq!(json(again)["code"], "conflict");
}

/// Creates an organisation, and a user with `role` in it, and returns (org id, user token).
pub fn org_and_user(s: &accord_testkit::TestServer, domain: &str, role: &str) -> (String, String) {
    let org = json(s.post_json(
        "/api/v1/organizations",
        Some(ADMIN_TOKEN),
        &json!({"name": domain, "domain": domain, "kind": "vendor"}),
    ));
    let org_id = org["id"].as_str().expect("org id").to_owned();
    let user = s.post_json(
        "/api/v1/users",
        Some(ADMIN_TOKEN),
        &json!({"email": format!("{role}@{domain}"), "name": role, "role": role, "organization_id": org_id}),
    );
    assert_eq!(user.status(), StatusCode::CREATED);
    // A new user comes with a first API token, shown in the answer only.
    (org_id, json(user)["token"].as_str().unwrap().to_owned())
}

#[test]
fn roles_limit_what_users_may_write() {
    let s = empty_server();
    let (org_a, analyst) = org_and_user(&s, "a.example", "analyst");
    let (org_b, org_admin_b) = org_and_user(&s, "b.example", "org_admin");
    let body = json!({"name": "C", "domain": "c.example", "kind": "cert"});
    let forbidden = s.post_json("/api/v1/organizations", Some(&analyst), &body);
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
    assert_eq!(json(forbidden)["code"], "forbidden");
    let key = json!({"public_key": "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="});
    assert_eq!(
        s.post_json(&format!("/api/v1/organizations/{org_a}/keys"), Some(&org_admin_b), &key).status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        s.post_json(&format!("/api/v1/organizations/{org_b}/keys"), Some(&org_admin_b), &key).status(),
        StatusCode::CREATED
    );
    assert_eq!(
        s.post_json(&format!("/api/v1/organizations/{org_b}/invitation"), Some(&org_admin_b), &json!({}))
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        s.get_with("/api/v1/users", &[("authorization", &format!("Bearer {analyst}"))]).status(),
        StatusCode::FORBIDDEN
    );
    let me = json(s.get_with("/api/v1/me", &[("authorization", &format!("Bearer {analyst}"))]));
    assert_eq!(me["role"], "analyst");
    assert!(me.get("password_hash").is_none());
}

#[test]
fn malformed_bodies_get_precise_4xx() {
    let s = empty_server();
    let t = Some(ADMIN_TOKEN);
    let syntax = s.post_raw("/api/v1/organizations", t, "application/json", b"{\"name\": ".to_vec());
    assert_eq!(syntax.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json(syntax)["code"], "invalid_json");

    let missing = s.post_json("/api/v1/organizations", t, &json!({"name": "X", "domain": "x.org"}));
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
    let body = json(missing);
    assert_eq!(body["code"], "invalid_request");
    assert!(body["message"].as_str().unwrap().contains("kind"), "{body}");

    let bad_kind = json(s.post_json(
        "/api/v1/organizations",
        t,
        &json!({"name": "X", "domain": "x.org", "kind": "bank"}),
    ));
    assert!(bad_kind["message"].as_str().unwrap().contains("kind"), "{bad_kind}");

    let bad_domain = s.post_json(
        "/api/v1/organizations",
        t,
        &json!({"name": "X", "domain": "not a domain", "kind": "vendor"}),
    );
    assert_eq!(bad_domain.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json(bad_domain)["field"], "domain");

    let unknown = json(s.post_json(
        "/api/v1/organizations",
        t,
        &json!({"name": "X", "domain": "x.org", "kind": "vendor", "colour": 1}),
    ));
    assert!(unknown["message"].as_str().unwrap().contains("colour"), "{unknown}");

    let media = s.post_raw("/api/v1/organizations", t, "text/plain", b"{}".to_vec());
    assert_eq!(media.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(json(media)["code"], "unsupported_media_type");
}

#[test]
fn oversized_bodies_get_413() {
    use std::io::{Read, Write};
    let s = empty_server();
    // Declare a 2 MiB body and send none of it: the server must answer from the headers alone,
    // before reading anything (a client that kept sending would race the early answer).
    let addr = s.base.trim_start_matches("http://").to_owned();
    let mut conn = std::net::TcpStream::connect(&addr).unwrap();
    conn.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
    write!(
        conn,
        "POST /api/v1/organizations HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {ADMIN_TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        2 * 1024 * 1024
    )
    .unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&answer).contains("payload_too_large") {
        match conn.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
        }
    }
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("\"code\":\"payload_too_large\""), "{answer}");
    // A body without Content-Length (chunked) is cut off too: see the in-process test
    // `chunked_bodies_over_the_limit_get_413` in accord-server, which cannot race the client.
}

#[test]
fn the_audit_trail_records_who_did_what() {
    let s = empty_server();
    s.post_json(
        "/api/v1/organizations",
        Some(ADMIN_TOKEN),
        &json!({"name": "E", "domain": "e.org", "kind": "research"}),
    );
    let resp = s.get_with("/api/v1/audit", &[("authorization", &format!("Bearer {ADMIN_TOKEN}"))]);
    assert_eq!(resp.status(), StatusCode::OK);
    let events = json(resp)["events"].as_array().unwrap().clone();
    assert_eq!(events[0]["action"], "organization.created");
    assert!(events[0]["actor"].as_str().unwrap().starts_with("user:"));
    assert_eq!(events[0]["detail"]["domain"], "e.org");
    assert_eq!(s.get("/api/v1/audit").status(), StatusCode::UNAUTHORIZED);
}

#[test]
fn a_revoked_token_stops_working_at_once() {
    let s = empty_server();
    let (_, token) = org_and_user(&s, "revoke.example", "analyst");
    let auth = format!("Bearer {token}");
    let me = json(s.get_with("/api/v1/me", &[("authorization", &auth)]));
    let user_id = me["id"].as_str().unwrap().to_owned();
    let list = json(s.get_with(&format!("/api/v1/users/{user_id}/tokens"), &[("authorization", &auth)]));
    let tokens = list["tokens"].as_array().unwrap();
    assert_eq!(tokens.len(), 1);
    assert!(tokens[0].get("token").is_none(), "a listing never shows the secret");
    assert!(!list.to_string().contains(&token));
    let token_id = tokens[0]["id"].as_str().unwrap().to_owned();

    // Another user (not admin) may not revoke it.
    let (_, other) = org_and_user(&s, "other.example", "analyst");
    let denied = s
        .client
        .delete(s.url(&format!("/api/v1/users/{user_id}/tokens/{token_id}")))
        .bearer_auth(&other)
        .send()
        .unwrap();
    assert_eq!(denied.status(), StatusCode::FORBIDDEN);

    let revoke = |t: &str| {
        s.client
            .delete(s.url(&format!("/api/v1/users/{user_id}/tokens/{token_id}")))
            .bearer_auth(t)
            .send()
            .unwrap()
    };
    assert_eq!(revoke(&token).status(), StatusCode::NO_CONTENT);
    assert_eq!(s.get_with("/api/v1/me", &[("authorization", &auth)]).status(), StatusCode::UNAUTHORIZED);
    assert_eq!(revoke(ADMIN_TOKEN).status(), StatusCode::NOT_FOUND, "revoking twice finds nothing");
    let admin_view = json(s.get_with(
        &format!("/api/v1/users/{user_id}/tokens"),
        &[("authorization", &format!("Bearer {ADMIN_TOKEN}"))],
    ));
    assert!(admin_view["tokens"][0]["revoked_at"].is_string());
}

#[test]
fn errors_made_by_the_framework_are_json_too() {
    let s = empty_server();
    let resp = s.client.delete(s.url("/api/v1/signatories")).send().unwrap();
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(json(resp)["code"], "method_not_allowed");
    let resp = s.client.put(s.url("/healthz")).send().unwrap();
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
}
