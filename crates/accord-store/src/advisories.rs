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
