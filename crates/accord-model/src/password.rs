//! Passwords for the web login, hashed with Argon2id.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use crate::ValidationError;

/// Checks the length rules: 12 to 1,024 characters.
pub fn validate_password(password: &str) -> Result<(), ValidationError> {
    let n = password.chars().count();
    if n < 12 {
        return Err(ValidationError::new("password", "must be at least 12 characters"));
    }
    if password.len() > 1024 {
        return Err(ValidationError::new("password", "must be at most 1024 bytes"));
    }
    Ok(())
}

/// Hashes a password with Argon2id (the crate's default parameters) and the caller's random salt.
/// Returns the PHC string (`$argon2id$v=19$…`).
pub fn hash_password(password: &str, salt: &[u8; 16]) -> Result<String, ValidationError> {
    validate_password(password)?;
    let salt = SaltString::encode_b64(salt).expect("16 bytes is a valid salt length");
    let hash = Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("Argon2 with default parameters and a valid salt cannot fail");
    Ok(hash.to_string())
}

/// Checks a password against a stored PHC string, in constant time.
pub fn verify_password(password: &str, phc: &str) -> bool {
    if password.len() > 1024 {
        return false;
    }
    match PasswordHash::new(phc) {
        Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_and_verify() {
        let phc = hash_password("correct horse battery", &[7; 16]).unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &phc));
        assert!(!verify_password("correct horse batterY", &phc));
        assert!(!verify_password("x", "not a hash"));
        assert_eq!(hash_password("short", &[0; 16]).unwrap_err().field, "password");
    }
}
