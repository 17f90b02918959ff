//! Hand-written inputs, one rule each: what is refused names the JSON path at fault.

use std::path::Path;

use accord_formats::osv::{Record, parse_records};

/// Reads `fixtures/osv/{name}` with `parse_records` and compares the outcome: `Ok(ids)` or the
/// error as displayed (its path, a colon, the message; only the start of the message is
/// compared, so that serde's wording of the details may change).
fn check(name: &str, expected: Result<&[&str], &str>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/fixtures/osv").join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    match (parse_records(&text), expected) {
        (Ok(records), Ok(ids)) => {
            let got: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
            assert_eq!(got, ids, "{name}");
        }
        (Err(e), Err(start)) => {
            let shown = e.to_string();
            assert!(shown.starts_with(start), "{name}: got {shown:?}, expected it to start with {start:?}");
        }
        (got, expected) => panic!("{name}: got {got:?}, expected {expected:?}"),
    }
}

#[test]
fn bad_inputs_are_refused_with_their_path() {
    check("valid-minimal.json", Ok(&["GHSA-aaaa-bbbb-cccc"]));
    check("not-json.txt", Err("expected an OSV record (a JSON object) or a list of them"));
    check("missing-modified.json", Err("missing field `modified`"));
    check(
        "unregistered-prefix.json",
        Err("id: \"ACCORD-2026-0001\" does not start with a registered OSV prefix"),
    );
    check(
        "timestamp-without-z.json",
        Err("modified: \"2024-05-01T12:00:00+02:00\" is not an RFC 3339 UTC timestamp"),
    );
    check("published-not-a-date.json", Err("published: \"2024-02-30T00:00:00Z\" is not a valid timestamp"));
    check(
        "event-with-two-keys.json",
        Err(
            "affected[0].ranges[0].events[1]: an event has exactly one of introduced, fixed, last_affected or limit",
        ),
    );
    check(
        "event-unknown-key.json",
        Err(
            "affected[0].ranges[0].events[1]: an event has exactly one of introduced, fixed, last_affected or limit",
        ),
    );
    check(
        "range-without-introduced.json",
        Err("affected[0].ranges[0].events: a range has an introduced event"),
    );
    check("range-type-unknown.json", Err("affected[0].ranges[0].type: unknown variant `SEMVERS`"));
    check("git-range-without-repo.json", Err("affected[0].ranges[0].repo: a GIT range names its repository"));
    check(
        "fixed-and-last-affected.json",
        Err("affected[0].ranges[0].events[2]: a range has fixed or last_affected events, not both"),
    );
    check(
        "ecosystem-wrong-case.json",
        Err("affected[0].package.ecosystem: \"pypi\" is not an OSV ecosystem"),
    );
    check(
        "ecosystem-empty-release.json",
        Err("affected[0].package.ecosystem: \"Debian:\" is not an OSV ecosystem"),
    );
    check("package-without-name.json", Err("affected[0].package: missing field `name`"));
    check(
        "severity-twice.json",
        Err("affected[0].severity: a record with a top-level severity has no per-package severity"),
    );
    check("severity-v3-with-v4-vector.json", Err("severity[0].score: \"CVSS:4.0/"));
    check("reference-type-unknown.json", Err("references[1].type: unknown variant `BLOG`"));
    check("credit-without-name.json", Err("credits[0]: missing field `name`"));
    check("aliases-not-strings.json", Err("aliases[1]: invalid type: integer `2`, expected a string"));
    check(
        "list-with-bad-second-record.json",
        Err("[1].modified: \"yesterday\" is not an RFC 3339 UTC timestamp"),
    );
    check("vulns-with-bad-first-record.json", Err("vulns[0]: missing field `modified`"));
    check("null-lists.json", Ok(&["GHSA-aaaa-bbbb-cccc"]));
    check("unknown-fields-kept.json", Ok(&["GHSA-aaaa-bbbb-cccc"]));
    check("trailing-garbage.json", Err("trailing characters at line 1 column"));
}

#[test]
fn unknown_fields_survive_serialization() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/fixtures/osv/unknown-fields-kept.json");
    let text = std::fs::read_to_string(path).unwrap();
    let record = &parse_records(&text).unwrap()[0];
    let written: serde_json::Value = serde_json::to_value(record).unwrap();
    let original: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(written, original);
    assert_eq!(record.to_json(), text.trim());
}

#[test]
fn a_record_built_in_code_serializes() {
    let record: Record =
        serde_json::from_str(r#"{"id": "x_ACCORD-2026-0001", "modified": "2026-01-02T03:04:05Z"}"#).unwrap();
    assert_eq!(record.original(), "");
    assert_eq!(record.to_json(), r#"{"id":"x_ACCORD-2026-0001","modified":"2026-01-02T03:04:05Z"}"#);
}

#[test]
fn ranges_convert_for_evaluation() {
    use accord_version::{Ecosystem, Verdict, affected};
    let text = r#"{"id": "PYSEC-2024-1", "modified": "2024-05-01T12:00:00Z", "affected": [{"package": {"ecosystem": "PyPI", "name": "demo"},
        "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "1.0"}, {"fixed": "1.4.2"}]}], "versions": ["0.9-legacy"]}]}"#;
    let record = &parse_records(text).unwrap()[0];
    let entry = &record.affected[0];
    assert_eq!(entry.ecosystem(), Some(Ecosystem::PyPi));
    let ranges = entry.version_ranges();
    for (version, verdict) in [
        ("0.9", Verdict::NotAffected),
        ("0.9-legacy", Verdict::Affected),
        ("1.0", Verdict::Affected),
        ("1.4.1", Verdict::Affected),
        ("1.4.2", Verdict::NotAffected),
    ] {
        assert_eq!(affected(Ecosystem::PyPi, &ranges, &entry.versions, version), Ok(verdict), "{version}");
    }
    assert_eq!(record.packages(), vec![("PyPI", "demo")]);
}
