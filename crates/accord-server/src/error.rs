//! The one mapping from application errors to HTTP responses: a status and a JSON body
//! `{"code": …, "message": …}` (plus `field` when one field is at fault). Internal details
//! are logged, never sent.

use accord_app::AppError;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// An error answered to an API client.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<&'static str>,
}

#[derive(Serialize)]
struct Body<'a> {
    code: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), field: None }
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", format!("{what} not found"))
    }

    pub fn bad_request(field: &'static str, message: impl Into<String>) -> Self {
        Self { field: Some(field), ..Self::new(StatusCode::BAD_REQUEST, "invalid_request", message) }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Unauthenticated => Self::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "a valid token is required: send Authorization: Bearer <token>",
            ),
            AppError::Forbidden(why) => Self::new(StatusCode::FORBIDDEN, "forbidden", why.to_string()),
            AppError::NotFound(what) => Self::not_found(what),
            AppError::Invalid(v) => Self::bad_request(v.field, v.to_string()),
            AppError::Conflict(m) => Self::new(StatusCode::CONFLICT, "conflict", m.to_string()),
            AppError::SignatureRejected(m) => {
                Self::new(StatusCode::UNPROCESSABLE_ENTITY, "signature_rejected", m)
            }
            AppError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal server error")
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body { code: self.code, message: &self.message, field: self.field };
        let mut resp = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            resp.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"accord\""));
        }
        resp
    }
}

/// An error of the OSV-compatible API (`/v1/…`), in the public OSV service's style: a gRPC
/// status code and message (`404 {"code": 5, "message": "Bug not found."}`).
pub fn osv_api_error(e: AppError) -> Response {
    let (status, code, message) = match e {
        AppError::NotFound(_) => (StatusCode::NOT_FOUND, 5, "Bug not found.".to_owned()),
        AppError::Invalid(v) => (StatusCode::BAD_REQUEST, 3, v.to_string()),
        AppError::Internal(detail) => {
            tracing::error!(%detail, "internal error");
            (StatusCode::INTERNAL_SERVER_ERROR, 13, "Internal error.".to_owned())
        }
        other => (StatusCode::BAD_REQUEST, 9, other.to_string()),
    };
    (status, Json(serde_json::json!({ "code": code, "message": message }))).into_response()
}
