//! Randomness for tokens, salts and ids, from the operating system.

use crate::AppError;

pub(crate) fn bytes<const N: usize>() -> Result<[u8; N], AppError> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|e| AppError::Internal(format!("no randomness from the OS: {e}")))?;
    Ok(buf)
}
