//! Advisories for everyone: OSV records imported from data sets, advisories published from
//! cases, and their OSV documents.
//!
//! Importing is two steps: [`read_osv_files`] parses and checks every record (in parallel,
//! no store involved, so a bad record stops everything before anything is written), then
//! [`App::import_osv`] stores the batch in one transaction. Reads are public: everything
//! here was published.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, mpsc};

pub use accord_formats::osv::SeverityLevel;
use accord_formats::osv::{self, Record};
use accord_model::ValidationError;
use accord_store::advisories::{
    DICTIONARY_MIN_RECORDS, DICTIONARY_SAMPLES, ImportCounts, ImportStopped, OsvDictionary, OsvImport,
    PreparedImport,
};
use jiff::Timestamp;

use crate::{App, AppError, Caller, permissions};

/// One file of OSV JSON (a record, a list, or `{"vulns": [...]}`), named for error messages.
#[derive(Debug, Clone)]
pub struct OsvFile {
    /// The file's path, or `archive.zip:path/in/archive.json`, or what the request was.
    pub name: String,
    content: OsvContent,
}

#[derive(Debug, Clone)]
enum OsvContent {
    Bytes(Vec<u8>),
    /// Read when parsed, by the thread that parses it.
    Path(PathBuf),
}

impl OsvFile {
    /// A file whose content is in memory.
    pub fn new(name: impl Into<String>, bytes: Vec<u8>) -> Self {
        Self { name: name.into(), content: OsvContent::Bytes(bytes) }
    }

    /// A file on disk, read when it is parsed.
    pub fn at(path: PathBuf) -> Self {
        Self { name: path.display().to_string(), content: OsvContent::Path(path) }
    }

    fn bytes(&self) -> Result<Cow<'_, [u8]>, AppError> {
        match &self.content {
            OsvContent::Bytes(b) => Ok(Cow::Borrowed(b)),
            OsvContent::Path(p) => std::fs::read(p)
                .map(Cow::Owned)
                .map_err(|e| invalid(format!("{}: cannot be read: {e}", self.name))),
        }
    }
}

/// Records read and checked by [`read_osv_files`], ready for [`App::import_osv`].
#[derive(Debug, Default)]
pub struct OsvBatch {
    records: Vec<OsvImport>,
}

impl OsvBatch {
    /// How many records (a record repeated in several files counts each time).
    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub(crate) fn into_records(self) -> Vec<OsvImport> {
        self.records
    }

    /// Whether the batch holds no record.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}

/// What an import did.
pub type ImportSummary = ImportCounts;

/// Whether bytes are a zip archive (its local file header signature).
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

fn invalid(message: String) -> AppError {
    AppError::Invalid(ValidationError::new("osv", message))
}

/// How many bytes a zip archive sent to the API may expand to.
pub const ZIP_EXPANDED_MAX: u64 = 1 << 30;

/// The `*.json` members of a zip archive, in archive order, named `{name}:{member}`; refused
/// when they expand to more than `max_expanded` bytes in all.
pub fn osv_files_in_zip(name: &str, bytes: &[u8], max_expanded: u64) -> Result<Vec<OsvFile>, AppError> {
    let mut left = max_expanded;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| invalid(format!("{name}: not a readable zip archive: {e}")))?;
    let mut files = Vec::new();
    for i in 0..archive.len() {
        let mut member =
            archive.by_index(i).map_err(|e| invalid(format!("{name}: member {i} cannot be read: {e}")))?;
        let member_name = match member.name() {
            Ok(n) => format!("{name}:{n}"),
            Err(e) => return Err(invalid(format!("{name}: member {i} has an unreadable name: {e}"))),
        };
        if !member.is_file() || !member_name.ends_with(".json") {
            continue;
        }
        let mut content = Vec::with_capacity(usize::try_from(member.size()).unwrap_or(0).min(1 << 24));
        (&mut member)
            .take(left.saturating_add(1))
            .read_to_end(&mut content)
            .map_err(|e| invalid(format!("{member_name}: cannot be read: {e}")))?;
        left = left
            .checked_sub(content.len() as u64)
            .ok_or_else(|| invalid(format!("{name}: expands to more than {max_expanded} bytes")))?;
        files.push(OsvFile::new(member_name, content));
    }
    Ok(files)
}

