//! Coordinated vulnerability disclosure: the rules of reports, cases, vendors' product statuses
//! and embargoes. Separate small machines (report triage, case life cycle, per-product status,
//! embargo), each transition checked here: who may trigger it and from which state.
//!
//! A finder's report is `received`; a coordinator accepts it into a case, rejects it with a
//! reason, or marks it a duplicate of a case. A case is `triaged` when created, `coordinating`
//! once a vendor is invited, `publication_scheduled` when a date is set, `published` when its
//! advisory is out (final: corrections are advisory revisions), or `closed` with a reason before
//! publication (a closed case may be reopened).

use std::fmt;
use std::str::FromStr;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::{OrganizationId, Refusal, ValidationError};

/// What a report became.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    Received,
    Accepted,
    Rejected,
    Duplicate,
}

impl ReportStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportStatus::Received => "received",
            ReportStatus::Accepted => "accepted",
            ReportStatus::Rejected => "rejected",
            ReportStatus::Duplicate => "duplicate",
        }
    }

    /// Triage decides once: only a received report can be accepted, rejected or marked a
    /// duplicate.
    pub fn triage(self, to: ReportStatus) -> Result<ReportStatus, TransitionError> {
        match (self, to) {
            (
                ReportStatus::Received,
                ReportStatus::Accepted | ReportStatus::Rejected | ReportStatus::Duplicate,
            ) => Ok(to),
            _ => Err(TransitionError(Refusal::AlreadyTriaged { status: self })),
        }
    }
}

impl FromStr for ReportStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [ReportStatus::Received, ReportStatus::Accepted, ReportStatus::Rejected, ReportStatus::Duplicate]
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("{s:?} is not a report status"))
    }
}

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    Triaged,
    Coordinating,
    PublicationScheduled,
    Published,
    Closed,
}

impl CaseState {
    pub const ALL: [CaseState; 5] = [
        CaseState::Triaged,
        CaseState::Coordinating,
        CaseState::PublicationScheduled,
        CaseState::Published,
        CaseState::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseState::Triaged => "triaged",
            CaseState::Coordinating => "coordinating",
            CaseState::PublicationScheduled => "publication_scheduled",
            CaseState::Published => "published",
            CaseState::Closed => "closed",
        }
    }

    /// Before publication, a case is confidential to its participants.
    pub fn is_public(self) -> bool {
        self == CaseState::Published
    }
}

impl fmt::Display for CaseState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CaseState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|c| c.as_str() == s).ok_or_else(|| format!("{s:?} is not a case state"))
    }
}

/// Why a case was closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CloseReason {
    /// Not a vulnerability, out of scope, or not reproducible.
    Invalid,
    /// The finder withdrew it.
    Withdrawn,
    /// Handled elsewhere (another coordinator, the vendor alone).
    Transferred,
}

impl CloseReason {
    pub const ALL: [CloseReason; 3] =
        [CloseReason::Invalid, CloseReason::Withdrawn, CloseReason::Transferred];

    pub fn as_str(self) -> &'static str {
        match self {
            CloseReason::Invalid => "invalid",
            CloseReason::Withdrawn => "withdrawn",
            CloseReason::Transferred => "transferred",
        }
    }
}

impl FromStr for CloseReason {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|c| c.as_str() == s).ok_or_else(|| {
            ValidationError::refused("reason", Refusal::NotACloseReason { value: s.to_owned() })
        })
    }
}

/// Who acts on a case, as far as its rules care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseActor {
    /// A coordinator (or an administrator).
    Coordinator,
    /// A member of an invited vendor organisation.
    Vendor(OrganizationId),
    /// The finder who reported it (with an account or the follow-up link).
    Finder,
}

/// What may happen to a case's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseAction {
    /// The first vendor is invited.
    StartCoordination,
    /// A publication date is set.
    SchedulePublication,
    /// The scheduled date is dropped.
    Unschedule,
    /// The advisory goes out (the embargo rule is checked separately: [`publication_basis`]).
    Publish,
    Close(CloseReason),
    /// A case closed before publication comes back to triage.
    Reopen,
}

/// A refused transition, with its reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TransitionError(pub Refusal);

