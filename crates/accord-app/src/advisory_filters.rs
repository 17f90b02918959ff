//! The filters of the advisory list as clients write them (`q`, `severity`, publication dates),
//! read once here for the JSON API and the pages alike, and applied to case advisories, which
//! are few and filtered in memory (imported records are filtered by the store's query).

use accord_formats::osv::SeverityLevel;
use accord_model::ValidationError;
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::advisories::{AdvisoryListRequest, AdvisorySummary};

/// Longest search text, in characters.
pub const ADVISORY_QUERY_MAX: usize = 200;

/// The search text of a request: trimmed, `None` when empty; refused above
/// [`ADVISORY_QUERY_MAX`] characters.
pub fn search_text(q: Option<&str>) -> Result<Option<String>, ValidationError> {
    let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) else { return Ok(None) };
    if q.chars().count() > ADVISORY_QUERY_MAX {
        return Err(ValidationError::new(
            "q",
            format!("the search text is longer than {ADVISORY_QUERY_MAX} characters"),
        ));
    }
    Ok(Some(q.to_owned()))
}

/// Severity levels written `critical,high` (any case; `moderate` is `medium`), without repeats,
/// most severe first. An unknown level is refused, named.
pub fn parse_severities(text: &str) -> Result<Vec<SeverityLevel>, ValidationError> {
    let mut levels = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let level = SeverityLevel::from_text(part).ok_or_else(|| {
            ValidationError::new(
                "severity",
                format!("{part:?} is not a severity (critical, high, medium, low or none)"),
            )
        })?;
        if !levels.contains(&level) {
            levels.push(level);
        }
    }
    levels.sort_unstable_by(|a, b| b.cmp(a));
    Ok(levels)
}

/// Which end of a day a date stands for in a date filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayEnd {
    /// Its first instant (a "since" bound).
    First,
    /// Its last microsecond (an "until" bound, inclusive).
    Last,
}

/// A date filter's value: an RFC 3339 timestamp (`2024-05-01T12:00:00Z`), or a date
/// (`2024-05-01`, a day in UTC) standing for its first or last instant.
pub fn parse_date_bound(field: &'static str, text: &str, end: DayEnd) -> Result<Timestamp, ValidationError> {
    let text = text.trim();
    let bad = || {
        ValidationError::new(
            field,
            format!("{text:?} is not a date (2024-05-01) or an RFC 3339 timestamp (2024-05-01T12:00:00Z)"),
        )
    };
    if let Ok(t) = text.parse::<Timestamp>() {
        return Ok(t);
    }
    // Only `YYYY-MM-DD`: jiff would also read a date-time without offset as its date.
    let is_date = text.len() == 10
        && text
            .bytes()
            .enumerate()
            .all(|(i, b)| matches!((i, b), (4 | 7, b'-')) || (i != 4 && i != 7 && b.is_ascii_digit()));
    let date: Date = if is_date { text.parse().map_err(|_| bad())? } else { return Err(bad()) };
    let start = |d: Date| d.to_zoned(TimeZone::UTC).map(|z| z.timestamp()).map_err(|_| bad());
    match end {
        DayEnd::First => start(date),
        DayEnd::Last => match date.tomorrow() {
            Ok(next) => Ok(start(next)? - jiff::SignedDuration::from_micros(1)),
            Err(_) => Ok(Timestamp::MAX),
        },
    }
}

