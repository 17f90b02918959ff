//! Coordinated-disclosure pages: the report form and its secret follow-up link, "my cases" with
//! the reports waiting for triage, and the case page with the forms of each role. Every page
//! and form calls the same use cases as `/api/v1/reports` and `/api/v1/cases`, so a case the
//! visitor does not take part in answers the 404 page, exactly as the API answers 404.

use std::collections::BTreeMap;

use accord_app::model::cvd::ATTACHMENT_MAX;
use accord_app::model::cvd::{CaseAction, CaseState, CloseReason, ReportStatus, VexJustification};
use accord_app::model::time::format_timestamp;
use accord_app::model::{Organization, OrganizationId, Role};
use accord_app::{
    AppError, AttachmentView, Caller, CaseEventView, CaseView, MessageView, NewReport, ReportView, Thread,
    cvd_limits as limits,
};
use askama::Template;
use axum::Form;
use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use jiff::Timestamp;
use serde::Deserialize;

use super::Ctx;
use super::context::Chrome;
use super::i18n::{Locale, Texts};
use super::pages::{not_found, server_error};
use super::refusals::refusal_text;
use crate::AppState;

fn caller(ctx: &Ctx) -> Caller {
    ctx.user.clone().map(Caller::User).unwrap_or(Caller::Anonymous)
}

fn is_coordinator(ctx: &Ctx) -> bool {
    ctx.user.as_ref().is_some_and(|u| matches!(u.role, Role::Coordinator | Role::Admin))
}

/// A page that shows a secret (the follow-up token): kept out of caches and referrers.
fn secret(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    resp
}

/// A date and time in words, in UTC: "17 April 2018, 14:05 UTC".
fn when(l: Locale, t: Timestamp) -> String {
    let z = t.to_zoned(jiff::tz::TimeZone::UTC);
    format!("{}, {:02}:{:02} UTC", l.date(t), z.hour(), z.minute())
}

/// A `YYYY-MM-DD` date of a form, as midnight UTC.
fn parse_date(s: &str) -> Option<Timestamp> {
    let d: jiff::civil::Date = s.trim().parse().ok()?;
    d.to_zoned(jiff::tz::TimeZone::UTC).ok().map(|z| z.timestamp())
}

/// The `YYYY-MM-DD` of a timestamp (UTC), for a date field.
fn date_value(t: Timestamp) -> String {
    t.to_zoned(jiff::tz::TimeZone::UTC).date().to_string()
}

fn too_long(t: &Texts, max: usize) -> String {
    t.too_long.replace("{n}", &max.to_string())
}

/// A form's errors, by field name, in the order found.
#[derive(Default)]
pub(crate) struct FieldErrors(Vec<(String, String)>);

impl FieldErrors {
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }

    fn add(&mut self, field: &str, message: impl Into<String>) {
        if self.get(field).is_none() {
            self.0.push((field.to_owned(), message.into()));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &(String, String)> {
        self.0.iter()
    }
}

pub(crate) fn state_label(t: &Texts, s: CaseState) -> &'static str {
    match s {
        CaseState::Triaged => t.state_triaged,
        CaseState::Coordinating => t.state_coordinating,
        CaseState::PublicationScheduled => t.state_publication_scheduled,
        CaseState::Published => t.state_published,
        CaseState::Closed => t.state_closed,
    }
}

fn report_status_label(t: &Texts, s: ReportStatus) -> &'static str {
    match s {
        ReportStatus::Received => t.report_received,
        ReportStatus::Accepted => t.report_accepted,
        ReportStatus::Rejected => t.report_rejected,
        ReportStatus::Duplicate => t.report_duplicate,
    }
}

pub(super) fn product_status_label(t: &Texts, s: &str) -> String {
    match s {
        "under_investigation" => t.product_under_investigation,
        "affected" => t.product_affected,
        "not_affected" => t.product_not_affected,
        "fixed" => t.product_fixed,
        other => return other.to_owned(),
    }
    .to_owned()
}

pub(super) fn justification_label(t: &Texts, j: VexJustification) -> &'static str {
    match j {
        VexJustification::ComponentNotPresent => t.vex_component_not_present,
        VexJustification::VulnerableCodeNotPresent => t.vex_vulnerable_code_not_present,
        VexJustification::VulnerableCodeNotInExecutePath => t.vex_vulnerable_code_not_in_execute_path,
        VexJustification::VulnerableCodeCannotBeControlledByAdversary => {
            t.vex_vulnerable_code_cannot_be_controlled_by_adversary
        }
        VexJustification::InlineMitigationsAlreadyExist => t.vex_inline_mitigations_already_exist,
    }
}

fn close_reason_label(t: &Texts, r: CloseReason) -> &'static str {
    match r {
        CloseReason::Invalid => t.close_invalid,
        CloseReason::Withdrawn => t.close_withdrawn,
        CloseReason::Transferred => t.close_transferred,
    }
}

fn basis_label(t: &Texts, basis: &str) -> String {
    match basis {
        "agreed_date_reached" => t.basis_agreed_date_reached,
        "all_vendors_consented" => t.basis_all_vendors_consented,
        "coordinator_override" => t.basis_coordinator_override,
        other => return other.to_owned(),
    }
    .to_owned()
}

fn action_label(t: &Texts, action: &str) -> String {
    match action {
        "reported" => t.event_reported,
        "accepted" => t.event_accepted,
        "vendor_invited" => t.event_vendor_invited,
        "scores_set" => t.event_scores_set,
        "status_set" => t.event_status_set,
        "consented_to_publication" => t.event_consented,
        "embargo_changed" => t.event_embargo_changed,
        "embargo_extended" => t.event_embargo_extended,
        "publication_scheduled" => t.event_publication_scheduled,
        "publication_unscheduled" => t.event_publication_unscheduled,
        "closed" => t.event_closed,
        "reopened" => t.event_reopened,
        "published" => t.event_published,
        "duplicate_reported" => t.event_duplicate_reported,
        "message_posted" => t.event_message_posted,
        "file_attached" => t.event_file_attached,
        other => return other.to_owned(),
    }
    .to_owned()
}

// ---------------------------------------------------------------------------------------------
// The report form

/// What the finder typed, kept to show the form again.
#[derive(Default)]
pub(crate) struct ReportDraft {
    pub title: String,
    pub description: String,
    pub vendors: Vec<String>,
    pub products: String,
    pub versions: String,
    pub impact: String,
    pub steps_to_reproduce: String,
    pub contact: String,
    pub credit: String,
    pub preferred_disclosure_date: String,
}

impl ReportDraft {
    fn from_form(pairs: Vec<(String, String)>) -> (Self, String) {
        let mut d = Self::default();
        let mut csrf = String::new();
        for (k, v) in pairs {
            match k.as_str() {
                "csrf" => csrf = v,
                "title" => d.title = v,
                "description" => d.description = v,
                "vendors" => d.vendors.push(v),
                "products" => d.products = v,
                "versions" => d.versions = v,
                "impact" => d.impact = v,
                "steps_to_reproduce" => d.steps_to_reproduce = v,
                "contact" => d.contact = v,
                "credit" => d.credit = v,
                "preferred_disclosure_date" => d.preferred_disclosure_date = v,
                _ => {}
            }
        }
        (d, csrf)
    }