/// Whether the actor may take the action (permission), regardless of state.
pub fn may(actor: CaseActor, action: CaseAction) -> bool {
    match (actor, action) {
        (CaseActor::Coordinator, _) => true,
        // A finder may withdraw their own report before it is public.
        (CaseActor::Finder, CaseAction::Close(CloseReason::Withdrawn)) => true,
        _ => false,
    }
}

/// The state after `action` taken by `actor` in `state`, or why not. Nothing is changed on
/// refusal.
pub fn transition(
    state: CaseState,
    actor: CaseActor,
    action: CaseAction,
) -> Result<CaseState, TransitionError> {
    use CaseAction as A;
    use CaseState as S;
    if !may(actor, action) {
        return Err(TransitionError(Refusal::CoordinatorOnly));
    }
    let next = match (state, action) {
        (S::Triaged | S::Coordinating, A::StartCoordination) => S::Coordinating,
        (S::Coordinating | S::PublicationScheduled, A::SchedulePublication) => S::PublicationScheduled,
        (S::PublicationScheduled, A::Unschedule) => S::Coordinating,
        (S::Coordinating | S::PublicationScheduled, A::Publish) => S::Published,
        (S::Triaged | S::Coordinating | S::PublicationScheduled, A::Close(_)) => S::Closed,
        (S::Closed, A::Reopen) => S::Triaged,
        (S::Triaged, A::Publish | A::SchedulePublication) => {
            return Err(TransitionError(Refusal::InviteVendorsFirst));
        }
        (S::Published, _) => return Err(TransitionError(Refusal::CasePublishedFinal)),
        (S::Closed, _) => return Err(TransitionError(Refusal::CaseClosedReopenFirst)),
        (state, action) => return Err(TransitionError(Refusal::NotPossible { action, state })),
    };
    Ok(next)
}

/// The five VEX justifications of `not_affected` (CSAF 2.0 flags, OpenVEX, CISA's VEX minimum
/// requirements).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VexJustification {
    ComponentNotPresent,
    VulnerableCodeNotPresent,
    VulnerableCodeNotInExecutePath,
    VulnerableCodeCannotBeControlledByAdversary,
    InlineMitigationsAlreadyExist,
}

impl VexJustification {
    pub const ALL: [VexJustification; 5] = [
        VexJustification::ComponentNotPresent,
        VexJustification::VulnerableCodeNotPresent,
        VexJustification::VulnerableCodeNotInExecutePath,
        VexJustification::VulnerableCodeCannotBeControlledByAdversary,
        VexJustification::InlineMitigationsAlreadyExist,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            VexJustification::ComponentNotPresent => "component_not_present",
            VexJustification::VulnerableCodeNotPresent => "vulnerable_code_not_present",
            VexJustification::VulnerableCodeNotInExecutePath => "vulnerable_code_not_in_execute_path",
            VexJustification::VulnerableCodeCannotBeControlledByAdversary => {
                "vulnerable_code_cannot_be_controlled_by_adversary"
            }
            VexJustification::InlineMitigationsAlreadyExist => "inline_mitigations_already_exist",
        }
    }
}

impl FromStr for VexJustification {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|j| j.as_str() == s).ok_or_else(|| {
            ValidationError::refused("justification", Refusal::NotAJustification { value: s.to_owned() })
        })
    }
}

/// A vendor's statement about one product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProductStatus {
    UnderInvestigation,
    Affected,
    NotAffected(VexJustification),
    Fixed { fixed_version: String },
}