/// Parses and checks the records of every file, on every core; `progress(1)` after each file.
/// The first bad record found is the error, naming its file and JSON path; nothing is kept.
pub fn read_osv_files(files: &[OsvFile], progress: &(dyn Fn(u64) + Sync)) -> Result<OsvBatch, AppError> {
    Ok(OsvBatch { records: parse_osv_files(files, progress, &to_import)? })
}

/// Parses and checks the records of every file, on every core, and turns each into what the
/// caller keeps (`keep`), in file order; `progress(1)` after each file. The first bad record
/// found is the error, naming its file and JSON path. (The store's import and `accord db
/// import` both read OSV data sets through it.)
pub fn parse_osv_files<T: Send>(
    files: &[OsvFile],
    progress: &(dyn Fn(u64) + Sync),
    keep: &(dyn Fn(Record) -> T + Sync),
) -> Result<Vec<T>, AppError> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(files.len().max(1));
    let next = AtomicUsize::new(0);
    // The failure with the lowest file index wins, so the error does not depend on timing.
    let failure: Mutex<Option<(usize, AppError)>> = Mutex::new(None);
    let mut parts: Vec<Vec<(usize, Vec<T>)>> = Vec::new();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(file) = files.get(i) else { break };
                        match read_file(file, keep) {
                            Ok(records) => done.push((i, records)),
                            Err(e) => {
                                let mut slot = failure.lock().unwrap_or_else(|p| p.into_inner());
                                if slot.as_ref().is_none_or(|(j, _)| i < *j) {
                                    *slot = Some((i, e));
                                }
                            }
                        }
                        progress(1);
                    }
                    done
                })
            })
            .collect();
        for h in handles {
            parts.push(h.join().unwrap_or_default());
        }
    });
    if let Some((_, e)) = failure.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(e);
    }
    let mut all: Vec<(usize, Vec<T>)> = parts.into_iter().flatten().collect();
    all.sort_unstable_by_key(|(i, _)| *i);
    Ok(all.into_iter().flat_map(|(_, r)| r).collect())
}

/// How many files a reading thread takes at a time (and sends the records of at once).
const FILES_PER_CHUNK: usize = 64;

/// The records of chunks of files read out of order, given in file order; the first file that
/// failed (in file order) stops the import, its error kept in `failure`.
struct InOrder {
    receiver: mpsc::Receiver<(usize, Result<Vec<PreparedImport>, AppError>)>,
    waiting: BTreeMap<usize, Result<Vec<PreparedImport>, AppError>>,
    next: usize,
    /// How many chunks there are: the stream ends after the last one, never earlier.
    total: usize,
    failure: Arc<Mutex<Option<AppError>>>,
}

impl Iterator for InOrder {
    type Item = Result<Vec<PreparedImport>, ImportStopped>;

    fn next(&mut self) -> Option<Self::Item> {
        let stop = |e: AppError| {
            let stopped = ImportStopped(e.to_string());
            *self.failure.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
            Some(Err(stopped))
        };
        if self.next == self.total {
            return None;
        }
        loop {
            if let Some(read) = self.waiting.remove(&self.next) {
                self.next += 1;
                return match read {
                    Ok(records) => Some(Ok(records)),
                    Err(e) => stop(e),
                };
            }
            match self.receiver.recv() {
                Ok((i, read)) => {
                    self.waiting.insert(i, read);
                }
                // Every worker is gone and a file was never sent (a worker failed): a partial
                // import must not commit.
                Err(_) => {
                    let name = self.next;
                    return stop(AppError::Internal(format!("chunk {name} of the import was never read")));
                }
            }
        }
    }
}

