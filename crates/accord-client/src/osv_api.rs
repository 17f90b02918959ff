//! A client of an OSV API (`POST /v1/querybatch`, `GET /v1/vulns/{id}`), as an Accord server
//! or the public OSV service answers it, for `accord scan --server`.

use std::time::Duration;

use serde_json::{Value, json};

/// At most this many queries per batch request (the API's limit).
pub const BATCH: usize = 1000;

/// A failed exchange with the API.
#[derive(Debug, thiserror::Error)]
pub enum OsvApiError {
    /// No answer.
    #[error("{url}: {source}")]
    Http {
        /// The URL asked.
        url: String,
        /// What failed.
        source: reqwest::Error,
    },
    /// An answer other than 200.
    #[error("{url}: HTTP {status}: {body}")]
    Status {
        /// The URL asked.
        url: String,
        /// The status.
        status: u16,
        /// The start of the body.
        body: String,
    },
    /// A 200 whose body is not what the API answers.
    #[error("{url}: unexpected answer: {message}")]
    Answer {
        /// The URL asked.
        url: String,
        /// What is wrong.
        message: String,
    },
}

/// One package version to ask about.
#[derive(Debug, Clone, Copy)]
pub struct PackageQuery<'a> {
    /// OSV ecosystem.
    pub ecosystem: &'a str,
    /// Package name.
    pub name: &'a str,
    /// Version.
    pub version: &'a str,
}

/// An OSV API at a base URL (`https://accord.example`).
#[derive(Debug, Clone)]
pub struct OsvApi {
    http: reqwest::blocking::Client,
    base: String,
}

impl OsvApi {
    /// A client of the API at `base`.
    pub fn new(base: &str) -> Result<Self, OsvApiError> {
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(60))
            .user_agent(concat!("accord/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|source| OsvApiError::Http { url: base.to_owned(), source })?;
        Ok(OsvApi { http, base: base.trim_end_matches('/').to_owned() })
    }

    fn post(&self, path: &str, body: &Value) -> Result<Value, OsvApiError> {
        let url = format!("{}{path}", self.base);
        let response = self
            .http
            .post(&url)
            .json(body)
            .send()
            .map_err(|source| OsvApiError::Http { url: url.clone(), source })?;
        Self::json(url, response)
    }

    fn json(url: String, response: reqwest::blocking::Response) -> Result<Value, OsvApiError> {
        let status = response.status();
        let text = response.text().map_err(|source| OsvApiError::Http { url: url.clone(), source })?;
        if !status.is_success() {
            return Err(OsvApiError::Status {
                url,
                status: status.as_u16(),
                body: text.chars().take(300).collect(),
            });
        }
        serde_json::from_str(&text).map_err(|e| OsvApiError::Answer { url, message: e.to_string() })
    }

    /// The ids of the advisories affecting each package, in the queries' order, asked in
    /// batches of [`BATCH`]; a query whose answer continues on further pages is asked again
    /// with its `page_token` until it ends.
    pub fn query_batch(&self, queries: &[PackageQuery<'_>]) -> Result<Vec<Vec<String>>, OsvApiError> {
        let one = |q: &PackageQuery<'_>, token: Option<&str>| {
            let mut v = json!({"package": {"ecosystem": q.ecosystem, "name": q.name}, "version": q.version});
            if let Some(t) = token {
                v["page_token"] = json!(t);
            }
            v
        };
        let mut ids = Vec::with_capacity(queries.len());
        for chunk in queries.chunks(BATCH) {
            let mut pending: Vec<(usize, Option<String>)> = (0..chunk.len()).map(|i| (i, None)).collect();
            let mut found: Vec<Vec<String>> = vec![Vec::new(); chunk.len()];
            while !pending.is_empty() {
                let body = json!({"queries": pending.iter().map(|(i, t)| one(&chunk[*i], t.as_deref())).collect::<Vec<_>>()});
                let answer = self.post("/v1/querybatch", &body)?;
                let bad = |message: &str| OsvApiError::Answer {
                    url: format!("{}/v1/querybatch", self.base),
                    message: message.to_owned(),
                };
                let results = answer["results"].as_array().ok_or_else(|| bad("no results list"))?;
                if results.len() != pending.len() {
                    return Err(bad("not one result per query"));
                }
                let mut next = Vec::new();
                for ((i, _), result) in pending.iter().zip(results) {
                    for v in result["vulns"].as_array().into_iter().flatten() {
                        let id = v["id"].as_str().ok_or_else(|| bad("a vulnerability without id"))?;
                        if !found[*i].iter().any(|x| x == id) {
                            found[*i].push(id.to_owned());
                        }
                    }
                    if let Some(t) = result["next_page_token"].as_str().filter(|t| !t.is_empty()) {
                        next.push((*i, Some(t.to_owned())));
                    }
                }
                pending = next;
            }
            ids.extend(found);
        }
        Ok(ids)
    }

    /// One advisory's OSV JSON text (`GET /v1/vulns/{id}`).
    pub fn vuln(&self, id: &str) -> Result<String, OsvApiError> {
        let encoded: String = id
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        let url = format!("{}/v1/vulns/{encoded}", self.base);
        let response =
            self.http.get(&url).send().map_err(|source| OsvApiError::Http { url: url.clone(), source })?;
        let status = response.status();
        let text = response.text().map_err(|source| OsvApiError::Http { url: url.clone(), source })?;
        if !status.is_success() {
            return Err(OsvApiError::Status {
                url,
                status: status.as_u16(),
                body: text.chars().take(300).collect(),
            });
        }
        Ok(text)
    }
}
