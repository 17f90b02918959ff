//! `accord db import` and `accord scan` end to end: the real advisories of the shared fixtures
//! imported into a database, package lists (`*.accord-packages.json`) of real package versions
//! at and around every range boundary of the RustSec and Go records, and findings compared
//! with what the ranges say, computed here independently with the `semver` crate's
//! precedence; PyPI versions named in the PyPA records' `versions` lists; exit codes, a
//! malformed file among good ones, ignores, SARIF and CycloneDX VEX, and `--server` against
//! the demo server.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

use crate::bin;
use crate::semver_reference::{in_range, sv};

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .current_dir(dir)
        .env_remove("ACCORD_SCAN_DB")
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .stdin(Stdio::null())
        .output()
        .expect("run accord")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn import(dir: &Path, sources: &[&Path]) -> PathBuf {
    let db = dir.join("osv.db");
    let mut args = vec!["db", "import", "--db", db.to_str().unwrap()];
    args.extend(sources.iter().map(|s| s.to_str().unwrap()));
    let out = run(dir, &args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("Indexed"), "{}", text(&out.stderr));
    db
}

fn write_list(path: &Path, packages: &[(String, String, String)]) {
    let list: Vec<Value> =
        packages.iter().map(|(e, n, v)| json!({"ecosystem": e, "name": n, "version": v})).collect();
    std::fs::write(path, serde_json::to_string_pretty(&list).unwrap()).unwrap();
}

fn scan_json(dir: &Path, args: &[&str]) -> (Option<i32>, Value, String) {
    let mut all = vec!["scan", "--format", "json"];
    all.extend_from_slice(args);
    let out = run(dir, &all);
    let doc = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", text(&out.stdout), text(&out.stderr)));
    (out.status.code(), doc, text(&out.stderr))
}

