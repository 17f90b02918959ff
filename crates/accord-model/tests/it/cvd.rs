//! The coordinated-disclosure rules: every transition, allowed or refused, and properties of
//! random sequences of actions.

use accord_model::OrganizationId;
use accord_model::cvd::{
    CaseAction, CaseActor, CaseState, CloseReason, LocalCaseId, ProductStatus, PublicationBasis,
    ReportStatus, VexJustification, embargo_deadline, publication_basis, transition,
};
use proptest::prelude::*;

fn vendor() -> CaseActor {
    CaseActor::Vendor(OrganizationId::from_uuid(uuid::Uuid::from_u128(7)))
}

fn actions() -> Vec<CaseAction> {
    let mut all = vec![
        CaseAction::StartCoordination,
        CaseAction::SchedulePublication,
        CaseAction::Unschedule,
        CaseAction::Publish,
        CaseAction::Reopen,
    ];
    all.extend(CloseReason::ALL.map(CaseAction::Close));
    all
}

/// The complete table of allowed coordinator transitions; everything else is refused.
fn allowed(state: CaseState, action: CaseAction) -> Option<CaseState> {
    use CaseAction as A;
    use CaseState as S;
    match (state, action) {
        (S::Triaged | S::Coordinating, A::StartCoordination) => Some(S::Coordinating),
        (S::Coordinating | S::PublicationScheduled, A::SchedulePublication) => Some(S::PublicationScheduled),
        (S::PublicationScheduled, A::Unschedule) => Some(S::Coordinating),
        (S::Coordinating | S::PublicationScheduled, A::Publish) => Some(S::Published),
        (S::Triaged | S::Coordinating | S::PublicationScheduled, A::Close(_)) => Some(S::Closed),
        (S::Closed, A::Reopen) => Some(S::Triaged),
        _ => None,
    }
}

#[test]
fn every_transition_of_every_state() {
    for state in CaseState::ALL {
        for action in actions() {
            let got = transition(state, CaseActor::Coordinator, action).ok();
            assert_eq!(got, allowed(state, action), "coordinator: {action:?} in {state}");
            // Vendors change no case state; finders only withdraw.
            assert!(transition(state, vendor(), action).is_err(), "vendor: {action:?} in {state}");
            let finder = transition(state, CaseActor::Finder, action).ok();
            let expect = match action {
                CaseAction::Close(CloseReason::Withdrawn) => allowed(state, action),
                _ => None,
            };
            assert_eq!(finder, expect, "finder: {action:?} in {state}");
        }
    }
}

#[test]
fn refusals_say_why() {
    use accord_model::Refusal;
    let e = transition(CaseState::Triaged, CaseActor::Coordinator, CaseAction::Publish).unwrap_err();
    assert_eq!(e.0, Refusal::InviteVendorsFirst);
    assert!(e.to_string().contains("vendors"), "{e}");
    let e = transition(CaseState::Coordinating, vendor(), CaseAction::Publish).unwrap_err();
    assert_eq!(e.0, Refusal::CoordinatorOnly);
    assert!(e.to_string().contains("coordinator"), "{e}");
    let e = transition(CaseState::Published, CaseActor::Coordinator, CaseAction::Reopen).unwrap_err();
    assert_eq!(
        (e.0.key(), e.to_string().as_str()),
        ("case_published_final", "the case is published: that is final")
    );
    let e = transition(CaseState::Triaged, CaseActor::Coordinator, CaseAction::Unschedule).unwrap_err();
    assert_eq!(e.0, Refusal::NotPossible { action: CaseAction::Unschedule, state: CaseState::Triaged });
    assert_eq!(e.to_string(), "Unschedule is not possible in a triaged case");
}

/// Field refusals carry their key and parameters, and the English text stays the message.
#[test]
fn field_refusals_have_keys() {
    use accord_model::Refusal;
    use accord_model::cvd::{ProductStatus, check_attachment};
    let e = ProductStatus::parse("broken", None, None).unwrap_err();
    assert_eq!(e.refusal, Some(Refusal::NotAProductStatus { value: "broken".into() }));
    assert_eq!(
        e.message,
        "\"broken\" is not a product status (under_investigation, affected, not_affected, fixed)"
    );
    let e = ProductStatus::parse("not_affected", None, None).unwrap_err();
    assert_eq!((e.field, e.refusal.map(|r| r.key())), ("justification", Some("justification_required")));
    let e = check_attachment("image/png", b"%PDF-1.7").unwrap_err();
    assert_eq!(e.message, "\"image/png\" does not match the file's content (application/pdf)");
    assert_eq!(
        e.refusal,
        Some(Refusal::FileTypeMismatch { declared: "image/png".into(), sniffed: "application/pdf" })
    );
    let e = ReportStatus::Rejected.triage(ReportStatus::Accepted).unwrap_err();
    assert_eq!(e.to_string(), "the report is already rejected; triage decides once");
}

