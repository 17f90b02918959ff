//! The public advisory pages: the list with its search and filters (`/advisories`), one
//! advisory (`/advisories/{id}`) with its download links, and the Atom feed of the latest
//! (`/advisories/feed.atom`). No account is needed; every read goes through the same use cases
//! as the JSON API, which read only published advisories. The pages are cacheable
//! ([`Ctx::cacheable`]).

use std::collections::BTreeMap;

use accord_app::AppError;
use accord_app::advisories::{AdvisoryListRequest, AdvisorySummary, SeverityLevel};
use accord_app::advisory_detail::{AdvisoryDetail, AffectedRange};
use accord_app::advisory_filters::{ADVISORY_QUERY_MAX, DayEnd, parse_date_bound, search_text};
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use jiff::Timestamp;

use super::Ctx;
use super::atom;
use super::cases::{justification_label, product_status_label};
use super::context::Chrome;
use super::i18n::{Locale, Texts};
use super::pages::{not_found, server_error};
use crate::AppState;

/// Advisories per list page.
const PAGE: u32 = 50;
/// Entries of the feed.
const FEED_ENTRIES: u32 = 50;

fn if_none_match(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok())
}

/// A severity badge.
pub(crate) struct Badge {
    pub class: &'static str,
    pub label: &'static str,
}

fn severity_label(t: &Texts, level: SeverityLevel) -> &'static str {
    match level {
        SeverityLevel::Critical => t.adv.severity_critical,
        SeverityLevel::High => t.adv.severity_high,
        SeverityLevel::Medium => t.adv.severity_medium,
        SeverityLevel::Low => t.adv.severity_low,
        SeverityLevel::None => t.adv.severity_none,
    }
}

fn badge(t: &Texts, level: Option<SeverityLevel>) -> Badge {
    match level {
        Some(l) => Badge {
            class: match l {
                SeverityLevel::Critical => "sev sev-critical",
                SeverityLevel::High => "sev sev-high",
                SeverityLevel::Medium => "sev sev-medium",
                SeverityLevel::Low => "sev sev-low",
                SeverityLevel::None => "sev sev-none",
            },
            label: severity_label(t, l),
        },
        None => Badge { class: "sev sev-unrated", label: t.adv.severity_unrated },
    }
}

/// A date in words with its machine-readable form.
pub(crate) struct DateView {
    pub text: String,
    pub iso: String,
}

fn date(text: Option<&str>, locale: Locale) -> Option<DateView> {
    let text = text?;
    let at: Timestamp = text.parse().ok()?;
    Some(DateView { text: locale.date(at), iso: at.to_string() })
}

/// The page address of an advisory: its id, percent-encoded as a path segment.
fn path_segment(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b':') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One advisory in the list.
pub(crate) struct AdvisoryRow {
    pub id: String,
    pub href: String,
    pub summary: String,
    pub severity: Badge,
    pub affected: Vec<String>,
    pub published: Option<DateView>,
    pub modified: Option<DateView>,
    pub withdrawn: bool,
}

/// `ecosystem/name` of a package, `vendor product` of a case's product.
fn affected_names(a: &AdvisorySummary) -> Vec<String> {
    let text =
        |v: &serde_json::Value, k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or_default().to_owned();
    a.affected
        .iter()
        .map(|v| {
            if v.get("ecosystem").is_some() {
                format!("{}/{}", text(v, "ecosystem"), text(v, "name"))
            } else {
                format!("{} {}", text(v, "vendor"), text(v, "product")).trim().to_owned()
            }
        })
        .collect()
}

fn row(a: &AdvisorySummary, t: &Texts, locale: Locale) -> AdvisoryRow {
    AdvisoryRow {
        href: format!("/advisories/{}", path_segment(&a.id)),
        id: a.id.clone(),
        summary: a.summary.clone().unwrap_or_default(),
        severity: badge(t, a.severity),
        affected: affected_names(a),
        published: date(a.published.as_deref(), locale),
        modified: date(Some(&a.modified), locale),
        withdrawn: a.withdrawn.is_some(),
    }
}

/// A severity checkbox of the filters.
pub(crate) struct SeverityChoice {
    pub value: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

/// The filters as the visitor wrote them.
#[derive(Default)]
struct Filters {
    q: String,
    ecosystem: String,
    package: String,
    severity: Vec<String>,
    published_since: String,
    published_until: String,
    next: Option<String>,
}

impl Filters {
    fn from_query(query: Option<&str>) -> Self {
        let pairs: Vec<(String, String)> =
            query.and_then(|q| serde_urlencoded::from_str(q).ok()).unwrap_or_default();
        let mut f = Filters::default();
        for (k, v) in pairs {
            match k.as_str() {
                "q" => f.q = v,
                "ecosystem" => f.ecosystem = v.trim().to_owned(),
                "package" => f.package = v.trim().to_owned(),
                "severity" => f
                    .severity
                    .extend(v.split(',').map(|s| s.trim().to_ascii_lowercase()).filter(|s| !s.is_empty())),
                "published_since" => f.published_since = v.trim().to_owned(),
                "published_until" => f.published_until = v.trim().to_owned(),
                "next" => f.next = Some(v),
                _ => {}
            }
        }
        f
    }

