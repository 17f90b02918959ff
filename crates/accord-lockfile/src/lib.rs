//! Lockfiles and SBOMs read into the packages a project depends on: each package's OSV
//! ecosystem, name and version, and the line it was found on where the format has lines. No I/O:
//! callers read the files and pass their text; [`Kind::detect`] says which format a file name is.
//!
//! A file that does not read is an error naming the line (and what was expected); an entry the
//! format allows but that names no exact version (an unpinned `requirements.txt` line, a
//! `pom.xml` dependency whose version is a property or a range) is not a package but a
//! [`Note`], so a scan can say what it did not check.

#![warn(missing_docs)]

mod cargo;
mod composer;
mod cyclonedx;
mod gemfile;
mod gomod;
mod gradle;
mod json;
mod mix;
mod npm;
mod nuget;
mod pdm;
mod pipfile;
mod pnpm;
mod poetry;
mod pom;
mod position;
mod pubspec;
mod purl;
mod requirements;
mod spdx;
mod uv;
mod yarn;

use std::fmt;

/// The formats read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// `Cargo.lock` (crates.io).
    CargoLock,
    /// `package-lock.json` (lockfileVersion 1, 2 and 3) and `npm-shrinkwrap.json` (npm).
    NpmLock,
    /// `yarn.lock`, classic (v1) and berry (v2+) (npm).
    YarnLock,
    /// `pnpm-lock.yaml` (npm).
    PnpmLock,
    /// `requirements.txt` and the like (PyPI): pinned `name==version` lines.
    Requirements,
    /// `poetry.lock` (PyPI).
    PoetryLock,
    /// `uv.lock` (PyPI).
    UvLock,
    /// `Pipfile.lock` (PyPI).
    PipfileLock,
    /// `pdm.lock` (PyPI).
    PdmLock,
    /// `go.mod` (Go).
    GoMod,
    /// `Gemfile.lock` (RubyGems).
    GemfileLock,
    /// `composer.lock` (Packagist).
    ComposerLock,
    /// `packages.lock.json` (NuGet).
    NugetLock,
    /// `pom.xml` with explicit versions (Maven).
    PomXml,
    /// `gradle.lockfile` (Maven).
    GradleLockfile,
    /// `mix.lock` (Hex).
    MixLock,
    /// `pubspec.lock` (Pub).
    PubspecLock,
    /// A CycloneDX JSON SBOM (`bom.json`, `*.cdx.json`): its components' purls.
    CycloneDx,
    /// An SPDX JSON SBOM (`*.spdx.json`): its packages' purls.
    Spdx,
}

impl Kind {
    /// Every format.
    pub const ALL: [Kind; 19] = [
        Kind::CargoLock,
        Kind::NpmLock,
        Kind::YarnLock,
        Kind::PnpmLock,
        Kind::Requirements,
        Kind::PoetryLock,
        Kind::UvLock,
        Kind::PipfileLock,
        Kind::PdmLock,
        Kind::GoMod,
        Kind::GemfileLock,
        Kind::ComposerLock,
        Kind::NugetLock,
        Kind::PomXml,
        Kind::GradleLockfile,
        Kind::MixLock,
        Kind::PubspecLock,
        Kind::CycloneDx,
        Kind::Spdx,
    ];

    /// The format's usual file name (or pattern), as messages name it.
    pub fn name(self) -> &'static str {
        match self {
            Kind::CargoLock => "Cargo.lock",
            Kind::NpmLock => "package-lock.json",
            Kind::YarnLock => "yarn.lock",
            Kind::PnpmLock => "pnpm-lock.yaml",
            Kind::Requirements => "requirements.txt",
            Kind::PoetryLock => "poetry.lock",
            Kind::UvLock => "uv.lock",
            Kind::PipfileLock => "Pipfile.lock",
            Kind::PdmLock => "pdm.lock",
            Kind::GoMod => "go.mod",
            Kind::GemfileLock => "Gemfile.lock",
            Kind::ComposerLock => "composer.lock",
            Kind::NugetLock => "packages.lock.json",
            Kind::PomXml => "pom.xml",
            Kind::GradleLockfile => "gradle.lockfile",
            Kind::MixLock => "mix.lock",
            Kind::PubspecLock => "pubspec.lock",
            Kind::CycloneDx => "CycloneDX JSON",
            Kind::Spdx => "SPDX JSON",
        }
    }

    /// The format of a file, from its name (not its path): the usual name, or the usual name
    /// after a prefix ending in `.` or `-` (`app.Cargo.lock`, `ci-requirements.txt`);
    /// `requirements*.txt` and `*.requirements.txt`; `bom.json` and `*.cdx.json` for CycloneDX,
    /// `*.spdx.json` for SPDX. `None` for any other name.
    pub fn detect(file_name: &str) -> Option<Kind> {
        let named = |usual: &str| {
            file_name == usual
                || file_name
                    .strip_suffix(usual)
                    .is_some_and(|prefix| prefix.ends_with('.') || prefix.ends_with('-'))
        };
        if named("npm-shrinkwrap.json") {
            return Some(Kind::NpmLock);
        }
        if let Some(k) = Kind::ALL
            .into_iter()
            .filter(|k| !matches!(k, Kind::Requirements | Kind::CycloneDx | Kind::Spdx))
            .find(|k| named(k.name()))
        {
            return Some(k);
        }
        let lower = file_name.to_ascii_lowercase();
        if lower.ends_with(".txt")
            && (lower.starts_with("requirements") || lower.ends_with("requirements.txt"))
        {
            return Some(Kind::Requirements);
        }
        if lower == "bom.json" || lower.ends_with(".cdx.json") || lower.ends_with(".bom.json") {
            return Some(Kind::CycloneDx);
        }
        if lower.ends_with(".spdx.json") {
            return Some(Kind::Spdx);
        }
        None
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A package a project depends on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Package {
    /// Its OSV ecosystem (`crates.io`, `npm`, `PyPI`, `Go`, `Maven`, `RubyGems`, `NuGet`,
    /// `Packagist`, `Hex`, `Pub`, …).
    pub ecosystem: String,
    /// Its name as the ecosystem writes it (`@scope/name` for npm, `group:artifact` for Maven,
    /// the module path for Go).
    pub name: String,
    /// Its exact version.
    pub version: String,
    /// The line (from 1) it was found on, where the format has meaningful lines.
    pub line: Option<u32>,
}

/// Something in a file that is not a package to check: an unpinned requirement, a dependency
/// without an exact version, a component without a purl, …
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Where, if the format has lines.
    pub line: Option<u32>,
    /// What was left out and why.
    pub message: String,
}

