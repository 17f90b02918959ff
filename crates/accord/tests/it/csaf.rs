//! The CSAF 2.0 provider of the demo server, read as an aggregator would: the provider
//! metadata against the official provider schema, every document of `index.txt` through the
//! BSI reference validator (schema and mandatory tests), `changes.csv` and the ROLIE feed
//! against the folder, each document's `.sha256`/`.sha512` recomputed, each `.asc` checked by
//! GnuPG against the published key; and the per-advisory `/csaf` and `/csaf-vex` documents.

use std::collections::BTreeSet;

use accord_testkit::{ADMIN_TOKEN, StatusCode, TestServer, json};
use serde_json::{Value, json as j};
use sha2::Digest;

use crate::bin;

const PUBLIC: &str = "https://accord.example";

fn provider() -> TestServer {
    TestServer::start(bin(), &["--demo", "--public-url", PUBLIC]).expect("start the demo server")
}

/// The path of a URL of the provider, to ask the test server for.
fn local(url: &str) -> &str {
    url.strip_prefix(PUBLIC).unwrap_or_else(|| panic!("{url} is not under {PUBLIC}"))
}

fn text(server: &TestServer, path: &str) -> String {
    let resp = server.get(path);
    assert_eq!(resp.status(), StatusCode::OK, "{path}");
    resp.text().unwrap()
}

/// Reads the schemas the provider schema refers to from the shared copies, never the network.
struct SharedSchemas(std::path::PathBuf);

impl jsonschema::Retrieve for SharedSchemas {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri.as_str().rsplit('/').next().unwrap_or("").split('?').next().unwrap_or("");
        let text = std::fs::read_to_string(self.0.join(name))?;
        Ok(serde_json::from_str(&text)?)
    }
}

