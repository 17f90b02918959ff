//! Users, password hashes, API tokens, and the bootstrap questions (`is_empty`, `has_admin`).

use accord_model::Role;
use accord_store::{RegistryWrite, Store};

use super::fixtures::*;

fn create_user(user: &accord_model::User, password_hash: Option<&str>) -> RegistryWrite {
    RegistryWrite::CreateUser { user: user.clone(), password_hash: password_hash.map(str::to_owned) }
}

pub async fn create_and_read_users(store: &dyn Store) {
    let a = org("A", "a.example");
    let b = org("B", "b.example");
    create_org(store, &a).await;
    create_org(store, &b).await;
    let admin = user("root@accord.example", Role::Admin, None);
    let mut analyst = user("ana@a.example", Role::Analyst, Some(a.id));
    analyst.name = "Ana Lyst".into();
    analyst.created_at = ts("2018-04-18T01:02:03.000004Z");
    let org_admin = user("olga@a.example", Role::OrgAdmin, Some(a.id));
    let finder = user("fin@b.example", Role::Finder, Some(b.id));
    write(
        store,
        vec![
            create_user(&admin, None),
            create_user(&analyst, Some("$argon2id$fake")),
            create_user(&org_admin, None),
            create_user(&finder, None),
        ],
    )
    .await;

    assert_eq!(store.user(analyst.id).await.unwrap(), Some(analyst.clone()));
    assert_eq!(store.user(admin.id).await.unwrap(), Some(admin.clone()));
    assert_eq!(store.user(user_id()).await.unwrap(), None);

    let mut all = store.users(None).await.unwrap();
    all.sort_by_key(|u| u.id);
    let mut expected = vec![admin, analyst.clone(), org_admin.clone(), finder.clone()];
    expected.sort_by_key(|u| u.id);
    assert_eq!(all, expected);

    let mut of_a = store.users(Some(a.id)).await.unwrap();
    of_a.sort_by_key(|u| u.id);
    let mut expected_a = vec![analyst, org_admin];
    expected_a.sort_by_key(|u| u.id);
    assert_eq!(of_a, expected_a);
    assert_eq!(store.users(Some(b.id)).await.unwrap(), vec![finder]);
    assert!(store.users(Some(org_id())).await.unwrap().is_empty());
    assert_eq!(store.counts().await.unwrap().users, 4);
}

pub async fn duplicate_email_conflicts(store: &dyn Store) {
    let first = user("same@x.example", Role::Finder, None);
    write(store, vec![create_user(&first, Some("hash-1"))]).await;
    let second = user("same@x.example", Role::Coordinator, None);
    expect_conflict(store.write(ACTOR, vec![create_user(&second, Some("hash-2"))]).await);

    assert_eq!(store.user(second.id).await.unwrap(), None);
    let found = store.user_by_email(&email("same@x.example")).await.unwrap().expect("first user");
    assert_eq!(found.user, first);
    assert_eq!(found.password_hash.as_deref(), Some("hash-1"));
    assert_eq!(store.counts().await.unwrap().users, 1);
}

pub async fn user_for_unknown_organization_not_found(store: &dyn Store) {
    let u = user("ana@nowhere.example", Role::Analyst, Some(org_id()));
    expect_not_found(store.write(ACTOR, vec![create_user(&u, None)]).await, "organization");
    assert_eq!(store.user(u.id).await.unwrap(), None);
    assert_eq!(store.counts().await.unwrap().users, 0);
}

