//! The accord text as numbered, immutable versions, and the statement a signatory signs.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{OrganizationId, ValidationError};

/// A version number of the accord text: 1, 2, …
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AccordVersionNumber(u32);

impl AccordVersionNumber {
    pub const FIRST: Self = Self(1);

    pub fn new(n: u32) -> Result<Self, ValidationError> {
        if n == 0 {
            return Err(ValidationError::new("version", "accord versions start at 1"));
        }
        Ok(Self(n))
    }

    pub fn get(self) -> u32 {
        self.0
    }

    pub fn next(self) -> Self {
        Self(self.0 + 1)
    }
}

impl fmt::Display for AccordVersionNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for AccordVersionNumber {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let n = s
            .parse::<u32>()
            .map_err(|_| ValidationError::new("version", format!("{s:?} is not a version number")))?;
        Self::new(n)
    }
}

/// The text of one accord version: Markdown-like plain text, 1 to 100,000 bytes,
/// with `\n` line ends so that every platform hashes the same bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct AccordText(String);

impl AccordText {
    pub const MAX_BYTES: usize = 100_000;

    pub fn new(text: &str) -> Result<Self, ValidationError> {
        let text = text.replace("\r\n", "\n");
        if text.trim().is_empty() {
            return Err(ValidationError::new("text", "must not be empty"));
        }
        if text.len() > Self::MAX_BYTES {
            return Err(ValidationError::new("text", "must be at most 100000 bytes"));
        }
        if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
            return Err(ValidationError::new("text", "must not contain control characters"));
        }
        Ok(Self(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// SHA-256 of the UTF-8 bytes, lower-case hex: what a signature commits to.
    pub fn sha256_hex(&self) -> String {
        hex::encode(Sha256::digest(self.0.as_bytes()))
    }

    /// Trusted construction from stored text (used by store back ends).
    pub fn from_stored(s: String) -> Self {
        Self(s)
    }
}

/// One published version of the accord.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccordVersion {
    pub version: AccordVersionNumber,
    pub title: String,
    pub text: AccordText,
    /// SHA-256 of `text`.
    pub sha256: String,
    #[serde(with = "crate::time::serde_ts")]
    pub published_at: Timestamp,
}

/// The exact bytes an organisation signs to sign a version of the accord.
///
/// ```text
/// accord-signature/v1
/// accord-version: 1
/// accord-sha256: 3b1f…
/// organization: 7c9e6679-7425-40de-944b-e07fc1f90ae7
/// ```
/// (each line ends with `\n`). Binding the organisation id means a signature cannot be replayed
/// for another organisation, and binding the digest means it cannot be moved to another text.
pub fn signing_statement(
    version: AccordVersionNumber,
    text_sha256_hex: &str,
    organization: OrganizationId,
) -> String {
    format!(
        "accord-signature/v1\naccord-version: {version}\naccord-sha256: {text_sha256_hex}\norganization: {organization}\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_rules() {
        assert_eq!(AccordText::new("a\r\nb").unwrap().as_str(), "a\nb");
        assert!(AccordText::new("  \n").is_err());
        assert!(AccordText::new("a\u{0}b").is_err());
        // SHA-256("abc"), FIPS 180-2 test vector
        assert_eq!(
            AccordText::new("abc").unwrap().sha256_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn statement_layout() {
        let org: OrganizationId = "7c9e6679-7425-40de-944b-e07fc1f90ae7".parse().unwrap();
        let s = signing_statement(AccordVersionNumber::FIRST, "ab", org);
        assert_eq!(
            s,
            "accord-signature/v1\naccord-version: 1\naccord-sha256: ab\norganization: 7c9e6679-7425-40de-944b-e07fc1f90ae7\n"
        );
    }

    #[test]
    fn versions_start_at_one() {
        assert!(AccordVersionNumber::new(0).is_err());
        assert_eq!("2".parse::<AccordVersionNumber>().unwrap().get(), 2);
        assert!("x".parse::<AccordVersionNumber>().is_err());
    }
}
