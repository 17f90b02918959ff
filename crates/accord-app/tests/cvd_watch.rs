//! Embargo reminders and passed deadlines: recorded once per date, again when the date moves.

use accord_app::model::seal::SealingKey;
use accord_app::model::{NewOrganization, OrganizationKind, Role};
use accord_app::{App, Caller, NewOrganizationRequest, NewReport, NewUserRequest, StoreLocation};
use jiff::{SignedDuration, Timestamp};

#[tokio::test]
async fn reminders_and_deadlines_are_recorded_once_per_date() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&StoreLocation::Sqlite(dir.path().to_path_buf()))
        .unwrap()
        .with_sealing_key(SealingKey::from_bytes([3; 32]))
        .with_log_signer(accord_app::log::new_log_signer("test.example/log").unwrap());
    let t0: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
    let day = |n: i64| t0 + SignedDuration::from_hours(24 * n);
    let new = NewOrganization::new("Vendor", "vendor.example", OrganizationKind::Vendor, None).unwrap();
    let org = app
        .create_organization(
            &Caller::Operator,
            NewOrganizationRequest {
                name: new.name,
                domain: new.domain,
                kind: new.kind,
                security_contact: None,
                public_keys: vec![],
            },
            t0,
        )
        .await
        .unwrap();
    let request = NewUserRequest {
        email: None,
        name: "C".into(),
        role: Role::Coordinator,
        organization_id: None,
        password: None,
    };
    let coordinator = Caller::User(app.create_user(&Caller::Operator, request, t0).await.unwrap().0);
    let report = NewReport {
        title: "t".into(),
        description: "d".into(),
        vendors: vec![],
        products: vec![],
        versions: None,
        impact: None,
        steps_to_reproduce: None,
        contact: None,
        credit: None,
        preferred_disclosure_date: None,
    };
    let (report, _) = app.submit_report(&Caller::Anonymous, report, t0).await.unwrap();
    let case = app.open_case(&coordinator, &report.to_string(), t0).await.unwrap();
    let id = case.id.to_string();
    app.invite_vendor(&coordinator, &id, org.id, t0).await.unwrap();
    assert_eq!(case.embargo_until, day(90));

    let actions = || async {
        app.case_history(&coordinator, &id)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .filter(|a| a.starts_with("embargo_reminder") || a == "deadline_passed")
            .collect::<Vec<_>>()
    };
    assert_eq!(app.embargo_watch(day(10)).await.unwrap(), 0, "nothing due yet");
    assert_eq!(app.embargo_watch(day(84)).await.unwrap(), 1);
    assert_eq!(app.embargo_watch(day(85)).await.unwrap(), 0, "once per date");
    assert_eq!(app.embargo_watch(day(89) + SignedDuration::from_hours(12)).await.unwrap(), 1);
    assert_eq!(actions().await, ["embargo_reminder_7d", "embargo_reminder_1d"]);
    assert_eq!(app.embargo_watch(day(91)).await.unwrap(), 1, "the deadline passed");
    assert_eq!(app.embargo_watch(day(92)).await.unwrap(), 0);
    assert!(app.case(&coordinator, &id, day(92)).await.unwrap().deadline_passed);
    // A new public date gets its own reminders.
    app.set_embargo(&coordinator, &id, day(120), "the fix needs a respin", day(92)).await.unwrap();
    assert_eq!(app.embargo_watch(day(114)).await.unwrap(), 1);
    assert_eq!(
        actions().await,
        ["embargo_reminder_7d", "embargo_reminder_1d", "deadline_passed", "embargo_reminder_7d"]
    );
}
