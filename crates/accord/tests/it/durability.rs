use accord_testkit::{ADMIN_TOKEN, StatusCode, TestServer, json};
use serde_json::json;

use crate::bin;

#[test]
fn an_acknowledged_write_survives_kill_9() {
    let data = tempfile::tempdir().unwrap();
    let s = TestServer::start_in(bin(), data.path(), &[]).unwrap();
    let mut ids = Vec::new();
    for i in 0..20 {
        let resp = s.post_json(
            "/api/v1/organizations",
            Some(ADMIN_TOKEN),
            &json!({"name": format!("Org {i}"), "domain": format!("org{i}.example"), "kind": "vendor"}),
        );
        assert_eq!(resp.status(), StatusCode::CREATED);
        ids.push(json(resp)["id"].as_str().unwrap().to_owned());
    }
    s.kill9().unwrap();

    let s = TestServer::start_in(bin(), data.path(), &[]).unwrap();
    for id in &ids {
        let resp = s.get(&format!("/api/v1/organizations/{id}"));
        assert_eq!(resp.status(), StatusCode::OK, "organization {id} lost after kill -9");
    }
    assert_eq!(json(s.get("/api/v1/organizations"))["organizations"].as_array().unwrap().len(), 20);
}

#[test]
fn sigterm_stops_the_server_cleanly() {
    let s = TestServer::start(bin(), &[]).unwrap();
    assert_eq!(s.get("/healthz").status(), StatusCode::OK);
    let status = s.terminate().unwrap();
    assert!(status.success(), "exit status after SIGTERM: {status:?}");
}

#[test]
fn the_demo_loads_only_into_an_empty_store() {
    let data = tempfile::tempdir().unwrap();
    let s = TestServer::start_in(bin(), data.path(), &["--demo"]).unwrap();
    let google = json(s.get("/api/v1/organizations?status=invited"))["organizations"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    s.post_json(
        &format!("/api/v1/organizations/{google}/keys"),
        Some(ADMIN_TOKEN),
        &json!({"public_key": "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="}),
    );
    s.terminate().unwrap();
    let s = TestServer::start_in(bin(), data.path(), &["--demo"]).unwrap();
    assert_eq!(json(s.get("/api/v1/organizations"))["organizations"].as_array().unwrap().len(), 37);
    let g = json(s.get(&format!("/api/v1/organizations/{google}")));
    assert_eq!(
        g["public_keys"].as_array().unwrap().len(),
        1,
        "a restart with --demo must not reload over data"
    );
}

#[test]
fn without_a_bootstrap_token_one_is_generated_and_printed_once() {
    let data = tempfile::tempdir().unwrap();
    let s = TestServer::start_without_bootstrap_token(bin(), data.path()).unwrap();
    let stderr = s.stderr();
    let token = stderr
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("accord_"))
        .unwrap_or_else(|| panic!("no token printed:\n{stderr}"))
        .to_owned();
    let me = json(s.get_with("/api/v1/me", &[("authorization", &format!("Bearer {token}"))]));
    assert_eq!(me["role"], "admin");
    assert_eq!(me["email"], "admin@accord.localhost");
    s.terminate().unwrap();

    let again = TestServer::start_in(bin(), data.path(), &[]).unwrap();
    assert!(!again.stderr().contains(&token), "the token is shown only once");
    let me = json(again.get_with("/api/v1/me", &[("authorization", &format!("Bearer {token}"))]));
    assert_eq!(me["role"], "admin");
    assert_eq!(
        again.get_with("/api/v1/me", &[("authorization", &format!("Bearer {ADMIN_TOKEN}"))]).status(),
        StatusCode::UNAUTHORIZED,
        "ACCORD_BOOTSTRAP_TOKEN is ignored once an administrator exists"
    );
}