    fn any(&self) -> bool {
        !(self.q.trim().is_empty()
            && self.ecosystem.is_empty()
            && self.package.is_empty()
            && self.severity.is_empty()
            && self.published_since.is_empty()
            && self.published_until.is_empty())
    }

    /// The query string of these filters with another `next`.
    fn query_with_next(&self, next: &str) -> String {
        let mut pairs: Vec<(&str, &str)> = Vec::new();
        for (k, v) in [
            ("q", self.q.trim()),
            ("ecosystem", self.ecosystem.as_str()),
            ("package", self.package.as_str()),
            ("published_since", self.published_since.as_str()),
            ("published_until", self.published_until.as_str()),
        ] {
            if !v.is_empty() {
                pairs.push((k, v));
            }
        }
        pairs.extend(self.severity.iter().map(|s| ("severity", s.as_str())));
        pairs.push(("next", next));
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }

    /// The list request, or the errors to show next to the fields.
    fn request(&self, t: &Texts) -> Result<AdvisoryListRequest, BTreeMap<&'static str, String>> {
        let mut errors = BTreeMap::new();
        let q = match search_text(Some(&self.q)) {
            Ok(q) => q,
            Err(_) => {
                errors.insert("q", t.adv.query_too_long.replace("{max}", &ADVISORY_QUERY_MAX.to_string()));
                None
            }
        };
        let mut severity = Vec::new();
        for s in &self.severity {
            match SeverityLevel::from_text(s) {
                Some(l) if !severity.contains(&l) => severity.push(l),
                Some(_) => {}
                None => {
                    errors.entry("severity").or_insert_with(|| format!("{} {s}", t.adv.bad_severity));
                }
            }
        }
        let mut bound = |field: &'static str, text: &str, end: DayEnd| {
            if text.is_empty() {
                return None;
            }
            match parse_date_bound(field, text, end) {
                Ok(at) => Some(at),
                Err(_) => {
                    errors.insert(field, t.adv.bad_date.to_owned());
                    None
                }
            }
        };
        let published_since = bound("published_since", &self.published_since, DayEnd::First);
        let published_until = bound("published_until", &self.published_until, DayEnd::Last);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(AdvisoryListRequest {
            ecosystem: Some(self.ecosystem.clone()).filter(|e| !e.is_empty()),
            package: Some(self.package.clone()).filter(|p| !p.is_empty()),
            q,
            severity,
            published_since,
            published_until,
            since: None,
            limit: Some(PAGE),
            next: self.next.clone(),
        })
    }
}

#[derive(Template)]
#[template(path = "advisories.html")]
struct ListPage {
    chrome: Chrome,
    q: String,
    ecosystem: String,
    package: String,
    published_since: String,
    published_until: String,
    severities: Vec<SeverityChoice>,
    errors: BTreeMap<&'static str, String>,
    query_max: usize,
    filtered: bool,
    rows: Vec<AdvisoryRow>,
    next: Option<String>,
}

pub(crate) async fn list(
    State(s): State<AppState>,
    ctx: Ctx,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let t = ctx.t();
    let filters = Filters::from_query(query.as_deref());
    let (status, rows, next, errors) = match filters.request(t) {
        Ok(request) => match s.app.advisories(&request).await {
            Ok(page) => (
                StatusCode::OK,
                page.advisories.iter().map(|a| row(a, t, ctx.locale)).collect(),
                page.next.map(|n| filters.query_with_next(&n)),
                BTreeMap::new(),
            ),
            // A `next` that is not one of ours.
            Err(AppError::Invalid(_)) => return not_found(ctx).await,
            Err(e) => return server_error(ctx, e),
        },
        Err(errors) => (StatusCode::BAD_REQUEST, Vec::new(), None, errors),
    };
    let severities = SeverityLevel::ALL
        .into_iter()
        .map(|l| {
            let value = match l {
                SeverityLevel::Critical => "critical",
                SeverityLevel::High => "high",
                SeverityLevel::Medium => "medium",
                SeverityLevel::Low => "low",
                SeverityLevel::None => "none",
            };
            SeverityChoice {
                value,
                label: severity_label(t, l),
                checked: filters.severity.iter().any(|s| s == value),
            }
        })
        .collect();
    let page = ListPage {
        chrome: ctx.chrome(t.adv.list_title),
        filtered: filters.any(),
        q: filters.q.clone(),
        ecosystem: filters.ecosystem.clone(),
        package: filters.package.clone(),
        published_since: filters.published_since.clone(),
        published_until: filters.published_until.clone(),
        severities,
        errors,
        query_max: ADVISORY_QUERY_MAX,
        rows,
        next,
    };
    if status == StatusCode::OK {
        ctx.render_cacheable(&page, if_none_match(&headers))
    } else {
        ctx.render(status, &page)
    }
}

