//! Coordinated vulnerability disclosure: reports, cases, vendors, statuses, embargo and
//! publication.
//!
//! Confidentiality: before publication a case exists only for its participants —
//! coordinators and administrators, members of invited vendor organisations, and the finder
//! (by account or follow-up link). Everyone else gets "not found", on every path. Confidential
//! text is sealed before it reaches the store (`accord_model::seal`), under a key kept outside
//! the database.

use accord_model::cvd::{
    self, CaseAction, CaseActor, CaseState, CloseReason, ProductStatus, PublicationBasis, ReportStatus,
};
use accord_model::cvd::{CREDIT_TYPES, REFERENCE_TYPES};
use accord_model::seal::SealingKey;
use accord_model::{ApiToken, CaseId, OrganizationId, Refusal, ReportId, Role, UserId, ValidationError};
use accord_store::RegistryWrite;
use accord_store::cvd::{CaseEventRecord, CaseReader, CaseRecord, CvdWrite, ReportRecord};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::{App, AppError, Caller, random};

/// Size limits of reports and case texts, in characters (lists: in entries). The web forms
/// show and check the same numbers.
pub mod limits {
    pub const TITLE: usize = 200;
    pub const TEXT: usize = 20_000;
    pub const LIST: usize = 50;
    pub const VERSIONS: usize = 1_000;
    pub const CONTACT: usize = 320;
    pub const CREDIT: usize = 200;
}

use limits::{LIST as LIST_MAX, TEXT as TEXT_MAX, TITLE as TITLE_MAX};

/// What a finder sends.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewReport {
    pub title: String,
    pub description: String,
    /// The organisations whose products are affected, by id.
    #[serde(default)]
    pub vendors: Vec<OrganizationId>,
    #[serde(default)]
    pub products: Vec<String>,
    #[serde(default)]
    pub versions: Option<String>,
    #[serde(default)]
    pub impact: Option<String>,
    #[serde(default)]
    pub steps_to_reproduce: Option<String>,
    /// How to reach the finder (an e-mail address, say).
    #[serde(default)]
    pub contact: Option<String>,
    /// How the finder wants to be credited; `None` or empty: not credited.
    #[serde(default)]
    pub credit: Option<String>,
    /// When the finder would like the vulnerability to be public.
    #[serde(default)]
    pub preferred_disclosure_date: Option<Timestamp>,
}

/// A report's content, as sealed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ReportContent {
    pub title: String,
    pub description: String,
    pub vendors: Vec<OrganizationId>,
    pub products: Vec<String>,
    pub versions: Option<String>,
    pub impact: Option<String>,
    pub steps_to_reproduce: Option<String>,
    pub contact: Option<String>,
    pub credit: Option<String>,
    pub preferred_disclosure_date: Option<Timestamp>,
}

fn text(field: &'static str, value: &str, max: usize) -> Result<String, ValidationError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(ValidationError::refused(field, Refusal::Required));
    }
    if v.chars().count() > max {
        return Err(ValidationError::refused(field, Refusal::TooLong { max }));
    }
    if v.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err(ValidationError::refused(field, Refusal::ControlCharacters));
    }
    Ok(v.to_owned())
}

fn optional(
    field: &'static str,
    value: Option<String>,
    max: usize,
) -> Result<Option<String>, ValidationError> {
    value.filter(|v| !v.trim().is_empty()).map(|v| text(field, &v, max)).transpose()
}

impl NewReport {
    fn check(self) -> Result<ReportContent, ValidationError> {
        if self.vendors.len() > LIST_MAX {
            return Err(ValidationError::new("vendors", format!("names more than {LIST_MAX} organizations")));
        }
        if self.products.len() > LIST_MAX {
            return Err(ValidationError::new("products", format!("names more than {LIST_MAX} products")));
        }
        let mut vendors = self.vendors;
        vendors.sort();
        vendors.dedup();
        Ok(ReportContent {
            title: text("title", &self.title, TITLE_MAX)?,
            description: text("description", &self.description, TEXT_MAX)?,
            vendors,
            products: self.products.iter().map(|p| cvd::check_product_name(p)).collect::<Result<_, _>>()?,
            versions: optional("versions", self.versions, limits::VERSIONS)?,
            impact: optional("impact", self.impact, TEXT_MAX)?,
            steps_to_reproduce: optional("steps_to_reproduce", self.steps_to_reproduce, TEXT_MAX)?,
            contact: optional("contact", self.contact, limits::CONTACT)?,
            credit: optional("credit", self.credit, limits::CREDIT)?,
            preferred_disclosure_date: self.preferred_disclosure_date,
        })
    }
}

/// A report as a coordinator or its finder sees it.
#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    pub id: ReportId,
    pub received_at: Timestamp,
    pub status: ReportStatus,
    #[serde(flatten)]
    pub content: ReportContent,
    pub decided_at: Option<Timestamp>,
    pub decision: Option<String>,
    pub case_id: Option<CaseId>,
}

/// A vendor of a case, with its statements.
#[derive(Debug, Clone, Serialize)]
pub struct VendorView {
    pub organization_id: OrganizationId,
    pub name: String,
    pub invited_at: Timestamp,
    pub consented_at: Option<Timestamp>,
    pub products: Vec<ProductView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProductView {
    pub product: String,
    pub status: String,
    pub justification: Option<String>,
    pub fixed_version: Option<String>,
    pub remediation: Option<String>,
    pub updated_at: Timestamp,
}

/// A case as one of its participants (or, once published, anyone) sees it.
#[derive(Debug, Clone, Serialize)]
pub struct CaseView {
    pub id: CaseId,
    pub local_id: String,
    pub report_id: ReportId,
    pub state: CaseState,
    pub close_reason: Option<CloseReason>,
    pub created_at: Timestamp,
    pub reported_at: Timestamp,
    pub embargo_deadline: Timestamp,
    /// The agreed public date.
    pub embargo_until: Timestamp,
    /// The deadline passed without publication: the coordinator decides.
    pub deadline_passed: bool,
    pub published_at: Option<Timestamp>,
    pub publication_basis: Option<String>,
    pub title: String,
    pub description: String,
    pub products: Vec<String>,
    pub versions: Option<String>,
    pub impact: Option<String>,
    pub steps_to_reproduce: Option<String>,
    pub credit: Option<String>,
    pub cvss_v31: Option<String>,
    pub cvss_v40: Option<String>,
    /// The vectors with their computed scores.
    pub scores: Vec<ScoreView>,
    pub cve_ids: Vec<String>,
    /// Credits and references prepared for the advisory.
    pub credits: Vec<Credit>,
    pub references: Vec<Reference>,
    pub vendors: Vec<VendorView>,
    /// How the caller takes part: `coordinator`, `vendor`, `finder` or `public`.
    pub role: &'static str,
}

/// A message of a case thread, opened.
#[derive(Debug, Clone, Serialize)]
pub struct MessageView {
    pub seq: i64,
    pub thread: String,
    pub at: Timestamp,
    pub author: String,
    pub author_name: String,
    pub body: String,
}

/// An attachment as listed.
#[derive(Debug, Clone, Serialize)]
pub struct AttachmentView {
    pub id: String,
    pub name: String,
    pub media_type: String,
    pub size: i64,
    pub at: Timestamp,
    pub author: String,
}

/// Most attachments per report.
const ATTACHMENTS_MAX: usize = 20;

/// A case thread: `case` for every participant (the finder included), or a vendor
/// organisation's private thread with the coordinators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Thread {
    Case,
    Vendor(OrganizationId),
}

impl Thread {
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        if s == "case" {
            return Ok(Thread::Case);
        }
        s.parse().map(Thread::Vendor).map_err(|_| ValidationError::refused("thread", Refusal::NotAThread))
    }

    fn key(self) -> String {
        match self {
            Thread::Case => "case".to_owned(),
            Thread::Vendor(o) => o.to_string(),
        }
    }
}

fn aad_message(id: CaseId, thread: Thread) -> String {
    format!("case:{id}:thread:{}", thread.key())
}

/// Someone the advisory credits, with an OSV credit type.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Credit {
    pub name: String,
    #[serde(rename = "type", default = "other_credit")]
    pub kind: String,
}

fn other_credit() -> String {
    "OTHER".into()
}

/// A link the advisory lists, with an OSV reference type.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub url: String,
    #[serde(rename = "type", default = "web_reference")]
    pub kind: String,
}

fn web_reference() -> String {
    "WEB".into()
}

/// The credits and references prepared for a case's advisory.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(deny_unknown_fields)]
pub struct AdvisoryDetails {
    #[serde(default)]
    pub credits: Vec<Credit>,
    #[serde(default)]
    pub references: Vec<Reference>,
}

