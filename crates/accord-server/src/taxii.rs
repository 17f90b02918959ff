//! TAXII 2.1 under `/taxii2/`: discovery, API roots, collections. Every answer is
//! `application/taxii+json;version=2.1`; every error is a TAXII error resource; HTTP Basic
//! (any user name, the API token as password) and Bearer authenticate.

use accord_app::taxii_protocol::media::check_accept;
use accord_app::taxii_protocol::{Access, Collection, ErrorResource, MediaError, TAXII_MEDIA_TYPE};
use accord_app::{AppError, Caller, ObjectsPage, ObjectsRequest, StoredObject};
use axum::extract::{FromRequestParts, Path, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use base64::Engine;
use serde::Serialize;
use serde_json::{Value, json};

use crate::AppState;

/// The media type of STIX content in collections.
const STIX_MEDIA_TYPE: &str = "application/stix+json;version=2.1";

pub(crate) fn routes() -> Router<AppState> {
    // Unmatched paths under /taxii2/ are answered by `not_found` through the server's fallback.
    Router::new()
        .route("/taxii2/", get(discovery))
        .route("/taxii2/{root}/", get(api_root))
        .route("/taxii2/{root}/collections/", get(collections))
        .route("/taxii2/{root}/collections/{id}/", get(collection))
        .route("/taxii2/{root}/collections/{id}/objects/", get(get_objects).post(add_objects))
        .route("/taxii2/{root}/collections/{id}/manifest/", get(manifest))
        .route("/taxii2/{root}/collections/{id}/objects/{object_id}/", get(get_object).delete(delete_object))
        .route("/taxii2/{root}/collections/{id}/objects/{object_id}/versions/", get(versions))
        .route("/taxii2/{root}/status/{status_id}/", get(status))
        .layer(axum::extract::DefaultBodyLimit::max(crate::TAXII_BODY_LIMIT))
}

/// The answer to a path under `/taxii2/` that names no TAXII resource.
pub(crate) fn not_found() -> Response {
    TaxiiError::not_found("TAXII resource").into_response()
}

/// The answer to a body over the TAXII limit.
pub(crate) fn too_large() -> Response {
    TaxiiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "Payload too large",
        format!("TAXII request bodies are limited to {} bytes (max_content_length)", crate::TAXII_BODY_LIMIT),
    )
    .into_response()
}

/// A TAXII error: status and error resource.
pub(crate) struct TaxiiError {
    status: StatusCode,
    resource: Box<ErrorResource>,
}

impl TaxiiError {
    fn new(status: StatusCode, title: &str, description: impl Into<String>) -> Self {
        Self { status, resource: Box::new(ErrorResource::new(status.as_u16(), title, description)) }
    }

    fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "Not found", format!("{what} not found"))
    }
}

impl From<AppError> for TaxiiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Unauthenticated => Self::new(
                StatusCode::UNAUTHORIZED,
                "Authentication required",
                "send HTTP Basic (the API token as password) or Authorization: Bearer <token>",
            ),
            AppError::Forbidden(why) => Self::new(StatusCode::FORBIDDEN, "Forbidden", why.to_string()),
            AppError::NotFound(what) => Self::not_found(what),
            AppError::Invalid(v) => Self::new(StatusCode::BAD_REQUEST, "Bad request", v.to_string()),
            AppError::Conflict(m) => Self::new(StatusCode::CONFLICT, "Conflict", m.to_string()),
            AppError::SignatureRejected(m) => Self::new(StatusCode::UNPROCESSABLE_ENTITY, "Unprocessable", m),
            AppError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal error", "internal server error")
            }
        }
    }
}

impl From<MediaError> for TaxiiError {
    fn from(e: MediaError) -> Self {
        match e {
            MediaError::NotAcceptable => {
                Self::new(StatusCode::NOT_ACCEPTABLE, "Not acceptable", e.to_string())
            }
            MediaError::UnsupportedMediaType => {
                Self::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "Unsupported media type", e.to_string())
            }
        }
    }
}

impl IntoResponse for TaxiiError {
    fn into_response(self) -> Response {
        let mut resp = (self.status, Json(*self.resource)).into_response();
        let h = resp.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(TAXII_MEDIA_TYPE));
        if self.status == StatusCode::UNAUTHORIZED {
            h.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"accord\", Bearer realm=\"accord\""),
            );
        }
        resp
    }
}

/// A TAXII resource with the TAXII content type.
fn taxii<T: Serialize>(body: T) -> Response {
    let mut resp = Json(body).into_response();
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(TAXII_MEDIA_TYPE));
    resp
}

/// A TAXII resource already written as JSON text.
fn taxii_text(status: StatusCode, body: String) -> Response {
    let mut resp = (status, body).into_response();
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(TAXII_MEDIA_TYPE));
    resp
}

