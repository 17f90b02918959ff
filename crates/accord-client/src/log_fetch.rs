//! Reads a transparency log's public files (C2SP tlog-tiles: `checkpoint`, `tile/…`) from its
//! URL prefix, for `accord log verify` and `accord log audit`. What it fetches is not trusted:
//! the caller checks signatures and proofs.

use std::time::Duration;

/// A failed fetch.
#[derive(Debug, thiserror::Error)]
pub enum LogFetchError {
    /// No answer.
    #[error("{url}: {source}")]
    Http { url: String, source: reqwest::Error },
    /// An answer other than 200.
    #[error("{url}: HTTP {status}")]
    Status { url: String, status: u16 },
}

/// A log at a URL prefix (`https://accord.example/log`).
#[derive(Debug, Clone)]
pub struct LogFetcher {
    http: reqwest::blocking::Client,
    prefix: String,
}

impl LogFetcher {
    pub fn new(prefix: &str, timeout: Duration) -> Result<Self, LogFetchError> {
        let http = reqwest::blocking::Client::builder()
            .timeout(timeout)
            .user_agent(concat!("accord/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|source| LogFetchError::Http { url: prefix.to_owned(), source })?;
        Ok(Self { http, prefix: prefix.trim_end_matches('/').to_owned() })
    }

    /// The bytes at `path` below the prefix (`checkpoint`, `tile/0/000`, …).
    pub fn get(&self, path: &str) -> Result<Vec<u8>, LogFetchError> {
        let url = format!("{}/{path}", self.prefix);
        let resp =
            self.http.get(&url).send().map_err(|source| LogFetchError::Http { url: url.clone(), source })?;
        if !resp.status().is_success() {
            return Err(LogFetchError::Status { url, status: resp.status().as_u16() });
        }
        let bytes = resp.bytes().map_err(|source| LogFetchError::Http { url, source })?;
        Ok(bytes.to_vec())
    }
}