impl AdvisoryDetails {
    /// Names 1–200 characters; credit and reference types from OSV's lists; URLs `http(s)://`
    /// without spaces, at most 2,000 characters; at most 50 of each.
    fn check(self) -> Result<Self, ValidationError> {
        if self.credits.len() > LIST_MAX || self.references.len() > LIST_MAX {
            return Err(ValidationError::refused(
                "credits",
                Refusal::TooManyCreditsOrReferences { max: LIST_MAX },
            ));
        }
        let mut credits = Vec::new();
        for c in self.credits {
            let kind = c.kind.to_ascii_uppercase();
            if !CREDIT_TYPES.contains(&kind.as_str()) {
                return Err(ValidationError::refused("credits", Refusal::NotACreditType { value: c.kind }));
            }
            credits.push(Credit { name: text("credits", &c.name, 200)?, kind });
        }
        let mut references = Vec::new();
        for r in self.references {
            let kind = r.kind.to_ascii_uppercase();
            if !REFERENCE_TYPES.contains(&kind.as_str()) {
                return Err(ValidationError::refused(
                    "references",
                    Refusal::NotAReferenceType { value: r.kind },
                ));
            }
            let url = r.url.trim();
            let scheme_ok = url
                .strip_prefix("https://")
                .or_else(|| url.strip_prefix("http://"))
                .is_some_and(|rest| !rest.is_empty());
            if !scheme_ok || url.len() > 2000 || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(ValidationError::refused(
                    "references",
                    Refusal::NotAnHttpUrl { url: crate::cvd::truncate(url) },
                ));
            }
            references.push(Reference { url: url.to_owned(), kind });
        }
        Ok(Self { credits, references })
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(80).collect()
}

/// A CVSS vector and its score.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreView {
    pub version: String,
    pub vector: String,
    /// The score of the vector as given (base, threat and environmental metrics).
    pub score: f64,
    pub base_score: f64,
    pub severity: String,
}

fn score_view(vector: &str) -> Option<ScoreView> {
    let c = accord_cvss::Cvss::parse(vector).ok()?;
    Some(ScoreView {
        version: c.version().to_string(),
        vector: c.to_string(),
        score: c.score(),
        base_score: c.base_score(),
        severity: c.severity().to_string().to_ascii_lowercase(),
    })
}

/// A vector of the version the field is for, normalised.
fn check_vector(
    field: &'static str,
    vector: &str,
    version: accord_cvss::Version,
) -> Result<String, ValidationError> {
    let c = accord_cvss::Cvss::parse(vector.trim())
        .map_err(|e| ValidationError::refused(field, Refusal::Cvss(e)))?;
    if c.version() != version {
        return Err(ValidationError::refused(
            field,
            Refusal::CvssWrongVersion { given: c.version(), expected: version },
        ));
    }
    Ok(c.to_string())
}

/// `CVE-YYYY-NNNN…`: four digits of year, four or more of number.
fn check_cve(id: &str) -> Result<String, ValidationError> {
    let ok = id.strip_prefix("CVE-").and_then(|r| r.split_once('-')).is_some_and(|(y, n)| {
        y.len() == 4
            && n.len() >= 4
            && n.len() <= 19
            && y.bytes().chain(n.bytes()).all(|b| b.is_ascii_digit())
    });
    if ok {
        Ok(id.to_owned())
    } else {
        Err(ValidationError::refused("cve_ids", Refusal::NotACveId { id: id.to_owned() }))
    }
}

/// One entry of a case's history, opened.
#[derive(Debug, Clone, Serialize)]
pub struct CaseEventView {
    pub seq: i64,
    pub at: Timestamp,
    pub actor: String,
    pub action: String,
    pub detail: Value,
}

/// How a caller takes part in a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Coordinator,
    Vendor(OrganizationId),
    Finder,
    Public,
}

impl Part {
    fn name(self) -> &'static str {
        match self {
            Part::Coordinator => "coordinator",
            Part::Vendor(_) => "vendor",
            Part::Finder => "finder",
            Part::Public => "public",
        }
    }
}

/// What a finder is told by e-mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FinderEvent {
    Accepted,
    Rejected,
    Duplicate,
    /// Someone else wrote in the case thread (which the finder reads).
    Message,
    Published,
}

/// Published and closed cases take no more changes.
fn ensure_open(case: &CaseRecord) -> Result<(), AppError> {
    if matches!(case.state, CaseState::Published | CaseState::Closed) {
        return Err(AppError::Conflict(Refusal::CaseIs { state: case.state }));
    }
    Ok(())
}

fn is_coordinator(caller: &Caller) -> bool {
    caller.is_operator_or(Role::Coordinator) || caller.is_operator_or(Role::Admin)
}

fn coordinator_only(caller: &Caller) -> Result<(), AppError> {
    match caller {
        Caller::Anonymous => Err(AppError::Unauthenticated),
        _ if is_coordinator(caller) => Ok(()),
        _ => Err(AppError::Forbidden(Refusal::CoordinatorOnly)),
    }
}

/// Who acted, for the case history.
fn actor_name(caller: &Caller) -> String {
    match caller {
        Caller::User(u) => format!("user:{}", u.id),
        Caller::Operator => "operator".into(),
        Caller::Anonymous => "finder".into(),
    }
}

fn aad_report(id: ReportId) -> String {
    format!("report:{id}")
}
fn aad_decision(id: ReportId) -> String {
    format!("report:{id}:decision")
}
fn aad_case(id: CaseId) -> String {
    format!("case:{id}")
}
fn aad_event(id: CaseId) -> String {
    format!("case:{id}:event")
}
fn aad_advisory(id: CaseId) -> String {
    format!("case:{id}:advisory")
}
fn aad_commitment(id: CaseId) -> String {
    format!("case:{id}:log-commitment")
}
fn aad_remediation(id: CaseId, org: OrganizationId, product: &str) -> String {
    format!("case:{id}:remediation:{org}:{product}")
}

impl App {
    /// Whether confidential case text can be sealed (a key is configured).
    pub fn has_sealing_key(&self) -> bool {
        self.sealing_key.is_some()
    }

    fn sealing_key(&self) -> Result<&SealingKey, AppError> {
        self.sealing_key
            .as_deref()
            .ok_or_else(|| AppError::Internal("no case sealing key is configured".into()))
    }

    fn seal(&self, aad: &str, plain: &str) -> Result<String, AppError> {
        Ok(self.sealing_key()?.seal(random::bytes::<24>()?, aad, plain))
    }

    fn unseal(&self, aad: &str, sealed: &str) -> Result<String, AppError> {
        self.sealing_key()?.open(aad, sealed).map_err(|_| {
            AppError::Internal(format!("sealed data of {aad} does not open with the configured key"))
        })
    }

    fn event(
        &self,
        case_id: CaseId,
        at: Timestamp,
        caller: &Caller,
        action: &str,
        detail: Value,
    ) -> Result<RegistryWrite, AppError> {
        Ok(RegistryWrite::Cvd(CvdWrite::RecordEvent {
            case_id,
            at,
            actor: actor_name(caller),
            action: action.to_owned(),
            detail_sealed: self.seal(&aad_event(case_id), &detail.to_string())?,
        }))
    }

    /// The notifications of a case event for its participants: each vendor organisation's webhook
    /// and security contact (`to`: the vendors concerned; `None`: every invited vendor) and the
    /// coordinators' e-mail. They carry no confidential text — the outbox is not sealed — only
    /// the case's local id, the event and where to read it. (The finder's e-mail, whose address
    /// is confidential, is [`App::finder_event_notice`].)
    async fn case_notices(
        &self,
        case: &CaseRecord,
        action: &str,
        to: Option<&[OrganizationId]>,
        coordinators: bool,
        now: Timestamp,
    ) -> Result<Vec<RegistryWrite>, AppError> {
        use accord_store::outbox::NotificationRecipient;
        let vendors: Vec<OrganizationId> = match to {
            Some(list) => list.to_vec(),
            None => case.vendors.iter().map(|v| v.organization_id).collect(),
        };
        let mut recipients = Vec::new();
        for org in vendors {
            recipients.push(NotificationRecipient::OrganizationWebhook(org));
            if self.outbox.email
                && let Some(address) = self
                    .store
                    .organization(org)
                    .await?
                    .and_then(|o| o.security_contact)
                    .and_then(|c| c.as_str().parse::<accord_model::Email>().ok())
            {
                recipients.push(NotificationRecipient::Email(address));
            }
        }
        if coordinators && self.outbox.email {
            for u in self.store.users(None).await? {
                if u.role == Role::Coordinator && !u.email.as_str().ends_with(".invalid") {
                    recipients.push(NotificationRecipient::Email(u.email.clone()));
                }
            }
        }
        if recipients.is_empty() {
            return Ok(Vec::new());
        }
        let local = case.local_id.to_string();
        let subject = format!("[{local}] {}", action.replace('_', " "));
        let data = json!({ "case_id": case.id, "local_id": local, "event": action, "link": format!("/cases/{}", case.id) });
        let text = format!(
            "Case {local}: {}.\n\nSign in to read it: /cases/{}\n\nThis notice carries no case details on purpose.\n",
            action.replace('_', " "),
            case.id
        );
        crate::notifications::notices(&format!("case.{action}"), now, &subject, &data, &text, recipients)
    }

