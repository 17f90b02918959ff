//! Why a request was refused, as a stable key with its parameters.
//!
//! Use cases refuse with a [`Refusal`] (a conflict, a permission, or the reason of a
//! [`crate::ValidationError`]) rather than with a sentence: `Display` gives the English text
//! that the JSON API sends, and the web pages render the same refusal in the visitor's language
//! from its key and parameters. Parameters are typed (a case state, a date, a CVSS error), so a
//! page can put each in its own words too. [`Refusal::Text`] carries a sentence that has no key
//! of its own (parts outside coordinated disclosure); it is shown as is.

use std::fmt;

use jiff::Timestamp;

pub use accord_cvss::CvssError;

use crate::OrganizationId;
use crate::cvd::{CaseAction, CaseState, ReportStatus, VexJustification};

/// A refusal: its key is the variant, its parameters the variant's fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A sentence without a key (shown as is, in English).
    Text(String),

    // Who may act.
    CoordinatorOnly,
    VendorOrCoordinatorOnly,
    StatementsByUser,
    VendorItselfConsents,

    // Reports and case states.
    AlreadyTriaged {
        status: ReportStatus,
    },
    ReportIs {
        status: ReportStatus,
    },
    AcceptByOpeningCase,
    InviteVendorsFirst,
    CasePublishedFinal,
    CaseClosedReopenFirst,
    NotPossible {
        action: CaseAction,
        state: CaseState,
    },
    CaseIs {
        state: CaseState,
    },
    UsePublishOrInvite,
    NoThreadYet,
    StatementsFrozen {
        state: CaseState,
    },
    EarlierDateNeedsConsent,
    /// Publication before the agreed date without every vendor's consent or a reason.
    EarlyPublication {
        public_date: Timestamp,
        missing: Vec<OrganizationId>,
    },
    TooManyAttachments {
        max: usize,
    },

    // Field values.
    Required,
    TooLong {
        max: usize,
    },
    ControlCharacters,
    Cvss(accord_cvss::CvssError),
    CvssWrongVersion {
        given: accord_cvss::Version,
        expected: accord_cvss::Version,
    },
    NotACveId {
        id: String,
    },
    TooManyIds {
        max: usize,
    },
    JustificationRequired,
    NotAJustification {
        value: String,
    },
    FixedVersionRequired,
    NotAProductStatus {
        value: String,
    },
    JustificationOnlyForNotAffected,
    FixedVersionOnlyForFixed,
    ProductNameLength,
    ProductNameCharacters,
    NotACloseReason {
        value: String,
    },
    NotAThread,
    NoSuchOrganization,
    NoSuchCase,
    NotACaseId,
    DuplicateNeedsCase,
    FileEmpty,
    FileTooLarge {
        max: usize,
    },
    FileType,
    FileTypeMismatch {
        declared: String,
        sniffed: &'static str,
    },
    FileNameLength,
    FileNameCharacters,
    TooManyCreditsOrReferences {
        max: usize,
    },
    NotACreditType {
        value: String,
    },
    NotAReferenceType {
        value: String,
    },
    NotAnHttpUrl {
        url: String,
    },
}

impl Refusal {
    /// The stable key of the refusal (the variant), such as `case_is`.
    pub fn key(&self) -> &'static str {
        use Refusal as R;
        match self {
            R::Text(_) => "text",
            R::CoordinatorOnly => "coordinator_only",
            R::VendorOrCoordinatorOnly => "vendor_or_coordinator_only",
            R::StatementsByUser => "statements_by_user",
            R::VendorItselfConsents => "vendor_itself_consents",
            R::AlreadyTriaged { .. } => "already_triaged",
            R::ReportIs { .. } => "report_is",
            R::AcceptByOpeningCase => "accept_by_opening_case",
            R::InviteVendorsFirst => "invite_vendors_first",
            R::CasePublishedFinal => "case_published_final",
            R::CaseClosedReopenFirst => "case_closed_reopen_first",
            R::NotPossible { .. } => "not_possible",
            R::CaseIs { .. } => "case_is",
            R::UsePublishOrInvite => "use_publish_or_invite",
            R::NoThreadYet => "no_thread_yet",
            R::StatementsFrozen { .. } => "statements_frozen",
            R::EarlierDateNeedsConsent => "earlier_date_needs_consent",
            R::EarlyPublication { .. } => "early_publication",
            R::TooManyAttachments { .. } => "too_many_attachments",
            R::Required => "required",
            R::TooLong { .. } => "too_long",
            R::ControlCharacters => "control_characters",
            R::Cvss(_) => "cvss",
            R::CvssWrongVersion { .. } => "cvss_wrong_version",
            R::NotACveId { .. } => "not_a_cve_id",
            R::TooManyIds { .. } => "too_many_ids",
            R::JustificationRequired => "justification_required",
            R::NotAJustification { .. } => "not_a_justification",
            R::FixedVersionRequired => "fixed_version_required",
            R::NotAProductStatus { .. } => "not_a_product_status",
            R::JustificationOnlyForNotAffected => "justification_only_for_not_affected",
            R::FixedVersionOnlyForFixed => "fixed_version_only_for_fixed",
            R::ProductNameLength => "product_name_length",
            R::ProductNameCharacters => "product_name_characters",
            R::NotACloseReason { .. } => "not_a_close_reason",
            R::NotAThread => "not_a_thread",
            R::NoSuchOrganization => "no_such_organization",
            R::NoSuchCase => "no_such_case",
            R::NotACaseId => "not_a_case_id",
            R::DuplicateNeedsCase => "duplicate_needs_case",
            R::FileEmpty => "file_empty",
            R::FileTooLarge { .. } => "file_too_large",
            R::FileType => "file_type",
            R::FileTypeMismatch { .. } => "file_type_mismatch",
            R::FileNameLength => "file_name_length",
            R::FileNameCharacters => "file_name_characters",
            R::TooManyCreditsOrReferences { .. } => "too_many_credits_or_references",
            R::NotACreditType { .. } => "not_a_credit_type",
            R::NotAReferenceType { .. } => "not_a_reference_type",
            R::NotAnHttpUrl { .. } => "not_an_http_url",
        }
    }
}