#[test]
fn triage_decides_once() {
    for to in [ReportStatus::Accepted, ReportStatus::Rejected, ReportStatus::Duplicate] {
        assert_eq!(ReportStatus::Received.triage(to), Ok(to));
        for from in [ReportStatus::Accepted, ReportStatus::Rejected, ReportStatus::Duplicate] {
            assert!(from.triage(to).is_err(), "{from:?} -> {to:?}");
        }
    }
    assert!(ReportStatus::Received.triage(ReportStatus::Received).is_err());
}

#[test]
fn product_statuses_need_what_they_claim() {
    assert_eq!(ProductStatus::parse("affected", None, None).unwrap(), ProductStatus::Affected);
    assert_eq!(
        ProductStatus::parse("not_affected", Some("vulnerable_code_not_present"), None).unwrap(),
        ProductStatus::NotAffected(VexJustification::VulnerableCodeNotPresent)
    );
    assert_eq!(ProductStatus::parse("fixed", None, Some("2.4.1")).unwrap().fixed_version(), Some("2.4.1"));
    let field = |r: Result<ProductStatus, accord_model::ValidationError>| r.unwrap_err().field;
    assert_eq!(field(ProductStatus::parse("not_affected", None, None)), "justification");
    assert_eq!(field(ProductStatus::parse("not_affected", Some("because"), None)), "justification");
    assert_eq!(field(ProductStatus::parse("fixed", None, None)), "fixed_version");
    assert_eq!(field(ProductStatus::parse("fixed", None, Some("  "))), "fixed_version");
    assert_eq!(field(ProductStatus::parse("affected", Some("component_not_present"), None)), "justification");
    assert_eq!(field(ProductStatus::parse("affected", None, Some("1.0"))), "fixed_version");
    assert_eq!(field(ProductStatus::parse("patched", None, None)), "status");
    for j in VexJustification::ALL {
        assert_eq!(j.as_str().parse::<VexJustification>().unwrap(), j);
    }
}

#[test]
fn publication_needs_the_date_or_every_consent_or_a_reason() {
    let day = |d: i64| embargo_deadline("2025-01-01T00:00:00Z".parse().unwrap(), d);
    let (a, b) = (
        OrganizationId::from_uuid(uuid::Uuid::from_u128(1)),
        OrganizationId::from_uuid(uuid::Uuid::from_u128(2)),
    );
    let date = day(90);
    assert_eq!(date, "2025-04-01T00:00:00Z".parse().unwrap(), "90 days of 24 hours");
    assert_eq!(publication_basis(date, date, &[(a, false)], None), Ok(PublicationBasis::AgreedDateReached));
    assert_eq!(publication_basis(day(10), date, &[(a, false), (b, true)], None), Err(vec![a]));
    assert_eq!(
        publication_basis(day(10), date, &[(a, true), (b, true)], None),
        Ok(PublicationBasis::AllVendorsConsented)
    );
    assert_eq!(
        publication_basis(day(10), date, &[(a, false)], Some("  exploited in the wild ")),
        Ok(PublicationBasis::CoordinatorOverride("exploited in the wild".into()))
    );
    assert_eq!(
        publication_basis(day(10), date, &[(a, false)], Some("   ")),
        Err(vec![a]),
        "a blank reason is no reason"
    );
    assert_eq!(publication_basis(day(10), date, &[], None), Err(vec![]), "no vendor, no consent");
}

#[test]
fn local_ids() {
    let id = LocalCaseId { year: 2026, number: 7 };
    assert_eq!(id.to_string(), "ACCORD-2026-0007");
    assert_eq!("ACCORD-2026-0007".parse::<LocalCaseId>().unwrap(), id);
    assert_eq!("ACCORD-2026-12345".parse::<LocalCaseId>().unwrap().number, 12345);
    for bad in [
        "ACCORD-2026-7",
        "ACCORD-26-0007",
        "accord-2026-0007",
        "ACCORD-2026-0000",
        "ACCORD-2026-01234",
        "ACCORD-2026-00x1",
        "CVE-2026-0007",
    ] {
        assert!(bad.parse::<LocalCaseId>().is_err(), "{bad}");
    }
}

