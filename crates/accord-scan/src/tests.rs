//! The engine on records written here: ranges, fixed versions, informational and withdrawn
//! advisories, the database's bytes.

use accord_formats::osv::parse_record;

use crate::db::{Added, DatabaseBuilder, DbError};
use crate::ignore;
use crate::scan::{Query, Report, scan};

fn record(json: &str) -> accord_formats::osv::Record {
    parse_record(json).unwrap_or_else(|e| panic!("{e}\n{json}"))
}

fn osv(id: &str, ecosystem: &str, name: &str, ranges: &str, extra: &str) -> String {
    format!(
        r#"{{"id": "{id}", "modified": "2024-01-01T00:00:00Z", "aliases": ["CVE-2024-{n}"], "summary": "summary of {id}"{extra},
            "affected": [{{"package": {{"ecosystem": "{ecosystem}", "name": "{name}"}}, "ranges": {ranges}}}]}}"#,
        n = id.len() + 1000,
    )
}

fn db_of(records: &[String]) -> crate::Database {
    let mut b = DatabaseBuilder::new();
    for r in records {
        b.add(&record(r));
    }
    let db = b.finish().unwrap();
    // every test also goes through the bytes
    crate::Database::from_bytes(db.to_bytes().to_vec()).unwrap()
}

fn ids(report: &Report, list: &[crate::Finding]) -> Vec<(usize, String, Vec<String>)> {
    list.iter().map(|f| (f.package, report.advisories[f.advisory].id.clone(), f.fixed.clone())).collect()
}

/// `check(records, (ecosystem, name, version), expected (id, fixed))` over findings.
fn check(records: &[String], package: (&str, &str, &str), expected: &[(&str, &[&str])]) {
    let db = db_of(records);
    let q = [Query { ecosystem: package.0, name: package.1, version: package.2 }];
    let report = scan(&db, &q).unwrap();
    let got: Vec<(String, Vec<String>)> =
        ids(&report, &report.findings).into_iter().map(|(_, id, fixed)| (id, fixed)).collect();
    let want: Vec<(String, Vec<String>)> = expected
        .iter()
        .map(|(id, fixed)| ((*id).to_owned(), fixed.iter().map(|s| (*s).to_owned()).collect()))
        .collect();
    assert_eq!(got, want, "{package:?}");
}

const TWO_RANGES: &str = r#"[{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.2.3"}]},
    {"type": "SEMVER", "events": [{"introduced": "2.0.0"}, {"fixed": "2.0.5"}]}]"#;

#[test]
fn semver_boundaries_and_the_fixed_version_of_the_matching_range() {
    let r = [osv("RUSTSEC-2024-0001", "crates.io", "foo", TWO_RANGES, "")];
    check(&r, ("crates.io", "foo", "0.1.0"), &[("RUSTSEC-2024-0001", &["1.2.3"])]);
    check(&r, ("crates.io", "foo", "1.2.2"), &[("RUSTSEC-2024-0001", &["1.2.3"])]);
    check(&r, ("crates.io", "foo", "1.2.3"), &[]);
    check(&r, ("crates.io", "foo", "1.9.9"), &[]);
    check(&r, ("crates.io", "foo", "2.0.0"), &[("RUSTSEC-2024-0001", &["2.0.5"])]);
    check(&r, ("crates.io", "foo", "2.0.5"), &[]);
    check(&r, ("crates.io", "bar", "0.1.0"), &[]);
    check(&r, ("npm", "foo", "0.1.0"), &[]);
}

#[test]
fn the_fix_closing_the_stretch_of_a_multi_branch_range() {
    let ranges = r#"[{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.20.5"}, {"introduced": "1.21.0"}, {"fixed": "1.21.2"}]}]"#;
    let r = [osv("GO-2024-0001", "Go", "stdlib", ranges, "")];
    check(&r, ("Go", "stdlib", "v1.19.0"), &[("GO-2024-0001", &["1.20.5"])]);
    check(&r, ("Go", "stdlib", "1.21.1"), &[("GO-2024-0001", &["1.21.2"])]);
    check(&r, ("Go", "stdlib", "1.20.5"), &[]);
}

