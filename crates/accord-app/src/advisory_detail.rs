//! One advisory with everything its public page shows: details, scores, affected packages
//! (imported records) or vendors' products (case advisories), references, credits, and the
//! CVE id the CVE JSON 5 export is for.

use accord_formats::osv::{self, Record, SeverityLevel};
use serde_json::Value;

use crate::advisories::{
    AdvisorySummary, case_advisory_id, case_advisory_osv, case_summary, imported_summary,
};
use crate::{App, AppError};

/// An advisory as its page shows it.
#[derive(Debug, Clone)]
pub struct AdvisoryDetail {
    /// What the list shows (id, summary, dates, aliases, severity).
    pub summary: AdvisorySummary,
    /// `details`: CommonMark text, to be shown escaped.
    pub details: Option<String>,
    /// Every `severity` entry, top-level first, then per package.
    pub scores: Vec<Score>,
    /// The affected packages of an imported record, in the record's order.
    pub packages: Vec<AffectedPackage>,
    /// The vendors' products of a case advisory, with every status the vendors gave.
    pub products: Vec<AffectedProduct>,
    /// `references`, as given (the page decides which URLs become links).
    pub references: Vec<Reference>,
    pub credits: Vec<Credit>,
    /// The advisory's CVE id: the id itself or the first alias that is one.
    pub cve_id: Option<String>,
}

/// A `severity` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    /// `CVSS_V3`, `CVSS_V4`, `CVSS_V2` or `Ubuntu`.
    pub kind: &'static str,
    /// The vector (or Ubuntu priority) as written.
    pub vector: String,
    /// The CVSS base score, for a v3 or v4 vector `accord-cvss` reads.
    pub base_score: Option<f64>,
    /// Its rating.
    pub level: Option<SeverityLevel>,
    /// The package it is for, when it is a package's severity (`ecosystem/name`).
    pub package: Option<String>,
}

/// An `affected` entry of an imported record.
#[derive(Debug, Clone, PartialEq)]
pub struct AffectedPackage {
    /// Empty when the entry names no package.
    pub ecosystem: String,
    pub name: String,
    pub purl: Option<String>,
    pub ranges: Vec<AffectedRange>,
    /// Affected versions, listed.
    pub versions: Vec<String>,
}

/// `affected[].ranges[]`.
#[derive(Debug, Clone, PartialEq)]
pub struct AffectedRange {
    /// `SEMVER`, `ECOSYSTEM` or `GIT`.
    pub kind: &'static str,
    pub repo: Option<String>,
    /// `(introduced | fixed | last_affected | limit, version)`, in order.
    pub events: Vec<(&'static str, String)>,
}

/// A vendor's product in a case advisory.
#[derive(Debug, Clone, PartialEq)]
pub struct AffectedProduct {
    pub vendor: String,
    pub product: String,
    /// `affected`, `not_affected`, `fixed` or `under_investigation`.
    pub status: String,
    pub justification: Option<String>,
    pub fixed_version: Option<String>,
    pub remediation: Option<String>,
}

/// A reference link.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    /// The OSV reference type (`WEB`, `ADVISORY`, `FIX`, …).
    pub kind: String,
    pub url: String,
}

/// A credit.
#[derive(Debug, Clone, PartialEq)]
pub struct Credit {
    pub name: String,
    /// The OSV credit type (`FINDER`, `REPORTER`, …).
    pub kind: Option<String>,
    pub contact: Vec<String>,
}