/// (package, advisory) pairs of a list of the JSON output.
fn pairs(doc: &Value, list: &str) -> BTreeSet<(String, String, String, String)> {
    doc[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = &f["package"];
            (
                p["ecosystem"].as_str().unwrap().to_owned(),
                p["name"].as_str().unwrap().to_owned(),
                p["version"].as_str().unwrap().to_owned(),
                f["advisory"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

struct Entry {
    id: String,
    informational: bool,
    ranges: Vec<Vec<(String, String)>>,
    versions: Vec<String>,
}

/// Every entry of the SEMVER records of a folder, by (ecosystem, name); withdrawn records out.
fn semver_entries(dir: &Path) -> BTreeMap<(String, String), Vec<Entry>> {
    let mut by_package: BTreeMap<(String, String), Vec<Entry>> = BTreeMap::new();
    for file in std::fs::read_dir(dir).unwrap() {
        let path = file.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let r: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        if r.get("withdrawn").is_some_and(|w| !w.is_null()) {
            continue;
        }
        for a in r["affected"].as_array().into_iter().flatten() {
            let Some(p) = a.get("package") else { continue };
            let ranges: Vec<Vec<(String, String)>> = a["ranges"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|g| g["type"] == "SEMVER")
                .map(|g| {
                    g["events"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .flat_map(|e| e.as_object().unwrap().iter())
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                        .collect()
                })
                .collect();
            let versions = a["versions"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|v| v.as_str().unwrap().to_owned())
                .collect();
            let informational = a["database_specific"]["informational"].is_string();
            by_package
                .entry((p["ecosystem"].as_str().unwrap().to_owned(), p["name"].as_str().unwrap().to_owned()))
                .or_default()
                .push(Entry { id: r["id"].as_str().unwrap().to_owned(), informational, ranges, versions });
        }
    }
    by_package
}

/// Versions at and around every boundary of a package's ranges.
fn boundary_versions(entries: &[Entry]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for e in entries {
        for (_, at) in e.ranges.iter().flatten() {
            let Some(v) = sv(at) else { continue };
            out.insert(v.to_string());
            let mut after = v.clone();
            after.pre = semver::Prerelease::EMPTY;
            after.build = semver::BuildMetadata::EMPTY;
            after.patch += 1;
            out.insert(after.to_string());
            if v.patch > 0 && v.pre.is_empty() {
                let mut before = v.clone();
                before.patch -= 1;
                out.insert(before.to_string());
            }
        }
    }
    out
}

#[test]
fn scan_finds_what_the_real_advisories_ranges_say() {
    let Some(root) = accord_testkit::shared_fixtures("osv") else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = import(dir.path(), &[&root.join("rustsec"), &root.join("go"), &root.join("pypa")]);
    let mut packages = Vec::new();
    let mut expected_findings = BTreeSet::new();
    let mut expected_warnings = BTreeSet::new();
    for ((ecosystem, name), entries) in
        semver_entries(&root.join("rustsec")).into_iter().chain(semver_entries(&root.join("go")))
    {
        let versions = boundary_versions(&entries);
        'version: for version in versions {
            let v = sv(&version).unwrap();
            // Go lockfiles (go.mod) write versions with a `v`
            let written = if ecosystem == "Go" { format!("v{version}") } else { version.clone() };
            let mut found = Vec::new();
            for e in &entries {
                let mut hit = e.versions.contains(&version);
                for r in &e.ranges {
                    match in_range(r, &v) {
                        Some(h) => hit |= h,
                        None => continue 'version, // not readable here: not part of the check
                    }
                }
                if hit {
                    found.push((e.id.clone(), e.informational));
                }
            }
            for (id, informational) in found {
                let key = (ecosystem.clone(), name.clone(), written.clone(), id);
                if informational {
                    expected_warnings.insert(key)
                } else {
                    expected_findings.insert(key)
                };
            }
            packages.push((ecosystem.clone(), name.clone(), written));
        }
    }
    // PyPI: versions the PyPA records list explicitly (names as written in the record, and in
    // another spelling PEP 503 makes equal)
    let mut pypi_expected = BTreeSet::new();
    for ((ecosystem, name), entries) in semver_entries(&root.join("pypa")).into_iter().take(300) {
        let Some(e) = entries.iter().find(|e| !e.versions.is_empty()) else { continue };
        let respelled = name.to_uppercase().replace('-', "_");
        packages.push((ecosystem.clone(), respelled.clone(), e.versions[0].clone()));
        pypi_expected.insert((ecosystem, respelled, e.versions[0].clone(), e.id.clone()));
    }
    assert!(packages.len() > 5000, "{} packages", packages.len());
    assert!(expected_findings.len() > 1000 && !expected_warnings.is_empty());
    write_list(&dir.path().join("real.accord-packages.json"), &packages);
    let started = std::time::Instant::now();
    let (code, doc, stderr) =
        scan_json(dir.path(), &["--db", db.to_str().unwrap(), "real.accord-packages.json"]);
    eprintln!("scanned {} packages in {:?}", packages.len(), started.elapsed());
    assert_eq!(code, Some(1), "{stderr}");
    let findings = pairs(&doc, "findings");
    let semver_findings: BTreeSet<_> = findings.iter().filter(|p| p.0 != "PyPI").cloned().collect();
    let missing: Vec<_> = expected_findings.difference(&semver_findings).take(10).collect();
    let extra: Vec<_> = semver_findings.difference(&expected_findings).take(10).collect();
    assert!(missing.is_empty() && extra.is_empty(), "missing {missing:?}\nextra {extra:?}");
    assert_eq!(pairs(&doc, "warnings"), expected_warnings);
    let missing: Vec<_> = pypi_expected.iter().filter(|p| !findings.contains(*p)).take(10).collect();
    assert!(missing.is_empty(), "PyPI missing {missing:?}");
    // the documented shape
    let f = &doc["findings"][0];
    for key in ["source", "package", "advisory", "aliases", "fixed"] {
        assert!(f.get(key).is_some(), "{key} in {f}");
    }
    assert_eq!(f["source"], "real.accord-packages.json");
    assert!(f["line"].as_u64().unwrap() >= 2);
    assert!(doc["errors"].as_array().unwrap().is_empty());
    // fixed versions are the `fixed` events of the ranges that hold the version
    let time: Vec<&Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["advisory"] == "RUSTSEC-2020-0071" && f["package"]["name"] == "time")
        .collect();
    assert!(!time.is_empty());
    for f in time {
        let v = sv(f["package"]["version"].as_str().unwrap()).unwrap();
        // one range, fixed at 0.2.0, …, 0.2.6 and 0.2.23: the first fix above the version
        let fixes = ["0.2.0", "0.2.1", "0.2.2", "0.2.3", "0.2.4", "0.2.5", "0.2.6", "0.2.23"];
        let next = fixes.iter().find(|x| sv(x).unwrap().cmp_precedence(&v).is_gt()).unwrap();
        let want = json!([next]);
        assert_eq!(f["fixed"], want, "{f}");
    }
}

/// A database of the RustSec records, and a folder to scan.
fn rustsec_setup() -> Option<(tempfile::TempDir, String)> {
    let root = accord_testkit::shared_fixtures("osv")?;
    let dir = tempfile::tempdir().unwrap();
    let db = import(dir.path(), &[&root.join("rustsec")]);
    Some((dir, db.to_str().unwrap().to_owned()))
}

fn pkg(e: &str, n: &str, v: &str) -> (String, String, String) {
    (e.to_owned(), n.to_owned(), v.to_owned())
}

#[test]
fn exit_codes_ignores_and_malformed_files() {
    let Some((dir, db)) = rustsec_setup() else { return };
    let d = dir.path();
    std::fs::create_dir_all(d.join("clean")).unwrap();
    write_list(&d.join("clean/app.accord-packages.json"), &[pkg("crates.io", "time", "0.3.47")]);
    // node_modules and target are not walked into
    std::fs::create_dir_all(d.join("clean/node_modules/x")).unwrap();
    write_list(&d.join("clean/node_modules/x/accord-packages.json"), &[pkg("crates.io", "time", "0.1.44")]);
    let (code, doc, stderr) = scan_json(d, &["--db", &db, "clean"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(doc["findings"], json!([]));

    std::fs::create_dir_all(d.join("vuln")).unwrap();
    write_list(&d.join("vuln/accord-packages.json"), &[pkg("crates.io", "time", "0.1.44")]);
    let (code, doc, _) = scan_json(d, &["--db", &db, "vuln"]);
    assert_eq!(code, Some(1));
    assert_eq!(doc["findings"][0]["advisory"], "RUSTSEC-2020-0071");
    assert_eq!(doc["findings"][0]["aliases"], json!(["CVE-2020-26235", "GHSA-wcg3-cvx6-7396"]));

    // ignored by id or alias: nothing found
    let (code, _, stderr) = scan_json(d, &["--db", &db, "--ignore", "CVE-2020-26235", "vuln"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("1 ignored"), "{stderr}");
    // an ignore file: a live entry applies, an expired one says so and does not
    std::fs::write(
        d.join("live.ignore"),
        "# accepted\nRUSTSEC-2020-0071  # no call path  until=2999-01-01\n",
    )
    .unwrap();
    let (code, _, stderr) = scan_json(d, &["--db", &db, "--ignore-file", "live.ignore", "vuln"]);
    assert_eq!(code, Some(0), "{stderr}");
    std::fs::write(d.join("old.ignore"), "RUSTSEC-2020-0071  # was fine  until=2020-01-01\n").unwrap();
    let (code, _, stderr) = scan_json(d, &["--db", &db, "--ignore-file", "old.ignore", "vuln"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("old.ignore:1") && stderr.contains("no longer applies"), "{stderr}");
    std::fs::write(d.join("bad.ignore"), "A B\n").unwrap();
    let out = run(d, &["scan", "--db", &db, "--ignore-file", "bad.ignore", "vuln"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("bad.ignore: line 1"), "{}", text(&out.stderr));

    // informational only: a warning, exit 0 unless --deny warnings
    std::fs::create_dir_all(d.join("warn")).unwrap();
    write_list(&d.join("warn/accord-packages.json"), &[pkg("crates.io", "ansi_term", "0.12.1")]);
    let (code, doc, _) = scan_json(d, &["--db", &db, "warn"]);
    assert_eq!(code, Some(0));
    assert_eq!(doc["warnings"][0]["advisory"], "RUSTSEC-2021-0139", "{doc}");
    assert_eq!(doc["warnings"][0]["informational"], "unmaintained");
    let (code, _, _) = scan_json(d, &["--db", &db, "--deny", "warnings", "warn"]);
    assert_eq!(code, Some(1));

    // a malformed file: an error naming it and its line; the others are still scanned; exit 2
    std::fs::write(
        d.join("vuln/broken.accord-packages.json"),
        "[\n  {\"ecosystem\": \"npm\",\n   \"name\": 1}\n]",
    )
    .unwrap();
    let (code, doc, stderr) = scan_json(d, &["--db", &db, "vuln", "clean"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(doc["findings"][0]["advisory"], "RUSTSEC-2020-0071");
    let err = &doc["errors"][0];
    assert_eq!(err["source"], "vuln/broken.accord-packages.json", "{err}");
    assert_eq!(err["line"], 3, "{err}");
    assert!(stderr.contains("error: vuln/broken.accord-packages.json:3:"), "{stderr}");
    // a named file of no known format is an error too
    std::fs::write(d.join("README.md"), "hello").unwrap();
    let (code, doc, _) = scan_json(d, &["--db", &db, "README.md"]);
    assert_eq!(code, Some(2));
    assert_eq!(doc["errors"][0]["source"], "README.md");

    // no database: exit 2 with a hint
    let out = run(d, &["scan", "--db", "missing.db", "clean"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("hint: build one with `accord db import"), "{}", text(&out.stderr));
    // not a database
    let out = run(d, &["scan", "--db", "README.md", "clean"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("not an Accord advisory database"), "{}", text(&out.stderr));

    // the default database is in the user's cache folder
    let out = run(
        d,
        &[
            "db",
            "import",
            &accord_testkit::shared_fixtures("osv")
                .unwrap()
                .join("rustsec/RUSTSEC-2020-0071.json")
                .display()
                .to_string(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(d.join("cache/accord/osv.db").is_file());
    let (code, _, _) = scan_json(d, &["vuln/accord-packages.json"]);
    assert_eq!(code, Some(1));

    // the table for people
    let out = run(d, &["scan", "--db", &db, "vuln/accord-packages.json", "warn"]);
    let table = text(&out.stdout);
    assert!(
        table.contains("PACKAGE") && table.contains("RUSTSEC-2020-0071") && table.contains("0.2.0"),
        "{table}"
    );
    assert!(table.contains("Warnings (1)") && table.contains("unmaintained"), "{table}");
}

#[test]
fn import_refuses_an_invalid_record_and_keeps_the_old_database() {
    let Some((dir, db)) = rustsec_setup() else { return };
    let before = std::fs::read(&db).unwrap();
    std::fs::write(dir.path().join("bad.json"), r#"{"id": "RUSTSEC-2099-0001", "modified": "yesterday"}"#)
        .unwrap();
    let out = run(dir.path(), &["db", "import", "--db", &db, "bad.json"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("bad.json") && stderr.contains("modified") && stderr.contains("not written"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn sarif_and_cyclonedx_vex_outputs() {
    let Some((dir, db)) = rustsec_setup() else { return };
    let d = dir.path();
    write_list(
        &d.join("app.accord-packages.json"),
        &[
            pkg("crates.io", "time", "0.1.44"),
            pkg("crates.io", "smallvec", "1.6.0"),
            pkg("crates.io", "ansi_term", "0.12.1"),
        ],
    );
    let out = run(d, &["scan", "--db", &db, "--format", "sarif", "app.accord-packages.json"]);
    assert_eq!(out.status.code(), Some(1));
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(sarif["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run0 = &sarif["runs"][0];
    let driver = &run0["tool"]["driver"];
    assert_eq!(driver["name"], "accord");
    assert!(driver["informationUri"].as_str().unwrap().starts_with("https://"));
    let rules = driver["rules"].as_array().unwrap();
    let rule_ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(rule_ids, ["RUSTSEC-2020-0071", "RUSTSEC-2021-0003", "RUSTSEC-2021-0139"]);
    for r in rules {
        assert!(r["shortDescription"]["text"].is_string() && r["helpUri"].is_string(), "{r}");
    }
    let results = run0["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    for (i, res) in results.iter().enumerate() {
        let rule = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(res["ruleId"], rules[rule]["id"]);
        assert!(["error", "warning", "note"].contains(&res["level"].as_str().unwrap()));
        assert!(res["message"]["text"].as_str().unwrap().contains(rule_ids[i]));
        let loc = &res["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "app.accord-packages.json");
        // each object of the pretty-printed list takes five lines, after the `[`
        assert_eq!(loc["region"]["startLine"], 5 * i as u64 + 2);
        assert!(res["partialFingerprints"].as_object().is_some_and(|m| !m.is_empty()));
    }
    assert_eq!(results[1]["level"], "error"); // smallvec: critical
    assert_eq!(results[2]["level"], "note"); // unmaintained

    let out = run(d, &["scan", "--db", &db, "--format", "cyclonedx-vex", "app.accord-packages.json"]);
    assert_eq!(out.status.code(), Some(1));
    let bom: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(bom["bomFormat"], "CycloneDX");
    assert_eq!(bom["specVersion"], "1.5");
    let refs: BTreeSet<&str> =
        bom["components"].as_array().unwrap().iter().map(|c| c["bom-ref"].as_str().unwrap()).collect();
    assert_eq!(refs, BTreeSet::from(["pkg:cargo/smallvec@1.6.0", "pkg:cargo/time@0.1.44"]));
    let vulns = bom["vulnerabilities"].as_array().unwrap();
    assert_eq!(vulns.len(), 2, "informational advisories are not vulnerabilities");
    for v in vulns {
        assert_eq!(v["analysis"]["state"], "exploitable");
        assert!(v["source"]["url"].as_str().unwrap().contains(v["id"].as_str().unwrap()));
        assert!(v["ratings"][0]["severity"].is_string());
        for a in v["affects"].as_array().unwrap() {
            assert!(refs.contains(a["ref"].as_str().unwrap()), "{a}");
        }
    }
    assert_eq!(vulns[1]["ratings"][0]["severity"], "critical");
}

#[test]
fn server_and_database_find_the_same_in_the_demo_records() {
    let server = crate::demo_server();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../accord-app/demo/osv.json");
    let db = import(d, &[&demo]);
    let mut packages = Vec::new();
    let records: Vec<Value> = serde_json::from_slice(&std::fs::read(&demo).unwrap()).unwrap();
    for r in &records {
        for a in r["affected"].as_array().unwrap() {
            let (e, n) =
                (a["package"]["ecosystem"].as_str().unwrap(), a["package"]["name"].as_str().unwrap());
            for g in a["ranges"].as_array().unwrap() {
                for ev in g["events"].as_array().unwrap() {
                    let v = ev.as_object().unwrap().values().next().unwrap().as_str().unwrap();
                    if v != "0" {
                        packages.push(pkg(e, n, v));
                    }
                }
            }
            packages.push(pkg(e, n, "0.0.1"));
        }
    }
    write_list(&d.join("demo.accord-packages.json"), &packages);
    let (code_db, by_db, stderr) = scan_json(d, &["--db", db.to_str().unwrap(), "demo.accord-packages.json"]);
    assert_eq!(code_db, Some(1), "{stderr}");
    let (code_server, by_server, stderr) =
        scan_json(d, &["--server", &server.url(""), "demo.accord-packages.json"]);
    assert_eq!(code_server, Some(1), "{stderr}");
    assert!(pairs(&by_db, "findings").len() >= 8, "{by_db}");
    assert_eq!(by_db, by_server);
    // the withdrawn demo record is never found
    assert!(!by_db.to_string().contains("x_DEMO-2025-0010"));
}

/// `(name, version)` of every crates.io package of a Cargo.lock, read line by line here
/// (independently of the scanner's parser).
fn cargo_lock_packages(text: &str) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for block in text.split("[[package]]").skip(1) {
        let field = |key: &str| {
            block.lines().find_map(|l| {
                l.strip_prefix(key)
                    .and_then(|rest| rest.trim_start().strip_prefix('='))
                    .map(|v| v.trim().trim_matches('"').to_owned())
            })
        };
        let from_crates_io = field("source").is_some_and(|s| {
            s == "registry+https://github.com/rust-lang/crates.io-index"
                || s == "sparse+https://index.crates.io/"
        });
        if let (Some(name), Some(version), true) = (field("name"), field("version"), from_crates_io) {
            out.insert((name, version));
        }
    }
    out
}

#[test]
fn real_cargo_lockfiles_give_what_the_ranges_say() {
    let Some(root) = accord_testkit::shared_fixtures("osv") else { return };
    let Some(lockfiles) = accord_testkit::shared_fixtures("lockfiles") else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = import(dir.path(), &[&root.join("rustsec")]);
    let rustsec = semver_entries(&root.join("rustsec"));
    let mut expected_findings = BTreeSet::new();
    let mut expected_warnings = BTreeSet::new();
    let mut files = 0;
    for entry in std::fs::read_dir(&lockfiles).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_str().unwrap().to_owned();
        if !file.ends_with("Cargo.lock") {
            continue;
        }
        files += 1;
        std::fs::copy(&path, dir.path().join(&file)).unwrap();
        for (name, version) in cargo_lock_packages(&std::fs::read_to_string(&path).unwrap()) {
            let Some(entries) = rustsec.get(&("crates.io".to_owned(), name.clone())) else { continue };
            let v = sv(&version).unwrap();
            for e in entries {
                let hit = e.versions.contains(&version)
                    || e.ranges.iter().any(|r| in_range(r, &v).expect("RustSec ranges read as SemVer"));
                if hit {
                    let key = (file.clone(), name.clone(), version.clone(), e.id.clone());
                    if e.informational {
                        expected_warnings.insert(key);
                    } else {
                        expected_findings.insert(key);
                    }
                }
            }
        }
    }
    assert_eq!(files, 5, "the shared fixtures hold five Cargo.lock files");
    assert!(!expected_findings.is_empty() && !expected_warnings.is_empty());
    let (code, doc, stderr) = scan_json(dir.path(), &["--db", db.to_str().unwrap(), "."]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(doc["errors"].as_array().unwrap().is_empty(), "{}", doc["errors"]);
    let with_file = |list: &str| -> BTreeSet<(String, String, String, String)> {
        doc[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let source = f["source"].as_str().unwrap();
                let file = source.rsplit('/').next().unwrap().to_owned();
                let p = &f["package"];
                assert_eq!(p["ecosystem"], "crates.io");
                (
                    file,
                    p["name"].as_str().unwrap().to_owned(),
                    p["version"].as_str().unwrap().to_owned(),
                    f["advisory"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(with_file("findings"), expected_findings);
    assert_eq!(with_file("warnings"), expected_warnings);
    eprintln!(
        "{} findings and {} warnings in {files} real Cargo.lock files, as the RustSec ranges say",
        expected_findings.len(),
        expected_warnings.len()
    );
}

/// The real Python lockfiles of the shared fixtures (`requirements.txt` pins and `uv.lock`),
/// scanned against every shared OSV record, give the findings that the `packaging` library
/// gives for the same pins and the same `ECOSYSTEM` ranges (`tests/python/pypi_reference.py`,
/// which reads the lockfiles and evaluates the ranges on its own).
#[test]
fn real_python_lockfiles_agree_with_the_packaging_library() {
    let Some(root) = accord_testkit::shared_fixtures("osv") else { return };
    let Some(lockfiles) = accord_testkit::shared_fixtures("lockfiles") else { return };
    let Some(python) = accord_testkit::python_oracles() else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = import(dir.path(), &[&root]);
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&lockfiles).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_str().unwrap().to_owned();
        if file.ends_with("requirements.txt") || file.ends_with("uv.lock") {
            std::fs::copy(&path, dir.path().join(&file)).unwrap();
            files.push(path.to_str().unwrap().to_owned());
        }
    }
    files.sort();
    assert!(files.len() >= 7, "the shared fixtures hold five requirements files and two uv.lock: {files:?}");
    let mut args = vec![root.to_str().unwrap()];
    args.extend(files.iter().map(String::as_str));
    let reference: Value =
        serde_json::from_str(&accord_testkit::run_python(&python, "pypi_reference.py", &args, "").unwrap())
            .unwrap();
    assert_eq!(reference["unreadable"], json!([]), "range versions that packaging cannot read");
    let expected: BTreeSet<(String, String, String, String)> = reference["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let s = |i: usize| f[i].as_str().unwrap().to_owned();
            (s(0), s(1), s(2), s(3))
        })
        .collect();
    assert!(expected.len() >= 20, "the reference finds something to compare: {expected:?}");

    let (code, doc, stderr) = scan_json(dir.path(), &["--db", db.to_str().unwrap(), "."]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(doc["errors"].as_array().unwrap().is_empty(), "{}", doc["errors"]);
    let normal = |name: &str| {
        let mut out = String::new();
        for c in name.chars() {
            let c = if matches!(c, '-' | '_' | '.') { '-' } else { c.to_ascii_lowercase() };
            if !(c == '-' && out.ends_with('-')) {
                out.push(c);
            }
        }
        out
    };
    let mut found = BTreeSet::new();
    for list in ["findings", "warnings"] {
        for f in doc[list].as_array().unwrap() {
            let p = &f["package"];
            assert_eq!(p["ecosystem"], "PyPI");
            found.insert((
                f["source"].as_str().unwrap().rsplit('/').next().unwrap().to_owned(),
                normal(p["name"].as_str().unwrap()),
                p["version"].as_str().unwrap().to_owned(),
                f["advisory"].as_str().unwrap().to_owned(),
            ));
        }
    }
    let missed: Vec<_> = expected.difference(&found).collect();
    let extra: Vec<_> = found.difference(&expected).collect();
    assert!(missed.is_empty() && extra.is_empty(), "missed by accord: {missed:#?}\nonly accord: {extra:#?}");
    eprintln!("{} findings in {} real Python lockfiles, as packaging says", expected.len(), files.len());
}
