//! What survives closing and reopening the store, and that reopening (which re-runs the
//! schema migrations) is harmless.

use accord_model::{OrganizationStatus, Role};
use accord_store::{RegistryCounts, RegistryWrite};

use super::Harness;
use super::fixtures::*;

pub async fn data_survives_reopen(harness: &Harness) {
    let v1 = accord(1);
    let o = org("Example", "example.org");
    let u = user("olga@example.org", Role::OrgAdmin, Some(o.id));
    let admin = user("root@accord.example", Role::Admin, None);
    let sig = signature(o.id, &v1, 1, ts("2018-04-20T08:15:30.123456Z"));
    let (t, s) = (token(1), token(2));

    let (org_before, events_before, counts_before) = {
        let store = harness.open().await;
        let store = &*store;
        publish(store, &v1).await;
        create_org(store, &o).await;
        add_key(store, o.id, 1, day(1)).await;
        write(
            store,
            vec![
                RegistryWrite::Invite { organization_id: o.id, at: day(2) },
                RegistryWrite::Sign(sig.clone()),
                RegistryWrite::CreateUser { user: u.clone(), password_hash: Some("hash".into()) },
                RegistryWrite::CreateUser { user: admin.clone(), password_hash: None },
                RegistryWrite::CreateToken {
                    digest: t.clone(),
                    user_id: u.id,
                    name: "ci".into(),
                    at: day(3),
                },
                RegistryWrite::CreateSession {
                    digest: s.clone(),
                    user_id: u.id,
                    at: day(3),
                    expires_at: day(4),
                },
            ],
        )
        .await;
        let org_before = get_org(store, o.id).await;
        assert_eq!(org_before.status, OrganizationStatus::Signatory);
        (org_before, store.events(100).await.unwrap(), store.counts().await.unwrap())
        // the store is dropped (closed) here
    };

    let store = harness.open().await;
    let store = &*store;
    assert_eq!(get_org(store, o.id).await, org_before);
    assert_eq!(store.organizations(None).await.unwrap(), vec![org_before.clone()]);
    assert_eq!(store.signatories().await.unwrap(), vec![org_before]);
    assert_eq!(store.signatures(o.id).await.unwrap(), vec![sig]);
    assert_eq!(store.organization_keys(o.id).await.unwrap().len(), 1);
    assert_eq!(store.accord_latest().await.unwrap(), Some(v1));
    assert_eq!(store.user(u.id).await.unwrap(), Some(u.clone()));
    let found = store.user_by_email(&u.email).await.unwrap().expect("user");
    assert_eq!(found.password_hash.as_deref(), Some("hash"));
    let tok = store.token(&t.selector).await.unwrap().expect("token");
    assert!(t.matches(&tok.verifier));
    let ses = store.session(&s.selector).await.unwrap().expect("session");
    assert!(s.matches(&ses.verifier));
    assert_eq!(ses.expires_at, day(4));
    assert!(store.has_admin().await.unwrap());
    assert!(!store.is_empty().await.unwrap());
    assert_eq!(store.counts().await.unwrap(), counts_before);
    assert_eq!(counts_before, RegistryCounts { signatory: 1, users: 2, ..RegistryCounts::default() });
    assert_eq!(store.events(100).await.unwrap(), events_before);
}

pub async fn reopen_is_idempotent(harness: &Harness) {
    // Opening a fresh location twice without writing anything.
    {
        let store = harness.open().await;
        assert!(store.is_empty().await.unwrap());
    }
    {
        let store = harness.open().await;
        assert!(store.is_empty().await.unwrap());
        publish(&*store, &accord(1)).await;
    }
    // Each reopen keeps what was there, and the accord sequence continues across restarts.
    for n in 2..=4 {
        let store = harness.open().await;
        let latest = store.accord_latest().await.unwrap().expect("an accord version");
        assert_eq!(latest, accord(n - 1));
        expect_conflict(store.write(ACTOR, vec![RegistryWrite::PublishAccordVersion(accord(n - 1))]).await);
        publish(&*store, &accord(n)).await;
        create_org(&*store, &org(&format!("Org {n}"), &format!("org{n}.example"))).await;
    }
    let store = harness.open().await;
    assert_eq!(store.accord_latest().await.unwrap(), Some(accord(4)));
    for n in 1..=4 {
        assert_eq!(store.accord_version(version(n)).await.unwrap(), Some(accord(n)));
    }
    assert_eq!(names(&store.organizations(None).await.unwrap()), ["Org 2", "Org 3", "Org 4"]);
    assert_eq!(store.events(100).await.unwrap().len(), 4 + 3);
}
