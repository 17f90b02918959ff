//! The middleware around every route: request ids, tracing, metrics, body-size limits,
//! timeouts, panic containment and security headers.

use std::any::Any;

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower::ServiceBuilder;
use tower_http::LatencyUnit;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

use crate::extract::too_large;
use crate::{ApiError, AppState};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Content-Security-Policy of every response: no scripts at all, our own stylesheet only.
const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
                   frame-ancestors 'none'; base-uri 'none'";

pub(crate) fn wrap(routes: Router, state: AppState) -> Router {
    let timeout = state.config.request_timeout;
    let limit = state.config.body_limit;
    routes
        .layer(DefaultBodyLimit::max(limit))
        .layer(middleware::from_fn_with_state(state.clone(), reject_declared_oversize))
        .layer(middleware::from_fn_with_state(state, record_metrics))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http().make_span_with(|req: &Request| {
                        let id = req
                            .headers()
                            .get(REQUEST_ID)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("-");
                        tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
                    })
                    .on_request(())
                    .on_response(DefaultOnResponse::new().level(tracing::Level::INFO).latency_unit(LatencyUnit::Micros)),
                )
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(CatchPanicLayer::custom(panic_response))
                .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(CSP),
                ))
                .layer(SetResponseHeaderLayer::overriding(
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ))
                .layer(SetResponseHeaderLayer::overriding(
                    header::X_FRAME_OPTIONS,
                    HeaderValue::from_static("DENY"),
                ))
                .layer(SetResponseHeaderLayer::overriding(
                    header::REFERRER_POLICY,
                    HeaderValue::from_static("no-referrer"),
                )),
        )
        .layer(middleware::from_fn(fill_bare_errors))
}

/// Gives a JSON error body to the error responses that axum and tower make without one
/// (405 method not allowed, 408 timeout, …), so that every 4xx and 5xx explains itself.
async fn fill_bare_errors(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let status = resp.status();
    if (status.is_client_error() || status.is_server_error())
        && !resp.headers().contains_key(header::CONTENT_TYPE)
    {
        let (code, message) = match status {
            StatusCode::METHOD_NOT_ALLOWED => {
                ("method_not_allowed", "this method is not allowed on this path")
            }
            StatusCode::REQUEST_TIMEOUT => ("timeout", "the request took too long and was abandoned"),
            StatusCode::NOT_FOUND => ("not_found", "not found"),
            s if s.is_server_error() => ("internal", "internal server error"),
            _ => ("invalid_request", "the request was refused"),
        };
        let error = ApiError::new(status, code, message).into_response();
        let (parts, body) = error.into_parts();
        resp.headers_mut().remove(header::CONTENT_LENGTH);
        if let Some(ct) = parts.headers.get(header::CONTENT_TYPE) {
            resp.headers_mut().insert(header::CONTENT_TYPE, ct.clone());
        }
        *resp.body_mut() = body;
    }
    resp
}

/// A body whose declared length is over the limit is refused before it is read.
async fn reject_declared_oversize(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if req.uri().path().starts_with("/taxii2/") {
        if declared.is_some_and(|n| n > crate::TAXII_BODY_LIMIT as u64) {
            return crate::taxii::too_large();
        }
    } else if req.uri().path().ends_with("/attachments") {
        // The API takes the file as the body; the web forms send it wrapped in multipart.
        let limit = if req.uri().path().starts_with("/api/") {
            crate::ATTACHMENT_BODY_LIMIT
        } else {
            crate::WEB_UPLOAD_BODY_LIMIT
        };
        if declared.is_some_and(|n| n > limit as u64) {
            return too_large().into_response();
        }
    } else if req.uri().path() == "/api/v1/admin/advisories/import" {
        if declared.is_some_and(|n| n > crate::OSV_IMPORT_BODY_LIMIT as u64) {
            return too_large().into_response();
        }
    } else if declared.is_some_and(|n| n > s.config.body_limit as u64) {
        return too_large().into_response();
    }
    next.run(req).await
}

async fn record_metrics(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let start = std::time::Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    let resp = next.run(req).await;
    s.metrics.observe(method.as_str(), &route, resp.status().as_u16(), start.elapsed());
    resp
}

fn panic_response(_: Box<dyn Any + Send + 'static>) -> Response<Body> {
    tracing::error!("a request handler panicked");
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal server error").into_response()
}

#[cfg(test)]
mod tests {
    use accord_app::{App, StoreLocation};
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use tower::ServiceExt;

    use crate::ServerConfig;

    /// A body with no declared length (as a chunked upload) is cut off at the limit with a
    /// JSON 413. Run in process: over a socket, clients often fail to read the early answer.
    #[tokio::test]
    async fn chunked_bodies_over_the_limit_get_413() {
        let dir = tempfile::tempdir().unwrap();
        let app = App::open(&StoreLocation::Sqlite(dir.path().to_path_buf())).unwrap();
        let token = "0123456789abcdef0123";
        app.bootstrap_admin(Some(token), jiff::Timestamp::now()).await.unwrap();
        let router = crate::router(app, ServerConfig { body_limit: 1000, ..ServerConfig::default() });
        let body =
            format!("{{\"name\": \"{}\", \"domain\": \"x.org\", \"kind\": \"vendor\"}}", "x".repeat(2000));
        let request = Request::post("/api/v1/organizations")
            .header("content-type", "application/json")
            .header("authorization", format!("Bearer {token}"))
            .body(Body::from(body))
            .unwrap();
        assert!(request.headers().get("content-length").is_none());
        let response = router.oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
        let bytes = axum::body::to_bytes(response.into_body(), 10_000).await.unwrap();
        let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(json["code"], "payload_too_large");
    }
}