#[test]
fn the_provider_metadata_folder_and_feed_are_what_an_aggregator_expects() {
    let server = provider();
    let metadata = json(server.get("/.well-known/csaf/provider-metadata.json"));
    if let Some(schema) = accord_testkit::shared_schemas("cvd/csaf-2.0/provider_json_schema.json") {
        let dir = schema.parent().unwrap().to_owned();
        let schema: Value = serde_json::from_str(&std::fs::read_to_string(&schema).unwrap()).unwrap();
        let validator = jsonschema::options()
            .with_retriever(SharedSchemas(dir))
            .should_validate_formats(true)
            .build(&schema)
            .expect("the provider schema compiles");
        let errors: Vec<String> =
            validator.iter_errors(&metadata).map(|e| format!("{}: {e}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{errors:?}");
    }
    assert_eq!(metadata["canonical_url"], format!("{PUBLIC}/.well-known/csaf/provider-metadata.json"));
    assert_eq!(metadata["role"], "csaf_trusted_provider");
    assert_eq!(metadata["publisher"]["namespace"], PUBLIC);

    // index.txt lists the documents; every advisory with products has two (advisory and VEX).
    let index = text(&server, "/.well-known/csaf/white/index.txt");
    let paths: Vec<&str> = index.lines().collect();
    assert_eq!(paths.len(), 22, "10 imported demo records and the published demo case, twice: {paths:?}");
    assert!(
        paths.contains(&"2025/x_demo-2025-0001.json") && paths.contains(&"2025/x_demo-2025-0001-vex.json")
    );
    assert!(paths.contains(&"2025/accord-2025-0001.json"), "the published case's advisory");
    let mut sorted = paths.clone();
    sorted.sort_unstable();
    assert_eq!(paths, sorted);

    // changes.csv: the same files, newest change first.
    let changes = text(&server, "/.well-known/csaf/white/changes.csv");
    let rows: Vec<(String, String)> = changes
        .lines()
        .map(|l| {
            let (p, t) = l.split_once(',').unwrap();
            (p.trim_matches('"').to_owned(), t.trim_matches('"').to_owned())
        })
        .collect();
    assert_eq!(
        rows.iter().map(|(p, _)| p.as_str()).collect::<BTreeSet<_>>(),
        paths.iter().copied().collect()
    );
    let times: Vec<jiff::Timestamp> = rows.iter().map(|(_, t)| t.parse().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first: {times:?}");

    // The ROLIE feed named in the metadata lists the same documents with hashes and signatures.
    let feed_url = metadata["distributions"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|d| d["rolie"]["feeds"][0]["url"].as_str())
        .expect("a ROLIE feed");
    let feed = json(server.get(local(feed_url)));
    let entries = feed["feed"]["entry"].as_array().unwrap();
    assert_eq!(entries.len(), paths.len());
    for entry in entries {
        let links: Vec<(&str, &str)> = entry["link"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| (l["rel"].as_str().unwrap(), l["href"].as_str().unwrap()))
            .collect();
        let own = links.iter().find(|(rel, _)| *rel == "self").unwrap().1;
        assert!(links.contains(&("hash", &format!("{own}.sha512"))));
        assert!(links.contains(&("signature", &format!("{own}.asc"))));
        assert_eq!(entry["format"]["version"], "2.0");
    }

    // Every document passes the reference validator, its hashes are right, its signature good.
    let mut documents = Vec::new();
    for path in &paths {
        let url = format!("/.well-known/csaf/white/{path}");
        let body = text(&server, &url);
        let doc: Value = serde_json::from_str(&body).unwrap();
        let file = path.rsplit('/').next().unwrap();
        assert_eq!(
            text(&server, &format!("{url}.sha256")),
            format!("{}  {file}\n", hex::encode(sha2::Sha256::digest(body.as_bytes())))
        );
        assert_eq!(
            text(&server, &format!("{url}.sha512")),
            format!("{}  {file}\n", hex::encode(sha2::Sha512::digest(body.as_bytes())))
        );
        assert_eq!(doc["document"]["references"][0]["url"], format!("{PUBLIC}{url}"), "the self link");
        let tracking = doc["document"]["tracking"]["id"].as_str().unwrap().to_lowercase();
        assert_eq!(format!("{tracking}.json"), file, "file name from the tracking id");
        documents.push((path.to_string(), body, doc));
    }
    if let Some(tools) = accord_testkit::node_oracles() {
        let input: String = documents
            .iter()
            .map(|(name, _, doc)| format!("{}\n", j!({ "name": name, "document": doc })))
            .collect();
        let out = accord_testkit::run_node(&tools, "csaf-validate.mjs", &input).unwrap();
        let bad: Vec<&str> = out.lines().filter(|l| !l.contains("\"valid\":true")).collect();
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(out.lines().count(), documents.len());
    }
    verify_signatures(&server, &metadata, &documents);
}

/// Each `.asc` verified by GnuPG with the key the metadata names, in a throwaway home.
fn verify_signatures(server: &TestServer, metadata: &Value, documents: &[(String, String, Value)]) {
    use std::process::Command;
    let Some(gpg) = gpg() else { return };
    let key = &metadata["public_openpgp_keys"][0];
    let fingerprint = key["fingerprint"].as_str().unwrap();
    let armored = text(server, local(key["url"].as_str().unwrap()));
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(&gpg).arg("--homedir").arg(home.path()).arg("--batch").args(args).output().unwrap()
    };
    let key_file = home.path().join("key.asc");
    std::fs::write(&key_file, armored).unwrap();
    let imported = run(&["--import", key_file.to_str().unwrap()]);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    for (path, body, _) in documents {
        let doc = home.path().join("doc.json");
        let sig = home.path().join("doc.json.asc");
        std::fs::write(&doc, body).unwrap();
        std::fs::write(&sig, text(server, &format!("/.well-known/csaf/white/{path}.asc"))).unwrap();
        let out = run(&["--status-fd", "1", "--verify", sig.to_str().unwrap(), doc.to_str().unwrap()]);
        let status = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && status.contains(&format!("VALIDSIG {fingerprint}")),
            "{path}: {status}"
        );
        // The same bytes with one change do not verify.
        std::fs::write(&doc, body.replacen("\"2.0\"", "\"2.1\"", 1)).unwrap();
        let out = run(&["--verify", sig.to_str().unwrap(), doc.to_str().unwrap()]);
        assert!(!out.status.success(), "{path}: a changed document verified");
    }
}

fn gpg() -> Option<std::path::PathBuf> {
    let found = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|d| d.join("gpg"))
        .find(|p| p.is_file());
    if found.is_none() {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        assert!(!ci, "GnuPG (gpg) is needed under CI to check CSAF signatures");
        eprintln!("SKIPPED: no gpg to check the CSAF signatures");
    }
    found
}

