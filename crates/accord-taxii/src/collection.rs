//! API roots and collections, and what a reader may do with a collection.

use std::fmt;
use std::str::FromStr;

use accord_stix::TlpLevel;

/// The name of an API root, the path segment under `/taxii2/`: 1 to 64 lower-case letters,
/// digits and hyphens.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ApiRootName(String);

/// A malformed name or id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct NameError {
    pub field: &'static str,
    pub message: String,
}

impl ApiRootName {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for ApiRootName {
    type Err = NameError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let ok = (1..=64).contains(&s.len())
            && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-');
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(NameError {
                field: "api_root",
                message: "API root names are 1 to 64 lower-case letters, digits and hyphens".into(),
            })
        }
    }
}

impl fmt::Display for ApiRootName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A collection id: a UUID in its lower-case hyphenated form (TAXII requires an identifier
/// unique across the server).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CollectionId(String);

impl CollectionId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for CollectionId {
    type Err = NameError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let b = s.as_bytes();
        let ok = b.len() == 36
            && b.iter().enumerate().all(|(i, c)| match i {
                8 | 13 | 18 | 23 => *c == b'-',
                _ => c.is_ascii_digit() || (b'a'..=b'f').contains(c),
            });
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(NameError { field: "id", message: "collection ids are lower-case hyphenated UUIDs".into() })
        }
    }
}

impl fmt::Display for CollectionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An API root as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiRoot {
    pub name: ApiRootName,
    pub title: String,
    pub description: Option<String>,
    /// Largest request body accepted on this root, in bytes.
    pub max_content_length: u64,
}

/// A collection as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collection {
    pub id: CollectionId,
    pub api_root: ApiRootName,
    pub title: String,
    pub description: Option<String>,
    /// The TLP of objects that carry no TLP marking.
    pub default_tlp: TlpLevel,
    /// Anonymous readers may read its TLP:CLEAR objects.
    pub public: bool,
}

/// What one reader may do with one collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Access {
    pub can_read: bool,
    pub can_write: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_ids() {
        assert!("accord".parse::<ApiRootName>().is_ok());
        assert!("trust-group-1".parse::<ApiRootName>().is_ok());
        for bad in ["", "Accord", "-x", "a/b", &"a".repeat(65)] {
            assert!(bad.parse::<ApiRootName>().is_err(), "{bad}");
        }
        assert!("91a7b528-80eb-42ed-a74d-c6fbd5a26116".parse::<CollectionId>().is_ok());
        for bad in ["91A7B528-80EB-42ED-A74D-C6FBD5A26116", "91a7b52880eb42eda74dc6fbd5a26116", "x"] {
            assert!(bad.parse::<CollectionId>().is_err(), "{bad}");
        }
    }
}