fn actor() -> impl Strategy<Value = CaseActor> {
    prop_oneof![Just(CaseActor::Coordinator), Just(vendor()), Just(CaseActor::Finder)]
}

fn action() -> impl Strategy<Value = CaseAction> {
    proptest::sample::select(actions())
}

proptest! {
    /// Whatever happens, in any order: a published case stays published, a case reaches
    /// publication only through `Publish` from coordinating or scheduled, and only coordinators
    /// move a case, but for a finder's withdrawal.
    #[test]
    fn random_sequences_keep_the_invariants(steps in proptest::collection::vec((actor(), action()), 0..60)) {
        let mut state = CaseState::Triaged;
        let mut was_published = false;
        for (who, what) in steps {
            if let Ok(next) = transition(state, who, what) {
                if next == CaseState::Published {
                    prop_assert_eq!(what, CaseAction::Publish);
                    prop_assert!(matches!(state, CaseState::Coordinating | CaseState::PublicationScheduled));
                }
                if who != CaseActor::Coordinator {
                    prop_assert_eq!(what, CaseAction::Close(CloseReason::Withdrawn));
                }
                was_published |= next == CaseState::Published;
                state = next;
            }
            prop_assert!(!was_published || state == CaseState::Published, "publication is final");
        }
    }
}

#[test]
fn attachments_are_what_they_claim() {
    use accord_model::cvd::{ATTACHMENT_MAX, check_attachment, check_file_name};
    assert_eq!(check_attachment("application/pdf", b"%PDF-1.7\n...").unwrap(), "application/pdf");
    assert_eq!(check_attachment("image/png", b"\x89PNG\r\n\x1a\n....").unwrap(), "image/png");
    assert_eq!(
        check_attachment("text/plain; charset=utf-8", "journal: ok".as_bytes()).unwrap(),
        "text/plain"
    );
    assert_eq!(check_attachment("application/json", b"{\"a\":1}").unwrap(), "application/json");
    let field = |r: Result<&'static str, accord_model::ValidationError>| r.unwrap_err().field;
    assert_eq!(field(check_attachment("application/pdf", b"MZ\x90\x00 an executable")), "file");
    assert_eq!(
        field(check_attachment("application/pdf", b"plain text")),
        "content-type",
        "a text file declared as PDF"
    );
    assert_eq!(field(check_attachment("text/plain", b"")), "file");
    assert_eq!(field(check_attachment("text/plain", &vec![b'a'; ATTACHMENT_MAX + 1])), "file");
    assert_eq!(check_file_name(" poc.py ").unwrap(), "poc.py");
    for bad in ["", "../etc/passwd", "a\\b", "a\nb", ".."] {
        assert!(check_file_name(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn generic_declared_types_take_the_type_of_the_content() {
    use accord_model::cvd::check_attachment;
    let field = |r: Result<&'static str, accord_model::ValidationError>| r.unwrap_err().field;
    // What browsers send for a file whose extension they do not know, or no type at all.
    for generic in
        ["application/octet-stream", "", "  ", "Application/Octet-Stream; x=1", "binary/octet-stream"]
    {
        assert_eq!(check_attachment(generic, b"%PDF-1.7\n...").unwrap(), "application/pdf", "{generic:?}");
        assert_eq!(check_attachment(generic, b"\x89PNG\r\n\x1a\n....").unwrap(), "image/png");
        assert_eq!(check_attachment(generic, &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]).unwrap(), "image/jpeg");
        assert_eq!(check_attachment(generic, b"PK\x03\x04 archive").unwrap(), "application/zip");
        assert_eq!(check_attachment(generic, "poc: ok\n".as_bytes()).unwrap(), "text/plain");
        // What is allowed is still decided by the content.
        assert_eq!(field(check_attachment(generic, b"MZ\x90\x00 an executable")), "file", "{generic:?}");
        assert_eq!(field(check_attachment(generic, b"")), "file");
    }
    // A specific declared type that the content contradicts is still refused.
    assert_eq!(field(check_attachment("image/png", b"%PDF-1.7\n...")), "content-type");
    assert_eq!(field(check_attachment("application/zip", b"poc: ok")), "content-type");
    assert_eq!(field(check_attachment("application/x-msdownload", b"MZ\x90\x00")), "file");
}
