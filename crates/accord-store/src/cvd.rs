//! Records and writes of coordinated disclosure. Confidential text arrives sealed by the
//! application (see `accord_model::seal`); the store keeps it as opaque text.

use accord_model::cvd::{CaseState, CloseReason, LocalCaseId, ProductStatus, ReportStatus};
use accord_model::{CaseId, OrganizationId, ReportId, TokenDigest, UserId};
use jiff::Timestamp;

/// A report as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRecord {
    pub id: ReportId,
    pub received_at: Timestamp,
    pub status: ReportStatus,
    pub reporter_user: Option<UserId>,
    /// The report's content (JSON), sealed.
    pub sealed: String,
    pub decided_at: Option<Timestamp>,
    pub decision_sealed: Option<String>,
    /// The case it became (accepted) or duplicates.
    pub case_id: Option<CaseId>,
}

/// An organisation invited to a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseVendor {
    pub organization_id: OrganizationId,
    /// The organisation's name, read with the case.
    pub name: String,
    pub invited_at: Timestamp,
    /// When it consented to publication before the public date.
    pub consented_at: Option<Timestamp>,
}

/// A vendor's statement about one product, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductStatusRecord {
    pub organization_id: OrganizationId,
    pub product: String,
    pub status: String,
    pub justification: Option<String>,
    pub fixed_version: Option<String>,
    pub remediation_sealed: Option<String>,
    pub updated_at: Timestamp,
    pub updated_by: UserId,
}

/// A case as stored, with its vendors and their statements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRecord {
    pub id: CaseId,
    pub local_id: LocalCaseId,
    pub report_id: ReportId,
    pub state: CaseState,
    pub close_reason: Option<CloseReason>,
    pub created_at: Timestamp,
    pub reported_at: Timestamp,
    pub embargo_deadline: Timestamp,
    /// The agreed public date (the deadline until one is agreed).
    pub public_date: Timestamp,
    pub published_at: Option<Timestamp>,
    pub publication_basis: Option<String>,
    /// Title, description and the rest of the report's content (JSON), sealed.
    pub sealed: String,
    pub cvss_v31: Option<String>,
    pub cvss_v40: Option<String>,
    pub cve_ids: Vec<String>,
    /// Credits and references for the advisory (JSON), sealed.
    pub advisory_sealed: Option<String>,
    pub vendors: Vec<CaseVendor>,
    pub statuses: Vec<ProductStatusRecord>,
}

/// One entry of a case's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseEventRecord {
    pub seq: i64,
    pub at: Timestamp,
    pub actor: String,
    pub action: String,
    pub detail_sealed: String,
}

/// A message of a case thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRecord {
    pub seq: i64,
    pub thread: String,
    pub at: Timestamp,
    pub author: String,
    pub author_name: String,
    pub body_sealed: String,
}

/// An attachment of a report, without its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRecord {
    pub id: String,
    pub at: Timestamp,
    pub author: String,
    pub media_type: String,
    pub size: i64,
    pub name_sealed: String,
}

/// Which cases a reader may see: a case is visible when any of these holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CaseReader {
    /// Coordinators and administrators see every case.
    pub all: bool,
    /// Members of an invited organisation.
    pub organization: Option<OrganizationId>,
    /// The finder who reported it with an account.
    pub reporter: Option<UserId>,
    /// Published cases are public.
    pub published: bool,
}

/// A change of coordinated disclosure (part of [`crate::RegistryWrite::Cvd`]). State changes
/// name the state they expect (`from`): the write fails with a conflict when another change
/// got there first, so the model's transition rules hold under concurrency.
#[derive(Debug, Clone)]
pub enum CvdWrite {
    SubmitReport {
        id: ReportId,
        at: Timestamp,
        reporter_user: Option<UserId>,
        followup: TokenDigest,
        sealed: String,
    },
    /// Rejects a received report or marks it a duplicate of a case.
    DecideReport {
        id: ReportId,
        status: ReportStatus,
        at: Timestamp,
        decision_sealed: Option<String>,
        duplicate_of: Option<CaseId>,
    },
    /// Accepts a received report into a new case, with the next local id of `at`'s year.
    OpenCase {
        id: CaseId,
        report_id: ReportId,
        at: Timestamp,
        embargo_deadline: Timestamp,
        sealed: String,
    },
    SetCaseState {
        id: CaseId,
        from: CaseState,
        to: CaseState,
        close_reason: Option<CloseReason>,
    },
    InviteVendor {
        case_id: CaseId,
        organization_id: OrganizationId,
        at: Timestamp,
    },
    ConsentToPublication {
        case_id: CaseId,
        organization_id: OrganizationId,
        at: Timestamp,
    },
    SetProductStatus {
        case_id: CaseId,
        organization_id: OrganizationId,
        product: String,
        status: ProductStatus,
        remediation_sealed: Option<String>,
        at: Timestamp,
        by: UserId,
    },
    SetPublicDate {
        case_id: CaseId,
        public_date: Timestamp,
    },
    SetScores {
        case_id: CaseId,
        cvss_v31: Option<String>,
        cvss_v40: Option<String>,
        cve_ids: Vec<String>,
    },
    /// Sets the credits and references prepared for the advisory (sealed JSON).
    SetAdvisoryDetails {
        case_id: CaseId,
        sealed: String,
    },
    /// Publishes a case (which must be in `from`) as an advisory.
    Publish {
        case_id: CaseId,
        from: CaseState,
        at: Timestamp,
        basis: String,
        advisory_id: String,
        document: String,
    },
    /// Posts to a case thread (`case`, or a vendor organisation's id).
    PostMessage {
        case_id: CaseId,
        thread: String,
        at: Timestamp,
        author: String,
        author_name: String,
        body_sealed: String,
    },
    /// Attaches a file to a report (and so to its case).
    AddAttachment {
        id: String,
        report_id: ReportId,
        at: Timestamp,
        author: String,
        media_type: String,
        size: i64,
        name_sealed: String,
        content_sealed: Vec<u8>,
    },
    /// Appends to a case's history.
    RecordEvent {
        case_id: CaseId,
        at: Timestamp,
        actor: String,
        action: String,
        detail_sealed: String,
    },
}
