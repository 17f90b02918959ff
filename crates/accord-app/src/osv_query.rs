//! The OSV query API's use cases (`POST /v1/query`, `POST /v1/querybatch`), answered as the
//! public OSV service answers them, from an index of the imported records kept in memory.
//!
//! The index ([`accord_version::PackageIndex`]) holds every `affected` entry of every imported
//! record that is not withdrawn, with each package's answers worked out in advance. It is built
//! on the first query and built again when the store's records change (an import, here or
//! offline), which each query checks with one store read. Queries name a package by ecosystem and name or
//! by purl, with a version (or none: every advisory of the package), or name a commit, which
//! matches the `introduced` and `last_affected` commits of `GIT` ranges (the commits between
//! them are not known without the repository's history).

use std::str::FromStr;
use std::sync::Arc;

use accord_formats::osv;
use accord_model::ValidationError;
use accord_version::{PackageEntry, PackageIndex};
use serde::{Deserialize, Serialize};

use crate::{App, AppError};

/// At most this many queries in one batch, as the public service.
pub const MAX_BATCH: usize = 1000;
/// At most this many advisories per answer; more come with a `next_page_token`.
pub const PAGE: usize = 1000;

/// One query (`POST /v1/query`, or one of `queries` in `POST /v1/querybatch`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OsvQuery {
    /// The package's version; none asks for every advisory of the package.
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub package: Option<OsvQueryPackage>,
    /// A commit hash, instead of a package.
    #[serde(default)]
    pub commit: Option<String>,
    /// From a previous answer, for the next page.
    #[serde(default)]
    pub page_token: Option<String>,
}

/// The package of a query: ecosystem and name, or a purl.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OsvQueryPackage {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub ecosystem: Option<String>,
    #[serde(default)]
    pub purl: Option<String>,
}

/// An advisory in a batch answer: its id and when it was last modified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VulnRef {
    pub id: String,
    pub modified: String,
}

/// The advisories that answer one query, one page of them. Serialized as the public service
/// writes it: `{}` for none, `next_page_token` only when more follow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Answer<T> {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub vulns: Vec<T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

#[derive(Debug)]
struct Indexed {
    id: Box<str>,
    modified: Box<str>,
    /// `{"id":…,"modified":…}`, written (and escaped) once when the index is built: a batch's
    /// answer is mostly these, copied.
    json: Box<str>,
}

impl Indexed {
    fn new(id: &str, modified: &str) -> Self {
        let json = serde_json::json!({ "id": id, "modified": modified }).to_string();
        Self { id: id.into(), modified: modified.into(), json: json.into() }
    }
}

/// The index of one generation of the store's records.
#[derive(Debug)]
pub(crate) struct QueryIndex {
    generation: String,
    packages: PackageIndex<u32>,
    advisories: Vec<Indexed>,
}

/// The index, shared by every clone of the app.
#[derive(Debug, Default)]
pub(crate) struct OsvIndexCache {
    current: tokio::sync::Mutex<Option<Arc<QueryIndex>>>,
}

/// What a query asks once read: a package (ecosystem, name, version) or a commit.
enum Subject {
    Package { ecosystem: String, name: String, version: Option<String> },
    Commit(String),
}

fn invalid(message: impl Into<String>) -> AppError {
    AppError::Invalid(ValidationError::new("query", message))
}

/// The OSV ecosystem and package name of a purl type, namespace and name.
fn from_purl(purl: &str) -> Result<(String, String, Option<String>), AppError> {
    let p =
        packageurl::PackageUrl::from_str(purl).map_err(|e| invalid(format!("invalid purl {purl:?}: {e}")))?;
    let ns = p.namespace();
    let joined = |sep: &str| match ns {
        Some(ns) => format!("{ns}{sep}{}", p.name()),
        None => p.name().to_string(),
    };
    let (ecosystem, name) = match p.ty() {
        "cargo" => ("crates.io", p.name().to_string()),
        "npm" => ("npm", joined("/")),
        "pypi" => ("PyPI", p.name().to_string()),
        "golang" => ("Go", joined("/")),
        "maven" => ("Maven", joined(":")),
        "gem" => ("RubyGems", p.name().to_string()),
        "nuget" => ("NuGet", p.name().to_string()),
        "composer" => ("Packagist", joined("/")),
        "hex" => ("Hex", p.name().to_string()),
        "pub" => ("Pub", p.name().to_string()),
        "cran" => ("CRAN", p.name().to_string()),
        "hackage" => ("Hackage", p.name().to_string()),
        "swift" => ("SwiftURL", joined("/")),
        "deb" => match ns {
            Some("ubuntu") => ("Ubuntu", p.name().to_string()),
            _ => ("Debian", p.name().to_string()),
        },
        "apk" => match ns {
            Some("wolfi") => ("Wolfi", p.name().to_string()),
            Some("chainguard") => ("Chainguard", p.name().to_string()),
            _ => ("Alpine", p.name().to_string()),
        },
        other => return Err(invalid(format!("purl type {other:?} has no OSV ecosystem here"))),
    };
    Ok((ecosystem.to_owned(), name, p.version().map(str::to_owned)))
}