/// The caller of a TAXII request, after the `Accept` check: anonymous without
/// `Authorization`; a user with a valid Basic password or Bearer token; 401 otherwise.
pub(crate) struct TaxiiCaller(pub Caller);

impl FromRequestParts<AppState> for TaxiiCaller {
    type Rejection = TaxiiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        check_accept(parts.headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()))?;
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Ok(Self(Caller::Anonymous));
        };
        let value = value.to_str().map_err(|_| AppError::Unauthenticated)?;
        let token = if let Some(b) = value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer ")) {
            b.trim().to_owned()
        } else if let Some(b) = value.strip_prefix("Basic ").or_else(|| value.strip_prefix("basic ")) {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(b.trim())
                .ok()
                .and_then(|d| String::from_utf8(d).ok())
                .ok_or(AppError::Unauthenticated)?;
            decoded
                .split_once(':')
                .map(|(_, password)| password.to_owned())
                .ok_or(AppError::Unauthenticated)?
        } else {
            return Err(AppError::Unauthenticated.into());
        };
        Ok(Self(state.app.authenticate_token(&token).await?))
    }
}

/// The URL the client used to reach us, for the absolute URLs of discovery.
pub(crate) fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(public) = &state.config.public_url {
        return public.trim_end_matches('/').to_owned();
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1");
    format!("http://{host}")
}

async fn discovery(
    State(s): State<AppState>,
    TaxiiCaller(_): TaxiiCaller,
    headers: HeaderMap,
) -> Result<Response, TaxiiError> {
    let base = base_url(&s, &headers);
    let roots = s.app.api_roots().await?;
    let urls: Vec<String> = roots.iter().map(|r| format!("{base}/taxii2/{}/", r.name)).collect();
    let mut body = json!({
        "title": "Accord TAXII server",
        "description": "Threat intelligence shared by the signatories of the Cybersecurity Tech Accord.",
    });
    if let Some(first) = urls.first() {
        body["default"] = Value::String(first.clone());
    }
    if !urls.is_empty() {
        body["api_roots"] = json!(urls);
    }
    Ok(taxii(body))
}

async fn api_root(
    State(s): State<AppState>,
    TaxiiCaller(_): TaxiiCaller,
    Path(root): Path<String>,
) -> Result<Response, TaxiiError> {
    let r = s.app.api_root(&root).await?;
    let mut body = json!({
        "title": r.title,
        "versions": [TAXII_MEDIA_TYPE],
        "max_content_length": r.max_content_length,
    });
    if let Some(d) = r.description {
        body["description"] = Value::String(d);
    }
    Ok(taxii(body))
}

fn collection_resource(c: &Collection, a: Access) -> Value {
    let mut v = json!({
        "id": c.id.as_str(),
        "title": c.title,
        "can_read": a.can_read,
        "can_write": a.can_write,
        "media_types": [STIX_MEDIA_TYPE],
    });
    if let Some(d) = &c.description {
        v["description"] = Value::String(d.clone());
    }
    v
}

async fn collections(
    State(s): State<AppState>,
    TaxiiCaller(caller): TaxiiCaller,
    Path(root): Path<String>,
) -> Result<Response, TaxiiError> {
    let list = s.app.collections(&caller, &root).await?;
    if list.is_empty() {
        return Ok(taxii(json!({})));
    }
    let items: Vec<Value> = list.iter().map(|(c, a)| collection_resource(c, *a)).collect();
    Ok(taxii(json!({ "collections": items })))
}

async fn collection(
    State(s): State<AppState>,
    TaxiiCaller(caller): TaxiiCaller,
    Path((root, id)): Path<(String, String)>,
) -> Result<Response, TaxiiError> {
    let (c, a) = s.app.collection(&caller, &root, &id).await?;
    Ok(taxii(collection_resource(&c, a)))
}

