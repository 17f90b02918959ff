//! Organisations: creation, reading, listing order and filter, invitations, keys, counts.

use accord_model::{OrganizationKind, OrganizationStatus, Role};
use accord_store::{OrganizationKey, RegistryCounts, RegistryWrite, Store};

use super::fixtures::*;

pub async fn create_and_read(store: &dyn Store) {
    let plain = org("Example Vendor", "vendor.example");
    let mut full = org("Example CERT", "cert.example");
    full.kind = OrganizationKind::Cert;
    full.security_contact = Some("mailto:psirt@cert.example".parse().expect("valid contact"));
    // Sub-second precision down to the microsecond survives the round trip.
    full.created_at = ts("2018-04-18T12:34:56.789012Z");

    write(
        store,
        vec![
            RegistryWrite::CreateOrganization(plain.clone()),
            RegistryWrite::CreateOrganization(full.clone()),
        ],
    )
    .await;

    assert_eq!(store.organization(plain.id).await.unwrap(), Some(plain.clone()));
    assert_eq!(store.organization(full.id).await.unwrap(), Some(full.clone()));
    assert_eq!(store.organization(org_id()).await.unwrap(), None, "an unknown id reads as None");
    assert!(store.organization_keys(plain.id).await.unwrap().is_empty());
    assert!(store.signatures(plain.id).await.unwrap().is_empty());
    assert!(store.signatories().await.unwrap().is_empty(), "new organisations have not signed");
}

/// An organisation created with every optional field set (as an import would) reads back as is.
pub async fn full_record_round_trips(store: &dyn Store) {
    publish(store, &accord(1)).await;
    let mut o = org("Withdrawn Research", "research.example");
    o.kind = OrganizationKind::Research;
    o.status = OrganizationStatus::Withdrawn;
    o.security_contact = Some("https://research.example/security".parse().expect("valid contact"));
    o.invited_at = Some(ts("2018-04-17T09:00:00.000001Z"));
    o.signed_at = Some(ts("2018-04-18T10:00:00Z"));
    o.signed_version = Some(version(1));
    o.withdrawn_at = Some(ts("2019-01-01T00:00:00Z"));
    create_org(store, &o).await;

    assert_eq!(get_org(store, o.id).await, o);
    assert_eq!(store.organizations(Some(OrganizationStatus::Withdrawn)).await.unwrap(), vec![o]);
}

pub async fn listed_by_name_case_insensitive(store: &dyn Store) {
    // Byte order would be Charlie, Delta, alpha, bravo; insertion order is different again.
    for (name, domain) in [
        ("bravo", "bravo.example"),
        ("Delta", "delta.example"),
        ("alpha", "alpha.example"),
        ("Charlie", "charlie.example"),
    ] {
        create_org(store, &org(name, domain)).await;
    }
    let all = store.organizations(None).await.unwrap();
    assert_eq!(names(&all), ["alpha", "bravo", "Charlie", "Delta"]);
    let not_invited = store.organizations(Some(OrganizationStatus::NotInvited)).await.unwrap();
    assert_eq!(names(&not_invited), ["alpha", "bravo", "Charlie", "Delta"], "the filter keeps the order");
}

pub async fn status_filter(store: &dyn Store) {
    let v1 = accord(1);
    publish(store, &v1).await;
    let quiet = org("Quiet", "quiet.example");
    let also_quiet = org("Also Quiet", "also-quiet.example");
    let invited = org("Invited", "invited.example");
    create_org(store, &quiet).await;
    create_org(store, &also_quiet).await;
    create_org(store, &invited).await;
    write(store, vec![RegistryWrite::Invite { organization_id: invited.id, at: day(1) }]).await;
    let signed = org("Signed", "signed.example");
    make_signatory(store, &signed, 1, &v1, day(2)).await;
    let gone = org("Gone", "gone.example");
    make_signatory(store, &gone, 2, &v1, day(2)).await;
    write(
        store,
        vec![RegistryWrite::Withdraw { organization_id: gone.id, reason: "merged".into(), at: day(3) }],
    )
    .await;

    let by = |status| async move { store.organizations(status).await.unwrap() };
    assert_eq!(names(&by(Some(OrganizationStatus::NotInvited)).await), ["Also Quiet", "Quiet"]);
    assert_eq!(names(&by(Some(OrganizationStatus::Invited)).await), ["Invited"]);
    assert_eq!(names(&by(Some(OrganizationStatus::Signatory)).await), ["Signed"]);
    assert_eq!(names(&by(Some(OrganizationStatus::Withdrawn)).await), ["Gone"]);
    assert_eq!(names(&by(None).await), ["Also Quiet", "Gone", "Invited", "Quiet", "Signed"]);
    for o in by(None).await {
        assert_eq!(store.organization(o.id).await.unwrap().as_ref(), Some(&o), "list and read agree");
    }
}

pub async fn duplicate_domain_or_id_conflicts(store: &dyn Store) {
    let first = org("First", "same.example");
    create_org(store, &first).await;

    let same_domain = org("Second", "same.example");
    expect_conflict(store.write(ACTOR, vec![RegistryWrite::CreateOrganization(same_domain.clone())]).await);
    assert_eq!(store.organization(same_domain.id).await.unwrap(), None);

    let mut same_id = org("Third", "third.example");
    same_id.id = first.id;
    expect_conflict(store.write(ACTOR, vec![RegistryWrite::CreateOrganization(same_id)]).await);

    assert_eq!(store.organizations(None).await.unwrap(), vec![first.clone()], "the first one is untouched");
    assert_eq!(store.counts().await.unwrap().not_invited, 1);
}

