//! The records of imported OSV advisories (`Store::import_osv` and its reads).

use std::sync::Arc;

use accord_formats::osv::SeverityLevel;
use jiff::Timestamp;

/// One OSV record to import, as the caller read and checked it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OsvImport {
    /// The record's `id`.
    pub id: String,
    /// `modified` as the record writes it.
    pub modified: String,
    /// `modified` as an instant (ordering and `since`).
    pub modified_at: Timestamp,
    /// `published` as written.
    pub published: Option<String>,
    /// `published` as an instant (the list's date filters).
    pub published_at: Option<Timestamp>,
    /// `withdrawn` as written.
    pub withdrawn: Option<String>,
    /// `summary`.
    pub summary: Option<String>,
    /// `aliases`.
    pub aliases: Vec<String>,
    /// The `(ecosystem, name)` of every affected package, without repeats.
    pub packages: Vec<(String, String)>,
    /// The record's severity ([`accord_formats::osv::record_severity`]).
    pub severity: Option<SeverityLevel>,
    /// The record's original JSON text: what is stored and served.
    pub document: String,
}

/// A record made ready for the store by [`PreparedImport::new`]: its SHA-256, its search
/// text and its compressed document are worked out where it was read (on the reader's
/// threads), not in the writer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedImport {
    record: OsvImport,
    digest: [u8; 32],
    search: String,
    compressed: Vec<u8>,
    dictionary: Option<Arc<OsvDictionary>>,
}

impl PreparedImport {
    /// Prepares `record`, its document compressed with `dictionary` (which the import stores
    /// with the record unless the store has it).
    pub fn new(record: OsvImport, dictionary: Option<&Arc<OsvDictionary>>) -> Self {
        use sha2::Digest as _;
        let digest: [u8; 32] = sha2::Sha256::digest(record.document.as_bytes()).into();
        let search = search_text(
            &record.id,
            record.summary.as_deref(),
            &record.aliases,
            record.packages.iter().map(|(_, n)| n.as_str()),
        );
        let compressed = compress_document(&record.document, dictionary.map(|d| &**d));
        Self { record, digest, search, compressed, dictionary: dictionary.cloned() }
    }

    pub fn record(&self) -> &OsvImport {
        &self.record
    }

    /// SHA-256 of the document.
    pub fn digest(&self) -> &[u8; 32] {
        &self.digest
    }

    /// What a text search looks in ([`search_text`]).
    pub fn search(&self) -> &str {
        &self.search
    }

    /// The document as stored: one zstd frame ([`compress_document`]).
    pub fn compressed(&self) -> &[u8] {
        &self.compressed
    }

    /// The dictionary the document was compressed with.
    pub fn dictionary(&self) -> Option<&OsvDictionary> {
        self.dictionary.as_deref()
    }
}

/// Prepares records on every core, in order.
pub fn prepare_all(records: Vec<OsvImport>, dictionary: Option<&Arc<OsvDictionary>>) -> Vec<PreparedImport> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    if workers < 2 || records.len() < 256 {
        return records.into_iter().map(|r| PreparedImport::new(r, dictionary)).collect();
    }
    let chunk = records.len().div_ceil(workers);
    let mut records = records.into_iter();
    let parts: Vec<Vec<OsvImport>> = std::iter::from_fn(|| {
        Some(records.by_ref().take(chunk).collect::<Vec<_>>()).filter(|p| !p.is_empty())
    })
    .collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = parts
            .into_iter()
            .map(|part| {
                scope.spawn(move || {
                    part.into_iter().map(|r| PreparedImport::new(r, dictionary)).collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))).collect()
    })
}

/// The zstd level of stored documents. With a dictionary, level 1 compresses real OSV data 4.6
/// times (level 3: 5.0) in two thirds of level 3's time, and the reading threads, not the
/// writer, are what an import waits for once documents are compressed.
const COMPRESSION_LEVEL: i32 = 1;

/// Size of a trained dictionary.
pub const DICTIONARY_BYTES: usize = 32 << 10;

/// Imports of at least this many records (or files) train a dictionary when the store has
/// none; smaller ones compress without.
pub const DICTIONARY_MIN_RECORDS: usize = 1000;

/// How many documents a dictionary is trained on, spread over the import (training takes about
/// 70 ms on 128 real OSV documents, before the import can start compressing; twice as many
/// samples took 100 ms for 1.5 % smaller documents).
pub const DICTIONARY_SAMPLES: usize = 128;

/// A zstd dictionary for OSV documents. Most of an OSV record is the same from one record to
/// the next (field names, ecosystems, reference kinds, URL prefixes); a dictionary trained on
/// some of them compresses the others 4.6 times, against 2.6 without. Stored with the
/// records it compressed; zstd writes its id in each frame made with it.
pub struct OsvDictionary {
    id: u32,
    bytes: Vec<u8>,
    encoder: zstd::zstd_safe::CDict<'static>,
}

impl std::fmt::Debug for OsvDictionary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OsvDictionary").field("id", &self.id).field("bytes", &self.bytes.len()).finish()
    }
}

impl PartialEq for OsvDictionary {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id && self.bytes == other.bytes
    }
}

impl Eq for OsvDictionary {}

impl OsvDictionary {
    /// A dictionary from its bytes; `None` unless they are a zstd dictionary with an id.
    pub fn from_bytes(bytes: Vec<u8>) -> Option<Self> {
        let id = zstd::zstd_safe::get_dict_id_from_dict(&bytes)?.get();
        let encoder = zstd::zstd_safe::CDict::try_create(&bytes, COMPRESSION_LEVEL)?;
        Some(Self { id, bytes, encoder })
    }

