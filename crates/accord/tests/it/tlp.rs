//! The TLP 2.0 matrix: for every level and every kind of reader, what each read path gives —
//! TAXII objects, manifest, object, versions; the JSON API's list and object; the web pages.
//! Also the recipients an AMBER or RED object names, and sightings.

use std::collections::BTreeSet;

use accord_testkit::{ADMIN_TOKEN, StatusCode, TestServer, json};
use serde_json::{Value, json};

use crate::demo_server;

const TAXII: &str = "application/taxii+json;version=2.1";
const PASSWORD: &str = "correct horse battery staple";

/// The levels under test, and the object of each: `default` carries no marking and follows
/// the collection's default (AMBER).
const LEVELS: [&str; 6] = ["clear", "green", "amber", "amber+strict", "red", "default"];

fn marking(level: &str) -> Option<&'static str> {
    Some(match level {
        "clear" => "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
        "green" => "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
        "amber" => "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
        "amber+strict" => "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
        "red" => "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
        _ => return None,
    })
}

fn indicator_id(i: usize) -> String {
    format!("indicator--5b3a3a6e-6f0c-4bd2-9d43-{i:012}")
}

fn indicator(i: usize, level: &str, recipients: &[String]) -> Value {
    let mut v = json!({
        "type": "indicator", "spec_version": "2.1", "id": indicator_id(i),
        "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z",
        "name": format!("matrix-{level}"),
        "pattern": format!("[ipv4-addr:value = '203.0.113.{i}']"), "pattern_type": "stix",
        "valid_from": "2024-01-01T00:00:00Z"
    });
    if let Some(m) = marking(level) {
        v["object_marking_refs"] = json!([m]);
    }
    if !recipients.is_empty() {
        v["x_accord_recipient_refs"] = json!(recipients);
    }
    v
}

struct Reader {
    name: &'static str,
    token: Option<String>,
    cookie: Option<String>,
}

fn organization(s: &TestServer, domain: &str) -> Value {
    let orgs = json(s.get("/api/v1/organizations"));
    orgs["organizations"].as_array().unwrap().iter().find(|o| o["domain"] == domain).unwrap().clone()
}

/// A user of the demo organisation `domain` with a token and a signed-in web session.
fn member(s: &TestServer, name: &'static str, email: &str, domain: &str) -> Reader {
    let org = organization(s, domain)["id"].as_str().unwrap().to_owned();
    let user = json(s.post_json(
        "/api/v1/users",
        Some(ADMIN_TOKEN),
        &json!({"email": email, "name": name, "role": "analyst", "organization_id": org, "password": PASSWORD}),
    ));
    let id = user["id"].as_str().unwrap();
    let token = json(s.post_json(
        &format!("/api/v1/users/{id}/tokens"),
        Some(ADMIN_TOKEN),
        &json!({"name": "t"}),
    ))["token"]
        .as_str()
        .unwrap()
        .to_owned();
    Reader { name, token: Some(token), cookie: Some(web_login(s, email)) }
}

fn web_login(s: &TestServer, email: &str) -> String {
    let form = s.get("/login");
    let set: Vec<String> =
        form.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    let pair = |set: &[String], name: &str| {
        set.iter().find(|c| c.starts_with(&format!("{name}="))).unwrap().split(';').next().unwrap().to_owned()
    };
    let csrf = pair(&set, "accord_csrf");
    let token = csrf.split_once('=').unwrap().1.to_owned();
    let ok = s
        .client
        .post(s.url("/login"))
        .form(&[("csrf", token.as_str()), ("email", email), ("password", PASSWORD)])
        .header("cookie", &csrf)
        .send()
        .unwrap();
    assert_eq!(ok.status(), StatusCode::SEE_OTHER, "web login of {email}");
    let set: Vec<String> =
        ok.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    format!("{csrf}; {}", pair(&set, "accord_session"))
}

impl Reader {
    fn api(&self, s: &TestServer, path: &str, accept: &str) -> reqwest::blocking::Response {
        let mut headers = vec![("accept", accept.to_owned())];
        if let Some(t) = &self.token {
            headers.push(("authorization", format!("Bearer {t}")));
        }
        let h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        s.get_with(path, &h)
    }

