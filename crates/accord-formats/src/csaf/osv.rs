//! An OSV record as a CSAF [`Advisory`].

use super::vers::{self, End};
use super::{Advisory, Family, Product, Reference, Remediation, Statement, Status, Versions};
use crate::osv::{CreditType, RangeType, Record, ReferenceType, SeverityType};

/// Whether a text is a CVE id as CSAF writes them (`CVE-YYYY-NNNN…`).
pub(crate) fn is_cve(id: &str) -> bool {
    let Some(rest) = id.strip_prefix("CVE-") else { return false };
    let Some((year, number)) = rest.split_once('-') else { return false };
    year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && number.len() >= 4
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// The system an id belongs to, named by its prefix (`GHSA`, `RUSTSEC`, `PYSEC`, …).
fn system_of(id: &str) -> String {
    let prefix = id.split('-').next().unwrap_or(id);
    if prefix.is_empty() || prefix == id { "OSV".to_owned() } else { prefix.to_owned() }
}

fn reference_summary(kind: ReferenceType) -> &'static str {
    match kind {
        ReferenceType::Advisory => "Advisory",
        ReferenceType::Article => "Article",
        ReferenceType::Detection => "Detection",
        ReferenceType::Discussion => "Discussion",
        ReferenceType::Report => "Report",
        ReferenceType::Fix => "Fix",
        ReferenceType::Introduced => "Change that introduced the vulnerability",
        ReferenceType::Git => "Source repository",
        ReferenceType::Package => "Package",
        ReferenceType::Evidence => "Evidence",
        ReferenceType::Web => "Web page",
    }
}

fn credit_name(name: &str, kind: Option<CreditType>) -> String {
    match kind {
        None | Some(CreditType::Other) => name.to_owned(),
        Some(k) => {
            let role = match k {
                CreditType::Finder => "finder",
                CreditType::Reporter => "reporter",
                CreditType::Analyst => "analyst",
                CreditType::Coordinator => "coordinator",
                CreditType::RemediationDeveloper => "remediation developer",
                CreditType::RemediationReviewer => "remediation reviewer",
                CreditType::RemediationVerifier => "remediation verifier",
                CreditType::Tool => "tool",
                CreditType::Sponsor => "sponsor",
                CreditType::Other => "other",
            };
            format!("{name} ({role})")
        }
    }
}

fn vectors(severity: &[crate::osv::Severity]) -> Vec<String> {
    severity
        .iter()
        .filter(|s| matches!(s.kind, SeverityType::CvssV3 | SeverityType::CvssV4))
        .map(|s| s.score.clone())
        .collect()
}