impl ProductStatus {
    pub fn name(&self) -> &'static str {
        match self {
            ProductStatus::UnderInvestigation => "under_investigation",
            ProductStatus::Affected => "affected",
            ProductStatus::NotAffected(_) => "not_affected",
            ProductStatus::Fixed { .. } => "fixed",
        }
    }

    /// Reads a status as clients send it: `not_affected` needs a justification, `fixed` a
    /// fixing version; a field that does not belong to the status is an error too.
    pub fn parse(
        status: &str,
        justification: Option<&str>,
        fixed_version: Option<&str>,
    ) -> Result<Self, ValidationError> {
        let justification = justification.map(str::trim).filter(|j| !j.is_empty());
        let fixed_version = fixed_version.map(str::trim).filter(|v| !v.is_empty());
        let parsed = match status {
            "under_investigation" => ProductStatus::UnderInvestigation,
            "affected" => ProductStatus::Affected,
            "not_affected" => ProductStatus::NotAffected(
                justification
                    .ok_or_else(|| ValidationError::refused("justification", Refusal::JustificationRequired))?
                    .parse()?,
            ),
            "fixed" => {
                let v = fixed_version.ok_or_else(|| {
                    ValidationError::refused("fixed_version", Refusal::FixedVersionRequired)
                })?;
                if v.chars().count() > 100 {
                    return Err(ValidationError::refused("fixed_version", Refusal::TooLong { max: 100 }));
                }
                ProductStatus::Fixed { fixed_version: v.to_owned() }
            }
            other => {
                return Err(ValidationError::refused(
                    "status",
                    Refusal::NotAProductStatus { value: other.to_owned() },
                ));
            }
        };
        if justification.is_some() && !matches!(parsed, ProductStatus::NotAffected(_)) {
            return Err(ValidationError::refused("justification", Refusal::JustificationOnlyForNotAffected));
        }
        if fixed_version.is_some() && !matches!(parsed, ProductStatus::Fixed { .. }) {
            return Err(ValidationError::refused("fixed_version", Refusal::FixedVersionOnlyForFixed));
        }
        Ok(parsed)
    }

    pub fn justification(&self) -> Option<VexJustification> {
        match self {
            ProductStatus::NotAffected(j) => Some(*j),
            _ => None,
        }
    }

    pub fn fixed_version(&self) -> Option<&str> {
        match self {
            ProductStatus::Fixed { fixed_version } => Some(fixed_version),
            _ => None,
        }
    }

    /// Whether the vendor has concluded (the statement can go into an advisory as is).
    pub fn is_final(&self) -> bool {
        !matches!(self, ProductStatus::UnderInvestigation)
    }
}

/// A product name as vendors write it in a URL path segment: 1–100 characters, no control
/// characters, no `/`.
pub fn check_product_name(name: &str) -> Result<String, ValidationError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ValidationError::refused("product", Refusal::ProductNameLength));
    }
    if name.chars().any(|c| c.is_control() || c == '/') {
        return Err(ValidationError::refused("product", Refusal::ProductNameCharacters));
    }
    Ok(name.to_owned())
}

/// The default embargo deadline, counted from the report.
pub const DEFAULT_EMBARGO_DAYS: i64 = 90;

/// The deadline of a case reported at `reported_at` under a policy of `days`.
pub fn embargo_deadline(reported_at: Timestamp, days: i64) -> Timestamp {
    reported_at.saturating_add(SignedDuration::from_hours(24 * days)).unwrap_or(reported_at)
}

/// Why a publication may go ahead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicationBasis {
    /// The agreed public date has come.
    AgreedDateReached,
    /// Before the date, with every invited vendor's consent.
    AllVendorsConsented,
    /// Before the date, on the coordinator's written reason.
    CoordinatorOverride(String),
}

impl PublicationBasis {
    pub fn as_str(&self) -> &'static str {
        match self {
            PublicationBasis::AgreedDateReached => "agreed_date_reached",
            PublicationBasis::AllVendorsConsented => "all_vendors_consented",
            PublicationBasis::CoordinatorOverride(_) => "coordinator_override",
        }
    }
}

/// Whether a case may be published at `now`: on or after the agreed public date (the deadline
/// when none was agreed), or earlier with the consent of every invited vendor, or earlier on a
/// coordinator's written reason. Otherwise the error names the vendors still to consent.
pub fn publication_basis(
    now: Timestamp,
    public_date: Timestamp,
    vendors: &[(OrganizationId, bool)],
    override_reason: Option<&str>,
) -> Result<PublicationBasis, Vec<OrganizationId>> {
    if now >= public_date {
        return Ok(PublicationBasis::AgreedDateReached);
    }
    let missing: Vec<OrganizationId> =
        vendors.iter().filter(|(_, consented)| !consented).map(|(v, _)| *v).collect();
    if missing.is_empty() && !vendors.is_empty() {
        return Ok(PublicationBasis::AllVendorsConsented);
    }
    match override_reason.map(str::trim).filter(|r| !r.is_empty()) {
        Some(reason) => Ok(PublicationBasis::CoordinatorOverride(reason.to_owned())),
        None => Err(missing),
    }
}

