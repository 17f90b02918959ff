use accord_testkit::{ADMIN_TOKEN, StatusCode, TestServer, json};
use base64::Engine;
use serde_json::{Value, json};

use crate::demo_server;

const TAXII: &str = "application/taxii+json;version=2.1";

fn basic(password: &str) -> String {
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("anyone:{password}")))
}

fn get(s: &TestServer, path: &str, auth: Option<&str>) -> reqwest::blocking::Response {
    let mut headers = vec![("accept", TAXII)];
    if let Some(a) = auth {
        headers.push(("authorization", a));
    }
    s.get_with(path, &headers)
}

fn titles(body: &Value) -> Vec<(String, bool, bool)> {
    body["collections"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|c| {
                    (
                        c["title"].as_str().unwrap().to_owned(),
                        c["can_read"].as_bool().unwrap(),
                        c["can_write"].as_bool().unwrap(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A user of the demo organisation `domain`, with an API token.
fn member_token(s: &TestServer, domain: &str) -> String {
    let orgs = json(s.get("/api/v1/organizations"));
    let org = orgs["organizations"].as_array().unwrap().iter().find(|o| o["domain"] == domain).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let user = json(s.post_json(
        "/api/v1/users",
        Some(ADMIN_TOKEN),
        &json!({"email": format!("analyst@{domain}"), "name": "Analyst", "role": "analyst", "organization_id": org}),
    ));
    let id = user["id"].as_str().unwrap();
    json(s.post_json(&format!("/api/v1/users/{id}/tokens"), Some(ADMIN_TOKEN), &json!({"name": "taxii"})))["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn discovery_and_api_root() {
    let s = demo_server();
    let resp = get(&s, "/taxii2/", None);
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], TAXII);
    let d = json(resp);
    let default = d["default"].as_str().unwrap();
    assert!(default.ends_with("/taxii2/accord/"), "{d}");
    assert_eq!(d["api_roots"], json!([default]));
    let root = json(get(&s, "/taxii2/accord/", None));
    assert_eq!(root["versions"], json!([TAXII]));
    assert!(root["max_content_length"].as_u64().unwrap() > 0);
    let missing = get(&s, "/taxii2/nowhere/", None);
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(missing.headers()["content-type"], TAXII);
    assert_eq!(json(missing)["http_status"], "404");
    let unrouted = get(&s, "/taxii2/accord/no/such/thing", None);
    assert_eq!(unrouted.status(), StatusCode::NOT_FOUND);
    assert_eq!(json(unrouted)["title"], "Not found");
}

#[test]
fn accept_rules() {
    let s = demo_server();
    for ok in ["application/taxii+json", TAXII, "*/*"] {
        assert_eq!(s.get_with("/taxii2/", &[("accept", ok)]).status(), StatusCode::OK, "{ok}");
    }
    let refused = s.get_with("/taxii2/", &[("accept", "application/json")]);
    assert_eq!(refused.status(), StatusCode::NOT_ACCEPTABLE);
    let e = json(refused);
    assert_eq!(e["http_status"], "406");
    assert!(e["title"].is_string());
}

#[test]
fn basic_and_bearer_authentication() {
    let s = demo_server();
    let bad = get(&s, "/taxii2/accord/collections/", Some(&basic("wrong-token")));
    assert_eq!(bad.status(), StatusCode::UNAUTHORIZED);
    let challenge = bad.headers()["www-authenticate"].to_str().unwrap().to_owned();
    assert!(challenge.contains("Basic") && challenge.contains("Bearer"), "{challenge}");
    assert_eq!(json(bad)["http_status"], "401");
    let by_basic = json(get(&s, "/taxii2/accord/collections/", Some(&basic(ADMIN_TOKEN))));
    let by_bearer = json(get(&s, "/taxii2/accord/collections/", Some(&format!("Bearer {ADMIN_TOKEN}"))));
    assert_eq!(by_basic, by_bearer);
    assert_eq!(
        titles(&by_basic),
        [("Public threat intelligence".into(), true, true), ("Signatories only".into(), true, true)],
        "the administrator reads and writes every collection"
    );
}

#[test]
fn who_sees_which_collection() {
    let s = demo_server();
    let anonymous = json(get(&s, "/taxii2/accord/collections/", None));
    assert_eq!(titles(&anonymous), [("Public threat intelligence".into(), true, false)]);
    let signatory = member_token(&s, "microsoft.com");
    let seen = json(get(&s, "/taxii2/accord/collections/", Some(&format!("Bearer {signatory}"))));
    assert_eq!(
        titles(&seen),
        [("Public threat intelligence".into(), true, true), ("Signatories only".into(), true, true)]
    );
    let invitee = member_token(&s, "google.com");
    let seen = json(get(&s, "/taxii2/accord/collections/", Some(&format!("Bearer {invitee}"))));
    assert_eq!(titles(&seen), [("Public threat intelligence".into(), true, false)], "no grant: public only");

    let members_id =
        titles_ids(&json(get(&s, "/taxii2/accord/collections/", Some(&format!("Bearer {signatory}")))))
            .into_iter()
            .find(|(t, _)| t == "Signatories only")
            .unwrap()
            .1;
    let path = format!("/taxii2/accord/collections/{members_id}/");
    assert_eq!(get(&s, &path, Some(&format!("Bearer {signatory}"))).status(), StatusCode::OK);
    for auth in [None, Some(format!("Bearer {invitee}"))] {
        let hidden = get(&s, &path, auth.as_deref());
        assert_eq!(
            hidden.status(),
            StatusCode::NOT_FOUND,
            "a collection one cannot use does not exist for them"
        );
        assert_eq!(json(hidden)["description"], "collection not found");
    }
}

fn titles_ids(body: &Value) -> Vec<(String, String)> {
    body["collections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["title"].as_str().unwrap().to_owned(), c["id"].as_str().unwrap().to_owned()))
        .collect()
}

#[test]
fn administrators_manage_collections_and_grants() {
    let s = demo_server();
    let google_token = member_token(&s, "google.com");
    let root = s.post_json(
        "/api/v1/taxii/api-roots",
        Some(ADMIN_TOKEN),
        &json!({"name": "trust-group", "title": "Trust group"}),
    );
    assert_eq!(root.status(), StatusCode::CREATED);
    let bad_root = s.post_json(
        "/api/v1/taxii/api-roots",
        Some(ADMIN_TOKEN),
        &json!({"name": "Trust Group", "title": "x"}),
    );
    assert_eq!(bad_root.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json(bad_root)["field"], "api_root");
    let forbidden =
        s.post_json("/api/v1/taxii/api-roots", Some(&google_token), &json!({"name": "mine", "title": "x"}));
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
    let c = s.post_json(
        "/api/v1/taxii/collections",
        Some(ADMIN_TOKEN),
        &json!({"api_root": "trust-group", "title": "Incidents", "default_tlp": "amber+strict"}),
    );
    assert_eq!(c.status(), StatusCode::CREATED);
    let c = json(c);
    assert_eq!(c["default_tlp"], "amber+strict");
    let id = c["id"].as_str().unwrap().to_owned();
    let bad_tlp = s.post_json(
        "/api/v1/taxii/collections",
        Some(ADMIN_TOKEN),
        &json!({"api_root": "trust-group", "title": "X", "default_tlp": "orange"}),
    );
    assert_eq!(json(bad_tlp)["field"], "default_tlp");
    let google = json(s.get("/api/v1/organizations?status=invited"))["organizations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "Google")
        .unwrap()["id"]
        .clone();
    let before = json(get(&s, "/taxii2/trust-group/collections/", Some(&format!("Bearer {google_token}"))));
    assert_eq!(before, json!({}), "an empty list of collections is an empty resource");
    let grant = s.post_json(
        &format!("/api/v1/taxii/collections/{id}/grants"),
        Some(ADMIN_TOKEN),
        &json!({"organization_id": google, "can_read": true, "can_write": false}),
    );
    assert_eq!(grant.status(), StatusCode::NO_CONTENT);
    let after = json(get(&s, "/taxii2/trust-group/collections/", Some(&format!("Bearer {google_token}"))));
    assert_eq!(titles(&after), [("Incidents".into(), true, false)]);
}

/// The OASIS reference client, `taxii2-client`, sees what our own tests see.
#[test]
fn the_reference_client_reads_discovery_roots_and_collections() {
    let Some(python) = accord_testkit::python_oracles() else { return };
    let s = demo_server();
    let discovery = format!("{}/taxii2/", s.base);
    let out =
        accord_testkit::run_python(&python, "taxii_client_e2e.py", &[&discovery, "analyst", ADMIN_TOKEN], "")
            .unwrap();
    let seen: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(seen["title"], "Accord TAXII server");
    assert!(seen["default"].as_str().unwrap().ends_with("/taxii2/accord/"));
    let root = &seen["api_roots"][0];
    assert_eq!(root["versions"], json!([TAXII]));
    let collections = root["collections"].as_array().unwrap();
    assert_eq!(collections.len(), 2);
    assert!(
        collections.iter().all(
            |c| c["can_read"] == true && c["media_types"] == json!(["application/stix+json;version=2.1"])
        )
    );
}
