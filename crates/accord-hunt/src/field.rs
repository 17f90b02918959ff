//! The STIX properties events carry: each a (object type, property path) with an id, the
//! Elastic Common Schema names mapped to them, and user mappings for other names.

use rustc_hash::FxHashMap;

use accord_pattern::Pattern;
use accord_pattern::ast::{ComparisonExpression, ObjectPath, ObservationExpression, PathStep, Test};

/// Index of a field in [`Fields`].
pub type FieldId = u16;

/// A STIX property an event may carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldSpec {
    pub object_type: String,
    /// The property, then the keys below it (`hashes`, `SHA-256`).
    pub path: Vec<String>,
    /// Values are integers in STIX (ports, process ids): read as JSON numbers when they parse.
    pub numeric: bool,
    /// Values are compared in lower case (hashes, domain names): readers lower-case them, and
    /// indicator literals on the field are lower-cased when loaded.
    pub lowercase: bool,
}

impl FieldSpec {
    /// `type:path.'key'` as a pattern writes it.
    pub fn stix_path(&self) -> String {
        let mut s = format!("{}:{}", self.object_type, self.path[0]);
        for key in &self.path[1..] {
            if key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                s.push('.');
                s.push_str(key);
            } else {
                s.push_str(".'");
                s.push_str(key);
                s.push('\'');
            }
        }
        s
    }
}

pub const IPV4: FieldId = 0;
pub const IPV6: FieldId = 1;
pub const DOMAIN: FieldId = 2;
pub const URL: FieldId = 3;
pub const EMAIL: FieldId = 4;
pub const MD5: FieldId = 5;
pub const SHA1: FieldId = 6;
pub const SHA256: FieldId = 7;
pub const FILE_NAME: FieldId = 8;
pub const USER: FieldId = 9;
pub const PROCESS_NAME: FieldId = 10;
pub const PROCESS_COMMAND_LINE: FieldId = 11;
pub const PROCESS_PID: FieldId = 12;
pub const DST_PORT: FieldId = 13;
pub const SRC_PORT: FieldId = 14;
pub const USER_AGENT: FieldId = 15;
pub const REQUEST_METHOD: FieldId = 16;
pub const REQUEST_VALUE: FieldId = 17;
pub const MAC: FieldId = 18;
pub const REGISTRY_KEY: FieldId = 19;
pub const SHA512: FieldId = 20;
pub const FILE_PATH: FieldId = 21;

/// (type, path, numeric, lowercase) of the built-in fields, in id order.
const BUILT_IN: &[(&str, &[&str], bool, bool)] = &[
    ("ipv4-addr", &["value"], false, false),
    ("ipv6-addr", &["value"], false, false),
    ("domain-name", &["value"], false, true),
    ("url", &["value"], false, false),
    ("email-addr", &["value"], false, false),
    ("file", &["hashes", "MD5"], false, true),
    ("file", &["hashes", "SHA-1"], false, true),
    ("file", &["hashes", "SHA-256"], false, true),
    ("file", &["name"], false, false),
    ("user-account", &["account_login"], false, false),
    ("process", &["name"], false, false),
    ("process", &["command_line"], false, false),
    ("process", &["pid"], true, false),
    ("network-traffic", &["dst_port"], true, false),
    ("network-traffic", &["src_port"], true, false),
    ("network-traffic", &["extensions", "http-request-ext", "request_header", "User-Agent"], false, false),
    ("network-traffic", &["extensions", "http-request-ext", "request_method"], false, false),
    ("network-traffic", &["extensions", "http-request-ext", "request_value"], false, false),
    ("mac-addr", &["value"], false, true),
    ("windows-registry-key", &["key"], false, false),
    ("file", &["hashes", "SHA-512"], false, true),
    ("directory", &["path"], false, false),
];

/// Where a log field's value goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Field(FieldId),
    /// `ipv4-addr:value` or `ipv6-addr:value`, by the value's form.
    Ip,
    /// `file:hashes.…`, MD5, SHA-1, SHA-256 or SHA-512 by the digest's length.
    Hash,
    /// The event's time.
    Time,
}

/// A log field name mapped to a target; `group` names the STIX object the value belongs to
/// (values of one group on one event form one object: `file.name` and `file.hash.sha256`).
#[derive(Debug, Clone)]
pub struct Mapped {
    pub target: Target,
    pub group: u32,
}

/// The fields known to a hunt, and how log field names map to them.
#[derive(Debug, Clone)]
pub struct Fields {
    specs: Vec<FieldSpec>,
    by_path: FxHashMap<String, FieldId>,
    names: FxHashMap<String, Mapped>,
    groups: FxHashMap<String, u32>,
}

