//! Advisories for everyone: OSV records imported from data sets, advisories published from
//! cases, and their OSV documents.
//!
//! Importing is two steps: [`read_osv_files`] parses and checks every record (in parallel,
//! no store involved, so a bad record stops everything before anything is written), then
//! [`App::import_osv`] stores the batch in one transaction. Reads are public: everything
//! here was published.

use std::io::Read;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use accord_formats::osv::{self, Record};
use accord_model::ValidationError;
use accord_store::advisories::{ImportCounts, OsvImport};
use jiff::Timestamp;

use crate::{App, AppError, Caller, permissions};

/// One file of OSV JSON (a record, a list, or `{"vulns": [...]}`), named for error messages.
#[derive(Debug, Clone)]
pub struct OsvFile {
    /// The file's path, or `archive.zip:path/in/archive.json`, or what the request was.
    pub name: String,
    /// Its content.
    pub bytes: Vec<u8>,
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

/// The `*.json` members of a zip archive, in archive order, named `{name}:{member}`.
pub fn osv_files_in_zip(name: &str, bytes: &[u8]) -> Result<Vec<OsvFile>, AppError> {
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
        member.read_to_end(&mut content).map_err(|e| invalid(format!("{member_name}: cannot be read: {e}")))?;
        files.push(OsvFile { name: member_name, bytes: content });
    }
    Ok(files)
}

/// Parses and checks the records of every file, on every core; `progress(1)` after each file.
/// The first bad record found is the error, naming its file and JSON path; nothing is kept.
pub fn read_osv_files(files: &[OsvFile], progress: &(dyn Fn(u64) + Sync)) -> Result<OsvBatch, AppError> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(files.len().max(1));
    let next = AtomicUsize::new(0);
    // The failure with the lowest file index wins, so the error does not depend on timing.
    let failure: Mutex<Option<(usize, AppError)>> = Mutex::new(None);
    let mut parts: Vec<Vec<(usize, Vec<OsvImport>)>> = Vec::new();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(file) = files.get(i) else { break };
                        match read_file(file) {
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
    let mut all: Vec<(usize, Vec<OsvImport>)> = parts.into_iter().flatten().collect();
    all.sort_unstable_by_key(|(i, _)| *i);
    Ok(OsvBatch { records: all.into_iter().flat_map(|(_, r)| r).collect() })
}

fn read_file(file: &OsvFile) -> Result<Vec<OsvImport>, AppError> {
    let text = std::str::from_utf8(&file.bytes)
        .map_err(|e| invalid(format!("{}: not UTF-8 text: {e}", file.name)))?;
    let records = osv::parse_records(text).map_err(|e| invalid(format!("{}: {e}", file.name)))?;
    Ok(records.into_iter().map(to_import).collect())
}

fn to_import(record: Record) -> OsvImport {
    OsvImport {
        packages: record.packages().into_iter().map(|(e, n)| (e.to_owned(), n.to_owned())).collect(),
        modified: record.modified.to_string(),
        modified_at: record.modified.at(),
        published: record.published.as_ref().map(ToString::to_string),
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
    pub async fn import_osv(&self, caller: &Caller, batch: OsvBatch, now: Timestamp) -> Result<ImportSummary, AppError> {
        permissions::import_advisories(caller)?;
        Ok(self.store.import_osv(&caller.audit_name(), batch.records, now).await?)
    }

    /// Imports a request body (administrators): one OSV record, a JSON list of them,
    /// `{"vulns": [...]}`, or a zip archive of such files.
    pub async fn import_osv_body(&self, caller: &Caller, body: Vec<u8>, now: Timestamp) -> Result<ImportSummary, AppError> {
        permissions::import_advisories(caller)?;
        let batch = tokio::task::spawn_blocking(move || {
            let files = if is_zip(&body) {
                osv_files_in_zip("body", &body)?
            } else {
                vec![OsvFile { name: "body".to_owned(), bytes: body }]
            };
            read_osv_files(&files, &|_| {})
        })
        .await
        .map_err(|e| AppError::Internal(format!("import task failed: {e}")))??;
        self.import_osv(caller, batch, now).await
    }
}
