//! An OSV record written as the CNA container of a CVE record.

use accord_version::{Ecosystem, Scheme, Version};

use super::text::{URI_MAX, bounded, timestamp, uri};
use super::{
    Assigner, BaseSeverity, Change, CnaContainer, Containers, Credit, CreditType, CveId, CveMetadata,
    CveRecord, Cvss, DATA_VERSION, DataType, Description, Limit, Metric, ProblemType, ProblemTypeDescription,
    Product, ProviderMetadata, Reference, ReferenceTag, State, Status, VersionEntry, VersionRange,
};
use crate::osv::{self, Event, RangeType, ReferenceType, SeverityType};

/// Longest `title`, in characters.
const TITLE_MAX: usize = 256;
/// Longest description, credit or CWE text, in characters.
const TEXT_MAX: usize = 4096;
/// Longest `version`, `lessThan`, `lessThanOrEqual` or `at`.
const VERSION_MAX: usize = 1024;
/// Longest `vendor`.
const VENDOR_MAX: usize = 512;
/// Longest `product` or `packageName`.
const NAME_MAX: usize = 2048;
/// Most `references`.
const REFERENCES_MAX: usize = 512;

/// The CVE ids of an OSV record: its own id when it is one, and its aliases that are; sorted
/// (by year, then number), without repeats.
pub fn cve_ids(record: &osv::Record) -> Vec<CveId> {
    let mut ids: Vec<CveId> = std::iter::once(record.id.as_str())
        .chain(record.aliases.iter().map(String::as_str))
        .filter_map(|id| id.parse().ok())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// Writes an OSV record as the published CVE record `cve_id`, with the CNA container of
/// `assigner`. See the [module documentation](super) for what each field comes from and what is
/// left out; the result is valid for the CVE JSON 5.1.1 schema whatever the record holds.
pub fn from_osv(record: &osv::Record, cve_id: &CveId, assigner: &Assigner) -> CveRecord {
    let published = record.published.as_ref().and_then(|p| timestamp(p.at()));
    let modified = timestamp(record.modified.at());
    let mut affected = Vec::new();
    for entry in &record.affected {
        if let Some(product) = product(entry) {
            merge(&mut affected, product);
        }
    }
    if affected.is_empty() {
        affected.push(unknown_product());
    }
    CveRecord {
        data_type: DataType::CveRecord,
        data_version: DATA_VERSION.to_owned(),
        cve_metadata: CveMetadata {
            cve_id: cve_id.clone(),
            assigner_org_id: assigner.org_id.clone(),
            assigner_short_name: assigner.short_name.clone(),
            state: State::Published,
            date_published: published.clone(),
            date_updated: modified.clone(),
        },
        containers: Containers {
            cna: CnaContainer {
                provider_metadata: ProviderMetadata {
                    org_id: assigner.org_id.clone(),
                    short_name: assigner.short_name.clone(),
                    date_updated: modified,
                },
                title: text(record.summary.as_deref()).map(|s| bounded(s, TITLE_MAX)),
                descriptions: vec![description(record)],
                affected,
                problem_types: problem_types(record),
                references: references(&record.references, cve_id),
                metrics: metrics(record),
                credits: credits(&record.credits),
                date_public: published,
            },
        },
    }
}

/// The product of a case or record Accord knows nothing about: vendor and product `n/a` (the
/// CVE program's spelling for "not applicable"), status unknown. It stands in when nothing
/// could be mapped, since a CNA container names at least one product.
pub fn unknown_product() -> Product {
    Product {
        vendor: Some("n/a".to_owned()),
        product: Some("n/a".to_owned()),
        default_status: Some(Status::Unknown),
        ..Product::default()
    }
}

/// Adds `product` to `list`, merging its versions into an entry naming the same product.
fn merge(list: &mut Vec<Product>, product: Product) {
    let same = |p: &Product| {
        (&p.vendor, &p.product, &p.collection_url, &p.package_name, &p.repo)
            == (
                &product.vendor,
                &product.product,
                &product.collection_url,
                &product.package_name,
                &product.repo,
            )
    };
    match list.iter_mut().find(|p| same(p)) {
        Some(existing) => {
            for v in product.versions {
                if !existing.versions.contains(&v) {
                    existing.versions.push(v);
                }
            }
            if !existing.versions.is_empty() {
                existing.default_status = Some(Status::Unaffected);
            } else if existing.default_status != product.default_status {
                existing.default_status = Some(Status::Unknown);
            }
        }
        None => list.push(product),
    }
}

/// Non-blank text, trimmed.
fn text(t: Option<&str>) -> Option<&str> {
    t.map(str::trim).filter(|t| !t.is_empty())
}

fn description(record: &osv::Record) -> Description {
    let value = match text(record.details.as_deref()).or(text(record.summary.as_deref())) {
        Some(t) => bounded(t, TEXT_MAX),
        None => format!("{}: the advisory gives no summary or details.", record.id),
    };
    Description { lang: "en".to_owned(), value }
}

/// The package collection (`collectionURL`) of an ecosystem: the spelling the schema's own list
/// of examples gives for that registry, so that consumers matching on it find it.
pub fn collection_url(ecosystem: Ecosystem) -> Option<&'static str> {
    Some(match ecosystem {
        Ecosystem::CratesIo => "https://crates.io",
        Ecosystem::Npm => "https://registry.npmjs.org",
        Ecosystem::PyPi => "https://pypi.python.org",
        Ecosystem::Go => "https://golang.org/pkg",
        Ecosystem::Maven => "https://repo.maven.apache.org/maven2",
        Ecosystem::RubyGems => "https://rubygems.org",
        Ecosystem::NuGet => "https://nuget.org/packages",
        Ecosystem::Packagist => "https://packagist.org",
        Ecosystem::Pub => "https://pub.dev",
        Ecosystem::Hex => "https://repo.hex.pm",
        Ecosystem::Hackage => "https://hackage.haskell.org",
        Ecosystem::Cran => "https://cran.r-project.org",
        Ecosystem::Julia => "https://juliahub.com",
        Ecosystem::Debian => "https://packages.debian.org",
        Ecosystem::ConanCenter => "https://conan.io/center",
        Ecosystem::GitHubActions => "https://github.com",
        Ecosystem::VsCode => "https://marketplace.visualstudio.com",
        Ecosystem::Opam => "https://opam.ocaml.org/packages",
        _ => return None,
    })
}

