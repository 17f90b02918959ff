/// What went wrong in the store, in terms the application layer can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A referenced row does not exist (`what` names it: "organization", "user", …).
    #[error("{what} not found")]
    NotFound { what: &'static str },
    /// The write breaks a uniqueness or state rule; `message` is safe to show to the caller.
    #[error("{message}")]
    Conflict { message: String },
    /// The back end failed (I/O, corruption, a bug). Details are for the server log only.
    #[error("storage failure: {0}")]
    Backend(String),
}

impl StoreError {
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::Conflict { message: message.into() }
    }
}
