//! Real STIX objects and broken variants of them, for differential tests against reference
//! implementations.

use std::path::Path;

use accord_stix::Envelope;
use serde_json::{Value, json};

/// Every object of every envelope or bundle under `dir`.
pub fn objects(dir: &Path) -> Vec<Value> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&path).unwrap();
                for raw in Envelope::parse(&text).unwrap().objects {
                    out.push(serde_json::from_str(raw.get()).unwrap());
                }
            }
        }
    }
    out
}

/// Broken variants of one object: each property removed, made a number, made null, and the
/// timestamps and ids mangled.
pub fn variants(object: &Value) -> Vec<(String, Value)> {
    let map = object.as_object().unwrap();
    let mut out = Vec::new();
    for key in map.keys() {
        let mut v = map.clone();
        v.remove(key);
        out.push((format!("without {key}"), Value::Object(v)));
        for (what, replacement) in
            [("a number", json!(12345)), ("null", Value::Null), ("an empty list", json!([]))]
        {
            let mut v = map.clone();
            v.insert(key.clone(), replacement);
            out.push((format!("{key} as {what}"), Value::Object(v)));
        }
        if let Some(s) = map[key].as_str() {
            for (what, replacement) in [
                ("a local time", s.replace('Z', "+01:00")),
                ("another type's id", s.replacen(|c: char| c.is_ascii_lowercase(), "q", 1)),
                ("a short uuid", s.chars().take(s.len().saturating_sub(4)).collect()),
            ] {
                let mut v = map.clone();
                v.insert(key.clone(), Value::String(replacement));
                out.push((format!("{key} as {what}"), Value::Object(v)));
            }
        }
    }
    out
}