/// `versionType` of the versions of a range: `git`, `semver`, or for an `ECOSYSTEM` range the
/// name the schema's examples give its order (`python`, `maven`, `rpm`, `semver`), `custom` for
/// the others.
pub fn version_type(kind: RangeType, ecosystem: Option<Ecosystem>) -> &'static str {
    match kind {
        RangeType::Git => "git",
        RangeType::Semver => "semver",
        RangeType::Ecosystem => match ecosystem.and_then(Ecosystem::scheme) {
            Some(Scheme::SemVer) => "semver",
            Some(Scheme::Pep440) => "python",
            Some(Scheme::Maven) => "maven",
            Some(Scheme::Rpm) => "rpm",
            _ => "custom",
        },
    }
}

/// The product of an `affected` entry, or `None` when it names nothing the schema can hold.
fn product(entry: &osv::Affected) -> Option<Product> {
    let git_repo = entry.ranges.iter().filter(|r| r.kind == RangeType::Git).find_map(|r| r.repo.as_deref());
    let repo = git_repo.and_then(uri);
    let mut product = Product { repo: repo.clone(), ..Product::default() };
    let ecosystem = entry.ecosystem();
    match &entry.package {
        // The `GIT` ecosystem: the package name is the repository's URL.
        Some(p) if p.ecosystem == "GIT" => {
            let url = uri(&p.name)?;
            let (vendor, name) = repo_names(&url)?;
            product.vendor = Some(vendor);
            product.product = Some(name);
            product.repo = repo.clone().or(Some(url));
        }
        Some(p) => {
            let name = p.name.trim();
            if name.is_empty() || name.chars().count() > NAME_MAX {
                return None;
            }
            match ecosystem.and_then(collection_url) {
                Some(url) => {
                    product.collection_url = Some(url.to_owned());
                    product.package_name = Some(name.to_owned());
                }
                None => {
                    product.vendor = Some(bounded(p.ecosystem.trim(), VENDOR_MAX));
                    product.product = Some(name.to_owned());
                }
            }
        }
        None => {
            let (vendor, name) = repo_names(repo.as_deref()?)?;
            product.vendor = Some(vendor);
            product.product = Some(name);
        }
    }
    let mut versions: Vec<VersionEntry> = Vec::new();
    let mut push = |v: VersionEntry| {
        if !versions.contains(&v) {
            versions.push(v);
        }
    };
    for range in &entry.ranges {
        // A product has one repository: GIT ranges of another one are left out.
        if range.kind == RangeType::Git && range.repo.as_deref().and_then(uri) != repo {
            continue;
        }
        for v in range_versions(range, ecosystem) {
            push(v);
        }
    }
    for v in entry.versions.iter().filter_map(|v| version_text(v)) {
        push(VersionEntry::Single { version: v.to_owned(), status: Status::Affected });
    }
    product.default_status = Some(if versions.is_empty() { Status::Unknown } else { Status::Unaffected });
    product.versions = versions;
    Some(product)
}

