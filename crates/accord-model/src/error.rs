//! Validation errors that name the offending field.

/// A value that breaks a domain rule: which field, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ValidationError {
    /// The field as the client spelt it (`name`, `domain`, `public_key`, …).
    pub field: &'static str,
    /// What is wrong, in plain words.
    pub message: String,
}

impl ValidationError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self { field, message: message.into() }
    }
}