    /// Commits a case change together with its notices to the participants (one transaction),
    /// then wakes the outbox.
    #[allow(clippy::too_many_arguments)]
    async fn commit_with_notices(
        &self,
        caller: &Caller,
        mut writes: Vec<RegistryWrite>,
        case: &CaseRecord,
        action: &str,
        to: Option<&[OrganizationId]>,
        coordinators: bool,
        now: Timestamp,
    ) -> Result<Vec<String>, AppError> {
        writes.extend(self.case_notices(case, action, to, coordinators, now).await?);
        let receipts = self.commit(&caller.audit_name(), writes).await?;
        self.wake_outbox();
        Ok(receipts)
    }

    /// The e-mail telling a finder what happened to their report, at the contact they gave
    /// (see [`App::finder_notice`]: only to an e-mail address, sealed in the outbox). It says
    /// what happened and the report's id, and sends them to the follow-up link they hold:
    /// never the report's text, and never the link itself (only its digest is kept).
    fn finder_event_notice(
        &self,
        contact: Option<&str>,
        report: ReportId,
        event: FinderEvent,
        now: Timestamp,
    ) -> Result<Option<RegistryWrite>, AppError> {
        let (name, what) = match event {
            FinderEvent::Accepted => (
                "accepted",
                "was accepted: a coordinator opened a case for it and will bring in the affected vendors",
            ),
            FinderEvent::Rejected => ("rejected", "was not accepted; the coordinator gave a reason"),
            FinderEvent::Duplicate => {
                ("duplicate", "was marked as a duplicate of a case that is already being coordinated")
            }
            FinderEvent::Message => ("message", "has a new message in its case thread"),
            FinderEvent::Published => ("published", "has been published as an advisory"),
        };
        let subject = format!("Your vulnerability report {report}: {}", name.replace('_', " "));
        let text = format!(
            "Hello,\n\n\
             Your vulnerability report {report} {what}.\n\n\
             To read more, open the follow-up link you were given when you sent the report (or, \
             if you reported with an account, sign in and open your cases).\n\n\
             This notice carries no details of the report on purpose, and never the follow-up \
             link: keep it safe, it is the only key to your report.\n"
        );
        let data = json!({ "report_id": report, "event": name });
        self.finder_notice(contact, &format!("report.{name}"), now, &subject, &data, &text)
    }

    /// The contact the finder of a case gave with their report.
    fn case_contact(&self, case: &CaseRecord) -> Result<Option<String>, AppError> {
        let content: ReportContent = serde_json::from_str(&self.unseal(&aad_case(case.id), &case.sealed)?)
            .map_err(|e| AppError::Internal(format!("case {}: {e}", case.id)))?;
        Ok(content.contact)
    }

    /// A finder's report, with or without an account. Returns its id and the secret follow-up
    /// token (shown once; kept only as a digest).
    pub async fn submit_report(
        &self,
        caller: &Caller,
        report: NewReport,
        now: Timestamp,
    ) -> Result<(ReportId, ApiToken), AppError> {
        let content = report.check()?;
        for v in &content.vendors {
            if self.store.organization(*v).await?.is_none() {
                return Err(ValidationError::new(
                    "vendors",
                    format!("{v} is not an organization of this server"),
                )
                .into());
            }
        }
        let id = ReportId::from_uuid(uuid::Builder::from_random_bytes(random::bytes::<16>()?).into_uuid());
        let token = ApiToken::from_random(random::bytes::<32>()?);
        let sealed = self.seal(
            &aad_report(id),
            &serde_json::to_string(&content).map_err(|e| AppError::Internal(e.to_string()))?,
        )?;
        let write = CvdWrite::SubmitReport {
            id,
            at: now,
            reporter_user: caller.user().map(|u| u.id),
            followup: token.digest(),
            sealed,
        };
        self.commit(&caller.audit_name(), vec![RegistryWrite::Cvd(write)]).await?;
        Ok((id, token))
    }

    fn report_view(&self, r: &ReportRecord) -> Result<ReportView, AppError> {
        let content: ReportContent = serde_json::from_str(&self.unseal(&aad_report(r.id), &r.sealed)?)
            .map_err(|e| AppError::Internal(format!("report {}: {e}", r.id)))?;
        let decision =
            r.decision_sealed.as_deref().map(|d| self.unseal(&aad_decision(r.id), d)).transpose()?;
        Ok(ReportView {
            id: r.id,
            received_at: r.received_at,
            status: r.status,
            content,
            decided_at: r.decided_at,
            decision,
            case_id: r.case_id,
        })
    }

    /// Reports for triage (coordinators), oldest first.
    pub async fn reports(
        &self,
        caller: &Caller,
        status: Option<ReportStatus>,
    ) -> Result<Vec<ReportView>, AppError> {
        coordinator_only(caller)?;
        self.store.cvd_reports(status).await?.iter().map(|r| self.report_view(r)).collect()
    }

    /// One report: for coordinators, and for the finder who sent it with an account.
    pub async fn report(&self, caller: &Caller, id: &str) -> Result<ReportView, AppError> {
        let id: ReportId = id.parse().map_err(|_| AppError::NotFound("report"))?;
        let r = self.store.cvd_report(id).await?.ok_or(AppError::NotFound("report"))?;
        let finder = r.reporter_user.is_some() && r.reporter_user == caller.user().map(|u| u.id);
        if !is_coordinator(caller) && !finder {
            return Err(AppError::NotFound("report"));
        }
        self.report_view(&r)
    }

    /// What the holder of a follow-up link sees: their report, and its case if it became one.
    pub async fn followup(
        &self,
        token: &str,
        now: Timestamp,
    ) -> Result<(ReportView, Option<CaseView>), AppError> {
        let r = self.followup_report(token).await?;
        let view = self.report_view(&r)?;
        let case = match (r.status, r.case_id) {
            (ReportStatus::Accepted, Some(case_id)) => match self.store.cvd_case(case_id).await? {
                Some(case) => Some(self.case_view(&case, Part::Finder, now).await?),
                None => None,
            },
            _ => None,
        };
        Ok((view, case))
    }

    /// Rejects a received report with a reason, or marks it a duplicate of a case.
    pub async fn decide_report(
        &self,
        caller: &Caller,
        id: &str,
        decision: ReportStatus,
        reason: Option<&str>,
        duplicate_of: Option<&str>,
        now: Timestamp,
    ) -> Result<ReportView, AppError> {
        coordinator_only(caller)?;
        let id: ReportId = id.parse().map_err(|_| AppError::NotFound("report"))?;
        let r = self.store.cvd_report(id).await?.ok_or(AppError::NotFound("report"))?;
        r.status.triage(decision).map_err(|e| AppError::Conflict(e.0))?;
        let (reason, duplicate_of) = match decision {
            ReportStatus::Rejected => (Some(text("reason", reason.unwrap_or_default(), TEXT_MAX)?), None),
            ReportStatus::Duplicate => {
                let of: CaseId = duplicate_of
                    .ok_or_else(|| ValidationError::refused("case_id", Refusal::DuplicateNeedsCase))?
                    .parse()
                    .map_err(|_| ValidationError::refused("case_id", Refusal::NotACaseId))?;
                if self.store.cvd_case(of).await?.is_none() {
                    return Err(ValidationError::refused("case_id", Refusal::NoSuchCase).into());
                }
                (reason.map(|r| text("reason", r, TEXT_MAX)).transpose()?, Some(of))
            }
            _ => return Err(AppError::Conflict(Refusal::AcceptByOpeningCase)),
        };
        let decision_sealed = reason.map(|r| self.seal(&aad_decision(id), &r)).transpose()?;
        let contact = self.report_view(&r)?.content.contact;
        let event =
            if decision == ReportStatus::Rejected { FinderEvent::Rejected } else { FinderEvent::Duplicate };
        let mut writes = vec![RegistryWrite::Cvd(CvdWrite::DecideReport {
            id,
            status: decision,
            at: now,
            decision_sealed,
            duplicate_of,
        })];
        if let Some(case_id) = duplicate_of {
            writes.push(self.event(
                case_id,
                now,
                caller,
                "duplicate_reported",
                json!({ "report_id": id }),
            )?);
        }
        writes.extend(self.finder_event_notice(contact.as_deref(), id, event, now)?);
        self.commit(&caller.audit_name(), writes).await?;
        self.wake_outbox();
        self.report(caller, &id.to_string()).await
    }

