//! Turning rows into domain values. Stored text was validated on the way in; if it no longer
//! parses, the row is reported as corrupt rather than trusted.

use std::str::FromStr;

use accord_model::time::{format_timestamp, parse_timestamp};
use accord_model::{
    AccordSignature, AccordText, AccordVersion, AccordVersionNumber, Email, Organization, SecurityContact,
    User,
};
use jiff::Timestamp;
use rusqlite::Row;
use rusqlite::types::Type;

pub(super) const ORGANIZATION_COLUMNS: &str = "id, name, domain, kind, status, security_contact, \
     signed_at, signed_version, invited_at, withdrawn_at, created_at";

pub(super) const USER_COLUMNS: &str = "u.id, u.email, u.name, u.role, u.organization_id, u.created_at";

pub(super) const ACCORD_COLUMNS: &str = "version, title, text, sha256, published_at";

pub(super) const SIGNATURE_COLUMNS: &str =
    "organization_id, version, accord_sha256, public_key, signature, statement, signed_at";

pub(super) fn corrupt<E: std::fmt::Display>(idx: usize, e: E) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        idx,
        Type::Text,
        format!("stored value no longer valid: {e}").into(),
    )
}

/// Reads column `idx` as text and parses it with the domain type's own `FromStr`.
pub(super) fn parsed<T>(row: &Row<'_>, idx: usize) -> rusqlite::Result<T>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    let s: String = row.get(idx)?;
    s.parse().map_err(|e| corrupt(idx, e))
}

pub(super) fn parsed_opt<T>(row: &Row<'_>, idx: usize) -> rusqlite::Result<Option<T>>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    let s: Option<String> = row.get(idx)?;
    s.map(|s| s.parse().map_err(|e| corrupt(idx, e))).transpose()
}

pub(super) fn ts(row: &Row<'_>, idx: usize) -> rusqlite::Result<Timestamp> {
    let s: String = row.get(idx)?;
    parse_timestamp(&s).map_err(|e| corrupt(idx, e))
}

pub(super) fn ts_opt(row: &Row<'_>, idx: usize) -> rusqlite::Result<Option<Timestamp>> {
    let s: Option<String> = row.get(idx)?;
    s.map(|s| parse_timestamp(&s).map_err(|e| corrupt(idx, e))).transpose()
}

pub(super) fn text(t: Timestamp) -> String {
    format_timestamp(t)
}

fn version(row: &Row<'_>, idx: usize) -> rusqlite::Result<AccordVersionNumber> {
    let n: u32 = row.get(idx)?;
    AccordVersionNumber::new(n).map_err(|e| corrupt(idx, e))
}

pub(super) fn organization(row: &Row<'_>) -> rusqlite::Result<Organization> {
    let signed_version: Option<u32> = row.get(7)?;
    Ok(Organization {
        id: parsed(row, 0)?,
        name: row.get(1)?,
        domain: row.get(2)?,
        kind: parsed(row, 3)?,
        status: parsed(row, 4)?,
        security_contact: row.get::<_, Option<String>>(5)?.map(SecurityContact::from_stored),
        signed_at: ts_opt(row, 6)?,
        signed_version: signed_version
            .map(|n| AccordVersionNumber::new(n).map_err(|e| corrupt(7, e)))
            .transpose()?,
        invited_at: ts_opt(row, 8)?,
        withdrawn_at: ts_opt(row, 9)?,
        created_at: ts(row, 10)?,
    })
}

pub(super) fn user(row: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: parsed(row, 0)?,
        email: Email::from_stored(row.get(1)?),
        name: row.get(2)?,
        role: parsed(row, 3)?,
        organization_id: parsed_opt(row, 4)?,
        created_at: ts(row, 5)?,
    })
}

pub(super) fn accord_version(row: &Row<'_>) -> rusqlite::Result<AccordVersion> {
    Ok(AccordVersion {
        version: version(row, 0)?,
        title: row.get(1)?,
        text: AccordText::from_stored(row.get(2)?),
        sha256: row.get(3)?,
        published_at: ts(row, 4)?,
    })
}

pub(super) fn signature(row: &Row<'_>) -> rusqlite::Result<AccordSignature> {
    Ok(AccordSignature {
        organization_id: parsed(row, 0)?,
        version: version(row, 1)?,
        accord_sha256: row.get(2)?,
        public_key: parsed(row, 3)?,
        signature: parsed(row, 4)?,
        statement: row.get(5)?,
        signed_at: ts(row, 6)?,
    })
}
