//! OSV ecosystems and the versioning scheme each one uses.

use std::fmt;
use std::str::FromStr;

use crate::error::UnknownEcosystem;

/// How the versions of an ecosystem are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Scheme {
    /// SemVer 2.0, read leniently: optional leading `v`, any number of numeric components
    /// (missing ones count as 0), numbers of any size, build metadata ignored.
    SemVer,
    /// NuGet: SemVer 2.0 with 4-part versions and case-insensitive pre-release labels.
    NuGet,
    /// Dart's pub: SemVer where build metadata also orders (`1.0.0 < 1.0.0+1`).
    Pub,
    /// Python's PEP 440, with non-PEP 440 ("legacy") versions sorted below all others.
    Pep440,
    /// Maven's `ComparableVersion` (Maven 3.9 rules).
    Maven,
    /// RubyGems' `Gem::Version`.
    RubyGems,
    /// Composer: PHP `version_compare` after dropping a leading `v`.
    Composer,
    /// Debian's dpkg: `[epoch:]upstream[-revision]`, `~` sorts before everything.
    Debian,
    /// Alpine's apk: `digits[letter][_suffix[N]]*[~hash][-rN]`.
    Alpine,
    /// RPM's `rpmvercmp` on `[epoch:]version[-release]`.
    Rpm,
    /// R's `package_version`: integers separated by `.` or `-`.
    Cran,
    /// Haskell's PVP (`Data.Version`): integers separated by `.`.
    Hackage,
}

