//! The web interface: server-rendered pages in English and French, readable without JavaScript.

mod advisories;
mod advisory_texts;
mod atom;
mod cases;
mod context;
mod i18n;
mod intel;
mod log_page;
mod log_texts;
mod pages;
mod refusals;
mod throttle;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{get, post};

use crate::AppState;

pub(crate) use context::Ctx;
pub(crate) use throttle::LoginThrottle;

const STYLESHEET: &str = include_str!("../../static/accord.css");

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::home))
        .route("/signatories", get(pages::signatories))
        .route("/organizations/{id}", get(pages::organization))
        .route("/log", get(log_page::log_page))
        .route("/advisories", get(advisories::list))
        .route("/advisories/feed.atom", get(advisories::feed))
        .route("/advisories/{id}", get(advisories::one))
        .route("/intel", get(intel::collections))
        .route("/intel/{collection}", get(intel::collection))
        .route("/intel/{collection}/{object}", get(intel::object))
        .route("/report", get(cases::report_form).post(cases::submit_report))
        .route("/followup/{token}", get(cases::followup))
        .route("/followup/{token}/messages", post(cases::followup_post))
        .route(
            "/followup/{token}/attachments",
            post(cases::followup_upload).layer(DefaultBodyLimit::max(crate::WEB_UPLOAD_BODY_LIMIT)),
        )
        .route("/cases", get(cases::cases).post(cases::open_case))
        .route("/cases/{id}", get(cases::case))
        .route(
            "/cases/{id}/attachments",
            post(cases::case_upload).layer(DefaultBodyLimit::max(crate::WEB_UPLOAD_BODY_LIMIT)),
        )
        .route("/cases/{id}/attachments/{attachment}", get(cases::case_download))
        .route("/cases/{id}/{action}", post(cases::case_action))
        .route("/reports/{id}/reject", post(cases::reject_report))
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/static/accord.css", get(stylesheet))
        .fallback(fallback)
}

/// Paths no route matched: a TAXII error under `/taxii2/`, the web page otherwise.
async fn fallback(uri: axum::http::Uri, ctx: Ctx) -> axum::response::Response {
    if uri.path().starts_with("/taxii2/") || uri.path() == "/taxii2" {
        return crate::taxii::not_found();
    }
    pages::not_found(ctx).await
}

async fn stylesheet() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        STYLESHEET,
    )
}
