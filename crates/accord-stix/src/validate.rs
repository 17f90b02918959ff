//! Validation of one STIX 2.1 object as it arrives: common properties, id/type agreement,
//! timestamps, the required properties of every STIX 2.1 type, and well-formed references.
//! Every problem names the property (as a path such as `external_references[0].source_name`).

use serde_json::{Map, Value};

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::catalogue::{self, ObjectKind};
use crate::id::{StixId, check_type_name, short};
use crate::timestamp::StixTimestamp;

/// One thing wrong with an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The property at fault, as a path (`""` for the object itself).
    pub property: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.property.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.property, self.message)
        }
    }
}

/// What the server needs of a valid object to store and index it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectSummary {
    pub id: StixId,
    pub object_type: String,
    pub kind: ObjectKind,
    /// A type outside the STIX 2.1 catalogue (a custom object).
    pub custom: bool,
    pub spec_version: String,
    pub created: Option<StixTimestamp>,
    /// The version of the object (`modified`; `created` for marking definitions).
    pub modified: Option<StixTimestamp>,
    pub created_by_ref: Option<StixId>,
    pub object_marking_refs: Vec<StixId>,
    pub revoked: bool,
    /// The identities an AMBER or RED object is shared with ([`RECIPIENTS_PROPERTY`]).
    pub recipient_refs: Vec<StixId>,
    /// What a `sighting` saw.
    pub sighting_of_ref: Option<StixId>,
    /// The objects a relationship (`source_ref`, `target_ref`) or sighting (`sighting_of_ref`)
    /// is about.
    pub links: Vec<StixId>,
}

/// The custom property that names the identities an object marked TLP:AMBER or TLP:RED is
/// shared with, beyond its producer.
pub const RECIPIENTS_PROPERTY: &str = "x_accord_recipient_refs";

/// Validates the JSON text of one object.
pub fn validate_object(text: &str) -> Result<ObjectSummary, Vec<Problem>> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| vec![Problem { property: String::new(), message: format!("not valid JSON: {e}") }])?;
    let Value::Object(obj) = value else {
        return Err(vec![Problem {
            property: String::new(),
            message: "a STIX object must be a JSON object".into(),
        }]);
    };
    let mut c = Checker::default();
    let summary = c.object(&obj);
    match summary {
        Some(s) if c.problems.is_empty() => Ok(s),
        _ => Err(c.problems),
    }
}

#[derive(Default)]
struct Checker {
    problems: Vec<Problem>,
}

/// The JSON shape of a property.
#[derive(Debug, Clone, Copy)]
enum Shape {
    Text,
    /// A non-empty list of strings.
    TextList,
    Flag,
}

/// Shapes of the properties whose name means the same thing in every type that has it.
const SHAPES: &[(&str, Shape)] = &[
    ("lang", Shape::Text),
    ("name", Shape::Text),
    ("description", Shape::Text),
    ("pattern", Shape::Text),
    ("pattern_type", Shape::Text),
    ("pattern_version", Shape::Text),
    ("context", Shape::Text),
    ("content", Shape::Text),
    ("abstract", Shape::Text),
    ("explanation", Shape::Text),
    ("identity_class", Shape::Text),
    ("contact_information", Shape::Text),
    ("resource_level", Shape::Text),
    ("primary_motivation", Shape::Text),
    ("sophistication", Shape::Text),
    ("objective", Shape::Text),
    ("product", Shape::Text),
    ("result", Shape::Text),
    ("country", Shape::Text),
    ("region", Shape::Text),
    ("aliases", Shape::TextList),
    ("roles", Shape::TextList),
    ("sectors", Shape::TextList),
    ("goals", Shape::TextList),
    ("secondary_motivations", Shape::TextList),
    ("personal_motivations", Shape::TextList),
    ("indicator_types", Shape::TextList),
    ("malware_types", Shape::TextList),
    ("tool_types", Shape::TextList),
    ("threat_actor_types", Shape::TextList),
    ("report_types", Shape::TextList),
    ("infrastructure_types", Shape::TextList),
    ("implementation_languages", Shape::TextList),
    ("architecture_execution_envs", Shape::TextList),
    ("capabilities", Shape::TextList),
    ("authors", Shape::TextList),
    ("protocols", Shape::TextList),
    ("is_family", Shape::Flag),
    ("defanged", Shape::Flag),
    ("is_multipart", Shape::Flag),
    ("is_hidden", Shape::Flag),
    ("is_self_signed", Shape::Flag),
    ("is_service_account", Shape::Flag),
    ("is_privileged", Shape::Flag),
    ("can_escalate_privs", Shape::Flag),
    ("is_disabled", Shape::Flag),
    ("is_active", Shape::Flag),
];

