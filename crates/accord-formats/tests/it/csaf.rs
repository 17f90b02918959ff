//! CSAF 2.0 documents written from OSV records, checked by the reference validator (the BSI
//! `@secvisogram/csaf-validator-lib`: the strict CSAF schema and every mandatory test), for the
//! demo records, hand-made edge cases and every real record of the shared fixtures; and what
//! the documents say, checked on small records.

use std::path::Path;

use accord_formats::csaf::{self, Category, Context};
use accord_formats::osv::{Record, parse_record, parse_records};
use serde_json::{Value, json};

fn context(id: &str) -> Context {
    Context {
        publisher_name: "Accord test".to_owned(),
        publisher_namespace: "https://accord.example".to_owned(),
        self_url: Some(format!("https://accord.example/.well-known/csaf/white/2024/{}", csaf::file_name(id))),
        page_url: Some(format!("https://accord.example/advisories/{id}")),
        generator_version: "0.1.0".to_owned(),
    }
}

/// The record's two documents; `None` when CSAF does not apply (no affected package).
fn documents(record: &Record) -> Option<[(String, Value); 2]> {
    let advisory = csaf::from_osv(record);
    let [a, b] = [Category::SecurityAdvisory, Category::Vex].map(|c| {
        let name = format!("{} ({})", record.id, c.as_str());
        csaf::render(&advisory, c, &context(&record.id.to_string())).map(|d| (name, d))
    });
    Some([a?, b?])
}

/// Runs the reference validator over documents; the names and errors of the invalid ones.
fn invalid(documents: &[(String, Value)]) -> Option<Vec<String>> {
    let tools = accord_testkit::node_oracles()?;
    let mut input = String::new();
    for (name, doc) in documents {
        input.push_str(&json!({ "name": name, "document": doc }).to_string());
        input.push('\n');
    }
    let out = accord_testkit::run_node(&tools, "csaf-validate.mjs", &input).expect("the validator runs");
    let results: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(results.len(), documents.len(), "one verdict per document");
    Some(
        results
            .iter()
            .filter(|r| r["valid"] != json!(true))
            .map(|r| format!("{}: {}", r["name"], r["errors"]))
            .collect(),
    )
}

fn demo_records() -> Vec<Record> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../accord-app/demo/osv.json");
    parse_records(&std::fs::read_to_string(path).unwrap()).unwrap()
}

