use accord_stix::{ObjectKind, TlpLevel, validate_object};
use serde_json::{Value, json};

fn indicator() -> Value {
    json!({
        "type": "indicator",
        "spec_version": "2.1",
        "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
        "created": "2016-04-06T20:03:48.000Z",
        "modified": "2016-04-06T20:03:48.000Z",
        "created_by_ref": "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff",
        "object_marking_refs": [TlpLevel::Amber.marking_id()],
        "pattern": "[ipv4-addr:value = '198.51.100.1']",
        "pattern_type": "stix",
        "valid_from": "2016-01-01T00:00:00Z"
    })
}

/// Applies `change` to a valid indicator and expects exactly a problem on `property`
/// whose message contains `says` (or, with `None`, no problem at all).
fn check(change: impl FnOnce(&mut serde_json::Map<String, Value>), expected: Option<(&str, &str)>) {
    let mut v = indicator();
    change(v.as_object_mut().unwrap());
    let result = validate_object(&v.to_string());
    match (expected, result) {
        (None, Ok(_)) => {}
        (None, Err(p)) => panic!("expected valid, got {p:?}"),
        (Some((prop, says)), Ok(_)) => panic!("expected a problem on {prop} ({says}), got valid"),
        (Some((prop, says)), Err(problems)) => assert!(
            problems.iter().any(|p| p.property == prop && p.message.contains(says)),
            "expected {prop}: …{says}…, got {problems:?}"
        ),
    }
}

