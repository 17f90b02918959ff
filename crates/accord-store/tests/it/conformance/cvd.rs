//! Coordinated disclosure: triage once, gapless local ids under concurrency, state changes as
//! compare-and-set, who sees which case, an append-only history.

use accord_model::cvd::{CaseState, ProductStatus, ReportStatus};
use accord_model::{CaseId, ReportId, Role};
use accord_store::cvd::{CaseReader, CvdWrite};
use accord_store::{RegistryWrite, Store, StoreError};

use super::fixtures::*;

fn report_id(n: u128) -> ReportId {
    format!("00000000-0000-4000-8000-{n:012}").parse().unwrap()
}

fn case_id(n: u128) -> CaseId {
    format!("00000000-0000-4000-9000-{n:012}").parse().unwrap()
}

fn submit(n: u128) -> RegistryWrite {
    RegistryWrite::Cvd(CvdWrite::SubmitReport {
        id: report_id(n),
        at: day(1),
        reporter_user: None,
        followup: token(n as u8),
        sealed: format!("v1:sealed-report-{n}"),
    })
}

fn open(n: u128) -> RegistryWrite {
    RegistryWrite::Cvd(CvdWrite::OpenCase {
        id: case_id(n),
        report_id: report_id(n),
        at: ts("2026-03-01T00:00:00Z"),
        embargo_deadline: day(91),
        sealed: format!("v1:sealed-case-{n}"),
    })
}

pub async fn reports_are_triaged_once(store: &dyn Store) {
    write(store, vec![submit(1), submit(2)]).await;
    let by_link = store.cvd_report_by_followup(&token(1).selector).await.unwrap().unwrap();
    assert_eq!(by_link.0.id, report_id(1));
    assert!(token(1).matches(&by_link.1));
    write(store, vec![open(1)]).await;
    let r = store.cvd_report(report_id(1)).await.unwrap().unwrap();
    assert_eq!((r.status, r.case_id), (ReportStatus::Accepted, Some(case_id(1))));
    let case = store.cvd_case(case_id(1)).await.unwrap().unwrap();
    assert_eq!((case.state, case.reported_at, case.public_date), (CaseState::Triaged, day(1), day(91)));
    // A second decision on the same report is refused, and so is a second case.
    let reject = RegistryWrite::Cvd(CvdWrite::DecideReport {
        id: report_id(1),
        status: ReportStatus::Rejected,
        at: day(3),
        decision_sealed: Some("v1:x".into()),
        duplicate_of: None,
    });
    expect_conflict(store.write(ACTOR, vec![reject]).await);
    let duplicate = RegistryWrite::Cvd(CvdWrite::DecideReport {
        id: report_id(2),
        status: ReportStatus::Duplicate,
        at: day(3),
        decision_sealed: None,
        duplicate_of: Some(case_id(1)),
    });
    write(store, vec![duplicate]).await;
    expect_conflict(store.write(ACTOR, vec![open(2)]).await);
    assert_eq!(store.cvd_reports(Some(ReportStatus::Duplicate)).await.unwrap().len(), 1);
    assert!(matches!(
        store
            .write(
                ACTOR,
                vec![RegistryWrite::Cvd(CvdWrite::DecideReport {
                    id: report_id(9),
                    status: ReportStatus::Rejected,
                    at: day(3),
                    decision_sealed: None,
                    duplicate_of: None,
                })]
            )
            .await,
        Err(StoreError::NotFound { .. })
    ));
}

pub async fn local_ids_have_no_gaps_under_concurrency(store: &dyn Store) {
    let n = 24u128;
    write(store, (1..=n).map(submit).collect()).await;
    let writes = (1..=n).map(|i| store.write(ACTOR, vec![open(i)]));
    for result in join_all(writes.collect()).await {
        result.expect("every case opens");
    }
    // A failed batch gives its number back: nothing is allocated outside a commit.
    let failed = store.write(ACTOR, vec![open(1)]).await;
    assert!(failed.is_err());
    let mut numbers: Vec<u32> = Vec::new();
    for i in 1..=n {
        let case = store.cvd_case(case_id(i)).await.unwrap().unwrap();
        assert_eq!(case.local_id.year, 2026);
        numbers.push(case.local_id.number);
    }
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=n as u32).collect::<Vec<_>>(), "1..=n, no gap, no duplicate");
}

