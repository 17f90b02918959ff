//! The accord text (versions published in sequence) and signatures of it.

use accord_model::OrganizationStatus;
use accord_model::accord::signing_statement;
use accord_store::{RegistryWrite, Store};

use super::fixtures::*;

pub async fn empty_store_has_no_accord(store: &dyn Store) {
    assert_eq!(store.accord_latest().await.unwrap(), None);
    assert_eq!(store.accord_version(version(1)).await.unwrap(), None);
}

pub async fn versions_publish_in_sequence(store: &dyn Store) {
    let (v1, v2, v3) = (accord(1), accord(2), accord(3));
    publish(store, &v1).await;
    assert_eq!(store.accord_latest().await.unwrap(), Some(v1.clone()));
    publish(store, &v2).await;
    publish(store, &v3).await;

    assert_eq!(store.accord_latest().await.unwrap(), Some(v3.clone()));
    assert_eq!(store.accord_version(version(1)).await.unwrap(), Some(v1.clone()));
    assert_eq!(store.accord_version(version(2)).await.unwrap(), Some(v2.clone()));
    assert_eq!(store.accord_version(version(3)).await.unwrap(), Some(v3.clone()));
    assert_eq!(store.accord_version(version(4)).await.unwrap(), None);
    // The text and its digest come back byte for byte.
    let read = store.accord_version(version(2)).await.unwrap().expect("version 2");
    assert_eq!(read.text.as_str(), v2.text.as_str());
    assert_eq!(read.sha256, read.text.sha256_hex());
}

pub async fn version_gap_conflicts(store: &dyn Store) {
    // The first version is 1.
    expect_conflict(store.write(ACTOR, vec![RegistryWrite::PublishAccordVersion(accord(2))]).await);
    assert_eq!(store.accord_latest().await.unwrap(), None);
    assert!(store.is_empty().await.unwrap());

    publish(store, &accord(1)).await;
    // Skipping a number, or publishing an existing number again, is refused.
    expect_conflict(store.write(ACTOR, vec![RegistryWrite::PublishAccordVersion(accord(3))]).await);
    let mut again = accord_with_text(1, "A different first text.\n");
    again.title = "Replacement".into();
    expect_conflict(store.write(ACTOR, vec![RegistryWrite::PublishAccordVersion(again)]).await);

    assert_eq!(store.accord_latest().await.unwrap(), Some(accord(1)));
    assert_eq!(store.accord_version(version(3)).await.unwrap(), None);
    // The sequence continues where it stands.
    publish(store, &accord(2)).await;
    assert_eq!(store.accord_latest().await.unwrap(), Some(accord(2)));
}

/// Two writers racing to publish version 1: exactly one wins, the other gets a conflict.
pub async fn concurrent_publish_one_wins(store: &dyn Store) {
    let a = accord_with_text(1, "Text A.\n");
    let b = accord_with_text(1, "Text B.\n");
    let (ra, rb) = tokio::join!(
        store.write("alice", vec![RegistryWrite::PublishAccordVersion(a.clone())]),
        store.write("bob", vec![RegistryWrite::PublishAccordVersion(b.clone())]),
    );
    let winner = match (ra, rb) {
        (Ok(()), loser) => {
            expect_conflict(loser);
            a
        }
        (loser, Ok(())) => {
            expect_conflict(loser);
            b
        }
        (ra, rb) => panic!("both writes failed: {ra:?}, {rb:?}"),
    };
    assert_eq!(store.accord_latest().await.unwrap(), Some(winner));
}

pub async fn sign_success(store: &dyn Store) {
    let v1 = accord(1);
    let o = org("Example", "example.org");
    write(
        store,
        vec![
            RegistryWrite::CreateOrganization(o.clone()),
            RegistryWrite::PublishAccordVersion(v1.clone()),
            RegistryWrite::Invite { organization_id: o.id, at: day(2) },
            RegistryWrite::AddOrganizationKey { organization_id: o.id, key: public_key(1), at: day(2) },
        ],
    )
    .await;
    let signed_at = ts("2018-04-20T08:15:30.123456Z");
    let sig = signature(o.id, &v1, 1, signed_at);
    write(store, vec![RegistryWrite::Sign(sig.clone())]).await;

    let stored = get_org(store, o.id).await;
    assert_eq!(stored.status, OrganizationStatus::Signatory);
    assert_eq!(stored.signed_at, Some(signed_at));
    assert_eq!(stored.signed_version, Some(version(1)));
    assert_eq!(stored.invited_at, Some(day(2)), "the invitation is kept");
    assert_eq!(stored.withdrawn_at, None);
    assert_eq!((stored.name.as_str(), stored.domain.as_str()), ("Example", "example.org"));

    let sigs = store.signatures(o.id).await.unwrap();
    assert_eq!(sigs, vec![sig]);
    // Everything an auditor needs to check it offline is intact.
    let s = &sigs[0];
    assert_eq!(s.statement, signing_statement(version(1), &v1.sha256, o.id));
    assert_eq!(s.accord_sha256, v1.sha256);
    assert!(s.public_key.verify(s.statement.as_bytes(), &s.signature).is_ok());

    assert_eq!(store.signatories().await.unwrap(), vec![stored]);
    assert_eq!(store.counts().await.unwrap().signatory, 1);
    assert_eq!(store.counts().await.unwrap().invited, 0);
}

