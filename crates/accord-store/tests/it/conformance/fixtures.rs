//! Building blocks for the conformance tests: domain values with fixed, readable contents,
//! real Ed25519 signatures, and short-hands for writes and expected errors.

use std::sync::atomic::{AtomicU64, Ordering};

use accord_model::accord::signing_statement;
use accord_model::token::ApiToken;
use accord_model::{
    AccordSignature, AccordText, AccordVersion, AccordVersionNumber, Email, Organization, OrganizationId,
    OrganizationKind, OrganizationStatus, PublicKey, Role, SignatureValue, TokenDigest, User, UserId,
};
use accord_store::{RegistryWrite, Store, StoreError};
use ed25519_dalek::{Signer, SigningKey};
use jiff::{SignedDuration, Timestamp};

/// The actor of writes whose actor the test does not look at.
pub const ACTOR: &str = "conformance";

/// Parses an RFC 3339 timestamp.
pub fn ts(s: &str) -> Timestamp {
    s.parse::<Timestamp>().unwrap_or_else(|e| panic!("{s:?}: {e}"))
}

/// The suite's clock: 2018-04-17T00:00:00Z plus `days` days.
pub fn day(days: i64) -> Timestamp {
    ts("2018-04-17T00:00:00Z").checked_add(SignedDuration::from_hours(24 * days)).expect("timestamp in range")
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A fresh identifier (a valid, canonical v4-shaped UUID) unique within the test binary.
fn next_uuid() -> String {
    format!("00000000-0000-4000-8000-{:012x}", NEXT_ID.fetch_add(1, Ordering::Relaxed))
}

pub fn org_id() -> OrganizationId {
    next_uuid().parse().expect("valid organization id")
}

pub fn user_id() -> UserId {
    next_uuid().parse().expect("valid user id")
}

/// A vendor that was never invited, created on day 0.
pub fn org(name: &str, domain: &str) -> Organization {
    Organization {
        id: org_id(),
        name: name.to_owned(),
        domain: domain.to_owned(),
        kind: OrganizationKind::Vendor,
        status: OrganizationStatus::NotInvited,
        security_contact: None,
        signed_at: None,
        signed_version: None,
        invited_at: None,
        withdrawn_at: None,
        created_at: day(0),
    }
}

pub fn email(s: &str) -> Email {
    s.parse().unwrap_or_else(|e| panic!("{s:?}: {e}"))
}

/// A user created on day 0; the name is the local part of the address.
pub fn user(address: &str, role: Role, organization_id: Option<OrganizationId>) -> User {
    User {
        id: user_id(),
        email: email(address),
        name: address.split('@').next().unwrap_or(address).to_owned(),
        role,
        organization_id,
        created_at: day(0),
    }
}

pub fn version(n: u32) -> AccordVersionNumber {
    AccordVersionNumber::new(n).expect("versions start at 1")
}

/// Version `n` of the accord, published on day `n`, with a text of its own.
pub fn accord(n: u32) -> AccordVersion {
    accord_with_text(n, &format!("We, the undersigned, agree to coordinate disclosure.\n\nVersion {n}.\n"))
}

pub fn accord_with_text(n: u32, text: &str) -> AccordVersion {
    let text = AccordText::new(text).expect("valid accord text");
    AccordVersion {
        version: version(n),
        title: format!("The Accord, version {n}"),
        sha256: text.sha256_hex(),
        text,
        published_at: day(i64::from(n)),
    }
}

/// A deterministic Ed25519 key: every byte of the secret is `n`.
pub fn signing_key(n: u8) -> SigningKey {
    SigningKey::from_bytes(&[n; 32])
}

pub fn public_key(n: u8) -> PublicKey {
    PublicKey::from_verifying_key(signing_key(n).verifying_key())
}

/// A genuine signature of `accord` by `organization` with key `key`, made at `at`.
pub fn signature(
    organization: OrganizationId,
    accord: &AccordVersion,
    key: u8,
    at: Timestamp,
) -> AccordSignature {
    let statement = signing_statement(accord.version, &accord.sha256, organization);
    let sig = signing_key(key).sign(statement.as_bytes());
    let public_key = public_key(key);
    let signature = SignatureValue::from_signature(sig);
    assert!(public_key.verify(statement.as_bytes(), &signature).is_ok(), "fixture signature verifies");
    AccordSignature {
        organization_id: organization,
        version: accord.version,
        accord_sha256: accord.sha256.clone(),
        public_key,
        signature,
        statement,
        signed_at: at,
    }
}

/// The stored form of an API token or session secret made of 32 bytes of `n`.
pub fn token(n: u8) -> TokenDigest {
    ApiToken::from_random([n; 32]).digest()
}

/// Applies `writes` as [`ACTOR`]; panics if the store refuses.
pub async fn write(store: &dyn Store, writes: Vec<RegistryWrite>) {
    if let Err(e) = store.write(ACTOR, writes).await {
        panic!("write refused: {e:?}");
    }
}

pub async fn create_org(store: &dyn Store, org: &Organization) {
    write(store, vec![RegistryWrite::CreateOrganization(org.clone())]).await;
}

pub async fn publish(store: &dyn Store, accord: &AccordVersion) {
    write(store, vec![RegistryWrite::PublishAccordVersion(accord.clone())]).await;
}

pub async fn add_key(store: &dyn Store, organization_id: OrganizationId, key: u8, at: Timestamp) {
    write(store, vec![RegistryWrite::AddOrganizationKey { organization_id, key: public_key(key), at }]).await;
}

/// Creates `org`, registers key `key` for it and signs `accord` at `at`, in separate writes.
pub async fn make_signatory(
    store: &dyn Store,
    org: &Organization,
    key: u8,
    accord: &AccordVersion,
    at: Timestamp,
) -> AccordSignature {
    create_org(store, org).await;
    add_key(store, org.id, key, day(0)).await;
    let sig = signature(org.id, accord, key, at);
    write(store, vec![RegistryWrite::Sign(sig.clone())]).await;
    sig
}

/// Reads an organisation that must exist.
pub async fn get_org(store: &dyn Store, id: OrganizationId) -> Organization {
    store.organization(id).await.expect("read organization").expect("organization exists")
}

/// Names of a list of organisations, in order.
pub fn names(orgs: &[Organization]) -> Vec<&str> {
    orgs.iter().map(|o| o.name.as_str()).collect()
}

/// Asserts that a write was refused as a conflict (with a message for the caller).
#[track_caller]
pub fn expect_conflict(result: Result<(), StoreError>) {
    match result {
        Err(StoreError::Conflict { message }) => {
            assert!(!message.trim().is_empty(), "a conflict explains itself")
        }
        other => panic!("expected StoreError::Conflict, got {other:?}"),
    }
}

/// Asserts that a write was refused because `what` does not exist.
#[track_caller]
pub fn expect_not_found(result: Result<(), StoreError>, what: &str) {
    match result {
        Err(StoreError::NotFound { what: w }) => assert_eq!(w, what, "NotFound names what is missing"),
        other => panic!("expected StoreError::NotFound {{ what: {what:?} }}, got {other:?}"),
    }
}
