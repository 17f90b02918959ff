//! Who may do what. Each check answers 401 for anonymous callers and 403 for the others.

use accord_model::{OrganizationId, Role};

use crate::{AppError, Caller};

fn deny(caller: &Caller, why: &'static str) -> AppError {
    match caller {
        Caller::Anonymous => AppError::Unauthenticated,
        _ => AppError::Forbidden(why.into()),
    }
}

pub(crate) fn create_organization(caller: &Caller) -> Result<(), AppError> {
    if caller.is_operator_or(Role::Admin) {
        Ok(())
    } else {
        Err(deny(caller, "only an administrator can add organizations"))
    }
}

pub(crate) fn publish_accord(caller: &Caller) -> Result<(), AppError> {
    if caller.is_operator_or(Role::Admin) {
        Ok(())
    } else {
        Err(deny(caller, "only an administrator can publish the accord text"))
    }
}

pub(crate) fn invite(caller: &Caller) -> Result<(), AppError> {
    if caller.is_operator_or(Role::Admin) || caller.is_operator_or(Role::Coordinator) {
        Ok(())
    } else {
        Err(deny(caller, "only an administrator or a coordinator can invite organizations"))
    }
}

/// Keys, signatures and withdrawals of one organisation.
pub(crate) fn manage_organization(caller: &Caller, org: OrganizationId) -> Result<(), AppError> {
    if caller.manages(org) {
        Ok(())
    } else {
        Err(deny(caller, "only an administrator or this organization's org_admin can do this"))
    }
}

pub(crate) fn create_user(caller: &Caller, role: Role, org: Option<OrganizationId>) -> Result<(), AppError> {
    if caller.is_operator_or(Role::Admin) {
        return Ok(());
    }
    match (caller, org) {
        (Caller::User(u), Some(org))
            if u.role == Role::OrgAdmin
                && u.organization_id == Some(org)
                && matches!(role, Role::OrgAdmin | Role::Analyst) =>
        {
            Ok(())
        }
        _ => Err(deny(
            caller,
            "only an administrator, or an org_admin for analysts and org_admins of their own organization, can add users",
        )),
    }
}

pub(crate) fn read_users(caller: &Caller) -> Result<Option<OrganizationId>, AppError> {
    match caller {
        Caller::Operator => Ok(None),
        Caller::User(u) if u.role == Role::Admin => Ok(None),
        Caller::User(u) if u.role == Role::OrgAdmin => Ok(u.organization_id),
        _ => Err(deny(caller, "only an administrator or an org_admin can list users")),
    }
}

pub(crate) fn read_audit(caller: &Caller) -> Result<(), AppError> {
    if caller.is_operator_or(Role::Admin) {
        Ok(())
    } else {
        Err(deny(caller, "only an administrator can read the audit trail"))
    }
}

pub(crate) fn manage_taxii(caller: &Caller) -> Result<(), AppError> {
    if caller.is_operator_or(Role::Admin) {
        Ok(())
    } else {
        Err(deny(caller, "only an administrator can manage API roots, collections and grants"))
    }
}

pub(crate) fn pull_taxii(caller: &Caller) -> Result<(), AppError> {
    if caller.is_operator_or(Role::Admin) {
        Ok(())
    } else {
        Err(deny(caller, "only an administrator can pull remote collections"))
    }
}

pub(crate) fn read_outbox(caller: &Caller) -> Result<(), AppError> {
    if caller.is_operator_or(Role::Admin) {
        Ok(())
    } else {
        Err(deny(caller, "only an administrator can read the notification outbox"))
    }
}

pub(crate) fn import_advisories(caller: &Caller) -> Result<(), AppError> {
    if caller.is_operator_or(Role::Admin) {
        Ok(())
    } else {
        Err(deny(caller, "only an administrator can import advisories"))
    }
}
