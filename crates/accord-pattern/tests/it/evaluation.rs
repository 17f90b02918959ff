//! Evaluation examples, written by hand (the differential corpus covers the rest).

use accord_pattern::{CompileError, Observation, ObservationSet, Pattern};
use serde_json::{Value, json};

fn observed(id: &str, first: &str, last: &str, number: u64, refs: &[&str]) -> Value {
    json!({"type": "observed-data", "id": id, "first_observed": first, "last_observed": last,
           "number_observed": number, "object_refs": refs})
}

fn matched(pattern: &str, objects: &[Value]) -> Option<Vec<String>> {
    let matcher = Pattern::parse(pattern).unwrap().compile().unwrap();
    let set = ObservationSet::from_objects(objects).unwrap();
    matcher.matches(set.observations()).unwrap().map(|ids| ids.into_iter().map(str::to_owned).collect())
}

fn world() -> Vec<Value> {
    vec![
        observed("observed-data--1", "2020-01-01T00:00:00Z", "2020-01-01T00:00:10Z", 1, &["file--1"]),
        observed(
            "observed-data--2",
            "2020-01-01T00:01:00Z",
            "2020-01-01T00:01:00Z",
            2,
            &["network-traffic--1"],
        ),
        json!({"type": "file", "id": "file--1", "name": "evil.exe", "size": 1024, "x_magic_hex": "4d5a"}),
        json!({"type": "ipv4-addr", "id": "ipv4-addr--1", "value": "10.1.2.3"}),
        json!({"type": "network-traffic", "id": "network-traffic--1", "src_ref": "ipv4-addr--1", "protocols": ["tcp"]}),
    ]
}

#[test]
fn comparisons_paths_and_references() {
    let w = world();
    assert_eq!(
        matched("[file:name = 'evil.exe' AND file:size >= 1000]", &w),
        Some(vec!["observed-data--1".into()])
    );
    assert!(matched("[file:name LIKE 'evil.%' AND file:x_magic_hex = h'4D5A']", &w).is_some());
    assert_eq!(matched("[file:name = 'evil.exe' AND network-traffic:protocols[0] = 'tcp']", &w), None);
    // The referenced object is not among observed-data--2's object_refs: it does not resolve.
    assert_eq!(matched("[network-traffic:src_ref.value ISSUBSET '10.0.0.0/8']", &w), None);
}

#[test]
fn observation_operators_and_qualifiers() {
    let mut w = world();
    w[1]["object_refs"] = json!(["network-traffic--1", "ipv4-addr--1"]);
    let both = Some(vec!["observed-data--1".to_owned(), "observed-data--2".to_owned()]);
    assert_eq!(
        matched("[file:name = 'evil.exe'] FOLLOWEDBY [network-traffic:src_ref.value = '10.1.2.3']", &w),
        both
    );
    assert_eq!(
        matched("[network-traffic:src_ref.value = '10.1.2.3'] FOLLOWEDBY [file:name = 'evil.exe']", &w),
        None
    );
    assert_eq!(
        matched("([file:size > 0] AND [network-traffic:protocols[*] = 'tcp']) WITHIN 50 SECONDS", &w),
        both
    );
    assert_eq!(
        matched("([file:size > 0] AND [network-traffic:protocols[*] = 'tcp']) WITHIN 49 SECONDS", &w),
        None
    );
    // number_observed 2: two observations, enough for REPEATS 2 but not 3.
    assert!(matched("[network-traffic:protocols[*] = 'tcp'] REPEATS 2 TIMES", &w).is_some());
    assert!(matched("[network-traffic:protocols[*] = 'tcp'] REPEATS 3 TIMES", &w).is_none());
    assert!(
        matched("[file:size > 0] START t'2020-01-01T00:00:10Z' STOP t'2020-01-02T00:00:00Z'", &w).is_some()
    );
    assert!(
        matched("[file:size > 0] START t'2019-01-01T00:00:00Z' STOP t'2020-01-01T00:00:00Z'", &w).is_none()
    );
}

#[test]
fn embedded_objects_of_stix_2_0() {
    let od = json!({"type": "observed-data", "id": "observed-data--9", "first_observed": "2020-01-01T00:00:00Z",
        "last_observed": "2020-01-01T00:00:00Z", "number_observed": 1,
        "objects": {"0": {"type": "ipv4-addr", "value": "192.168.0.1"},
                    "1": {"type": "network-traffic", "dst_ref": "0"}}});
    let objects = [od];
    assert!(matched("[network-traffic:dst_ref.value = '192.168.0.1']", &objects).is_some());
}

#[test]
fn one_observation_at_a_time() {
    let file = json!({"type": "file", "name": "a.exe"});
    let observation =
        Observation::new("log:1", "2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z", 1, vec![("0", &file)])
            .unwrap();
    let matcher =
        Pattern::parse("[file:name LIKE '%.exe'] AND [file:name = 'b']").unwrap().compile().unwrap();
    assert_eq!(matcher.observation_expressions(), 2);
    assert!(matcher.observation_passes(0, &observation).unwrap());
    assert!(!matcher.observation_passes(1, &observation).unwrap());
}

#[test]
fn what_the_reference_refuses_to_evaluate() {
    let compile = |p: &str| Pattern::parse(p).unwrap().compile().map(|_| ());
    assert_eq!(compile("[a:b = 1] REPEATS 0 TIMES"), Err(CompileError::ZeroRepeats));
    assert_eq!(compile("[a:b = 1] WITHIN 0 SECONDS"), Err(CompileError::NonPositiveWithin));
    assert!(matches!(compile("[a:b IN (1, 'x')]"), Err(CompileError::MixedSet(_))));
    assert!(matches!(compile("[a:b = t'2021-02-29T00:00:00Z']"), Err(CompileError::InvalidTimestamp(_))));
    assert!(matches!(compile("[a:b MATCHES '(']"), Err(CompileError::InvalidRegex { .. })));
}
