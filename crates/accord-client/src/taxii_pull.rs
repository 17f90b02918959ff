//! `accord taxii pull`: reads a remote collection page by page with TAXII 2.1 Get Objects and
//! stores each page through [`App::store_pulled_page`], together with the point the next pull
//! resumes from.
//!
//! The requests ask for every version (`match[version]=all`) added after the saved resume
//! point, and follow `more`/`next`; a server that says `more` without a `next` is paged by
//! `added_after` from its `X-TAXII-Date-Added-Last` header.
//!
//! Resume points. After the last page the resume point is that page's
//! `X-TAXII-Date-Added-Last`. After a page with more to come it is one microsecond earlier: the
//! next page may hold objects added at that same instant, and `added_after` is exclusive, so a
//! pull interrupted there repeats those objects (stored as duplicates) instead of skipping them.

use std::time::Duration;

use accord_app::stix::Envelope;
use accord_app::taxii_protocol::TAXII_MEDIA_TYPE;
use accord_app::taxii_protocol::media::check_content_type;
use accord_app::{App, AppError, Caller, ObjectFailure, PulledPageReport};
use jiff::{SignedDuration, Timestamp};
use reqwest::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, HeaderMap};
use reqwest::{StatusCode, Url};

/// How the remote server is told who we are.
#[derive(Clone, Default)]
pub enum RemoteAuth {
    #[default]
    None,
    /// `Authorization: Bearer <token>`.
    Bearer(String),
    /// HTTP Basic.
    Basic { user: String, password: String },
}

impl std::fmt::Debug for RemoteAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print a secret.
        match self {
            RemoteAuth::None => f.write_str("None"),
            RemoteAuth::Bearer(_) => f.write_str("Bearer(…)"),
            RemoteAuth::Basic { user, .. } => write!(f, "Basic({user}, …)"),
        }
    }
}

/// What to pull, from where, into which local collection.
#[derive(Debug, Clone)]
pub struct PullOptions {
    /// The remote API root, e.g. `https://taxii.example/api1/`.
    pub api_root_url: String,
    pub remote_collection: String,
    pub local_collection: String,
    pub auth: RemoteAuth,
    /// The `limit` asked for each page (servers may send fewer).
    pub page_size: u32,
    /// The largest response body accepted.
    pub max_body_bytes: u64,
    /// Time allowed to connect.
    pub connect_timeout: Duration,
    /// Time allowed for one whole request, body included.
    pub request_timeout: Duration,
}

impl PullOptions {
    pub fn new(api_root_url: &str, remote_collection: &str, local_collection: &str) -> Self {
        Self {
            api_root_url: api_root_url.to_owned(),
            remote_collection: remote_collection.to_owned(),
            local_collection: local_collection.to_owned(),
            auth: RemoteAuth::None,
            page_size: 1000,
            max_body_bytes: 64 * 1024 * 1024,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(120),
        }
    }
}

/// The running totals of a pull.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PullSummary {
    pub pages: usize,
    /// Objects received.
    pub received: usize,
    /// Versions new here.
    pub stored: usize,
    /// Versions the local collection held already.
    pub duplicates: usize,
    /// Objects refused by validation or provenance.
    pub failures: Vec<ObjectFailure>,
    /// Where the next pull starts (`None`: from the beginning).
    pub resume_after: Option<Timestamp>,
}

/// Why a pull stopped. Every page stored before the error stays stored, with its resume point.
#[derive(Debug, thiserror::Error)]
pub enum PullError {
    #[error("{0}")]
    BadUsage(String),
    #[error("cannot reach {url}: {message}")]
    Unreachable { url: String, message: String },
    #[error("authentication failed at {url} (HTTP {status}); check --token, or --user and --password")]
    AuthFailed { url: String, status: u16 },
    #[error(
        "{url} answered HTTP 404: no such API root or collection, or it is not readable with these credentials"
    )]
    NotFound { url: String },
    #[error("{url} answered HTTP {status}{detail}")]
    Status { url: String, status: u16, detail: String },
    #[error(
        "{url} did not answer with TAXII 2.1 content (Content-Type: {content_type:?}); is it a TAXII 2.1 API root?"
    )]
    NotTaxii { url: String, content_type: String },
    #[error("the response of {url} is larger than {limit} bytes")]
    TooLarge { url: String, limit: u64 },
    #[error("the response of {url} is not a TAXII envelope: {message}")]
    Malformed { url: String, message: String },
    #[error("{url}: {message}")]
    Protocol { url: String, message: String },
    #[error(transparent)]
    Local(#[from] AppError),
}

