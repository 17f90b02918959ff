//! The notification outbox: messages enqueued in the transaction of their event, claimed with
//! a lease, delivered or retried, and the organisations' webhooks.

use accord_model::notification::{DeliveryState, RecipientKind, WebhookSecret, WebhookUrl};
use accord_model::{NotificationId, OrganizationId};
use accord_store::outbox::{NewNotification, NotificationRecipient};
use accord_store::{RegistryWrite, Store, StoreError};
use jiff::{SignedDuration, Timestamp};

use super::fixtures::*;

static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

fn notification_id() -> NotificationId {
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("00000000-0000-4000-9000-{n:012x}").parse().expect("valid notification id")
}

fn minutes(t: Timestamp, m: i64) -> Timestamp {
    t.checked_add(SignedDuration::from_mins(m)).expect("in range")
}

fn notification(recipient: NotificationRecipient, at: Timestamp) -> NewNotification {
    NewNotification {
        id: notification_id(),
        kind: "organization.invited".into(),
        created_at: at,
        recipient,
        subject: "You are invited to sign the accord".into(),
        payload: r#"{"data":{"organization_id":"x"},"text":"Hello"}"#.into(),
    }
}

fn url(s: &str) -> WebhookUrl {
    s.parse().expect("valid URL")
}

fn secret(s: &str) -> WebhookSecret {
    s.parse().expect("valid secret")
}

async fn with_webhook(store: &dyn Store, org: OrganizationId, u: &str, s: &str) {
    write(
        store,
        vec![RegistryWrite::SetWebhook {
            organization_id: org,
            url: url(u),
            secret: secret(s),
            secret_sealed: false,
            at: day(1),
        }],
    )
    .await;
}

/// An invitation and its two messages in one batch; a claim hands them out once, with the
/// webhook's secret, until the lease ends; delivery is recorded.
pub async fn enqueue_claim_and_deliver(store: &dyn Store) {
    let o = org("Example", "example.org");
    create_org(store, &o).await;
    with_webhook(store, o.id, "http://127.0.0.1:9/hook", "a-secret-of-sixteen").await;
    let mail = notification(NotificationRecipient::Email(email("psirt@example.org")), day(2));
    let hook = notification(NotificationRecipient::OrganizationWebhook(o.id), day(2));
    write(
        store,
        vec![
            RegistryWrite::Invite { organization_id: o.id, at: day(2) },
            RegistryWrite::Notify(mail.clone()),
            RegistryWrite::Notify(hook.clone()),
        ],
    )
    .await;

    let listed = store.outbox(Some(DeliveryState::Pending), 10).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert!(
        store.claim_notifications(minutes(day(2), -1), day(3), 10).await.unwrap().is_empty(),
        "not due yet"
    );

    let lease = minutes(day(2), 1);
    let claimed = store.claim_notifications(day(2), lease, 10).await.unwrap();
    assert_eq!(claimed.len(), 2);
    let h = claimed.iter().find(|c| c.message.id == hook.id).expect("the webhook message");
    assert_eq!(h.message.recipient_kind, RecipientKind::Webhook);
    assert_eq!(h.message.organization_id, Some(o.id));
    assert_eq!(h.message.destination, "http://127.0.0.1:9/hook");
    assert_eq!(h.message.payload, hook.payload);
    assert_eq!(h.message.next_attempt_at, Some(lease));
    let (u, s) = h.webhook.clone().expect("the organisation's webhook");
    assert_eq!((u.as_str(), s.expose()), ("http://127.0.0.1:9/hook", "a-secret-of-sixteen"));
    let m = claimed.iter().find(|c| c.message.id == mail.id).expect("the e-mail");
    assert_eq!(
        (m.message.recipient_kind, m.message.destination.as_str()),
        (RecipientKind::Email, "psirt@example.org")
    );
    assert_eq!(m.message.subject, mail.subject);
    assert!(m.webhook.is_none());

    // Leased: nobody else gets them until the lease ends.
    assert!(store.claim_notifications(minutes(day(2), 0), day(3), 10).await.unwrap().is_empty());

    store.record_delivered(mail.id, minutes(day(2), 0)).await.unwrap();
    let delivered = store.outbox(Some(DeliveryState::Delivered), 10).await.unwrap();
    assert_eq!(delivered.len(), 1);
    assert_eq!((delivered[0].attempts, delivered[0].delivered_at), (1, Some(minutes(day(2), 0))));
    assert_eq!(delivered[0].next_attempt_at, None);
    expect_not_found(store.record_delivered(mail.id, day(3)).await, "pending notification");

    // The worker holding the webhook message died: it comes back when the lease ends.
    let again = store.claim_notifications(lease, day(3), 10).await.unwrap();
    assert_eq!(again.iter().map(|c| c.message.id).collect::<Vec<_>>(), [hook.id]);
}