fn read_file<T>(file: &OsvFile, keep: &(dyn Fn(Record) -> T + Sync)) -> Result<Vec<T>, AppError> {
    let bytes = file.bytes()?;
    let text =
        std::str::from_utf8(&bytes).map_err(|e| invalid(format!("{}: not UTF-8 text: {e}", file.name)))?;
    let records = osv::parse_records(text).map_err(|e| invalid(format!("{}: {e}", file.name)))?;
    Ok(records.into_iter().map(keep).collect())
}

/// A compression dictionary trained on the first document of files spread over `files` (a
/// file that does not read is left out here: the import proper reports it).
fn train_on(files: &[OsvFile]) -> Option<OsvDictionary> {
    let step = (files.len() / DICTIONARY_SAMPLES).max(1);
    let samples: Vec<String> = files
        .iter()
        .step_by(step)
        .filter_map(|f| read_file(f, &|r| to_import(r).document).ok()?.into_iter().next())
        .collect();
    OsvDictionary::train(&samples)
}

fn to_import(record: Record) -> OsvImport {
    OsvImport {
        packages: record.packages().into_iter().map(|(e, n)| (e.to_owned(), n.to_owned())).collect(),
        modified: record.modified.to_string(),
        modified_at: record.modified.at(),
        published: record.published.as_ref().map(ToString::to_string),
        published_at: record.published.as_ref().map(osv::OsvTimestamp::at),
        severity: osv::record_severity(&record),
        withdrawn: record.withdrawn.as_ref().map(ToString::to_string),
        document: record.to_json(),
        id: record.id.to_string(),
        summary: record.summary,
        aliases: record.aliases,
    }
}

impl App {
    /// Stores records read by [`read_osv_files`] in one transaction (administrators and the
    /// operator): new ids are added, changed texts replace the stored ones, identical texts
    /// change nothing.
    pub async fn import_osv(
        &self,
        caller: &Caller,
        batch: OsvBatch,
        now: Timestamp,
    ) -> Result<ImportSummary, AppError> {
        permissions::import_advisories(caller)?;
        Ok(self.store.import_osv(&caller.audit_name(), batch.records, now).await?)
    }

