//! The URL parameters of the object endpoints (TAXII 2.1 §3.4): `added_after`, `limit`,
//! `next` and `match[id|type|version|spec_version]`. Comma-separated values of one field are
//! ORed, fields are ANDed; every malformed parameter is refused with its name.

use accord_stix::id::check_type_name;
use accord_stix::{StixId, StixTimestamp};
use sha2::{Digest, Sha256};

/// Which endpoint the parameters are for: each allows its own set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// Get Objects and Get Manifest: every parameter.
    Objects,
    /// Get an Object: no `match[id]` or `match[type]` (the id is in the path).
    Object,
    /// Get Object Versions: only `added_after`, `limit`, `next`, `match[spec_version]`.
    Versions,
    /// Delete an Object: only `match[version]` and `match[spec_version]`.
    Delete,
}

/// Which versions of each object to return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionSelector {
    /// The newest version (the default).
    Last,
    /// The oldest version.
    First,
    /// Every version.
    All,
    /// The version with exactly this `modified` (or `created`) timestamp.
    At(StixTimestamp),
}

/// A malformed parameter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{parameter}: {message}")]
pub struct QueryError {
    pub parameter: String,
    pub message: String,
}

fn err(parameter: &str, message: impl Into<String>) -> QueryError {
    QueryError { parameter: parameter.to_owned(), message: message.into() }
}

/// The parsed parameters of one request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ObjectQuery {
    pub added_after: Option<StixTimestamp>,
    pub limit: Option<u32>,
    pub next: Option<String>,
    pub ids: Vec<StixId>,
    pub types: Vec<String>,
    /// Empty means the default, `last`.
    pub versions: Vec<VersionSelector>,
    /// Empty means: only the latest spec version of each object.
    pub spec_versions: Vec<String>,
}

impl ObjectQuery {
    /// Parses decoded `(name, value)` pairs. Unknown `match[...]` fields and parameters the
    /// endpoint does not take are refused; other unknown parameters are ignored.
    pub fn parse(pairs: &[(String, String)], endpoint: Endpoint) -> Result<Self, QueryError> {
        let mut q = ObjectQuery::default();
        let mut seen_single = Vec::new();
        for (name, value) in pairs {
            let name = name.as_str();
            let allowed = match (endpoint, name) {
                (Endpoint::Delete, "match[version]" | "match[spec_version]") => true,
                (Endpoint::Delete, "added_after" | "limit" | "next") => false,
                (_, "added_after" | "limit" | "next" | "match[spec_version]") => true,
                (Endpoint::Objects, "match[id]" | "match[type]" | "match[version]") => true,
                (Endpoint::Object, "match[version]") => true,
                (_, n) if n.starts_with("match[") => false,
                _ => continue, // not a TAXII filter: ignored
            };
            if !allowed {
                return Err(err(name, "is not a filter of this endpoint"));
            }
            if matches!(name, "added_after" | "limit" | "next") {
                if seen_single.contains(&name) {
                    return Err(err(name, "may be given only once"));
                }
                seen_single.push(name);
            }
            match name {
                "added_after" => {
                    q.added_after = Some(StixTimestamp::parse(value).map_err(|e| err(name, e.0))?);
                }
                "limit" => {
                    let n: u32 = value
                        .parse()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or_else(|| err(name, format!("{value:?} is not a positive whole number")))?;
                    q.limit = Some(n);
                }
                "next" => q.next = Some(value.clone()),
                "match[id]" => {
                    for v in list(name, value)? {
                        q.ids.push(v.parse().map_err(|e: accord_stix::id::IdError| err(name, e.0))?);
                    }
                }
                "match[type]" => {
                    for v in list(name, value)? {
                        check_type_name(v).map_err(|e| err(name, e.0))?;
                        q.types.push(v.to_owned());
                    }
                }
                "match[version]" => {
                    for v in list(name, value)? {
                        q.versions.push(match v {
                            "last" => VersionSelector::Last,
                            "first" => VersionSelector::First,
                            "all" => VersionSelector::All,
                            t => VersionSelector::At(StixTimestamp::parse(t).map_err(|_| {
                                err(name, format!("{t:?} is not last, first, all or a timestamp"))
                            })?),
                        });
                    }
                }
                "match[spec_version]" => {
                    for v in list(name, value)? {
                        let ok = v.split('.').count() == 2
                            && v.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
                        if !ok {
                            return Err(err(name, format!("{v:?} is not a STIX version such as 2.1")));
                        }
                        q.spec_versions.push(v.to_owned());
                    }
                }
                _ => unreachable!("every allowed name is handled above"),
            }
        }
        for list in [&mut q.types, &mut q.spec_versions] {
            list.sort();
            list.dedup();
        }
        q.ids.sort();
        q.ids.dedup();
        Ok(q)
    }

    /// The page size: what the client asked, clamped to the server's maximum.
    pub fn page_size(&self, server_max: u32) -> u32 {
        self.limit.unwrap_or(server_max).clamp(1, server_max.max(1))
    }

