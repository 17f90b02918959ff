use accord_model::{OrganizationId, Role, User};

/// Who is asking.
#[derive(Debug, Clone)]
pub enum Caller {
    /// No credentials: may read what is public.
    Anonymous,
    /// An authenticated user (API token or web session).
    User(User),
    /// The operator at the command line (`accord admin`), who holds the store itself.
    Operator,
}

impl Caller {
    pub fn user(&self) -> Option<&User> {
        match self {
            Caller::User(u) => Some(u),
            _ => None,
        }
    }

    pub(crate) fn is_operator_or(&self, role: Role) -> bool {
        match self {
            Caller::Operator => true,
            Caller::User(u) => u.role == role,
            Caller::Anonymous => false,
        }
    }

    /// Operator, administrator, or org-admin of `org`.
    pub(crate) fn manages(&self, org: OrganizationId) -> bool {
        match self {
            Caller::Operator => true,
            Caller::User(u) => {
                u.role == Role::Admin || (u.role == Role::OrgAdmin && u.organization_id == Some(org))
            }
            Caller::Anonymous => false,
        }
    }

    /// What the audit trail records as the actor.
    pub(crate) fn audit_name(&self) -> String {
        match self {
            Caller::Anonymous => "anonymous".to_owned(),
            Caller::User(u) => format!("user:{}", u.id),
            Caller::Operator => "operator".to_owned(),
        }
    }
}
