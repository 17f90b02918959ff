//! Reading a remote TAXII 2.1 collection without storing it (`accord hunt --taxii`), finding an
//! Accord server's default API root, and adding objects to a collection (`accord hunt
//! --sightings`).

use accord_app::taxii_protocol::TAXII_MEDIA_TYPE;
use reqwest::Url;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde_json::Value;

use crate::taxii_pull::{PullError, PullOptions, RemoteAuth, fetch, normalize_api_root, objects_url};

fn client(options: &PullOptions) -> Result<reqwest::Client, PullError> {
    reqwest::Client::builder()
        .user_agent(concat!("accord/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(options.connect_timeout)
        .timeout(options.request_timeout)
        .build()
        .map_err(|e| PullError::BadUsage(format!("cannot make an HTTP client: {e}")))
}

fn authorize(request: reqwest::RequestBuilder, auth: &RemoteAuth) -> reqwest::RequestBuilder {
    match auth {
        RemoteAuth::None => request,
        RemoteAuth::Bearer(token) => request.bearer_auth(token),
        RemoteAuth::Basic { user, password } => request.basic_auth(user, Some(password)),
    }
}

fn check_collection(id: &str) -> Result<&str, PullError> {
    let id = id.trim();
    if id.is_empty() || id.contains(['/', '?', '#']) {
        return Err(PullError::BadUsage(format!("{id:?} is not a collection id")));
    }
    Ok(id)
}

/// Every object (all versions) of `options.remote_collection`, page by page; `progress` is
/// told the number received so far.
pub async fn fetch_objects(
    options: &PullOptions,
    mut progress: impl FnMut(usize),
) -> Result<Vec<Value>, PullError> {
    let root = normalize_api_root(&options.api_root_url)?;
    let collection = check_collection(&options.remote_collection)?;
    let client = client(options)?;
    let mut objects = Vec::new();
    let mut next: Option<String> = None;
    let mut added_after = None;
    loop {
        let url = objects_url(&root, collection, options.page_size, added_after, next.as_deref());
        let page = fetch(&client, options, &url).await?;
        let received = page.envelope.objects.len();
        for raw in &page.envelope.objects {
            let value: Value = serde_json::from_str(raw.get())
                .map_err(|e| PullError::Malformed { url: url.as_str().to_owned(), message: e.to_string() })?;
            objects.push(value);
        }
        progress(objects.len());
        if !page.envelope.more.unwrap_or(false) {
            return Ok(objects);
        }
        let stuck = || PullError::Protocol {
            url: url.as_str().to_owned(),
            message: "the server says there is more but the next page would be the same one".into(),
        };
        match (page.envelope.next, page.last_added) {
            (Some(n), _) => {
                if next.as_deref() == Some(n.as_str()) && received == 0 {
                    return Err(stuck());
                }
                next = Some(n);
            }
            (None, Some(last)) => {
                if added_after == Some(last) {
                    return Err(stuck());
                }
                added_after = Some(last);
            }
            (None, None) => return Err(stuck()),
        }
    }
}

/// The default API root an Accord (or other TAXII 2.1) server announces at `/taxii2/`.
pub async fn default_api_root(server: &str, options: &PullOptions) -> Result<String, PullError> {
    let base = Url::parse(server.trim())
        .map_err(|e| PullError::BadUsage(format!("{server:?} is not a URL: {e}")))?;
    let url = base
        .join(&format!("{}/taxii2/", base.path().trim_end_matches('/')))
        .map_err(|e| PullError::BadUsage(format!("{server:?}: {e}")))?;
    let shown = url.as_str().to_owned();
    let client = client(options)?;
    let response = authorize(client.get(url).header(ACCEPT, TAXII_MEDIA_TYPE), &options.auth)
        .send()
        .await
        .map_err(|e| PullError::Unreachable { url: shown.clone(), message: e.to_string() })?;
    let status = response.status();
    if status.as_u16() == 401 || status.as_u16() == 403 {
        return Err(PullError::AuthFailed { url: shown, status: status.as_u16() });
    }
    if !status.is_success() {
        return Err(PullError::Status { url: shown, status: status.as_u16(), detail: String::new() });
    }
    let body: Value = response
        .json()
        .await
        .map_err(|e| PullError::Malformed { url: shown.clone(), message: e.to_string() })?;
    body.get("default")
        .or_else(|| body.get("api_roots").and_then(|r| r.get(0)))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| PullError::Protocol { url: shown, message: "the server announces no API root".into() })
}

/// Adds `objects` to a collection (TAXII Add Objects); returns the status resource.
pub async fn add_objects(options: &PullOptions, objects: &[Value]) -> Result<Value, PullError> {
    let root = normalize_api_root(&options.api_root_url)?;
    let collection = check_collection(&options.remote_collection)?;
    let mut url = root.clone();
    url.path_segments_mut()
        .map_err(|_| PullError::BadUsage("the API root URL has no path".into()))?
        .pop_if_empty()
        .extend(["collections", collection, "objects", ""]);
    let shown = url.as_str().to_owned();
    let body = serde_json::to_vec(&serde_json::json!({ "objects": objects }))
        .map_err(|e| PullError::BadUsage(e.to_string()))?;
    let client = client(options)?;
    let response = authorize(
        client.post(url).header(ACCEPT, TAXII_MEDIA_TYPE).header(CONTENT_TYPE, TAXII_MEDIA_TYPE).body(body),
        &options.auth,
    )
    .send()
    .await
    .map_err(|e| PullError::Unreachable { url: shown.clone(), message: e.to_string() })?;
    let status = response.status();
    if status.as_u16() == 401 || status.as_u16() == 403 {
        return Err(PullError::AuthFailed { url: shown, status: status.as_u16() });
    }
    let text = response.text().await.unwrap_or_default();
    if !status.is_success() {
        let detail = serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|v| {
                v.get("description").or_else(|| v.get("title")).and_then(Value::as_str).map(str::to_owned)
            })
            .map(|d| format!(": {d}"))
            .unwrap_or_default();
        return Err(PullError::Status { url: shown, status: status.as_u16(), detail });
    }
    serde_json::from_str(&text).map_err(|e| PullError::Malformed { url: shown, message: e.to_string() })
}
