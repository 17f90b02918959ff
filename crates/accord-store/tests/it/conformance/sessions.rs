//! Web sessions: created, read by selector, deleted, and ended by a password change.

use accord_model::{Role, User};
use accord_store::{RegistryWrite, Store};

use super::fixtures::*;

fn create_session(user: &User, n: u8) -> RegistryWrite {
    RegistryWrite::CreateSession { digest: token(n), user_id: user.id, at: day(1), expires_at: day(2) }
}

async fn create_users(store: &dyn Store, users: &[&User]) {
    let writes = users
        .iter()
        .map(|u| RegistryWrite::CreateUser { user: (*u).clone(), password_hash: Some("old".into()) })
        .collect();
    write(store, writes).await;
}

pub async fn create_read_delete(store: &dyn Store) {
    let u = user("u@x.example", Role::Coordinator, None);
    create_users(store, &[&u]).await;
    let s = token(1);
    let expires_at = ts("2018-04-18T12:00:00.000500Z");
    write(
        store,
        vec![RegistryWrite::CreateSession { digest: s.clone(), user_id: u.id, at: day(1), expires_at }],
    )
    .await;

    let found = store.session(&s.selector).await.unwrap().expect("the session");
    assert_eq!(found.user, u);
    assert_eq!(found.verifier, s.verifier.to_vec());
    assert!(s.matches(&found.verifier));
    assert_eq!(found.expires_at, expires_at);
    assert!(store.session(&token(2).selector).await.unwrap().is_none(), "unknown selector");
    // Sessions and API tokens are separate: a session secret is no token.
    assert!(store.token(&s.selector).await.unwrap().is_none());

    // The same session secret twice is refused.
    expect_conflict(
        store
            .write(
                ACTOR,
                vec![RegistryWrite::CreateSession {
                    digest: s.clone(),
                    user_id: u.id,
                    at: day(1),
                    expires_at: day(3),
                }],
            )
            .await,
    );
    assert_eq!(store.session(&s.selector).await.unwrap().expect("the session").expires_at, expires_at);

    write(store, vec![RegistryWrite::DeleteSession { selector: s.selector.clone() }]).await;
    assert!(store.session(&s.selector).await.unwrap().is_none());
}

pub async fn set_password_ends_the_users_sessions(store: &dyn Store) {
    let alice = user("alice@x.example", Role::Coordinator, None);
    let bob = user("bob@x.example", Role::Finder, None);
    create_users(store, &[&alice, &bob]).await;
    write(store, vec![create_session(&alice, 1), create_session(&alice, 2), create_session(&bob, 3)]).await;
    for n in 1..=3 {
        assert!(store.session(&token(n).selector).await.unwrap().is_some(), "session {n} exists");
    }

    write(
        store,
        vec![RegistryWrite::SetPassword { user_id: alice.id, password_hash: "new".into(), at: day(1) }],
    )
    .await;
    assert!(store.session(&token(1).selector).await.unwrap().is_none());
    assert!(store.session(&token(2).selector).await.unwrap().is_none());
    let kept = store.session(&token(3).selector).await.unwrap().expect("bob's session is kept");
    assert_eq!(kept.user, bob);
}

pub async fn session_for_unknown_user_not_found(store: &dyn Store) {
    let s = token(1);
    expect_not_found(
        store
            .write(
                ACTOR,
                vec![RegistryWrite::CreateSession {
                    digest: s.clone(),
                    user_id: user_id(),
                    at: day(1),
                    expires_at: day(2),
                }],
            )
            .await,
        "user",
    );
    assert!(store.session(&s.selector).await.unwrap().is_none());
}
