//! The public page of the transparency log: what it records, how to verify it, the latest
//! checkpoint and entries.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::Ctx;
use super::context::Chrome;
use super::pages::server_error;
use crate::AppState;

/// How many of the newest entries the page shows.
const RECENT: u64 = 50;

#[derive(Template)]
#[template(path = "log.html")]
struct LogPage {
    chrome: Chrome,
    base: String,
    key: String,
    size: u64,
    checkpoint: String,
    entries: Vec<accord_app::log::LogEntryView>,
}

pub(crate) async fn log_page(State(s): State<AppState>, headers: HeaderMap, ctx: Ctx) -> Response {
    let (checkpoint, (size, entries)) = match (s.app.log_checkpoint().await, s.app.log_recent(RECENT).await) {
        (Ok(c), Ok(r)) => (c, r),
        (Err(e), _) | (_, Err(e)) => return server_error(ctx, e),
    };
    let page = LogPage {
        chrome: ctx.chrome(ctx.t().log.title),
        base: crate::base_url(&s, &headers),
        key: s.app.log_verifier_key().map(|k| k.to_string()).unwrap_or_default(),
        size,
        checkpoint,
        entries,
    };
    ctx.render(StatusCode::OK, &page)
}