    /// A digest of the filters (not `limit` or `next`): the part of a cursor's binding that
    /// says which query it belongs to.
    pub fn fingerprint(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        let mut field = |name: &str, values: &mut dyn Iterator<Item = String>| {
            h.update(name.as_bytes());
            for v in values {
                h.update([0u8]);
                h.update(v.as_bytes());
            }
            h.update([1u8]);
        };
        field("added_after", &mut self.added_after.iter().map(|t| t.sort_key().to_owned()));
        field("id", &mut self.ids.iter().map(ToString::to_string));
        field("type", &mut self.types.iter().cloned());
        let mut versions: Vec<String> = self
            .versions
            .iter()
            .map(|v| match v {
                VersionSelector::Last => "last".to_owned(),
                VersionSelector::First => "first".to_owned(),
                VersionSelector::All => "all".to_owned(),
                VersionSelector::At(t) => t.sort_key().to_owned(),
            })
            .collect();
        versions.sort();
        field("version", &mut versions.into_iter());
        field("spec_version", &mut self.spec_versions.iter().cloned());
        h.finalize().into()
    }
}

/// Splits a comma-separated value; empty items are an error.
fn list<'a>(name: &str, value: &'a str) -> Result<Vec<&'a str>, QueryError> {
    let items: Vec<&str> = value.split(',').map(str::trim).collect();
    if items.iter().any(|i| i.is_empty()) {
        return Err(err(name, "has an empty value in its comma-separated list"));
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect()
    }

    fn parse(list: &[(&str, &str)]) -> Result<ObjectQuery, QueryError> {
        ObjectQuery::parse(&pairs(list), Endpoint::Objects)
    }

    #[test]
    fn every_filter() {
        let q = parse(&[
            ("added_after", "2016-01-01T01:01:01.123456Z"),
            ("limit", "50"),
            ("match[type]", "indicator,malware"),
            ("match[type]", "indicator"),
            ("match[id]", "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"),
            ("match[version]", "first,last,2016-01-01T01:01:01.000Z"),
            ("match[spec_version]", "2.1,2.0"),
            ("utm_source", "ignored"),
        ])
        .unwrap();
        assert_eq!(q.types, ["indicator", "malware"]);
        assert_eq!(q.limit, Some(50));
        assert_eq!(q.versions.len(), 3);
        assert!(matches!(q.versions[2], VersionSelector::At(_)));
        assert_eq!(q.spec_versions, ["2.0", "2.1"]);
        assert_eq!(q.page_size(20), 20, "clamped to the server maximum");
        assert_eq!(ObjectQuery::default().page_size(100), 100);
    }

    #[test]
    fn malformed_parameters_are_named() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[("added_after", "yesterday")], "added_after"),
            (&[("limit", "0")], "limit"),
            (&[("limit", "-5")], "limit"),
            (&[("limit", "ten")], "limit"),
            (&[("limit", "1"), ("limit", "2")], "limit"),
            (&[("match[type]", "Indicator")], "match[type]"),
            (&[("match[type]", "indicator,,malware")], "match[type]"),
            (&[("match[id]", "indicator--nope")], "match[id]"),
            (&[("match[version]", "newest")], "match[version]"),
            (&[("match[spec_version]", "two")], "match[spec_version]"),
            (&[("match[colour]", "red")], "match[colour]"),
        ];
        for (input, parameter) in cases {
            let e = parse(input).unwrap_err();
            assert_eq!(e.parameter, *parameter, "{input:?}: {e}");
        }
        let e = ObjectQuery::parse(&pairs(&[("match[type]", "indicator")]), Endpoint::Versions).unwrap_err();
        assert_eq!(e.parameter, "match[type]");
        assert!(ObjectQuery::parse(&pairs(&[("match[version]", "all")]), Endpoint::Versions).is_err());
        assert!(ObjectQuery::parse(&pairs(&[("match[version]", "all")]), Endpoint::Object).is_ok());
        assert!(ObjectQuery::parse(&pairs(&[("match[version]", "first")]), Endpoint::Delete).is_ok());
        assert_eq!(
            ObjectQuery::parse(&pairs(&[("limit", "5")]), Endpoint::Delete).unwrap_err().parameter,
            "limit"
        );
    }

    #[test]
    fn fingerprints_follow_the_filters_only() {
        let a = parse(&[("match[type]", "malware,indicator"), ("limit", "5")]).unwrap();
        let b = parse(&[("match[type]", "indicator"), ("match[type]", "malware"), ("next", "x")]).unwrap();
        assert_eq!(a.fingerprint(), b.fingerprint(), "same filters, other paging");
        let c = parse(&[("match[type]", "indicator")]).unwrap();
        assert_ne!(a.fingerprint(), c.fingerprint());
        let d = parse(&[("match[id]", "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f")]).unwrap();
        let e = parse(&[("match[type]", "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f")]);
        assert!(e.is_err());
        assert_ne!(d.fingerprint(), ObjectQuery::default().fingerprint());
    }
}