    /// The report to send, or every field at fault with a message in the visitor's language.
    /// The use case checks again; these are the checks a person can fix.
    fn check(&self, t: &Texts, organizations: &[Organization]) -> Result<NewReport, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut text = |field: &str, value: &str, max: usize, required: bool| -> Option<String> {
            let v = value.trim();
            if v.is_empty() {
                if required {
                    errors.add(field, t.field_required);
                }
                return None;
            }
            if v.chars().count() > max {
                errors.add(field, too_long(t, max));
            }
            Some(v.to_owned())
        };
        let title = text("title", &self.title, limits::TITLE, true);
        let description = text("description", &self.description, limits::TEXT, true);
        let versions = text("versions", &self.versions, limits::VERSIONS, false);
        let impact = text("impact", &self.impact, limits::TEXT, false);
        let steps = text("steps_to_reproduce", &self.steps_to_reproduce, limits::TEXT, false);
        let contact = text("contact", &self.contact, limits::CONTACT, false);
        let credit = text("credit", &self.credit, limits::CREDIT, false);
        let mut vendors = Vec::new();
        for v in &self.vendors {
            match v.parse::<OrganizationId>() {
                Ok(id) if organizations.iter().any(|o| o.id == id) => vendors.push(id),
                _ => errors.add("vendors", t.unknown_organization),
            }
        }
        if vendors.len() > limits::LIST {
            errors.add("vendors", t.too_many.replace("{n}", &limits::LIST.to_string()));
        }
        let products: Vec<String> =
            self.products.lines().map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect();
        if products.len() > limits::LIST {
            errors.add("products", t.too_many.replace("{n}", &limits::LIST.to_string()));
        }
        if products.iter().any(|p| p.chars().count() > 100 || p.contains('/')) {
            errors.add("products", t.product_name_rule);
        }
        let date = self.preferred_disclosure_date.trim();
        let preferred = if date.is_empty() {
            None
        } else {
            let parsed = parse_date(date);
            if parsed.is_none() {
                errors.add("preferred_disclosure_date", t.date_invalid);
            }
            parsed
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(NewReport {
            title: title.unwrap_or_default(),
            description: description.unwrap_or_default(),
            vendors,
            products,
            versions,
            impact,
            steps_to_reproduce: steps,
            contact,
            credit,
            preferred_disclosure_date: preferred,
        })
    }
}

pub(crate) struct OrgChoice {
    pub id: String,
    pub name: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    chrome: Chrome,
    draft: ReportDraft,
    organizations: Vec<OrgChoice>,
    errors: FieldErrors,
    form_error: Option<&'static str>,
    signed_in: bool,
    title_max: usize,
    text_max: usize,
    versions_max: usize,
    contact_max: usize,
    credit_max: usize,
}

impl ReportPage {
    fn new(ctx: &Ctx, draft: ReportDraft, organizations: &[Organization]) -> Self {
        let organizations = organizations
            .iter()
            .map(|o| {
                let id = o.id.to_string();
                OrgChoice { checked: draft.vendors.contains(&id), id, name: o.name.clone() }
            })
            .collect();
        Self {
            chrome: ctx.chrome(ctx.t().report_title),
            draft,
            organizations,
            errors: FieldErrors::default(),
            form_error: None,
            signed_in: ctx.user.is_some(),
            title_max: limits::TITLE,
            text_max: limits::TEXT,
            versions_max: limits::VERSIONS,
            contact_max: limits::CONTACT,
            credit_max: limits::CREDIT,
        }
    }
}

impl ReportPage {
    /// The label of a field, for the error summary.
    pub fn label(&self, field: &str) -> &'static str {
        let t = self.chrome.t;
        match field {
            "title" => t.report_field_title,
            "description" => t.report_field_description,
            "vendors" => t.report_field_vendors,
            "products" => t.report_field_products,
            "versions" => t.report_field_versions,
            "impact" => t.report_field_impact,
            "steps_to_reproduce" => t.report_field_steps,
            "contact" => t.report_field_contact,
            "credit" => t.report_field_credit,
            "preferred_disclosure_date" => t.report_field_date,
            _ => t.error_summary,
        }
    }
}

pub(crate) async fn report_form(State(s): State<AppState>, ctx: Ctx) -> Response {
    let organizations = match s.app.organizations(None).await {
        Ok(o) => o,
        Err(e) => return server_error(ctx, e),
    };
    let page = ReportPage::new(&ctx, ReportDraft::default(), &organizations);
    ctx.render(StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "report_sent.html")]
struct ReportSentPage {
    chrome: Chrome,
    link: String,
}