async fn add_objects(
    State(s): State<AppState>,
    TaxiiCaller(caller): TaxiiCaller,
    Path((root, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, TaxiiError> {
    accord_app::taxii_protocol::media::check_content_type(
        headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()),
    )?;
    let body = std::str::from_utf8(&body)
        .map_err(|_| TaxiiError::new(StatusCode::BAD_REQUEST, "Bad request", "the body is not UTF-8"))?;
    let status = s.app.add_objects(&caller, &root, &id, body, jiff::Timestamp::now()).await?;
    Ok(taxii_text(StatusCode::ACCEPTED, status))
}

async fn status(
    State(s): State<AppState>,
    TaxiiCaller(caller): TaxiiCaller,
    Path((root, status_id)): Path<(String, String)>,
) -> Result<Response, TaxiiError> {
    let resource = s.app.taxii_status(&caller, &root, &status_id).await?;
    Ok(taxii_text(StatusCode::OK, resource))
}

async fn get_objects(
    State(s): State<AppState>,
    TaxiiCaller(caller): TaxiiCaller,
    Path((root, id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response, TaxiiError> {
    let page = s.app.objects(&caller, &root, &id, ObjectsRequest::Collection, &pairs(query)?).await?;
    Ok(page_response(&page, "objects", |o| o.raw.clone()))
}

async fn get_object(
    State(s): State<AppState>,
    TaxiiCaller(caller): TaxiiCaller,
    Path((root, id, object_id)): Path<(String, String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response, TaxiiError> {
    let page = one_object(&s, &caller, &root, &id, ObjectsRequest::Object(&object_id), query).await?;
    Ok(page_response(&page, "objects", |o| o.raw.clone()))
}

async fn delete_object(
    State(s): State<AppState>,
    TaxiiCaller(caller): TaxiiCaller,
    Path((root, id, object_id)): Path<(String, String, String)>,
    RawQuery(query): RawQuery,
) -> Result<StatusCode, TaxiiError> {
    s.app.delete_object(&caller, &root, &id, &object_id, &pairs(query)?, jiff::Timestamp::now()).await?;
    Ok(StatusCode::OK)
}

async fn versions(
    State(s): State<AppState>,
    TaxiiCaller(caller): TaxiiCaller,
    Path((root, id, object_id)): Path<(String, String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response, TaxiiError> {
    let page = one_object(&s, &caller, &root, &id, ObjectsRequest::Versions(&object_id), query).await?;
    Ok(page_response(&page, "versions", |o| Value::String(o.version.clone()).to_string()))
}

/// A page about one object; 404 when the first page is empty, whether the object does not
/// exist or the caller may not see it.
async fn one_object(
    s: &AppState,
    caller: &Caller,
    root: &str,
    collection: &str,
    request: ObjectsRequest<'_>,
    query: Option<String>,
) -> Result<ObjectsPage, TaxiiError> {
    let parameters = pairs(query)?;
    let page = s.app.objects(caller, root, collection, request, &parameters).await?;
    if page.objects.is_empty() && !parameters.iter().any(|(k, _)| k == "next") {
        return Err(TaxiiError::not_found("object"));
    }
    Ok(page)
}

async fn manifest(
    State(s): State<AppState>,
    TaxiiCaller(caller): TaxiiCaller,
    Path((root, id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response, TaxiiError> {
    let page = s.app.objects(&caller, &root, &id, ObjectsRequest::Collection, &pairs(query)?).await?;
    Ok(page_response(&page, "objects", |o| {
        json!({
            "id": o.object_id,
            "date_added": accord_app::model::time::format_timestamp(o.date_added),
            "version": o.version,
            "media_type": STIX_MEDIA_TYPE,
        })
        .to_string()
    }))
}

/// `{"more": …, "next": …, "<list>": [...]}` (or `{}` when empty) with the date-added headers.
/// Written by hand so that every object goes out exactly as it was received.
fn page_response(page: &ObjectsPage, list: &str, item: impl Fn(&StoredObject) -> String) -> Response {
    let mut body = String::with_capacity(page.objects.iter().map(|o| o.raw.len() + 1).sum::<usize>() + 64);
    if page.objects.is_empty() && !page.more {
        body.push_str("{}");
    } else {
        body.push_str(&format!("{{\"more\":{}", page.more));
        if let Some(next) = &page.next {
            body.push_str(&format!(",\"next\":{}", Value::String(next.clone())));
        }
        body.push_str(&format!(",\"{list}\":["));
        for (i, o) in page.objects.iter().enumerate() {
            if i > 0 {
                body.push(',');
            }
            body.push_str(&item(o));
        }
        body.push_str("]}");
    }
    let mut resp = taxii_text(StatusCode::OK, body);
    let h = resp.headers_mut();
    for (name, t) in
        [("x-taxii-date-added-first", page.first_added), ("x-taxii-date-added-last", page.last_added)]
    {
        if let Some(t) = t
            && let Ok(v) = HeaderValue::from_str(&accord_app::model::time::format_timestamp(t))
        {
            h.insert(name, v);
        }
    }
    resp
}

/// The query string as decoded pairs (repeated names kept).
fn pairs(query: Option<String>) -> Result<Vec<(String, String)>, TaxiiError> {
    match query {
        Some(q) => serde_urlencoded_pairs(&q),
        None => Ok(Vec::new()),
    }
}

/// Decodes `a=b&c=d` into pairs, keeping repeated names.
fn serde_urlencoded_pairs(query: &str) -> Result<Vec<(String, String)>, TaxiiError> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(query).map_err(|e| {
        TaxiiError::new(StatusCode::BAD_REQUEST, "Bad request", format!("the query string is malformed: {e}"))
    })
}