impl OsvQuery {
    fn subject(&self) -> Result<Subject, AppError> {
        let version = self.version.clone().filter(|v| !v.is_empty());
        match (&self.package, &self.commit) {
            (Some(_), Some(_)) => Err(invalid("a query names a package or a commit, not both")),
            (None, Some(_)) if version.is_some() => Err(invalid("a commit query takes no version")),
            (None, Some(c)) if !c.is_empty() => Ok(Subject::Commit(c.to_ascii_lowercase())),
            (Some(p), None) => match (&p.purl, &p.name, &p.ecosystem) {
                (Some(purl), None, None) => {
                    let (ecosystem, name, purl_version) = from_purl(purl)?;
                    if purl_version.is_some() && version.is_some() {
                        return Err(invalid("the version is given both in the purl and in the query"));
                    }
                    Ok(Subject::Package { ecosystem, name, version: purl_version.or(version) })
                }
                (Some(_), _, _) => Err(invalid("a purl stands for the package's ecosystem and name")),
                (None, Some(name), Some(ecosystem)) if !name.is_empty() && !ecosystem.is_empty() => {
                    Ok(Subject::Package { ecosystem: ecosystem.clone(), name: name.clone(), version })
                }
                _ => Err(invalid("a package needs a name and an ecosystem, or a purl")),
            },
            _ => Err(invalid("a query names a package (name and ecosystem, or purl) or a commit")),
        }
    }

    /// Where this page starts (the token of a previous answer).
    fn offset(&self) -> Result<usize, AppError> {
        match self.page_token.as_deref().filter(|t| !t.is_empty()) {
            None => Ok(0),
            Some(t) => {
                t.strip_prefix("p").and_then(|n| n.parse().ok()).ok_or_else(|| invalid("invalid page_token"))
            }
        }
    }
}

impl QueryIndex {
    fn answer(&self, q: &OsvQuery) -> Result<Answer<u32>, AppError> {
        let offset = q.offset()?;
        let mut found = match q.subject()? {
            Subject::Package { ecosystem, name, version } => {
                self.packages.affecting(&ecosystem, &name, version.as_deref())
            }
            Subject::Commit(c) => self.packages.affecting_commit(&c),
        };
        // Handles are numbered in id order (the index is read from the store by id), so
        // their order is the ids' order.
        found.sort_unstable();
        let rest = found.len().saturating_sub(offset);
        let next_page_token = (rest > PAGE).then(|| format!("p{}", offset + PAGE));
        let vulns = found.into_iter().skip(offset).take(PAGE).collect();
        Ok(Answer { vulns, next_page_token })
    }
}

/// The answers of a batch, written as the public service writes them
/// (`{"results": [{"vulns": [{"id", "modified"}]}, {}, …]}`) straight from the index, without
/// copying ids.
pub struct BatchAnswers {
    index: Arc<QueryIndex>,
    answers: Vec<Answer<u32>>,
}

impl BatchAnswers {
    /// The answers, in the order of the queries.
    pub fn answers(&self) -> impl Iterator<Item = Answer<VulnRef>> + '_ {
        self.answers.iter().map(|a| Answer {
            vulns: a
                .vulns
                .iter()
                .map(|n| {
                    let x = &self.index.advisories[*n as usize];
                    VulnRef { id: x.id.to_string(), modified: x.modified.to_string() }
                })
                .collect(),
            next_page_token: a.next_page_token.clone(),
        })
    }
}

