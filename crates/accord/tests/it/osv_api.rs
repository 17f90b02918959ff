//! The OSV query API (`POST /v1/query`, `POST /v1/querybatch`) against the real advisories of
//! the shared fixtures (RustSec and the Go vulnerability database, both with SEMVER ranges):
//! every introduced, fixed and last-affected version, and the patch releases just before and
//! after each, is asked in batches, and each answer is compared with what the advisories'
//! ranges say, computed here independently with the `semver` crate's precedence.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use accord_testkit::{StatusCode, TestServer, json};
use serde_json::{Value, json as j};

use crate::semver_reference::{in_range, sv};
use crate::{accord, bin};

/// (advisory id, ranges as (kind, events), listed versions) of one package.
type Entries = Vec<(String, Vec<Vec<(String, String)>>, Vec<String>)>;

fn read_records(dir: &Path) -> Vec<Value> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            out.push(serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap());
        }
    }
    out
}

#[test]
fn querybatch_answers_every_boundary_of_real_advisories_as_their_ranges_say() {
    let Some(root) = accord_testkit::shared_fixtures("osv") else { return };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    let mut packages: BTreeMap<(String, String), Entries> = BTreeMap::new();
    for set in ["rustsec", "go"] {
        let o = accord(&data, &["admin", "import-osv", root.join(set).to_str().unwrap()]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        for r in read_records(&root.join(set)) {
            if r.get("withdrawn").is_some() {
                continue;
            }
            let id = r["id"].as_str().unwrap().to_owned();
            for a in r["affected"].as_array().into_iter().flatten() {
                let (Some(eco), Some(name)) =
                    (a["package"]["ecosystem"].as_str(), a["package"]["name"].as_str())
                else {
                    continue;
                };
                let ranges = a["ranges"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|r| r["type"] == "SEMVER")
                    .map(|r| {
                        r["events"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|e| {
                                let (k, v) = e.as_object().unwrap().iter().next().unwrap();
                                (k.clone(), v.as_str().unwrap().to_owned())
                            })
                            .collect()
                    })
                    .collect();
                let versions = a["versions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|v| v.as_str().unwrap().to_owned())
                    .collect();
                packages.entry((eco.to_owned(), name.to_owned())).or_default().push((
                    id.clone(),
                    ranges,
                    versions,
                ));
            }
        }
    }

    // The versions to ask, and what each answer must be.
    let mut queries: Vec<(String, String, String, BTreeSet<String>)> = Vec::new();
    let mut skipped_packages = 0;
    for ((eco, name), entries) in &packages {
        let mut boundaries = BTreeSet::new();
        for (_, ranges, _) in entries {
            for events in ranges {
                for (kind, v) in events {
                    if !(kind == "introduced" && v == "0") {
                        boundaries.insert(v.clone());
                    }
                }
            }
        }
        let mut asks = BTreeSet::new();
        let mut readable = true;
        for b in &boundaries {
            let Some(v) = sv(b) else {
                readable = false;
                break;
            };
            asks.insert(b.clone());
            if v.pre.is_empty() && v.build.is_empty() {
                asks.insert(format!("{}.{}.{}", v.major, v.minor, v.patch + 1));
                if v.patch > 0 {
                    asks.insert(format!("{}.{}.{}", v.major, v.minor, v.patch - 1));
                }
            }
        }
        if !readable {
            skipped_packages += 1;
            continue;
        }
        for ask in asks {
            let v = sv(&ask).unwrap();
            let mut expected = BTreeSet::new();
            for (id, ranges, versions) in entries {
                let hit = versions.contains(&ask)
                    || ranges.iter().any(|events| in_range(events, &v).unwrap_or(false));
                if hit {
                    expected.insert(id.clone());
                }
            }
            queries.push((eco.clone(), name.clone(), ask, expected));
        }
    }
    assert!(queries.len() > 10_000, "{} queries", queries.len());
    assert!(
        skipped_packages < packages.len() / 20,
        "{skipped_packages} of {} packages skipped",
        packages.len()
    );

    let s = TestServer::start_in(bin(), &data, &[]).unwrap();
    let mut failures = Vec::new();
    let mut affected_answers = 0;
    for chunk in queries.chunks(1000) {
        let body = j!({ "queries": chunk.iter().map(|(eco, name, v, _)| j!({
            "version": v, "package": { "ecosystem": eco, "name": name }
        })).collect::<Vec<_>>() });
        let resp = s.post_json("/v1/querybatch", None, &body);
        assert_eq!(resp.status(), StatusCode::OK);
        let answer = json(resp);
        let results = answer["results"].as_array().unwrap();
        assert_eq!(results.len(), chunk.len());
        for ((eco, name, v, expected), result) in chunk.iter().zip(results) {
            let got: BTreeSet<String> = result["vulns"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|x| {
                    assert!(x["modified"].as_str().is_some_and(|m| m.ends_with('Z')), "{x}");
                    x["id"].as_str().unwrap().to_owned()
                })
                .collect();
            if !got.is_empty() {
                affected_answers += 1;
            }
            if &got != expected {
                failures.push(format!("{eco} {name} {v}: got {got:?}, expected {expected:?}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} answers differ, first: {:#?}",
        failures.len(),
        queries.len(),
        &failures[..failures.len().min(10)]
    );
    assert!(affected_answers > queries.len() / 5, "{affected_answers} affected answers of {}", queries.len());
}

#[test]
fn query_answers_records_purls_commits_and_errors_as_the_osv_service() {
    let s = crate::demo_server();
    // The demo's OSV set: find one of its packages and a version its ranges cover.
    let list = json(s.get("/api/v1/advisories?limit=100"));
    let imported = list["advisories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"].as_str().is_some_and(|i| i.starts_with("x_DEMO")) && a["withdrawn"].is_null())
        .expect("a demo advisory")
        .clone();
    let id = imported["id"].as_str().unwrap();
    let record = json(s.get(&format!("/v1/vulns/{id}")));
    let affected = &record["affected"][0];
    let (eco, name) =
        (affected["package"]["ecosystem"].as_str().unwrap(), affected["package"]["name"].as_str().unwrap());
    let events = affected["ranges"][0]["events"].as_array().unwrap();
    let fixed = events.iter().find_map(|e| e["fixed"].as_str()).expect("a fixed version");

    // By package: the whole record comes back; at the fixed version, `{}`.
    let resp = s.post_json("/v1/query", None, &j!({ "package": { "ecosystem": eco, "name": name } }));
    assert_eq!(resp.status(), StatusCode::OK);
    let all = json(resp);
    assert!(
        all["vulns"].as_array().unwrap().iter().any(|v| v["id"] == id && v["affected"].is_array()),
        "{all}"
    );
    let at_fixed = json(s.post_json(
        "/v1/query",
        None,
        &j!({ "version": fixed, "package": { "ecosystem": eco, "name": name } }),
    ));
    assert!(!at_fixed["vulns"].as_array().into_iter().flatten().any(|v| v["id"] == id), "{at_fixed}");

    // By purl, the same package.
    if let Some(purl) = affected["package"]["purl"].as_str() {
        let by_purl = json(s.post_json("/v1/query", None, &j!({ "package": { "purl": purl } })));
        assert!(by_purl["vulns"].as_array().unwrap().iter().any(|v| v["id"] == id), "{by_purl}");
        let at_fixed =
            json(s.post_json("/v1/query", None, &j!({ "package": { "purl": format!("{purl}@{fixed}") } })));
        assert!(!at_fixed["vulns"].as_array().into_iter().flatten().any(|v| v["id"] == id), "{at_fixed}");
    }

    // Errors: code 3 and a message, as the public service.
    for bad in [
        j!({ "version": "1.0.0" }),
        j!({ "package": { "name": name } }),
        j!({ "package": { "purl": "pkg:npm/x@1.0.0" }, "version": "1.0.0" }),
        j!({ "package": { "purl": "not a purl" } }),
        j!({ "package": { "ecosystem": eco, "name": name }, "commit": "abc" }),
        j!({ "package": { "ecosystem": eco, "name": name }, "unknown": 1 }),
    ] {
        let resp = s.post_json("/v1/query", None, &bad);
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{bad}");
        let err = json(resp);
        assert_eq!(err["code"], 3, "{err}");
        assert!(err["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    // A batch with one bad query names its position; too many queries are refused.
    let resp = s.post_json(
        "/v1/querybatch",
        None,
        &j!({ "queries": [
        { "package": { "ecosystem": eco, "name": name } }, { "version": "1" } ] }),
    );
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(json(resp)["message"].as_str().unwrap().contains("queries[1]"));
    let many: Vec<Value> = (0..1001).map(|_| j!({ "commit": "abc" })).collect();
    assert_eq!(
        s.post_json("/v1/querybatch", None, &j!({ "queries": many })).status(),
        StatusCode::BAD_REQUEST
    );
    // Nothing known: `{}` per query.
    let none = json(s.post_json("/v1/querybatch", None, &j!({ "queries": [{ "commit": "0123abc" }] })));
    assert_eq!(none, j!({ "results": [{}] }));
}