pub(crate) struct ScoreRow {
    pub kind: &'static str,
    pub vector: String,
    pub base_score: String,
    pub severity: Option<Badge>,
    pub package: String,
}

pub(crate) struct PackageRow {
    pub ecosystem: String,
    pub name: String,
    pub purl: String,
    /// One line per range, and one for listed versions.
    pub versions: Vec<String>,
}

pub(crate) struct ProductRow {
    pub vendor: String,
    pub product: String,
    pub status: String,
    pub justification: String,
    pub fixed_version: String,
    pub remediation: String,
}

pub(crate) struct ReferenceRow {
    pub kind: String,
    pub url: String,
    /// Only `http` and `https` URLs become links.
    pub link: bool,
}

pub(crate) struct CreditRow {
    pub name: String,
    pub kind: String,
}

pub(crate) struct Download {
    pub label: &'static str,
    pub href: String,
    pub format: &'static str,
}

#[derive(Template)]
#[template(path = "advisory.html")]
struct AdvisoryPage {
    chrome: Chrome,
    id: String,
    summary: String,
    source: &'static str,
    severity: Badge,
    aliases: Vec<String>,
    published: Option<DateView>,
    modified: Option<DateView>,
    withdrawn: Option<DateView>,
    details: Option<String>,
    scores: Vec<ScoreRow>,
    packages: Vec<PackageRow>,
    products: Vec<ProductRow>,
    references: Vec<ReferenceRow>,
    credits: Vec<CreditRow>,
    downloads: Vec<Download>,
}

fn range_text(t: &Texts, r: &AffectedRange) -> String {
    let events: Vec<String> = r
        .events
        .iter()
        .map(|(kind, version)| {
            let word = match *kind {
                "introduced" => t.adv.event_introduced,
                "fixed" => t.adv.event_fixed,
                "last_affected" => t.adv.event_last_affected,
                _ => t.adv.event_limit,
            };
            format!("{word} {version}")
        })
        .collect();
    let prefix = match (&r.repo, r.kind) {
        (Some(repo), _) => format!("{} {repo}: ", t.adv.range_git),
        (None, "GIT") => format!("{}: ", t.adv.range_git),
        (None, kind) => format!("{kind}: "),
    };
    format!("{prefix}{}", events.join(", "))
}

/// Whether a URL may be a link: `http` or `https` only (no `javascript:`, `data:`, …).
fn is_web_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")) && !url.chars().any(char::is_control)
}

fn detail_page(ctx: &Ctx, d: AdvisoryDetail) -> AdvisoryPage {
    let t = ctx.t();
    let l = ctx.locale;
    let s = &d.summary;
    let api = format!("/api/v1/advisories/{}", path_segment(&s.id));
    let mut downloads =
        vec![Download { label: t.adv.download_osv, href: format!("{api}/osv"), format: "osv" }];
    // CSAF needs a product: an advisory that names no package or product has no CSAF document.
    if !d.packages.is_empty() || !d.products.is_empty() {
        downloads.push(Download { label: t.adv.download_csaf, href: format!("{api}/csaf"), format: "csaf" });
        downloads.push(Download {
            label: t.adv.download_csaf_vex,
            href: format!("{api}/csaf-vex"),
            format: "csaf-vex",
        });
    }
    if d.cve_id.is_some() {
        downloads.push(Download { label: t.adv.download_cve, href: format!("{api}/cve"), format: "cve" });
    }
    AdvisoryPage {
        chrome: ctx.chrome(&s.id),
        id: s.id.clone(),
        summary: s.summary.clone().unwrap_or_default(),
        source: if s.source == "accord" { t.adv.source_accord } else { t.adv.source_imported },
        severity: badge(t, s.severity),
        aliases: s.aliases.clone(),
        published: date(s.published.as_deref(), l),
        modified: date(Some(&s.modified), l),
        withdrawn: date(s.withdrawn.as_deref(), l),
        details: d.details.clone().filter(|d| !d.trim().is_empty()),
        scores: d
            .scores
            .iter()
            .map(|sc| ScoreRow {
                kind: sc.kind,
                vector: sc.vector.clone(),
                base_score: sc.base_score.map(|b| format!("{b:.1}")).unwrap_or_default(),
                severity: sc.level.map(|lv| badge(t, Some(lv))),
                package: sc.package.clone().unwrap_or_else(|| t.adv.whole_advisory.to_owned()),
            })
            .collect(),
        packages: d
            .packages
            .iter()
            .map(|p| {
                let mut versions: Vec<String> = p.ranges.iter().map(|r| range_text(t, r)).collect();
                if !p.versions.is_empty() {
                    versions.push(format!("{}: {}", t.adv.versions_listed, p.versions.join(", ")));
                }
                PackageRow {
                    ecosystem: p.ecosystem.clone(),
                    name: if p.name.is_empty() { t.adv.no_package.to_owned() } else { p.name.clone() },
                    purl: p.purl.clone().unwrap_or_default(),
                    versions,
                }
            })
            .collect(),
        products: d
            .products
            .iter()
            .map(|p| ProductRow {
                vendor: p.vendor.clone(),
                product: p.product.clone(),
                status: product_status_label(t, &p.status),
                justification: p
                    .justification
                    .as_deref()
                    .map(|j| match j.parse() {
                        Ok(j) => justification_label(t, j).to_owned(),
                        Err(_) => j.to_owned(),
                    })
                    .unwrap_or_default(),
                fixed_version: p.fixed_version.clone().unwrap_or_default(),
                remediation: p.remediation.clone().unwrap_or_default(),
            })
            .collect(),
        references: d
            .references
            .iter()
            .map(|r| ReferenceRow { kind: r.kind.clone(), link: is_web_url(&r.url), url: r.url.clone() })
            .collect(),
        credits: d
            .credits
            .iter()
            .map(|c| CreditRow { name: c.name.clone(), kind: c.kind.clone().unwrap_or_default() })
            .collect(),
        downloads,
    }
}

