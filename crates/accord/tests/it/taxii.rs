use accord_testkit::{ADMIN_TOKEN, StatusCode, TestServer, json};
use base64::Engine;
use serde_json::{Value, json};

use crate::demo_server;

const TAXII: &str = "application/taxii+json;version=2.1";

fn basic(password: &str) -> String {
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("anyone:{password}")))
}

pub(crate) fn get(s: &TestServer, path: &str, auth: Option<&str>) -> reqwest::blocking::Response {
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
pub(crate) fn member_token(s: &TestServer, domain: &str) -> String {
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

/// The OASIS reference client, `taxii2-client`, sees what our own tests see, adds a bundle
/// made by `stix2` and reads it back page by page.
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

const MEMBERS: &str = "Signatories only";

pub(crate) fn collection_id_of(s: &TestServer, title: &str) -> String {
    titles_ids(&json(get(s, "/taxii2/accord/collections/", Some(&format!("Bearer {ADMIN_TOKEN}")))))
        .into_iter()
        .find(|(t, _)| t == title)
        .unwrap()
        .1
}

fn post_envelope(
    s: &TestServer,
    collection: &str,
    token: &str,
    envelope: &Value,
) -> reqwest::blocking::Response {
    s.client
        .post(s.url(&format!("/taxii2/accord/collections/{collection}/objects/")))
        .header("accept", TAXII)
        .header("content-type", TAXII)
        .bearer_auth(token)
        .body(envelope.to_string())
        .send()
        .unwrap()
}

fn indicator(n: usize, tlp: Option<&str>) -> Value {
    let mut v = json!({
        "type": "indicator", "spec_version": "2.1",
        "id": format!("{TEST_INDICATORS}{n:012}"),
        "created": "2016-04-06T20:03:48.000Z", "modified": "2016-04-06T20:03:48.000Z",
        "pattern": format!("[ipv4-addr:value = '198.51.100.{}']", n % 250), "pattern_type": "stix",
        "valid_from": "2016-01-01T00:00:00Z"
    });
    if let Some(level) = tlp {
        let id = accord_stix_marking(level);
        v["object_marking_refs"] = json!([id]);
    }
    v
}

fn accord_stix_marking(level: &str) -> &'static str {
    match level {
        "clear" => "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
        "green" => "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
        "amber" => "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
        "amber+strict" => "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
        "red" => "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
        _ => unreachable!(),
    }
}

/// Every test indicator's id starts so ([`indicator`]); the demo collections hold other content too.
const TEST_INDICATORS: &str = "indicator--8e2e2d2b-17d4-4cbf-938f-";

/// The ids of the test indicators in a collection that `auth` sees, in the order added.
fn object_ids(s: &TestServer, collection: &str, auth: Option<&str>) -> Vec<String> {
    let body = json(get(s, &format!("/taxii2/accord/collections/{collection}/objects/"), auth));
    body["objects"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|o| o["id"].as_str().unwrap().to_owned())
                .filter(|id| id.starts_with(TEST_INDICATORS))
                .collect()
        })
        .unwrap_or_default()
}

/// A new, empty, public collection of the API root `accord` (every member may read it).
fn empty_collection(s: &TestServer, title: &str) -> String {
    let c = s.post_json(
        "/api/v1/taxii/collections",
        Some(ADMIN_TOKEN),
        &json!({"api_root": "accord", "title": title, "default_tlp": "green", "public": true}),
    );
    assert_eq!(c.status(), StatusCode::CREATED);
    json(c)["id"].as_str().unwrap().to_owned()
}