impl BatchAnswers {
    /// The answer's JSON text: `{"results": [{"vulns": [{"id", "modified"}], "next_page_token"},
    /// {}, …]}`, the advisories' parts copied from the index.
    pub fn to_json(&self) -> Vec<u8> {
        // The exact size, so that the text is never moved while it grows.
        let size: usize = self
            .answers
            .iter()
            .map(|a| {
                let vulns: usize =
                    a.vulns.iter().map(|n| self.index.advisories[*n as usize].json.len() + 1).sum();
                3 + if vulns > 0 { 10 + vulns } else { 0 }
                    + a.next_page_token.as_ref().map_or(0, |t| 22 + t.len())
            })
            .sum();
        let mut out = Vec::with_capacity(16 + size);
        out.extend_from_slice(b"{\"results\":[");
        for (i, answer) in self.answers.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.push(b'{');
            if !answer.vulns.is_empty() {
                out.extend_from_slice(b"\"vulns\":[");
                for (j, n) in answer.vulns.iter().enumerate() {
                    if j > 0 {
                        out.push(b',');
                    }
                    out.extend_from_slice(self.index.advisories[*n as usize].json.as_bytes());
                }
                out.push(b']');
            }
            if let Some(token) = &answer.next_page_token {
                if !answer.vulns.is_empty() {
                    out.push(b',');
                }
                out.extend_from_slice(b"\"next_page_token\":");
                out.extend_from_slice(serde_json::Value::from(token.as_str()).to_string().as_bytes());
            }
            out.push(b'}');
        }
        out.extend_from_slice(b"]}");
        out
    }
}

impl App {
    /// The index of the store's records as they are now.
    async fn osv_index(&self) -> Result<Arc<QueryIndex>, AppError> {
        let generation = self.store.osv_generation().await?;
        let mut current = self.osv_index.current.lock().await;
        if let Some(index) = current.as_ref().filter(|i| i.generation == generation) {
            return Ok(index.clone());
        }
        let index = Arc::new(self.build_osv_index(generation).await?);
        *current = Some(index.clone());
        Ok(index)
    }