    /// Accepts a received report into a new case (coordinators). The embargo deadline is the
    /// configured number of days after the report; the agreed public date starts there.
    pub async fn open_case(
        &self,
        caller: &Caller,
        report_id: &str,
        now: Timestamp,
    ) -> Result<CaseView, AppError> {
        Ok(self.open_case_logged(caller, report_id, now).await?.0)
    }

    /// [`App::open_case`], with the receipt of the log entry of the embargo it opens: a
    /// commitment to the case's summary (SHA-256 of a random salt and the summary), whose
    /// salt and summary are kept sealed until publication reveals them.
    pub async fn open_case_logged(
        &self,
        caller: &Caller,
        report_id: &str,
        now: Timestamp,
    ) -> Result<(CaseView, Option<String>), AppError> {
        let embargo_days = self.embargo_days;
        coordinator_only(caller)?;
        let report_id: ReportId =
            report_id.parse().map_err(|_| ValidationError::new("report_id", "is not a report id"))?;
        let r = self.store.cvd_report(report_id).await?.ok_or(AppError::NotFound("report"))?;
        r.status.triage(ReportStatus::Accepted).map_err(|e| AppError::Conflict(e.0))?;
        let content = self.unseal(&aad_report(r.id), &r.sealed)?;
        let id = CaseId::from_uuid(uuid::Builder::from_random_bytes(random::bytes::<16>()?).into_uuid());
        let deadline = cvd::embargo_deadline(r.received_at, embargo_days);
        let report = serde_json::from_str::<ReportContent>(&content)
            .map_err(|e| AppError::Internal(format!("report {}: {e}", r.id)))?;
        let contact = report.contact;
        let salt = random::bytes::<32>()?;
        let commitment = crate::log::embargo_commitment(&salt, &report.title);
        let kept = json!({ "salt": hex::encode(salt), "summary": report.title }).to_string();
        let mut writes = vec![
            RegistryWrite::Cvd(CvdWrite::OpenCase {
                id,
                report_id,
                at: now,
                embargo_deadline: deadline,
                sealed: self.seal(&aad_case(id), &content)?,
            }),
            self.event(id, r.received_at, &Caller::Anonymous, "reported", json!({ "report_id": report_id }))?,
            self.event(id, now, caller, "accepted", json!({ "embargo_deadline": deadline }))?,
            crate::log::append(&json!({
                "type": "accord/embargo-opened/v1",
                "case_id": id,
                "public_date": deadline,
                "embargo_deadline": deadline,
                "commitment": commitment,
                "at": now,
            })),
            RegistryWrite::Log(accord_store::log::LogWrite::KeepCommitment {
                case_id: id,
                sealed: self.seal(&aad_commitment(id), &kept)?,
            }),
        ];
        writes.extend(self.finder_event_notice(contact.as_deref(), report_id, FinderEvent::Accepted, now)?);
        let receipts = self.commit(&caller.audit_name(), writes).await?;
        self.wake_outbox();
        Ok((self.case(caller, &id.to_string(), now).await?, receipts.into_iter().next()))
    }

    /// How the caller takes part in a case, if at all.
    async fn part(&self, caller: &Caller, case: &CaseRecord) -> Result<Option<Part>, AppError> {
        if is_coordinator(caller) {
            return Ok(Some(Part::Coordinator));
        }
        if let Some(u) = caller.user() {
            if let Some(org) = u.organization_id
                && case.vendors.iter().any(|v| v.organization_id == org)
            {
                return Ok(Some(Part::Vendor(org)));
            }
            let report = self.store.cvd_report(case.report_id).await?;
            if report.and_then(|r| r.reporter_user) == Some(u.id) {
                return Ok(Some(Part::Finder));
            }
        }
        Ok(case.state.is_public().then_some(Part::Public))
    }

    /// A case the caller takes part in (or a published one), else "not found".
    async fn visible_case(&self, caller: &Caller, id: &str) -> Result<(CaseRecord, Part), AppError> {
        let id: CaseId = id.parse().map_err(|_| AppError::NotFound("case"))?;
        let case = self.store.cvd_case(id).await?.ok_or(AppError::NotFound("case"))?;
        match self.part(caller, &case).await? {
            Some(part) => Ok((case, part)),
            None => Err(AppError::NotFound("case")),
        }
    }

    async fn case_view(&self, case: &CaseRecord, part: Part, now: Timestamp) -> Result<CaseView, AppError> {
        let content: ReportContent = serde_json::from_str(&self.unseal(&aad_case(case.id), &case.sealed)?)
            .map_err(|e| AppError::Internal(format!("case {}: {e}", case.id)))?;
        let mut vendors = Vec::new();
        for v in &case.vendors {
            let name = v.name.clone();
            let products = case
                .statuses
                .iter()
                .filter(|s| s.organization_id == v.organization_id)
                .map(|s| {
                    Ok(ProductView {
                        product: s.product.clone(),
                        status: s.status.clone(),
                        justification: s.justification.clone(),
                        fixed_version: s.fixed_version.clone(),
                        remediation: s
                            .remediation_sealed
                            .as_deref()
                            .map(|r| self.unseal(&aad_remediation(case.id, v.organization_id, &s.product), r))
                            .transpose()?,
                        updated_at: s.updated_at,
                    })
                })
                .collect::<Result<Vec<_>, AppError>>()?;
            vendors.push(VendorView {
                organization_id: v.organization_id,
                name,
                invited_at: v.invited_at,
                consented_at: v.consented_at,
                products,
            });
        }
        let finder_details = matches!(part, Part::Coordinator | Part::Finder);
        let details: AdvisoryDetails = match &case.advisory_sealed {
            Some(sealed) => serde_json::from_str(&self.unseal(&aad_advisory(case.id), sealed)?)
                .map_err(|e| AppError::Internal(format!("case {}: {e}", case.id)))?,
            None => AdvisoryDetails::default(),
        };
        Ok(CaseView {
            id: case.id,
            local_id: case.local_id.to_string(),
            report_id: case.report_id,
            state: case.state,
            close_reason: case.close_reason,
            created_at: case.created_at,
            reported_at: case.reported_at,
            embargo_deadline: case.embargo_deadline,
            embargo_until: case.public_date,
            deadline_passed: !case.state.is_public()
                && case.state != CaseState::Closed
                && now > case.embargo_deadline,
            published_at: case.published_at,
            publication_basis: case.publication_basis.clone(),
            title: content.title,
            description: content.description,
            products: content.products,
            versions: content.versions,
            impact: content.impact,
            steps_to_reproduce: if part == Part::Public { None } else { content.steps_to_reproduce },
            credit: if finder_details || case.state.is_public() { content.credit } else { None },
            cvss_v31: case.cvss_v31.clone(),
            cvss_v40: case.cvss_v40.clone(),
            scores: case.cvss_v31.iter().chain(case.cvss_v40.iter()).filter_map(|v| score_view(v)).collect(),
            cve_ids: case.cve_ids.clone(),
            credits: details.credits,
            references: details.references,
            vendors,
            role: part.name(),
        })
    }

    /// One case, for its participants (anyone once published); "not found" for the others.
    pub async fn case(&self, caller: &Caller, id: &str, now: Timestamp) -> Result<CaseView, AppError> {
        let (case, part) = self.visible_case(caller, id).await?;
        self.case_view(&case, part, now).await
    }

    /// The cases the caller takes part in, and published ones, newest first.
    pub async fn cases(&self, caller: &Caller, now: Timestamp) -> Result<Vec<CaseView>, AppError> {
        let reader = CaseReader {
            all: is_coordinator(caller),
            organization: caller.user().and_then(|u| u.organization_id),
            reporter: caller.user().map(|u| u.id),
            published: true,
        };
        let mut views = Vec::new();
        for case in self.store.cvd_cases(reader).await? {
            if let Some(part) = self.part(caller, &case).await? {
                views.push(self.case_view(&case, part, now).await?);
            }
        }
        Ok(views)
    }

    /// A case's history, for its participants.
    pub async fn case_history(&self, caller: &Caller, id: &str) -> Result<Vec<CaseEventView>, AppError> {
        let (case, part) = self.visible_case(caller, id).await?;
        if part == Part::Public {
            return Err(AppError::NotFound("case"));
        }
        self.store
            .cvd_case_events(case.id)
            .await?
            .into_iter()
            .map(|e: CaseEventRecord| {
                let detail = serde_json::from_str(&self.unseal(&aad_event(case.id), &e.detail_sealed)?)
                    .unwrap_or(Value::Null);
                Ok(CaseEventView { seq: e.seq, at: e.at, actor: e.actor, action: e.action, detail })
            })
            .collect()
    }

