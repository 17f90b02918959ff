//! `accord pattern check` and `accord pattern match` end to end: answers, exit codes, and
//! errors that say where.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{Value, json};

use crate::bin;

fn accord(args: &[&str]) -> Output {
    Command::new(bin()).args(args).output().expect("run accord")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn check_says_ok_or_where_the_pattern_is_wrong() {
    let out = accord(&[
        "pattern",
        "check",
        "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f' OR ipv4-addr:value ISSUBSET '10.0.0.0/8'] WITHIN 60 SECONDS",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "ok\n");

    let out = accord(&["pattern", "check", "[ipv4-addr:value = '1.2.3.4'"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(err.contains("line 1, column 29") && err.contains("expected ']'"), "{err}");

    // The second line's operator is unknown: the error names line 2.
    let out = accord(&["pattern", "check", "[ipv4-addr:value = '1.2.3.4']\nAND [domain-name:value ~ 'x']"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("line 2, column"), "{err}");
}

fn observed(id: &str, refs: &[&str], at: &str) -> Value {
    json!({
        "type": "observed-data", "spec_version": "2.1", "id": id,
        "created": at, "modified": at, "first_observed": at, "last_observed": at,
        "number_observed": 1, "object_refs": refs,
    })
}

fn write_bundle(dir: &Path, objects: Vec<Value>) -> String {
    let path = dir.join("bundle.json");
    let bundle =
        json!({"type": "bundle", "id": "bundle--6b6b0f8a-6a3c-4d8f-9b8d-3f8f4c2b1a01", "objects": objects});
    std::fs::write(&path, serde_json::to_string_pretty(&bundle).unwrap()).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn match_prints_the_matching_observed_data_and_exits_by_the_answer() {
    let dir = tempfile::tempdir().unwrap();
    let od1 = "observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf";
    let od2 = "observed-data--cf8eaa41-6f4c-482e-89b9-9cd2d6a83cb1";
    let ip = "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd";
    let domain = "domain-name--3c10e93f-798e-5a26-a0c1-08156efab7f5";
    let file = write_bundle(
        dir.path(),
        vec![
            observed(od1, &[ip], "2026-01-01T10:00:00Z"),
            observed(od2, &[domain], "2026-01-01T10:00:30Z"),
            json!({"type": "ipv4-addr", "spec_version": "2.1", "id": ip, "value": "198.51.100.7"}),
            json!({"type": "domain-name", "spec_version": "2.1", "id": domain, "value": "evil.example"}),
        ],
    );

    let out = accord(&["pattern", "match", "[ipv4-addr:value ISSUBSET '198.51.100.0/24']", &file]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(serde_json::from_slice::<Value>(&out.stdout).unwrap(), json!([od1]));

    // Two observations, one after the other within the minute.
    let out = accord(&[
        "pattern",
        "match",
        "([ipv4-addr:value = '198.51.100.7'] FOLLOWEDBY [domain-name:value = 'evil.example']) WITHIN 60 SECONDS",
        &file,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let ids: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&od1.to_owned()) && ids.contains(&od2.to_owned()), "{ids:?}");

    // The other order does not hold.
    let out = accord(&[
        "pattern",
        "match",
        "[domain-name:value = 'evil.example'] FOLLOWEDBY [ipv4-addr:value = '198.51.100.7']",
        &file,
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(serde_json::from_slice::<Value>(&out.stdout).unwrap(), json!([]));
}

#[test]
fn match_refuses_bad_input_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.json");
    std::fs::write(&file, "{\"type\": \"bundle\",\n \"objects\": [}\n").unwrap();
    let out = accord(&["pattern", "match", "[ipv4-addr:value = '1.2.3.4']", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("broken.json:2:"), "{err}");

    let out = accord(&["pattern", "match", "[ipv4-addr:value = ", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("the pattern is not valid"), "{}", text(&out.stderr));

    let missing = dir.path().join("missing.json");
    let out = accord(&["pattern", "match", "[ipv4-addr:value = '1.2.3.4']", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("missing.json"), "{}", text(&out.stderr));
}