/// The API root URL as the key of the resume point: `http` or `https`, no credentials, no query
/// or fragment, ending in `/`.
pub fn normalize_api_root(raw: &str) -> Result<Url, PullError> {
    let mut url =
        Url::parse(raw.trim()).map_err(|e| PullError::BadUsage(format!("{raw:?} is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(PullError::BadUsage(format!("{raw:?}: the API root URL must be http:// or https://")));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(PullError::BadUsage(
            "the API root URL must not carry credentials; use --user and --password (or --token)".into(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(PullError::BadUsage(format!("{raw:?}: the API root URL takes no query or fragment")));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

pub(crate) fn objects_url(
    root: &Url,
    collection: &str,
    page_size: u32,
    added_after: Option<Timestamp>,
    next: Option<&str>,
) -> Url {
    let mut url = root.clone();
    url.path_segments_mut().expect("an http(s) URL has a path").pop_if_empty().extend([
        "collections",
        collection,
        "objects",
        "",
    ]);
    {
        let mut query = url.query_pairs_mut();
        if let Some(t) = added_after {
            query.append_pair("added_after", &accord_app::model::time::format_timestamp(t));
        }
        query.append_pair("match[version]", "all");
        // Always sent, and always the same: some servers need it with `next`.
        query.append_pair("limit", &page_size.to_string());
        if let Some(next) = next {
            query.append_pair("next", next);
        }
    }
    url
}

/// A TAXII date header, if present and a valid timestamp.
fn date_header(headers: &HeaderMap, name: &str) -> Option<Timestamp> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

/// Where the next pull starts once a page is stored (see the module documentation).
fn resume_point(last_added: Option<Timestamp>, more: bool) -> Option<Timestamp> {
    let last = last_added?;
    if more { last.checked_sub(SignedDuration::from_micros(1)).ok() } else { Some(last) }
}

pub(crate) struct Page {
    pub(crate) envelope: Envelope,
    pub(crate) last_added: Option<Timestamp>,
}

pub(crate) async fn fetch(
    client: &reqwest::Client,
    options: &PullOptions,
    url: &Url,
) -> Result<Page, PullError> {
    let shown = url.as_str().to_owned();
    let mut request = client.get(url.clone()).header(ACCEPT, TAXII_MEDIA_TYPE);
    request = match &options.auth {
        RemoteAuth::None => request,
        RemoteAuth::Bearer(token) => request.bearer_auth(token),
        RemoteAuth::Basic { user, password } => request.basic_auth(user, Some(password)),
    };
    let unreachable = |e: reqwest::Error| {
        // reqwest's own text repeats the URL; its causes say what happened.
        let mut causes = Vec::new();
        let mut source = std::error::Error::source(&e);
        while let Some(cause) = source {
            causes.push(cause.to_string());
            source = cause.source();
        }
        let message = if e.is_timeout() {
            format!("no complete answer within {} s", options.request_timeout.as_secs())
        } else if causes.is_empty() {
            e.to_string()
        } else {
            causes.join(": ")
        };
        PullError::Unreachable { url: shown.clone(), message }
    };
    let mut response = request.send().await.map_err(unreachable)?;
    let status = response.status();
    if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
        return Err(PullError::AuthFailed { url: shown, status: status.as_u16() });
    }
    if status == StatusCode::NOT_FOUND {
        return Err(PullError::NotFound { url: shown });
    }
    let content_type =
        response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let declared = response.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > options.max_body_bytes) {
        return Err(PullError::TooLarge { url: shown, limit: options.max_body_bytes });
    }
    let headers = response.headers().clone();
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(unreachable)? {
        if (body.len() + chunk.len()) as u64 > options.max_body_bytes {
            return Err(PullError::TooLarge { url: shown, limit: options.max_body_bytes });
        }
        body.extend_from_slice(&chunk);
    }
    if !status.is_success() {
        // A TAXII error resource says why; show its title and description.
        let detail = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .map(|v| {
                let text = |k: &str| v.get(k).and_then(|t| t.as_str()).unwrap_or("").to_owned();
                [text("title"), text("description")].into_iter().filter(|t| !t.is_empty()).collect::<Vec<_>>()
            })
            .filter(|parts| !parts.is_empty())
            .map(|parts| format!(": {}", parts.join(": ")))
            .unwrap_or_default();
        return Err(PullError::Status { url: shown, status: status.as_u16(), detail });
    }
    if check_content_type(Some(&content_type)).is_err() {
        return Err(PullError::NotTaxii { url: shown, content_type });
    }
    let text = std::str::from_utf8(&body)
        .map_err(|e| PullError::Malformed { url: shown.clone(), message: format!("not UTF-8: {e}") })?;
    let envelope =
        Envelope::parse(text).map_err(|e| PullError::Malformed { url: shown.clone(), message: e.0 })?;
    // Some servers send only the first date when a page holds one object.
    let last_added = date_header(&headers, "x-taxii-date-added-last")
        .or_else(|| date_header(&headers, "x-taxii-date-added-first"));
    Ok(Page { envelope, last_added })
}

/// Pulls `options.remote_collection` of the remote API root into the local collection, page by
/// page, calling `progress` after each stored page. Every stored page is kept even when a later
/// one fails.
pub async fn pull(
    app: &App,
    caller: &Caller,
    options: &PullOptions,
    mut progress: impl FnMut(&PullSummary, &PulledPageReport),
) -> Result<PullSummary, PullError> {
    let root = normalize_api_root(&options.api_root_url)?;
    let remote = options.remote_collection.trim();
    if remote.is_empty() || remote.contains(['/', '?', '#']) {
        return Err(PullError::BadUsage(format!("{remote:?} is not a collection id")));
    }
    let mut state = app.start_pull(caller, &options.local_collection, root.as_str(), remote).await?;
    let client = reqwest::Client::builder()
        .user_agent(concat!("accord/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(options.connect_timeout)
        .timeout(options.request_timeout)
        .build()
        .map_err(|e| PullError::BadUsage(format!("cannot make an HTTP client: {e}")))?;

    let mut summary = PullSummary { resume_after: state.resume_after(), ..PullSummary::default() };
    // The query of a run of `next` pages stays the same; only `next` changes.
    let mut added_after = state.resume_after();
    let mut next: Option<String> = None;
    loop {
        let url = objects_url(&root, remote, options.page_size, added_after, next.as_deref());
        let page = fetch(&client, options, &url).await?;
        let more = page.envelope.more.unwrap_or(false);
        // Never move the resume point back.
        let resume =
            resume_point(page.last_added, more).filter(|r| state.resume_after().is_none_or(|s| *r > s));
        let report = app
            .store_pulled_page(
                caller,
                &mut state,
                page.envelope.objects.iter().map(|o| o.get()),
                resume,
                Timestamp::now(),
            )
            .await?;
        summary.pages += 1;
        summary.received += report.received;
        summary.stored += report.stored;
        summary.duplicates += report.duplicates;
        summary.failures.extend(report.failures.iter().cloned());
        summary.resume_after = state.resume_after();
        progress(&summary, &report);
        if !more {
            return Ok(summary);
        }
        let stuck = || PullError::Protocol {
            url: url.as_str().to_owned(),
            message: "the server says there is more but the next page would be the same one".into(),
        };
        match (page.envelope.next, page.last_added) {
            (Some(n), _) => {
                if next.as_deref() == Some(n.as_str()) && report.received == 0 {
                    return Err(stuck());
                }
                next = Some(n);
            }
            (None, Some(last)) => {
                // Paging by date: objects added at exactly `last` on the next page would be
                // missed, which servers that page this way cannot avoid.
                if added_after.is_some_and(|a| last <= a) {
                    return Err(stuck());
                }
                added_after = Some(last);
                next = None;
            }
            (None, None) => {
                return Err(PullError::Protocol {
                    url: url.as_str().to_owned(),
                    message: "the server says there is more but sends neither `next` nor \
                              X-TAXII-Date-Added-Last"
                        .into(),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_root_urls_are_normalised() {
        let ok = |raw: &str, want: &str| assert_eq!(normalize_api_root(raw).unwrap().as_str(), want, "{raw}");
        ok("http://127.0.0.1:5000/api1/", "http://127.0.0.1:5000/api1/");
        ok("http://127.0.0.1:5000/api1", "http://127.0.0.1:5000/api1/");
        ok(" https://Taxii.Example/taxii2/accord ", "https://taxii.example/taxii2/accord/");
        for bad in ["ftp://x/", "not a url", "http://u:p@x/api/", "http://x/api/?a=1", "http://x/api/#f"] {
            assert!(normalize_api_root(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn objects_urls() {
        let root = normalize_api_root("http://h/taxii2/accord/").unwrap();
        let t: Timestamp = "2024-01-02T03:04:05.5Z".parse().unwrap();
        assert_eq!(
            objects_url(&root, "c-1", 50, Some(t), Some("a b")).as_str(),
            "http://h/taxii2/accord/collections/c-1/objects/?added_after=2024-01-02T03%3A04%3A05.500000Z\
             &match%5Bversion%5D=all&limit=50&next=a+b"
        );
        assert_eq!(
            objects_url(&root, "c-1", 50, None, None).as_str(),
            "http://h/taxii2/accord/collections/c-1/objects/?match%5Bversion%5D=all&limit=50"
        );
    }

    #[test]
    fn resume_points_stay_before_a_page_that_may_continue() {
        let t: Timestamp = "2024-01-02T03:04:05.5Z".parse().unwrap();
        assert_eq!(resume_point(Some(t), false), Some(t));
        assert_eq!(
            resume_point(Some(t), true).map(|r| r.to_string()),
            Some("2024-01-02T03:04:05.499999Z".into())
        );
        assert_eq!(resume_point(None, true), None);
    }
}