    /// The names of the users who acted in a case's history (`user:ID` → name), so its
    /// participants read who did what. Other actors (`finder`, `operator`) are left out.
    pub async fn actor_names(
        &self,
        events: &[CaseEventView],
    ) -> Result<std::collections::BTreeMap<String, String>, AppError> {
        let mut names = std::collections::BTreeMap::new();
        for e in events {
            if names.contains_key(&e.actor) {
                continue;
            }
            let Some(id) = e.actor.strip_prefix("user:").and_then(|i| i.parse::<UserId>().ok()) else {
                continue;
            };
            if let Some(u) = self.store.user(id).await? {
                names.insert(e.actor.clone(), u.name);
            }
        }
        Ok(names)
    }

    /// A coordinator's state change, checked by the model and applied as compare-and-set.
    fn transition(case: &CaseRecord, action: CaseAction) -> Result<CaseState, AppError> {
        cvd::transition(case.state, CaseActor::Coordinator, action).map_err(|e| AppError::Conflict(e.0))
    }

    /// Invites an organisation to a case as a vendor (coordinators). The first invitation
    /// starts coordination.
    pub async fn invite_vendor(
        &self,
        caller: &Caller,
        id: &str,
        organization: OrganizationId,
        now: Timestamp,
    ) -> Result<CaseView, AppError> {
        coordinator_only(caller)?;
        let (case, _) = self.visible_case(caller, id).await?;
        if self.store.organization(organization).await?.is_none() {
            return Err(ValidationError::refused("organization_id", Refusal::NoSuchOrganization).into());
        }
        let to = Self::transition(&case, CaseAction::StartCoordination)?;
        let mut writes = vec![RegistryWrite::Cvd(CvdWrite::InviteVendor {
            case_id: case.id,
            organization_id: organization,
            at: now,
        })];
        if to != case.state {
            writes.push(RegistryWrite::Cvd(CvdWrite::SetCaseState {
                id: case.id,
                from: case.state,
                to,
                close_reason: None,
            }));
        }
        writes.push(self.event(
            case.id,
            now,
            caller,
            "vendor_invited",
            json!({ "organization_id": organization }),
        )?);
        self.commit_with_notices(caller, writes, &case, "vendor_invited", Some(&[organization]), false, now)
            .await?;
        self.case(caller, id, now).await
    }

    /// Invites a vendor that is not an organisation of the server yet (coordinators): it is
    /// added as a `not_invited` organisation with `contact` as its security contact (which the
    /// case notification goes to), or found by its domain when it exists.
    pub async fn invite_new_vendor(
        &self,
        caller: &Caller,
        id: &str,
        name: &str,
        domain: &str,
        contact: &str,
        now: Timestamp,
    ) -> Result<CaseView, AppError> {
        coordinator_only(caller)?;
        self.visible_case(caller, id).await?;
        let contact: accord_model::SecurityContact = contact.parse()?;
        let new = accord_model::NewOrganization::new(
            name,
            domain,
            accord_model::OrganizationKind::Vendor,
            Some(contact),
        )?;
        let existing = self.store.organizations(None).await?.into_iter().find(|o| o.domain == new.domain);
        let organization = match existing {
            Some(o) => o.id,
            None => {
                let org = accord_model::Organization {
                    id: OrganizationId::from_uuid(
                        uuid::Builder::from_random_bytes(random::bytes::<16>()?).into_uuid(),
                    ),
                    name: new.name,
                    domain: new.domain,
                    kind: new.kind,
                    status: accord_model::OrganizationStatus::NotInvited,
                    security_contact: new.security_contact,
                    signed_at: None,
                    signed_version: None,
                    invited_at: None,
                    withdrawn_at: None,
                    created_at: now,
                };
                self.commit(&caller.audit_name(), vec![RegistryWrite::CreateOrganization(org.clone())])
                    .await?;
                org.id
            }
        };
        self.invite_vendor(caller, id, organization, now).await
    }

    /// The vendor whose statement the caller may set: a member of that invited organisation, or
    /// a coordinator on its behalf.
    async fn vendor_part(
        &self,
        caller: &Caller,
        id: &str,
        organization: &str,
    ) -> Result<(CaseRecord, OrganizationId, bool), AppError> {
        let (case, part) = self.visible_case(caller, id).await?;
        let org: OrganizationId =
            organization.parse().map_err(|_| AppError::NotFound("vendor of the case"))?;
        let invited = case.vendors.iter().any(|v| v.organization_id == org);
        match part {
            Part::Coordinator if invited => Ok((case, org, true)),
            Part::Vendor(own) if own == org => Ok((case, org, false)),
            Part::Vendor(_) | Part::Finder => Err(AppError::Forbidden(Refusal::VendorOrCoordinatorOnly)),
            Part::Public => Err(AppError::NotFound("case")),
            Part::Coordinator => Err(AppError::NotFound("vendor of the case")),
        }
    }

    /// CVSS v3.1 and v4.0 vectors and CVE ids of a case (coordinators); each replaces what
    /// was there (`None`: none).
    pub async fn set_scores(
        &self,
        caller: &Caller,
        id: &str,
        cvss_v31: Option<&str>,
        cvss_v40: Option<&str>,
        cve_ids: &[String],
        now: Timestamp,
    ) -> Result<CaseView, AppError> {
        coordinator_only(caller)?;
        let (case, _) = self.visible_case(caller, id).await?;
        ensure_open(&case)?;
        let v31 = cvss_v31
            .filter(|v| !v.trim().is_empty())
            .map(|v| check_vector("cvss_v31", v, accord_cvss::Version::V3_1))
            .transpose()?;
        let v40 = cvss_v40
            .filter(|v| !v.trim().is_empty())
            .map(|v| check_vector("cvss_v40", v, accord_cvss::Version::V4_0))
            .transpose()?;
        if cve_ids.len() > LIST_MAX {
            return Err(ValidationError::refused("cve_ids", Refusal::TooManyIds { max: LIST_MAX }).into());
        }
        let mut cves = cve_ids.iter().map(|c| check_cve(c.trim())).collect::<Result<Vec<_>, _>>()?;
        cves.sort();
        cves.dedup();
        let detail = json!({ "cvss_v31": v31, "cvss_v40": v40, "cve_ids": cves });
        let writes = vec![
            RegistryWrite::Cvd(CvdWrite::SetScores {
                case_id: case.id,
                cvss_v31: v31,
                cvss_v40: v40,
                cve_ids: cves,
            }),
            self.event(case.id, now, caller, "scores_set", detail)?,
        ];
        self.commit(&caller.audit_name(), writes).await?;
        self.case(caller, id, now).await
    }

    /// The credits and references of a case's advisory (coordinators); replaces them.
    pub async fn set_advisory_details(
        &self,
        caller: &Caller,
        id: &str,
        details: AdvisoryDetails,
        now: Timestamp,
    ) -> Result<CaseView, AppError> {
        coordinator_only(caller)?;
        let (case, _) = self.visible_case(caller, id).await?;
        ensure_open(&case)?;
        let details = details.check()?;
        let json = serde_json::to_string(&details).map_err(|e| AppError::Internal(e.to_string()))?;
        let writes = vec![
            RegistryWrite::Cvd(CvdWrite::SetAdvisoryDetails {
                case_id: case.id,
                sealed: self.seal(&aad_advisory(case.id), &json)?,
            }),
            self.event(
                case.id,
                now,
                caller,
                "advisory_details_set",
                json!({ "credits": details.credits.len(), "references": details.references.len() }),
            )?,
        ];
        self.commit(&caller.audit_name(), writes).await?;
        self.case(caller, id, now).await
    }

