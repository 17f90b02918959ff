//! CVE JSON 5 records of advisories over HTTP (`/api/v1/advisories/{id}/cve`): for the demo's
//! imported records with CVE aliases and its published case advisory, valid for the official
//! CVE JSON 5.1.1 schema (formats checked), naming the CNA the operator configured, cacheable,
//! `?cve=` choosing among an advisory's CVE ids, and 404 for advisories without one (or under
//! embargo).

use std::process::Command;

use accord_testkit::{ADMIN_TOKEN, Response, StatusCode, TestServer, json};
use serde_json::Value;

use crate::bin;

const ORG_ID: &str = "5c0e8a1f-3b7d-4e2a-9f61-0d4c8b2a7e35";

fn cve_schema() -> Option<jsonschema::Validator> {
    let path = accord_testkit::shared_schemas("cvd/cve-5/CVE_JSON_bundled_5.1.1.json")?;
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    Some(jsonschema::options().should_validate_formats(true).build(&schema).expect("the CVE schema compiles"))
}

fn assert_schema_valid(schema: &Option<jsonschema::Validator>, doc: &Value) {
    if let Some(schema) = schema {
        let errors: Vec<String> =
            schema.iter_errors(doc).map(|e| format!("{}: {e}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", doc["cveMetadata"]["cveId"]);
    }
}

fn header(r: &Response, name: &str) -> String {
    r.headers().get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
}

/// Fetches a CVE record, checks what every one has (200, JSON, schema, CNA, cache headers,
/// 304 for its ETag) and returns it.
fn cve_record(s: &TestServer, schema: &Option<jsonschema::Validator>, path: &str) -> Value {
    let r = s.get(path);
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    assert_eq!(header(&r, "content-type"), "application/json", "{path}");
    assert_eq!(header(&r, "cache-control"), "public, max-age=300", "{path}");
    let etag = header(&r, "etag");
    assert!(etag.len() == 66 && etag.starts_with('"') && etag.ends_with('"'), "{path}: {etag}");
    let doc = json(r);
    assert_schema_valid(schema, &doc);
    assert_eq!(doc["dataType"], "CVE_RECORD");
    assert_eq!(doc["cveMetadata"]["state"], "PUBLISHED");
    assert_eq!(doc["cveMetadata"]["assignerOrgId"], ORG_ID);
    assert_eq!(doc["cveMetadata"]["assignerShortName"], "ExampleCNA");
    assert_eq!(doc["containers"]["cna"]["providerMetadata"]["orgId"], ORG_ID);
    let again = s.get_with(path, &[("If-None-Match", &etag)]);
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
    assert_eq!(header(&again, "etag"), etag);
    doc
}

fn assert_not_found(s: &TestServer, path: &str) {
    let r = s.get(path);
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
    let body = json(r);
    assert_eq!(body["code"], "not_found", "{path}: {body}");
    assert!(body["message"].as_str().is_some_and(|m| m.ends_with("not found")), "{path}: {body}");
}

#[test]
fn advisories_with_a_cve_id_are_cve_records_of_the_configured_cna() {
    let s = TestServer::start_with_env(
        bin(),
        &["--demo"],
        &[("ACCORD_CVE_ORG_ID", ORG_ID), ("ACCORD_CVE_ORG_SHORT_NAME", "ExampleCNA")],
    )
    .expect("start the demo server");
    let schema = cve_schema();

    // An imported record with one CVE alias: by its id and by the alias.
    let doc = cve_record(&s, &schema, "/api/v1/advisories/x_DEMO-2025-0001/cve");
    assert_eq!(doc["cveMetadata"]["cveId"], "CVE-2099-0001");
    let cna = &doc["containers"]["cna"];
    assert_eq!(cna["title"], "Request smuggling through duplicate Content-Length headers in tidepool-http");
    assert_eq!(cna["affected"][0]["collectionURL"], "https://crates.io");
    assert_eq!(cna["affected"][0]["packageName"], "tidepool-http");
    assert_eq!(cna["affected"][0]["versions"][1]["lessThan"], "1.2.1");
    assert_eq!(cna["metrics"][0]["cvssV3_1"]["baseScore"], 9.8);
    assert_eq!(cna["credits"][0]["type"], "finder");
    assert_eq!(cve_record(&s, &schema, "/api/v1/advisories/CVE-2099-0001/cve"), doc);
    let doc = cve_record(&s, &schema, "/api/v1/advisories/CVE-2099-0002/cve");
    assert_eq!(doc["containers"]["cna"]["affected"][0]["packageName"], "lanternfish");

    // Two CVE ids: the first by default, either with ?cve=.
    let first = cve_record(&s, &schema, "/api/v1/advisories/x_DEMO-2025-0009/cve");
    assert_eq!(first["cveMetadata"]["cveId"], "CVE-2099-0003");
    let second = cve_record(&s, &schema, "/api/v1/advisories/x_DEMO-2025-0009/cve?cve=CVE-2099-0004");
    assert_eq!(second["cveMetadata"]["cveId"], "CVE-2099-0004");
    assert_eq!(second["containers"], first["containers"]);
    let chosen = cve_record(&s, &schema, "/api/v1/advisories/x_DEMO-2025-0009/cve?cve=CVE-2099-0003");
    assert_eq!(chosen, first);

    // The published case advisory: its CVE id, a product per vendor statement.
    let page = json(s.get("/api/v1/advisories?limit=1000"));
    let case = page["advisories"].as_array().unwrap().iter().find(|a| a["source"] == "accord").unwrap();
    let id = case["id"].as_str().unwrap();
    let doc = cve_record(&s, &schema, &format!("/api/v1/advisories/{id}/cve"));
    assert_eq!(doc["cveMetadata"]["cveId"], "CVE-2099-0005");
    assert_eq!(doc["containers"]["cna"]["title"], case["summary"]);
    let products: Vec<Value> = doc["containers"]["cna"]["affected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            serde_json::json!([p["vendor"], p["product"], p["defaultStatus"], p["versions"][0]["lessThan"]])
        })
        .collect();
    assert_eq!(
        products,
        [
            serde_json::json!(["Cisco", "Example TLS", "unaffected", null]),
            serde_json::json!(["Oracle", "Example TLS", "unaffected", "3.2.1-1"]),
            serde_json::json!(["Microsoft", "Example TLS", "unaffected", "3.2.1"]),
        ],
        "{doc}"
    );
    let metrics: Vec<&str> = doc["containers"]["cna"]["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m.as_object().unwrap().keys().map(String::as_str))
        .collect();
    assert_eq!(metrics, ["cvssV3_1", "cvssV4_0"]);
    assert_eq!(cve_record(&s, &schema, &format!("/api/v1/advisories/x_{id}/cve?cve=CVE-2099-0005")), doc);

    // No CVE id, not one of the advisory's, no such advisory: 404 with the usual body.
    for path in [
        "/api/v1/advisories/x_DEMO-2025-0002/cve".to_owned(),
        "/api/v1/advisories/x_DEMO-2025-0009/cve?cve=CVE-2099-0001".to_owned(),
        "/api/v1/advisories/x_DEMO-2025-0009/cve?cve=not-a-cve".to_owned(),
        "/api/v1/advisories/CVE-2099-9999/cve".to_owned(),
        format!("/api/v1/advisories/{id}/cve?cve=CVE-2099-0001"),
    ] {
        assert_not_found(&s, &path);
    }
    let r = s.get("/api/v1/advisories/x_DEMO-2025-0001/cve?cves=CVE-2099-0001");
    assert_eq!(r.status(), StatusCode::BAD_REQUEST, "an unknown parameter");

    // The case under embargo has no CVE record either.
    let cases = json(s.get_auth("/api/v1/cases", ADMIN_TOKEN));
    let embargoed = cases["cases"].as_array().unwrap().iter().find(|c| c["state"] != "published").unwrap();
    let local = embargoed["local_id"].as_str().unwrap();
    assert_not_found(&s, &format!("/api/v1/advisories/{local}/cve"));
}

#[test]
fn a_cna_id_that_is_not_a_version_4_uuid_stops_the_server_before_it_opens_anything() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    let out = Command::new(bin())
        .args(["serve", "--listen", "127.0.0.1:0", "--cve-org-short-name", "ExampleCNA"])
        .args(["--cve-org-id", "5c0e8a1f-3b7d-5e2a-9f61-0d4c8b2a7e35"])
        .arg("--data")
        .arg(&data)
        .env_remove("ACCORD_DATABASE")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--cve-org-id") && stderr.contains("not a version 4 UUID"), "{stderr}");
    assert!(stderr.contains("hint: "), "{stderr}");
    assert!(!data.exists(), "nothing is made in the data folder");

    // One without the other is refused by the command line itself.
    let out = Command::new(bin())
        .args(["serve", "--cve-org-id", ORG_ID])
        .arg("--data")
        .arg(&data)
        .env_remove("ACCORD_CVE_ORG_SHORT_NAME")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--cve-org-short-name"));
}