/// Whether an id is a CVE id (`CVE-YYYY-NNNN…`).
pub fn is_cve_id(id: &str) -> bool {
    let Some(rest) = id.strip_prefix("CVE-") else { return false };
    let Some((year, number)) = rest.split_once('-') else { return false };
    year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && number.len() >= 4
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// The JSON name of a serde enum value (`CVSS_V3`, `FIX`, `FINDER`).
fn spec_name<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

fn score(s: &osv::Severity, package: Option<String>) -> Score {
    let kind = match s.kind {
        osv::SeverityType::CvssV2 => "CVSS_V2",
        osv::SeverityType::CvssV3 => "CVSS_V3",
        osv::SeverityType::CvssV4 => "CVSS_V4",
        osv::SeverityType::Ubuntu => "Ubuntu",
    };
    let cvss = matches!(s.kind, osv::SeverityType::CvssV3 | osv::SeverityType::CvssV4)
        .then(|| accord_cvss::Cvss::parse(s.score.trim()).ok())
        .flatten()
        .map(|v| v.base_score());
    Score {
        kind,
        vector: s.score.clone(),
        base_score: cvss,
        level: cvss.map(|b| accord_cvss::Severity::of(b).into()),
        package,
    }
}

/// The scores of a record: its own, then each package's.
fn scores(record: &Record) -> Vec<Score> {
    let mut out: Vec<Score> = record.severity.iter().map(|s| score(s, None)).collect();
    for a in &record.affected {
        let package = a.package.as_ref().map(|p| format!("{}/{}", p.ecosystem, p.name));
        out.extend(a.severity.iter().map(|s| score(s, package.clone())));
    }
    out
}

fn packages(record: &Record) -> Vec<AffectedPackage> {
    record
        .affected
        .iter()
        .map(|a| AffectedPackage {
            ecosystem: a.package.as_ref().map(|p| p.ecosystem.clone()).unwrap_or_default(),
            name: a.package.as_ref().map(|p| p.name.clone()).unwrap_or_default(),
            purl: a.package.as_ref().and_then(|p| p.purl.clone()),
            ranges: a
                .ranges
                .iter()
                .map(|r| AffectedRange {
                    kind: match r.kind {
                        osv::RangeType::Git => "GIT",
                        osv::RangeType::Semver => "SEMVER",
                        osv::RangeType::Ecosystem => "ECOSYSTEM",
                    },
                    repo: r.repo.clone(),
                    events: r
                        .events
                        .iter()
                        .map(|e| {
                            let kind = match e {
                                osv::Event::Introduced(_) => "introduced",
                                osv::Event::Fixed(_) => "fixed",
                                osv::Event::LastAffected(_) => "last_affected",
                                osv::Event::Limit(_) => "limit",
                            };
                            (kind, e.version().to_owned())
                        })
                        .collect(),
                })
                .collect(),
            versions: a.versions.clone(),
        })
        .collect()
}

fn references(record: &Record) -> Vec<Reference> {
    record.references.iter().map(|r| Reference { kind: spec_name(&r.kind), url: r.url.clone() }).collect()
}

fn credits(record: &Record) -> Vec<Credit> {
    record
        .credits
        .iter()
        .map(|c| Credit {
            name: c.name.clone(),
            kind: c.kind.as_ref().map(spec_name),
            contact: c.contact.clone(),
        })
        .collect()
}

fn cve_id(summary: &AdvisorySummary) -> Option<String> {
    std::iter::once(&summary.id).chain(&summary.aliases).find(|i| is_cve_id(i)).cloned()
}

/// The products of a case advisory's document, every status included.
fn products(document: &Value) -> Vec<AffectedProduct> {
    let text = |a: &Value, k: &str| a.get(k).and_then(Value::as_str).map(str::to_owned);
    document
        .get("affected")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|a| AffectedProduct {
            vendor: text(a, "vendor").unwrap_or_default(),
            product: text(a, "product").unwrap_or_default(),
            status: text(a, "status").unwrap_or_default(),
            justification: text(a, "justification"),
            fixed_version: text(a, "fixed_version"),
            remediation: text(a, "remediation"),
        })
        .collect()
}

