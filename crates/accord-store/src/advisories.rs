//! The records of imported OSV advisories (`Store::import_osv` and its reads).

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

/// A record made ready for the store by [`PreparedImport::new`]: its SHA-256 and its search
/// text are worked out where it was read (on the reader's threads), not in the writer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedImport {
    record: OsvImport,
    digest: [u8; 32],
    search: String,
}

impl PreparedImport {
    pub fn new(record: OsvImport) -> Self {
        use sha2::Digest as _;
        let digest: [u8; 32] = sha2::Sha256::digest(record.document.as_bytes()).into();
        let search = search_text(
            &record.id,
            record.summary.as_deref(),
            &record.aliases,
            record.packages.iter().map(|(_, n)| n.as_str()),
        );
        Self { record, digest, search }
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
}

/// Prepares records on every core, in order.
pub fn prepare_all(records: Vec<OsvImport>) -> Vec<PreparedImport> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    if workers < 2 || records.len() < 256 {
        return records.into_iter().map(PreparedImport::new).collect();
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
            .map(|part| scope.spawn(move || part.into_iter().map(PreparedImport::new).collect::<Vec<_>>()))
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))).collect()
    })
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