/// The English text (what the JSON API sends).
impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Refusal as R;
        match self {
            R::Text(text) => f.write_str(text),
            R::CoordinatorOnly => f.write_str("only a coordinator can do this"),
            R::VendorOrCoordinatorOnly => f.write_str("only that vendor or a coordinator can do this"),
            R::StatementsByUser => f.write_str("statements are made by a user"),
            R::VendorItselfConsents => f.write_str("only the vendor itself can consent"),
            R::AlreadyTriaged { status } => {
                write!(f, "the report is already {}; triage decides once", status.as_str())
            }
            R::ReportIs { status } => write!(f, "the report is {}", status.as_str()),
            R::AcceptByOpeningCase => f.write_str("a report is accepted by opening a case"),
            R::InviteVendorsFirst => f.write_str("invite the affected vendors first"),
            R::CasePublishedFinal => f.write_str("the case is published: that is final"),
            R::CaseClosedReopenFirst => f.write_str("the case is closed; reopen it first"),
            R::NotPossible { action, state } => write!(f, "{action:?} is not possible in a {state} case"),
            R::CaseIs { state } => write!(f, "the case is {state}"),
            R::UsePublishOrInvite => f.write_str("use publish or invite a vendor"),
            R::NoThreadYet => f.write_str("the report is not a case (yet): there is no thread"),
            R::StatementsFrozen { state } => write!(f, "statements cannot change in a {state} case"),
            R::EarlierDateNeedsConsent => f.write_str(
                "an earlier public date needs every vendor's consent; or publish early with a written reason",
            ),
            R::EarlyPublication { public_date, missing } => {
                let missing = if missing.is_empty() {
                    "no vendor is invited".to_owned()
                } else {
                    missing.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
                };
                write!(
                    f,
                    "the agreed public date is {}: publishing earlier needs every vendor's consent (missing: {missing}) or a written reason",
                    crate::time::format_timestamp(*public_date)
                )
            }
            R::TooManyAttachments { max } => write!(f, "a report has at most {max} attachments"),
            R::Required => f.write_str("is required"),
            R::TooLong { max } => write!(f, "is longer than {max} characters"),
            R::ControlCharacters => f.write_str("contains control characters"),
            R::Cvss(e) => write!(f, "{e}"),
            R::CvssWrongVersion { given, expected } => {
                write!(f, "is a CVSS {given} vector; this field takes CVSS {expected}")
            }
            R::NotACveId { id } => write!(f, "{id:?} is not a CVE id (CVE-YYYY-NNNN)"),
            R::TooManyIds { max } => write!(f, "more than {max} ids"),
            R::JustificationRequired => f.write_str("is required for not_affected"),
            R::NotAJustification { value } => write!(
                f,
                "{value:?} is not a VEX justification ({})",
                VexJustification::ALL.map(|j| j.as_str()).join(", ")
            ),
            R::FixedVersionRequired => f.write_str("is required for fixed"),
            R::NotAProductStatus { value } => write!(
                f,
                "{value:?} is not a product status (under_investigation, affected, not_affected, fixed)"
            ),
            R::JustificationOnlyForNotAffected => f.write_str("only not_affected has a justification"),
            R::FixedVersionOnlyForFixed => f.write_str("only fixed has a fixed version"),
            R::ProductNameLength => f.write_str("must be 1 to 100 characters"),
            R::ProductNameCharacters => f.write_str("must not contain control characters or '/'"),
            R::NotACloseReason { value } => {
                write!(f, "{value:?} is not a close reason (invalid, withdrawn, transferred)")
            }
            R::NotAThread => f.write_str("is `case` or a vendor organization's id"),
            R::NoSuchOrganization => f.write_str("no such organization"),
            R::NoSuchCase => f.write_str("no such case"),
            R::NotACaseId => f.write_str("is not a case id"),
            R::DuplicateNeedsCase => f.write_str("is required for a duplicate"),
            R::FileEmpty => f.write_str("is empty"),
            R::FileTooLarge { max } => write!(f, "is larger than {max} bytes"),
            R::FileType => f.write_str("is not a PDF, PNG, JPEG, ZIP or UTF-8 text file"),
            R::FileTypeMismatch { declared, sniffed } => {
                write!(f, "{declared:?} does not match the file's content ({sniffed})")
            }
            R::FileNameLength => f.write_str("must be 1 to 200 characters"),
            R::FileNameCharacters => f.write_str("must not contain path separators or control characters"),
            R::TooManyCreditsOrReferences { max } => {
                write!(f, "at most {max} credits and {max} references")
            }
            R::NotACreditType { value } => {
                write!(f, "{value:?} is not a credit type ({})", crate::cvd::CREDIT_TYPES.join(", "))
            }
            R::NotAReferenceType { value } => {
                write!(f, "{value:?} is not a reference type ({})", crate::cvd::REFERENCE_TYPES.join(", "))
            }
            R::NotAnHttpUrl { url } => write!(f, "{url:?} is not an http(s) URL"),
        }
    }
}

impl From<String> for Refusal {
    fn from(text: String) -> Self {
        Refusal::Text(text)
    }
}

impl From<&str> for Refusal {
    fn from(text: &str) -> Self {
        Refusal::Text(text.to_owned())
    }
}
