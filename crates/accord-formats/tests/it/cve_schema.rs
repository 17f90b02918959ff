//! CVE records written from OSV records, checked against the official CVE JSON 5.1.1 schema
//! (`../shared/schemas/cvd/cve-5/CVE_JSON_bundled_5.1.1.json`, formats checked too): every demo
//! record with a CVE id, every record of the shared fixtures with one, and records made to hold
//! what the schema cannot take.

use std::path::{Path, PathBuf};

use accord_formats::cve::{self, Assigner};
use accord_formats::osv::{self, Record, parse_record};
use serde_json::{Value, json};

/// The demo OSV records `accord serve --demo` imports.
const DEMO_OSV: &str = include_str!("../../../accord-app/demo/osv.json");

fn schema_value() -> Option<Value> {
    let path = accord_testkit::shared_schemas("cvd/cve-5/CVE_JSON_bundled_5.1.1.json")?;
    Some(serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap())
}

fn schema() -> Option<jsonschema::Validator> {
    let schema = schema_value()?;
    Some(jsonschema::options().should_validate_formats(true).build(&schema).expect("the CVE schema compiles"))
}

fn assigner() -> Assigner {
    Assigner {
        org_id: "8254265b-2729-46b6-b9e3-3dfca2d5bfca".parse().unwrap(),
        short_name: "accord".parse().unwrap(),
    }
}

