//! CSAF 2.0: each advisory's documents (`/api/v1/advisories/{id}/csaf` and `/csaf-vex`) and
//! the provider tree under `/.well-known/csaf/` (metadata, the TLP:WHITE folder with its
//! documents, hashes, signatures, `index.txt`, `changes.csv` and ROLIE feed, and the public
//! OpenPGP key). Everything here is public.

use accord_app::advisories::OsvDocument;
use accord_app::csaf::{Category, TLP_FOLDER};
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::advisories::document;
use crate::{ApiError, AppState};

/// How long caches may keep the provider's lists and metadata.
const LIST_CACHE: &str = "public, max-age=300";

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/advisories/{id}/csaf", get(security_advisory))
        .route("/api/v1/advisories/{id}/csaf-vex", get(vex))
        .route("/.well-known/csaf/provider-metadata.json", get(metadata))
        .route("/.well-known/csaf/openpgp/{file}", get(public_key))
        .route(&format!("/.well-known/csaf/{TLP_FOLDER}/{{*path}}"), get(file))
}

async fn csaf(s: AppState, id: &str, category: Category, headers: &HeaderMap) -> Result<Response, ApiError> {
    let base = crate::base_url(&s, headers);
    let doc = s.app.advisory_csaf(id, category, &base).await?;
    Ok(document(OsvDocument { json: doc.json, etag: doc.etag }, headers))
}

/// `GET /api/v1/advisories/{id}/csaf`: the `csaf_security_advisory` document (404 when the
/// advisory names no product).
async fn security_advisory(
    State(s): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    csaf(s, &id, Category::SecurityAdvisory, &headers).await
}

/// `GET /api/v1/advisories/{id}/csaf-vex`: the `csaf_vex` document.
async fn vex(
    State(s): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    csaf(s, &id, Category::Vex, &headers).await
}

fn text(content_type: &'static str, cache: &'static str, body: String) -> Response {
    let mut r = Response::new(Body::from(body));
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    r
}

async fn metadata(State(s): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let base = crate::base_url(&s, &headers);
    let metadata = s.app.csaf_provider_metadata(&base).await?;
    let body = serde_json::to_string_pretty(&metadata)
        .map_err(|e| ApiError::from(accord_app::AppError::Internal(e.to_string())))?;
    Ok(text("application/json", LIST_CACHE, body))
}

async fn public_key(State(s): State<AppState>, Path(file): Path<String>) -> Response {
    match s.app.csaf_signer() {
        Some(signer) if file == format!("{}.asc", signer.fingerprint()) => {
            text("application/pgp-keys", "public, max-age=86400", signer.public_key().to_owned())
        }
        _ => not_found(),
    }
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        axum::Json(serde_json::json!({ "error": "not_found", "message": "no such file" })),
    )
        .into_response()
}

async fn file(
    State(s): State<AppState>,
    Path(path): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let base = crate::base_url(&s, &headers);
    let Some(found) = s.app.csaf_file(&base, &path).await? else { return Ok(not_found()) };
    // Documents and what belongs to them change only with the advisory; lists with every one.
    let is_document_file = path.contains('/');
    if is_document_file {
        let mut r = document(OsvDocument { json: found.body, etag: found.etag }, &headers);
        if r.status() == StatusCode::OK {
            r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(found.content_type));
        }
        return Ok(r);
    }
    Ok(text(found.content_type, LIST_CACHE, found.body))
}