/// A version as the schema allows it (1 to 1,024 characters), trimmed.
fn version_text(v: &str) -> Option<&str> {
    let v = v.trim();
    (!v.is_empty() && v.chars().count() <= VERSION_MAX).then_some(v)
}

/// Vendor and product named by a repository URL: its last two path segments (`owner/name` on
/// the common forges, `.git` dropped), or its host and its last segment.
fn repo_names(url: &str) -> Option<(String, String)> {
    let after_scheme = url.split_once("://")?.1;
    let before_query = after_scheme.split(['?', '#']).next().unwrap_or_default();
    let mut parts = before_query.split('/');
    let host = parts.next().filter(|h| !h.is_empty())?;
    let host = host.rsplit('@').next().unwrap_or(host);
    let segments: Vec<&str> = parts.filter(|s| !s.is_empty()).collect();
    let name = segments.last()?.trim_end_matches(".git");
    let owner = if segments.len() >= 2 { segments[segments.len() - 2] } else { host };
    if name.is_empty() {
        return None;
    }
    Some((bounded(owner, VENDOR_MAX), bounded(name, NAME_MAX)))
}

/// The `versions` entries of one OSV range.
///
/// `SEMVER` and `ECOSYSTEM` ranges are walked as the OSV schema evaluates them: events sorted by
/// version (when every one can be read in the range's order; else as listed), `introduced`
/// opens a stretch, `fixed` closes it before its version (`lessThan`), `last_affected` after
/// it (`lessThanOrEqual`), a `limit` before its version; a stretch still open at the end runs
/// to `lessThan: "*"`.
///
/// `GIT` ranges name commits, which are not ordered: each `introduced` commit is affected with
/// its descendants up to the range's one `fixed`/`limit` commit (`lessThan`) or its one
/// `last_affected` (`lessThanOrEqual`). With several, as when a fix lands on several branches,
/// the entry runs to `*` and lists each `fixed`/`limit` commit as a `changes` entry making it
/// and its descendants unaffected; each `last_affected` commit then gets its own
/// `lessThanOrEqual` entry.
///
/// Versions the schema cannot hold (empty, over 1,024 characters) end a stretch without an
/// entry when they close it and drop the stretch when they open it.
fn range_versions(range: &osv::Range, ecosystem: Option<Ecosystem>) -> Vec<VersionEntry> {
    let version_type = version_type(range.kind, ecosystem).to_owned();
    let entry = |start: &str, limit: Limit, changes: Vec<Change>| {
        VersionEntry::Range(VersionRange {
            version: start.to_owned(),
            status: Status::Affected,
            version_type: version_type.clone(),
            limit,
            changes,
        })
    };
    let valid = |v: &str| version_text(v).map(str::to_owned);
    let mut out = Vec::new();
    if range.kind == RangeType::Git {
        let mut fixes = Vec::new();
        let mut last_affected = Vec::new();
        for e in &range.events {
            let (list, v) = match e {
                Event::Fixed(v) => (&mut fixes, v),
                Event::Limit(v) if v != "*" => (&mut fixes, v),
                Event::LastAffected(v) => (&mut last_affected, v),
                Event::Introduced(_) | Event::Limit(_) => continue,
            };
            if let Some(v) = valid(v).filter(|v| !list.contains(v)) {
                list.push(v);
            }
        }
        for start in range.events.iter().filter_map(|e| match e {
            Event::Introduced(v) => version_text(v),
            _ => None,
        }) {
            match (fixes.as_slice(), last_affected.as_slice()) {
                ([], []) => out.push(entry(start, Limit::LessThan("*".to_owned()), Vec::new())),
                ([fix], []) => out.push(entry(start, Limit::LessThan(fix.clone()), Vec::new())),
                ([], [last]) => out.push(entry(start, Limit::LessThanOrEqual(last.clone()), Vec::new())),
                (fixes, lasts) => {
                    if !fixes.is_empty() {
                        let changes = fixes
                            .iter()
                            .map(|f| Change { at: f.clone(), status: Status::Unaffected })
                            .collect();
                        out.push(entry(start, Limit::LessThan("*".to_owned()), changes));
                    }
                    for last in lasts {
                        out.push(entry(start, Limit::LessThanOrEqual(last.clone()), Vec::new()));
                    }
                }
            }
        }
        return out;
    }
    let mut open: Option<Option<String>> = None;
    for e in sorted_events(range, ecosystem) {
        match e {
            Event::Introduced(v) if open.is_none() => open = Some(valid(v)),
            Event::Introduced(_) => {}
            Event::Fixed(v) | Event::Limit(v) if v != "*" => {
                if let Some(Some(start)) = open.take() {
                    out.extend(valid(v).map(|end| entry(&start, Limit::LessThan(end), Vec::new())));
                }
            }
            Event::LastAffected(v) => {
                if let Some(Some(start)) = open.take() {
                    out.extend(valid(v).map(|end| entry(&start, Limit::LessThanOrEqual(end), Vec::new())));
                }
            }
            Event::Fixed(_) | Event::Limit(_) => {}
        }
    }
    if let Some(Some(start)) = open {
        out.push(entry(&start, Limit::LessThan("*".to_owned()), Vec::new()));
    }
    out
}