/// The CSAF view of an OSV record:
/// * each affected package is a product of its ecosystem (with its package URL), and each
///   interval of its `SEMVER`/`ECOSYSTEM` ranges a `known_affected` version range whose
///   remediation names the fixed version (a `vendor_fix`) or says none is known; each fixed
///   version is a `fixed` product version;
/// * explicit `versions` lists are written only for packages without such ranges (the ranges
///   already cover them); a package with neither (only `GIT` ranges, say) is affected in every
///   version as far as CSAF can say, and its remediation points to the OSV record;
/// * CVE ids (the record's own id or its aliases) become one vulnerability each; the other
///   ids are listed under `ids`.
pub fn from_osv(record: &Record) -> Advisory {
    let id = record.id.to_string();
    let mut cves: Vec<String> =
        std::iter::once(&id).chain(&record.aliases).filter(|a| is_cve(a)).cloned().collect();
    cves.sort();
    cves.dedup();
    let mut ids: Vec<(String, String)> = Vec::new();
    for other in std::iter::once(&id).chain(&record.aliases).filter(|a| !is_cve(a) && !a.trim().is_empty()) {
        let entry = (system_of(other), other.clone());
        if !ids.contains(&entry) {
            ids.push(entry);
        }
    }
    let mut products: Vec<Product> = Vec::new();
    for affected in &record.affected {
        let Some(package) = &affected.package else { continue };
        let ecosystem = affected.ecosystem();
        let scheme = vers::vers_scheme(&package.ecosystem);
        let mut statements = Vec::new();
        for range in affected.ranges.iter().filter(|r| r.kind != RangeType::Git) {
            for interval in vers::intervals(range, ecosystem) {
                let remediation = match &interval.end {
                    End::Fixed(v) => Remediation {
                        category: "vendor_fix",
                        details: format!("Upgrade {} to version {v} or later.", package.name),
                    },
                    End::LastAffected(v) => Remediation {
                        category: "none_available",
                        details: format!(
                            "No fixed version is named; versions of {} after {v} are not affected.",
                            package.name
                        ),
                    },
                    End::Open => Remediation {
                        category: "none_available",
                        details: format!("No fixed version of {} is known.", package.name),
                    },
                };
                if let End::Fixed(v) = &interval.end {
                    statements
                        .push(Statement { versions: Versions::Exactly(v.clone()), status: Status::Fixed });
                }
                statements.push(Statement {
                    versions: Versions::Range(interval),
                    status: Status::Affected(remediation),
                });
            }
        }
        if statements.is_empty() {
            let remediation = Remediation {
                category: "none_available",
                details: format!("See the OSV record {id} for the affected versions of {}.", package.name),
            };
            if affected.versions.is_empty() {
                statements.push(Statement { versions: Versions::All, status: Status::Affected(remediation) });
            } else {
                for v in &affected.versions {
                    statements.push(Statement {
                        versions: Versions::Exactly(v.clone()),
                        status: Status::Affected(remediation.clone()),
                    });
                }
            }
        }
        let family = Family::Ecosystem(package.ecosystem.clone());
        let purl = package
            .purl
            .as_deref()
            .map(|p| p.split(['@', '?', '#']).next().unwrap_or(p).to_owned())
            .or_else(|| vers::purl(&package.ecosystem, &package.name));
        match products.iter_mut().find(|p| p.family == family && p.name == package.name) {
            Some(p) => {
                for s in statements {
                    if !p.statements.contains(&s) {
                        p.statements.push(s);
                    }
                }
                p.cvss.extend(vectors(&affected.severity));
            }
            None => products.push(Product {
                family,
                name: package.name.clone(),
                purl,
                vers_scheme: scheme.to_owned(),
                cvss: vectors(&affected.severity),
                statements,
            }),
        }
    }
    Advisory {
        tracking_id: id,
        summary: record.summary.clone(),
        details: record.details.clone(),
        initial_release: record.published.as_ref().unwrap_or(&record.modified).at(),
        current_release: record.modified.at(),
        changes: Vec::new(),
        withdrawn: record.withdrawn.as_ref().map(|w| w.at()),
        cves,
        ids,
        references: record
            .references
            .iter()
            .map(|r| Reference { url: r.url.clone(), summary: reference_summary(r.kind).to_owned() })
            .collect(),
        acknowledgments: record.credits.iter().map(|c| credit_name(&c.name, c.kind)).collect(),
        cvss: vectors(&record.severity),
        products,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cve_ids() {
        assert!(is_cve("CVE-2021-44228"));
        assert!(is_cve("CVE-2099-0001"));
        assert!(!is_cve("CVE-21-44228"));
        assert!(!is_cve("CVE-2021-442"));
        assert!(!is_cve("GHSA-jfh8-c2jp-5v3q"));
    }

    #[test]
    fn a_record_becomes_products_with_ranges_fixes_and_remediations() {
        let record = crate::osv::parse_record(
            r#"{"id":"GHSA-aaaa-bbbb-cccc","modified":"2024-02-01T00:00:00Z","published":"2024-01-01T00:00:00Z",
            "aliases":["CVE-2024-1234","CVE-2024-1235"],"summary":"Overflow in parser",
            "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
            "affected":[{"package":{"ecosystem":"PyPI","name":"Some_Pkg"},
              "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.2.0"},{"introduced":"2.0"}]}]}],
            "references":[{"type":"FIX","url":"https://example.com/fix"}],
            "credits":[{"name":"Ada","type":"FINDER"}]}"#,
        )
        .expect("the record reads");
        let a = from_osv(&record);
        assert_eq!(a.cves, ["CVE-2024-1234", "CVE-2024-1235"]);
        assert_eq!(a.ids, [("GHSA".to_owned(), "GHSA-aaaa-bbbb-cccc".to_owned())]);
        assert_eq!(a.acknowledgments, ["Ada (finder)"]);
        let p = &a.products[0];
        assert_eq!(p.purl.as_deref(), Some("pkg:pypi/some-pkg"));
        assert_eq!(p.statements.len(), 3, "{:?}", p.statements);
        assert_eq!(
            p.statements[0],
            Statement { versions: Versions::Exactly("1.2.0".into()), status: Status::Fixed }
        );
        assert!(
            matches!(&p.statements[1].status, Status::Affected(r) if r.category == "vendor_fix" && r.details.contains("1.2.0"))
        );
        assert!(matches!(&p.statements[2].status, Status::Affected(r) if r.category == "none_available"));
    }
}
