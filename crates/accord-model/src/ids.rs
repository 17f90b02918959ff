//! Identifier newtypes, parsed once at the edge.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Uuid);

        impl $name {
            /// Wraps a UUID chosen by the caller (the application layer draws them).
            pub fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = crate::ValidationError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                // Only the canonical hyphenated lower-case form, so one id has one spelling.
                let uuid = Uuid::try_parse(s).map_err(|_| {
                    crate::ValidationError::new("id", format!("{:?} is not a valid {} id", truncate(s), $what))
                })?;
                let mut buf = Uuid::encode_buffer();
                if uuid.hyphenated().encode_lower(&mut buf) != s {
                    return Err(crate::ValidationError::new(
                        "id",
                        format!("{} ids are lower-case hyphenated UUIDs", $what),
                    ));
                }
                Ok(Self(uuid))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut buf = uuid::Uuid::encode_buffer();
                s.serialize_str(self.0.hyphenated().encode_lower(&mut buf))
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

uuid_id!(
    /// Identifies an organisation (a signatory, an invitee or any other member).
    OrganizationId,
    "organization"
);
uuid_id!(
    /// Identifies a user account.
    UserId,
    "user"
);
uuid_id!(
    /// Identifies a vulnerability report, as a finder sent it.
    ReportId,
    "report"
);
uuid_id!(
    /// Identifies a coordinated-disclosure case.
    CaseId,
    "case"
);
uuid_id!(
    /// Identifies one message of the notification outbox (one event for one recipient); sent
    /// as `X-Accord-Delivery` so that receivers can drop a message delivered twice.
    NotificationId,
    "notification"
);

/// Shortens untrusted text before it is echoed in an error message.
pub(crate) fn truncate(s: &str) -> String {
    const MAX: usize = 60;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(MAX).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_canonical_form_only() {
        let id: OrganizationId = "7c9e6679-7425-40de-944b-e07fc1f90ae7".parse().unwrap();
        assert_eq!(id.to_string(), "7c9e6679-7425-40de-944b-e07fc1f90ae7");
        assert!("7C9E6679-7425-40DE-944B-E07FC1F90AE7".parse::<OrganizationId>().is_err());
        assert!("7c9e6679742540de944be07fc1f90ae7".parse::<OrganizationId>().is_err());
        let err = "nope".parse::<UserId>().unwrap_err();
        assert_eq!(err.field, "id");
        assert!(err.message.contains("user"), "{err}");
    }

    #[test]
    fn serde_goes_through_from_str() {
        let bad: Result<OrganizationId, _> = serde_json::from_str("\"x\"");
        assert!(bad.is_err());
        let good: OrganizationId = serde_json::from_str("\"7c9e6679-7425-40de-944b-e07fc1f90ae7\"").unwrap();
        assert_eq!(serde_json::to_string(&good).unwrap(), "\"7c9e6679-7425-40de-944b-e07fc1f90ae7\"");
    }
}