#[test]
fn last_affected_and_ecosystem_order() {
    let ranges =
        r#"[{"type": "ECOSYSTEM", "events": [{"introduced": "1.0"}, {"last_affected": "1.5.post1"}]}]"#;
    let r = [osv("PYSEC-2024-1", "PyPI", "Zope.Interface", ranges, "")];
    check(&r, ("PyPI", "zope-interface", "1.5"), &[("PYSEC-2024-1", &[])]);
    check(&r, ("PyPI", "ZOPE_interface", "1.5.post1"), &[("PYSEC-2024-1", &[])]);
    check(&r, ("PyPI", "zope.interface", "1.5.post2"), &[]);
    check(&r, ("PyPI", "zope.interface", "1.0rc1"), &[]);
}

#[test]
fn explicit_versions_match_and_give_the_entry_fixed_versions() {
    let r = [String::from(
        r#"{"id": "PYSEC-2024-2", "modified": "2024-01-01T00:00:00Z", "affected": [{"package": {"ecosystem": "PyPI", "name": "x"},
        "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "2.0"}, {"fixed": "2.1"}]}], "versions": ["1.0-weird", "2.0"]}]}"#,
    )];
    check(&r, ("PyPI", "x", "1.0-weird"), &[("PYSEC-2024-2", &["2.1"])]);
    check(&r, ("PyPI", "x", "1.0"), &[]);
}

#[test]
fn withdrawn_records_are_left_out_and_duplicates_counted() {
    let live = osv("GHSA-aaaa-bbbb-cccc", "npm", "left-pad", TWO_RANGES, "");
    let gone =
        osv("GHSA-dddd-eeee-ffff", "npm", "left-pad", TWO_RANGES, r#", "withdrawn": "2024-02-01T00:00:00Z""#);
    let mut b = DatabaseBuilder::new();
    assert_eq!(b.add(&record(&live)), Added::Indexed);
    assert_eq!(b.add(&record(&gone)), Added::Withdrawn);
    assert_eq!(b.add(&record(&live)), Added::Duplicate);
    let counts = b.counts();
    assert_eq!((counts.indexed, counts.withdrawn, counts.duplicates), (1, 1, 1));
    check(&[live, gone], ("npm", "left-pad", "1.0.0"), &[("GHSA-aaaa-bbbb-cccc", &["1.2.3"])]);
}

#[test]
fn informational_advisories_are_warnings() {
    let ranges = r#"[{"type": "SEMVER", "events": [{"introduced": "0"}]}]"#;
    let unmaintained = format!(
        r#"{{"id": "RUSTSEC-2024-0002", "modified": "2024-01-01T00:00:00Z", "affected": [{{"package": {{"ecosystem": "crates.io", "name": "old"}},
        "ranges": {ranges}, "database_specific": {{"informational": "unmaintained"}}}}]}}"#
    );
    let vuln = osv("RUSTSEC-2024-0003", "crates.io", "old", TWO_RANGES, "");
    let db = db_of(&[unmaintained, vuln]);
    let report = scan(&db, &[Query { ecosystem: "crates.io", name: "old", version: "1.0.0" }]).unwrap();
    assert_eq!(
        ids(&report, &report.findings),
        [(0, "RUSTSEC-2024-0003".to_owned(), vec!["1.2.3".to_owned()])]
    );
    assert_eq!(ids(&report, &report.warnings), [(0, "RUSTSEC-2024-0002".to_owned(), vec![])]);
    let a = &report.advisories[report.warnings[0].advisory];
    assert_eq!(a.informational.as_deref(), Some("unmaintained"));
}

