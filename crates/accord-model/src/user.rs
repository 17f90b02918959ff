//! Users and their roles.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::ids::truncate;
use crate::{OrganizationId, UserId, ValidationError};

/// What a user may do. Roles are ordered by nothing: each grants its own set of actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the platform: organisations, users, the accord text.
    Admin,
    /// Runs coordinated disclosure and invites organisations to the accord.
    Coordinator,
    /// Manages one organisation: its users, keys and signature.
    #[serde(alias = "org-admin")]
    OrgAdmin,
    /// Works for one organisation on threat intelligence and cases.
    Analyst,
    /// Reports vulnerabilities.
    Finder,
}

impl Role {
    pub const ALL: [Role; 5] = [Self::Admin, Self::Coordinator, Self::OrgAdmin, Self::Analyst, Self::Finder];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Coordinator => "coordinator",
            Self::OrgAdmin => "org_admin",
            Self::Analyst => "analyst",
            Self::Finder => "finder",
        }
    }

    /// Whether a user with this role must belong to an organisation.
    pub fn needs_organization(self) -> bool {
        matches!(self, Self::OrgAdmin | Self::Analyst)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm = s.to_ascii_lowercase().replace('-', "_");
        Self::ALL.into_iter().find(|r| r.as_str() == norm).ok_or_else(|| {
            ValidationError::new(
                "role",
                format!(
                    "{:?} is not a role; use admin, coordinator, org_admin, analyst or finder",
                    truncate(s)
                ),
            )
        })
    }
}

/// An e-mail address, lower-cased in its domain part, with a plausible shape.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Trusted construction from stored text (used by store back ends).
    pub fn from_stored(s: String) -> Self {
        Self(s)
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Email {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let bad = || ValidationError::new("email", format!("{:?} is not an e-mail address", truncate(s)));
        if s.len() > 254 {
            return Err(ValidationError::new("email", "must be at most 254 characters"));
        }
        let (local, domain) = s.rsplit_once('@').ok_or_else(bad)?;
        if local.is_empty()
            || local.len() > 64
            || local.chars().any(|c| c.is_whitespace() || c.is_control() || c == '@')
        {
            return Err(bad());
        }
        let domain = crate::organization::validate_domain(domain).map_err(|_| bad())?;
        Ok(Self(format!("{local}@{domain}")))
    }
}

impl<'de> Deserialize<'de> for Email {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A validated request to add a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub email: Email,
    pub name: String,
    pub role: Role,
    pub organization_id: Option<OrganizationId>,
}

impl NewUser {
    pub fn new(
        email: Email,
        name: &str,
        role: Role,
        organization_id: Option<OrganizationId>,
    ) -> Result<Self, ValidationError> {
        if role.needs_organization() && organization_id.is_none() {
            return Err(ValidationError::new(
                "organization_id",
                format!("a user with role {role} must belong to an organization"),
            ));
        }
        Ok(Self { email, name: crate::organization::validate_name(name)?, role, organization_id })
    }
}

/// A user as stored (never with a password hash or token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub name: String,
    pub role: Role,
    pub organization_id: Option<OrganizationId>,
    #[serde(with = "crate::time::serde_ts")]
    pub created_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!("Alice@Example.ORG".parse::<Email>().unwrap().as_str(), "Alice@example.org");
        for bad in ["", "a", "@x.org", "a@b", "a b@x.org", "a@x..org"] {
            assert!(bad.parse::<Email>().is_err(), "{bad}");
        }
    }

    #[test]
    fn roles() {
        assert_eq!("org-admin".parse::<Role>().unwrap(), Role::OrgAdmin);
        assert_eq!("Coordinator".parse::<Role>().unwrap(), Role::Coordinator);
        assert!("root".parse::<Role>().is_err());
        let r: Role = serde_json::from_str("\"org-admin\"").unwrap();
        assert_eq!(r, Role::OrgAdmin);
    }

    #[test]
    fn analysts_need_an_organization() {
        let email: Email = "a@x.org".parse().unwrap();
        let err = NewUser::new(email.clone(), "A", Role::Analyst, None).unwrap_err();
        assert_eq!(err.field, "organization_id");
        assert!(NewUser::new(email, "A", Role::Finder, None).is_ok());
    }
}
