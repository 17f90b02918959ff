//! The TAXII error resource (§3.6.1).

use serde::Serialize;

/// `{"title": …, "http_status": "400", …}`. `http_status` is a string, as the standard says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorResource {
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    pub http_status: String,
}

impl ErrorResource {
    pub fn new(status: u16, title: impl Into<String>, description: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            description: Some(description.into()),
            error_id: None,
            error_code: None,
            http_status: status.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_status_is_a_string() {
        let e = ErrorResource::new(400, "Bad request", "limit: not a number");
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["http_status"], "400");
        assert_eq!(json["title"], "Bad request");
        assert!(json.get("error_id").is_none());
    }
}