pub(crate) async fn submit_report(State(s): State<AppState>, ctx: Ctx, body: Bytes) -> Response {
    let t = ctx.t();
    let organizations = match s.app.organizations(None).await {
        Ok(o) => o,
        Err(e) => return server_error(ctx, e),
    };
    let Ok(pairs) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body) else {
        let mut page = ReportPage::new(&ctx, ReportDraft::default(), &organizations);
        page.form_error = Some(t.form_unreadable);
        return ctx.render(StatusCode::BAD_REQUEST, &page);
    };
    let (draft, csrf) = ReportDraft::from_form(pairs);
    let mut page = ReportPage::new(&ctx, draft, &organizations);
    if !ctx.csrf_ok(&csrf) {
        page.form_error = Some(t.form_expired);
        return ctx.render(StatusCode::FORBIDDEN, &page);
    }
    let report = match page.draft.check(t, &organizations) {
        Ok(r) => r,
        Err(errors) => {
            page.errors = errors;
            page.form_error = Some(t.fix_the_fields);
            return ctx.render(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    match s.app.submit_report(&caller(&ctx), report, Timestamp::now()).await {
        Ok((_, token)) => {
            let link = format!("/followup/{}", token.expose());
            let sent = ReportSentPage { chrome: ctx.chrome(t.report_sent_title), link };
            secret(ctx.render(StatusCode::OK, &sent))
        }
        Err(AppError::Invalid(v)) => {
            let field = match v.field {
                "product" => "products",
                f => f,
            };
            page.errors.add(field, v.refusal.as_ref().map_or(v.message, |r| refusal_text(t, r)));
            page.form_error = Some(t.fix_the_fields);
            ctx.render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => server_error(ctx, e),
    }
}

// ---------------------------------------------------------------------------------------------
// The follow-up page

/// A report as its finder sees it, ready to show.
pub(crate) struct ReportSummary {
    pub title: String,
    pub received: String,
    pub received_iso: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub description: String,
    pub vendors: Vec<String>,
    pub products: Vec<String>,
    pub versions: String,
    pub impact: String,
    pub steps_to_reproduce: String,
    pub contact: String,
    pub credit: String,
    pub preferred_date: String,
    pub decision: String,
}

fn report_summary(
    t: &Texts,
    l: Locale,
    r: &ReportView,
    names: &BTreeMap<OrganizationId, String>,
) -> ReportSummary {
    let c = &r.content;
    ReportSummary {
        title: c.title.clone(),
        received: when(l, r.received_at),
        received_iso: format_timestamp(r.received_at),
        status: report_status_label(t, r.status),
        status_code: r.status.as_str(),
        description: c.description.clone(),
        vendors: c.vendors.iter().map(|v| names.get(v).cloned().unwrap_or_else(|| v.to_string())).collect(),
        products: c.products.clone(),
        versions: c.versions.clone().unwrap_or_default(),
        impact: c.impact.clone().unwrap_or_default(),
        steps_to_reproduce: c.steps_to_reproduce.clone().unwrap_or_default(),
        contact: c.contact.clone().unwrap_or_default(),
        credit: c.credit.clone().unwrap_or_default(),
        preferred_date: c.preferred_disclosure_date.map(|d| l.date(d)).unwrap_or_default(),
        decision: r.decision.clone().unwrap_or_default(),
    }
}

/// One product statement of a vendor.
pub(crate) struct ProductRow {
    pub product: String,
    pub status: String,
    pub status_code: String,
    pub justification: String,
    pub fixed_version: String,
    pub remediation: String,
    pub updated: String,
}

pub(crate) struct VendorRow {
    pub id: String,
    pub name: String,
    pub invited: String,
    pub consented: String,
    pub products: Vec<ProductRow>,
}

pub(crate) struct ScoreRow {
    pub version: String,
    pub vector: String,
    pub score: String,
    pub severity: String,
}

/// A case, ready to show.
pub(crate) struct CaseSummary {
    pub id: String,
    pub local_id: String,
    pub title: String,
    pub state: &'static str,
    pub state_code: &'static str,
    pub close_reason: String,
    pub public_date: String,
    pub public_date_iso: String,
    pub deadline: String,
    pub deadline_iso: String,
    pub deadline_passed: bool,
    pub published: String,
    pub basis: String,
    pub description: String,
    pub products: Vec<String>,
    pub versions: String,
    pub impact: String,
    pub steps_to_reproduce: String,
    pub credit: String,
    pub scores: Vec<ScoreRow>,
    pub cve_ids: Vec<String>,
    pub vendors: Vec<VendorRow>,
}

fn case_summary(t: &Texts, l: Locale, c: &CaseView) -> CaseSummary {
    CaseSummary {
        id: c.id.to_string(),
        local_id: c.local_id.clone(),
        title: c.title.clone(),
        state: state_label(t, c.state),
        state_code: c.state.as_str(),
        close_reason: c.close_reason.map(|r| close_reason_label(t, r).to_owned()).unwrap_or_default(),
        public_date: when(l, c.embargo_until),
        public_date_iso: format_timestamp(c.embargo_until),
        deadline: when(l, c.embargo_deadline),
        deadline_iso: format_timestamp(c.embargo_deadline),
        deadline_passed: c.deadline_passed,
        published: c.published_at.map(|p| when(l, p)).unwrap_or_default(),
        basis: c.publication_basis.as_deref().map(|b| basis_label(t, b)).unwrap_or_default(),
        description: c.description.clone(),
        products: c.products.clone(),
        versions: c.versions.clone().unwrap_or_default(),
        impact: c.impact.clone().unwrap_or_default(),
        steps_to_reproduce: c.steps_to_reproduce.clone().unwrap_or_default(),
        credit: c.credit.clone().unwrap_or_default(),
        scores: c
            .scores
            .iter()
            .map(|s| ScoreRow {
                version: s.version.clone(),
                vector: s.vector.clone(),
                score: format!("{:.1}", s.score),
                severity: s.severity.clone(),
            })
            .collect(),
        cve_ids: c.cve_ids.clone(),
        vendors: c
            .vendors
            .iter()
            .map(|v| VendorRow {
                id: v.organization_id.to_string(),
                name: v.name.clone(),
                invited: l.date(v.invited_at),
                consented: v.consented_at.map(|x| l.date(x)).unwrap_or_default(),
                products: v
                    .products
                    .iter()
                    .map(|p| ProductRow {
                        product: p.product.clone(),
                        status: product_status_label(t, &p.status),
                        status_code: p.status.clone(),
                        justification: p
                            .justification
                            .as_deref()
                            .and_then(|j| j.parse::<VexJustification>().ok())
                            .map(|j| justification_label(t, j).to_owned())
                            .unwrap_or_default(),
                        fixed_version: p.fixed_version.clone().unwrap_or_default(),
                        remediation: p.remediation.clone().unwrap_or_default(),
                        updated: l.date(p.updated_at),
                    })
                    .collect(),
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "followup.html")]
struct FollowupPage {
    chrome: Chrome,
    report: ReportSummary,
    case: Option<CaseSummary>,
    /// The case thread, once the report is a case.
    threads: Vec<ThreadView>,
    files: Option<Files>,
    error: Option<FormError>,
    text_max: usize,
}

async fn organization_names(s: &AppState) -> Result<BTreeMap<OrganizationId, String>, AppError> {
    Ok(s.app.organizations(None).await?.into_iter().map(|o| (o.id, o.name)).collect())
}

/// Renders the follow-up page (never cached, never sent as a referrer); `draft` is a message
/// whose sending was refused.
async fn followup_page(
    s: &AppState,
    ctx: Ctx,
    token: &str,
    status: StatusCode,
    error: Option<FormError>,
    draft: String,
) -> Response {
    let (report, case) = match s.app.followup(token, Timestamp::now()).await {
        Ok(found) => found,
        Err(AppError::NotFound(_)) => return secret(not_found(ctx).await),
        Err(e) => return secret(server_error(ctx, e)),
    };
    let names = match organization_names(s).await {
        Ok(n) => n,
        Err(e) => return secret(server_error(ctx, e)),
    };
    let (t, l) = (ctx.t(), ctx.locale);
    let link = format!("/followup/{token}");
    let mut threads = Vec::new();
    if let Some(c) = &case {
        let messages = match s.app.followup_messages(token).await {
            Ok(m) => m,
            Err(e) => return secret(server_error(ctx, e)),
        };
        let failed = error.as_ref().filter(|e| e.form == "message");
        threads.push(ThreadView {
            key: "case".to_owned(),
            heading: t.thread_case_heading.to_owned(),
            hint: t.thread_followup_hint,
            messages: message_rows(t, l, &messages, t.actor_you),
            action: (c.state != CaseState::Closed).then(|| format!("{link}/messages")),
            error: failed.map(|e| e.message.clone()),
            draft: if failed.is_some() { draft } else { String::new() },
        });
    }
    let attachments = match s.app.followup_attachments(token).await {
        Ok(a) => a,
        Err(e) => return secret(server_error(ctx, e)),
    };
    let files = Files {
        rows: file_rows(l, t, &attachments),
        download_base: None,
        upload: matches!(report.status, ReportStatus::Received | ReportStatus::Accepted)
            .then(|| format!("{link}/attachments")),
        error: error.as_ref().filter(|e| e.form == "attach").map(|e| e.message.clone()),
        hint: attach_hint(t),
    };
    let page = FollowupPage {
        chrome: ctx.chrome(t.followup_title),
        report: report_summary(t, l, &report, &names),
        case: case.as_ref().map(|c| case_summary(t, l, c)),
        threads,
        files: Some(files),
        error,
        text_max: limits::TEXT,
    };
    secret(ctx.render(status, &page))
}

pub(crate) async fn followup(State(s): State<AppState>, ctx: Ctx, Path(token): Path<String>) -> Response {
    followup_page(&s, ctx, &token, StatusCode::OK, None, String::new()).await
}

#[derive(Deserialize)]
pub(crate) struct FollowupMessageForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    body: String,
}

/// The finder answers in the case thread.
pub(crate) async fn followup_post(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    Form(f): Form<FollowupMessageForm>,
) -> Response {
    if !ctx.csrf_ok(&f.csrf) {
        return secret(forbidden_form(ctx));
    }
    let t = ctx.t();
    let sent = match check_message(t, &f.body) {
        Ok(()) => s.app.followup_post(&token, &f.body, Timestamp::now()).await.map(|_| ()),
        Err(e) => Err(e),
    };
    let (status, message) = match sent {
        Ok(()) => return secret(ctx.redirect(&format!("/followup/{token}#thread-case"))),
        Err(AppError::NotFound(_)) => return secret(not_found(ctx).await),
        Err(e) => match refusal(t, &e) {
            Some((status, _, message)) => (status, message),
            None => return secret(server_error(ctx, e)),
        },
    };
    let mut error = FormError::new("message", "body", message);
    error.anchor = "form-message-case".to_owned();
    followup_page(&s, ctx, &token, status, Some(error), f.body).await
}

/// The finder adds a file to the report (and so to its case).
pub(crate) async fn followup_upload(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    let t = ctx.t();
    let (status, message) = match read_upload(t, form).await {
        Err(refused) => refused,
        Ok(upload) => {
            if !ctx.csrf_ok(&upload.csrf) {
                return secret(forbidden_form(ctx));
            }
            match check_upload(t, &upload) {
                Err(refused) => refused,
                Ok(()) => {
                    let now = Timestamp::now();
                    match s
                        .app
                        .followup_attach(&token, &upload.name, &upload.media_type, &upload.bytes, now)
                        .await
                    {
                        Ok(_) => return secret(ctx.redirect(&format!("/followup/{token}#attachments"))),
                        Err(AppError::NotFound(_)) => return secret(not_found(ctx).await),
                        Err(e) => match upload_refusal(t, &e) {
                            Some(refused) => refused,
                            None => return secret(server_error(ctx, e)),
                        },
                    }
                }
            }
        }
    };
    let error = FormError::new("attach", "file", message);
    followup_page(&s, ctx, &token, status, Some(error), String::new()).await
}

// ---------------------------------------------------------------------------------------------
// My cases, and the reports waiting for triage

pub(crate) struct CaseRow {
    pub id: String,
    pub local_id: String,
    pub title: String,
    pub state: &'static str,
    pub state_code: &'static str,
    pub public_date: String,
    pub public_date_iso: String,
    pub deadline_passed: bool,
}

pub(crate) struct TriageRow {
    pub id: String,
    pub title: String,
    pub received: String,
    pub received_iso: String,
    pub vendors: Vec<String>,
    pub products: Vec<String>,
    pub description: String,
    pub reason: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "cases.html")]
struct CasesPage {
    chrome: Chrome,
    cases: Vec<CaseRow>,
    coordinator: bool,
    reports: Vec<TriageRow>,
    form_error: Option<String>,
}

/// The list page; `failed` is a triage form that failed: its report, the reason typed and the
/// message.
async fn cases_page(
    s: &AppState,
    ctx: Ctx,
    status: StatusCode,
    failed: Option<(String, String, String)>,
) -> Response {
    let who = caller(&ctx);
    let now = Timestamp::now();
    let list = match s.app.cases(&who, now).await {
        Ok(l) => l,
        Err(e) => return server_error(ctx, e),
    };
    let (t, l) = (ctx.t(), ctx.locale);
    let coordinator = is_coordinator(&ctx);
    let mut reports = Vec::new();
    if coordinator {
        let (waiting, names) =
            match (s.app.reports(&who, Some(ReportStatus::Received)).await, organization_names(s).await) {
                (Ok(w), Ok(n)) => (w, n),
                (Err(e), _) | (_, Err(e)) => return server_error(ctx, e),
            };
        for r in &waiting {
            let summary = report_summary(t, l, r, &names);
            let id = r.id.to_string();
            let (reason, error) = match &failed {
                Some((fid, reason, message)) if *fid == id => (reason.clone(), Some(message.clone())),
                _ => (String::new(), None),
            };
            reports.push(TriageRow {
                id,
                title: summary.title,
                received: summary.received,
                received_iso: summary.received_iso,
                vendors: summary.vendors,
                products: summary.products,
                description: summary.description,
                reason,
                error,
            });
        }
    }
    // A failure on a report no longer waiting (decided meanwhile) is shown at the top.
    let form_error = failed.and_then(|(id, _, m)| (!reports.iter().any(|r| r.id == id)).then_some(m));
    let page = CasesPage {
        chrome: ctx.chrome(t.cases_title),
        cases: list
            .iter()
            .filter(|c| c.role != "public")
            .map(|c| CaseRow {
                id: c.id.to_string(),
                local_id: c.local_id.clone(),
                title: c.title.clone(),
                state: state_label(t, c.state),
                state_code: c.state.as_str(),
                public_date: when(l, c.embargo_until),
                public_date_iso: format_timestamp(c.embargo_until),
                deadline_passed: c.deadline_passed,
            })
            .collect(),
        coordinator,
        reports,
        form_error,
    };
    ctx.render(status, &page)
}

pub(crate) async fn cases(State(s): State<AppState>, ctx: Ctx) -> Response {
    if ctx.user.is_none() {
        return ctx.redirect("/login");
    }
    cases_page(&s, ctx, StatusCode::OK, None).await
}

#[derive(Deserialize)]
pub(crate) struct OpenCaseForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    report_id: String,
}

fn forbidden_form(ctx: Ctx) -> Response {
    let t = ctx.t();
    let page = super::pages::ErrorPage { chrome: ctx.chrome(t.error_title), text: t.form_expired };
    ctx.render(StatusCode::FORBIDDEN, &page)
}

/// The message and status of a refused action, for the form that asked, in the page's
/// language (`refusals::refusal_text`); a field error without a key (the forms' own checks,
/// already in the page's language) is shown as given.
fn refusal(t: &Texts, e: &AppError) -> Option<(StatusCode, Option<&'static str>, String)> {
    match e {
        AppError::Invalid(v) => {
            let message = v.refusal.as_ref().map_or_else(|| v.message.clone(), |r| refusal_text(t, r));
            Some((StatusCode::UNPROCESSABLE_ENTITY, Some(v.field), message))
        }
        AppError::Conflict(r) => {
            Some((StatusCode::CONFLICT, None, format!("{} {}", t.action_refused, refusal_text(t, r))))
        }
        AppError::Forbidden(r) => {
            Some((StatusCode::FORBIDDEN, None, format!("{} {}", t.action_refused, refusal_text(t, r))))
        }
        _ => None,
    }
}

pub(crate) async fn open_case(State(s): State<AppState>, ctx: Ctx, Form(f): Form<OpenCaseForm>) -> Response {
    if !ctx.csrf_ok(&f.csrf) {
        return forbidden_form(ctx);
    }
    let who = caller(&ctx);
    match s.app.open_case(&who, &f.report_id, Timestamp::now()).await {
        Ok(case) => ctx.redirect(&format!("/cases/{}", case.id)),
        Err(AppError::NotFound(_) | AppError::Unauthenticated) => not_found(ctx).await,
        Err(e) => match refusal(ctx.t(), &e) {
            Some((status, _, message)) if ctx.user.is_some() => {
                cases_page(&s, ctx, status, Some((f.report_id, String::new(), message))).await
            }
            _ => server_error(ctx, e),
        },
    }
}

#[derive(Deserialize)]
pub(crate) struct RejectForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

pub(crate) async fn reject_report(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<RejectForm>,
) -> Response {
    if !ctx.csrf_ok(&f.csrf) {
        return forbidden_form(ctx);
    }
    let t = ctx.t();
    if ctx.user.is_none() {
        return not_found(ctx).await;
    }
    if f.reason.trim().is_empty() {
        let failed = Some((id, f.reason, t.reason_required.to_owned()));
        return cases_page(&s, ctx, StatusCode::UNPROCESSABLE_ENTITY, failed).await;
    }
    let who = caller(&ctx);
    match s
        .app
        .decide_report(&who, &id, ReportStatus::Rejected, Some(&f.reason), None, Timestamp::now())
        .await
    {
        Ok(_) => ctx.redirect("/cases"),
        Err(AppError::NotFound(_) | AppError::Unauthenticated) => not_found(ctx).await,
        Err(e) => match refusal(t, &e) {
            Some((status, _, message)) => cases_page(&s, ctx, status, Some((id, f.reason, message))).await,
            None => server_error(ctx, e),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// The case page and its forms

/// Every field of every case form; each form sends the ones it has. Kept to show a refused
/// form again with what was typed.
#[derive(Deserialize, Default)]
pub(crate) struct CaseForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    pub organization_id: String,
    #[serde(default)]
    pub public_date: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub cvss_v31: String,
    #[serde(default)]
    pub cvss_v40: String,
    #[serde(default)]
    pub cve_ids: String,
    #[serde(default)]
    pub close_reason: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub product: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub justification: String,
    #[serde(default)]
    pub fixed_version: String,
    #[serde(default)]
    pub remediation: String,
    #[serde(default)]
    pub thread: String,
    #[serde(default)]
    pub body: String,
}

impl CaseForm {
    /// The values the forms start with: what the case says now.
    fn of(c: &CaseView) -> Self {
        Self {
            public_date: date_value(c.embargo_until),
            cvss_v31: c.cvss_v31.clone().unwrap_or_default(),
            cvss_v40: c.cvss_v40.clone().unwrap_or_default(),
            cve_ids: c.cve_ids.join(", "),
            ..Self::default()
        }
    }
}

/// What can be done to a case from its page; the path segment names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CaseCommand {
    Invite,
    Embargo,
    Scores,
    Schedule,
    Unschedule,
    Close,
    Reopen,
    Publish,
    Status,
    Consent,
    Message,
}

impl CaseCommand {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "invite" => Self::Invite,
            "embargo" => Self::Embargo,
            "scores" => Self::Scores,
            "schedule" => Self::Schedule,
            "unschedule" => Self::Unschedule,
            "close" => Self::Close,
            "reopen" => Self::Reopen,
            "publish" => Self::Publish,
            "status" => Self::Status,
            "consent" => Self::Consent,
            "message" => Self::Message,
            _ => return None,
        })
    }

    /// The form's name on the page (its anchor and the key of its error).
    fn name(self) -> &'static str {
        match self {
            Self::Invite => "invite",
            Self::Embargo => "embargo",
            Self::Scores => "scores",
            Self::Schedule | Self::Unschedule => "schedule",
            Self::Close => "close",
            Self::Reopen => "reopen",
            Self::Publish => "publish",
            Self::Status => "status",
            Self::Consent => "consent",
            Self::Message => "message",
        }
    }
}