/// A failed attempt is recorded with its error and the next attempt time; the last one gives
/// the message up.
pub async fn failures_back_off_then_give_up(store: &dyn Store) {
    let n = notification(NotificationRecipient::Email(email("a@example.org")), day(1));
    write(store, vec![RegistryWrite::Notify(n.clone())]).await;
    assert_eq!(store.claim_notifications(day(1), minutes(day(1), 1), 10).await.unwrap().len(), 1);
    store.record_failed_attempt(n.id, "HTTP 500", Some(minutes(day(1), 30))).await.unwrap();

    let m = &store.outbox(None, 10).await.unwrap()[0];
    assert_eq!((m.state, m.attempts, m.last_error.as_deref()), (DeliveryState::Pending, 1, Some("HTTP 500")));
    assert_eq!(m.next_attempt_at, Some(minutes(day(1), 30)));
    assert!(store.claim_notifications(minutes(day(1), 29), day(2), 10).await.unwrap().is_empty());
    assert_eq!(store.claim_notifications(minutes(day(1), 30), day(2), 10).await.unwrap().len(), 1);

    store.record_failed_attempt(n.id, "timed out", None).await.unwrap();
    let m = &store.outbox(Some(DeliveryState::Failed), 10).await.unwrap()[0];
    assert_eq!((m.attempts, m.last_error.as_deref(), m.next_attempt_at), (2, Some("timed out"), None));
    assert!(store.claim_notifications(day(9), day(10), 10).await.unwrap().is_empty(), "failed is final");
    expect_not_found(store.record_failed_attempt(n.id, "again", None).await, "pending notification");
    assert!(store.outbox(Some(DeliveryState::Pending), 10).await.unwrap().is_empty());
}

/// A message announces a change only when the change commits: a batch that fails enqueues
/// nothing. A webhook message for an organisation without a webhook is not enqueued.
pub async fn rolled_back_changes_enqueue_nothing(store: &dyn Store) {
    let o = org("Example", "example.org");
    create_org(store, &o).await;
    with_webhook(store, o.id, "https://hooks.example.org/accord", "a-secret-of-sixteen").await;
    let result = store
        .write(
            ACTOR,
            vec![
                RegistryWrite::Notify(notification(NotificationRecipient::OrganizationWebhook(o.id), day(2))),
                RegistryWrite::Notify(notification(
                    NotificationRecipient::Email(email("a@example.org")),
                    day(2),
                )),
                // Fails: the organisation is invited twice.
                RegistryWrite::Invite { organization_id: o.id, at: day(2) },
                RegistryWrite::Invite { organization_id: o.id, at: day(2) },
            ],
        )
        .await;
    expect_conflict(result);
    assert!(store.outbox(None, 10).await.unwrap().is_empty());
    assert!(store.claim_notifications(day(9), day(10), 10).await.unwrap().is_empty());

    let other = org("Other", "other.example");
    create_org(store, &other).await;
    write(
        store,
        vec![RegistryWrite::Notify(notification(
            NotificationRecipient::OrganizationWebhook(other.id),
            day(2),
        ))],
    )
    .await;
    assert!(store.outbox(None, 10).await.unwrap().is_empty(), "no webhook, no message");
}

/// Webhooks are set, replaced and removed; reads never carry the secret, nor does the audit
/// trail; a message whose webhook was removed is claimed without one.
pub async fn webhooks_are_set_replaced_and_removed(store: &dyn Store) {
    let o = org("Example", "example.org");
    create_org(store, &o).await;
    assert_eq!(store.organization_webhook(o.id).await.unwrap(), None);
    with_webhook(store, o.id, "https://a.example.org/in", "first-secret-value").await;
    write(
        store,
        vec![RegistryWrite::Notify(notification(NotificationRecipient::OrganizationWebhook(o.id), day(1)))],
    )
    .await;
    write(
        store,
        vec![RegistryWrite::SetWebhook {
            organization_id: o.id,
            url: url("https://b.example.org/in"),
            secret: secret("second-secret-value"),
            secret_sealed: false,
            at: day(2),
        }],
    )
    .await;
    let w = store.organization_webhook(o.id).await.unwrap().expect("a webhook");
    assert_eq!((w.url.as_str(), w.created_at, w.updated_at), ("https://b.example.org/in", day(1), day(2)));
    let events = store.events(10).await.unwrap();
    assert!(events.iter().any(|e| e.action == "organization.webhook_set"));
    assert!(
        events.iter().all(|e| !e.detail.contains("secret-value")),
        "the audit trail never holds the secret"
    );

    // A pending message goes to the webhook as configured when it is delivered.
    let claimed = store.claim_notifications(day(2), day(3), 10).await.unwrap();
    let (u, s) = claimed[0].webhook.clone().expect("webhook");
    assert_eq!((u.as_str(), s.expose()), ("https://b.example.org/in", "second-secret-value"));
    assert_eq!(claimed[0].message.destination, "https://b.example.org/in");
    assert!(!claimed[0].webhook_secret_sealed);
    store.record_failed_attempt(claimed[0].message.id, "HTTP 503", Some(day(3))).await.unwrap();

    // A sealed secret is kept as given and claimed with its flag, for the worker to open.
    write(
        store,
        vec![RegistryWrite::SetWebhook {
            organization_id: o.id,
            url: url("https://b.example.org/in"),
            secret: secret("v1:sealed-secret-text"),
            secret_sealed: true,
            at: day(2),
        }],
    )
    .await;
    let claimed = store.claim_notifications(day(3), day(3), 10).await.unwrap();
    let (_, s) = claimed[0].webhook.clone().expect("webhook");
    assert_eq!(s.expose(), "v1:sealed-secret-text");
    assert!(claimed[0].webhook_secret_sealed);
    store.record_failed_attempt(claimed[0].message.id, "HTTP 503", Some(day(3))).await.unwrap();

    write(store, vec![RegistryWrite::DeleteWebhook { organization_id: o.id, at: day(3) }]).await;
    assert_eq!(store.organization_webhook(o.id).await.unwrap(), None);
    let claimed = store.claim_notifications(day(3), day(4), 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].webhook, None, "removed since");

    expect_not_found(
        store.write(ACTOR, vec![RegistryWrite::DeleteWebhook { organization_id: o.id, at: day(3) }]).await,
        "webhook",
    );
    let unknown = org_id();
    let result = store
        .write(
            ACTOR,
            vec![RegistryWrite::SetWebhook {
                organization_id: unknown,
                url: url("https://x.example/"),
                secret: secret("0123456789abcdef"),
                secret_sealed: false,
                at: day(1),
            }],
        )
        .await;
    assert!(matches!(result, Err(StoreError::NotFound { what: "organization" })), "{result:?}");
}