#[test]
fn each_advisory_has_its_csaf_documents_and_404_where_csaf_does_not_apply() {
    let server = provider();
    let resp = server.get("/api/v1/advisories/x_DEMO-2025-0003/csaf");
    assert_eq!(resp.status(), StatusCode::OK);
    let etag = resp.headers()["etag"].to_str().unwrap().to_owned();
    let doc: Value = resp.json().unwrap();
    assert_eq!(doc["document"]["category"], "csaf_security_advisory");
    assert_eq!(doc["document"]["tracking"]["id"], "x_DEMO-2025-0003");
    // The same document as in the provider's folder.
    let year_path = "/.well-known/csaf/white/2025/x_demo-2025-0003.json";
    assert_eq!(json(server.get(year_path)), doc);
    let again = server.get_with("/api/v1/advisories/x_DEMO-2025-0003/csaf", &[("if-none-match", &etag)]);
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

    let vex = json(server.get("/api/v1/advisories/x_DEMO-2025-0003/csaf-vex"));
    assert_eq!(vex["document"]["category"], "csaf_vex");
    assert_eq!(vex["document"]["tracking"]["id"], "x_DEMO-2025-0003-VEX");

    // The case advisory: the vendors' statements, with the not-affected one's justification.
    let case = json(server.get("/api/v1/advisories/ACCORD-2025-0001/csaf-vex"));
    let vuln = &case["vulnerabilities"][0];
    for list in ["known_affected", "fixed", "known_not_affected"] {
        assert!(vuln["product_status"][list].as_array().is_some_and(|l| !l.is_empty()), "{list}: {vuln}");
    }
    assert_eq!(vuln["flags"][0]["label"], "vulnerable_code_not_present");

    // A record that names no package has no CSAF document; an unknown id neither.
    let record = j!({
        "id": "x_TEST-2024-0001", "modified": "2024-05-01T00:00:00Z", "summary": "No package named",
        "affected": [{ "ranges": [{ "type": "GIT", "repo": "https://example.com/r",
            "events": [{ "introduced": "0" }, { "fixed": "0123456789abcdef0123456789abcdef01234567" }] }] }],
    });
    let imported = server.post_json("/api/v1/admin/advisories/import", Some(ADMIN_TOKEN), &record);
    assert_eq!(imported.status(), StatusCode::OK);
    assert_eq!(server.get("/api/v1/advisories/x_TEST-2024-0001/osv").status(), StatusCode::OK);
    assert_eq!(server.get("/api/v1/advisories/x_TEST-2024-0001/csaf").status(), StatusCode::NOT_FOUND);
    assert_eq!(server.get("/api/v1/advisories/NOPE-1/csaf-vex").status(), StatusCode::NOT_FOUND);
    assert!(!text(&server, "/.well-known/csaf/white/index.txt").contains("x_test"));

    // An imported record appears in the folder at once, in the year it was published.
    let mut record = j!({
        "id": "x_TEST-2023-0002", "modified": "2024-06-01T00:00:00Z", "published": "2023-03-01T00:00:00Z",
        "affected": [{ "package": { "ecosystem": "crates.io", "name": "foo" },
            "ranges": [{ "type": "SEMVER", "events": [{ "introduced": "0" }, { "fixed": "1.0.1" }] }] }],
    });
    assert_eq!(
        server.post_json("/api/v1/admin/advisories/import", Some(ADMIN_TOKEN), &record).status(),
        StatusCode::OK
    );
    assert!(text(&server, "/.well-known/csaf/white/index.txt").contains("2023/x_test-2023-0002.json\n"));
    let first = text(&server, "/.well-known/csaf/white/2023/x_test-2023-0002.json");
    assert!(first.contains("\"version\": \"2\""), "modified after published: version 2");
    // Updated, it is rendered anew, and its signature is that of the new text.
    record["modified"] = j!("2024-07-01T00:00:00Z");
    record["summary"] = j!("Now with a summary");
    assert_eq!(
        server.post_json("/api/v1/admin/advisories/import", Some(ADMIN_TOKEN), &record).status(),
        StatusCode::OK
    );
    let second = text(&server, "/.well-known/csaf/white/2023/x_test-2023-0002.json");
    assert_ne!(first, second);
    assert!(second.contains("Now with a summary"));
    // Every revision is numbered: the publication, the change the first import already showed,
    // this one.
    let doc: Value = serde_json::from_str(&second).unwrap();
    assert_eq!(doc["document"]["tracking"]["version"], "3");
    let dates: Vec<&str> = doc["document"]["tracking"]["revision_history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["date"].as_str().unwrap())
        .collect();
    assert_eq!(dates, ["2023-03-01T00:00:00Z", "2024-06-01T00:00:00Z", "2024-07-01T00:00:00Z"]);
    let changes = text(&server, "/.well-known/csaf/white/changes.csv");
    assert!(changes.contains("\"2023/x_test-2023-0002.json\",\"2024-07-01T00:00:00Z\""), "{changes}");
    for missing in [
        "/.well-known/csaf/white/2023/nope.json",
        "/.well-known/csaf/white/2023/x_test-2023-0002.txt",
        "/.well-known/csaf/openpgp/0000.asc",
    ] {
        assert_eq!(server.get(missing).status(), StatusCode::NOT_FOUND, "{missing}");
    }
}
