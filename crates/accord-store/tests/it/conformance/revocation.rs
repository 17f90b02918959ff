//! Revoking API tokens and organisation keys.

use accord_model::Role;
use accord_store::{RegistryWrite, Store, TokenInfo};

use super::fixtures::*;

pub async fn tokens_are_listed_and_revoked(store: &dyn Store) {
    let alice = user("alice@x.example", Role::Coordinator, None);
    let bob = user("bob@x.example", Role::Coordinator, None);
    let (ta, tb) = (token(1), token(2));
    write(
        store,
        vec![
            RegistryWrite::CreateUser { user: alice.clone(), password_hash: None },
            RegistryWrite::CreateUser { user: bob.clone(), password_hash: None },
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
                at: day(2),
            },
        ],
    )
    .await;
    assert_eq!(
        store.tokens(alice.id).await.unwrap(),
        vec![TokenInfo { id: ta.selector.clone(), name: "ci".into(), created_at: day(1), revoked_at: None }]
    );

    // Bob cannot revoke Alice's token through his own user id.
    expect_not_found(
        store
            .write(
                ACTOR,
                vec![RegistryWrite::RevokeToken {
                    user_id: bob.id,
                    token_id: ta.selector.clone(),
                    at: day(3),
                }],
            )
            .await,
        "token",
    );
    assert!(store.token(&ta.selector).await.unwrap().is_some());

    write(
        store,
        vec![RegistryWrite::RevokeToken { user_id: alice.id, token_id: ta.selector.clone(), at: day(3) }],
    )
    .await;
    assert!(store.token(&ta.selector).await.unwrap().is_none(), "a revoked token no longer authenticates");
    assert!(store.token(&tb.selector).await.unwrap().is_some(), "other tokens are untouched");
    assert_eq!(store.tokens(alice.id).await.unwrap()[0].revoked_at, Some(day(3)));
    expect_not_found(
        store
            .write(
                ACTOR,
                vec![RegistryWrite::RevokeToken {
                    user_id: alice.id,
                    token_id: ta.selector.clone(),
                    at: day(4),
                }],
            )
            .await,
        "token",
    );
    assert_eq!(
        store.tokens(alice.id).await.unwrap()[0].revoked_at,
        Some(day(3)),
        "revoked once, at the first time"
    );
}

pub async fn revoked_keys_cannot_sign_other_keys_can(store: &dyn Store) {
    let a = org("A", "a.example");
    create_org(store, &a).await;
    publish(store, &accord(1)).await;
    add_key(store, a.id, 1, day(1)).await;
    add_key(store, a.id, 2, day(1)).await;
    let fingerprint = public_key(1).fingerprint();
    write(
        store,
        vec![RegistryWrite::RevokeOrganizationKey {
            organization_id: a.id,
            fingerprint: fingerprint.clone(),
            at: day(2),
        }],
    )
    .await;
    let keys = store.organization_keys(a.id).await.unwrap();
    let revoked = keys.iter().find(|k| k.fingerprint == fingerprint).unwrap();
    assert_eq!(revoked.revoked_at, Some(day(2)));
    assert!(keys.iter().any(|k| k.fingerprint != fingerprint && k.revoked_at.is_none()));

    let sig = signature(a.id, &accord(1), 1, day(3));
    expect_conflict(store.write(ACTOR, vec![RegistryWrite::Sign(sig)]).await);
    assert_eq!(get_org(store, a.id).await.status, accord_model::OrganizationStatus::NotInvited);
    let sig = signature(a.id, &accord(1), 2, day(3));
    write(store, vec![RegistryWrite::Sign(sig)]).await;

    expect_not_found(
        store
            .write(
                ACTOR,
                vec![RegistryWrite::RevokeOrganizationKey { organization_id: a.id, fingerprint, at: day(4) }],
            )
            .await,
        "key",
    );
    expect_not_found(
        store
            .write(
                ACTOR,
                vec![RegistryWrite::RevokeOrganizationKey {
                    organization_id: org_id(),
                    fingerprint: public_key(2).fingerprint(),
                    at: day(4),
                }],
            )
            .await,
        "organization",
    );
}
