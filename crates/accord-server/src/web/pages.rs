//! Page handlers and their templates.

use accord_app::model::time::format_timestamp;
use accord_app::model::{AccordVersion, Organization, OrganizationKind, OrganizationStatus};
use accord_app::{LoginOutcome, RegistryCounts};
use askama::Template;
use axum::Form;
use std::time::Instant;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use serde::Deserialize;

use super::Ctx;
use super::context::Chrome;
use super::i18n::{Locale, Texts};
use crate::AppState;
use crate::extract::PeerAddr;

/// A heading or paragraph of the accord text.
pub(crate) struct Block {
    pub level: u8,
    pub text: String,
}

/// Splits the accord text into headings (`#`, `##`) and paragraphs (blank-line separated).
fn blocks(text: &str) -> Vec<Block> {
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            if let Some(h) = p.strip_prefix("## ") {
                Block { level: 2, text: h.trim().to_owned() }
            } else if let Some(h) = p.strip_prefix("# ") {
                Block { level: 1, text: h.trim().to_owned() }
            } else {
                Block { level: 0, text: p.split_whitespace().collect::<Vec<_>>().join(" ") }
            }
        })
        .collect()
}

pub(crate) struct AccordView {
    pub version: String,
    pub sha256: String,
    pub published: String,
    pub blocks: Vec<Block>,
}

impl AccordView {
    fn new(a: &AccordVersion, locale: Locale) -> Self {
        Self {
            version: a.version.to_string(),
            sha256: a.sha256.clone(),
            published: locale.date(a.published_at),
            blocks: blocks(a.text.as_str()),
        }
    }
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    counts: RegistryCounts,
    signatories: Vec<OrgRow>,
    accord: Option<AccordView>,
}

pub(crate) async fn home(State(s): State<AppState>, ctx: Ctx) -> Response {
    let (counts, accord, signatories) =
        match (s.app.counts().await, s.app.accord_latest().await, s.app.signatories().await) {
            (Ok(c), Ok(a), Ok(o)) => (c, a, o),
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return server_error(ctx, e),
        };
    let l = ctx.locale;
    let page = HomePage {
        chrome: ctx.chrome(ctx.t().home_title),
        counts,
        signatories: signatories.iter().map(|o| row(o, o.signed_at, l)).collect(),
        accord: accord.as_ref().map(|a| AccordView::new(a, ctx.locale)),
    };
    ctx.render(StatusCode::OK, &page)
}

/// One organisation in a list.
pub(crate) struct OrgRow {
    pub id: String,
    pub name: String,
    pub domain: String,
    pub date: String,
    pub iso_date: String,
    pub version: String,
}

fn row(o: &Organization, when: Option<jiff::Timestamp>, locale: Locale) -> OrgRow {
    OrgRow {
        id: o.id.to_string(),
        name: o.name.clone(),
        domain: o.domain.clone(),
        date: when.map(|t| locale.date(t)).unwrap_or_default(),
        iso_date: when.map(format_timestamp).unwrap_or_default(),
        version: o.signed_version.map(|v| v.to_string()).unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "signatories.html")]
struct SignatoriesPage {
    chrome: Chrome,
    signed: Vec<OrgRow>,
    invited: Vec<OrgRow>,
    withdrawn: Vec<OrgRow>,
}

pub(crate) async fn signatories(State(s): State<AppState>, ctx: Ctx) -> Response {
    let (signed, invited, withdrawn) = match (
        s.app.signatories().await,
        s.app.organizations(Some(OrganizationStatus::Invited)).await,
        s.app.organizations(Some(OrganizationStatus::Withdrawn)).await,
    ) {
        (Ok(a), Ok(b), Ok(c)) => (a, b, c),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return server_error(ctx, e),
    };
    let l = ctx.locale;
    let page = SignatoriesPage {
        chrome: ctx.chrome(ctx.t().signatories_title),
        signed: signed.iter().map(|o| row(o, o.signed_at, l)).collect(),
        invited: invited.iter().map(|o| row(o, o.invited_at, l)).collect(),
        withdrawn: withdrawn.iter().map(|o| row(o, o.withdrawn_at, l)).collect(),
    };
    ctx.render(StatusCode::OK, &page)
}

pub(crate) struct KeyRow {
    pub public_key: String,
    pub fingerprint: String,
    pub added: String,
    pub revoked: bool,
}

pub(crate) struct SignatureRow {
    pub version: String,
    pub date: String,
    pub statement: String,
    pub signature: String,
}

#[derive(Template)]
#[template(path = "organization.html")]
struct OrganizationPage {
    chrome: Chrome,
    name: String,
    domain: String,
    kind: &'static str,
    status: &'static str,
    status_code: &'static str,
    contact: Option<String>,
    signed_on: Option<String>,
    invited_on: Option<String>,
    withdrawn_on: Option<String>,
    keys: Vec<KeyRow>,
    signatures: Vec<SignatureRow>,
}

fn status_label(t: &Texts, s: OrganizationStatus) -> &'static str {
    match s {
        OrganizationStatus::Signatory => t.status_signatory,
        OrganizationStatus::Invited => t.status_invited,
        OrganizationStatus::Withdrawn => t.status_withdrawn,
        OrganizationStatus::NotInvited => t.status_not_invited,
    }
}

fn kind_label(t: &Texts, k: OrganizationKind) -> &'static str {
    match k {
        OrganizationKind::Vendor => t.kind_vendor,
        OrganizationKind::Cert => t.kind_cert,
        OrganizationKind::Research => t.kind_research,
        OrganizationKind::Customer => t.kind_customer,
    }
}

