//! Indicators from STIX objects: the `indicator`s with a STIX pattern, valid now and not
//! revoked, latest version of each id.

use accord_pattern::Pattern;
use serde_json::Value;

/// An indicator ready to hunt with.
#[derive(Debug, Clone)]
pub struct Indicator {
    pub id: String,
    pub name: Option<String>,
    pub pattern: Pattern,
    /// The pattern as written.
    pub pattern_text: String,
}

/// Why an indicator was left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skipped {
    /// `pattern_type` other than `stix` (Sigma, YARA, Snort…).
    NotStix {
        id: String,
        pattern_type: String,
    },
    Revoked {
        id: String,
    },
    /// `valid_until` is not after now.
    Expired {
        id: String,
    },
    /// `valid_from` is after now.
    NotYetValid {
        id: String,
    },
    /// The pattern does not parse. (One that parses but does not compile — an impossible
    /// date, an invalid regular expression — is refused by [`crate::Hunter::new`].)
    BadPattern {
        id: String,
        message: String,
    },
    /// The object lacks something an indicator must have.
    Malformed {
        id: String,
        message: String,
    },
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Skipped::NotStix { id, pattern_type } => {
                write!(f, "{id}: pattern_type {pattern_type:?} is not stix")
            }
            Skipped::Revoked { id } => write!(f, "{id}: revoked"),
            Skipped::Expired { id } => write!(f, "{id}: valid_until has passed"),
            Skipped::NotYetValid { id } => write!(f, "{id}: valid_from is in the future"),
            Skipped::BadPattern { id, message } => write!(f, "{id}: bad pattern: {message}"),
            Skipped::Malformed { id, message } => write!(f, "{id}: {message}"),
        }
    }
}

impl Skipped {
    /// A bad pattern or malformed indicator (as opposed to one deliberately out of date).
    pub fn is_error(&self) -> bool {
        matches!(self, Skipped::BadPattern { .. } | Skipped::Malformed { .. })
    }
}

/// The indicators read from some STIX objects.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub indicators: Vec<Indicator>,
    pub skipped: Vec<Skipped>,
}

fn micros(v: Option<&Value>) -> Result<Option<i64>, String> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => s
            .parse::<jiff::Timestamp>()
            .map(|t| Some(t.as_microsecond()))
            .map_err(|e| format!("{s:?} is not a timestamp: {e}")),
        Some(other) => Err(format!("{other} is not a timestamp")),
    }
}