/// A refused form: which, the field at fault if one, and why.
pub(crate) struct FormError {
    pub form: &'static str,
    /// The id of the form on the page, for the error summary's link.
    pub anchor: String,
    pub field: String,
    pub message: String,
}

impl FormError {
    fn new(form: &'static str, field: &str, message: String) -> Self {
        Self { form, anchor: format!("form-{form}"), field: field.to_owned(), message }
    }
}

pub(crate) struct EventRow {
    pub at: String,
    pub at_iso: String,
    pub actor: String,
    pub action: String,
    pub details: Vec<(String, String)>,
}

pub(crate) struct Choice {
    pub value: &'static str,
    pub label: &'static str,
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    chrome: Chrome,
    case: CaseSummary,
    role: &'static str,
    history: Vec<EventRow>,
    form: CaseForm,
    error: Option<FormError>,
    /// Organisations a coordinator may still invite.
    invitable: Vec<OrgChoice>,
    /// The vendor organisation of a vendor member, and whether it consented already.
    own_vendor: Option<VendorRow>,
    statuses: Vec<Choice>,
    justifications: Vec<Choice>,
    close_reasons: Vec<Choice>,
    text_max: usize,
    /// The threads the visitor may read and write (none for the public).
    threads: Vec<ThreadView>,
    /// The case's files (not for the public).
    files: Option<Files>,
}