impl Scheme {
    /// A short name for messages.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::SemVer => "SemVer",
            Scheme::NuGet => "NuGet",
            Scheme::Pub => "Pub",
            Scheme::Pep440 => "PEP 440",
            Scheme::Maven => "Maven",
            Scheme::RubyGems => "RubyGems",
            Scheme::Composer => "Composer",
            Scheme::Debian => "Debian",
            Scheme::Alpine => "Alpine",
            Scheme::Rpm => "RPM",
            Scheme::Cran => "CRAN",
            Scheme::Hackage => "Hackage",
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

macro_rules! ecosystems {
    ($($(#[$doc:meta])* $variant:ident = $name:literal => $scheme:expr,)*) => {
        /// An OSV ecosystem (the schema's list, spelled as the schema spells it).
        ///
        /// Parsing accepts a release suffix after the first `:` (`Debian:11`, `Alpine:v3.16`,
        /// `Ubuntu:22.04:LTS`) and keeps only the family, since the suffix does not change how
        /// versions are ordered. [`Display`](fmt::Display) gives back the family's OSV name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Ecosystem {
            $($(#[$doc])* #[doc = concat!("`", $name, "`")] $variant,)*
        }

        impl Ecosystem {
            /// Every ecosystem, in the schema's (alphabetical) order.
            pub const ALL: &'static [Ecosystem] = &[$(Ecosystem::$variant,)*];

            /// The OSV name of the ecosystem (without release suffix).
            pub fn name(self) -> &'static str {
                match self {
                    $(Ecosystem::$variant => $name,)*
                }
            }

            /// How the ecosystem orders versions, or `None` when it has no order (only exact
            /// versions or GIT ranges are meaningful there).
            pub fn scheme(self) -> Option<Scheme> {
                match self {
                    $(Ecosystem::$variant => $scheme,)*
                }
            }

            fn from_family(family: &str) -> Option<Ecosystem> {
                match family {
                    $($name => Some(Ecosystem::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

ecosystems! {
    AlmaLinux = "AlmaLinux" => Some(Scheme::Rpm),
    Alpaquita = "Alpaquita" => Some(Scheme::Alpine),
    Alpine = "Alpine" => Some(Scheme::Alpine),
    Android = "Android" => None,
    AzureLinux = "Azure Linux" => Some(Scheme::Rpm),
    BellSoftHardenedContainers = "BellSoft Hardened Containers" => Some(Scheme::Alpine),
    Bioconductor = "Bioconductor" => Some(Scheme::Cran),
    Bitnami = "Bitnami" => Some(Scheme::SemVer),
    Chainguard = "Chainguard" => Some(Scheme::Alpine),
    CleanStart = "CleanStart" => None,
    ConanCenter = "ConanCenter" => Some(Scheme::SemVer),
    Cran = "CRAN" => Some(Scheme::Cran),
    CratesIo = "crates.io" => Some(Scheme::SemVer),
    Debian = "Debian" => Some(Scheme::Debian),
    DockerHardenedImages = "Docker Hardened Images" => Some(Scheme::SemVer),
    Echo = "Echo" => None,
    FreeBsd = "FreeBSD" => None,
    Ghc = "GHC" => Some(Scheme::SemVer),
    GitHubActions = "GitHub Actions" => None,
    Go = "Go" => Some(Scheme::SemVer),
    Hackage = "Hackage" => Some(Scheme::Hackage),
    Hex = "Hex" => Some(Scheme::SemVer),
    // Julia's VersionNumber orders build numbers (JLL packages are versioned 4.3.1+0, 4.3.1+2…),
    // as Pub does.
    Julia = "Julia" => Some(Scheme::Pub),
    Kubernetes = "Kubernetes" => None,
    Linux = "Linux" => None,
    Mageia = "Mageia" => Some(Scheme::Rpm),
    Maven = "Maven" => Some(Scheme::Maven),
    MinimOs = "MinimOS" => Some(Scheme::Alpine),
    Npm = "npm" => Some(Scheme::SemVer),
    NuGet = "NuGet" => Some(Scheme::NuGet),
    Opam = "opam" => None,
    OpenEuler = "openEuler" => Some(Scheme::Rpm),
    OpenSuse = "openSUSE" => Some(Scheme::Rpm),
    OssFuzz = "OSS-Fuzz" => None,
    Packagist = "Packagist" => Some(Scheme::Composer),
    PhotonOs = "Photon OS" => Some(Scheme::Rpm),
    Pub = "Pub" => Some(Scheme::Pub),
    PyPi = "PyPI" => Some(Scheme::Pep440),
    RedHat = "Red Hat" => Some(Scheme::Rpm),
    RockyLinux = "Rocky Linux" => Some(Scheme::Rpm),
    Root = "Root" => None,
    RubyGems = "RubyGems" => Some(Scheme::RubyGems),
    Suse = "SUSE" => Some(Scheme::Rpm),
    SwiftUrl = "SwiftURL" => Some(Scheme::SemVer),
    Ubuntu = "Ubuntu" => Some(Scheme::Debian),
    VsCode = "VSCode" => Some(Scheme::SemVer),
    Wolfi = "Wolfi" => Some(Scheme::Alpine),
}

impl FromStr for Ecosystem {
    type Err = UnknownEcosystem;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let family = s.split_once(':').map_or(s, |(family, _release)| family);
        Ecosystem::from_family(family).ok_or_else(|| UnknownEcosystem { name: s.to_owned() })
    }
}

impl fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for eco in Ecosystem::ALL {
            assert_eq!(eco.name().parse::<Ecosystem>(), Ok(*eco));
        }
    }

    #[test]
    fn release_suffixes_are_dropped() {
        assert_eq!("Debian:11".parse(), Ok(Ecosystem::Debian));
        assert_eq!("Alpine:v3.16".parse(), Ok(Ecosystem::Alpine));
        assert_eq!("Ubuntu:22.04:LTS".parse(), Ok(Ecosystem::Ubuntu));
        assert_eq!("Ubuntu:Pro:18.04:LTS".parse::<Ecosystem>().map(|e| e.to_string()), Ok("Ubuntu".into()));
    }

    #[test]
    fn unknown_names_are_refused() {
        let err = "pypi".parse::<Ecosystem>().unwrap_err();
        assert_eq!(err.name, "pypi");
        assert!("".parse::<Ecosystem>().is_err());
        assert!(":11".parse::<Ecosystem>().is_err());
    }
}