    /// Reads, checks and stores OSV files in one transaction (administrators and the
    /// operator), all or nothing, like [`read_osv_files`] then [`App::import_osv`] but with
    /// the reading and the writing overlapping: files are read and parsed on every core while
    /// the store writes the records already parsed, in file order. The first bad record (in
    /// file order) is the error, naming its file and JSON path; nothing is stored then.
    /// `progress(1)` after each file read.
    pub async fn import_osv_files(
        &self,
        caller: &Caller,
        files: Vec<OsvFile>,
        progress: Arc<dyn Fn(u64) + Send + Sync>,
        now: Timestamp,
    ) -> Result<ImportSummary, AppError> {
        permissions::import_advisories(caller)?;
        let files = Arc::new(files);
        // The dictionary documents are compressed with: the store's, or one trained on a
        // sample of these files by a thread of its own while the workers parse ahead (they keep
        // what they parsed until it is ready; it takes a fraction of the import).
        let dictionary: Arc<OnceLock<Option<Arc<OsvDictionary>>>> = Arc::new(OnceLock::new());
        let trainer = match self.store.osv_dictionary().await? {
            Some(d) => {
                let _ = dictionary.set(Some(Arc::new(d)));
                None
            }
            None if files.len() >= DICTIONARY_MIN_RECORDS => {
                let (files, dictionary) = (files.clone(), dictionary.clone());
                Some(std::thread::spawn(move || {
                    // Set whatever happens, so that no worker waits for ever.
                    let trained = std::panic::catch_unwind(|| train_on(&files)).ok().flatten();
                    let _ = dictionary.set(trained.map(Arc::new));
                }))
            }
            None => {
                let _ = dictionary.set(None);
                None
            }
        };
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(files.len().max(1));
        let next = Arc::new(AtomicUsize::new(0));
        // A few files per worker in flight: enough to keep the writer busy, little memory.
        let (sender, receiver) =
            mpsc::sync_channel::<(usize, Result<Vec<PreparedImport>, AppError>)>(8 * workers);
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let (files, next, sender, progress, dictionary) =
                    (files.clone(), next.clone(), sender.clone(), progress.clone(), dictionary.clone());
                std::thread::spawn(move || {
                    // Chunks parsed before the dictionary was ready, in order.
                    let mut parsed: Vec<(usize, Result<Vec<OsvImport>, AppError>)> = Vec::new();
                    let send_parsed = |parsed: &mut Vec<(usize, Result<Vec<OsvImport>, AppError>)>,
                                       d: &Option<Arc<OsvDictionary>>| {
                        for (chunk, read) in parsed.drain(..) {
                            let prepared = read.map(|records| {
                                records.into_iter().map(|r| PreparedImport::new(r, d.as_ref())).collect()
                            });
                            if sender.send((chunk, prepared)).is_err() {
                                return false; // the import stopped
                            }
                        }
                        true
                    };
                    loop {
                        let chunk = next.fetch_add(1, Ordering::Relaxed);
                        let start = chunk.saturating_mul(FILES_PER_CHUNK);
                        let Some(part) = files.get(start..files.len().min(start + FILES_PER_CHUNK)) else {
                            break;
                        };
                        if part.is_empty() {
                            break;
                        }
                        let mut read = Ok(Vec::new());
                        for file in part {
                            let records = read_file(file, &to_import);
                            progress(1);
                            match (&mut read, records) {
                                (Ok(all), Ok(records)) => all.extend(records),
                                (Ok(_), Err(e)) => read = Err(e),
                                (Err(_), _) => break,
                            }
                        }
                        parsed.push((chunk, read));
                        if let Some(d) = dictionary.get()
                            && !send_parsed(&mut parsed, d)
                        {
                            return;
                        }
                    }
                    let d = dictionary.wait();
                    send_parsed(&mut parsed, d);
                })
            })
            .collect();
        drop(sender);
        let failure = Arc::new(Mutex::new(None));
        let stream = InOrder {
            receiver,
            waiting: BTreeMap::new(),
            next: 0,
            total: files.len().div_ceil(FILES_PER_CHUNK),
            failure: failure.clone(),
        };
        let outcome = self.store.import_osv_stream(&caller.audit_name(), Box::new(stream), now).await;
        // The stream is dropped: the workers stop at their next file.
        tokio::task::spawn_blocking(move || {
            handles.into_iter().chain(trainer).for_each(|h| h.join().unwrap_or(()));
        })
        .await
        .map_err(|e| AppError::Internal(format!("import task failed: {e}")))?;
        let failure = failure.lock().unwrap_or_else(|p| p.into_inner()).take();
        match (outcome, failure) {
            (_, Some(e)) => Err(e),
            (outcome, None) => Ok(outcome?),
        }
    }

    /// Imports a request body (administrators): one OSV record, a JSON list of them,
    /// `{"vulns": [...]}`, or a zip archive of such files.
    pub async fn import_osv_body(
        &self,
        caller: &Caller,
        body: Vec<u8>,
        now: Timestamp,
    ) -> Result<ImportSummary, AppError> {
        permissions::import_advisories(caller)?;
        let batch = tokio::task::spawn_blocking(move || {
            let files = if is_zip(&body) {
                osv_files_in_zip("body", &body, ZIP_EXPANDED_MAX)?
            } else {
                vec![OsvFile::new("body", body)]
            };
            read_osv_files(&files, &|_| {})
        })
        .await
        .map_err(|e| AppError::Internal(format!("import task failed: {e}")))??;
        self.import_osv(caller, batch, now).await
    }
}

/// Largest page of [`App::advisories`].
pub const ADVISORY_PAGE_MAX: u32 = 1000;

