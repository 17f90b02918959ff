//! Reading and writing vector strings.

use std::fmt;

use crate::catalogue::{Group, Metric};
use crate::{CvssError, Version};

/// A parsed vector: for each metric of its version's catalogue (same index), the index of its
/// value in that metric's list, or `None` when it is absent or `X` (Not Defined).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Values(Vec<Option<u8>>);

impl Values {
    /// The value of the metric `key`, if it is set (never `X`).
    pub fn get(&self, version: Version, key: &str) -> Option<&'static str> {
        let catalogue = version.catalogue();
        let at = catalogue.iter().position(|m| m.key == key)?;
        self.0[at].map(|v| catalogue[at].values[usize::from(v)])
    }

    /// The metrics that are set, in the specification's order.
    pub fn iter(&self, version: Version) -> impl Iterator<Item = (&'static Metric, &'static str)> + '_ {
        version
            .catalogue()
            .iter()
            .zip(&self.0)
            .filter_map(|(metric, value)| value.map(|v| (metric, metric.values[usize::from(v)])))
    }

    /// Whether any metric of `group` is set.
    pub fn any_in(&self, version: Version, group: Group) -> bool {
        self.iter(version).any(|(metric, _)| metric.group == group)
    }
}

pub(crate) fn parse(text: &str) -> Result<(Version, Values), CvssError> {
    let mut components = text.split('/');
    let prefix = components.next().unwrap_or_default();
    let version = match prefix.strip_prefix("CVSS:") {
        None => return Err(CvssError::NotAVector),
        Some("3.0") => Version::V3_0,
        Some("3.1") => Version::V3_1,
        Some("4.0") => Version::V4_0,
        Some(other) => return Err(CvssError::UnsupportedVersion(other.to_owned())),
    };
    let catalogue = version.catalogue();
    let mut seen = vec![false; catalogue.len()];
    let mut values = vec![None; catalogue.len()];
    let mut last: Option<usize> = None;
    for component in components {
        let Some((key, value)) = component.split_once(':').filter(|(k, v)| !k.is_empty() && !v.contains(':'))
        else {
            return Err(CvssError::Malformed { component: component.to_owned() });
        };
        let Some(at) = catalogue.iter().position(|m| m.key == key) else {
            return Err(CvssError::UnknownMetric { metric: key.to_owned(), version });
        };
        let metric = &catalogue[at];
        if seen[at] {
            return Err(CvssError::Duplicate { metric: metric.key });
        }
        seen[at] = true;
        if version.fixed_order() {
            if let Some(previous) = last.filter(|&p| p > at) {
                return Err(CvssError::OutOfOrder { metric: metric.key, after: catalogue[previous].key });
            }
            last = Some(at);
        }
        let Some(index) = metric.values.iter().position(|v| *v == value) else {
            return Err(CvssError::InvalidValue {
                metric: metric.key,
                name: metric.name,
                value: value.to_owned(),
                allowed: metric.values.join(", "),
            });
        };
        if metric.values[index] != "X" {
            values[at] = Some(u8::try_from(index).expect("a metric has fewer than 256 values"));
        }
    }
    if let Some(missing) = catalogue.iter().zip(&seen).find(|(m, seen)| m.mandatory() && !**seen) {
        return Err(CvssError::MissingMetric { metric: missing.0.key });
    }
    Ok((version, Values(values)))
}

/// Writes `CVSS:<version>` and the metrics that are set, in the specification's order, keeping
/// only those whose group passes `keep`.
pub(crate) fn write(
    f: &mut impl fmt::Write,
    version: Version,
    values: &Values,
    keep: impl Fn(Group) -> bool,
) -> fmt::Result {
    write!(f, "CVSS:{version}")?;
    for (metric, value) in values.iter(version).filter(|(m, _)| keep(m.group)) {
        write!(f, "/{}:{value}", metric.key)?;
    }
    Ok(())
}