    fn page(&self, s: &TestServer, path: &str) -> reqwest::blocking::Response {
        match &self.cookie {
            Some(c) => s.get_with(path, &[("cookie", c)]),
            None => s.get(path),
        }
    }
}

/// TAXII add-objects: an envelope of `objects` posted to a collection of the demo API root.
fn post_objects(
    s: &TestServer,
    collection: &str,
    reader: &Reader,
    objects: Value,
) -> reqwest::blocking::Response {
    s.client
        .post(s.url(&format!("/taxii2/accord/collections/{collection}/objects/")))
        .header("accept", TAXII)
        .header("content-type", TAXII)
        .bearer_auth(reader.token.as_ref().expect("a member's token"))
        .body(json!({ "objects": objects }).to_string())
        .send()
        .unwrap()
}

/// Which levels' indicators appear in a list of ids.
fn levels_of(ids: impl IntoIterator<Item = String>) -> BTreeSet<&'static str> {
    ids.into_iter()
        .filter_map(|id| (0..LEVELS.len()).find(|i| indicator_id(*i) == id).map(|i| LEVELS[i]))
        .collect()
}

fn ids_in(list: &Value, key: &str) -> Vec<String> {
    list.as_array().unwrap().iter().map(|o| o[key].as_str().unwrap().to_owned()).collect()
}

#[test]
fn every_read_path_applies_the_tlp_matrix() {
    let s = demo_server();
    let producer = member(&s, "Producer", "producer@microsoft.com", "microsoft.com");
    let colleague = member(&s, "Colleague", "colleague@microsoft.com", "microsoft.com");
    let recipient = member(&s, "Recipient", "recipient@cisco.com", "cisco.com");
    let other = member(&s, "Other", "other@oracle.com", "oracle.com");
    let anonymous = Reader { name: "anonymous", token: None, cookie: None };

    // A public collection of its own, AMBER by default, that the three organisations use.
    let c = json(s.post_json(
        "/api/v1/taxii/collections",
        Some(ADMIN_TOKEN),
        &json!({"api_root": "accord", "title": "Matrix", "public": true}),
    ));
    assert_eq!(c["default_tlp"], "amber", "collections fail closed");
    let collection = c["id"].as_str().unwrap().to_owned();
    for domain in ["microsoft.com", "cisco.com", "oracle.com"] {
        let org = organization(&s, domain)["id"].clone();
        let grant = s.post_json(
            &format!("/api/v1/taxii/collections/{collection}/grants"),
            Some(ADMIN_TOKEN),
            &json!({"organization_id": org, "can_read": true, "can_write": true}),
        );
        assert_eq!(grant.status(), StatusCode::NO_CONTENT);
    }
    let cisco = organization(&s, "cisco.com")["id"].as_str().unwrap().to_owned();
    let cisco_identity =
        json(s.get(&format!("/api/v1/organizations/{cisco}")))["stix_identity"].as_str().unwrap().to_owned();
    // Every object names Cisco as a recipient; only AMBER and RED (and the AMBER default)
    // give it anything.
    let objects: Vec<Value> = LEVELS
        .iter()
        .enumerate()
        .map(|(i, l)| indicator(i, l, std::slice::from_ref(&cisco_identity)))
        .collect();
    let status = json(post_objects(&s, &collection, &producer, json!(objects)));
    assert_eq!(status["success_count"], 6, "{status}");

    let expected: [(&Reader, &[&str]); 5] = [
        (&anonymous, &["clear"]),
        (&other, &["clear", "green"]),
        (&recipient, &["clear", "green", "amber", "red", "default"]),
        (&colleague, &["clear", "green", "amber", "amber+strict", "default"]),
        (&producer, &LEVELS),
    ];
    let taxii = format!("/taxii2/accord/collections/{collection}");
    for (reader, levels) in expected {
        let want: BTreeSet<&str> = levels.iter().copied().collect();
        let who = reader.name;
        // TAXII: get objects, manifest
        let got = json(reader.api(&s, &format!("{taxii}/objects/"), TAXII));
        assert_eq!(levels_of(ids_in(&got["objects"], "id")), want, "{who}: TAXII objects");
        let got = json(reader.api(&s, &format!("{taxii}/manifest/"), TAXII));
        assert_eq!(levels_of(ids_in(&got["objects"], "id")), want, "{who}: TAXII manifest");
        // JSON API list
        let got = json(reader.api(
            &s,
            &format!("/api/v1/taxii/collections/{collection}/objects"),
            "application/json",
        ));
        assert_eq!(levels_of(ids_in(&got["objects"], "id")), want, "{who}: JSON API list");
        for (i, level) in LEVELS.iter().enumerate() {
            let id = indicator_id(i);
            let visible = want.contains(level);
            let expect = if visible { StatusCode::OK } else { StatusCode::NOT_FOUND };
            for path in [format!("{taxii}/objects/{id}/"), format!("{taxii}/objects/{id}/versions/")] {
                let r = reader.api(&s, &path, TAXII);
                assert_eq!(r.status(), expect, "{who}: {level} at {path}");
                let body = r.text().unwrap();
                if !visible {
                    assert!(!body.contains("matrix-"), "a hidden object leaves no trace: {body}");
                }
            }
            let r = reader.api(
                &s,
                &format!("/api/v1/taxii/collections/{collection}/objects/{id}"),
                "application/json",
            );
            assert_eq!(r.status(), expect, "{who}: {level} through the JSON API");
            if visible {
                assert_eq!(json(r)["versions"][0]["tlp"], if *level == "default" { "amber" } else { level });
            }
            let r = reader.page(&s, &format!("/intel/{collection}/{id}"));
            assert_eq!(r.status(), expect, "{who}: {level} object page");
        }
        // Web: the collection page names exactly the visible objects.
        let page = reader.page(&s, &format!("/intel/{collection}"));
        assert_eq!(page.status(), StatusCode::OK, "{who}: collection page");
        let html = page.text().unwrap();
        let shown: BTreeSet<&str> =
            LEVELS.iter().copied().filter(|l| html.contains(&format!(">matrix-{l}</a>"))).collect();
        assert_eq!(shown, want, "{who}: web collection page");
    }
}

