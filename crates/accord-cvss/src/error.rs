use crate::Version;

/// Why a vector string was refused. Every variant about a metric names it by its abbreviation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CvssError {
    #[error("not a CVSS vector: it must start with CVSS:3.1/, CVSS:3.0/ or CVSS:4.0/")]
    NotAVector,
    #[error("unsupported CVSS version {0:?} (supported: 3.0, 3.1 and 4.0)")]
    UnsupportedVersion(String),
    #[error("malformed component {component:?}: expected METRIC:VALUE between slashes")]
    Malformed { component: String },
    #[error("unknown metric {metric:?} in a CVSS {version} vector")]
    UnknownMetric { metric: String, version: Version },
    #[error("{metric}: appears more than once")]
    Duplicate { metric: &'static str },
    #[error("{metric}: {value:?} is not a value of {name} ({allowed})")]
    InvalidValue { metric: &'static str, name: &'static str, value: String, allowed: String },
    #[error("missing mandatory metric {metric}")]
    MissingMetric { metric: &'static str },
    #[error("{metric}: out of order (CVSS 4.0 fixes the order of metrics: {metric} comes before {after})")]
    OutOfOrder { metric: &'static str, after: &'static str },
}