/// A list request of [`App::advisories`].
#[derive(Debug, Clone, Default)]
pub struct AdvisoryListRequest {
    /// Advisories affecting a package of this ecosystem (`Debian` also matches `Debian:12`).
    pub ecosystem: Option<String>,
    /// Advisories affecting a package of this name.
    pub package: Option<String>,
    /// Advisories modified at or after this instant.
    pub since: Option<Timestamp>,
    /// Text found, in any case, in the id, an alias, the summary, or an affected package's
    /// (or, for a case advisory, product's or vendor's) name; at most
    /// [`crate::advisory_filters::ADVISORY_QUERY_MAX`] characters.
    pub q: Option<String>,
    /// Advisories of one of these severities (empty: any, or none).
    pub severity: Vec<SeverityLevel>,
    /// Advisories published at or after this instant.
    pub published_since: Option<Timestamp>,
    /// Advisories published at or before this instant.
    pub published_until: Option<Timestamp>,
    /// Page size (default 100, at most [`ADVISORY_PAGE_MAX`]).
    pub limit: Option<u32>,
    /// The `next` of the previous page.
    pub next: Option<String>,
}

/// What a list shows of an advisory, imported or published from a case.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AdvisorySummary {
    /// The advisory's id: the OSV id of an imported record, `ACCORD-YYYY-NNNN` for one
    /// published from a case (its OSV document says `x_ACCORD-YYYY-NNNN`).
    pub id: String,
    /// `imported` (from an OSV data set) or `accord` (published through coordinated disclosure).
    pub source: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    pub modified: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<String>,
    pub aliases: Vec<String>,
    /// The affected packages (`{"ecosystem", "name"}`) or, for a case, products
    /// (`{"vendor", "product"}`).
    pub affected: Vec<serde_json::Value>,
    /// `CRITICAL`, `HIGH`, `MEDIUM`, `LOW` or `NONE`: the rating of the highest CVSS base
    /// score, else the database's own severity ([`osv::record_severity`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<SeverityLevel>,
    #[serde(skip)]
    modified_at: Timestamp,
}

impl AdvisorySummary {
    /// `modified` as an instant.
    pub fn modified_at(&self) -> Timestamp {
        self.modified_at
    }
}

/// A page of advisories, newest `modified` first.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AdvisoryPage {
    pub advisories: Vec<AdvisorySummary>,
    /// Give it back as `next` for the following page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// An advisory's OSV document and its entity tag.
#[derive(Debug, Clone)]
pub struct OsvDocument {
    /// The JSON text.
    pub json: String,
    /// A strong entity tag of the text (SHA-256, hex, without quotes).
    pub etag: String,
}

/// The local id of a case advisory, from either of its spellings (`ACCORD-…`, `x_ACCORD-…`).
pub(crate) fn case_advisory_id(id: &str) -> Option<&str> {
    let local = id.strip_prefix("x_").unwrap_or(id);
    local.starts_with("ACCORD-").then_some(local)
}

fn encode_cursor(s: &AdvisorySummary) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!(
        "{}:{}",
        s.modified_at.as_microsecond(),
        s.id
    ))
}

fn decode_cursor(text: &str) -> Result<accord_store::advisories::OsvCursor, AppError> {
    use base64::Engine;
    let bad = || AppError::Invalid(ValidationError::new("next", "not a `next` value of this list"));
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text).map_err(|_| bad())?;
    let raw = String::from_utf8(raw).map_err(|_| bad())?;
    let (micros, id) = raw.split_once(':').ok_or_else(bad)?;
    let micros: i64 = micros.parse().map_err(|_| bad())?;
    Ok(accord_store::advisories::OsvCursor {
        modified_at: Timestamp::from_microsecond(micros).map_err(|_| bad())?,
        id: id.to_owned(),
    })
}

/// Newest first, then id descending: the order of every list.
fn list_order(a: &AdvisorySummary, b: &AdvisorySummary) -> std::cmp::Ordering {
    b.modified_at.cmp(&a.modified_at).then_with(|| b.id.cmp(&a.id))
}

pub(crate) fn imported_summary(s: accord_store::advisories::OsvSummary) -> AdvisorySummary {
    AdvisorySummary {
        source: "imported",
        affected: s
            .packages
            .into_iter()
            .map(|(e, n)| serde_json::json!({ "ecosystem": e, "name": n }))
            .collect(),
        id: s.id,
        summary: s.summary,
        published: s.published,
        modified: s.modified,
        withdrawn: s.withdrawn,
        aliases: s.aliases,
        severity: s.severity,
        modified_at: s.modified_at,
    }
}

