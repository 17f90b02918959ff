//! Keeps the dependency edges of the workspace as ARCHITECTURE.md draws them.

use std::collections::{BTreeMap, BTreeSet};

fn workspace_edges() -> BTreeMap<String, BTreeSet<String>> {
    let out = std::process::Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut edges = BTreeMap::new();
    for p in meta["packages"].as_array().unwrap() {
        let deps = p["dependencies"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["kind"].is_null()) // normal dependencies only
            .map(|d| d["name"].as_str().unwrap().to_owned())
            .collect();
        edges.insert(p["name"].as_str().unwrap().to_owned(), deps);
    }
    edges
}

/// Layers from the top; a crate may use only crates of lower layers.
const LAYERS: &[&[&str]] = &[
    &["accord"],
    &["accord-server", "accord-client"],
    &["accord-app"],
    &["accord-store"],
    // the pure crates
    // the scanning engine reads advisories (formats), versions and lockfiles
    // hunting indicators in logs compiles STIX patterns (accord-pattern)
    &["accord-scan", "accord-hunt"],
    &["accord-taxii", "accord-formats", "accord-pattern"],
    &["accord-model", "accord-stix", "accord-version", "accord-lockfile", "accord-tlog"],
    // CVSS vectors: their errors are refusals of the model (`accord_model::refusal`)
    &["accord-cvss"],
];

const PURE: &[&str] = &[
    "accord-model",
    "accord-stix",
    "accord-taxii",
    "accord-cvss",
    "accord-version",
    "accord-formats",
    "accord-lockfile",
    "accord-scan",
    "accord-tlog",
    "accord-pattern",
    "accord-hunt",
];
const IO_CRATES: &[&str] =
    &["tokio", "rusqlite", "axum", "reqwest", "lettre", "tokio-postgres", "hyper", "getrandom"];

/// Crates that talk to other machines (HTTP, SMTP): only `accord-client` uses them below the
/// binary, so every outbound call is made there and its results go through the use cases.
const NETWORK_CLIENTS: &[&str] = &["reqwest", "lettre"];

#[test]
fn layers_only_point_down() {
    let edges = workspace_edges();
    let layer_of = |name: &str| LAYERS.iter().position(|l| l.contains(&name));
    for (krate, deps) in &edges {
        if krate == "accord-testkit" {
            continue;
        }
        let Some(mine) = layer_of(krate) else { panic!("{krate} is not placed in a layer of this test") };
        for dep in deps.iter().filter(|d| d.starts_with("accord")) {
            let theirs = layer_of(dep).unwrap_or_else(|| panic!("{dep} is not placed in a layer"));
            assert!(theirs > mine, "{krate} must not depend on {dep} (same or higher layer)");
        }
    }
}

#[test]
fn the_server_cannot_reach_the_store() {
    let edges = workspace_edges();
    assert!(!edges["accord-server"].contains("accord-store"));
    assert!(!edges["accord-server"].contains("rusqlite"));
    assert!(!edges["accord"].contains("accord-store"));
}

#[test]
fn outbound_http_goes_through_the_use_cases() {
    let edges = workspace_edges();
    assert!(!edges["accord-client"].contains("accord-store"));
    assert!(!edges["accord-client"].contains("rusqlite"));
    for krate in ["accord-app", "accord-store", "accord-server"] {
        for client in NETWORK_CLIENTS {
            assert!(
                !edges[krate].contains(*client),
                "{krate} must leave {client} (outbound calls) to accord-client"
            );
        }
    }
}

#[test]
fn pure_crates_do_no_io() {
    let edges = workspace_edges();
    for krate in PURE {
        for io in IO_CRATES {
            assert!(!edges[*krate].contains(*io), "{krate} must not depend on {io}");
        }
    }
}

#[test]
fn only_the_store_speaks_sql() {
    let edges = workspace_edges();
    for (krate, deps) in &edges {
        if krate != "accord-store" {
            assert!(!deps.contains("rusqlite"), "{krate} must leave SQL to accord-store");
        }
    }
}