/// What a file holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    /// Its packages, in file order, without repeats (same ecosystem, name and version).
    pub packages: Vec<Package>,
    /// What was not taken as a package.
    pub notes: Vec<Note>,
}

/// A file that does not read as its format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", match line { Some(l) => format!("line {l}: "), None => String::new() })]
pub struct LockfileError {
    /// The line at fault (from 1), when known.
    pub line: Option<u32>,
    /// What is wrong.
    pub message: String,
}

impl LockfileError {
    /// An error at a line.
    pub fn at(line: Option<u32>, message: impl Into<String>) -> Self {
        LockfileError { line, message: message.into() }
    }
}

/// An entry of a Python lockfile: a `PyPI` package when it comes from a package index, else a
/// note saying where it comes from (`local`, such as `git https://…`).
pub(crate) fn pypi_entry(
    parsed: &mut Parsed,
    name: String,
    version: String,
    line: Option<u32>,
    local: Option<String>,
) {
    match local {
        Some(local) => parsed
            .notes
            .push(Note { line, message: format!("{name} {version}: not from a package index ({local})") }),
        None => parsed.packages.push(Package { ecosystem: "PyPI".to_owned(), name, version, line }),
    }
}

/// Reads a file of a format.
pub fn parse(kind: Kind, text: &str) -> Result<Parsed, LockfileError> {
    let mut parsed = read(kind, text)?;
    without_repeats(&mut parsed.packages);
    Ok(parsed)
}

/// Keeps the first of packages with the same ecosystem, name and version.
pub fn without_repeats(packages: &mut Vec<Package>) {
    let first: Vec<bool> = {
        let mut seen = rustc_hash::FxHashSet::default();
        seen.reserve(packages.len());
        packages
            .iter()
            .map(|p| seen.insert((p.ecosystem.as_str(), p.name.as_str(), p.version.as_str())))
            .collect()
    };
    let mut first = first.into_iter();
    packages.retain(|_| first.next().unwrap_or(true));
}

fn read(kind: Kind, text: &str) -> Result<Parsed, LockfileError> {
    match kind {
        Kind::CargoLock => cargo::parse(text),
        Kind::NpmLock => npm::parse(text),
        Kind::YarnLock => yarn::parse(text),
        Kind::PnpmLock => pnpm::parse(text),
        Kind::Requirements => requirements::parse(text),
        Kind::PoetryLock => poetry::parse(text),
        Kind::UvLock => uv::parse(text),
        Kind::PipfileLock => pipfile::parse(text),
        Kind::PdmLock => pdm::parse(text),
        Kind::GoMod => gomod::parse(text),
        Kind::GemfileLock => gemfile::parse(text),
        Kind::ComposerLock => composer::parse(text),
        Kind::NugetLock => nuget::parse(text),
        Kind::PomXml => pom::parse(text),
        Kind::GradleLockfile => gradle::parse(text),
        Kind::MixLock => mix::parse(text),
        Kind::PubspecLock => pubspec::parse(text),
        Kind::CycloneDx => cyclonedx::parse(text),
        Kind::Spdx => spdx::parse(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_detected_by_file_name() {
        for (name, kind) in [
            ("Cargo.lock", Some(Kind::CargoLock)),
            ("cargo-16b330bc59ca.Cargo.lock", Some(Kind::CargoLock)),
            ("package-lock.json", Some(Kind::NpmLock)),
            ("npm-shrinkwrap.json", Some(Kind::NpmLock)),
            ("requirements.txt", Some(Kind::Requirements)),
            ("requirements-dev.txt", Some(Kind::Requirements)),
            ("uv-26a9dd4b2125-flyte.requirements.txt", Some(Kind::Requirements)),
            ("uv-26a9dd4b2125-root.uv.lock", Some(Kind::UvLock)),
            ("packages.lock.json", Some(Kind::NugetLock)),
            ("bom.json", Some(Kind::CycloneDx)),
            ("app.cdx.json", Some(Kind::CycloneDx)),
            ("app.spdx.json", Some(Kind::Spdx)),
            ("notCargo.lock", None),
            ("package.json", None),
            ("README.md", None),
        ] {
            assert_eq!(Kind::detect(name), kind, "{name}");
        }
    }
}
