//! Validation errors that name the offending field.

/// A value that breaks a domain rule: which field, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ValidationError {
    /// The field as the client spelt it (`name`, `domain`, `public_key`, …).
    pub field: &'static str,
    /// What is wrong, in plain words (English).
    pub message: String,
    /// The same as a key with parameters, when the rule has one, so that pages can say it in
    /// their language.
    pub refusal: Option<crate::Refusal>,
}

impl ValidationError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self { field, message: message.into(), refusal: None }
    }

    /// A field refused for a reason with a key: the message is its English text.
    pub fn refused(field: &'static str, refusal: crate::Refusal) -> Self {
        Self { field, message: refusal.to_string(), refusal: Some(refusal) }
    }
}
