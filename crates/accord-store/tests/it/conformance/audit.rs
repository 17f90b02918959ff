//! The audit trail: one line per registry change, newest first, with the actor.

use accord_model::Role;
use accord_store::{RegistryWrite, Store};

use super::fixtures::*;

pub async fn events_newest_first_with_actor(store: &dyn Store) {
    assert!(store.events(10).await.unwrap().is_empty());

    let v1 = accord(1);
    let o = org("Example", "example.org");
    let u = user("ana@example.org", Role::Analyst, Some(o.id));
    store.write("alice", vec![RegistryWrite::CreateOrganization(o.clone())]).await.unwrap();
    store.write("alice", vec![RegistryWrite::PublishAccordVersion(v1.clone())]).await.unwrap();
    store
        .write(
            "bob",
            vec![
                RegistryWrite::Invite { organization_id: o.id, at: day(2) },
                RegistryWrite::AddOrganizationKey { organization_id: o.id, key: public_key(1), at: day(3) },
            ],
        )
        .await
        .unwrap();
    store.write("carol", vec![RegistryWrite::Sign(signature(o.id, &v1, 1, day(4)))]).await.unwrap();
    store
        .write("dave", vec![RegistryWrite::CreateUser { user: u.clone(), password_hash: None }])
        .await
        .unwrap();
    store
        .write(
            "erin",
            vec![RegistryWrite::Withdraw { organization_id: o.id, reason: "merged".into(), at: day(5) }],
        )
        .await
        .unwrap();

    let events = store.events(100).await.unwrap();
    let lines: Vec<(&str, &str, String, jiff::Timestamp)> =
        events.iter().map(|e| (e.actor.as_str(), e.action.as_str(), e.subject.clone(), e.at)).collect();
    let org = o.id.to_string();
    assert_eq!(
        lines,
        vec![
            ("erin", "accord.withdrawn", org.clone(), day(5)),
            ("dave", "user.created", u.id.to_string(), day(0)),
            ("carol", "accord.signed", org.clone(), day(4)),
            ("bob", "organization.key_added", org.clone(), day(3)),
            ("bob", "organization.invited", org.clone(), day(2)),
            ("alice", "accord.published", "accord/1".to_owned(), day(1)),
            ("alice", "organization.created", org.clone(), day(0)),
        ]
    );
    // Newest first means strictly decreasing sequence numbers.
    assert!(events.windows(2).all(|w| w[0].seq > w[1].seq), "seq decreases: {events:?}");
    assert!(events[0].detail.contains("merged"), "the detail carries the reason: {}", events[0].detail);

    // The limit keeps the newest lines.
    let newest = store.events(2).await.unwrap();
    assert_eq!(newest, events[..2].to_vec());
    assert!(store.events(0).await.unwrap().is_empty());
}

pub async fn failed_writes_leave_no_event(store: &dyn Store) {
    let o = org("Example", "example.org");
    create_org(store, &o).await;
    let before = store.events(100).await.unwrap();
    assert_eq!(before.len(), 1);

    expect_conflict(
        store.write("mallory", vec![RegistryWrite::CreateOrganization(org("Copy", "example.org"))]).await,
    );
    expect_conflict(
        store
            .write(
                "mallory",
                vec![RegistryWrite::Withdraw { organization_id: o.id, reason: "x".into(), at: day(1) }],
            )
            .await,
    );
    assert_eq!(store.events(100).await.unwrap(), before);
}