impl App {
    /// One advisory with everything its page shows: an imported record by id or alias, or a
    /// case advisory by `ACCORD-YYYY-NNNN` (or `x_ACCORD-YYYY-NNNN`). Only published advisories
    /// exist here.
    pub async fn advisory_detail(&self, id: &str) -> Result<AdvisoryDetail, AppError> {
        if let Some(local) = case_advisory_id(id) {
            let (_, document) = self.store.advisory(local).await?.ok_or(AppError::NotFound("advisory"))?;
            let document: Value =
                serde_json::from_str(&document).map_err(|e| AppError::Internal(e.to_string()))?;
            let summary = case_summary(local, &document)?;
            let record = case_advisory_osv(local, &document)?;
            return Ok(AdvisoryDetail {
                cve_id: cve_id(&summary),
                details: record.details.clone(),
                scores: scores(&record),
                packages: Vec::new(),
                products: products(&document),
                references: references(&record),
                credits: credits(&record),
                summary,
            });
        }
        let stored = self.store.osv_advisory(id).await?.ok_or(AppError::NotFound("advisory"))?;
        // Read without the import's checks: a record stored under older rules still shows.
        let record: Record = serde_json::from_str(&stored.document)
            .map_err(|e| AppError::Internal(format!("advisory {id}: stored document: {e}")))?;
        let summary = imported_summary(stored.summary);
        Ok(AdvisoryDetail {
            cve_id: cve_id(&summary),
            details: record.details.clone(),
            scores: scores(&record),
            packages: packages(&record),
            products: Vec::new(),
            references: references(&record),
            credits: credits(&record),
            summary,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cve_ids_are_recognised() {
        for id in ["CVE-2024-0001", "CVE-2021-44228", "CVE-2024-1234567"] {
            assert!(is_cve_id(id), "{id}");
        }
        for id in [
            "GHSA-aaaa-bbbb-cccc",
            "CVE-24-0001",
            "CVE-2024-001",
            "cve-2024-0001",
            "CVE-2024-00x1",
            "CVE-2024",
        ] {
            assert!(!is_cve_id(id), "{id}");
        }
    }

    async fn demo() -> (tempfile::TempDir, App) {
        let dir = tempfile::tempdir().unwrap();
        let app = App::open(&crate::StoreLocation::Sqlite(dir.path().to_path_buf()))
            .unwrap()
            .with_sealing_key(accord_model::seal::SealingKey::from_bytes([3; 32]))
            .with_log_signer(crate::log::new_log_signer("test.example/log").unwrap());
        assert!(app.load_demo("2026-01-06T08:00:00Z".parse().unwrap()).await.unwrap());
        (dir, app)
    }

    #[tokio::test]
    async fn a_case_advisory_shows_every_product_status_and_its_scores() {
        let (_dir, app) = demo().await;
        let list = app.advisories(&Default::default()).await.unwrap();
        let id = &list.advisories.iter().find(|a| a.source == "accord").unwrap().id;
        let d = app.advisory_detail(id).await.unwrap();
        assert_eq!(&d.summary.id, id);
        assert_eq!(app.advisory_detail(&format!("x_{id}")).await.unwrap().summary.id, *id);
        assert!(d.details.as_deref().unwrap().contains("read past its buffer"));
        let statuses: Vec<(&str, &str)> =
            d.products.iter().map(|p| (p.vendor.as_str(), p.status.as_str())).collect();
        assert_eq!(statuses.len(), 3, "{statuses:?}");
        assert!(statuses.iter().any(|(_, s)| *s == "not_affected"), "not-affected products are shown too");
        let cisco = d.products.iter().find(|p| p.status == "not_affected").unwrap();
        assert_eq!(cisco.justification.as_deref(), Some("vulnerable_code_not_present"));
        assert_eq!(
            d.scores.iter().map(|s| (s.kind, s.base_score, s.level)).collect::<Vec<_>>(),
            [
                ("CVSS_V3", Some(8.2), Some(SeverityLevel::High)),
                ("CVSS_V4", Some(8.8), Some(SeverityLevel::High))
            ]
        );
        assert_eq!(d.credits[0].name, "A. Researcher (demo)");
        assert_eq!(d.credits[0].kind.as_deref(), Some("FINDER"));
        assert!(d.packages.is_empty());
        assert_eq!(d.cve_id.as_deref(), Some("CVE-2099-0005"), "the demo case's CVE id");
    }

    #[tokio::test]
    async fn an_imported_record_shows_its_packages_ranges_and_references() {
        let (_dir, app) = demo().await;
        let d = app.advisory_detail("x_DEMO-2025-0001").await.unwrap();
        assert_eq!(d.packages.len(), 1);
        let p = &d.packages[0];
        assert_eq!((p.ecosystem.as_str(), p.name.as_str()), ("crates.io", "tidepool-http"));
        assert_eq!(p.purl.as_deref(), Some("pkg:cargo/tidepool-http"));
        assert!(!p.ranges.is_empty() && p.ranges[0].events[0].0 == "introduced", "{:?}", p.ranges);
        assert_eq!(d.scores[0].base_score, Some(9.8));
        assert_eq!(d.summary.severity, Some(SeverityLevel::Critical));
        assert!(!d.references.is_empty());
        assert!(d.products.is_empty());
    }

    #[tokio::test]
    async fn unknown_and_embargoed_advisories_are_not_found() {
        let (_dir, app) = demo().await;
        for id in ["GHSA-none-none-none", "ACCORD-2099-0001", "x_ACCORD-2099-0001"] {
            assert!(matches!(app.advisory_detail(id).await, Err(AppError::NotFound(_))), "{id}");
        }
        // The demo's second case is under embargo: its local id is not an advisory.
        let now = "2026-01-06T08:00:00Z".parse().unwrap();
        let cases = app.cases(&crate::Caller::Operator, now).await.unwrap();
        let embargoed = cases.iter().find(|c| c.published_at.is_none()).expect("a case under embargo");
        let next = embargoed.local_id.clone();
        assert!(next.starts_with("ACCORD-"), "{next}");
        assert!(matches!(app.advisory_detail(&next).await, Err(AppError::NotFound(_))), "{next}");
    }
}