/// The events of a `SEMVER` or `ECOSYSTEM` range in version order (`introduced: "0"` first),
/// or as listed when a version cannot be read in the range's order.
fn sorted_events(range: &osv::Range, ecosystem: Option<Ecosystem>) -> Vec<&Event> {
    let scheme = match range.kind {
        RangeType::Semver => match ecosystem.and_then(Ecosystem::scheme) {
            Some(Scheme::Pub) => Some(Scheme::Pub),
            _ => Some(Scheme::SemVer),
        },
        RangeType::Ecosystem => ecosystem.and_then(Ecosystem::scheme),
        RangeType::Git => None,
    };
    let listed: Vec<&Event> = range.events.iter().collect();
    let Some(scheme) = scheme else { return listed };
    let keyed: Result<Vec<(Option<Version>, &Event)>, _> = range
        .events
        .iter()
        .map(|e| match e {
            Event::Introduced(v) if v == "0" => Ok((None, e)),
            Event::Limit(v) if v == "*" => Ok((None, e)),
            _ => Version::parse_with(scheme, e.version()).map(|v| (Some(v), e)),
        })
        .collect();
    match keyed {
        Ok(mut keyed) => {
            // `limit: "*"` ends nothing; its place does not matter.
            keyed.sort_by(|(a, _), (b, _)| a.cmp(b));
            keyed.into_iter().map(|(_, e)| e).collect()
        }
        Err(_) => listed,
    }
}

fn problem_types(record: &osv::Record) -> Vec<ProblemType> {
    let cwes = record.database_specific.as_ref().and_then(|d| d.get("cwe_ids")).and_then(|c| c.as_array());
    let mut out: Vec<ProblemType> = Vec::new();
    for cwe in cwes.into_iter().flatten().filter_map(|c| c.as_str()).map(str::trim) {
        let ok = (5..=9).contains(&cwe.len())
            && cwe.strip_prefix("CWE-").is_some_and(|n| {
                n.bytes().all(|b| b.is_ascii_digit()) && !n.starts_with('0') && !n.is_empty()
            });
        let problem = ProblemType {
            descriptions: vec![ProblemTypeDescription {
                lang: "en".to_owned(),
                cwe_id: Some(cwe.to_owned()),
                description: cwe.to_owned(),
                kind: Some("CWE".to_owned()),
            }],
        };
        if ok && !out.contains(&problem) {
            out.push(problem);
        }
    }
    out
}

/// The tag of an OSV reference type, where one says the same. `ADVISORY` has none: OSV does not
/// say whose advisory it is, and the schema tells a vendor's from a third party's.
pub fn reference_tag(kind: ReferenceType) -> Option<ReferenceTag> {
    match kind {
        ReferenceType::Fix => Some(ReferenceTag::Patch),
        ReferenceType::Report => Some(ReferenceTag::IssueTracking),
        ReferenceType::Article => Some(ReferenceTag::TechnicalDescription),
        ReferenceType::Package => Some(ReferenceTag::Product),
        ReferenceType::Detection => Some(ReferenceTag::Signature),
        ReferenceType::Advisory
        | ReferenceType::Discussion
        | ReferenceType::Introduced
        | ReferenceType::Git
        | ReferenceType::Evidence
        | ReferenceType::Web => None,
    }
}

fn references(list: &[osv::Reference], cve_id: &CveId) -> Vec<Reference> {
    let mut out: Vec<Reference> = Vec::new();
    for r in list {
        let Some(url) = uri(&r.url) else { continue };
        let tag = reference_tag(r.kind);
        let full = out.len() >= REFERENCES_MAX;
        match out.iter_mut().find(|o| o.url == url) {
            Some(existing) => {
                if let Some(t) = tag.filter(|t| !existing.tags.contains(t)) {
                    existing.tags.push(t);
                }
            }
            None if !full => out.push(Reference { url, tags: tag.into_iter().collect() }),
            None => {}
        }
    }
    if out.is_empty() {
        let url = format!("https://www.cve.org/CVERecord?id={cve_id}");
        debug_assert!(url.len() <= URI_MAX);
        out.push(Reference { url, tags: Vec::new() });
    }
    out
}