#[test]
fn recipients_must_be_organisations_and_relationships_follow_tlp() {
    let s = demo_server();
    let producer = member(&s, "Producer", "producer@microsoft.com", "microsoft.com");
    let other = member(&s, "Other", "other@oracle.com", "oracle.com");
    let public = ids_in(&json(s.get("/api/v1/taxii/collections"))["collections"], "id")[0].clone();
    let post = |reader: &Reader, objects: Value| json(post_objects(&s, &public, reader, objects));
    let unknown = "identity--00000000-0000-4000-8000-000000000000".to_owned();
    let status = post(&producer, json!([indicator(0, "amber", &[unknown])]));
    assert_eq!(status["failure_count"], 1);
    let message = status["failures"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("x_accord_recipient_refs[0]") && message.contains("not the STIX identity"),
        "{message}"
    );

    // A CLEAR indicator, a CLEAR malware, and a RED relationship between them.
    let malware = json!({
        "type": "malware", "spec_version": "2.1", "id": "malware--0c3cd6e6-1d83-4c0b-8e43-0a6f3d8d0a01",
        "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z",
        "name": "Matrix malware", "is_family": true,
        "object_marking_refs": [marking("clear").unwrap()]
    });
    let relationship = |n: u32, level: &str| {
        json!({
            "type": "relationship", "spec_version": "2.1",
            "id": format!("relationship--0c3cd6e6-1d83-4c0b-8e43-0a6f3d8d0b{n:02}"),
            "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z",
            "relationship_type": "indicates", "source_ref": indicator_id(1),
            "target_ref": "malware--0c3cd6e6-1d83-4c0b-8e43-0a6f3d8d0a01",
            "object_marking_refs": [marking(level).unwrap()]
        })
    };
    let status = post(
        &producer,
        json!([indicator(1, "clear", &[]), malware, relationship(1, "red"), relationship(2, "green")]),
    );
    assert_eq!(status["success_count"], 4, "{status}");
    let detail = |reader: &Reader, id: &str| {
        json(reader.api(&s, &format!("/api/v1/taxii/collections/{public}/objects/{id}"), "application/json"))
    };
    let seen = detail(&producer, &indicator_id(1));
    assert_eq!(ids_in(&seen["links"], "id").len(), 2, "the producer sees both relationships");
    assert_eq!(seen["names"]["malware--0c3cd6e6-1d83-4c0b-8e43-0a6f3d8d0a01"], "Matrix malware");
    let seen = detail(&other, "malware--0c3cd6e6-1d83-4c0b-8e43-0a6f3d8d0a01");
    assert_eq!(
        ids_in(&seen["links"], "id"),
        ["relationship--0c3cd6e6-1d83-4c0b-8e43-0a6f3d8d0b02"],
        "another member sees the GREEN relationship only"
    );
    let page = other.page(&s, &format!("/intel/{public}/{}", indicator_id(1))).text().unwrap();
    assert!(page.contains("Matrix malware") && page.contains("indicates"), "{page}");
    let anonymous_page = s.get(&format!("/intel/{public}/{}", indicator_id(1))).text().unwrap();
    assert!(!anonymous_page.contains("Matrix malware"), "anonymous readers see no GREEN relationship");
}