/// A case's local id, `ACCORD-YYYY-NNNN` (the number has at least four digits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocalCaseId {
    pub year: i16,
    pub number: u32,
}

impl fmt::Display for LocalCaseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ACCORD-{:04}-{:04}", self.year, self.number)
    }
}

impl FromStr for LocalCaseId {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || {
            ValidationError::new("id", format!("{:?} is not an ACCORD-YYYY-NNNN id", crate::ids::truncate(s)))
        };
        let rest = s.strip_prefix("ACCORD-").ok_or_else(bad)?;
        let (year, number) = rest.split_once('-').ok_or_else(bad)?;
        if year.len() != 4
            || number.len() < 4
            || !year.bytes().chain(number.bytes()).all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let id = LocalCaseId {
            year: year.parse().map_err(|_| bad())?,
            number: number.parse().map_err(|_| bad())?,
        };
        if id.number == 0 || (number.len() > 4 && number.starts_with('0')) {
            return Err(bad());
        }
        Ok(id)
    }
}

/// Largest attachment accepted, in bytes.
pub const ATTACHMENT_MAX: usize = 5 * 1024 * 1024;

/// Declared types that say nothing about the file: browsers send `application/octet-stream`
/// (or no type at all) for files whose extension they do not know.
fn is_generic_type(declared: &str) -> bool {
    matches!(declared, "" | "application/octet-stream" | "binary/octet-stream")
}

/// The media types an attachment may have, recognised by their content: PDF, PNG, JPEG, ZIP
/// archives, and UTF-8 text (plain or JSON). A specific declared type must agree with the
/// content; a generic one (`application/octet-stream`, or none) takes the type found in the
/// content, which is what is stored.
pub fn check_attachment(declared: &str, bytes: &[u8]) -> Result<&'static str, ValidationError> {
    if bytes.is_empty() {
        return Err(ValidationError::refused("file", Refusal::FileEmpty));
    }
    if bytes.len() > ATTACHMENT_MAX {
        return Err(ValidationError::refused("file", Refusal::FileTooLarge { max: ATTACHMENT_MAX }));
    }
    let sniffed = if bytes.starts_with(b"%PDF-") {
        "application/pdf"
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else if bytes.starts_with(b"PK\x03\x04") {
        "application/zip"
    } else if std::str::from_utf8(bytes).is_ok_and(|t| !t.contains('\0')) {
        "text/plain"
    } else {
        return Err(ValidationError::refused("file", Refusal::FileType));
    };
    let declared = declared.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if is_generic_type(&declared) {
        return Ok(sniffed);
    }
    let agrees = declared == sniffed
        || (sniffed == "text/plain"
            && matches!(declared.as_str(), "application/json" | "text/x-log" | "text/csv"))
        || (sniffed == "application/zip" && declared == "application/x-zip-compressed");
    if !agrees {
        return Err(ValidationError::refused(
            "content-type",
            Refusal::FileTypeMismatch { declared, sniffed },
        ));
    }
    Ok(if sniffed == "text/plain" && declared == "application/json" { "application/json" } else { sniffed })
}

/// OSV credit types.
pub const CREDIT_TYPES: [&str; 10] = [
    "FINDER",
    "REPORTER",
    "ANALYST",
    "COORDINATOR",
    "REMEDIATION_DEVELOPER",
    "REMEDIATION_REVIEWER",
    "REMEDIATION_VERIFIER",
    "TOOL",
    "SPONSOR",
    "OTHER",
];
/// OSV reference types.
pub const REFERENCE_TYPES: [&str; 10] = [
    "ADVISORY",
    "ARTICLE",
    "DETECTION",
    "DISCUSSION",
    "REPORT",
    "FIX",
    "INTRODUCED",
    "PACKAGE",
    "EVIDENCE",
    "WEB",
];

/// An attachment's file name: 1–200 characters, no path separators or control characters.
pub fn check_file_name(name: &str) -> Result<String, ValidationError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ValidationError::refused("filename", Refusal::FileNameLength));
    }
    if name.chars().any(|c| c.is_control() || c == '/' || c == '\\') || name == "." || name == ".." {
        return Err(ValidationError::refused("filename", Refusal::FileNameCharacters));
    }
    Ok(name.to_owned())
}