#[test]
fn a_valid_indicator_and_its_summary() {
    let s = validate_object(&indicator().to_string()).unwrap();
    assert_eq!(s.id.as_str(), "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
    assert_eq!(s.kind, ObjectKind::Domain);
    assert!(!s.custom);
    assert_eq!(s.modified.unwrap().as_str(), "2016-04-06T20:03:48.000Z");
    assert_eq!(s.created_by_ref.unwrap().object_type(), "identity");
    assert_eq!(
        TlpLevel::of_markings(s.object_marking_refs.iter().map(|m| m.as_str())),
        Some(TlpLevel::Amber)
    );
}

#[test]
fn common_properties() {
    check(
        |o| {
            o.remove("type");
        },
        Some(("type", "is required")),
    );
    check(
        |o| {
            o.insert("type".into(), json!("Indicator"));
        },
        Some(("type", "not a STIX type name")),
    );
    check(
        |o| {
            o.remove("id");
        },
        Some(("id", "is required")),
    );
    check(
        |o| {
            o.insert("id".into(), json!("malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"));
        },
        Some(("id", "does not match")),
    );
    check(
        |o| {
            o.insert("id".into(), json!("indicator--1234"));
        },
        Some(("id", "not a STIX identifier")),
    );
    check(
        |o| {
            o.remove("spec_version");
        },
        Some(("spec_version", "is required")),
    );
    check(
        |o| {
            o.insert("spec_version".into(), json!("2.0"));
        },
        Some(("spec_version", "2.1")),
    );
    check(
        |o| {
            o.remove("created");
        },
        Some(("created", "is required")),
    );
    check(
        |o| {
            o.insert("modified".into(), json!("2016-04-06T20:03:48Z"));
        },
        Some(("modified", "millisecond")),
    );
    check(
        |o| {
            o.insert("modified".into(), json!("2015-04-06T20:03:48.000Z"));
        },
        Some(("modified", "earlier than created")),
    );
    check(
        |o| {
            o.insert("created".into(), json!("2016-04-06 20:03:48.000Z"));
        },
        Some(("created", "not a STIX timestamp")),
    );
    check(
        |o| {
            o.insert("confidence".into(), json!(101));
        },
        Some(("confidence", "0 to 100")),
    );
    check(
        |o| {
            o.insert("revoked".into(), json!("no"));
        },
        Some(("revoked", "true or false")),
    );
    check(
        |o| {
            o.insert("labels".into(), json!([]));
        },
        Some(("labels", "non-empty")),
    );
    check(
        |o| {
            o.insert("X-Custom".into(), json!(1));
        },
        Some(("X-Custom", "property names")),
    );
    check(
        |o| {
            o.insert("x_acme_score".into(), json!(1));
        },
        None,
    );
}

#[test]
fn references() {
    check(
        |o| {
            o.insert("created_by_ref".into(), json!("malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"));
        },
        Some(("created_by_ref", "identity")),
    );
    check(
        |o| {
            o.insert("object_marking_refs".into(), json!(["identity--f431f809-377b-45e0-aa1c-6a4751cae5ff"]));
        },
        Some(("object_marking_refs[0]", "marking-definition")),
    );
    check(
        |o| {
            o.insert("object_marking_refs".into(), json!([]));
        },
        Some(("object_marking_refs", "non-empty")),
    );
    check(
        |o| {
            o.insert("x_acme_related_ref".into(), json!("nope"));
        },
        Some(("x_acme_related_ref", "not a STIX identifier")),
    );
    check(
        |o| {
            o.insert("extensions".into(), json!({"x": {"deep_refs": ["bad"]}}));
        },
        Some(("extensions.x.deep_refs[0]", "not a STIX identifier")),
    );
    check(
        |o| {
            o.insert(
                "granular_markings".into(),
                json!([{"selectors": ["pattern"], "marking_ref": TlpLevel::Red.marking_id()}]),
            );
        },
        None,
    );
    check(
        |o| {
            o.insert("granular_markings".into(), json!([{"selectors": ["pattern"]}]));
        },
        Some(("granular_markings[0]", "exactly one")),
    );
    check(
        |o| {
            o.insert("external_references".into(), json!([{"url": "https://example.org"}]));
        },
        Some(("external_references[0].source_name", "required")),
    );
    check(
        |o| {
            o.insert("external_references".into(), json!([{"source_name": "cve"}]));
        },
        Some(("external_references[0].external_id", "CVE")),
    );
    check(
        |o| {
            o.insert("kill_chain_phases".into(), json!([{"kill_chain_name": "lockheed"}]));
        },
        Some(("kill_chain_phases[0].phase_name", "required")),
    );
}

#[test]
fn indicator_rules() {
    check(
        |o| {
            o.remove("pattern");
        },
        Some(("pattern", "is required for indicator")),
    );
    check(
        |o| {
            o.remove("valid_from");
        },
        Some(("valid_from", "is required")),
    );
    check(
        |o| {
            o.insert("valid_until".into(), json!("2015-01-01T00:00:00Z"));
        },
        Some(("valid_until", "later than valid_from")),
    );
    check(
        |o| {
            o.insert("valid_until".into(), json!("2017-01-01T00:00:00Z"));
        },
        None,
    );
}

fn check_object(v: Value, expected: Option<(&str, &str)>) {
    match (expected, validate_object(&v.to_string())) {
        (None, Ok(_)) => {}
        (None, Err(p)) => panic!("{v}: expected valid, got {p:?}"),
        (Some((prop, says)), Ok(_)) => panic!("{v}: expected {prop} ({says})"),
        (Some((prop, says)), Err(problems)) => assert!(
            problems.iter().any(|p| p.property == prop && p.message.contains(says)),
            "{v}: expected {prop}: …{says}…, got {problems:?}"
        ),
    }
}

#[test]
fn observables_and_relationships() {
    let ip = json!({"type": "ipv4-addr", "id": "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd", "value": "198.51.100.3"});
    check_object(ip.clone(), None);
    let s = validate_object(&ip.to_string()).unwrap();
    assert_eq!((s.kind, s.spec_version.as_str(), s.modified), (ObjectKind::Observable, "2.1", None));
    check_object(
        json!({"type": "ipv4-addr", "id": "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd"}),
        Some(("value", "required")),
    );
    check_object(
        json!({"type": "ipv4-addr", "id": "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd", "value": "x", "created": "2016-04-06T20:03:48.000Z"}),
        Some(("created", "cyber-observable")),
    );
    check_object(
        json!({"type": "file", "id": "file--ff26c055-6336-5bc5-b98d-13d6226742dd"}),
        Some(("hashes", "hashes or a name")),
    );
    check_object(
        json!({"type": "network-traffic", "id": "network-traffic--ff26c055-6336-5bc5-b98d-13d6226742dd", "protocols": ["tcp"]}),
        Some(("src_ref", "src_ref or dst_ref")),
    );
    let rel = json!({
        "type": "relationship", "spec_version": "2.1", "id": "relationship--57b56a43-b8b0-4cba-9deb-34e3e1faed9e",
        "created": "2016-04-06T20:06:37.000Z", "modified": "2016-04-06T20:06:37.000Z", "relationship_type": "indicates",
        "source_ref": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "target_ref": "malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b"
    });
    check_object(rel.clone(), None);
    let mut bad = rel.clone();
    bad["target_ref"] = json!("sighting--31b940d4-6f7f-459a-80ea-9c1f17b5891b");
    check_object(bad, Some(("target_ref", "not a relationship")));
    let mut bad = rel;
    bad.as_object_mut().unwrap().remove("source_ref");
    check_object(bad, Some(("source_ref", "is required for relationship")));
    let sighting = json!({
        "type": "sighting", "spec_version": "2.1", "id": "sighting--ee20065d-2555-424f-ad9e-0f8428623c75",
        "created": "2016-04-06T20:08:31.000Z", "modified": "2016-04-06T20:08:31.000Z",
        "sighting_of_ref": "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd", "count": -1
    });
    check_object(sighting.clone(), Some(("sighting_of_ref", "SDO")));
    check_object(sighting, Some(("count", "0 to 999999999")));
    let observed = json!({
        "type": "observed-data", "spec_version": "2.1", "id": "observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf",
        "created": "2016-04-06T19:58:16.000Z", "modified": "2016-04-06T19:58:16.000Z",
        "first_observed": "2015-12-21T19:00:00Z", "last_observed": "2015-12-21T19:00:00Z", "number_observed": 0
    });
    check_object(observed.clone(), Some(("number_observed", "1 to")));
    check_object(observed, Some(("object_refs", "needs object_refs")));
}

#[test]
fn markings_custom_objects_and_garbage() {
    let tlp = json!({
        "type": "marking-definition", "spec_version": "2.1", "id": TlpLevel::Green.marking_id(),
        "created": "2022-10-01T00:00:00.000Z", "name": "TLP:GREEN",
        "extensions": {"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {"extension_type": "property-extension", "tlp_2_0": "green"}}
    });
    let s = validate_object(&tlp.to_string()).unwrap();
    assert_eq!(s.modified, s.created, "a marking's version is its creation");
    let custom = json!({
        "type": "x-acme-widget", "spec_version": "2.1", "id": "x-acme-widget--57b56a43-b8b0-4cba-9deb-34e3e1faed9e",
        "created": "2016-04-06T20:06:37.000Z", "modified": "2016-04-06T20:06:37.000Z"
    });
    assert!(validate_object(&custom.to_string()).unwrap().custom);
    for garbage in ["[]", "42", "{", ""] {
        assert!(validate_object(garbage).is_err(), "{garbage}");
    }
}

#[test]
fn property_shapes_and_values() {
    check(
        |o| {
            o.insert("indicator_types".into(), json!("malicious-activity"));
        },
        Some(("indicator_types", "list of strings")),
    );
    check(
        |o| {
            o.insert("indicator_types".into(), json!(["malicious-activity"]));
        },
        None,
    );
    check(
        |o| {
            o.insert("name".into(), json!(7));
        },
        Some(("name", "must be a string")),
    );
    check(
        |o| {
            o.insert("defanged".into(), json!("yes"));
        },
        Some(("defanged", "true or false")),
    );
    let ip = |value: &str, t: &str| json!({"type": t, "id": format!("{t}--ff26c055-6336-5bc5-b98d-13d6226742dd"), "value": value});
    check_object(ip("198.51.100.0/24", "ipv4-addr"), None);
    check_object(ip("198.51.1", "ipv4-addr"), Some(("value", "not an IPv4 address")));
    check_object(ip("198.51.100.0/33", "ipv4-addr"), Some(("value", "not an IPv4 address")));
    check_object(ip("2001:db8::/32", "ipv6-addr"), None);
    check_object(ip("198.51.100.3", "ipv6-addr"), Some(("value", "not an IPv6 address")));
    let rel = |rt: &str| {
        json!({
            "type": "relationship", "spec_version": "2.1", "id": "relationship--57b56a43-b8b0-4cba-9deb-34e3e1faed9e",
            "created": "2016-04-06T20:06:37.000Z", "modified": "2016-04-06T20:06:37.000Z", "relationship_type": rt,
            "source_ref": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "target_ref": "malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b"
        })
    };
    check_object(rel("attributed-to"), None);
    check_object(rel(""), Some(("relationship_type", "lower-case")));
    check_object(rel("Uses"), Some(("relationship_type", "lower-case")));
}
