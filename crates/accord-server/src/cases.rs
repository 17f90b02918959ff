//! `/api/v1/reports`, `/api/v1/followup` and `/api/v1/cases`: coordinated disclosure.
//! Cases answer 404 to everyone who does not take part in them, until they are published.

use accord_app::model::OrganizationId;
use accord_app::model::cvd::{CaseAction, CloseReason, ReportStatus};
use accord_app::{AppError, AttachmentView, NewReport};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::extract::{ApiCaller, ApiJson, ApiQuery};
use crate::{ApiError, AppState};

type ApiResult<T> = Result<T, ApiError>;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/reports", post(submit_report).get(reports))
        .route("/reports/{id}", get(report))
        .route("/reports/{id}/rejection", post(reject_report))
        .route("/reports/{id}/duplicate", post(duplicate_report))
        .route("/followup/{token}", get(followup))
        .route("/followup/{token}/messages", get(followup_messages).post(followup_post))
        .route("/cases/{id}/messages", get(messages).post(post_message))
        .route(
            "/cases/{id}/attachments",
            get(case_attachments)
                .post(attach_to_case)
                .layer(DefaultBodyLimit::max(crate::ATTACHMENT_BODY_LIMIT)),
        )
        .route("/cases/{id}/attachments/{attachment}", get(case_attachment))
        .route(
            "/followup/{token}/attachments",
            get(followup_attachments)
                .post(followup_attach)
                .layer(DefaultBodyLimit::max(crate::ATTACHMENT_BODY_LIMIT)),
        )
        .route("/followup/{token}/attachments/{attachment}", get(followup_attachment))
        .route("/reports/{id}/attachments", get(report_attachments))
        .route("/cases", post(open_case).get(cases))
        .route("/cases/{id}", get(case))
        .route("/cases/{id}/history", get(history))
        .route("/cases/{id}/vendors", post(invite_vendor))
        .route("/cases/{id}/vendors/{organization_id}/products/{product}", put(set_product_status))
        .route("/cases/{id}/vendors/{organization_id}/consent", post(consent))
        .route("/cases/{id}/embargo", put(set_embargo))
        .route("/cases/{id}/scores", put(set_scores))
        .route("/cases/{id}/advisory", put(set_advisory_details))
        .route("/cases/{id}/schedule", post(schedule).delete(unschedule))
        .route("/cases/{id}/close", post(close))
        .route("/cases/{id}/reopen", post(reopen))
        .route("/cases/{id}/publish", post(publish))
        .route("/advisories/{id}/document", get(advisory_document))
}

fn to_json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

async fn submit_report(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(body): ApiJson<NewReport>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let (id, token) = s.app.submit_report(&caller, body, Timestamp::now()).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "id": id,
            "followup_token": token.expose(),
            "followup_url": format!("/followup/{}", token.expose()),
        })),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportFilter {
    #[serde(default)]
    status: Option<String>,
}

async fn reports(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(q): ApiQuery<ReportFilter>,
) -> ApiResult<Json<Value>> {
    let status = q
        .status
        .map(|st| st.parse::<ReportStatus>())
        .transpose()
        .map_err(|m| AppError::Invalid(accord_app::model::ValidationError::new("status", m)))?;
    let list = s.app.reports(&caller, status).await?;
    Ok(Json(json!({ "reports": to_json(&list) })))
}