    /// A vendor's statement about one of its products.
    #[allow(clippy::too_many_arguments)]
    pub async fn set_product_status(
        &self,
        caller: &Caller,
        id: &str,
        organization: &str,
        product: &str,
        status: &str,
        justification: Option<&str>,
        fixed_version: Option<&str>,
        remediation: Option<&str>,
        now: Timestamp,
    ) -> Result<CaseView, AppError> {
        let (case, org, on_behalf) = self.vendor_part(caller, id, organization).await?;
        if !matches!(case.state, CaseState::Coordinating | CaseState::PublicationScheduled) {
            return Err(AppError::Conflict(Refusal::StatementsFrozen { state: case.state }));
        }
        let Some(user) = caller.user() else {
            return Err(AppError::Forbidden(Refusal::StatementsByUser));
        };
        let product = cvd::check_product_name(product)?;
        let status = ProductStatus::parse(status, justification, fixed_version)?;
        let remediation = remediation
            .filter(|r| !r.trim().is_empty())
            .map(|r| text("remediation", r, TEXT_MAX))
            .transpose()?;
        let remediation_sealed = remediation
            .as_deref()
            .map(|r| self.seal(&aad_remediation(case.id, org, &product), r))
            .transpose()?;
        let detail = json!({
            "organization_id": org, "product": product, "status": status.name(),
            "justification": status.justification().map(|j| j.as_str()),
            "fixed_version": status.fixed_version(), "on_behalf_of_vendor": on_behalf,
        });
        let writes = vec![
            RegistryWrite::Cvd(CvdWrite::SetProductStatus {
                case_id: case.id,
                organization_id: org,
                product,
                status,
                remediation_sealed,
                at: now,
                by: user.id,
            }),
            self.event(case.id, now, caller, "status_set", detail)?,
        ];
        self.commit_with_notices(caller, writes, &case, "status_set", Some(&[]), true, now).await?;
        self.case(caller, id, now).await
    }

    /// A vendor's consent to publication before the agreed date.
    pub async fn consent_to_publication(
        &self,
        caller: &Caller,
        id: &str,
        organization: &str,
        now: Timestamp,
    ) -> Result<CaseView, AppError> {
        let (case, org, on_behalf) = self.vendor_part(caller, id, organization).await?;
        if on_behalf {
            return Err(AppError::Forbidden(Refusal::VendorItselfConsents));
        }
        if case.state.is_public() || case.state == CaseState::Closed {
            return Err(AppError::Conflict(Refusal::CaseIs { state: case.state }));
        }
        let writes = vec![
            RegistryWrite::Cvd(CvdWrite::ConsentToPublication {
                case_id: case.id,
                organization_id: org,
                at: now,
            }),
            self.event(case.id, now, caller, "consented_to_publication", json!({ "organization_id": org }))?,
        ];
        self.commit_with_notices(caller, writes, &case, "consented_to_publication", Some(&[]), true, now)
            .await?;
        self.case(caller, id, now).await
    }

    /// Moves the agreed public date (coordinators), with a reason. A later date than the
    /// deadline is an extension; an earlier date than the agreed one needs every vendor's
    /// consent (otherwise publish early with a written reason).
    pub async fn set_embargo(
        &self,
        caller: &Caller,
        id: &str,
        public_date: Timestamp,
        reason: &str,
        now: Timestamp,
    ) -> Result<CaseView, AppError> {
        Ok(self.set_embargo_logged(caller, id, public_date, reason, now).await?.0)
    }

    /// [`App::set_embargo`], with the receipt of the change's log entry.
    pub async fn set_embargo_logged(
        &self,
        caller: &Caller,
        id: &str,
        public_date: Timestamp,
        reason: &str,
        now: Timestamp,
    ) -> Result<(CaseView, Option<String>), AppError> {
        coordinator_only(caller)?;
        let (case, _) = self.visible_case(caller, id).await?;
        let reason = text("reason", reason, TEXT_MAX)?;
        ensure_open(&case)?;
        if public_date < case.public_date
            && (case.vendors.is_empty() || case.vendors.iter().any(|v| v.consented_at.is_none()))
        {
            return Err(AppError::Conflict(Refusal::EarlierDateNeedsConsent));
        }
        let action = if public_date > case.embargo_deadline { "embargo_extended" } else { "embargo_changed" };
        let writes = vec![
            RegistryWrite::Cvd(CvdWrite::SetPublicDate { case_id: case.id, public_date }),
            self.event(
                case.id,
                now,
                caller,
                action,
                json!({ "from": case.public_date, "to": public_date, "reason": reason }),
            )?,
            crate::log::append(&json!({
                "type": "accord/embargo-changed/v1",
                "case_id": case.id,
                "previous_public_date": case.public_date,
                "public_date": public_date,
                "reason": reason,
                "at": now,
            })),
        ];
        let receipts = self.commit_with_notices(caller, writes, &case, action, None, true, now).await?;
        Ok((self.case(caller, id, now).await?, receipts.into_iter().next()))
    }

    /// A coordinator's change of state: schedule or unschedule publication, close with a
    /// reason, reopen.
    pub async fn change_case_state(
        &self,
        caller: &Caller,
        id: &str,
        action: CaseAction,
        note: Option<&str>,
        now: Timestamp,
    ) -> Result<CaseView, AppError> {
        Ok(self.change_case_state_logged(caller, id, action, note, now).await?.0)
    }

    /// [`App::change_case_state`], with the receipt of its log entry when it has one: closing a
    /// case ends its embargo without publication (`accord/embargo-closed/v1`: the commitment
    /// logged when it opened will not be revealed), reopening it resumes the embargo
    /// (`accord/embargo-reopened/v1`). Neither entry says anything of the case's content, and
    /// the coordinator's note stays out of the log.
    pub async fn change_case_state_logged(
        &self,
        caller: &Caller,
        id: &str,
        action: CaseAction,
        note: Option<&str>,
        now: Timestamp,
    ) -> Result<(CaseView, Option<String>), AppError> {
        let (case, part) = self.visible_case(caller, id).await?;
        let actor = match part {
            Part::Coordinator => CaseActor::Coordinator,
            Part::Finder => CaseActor::Finder,
            Part::Vendor(o) => CaseActor::Vendor(o),
            Part::Public => return Err(AppError::NotFound("case")),
        };
        if matches!(action, CaseAction::Publish | CaseAction::StartCoordination) {
            return Err(AppError::Conflict(Refusal::UsePublishOrInvite));
        }
        let to = cvd::transition(case.state, actor, action).map_err(|e| match actor {
            CaseActor::Coordinator => AppError::Conflict(e.0),
            _ => AppError::Forbidden(Refusal::CoordinatorOnly),
        })?;
        let close_reason = match action {
            CaseAction::Close(r) => Some(r),
            _ => None,
        };
        let note = note.filter(|n| !n.trim().is_empty()).map(|n| text("note", n, TEXT_MAX)).transpose()?;
        let name = match action {
            CaseAction::SchedulePublication => "publication_scheduled",
            CaseAction::Unschedule => "publication_unscheduled",
            CaseAction::Close(_) => "closed",
            CaseAction::Reopen => "reopened",
            CaseAction::Publish | CaseAction::StartCoordination => unreachable!("refused above"),
        };
        let mut writes = vec![
            RegistryWrite::Cvd(CvdWrite::SetCaseState { id: case.id, from: case.state, to, close_reason }),
            self.event(case.id, now, caller, name, json!({ "from": case.state, "to": to, "reason": close_reason.map(|r| r.as_str()), "note": note }))?,
        ];
        match action {
            CaseAction::Close(reason) => writes.push(crate::log::append(&json!({
                "type": "accord/embargo-closed/v1",
                "case_id": case.id,
                "reason": reason.as_str(),
                "at": now,
            }))),
            CaseAction::Reopen => writes.push(crate::log::append(&json!({
                "type": "accord/embargo-reopened/v1",
                "case_id": case.id,
                "public_date": case.public_date,
                "at": now,
            }))),
            _ => {}
        }
        let receipts = self.commit_with_notices(caller, writes, &case, name, None, false, now).await?;
        Ok((self.case(caller, id, now).await?, receipts.into_iter().next()))
    }

    /// Publishes a case as an advisory (coordinators): on or after the agreed public date, or
    /// earlier with every invited vendor's consent or a written reason. Returns the advisory id.
    pub async fn publish_case(
        &self,
        caller: &Caller,
        id: &str,
        reason: Option<&str>,
        now: Timestamp,
    ) -> Result<String, AppError> {
        Ok(self.publish_case_logged(caller, id, reason, now).await?.0)
    }