/// The objects of a bundle (`{"type": "bundle", "objects": […]}`), a TAXII envelope
/// (`{"objects": […]}`), a list, or one object.
pub fn objects_of(document: &Value) -> Vec<&Value> {
    match document {
        Value::Array(list) => list.iter().collect(),
        Value::Object(map) => match map.get("objects") {
            Some(Value::Array(list)) => list.iter().collect(),
            _ if map.contains_key("type") => vec![document],
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// Reads the indicators among `objects` valid at `now` (microseconds since the epoch). Of
/// several versions of one id the latest `modified` counts.
pub fn load<'a>(objects: impl IntoIterator<Item = &'a Value>, now: i64) -> Loaded {
    let mut latest: Vec<(&'a Value, String, String)> = Vec::new(); // object, id, modified
    let mut position: rustc_hash::FxHashMap<String, usize> = rustc_hash::FxHashMap::default();
    for object in objects {
        if object.get("type").and_then(Value::as_str) != Some("indicator") {
            continue;
        }
        let id = object.get("id").and_then(Value::as_str).unwrap_or("").to_owned();
        let modified = object.get("modified").and_then(Value::as_str).unwrap_or("").to_owned();
        match position.get(&id) {
            Some(&i) => {
                // times read only for ids seen more than once
                let modified_t = modified.parse::<jiff::Timestamp>().ok();
                let (_, _, ref m) = latest[i];
                let older = m.parse::<jiff::Timestamp>().ok();
                if modified_t > older {
                    latest[i] = (object, id, modified);
                }
            }
            None => {
                position.insert(id.clone(), latest.len());
                latest.push((object, id, modified));
            }
        }
    }
    let mut loaded = Loaded { indicators: Vec::with_capacity(latest.len()), skipped: Vec::new() };
    // patterns parsed on every core
    for read in crate::par::map(latest, |(object, id, _)| indicator(object, &id, now)) {
        match read {
            Ok(i) => loaded.indicators.push(i),
            Err(s) => loaded.skipped.push(s),
        }
    }
    loaded
}

fn indicator(object: &Value, id: &str, now: i64) -> Result<Indicator, Skipped> {
    let malformed = |message: String| Skipped::Malformed { id: id.to_owned(), message };
    if id.is_empty() {
        return Err(malformed("an indicator without an id".into()));
    }
    let pattern_type = object.get("pattern_type").and_then(Value::as_str).unwrap_or("stix");
    if pattern_type != "stix" {
        return Err(Skipped::NotStix { id: id.to_owned(), pattern_type: pattern_type.to_owned() });
    }
    if object.get("revoked").and_then(Value::as_bool) == Some(true) {
        return Err(Skipped::Revoked { id: id.to_owned() });
    }
    let from = micros(object.get("valid_from")).map_err(|e| malformed(format!("valid_from: {e}")))?;
    let until = micros(object.get("valid_until")).map_err(|e| malformed(format!("valid_until: {e}")))?;
    if until.is_some_and(|u| u <= now) {
        return Err(Skipped::Expired { id: id.to_owned() });
    }
    if from.is_some_and(|f| f > now) {
        return Err(Skipped::NotYetValid { id: id.to_owned() });
    }
    let text = object.get("pattern").and_then(Value::as_str).ok_or_else(|| malformed("no pattern".into()))?;
    let pattern = Pattern::parse(text)
        .map_err(|e| Skipped::BadPattern { id: id.to_owned(), message: e.to_string() })?;
    Ok(Indicator {
        id: id.to_owned(),
        name: object.get("name").and_then(Value::as_str).map(str::to_owned),
        pattern,
        pattern_text: text.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ind(id: &str, extra: Value) -> Value {
        let mut v = json!({"type": "indicator", "id": id, "pattern_type": "stix",
            "pattern": "[ipv4-addr:value = '10.0.0.1']", "valid_from": "2020-01-01T00:00:00Z",
            "modified": "2020-01-01T00:00:00Z"});
        for (k, x) in extra.as_object().unwrap() {
            v[k] = x.clone();
        }
        v
    }

    #[test]
    fn validity_revocation_and_versions() {
        let now = "2024-06-01T00:00:00Z".parse::<jiff::Timestamp>().unwrap().as_microsecond();
        let objects = vec![
            ind("indicator--a", json!({})),
            ind("indicator--b", json!({"revoked": true})),
            ind("indicator--c", json!({"valid_until": "2024-06-01T00:00:00Z"})),
            ind("indicator--d", json!({"valid_until": "2024-06-01T00:00:01Z"})),
            ind("indicator--e", json!({"valid_from": "2024-07-01T00:00:00Z"})),
            ind("indicator--f", json!({"pattern": "[ipv4-addr:value = "})),
            ind("indicator--g", json!({"pattern_type": "sigma", "pattern": "x"})),
            // a later version revokes a
            ind("indicator--a", json!({"modified": "2021-01-01T00:00:00Z", "revoked": true})),
            ind("indicator--h", json!({"pattern": "[file:name MATCHES '(']"})),
            json!({"type": "malware", "id": "malware--1"}),
        ];
        let loaded = load(&objects, now);
        let ids: Vec<&str> = loaded.indicators.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["indicator--d", "indicator--h"]);
        let skipped: Vec<String> = loaded.skipped.iter().map(ToString::to_string).collect();
        assert_eq!(skipped.len(), 6, "{skipped:?}");
        assert!(loaded.skipped.contains(&Skipped::Revoked { id: "indicator--a".into() }));
        assert!(loaded.skipped.contains(&Skipped::Expired { id: "indicator--c".into() }));
        assert!(loaded.skipped.contains(&Skipped::NotYetValid { id: "indicator--e".into() }));
        assert!(matches!(&loaded.skipped[4], Skipped::BadPattern { id, .. } if id == "indicator--f"));
        // parses, does not compile: the hunter refuses it
        let (hunter, refused) = crate::Hunter::new(crate::Fields::new(), loaded.indicators);
        assert_eq!(hunter.len(), 1);
        assert_eq!(refused.len(), 1);
        assert_eq!(refused[0].0.id, "indicator--h");
    }
}
