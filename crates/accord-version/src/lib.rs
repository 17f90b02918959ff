//! Version ordering for every OSV ecosystem that has one, and the evaluation of OSV
//! `affected` ranges. No I/O.
//!
//! ```
//! use std::cmp::Ordering;
//! use accord_version::{Ecosystem, compare, parse};
//!
//! let eco: Ecosystem = "Debian:12".parse().unwrap();
//! assert_eq!(compare(eco, "2.36-9+deb12u4", "2.36-9+deb12u10"), Ok(Ordering::Less));
//!
//! // Parse once, compare many times.
//! let fixed = parse(Ecosystem::Npm, "4.17.21").unwrap();
//! assert!(parse(Ecosystem::Npm, "4.17.20").unwrap() < fixed);
//! ```
//!
//! # Orders
//!
//! Each [`Ecosystem`] maps to a [`Scheme`] ([`Ecosystem::scheme`]); the modules' documentation
//! below the schemes says exactly what each accepts. In short:
//!
//! * SemVer (npm, crates.io, Go, Hex, and the `SEMVER` range type): SemVer 2.0 precedence, read
//!   leniently (a leading `v`, `1.2` = `1.2.0`, numbers of any size, build metadata ignored).
//! * NuGet: the same with 4-part versions and case-insensitive labels. Pub: the same, but
//!   build metadata orders too.
//! * PyPI: PEP 440 (through `pep440_rs`); versions PEP 440 refuses are "legacy" versions,
//!   below every PEP 440 version, as `packaging` before 22 had them.
//! * Maven: Maven 3.9 `ComparableVersion`. RubyGems: `Gem::Version`. Packagist: PHP
//!   `version_compare` after dropping a leading `v`.
//! * Debian and Ubuntu: dpkg. Alpine and its kin: apk. Red Hat and the other RPM
//!   distributions: `rpmvercmp` on epoch, version and release.
//! * CRAN and Hackage: integer lists compared lexicographically.
//!
//! The reference for all of these is osv-scanner's comparison test vectors (see the crate's
//! tests), which this crate passes in full.
//!
//! # Ranges
//!
//! [`affected`] evaluates an OSV `affected` entry's [`Range`]s and `versions` list for one
//! version, as the OSV schema's evaluation pseudo-code does.

#![warn(missing_docs)]

mod alpine;
mod composer;
mod debian;
mod ecosystem;
mod error;
mod index;
mod maven;
mod number;
mod numeric;
mod pypi;
mod range;
mod rpm;
mod rubygems;
mod semver;
mod version;

pub use ecosystem::{Ecosystem, Scheme};
pub use error::{UnknownEcosystem, VersionError};
pub use index::{PackageEntry, PackageIndex, normalize_name};
pub use range::{Affected, Event, Range, RangeKind, Verdict, affected};
pub use version::{Version, compare, parse};