    /// [`App::publish_case`], with the receipts of its log entries: the publication (with the
    /// SHA-256 of each exported document) first, then the override of the agreed date if
    /// there is one, then the embargo's lifting with the reveal of its commitment.
    pub async fn publish_case_logged(
        &self,
        caller: &Caller,
        id: &str,
        reason: Option<&str>,
        now: Timestamp,
    ) -> Result<(String, Vec<String>), AppError> {
        coordinator_only(caller)?;
        let (case, _) = self.visible_case(caller, id).await?;
        Self::transition(&case, CaseAction::Publish)?;
        let consents: Vec<(OrganizationId, bool)> =
            case.vendors.iter().map(|v| (v.organization_id, v.consented_at.is_some())).collect();
        let basis = cvd::publication_basis(now, case.public_date, &consents, reason).map_err(|missing| {
            AppError::Conflict(Refusal::EarlyPublication { public_date: case.public_date, missing })
        })?;
        let view = self.case_view(&case, Part::Coordinator, now).await?;
        let advisory_id = case.local_id.to_string();
        let document = advisory_document(&view, &advisory_id, now);
        let detail = match &basis {
            PublicationBasis::CoordinatorOverride(r) => json!({ "basis": basis.as_str(), "reason": r }),
            other => json!({ "basis": other.as_str() }),
        };
        let contact = self.case_contact(&case)?;
        let document_text = document.to_string();
        let mut entries = vec![json!({
            "type": "accord/advisory-published/v1",
            "advisory_id": advisory_id,
            "case_id": case.id,
            "basis": basis.as_str(),
            "documents": self.published_document_hashes(&advisory_id, &document_text)?,
            "at": now,
        })];
        if let PublicationBasis::CoordinatorOverride(r) = &basis {
            entries.push(json!({
                "type": "accord/publication-override/v1",
                "advisory_id": advisory_id,
                "case_id": case.id,
                "public_date": case.public_date,
                "reason": r,
                "at": now,
            }));
        }
        let reveal = match self.store.log_commitment(case.id).await? {
            Some(sealed) => serde_json::from_str::<Value>(&self.unseal(&aad_commitment(case.id), &sealed)?)
                .map_err(|e| AppError::Internal(format!("case {}: commitment: {e}", case.id)))?,
            None => json!({ "salt": null, "summary": null }),
        };
        entries.push(json!({
            "type": "accord/embargo-lifted/v1",
            "case_id": case.id,
            "advisory_id": advisory_id,
            "salt": reveal["salt"],
            "summary": reveal["summary"],
            "at": now,
        }));
        let mut writes = vec![
            RegistryWrite::Cvd(CvdWrite::Publish {
                case_id: case.id,
                from: case.state,
                at: now,
                basis: basis.as_str().to_owned(),
                advisory_id: advisory_id.clone(),
                document: document_text,
            }),
            self.event(case.id, now, caller, "published", detail)?,
        ];
        writes.extend(entries.iter().map(crate::log::append));
        writes.extend(self.finder_event_notice(
            contact.as_deref(),
            case.report_id,
            FinderEvent::Published,
            now,
        )?);
        let receipts = self.commit_with_notices(caller, writes, &case, "published", None, true, now).await?;
        Ok((advisory_id, receipts))
    }

    /// Whether a participant may use a thread: the case thread every participant; a vendor's
    /// thread that vendor and the coordinators. Not found otherwise, as for the case.
    fn may_use_thread(case: &CaseRecord, part: Part, thread: Thread) -> Result<(), AppError> {
        match (part, thread) {
            (Part::Public, _) => Err(AppError::NotFound("case")),
            (_, Thread::Case) => Ok(()),
            (Part::Coordinator, Thread::Vendor(o)) if case.vendors.iter().any(|v| v.organization_id == o) => {
                Ok(())
            }
            (Part::Vendor(own), Thread::Vendor(o)) if own == o => Ok(()),
            _ => Err(AppError::NotFound("thread")),
        }
    }

    async fn thread_messages(&self, case: &CaseRecord, thread: Thread) -> Result<Vec<MessageView>, AppError> {
        self.store
            .cvd_messages(case.id, &thread.key())
            .await?
            .into_iter()
            .map(|m| {
                Ok(MessageView {
                    seq: m.seq,
                    thread: m.thread,
                    at: m.at,
                    author: m.author,
                    author_name: m.author_name,
                    body: self.unseal(&aad_message(case.id, thread), &m.body_sealed)?,
                })
            })
            .collect()
    }

    /// Posts to a thread; `by_finder` when the finder writes (anyone else writing in the case
    /// thread is news for the finder).
    #[allow(clippy::too_many_arguments)]
    async fn post(
        &self,
        caller: &Caller,
        case: &CaseRecord,
        thread: Thread,
        author_name: String,
        body: &str,
        by_finder: bool,
        now: Timestamp,
    ) -> Result<MessageView, AppError> {
        if matches!(case.state, CaseState::Closed) {
            return Err(AppError::Conflict(Refusal::CaseIs { state: CaseState::Closed }));
        }
        let body = text("body", body, TEXT_MAX)?;
        let mut writes = vec![
            RegistryWrite::Cvd(CvdWrite::PostMessage {
                case_id: case.id,
                thread: thread.key(),
                at: now,
                author: actor_name(caller),
                author_name: author_name.clone(),
                body_sealed: self.seal(&aad_message(case.id, thread), &body)?,
            }),
            self.event(case.id, now, caller, "message_posted", json!({ "thread": thread.key() }))?,
        ];
        if thread == Thread::Case && !by_finder {
            let contact = self.case_contact(case)?;
            writes.extend(self.finder_event_notice(
                contact.as_deref(),
                case.report_id,
                FinderEvent::Message,
                now,
            )?);
        }
        // The case thread concerns every vendor; a vendor's thread that vendor only.
        let vendor: Vec<OrganizationId> = match thread {
            Thread::Case => Vec::new(),
            Thread::Vendor(o) => vec![o],
        };
        let to = (thread != Thread::Case).then_some(vendor.as_slice());
        self.commit_with_notices(caller, writes, case, "message_posted", to, true, now).await?;
        Ok(MessageView {
            seq: 0,
            thread: thread.key(),
            at: now,
            author: actor_name(caller),
            author_name,
            body,
        })
    }

    /// The messages of a thread of a case, for those who may use it.
    pub async fn messages(
        &self,
        caller: &Caller,
        id: &str,
        thread: &str,
    ) -> Result<Vec<MessageView>, AppError> {
        let (case, part) = self.visible_case(caller, id).await?;
        let thread = Thread::parse(thread)?;
        Self::may_use_thread(&case, part, thread)?;
        self.thread_messages(&case, thread).await
    }

    /// Posts to a thread of a case.
    pub async fn post_message(
        &self,
        caller: &Caller,
        id: &str,
        thread: &str,
        body: &str,
        now: Timestamp,
    ) -> Result<MessageView, AppError> {
        let (case, part) = self.visible_case(caller, id).await?;
        let thread = Thread::parse(thread)?;
        Self::may_use_thread(&case, part, thread)?;
        let name = caller.user().map(|u| u.name.clone()).unwrap_or_else(|| "operator".into());
        self.post(caller, &case, thread, name, body, part == Part::Finder, now).await
    }

    /// The report a follow-up token opens (found by selector, checked in constant time).
    async fn followup_report(&self, token: &str) -> Result<ReportRecord, AppError> {
        let presented = ApiToken::presented(token).ok_or(AppError::NotFound("report"))?;
        let digest = presented.digest();
        let (r, verifier) =
            self.store.cvd_report_by_followup(&digest.selector).await?.ok_or(AppError::NotFound("report"))?;
        if !digest.matches(&verifier) {
            return Err(AppError::NotFound("report"));
        }
        Ok(r)
    }

    /// The finder's side of the case thread, through the follow-up link.
    async fn followup_case(&self, token: &str) -> Result<CaseRecord, AppError> {
        let r = self.followup_report(token).await?;
        match (r.status, r.case_id) {
            (ReportStatus::Accepted, Some(case_id)) => {
                self.store.cvd_case(case_id).await?.ok_or(AppError::NotFound("case"))
            }
            _ => Err(AppError::Conflict(Refusal::NoThreadYet)),
        }
    }

    /// The case thread as the finder with the follow-up link reads it.
    pub async fn followup_messages(&self, token: &str) -> Result<Vec<MessageView>, AppError> {
        let case = self.followup_case(token).await?;
        self.thread_messages(&case, Thread::Case).await
    }

    /// The finder with the follow-up link answers in the case thread.
    pub async fn followup_post(
        &self,
        token: &str,
        body: &str,
        now: Timestamp,
    ) -> Result<MessageView, AppError> {
        let case = self.followup_case(token).await?;
        self.post(&Caller::Anonymous, &case, Thread::Case, "finder".into(), body, true, now).await
    }