pub(crate) async fn organization(State(s): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse() else { return not_found(ctx).await };
    let d = match s.app.organization_detail(id).await {
        Ok(d) => d,
        Err(accord_app::AppError::NotFound(_)) => return not_found(ctx).await,
        Err(e) => return server_error(ctx, e),
    };
    let (t, l) = (ctx.t(), ctx.locale);
    let o = &d.organization;
    let page = OrganizationPage {
        chrome: ctx.chrome(&o.name),
        name: o.name.clone(),
        domain: o.domain.clone(),
        kind: kind_label(t, o.kind),
        status: status_label(t, o.status),
        status_code: o.status.as_str(),
        contact: o.security_contact.as_ref().map(|c| c.as_str().to_owned()),
        signed_on: o.signed_at.map(|x| l.date(x)),
        invited_on: o.invited_at.map(|x| l.date(x)),
        withdrawn_on: o.withdrawn_at.map(|x| l.date(x)),
        keys: d
            .keys
            .iter()
            .map(|k| KeyRow {
                public_key: k.public_key.to_base64(),
                fingerprint: k.fingerprint.clone(),
                added: l.date(k.added_at),
                revoked: k.revoked_at.is_some(),
            })
            .collect(),
        signatures: d
            .signatures
            .iter()
            .map(|s| SignatureRow {
                version: s.version.to_string(),
                date: l.date(s.signed_at),
                statement: s.statement.clone(),
                signature: s.signature.to_base64(),
            })
            .collect(),
    };
    ctx.render(StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    email: String,
    email_error: Option<&'static str>,
    password_error: Option<&'static str>,
    form_error: Option<&'static str>,
}

pub(crate) async fn login_form(ctx: Ctx) -> Response {
    let page = LoginPage {
        chrome: ctx.chrome(ctx.t().login_title),
        email: String::new(),
        email_error: None,
        password_error: None,
        form_error: None,
    };
    ctx.render(StatusCode::OK, &page)
}

#[derive(Deserialize)]
pub(crate) struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

pub(crate) async fn login(
    State(s): State<AppState>,
    PeerAddr(addr): PeerAddr,
    mut ctx: Ctx,
    Form(f): Form<LoginForm>,
) -> Response {
    let t = ctx.t();
    let mut page = LoginPage {
        chrome: ctx.chrome(t.login_title),
        email: f.email.trim().to_owned(),
        email_error: None,
        password_error: None,
        form_error: None,
    };
    if !ctx.csrf_ok(&f.csrf) {
        page.form_error = Some(t.form_expired);
        return ctx.render(StatusCode::FORBIDDEN, &page);
    }
    if page.email.is_empty() {
        page.email_error = Some(t.field_required);
    }
    if f.password.is_empty() {
        page.password_error = Some(t.field_required);
    }
    if page.email_error.is_some() || page.password_error.is_some() {
        page.form_error = Some(t.field_required);
        return ctx.render(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let now = Instant::now();
    if !s.login_throttle.allows(addr, &page.email, now) {
        page.form_error = Some(t.too_many_attempts);
        let mut resp = ctx.render(StatusCode::TOO_MANY_REQUESTS, &page);
        resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(throttle_seconds()));
        return resp;
    }
    match s.app.login(&page.email, &f.password, jiff::Timestamp::now()).await {
        Ok(LoginOutcome::LoggedIn(session)) => {
            s.login_throttle.succeeded(&page.email);
            let max_age = (session.expires_at - jiff::Timestamp::now()).get_seconds().max(0);
            ctx.start_session(session.token.expose(), max_age);
            ctx.redirect("/")
        }
        Ok(LoginOutcome::Refused) => {
            s.login_throttle.failed(addr, &page.email, now);
            page.form_error = Some(t.login_failed);
            ctx.render(StatusCode::UNAUTHORIZED, &page)
        }
        Err(e) => server_error(ctx, e),
    }
}

fn throttle_seconds() -> u64 {
    super::throttle::WINDOW.as_secs()
}

#[derive(Deserialize)]
pub(crate) struct LogoutForm {
    #[serde(default)]
    csrf: String,
}

pub(crate) async fn logout(State(s): State<AppState>, mut ctx: Ctx, Form(f): Form<LogoutForm>) -> Response {
    if !ctx.csrf_ok(&f.csrf) {
        let t = ctx.t();
        let page = ErrorPage { chrome: ctx.chrome(t.error_title), text: t.form_expired };
        return ctx.render(StatusCode::FORBIDDEN, &page);
    }
    if let Some(token) = ctx.session_token.clone()
        && let Err(e) = s.app.logout(&token).await
    {
        return server_error(ctx, e);
    }
    ctx.end_session();
    ctx.redirect("/")
}

#[derive(Template)]
#[template(path = "error.html")]
pub(crate) struct ErrorPage {
    pub chrome: Chrome,
    pub text: &'static str,
}

pub(crate) async fn not_found(ctx: Ctx) -> Response {
    let t = ctx.t();
    let page = ErrorPage { chrome: ctx.chrome(t.not_found_title), text: t.not_found_text };
    ctx.render(StatusCode::NOT_FOUND, &page)
}

pub(crate) fn server_error(ctx: Ctx, e: accord_app::AppError) -> Response {
    tracing::error!(error = %e, "page failed");
    let t = ctx.t();
    let page = ErrorPage { chrome: ctx.chrome(t.error_title), text: t.error_text };
    ctx.render(StatusCode::INTERNAL_SERVER_ERROR, &page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accord_text_blocks() {
        let b = blocks("# Title\n\nSome\ntext here.\n\n## 1. One\n\nMore.");
        let got: Vec<(u8, &str)> = b.iter().map(|b| (b.level, b.text.as_str())).collect();
        assert_eq!(got, vec![(1, "Title"), (0, "Some text here."), (2, "1. One"), (0, "More.")]);
    }
}