async fn report(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    Ok(Json(to_json(&s.app.report(&caller, &id).await?)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Decision {
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    case_id: Option<String>,
}

async fn reject_report(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Decision>,
) -> ApiResult<Json<Value>> {
    let r = s
        .app
        .decide_report(&caller, &id, ReportStatus::Rejected, body.reason.as_deref(), None, Timestamp::now())
        .await?;
    Ok(Json(to_json(&r)))
}

async fn duplicate_report(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Decision>,
) -> ApiResult<Json<Value>> {
    let r = s
        .app
        .decide_report(
            &caller,
            &id,
            ReportStatus::Duplicate,
            body.reason.as_deref(),
            body.case_id.as_deref(),
            Timestamp::now(),
        )
        .await?;
    Ok(Json(to_json(&r)))
}

async fn followup(State(s): State<AppState>, Path(token): Path<String>) -> ApiResult<Json<Value>> {
    let (report, case) = s.app.followup(&token, Timestamp::now()).await?;
    Ok(Json(json!({ "report": to_json(&report), "case": case.as_ref().map(to_json) })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThreadQuery {
    #[serde(default)]
    thread: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewMessage {
    #[serde(default)]
    thread: Option<String>,
    body: String,
}

async fn messages(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ThreadQuery>,
) -> ApiResult<Json<Value>> {
    let list = s.app.messages(&caller, &id, q.thread.as_deref().unwrap_or("case")).await?;
    Ok(Json(json!({ "messages": to_json(&list) })))
}

async fn post_message(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewMessage>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let thread = body.thread.unwrap_or_else(|| "case".into());
    let m = s.app.post_message(&caller, &id, &thread, &body.body, Timestamp::now()).await?;
    Ok((StatusCode::CREATED, Json(to_json(&m))))
}

async fn followup_messages(State(s): State<AppState>, Path(token): Path<String>) -> ApiResult<Json<Value>> {
    let list = s.app.followup_messages(&token).await?;
    Ok(Json(json!({ "messages": to_json(&list) })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FinderMessage {
    body: String,
}

async fn followup_post(
    State(s): State<AppState>,
    Path(token): Path<String>,
    ApiJson(body): ApiJson<FinderMessage>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let m = s.app.followup_post(&token, &body.body, Timestamp::now()).await?;
    Ok((StatusCode::CREATED, Json(to_json(&m))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OpenCase {
    report_id: String,
}

async fn open_case(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(body): ApiJson<OpenCase>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let (case, receipt) = s.app.open_case_logged(&caller, &body.report_id, Timestamp::now()).await?;
    Ok((StatusCode::CREATED, Json(crate::api::with_receipt(to_json(&case), receipt))))
}

async fn cases(State(s): State<AppState>, ApiCaller(caller): ApiCaller) -> ApiResult<Json<Value>> {
    let list = s.app.cases(&caller, Timestamp::now()).await?;
    Ok(Json(json!({ "cases": to_json(&list) })))
}

async fn case(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    Ok(Json(to_json(&s.app.case(&caller, &id, Timestamp::now()).await?)))
}

async fn history(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    Ok(Json(json!({ "events": to_json(&s.app.case_history(&caller, &id).await?) })))
}

/// An organisation of the server by id, or a vendor that is not one yet (name, domain and a
/// security contact).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Invite {
    #[serde(default)]
    organization_id: Option<OrganizationId>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    domain: Option<String>,
    #[serde(default)]
    contact: Option<String>,
}

async fn invite_vendor(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Invite>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let now = Timestamp::now();
    let case = match body {
        Invite { organization_id: Some(org), name: None, domain: None, contact: None } => {
            s.app.invite_vendor(&caller, &id, org, now).await?
        }
        Invite { organization_id: None, name: Some(name), domain: Some(domain), contact: Some(contact) } => {
            s.app.invite_new_vendor(&caller, &id, &name, &domain, &contact, now).await?
        }
        _ => {
            return Err(AppError::Invalid(accord_app::model::ValidationError::new(
                "organization_id",
                "send either organization_id, or name, domain and contact of a vendor that is not registered",
            ))
            .into());
        }
    };
    Ok((StatusCode::CREATED, Json(to_json(&case))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Statement {
    status: String,
    #[serde(default)]
    justification: Option<String>,
    #[serde(default)]
    fixed_version: Option<String>,
    #[serde(default)]
    remediation: Option<String>,
}

async fn set_product_status(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((id, organization, product)): Path<(String, String, String)>,
    ApiJson(body): ApiJson<Statement>,
) -> ApiResult<Json<Value>> {
    let case = s
        .app
        .set_product_status(
            &caller,
            &id,
            &organization,
            &product,
            &body.status,
            body.justification.as_deref(),
            body.fixed_version.as_deref(),
            body.remediation.as_deref(),
            Timestamp::now(),
        )
        .await?;
    Ok(Json(to_json(&case)))
}

async fn consent(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((id, organization)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    let case = s.app.consent_to_publication(&caller, &id, &organization, Timestamp::now()).await?;
    Ok(Json(to_json(&case)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Embargo {
    public_date: Timestamp,
    reason: String,
}

async fn set_embargo(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Embargo>,
) -> ApiResult<Json<Value>> {
    let (case, receipt) =
        s.app.set_embargo_logged(&caller, &id, body.public_date, &body.reason, Timestamp::now()).await?;
    Ok(Json(crate::api::with_receipt(to_json(&case), receipt)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Scores {
    #[serde(default)]
    cvss_v31: Option<String>,
    #[serde(default)]
    cvss_v40: Option<String>,
    #[serde(default)]
    cve_ids: Vec<String>,
}

async fn set_scores(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Scores>,
) -> ApiResult<Json<Value>> {
    let case = s
        .app
        .set_scores(
            &caller,
            &id,
            body.cvss_v31.as_deref(),
            body.cvss_v40.as_deref(),
            &body.cve_ids,
            Timestamp::now(),
        )
        .await?;
    Ok(Json(to_json(&case)))
}

async fn set_advisory_details(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<accord_app::AdvisoryDetails>,
) -> ApiResult<Json<Value>> {
    Ok(Json(to_json(&s.app.set_advisory_details(&caller, &id, body, Timestamp::now()).await?)))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Note {
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

async fn change(
    s: &AppState,
    caller: &accord_app::Caller,
    id: &str,
    action: CaseAction,
    note: Option<&str>,
) -> ApiResult<Json<Value>> {
    let (case, receipt) = s.app.change_case_state_logged(caller, id, action, note, Timestamp::now()).await?;
    Ok(Json(crate::api::with_receipt(to_json(&case), receipt)))
}

async fn schedule(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    change(&s, &caller, &id, CaseAction::SchedulePublication, None).await
}

async fn unschedule(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    change(&s, &caller, &id, CaseAction::Unschedule, None).await
}

async fn close(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Note>,
) -> ApiResult<Json<Value>> {
    let reason: CloseReason = body
        .reason
        .as_deref()
        .ok_or_else(|| AppError::Invalid(accord_app::model::ValidationError::new("reason", "is required")))?
        .parse()
        .map_err(AppError::Invalid)?;
    change(&s, &caller, &id, CaseAction::Close(reason), body.note.as_deref()).await
}

async fn reopen(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Note>,
) -> ApiResult<Json<Value>> {
    change(&s, &caller, &id, CaseAction::Reopen, body.note.as_deref()).await
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Publish {
    #[serde(default)]
    reason: Option<String>,
}

async fn publish(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> ApiResult<(StatusCode, Json<Value>)> {
    // The body is optional: no body, or `{}`, or `{"reason": "…"}`.
    let reason = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        serde_json::from_slice::<Publish>(&body)
            .map_err(|e| {
                ApiError::new(StatusCode::BAD_REQUEST, "invalid_json", format!("request body: {e}"))
            })?
            .reason
    };
    let (advisory_id, receipts) =
        s.app.publish_case_logged(&caller, &id, reason.as_deref(), Timestamp::now()).await?;
    let body = json!({ "advisory_id": advisory_id, "log_receipts": receipts });
    Ok((StatusCode::CREATED, Json(crate::api::with_receipt(body, receipts.first().cloned()))))
}

async fn advisory_document(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    Ok(Json(s.app.advisory_document(&id).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileName {
    filename: String,
}

fn content_type(headers: &HeaderMap) -> &str {
    headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("")
}

async fn attach_to_case(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<FileName>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let a = s
        .app
        .attach_to_case(&caller, &id, &q.filename, content_type(&headers), &body, Timestamp::now())
        .await?;
    Ok((StatusCode::CREATED, Json(to_json(&a))))
}

async fn case_attachments(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    Ok(Json(json!({ "attachments": to_json(&s.app.case_attachments(&caller, &id).await?) })))
}

/// The file itself: never rendered by the browser, never cached.
async fn case_attachment(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((id, attachment)): Path<(String, String)>,
) -> ApiResult<Response> {
    let (view, bytes) = s.app.case_attachment(&caller, &id, &attachment).await?;
    Ok(file_response(&view, bytes))
}

async fn followup_attachment(
    State(s): State<AppState>,
    Path((token, attachment)): Path<(String, String)>,
) -> ApiResult<Response> {
    let (view, bytes) = s.app.followup_attachment(&token, &attachment).await?;
    let mut response = file_response(&view, bytes);
    // The token is in the URL: keep it out of Referer headers.
    response.headers_mut().insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    Ok(response)
}

/// An attachment as a download (also served by the case page): never rendered by the
/// browser, never sniffed, never cached.
pub(crate) fn file_response(view: &AttachmentView, bytes: Vec<u8>) -> Response {
    let disposition =
        format!("attachment; filename=\"download\"; filename*=UTF-8''{}", url_encode(&view.name));
    let mut response = bytes.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type(&view.media_type)));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The stored media type as a static header value (only the checked types are ever stored).
fn media_type(stored: &str) -> &'static str {
    match stored {
        "application/pdf" => "application/pdf",
        "image/png" => "image/png",
        "image/jpeg" => "image/jpeg",
        "application/zip" => "application/zip",
        "application/json" => "application/json",
        "text/plain" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Percent-encodes a file name for `filename*` (RFC 8187): unreserved characters stay.
fn url_encode(name: &str) -> String {
    name.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn followup_attach(
    State(s): State<AppState>,
    Path(token): Path<String>,
    ApiQuery(q): ApiQuery<FileName>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let a =
        s.app.followup_attach(&token, &q.filename, content_type(&headers), &body, Timestamp::now()).await?;
    Ok((StatusCode::CREATED, Json(to_json(&a))))
}

async fn followup_attachments(
    State(s): State<AppState>,
    Path(token): Path<String>,
) -> ApiResult<Json<Value>> {
    Ok(Json(json!({ "attachments": to_json(&s.app.followup_attachments(&token).await?) })))
}

async fn report_attachments(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    Ok(Json(json!({ "attachments": to_json(&s.app.report_attachments(&caller, &id).await?) })))
}
