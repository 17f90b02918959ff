use accord_model::{Refusal, ValidationError};
use accord_store::StoreError;

/// Why a use case did not happen. The HTTP layer maps each variant to one status code.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No credentials, or credentials that do not authenticate anyone.
    #[error("authentication required")]
    Unauthenticated,
    /// Authenticated, but this caller may not do this. The refusal names the missing right.
    #[error("{0}")]
    Forbidden(Refusal),
    /// The thing does not exist, or the caller may not know that it does.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The request breaks a rule of the domain; names the field.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// The request conflicts with the current state.
    #[error("{0}")]
    Conflict(Refusal),
    /// A signature did not verify, or was made with a key that is not the organisation's.
    #[error("{0}")]
    SignatureRejected(String),
    /// Something failed inside; details go to the server log only.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { what } => AppError::NotFound(what),
            StoreError::Conflict { message } => AppError::Conflict(Refusal::Text(message)),
            StoreError::Backend(m) => AppError::Internal(m),
        }
    }
}
