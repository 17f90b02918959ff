//! Advisories for everyone: the JSON API (`/api/v1/advisories…`, public: lists, OSV documents,
//! CVE JSON 5 records), the administrators' OSV import (`POST /api/v1/admin/advisories/import`),
//! and the OSV API's `GET /v1/vulns/{id}`.

use accord_app::AppError;
use accord_app::advisories::{AdvisoryListRequest, AdvisoryPage, AdvisorySummary, OsvDocument};
use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::osv_api_error;
use crate::extract::{ApiCaller, ApiQuery, too_large};
use crate::{ApiError, AppState};

type ApiResult<T> = Result<T, ApiError>;

/// How long clients and caches may keep an advisory document without asking again.
const CACHE_CONTROL: &str = "public, max-age=300";

/// Routes under `/api/v1`.
pub(crate) fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/advisories", get(list))
        .route("/advisories/{id}", get(one))
        .route("/advisories/{id}/osv", get(osv))
        .route("/advisories/{id}/cve", get(cve))
        .route(
            "/admin/advisories/import",
            post(import).layer(DefaultBodyLimit::max(crate::OSV_IMPORT_BODY_LIMIT)),
        )
}

/// The OSV API's routes (at the root).
pub(crate) fn osv_api_routes() -> Router<AppState> {
    Router::new()
        .route("/v1/vulns/{id}", get(vuln))
        .route("/v1/query", post(query))
        .route("/v1/querybatch", post(querybatch))
}

/// A JSON body of the OSV API, or the message of the OSV error for a body that is not one.
fn osv_body<T: serde::de::DeserializeOwned>(body: &Bytes) -> Result<T, String> {
    serde_json::from_slice(body).map_err(|e| format!("Invalid query: {e}"))
}

fn invalid_body(message: String) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "code": 3, "message": message }))).into_response()
}

/// `POST /v1/query`: the full records of the advisories affecting a package version (or a
/// commit), as the public OSV service answers.
async fn query(State(s): State<AppState>, body: Bytes) -> Response {
    let q: accord_app::osv_query::OsvQuery = match osv_body(&body) {
        Ok(q) => q,
        Err(m) => return invalid_body(m),
    };
    match s.app.osv_query(&q).await {
        Ok(a) => {
            // The records are sent as stored (their original text).
            let mut out = String::from("{");
            if !a.vulns.is_empty() {
                out.push_str("\"vulns\":[");
                out.push_str(&a.vulns.join(","));
                out.push(']');
            }
            if let Some(token) = &a.next_page_token {
                if !a.vulns.is_empty() {
                    out.push(',');
                }
                out.push_str(&format!("\"next_page_token\":{}", json!(token)));
            }
            out.push('}');
            let mut r = Response::new(Body::from(out));
            r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            r
        }
        Err(e) => osv_api_error(e),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Batch {
    queries: Vec<accord_app::osv_query::OsvQuery>,
}

/// `POST /v1/querybatch`: for each query, the ids and modification times of the advisories
/// that answer it.
async fn querybatch(State(s): State<AppState>, body: Bytes) -> Response {
    let batch: Batch = match osv_body(&body) {
        Ok(b) => b,
        Err(m) => return invalid_body(m),
    };
    match s.app.osv_querybatch(&batch.queries).await {
        Ok(answers) => ([(header::CONTENT_TYPE, "application/json")], answers.to_json()).into_response(),
        Err(e) => osv_api_error(e),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    ecosystem: Option<String>,
    package: Option<String>,
    q: Option<String>,
    severity: Option<String>,
    published_since: Option<String>,
    published_until: Option<String>,
    since: Option<String>,
    limit: Option<u32>,
    next: Option<String>,
}

async fn list(State(s): State<AppState>, ApiQuery(q): ApiQuery<ListQuery>) -> ApiResult<Json<AdvisoryPage>> {
    use accord_app::advisory_filters::{DayEnd, parse_date_bound, parse_severities};
    let since = q
        .since
        .as_deref()
        .map(|t| {
            t.parse::<Timestamp>().map_err(|_| {
                ApiError::bad_request("since", format!("since: {t:?} is not an RFC 3339 timestamp"))
            })
        })
        .transpose()?;
    let invalid = |e| ApiError::from(AppError::Invalid(e));
    let date = |field: &'static str, text: Option<&str>, end: DayEnd| {
        text.filter(|t| !t.is_empty()).map(|t| parse_date_bound(field, t, end)).transpose().map_err(invalid)
    };
    let request = AdvisoryListRequest {
        ecosystem: q.ecosystem.filter(|e| !e.is_empty()),
        package: q.package.filter(|p| !p.is_empty()),
        q: q.q,
        severity: q
            .severity
            .as_deref()
            .map(parse_severities)
            .transpose()
            .map_err(invalid)?
            .unwrap_or_default(),
        published_since: date("published_since", q.published_since.as_deref(), DayEnd::First)?,
        published_until: date("published_until", q.published_until.as_deref(), DayEnd::Last)?,
        since,
        limit: q.limit,
        next: q.next,
    };
    Ok(Json(s.app.advisories(&request).await?))
}

async fn one(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<AdvisorySummary>> {
    Ok(Json(s.app.advisory(&id).await?))
}

async fn osv(State(s): State<AppState>, Path(id): Path<String>, headers: HeaderMap) -> ApiResult<Response> {
    Ok(document(s.app.advisory_osv(&id).await?, &headers))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CveQuery {
    /// Which of the advisory's CVE ids the record is for.
    cve: Option<String>,
}

/// `GET /api/v1/advisories/{id}/cve[?cve=CVE-…]`: the advisory's CVE JSON 5 record (CNA
/// container); 404 when it has no CVE id, or not the one asked for.
async fn cve(
    State(s): State<AppState>,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<CveQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let wanted = q.cve.as_deref().filter(|c| !c.is_empty());
    Ok(document(s.app.advisory_cve(&id, wanted).await?, &headers))
}

/// `GET /v1/vulns/{id}` as the public OSV service answers it: the record, or
/// `404 {"code": 5, "message": "Bug not found."}`.
async fn vuln(State(s): State<AppState>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    match s.app.advisory_osv(&id).await {
        Ok(doc) => document(doc, &headers),
        Err(e) => osv_api_error(e),
    }
}

/// A cacheable JSON document: strong `ETag`, `Cache-Control`, `304` for a matching
/// `If-None-Match`.
pub(crate) fn document(doc: OsvDocument, headers: &HeaderMap) -> Response {
    let etag = format!("\"{}\"", doc.etag);
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut resp = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = Response::new(Body::from(doc.json));
        r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        r
    };
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(CACHE_CONTROL));
    resp
}

/// Imports one OSV record, a JSON list of them, `{"vulns": [...]}`, or a zip archive of such
/// files (administrators); all or nothing.
async fn import(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<Value>> {
    let body = body.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            ApiError::new(r.status(), "invalid_request", r.body_text())
        }
    })?;
    let counts = s.app.import_osv_body(&caller, body.to_vec(), Timestamp::now()).await?;
    Ok(Json(json!({
        "added": counts.added,
        "updated": counts.updated,
        "unchanged": counts.unchanged,
        "records": counts.added + counts.updated + counts.unchanged,
    })))
}