/// Whether a case advisory passes a request's filters. A filter by ecosystem or package leaves
/// every case advisory out: they name vendors' products, not packages.
pub(crate) fn case_matches(s: &AdvisorySummary, request: &AdvisoryListRequest, text: Option<&str>) -> bool {
    if request.ecosystem.is_some() || request.package.is_some() {
        return false;
    }
    if request.since.is_some_and(|since| s.modified_at() < since) {
        return false;
    }
    if !request.severity.is_empty() && !s.severity.is_some_and(|l| request.severity.contains(&l)) {
        return false;
    }
    if request.published_since.is_some() || request.published_until.is_some() {
        let Some(published) = s.published.as_deref().and_then(|p| p.parse::<Timestamp>().ok()) else {
            return false;
        };
        if request.published_since.is_some_and(|t| published < t)
            || request.published_until.is_some_and(|t| published > t)
        {
            return false;
        }
    }
    match text {
        None => true,
        Some(text) => {
            let needle = text.to_lowercase();
            let found = |hay: &str| hay.to_lowercase().contains(&needle);
            found(&s.id)
                || s.aliases.iter().any(|a| found(a))
                || s.summary.as_deref().is_some_and(found)
                || s.affected.iter().any(|a| {
                    ["vendor", "product", "name"]
                        .iter()
                        .any(|k| a.get(*k).and_then(|v| v.as_str()).is_some_and(found))
                })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_are_read_in_any_case_without_repeats() {
        use SeverityLevel::*;
        assert_eq!(parse_severities("high").unwrap(), [High]);
        assert_eq!(
            parse_severities("low, CRITICAL,moderate,,high,Low").unwrap(),
            [Critical, High, Medium, Low]
        );
        assert_eq!(parse_severities("none").unwrap(), [None]);
        assert!(parse_severities("").unwrap().is_empty());
        let err = parse_severities("high,urgent").unwrap_err();
        assert_eq!(err.field, "severity");
        assert!(err.message.contains("\"urgent\""), "{err}");
    }

    #[test]
    fn dates_stand_for_a_days_first_or_last_instant() {
        let at = |t: &str| t.parse::<Timestamp>().unwrap();
        assert_eq!(
            parse_date_bound("published_since", "2024-05-01", DayEnd::First).unwrap(),
            at("2024-05-01T00:00:00Z")
        );
        assert_eq!(
            parse_date_bound("published_until", "2024-05-01", DayEnd::Last).unwrap(),
            at("2024-05-01T23:59:59.999999Z")
        );
        assert_eq!(
            parse_date_bound("published_until", "2024-05-01T12:00:00+02:00", DayEnd::Last).unwrap(),
            at("2024-05-01T10:00:00Z")
        );
        for bad in ["yesterday", "2024-13-01", "2024-05-01T12:00:00", "01/05/2024", ""] {
            let err = parse_date_bound("published_since", bad, DayEnd::First).unwrap_err();
            assert_eq!(err.field, "published_since", "{bad}");
            assert!(err.to_string().starts_with(&format!("published_since: {bad:?} is not a date")), "{err}");
        }
    }

    #[test]
    fn search_texts_are_trimmed_and_limited() {
        assert_eq!(search_text(Some("  tls ")).unwrap().as_deref(), Some("tls"));
        assert_eq!(search_text(Some("   ")).unwrap(), Option::None);
        assert_eq!(search_text(Option::None).unwrap(), Option::None);
        let longest = "é".repeat(ADVISORY_QUERY_MAX);
        assert_eq!(search_text(Some(&longest)).unwrap().as_deref(), Some(longest.as_str()));
        let err = search_text(Some(&format!("{longest}x"))).unwrap_err();
        assert_eq!(err.field, "q");
    }

    /// The demo (ten imported records, one published case advisory, one case under embargo)
    /// and the list's filters over both sources.
    mod lists {
        use accord_model::seal::SealingKey;

        use super::*;
        use crate::advisories::AdvisoryPage;
        use crate::{App, AppError, StoreLocation};

        async fn demo() -> (tempfile::TempDir, App) {
            let dir = tempfile::tempdir().unwrap();
            let app = App::open(&StoreLocation::Sqlite(dir.path().to_path_buf()))
                .unwrap()
                .with_sealing_key(SealingKey::from_bytes([3; 32]))
                .with_log_signer(crate::log::new_log_signer("test.example/log").unwrap());
            assert!(app.load_demo("2026-01-06T08:00:00Z".parse().unwrap()).await.unwrap());
            (dir, app)
        }

        fn ids(page: &AdvisoryPage) -> Vec<&str> {
            page.advisories.iter().map(|a| a.id.as_str()).collect()
        }

        async fn list(app: &App, request: AdvisoryListRequest) -> Vec<String> {
            let page = app.advisories(&request).await.unwrap();
            assert!(page.next.is_none());
            ids(&page).into_iter().map(str::to_owned).collect()
        }

        fn demo_id(n: u32) -> String {
            format!("x_DEMO-2025-{n:04}")
        }

        #[tokio::test]
        async fn filters_apply_to_imported_and_case_advisories() {
            let (_dir, app) = demo().await;
            let all = app.advisories(&AdvisoryListRequest::default()).await.unwrap();
            assert_eq!(all.advisories.len(), 11);
            let case = all.advisories.iter().find(|a| a.source == "accord").expect("the published case");
            let case_id = case.id.clone();
            // CVSS 3.1 8.2 and 4.0 8.8: High.
            assert_eq!(case.severity, Some(SeverityLevel::High));
            let severity_of = |id: &str| all.advisories.iter().find(|a| a.id == id).unwrap().severity;
            assert_eq!(severity_of(&demo_id(1)), Some(SeverityLevel::Critical));
            assert_eq!(severity_of(&demo_id(2)), None, "no score, no database severity");
            assert_eq!(severity_of(&demo_id(10)), Some(SeverityLevel::Low));

            let by_severity = |text: &str| AdvisoryListRequest {
                severity: parse_severities(text).unwrap(),
                ..AdvisoryListRequest::default()
            };
            let high = list(&app, by_severity("high")).await;
            assert_eq!(high.len(), 3);
            for id in [demo_id(8), demo_id(4), case_id.clone()] {
                assert!(high.contains(&id), "{id} in {high:?}");
            }
            assert_eq!(list(&app, by_severity("medium,low")).await, [demo_id(10), demo_id(6), demo_id(5)]);
            assert!(list(&app, by_severity("none")).await.is_empty());

            let search =
                |q: &str| AdvisoryListRequest { q: Some(q.into()), ..AdvisoryListRequest::default() };
            assert_eq!(list(&app, search("LANTERNFISH")).await, [demo_id(3)], "a package name");
            assert_eq!(list(&app, search("x_demo-2025-0007")).await, [demo_id(7)], "an id");
            assert_eq!(list(&app, search("heron/")).await, [demo_id(8), demo_id(7)]);
            assert_eq!(list(&app, search("example tls")).await, [case_id.as_str()], "a case's product");
            assert_eq!(
                list(&app, search("out-of-bounds READ")).await,
                [case_id.as_str()],
                "a case's summary"
            );
            assert_eq!(list(&app, search(&case_id.to_lowercase())).await, [case_id.as_str()], "a case's id");
            // The case under embargo is found by nothing.
            assert!(list(&app, search("Example Gateway")).await.is_empty());
            assert!(list(&app, search("Authentication bypass in the Example")).await.is_empty());
            // Search and severity together.
            let both = AdvisoryListRequest { severity: vec![SeverityLevel::Critical], ..search("heron") };
            assert_eq!(list(&app, both).await, [demo_id(7)]);
            // A filter by ecosystem leaves the case advisories out.
            let npm = AdvisoryListRequest { ecosystem: Some("npm".into()), ..by_severity("high,medium") };
            assert_eq!(list(&app, npm).await, [demo_id(6), demo_id(5)]);

            let published = |from: &str, until: &str| AdvisoryListRequest {
                published_since: Some(parse_date_bound("published_since", from, DayEnd::First).unwrap()),
                published_until: Some(parse_date_bound("published_until", until, DayEnd::Last).unwrap()),
                ..AdvisoryListRequest::default()
            };
            // 0007 was published 2025-10-01T09:30, 0008 on 2025-10-20: the days count whole.
            assert_eq!(list(&app, published("2025-10-01", "2025-10-20")).await, [demo_id(8), demo_id(7)]);
            assert_eq!(list(&app, published("2025-10-02", "2025-10-19")).await, Vec::<String>::new());
            let case_published: Timestamp = case.published.as_deref().unwrap().parse().unwrap();
            let day = case_published.to_zoned(TimeZone::UTC).date().to_string();
            assert_eq!(list(&app, published(&day, &day)).await, [case_id.as_str()], "the case, on {day}");
        }

        #[tokio::test]
        async fn filtered_pages_follow_each_other() {
            let (_dir, app) = demo().await;
            let request = |next: Option<String>| AdvisoryListRequest {
                severity: vec![SeverityLevel::Critical, SeverityLevel::High],
                limit: Some(2),
                next,
                ..AdvisoryListRequest::default()
            };
            let whole = app
                .advisories(&AdvisoryListRequest { limit: None, next: None, ..request(None) })
                .await
                .unwrap();
            assert_eq!(whole.advisories.len(), 7);
            let mut paged = Vec::new();
            let mut next = None;
            loop {
                let page = app.advisories(&request(next)).await.unwrap();
                assert!(page.advisories.len() <= 2);
                paged.extend(ids(&page).into_iter().map(str::to_owned));
                match page.next {
                    Some(n) => next = Some(n),
                    None => break,
                }
            }
            assert_eq!(paged, ids(&whole));
        }

        #[tokio::test]
        async fn a_long_search_is_refused() {
            let (_dir, app) = demo().await;
            let request = AdvisoryListRequest {
                q: Some("a".repeat(ADVISORY_QUERY_MAX + 1)),
                ..AdvisoryListRequest::default()
            };
            match app.advisories(&request).await {
                Err(AppError::Invalid(e)) => assert_eq!(e.field, "q"),
                other => panic!("{other:?}"),
            }
        }
    }
}