#[test]
fn git_only_entries_are_not_evaluated() {
    let ranges = r#"[{"type": "GIT", "repo": "https://example.com/x", "events": [{"introduced": "0"}, {"fixed": "abcdef0"}]}]"#;
    let db = db_of(&[osv("OSV-2024-1", "OSS-Fuzz", "x", ranges, "")]);
    let report = scan(&db, &[Query { ecosystem: "OSS-Fuzz", name: "x", version: "1.0" }]).unwrap();
    assert!(report.findings.is_empty());
    assert_eq!(ids(&report, &report.not_evaluated), [(0, "OSV-2024-1".to_owned(), vec![])]);
}

#[test]
fn severity_aliases_and_summary_are_kept() {
    let r = osv(
        "GHSA-aaaa-bbbb-cccc",
        "npm",
        "x",
        TWO_RANGES,
        r#", "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]"#,
    );
    let db = db_of(&[r]);
    let report = scan(&db, &[Query { ecosystem: "npm", name: "x", version: "1.0.0" }]).unwrap();
    let a = &report.advisories[0];
    assert_eq!(a.severity.as_deref(), Some("CRITICAL"));
    assert_eq!(a.aliases, ["CVE-2024-1019"]);
    assert_eq!(a.summary.as_deref(), Some("summary of GHSA-aaaa-bbbb-cccc"));
}

#[test]
fn one_finding_per_package_and_advisory_in_package_order() {
    let db = db_of(&[
        osv("RUSTSEC-2024-0001", "crates.io", "foo", TWO_RANGES, ""),
        osv("RUSTSEC-2024-0009", "crates.io", "bar", TWO_RANGES, ""),
    ]);
    let q = [
        Query { ecosystem: "crates.io", name: "bar", version: "2.0.1" },
        Query { ecosystem: "crates.io", name: "foo", version: "9.0.0" },
        Query { ecosystem: "crates.io", name: "foo", version: "1.0.0" },
        Query { ecosystem: "crates.io", name: "bar", version: "2.0.1" },
    ];
    let report = scan(&db, &q).unwrap();
    let got: Vec<_> = ids(&report, &report.findings).into_iter().map(|(p, id, _)| (p, id)).collect();
    assert_eq!(
        got,
        [(0, "RUSTSEC-2024-0009".into()), (2, "RUSTSEC-2024-0001".into()), (3, "RUSTSEC-2024-0009".into())]
    );
    assert_eq!(report.advisories.len(), 2);
}

#[test]
fn ignored_ids_and_aliases_are_removed() {
    let db = db_of(&[osv("RUSTSEC-2024-0001", "crates.io", "foo", TWO_RANGES, "")]);
    let mut report = scan(&db, &[Query { ecosystem: "crates.io", name: "foo", version: "1.0.0" }]).unwrap();
    assert_eq!(ignore::apply(&mut report.clone(), &["RUSTSEC-2024-0001"].into()), 1);
    assert_eq!(ignore::apply(&mut report, &["CVE-2024-1017"].into()), 1);
    assert!(report.findings.is_empty());
}

#[test]
fn damaged_or_foreign_bytes_are_refused() {
    let db = db_of(&[osv("RUSTSEC-2024-0001", "crates.io", "foo", TWO_RANGES, "")]);
    let bytes = db.to_bytes().to_vec();
    assert_eq!(crate::Database::from_bytes(b"hello".to_vec()).unwrap_err(), DbError::NotADatabase);
    let mut other = bytes.clone();
    other[8] = 9;
    assert_eq!(crate::Database::from_bytes(other).unwrap_err(), DbError::Format { found: 9 });
    for cut in [bytes.len() - 1, 30, 12] {
        assert!(crate::Database::from_bytes(bytes[..cut].to_vec()).is_err(), "cut at {cut}");
    }
    // damage in the body is found when read, never a panic
    for i in 28..bytes.len() {
        let mut broken = bytes.clone();
        broken[i] ^= 0xff;
        if let Ok(db) = crate::Database::from_bytes(broken) {
            let _ = scan(&db, &[Query { ecosystem: "crates.io", name: "foo", version: "1.0.0" }]);
        }
    }
}

