//! A write batch is one unit: all of it is applied, or none of it.

use accord_model::Role;
use accord_store::{RegistryCounts, RegistryWrite, Store};

use super::fixtures::*;

pub async fn failed_third_write_applies_nothing(store: &dyn Store) {
    let o = org("Example", "example.org");
    let u = user("ana@example.org", Role::Analyst, Some(o.id));
    let result = store
        .write(
            ACTOR,
            vec![
                RegistryWrite::CreateOrganization(o.clone()),
                RegistryWrite::CreateUser { user: u.clone(), password_hash: Some("h".into()) },
                // Fails: no such organisation.
                RegistryWrite::Invite { organization_id: org_id(), at: day(1) },
            ],
        )
        .await;
    expect_not_found(result, "organization");

    assert_eq!(store.organization(o.id).await.unwrap(), None);
    assert!(store.organizations(None).await.unwrap().is_empty());
    assert_eq!(store.user(u.id).await.unwrap(), None);
    assert!(store.user_by_email(&u.email).await.unwrap().is_none());
    assert_eq!(store.counts().await.unwrap(), RegistryCounts::default());
    assert!(store.is_empty().await.unwrap());
    assert!(store.events(10).await.unwrap().is_empty(), "no audit line of the rolled-back writes");

    // The same first two writes succeed on their own afterwards: nothing was half-applied.
    write(
        store,
        vec![
            RegistryWrite::CreateOrganization(o.clone()),
            RegistryWrite::CreateUser { user: u.clone(), password_hash: None },
        ],
    )
    .await;
    assert_eq!(store.user(u.id).await.unwrap(), Some(u));
}

pub async fn conflicting_third_write_applies_nothing(store: &dyn Store) {
    let v1 = accord(1);
    let existing = org("Existing", "existing.example");
    create_org(store, &existing).await;
    let before_events = store.events(100).await.unwrap();

    let fresh = org("Fresh", "fresh.example");
    let result = store
        .write(
            ACTOR,
            vec![
                RegistryWrite::PublishAccordVersion(v1.clone()),
                RegistryWrite::CreateOrganization(fresh.clone()),
                // Fails: the domain is taken.
                RegistryWrite::CreateOrganization(org("Clash", "existing.example")),
            ],
        )
        .await;
    expect_conflict(result);

    assert_eq!(store.accord_latest().await.unwrap(), None);
    assert_eq!(store.organization(fresh.id).await.unwrap(), None);
    assert_eq!(store.organizations(None).await.unwrap(), vec![existing]);
    assert_eq!(store.events(100).await.unwrap(), before_events);

    // The store takes writes again, and version 1 is still the next one.
    write(store, vec![RegistryWrite::PublishAccordVersion(v1.clone())]).await;
    assert_eq!(store.accord_latest().await.unwrap(), Some(v1));
}

/// Later writes of a batch see the earlier ones: an organisation can be created, given a key,
/// invited and made to sign in one unit.
pub async fn batch_sees_its_own_writes(store: &dyn Store) {
    let v1 = accord(1);
    let o = org("Example", "example.org");
    let u = user("olga@example.org", Role::OrgAdmin, Some(o.id));
    let sig = signature(o.id, &v1, 1, day(3));
    write(
        store,
        vec![
            RegistryWrite::PublishAccordVersion(v1.clone()),
            RegistryWrite::CreateOrganization(o.clone()),
            RegistryWrite::AddOrganizationKey { organization_id: o.id, key: public_key(1), at: day(1) },
            RegistryWrite::Invite { organization_id: o.id, at: day(2) },
            RegistryWrite::Sign(sig.clone()),
            RegistryWrite::CreateUser { user: u.clone(), password_hash: None },
            RegistryWrite::CreateToken { digest: token(1), user_id: u.id, name: "ci".into(), at: day(3) },
        ],
    )
    .await;

    let stored = get_org(store, o.id).await;
    assert_eq!(stored.status, accord_model::OrganizationStatus::Signatory);
    assert_eq!(stored.invited_at, Some(day(2)));
    assert_eq!(store.signatures(o.id).await.unwrap(), vec![sig]);
    assert_eq!(store.token(&token(1).selector).await.unwrap().expect("token").user, u);
    assert_eq!(store.events(100).await.unwrap().len(), 7, "one audit line per write");
}