/// The Elastic Common Schema names read from JSON lines and CSV headers.
pub const ECS: &[(&str, &str)] = &[
    ("@timestamp", "time"),
    ("source.ip", "ip"),
    ("source.address", "ip"),
    ("destination.ip", "ip"),
    ("destination.address", "ip"),
    ("client.ip", "ip"),
    ("client.address", "ip"),
    ("server.ip", "ip"),
    ("host.ip", "ip"),
    ("related.ip", "ip"),
    ("url.full", "url:value"),
    ("url.original", "url:value"),
    ("url.domain", "domain-name:value"),
    ("dns.question.name", "domain-name:value"),
    ("destination.domain", "domain-name:value"),
    ("source.domain", "domain-name:value"),
    ("server.domain", "domain-name:value"),
    ("related.hosts", "domain-name:value"),
    ("file.hash.md5", "file:hashes.MD5"),
    ("file.hash.sha1", "file:hashes.'SHA-1'"),
    ("file.hash.sha256", "file:hashes.'SHA-256'"),
    ("file.hash.sha512", "file:hashes.'SHA-512'"),
    ("related.hash", "hash"),
    ("file.name", "file:name"),
    ("file.directory", "directory:path"),
    ("process.executable", "file:name"),
    ("user.name", "user-account:account_login"),
    ("related.user", "user-account:account_login"),
    ("email.from.address", "email-addr:value"),
    ("email.to.address", "email-addr:value"),
    ("email.sender.address", "email-addr:value"),
    ("process.name", "process:name"),
    ("process.command_line", "process:command_line"),
    ("process.pid", "process:pid"),
    ("destination.port", "network-traffic:dst_port"),
    ("source.port", "network-traffic:src_port"),
    ("user_agent.original", "network-traffic:extensions.'http-request-ext'.request_header.'User-Agent'"),
    ("http.request.method", "network-traffic:extensions.'http-request-ext'.request_method"),
    ("source.mac", "mac-addr:value"),
    ("destination.mac", "mac-addr:value"),
    ("registry.key", "windows-registry-key:key"),
];

/// Why a mapping was refused.
#[derive(Debug, thiserror::Error)]
pub enum MappingError {
    #[error("the mapping is neither a JSON object nor TOML: {0}")]
    Syntax(String),
    #[error("field {field:?}: {message}")]
    Target { field: String, message: String },
}

impl Default for Fields {
    fn default() -> Self {
        Fields::new()
    }
}

impl Fields {
    /// The built-in fields with the ECS names.
    pub fn new() -> Fields {
        let mut fields = Fields {
            specs: Vec::new(),
            by_path: FxHashMap::default(),
            names: FxHashMap::default(),
            groups: FxHashMap::default(),
        };
        for (t, path, numeric, lowercase) in BUILT_IN {
            let spec = FieldSpec {
                object_type: (*t).to_owned(),
                path: path.iter().map(|s| (*s).to_owned()).collect(),
                numeric: *numeric,
                lowercase: *lowercase,
            };
            fields.by_path.insert(spec.stix_path(), fields.specs.len() as FieldId);
            fields.specs.push(spec);
        }
        for (name, target) in ECS {
            // built-in targets always read
            let _ = fields.map_name(name, target);
        }
        fields
    }

    /// Adds a user mapping: a JSON object or TOML table of field name → STIX path (`type:prop.key`),
    /// `ip` (ipv4-addr or ipv6-addr by the value), `hash` (by its length) or `time`.
    pub fn add_mapping(&mut self, text: &str) -> Result<usize, MappingError> {
        let table: Vec<(String, String)> = match serde_json::from_str::<
            serde_json::Map<String, serde_json::Value>,
        >(text)
        {
            Ok(map) => map
                .into_iter()
                .map(|(k, v)| match v {
                    serde_json::Value::String(s) => Ok((k, s)),
                    _ => Err(MappingError::Target { field: k, message: "the target is not a string".into() }),
                })
                .collect::<Result<_, _>>()?,
            Err(json) => match toml::from_str::<toml::Table>(text) {
                Ok(map) => map
                    .into_iter()
                    .map(|(k, v)| match v {
                        toml::Value::String(s) => Ok((k, s)),
                        _ => Err(MappingError::Target {
                            field: k,
                            message: "the target is not a string".into(),
                        }),
                    })
                    .collect::<Result<_, _>>()?,
                Err(toml) => {
                    let json = json.to_string();
                    let shown = if text.trim_start().starts_with('{') { json } else { toml.to_string() };
                    return Err(MappingError::Syntax(shown));
                }
            },
        };
        let n = table.len();
        for (name, target) in table {
            self.map_name(&name, &target).map_err(|message| MappingError::Target { field: name, message })?;
        }
        Ok(n)
    }

    fn map_name(&mut self, name: &str, target: &str) -> Result<(), String> {
        let target = match target {
            "time" => Target::Time,
            "ip" => Target::Ip,
            "hash" => Target::Hash,
            path => Target::Field(self.field_for_path(path)?),
        };
        // values of one object share the log name's prefix (`file.` in `file.hash.sha256`)
        // (the connection's properties, ports and HTTP request, form one network-traffic object)
        let connection =
            matches!(target, Target::Field(f) if self.specs[usize::from(f)].object_type == "network-traffic");
        let prefix = match name.rsplit_once('.') {
            _ if connection => "network-traffic",
            Some((p, _)) if !matches!(target, Target::Ip | Target::Hash) => p.split('.').next().unwrap_or(p),
            _ => name,
        };
        let next = self.groups.len() as u32;
        let group = *self.groups.entry(prefix.to_owned()).or_insert(next);
        self.names.insert(name.to_owned(), Mapped { target, group });
        Ok(())
    }

