//! What can go wrong when reading ecosystems and versions.

use crate::Ecosystem;

/// An ecosystem name that is not in the OSV schema's list (or not spelled as the schema does).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown OSV ecosystem {name:?} (names are case-sensitive, e.g. PyPI, crates.io, npm, Debian:12)")]
pub struct UnknownEcosystem {
    /// The name as given.
    pub name: String,
}

/// Why a version could not be read or compared.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    /// The version string does not follow the versioning rules of its ecosystem.
    #[error("{version:?} is not a valid {scheme} version: {reason}")]
    Invalid {
        /// The version as given.
        version: String,
        /// The versioning scheme it was read with (e.g. `SemVer`, `PEP 440`, `Debian`).
        scheme: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The ecosystem is not one of the OSV schema's, so its versions cannot be ordered.
    #[error("unknown OSV ecosystem {name:?}: its versions cannot be ordered")]
    UnknownEcosystem {
        /// The ecosystem's name as given.
        name: String,
    },
    /// The ecosystem is known but has no version order (its advisories list versions or use
    /// GIT ranges only, e.g. `Android`, `Linux`, `GitHub Actions`).
    #[error("the {ecosystem} ecosystem has no version order; only exact versions can be matched")]
    Unordered {
        /// The ecosystem.
        ecosystem: Ecosystem,
    },
}

impl VersionError {
    pub(crate) fn invalid(version: &str, scheme: &'static str, reason: &'static str) -> VersionError {
        VersionError::Invalid { version: version.to_owned(), scheme, reason }
    }
}