#[test]
fn valid_objects_are_kept_and_invalid_ones_reported() {
    let s = demo_server();
    let members = collection_id_of(&s, MEMBERS);
    let mut broken = indicator(2, None);
    broken.as_object_mut().unwrap().remove("valid_from");
    let envelope = json!({"objects": [indicator(1, None), broken, indicator(1, None)]});
    let resp = post_envelope(&s, &members, ADMIN_TOKEN, &envelope);
    assert_eq!(resp.status(), StatusCode::ACCEPTED);
    assert_eq!(resp.headers()["content-type"], TAXII);
    let status = json(resp);
    assert_eq!((status["status"].as_str(), status["total_count"].as_u64()), (Some("complete"), Some(3)));
    assert_eq!(status["success_count"], 2, "the duplicate is a success, not a failure");
    assert_eq!(status["failure_count"], 1);
    assert!(status["failures"][0]["message"].as_str().unwrap().contains("valid_from"), "{status}");
    assert!(status["failures"][0]["id"].as_str().unwrap().ends_with("000000000002"));
    let again = json(get(
        &s,
        &format!("/taxii2/accord/status/{}/", status["id"].as_str().unwrap()),
        Some(&format!("Bearer {ADMIN_TOKEN}")),
    ));
    assert_eq!(again, status);
    assert_eq!(
        object_ids(&s, &members, Some(&format!("Bearer {ADMIN_TOKEN}"))),
        ["indicator--8e2e2d2b-17d4-4cbf-938f-000000000001"]
    );

    let wrong_type = s
        .client
        .post(s.url(&format!("/taxii2/accord/collections/{members}/objects/")))
        .header("content-type", "application/json")
        .bearer_auth(ADMIN_TOKEN)
        .body(envelope.to_string())
        .send()
        .unwrap();
    assert_eq!(wrong_type.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let not_json = s
        .client
        .post(s.url(&format!("/taxii2/accord/collections/{members}/objects/")))
        .header("content-type", TAXII)
        .bearer_auth(ADMIN_TOKEN)
        .body("[1, 2]")
        .send()
        .unwrap();
    assert_eq!(not_json.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json(not_json)["http_status"], "400");
}

#[test]
fn tlp_decides_what_each_reader_gets() {
    let s = demo_server();
    let public = collection_id_of(&s, "Public threat intelligence");
    let producer = member_token(&s, "microsoft.com");
    let other = member_token(&s, "cisco.com");
    let levels = ["clear", "green", "amber", "amber+strict", "red"];
    let envelope =
        json!({"objects": levels.iter().enumerate().map(|(i, l)| indicator(i, Some(l))).collect::<Vec<_>>()});
    assert_eq!(json(post_envelope(&s, &public, &producer, &envelope))["success_count"], 5);
    let seen = |auth: Option<String>| -> Vec<String> {
        object_ids(&s, &public, auth.as_deref())
            .iter()
            .map(|id| levels[id[id.len() - 1..].parse::<usize>().unwrap()].to_owned())
            .collect()
    };
    assert_eq!(seen(None), ["clear"], "anonymous: TLP:CLEAR only");
    assert_eq!(seen(Some(format!("Bearer {other}"))), ["clear", "green"], "another member");
    assert_eq!(seen(Some(format!("Bearer {producer}"))), levels, "the producer's organisation");
    // A colleague of the producer sees what the organisation produced, but RED.
    let colleague = {
        let orgs = json(s.get("/api/v1/organizations"));
        let ms = orgs["organizations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["domain"] == "microsoft.com")
            .unwrap()["id"]
            .clone();
        let u = json(s.post_json(
            "/api/v1/users",
            Some(ADMIN_TOKEN),
            &json!({"email": "second@microsoft.com", "name": "Second", "role": "analyst", "organization_id": ms}),
        ));
        json(s.post_json(
            &format!("/api/v1/users/{}/tokens", u["id"].as_str().unwrap()),
            Some(ADMIN_TOKEN),
            &json!({"name": "t"}),
        ))["token"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        seen(Some(format!("Bearer {colleague}"))),
        ["clear", "green", "amber", "amber+strict"],
        "RED is for the recipients the producer names (see tlp.rs), not its whole organisation"
    );
    // Only its creator reads a status.
    let status = json(post_envelope(&s, &public, &producer, &json!({"objects": [indicator(9, None)]})));
    let path = format!("/taxii2/accord/status/{}/", status["id"].as_str().unwrap());
    assert_eq!(get(&s, &path, Some(&format!("Bearer {other}"))).status(), StatusCode::NOT_FOUND);
    // Writing needs a write grant: an invitee may read the public collection but not write it
    // (sightings aside, see tlp.rs).
    let invitee = member_token(&s, "google.com");
    assert_eq!(post_envelope(&s, &public, &invitee, &envelope).status(), StatusCode::FORBIDDEN);
    let anonymous = s
        .client
        .post(s.url(&format!("/taxii2/accord/collections/{public}/objects/")))
        .header("content-type", TAXII)
        .body(envelope.to_string())
        .send()
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

#[test]
fn pages_follow_a_sealed_cursor_to_the_end() {
    let s = demo_server();
    let paging = empty_collection(&s, "Paging");
    let objects: Vec<Value> = (0..23).map(|i| indicator(i, None)).collect();
    assert_eq!(
        json(post_envelope(&s, &paging, ADMIN_TOKEN, &json!({"objects": objects})))["success_count"],
        23
    );
    let auth = format!("Bearer {ADMIN_TOKEN}");
    let base = format!("/taxii2/accord/collections/{paging}/objects/?limit=10&match[type]=indicator");
    let mut seen = Vec::new();
    let mut next: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &next {
            Some(n) => format!("{base}&next={n}"),
            None => base.clone(),
        };
        let resp = get(&s, &path, Some(&auth));
        assert_eq!(resp.status(), StatusCode::OK);
        assert!(resp.headers().get("x-taxii-date-added-first").is_some());
        let page = json(resp);
        pages += 1;
        seen.extend(page["objects"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap().to_owned()));
        if page["more"] == true {
            next = Some(page["next"].as_str().unwrap().to_owned());
        } else {
            assert!(page.get("next").is_none());
            break;
        }
    }
    assert_eq!(pages, 3);
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((seen.len(), unique.len()), (23, 23), "every object exactly once");

    // The first cursor, with another filter or another caller, or tampered with, is refused.
    let first = json(get(&s, &base, Some(&auth)))["next"].as_str().unwrap().to_owned();
    let other_query = format!("/taxii2/accord/collections/{paging}/objects/?limit=10&next={first}");
    assert_eq!(get(&s, &other_query, Some(&auth)).status(), StatusCode::BAD_REQUEST);
    let signatory = member_token(&s, "sap.com");
    let bad = get(&s, &format!("{base}&next={first}"), Some(&format!("Bearer {signatory}")));
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let mut tampered = first.clone();
    tampered.replace_range(0..1, if tampered.starts_with('A') { "B" } else { "A" });
    assert_eq!(get(&s, &format!("{base}&next={tampered}"), Some(&auth)).status(), StatusCode::BAD_REQUEST);
    let malformed =
        get(&s, &format!("/taxii2/accord/collections/{paging}/objects/?added_after=yesterday"), Some(&auth));
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
    assert!(json(malformed)["description"].as_str().unwrap().contains("added_after"));
}

#[test]
fn manifest_object_and_versions() {
    let s = demo_server();
    let public = collection_id_of(&s, "Public threat intelligence");
    let producer = member_token(&s, "nokia.com");
    let mut v1 = indicator(1, Some("green"));
    let mut v2 = v1.clone();
    v2["modified"] = json!("2017-01-01T00:00:00.000Z");
    v1["name"] = json!("first");
    let secret = indicator(2, Some("amber+strict"));
    let envelope = json!({"objects": [v1, v2, secret]});
    assert_eq!(json(post_envelope(&s, &public, &producer, &envelope))["success_count"], 3);
    let base = format!("/taxii2/accord/collections/{public}");
    let other = format!("Bearer {}", member_token(&s, "oracle.com"));

    let manifest = json(get(&s, &format!("{base}/manifest/"), Some(&other)));
    let records: Vec<&Value> = manifest["objects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["id"].as_str().unwrap().starts_with(TEST_INDICATORS))
        .collect();
    assert_eq!(records.len(), 1, "the latest version of what the reader may see: {manifest}");
    assert_eq!(records[0]["version"], "2017-01-01T00:00:00.000Z");
    assert_eq!(records[0]["media_type"], "application/stix+json;version=2.1");
    assert!(records[0]["date_added"].as_str().unwrap().ends_with('Z'));

    let one = format!("{base}/objects/indicator--8e2e2d2b-17d4-4cbf-938f-000000000001/");
    let latest = json(get(&s, &one, Some(&other)));
    assert_eq!(latest["objects"].as_array().unwrap().len(), 1);
    assert_eq!(latest["objects"][0]["modified"], "2017-01-01T00:00:00.000Z");
    let all = json(get(&s, &format!("{one}?match[version]=all"), Some(&other)));
    assert_eq!(all["objects"].as_array().unwrap().len(), 2);
    let first = json(get(&s, &format!("{one}?match[version]=first"), Some(&other)));
    assert_eq!(first["objects"][0]["name"], "first");
    let versions = json(get(&s, &format!("{one}versions/"), Some(&other)));
    assert_eq!(versions["versions"], json!(["2016-04-06T20:03:48.000Z", "2017-01-01T00:00:00.000Z"]));
    assert_eq!(
        get(&s, &format!("{one}?match[type]=indicator"), Some(&other)).status(),
        StatusCode::BAD_REQUEST
    );

    // An object the reader may not see answers exactly like one that does not exist.
    let hidden = format!("{base}/objects/indicator--8e2e2d2b-17d4-4cbf-938f-000000000002/");
    let missing = format!("{base}/objects/indicator--8e2e2d2b-17d4-4cbf-938f-000000000099/");
    let (h, m) = (get(&s, &hidden, Some(&other)), get(&s, &missing, Some(&other)));
    assert_eq!((h.status(), m.status()), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
    assert_eq!(json(h), json(m));
    assert_eq!(get(&s, &format!("{hidden}versions/"), Some(&other)).status(), StatusCode::NOT_FOUND);
    assert_eq!(get(&s, &hidden, Some(&format!("Bearer {producer}"))).status(), StatusCode::OK);
}

#[test]
fn delete_an_object() {
    let s = demo_server();
    let members = collection_id_of(&s, MEMBERS);
    let producer = member_token(&s, "sap.com");
    let other = member_token(&s, "stripe.com");
    let mut v2 = indicator(1, None);
    v2["modified"] = json!("2017-01-01T00:00:00.000Z");
    let envelope = json!({"objects": [indicator(1, None), v2]});
    assert_eq!(json(post_envelope(&s, &members, &producer, &envelope))["success_count"], 2);
    let path = format!(
        "/taxii2/accord/collections/{members}/objects/indicator--8e2e2d2b-17d4-4cbf-938f-000000000001/"
    );
    let delete = |query: &str, token: &str| {
        s.client
            .delete(s.url(&format!("{path}{query}")))
            .header("accept", TAXII)
            .bearer_auth(token)
            .send()
            .unwrap()
    };
    assert_eq!(
        delete("", &other).status(),
        StatusCode::NOT_FOUND,
        "only the producer's organisation deletes"
    );
    assert_eq!(delete("?limit=1", &producer).status(), StatusCode::BAD_REQUEST);
    assert_eq!(delete("?match[version]=last", &producer).status(), StatusCode::OK);
    let left = json(get(&s, &path, Some(&format!("Bearer {producer}"))));
    assert_eq!(
        left["objects"][0]["modified"], "2016-04-06T20:03:48.000Z",
        "the remaining version is now the latest"
    );
    assert_eq!(delete("", &producer).status(), StatusCode::OK);
    assert_eq!(get(&s, &path, Some(&format!("Bearer {producer}"))).status(), StatusCode::NOT_FOUND);
    assert_eq!(delete("", ADMIN_TOKEN).status(), StatusCode::NOT_FOUND);
}

#[test]
fn nobody_posts_as_another_organisation() {
    let s = demo_server();
    let members = collection_id_of(&s, MEMBERS);
    let producer = member_token(&s, "vmware.com");
    let identity_of = |domain: &str| {
        let orgs = json(s.get("/api/v1/organizations"));
        let id =
            orgs["organizations"].as_array().unwrap().iter().find(|o| o["domain"] == domain).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned();
        json(s.get(&format!("/api/v1/organizations/{id}")))["stix_identity"].as_str().unwrap().to_owned()
    };
    let (own, other) = (identity_of("vmware.com"), identity_of("tenable.com"));
    assert!(own.starts_with("identity--") && own != other);
    let mut mine = indicator(1, None);
    mine["created_by_ref"] = json!(own);
    let mut theirs = indicator(2, None);
    theirs["created_by_ref"] = json!(other);
    let impostor = json!({
        "type": "identity", "spec_version": "2.1", "id": other,
        "created": "2018-04-17T00:00:00.000Z", "modified": "2018-04-17T00:00:00.000Z", "name": "Tenable (not really)"
    });
    let status = json(post_envelope(&s, &members, &producer, &json!({"objects": [mine, theirs, impostor]})));
    assert_eq!(status["success_count"], 1, "{status}");
    let failures = status["failures"].as_array().unwrap();
    assert_eq!(failures.len(), 2);
    assert!(
        failures.iter().all(|f| f["message"].as_str().unwrap().contains("another organization (Tenable)")),
        "{status}"
    );
}