    /// Trains a dictionary on sample documents; `None` when zstd cannot (too few or too small
    /// samples).
    pub fn train<S: AsRef<[u8]>>(samples: &[S]) -> Option<Self> {
        let bytes = zstd::dict::from_samples(samples, DICTIONARY_BYTES).ok()?;
        Self::from_bytes(bytes)
    }

    /// The id zstd gave it (in its header and in every frame made with it).
    pub fn id(&self) -> u32 {
        self.id
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

/// A dictionary trained on documents spread over `records`, when they are enough to be worth
/// one ([`DICTIONARY_MIN_RECORDS`]).
pub fn train_for(records: &[OsvImport]) -> Option<OsvDictionary> {
    if records.len() < DICTIONARY_MIN_RECORDS {
        return None;
    }
    let step = records.len() / DICTIONARY_SAMPLES;
    let samples: Vec<&[u8]> = records.iter().step_by(step.max(1)).map(|r| r.document.as_bytes()).collect();
    OsvDictionary::train(&samples)
}

thread_local! {
    static COMPRESSOR: std::cell::RefCell<zstd::zstd_safe::CCtx<'static>> =
        std::cell::RefCell::new(zstd::zstd_safe::CCtx::create());
}

/// A document as the store keeps it: one zstd frame with its size in the header, made with
/// `dictionary` (whose id the frame names) or without one.
pub fn compress_document(document: &str, dictionary: Option<&OsvDictionary>) -> Vec<u8> {
    let src = document.as_bytes();
    let mut out = Vec::with_capacity(zstd::zstd_safe::compress_bound(src.len()));
    let written = COMPRESSOR.with(|c| {
        let mut c = c.borrow_mut();
        match dictionary {
            Some(d) => c.compress_using_cdict(&mut out, src, &d.encoder),
            None => c.compress(&mut out, src, COMPRESSION_LEVEL),
        }
    });
    // zstd guarantees success into a buffer of `compress_bound` bytes.
    if let Err(code) = written {
        panic!("zstd could not compress within its bound: {}", zstd::zstd_safe::get_error_name(code));
    }
    out
}

/// Records arriving while an import's transaction is open, in the order they are to be
/// stored. An `Err` stops the import: nothing is stored, and the store answers
/// [`StoreError::Conflict`] with its message (the caller knows better what went wrong).
pub type ImportStream = Box<dyn Iterator<Item = Result<Vec<PreparedImport>, ImportStopped>> + Send>;

/// Why the source of an [`ImportStream`] stopped it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportStopped(pub String);

/// What a text search looks in: id, aliases, summary and package names, lower-cased (by Unicode
/// rules, which SQLite's `LIKE` and `lower` do not know), one per line.
pub fn search_text<'a>(
    id: &'a str,
    summary: Option<&'a str>,
    aliases: &'a [String],
    package_names: impl Iterator<Item = &'a str>,
) -> String {
    let mut parts: Vec<&str> = vec![id];
    parts.extend(aliases.iter().map(String::as_str));
    parts.extend(summary);
    parts.extend(package_names);
    parts.join("\n").to_lowercase()
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    /// Records whose id was not stored.
    pub added: u64,
    /// Records stored with another text, now replaced.
    pub updated: u64,
    /// Records stored with the same text.
    pub unchanged: u64,
}

/// What a list shows of an imported record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OsvSummary {
    pub id: String,
    pub modified: String,
    pub modified_at: Timestamp,
    pub published: Option<String>,
    pub withdrawn: Option<String>,
    pub summary: Option<String>,
    /// Aliases, sorted.
    pub aliases: Vec<String>,
    /// `(ecosystem, name)` of the affected packages, sorted.
    pub packages: Vec<(String, String)>,
    /// The severity computed at import.
    pub severity: Option<SeverityLevel>,
}

/// An imported record with its document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OsvAdvisory {
    pub summary: OsvSummary,
    /// The original JSON text.
    pub document: String,
    /// SHA-256 of `document`, lower-case hex.
    pub sha256: String,
    /// When this content was stored.
    pub imported_at: Timestamp,
    /// The `modified` of each revision after the first publication, oldest first, as far as
    /// imports saw them: empty until an import replaced the record (the document's own
    /// `published` and `modified` then tell whether it changed once).
    pub changes: Vec<Timestamp>,
}

/// Which imported records a list shows. Every filter given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OsvFilter {
    /// An affected package of this ecosystem; an ecosystem without release suffix (`Debian`)
    /// also matches its releases (`Debian:12`).
    pub ecosystem: Option<String>,
    /// An affected package of this name (with `ecosystem`: that package).
    pub package: Option<String>,
    /// `modified` at or after this instant.
    pub since: Option<Timestamp>,
    /// Text found, in any case, in the id, an alias, the summary or an affected package's
    /// name. Taken literally: `%` and `_` are no wildcards.
    pub text: Option<String>,
    /// One of these severities (none given: any severity, or none).
    pub severities: Vec<SeverityLevel>,
    /// `published` at or after this instant (a record without `published` is left out).
    pub published_since: Option<Timestamp>,
    /// `published` at or before this instant (a record without `published` is left out).
    pub published_until: Option<Timestamp>,
}

/// Where a page of a list ends: the last record shown. Lists are newest `modified` first,
/// then by id descending, so the next page is what comes strictly after this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OsvCursor {
    pub modified_at: Timestamp,
    pub id: String,
}