pub(crate) async fn one(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    match s.app.advisory_detail(&id).await {
        Ok(d) => {
            let page = detail_page(&ctx, d);
            ctx.render_cacheable(&page, if_none_match(&headers))
        }
        Err(AppError::NotFound(_)) => not_found(ctx).await,
        Err(e) => server_error(ctx, e),
    }
}

/// `/advisories/feed.atom`: the most recently modified advisories.
pub(crate) async fn feed(State(s): State<AppState>, ctx: Ctx, headers: HeaderMap) -> Response {
    let t = ctx.t();
    let request = AdvisoryListRequest { limit: Some(FEED_ENTRIES), ..AdvisoryListRequest::default() };
    let page = match s.app.advisories(&request).await {
        Ok(p) => p,
        Err(e) => return server_error(ctx, e),
    };
    let base = crate::base_url(&s, &headers);
    let rfc3339 = |text: &str| text.parse::<Timestamp>().ok().map(|at| at.to_string());
    let entries: Vec<atom::Entry> = page
        .advisories
        .iter()
        .map(|a| {
            let summary = a.summary.clone().unwrap_or_default();
            atom::Entry {
                url: format!("{base}/advisories/{}", path_segment(&a.id)),
                title: if summary.is_empty() { a.id.clone() } else { format!("{}: {summary}", a.id) },
                updated: a.modified_at().to_string(),
                published: a.published.as_deref().and_then(rfc3339),
                summary: Some(summary).filter(|s| !s.is_empty()),
                category: a.severity.map(|l| (l.as_str().to_owned(), severity_label(t, l).to_owned())),
            }
        })
        .collect();
    let feed = atom::Feed {
        self_url: format!("{base}/advisories/feed.atom"),
        html_url: format!("{base}/advisories"),
        lang: ctx.locale.code(),
        title: t.adv.feed_title.to_owned(),
        subtitle: t.adv.feed_subtitle.to_owned(),
        // The newest entry's date; a feed without entries was last changed at the epoch.
        updated: entries.first().map_or_else(|| Timestamp::UNIX_EPOCH.to_string(), |e| e.updated.clone()),
        entries,
    };
    ctx.cacheable("application/atom+xml; charset=utf-8", atom::write(&feed), if_none_match(&headers))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_urls_become_links() {
        for url in ["https://example.com/a", "http://example.com", "HTTPS://EXAMPLE.COM"] {
            assert!(is_web_url(url), "{url}");
        }
        for url in [
            "javascript:alert(1)",
            "data:text/html,x",
            "ftp://x",
            "//example.com",
            "https://x\n.com",
            "  javascript:x",
        ] {
            assert!(!is_web_url(url), "{url}");
        }
    }

    #[test]
    fn ids_are_path_segments() {
        assert_eq!(path_segment("GHSA-aaaa-bbbb-cccc"), "GHSA-aaaa-bbbb-cccc");
        assert_eq!(path_segment("x_DEMO-2025-0001"), "x_DEMO-2025-0001");
        assert_eq!(path_segment("a/b?c#d e"), "a%2Fb%3Fc%23d%20e");
    }
}