#[test]
fn sightings_of_what_one_can_read() {
    let s = demo_server();
    let producer = member(&s, "Producer", "producer@microsoft.com", "microsoft.com");
    let other = member(&s, "Other", "other@oracle.com", "oracle.com");
    // Google is invited, not a signatory: it may read the public collection, not write it.
    let reader_only = member(&s, "Reader", "reader@google.com", "google.com");
    let public = ids_in(&json(s.get("/api/v1/taxii/collections"))["collections"], "id")[0].clone();
    let post = |reader: &Reader, objects: Value| post_objects(&s, &public, reader, objects);
    let status =
        json(post(&producer, json!([indicator(0, "green", &[]), indicator(1, "amber+strict", &[])])));
    assert_eq!(status["success_count"], 2);
    let sighting = |n: u32, of: &str| {
        json!({
            "type": "sighting", "spec_version": "2.1",
            "id": format!("sighting--7f1d2c3b-4a5e-4f60-8a7b-{n:012}"),
            "created": "2024-02-01T00:00:00.000Z", "modified": "2024-02-01T00:00:00.000Z",
            "sighting_of_ref": of, "count": 3
        })
    };
    // A member sights what it can read, not what TLP hides from it, and not what does not exist:
    // both refusals read the same.
    let status = json(post(
        &other,
        json!([
            sighting(1, &indicator_id(0)),
            sighting(2, &indicator_id(1)),
            sighting(3, "indicator--5b3a3a6e-6f0c-4bd2-9d43-999999999999")
        ]),
    ));
    assert_eq!(status["success_count"], 1, "{status}");
    let failures = status["failures"].as_array().unwrap();
    assert_eq!(failures.len(), 2);
    assert_eq!(failures[0]["message"], failures[1]["message"], "hidden and missing look the same");
    assert!(failures[0]["message"].as_str().unwrap().contains("sighting_of_ref"));

    // Read-only members may post sightings, and only sightings.
    let r = post(&reader_only, json!([indicator(5, "green", &[])]));
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "an envelope without sightings needs write access");
    let status = json(post(&reader_only, json!([sighting(4, &indicator_id(0)), indicator(6, "green", &[])])));
    assert_eq!((status["success_count"].as_u64(), status["failure_count"].as_u64()), (Some(1), Some(1)));
    assert!(status["failures"][0]["message"].as_str().unwrap().contains("sightings only"), "{status}");

    // The indicator's page counts its sightings.
    let detail = json(producer.api(
        &s,
        &format!("/api/v1/taxii/collections/{public}/objects/{}", indicator_id(0)),
        "application/json",
    ));
    assert_eq!(ids_in(&detail["links"], "id").len(), 2, "{detail}");
    let page = producer.page(&s, &format!("/intel/{public}/{}", indicator_id(0))).text().unwrap();
    assert!(page.contains("id=\"sightings\""), "{page}");
}