pub async fn user_by_email_returns_password_hash(store: &dyn Store) {
    let with = user("with@x.example", Role::Coordinator, None);
    let without = user("without@x.example", Role::Finder, None);
    write(
        store,
        vec![
            create_user(&with, Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA")),
            create_user(&without, None),
        ],
    )
    .await;

    let found = store.user_by_email(&with.email).await.unwrap().expect("user with a password");
    assert_eq!(found.user, with);
    assert_eq!(found.password_hash.as_deref(), Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"));

    let found = store.user_by_email(&without.email).await.unwrap().expect("user without a password");
    assert_eq!(found.user, without);
    assert_eq!(found.password_hash, None);

    assert!(store.user_by_email(&email("nobody@x.example")).await.unwrap().is_none());
}

pub async fn set_password_replaces_hash(store: &dyn Store) {
    let u = user("u@x.example", Role::Finder, None);
    let other = user("other@x.example", Role::Finder, None);
    write(store, vec![create_user(&u, None), create_user(&other, Some("other-hash"))]).await;

    write(
        store,
        vec![RegistryWrite::SetPassword { user_id: u.id, password_hash: "new-hash".into(), at: day(1) }],
    )
    .await;
    let found = store.user_by_email(&u.email).await.unwrap().expect("user");
    assert_eq!(found.password_hash.as_deref(), Some("new-hash"));
    assert_eq!(found.user, u, "only the hash changes");
    let found = store.user_by_email(&other.email).await.unwrap().expect("other user");
    assert_eq!(found.password_hash.as_deref(), Some("other-hash"), "other users keep theirs");

    expect_not_found(
        store
            .write(
                ACTOR,
                vec![RegistryWrite::SetPassword {
                    user_id: user_id(),
                    password_hash: "h".into(),
                    at: day(1),
                }],
            )
            .await,
        "user",
    );
}

pub async fn token_lookup(store: &dyn Store) {
    let alice = user("alice@x.example", Role::Coordinator, None);
    let bob = user("bob@x.example", Role::Finder, None);
    write(store, vec![create_user(&alice, None), create_user(&bob, None)]).await;
    let (ta, tb) = (token(1), token(2));
    write(
        store,
        vec![
            RegistryWrite::CreateToken {
                digest: ta.clone(),
                user_id: alice.id,
                name: "ci".into(),
                at: day(1),
            },
            RegistryWrite::CreateToken {
                digest: tb.clone(),
                user_id: bob.id,
                name: "laptop".into(),
                at: day(1),
            },
        ],
    )
    .await;

    let found = store.token(&ta.selector).await.unwrap().expect("alice's token");
    assert_eq!(found.user, alice);
    assert_eq!(found.verifier, ta.verifier.to_vec());
    assert!(ta.matches(&found.verifier));
    assert!(!tb.matches(&found.verifier));

    let found = store.token(&tb.selector).await.unwrap().expect("bob's token");
    assert_eq!(found.user, bob);
    assert_eq!(found.verifier, tb.verifier.to_vec());

    assert!(store.token(&token(3).selector).await.unwrap().is_none(), "unknown selector");
    assert!(store.token("").await.unwrap().is_none());

    // The same token twice is refused.
    expect_conflict(
        store
            .write(
                ACTOR,
                vec![RegistryWrite::CreateToken {
                    digest: ta,
                    user_id: bob.id,
                    name: "again".into(),
                    at: day(2),
                }],
            )
            .await,
    );
    assert_eq!(store.token(&token(1).selector).await.unwrap().expect("still alice's").user, alice);
}

pub async fn token_for_unknown_user_not_found(store: &dyn Store) {
    let t = token(7);
    expect_not_found(
        store
            .write(
                ACTOR,
                vec![RegistryWrite::CreateToken {
                    digest: t.clone(),
                    user_id: user_id(),
                    name: "x".into(),
                    at: day(1),
                }],
            )
            .await,
        "user",
    );
    assert!(store.token(&t.selector).await.unwrap().is_none());
}

pub async fn has_admin(store: &dyn Store) {
    assert!(!store.has_admin().await.unwrap());
    write(
        store,
        vec![
            create_user(&user("c@x.example", Role::Coordinator, None), None),
            create_user(&user("f@x.example", Role::Finder, None), None),
        ],
    )
    .await;
    assert!(!store.has_admin().await.unwrap(), "only the admin role counts");
    write(store, vec![create_user(&user("admin@x.example", Role::Admin, None), None)]).await;
    assert!(store.has_admin().await.unwrap());
}

pub async fn is_empty(store: &dyn Store) {
    assert!(store.is_empty().await.unwrap());
    // Users alone (the bootstrap admin) leave the registry empty.
    write(store, vec![create_user(&user("admin@x.example", Role::Admin, None), None)]).await;
    assert!(store.is_empty().await.unwrap());
    // An accord version alone makes it non-empty ...
    publish(store, &accord(1)).await;
    assert!(!store.is_empty().await.unwrap());
}

/// ... and so does an organisation alone (a separate store: no accord here).
pub async fn is_empty_until_an_organization(store: &dyn Store) {
    assert!(store.is_empty().await.unwrap());
    create_org(store, &org("A", "a.example")).await;
    assert!(!store.is_empty().await.unwrap());
}
