//! Every STIX 2.1 object type, its kind and its required properties (STIX 2.1, OASIS
//! Standard, and the official JSON Schemas).

/// The kinds of STIX object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjectKind {
    /// STIX Domain Object (indicator, malware, …).
    Domain,
    /// STIX Relationship Object (relationship, sighting).
    Relationship,
    /// STIX Cyber-observable Object (ipv4-addr, file, …).
    Observable,
    /// Meta object (marking-definition, language-content, extension-definition).
    Meta,
}

impl ObjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Domain => "sdo",
            ObjectKind::Relationship => "sro",
            ObjectKind::Observable => "sco",
            ObjectKind::Meta => "meta",
        }
    }
}

/// One known type.
#[derive(Debug, Clone, Copy)]
pub struct TypeSpec {
    pub name: &'static str,
    pub kind: ObjectKind,
    /// Required properties beyond the common ones of its kind.
    pub required: &'static [&'static str],
}

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use ObjectKind::{Domain as D, Meta as M, Observable as O, Relationship as R};

/// The catalogue of STIX 2.1 types.
pub const TYPES: &[TypeSpec] = &[
    TypeSpec { name: "attack-pattern", kind: D, required: &["name"] },
    TypeSpec { name: "campaign", kind: D, required: &["name"] },
    TypeSpec { name: "course-of-action", kind: D, required: &["name"] },
    TypeSpec { name: "grouping", kind: D, required: &["context", "object_refs"] },
    TypeSpec { name: "identity", kind: D, required: &["name"] },
    TypeSpec { name: "incident", kind: D, required: &["name"] },
    TypeSpec { name: "indicator", kind: D, required: &["pattern", "pattern_type", "valid_from"] },
    TypeSpec { name: "infrastructure", kind: D, required: &["name"] },
    TypeSpec { name: "intrusion-set", kind: D, required: &["name"] },
    TypeSpec { name: "location", kind: D, required: &[] },
    TypeSpec { name: "malware", kind: D, required: &["is_family"] },
    TypeSpec { name: "malware-analysis", kind: D, required: &["product"] },
    TypeSpec { name: "note", kind: D, required: &["content", "object_refs"] },
    TypeSpec {
        name: "observed-data",
        kind: D,
        required: &["first_observed", "last_observed", "number_observed"],
    },
    TypeSpec { name: "opinion", kind: D, required: &["opinion", "object_refs"] },
    TypeSpec { name: "report", kind: D, required: &["name", "published", "object_refs"] },
    TypeSpec { name: "threat-actor", kind: D, required: &["name"] },
    TypeSpec { name: "tool", kind: D, required: &["name"] },
    TypeSpec { name: "vulnerability", kind: D, required: &["name"] },
    TypeSpec { name: "relationship", kind: R, required: &["relationship_type", "source_ref", "target_ref"] },
    TypeSpec { name: "sighting", kind: R, required: &["sighting_of_ref"] },
    TypeSpec { name: "artifact", kind: O, required: &[] },
    TypeSpec { name: "autonomous-system", kind: O, required: &["number"] },
    TypeSpec { name: "directory", kind: O, required: &["path"] },
    TypeSpec { name: "domain-name", kind: O, required: &["value"] },
    TypeSpec { name: "email-addr", kind: O, required: &["value"] },
    TypeSpec { name: "email-message", kind: O, required: &["is_multipart"] },
    TypeSpec { name: "file", kind: O, required: &[] },
    TypeSpec { name: "ipv4-addr", kind: O, required: &["value"] },
    TypeSpec { name: "ipv6-addr", kind: O, required: &["value"] },
    TypeSpec { name: "mac-addr", kind: O, required: &["value"] },
    TypeSpec { name: "mutex", kind: O, required: &["name"] },
    TypeSpec { name: "network-traffic", kind: O, required: &["protocols"] },
    TypeSpec { name: "process", kind: O, required: &[] },
    TypeSpec { name: "software", kind: O, required: &["name"] },
    TypeSpec { name: "url", kind: O, required: &["value"] },
    TypeSpec { name: "user-account", kind: O, required: &[] },
    TypeSpec { name: "windows-registry-key", kind: O, required: &[] },
    TypeSpec { name: "x509-certificate", kind: O, required: &[] },
    TypeSpec { name: "marking-definition", kind: M, required: &[] },
    TypeSpec { name: "language-content", kind: M, required: &["object_ref", "contents"] },
    TypeSpec {
        name: "extension-definition",
        kind: M,
        required: &["name", "schema", "version", "extension_types"],
    },
];

/// The spec of a known type.
pub fn lookup(name: &str) -> Option<&'static TypeSpec> {
    static BY_NAME: LazyLock<HashMap<&'static str, &'static TypeSpec>> =
        LazyLock::new(|| TYPES.iter().map(|t| (t.name, t)).collect());
    BY_NAME.get(name).copied()
}

/// Whether a top-level property of this name holds a timestamp ([`TIMESTAMP_PROPERTIES`]).
pub fn is_timestamp_property(name: &str) -> bool {
    static NAMES: LazyLock<HashSet<&'static str>> =
        LazyLock::new(|| TIMESTAMP_PROPERTIES.iter().copied().collect());
    NAMES.contains(name)
}

/// Properties whose values are timestamps wherever they appear at the top level.
pub const TIMESTAMP_PROPERTIES: &[&str] = &[
    "created",
    "modified",
    "first_seen",
    "last_seen",
    "valid_from",
    "valid_until",
    "published",
    "first_observed",
    "last_observed",
    "start_time",
    "end_time",
    "analysis_started",
    "analysis_ended",
    "submitted",
    "ctime",
    "mtime",
    "atime",
    "date",
    "created_time",
    "modified_time",
    "account_created",
    "account_expires",
    "credential_last_changed",
    "account_first_login",
    "account_last_login",
    "validity_not_before",
    "validity_not_after",
    "start",
    "end",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_complete_and_unique() {
        let count = |k| TYPES.iter().filter(|t| t.kind == k).count();
        assert_eq!(count(D), 19, "19 SDOs in STIX 2.1");
        assert_eq!(count(R), 2);
        assert_eq!(count(O), 18, "18 SCOs in STIX 2.1");
        assert_eq!(count(M), 3);
        let mut names: Vec<_> = TYPES.iter().map(|t| t.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), TYPES.len());
        assert!(lookup("indicator").is_some() && lookup("x-custom").is_none());
        assert!(TYPES.iter().all(|t| lookup(t.name).is_some_and(|s| s.name == t.name)));
        assert!(TIMESTAMP_PROPERTIES.iter().all(|p| is_timestamp_property(p)));
        assert!(!is_timestamp_property("name"));
    }
}