    async fn build_osv_index(&self, generation: String) -> Result<QueryIndex, AppError> {
        let mut packages = PackageIndex::new();
        let mut advisories = Vec::new();
        let mut unreadable = 0usize;
        let mut after: Option<String> = None;
        loop {
            let page = self.store.osv_documents(after.as_deref(), 2000).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.0.clone());
            for (id, document) in page {
                let record = match osv::parse_record(&document) {
                    Ok(r) => r,
                    Err(e) => {
                        tracing::warn!(%id, error = %e, "a stored OSV record no longer reads; not indexed");
                        continue;
                    }
                };
                if record.withdrawn.is_some() {
                    continue;
                }
                let n = u32::try_from(advisories.len())
                    .map_err(|_| AppError::Internal("too many advisories".into()))?;
                for affected in &record.affected {
                    let Some(package) = &affected.package else { continue };
                    let ranges = affected.version_ranges();
                    let entry = PackageEntry {
                        ecosystem: &package.ecosystem,
                        name: &package.name,
                        ranges: &ranges,
                        versions: &affected.versions,
                    };
                    if packages.add(n, &entry).is_err() {
                        unreadable += 1;
                    }
                }
                advisories.push(Indexed::new(&id, record.modified.as_str()));
            }
        }
        packages.finish();
        tracing::info!(
            advisories = advisories.len(),
            entries = packages.len(),
            unreadable,
            "OSV query index built"
        );
        Ok(QueryIndex { generation, packages, advisories })
    }

    /// `POST /v1/query`: the full records of the advisories that answer the query.
    pub async fn osv_query(&self, q: &OsvQuery) -> Result<Answer<String>, AppError> {
        let index = self.osv_index().await?;
        let answer = index.answer(q)?;
        let mut vulns = Vec::with_capacity(answer.vulns.len());
        for n in answer.vulns {
            let id = &index.advisories[n as usize].id;
            // Replaced or gone since the index was built: skipped rather than answered stale.
            if let Some(stored) = self.store.osv_advisory(id).await? {
                vulns.push(stored.document);
            }
        }
        Ok(Answer { vulns, next_page_token: answer.next_page_token })
    }

    /// `POST /v1/querybatch`: for each query, the ids and modification times of the advisories
    /// that answer it. A batch holds at most [`MAX_BATCH`] queries; an invalid query fails the
    /// batch with its position.
    pub async fn osv_querybatch(&self, queries: &[OsvQuery]) -> Result<BatchAnswers, AppError> {
        if queries.len() > MAX_BATCH {
            return Err(invalid(format!("a batch holds at most {MAX_BATCH} queries, not {}", queries.len())));
        }
        let index = self.osv_index().await?;
        let mut answers = Vec::with_capacity(queries.len());
        for (i, q) in queries.iter().enumerate() {
            answers.push(index.answer(q).map_err(|e| match e {
                AppError::Invalid(v) => invalid(format!("queries[{i}]: {}", v.message)),
                other => other,
            })?);
        }
        Ok(BatchAnswers { index, answers })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purls_name_the_osv_package() {
        let check = |purl: &str, eco: &str, name: &str, version: Option<&str>| {
            let (e, n, v) = from_purl(purl).unwrap();
            assert_eq!((e.as_str(), n.as_str(), v.as_deref()), (eco, name, version), "{purl}");
        };
        check("pkg:cargo/smallvec@1.6.0", "crates.io", "smallvec", Some("1.6.0"));
        check("pkg:npm/%40babel/core@7.0.0", "npm", "@babel/core", Some("7.0.0"));
        check("pkg:pypi/django", "PyPI", "django", None);
        check("pkg:golang/github.com/gin-gonic/gin@v1.9.0", "Go", "github.com/gin-gonic/gin", Some("v1.9.0"));
        check(
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
            "Maven",
            "org.apache.logging.log4j:log4j-core",
            Some("2.14.1"),
        );
        check("pkg:deb/debian/openssl@3.0.11-1", "Debian", "openssl", Some("3.0.11-1"));
        assert!(from_purl("pkg:unknowntype/x@1").is_err());
        assert!(from_purl("not a purl").is_err());
    }

    #[test]
    fn a_query_names_a_package_or_a_commit() {
        let pkg = |name: Option<&str>, eco: Option<&str>, purl: Option<&str>| OsvQueryPackage {
            name: name.map(Into::into),
            ecosystem: eco.map(Into::into),
            purl: purl.map(Into::into),
        };
        let q = |package: Option<OsvQueryPackage>, commit: Option<&str>, version: Option<&str>| OsvQuery {
            version: version.map(Into::into),
            package,
            commit: commit.map(Into::into),
            page_token: None,
        };
        assert!(q(Some(pkg(Some("a"), Some("npm"), None)), None, Some("1.0.0")).subject().is_ok());
        assert!(q(Some(pkg(None, None, Some("pkg:npm/a@1.0.0"))), None, None).subject().is_ok());
        assert!(q(None, Some("abc"), None).subject().is_ok());
        for bad in [
            q(None, None, Some("1.0")),
            q(Some(pkg(Some("a"), None, None)), None, None),
            q(Some(pkg(Some("a"), Some("npm"), Some("pkg:npm/a"))), None, None),
            q(Some(pkg(None, None, Some("pkg:npm/a@1.0.0"))), None, Some("1.0.0")),
            q(Some(pkg(Some("a"), Some("npm"), None)), Some("abc"), None),
            q(None, Some("abc"), Some("1.0")),
        ] {
            assert!(bad.subject().is_err(), "{bad:?}");
        }
        let token = OsvQuery { page_token: Some("zzz".into()), ..Default::default() };
        assert!(token.offset().is_err());
    }

    #[test]
    fn a_batch_answer_is_the_json_of_the_public_service() {
        let mut packages = PackageIndex::new();
        packages.finish();
        let index = Arc::new(QueryIndex {
            generation: "1".into(),
            packages,
            advisories: vec![
                Indexed::new("GHSA-aaaa-bbbb-cccc", "2024-01-01T00:00:00Z"),
                Indexed::new("odd \"id\"\\", "2024-02-01T00:00:00.5Z"),
            ],
        });
        let answers = BatchAnswers {
            index,
            answers: vec![
                Answer { vulns: vec![0, 1], next_page_token: None },
                Answer { vulns: vec![], next_page_token: None },
                Answer { vulns: vec![1], next_page_token: Some("p1000".into()) },
                Answer { vulns: vec![], next_page_token: Some("p2000".into()) },
            ],
        };
        let text = answers.to_json();
        let value: serde_json::Value = serde_json::from_slice(&text).expect("valid JSON");
        assert_eq!(
            value,
            serde_json::json!({"results": [
                {"vulns": [
                    {"id": "GHSA-aaaa-bbbb-cccc", "modified": "2024-01-01T00:00:00Z"},
                    {"id": "odd \"id\"\\", "modified": "2024-02-01T00:00:00.5Z"},
                ]},
                {},
                {"vulns": [{"id": "odd \"id\"\\", "modified": "2024-02-01T00:00:00.5Z"}], "next_page_token": "p1000"},
                {"next_page_token": "p2000"},
            ]})
        );
    }
}