/// A case advisory's stored document, as the list shows it.
pub(crate) fn case_summary(id: &str, document: &serde_json::Value) -> Result<AdvisorySummary, AppError> {
    let text = |field: &str| document.get(field).and_then(|v| v.as_str()).map(str::to_owned);
    let modified =
        text("modified").ok_or_else(|| AppError::Internal(format!("advisory {id} has no modified")))?;
    let modified_at: Timestamp =
        modified.parse().map_err(|e| AppError::Internal(format!("advisory {id}: modified: {e}")))?;
    let mut affected: Vec<serde_json::Value> = Vec::new();
    for a in document.get("affected").and_then(|v| v.as_array()).into_iter().flatten() {
        let entry = serde_json::json!({ "vendor": a.get("vendor"), "product": a.get("product") });
        if !affected.contains(&entry) {
            affected.push(entry);
        }
    }
    let severity = osv::record_severity(&case_advisory_osv(id, document)?);
    Ok(AdvisorySummary {
        id: id.to_owned(),
        source: "accord",
        summary: text("summary"),
        published: text("published"),
        modified,
        withdrawn: None,
        aliases: strings(document.get("aliases")),
        affected,
        severity,
        modified_at,
    })
}

fn strings(v: Option<&serde_json::Value>) -> Vec<String> {
    v.and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

/// The OSV record of an advisory published from a case (SPEC §4): id `x_ACCORD-YYYY-NNNN`,
/// the case's CVE ids as aliases, its CVSS vectors as severity, and each vendor product that
/// was affected as an `affected` entry without package (a case names vendors' products, not
/// ecosystem packages), described in its `database_specific`.
pub fn case_advisory_osv(id: &str, document: &serde_json::Value) -> Result<osv::Record, AppError> {
    use serde_json::{Value, json};
    let get = |field: &str| document.get(field).cloned().unwrap_or(Value::Null);
    let osv_time = |field: &str| -> Result<Value, AppError> {
        let at: Timestamp = document
            .get(field)
            .and_then(|v| v.as_str())
            .ok_or_else(|| AppError::Internal(format!("advisory {id} has no {field}")))?
            .parse()
            .map_err(|e| AppError::Internal(format!("advisory {id}: {field}: {e}")))?;
        Ok(Value::String(osv::OsvTimestamp::from(at).to_string()))
    };
    let mut severity = Vec::new();
    if let Some(v) = document.get("cvss_v31").and_then(|v| v.as_str()) {
        severity.push(json!({ "type": "CVSS_V3", "score": v }));
    }
    if let Some(v) = document.get("cvss_v40").and_then(|v| v.as_str()) {
        severity.push(json!({ "type": "CVSS_V4", "score": v }));
    }
    let affected: Vec<Value> = document
        .get("affected")
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
        .filter(|a| matches!(a.get("status").and_then(|s| s.as_str()), Some("affected" | "fixed")))
        .map(|a| {
            let mut detail = serde_json::Map::new();
            for key in ["vendor", "product", "status", "fixed_version", "remediation"] {
                if let Some(v) = a.get(key).filter(|v| !v.is_null()) {
                    detail.insert(key.to_owned(), v.clone());
                }
            }
            json!({ "database_specific": detail })
        })
        .collect();
    let mut record = json!({
        "schema_version": osv::SCHEMA_VERSION,
        "id": format!("x_{id}"),
        "modified": osv_time("modified")?,
        "published": osv_time("published")?,
        "aliases": get("aliases"),
        "summary": get("summary"),
        "details": get("details"),
        "severity": severity,
        "affected": affected,
        "references": get("references"),
        "credits": get("credits"),
        "database_specific": { "source": "Accord coordinated vulnerability disclosure", "accord_id": id },
    });
    if let Value::Object(map) = &mut record {
        map.retain(|_, v| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()));
    }
    let text = record.to_string();
    osv::parse_record(&text).map_err(|e| AppError::Internal(format!("advisory {id} as OSV: {e}")))
}