/// The schema's complaints about the CVE record written for `record` and its first CVE id (or
/// `CVE-2099-0001` when it has none).
fn problems(schema: &jsonschema::Validator, record: &Record) -> Vec<String> {
    let cve = cve::cve_ids(record).into_iter().next().unwrap_or_else(|| "CVE-2099-0001".parse().unwrap());
    let written = serde_json::to_value(cve::from_osv(record, &cve, &assigner())).unwrap();
    schema.iter_errors(&written).map(|e| format!("{}: {e}", e.instance_path())).collect()
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

#[test]
fn demo_records_with_a_cve_id_are_schema_valid() {
    let Some(schema) = schema() else { return };
    let records = osv::parse_records(DEMO_OSV).unwrap();
    let with_cve: Vec<&Record> = records.iter().filter(|r| !cve::cve_ids(r).is_empty()).collect();
    assert_eq!(with_cve.len(), 3, "the demo gives three records CVE ids");
    for record in &with_cve {
        for id in cve::cve_ids(record) {
            let written = serde_json::to_value(cve::from_osv(record, &id, &assigner())).unwrap();
            let errors: Vec<String> =
                schema.iter_errors(&written).map(|e| format!("{}: {e}", e.instance_path())).collect();
            assert!(errors.is_empty(), "{} as {id}: {errors:?}", record.id);
            assert_eq!(written["cveMetadata"]["cveId"], id.as_str());
        }
    }
    eprintln!("validated {} demo records against the CVE JSON 5.1.1 schema", with_cve.len());
}

#[test]
fn every_fixture_record_with_a_cve_id_is_schema_valid() {
    let Some(root) = accord_testkit::shared_fixtures("osv") else { return };
    let Some(schema) = schema() else { return };
    let mut files = Vec::new();
    json_files(&root, &mut files);
    files.sort();
    let mut validated = 0;
    let mut refused = Vec::new();
    for file in &files {
        let record = parse_record(&std::fs::read_to_string(file).unwrap()).unwrap();
        if cve::cve_ids(&record).is_empty() {
            continue;
        }
        validated += 1;
        let errors = problems(&schema, &record);
        if !errors.is_empty() {
            refused.push(format!("{}: {}", record.id, errors.join("; ")));
        }
    }
    eprintln!("validated {validated} shared fixture records with a CVE id against the CVE JSON 5.1.1 schema");
    assert_eq!(refused, Vec::<String>::new(), "records written invalid for the schema");
    // The count of the fixture set (README) with a CVE id or alias: a change means a filter broke.
    assert_eq!(validated, 15_013);
}

/// Records holding what the schema cannot take as it is: each is written valid anyway.
#[test]
fn records_the_schema_cannot_take_as_they_are_are_written_valid() {
    let Some(schema) = schema() else { return };
    let long = "x".repeat(5000);
    let cases = [
        ("nothing but an id", json!({})),
        ("blank texts", json!({ "summary": " ", "details": "\n" })),
        ("long texts", json!({ "summary": long, "details": long })),
        (
            "bad urls",
            json!({ "references": [
                { "type": "WEB", "url": "no scheme" },
                { "type": "WEB", "url": format!("https://example.com/{long}") },
                { "type": "FIX", "url": "https://example.com/a b|c^d`e\"f<g>h{i}j\\k[l]m#n#o%" },
                { "type": "WEB", "url": "https://exämple.com/" },
                { "type": "WEB", "url": "https://[v1.fe80::a+en1]/" },
            ] }),
        ),
        (
            "dates the pattern cannot hold",
            json!({ "modified": "0001-01-01T00:00:00Z", "published": "1904-02-29T00:00:00Z" }),
        ),
        (
            "odd ranges",
            json!({ "affected": [
                {
                    "package": { "ecosystem": "PyPI", "name": "p" },
                    "ranges": [
                        { "type": "ECOSYSTEM", "events": [{ "introduced": "not a version" }, { "fixed": "1.0" }, { "introduced": "2" }, { "limit": "3" }] },
                        { "type": "GIT", "repo": "https://git.example/p", "events": [{ "introduced": "0" }, { "fixed": "a" }, { "limit": "c" }] },
                        { "type": "GIT", "repo": "https://git.example/p", "events": [{ "introduced": "0" }, { "introduced": "e" }, { "last_affected": "b" }, { "last_affected": "f" }] },
                        { "type": "GIT", "repo": "https://git.example/other", "events": [{ "introduced": "d" }] },
                    ],
                    "versions": ["", "1.0", "1.0", long],
                },
                { "package": { "ecosystem": "GIT", "name": "https://git.example/q.git" }, "ranges": [{ "type": "GIT", "repo": "https://git.example/q.git", "events": [{ "introduced": "0" }] }] },
                { "package": { "ecosystem": "GIT", "name": "not a url" } },
                { "ranges": [{ "type": "GIT", "repo": "https://git.example/", "events": [{ "introduced": "0" }] }] },
                { "package": { "ecosystem": "OSS-Fuzz", "name": " " } },
            ] }),
        ),
        (
            "scores, credits and weaknesses the schema cannot take",
            json!({
                "severity": [
                    { "type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N" },
                    { "type": "CVSS_V3", "score": "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" },
                    { "type": "CVSS_V4", "score": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/E:X/U:Red" },
                    { "type": "Ubuntu", "score": "high" },
                ],
                "credits": [{ "name": "" }, { "name": long, "type": "SPONSOR" }],
                "database_specific": { "cwe_ids": ["CWE-0", "CWE-", "NVD-CWE-Other", "CWE-123456789"] },
            }),
        ),
    ];
    for (what, fields) in cases {
        let mut r =
            json!({ "id": "x_TEST-1", "modified": "2024-05-01T12:00:00Z", "aliases": ["CVE-2099-0001"] });
        for (k, v) in fields.as_object().unwrap() {
            r[k] = v.clone();
        }
        let record = parse_record(&r.to_string()).unwrap_or_else(|e| panic!("{what}: {e}"));
        let errors = problems(&schema, &record);
        assert!(errors.is_empty(), "{what}: {errors:?}");
    }
}

/// The oracle has teeth: with formats checked, it refuses a written record whose URL is not a
/// URI or whose assigner's id is not a version 4 UUID.
#[test]
fn the_schema_refuses_what_it_should() {
    let Some(schema) = schema() else { return };
    let record = parse_record(
        &json!({ "id": "x_TEST-1", "modified": "2024-05-01T12:00:00Z", "aliases": ["CVE-2099-0001"] })
            .to_string(),
    )
    .unwrap();
    let cve = "CVE-2099-0001".parse().unwrap();
    let written = serde_json::to_value(cve::from_osv(&record, &cve, &assigner())).unwrap();
    assert!(schema.is_valid(&written));
    let mut bad_url = written.clone();
    bad_url["containers"]["cna"]["references"][0]["url"] = json!("https://example.com/a b");
    assert!(!schema.is_valid(&bad_url), "a URL with a space passes");
    let mut v5 = written.clone();
    v5["cveMetadata"]["assignerOrgId"] = json!("8254265b-2729-56b6-b9e3-3dfca2d5bfca");
    assert!(!schema.is_valid(&v5), "a version 5 UUID passes");
}

/// Every `collectionURL` Accord writes is one the schema's documentation lists.
#[test]
fn collection_urls_are_the_schemas_examples() {
    let Some(schema) = schema_value() else { return };
    let examples = &schema["definitions"]["product"]["properties"]["collectionURL"]["examples"];
    let examples: Vec<&str> = examples.as_array().unwrap().iter().map(|e| e.as_str().unwrap()).collect();
    let mut written = 0;
    for ecosystem in accord_version::Ecosystem::ALL {
        if let Some(url) = cve::collection_url(*ecosystem) {
            assert!(examples.contains(&url), "{ecosystem}: {url} is not among the schema's examples");
            written += 1;
        }
    }
    assert!(written >= 10, "{written}");
}