impl CasePage {
    /// The error of one form, if it is the refused one.
    pub fn error_of(&self, form: &str) -> Option<&str> {
        self.error.as_ref().filter(|e| e.form == form).map(|e| e.message.as_str())
    }

    /// Whether a field of the refused form is the one at fault.
    pub fn invalid(&self, form: &str, field: &str) -> bool {
        self.error.as_ref().is_some_and(|e| e.form == form && e.field == field)
    }

    pub fn state_is(&self, states: &str) -> bool {
        states.split(' ').any(|s| s == self.case.state_code)
    }
}

fn detail_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(a) => a.iter().map(detail_text).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// The name of a detail of a history entry, in words.
fn detail_label(t: &Texts, key: &str) -> String {
    match key {
        "organization_id" => t.col_organization,
        "from" => t.detail_from,
        "to" => t.detail_to,
        "reason" => t.field_reason,
        "note" => t.field_note,
        "basis" => t.detail_basis,
        "product" => t.col_product,
        "status" => t.col_product_status,
        "justification" => t.col_justification,
        "fixed_version" => t.col_fixed_version,
        "on_behalf_of_vendor" => t.detail_on_behalf,
        "embargo_deadline" => t.field_deadline,
        "cvss_v31" => t.field_cvss_v31,
        "cvss_v40" => t.field_cvss_v40,
        "cve_ids" => t.field_cve_ids,
        "report_id" => t.detail_report,
        "thread" => t.detail_thread,
        "name" => t.detail_file,
        other => return other.to_owned(),
    }
    .to_owned()
}