/// Checks that a refused signature left the organisation as it was.
async fn unchanged(store: &dyn Store, before: &accord_model::Organization) {
    assert_eq!(&get_org(store, before.id).await, before, "a refused signature changes nothing");
    assert!(store.signatures(before.id).await.unwrap().is_empty());
    assert!(store.signatories().await.unwrap().is_empty());
}

pub async fn sign_requires_registered_key(store: &dyn Store) {
    let v1 = accord(1);
    publish(store, &v1).await;
    let o = org("Example", "example.org");
    let other = org("Other", "other.example");
    create_org(store, &o).await;
    create_org(store, &other).await;
    write(store, vec![RegistryWrite::Invite { organization_id: o.id, at: day(1) }]).await;
    let before = get_org(store, o.id).await;

    // No key at all.
    expect_conflict(store.write(ACTOR, vec![RegistryWrite::Sign(signature(o.id, &v1, 1, day(2)))]).await);
    unchanged(store, &before).await;

    // Key 1 registered, but for another organisation.
    add_key(store, other.id, 1, day(1)).await;
    expect_conflict(store.write(ACTOR, vec![RegistryWrite::Sign(signature(o.id, &v1, 1, day(2)))]).await);
    // Key 2 registered for this organisation does not make key 1 acceptable.
    add_key(store, o.id, 2, day(1)).await;
    expect_conflict(store.write(ACTOR, vec![RegistryWrite::Sign(signature(o.id, &v1, 1, day(2)))]).await);
    unchanged(store, &before).await;

    // With its own key it works.
    write(store, vec![RegistryWrite::Sign(signature(o.id, &v1, 2, day(2)))]).await;
    assert_eq!(get_org(store, o.id).await.status, OrganizationStatus::Signatory);
}

pub async fn sign_requires_existing_version(store: &dyn Store) {
    let v1 = accord(1);
    publish(store, &v1).await;
    let o = org("Example", "example.org");
    create_org(store, &o).await;
    add_key(store, o.id, 1, day(1)).await;
    let before = get_org(store, o.id).await;

    let v2 = accord(2); // never published
    expect_not_found(
        store.write(ACTOR, vec![RegistryWrite::Sign(signature(o.id, &v2, 1, day(3)))]).await,
        "accord version",
    );
    unchanged(store, &before).await;
}

pub async fn sign_requires_matching_digest(store: &dyn Store) {
    let v1 = accord(1);
    publish(store, &v1).await;
    let o = org("Example", "example.org");
    create_org(store, &o).await;
    add_key(store, o.id, 1, day(1)).await;
    let before = get_org(store, o.id).await;

    // A genuine signature, but of another text numbered 1.
    let forged = accord_with_text(1, "We agree to nothing.\n");
    assert_ne!(forged.sha256, v1.sha256);
    expect_conflict(store.write(ACTOR, vec![RegistryWrite::Sign(signature(o.id, &forged, 1, day(2)))]).await);
    unchanged(store, &before).await;
}

pub async fn sign_unknown_organization_not_found(store: &dyn Store) {
    let v1 = accord(1);
    publish(store, &v1).await;
    expect_not_found(
        store.write(ACTOR, vec![RegistryWrite::Sign(signature(org_id(), &v1, 1, day(2)))]).await,
        "organization",
    );
}