/// A CVSS vector of an OSV severity as a metric, scored by `accord-cvss`; `None` for a vector it
/// refuses, a version that does not match the severity type, or another scoring system.
pub fn metric(kind: SeverityType, vector: &str) -> Option<Metric> {
    let cvss = accord_cvss::Cvss::parse(vector.trim()).ok()?;
    let version = cvss.version();
    let fits = matches!(
        (kind, version),
        (SeverityType::CvssV3, accord_cvss::Version::V3_0 | accord_cvss::Version::V3_1)
            | (SeverityType::CvssV4, accord_cvss::Version::V4_0)
    );
    if !fits {
        return None;
    }
    let score = (cvss.base_score() * 10.0).round() / 10.0;
    let data = Cvss {
        version: version.to_string(),
        vector_string: cvss.to_string(),
        base_score: score,
        base_severity: match accord_cvss::Severity::of(score) {
            accord_cvss::Severity::None => BaseSeverity::None,
            accord_cvss::Severity::Low => BaseSeverity::Low,
            accord_cvss::Severity::Medium => BaseSeverity::Medium,
            accord_cvss::Severity::High => BaseSeverity::High,
            accord_cvss::Severity::Critical => BaseSeverity::Critical,
        },
    };
    Some(match version {
        accord_cvss::Version::V3_0 => Metric::CvssV30(data),
        accord_cvss::Version::V3_1 => Metric::CvssV31(data),
        accord_cvss::Version::V4_0 => Metric::CvssV40(data),
    })
}

fn metrics(record: &osv::Record) -> Vec<Metric> {
    let mut out: Vec<Metric> = Vec::new();
    let all = record.severity.iter().chain(record.affected.iter().flat_map(|a| a.severity.iter()));
    for m in all.filter_map(|s| metric(s.kind, &s.score)) {
        if !out.contains(&m) {
            out.push(m);
        }
    }
    out
}

/// The credit type of an OSV credit type: the same roles.
pub fn credit_type(kind: osv::CreditType) -> CreditType {
    match kind {
        osv::CreditType::Finder => CreditType::Finder,
        osv::CreditType::Reporter => CreditType::Reporter,
        osv::CreditType::Analyst => CreditType::Analyst,
        osv::CreditType::Coordinator => CreditType::Coordinator,
        osv::CreditType::RemediationDeveloper => CreditType::RemediationDeveloper,
        osv::CreditType::RemediationReviewer => CreditType::RemediationReviewer,
        osv::CreditType::RemediationVerifier => CreditType::RemediationVerifier,
        osv::CreditType::Tool => CreditType::Tool,
        osv::CreditType::Sponsor => CreditType::Sponsor,
        osv::CreditType::Other => CreditType::Other,
    }
}