pub async fn invite_transitions(store: &dyn Store) {
    let v1 = accord(1);
    publish(store, &v1).await;
    let o = org("Example", "example.org");
    create_org(store, &o).await;

    write(store, vec![RegistryWrite::Invite { organization_id: o.id, at: day(2) }]).await;
    let invited = get_org(store, o.id).await;
    assert_eq!(invited.status, OrganizationStatus::Invited);
    assert_eq!(invited.invited_at, Some(day(2)));
    assert_eq!(invited.signed_at, None);

    // Inviting again is a state conflict and changes nothing.
    expect_conflict(
        store.write(ACTOR, vec![RegistryWrite::Invite { organization_id: o.id, at: day(3) }]).await,
    );
    assert_eq!(get_org(store, o.id).await, invited);

    // Unknown organisation.
    expect_not_found(
        store.write(ACTOR, vec![RegistryWrite::Invite { organization_id: org_id(), at: day(3) }]).await,
        "organization",
    );

    // A signatory cannot be invited; a withdrawn organisation can be invited again.
    add_key(store, o.id, 1, day(3)).await;
    write(store, vec![RegistryWrite::Sign(signature(o.id, &v1, 1, day(4)))]).await;
    expect_conflict(
        store.write(ACTOR, vec![RegistryWrite::Invite { organization_id: o.id, at: day(5) }]).await,
    );
    assert_eq!(get_org(store, o.id).await.status, OrganizationStatus::Signatory);
    write(
        store,
        vec![RegistryWrite::Withdraw { organization_id: o.id, reason: "reorganised".into(), at: day(6) }],
    )
    .await;
    write(store, vec![RegistryWrite::Invite { organization_id: o.id, at: day(7) }]).await;
    let again = get_org(store, o.id).await;
    assert_eq!(again.status, OrganizationStatus::Invited);
    assert_eq!(again.invited_at, Some(day(7)));
}

pub async fn keys_are_registered_per_organization(store: &dyn Store) {
    let a = org("A", "a.example");
    let b = org("B", "b.example");
    create_org(store, &a).await;
    create_org(store, &b).await;
    add_key(store, a.id, 1, day(1)).await;
    add_key(store, a.id, 2, day(2)).await;

    let mut keys = store.organization_keys(a.id).await.unwrap();
    keys.sort_by_key(|k| k.added_at);
    let expected: Vec<OrganizationKey> = [(1, day(1)), (2, day(2))]
        .into_iter()
        .map(|(n, at)| OrganizationKey {
            public_key: public_key(n),
            fingerprint: public_key(n).fingerprint(),
            added_at: at,
            revoked_at: None,
        })
        .collect();
    assert_eq!(keys, expected);
    assert!(store.organization_keys(b.id).await.unwrap().is_empty(), "keys belong to one organisation");

    expect_conflict(
        store
            .write(
                ACTOR,
                vec![RegistryWrite::AddOrganizationKey {
                    organization_id: a.id,
                    key: public_key(1),
                    at: day(3),
                }],
            )
            .await,
    );
    expect_not_found(
        store
            .write(
                ACTOR,
                vec![RegistryWrite::AddOrganizationKey {
                    organization_id: org_id(),
                    key: public_key(3),
                    at: day(3),
                }],
            )
            .await,
        "organization",
    );
    assert_eq!(store.organization_keys(a.id).await.unwrap().len(), 2);
}

pub async fn counts_by_status(store: &dyn Store) {
    assert_eq!(store.counts().await.unwrap(), RegistryCounts::default());

    let v1 = accord(1);
    publish(store, &v1).await;
    let quiet = [org("Q1", "q1.example"), org("Q2", "q2.example"), org("Q3", "q3.example")];
    for o in &quiet {
        create_org(store, o).await;
    }
    for o in &quiet[..2] {
        write(store, vec![RegistryWrite::Invite { organization_id: o.id, at: day(1) }]).await;
    }
    let s1 = org("S1", "s1.example");
    let s2 = org("S2", "s2.example");
    let w1 = org("W1", "w1.example");
    make_signatory(store, &s1, 1, &v1, day(2)).await;
    make_signatory(store, &s2, 2, &v1, day(2)).await;
    make_signatory(store, &w1, 3, &v1, day(2)).await;
    write(
        store,
        vec![RegistryWrite::Withdraw { organization_id: w1.id, reason: "no longer".into(), at: day(3) }],
    )
    .await;
    write(
        store,
        vec![
            RegistryWrite::CreateUser {
                user: user("admin@accord.example", Role::Admin, None),
                password_hash: None,
            },
            RegistryWrite::CreateUser {
                user: user("ana@s1.example", Role::Analyst, Some(s1.id)),
                password_hash: None,
            },
        ],
    )
    .await;

    assert_eq!(
        store.counts().await.unwrap(),
        RegistryCounts { signatory: 2, invited: 2, withdrawn: 1, not_invited: 1, users: 2 }
    );
}