    #[allow(clippy::too_many_arguments)]
    async fn attach(
        &self,
        caller: &Caller,
        report: ReportId,
        case: Option<CaseId>,
        name: &str,
        declared_type: &str,
        bytes: &[u8],
        now: Timestamp,
    ) -> Result<AttachmentView, AppError> {
        let name = cvd::check_file_name(name)?;
        let media_type = cvd::check_attachment(declared_type, bytes)?;
        if self.store.cvd_attachments(report).await?.len() >= ATTACHMENTS_MAX {
            return Err(AppError::Conflict(Refusal::TooManyAttachments { max: ATTACHMENTS_MAX }));
        }
        let id =
            uuid::Builder::from_random_bytes(random::bytes::<16>()?).into_uuid().hyphenated().to_string();
        let key = self.sealing_key()?;
        let aad = format!("attachment:{id}");
        let content_sealed = key.seal_bytes(random::bytes::<24>()?, &aad, bytes);
        let name_sealed = self.seal(&format!("{aad}:name"), &name)?;
        let mut writes = vec![RegistryWrite::Cvd(CvdWrite::AddAttachment {
            id: id.clone(),
            report_id: report,
            at: now,
            author: actor_name(caller),
            media_type: media_type.to_owned(),
            size: bytes.len() as i64,
            name_sealed,
            content_sealed,
        })];
        if let Some(case_id) = case {
            writes.push(self.event(
                case_id,
                now,
                caller,
                "file_attached",
                json!({ "attachment_id": id, "name": name }),
            )?);
        }
        self.commit(&caller.audit_name(), writes).await?;
        Ok(AttachmentView {
            id,
            name,
            media_type: media_type.to_owned(),
            size: bytes.len() as i64,
            at: now,
            author: actor_name(caller),
        })
    }

    fn attachment_view(&self, a: accord_store::cvd::AttachmentRecord) -> Result<AttachmentView, AppError> {
        Ok(AttachmentView {
            name: self.unseal(&format!("attachment:{}:name", a.id), &a.name_sealed)?,
            id: a.id,
            media_type: a.media_type,
            size: a.size,
            at: a.at,
            author: a.author,
        })
    }

    async fn attachment_list(&self, report: ReportId) -> Result<Vec<AttachmentView>, AppError> {
        self.store.cvd_attachments(report).await?.into_iter().map(|a| self.attachment_view(a)).collect()
    }

    async fn attachment_content(
        &self,
        report: ReportId,
        id: &str,
    ) -> Result<(AttachmentView, Vec<u8>), AppError> {
        let (a, sealed) =
            self.store.cvd_attachment(report, id).await?.ok_or(AppError::NotFound("attachment"))?;
        let aad = format!("attachment:{}", a.id);
        let bytes = self.sealing_key()?.open_bytes(&aad, &sealed).map_err(|_| {
            AppError::Internal(format!("sealed data of {aad} does not open with the configured key"))
        })?;
        let view = self.attachment_view(a)?;
        Ok((view, bytes))
    }

    /// Attaches a file to a case (its participants, before publication or closure).
    pub async fn attach_to_case(
        &self,
        caller: &Caller,
        id: &str,
        name: &str,
        media_type: &str,
        bytes: &[u8],
        now: Timestamp,
    ) -> Result<AttachmentView, AppError> {
        let (case, part) = self.visible_case(caller, id).await?;
        if part == Part::Public {
            return Err(AppError::NotFound("case"));
        }
        ensure_open(&case)?;
        self.attach(caller, case.report_id, Some(case.id), name, media_type, bytes, now).await
    }

    /// The attachments of a case, for its participants (not the public, even once published).
    pub async fn case_attachments(&self, caller: &Caller, id: &str) -> Result<Vec<AttachmentView>, AppError> {
        let (case, part) = self.visible_case(caller, id).await?;
        if part == Part::Public {
            return Err(AppError::NotFound("case"));
        }
        self.attachment_list(case.report_id).await
    }

    /// One attachment of a case, with its content, for its participants.
    pub async fn case_attachment(
        &self,
        caller: &Caller,
        id: &str,
        attachment: &str,
    ) -> Result<(AttachmentView, Vec<u8>), AppError> {
        let (case, part) = self.visible_case(caller, id).await?;
        if part == Part::Public {
            return Err(AppError::NotFound("case"));
        }
        self.attachment_content(case.report_id, attachment).await
    }

    /// The finder attaches a file through the follow-up link (before or after triage).
    pub async fn followup_attach(
        &self,
        token: &str,
        name: &str,
        media_type: &str,
        bytes: &[u8],
        now: Timestamp,
    ) -> Result<AttachmentView, AppError> {
        let r = self.followup_report(token).await?;
        if matches!(r.status, ReportStatus::Rejected | ReportStatus::Duplicate) {
            return Err(AppError::Conflict(Refusal::ReportIs { status: r.status }));
        }
        self.attach(&Caller::Anonymous, r.id, r.case_id, name, media_type, bytes, now).await
    }

    /// The attachments of the finder's report, through the follow-up link.
    pub async fn followup_attachments(&self, token: &str) -> Result<Vec<AttachmentView>, AppError> {
        let r = self.followup_report(token).await?;
        self.attachment_list(r.id).await
    }

    /// One of the finder's report's files, with its content, through the follow-up link.
    pub async fn followup_attachment(
        &self,
        token: &str,
        attachment: &str,
    ) -> Result<(AttachmentView, Vec<u8>), AppError> {
        let r = self.followup_report(token).await?;
        self.attachment_content(r.id, attachment).await
    }

    /// Attachments of a report for its triage (coordinators).
    pub async fn report_attachments(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<Vec<AttachmentView>, AppError> {
        let view = self.report(caller, id).await?;
        self.attachment_list(view.id).await
    }

    /// Reminders of coming public dates (7 days and 1 day before, to every vendor and the
    /// coordinators) and the flag of a passed deadline (to the coordinators), each recorded in
    /// the case history once per date. Run periodically by `accord serve`; returns how many
    /// events it recorded.
    pub async fn embargo_watch(&self, now: Timestamp) -> Result<usize, AppError> {
        let system = Caller::Operator;
        let mut recorded = 0;
        for case in self.store.cvd_cases(CaseReader { all: true, ..Default::default() }).await? {
            if matches!(case.state, CaseState::Published | CaseState::Closed) {
                continue;
            }
            let mut due: Vec<(&str, Timestamp, bool, bool)> = Vec::new();
            for (action, days) in [("embargo_reminder_7d", 7), ("embargo_reminder_1d", 1)] {
                let from = case.public_date - jiff::SignedDuration::from_hours(24 * days);
                if now >= from && now < case.public_date {
                    due.push((action, case.public_date, true, true));
                }
            }
            if now > case.embargo_deadline {
                due.push(("deadline_passed", case.embargo_deadline, false, true));
            }
            if due.is_empty() {
                continue;
            }
            let history = self.store.cvd_case_events(case.id).await?;
            for (action, date, vendors, coordinators) in due {
                let done = history.iter().filter(|e| e.action == action).any(|e| {
                    self.unseal(&aad_event(case.id), &e.detail_sealed)
                        .ok()
                        .and_then(|d| serde_json::from_str::<Value>(&d).ok())
                        .is_some_and(|d| d["date"] == json!(date))
                });
                if done {
                    continue;
                }
                let mut writes = vec![self.event(case.id, now, &system, action, json!({ "date": date }))?];
                let to: Option<&[OrganizationId]> = if vendors { None } else { Some(&[]) };
                writes.extend(self.case_notices(&case, action, to, coordinators, now).await?);
                self.commit("system", writes).await?;
                recorded += 1;
            }
        }
        if recorded > 0 {
            self.wake_outbox();
        }
        Ok(recorded)
    }

    /// A published advisory's document.
    pub async fn advisory_document(&self, id: &str) -> Result<Value, AppError> {
        let (_, document) = self.store.advisory(id).await?.ok_or(AppError::NotFound("advisory"))?;
        serde_json::from_str(&document).map_err(|e| AppError::Internal(e.to_string()))
    }
}

/// What publication records: the advisory's content, from the case and the vendors'
/// statements. The advisory formats (OSV, CSAF, CVE) are rendered from it.
fn advisory_document(case: &CaseView, id: &str, now: Timestamp) -> Value {
    let affected: Vec<Value> = case
        .vendors
        .iter()
        .flat_map(|v| {
            v.products.iter().map(move |p| {
                json!({
                    "vendor": v.name, "organization_id": v.organization_id, "product": p.product,
                    "status": p.status, "justification": p.justification, "fixed_version": p.fixed_version,
                    "remediation": p.remediation,
                })
            })
        })
        .collect();
    json!({
        "id": id,
        "case_id": case.id,
        "summary": case.title,
        "details": case.description,
        "published": now,
        "modified": now,
        "aliases": case.cve_ids,
        "affected": affected,
        "cvss_v31": case.cvss_v31,
        "cvss_v40": case.cvss_v40,
        "scores": case.scores,
        "credits": case
            .credit
            .iter()
            .map(|name| json!({ "name": name, "type": "FINDER" }))
            .chain(case.credits.iter().map(|c| json!({ "name": c.name, "type": c.kind })))
            .collect::<Vec<_>>(),
        "references": case.references,
    })
}
