//! The HTTP face of Accord: one axum router serving the JSON API (`/api/v1`), the web interface
//! (`/`), and operations endpoints (`/healthz`, `/metrics`).
//!
//! Handlers reach data only through [`accord_app::App`], which checks permissions; this crate
//! never sees the store. Errors become responses in one place: [`error::ApiError`].

mod advisories;
mod api;
mod cases;
mod csaf;
mod error;
mod extract;
mod layers;
mod log;
mod metrics;
mod notifications;
mod taxii;
mod web;
pub mod witness;

use std::sync::Arc;
use std::time::Duration;

use accord_app::App;
use axum::Router;
use tokio::net::TcpListener;

pub use error::ApiError;

/// Largest TAXII request body (the `max_content_length` the API roots advertise).
pub const TAXII_BODY_LIMIT: usize = 10 * 1024 * 1024;

/// Largest request body of an attachment upload (the file itself is limited by the model).
pub const ATTACHMENT_BODY_LIMIT: usize = accord_app::model::cvd::ATTACHMENT_MAX + 1024;

/// Largest request body of an upload form of the web pages: the attachment, plus the multipart
/// boundaries, the part headers (a file name of up to 200 characters) and the CSRF field.
pub const WEB_UPLOAD_BODY_LIMIT: usize = ATTACHMENT_BODY_LIMIT + 16 * 1024;

/// Largest request body of the administrators' OSV import (a zip archive or JSON).
pub const OSV_IMPORT_BODY_LIMIT: usize = 64 * 1024 * 1024;

/// Settings of the HTTP layer.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The URL users reach the server at; an `https://` URL makes cookies `Secure`.
    pub public_url: Option<String>,
    /// Largest request body accepted, in bytes (larger: 413).
    pub body_limit: usize,
    /// Longest time a request may take before it is answered 408.
    pub request_timeout: Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self { public_url: None, body_limit: 1024 * 1024, request_timeout: Duration::from_secs(30) }
    }
}

impl ServerConfig {
    fn secure_cookies(&self) -> bool {
        self.public_url.as_deref().is_some_and(|u| u.starts_with("https://"))
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub(crate) struct AppState {
    pub app: App,
    pub config: Arc<ServerConfig>,
    pub metrics: Arc<metrics::Metrics>,
    pub login_throttle: Arc<web::LoginThrottle>,
}

/// The URL clients reach the server at, for absolute URLs: the configured public URL, else
/// `http://` and the request's `Host` (when it is a plain host name or address and port).
pub(crate) fn base_url(state: &AppState, headers: &axum::http::HeaderMap) -> String {
    if let Some(public) = &state.config.public_url {
        return public.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .unwrap_or("127.0.0.1");
    format!("http://{host}")
}

/// Builds the whole router.
pub fn router(app: App, config: ServerConfig) -> Router {
    let state = AppState {
        app,
        config: Arc::new(config),
        metrics: Arc::new(metrics::Metrics::new()),
        login_throttle: Arc::new(web::LoginThrottle::default()),
    };
    let routes = Router::new()
        .nest(
            "/api/v1",
            api::routes()
                .merge(cases::routes())
                .merge(notifications::routes())
                .merge(advisories::api_routes()),
        )
        .merge(advisories::osv_api_routes())
        .merge(csaf::routes())
        .merge(log::routes())
        .merge(metrics::routes())
        .merge(taxii::routes())
        .merge(web::routes())
        .with_state(state.clone());
    layers::wrap(routes, state)
}

/// Serves `router` on `listener` until `shutdown` completes, then finishes the requests in
/// flight (graceful shutdown).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}
