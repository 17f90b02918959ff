//! The transparency log's read API (C2SP tlog-tiles under `/log`): the checkpoint, hash tiles
//! and entry bundles, and the log's verifier key.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;
use accord_app::AppError;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/log/checkpoint", get(checkpoint))
        .route("/log/tile/{*path}", get(tile))
        .route("/.well-known/accord/log-key", get(key))
}

fn text(status: StatusCode, body: String, cache: &'static str) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
        ],
        body,
    )
        .into_response()
}

fn failed(e: AppError) -> Response {
    match e {
        AppError::NotFound(what) => text(StatusCode::NOT_FOUND, format!("{what} not found\n"), "no-store"),
        other => {
            tracing::error!(error = %other, "transparency log read failed");
            text(StatusCode::INTERNAL_SERVER_ERROR, "internal error\n".into(), "no-store")
        }
    }
}

/// `GET /log/checkpoint`: the latest signed checkpoint; cached at most 5 seconds.
async fn checkpoint(State(s): State<AppState>) -> Response {
    match s.app.log_checkpoint().await {
        Ok(note) => text(StatusCode::OK, note, "public, max-age=5"),
        Err(e) => failed(e),
    }
}

/// `GET /log/tile/<L>/<N>[.p/<W>]` and `GET /log/tile/entries/<N>[.p/<W>]`: full tiles are
/// immutable; partial ones change as the log grows. Paths that are not canonical and tiles
/// beyond the tree are not found.
async fn tile(State(s): State<AppState>, Path(path): Path<String>) -> Response {
    match s.app.log_tile(&format!("tile/{path}")).await {
        Ok(tile) => {
            let cache = if tile.full { "public, max-age=31536000, immutable" } else { "public, max-age=5" };
            (
                StatusCode::OK,
                [
                    (header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream")),
                    (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
                ],
                tile.bytes,
            )
                .into_response()
        }
        Err(e) => failed(e),
    }
}

/// `GET /.well-known/accord/log-key`: the log's verifier key, one line.
async fn key(State(s): State<AppState>) -> Response {
    match s.app.log_verifier_key() {
        Some(k) => text(StatusCode::OK, format!("{k}\n"), "public, max-age=300"),
        None => failed(AppError::NotFound("log")),
    }
}