/// A value of a history entry, in words where it is one of ours.
fn detail_value(
    t: &Texts,
    l: Locale,
    key: &str,
    value: String,
    orgs: &BTreeMap<OrganizationId, String>,
) -> String {
    if matches!(key, "organization_id" | "thread")
        && let Some(name) = value.parse().ok().and_then(|id: OrganizationId| orgs.get(&id))
    {
        return name.clone();
    }
    if key == "thread" && value == "case" {
        return t.thread_short_case.to_owned();
    }
    if let Ok(state) = value.parse::<CaseState>() {
        return state_label(t, state).to_owned();
    }
    if let Ok(reason) = value.parse::<CloseReason>() {
        return close_reason_label(t, reason).to_owned();
    }
    if let Ok(j) = value.parse::<VexJustification>() {
        return justification_label(t, j).to_owned();
    }
    match (key, value.as_str()) {
        ("status", s) => return product_status_label(t, s),
        ("basis", b) => return basis_label(t, b),
        (_, "true") => return t.yes.to_owned(),
        (_, "false") => return t.no.to_owned(),
        _ => {}
    }
    match value.parse::<Timestamp>() {
        Ok(ts) => when(l, ts),
        Err(_) => value,
    }
}

fn history_rows(
    t: &Texts,
    l: Locale,
    events: &[CaseEventView],
    actors: &BTreeMap<String, String>,
    orgs: &BTreeMap<OrganizationId, String>,
) -> Vec<EventRow> {
    events
        .iter()
        .map(|e| {
            let actor = match e.actor.as_str() {
                "finder" => t.actor_finder.to_owned(),
                "operator" => t.actor_operator.to_owned(),
                other => actors.get(other).cloned().unwrap_or_else(|| other.to_owned()),
            };
            let mut details = Vec::new();
            if let Some(map) = e.detail.as_object() {
                for (k, v) in map {
                    if v.is_null() || v.as_array().is_some_and(Vec::is_empty) || k == "attachment_id" {
                        continue;
                    }
                    details.push((detail_label(t, k), detail_value(t, l, k, detail_text(v), orgs)));
                }
            }
            EventRow {
                at: when(l, e.at),
                at_iso: format_timestamp(e.at),
                actor,
                action: action_label(t, &e.action),
                details,
            }
        })
        .collect()
}

