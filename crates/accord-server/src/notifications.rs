//! Notification settings and the outbox in the JSON API: `PUT/GET/DELETE
//! /api/v1/organizations/{id}/webhook` and `GET /api/v1/outbox`.

use accord_app::model::OrganizationId;
use accord_app::model::notification::DeliveryState;
use accord_app::model::time::format_timestamp;
use accord_app::{OutboxMessage, WebhookRecord, WebhookRequest};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::extract::{ApiCaller, ApiJson, ApiQuery};
use crate::{ApiError, AppState};

type ApiResult<T> = Result<T, ApiError>;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/organizations/{id}/webhook", get(webhook).put(set_webhook).delete(delete_webhook))
        .route("/outbox", get(outbox))
}

fn org_id(raw: &str) -> ApiResult<OrganizationId> {
    raw.parse().map_err(|_| ApiError::not_found("organization"))
}

/// A webhook as the API shows it: never the secret.
fn webhook_json(w: &WebhookRecord) -> Value {
    json!({
        "organization_id": w.organization_id,
        "url": w.url.as_str(),
        "created_at": format_timestamp(w.created_at),
        "updated_at": format_timestamp(w.updated_at),
    })
}

async fn set_webhook(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<WebhookRequest>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let (record, created) = s.app.set_webhook(&caller, org_id(&id)?, body, Timestamp::now()).await?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(webhook_json(&record))))
}

async fn webhook(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    Ok(Json(webhook_json(&s.app.webhook(&caller, org_id(&id)?).await?)))
}

async fn delete_webhook(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    s.app.delete_webhook(&caller, org_id(&id)?, Timestamp::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OutboxQuery {
    state: Option<String>,
    limit: Option<u32>,
}

/// One message for administrators: where it goes and how it fares, never its payload (nor a
/// sealed address: a finder's).
fn message_json(m: &OutboxMessage) -> Value {
    json!({
        "id": m.id,
        "created_at": format_timestamp(m.created_at),
        "kind": m.kind,
        "recipient_kind": m.recipient_kind.as_str(),
        "destination": m.shown_destination(),
        "destination_sealed": m.destination_sealed,
        "subject": m.subject,
        "state": m.state.as_str(),
        "attempts": m.attempts,
        "next_attempt_at": m.next_attempt_at.map(format_timestamp),
        "last_error": m.last_error,
        "delivered_at": m.delivered_at.map(format_timestamp),
    })
}

async fn outbox(
    State(s): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(q): ApiQuery<OutboxQuery>,
) -> ApiResult<Json<Value>> {
    let state = q
        .state
        .map(|v| v.parse::<DeliveryState>())
        .transpose()
        .map_err(|e| ApiError::bad_request("state", e.message))?;
    let messages = s.app.outbox(&caller, state, q.limit.unwrap_or(100)).await?;
    Ok(Json(json!({ "messages": messages.iter().map(message_json).collect::<Vec<_>>() })))
}