const EDGE_CASES: &str = r#"[
 {"id":"GHSA-1111-2222-3333","modified":"2024-03-01T00:00:00Z","published":"2024-01-01T00:00:00Z",
  "aliases":["CVE-2024-0001","CVE-2024-0002","PYSEC-2024-1"],"summary":"Two CVEs, several packages",
  "details":"Line one.\n\nLine two with <b>markup</b>.",
  "affected":[
   {"package":{"ecosystem":"PyPI","name":"Two_Words"},
    "severity":[{"type":"CVSS_V3","score":"CVSS:3.0/AV:N/AC:H/PR:L/UI:R/S:C/C:L/I:L/A:N"},
              {"type":"CVSS_V4","score":"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}],"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.0"}]},{"type":"ECOSYSTEM","events":[{"introduced":"1.5"},{"last_affected":"1.7"}]}]},
   {"package":{"ecosystem":"PyPI","name":"Two_Words"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"2.0"}]}]},
   {"package":{"ecosystem":"npm","name":"@scope/pkg"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.2.3"}]}],
    "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N"}]},
   {"package":{"ecosystem":"Debian:12","name":"libexample"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1:2.3-4+deb12u1"}]}]},
   {"package":{"ecosystem":"Maven","name":"org.example:core"},"versions":["1.0","1.1"]},
   {"package":{"ecosystem":"GIT","name":"https://example.com/repo"},"ranges":[{"type":"GIT","repo":"https://example.com/repo","events":[{"introduced":"0"},{"fixed":"abcdef0123456789abcdef0123456789abcdef01"}]}]}],
  "references":[{"type":"WEB","url":"https://example.com/a b"},{"type":"FIX","url":"https://example.com/fix"},{"type":"FIX","url":"https://example.com/fix"}],
  "credits":[{"name":"Ada","type":"FINDER"},{"name":"Bob"}]},
 {"id":"CVE-2023-9999","modified":"2023-05-01T00:00:00Z","withdrawn":"2023-06-01T00:00:00Z",
  "affected":[{"package":{"ecosystem":"Go","name":"example.org/mod"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"}]}]}]},
 {"id":"OSV-2022-1","modified":"2022-05-01T00:00:00Z","summary":"No affected packages at all"}
]"#;

#[test]
fn demo_and_edge_case_documents_pass_the_reference_validator() {
    let mut docs = Vec::new();
    for record in demo_records().iter().chain(&parse_records(EDGE_CASES).unwrap()) {
        docs.extend(documents(record).into_iter().flatten());
    }
    let Some(bad) = invalid(&docs) else { return };
    assert_eq!(bad, Vec::<String>::new());
    eprintln!("{} CSAF documents pass the schema and the mandatory tests", docs.len());

    // The oracle does refuse: a VEX without its action statements, a product id defined twice.
    let (_, vex) = docs.iter().find(|(n, _)| n.contains("csaf_vex")).unwrap();
    let mut no_action = vex.clone();
    no_action["vulnerabilities"][0].as_object_mut().unwrap().remove("remediations");
    let mut twice = vex.clone();
    let first =
        twice["product_tree"]["branches"][0]["branches"][0]["branches"][0]["product"]["product_id"].clone();
    twice["product_tree"]["branches"][0]["branches"][0]["branches"][1]["product"]["product_id"] = first;
    let bad = invalid(&[("no action".into(), no_action), ("twice".into(), twice)]).unwrap();
    assert_eq!(bad.len(), 2, "{bad:?}");
    assert!(bad[0].contains("6_1_27_10"), "{}", bad[0]);
    assert!(bad[1].contains("6_1_2"), "{}", bad[1]);
}

#[test]
fn every_fixture_record_makes_documents_that_pass_the_reference_validator() {
    let Some(root) = accord_testkit::shared_fixtures("osv") else { return };
    let mut files = Vec::new();
    crate::osv_fixtures::json_files(&root, &mut files);
    files.sort();
    let mut docs = Vec::new();
    let mut without_products = 0;
    for file in &files {
        let record = parse_record(&std::fs::read_to_string(file).unwrap()).unwrap();
        match documents(&record) {
            Some(d) => docs.extend(d),
            None => without_products += 1,
        }
    }
    let Some(bad) = invalid(&docs) else { return };
    assert_eq!(bad.iter().take(20).collect::<Vec<_>>(), Vec::<&String>::new(), "{} invalid", bad.len());
    eprintln!(
        "{} CSAF documents of {} real records pass the schema and the mandatory tests ({without_products} records name no package: CSAF does not apply)",
        docs.len(),
        files.len()
    );
}

#[test]
fn a_document_states_the_records_facts() {
    let records = parse_records(EDGE_CASES).unwrap();
    let [(_, doc), (_, vex)] = documents(&records[0]).unwrap();
    assert_eq!(doc["document"]["category"], "csaf_security_advisory");
    assert_eq!(vex["document"]["category"], "csaf_vex");
    assert_eq!(doc["document"]["tracking"]["id"], "GHSA-1111-2222-3333");
    assert_eq!(vex["document"]["tracking"]["id"], "GHSA-1111-2222-3333-VEX");
    assert_eq!(doc["document"]["tracking"]["version"], "2", "modified after published");
    assert_eq!(doc["document"]["tracking"]["current_release_date"], "2024-03-01T00:00:00Z");
    let vulns = doc["vulnerabilities"].as_array().unwrap();
    let cves: Vec<&str> = vulns.iter().map(|v| v["cve"].as_str().unwrap()).collect();
    assert_eq!(cves, ["CVE-2024-0001", "CVE-2024-0002"]);
    let ids: Vec<&str> =
        vulns[0]["ids"].as_array().unwrap().iter().map(|i| i["text"].as_str().unwrap()).collect();
    assert_eq!(ids, ["GHSA-1111-2222-3333", "PYSEC-2024-1"]);

    // Every product of the tree, by name.
    let mut products = Vec::new();
    fn walk(branch: &Value, path: Vec<String>, out: &mut Vec<(Vec<String>, Value)>) {
        let mut path = path;
        path.push(format!(
            "{}={}",
            branch["category"].as_str().unwrap_or(""),
            branch["name"].as_str().unwrap_or("")
        ));
        if let Some(p) = branch.get("product") {
            out.push((path.clone(), p.clone()));
        }
        for b in branch["branches"].as_array().into_iter().flatten() {
            walk(b, path.clone(), out);
        }
    }
    for b in doc["product_tree"]["branches"].as_array().unwrap() {
        walk(b, Vec::new(), &mut products);
    }
    let id_of = |needle: &str| -> String {
        let (_, p) = products
            .iter()
            .find(|(path, _)| path.last().unwrap().ends_with(needle))
            .unwrap_or_else(|| panic!("no branch {needle} in {products:?}"));
        p["product_id"].as_str().unwrap().to_owned()
    };
    let status = &vulns[0]["product_status"];
    let has = |list: &str, id: &str| status[list].as_array().is_some_and(|l| l.contains(&json!(id)));
    assert!(has("known_affected", &id_of("vers:pypi/<1.0")));
    assert!(has("fixed", &id_of("product_version=1.0")));
    assert!(has("known_affected", &id_of("vers:pypi/>=1.5|<=1.7")));
    assert!(has("known_affected", &id_of("vers:pypi/>=2.0")));
    assert!(has("known_affected", &id_of("vers:npm/<1.2.3")));
    assert!(has("fixed", &id_of("product_version=1:2.3-4+deb12u1")));
    assert!(has("known_affected", &id_of("vers:deb/<1%3A2.3-4%2Bdeb12u1")));
    assert!(has("known_affected", &id_of("product_version=1.1")), "explicit versions without ranges");
    let npm = products.iter().find(|(p, _)| p.last().unwrap().ends_with("vers:npm/<1.2.3")).unwrap();
    assert_eq!(npm.1["product_identification_helper"]["purl"], "pkg:npm/%40scope/pkg");
    let fixed_deb = products.iter().find(|(p, _)| p.last().unwrap().ends_with("1:2.3-4+deb12u1")).unwrap();
    assert_eq!(
        fixed_deb.1["product_identification_helper"]["purl"],
        "pkg:deb/debian/libexample@1:2.3-4%2Bdeb12u1"
    );

    // Each package has its own vector (v3.1 for npm, v3.0 for PyPI); the others have none.
    let scores = vulns[0]["scores"].as_array().unwrap();
    let npm_id = id_of("vers:npm/<1.2.3");
    let npm_score =
        scores.iter().find(|s| s["products"].as_array().unwrap().contains(&json!(npm_id))).unwrap();
    assert_eq!(npm_score["cvss_v3"]["vectorString"], "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N");
    assert_eq!(npm_score["cvss_v3"]["baseScore"], json!(5.5));
    assert_eq!(scores.len(), 2);
    let other = scores.iter().find(|s| !s["products"].as_array().unwrap().contains(&json!(npm_id))).unwrap();
    let pypi_open = id_of("vers:pypi/>=2.0");
    assert!(
        other["products"].as_array().unwrap().contains(&json!(pypi_open)),
        "the merged entry keeps the vector"
    );
    assert_eq!(other["cvss_v3"]["version"], "3.0");
    assert_eq!(other["cvss_v3"]["baseScore"], json!(4.4));
    assert_eq!(other["cvss_v3"]["baseSeverity"], "MEDIUM");
    let notes = vulns[0]["notes"].as_array().unwrap();
    assert!(notes.iter().any(|n| n["text"].as_str().unwrap().contains("CVSS:4.0/AV:N")), "v4 kept as a note");

    // Remediations name the fixes; the open range says none is known.
    let remediations = vulns[0]["remediations"].as_array().unwrap();
    let fix =
        remediations.iter().find(|r| r["details"] == "Upgrade Two_Words to version 1.0 or later.").unwrap();
    assert_eq!(fix["category"], "vendor_fix");
    assert!(remediations.iter().any(|r| r["category"] == "none_available"
        && r["product_ids"].as_array().unwrap().contains(&json!(id_of("vers:pypi/>=2.0")))));

    // The reference with a space is left out; the repeated one written once.
    let refs = vulns[0]["references"].as_array().unwrap();
    assert_eq!(refs.len(), 1);
    assert_eq!(refs[0]["url"], "https://example.com/fix");
    assert_eq!(vulns[0]["acknowledgments"][0]["names"], json!(["Ada (finder)", "Bob"]));

    // A withdrawn record says so; for a record without packages there is no document.
    let [(_, withdrawn), _] = documents(&records[1]).unwrap();
    assert_eq!(withdrawn["vulnerabilities"][0]["cve"], "CVE-2023-9999");
    assert!(withdrawn["document"]["notes"].to_string().contains("withdrawn on 2023-06-01"));
    assert!(documents(&records[2]).is_none(), "no package: CSAF does not apply");
}

/// An advisory revised three times after its publication: the history numbers every revision,
/// `tracking.version` is the last number and the current release its date; dates never go
/// back. The reference validator accepts the document.
#[test]
fn every_known_revision_is_numbered() {
    let record = &parse_records(EDGE_CASES).unwrap()[0];
    let mut advisory = csaf::from_osv(record);
    let at = |s: &str| s.parse::<jiff::Timestamp>().unwrap();
    advisory.changes =
        vec![at("2024-02-01T00:00:00Z"), at("2024-03-01T00:00:00Z"), at("2024-02-15T00:00:00Z")];
    let doc = csaf::render(&advisory, Category::SecurityAdvisory, &context(&record.id.to_string())).unwrap();
    let tracking = &doc["document"]["tracking"];
    let history: Vec<(String, String)> = tracking["revision_history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["number"].as_str().unwrap().to_owned(), r["date"].as_str().unwrap().to_owned()))
        .collect();
    let expected = [
        ("1", "2024-01-01T00:00:00Z"),
        ("2", "2024-02-01T00:00:00Z"),
        ("3", "2024-03-01T00:00:00Z"),
        ("4", "2024-03-01T00:00:00Z"),
    ];
    assert_eq!(history, expected.map(|(n, d)| (n.to_owned(), d.to_owned())));
    assert_eq!(tracking["version"], "4");
    assert_eq!(tracking["current_release_date"], "2024-03-01T00:00:00Z");
    let Some(bad) = invalid(&[("revised".into(), doc)]) else { return };
    assert_eq!(bad, Vec::<String>::new());
}