    /// The field of a STIX path written as in a pattern (`file:hashes.'SHA-256'`), added when new.
    pub fn field_for_path(&mut self, path: &str) -> Result<FieldId, String> {
        let pattern = Pattern::parse(&format!("[EXISTS {path}]"))
            .map_err(|e| format!("{path:?} is not a STIX object path: {e}"))?;
        let object_path = match pattern.expression() {
            ObservationExpression::Observation(ComparisonExpression::Test(Test::Exists { path, .. })) => path,
            _ => return Err(format!("{path:?} is not a STIX object path")),
        };
        let spec = spec_of(object_path)
            .ok_or_else(|| format!("{path:?}: list indexes are not supported in a mapping"))?;
        let key = spec.stix_path();
        if let Some(&id) = self.by_path.get(&key) {
            return Ok(id);
        }
        if self.specs.len() >= usize::from(u16::MAX - 1) {
            return Err("too many fields".into());
        }
        let id = self.specs.len() as FieldId;
        self.by_path.insert(key, id);
        self.specs.push(spec);
        Ok(id)
    }

    /// The field a pattern's object path names, if events can carry it.
    pub fn lookup(&self, path: &ObjectPath) -> Option<FieldId> {
        let spec = spec_of(path)?;
        self.by_path.get(&spec.stix_path()).copied()
    }

    /// How a log field name maps (`None`: ignored).
    pub fn name(&self, name: &str) -> Option<&Mapped> {
        self.names.get(name)
    }

    pub fn spec(&self, id: FieldId) -> &FieldSpec {
        &self.specs[usize::from(id)]
    }

    pub fn len(&self) -> usize {
        self.specs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.specs.is_empty()
    }
}

fn spec_of(path: &ObjectPath) -> Option<FieldSpec> {
    let mut keys = vec![path.property.clone()];
    for step in &path.steps {
        match step {
            PathStep::Key(k) => keys.push(k.clone()),
            _ => return None,
        }
    }
    let object_type = path.object_type.as_str().to_owned();
    let lowercase = matches!(object_type.as_str(), "domain-name" | "mac-addr") && keys == ["value"]
        || (object_type == "file" && keys.len() == 2 && keys[0] == "hashes");
    let numeric = object_type == "network-traffic" && matches!(keys[0].as_str(), "src_port" | "dst_port")
        || (object_type == "process" && keys[0] == "pid");
    Some(FieldSpec { object_type, path: keys, numeric, lowercase })
}

/// The hash field of a hex digest by its length (MD5, SHA-1, SHA-256, SHA-512).
pub fn hash_field(hex: &[u8]) -> Option<FieldId> {
    let field = match hex.len() {
        32 => MD5,
        40 => SHA1,
        64 => SHA256,
        128 => SHA512,
        _ => return None,
    };
    hex.iter().all(u8::is_ascii_hexdigit).then_some(field)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecs_names_and_paths() {
        let f = Fields::new();
        assert_eq!(f.name("source.ip").unwrap().target, Target::Ip);
        assert_eq!(f.name("file.hash.sha256").unwrap().target, Target::Field(SHA256));
        assert_eq!(f.name("related.hash").unwrap().target, Target::Hash);
        assert_eq!(f.spec(SHA256).stix_path(), "file:hashes.'SHA-256'");
        // the file values of one event form one object; source and destination do not
        assert_eq!(f.name("file.name").unwrap().group, f.name("file.hash.md5").unwrap().group);
        assert_ne!(f.name("source.ip").unwrap().group, f.name("destination.ip").unwrap().group);
    }

    #[test]
    fn mappings_in_json_and_toml() {
        let mut f = Fields::new();
        f.add_mapping(r#"{"srcaddr": "ipv4-addr:value", "ts": "time", "sha": "file:hashes.'SHA-256'", "x": "x-thing:a.b"}"#)
            .unwrap();
        assert_eq!(f.name("srcaddr").unwrap().target, Target::Field(IPV4));
        assert_eq!(f.name("ts").unwrap().target, Target::Time);
        assert_eq!(f.name("sha").unwrap().target, Target::Field(SHA256));
        let Target::Field(x) = f.name("x").unwrap().target else { panic!() };
        assert_eq!(f.spec(x).stix_path(), "x-thing:a.b");
        f.add_mapping("who = \"user-account:account_login\"\n").unwrap();
        assert_eq!(f.name("who").unwrap().target, Target::Field(USER));
        assert!(f.add_mapping(r#"{"a": "not a path"}"#).is_err());
        assert!(f.add_mapping(r#"{"a": "file:names[0]"}"#).is_err());
        assert!(f.add_mapping("{{{").is_err());
    }
}
