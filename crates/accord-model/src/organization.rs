//! Organisations: the members of the accord, and how their status changes.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::ids::truncate;
use crate::{AccordVersionNumber, OrganizationId, ValidationError};

/// What kind of organisation this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrganizationKind {
    Vendor,
    Cert,
    Research,
    Customer,
}

impl OrganizationKind {
    pub const ALL: [OrganizationKind; 4] = [Self::Vendor, Self::Cert, Self::Research, Self::Customer];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Vendor => "vendor",
            Self::Cert => "cert",
            Self::Research => "research",
            Self::Customer => "customer",
        }
    }
}

impl fmt::Display for OrganizationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OrganizationKind {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|k| k.as_str() == s.to_ascii_lowercase()).ok_or_else(|| {
            ValidationError::new(
                "kind",
                format!("{:?} is not a kind; use vendor, cert, research or customer", truncate(s)),
            )
        })
    }
}

/// Where an organisation stands towards the accord.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrganizationStatus {
    /// Has signed a version of the accord and not withdrawn.
    Signatory,
    /// Has been invited and not signed (yet).
    Invited,
    /// Signed once, then withdrew.
    Withdrawn,
    /// Member of the platform that was never invited to sign.
    NotInvited,
}

impl OrganizationStatus {
    pub const ALL: [OrganizationStatus; 4] =
        [Self::Signatory, Self::Invited, Self::Withdrawn, Self::NotInvited];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Signatory => "signatory",
            Self::Invited => "invited",
            Self::Withdrawn => "withdrawn",
            Self::NotInvited => "not_invited",
        }
    }

    /// The status after an invitation, or why an invitation makes no sense now.
    pub fn after_invitation(self) -> Result<Self, TransitionError> {
        match self {
            Self::NotInvited | Self::Withdrawn => Ok(Self::Invited),
            Self::Invited => Err(TransitionError("the organization is already invited")),
            Self::Signatory => Err(TransitionError("the organization has already signed the accord")),
        }
    }

    /// The status after a valid signature. Signing again (a newer version) keeps a signatory a
    /// signatory; the caller refuses a second signature of the same version.
    pub fn after_signature(self) -> Result<Self, TransitionError> {
        Ok(Self::Signatory)
    }

    /// The status after a withdrawal, which only a signatory can make.
    pub fn after_withdrawal(self) -> Result<Self, TransitionError> {
        match self {
            Self::Signatory => Ok(Self::Withdrawn),
            _ => Err(TransitionError("only a signatory can withdraw from the accord")),
        }
    }
}

impl fmt::Display for OrganizationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OrganizationStatus {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| {
            ValidationError::new(
                "status",
                format!(
                    "{:?} is not a status; use signatory, invited, withdrawn or not_invited",
                    truncate(s)
                ),
            )
        })
    }
}

/// A status change that the current status does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TransitionError(pub &'static str);

/// How to reach an organisation's security team: an e-mail address or an `https://` URL
/// (as in RFC 9116 `Contact:` fields).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct SecurityContact(String);

impl SecurityContact {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for SecurityContact {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let bad = |m: &str| ValidationError::new("security_contact", m.to_owned());
        if s.len() > 320 {
            return Err(bad("must be at most 320 characters"));
        }
        if let Some(rest) = s.strip_prefix("https://") {
            if rest.is_empty() || rest.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(bad("is not a valid https:// URL"));
            }
            return Ok(Self(s.to_owned()));
        }
        let email = s.strip_prefix("mailto:").unwrap_or(s);
        crate::user::Email::from_str(email)
            .map_err(|_| bad("must be an e-mail address or an https:// URL"))?;
        Ok(Self(email.to_owned()))
    }
}

impl<'de> Deserialize<'de> for SecurityContact {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A validated request to add an organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrganization {
    pub name: String,
    pub domain: String,
    pub kind: OrganizationKind,
    pub security_contact: Option<SecurityContact>,
}

impl NewOrganization {
    /// Checks every field and normalises the domain to lower case.
    pub fn new(
        name: &str,
        domain: &str,
        kind: OrganizationKind,
        security_contact: Option<SecurityContact>,
    ) -> Result<Self, ValidationError> {
        Ok(Self { name: validate_name(name)?, domain: validate_domain(domain)?, kind, security_contact })
    }
}

/// A display name: 1 to 200 characters, no control characters, trimmed.
pub fn validate_name(name: &str) -> Result<String, ValidationError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ValidationError::new("name", "must not be empty"));
    }
    if name.chars().count() > 200 {
        return Err(ValidationError::new("name", "must be at most 200 characters"));
    }
    if name.chars().any(char::is_control) {
        return Err(ValidationError::new("name", "must not contain control characters"));
    }
    Ok(name.to_owned())
}

