//! Advisories for everyone: OSV imports through the command line and the administrators' API
//! (idempotent, all or nothing, errors naming file and JSON path), the public list with its
//! filters and paging, OSV documents checked against the official schema, `/v1/vulns/{id}` as
//! the OSV service answers, and case advisories: published ones as OSV, embargoed ones nowhere.

use std::io::Write;
use std::path::Path;
use std::process::Output;

use accord_testkit::{ADMIN_TOKEN, StatusCode, TestServer, json};
use serde_json::{Value, json as j};

use crate::{accord, bin, demo_server, empty_server};

/// A small OSV record of `ecosystem`/`package`, modified on day `day` of January 2024.
fn record(id: &str, ecosystem: &str, package: &str, day: u32, aliases: &[&str]) -> Value {
    j!({
        "schema_version": "1.7.0",
        "id": id,
        "modified": format!("2024-01-{day:02}T12:00:00Z"),
        "published": "2024-01-01T00:00:00Z",
        "aliases": aliases,
        "summary": format!("A flaw in {package}"),
        "details": "Fictional, for tests.",
        "affected": [{
            "package": { "ecosystem": ecosystem, "name": package },
            "ranges": [{ "type": "ECOSYSTEM", "events": [{ "introduced": "0" }, { "fixed": "2.0.0" }] }],
        }],
        "references": [{ "type": "WEB", "url": "https://advisories.example/test" }],
    })
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn write(path: &Path, value: &Value) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, serde_json::to_string_pretty(value).unwrap()).unwrap();
}

fn osv_schema() -> Option<jsonschema::Validator> {
    let path = accord_testkit::shared_schemas("osv/osv-schema.json")?;
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    Some(jsonschema::validator_for(&schema).expect("the OSV schema compiles"))
}