/// Renders the case page, or the 404 page when the visitor may not see the case.
async fn case_page(
    s: &AppState,
    ctx: Ctx,
    id: &str,
    status: StatusCode,
    form: Option<CaseForm>,
    error: Option<FormError>,
) -> Response {
    let who = caller(&ctx);
    let case = match s.app.case(&who, id, Timestamp::now()).await {
        Ok(c) => c,
        Err(AppError::NotFound(_)) => return not_found(ctx).await,
        Err(e) => return server_error(ctx, e),
    };
    let (t, l) = (ctx.t(), ctx.locale);
    let organizations = match s.app.organizations(None).await {
        Ok(o) => o,
        Err(e) => return server_error(ctx, e),
    };
    let orgs: BTreeMap<OrganizationId, String> =
        organizations.iter().map(|o| (o.id, o.name.clone())).collect();
    let history = if case.role == "public" {
        Vec::new()
    } else {
        let events = match s.app.case_history(&who, id).await {
            Ok(e) => e,
            Err(e) => return server_error(ctx, e),
        };
        let actors = match s.app.actor_names(&events).await {
            Ok(a) => a,
            Err(e) => return server_error(ctx, e),
        };
        history_rows(t, l, &events, &actors, &orgs)
    };
    let (threads, files) = if case.role == "public" {
        (Vec::new(), None)
    } else {
        match case_threads_and_files(s, &ctx, &case, &orgs, form.as_ref(), error.as_ref()).await {
            Ok(found) => found,
            Err(e) => return server_error(ctx, e),
        }
    };
    let summary = case_summary(t, l, &case);
    let own_org = ctx.user.as_ref().and_then(|u| u.organization_id).map(|o| o.to_string());
    let own_vendor = match (case.role, own_org) {
        ("vendor", Some(org)) => summary.vendors.iter().find(|v| v.id == org).map(|v| VendorRow {
            id: v.id.clone(),
            name: v.name.clone(),
            invited: v.invited.clone(),
            consented: v.consented.clone(),
            products: Vec::new(),
        }),
        _ => None,
    };
    let invitable = if case.role == "coordinator" {
        organizations
            .iter()
            .filter(|o| !case.vendors.iter().any(|v| v.organization_id == o.id))
            .map(|o| {
                let id = o.id.to_string();
                OrgChoice {
                    checked: form.as_ref().is_some_and(|f| f.organization_id == id),
                    id,
                    name: o.name.clone(),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let statuses = vec![
        Choice { value: "under_investigation", label: t.product_under_investigation },
        Choice { value: "affected", label: t.product_affected },
        Choice { value: "not_affected", label: t.product_not_affected },
        Choice { value: "fixed", label: t.product_fixed },
    ];
    let justifications = VexJustification::ALL
        .iter()
        .map(|j| Choice { value: j.as_str(), label: justification_label(t, *j) })
        .collect();
    let close_reasons = CloseReason::ALL
        .iter()
        .map(|r| Choice { value: r.as_str(), label: close_reason_label(t, *r) })
        .collect();
    let page = CasePage {
        chrome: ctx.chrome(&format!("{} · {}", case.local_id, case.title)),
        form: form.unwrap_or_else(|| CaseForm::of(&case)),
        role: case.role,
        case: summary,
        history,
        error,
        invitable,
        own_vendor,
        statuses,
        justifications,
        close_reasons,
        text_max: limits::TEXT,
        threads,
        files,
    };
    ctx.render(status, &page)
}

pub(crate) async fn case(State(s): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    case_page(&s, ctx, &id, StatusCode::OK, None, None).await
}

/// A field error found before calling the use case, in the visitor's language.
fn field_error(field: &'static str, message: &str) -> AppError {
    AppError::Invalid(accord_app::model::ValidationError::new(field, message))
}

async fn run(s: &AppState, ctx: &Ctx, id: &str, command: CaseCommand, f: &CaseForm) -> Result<(), AppError> {
    let who = caller(ctx);
    let t = ctx.t();
    let now = Timestamp::now();
    let optional = |v: &str| Some(v.trim()).filter(|v| !v.is_empty()).map(str::to_owned);
    let own_org =
        || ctx.user.as_ref().and_then(|u| u.organization_id).map(|o| o.to_string()).unwrap_or_default();
    match command {
        CaseCommand::Invite => {
            let org = f
                .organization_id
                .parse::<OrganizationId>()
                .map_err(|_| field_error("organization_id", t.choose_organization))?;
            s.app.invite_vendor(&who, id, org, now).await?;
        }
        CaseCommand::Embargo => {
            let date =
                parse_date(&f.public_date).ok_or_else(|| field_error("public_date", t.date_invalid))?;
            s.app.set_embargo(&who, id, date, &f.reason, now).await?;
        }
        CaseCommand::Scores => {
            let cves: Vec<String> = f
                .cve_ids
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect();
            s.app.set_scores(&who, id, Some(&f.cvss_v31), Some(&f.cvss_v40), &cves, now).await?;
        }
        CaseCommand::Schedule => {
            s.app.change_case_state(&who, id, CaseAction::SchedulePublication, None, now).await?;
        }
        CaseCommand::Unschedule => {
            s.app.change_case_state(&who, id, CaseAction::Unschedule, None, now).await?;
        }
        CaseCommand::Close => {
            let reason: CloseReason =
                f.close_reason.parse().map_err(|_| field_error("close_reason", t.choose_close_reason))?;
            s.app
                .change_case_state(&who, id, CaseAction::Close(reason), optional(&f.note).as_deref(), now)
                .await?;
        }
        CaseCommand::Reopen => {
            s.app.change_case_state(&who, id, CaseAction::Reopen, optional(&f.note).as_deref(), now).await?;
        }
        CaseCommand::Publish => {
            s.app.publish_case(&who, id, optional(&f.reason).as_deref(), now).await?;
        }
        CaseCommand::Status => {
            if f.status.is_empty() {
                return Err(field_error("status", t.field_required));
            }
            s.app
                .set_product_status(
                    &who,
                    id,
                    &own_org(),
                    &f.product,
                    &f.status,
                    optional(&f.justification).as_deref(),
                    optional(&f.fixed_version).as_deref(),
                    optional(&f.remediation).as_deref(),
                    now,
                )
                .await?;
        }
        CaseCommand::Consent => {
            s.app.consent_to_publication(&who, id, &own_org(), now).await?;
        }
        CaseCommand::Message => {
            check_message(t, &f.body)?;
            s.app.post_message(&who, id, &f.thread, &f.body, now).await?;
        }
    }
    Ok(())
}

pub(crate) async fn case_action(
    State(s): State<AppState>,
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    Form(f): Form<CaseForm>,
) -> Response {
    let Some(command) = CaseCommand::parse(&action) else { return not_found(ctx).await };
    if !ctx.csrf_ok(&f.csrf) {
        return forbidden_form(ctx);
    }
    match run(&s, &ctx, &id, command, &f).await {
        Ok(()) => match (command, Thread::parse(&f.thread)) {
            (CaseCommand::Message, Ok(thread)) => {
                ctx.redirect(&format!("/cases/{id}#thread-{}", thread_key(thread)))
            }
            _ => ctx.redirect(&format!("/cases/{id}")),
        },
        // Never say more to someone who may not see the case.
        Err(AppError::NotFound(_) | AppError::Unauthenticated) => not_found(ctx).await,
        Err(e) => match refusal(ctx.t(), &e) {
            Some((status, field, message)) => {
                let mut error = FormError::new(command.name(), field.unwrap_or_default(), message);
                if command == CaseCommand::Message {
                    error.anchor = format!("form-message-{}", f.thread);
                }
                case_page(&s, ctx, &id, status, Some(f), Some(error)).await
            }
            None => server_error(ctx, e),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Threads and files

/// One message, ready to show.
pub(crate) struct MessageRow {
    pub author: String,
    pub at: String,
    pub at_iso: String,
    pub body: String,
}

/// A thread on a page: its messages, oldest first, and the form to answer in it.
pub(crate) struct ThreadView {
    /// `case` or the vendor organisation's id: the form's `thread` field and the anchor.
    pub key: String,
    pub heading: String,
    pub hint: &'static str,
    pub messages: Vec<MessageRow>,
    /// Where the form posts; none when the thread is closed to new messages.
    pub action: Option<String>,
    pub error: Option<String>,
    /// What was typed, when sending it was refused.
    pub draft: String,
}

/// One file, ready to show.
pub(crate) struct FileRow {
    pub id: String,
    pub name: String,
    pub media_type: String,
    pub size: String,
    pub at: String,
    pub at_iso: String,
}

/// The files of a report or case, and the upload form.
pub(crate) struct Files {
    pub rows: Vec<FileRow>,
    /// Where a file downloads from, followed by its id; none where downloads are not offered.
    pub download_base: Option<String>,
    /// Where the upload form posts; none when no file may be added.
    pub upload: Option<String>,
    pub error: Option<String>,
    pub hint: String,
}

fn thread_key(thread: Thread) -> String {
    match thread {
        Thread::Case => "case".to_owned(),
        Thread::Vendor(o) => o.to_string(),
    }
}

/// A size in words: "812 B", "14.2 KB", "3.1 MB" (French: "14,2 Ko").
fn size_text(t: &Texts, bytes: i64) -> String {
    let n = bytes.max(0);
    if n < 1024 {
        return format!("{n} {}", t.unit_bytes);
    }
    let (value, unit) =
        if n < 1024 * 1024 { (n as f64 / 1024.0, t.unit_kb) } else { (n as f64 / 1048576.0, t.unit_mb) };
    format!("{value:.1} {unit}").replace('.', t.decimal_separator)
}

fn attach_hint(t: &Texts) -> String {
    t.attach_hint.replace("{n}", &(ATTACHMENT_MAX / (1024 * 1024)).to_string())
}

fn message_rows(t: &Texts, l: Locale, messages: &[MessageView], finder: &str) -> Vec<MessageRow> {
    messages
        .iter()
        .map(|m| MessageRow {
            author: match m.author.as_str() {
                "finder" => finder.to_owned(),
                "operator" => t.actor_operator.to_owned(),
                _ => m.author_name.clone(),
            },
            at: when(l, m.at),
            at_iso: format_timestamp(m.at),
            body: m.body.clone(),
        })
        .collect()
}

fn file_rows(l: Locale, t: &Texts, files: &[AttachmentView]) -> Vec<FileRow> {
    files
        .iter()
        .map(|a| FileRow {
            id: a.id.clone(),
            name: a.name.clone(),
            media_type: a.media_type.clone(),
            size: size_text(t, a.size),
            at: when(l, a.at),
            at_iso: format_timestamp(a.at),
        })
        .collect()
}

/// A message as the forms check it before the use case does, in the visitor's language.
fn check_message(t: &Texts, body: &str) -> Result<(), AppError> {
    let body = body.trim();
    if body.is_empty() {
        return Err(field_error("body", t.field_required));
    }
    if body.chars().count() > limits::TEXT {
        return Err(field_error("body", &too_long(t, limits::TEXT)));
    }
    Ok(())
}

/// The threads a participant may use (the case thread; a vendor's own thread; for the
/// coordinators every invited vendor's thread) and the case's files.
async fn case_threads_and_files(
    s: &AppState,
    ctx: &Ctx,
    case: &CaseView,
    orgs: &BTreeMap<OrganizationId, String>,
    form: Option<&CaseForm>,
    error: Option<&FormError>,
) -> Result<(Vec<ThreadView>, Option<Files>), AppError> {
    let (t, l) = (ctx.t(), ctx.locale);
    let who = caller(ctx);
    let id = case.id.to_string();
    let mut keys: Vec<(Thread, String, &'static str)> =
        vec![(Thread::Case, t.thread_case_heading.to_owned(), t.thread_case_hint)];
    match case.role {
        "coordinator" => {
            for v in &case.vendors {
                let name = orgs.get(&v.organization_id).cloned().unwrap_or_else(|| v.name.clone());
                let heading = format!("{} {name}", t.thread_vendor_heading);
                keys.push((Thread::Vendor(v.organization_id), heading, t.thread_private_hint));
            }
        }
        "vendor" => {
            let own = ctx.user.as_ref().and_then(|u| u.organization_id);
            if let Some(own) = own.filter(|o| case.vendors.iter().any(|v| v.organization_id == *o)) {
                keys.push((Thread::Vendor(own), t.thread_private_heading.to_owned(), t.thread_private_hint));
            }
        }
        _ => {}
    }
    let open = case.state != CaseState::Closed;
    let mut threads = Vec::new();
    for (thread, heading, hint) in keys {
        let key = thread_key(thread);
        let messages = s.app.messages(&who, &id, &key).await?;
        let failed = error
            .filter(|e| e.form == "message")
            .and_then(|e| form.filter(|f| f.thread == key).map(|f| (e, f)));
        threads.push(ThreadView {
            heading,
            hint,
            messages: message_rows(t, l, &messages, t.actor_finder),
            action: open.then(|| format!("/cases/{id}/message")),
            error: failed.map(|(e, _)| e.message.clone()),
            draft: failed.map(|(_, f)| f.body.clone()).unwrap_or_default(),
            key,
        });
    }
    let attachments = s.app.case_attachments(&who, &id).await?;
    let files = Files {
        rows: file_rows(l, t, &attachments),
        download_base: Some(format!("/cases/{id}/attachments/")),
        upload: matches!(
            case.state,
            CaseState::Triaged | CaseState::Coordinating | CaseState::PublicationScheduled
        )
        .then(|| format!("/cases/{id}/attachments")),
        error: error.filter(|e| e.form == "attach").map(|e| e.message.clone()),
        hint: attach_hint(t),
    };
    Ok((threads, Some(files)))
}

/// The file of an upload form, as the browser sent it.
struct Upload {
    csrf: String,
    name: String,
    media_type: String,
    bytes: Bytes,
}

/// Reads an upload form (`csrf` and `file`), or says in the visitor's language why not.
async fn read_upload(
    t: &Texts,
    form: Result<Multipart, MultipartRejection>,
) -> Result<Upload, (StatusCode, String)> {
    let unreadable = || (StatusCode::BAD_REQUEST, t.form_unreadable.to_owned());
    let too_large = || {
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            t.attach_too_large.replace("{n}", &(ATTACHMENT_MAX >> 20).to_string()),
        )
    };
    let mut form = form.map_err(|_| unreadable())?;
    let mut upload =
        Upload { csrf: String::new(), name: String::new(), media_type: String::new(), bytes: Bytes::new() };
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
            Err(_) => return Err(unreadable()),
        };
        match field.name() {
            Some("csrf") => upload.csrf = field.text().await.map_err(|_| unreadable())?,
            Some("file") => {
                // Some browsers send a whole path: only its last part names the file.
                let name = field.file_name().unwrap_or_default();
                upload.name = name.rsplit(['/', '\\']).next().unwrap_or_default().to_owned();
                upload.media_type = field.content_type().unwrap_or_default().to_owned();
                upload.bytes = match field.bytes().await {
                    Ok(b) => b,
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
                    Err(_) => return Err(unreadable()),
                };
            }
            _ => {}
        }
    }
    Ok(upload)
}

/// Checks what a person can fix before the use case checks again: a file is chosen and not
/// too large.
fn check_upload(t: &Texts, upload: &Upload) -> Result<(), (StatusCode, String)> {
    if upload.bytes.is_empty() {
        return Err((StatusCode::UNPROCESSABLE_ENTITY, t.attach_choose_file.to_owned()));
    }
    if upload.bytes.len() > ATTACHMENT_MAX {
        let message = t.attach_too_large.replace("{n}", &(ATTACHMENT_MAX >> 20).to_string());
        return Err((StatusCode::PAYLOAD_TOO_LARGE, message));
    }
    Ok(())
}

/// The message of a refused upload, in the visitor's language.
fn upload_refusal(t: &Texts, e: &AppError) -> Option<(StatusCode, String)> {
    refusal(t, e).map(|(status, _, message)| (status, message))
}

pub(crate) async fn case_upload(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    let t = ctx.t();
    let refused = |status, message| (status, Some(FormError::new("attach", "file", message)));
    let (status, error) = match read_upload(t, form).await {
        Err((status, message)) => refused(status, message),
        Ok(upload) => {
            if !ctx.csrf_ok(&upload.csrf) {
                return forbidden_form(ctx);
            }
            if let Err((status, message)) = check_upload(t, &upload) {
                refused(status, message)
            } else {
                let who = caller(&ctx);
                let now = Timestamp::now();
                match s
                    .app
                    .attach_to_case(&who, &id, &upload.name, &upload.media_type, &upload.bytes, now)
                    .await
                {
                    Ok(_) => return ctx.redirect(&format!("/cases/{id}#attachments")),
                    Err(AppError::NotFound(_) | AppError::Unauthenticated) => return not_found(ctx).await,
                    Err(e) => match upload_refusal(t, &e) {
                        Some((status, message)) => refused(status, message),
                        None => return server_error(ctx, e),
                    },
                }
            }
        }
    };
    case_page(&s, ctx, &id, status, None, error).await
}

/// A file of a case, for its participants; everyone else gets the 404 page.
pub(crate) async fn case_download(
    State(s): State<AppState>,
    ctx: Ctx,
    Path((id, attachment)): Path<(String, String)>,
) -> Response {
    match s.app.case_attachment(&caller(&ctx), &id, &attachment).await {
        Ok((view, bytes)) => crate::cases::file_response(&view, bytes),
        Err(AppError::NotFound(_) | AppError::Unauthenticated | AppError::Forbidden(_)) => {
            not_found(ctx).await
        }
        Err(e) => server_error(ctx, e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_in_words() {
        let (en, fr) = (Locale::En.texts(), Locale::Fr.texts());
        assert_eq!(size_text(en, 812), "812 B");
        assert_eq!(size_text(en, 14_540), "14.2 KB");
        assert_eq!(size_text(fr, 14_540), "14,2 Ko");
        assert_eq!(size_text(fr, 5 * 1024 * 1024), "5,0 Mo");
    }
}