pub async fn second_signature_of_same_version_conflicts(store: &dyn Store) {
    let v1 = accord(1);
    publish(store, &v1).await;
    let o = org("Example", "example.org");
    let first = make_signatory(store, &o, 1, &v1, day(2)).await;
    let after_first = get_org(store, o.id).await;

    expect_conflict(store.write(ACTOR, vec![RegistryWrite::Sign(signature(o.id, &v1, 1, day(3)))]).await);
    assert_eq!(get_org(store, o.id).await, after_first);
    assert_eq!(store.signatures(o.id).await.unwrap(), vec![first.clone()]);

    // A new version may be signed; the organisation now stands on it.
    let v2 = accord(2);
    publish(store, &v2).await;
    let second = signature(o.id, &v2, 1, day(4));
    write(store, vec![RegistryWrite::Sign(second.clone())]).await;
    let now = get_org(store, o.id).await;
    assert_eq!(now.status, OrganizationStatus::Signatory);
    assert_eq!(now.signed_version, Some(version(2)));
    assert_eq!(now.signed_at, Some(day(4)));
    let mut sigs = store.signatures(o.id).await.unwrap();
    sigs.sort_by_key(|s| s.version);
    assert_eq!(sigs, vec![first, second]);

    // Even after a withdrawal, version 1 stays signed once.
    write(store, vec![RegistryWrite::Withdraw { organization_id: o.id, reason: "r".into(), at: day(5) }])
        .await;
    expect_conflict(store.write(ACTOR, vec![RegistryWrite::Sign(signature(o.id, &v1, 1, day(6)))]).await);
    assert_eq!(get_org(store, o.id).await.status, OrganizationStatus::Withdrawn);
}

pub async fn withdraw_only_from_signatory(store: &dyn Store) {
    let v1 = accord(1);
    publish(store, &v1).await;
    let withdraw = |id, at| RegistryWrite::Withdraw { organization_id: id, reason: "we left".into(), at };

    let quiet = org("Quiet", "quiet.example");
    let invited = org("Invited", "invited.example");
    create_org(store, &quiet).await;
    create_org(store, &invited).await;
    write(store, vec![RegistryWrite::Invite { organization_id: invited.id, at: day(1) }]).await;
    expect_conflict(store.write(ACTOR, vec![withdraw(quiet.id, day(2))]).await);
    expect_conflict(store.write(ACTOR, vec![withdraw(invited.id, day(2))]).await);
    assert_eq!(get_org(store, quiet.id).await.status, OrganizationStatus::NotInvited);
    assert_eq!(get_org(store, invited.id).await.status, OrganizationStatus::Invited);
    expect_not_found(store.write(ACTOR, vec![withdraw(org_id(), day(2))]).await, "organization");

    let signed = org("Signed", "signed.example");
    let sig = make_signatory(store, &signed, 1, &v1, day(2)).await;
    write(store, vec![withdraw(signed.id, day(3))]).await;
    let gone = get_org(store, signed.id).await;
    assert_eq!(gone.status, OrganizationStatus::Withdrawn);
    assert_eq!(gone.withdrawn_at, Some(day(3)));
    assert!(store.signatories().await.unwrap().is_empty(), "a withdrawn organisation is no signatory");
    assert_eq!(store.signatures(signed.id).await.unwrap(), vec![sig], "the signature history is kept");

    // Withdrawing twice is refused.
    expect_conflict(store.write(ACTOR, vec![withdraw(signed.id, day(4))]).await);
    assert_eq!(get_org(store, signed.id).await, gone);
}

pub async fn signatories_ordered_by_signed_at_then_name(store: &dyn Store) {
    let v1 = accord(1);
    publish(store, &v1).await;
    let alpha = org("Alpha", "alpha.example");
    let bravo = org("Bravo", "bravo.example");
    let charlie = org("Charlie", "charlie.example");
    let delta = org("Delta", "delta.example");
    let echo = org("Echo", "echo.example");
    let zulu = org("Zulu", "zulu.example");
    // Signing calls in an order that is neither the expected one nor by name.
    make_signatory(store, &bravo, 1, &v1, day(5)).await;
    make_signatory(store, &delta, 2, &v1, day(2)).await;
    make_signatory(store, &alpha, 3, &v1, day(5)).await;
    make_signatory(store, &charlie, 4, &v1, day(4)).await;
    make_signatory(store, &zulu, 5, &v1, day(3)).await;
    create_org(store, &echo).await;
    write(
        store,
        vec![
            RegistryWrite::Invite { organization_id: echo.id, at: day(1) },
            RegistryWrite::Withdraw { organization_id: delta.id, reason: "r".into(), at: day(6) },
        ],
    )
    .await;

    let signatories = store.signatories().await.unwrap();
    assert_eq!(names(&signatories), ["Zulu", "Charlie", "Alpha", "Bravo"]);
    assert!(signatories.iter().all(|o| o.status == OrganizationStatus::Signatory));
}