pub(crate) fn osv_document(json: String) -> OsvDocument {
    use sha2::Digest;
    let etag = hex::encode(sha2::Sha256::digest(json.as_bytes()));
    OsvDocument { json, etag }
}

impl App {
    /// Public advisories, imported and published from cases, newest `modified` first, paged.
    /// Every filter given must hold; a filter by ecosystem or package leaves out case
    /// advisories (they name products, not packages). Nothing of a case exists here before its
    /// publication.
    pub async fn advisories(&self, request: &AdvisoryListRequest) -> Result<AdvisoryPage, AppError> {
        let limit = request.limit.unwrap_or(100);
        if limit == 0 || limit > ADVISORY_PAGE_MAX {
            return Err(AppError::Invalid(ValidationError::new(
                "limit",
                format!("limit is from 1 to {ADVISORY_PAGE_MAX}"),
            )));
        }
        let after = request.next.as_deref().map(decode_cursor).transpose()?;
        let text = crate::advisory_filters::search_text(request.q.as_deref())?;
        let filter = accord_store::advisories::OsvFilter {
            ecosystem: request.ecosystem.clone(),
            package: request.package.clone(),
            since: request.since,
            text: text.clone(),
            severities: request.severity.clone(),
            published_since: request.published_since,
            published_until: request.published_until,
        };
        let mut page: Vec<AdvisorySummary> = self
            .store
            .osv_advisories(&filter, after.as_ref(), limit + 1)
            .await?
            .into_iter()
            .map(imported_summary)
            .collect();
        if request.ecosystem.is_none() && request.package.is_none() {
            for (id, document) in self.store.published_advisories().await? {
                let document: serde_json::Value =
                    serde_json::from_str(&document).map_err(|e| AppError::Internal(e.to_string()))?;
                let s = case_summary(&id, &document)?;
                let after_cursor = after
                    .as_ref()
                    .is_none_or(|c| (s.modified_at, s.id.as_str()) < (c.modified_at, c.id.as_str()));
                if after_cursor && crate::advisory_filters::case_matches(&s, request, text.as_deref()) {
                    page.push(s);
                }
            }
        }
        page.sort_by(list_order);
        let more = page.len() > limit as usize;
        page.truncate(limit as usize);
        let next = if more { page.last().map(encode_cursor) } else { None };
        Ok(AdvisoryPage { advisories: page, next })
    }

    /// One advisory: an imported record by id or alias, or a case advisory by
    /// `ACCORD-YYYY-NNNN` (or `x_ACCORD-YYYY-NNNN`).
    pub async fn advisory(&self, id: &str) -> Result<AdvisorySummary, AppError> {
        if let Some(local) = case_advisory_id(id) {
            let (_, document) = self.store.advisory(local).await?.ok_or(AppError::NotFound("advisory"))?;
            let document: serde_json::Value =
                serde_json::from_str(&document).map_err(|e| AppError::Internal(e.to_string()))?;
            return case_summary(local, &document);
        }
        let stored = self.store.osv_advisory(id).await?.ok_or(AppError::NotFound("advisory"))?;
        Ok(imported_summary(stored.summary))
    }

    /// An advisory's OSV document: the original text of an imported record (found by id or
    /// alias), or the OSV rendering of a case advisory.
    pub async fn advisory_osv(&self, id: &str) -> Result<OsvDocument, AppError> {
        if let Some(local) = case_advisory_id(id) {
            let (_, document) = self.store.advisory(local).await?.ok_or(AppError::NotFound("advisory"))?;
            let document: serde_json::Value =
                serde_json::from_str(&document).map_err(|e| AppError::Internal(e.to_string()))?;
            let record = case_advisory_osv(local, &document)?;
            // Written from the typed record: the schema's field order.
            let json = serde_json::to_string(&record).map_err(|e| AppError::Internal(e.to_string()))?;
            return Ok(osv_document(json));
        }
        let stored = self.store.osv_advisory(id).await?.ok_or(AppError::NotFound("advisory"))?;
        Ok(OsvDocument { json: stored.document, etag: stored.sha256 })
    }
}