/// Polls all the futures together (each store write runs on its own blocking thread).
async fn join_all<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut pinned: Vec<std::pin::Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut results: Vec<Option<F::Output>> = (0..pinned.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in pinned.iter_mut().enumerate() {
            if results[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => results[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending { std::task::Poll::Pending } else { std::task::Poll::Ready(()) }
    })
    .await;
    results.into_iter().map(|r| r.expect("every future finished")).collect()
}

pub async fn states_change_by_compare_and_set(store: &dyn Store) {
    write(store, vec![submit(1), open(1)]).await;
    let to = |from, to| {
        RegistryWrite::Cvd(CvdWrite::SetCaseState { id: case_id(1), from, to, close_reason: None })
    };
    write(store, vec![to(CaseState::Triaged, CaseState::Coordinating)]).await;
    expect_conflict(store.write(ACTOR, vec![to(CaseState::Triaged, CaseState::Closed)]).await);
    let publish = |from| {
        RegistryWrite::Cvd(CvdWrite::Publish {
            case_id: case_id(1),
            from,
            at: day(100),
            basis: "agreed_date_reached".into(),
            advisory_id: "ACCORD-2026-0001".into(),
            document: "{}".into(),
        })
    };
    let (a, b) = tokio::join!(
        store.write("a", vec![publish(CaseState::Coordinating)]),
        store.write("b", vec![publish(CaseState::Coordinating)])
    );
    assert!(a.is_ok() != b.is_ok(), "exactly one publication: {a:?} {b:?}");
    let case = store.cvd_case(case_id(1)).await.unwrap().unwrap();
    assert_eq!((case.state, case.published_at), (CaseState::Published, Some(day(100))));
    assert_eq!(store.advisory("ACCORD-2026-0001").await.unwrap().unwrap().0, case_id(1));
    expect_conflict(
        store
            .write(
                ACTOR,
                vec![RegistryWrite::Cvd(CvdWrite::SetPublicDate {
                    case_id: case_id(1),
                    public_date: day(200),
                })],
            )
            .await,
    );
}

pub async fn vendors_statuses_and_visibility(store: &dyn Store) {
    let (a, b) = (org("A", "a.example"), org("B", "b.example"));
    create_org(store, &a).await;
    create_org(store, &b).await;
    let finder = user("finder@example.org", Role::Finder, None);
    let vendor_user = user("dev@a.example", Role::Analyst, Some(a.id));
    write(
        store,
        vec![
            RegistryWrite::CreateUser { user: finder.clone(), password_hash: None },
            RegistryWrite::CreateUser { user: vendor_user.clone(), password_hash: None },
            RegistryWrite::Cvd(CvdWrite::SubmitReport {
                id: report_id(1),
                at: day(1),
                reporter_user: Some(finder.id),
                followup: token(1),
                sealed: "v1:r".into(),
            }),
            open(1),
            submit(2),
            open(2),
            RegistryWrite::Cvd(CvdWrite::InviteVendor {
                case_id: case_id(1),
                organization_id: a.id,
                at: day(2),
            }),
        ],
    )
    .await;
    expect_conflict(
        store
            .write(
                ACTOR,
                vec![RegistryWrite::Cvd(CvdWrite::InviteVendor {
                    case_id: case_id(1),
                    organization_id: a.id,
                    at: day(3),
                })],
            )
            .await,
    );
    let status = |org, product: &str| {
        RegistryWrite::Cvd(CvdWrite::SetProductStatus {
            case_id: case_id(1),
            organization_id: org,
            product: product.into(),
            status: ProductStatus::Fixed { fixed_version: "2.0".into() },
            remediation_sealed: None,
            at: day(4),
            by: vendor_user.id,
        })
    };
    write(store, vec![status(a.id, "Widget")]).await;
    write(store, vec![status(a.id, "Widget")]).await;
    assert!(
        matches!(store.write(ACTOR, vec![status(b.id, "Gadget")]).await, Err(StoreError::NotFound { .. })),
        "an uninvited organisation has no statements"
    );
    let case = store.cvd_case(case_id(1)).await.unwrap().unwrap();
    assert_eq!(case.vendors.len(), 1);
    assert_eq!(case.vendors[0].name, "A", "vendor names come with the case");
    assert_eq!(case.statuses.len(), 1, "one statement per product, replaced");
    assert_eq!(case.statuses[0].fixed_version.as_deref(), Some("2.0"));

    let ids = |cases: Vec<accord_store::cvd::CaseRecord>| cases.into_iter().map(|c| c.id).collect::<Vec<_>>();
    let all = ids(store.cvd_cases(CaseReader { all: true, ..Default::default() }).await.unwrap());
    assert_eq!(all.len(), 2);
    let of_a =
        ids(store.cvd_cases(CaseReader { organization: Some(a.id), ..Default::default() }).await.unwrap());
    assert_eq!(of_a, [case_id(1)]);
    let of_b = ids(store
        .cvd_cases(CaseReader { organization: Some(b.id), published: true, ..Default::default() })
        .await
        .unwrap());
    assert!(of_b.is_empty(), "nothing published yet, nothing invited");
    let of_finder =
        ids(store.cvd_cases(CaseReader { reporter: Some(finder.id), ..Default::default() }).await.unwrap());
    assert_eq!(of_finder, [case_id(1)]);
}

pub async fn history_is_append_only(store: &dyn Store) {
    write(store, vec![submit(1), open(1)]).await;
    for (i, action) in ["reported", "accepted"].iter().enumerate() {
        write(
            store,
            vec![RegistryWrite::Cvd(CvdWrite::RecordEvent {
                case_id: case_id(1),
                at: day(i as i64 + 1),
                actor: "someone".into(),
                action: (*action).into(),
                detail_sealed: "v1:d".into(),
            })],
        )
        .await;
    }
    let events = store.cvd_case_events(case_id(1)).await.unwrap();
    assert_eq!(events.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["reported", "accepted"]);
    assert!(matches!(
        store
            .write(
                ACTOR,
                vec![RegistryWrite::Cvd(CvdWrite::RecordEvent {
                    case_id: case_id(7),
                    at: day(1),
                    actor: "x".into(),
                    action: "x".into(),
                    detail_sealed: "x".into(),
                })]
            )
            .await,
        Err(StoreError::NotFound { .. })
    ));
}

pub async fn threads_keep_their_messages_apart(store: &dyn Store) {
    write(store, vec![submit(1), open(1)]).await;
    let post = |thread: &str, n: i64| {
        RegistryWrite::Cvd(CvdWrite::PostMessage {
            case_id: case_id(1),
            thread: thread.to_owned(),
            at: day(n),
            author: "user:x".into(),
            author_name: "X".into(),
            body_sealed: format!("v1:{thread}-{n}"),
        })
    };
    write(store, vec![post("case", 1), post("vendor-a", 2), post("case", 3)]).await;
    let bodies =
        |m: Vec<accord_store::cvd::MessageRecord>| m.into_iter().map(|m| m.body_sealed).collect::<Vec<_>>();
    assert_eq!(bodies(store.cvd_messages(case_id(1), "case").await.unwrap()), ["v1:case-1", "v1:case-3"]);
    assert_eq!(bodies(store.cvd_messages(case_id(1), "vendor-a").await.unwrap()), ["v1:vendor-a-2"]);
    assert!(store.cvd_messages(case_id(1), "vendor-b").await.unwrap().is_empty());
    let orphan = RegistryWrite::Cvd(CvdWrite::PostMessage {
        case_id: case_id(5),
        thread: "case".into(),
        at: day(1),
        author: "x".into(),
        author_name: "X".into(),
        body_sealed: "x".into(),
    });
    assert!(matches!(store.write(ACTOR, vec![orphan]).await, Err(StoreError::NotFound { .. })));
}