/// The shape [`SHAPES`] gives a property name.
fn shape_of(name: &str) -> Option<Shape> {
    static BY_NAME: LazyLock<HashMap<&'static str, Shape>> =
        LazyLock::new(|| SHAPES.iter().copied().collect());
    BY_NAME.get(name).copied()
}

const OPINIONS: &[&str] = &["strongly-disagree", "disagree", "neutral", "agree", "strongly-agree"];
const MAX_COUNT: i64 = 999_999_999;

impl Checker {
    fn fail(&mut self, property: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem { property: property.into(), message: message.into() });
    }

    fn object(&mut self, obj: &Map<String, Value>) -> Option<ObjectSummary> {
        let object_type = match obj.get("type") {
            Some(Value::String(t)) => t.clone(),
            Some(_) => {
                self.fail("type", "must be a string");
                return None;
            }
            None => {
                self.fail("type", "is required");
                return None;
            }
        };
        if let Err(e) = check_type_name(&object_type) {
            self.fail("type", e.0);
            return None;
        }
        let spec = catalogue::lookup(&object_type);
        // A custom object is domain-like when it carries `created`, observable-like otherwise.
        let kind = spec.map(|s| s.kind).unwrap_or(if obj.contains_key("created") {
            ObjectKind::Domain
        } else {
            ObjectKind::Observable
        });

        let id = match obj.get("id") {
            Some(Value::String(s)) => match s.parse::<StixId>() {
                Ok(id) if id.object_type() == object_type => Some(id),
                Ok(id) => {
                    self.fail(
                        "id",
                        format!(
                            "the id's type {:?} does not match the object's type {:?}",
                            id.object_type(),
                            object_type
                        ),
                    );
                    None
                }
                Err(e) => {
                    self.fail("id", e.0);
                    None
                }
            },
            Some(_) => {
                self.fail("id", "must be a string");
                None
            }
            None => {
                self.fail("id", "is required");
                None
            }
        };

        for key in obj.keys() {
            let ok = key == "id"
                || ((3..=250).contains(&key.len())
                    && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'));
            if !ok {
                self.fail(key.clone(), "property names are 3 to 250 characters of a-z, 0-9 and _");
            }
        }

        // spec_version
        let spec_version = match (obj.get("spec_version"), kind) {
            (Some(Value::String(v)), _) if v == "2.1" => "2.1".to_owned(),
            (Some(Value::String(v)), _) if v == "2.0" && object_type == "marking-definition" => {
                "2.0".to_owned()
            }
            (Some(_), _) => {
                self.fail("spec_version", "must be \"2.1\"");
                String::new()
            }
            (None, ObjectKind::Observable) => "2.1".to_owned(),
            (None, _) => {
                self.fail("spec_version", "is required");
                String::new()
            }
        };

        // created / modified
        let needs_dates = kind != ObjectKind::Observable;
        let created = self.timestamp(obj, "created", needs_dates, true);
        let modified = if object_type == "marking-definition" {
            if obj.contains_key("modified") {
                self.fail("modified", "a marking definition has no modified property (it never changes)");
            }
            created.clone()
        } else {
            let m = self.timestamp(obj, "modified", needs_dates, true);
            if let (Some(c), Some(m)) = (&created, &m)
                && m < c
            {
                self.fail("modified", format!("{m} is earlier than created ({c})"));
            }
            m
        };
        if !needs_dates {
            for p in [
                "created",
                "modified",
                "created_by_ref",
                "revoked",
                "labels",
                "confidence",
                "lang",
                "external_references",
            ] {
                if obj.contains_key(p) && catalogue::lookup(&object_type).is_some() {
                    self.fail(p, "cyber-observable objects do not have this common property");
                }
            }
        }

        // required properties of the type
        if let Some(spec) = spec {
            for p in spec.required {
                if !obj.contains_key(*p) {
                    self.fail(*p, format!("is required for {object_type}"));
                }
            }
        }

        // other timestamps at the top level
        for p in obj.keys() {
            if !matches!(p.as_str(), "created" | "modified") && catalogue::is_timestamp_property(p) {
                self.timestamp(obj, p, false, false);
            }
        }

        // common optional properties
        let created_by_ref = match obj.get("created_by_ref") {
            Some(v) => self.identifier("created_by_ref", v, Some(&["identity"])),
            None => None,
        };
        let object_marking_refs = match obj.get("object_marking_refs") {
            Some(v) => self.identifier_list("object_marking_refs", v, Some(&["marking-definition"])),
            None => Vec::new(),
        };
        let recipient_refs = match obj.get(RECIPIENTS_PROPERTY) {
            Some(v) => self.identifier_list(RECIPIENTS_PROPERTY, v, Some(&["identity"])),
            None => Vec::new(),
        };
        let sighting_of_ref = match (object_type.as_str(), obj.get("sighting_of_ref")) {
            ("sighting", Some(Value::String(s))) => s.parse().ok(),
            _ => None,
        };
        let link_properties: &[&str] = match object_type.as_str() {
            "relationship" => &["source_ref", "target_ref"],
            "sighting" => &["sighting_of_ref"],
            _ => &[],
        };
        let links = link_properties
            .iter()
            .filter_map(|p| obj.get(*p).and_then(Value::as_str).and_then(|s| s.parse().ok()))
            .collect();
        let revoked = match obj.get("revoked") {
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                self.fail("revoked", "must be true or false");
                false
            }
            None => false,
        };
        if let Some(v) = obj.get("labels") {
            self.string_list("labels", v);
        }
        if let Some(v) = obj.get("confidence")
            && !v.as_i64().is_some_and(|n| (0..=100).contains(&n))
        {
            self.fail("confidence", "must be an integer from 0 to 100");
        }
        for (p, v) in obj {
            if let Some(shape) = shape_of(p) {
                self.shape(p, shape, v);
            }
        }
        for p in ["relationship_type", "value"] {
            if let Some(v) = obj.get(p)
                && !v.is_string()
            {
                self.fail(p, "must be a string");
            }
        }
        if let Some(v) = obj.get("external_references") {
            self.external_references(v);
        }
        if let Some(v) = obj.get("kill_chain_phases") {
            self.kill_chain_phases(v);
        }
        if let Some(v) = obj.get("granular_markings") {
            self.granular_markings(v);
        }
        if let Some(v) = obj.get("extensions")
            && v.as_object().is_none_or(|m| m.is_empty())
        {
            self.fail("extensions", "must be a non-empty object");
        }

        // every other *_ref / *_refs, wherever it is (the embedded `objects` of observed-data
        // use local keys, not identifiers)
        for (k, v) in obj {
            if matches!(
                k.as_str(),
                "created_by_ref"
                    | "object_marking_refs"
                    | "objects"
                    | "granular_markings"
                    | RECIPIENTS_PROPERTY
            ) {
                continue;
            }
            self.walk_refs(k, k, v);
        }

        self.type_rules(&object_type, obj);

        Some(ObjectSummary {
            id: id?,
            object_type,
            kind,
            custom: spec.is_none(),
            spec_version,
            created,
            modified,
            created_by_ref,
            object_marking_refs,
            revoked,
            recipient_refs,
            sighting_of_ref,
            links,
        })
    }

    /// Rules particular to one type.
    fn type_rules(&mut self, t: &str, obj: &Map<String, Value>) {
        let ts = |k: &str| obj.get(k).and_then(Value::as_str).and_then(|s| StixTimestamp::parse(s).ok());
        let ordered = |this: &mut Self, early: &str, late: &str, strict: bool| {
            if let (Some(a), Some(b)) = (ts(early), ts(late)) {
                let bad = if strict { b <= a } else { b < a };
                if bad {
                    this.fail(
                        late,
                        format!("must be {} {early}", if strict { "later than" } else { "no earlier than" }),
                    );
                }
            }
        };
        match t {
            "indicator" => ordered(self, "valid_from", "valid_until", true),
            "campaign" | "intrusion-set" | "threat-actor" | "infrastructure" | "sighting" => {
                ordered(self, "first_seen", "last_seen", false)
            }
            "observed-data" => {
                ordered(self, "first_observed", "last_observed", false);
                self.count("number_observed", obj.get("number_observed"), 1);
                match (obj.contains_key("objects"), obj.contains_key("object_refs")) {
                    (true, true) => {
                        self.fail("object_refs", "observed-data has either objects or object_refs, not both")
                    }
                    (false, false) => self.fail(
                        "object_refs",
                        "observed-data needs object_refs (or the older embedded objects)",
                    ),
                    _ => {}
                }
            }
            "malware" => {
                if obj.get("is_family").is_some_and(|v| !v.is_boolean()) {
                    self.fail("is_family", "must be true or false");
                }
                if obj.get("is_family") == Some(&Value::Bool(true)) && !obj.contains_key("name") {
                    self.fail("name", "is required when is_family is true");
                }
            }
            "opinion"
                if !obj.get("opinion").and_then(Value::as_str).is_some_and(|o| OPINIONS.contains(&o)) =>
            {
                self.fail("opinion", format!("must be one of {}", OPINIONS.join(", ")));
            }
            "location" => {
                let has = |k: &str| obj.contains_key(k);
                if !(has("region") || has("country") || (has("latitude") && has("longitude"))) {
                    self.fail("", "a location needs region, country, or latitude and longitude");
                }
                if has("latitude") != has("longitude") {
                    self.fail("latitude", "latitude and longitude go together");
                }
                if let Some(v) = obj.get("latitude")
                    && !v.as_f64().is_some_and(|x| (-90.0..=90.0).contains(&x))
                {
                    self.fail("latitude", "must be a number from -90 to 90");
                }
                if let Some(v) = obj.get("longitude")
                    && !v.as_f64().is_some_and(|x| (-180.0..=180.0).contains(&x))
                {
                    self.fail("longitude", "must be a number from -180 to 180");
                }
            }
            "malware-analysis" if !obj.contains_key("result") && !obj.contains_key("analysis_sco_refs") => {
                self.fail("result", "malware-analysis needs result or analysis_sco_refs");
            }
            "file" if !obj.contains_key("name") && !obj.contains_key("hashes") => {
                self.fail("hashes", "a file needs hashes or a name");
            }
            "artifact" => match (obj.contains_key("url"), obj.contains_key("payload_bin")) {
                (true, true) => {
                    self.fail("payload_bin", "an artifact has either url or payload_bin, not both")
                }
                (true, false) if !obj.contains_key("hashes") => {
                    self.fail("hashes", "an artifact with a url needs hashes")
                }
                _ => {}
            },
            "network-traffic" => {
                if !obj.contains_key("src_ref") && !obj.contains_key("dst_ref") {
                    self.fail("src_ref", "network-traffic needs src_ref or dst_ref");
                }
                if obj.get("protocols").and_then(Value::as_array).is_none_or(|a| a.is_empty()) {
                    self.fail("protocols", "must be a non-empty list");
                }
            }
            "autonomous-system" if obj.get("number").is_none_or(|v| v.as_u64().is_none()) => {
                self.fail("number", "must be a non-negative integer");
            }
            "email-message"
                if obj.get("is_multipart") == Some(&Value::Bool(false))
                    && obj.contains_key("body_multipart") =>
            {
                self.fail("body_multipart", "only a multipart message has body_multipart");
            }
            "process" | "user-account" | "windows-registry-key" | "x509-certificate" => {
                let common = [
                    "type",
                    "id",
                    "spec_version",
                    "object_marking_refs",
                    "granular_markings",
                    "defanged",
                    "extensions",
                ];
                if obj.keys().all(|k| common.contains(&k.as_str())) {
                    self.fail("", format!("a {t} needs at least one property of its own"));
                }
            }
            "relationship" => {
                if let Some(r) = obj.get("relationship_type").and_then(Value::as_str)
                    && (r.is_empty()
                        || !r.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'))
                {
                    self.fail(
                        "relationship_type",
                        "must be lower-case letters, digits and hyphens (e.g. indicates)",
                    );
                }
                for p in ["source_ref", "target_ref"] {
                    let not_allowed =
                        ["relationship", "sighting", "bundle", "marking-definition", "language-content"];
                    if let Some(r) = obj.get(p).and_then(Value::as_str)
                        && not_allowed.iter().any(|t| r.starts_with(&format!("{t}--")))
                    {
                        self.fail(p, "must reference an SDO or SCO, not a relationship, sighting, bundle, marking or language content");
                    }
                }
            }
            "ipv4-addr" | "ipv6-addr" => {
                let v4 = t == "ipv4-addr";
                if let Some(value) = obj.get("value").and_then(Value::as_str)
                    && !is_address(value, v4)
                {
                    let family = if v4 { "IPv4" } else { "IPv6" };
                    self.fail(
                        "value",
                        format!("{:?} is not an {family} address or CIDR block", short(value)),
                    );
                }
            }
            _ => {}
        }
        if t == "sighting" && obj.contains_key("count") {
            self.count("count", obj.get("count"), 0);
        }
        if t == "sighting"
            && let Some(r) = obj.get("sighting_of_ref").and_then(Value::as_str)
            && let Ok(id) = r.parse::<StixId>()
            && catalogue::lookup(id.object_type()).is_some_and(|s| s.kind != ObjectKind::Domain)
        {
            self.fail("sighting_of_ref", "must reference an SDO (an indicator, malware, …)");
        }
    }

    fn shape(&mut self, key: &str, shape: Shape, v: &Value) {
        match shape {
            Shape::Text if !v.is_string() => self.fail(key, "must be a string"),
            Shape::TextList => self.string_list(key, v),
            Shape::Flag if !v.is_boolean() => self.fail(key, "must be true or false"),
            _ => {}
        }
    }

    fn count(&mut self, key: &str, v: Option<&Value>, min: i64) {
        if !v.and_then(Value::as_i64).is_some_and(|n| (min..=MAX_COUNT).contains(&n)) {
            self.fail(key, format!("must be an integer from {min} to {MAX_COUNT}"));
        }
    }

    fn timestamp(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        required: bool,
        millis: bool,
    ) -> Option<StixTimestamp> {
        match obj.get(key) {
            Some(Value::String(s)) => match StixTimestamp::parse(s) {
                Ok(t) if millis && !t.has_millisecond_precision() => {
                    self.fail(
                        key,
                        format!("{s:?} must be precise to the millisecond (e.g. 2016-05-12T08:17:27.000Z)"),
                    );
                    None
                }
                Ok(t) => Some(t),
                Err(e) => {
                    self.fail(key, e.0);
                    None
                }
            },
            Some(_) => {
                self.fail(key, "must be a timestamp string");
                None
            }
            None if required => {
                self.fail(key, "is required");
                None
            }
            None => None,
        }
    }

    fn identifier(&mut self, path: &str, v: &Value, types: Option<&[&str]>) -> Option<StixId> {
        let Some(s) = v.as_str() else {
            self.fail(path, "must be a STIX identifier string");
            return None;
        };
        match s.parse::<StixId>() {
            Ok(id) => {
                if let Some(types) = types
                    && !types.contains(&id.object_type())
                {
                    self.fail(path, format!("{:?} must reference a {}", short(s), types.join(" or ")));
                    return None;
                }
                Some(id)
            }
            Err(e) => {
                self.fail(path, e.0);
                None
            }
        }
    }

    fn identifier_list(&mut self, path: &str, v: &Value, types: Option<&[&str]>) -> Vec<StixId> {
        match v.as_array() {
            Some(items) if !items.is_empty() => items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| self.identifier(&format!("{path}[{i}]"), item, types))
                .collect(),
            _ => {
                self.fail(path, "must be a non-empty list of STIX identifiers");
                Vec::new()
            }
        }
    }

    fn walk_refs(&mut self, path: &str, key: &str, v: &Value) {
        if key.ends_with("_refs") {
            self.identifier_list(path, v, None);
            return;
        }
        if key.ends_with("_ref") {
            self.identifier(path, v, None);
            return;
        }
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    self.walk_refs(&format!("{path}.{k}"), k, v);
                }
            }
            Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    self.walk_refs(&format!("{path}[{i}]"), "", v);
                }
            }
            _ => {}
        }
    }

    fn string_list(&mut self, path: &str, v: &Value) {
        if !v.as_array().is_some_and(|a| !a.is_empty() && a.iter().all(Value::is_string)) {
            self.fail(path, "must be a non-empty list of strings");
        }
    }

    fn external_references(&mut self, v: &Value) {
        let Some(items) = v.as_array().filter(|a| !a.is_empty()) else {
            self.fail("external_references", "must be a non-empty list");
            return;
        };
        for (i, item) in items.iter().enumerate() {
            let path = format!("external_references[{i}]");
            let Some(m) = item.as_object() else {
                self.fail(path, "must be an object");
                continue;
            };
            if !m.get("source_name").is_some_and(Value::is_string) {
                self.fail(format!("{path}.source_name"), "is required and must be a string");
            }
            if m.get("source_name")
                .and_then(Value::as_str)
                .is_some_and(|s| s.starts_with("cve") || s == "capec")
                && !m.contains_key("external_id")
            {
                self.fail(format!("{path}.external_id"), "is required for CVE and CAPEC references");
            }
            for k in ["description", "url", "external_id"] {
                if m.get(k).is_some_and(|v| !v.is_string()) {
                    self.fail(format!("{path}.{k}"), "must be a string");
                }
            }
        }
    }

    fn kill_chain_phases(&mut self, v: &Value) {
        let Some(items) = v.as_array().filter(|a| !a.is_empty()) else {
            self.fail("kill_chain_phases", "must be a non-empty list");
            return;
        };
        for (i, item) in items.iter().enumerate() {
            for k in ["kill_chain_name", "phase_name"] {
                if !item.get(k).is_some_and(Value::is_string) {
                    self.fail(format!("kill_chain_phases[{i}].{k}"), "is required and must be a string");
                }
            }
        }
    }

    fn granular_markings(&mut self, v: &Value) {
        let Some(items) = v.as_array().filter(|a| !a.is_empty()) else {
            self.fail("granular_markings", "must be a non-empty list");
            return;
        };
        for (i, item) in items.iter().enumerate() {
            let path = format!("granular_markings[{i}]");
            if !item
                .get("selectors")
                .and_then(Value::as_array)
                .is_some_and(|s| !s.is_empty() && s.iter().all(Value::is_string))
            {
                self.fail(format!("{path}.selectors"), "must be a non-empty list of strings");
            }
            match (item.get("marking_ref"), item.get("lang")) {
                (Some(r), None) => {
                    self.identifier(&format!("{path}.marking_ref"), r, Some(&["marking-definition"]));
                }
                (None, Some(l)) if l.is_string() => {}
                _ => self.fail(path, "needs exactly one of marking_ref and lang"),
            }
        }
    }
}

/// An IPv4 (or IPv6) address, optionally with a `/prefix` of the right length.
fn is_address(value: &str, v4: bool) -> bool {
    let (addr, prefix) = match value.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (value, None),
    };
    let max = if v4 { 32 } else { 128 };
    let prefix_ok = prefix.is_none_or(|p| p.parse::<u8>().is_ok_and(|n| n <= max) && !p.starts_with('+'));
    let addr_ok = if v4 {
        addr.parse::<std::net::Ipv4Addr>().is_ok()
    } else {
        addr.parse::<std::net::Ipv6Addr>().is_ok()
    };
    addr_ok && prefix_ok
}
