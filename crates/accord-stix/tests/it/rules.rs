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

/// A change that sets one property.
fn set(key: &'static str, value: Value) -> impl FnOnce(&mut serde_json::Map<String, Value>) {
    move |o| {
        o.insert(key.to_owned(), value);
    }
}

/// A change that removes one property.
fn unset(key: &'static str) -> impl FnOnce(&mut serde_json::Map<String, Value>) {
    move |o| {
        o.remove(key);
    }
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
    check(unset("type"), Some(("type", "is required")));
    check(set("type", json!("Indicator")), Some(("type", "not a STIX type name")));
    check(unset("id"), Some(("id", "is required")));
    check(set("id", json!("malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f")), Some(("id", "does not match")));
    check(set("id", json!("indicator--1234")), Some(("id", "not a STIX identifier")));
    check(unset("spec_version"), Some(("spec_version", "is required")));
    check(set("spec_version", json!("2.0")), Some(("spec_version", "2.1")));
    check(unset("created"), Some(("created", "is required")));
    check(set("modified", json!("2016-04-06T20:03:48Z")), Some(("modified", "millisecond")));
    check(set("modified", json!("2015-04-06T20:03:48.000Z")), Some(("modified", "earlier than created")));
    check(set("created", json!("2016-04-06 20:03:48.000Z")), Some(("created", "not a STIX timestamp")));
    check(set("confidence", json!(101)), Some(("confidence", "0 to 100")));
    check(set("revoked", json!("no")), Some(("revoked", "true or false")));
    check(set("labels", json!([])), Some(("labels", "non-empty")));
    check(set("X-Custom", json!(1)), Some(("X-Custom", "property names")));
    check(set("x_acme_score", json!(1)), None);
}

#[test]
fn references() {
    check(
        set("created_by_ref", json!("malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f")),
        Some(("created_by_ref", "identity")),
    );
    check(
        set("object_marking_refs", json!(["identity--f431f809-377b-45e0-aa1c-6a4751cae5ff"])),
        Some(("object_marking_refs[0]", "marking-definition")),
    );
    check(set("object_marking_refs", json!([])), Some(("object_marking_refs", "non-empty")));
    check(set("x_acme_related_ref", json!("nope")), Some(("x_acme_related_ref", "not a STIX identifier")));
    check(
        set("extensions", json!({"x": {"deep_refs": ["bad"]}})),
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
        set("granular_markings", json!([{"selectors": ["pattern"]}])),
        Some(("granular_markings[0]", "exactly one")),
    );
    check(
        set("external_references", json!([{"url": "https://example.org"}])),
        Some(("external_references[0].source_name", "required")),
    );
    check(
        set("external_references", json!([{"source_name": "cve"}])),
        Some(("external_references[0].external_id", "CVE")),
    );
    check(
        set("kill_chain_phases", json!([{"kill_chain_name": "lockheed"}])),
        Some(("kill_chain_phases[0].phase_name", "required")),
    );
}

#[test]
fn indicator_rules() {
    check(unset("pattern"), Some(("pattern", "is required for indicator")));
    check(unset("valid_from"), Some(("valid_from", "is required")));
    check(set("valid_until", json!("2015-01-01T00:00:00Z")), Some(("valid_until", "later than valid_from")));
    check(set("valid_until", json!("2017-01-01T00:00:00Z")), None);
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
    let links = validate_object(&rel.to_string()).unwrap().links;
    assert_eq!(
        links.iter().map(|l| l.as_str()).collect::<Vec<_>>(),
        ["indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b"]
    );
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
    check(set("indicator_types", json!("malicious-activity")), Some(("indicator_types", "list of strings")));
    check(set("indicator_types", json!(["malicious-activity"])), None);
    check(set("name", json!(7)), Some(("name", "must be a string")));
    check(set("defanged", json!("yes")), Some(("defanged", "true or false")));
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

#[test]
fn recipients_and_sightings() {
    let recipient = "identity--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061";
    let mut v = indicator();
    v[accord_stix::RECIPIENTS_PROPERTY] = json!([recipient]);
    let s = validate_object(&v.to_string()).unwrap();
    assert_eq!(s.recipient_refs.iter().map(|r| r.as_str()).collect::<Vec<_>>(), [recipient]);
    assert_eq!(s.sighting_of_ref, None);

    check(set("x_accord_recipient_refs", json!([])), Some(("x_accord_recipient_refs", "non-empty")));
    check(set("x_accord_recipient_refs", json!(recipient)), Some(("x_accord_recipient_refs", "list")));
    check(
        set("x_accord_recipient_refs", json!(["malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"])),
        Some(("x_accord_recipient_refs[0]", "identity")),
    );

    let sighting = json!({
        "type": "sighting", "spec_version": "2.1",
        "id": "sighting--ee20065d-2555-424f-ad9e-0f8428623c75",
        "created": "2016-04-06T20:08:31.000Z", "modified": "2016-04-06T20:08:31.000Z",
        "sighting_of_ref": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"
    });
    let s = validate_object(&sighting.to_string()).unwrap();
    assert_eq!(
        s.sighting_of_ref.as_ref().unwrap().as_str(),
        "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"
    );
    assert_eq!(s.links, [s.sighting_of_ref.clone().unwrap()]);
    assert!(s.recipient_refs.is_empty());
}