fn assert_schema_valid(schema: &Option<jsonschema::Validator>, doc: &Value) {
    if let Some(schema) = schema {
        let errors: Vec<String> =
            schema.iter_errors(doc).map(|e| format!("{}: {e}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", doc["id"]);
    }
}

fn ids(page: &Value) -> Vec<String> {
    page["advisories"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap().to_owned()).collect()
}

fn zip_of(files: &[(&str, &Value)]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, value) in files {
        out.start_file(*name, options).unwrap();
        out.write_all(value.to_string().as_bytes()).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn the_cli_imports_folders_lists_and_zips_idempotently_and_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    let set = dir.path().join("set");
    write(
        &set.join("crates/RUSTSEC-2024-0001.json"),
        &record("RUSTSEC-2024-0001", "crates.io", "tidepool", 2, &[]),
    );
    write(
        &set.join("pypi/PYSEC-2024-1.json"),
        &record("PYSEC-2024-1", "PyPI", "lanternfish", 3, &["CVE-2024-0001"]),
    );
    write(
        &set.join("list.json"),
        &j!({ "vulns": [record("GHSA-aaaa-bbbb-cccc", "npm", "quokka", 4, &[]), record("GO-2024-0001", "Go", "example.org/heron", 5, &[])] }),
    );
    std::fs::write(set.join("notes.txt"), "not JSON, not read").unwrap();
    let archive = dir.path().join("more.zip");
    std::fs::write(
        &archive,
        zip_of(&[("m/MAVEN.json", &record("GHSA-mmmm-nnnn-pppp", "Maven", "org.example:kestrel", 6, &[]))]),
    )
    .unwrap();

    let first = accord(&data, &["admin", "import-osv", set.to_str().unwrap(), archive.to_str().unwrap()]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(stderr(&first).contains("Imported 5 OSV records from 4 files"), "{}", stderr(&first));
    assert!(stderr(&first).contains("5 added, 0 updated, 0 unchanged"), "{}", stderr(&first));
    let again = accord(&data, &["admin", "import-osv", set.to_str().unwrap(), archive.to_str().unwrap()]);
    assert!(stderr(&again).contains("0 added, 0 updated, 5 unchanged"), "{}", stderr(&again));

    // One bad record among good ones: exit 2, the file and the JSON path named, nothing stored.
    let bad_set = dir.path().join("bad");
    write(&bad_set.join("a/GHSA-good-0000-0001.json"), &record("GHSA-good-0000-0001", "npm", "fine", 7, &[]));
    let mut bad = record("GHSA-bad0-0000-0002", "npm", "broken", 7, &[]);
    bad["affected"][0]["ranges"][0]["events"][1] = j!({ "fixed": "2.0.0", "introduced": "1.0.0" });
    write(&bad_set.join("b/GHSA-bad0-0000-0002.json"), &bad);
    let refused = accord(&data, &["admin", "import-osv", bad_set.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    let message = stderr(&refused);
    assert!(message.contains("GHSA-bad0-0000-0002.json: affected[0].ranges[0].events[1]:"), "{message}");
    assert!(message.contains("nothing was imported"), "{message}");
    let missing = accord(&data, &["admin", "import-osv", dir.path().join("nowhere").to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(2));

    let s = TestServer::start_in(bin(), &data, &[]).unwrap();
    let page = json(s.get("/api/v1/advisories"));
    assert_eq!(
        ids(&page),
        ["GHSA-mmmm-nnnn-pppp", "GO-2024-0001", "GHSA-aaaa-bbbb-cccc", "PYSEC-2024-1", "RUSTSEC-2024-0001"]
    );
    assert_eq!(s.get("/api/v1/advisories/GHSA-good-0000-0001").status(), StatusCode::NOT_FOUND);
}

#[test]
fn the_admin_api_imports_and_the_public_api_lists_filters_and_pages() {
    let s = empty_server();
    let path = "/api/v1/admin/advisories/import";
    let batch = j!([
        record("RUSTSEC-2024-0001", "crates.io", "tidepool", 2, &[]),
        record("PYSEC-2024-1", "PyPI", "lanternfish", 3, &["CVE-2024-0001", "GHSA-pppp-yyyy-ssss"]),
        record("GHSA-aaaa-bbbb-cccc", "npm", "quokka", 4, &[]),
        record("GHSA-dddd-eeee-ffff", "npm", "quokka", 5, &[]),
        record("DSA-5000-1", "Debian:12", "openssl", 6, &[]),
    ]);
    let body = batch.to_string().into_bytes();
    assert_eq!(s.post_raw(path, None, "application/json", body.clone()).status(), StatusCode::UNAUTHORIZED);
    let added = s.post_raw(path, Some(ADMIN_TOKEN), "application/json", body.clone());
    assert_eq!(added.status(), StatusCode::OK);
    assert_eq!(json(added), j!({ "added": 5, "updated": 0, "unchanged": 0, "records": 5 }));
    let again = json(s.post_raw(path, Some(ADMIN_TOKEN), "application/json", body));
    assert_eq!(again, j!({ "added": 0, "updated": 0, "unchanged": 5, "records": 5 }));

    // A zip archive, one record changed and one new; a single record.
    let mut changed = record("GHSA-dddd-eeee-ffff", "npm", "quokka", 7, &[]);
    changed["summary"] = j!("A flaw in quokka (revised)");
    let zipped = zip_of(&[
        ("a/changed.json", &changed),
        ("b/new.json", &record("GO-2024-0001", "Go", "example.org/heron", 8, &[])),
    ]);
    let counts = json(s.post_raw(path, Some(ADMIN_TOKEN), "application/zip", zipped));
    assert_eq!(counts, j!({ "added": 1, "updated": 1, "unchanged": 0, "records": 2 }));
    let single = record("GHSA-ssss-iiii-nnnn", "Maven", "org.example:kestrel", 9, &[]);
    let counts =
        json(s.post_raw(path, Some(ADMIN_TOKEN), "application/json", single.to_string().into_bytes()));
    assert_eq!(counts["added"], 1);

    // A bad record: 400 naming its place and path; nothing of the batch is stored.
    let mut bad = j!([
        record("GHSA-good-0000-0001", "npm", "fine", 10, &[]),
        record("GHSA-bad0-0000-0002", "npm", "x", 10, &[])
    ]);
    bad[1]["modified"] = j!("yesterday");
    let refused = s.post_raw(path, Some(ADMIN_TOKEN), "application/json", bad.to_string().into_bytes());
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let err = json(refused);
    assert_eq!(err["code"], "invalid_request");
    assert!(err["message"].as_str().unwrap().contains("body: [1].modified: \"yesterday\""), "{err}");
    assert_eq!(s.get("/api/v1/advisories/GHSA-good-0000-0001").status(), StatusCode::NOT_FOUND);
    assert_eq!(status_of_declared_body(&s, path, 64 * 1024 * 1024 + 1), 413);

    // The list: newest modified first; filters; paging without gaps or repeats.
    let all = ids(&json(s.get("/api/v1/advisories")));
    assert_eq!(
        all,
        [
            "GHSA-ssss-iiii-nnnn",
            "GO-2024-0001",
            "GHSA-dddd-eeee-ffff",
            "DSA-5000-1",
            "GHSA-aaaa-bbbb-cccc",
            "PYSEC-2024-1",
            "RUSTSEC-2024-0001"
        ]
    );
    let first = json(s.get("/api/v1/advisories?limit=1"));
    assert_eq!(first["advisories"][0]["summary"], "A flaw in org.example:kestrel");
    assert_eq!(first["advisories"][0]["published"], "2024-01-01T00:00:00Z");
    assert_eq!(first["advisories"][0]["modified"], "2024-01-09T12:00:00Z");
    assert_eq!(
        first["advisories"][0]["affected"],
        j!([{ "ecosystem": "Maven", "name": "org.example:kestrel" }])
    );
    let mut paged = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let url = match &next {
            Some(n) => format!("/api/v1/advisories?limit=3&next={n}"),
            None => "/api/v1/advisories?limit=3".to_owned(),
        };
        let page = json(s.get(&url));
        paged.extend(ids(&page));
        match page.get("next").and_then(Value::as_str) {
            Some(n) => next = Some(n.to_owned()),
            None => break,
        }
    }
    assert_eq!(paged, all);
    assert_eq!(
        ids(&json(s.get("/api/v1/advisories?ecosystem=npm"))),
        ["GHSA-dddd-eeee-ffff", "GHSA-aaaa-bbbb-cccc"]
    );
    assert_eq!(ids(&json(s.get("/api/v1/advisories?ecosystem=Debian"))), ["DSA-5000-1"]);
    assert_eq!(ids(&json(s.get("/api/v1/advisories?ecosystem=PyPI&package=lanternfish"))), ["PYSEC-2024-1"]);
    assert_eq!(
        ids(&json(s.get("/api/v1/advisories?package=quokka&since=2024-01-05T00:00:00Z"))),
        ["GHSA-dddd-eeee-ffff"]
    );
    assert_eq!(
        ids(&json(s.get("/api/v1/advisories?since=2024-01-08T12:00:00Z"))),
        ["GHSA-ssss-iiii-nnnn", "GO-2024-0001"]
    );
    for bad_query in ["since=yesterday", "limit=0", "limit=1001", "next=not-a-cursor", "color=red"] {
        let resp = s.get(&format!("/api/v1/advisories?{bad_query}"));
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{bad_query}");
        assert!(json(resp)["message"].is_string());
    }

    // One advisory by id or alias; its OSV document is the record as imported.
    let one = json(s.get("/api/v1/advisories/GHSA-pppp-yyyy-ssss"));
    assert_eq!(one["id"], "PYSEC-2024-1");
    assert_eq!(one["aliases"], j!(["CVE-2024-0001", "GHSA-pppp-yyyy-ssss"]));
    let missing = s.get("/api/v1/advisories/GHSA-none-none-none");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(json(missing)["code"], "not_found");
    let schema = osv_schema();
    let doc = s.get("/api/v1/advisories/GHSA-dddd-eeee-ffff/osv");
    assert_eq!(doc.status(), StatusCode::OK);
    let doc = json(doc);
    assert_eq!(doc, changed);
    assert_schema_valid(&schema, &doc);

    // /v1/vulns/{id} as the OSV service: the record, cacheable; 404 in its error style.
    let vuln = s.get("/v1/vulns/PYSEC-2024-1");
    assert_eq!(vuln.status(), StatusCode::OK);
    let etag = vuln.headers()["etag"].to_str().unwrap().to_owned();
    assert!(etag.starts_with('"') && etag.len() == 66, "{etag}");
    assert_eq!(vuln.headers()["cache-control"], "public, max-age=300");
    assert_eq!(vuln.headers()["content-type"], "application/json");
    assert_eq!(json(vuln), batch[1]);
    let cached = s.get_with("/v1/vulns/PYSEC-2024-1", &[("if-none-match", &etag)]);
    assert_eq!(cached.status(), StatusCode::NOT_MODIFIED);
    let unknown = s.get("/v1/vulns/GHSA-none-none-none");
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert_eq!(json(unknown), j!({ "code": 5, "message": "Bug not found." }));
}

/// The status a request declaring a body of `length` bytes gets before it sends any of it.
fn status_of_declared_body(s: &TestServer, path: &str, length: usize) -> u16 {
    use std::io::Read;
    let base = s.url("");
    let addr = base.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {ADMIN_TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    )
    .unwrap();
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).unwrap();
    std::str::from_utf8(&head[9..12]).unwrap().parse().unwrap()
}

#[test]
fn published_case_advisories_are_osv_and_embargoed_cases_appear_nowhere() {
    let s = demo_server();
    let schema = osv_schema();
    let page = json(s.get("/api/v1/advisories?limit=1000"));
    let listed = ids(&page);
    let case_advisories: Vec<&Value> =
        page["advisories"].as_array().unwrap().iter().filter(|a| a["source"] == "accord").collect();
    assert_eq!(case_advisories.len(), 1, "{page}");
    let id = case_advisories[0]["id"].as_str().unwrap();
    assert!(id.starts_with("ACCORD-2025-"), "{id}");
    assert_eq!(listed.iter().filter(|i| i.starts_with("x_DEMO-2025-")).count(), 10, "the demo OSV set");

    // The case advisory in OSV: a local id, valid for the schema, the same at /v1/vulns.
    let doc = json(s.get(&format!("/api/v1/advisories/{id}/osv")));
    assert_eq!(doc["id"], format!("x_{id}"));
    assert_eq!(doc["summary"], case_advisories[0]["summary"]);
    assert_schema_valid(&schema, &doc);
    assert_eq!(json(s.get(&format!("/v1/vulns/x_{id}"))), doc);
    assert_eq!(json(s.get(&format!("/api/v1/advisories/x_{id}")))["id"], id);
    for demo_id in listed.iter().filter(|i| i.starts_with("x_DEMO-")) {
        let doc = json(s.get(&format!("/v1/vulns/{demo_id}")));
        assert_schema_valid(&schema, &doc);
    }

    // The case under embargo: its local id and title are nowhere in the public API.
    let cases = json(s.get_auth("/api/v1/cases", ADMIN_TOKEN));
    let embargoed = cases["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["state"] != "published")
        .unwrap_or_else(|| panic!("the demo has a case under embargo: {cases}"));
    let local = embargoed["local_id"].as_str().unwrap();
    let title = embargoed["title"].as_str().unwrap();
    for path in [
        format!("/api/v1/advisories/{local}"),
        format!("/api/v1/advisories/{local}/osv"),
        format!("/v1/vulns/x_{local}"),
        format!("/v1/vulns/{local}"),
    ] {
        assert_eq!(s.get(&path).status(), StatusCode::NOT_FOUND, "{path}");
    }
    assert!(!page.to_string().contains(title), "an embargoed case's title is listed");
    assert!(!listed.iter().any(|i| i == local));
}

#[test]
fn the_whole_fixture_set_imports_then_is_unchanged() {
    let Some(fixtures) = accord_testkit::shared_fixtures("osv") else { return };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    let first = accord(&data, &["admin", "import-osv", fixtures.to_str().unwrap()]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(stderr(&first).contains("Imported 21874 OSV records from 21874 files"), "{}", stderr(&first));
    assert!(stderr(&first).contains("21874 added, 0 updated, 0 unchanged"), "{}", stderr(&first));
    let second = accord(&data, &["admin", "import-osv", fixtures.to_str().unwrap()]);
    assert!(stderr(&second).contains("0 added, 0 updated, 21874 unchanged"), "{}", stderr(&second));
}

/// Files are read on several threads while the store writes: the first bad file in file order
/// is the one reported, whatever the timing, and none of the good records read before it stays.
#[test]
fn a_large_import_with_bad_files_reports_the_first_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let set = dir.path().join("set");
    let bad = |id: &str| {
        let mut r = record(id, "npm", "broken", 7, &[]);
        r["affected"][0]["ranges"][0]["events"][1] = j!({ "fixed": "2.0.0", "introduced": "1.0.0" });
        r
    };
    for i in 0..600 {
        let id = format!("GHSA-good-{i:04}-0001");
        let name = format!("{i:04}/{id}.json");
        let value = match i {
            250 => bad("GHSA-bad0-0250-0001"),
            500 => bad("GHSA-bad0-0500-0001"),
            _ => record(&id, "npm", &format!("package-{i}"), 1 + (i % 28) as u32, &[]),
        };
        write(&set.join(name), &value);
    }
    let refused = accord(&data, &["admin", "import-osv", set.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    let message = stderr(&refused);
    assert!(message.contains("0250/GHSA-good-0250-0001.json: affected[0].ranges[0].events[1]:"), "{message}");
    assert!(!message.contains("0500"), "{message}");
    assert!(message.contains("nothing was imported"), "{message}");

    std::fs::remove_dir_all(set.join("0250")).unwrap();
    std::fs::remove_dir_all(set.join("0500")).unwrap();
    let good = accord(&data, &["admin", "import-osv", set.to_str().unwrap()]);
    assert!(good.status.success(), "{}", stderr(&good));
    assert!(stderr(&good).contains("598 added, 0 updated, 0 unchanged"), "{}", stderr(&good));
}