/// Claims take the oldest due messages first, at most `limit`.
pub async fn claims_are_limited_and_oldest_first(store: &dyn Store) {
    let mut ids = Vec::new();
    for i in 0..5 {
        let n = notification(NotificationRecipient::Email(email("a@example.org")), minutes(day(1), i));
        ids.push(n.id);
        write(store, vec![RegistryWrite::Notify(n)]).await;
    }
    let first = store.claim_notifications(day(2), day(3), 2).await.unwrap();
    assert_eq!(first.iter().map(|c| c.message.id).collect::<Vec<_>>(), ids[..2]);
    let rest = store.claim_notifications(day(2), day(3), 10).await.unwrap();
    assert_eq!(rest.iter().map(|c| c.message.id).collect::<Vec<_>>(), ids[2..]);
    let newest_first: Vec<_> = store.outbox(None, 3).await.unwrap().iter().map(|m| m.id).collect();
    assert_eq!(newest_first, [ids[4], ids[3], ids[2]]);
}

/// A sealed address (a finder's contact, sealed by the application) is stored and handed to
/// the worker exactly as given, marked sealed, and never shown in listings; plain addresses are
/// not marked.
pub async fn sealed_addresses_are_kept_as_given_and_marked(store: &dyn Store) {
    let sealed = "v1:c2VhbGVkIGJ5IHRoZSBhcHBsaWNhdGlvbg";
    let finder = notification(NotificationRecipient::SealedEmail(sealed.into()), day(1));
    let plain = notification(NotificationRecipient::Email(email("psirt@example.org")), day(1));
    write(store, vec![RegistryWrite::Notify(finder.clone()), RegistryWrite::Notify(plain.clone())]).await;

    let listed = store.outbox(Some(DeliveryState::Pending), 10).await.unwrap();
    let f = listed.iter().find(|m| m.id == finder.id).expect("the finder's message");
    assert_eq!(
        (f.recipient_kind, f.destination.as_str(), f.destination_sealed),
        (RecipientKind::Email, sealed, true)
    );
    assert_eq!(f.organization_id, None);
    assert_eq!(f.shown_destination(), "(sealed)");
    let p = listed.iter().find(|m| m.id == plain.id).expect("the plain message");
    assert!(!p.destination_sealed);
    assert_eq!(p.shown_destination(), "psirt@example.org");

    let claimed = store.claim_notifications(day(1), minutes(day(1), 1), 10).await.unwrap();
    let c = claimed.iter().find(|c| c.message.id == finder.id).expect("claimed");
    assert_eq!((c.message.destination.as_str(), c.message.destination_sealed), (sealed, true));
    assert!(c.webhook.is_none());
    store.record_failed_attempt(finder.id, "550 mailbox unavailable", Some(day(2))).await.unwrap();
    let again = store.claim_notifications(day(2), minutes(day(2), 1), 10).await.unwrap();
    let c = again.iter().find(|c| c.message.id == finder.id).expect("claimed again");
    assert_eq!((c.message.destination.as_str(), c.message.destination_sealed), (sealed, true));
    store.record_delivered(finder.id, day(2)).await.unwrap();
    let delivered = store.outbox(Some(DeliveryState::Delivered), 10).await.unwrap();
    assert!(delivered.iter().any(|m| m.id == finder.id && m.destination_sealed && m.destination == sealed));
}
