//! The demo's STIX content, as TAXII clients get it, and checked by the OASIS reference
//! libraries.

use std::collections::BTreeSet;

use accord_app::demo::{MEMBERS_BUNDLE, MEMBERS_COLLECTION, PUBLIC_BUNDLE, PUBLIC_COLLECTION};
use accord_testkit::{StatusCode, json};
use serde_json::Value;

use crate::demo_server;
use crate::taxii::{collection_id_of, get, member_token};

fn bundle_ids(bundle: &str) -> BTreeSet<String> {
    let v: Value = serde_json::from_str(bundle).unwrap();
    v["objects"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap().to_owned()).collect()
}

fn ids(body: &Value) -> BTreeSet<String> {
    body["objects"]
        .as_array()
        .map(|a| a.iter().map(|o| o["id"].as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

#[test]
fn the_demo_collections_serve_their_content_by_tlp() {
    let s = demo_server();
    let public = collection_id_of(&s, PUBLIC_COLLECTION);
    let members = collection_id_of(&s, MEMBERS_COLLECTION);
    let objects = |collection: &str| format!("/taxii2/accord/collections/{collection}/objects/");

    // Anyone reads the whole public content, without an account.
    let resp = get(&s, &objects(&public), None);
    assert_eq!(resp.status(), StatusCode::OK);
    let body = json(resp);
    assert_eq!(ids(&body), bundle_ids(PUBLIC_BUNDLE));
    let types: BTreeSet<&str> =
        body["objects"].as_array().unwrap().iter().map(|o| o["type"].as_str().unwrap()).collect();
    for t in ["intrusion-set", "location", "malware", "indicator", "relationship", "attack-pattern", "report"]
    {
        assert!(types.contains(t), "no {t} in the public demo content");
    }
    let intrusion_sets =
        json(get(&s, &format!("{}?match[type]=intrusion-set", objects(&public)), None))["objects"].clone();
    let names: BTreeSet<&str> =
        intrusion_sets.as_array().unwrap().iter().map(|o| o["name"].as_str().unwrap()).collect();
    for name in ["APT28", "APT29", "APT33", "APT41", "Lazarus Group"] {
        assert!(names.contains(name), "{name} missing: {names:?}");
    }

    // The members' collection: the producer's organisation (Cisco) sees the TLP:AMBER
    // indicator, another signatory only the TLP:GREEN content, and anonymous callers nothing.
    let all = bundle_ids(MEMBERS_BUNDLE);
    let cisco = format!("Bearer {}", member_token(&s, "cisco.com"));
    assert_eq!(ids(&json(get(&s, &objects(&members), Some(&cisco)))), all);
    let microsoft = format!("Bearer {}", member_token(&s, "microsoft.com"));
    let seen = ids(&json(get(&s, &objects(&members), Some(&microsoft))));
    assert_eq!(all.difference(&seen).count(), 2, "the AMBER indicator and its relationship are hidden");
    assert!(seen.is_subset(&all));
    assert_eq!(get(&s, &objects(&members), None).status(), StatusCode::NOT_FOUND);
}

/// Every demo object passes the OASIS `stix2` library without custom content, and every
/// indicator pattern passes `stix2-patterns`.
#[test]
fn the_demo_content_passes_the_reference_libraries() {
    let Some(python) = accord_testkit::python_oracles() else { return };
    let mut objects = Vec::new();
    for bundle in [PUBLIC_BUNDLE, MEMBERS_BUNDLE] {
        let v: Value = serde_json::from_str(bundle).unwrap();
        objects.extend(v["objects"].as_array().unwrap().iter().cloned());
    }
    // Two controls that must be refused: a custom property, and a pattern that does not parse.
    let indicator = objects.iter().find(|o| o["type"] == "indicator").unwrap().clone();
    let mut custom = indicator.clone();
    custom["x_accord"] = Value::Bool(true);
    let mut broken = indicator;
    broken["pattern"] = Value::String("[ipv4-addr:value = ]".into());
    let input: String = objects.iter().chain([&custom, &broken]).map(|o| format!("{o}\n")).collect();
    let out = accord_testkit::run_python(&python, "stix2_strict_verdicts.py", &[], &input).unwrap();
    let verdicts: Vec<&str> = out.lines().collect();
    assert_eq!(verdicts.len(), objects.len() + 2);
    let (demo, controls) = verdicts.split_at(objects.len());
    let refused: Vec<String> = objects
        .iter()
        .zip(demo)
        .filter(|(_, v)| **v != "ok")
        .map(|(o, v)| format!("{}: {v}", o["id"]))
        .collect();
    assert!(refused.is_empty(), "refused by the reference libraries:\n{}", refused.join("\n"));
    assert!(controls.iter().all(|v| v.starts_with("error")), "{controls:?}");
    assert!(objects.iter().filter(|o| o["type"] == "indicator").count() >= 10);
}
