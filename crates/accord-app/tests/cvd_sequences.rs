//! Random sequences of disclosure actions by random participants, through the use cases and a
//! real store, never break the rules: a published case never changes again and was published
//! on a valid basis, outsiders never see a case before publication, the history only grows,
//! and refused actions change nothing.

use accord_app::model::cvd::{CaseAction, CaseState, CloseReason};
use accord_app::model::seal::SealingKey;
use accord_app::model::{NewOrganization, OrganizationId, OrganizationKind, Role};
use accord_app::{App, Caller, NewOrganizationRequest, NewReport, NewUserRequest, StoreLocation};
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Step {
    Invite(usize),
    Status(usize, usize),
    Consent(usize),
    MoveDate(i64),
    Schedule,
    Unschedule,
    Publish(bool),
    Close,
    Reopen,
    Wait(i64),
}

fn step() -> impl Strategy<Value = (usize, Step)> {
    let s = prop_oneof![
        (0..3usize).prop_map(Step::Invite),
        (0..3usize, 0..4usize).prop_map(|(v, s)| Step::Status(v, s)),
        (0..3usize).prop_map(Step::Consent),
        (-40..60i64).prop_map(Step::MoveDate),
        Just(Step::Schedule),
        Just(Step::Unschedule),
        any::<bool>().prop_map(Step::Publish),
        Just(Step::Close),
        Just(Step::Reopen),
        (1..50i64).prop_map(Step::Wait),
    ];
    // who acts: 0 the coordinator, 1..=3 a vendor's analyst, 4 the outsider
    (0..5usize, s)
}

struct World {
    app: App,
    coordinator: Caller,
    vendors: Vec<(OrganizationId, Caller)>,
    outsider: Caller,
    _dir: tempfile::TempDir,
}

async fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&StoreLocation::Sqlite(dir.path().to_path_buf()))
        .unwrap()
        .with_sealing_key(SealingKey::from_bytes([9; 32]))
        .with_log_signer(accord_app::log::new_log_signer("test.example/log").unwrap());
    let now: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
    let op = Caller::Operator;
    let user = |role: Role, org: Option<OrganizationId>| NewUserRequest {
        email: None,
        name: "someone".into(),
        role,
        organization_id: org,
        password: None,
    };
    let mut vendors = Vec::new();
    for (i, domain) in ["a.example", "b.example", "c.example", "outsider.example"].iter().enumerate() {
        let new = NewOrganization::new(&format!("Org {i}"), domain, OrganizationKind::Vendor, None).unwrap();
        let org = app
            .create_organization(
                &op,
                NewOrganizationRequest {
                    name: new.name,
                    domain: new.domain,
                    kind: new.kind,
                    security_contact: None,
                    public_keys: vec![],
                },
                now,
            )
            .await
            .unwrap();
        let (u, _) = app.create_user(&op, user(Role::Analyst, Some(org.id)), now).await.unwrap();
        vendors.push((org.id, Caller::User(u)));
    }
    let outsider = vendors.pop().unwrap().1;
    let (c, _) = app.create_user(&op, user(Role::Coordinator, None), now).await.unwrap();
    World { app, coordinator: Caller::User(c), vendors, outsider, _dir: dir }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]
    #[test]
    fn random_case_histories_keep_the_rules(steps in proptest::collection::vec(step(), 1..40)) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async move {
            let w = world().await;
            let mut now: Timestamp = "2026-01-02T00:00:00Z".parse().unwrap();
            let report = NewReport {
                title: "t".into(), description: "secret detail".into(), vendors: vec![], products: vec![],
                versions: None, impact: None, steps_to_reproduce: None, contact: None, credit: None,
                preferred_disclosure_date: None,
            };
            let (report_id, _) = w.app.submit_report(&Caller::Anonymous, report, now).await.unwrap();
            let case = w.app.open_case(&w.coordinator, &report_id.to_string(), now).await.unwrap();
            let id = case.id.to_string();
            let mut published: Option<accord_app::CaseView> = None;
            let mut history_len = w.app.case_history(&w.coordinator, &id).await.unwrap().len();
            for (who, step) in steps {
                let actor = match who {
                    0 => &w.coordinator,
                    4 => &w.outsider,
                    n => &w.vendors[n - 1].1,
                };
                let before = w.app.case(&w.coordinator, &id, now).await.unwrap();
                let result = match &step {
                    Step::Invite(v) => w.app.invite_vendor(actor, &id, w.vendors[*v].0, now).await.map(|_| ()),
                    Step::Status(v, s) => {
                        let (status, j, f) = [("under_investigation", None, None), ("affected", None, None),
                            ("not_affected", Some("component_not_present"), None), ("fixed", None, Some("2.0"))][*s];
                        w.app.set_product_status(actor, &id, &w.vendors[*v].0.to_string(), "P", status, j, f, None, now).await.map(|_| ())
                    }
                    Step::Consent(v) => w.app.consent_to_publication(actor, &id, &w.vendors[*v].0.to_string(), now).await.map(|_| ()),
                    Step::MoveDate(d) => {
                        let date = before.embargo_until + SignedDuration::from_hours(24 * d);
                        w.app.set_embargo(actor, &id, date, "reason", now).await.map(|_| ())
                    }
                    Step::Schedule => w.app.change_case_state(actor, &id, CaseAction::SchedulePublication, None, now).await.map(|_| ()),
                    Step::Unschedule => w.app.change_case_state(actor, &id, CaseAction::Unschedule, None, now).await.map(|_| ()),
                    Step::Publish(with_reason) => {
                        let reason = with_reason.then_some("override");
                        w.app.publish_case(actor, &id, reason, now).await.map(|_| ())
                    }
                    Step::Close => w.app.change_case_state(actor, &id, CaseAction::Close(CloseReason::Invalid), None, now).await.map(|_| ()),
                    Step::Reopen => w.app.change_case_state(actor, &id, CaseAction::Reopen, None, now).await.map(|_| ()),
                    Step::Wait(days) => { now += SignedDuration::from_hours(24 * days); Ok(()) }
                };
                let after = w.app.case(&w.coordinator, &id, now).await.unwrap();
                let history = w.app.case_history(&w.coordinator, &id).await.unwrap();
                // Refused actions change nothing; the history only grows.
                if result.is_err() {
                    assert_eq!((after.state, after.embargo_until, after.vendors.len()), (before.state, before.embargo_until, before.vendors.len()), "{step:?} refused yet changed the case");
                    assert_eq!(history.len(), history_len, "{step:?} refused yet recorded");
                }
                assert!(history.len() >= history_len);
                history_len = history.len();
                // Publication is final and had a basis.
                if let Some(p) = &published {
                    assert_eq!(after.state, CaseState::Published);
                    assert_eq!(after.vendors.len(), p.vendors.len(), "{step:?} changed a published case");
                } else if after.state == CaseState::Published {
                    let basis = after.publication_basis.clone().unwrap();
                    let consented = before.vendors.iter().all(|v| v.consented_at.is_some()) && !before.vendors.is_empty();
                    match basis.as_str() {
                        "agreed_date_reached" => assert!(now >= before.embargo_until),
                        "all_vendors_consented" => assert!(consented),
                        "coordinator_override" => assert!(matches!(step, Step::Publish(true))),
                        other => panic!("unknown basis {other}"),
                    }
                    assert!(matches!(before.state, CaseState::Coordinating | CaseState::PublicationScheduled));
                    published = Some(after.clone());
                }
                // Only coordinators move a case.
                if who != 0 && !matches!(step, Step::Wait(_)) {
                    assert_eq!(after.state, before.state, "a non-coordinator moved the case with {step:?}");
                }
                // Outsiders never see an unpublished case.
                let seen = w.app.case(&w.outsider, &id, now).await;
                assert_eq!(seen.is_ok(), after.state == CaseState::Published, "outsider visibility in {}", after.state);
            }
        });
    }
}