fn outcome_fixture() -> (crate::Report, Vec<crate::Located>) {
    let unmaintained = String::from(
        r#"{"id": "RUSTSEC-2024-0002", "modified": "2024-01-01T00:00:00Z", "affected": [{"package": {"ecosystem": "crates.io", "name": "old"},
        "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}], "database_specific": {"informational": "unmaintained"}}]}"#,
    );
    let db = db_of(&[osv("RUSTSEC-2024-0001", "crates.io", "foo", TWO_RANGES, ""), unmaintained]);
    let source: std::sync::Arc<str> = "dir/Cargo.lock".into();
    let packages: Vec<crate::Located> = [("foo", "1.0.0", 7), ("old", "0.1.0", 9)]
        .into_iter()
        .map(|(name, version, line)| crate::Located {
            source: source.clone(),
            package: accord_lockfile::Package {
                ecosystem: "crates.io".into(),
                name: name.into(),
                version: version.into(),
                line: Some(line),
            },
        })
        .collect();
    let queries: Vec<Query<'_>> = packages
        .iter()
        .map(|l| Query {
            ecosystem: &l.package.ecosystem,
            name: &l.package.name,
            version: &l.package.version,
        })
        .collect();
    (scan(&db, &queries).unwrap(), packages)
}

#[test]
fn writers_say_the_same_findings() {
    let (report, packages) = outcome_fixture();
    let errors = [crate::FileError { source: "x/yarn.lock".into(), line: Some(4), message: "bad".into() }];
    let outcome = crate::Outcome { packages: &packages, report: &report, errors: &errors };

    let json: serde_json::Value = serde_json::from_str(&outcome.to_json()).unwrap();
    assert_eq!(json["findings"][0]["source"], "dir/Cargo.lock");
    assert_eq!(json["findings"][0]["line"], 7);
    assert_eq!(
        json["findings"][0]["package"],
        serde_json::json!({"ecosystem": "crates.io", "name": "foo", "version": "1.0.0"})
    );
    assert_eq!(json["findings"][0]["fixed"], serde_json::json!(["1.2.3"]));
    assert_eq!(json["warnings"][0]["informational"], "unmaintained");
    assert_eq!(json["errors"][0], serde_json::json!({"source": "x/yarn.lock", "line": 4, "message": "bad"}));

    let table = outcome.to_table();
    assert!(table.starts_with("Vulnerabilities (1)\nPACKAGE"), "{table}");
    assert!(table.contains("foo (crates.io)  1.0.0") && table.contains("dir/Cargo.lock:7"), "{table}");
    assert!(table.contains("Warnings (1)"), "{table}");

    let sarif: serde_json::Value = serde_json::from_str(&crate::sarif::to_sarif(&outcome, "9.9.9")).unwrap();
    let results = &sarif["runs"][0]["results"];
    assert_eq!(results.as_array().unwrap().len(), 2);
    assert_eq!(results[0]["locations"][0]["physicalLocation"]["region"]["startLine"], 7);
    assert_eq!(results[1]["level"], "note");
    assert_eq!(sarif["runs"][0]["tool"]["driver"]["version"], "9.9.9");

    let vex: serde_json::Value =
        serde_json::from_str(&crate::cyclonedx::to_cyclonedx_vex(&outcome, "9.9.9")).unwrap();
    assert_eq!(vex["vulnerabilities"].as_array().unwrap().len(), 1);
    assert_eq!(vex["vulnerabilities"][0]["affects"][0]["ref"], "pkg:cargo/foo@1.0.0");
    assert_eq!(vex["vulnerabilities"][0]["recommendation"], "Upgrade foo to 1.2.3");
    assert_eq!(vex["components"][0]["purl"], "pkg:cargo/foo@1.0.0");
}
