//! The schema's rules that serde types alone do not enforce.

use super::read::OsvError;
use super::{Affected, Event, Range, RangeType, Record, Severity, SeverityType};

/// Ecosystems the schema lists that `accord-version` has no entry for.
const OTHER_ECOSYSTEMS: &[&str] = &["GIT", "TuxCare"];

pub(super) fn check(record: &Record) -> Result<(), OsvError> {
    for (i, s) in record.severity.iter().enumerate() {
        check_severity(s, &format!("severity[{i}]"))?;
    }
    for (i, a) in record.affected.iter().enumerate() {
        let at = format!("affected[{i}]");
        if !record.severity.is_empty() && !a.severity.is_empty() {
            return Err(OsvError::at(
                format!("{at}.severity"),
                "a record with a top-level severity has no per-package severity",
            ));
        }
        check_affected(a, &at)?;
    }
    Ok(())
}

fn check_affected(a: &Affected, at: &str) -> Result<(), OsvError> {
    if let Some(p) = &a.package {
        let (family, release) = match p.ecosystem.split_once(':') {
            Some((f, r)) => (f, Some(r)),
            None => (p.ecosystem.as_str(), None),
        };
        let known = OTHER_ECOSYSTEMS.contains(&family)
            || accord_version::Ecosystem::ALL.iter().any(|e| e.name() == family);
        if !known || release == Some("") {
            return Err(OsvError::at(
                format!("{at}.package.ecosystem"),
                format!(
                    "{:?} is not an OSV ecosystem (names are case-sensitive: PyPI, crates.io, npm, Debian:12, …)",
                    p.ecosystem
                ),
            ));
        }
    }
    for (i, s) in a.severity.iter().enumerate() {
        check_severity(s, &format!("{at}.severity[{i}]"))?;
    }
    for (i, r) in a.ranges.iter().enumerate() {
        check_range(r, &format!("{at}.ranges[{i}]"))?;
    }
    Ok(())
}

fn check_range(r: &Range, at: &str) -> Result<(), OsvError> {
    if r.kind == RangeType::Git && r.repo.is_none() {
        return Err(OsvError::at(format!("{at}.repo"), "a GIT range names its repository (repo)"));
    }
    if r.events.is_empty() {
        return Err(OsvError::at(format!("{at}.events"), "a range has at least one event"));
    }
    if !r.events.iter().any(|e| matches!(e, Event::Introduced(_))) {
        return Err(OsvError::at(format!("{at}.events"), "a range has an introduced event"));
    }
    let last_affected = r.events.iter().any(|e| matches!(e, Event::LastAffected(_)));
    if last_affected && let Some(i) = r.events.iter().position(|e| matches!(e, Event::Fixed(_))) {
        return Err(OsvError::at(
            format!("{at}.events[{i}]"),
            "a range has fixed or last_affected events, not both",
        ));
    }
    Ok(())
}

fn check_severity(s: &Severity, at: &str) -> Result<(), OsvError> {
    let score = s.score.as_str();
    let ok = match s.kind {
        SeverityType::CvssV2 => score.contains("AV:") && !score.starts_with("CVSS:"),
        SeverityType::CvssV3 => score.starts_with("CVSS:3.0/") || score.starts_with("CVSS:3.1/"),
        SeverityType::CvssV4 => score.starts_with("CVSS:4.0/"),
        SeverityType::Ubuntu => ["negligible", "low", "medium", "high", "critical"].contains(&score),
    };
    if ok {
        Ok(())
    } else {
        let expected = match s.kind {
            SeverityType::CvssV2 => "a CVSS v2 vector (AV:N/AC:L/…)",
            SeverityType::CvssV3 => "a CVSS v3 vector starting CVSS:3.0/ or CVSS:3.1/",
            SeverityType::CvssV4 => "a CVSS v4 vector starting CVSS:4.0/",
            SeverityType::Ubuntu => "negligible, low, medium, high or critical",
        };
        Err(OsvError::at(format!("{at}.score"), format!("{score:?} is not {expected}")))
    }
}