/// A DNS host name such as `example.com`: letters, digits and hyphens in dot-separated labels.
pub fn validate_domain(domain: &str) -> Result<String, ValidationError> {
    let d = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    let bad = |m: String| ValidationError::new("domain", m);
    if d.is_empty() || d.len() > 253 {
        return Err(bad("must be a domain name of 1 to 253 characters".into()));
    }
    let labels: Vec<&str> = d.split('.').collect();
    if labels.len() < 2 {
        return Err(bad(format!("{:?} is not a domain name (example.com)", truncate(domain))));
    }
    for label in labels {
        let ok = !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !ok {
            return Err(bad(format!(
                "{:?} is not a domain name: labels are letters, digits and inner hyphens",
                truncate(domain)
            )));
        }
    }
    Ok(d)
}

/// An organisation as stored, with its accord status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Organization {
    pub id: OrganizationId,
    pub name: String,
    pub domain: String,
    pub kind: OrganizationKind,
    pub status: OrganizationStatus,
    pub security_contact: Option<SecurityContact>,
    #[serde(with = "crate::time::serde_opt")]
    pub signed_at: Option<Timestamp>,
    pub signed_version: Option<AccordVersionNumber>,
    #[serde(with = "crate::time::serde_opt")]
    pub invited_at: Option<Timestamp>,
    #[serde(with = "crate::time::serde_opt")]
    pub withdrawn_at: Option<Timestamp>,
    #[serde(with = "crate::time::serde_ts")]
    pub created_at: Timestamp,
}

/// Trusted construction from stored text (used by store back ends).
impl SecurityContact {
    pub fn from_stored(s: String) -> Self {
        Self(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains() {
        assert_eq!(validate_domain("Example.COM.").unwrap(), "example.com");
        for bad in ["", "localhost", "-a.com", "a..com", "a b.com", "ex_ample.com"] {
            assert!(validate_domain(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names() {
        assert_eq!(validate_name("  Cisco ").unwrap(), "Cisco");
        assert!(validate_name(" ").is_err());
        assert!(validate_name("a\u{7}b").is_err());
        assert!(validate_name(&"x".repeat(201)).is_err());
    }

    #[test]
    fn contacts() {
        assert_eq!("mailto:psirt@cisco.com".parse::<SecurityContact>().unwrap().as_str(), "psirt@cisco.com");
        assert!("https://example.com/security".parse::<SecurityContact>().is_ok());
        assert!("http://example.com".parse::<SecurityContact>().is_err());
        assert!("nobody".parse::<SecurityContact>().is_err());
    }

    #[test]
    fn status_transitions() {
        use OrganizationStatus::*;
        assert_eq!(NotInvited.after_invitation(), Ok(Invited));
        assert_eq!(Withdrawn.after_invitation(), Ok(Invited));
        assert!(Invited.after_invitation().is_err());
        assert!(Signatory.after_invitation().is_err());
        for s in OrganizationStatus::ALL {
            assert_eq!(s.after_signature(), Ok(Signatory));
        }
        assert_eq!(Signatory.after_withdrawal(), Ok(Withdrawn));
        for s in [Invited, Withdrawn, NotInvited] {
            assert!(s.after_withdrawal().is_err());
        }
    }

    #[test]
    fn parse_enums() {
        assert_eq!("CERT".parse::<OrganizationKind>().unwrap(), OrganizationKind::Cert);
        assert!("bank".parse::<OrganizationKind>().unwrap_err().message.contains("vendor"));
        assert_eq!("not_invited".parse::<OrganizationStatus>().unwrap(), OrganizationStatus::NotInvited);
        assert!("pending".parse::<OrganizationStatus>().is_err());
    }
}