fn credits(list: &[osv::Credit]) -> Vec<Credit> {
    let mut out: Vec<Credit> = Vec::new();
    for c in list {
        let Some(name) = text(Some(&c.name)) else { continue };
        let credit =
            Credit { lang: "en".to_owned(), value: bounded(name, TEXT_MAX), kind: c.kind.map(credit_type) };
        if !out.contains(&credit) {
            out.push(credit);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn assigner() -> Assigner {
        Assigner {
            org_id: "8254265b-2729-46b6-b9e3-3dfca2d5bfca".parse().unwrap(),
            short_name: "accord".parse().unwrap(),
        }
    }

    /// A record with `fields` over a minimal valid one.
    fn record(fields: Value) -> osv::Record {
        let mut r = json!({ "id": "GHSA-aaaa-bbbb-cccc", "modified": "2024-05-01T12:00:00Z" });
        for (k, v) in fields.as_object().unwrap() {
            r[k] = v.clone();
        }
        osv::parse_record(&r.to_string()).unwrap()
    }

    /// The CNA container written for `fields`, as JSON.
    fn cna(fields: Value) -> Value {
        let cve: CveId = "CVE-2099-0001".parse().unwrap();
        serde_json::to_value(from_osv(&record(fields), &cve, &assigner())).unwrap()["containers"]["cna"]
            .clone()
    }

    /// Checks the `affected` written for one OSV `affected` entry.
    fn check_affected(entry: Value, expected: Value) {
        assert_eq!(cna(json!({ "affected": [entry] }))["affected"], expected, "{entry}");
    }

    #[test]
    fn semver_ranges_become_intervals_in_version_order() {
        check_affected(
            json!({
                "package": { "ecosystem": "crates.io", "name": "tidepool-http" },
                "ranges": [{ "type": "SEMVER", "events": [
                    { "introduced": "1.0.0" }, { "fixed": "1.2.1" }, { "introduced": "0" }, { "fixed": "0.14.3" },
                ] }],
            }),
            json!([{
                "collectionURL": "https://crates.io",
                "packageName": "tidepool-http",
                "defaultStatus": "unaffected",
                "versions": [
                    { "version": "0", "status": "affected", "versionType": "semver", "lessThan": "0.14.3" },
                    { "version": "1.0.0", "status": "affected", "versionType": "semver", "lessThan": "1.2.1" },
                ],
            }]),
        );
    }

    #[test]
    fn last_affected_open_ended_and_listed_versions() {
        check_affected(
            json!({
                "package": { "ecosystem": "PyPI", "name": "lanternfish" },
                "ranges": [
                    { "type": "ECOSYSTEM", "events": [{ "introduced": "1.0" }, { "last_affected": "1.4.2" }] },
                    { "type": "ECOSYSTEM", "events": [{ "introduced": "2.0rc1" }] },
                ],
                "versions": ["1.0", "1.4.2", "1.0"],
            }),
            json!([{
                "collectionURL": "https://pypi.python.org",
                "packageName": "lanternfish",
                "defaultStatus": "unaffected",
                "versions": [
                    { "version": "1.0", "status": "affected", "versionType": "python", "lessThanOrEqual": "1.4.2" },
                    { "version": "2.0rc1", "status": "affected", "versionType": "python", "lessThan": "*" },
                    { "version": "1.0", "status": "affected" },
                    { "version": "1.4.2", "status": "affected" },
                ],
            }]),
        );
    }

    #[test]
    fn version_types_and_product_names_per_ecosystem() {
        let one = |ecosystem: &str| {
            json!({
                "package": { "ecosystem": ecosystem, "name": "pkg" },
                "ranges": [{ "type": "ECOSYSTEM", "events": [{ "introduced": "0" }, { "fixed": "2" }] }],
            })
        };
        let range = |version_type: &str| json!([{ "version": "0", "status": "affected", "versionType": version_type, "lessThan": "2" }]);
        for (ecosystem, named, version_type) in [
            (
                "Maven",
                json!({ "collectionURL": "https://repo.maven.apache.org/maven2", "packageName": "pkg" }),
                "maven",
            ),
            ("npm", json!({ "collectionURL": "https://registry.npmjs.org", "packageName": "pkg" }), "semver"),
            (
                "Debian:12",
                json!({ "collectionURL": "https://packages.debian.org", "packageName": "pkg" }),
                "custom",
            ),
            (
                "Red Hat:enterprise_linux:9",
                json!({ "vendor": "Red Hat:enterprise_linux:9", "product": "pkg" }),
                "rpm",
            ),
            ("Bitnami", json!({ "vendor": "Bitnami", "product": "pkg" }), "semver"),
            ("RubyGems", json!({ "collectionURL": "https://rubygems.org", "packageName": "pkg" }), "custom"),
        ] {
            let mut expected = named;
            expected["defaultStatus"] = json!("unaffected");
            expected["versions"] = range(version_type);
            check_affected(one(ecosystem), json!([expected]));
        }
    }

    #[test]
    fn git_ranges_name_their_repository() {
        // One fix: a plain interval. Without package, the repository names the product.
        check_affected(
            json!({
                "ranges": [{ "type": "GIT", "repo": "https://github.com/python/cpython.git", "events": [
                    { "introduced": "aaaa" }, { "fixed": "bbbb" },
                ] }],
            }),
            json!([{
                "vendor": "python",
                "product": "cpython",
                "repo": "https://github.com/python/cpython.git",
                "defaultStatus": "unaffected",
                "versions": [{ "version": "aaaa", "status": "affected", "versionType": "git", "lessThan": "bbbb" }],
            }]),
        );
        // A fix on each of two branches: the fixes are changes of one open range.
        check_affected(
            json!({
                "package": { "ecosystem": "OSS-Fuzz", "name": "libfoo" },
                "ranges": [{ "type": "GIT", "repo": "https://git.example/libfoo", "events": [
                    { "introduced": "0" }, { "fixed": "b1" }, { "fixed": "b2" }, { "limit": "*" },
                ] }],
            }),
            json!([{
                "vendor": "OSS-Fuzz",
                "product": "libfoo",
                "repo": "https://git.example/libfoo",
                "defaultStatus": "unaffected",
                "versions": [{
                    "version": "0", "status": "affected", "versionType": "git", "lessThan": "*",
                    "changes": [{ "at": "b1", "status": "unaffected" }, { "at": "b2", "status": "unaffected" }],
                }],
            }]),
        );
    }

    #[test]
    fn what_cannot_be_mapped_is_left_out_or_unknown() {
        // No ranges, no versions: nothing is known about the versions.
        check_affected(
            json!({ "package": { "ecosystem": "Go", "name": "example.org/heron/auth" } }),
            json!([{
                "collectionURL": "https://golang.org/pkg",
                "packageName": "example.org/heron/auth",
                "defaultStatus": "unknown",
            }]),
        );
        // A version longer than the schema allows ends its stretch without an entry.
        check_affected(
            json!({
                "package": { "ecosystem": "npm", "name": "quokka-router" },
                "ranges": [{ "type": "SEMVER", "events": [{ "introduced": "0" }, { "fixed": format!("1.{}", "0".repeat(1100)) }] }],
            }),
            json!([{ "collectionURL": "https://registry.npmjs.org", "packageName": "quokka-router", "defaultStatus": "unknown" }]),
        );
        // No package and no repository: a placeholder product, since one is required.
        assert_eq!(
            cna(json!({ "affected": [{ "versions": ["1.0"] }] }))["affected"],
            json!([{ "vendor": "n/a", "product": "n/a", "defaultStatus": "unknown" }])
        );
        assert_eq!(
            cna(json!({}))["affected"],
            json!([{ "vendor": "n/a", "product": "n/a", "defaultStatus": "unknown" }])
        );
    }

    #[test]
    fn entries_of_one_package_merge() {
        let entry = |fixed: &str| {
            json!({
                "package": { "ecosystem": "crates.io", "name": "ringlet-buffer" },
                "ranges": [{ "type": "SEMVER", "events": [{ "introduced": "0" }, { "fixed": fixed }] }],
            })
        };
        let affected =
            &cna(json!({ "affected": [entry("1.0.1"), entry("1.0.1"), entry("2.0.0")] }))["affected"];
        assert_eq!(affected.as_array().unwrap().len(), 1, "{affected}");
        assert_eq!(affected[0]["versions"].as_array().unwrap().len(), 2, "{affected}");
    }

    #[test]
    fn cvss_metrics_are_scored_by_accord_cvss() {
        let metrics = cna(json!({
            "severity": [
                { "type": "CVSS_V3", "score": "CVSS:3.1/S:U/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H" },
                { "type": "CVSS_V3", "score": "CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N" },
                { "type": "CVSS_V4", "score": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N" },
                { "type": "CVSS_V2", "score": "AV:N/AC:L/Au:N/C:P/I:P/A:P" },
                // Accepted by OSV's prefix check, refused by accord-cvss: left out.
                { "type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L" },
                // The same vector twice counts once.
                { "type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" },
            ],
        }))["metrics"]
            .clone();
        assert_eq!(
            metrics,
            json!([
                { "cvssV3_1": { "version": "3.1", "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "baseScore": 9.8, "baseSeverity": "CRITICAL" } },
                { "cvssV3_0": { "version": "3.0", "vectorString": "CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N", "baseScore": 4.3, "baseSeverity": "MEDIUM" } },
                { "cvssV4_0": { "version": "4.0", "vectorString": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "baseScore": 9.3, "baseSeverity": "CRITICAL" } },
            ])
        );
        // A CVSS 4.0 vector given as CVSS_V3 does not fit its type.
        assert_eq!(
            metric(SeverityType::CvssV3, "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"),
            None
        );
        assert!(cna(json!({}))["metrics"].is_null(), "no metrics: the list is left out");
    }

    #[test]
    fn credits_keep_their_role() {
        let credits = cna(json!({
            "credits": [
                { "name": "A. Finder", "type": "FINDER" },
                { "name": "Fix Developer", "type": "REMEDIATION_DEVELOPER" },
                { "name": "Someone" },
                { "name": "   " },
                { "name": "A. Finder", "type": "FINDER" },
                { "name": "A. Finder", "type": "COORDINATOR" },
            ],
        }))["credits"]
            .clone();
        assert_eq!(
            credits,
            json!([
                { "lang": "en", "value": "A. Finder", "type": "finder" },
                { "lang": "en", "value": "Fix Developer", "type": "remediation developer" },
                { "lang": "en", "value": "Someone" },
                { "lang": "en", "value": "A. Finder", "type": "coordinator" },
            ])
        );
    }

    #[test]
    fn references_are_uris_tagged_and_without_repeats() {
        let references = cna(json!({
            "references": [
                { "type": "ADVISORY", "url": "https://advisories.example/1" },
                { "type": "FIX", "url": "https://git.example/commit/abc" },
                { "type": "REPORT", "url": "https://git.example/commit/abc" },
                { "type": "WEB", "url": "https://advisories.example/a page" },
                { "type": "ARTICLE", "url": "not a url" },
                { "type": "ADVISORY", "url": "https://advisories.example/1" },
            ],
        }))["references"]
            .clone();
        assert_eq!(
            references,
            json!([
                { "url": "https://advisories.example/1" },
                { "url": "https://git.example/commit/abc", "tags": ["patch", "issue-tracking"] },
                { "url": "https://advisories.example/a%20page" },
            ])
        );
        // None left: the record's page at cve.org, since the container needs one.
        assert_eq!(
            cna(json!({ "references": [{ "type": "WEB", "url": "nowhere" }] }))["references"],
            json!([{ "url": "https://www.cve.org/CVERecord?id=CVE-2099-0001" }])
        );
    }

    #[test]
    fn cwe_ids_become_problem_types() {
        let problems = cna(json!({
            "database_specific": { "cwe_ids": ["CWE-79", "CWE-079", "cwe-20", "CWE-1234567", "CWE-79", 20, "CWE-20"] },
        }))["problemTypes"]
            .clone();
        let cwe = |id: &str| json!({ "descriptions": [{ "lang": "en", "cweId": id, "description": id, "type": "CWE" }] });
        assert_eq!(problems, json!([cwe("CWE-79"), cwe("CWE-20")]));
    }

    #[test]
    fn texts_and_dates() {
        let long = "word ".repeat(1000);
        let c = cna(json!({ "summary": long, "details": long, "published": "2024-01-02T03:04:05Z" }));
        assert_eq!(c["title"].as_str().unwrap().chars().count(), 256);
        assert!(c["title"].as_str().unwrap().ends_with('…'));
        assert_eq!(c["descriptions"][0]["value"].as_str().unwrap().chars().count(), 4096);
        assert_eq!(c["datePublic"], "2024-01-02T03:04:05Z");
        assert_eq!(c["providerMetadata"]["dateUpdated"], "2024-05-01T12:00:00Z");

        let c = cna(json!({ "summary": "Only a summary" }));
        assert_eq!(c["descriptions"], json!([{ "lang": "en", "value": "Only a summary" }]));
        let c = cna(json!({ "summary": " ", "details": "" }));
        assert!(c["title"].is_null());
        assert_eq!(
            c["descriptions"][0]["value"],
            "GHSA-aaaa-bbbb-cccc: the advisory gives no summary or details."
        );

        // Go's repository copies say `modified: 0001-01-01T00:00:00Z`: the pattern cannot have it.
        let cve: CveId = "CVE-2099-0001".parse().unwrap();
        let written = serde_json::to_value(from_osv(
            &record(json!({ "modified": "0001-01-01T00:00:00Z" })),
            &cve,
            &assigner(),
        ))
        .unwrap();
        assert!(written["cveMetadata"].get("dateUpdated").is_none(), "{written}");
        assert_eq!(written["cveMetadata"]["cveId"], "CVE-2099-0001");
        assert_eq!(written["cveMetadata"]["state"], "PUBLISHED");
        assert_eq!(written["dataType"], "CVE_RECORD");
        assert_eq!(written["dataVersion"], "5.1");
    }

    #[test]
    fn cve_ids_of_a_record() {
        let r = osv::parse_record(
            &json!({
                "id": "CVE-2099-0100", "modified": "2024-05-01T12:00:00Z",
                "aliases": ["GHSA-aaaa-bbbb-cccc", "CVE-2099-10000", "CVE-2099-0100", "CVE-2098-9999", "cve-2099-1"],
            })
            .to_string(),
        )
        .unwrap();
        let ids: Vec<String> = cve_ids(&r).iter().map(ToString::to_string).collect();
        assert_eq!(ids, ["CVE-2098-9999", "CVE-2099-0100", "CVE-2099-10000"]);
    }

    #[test]
    fn the_record_reads_back_as_its_types() {
        let cve: CveId = "CVE-2099-0001".parse().unwrap();
        let written = from_osv(
            &record(json!({
                "summary": "s",
                "severity": [{ "type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" }],
                "affected": [{
                    "package": { "ecosystem": "npm", "name": "p" },
                    "ranges": [{ "type": "SEMVER", "events": [{ "introduced": "0" }, { "last_affected": "1.0.0" }] }],
                    "versions": ["0.9.0"],
                }],
                "credits": [{ "name": "n", "type": "TOOL" }],
            })),
            &cve,
            &assigner(),
        );
        let text = serde_json::to_string(&written).unwrap();
        assert_eq!(serde_json::from_str::<CveRecord>(&text).unwrap(), written);
    }
}
