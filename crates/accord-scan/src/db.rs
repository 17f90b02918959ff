//! The advisory database: OSV records compiled into one compact byte string that `accord db
//! import` writes to a file and `accord scan` loads.
//!
//! Layout (all integers little-endian `u32`): a header (`ACCORDDB`, the format version, the
//! number of advisories, of packages and of imported records, the offset of the directory),
//! the advisories (id, aliases, summary, severity, informational kind, modified), each
//! package's `affected` entries (ecosystem with its release, ranges, explicit versions), then
//! the directory: each advisory's offset, and for each package, sorted by key, the key's and
//! its entries' offsets and lengths. The key is the ecosystem family, a NUL and the name as
//! the ecosystem compares it (PEP 503 for PyPI).
//!
//! Loading reads the header and checks the directory's bounds only: nothing is decoded until a
//! scan asks for a package (binary search in the directory) or an advisory, so opening a
//! database of any size takes the time of reading the file. Every read is bounds-checked.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use accord_formats::osv::{self, Record};
use accord_version::{Event, Range, RangeKind};

use crate::codec::{Reader, Writer};

/// The first bytes of a database file.
pub const MAGIC: &[u8; 8] = b"ACCORDDB";
/// The version of the layout written; another version is refused (import again).
pub const FORMAT_VERSION: u32 = 1;
const HEADER: usize = 8 + 4 * 5;
const KEY_SLOT: usize = 16;

/// A database that cannot be written or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DbError {
    /// Not an Accord database.
    #[error("not an Accord advisory database (no ACCORDDB header)")]
    NotADatabase,
    /// Written by another version of Accord.
    #[error(
        "database format {found}, this accord reads format {FORMAT_VERSION}: import the advisories again"
    )]
    Format {
        /// The version in the file.
        found: u32,
    },
    /// Cut short or damaged.
    #[error("the database is damaged near byte {at}: import the advisories again")]
    Damaged {
        /// Where the reading failed.
        at: usize,
    },
    /// More than 4 GiB.
    #[error("the database would exceed 4 GiB")]
    TooLarge,
}

/// What the scanner reports about an advisory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advisory {
    /// The OSV id.
    pub id: String,
    /// Its aliases (CVE, GHSA …).
    pub aliases: Vec<String>,
    /// Its summary, if any.
    pub summary: Option<String>,
    /// `CRITICAL`, `HIGH`, `MEDIUM`, `LOW` or `NONE` (see `accord_formats::osv::record_severity`).
    pub severity: Option<String>,
    /// For an informational advisory (RustSec `informational`): `unmaintained`, `unsound`,
    /// `notice` … These are warnings, not vulnerabilities.
    pub informational: Option<String>,
    /// When the record was last modified, as it writes it.
    pub modified: String,
}

/// One `affected` entry as stored: what a scan evaluates.
#[derive(Debug, Clone)]
pub(crate) struct Entry<'a> {
    pub(crate) advisory: u32,
    /// the entry's ecosystem with its release suffix (`Debian:12`)
    pub(crate) ecosystem: &'a str,
    pub(crate) ranges: Vec<Range>,
    pub(crate) versions: Vec<&'a str>,
}

#[derive(Debug)]
struct OwnedEntry {
    advisory: u32,
    ecosystem: String,
    ranges: Vec<Range>,
    versions: Vec<String>,
}

/// The key of a package: its ecosystem family, NUL, its name as the ecosystem compares it.
pub(crate) fn package_key(ecosystem: &str, name: &str) -> String {
    let family = ecosystem.split_once(':').map_or(ecosystem, |(f, _)| f);
    let mut key = String::with_capacity(family.len() + 1 + name.len());
    key.push_str(family);
    key.push('\0');
    key.push_str(&accord_version::normalize_name(family, name));
    key
}

/// What [`DatabaseBuilder::add`] did with a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    /// Indexed.
    Indexed,
    /// Withdrawn: left out.
    Withdrawn,
    /// An id already added: left out.
    Duplicate,
}

/// Counts of a build.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BuildCounts {
    /// Records indexed.
    pub indexed: usize,
    /// Withdrawn records left out.
    pub withdrawn: usize,
    /// Records whose id was already added, left out.
    pub duplicates: usize,
    /// Affected entries indexed.
    pub entries: usize,
    /// Entries with a range version their ecosystem cannot read (only their `versions`
    /// list, and their other ranges, can match).
    pub unreadable_ranges: usize,
}

/// Collects records, then writes the database.
#[derive(Debug, Default)]
pub struct DatabaseBuilder {
    advisories: Vec<Advisory>,
    ids: HashSet<String>,
    packages: BTreeMap<String, Vec<OwnedEntry>>,
    counts: BuildCounts,
}

fn informational(record: &Record) -> Option<String> {
    let from = |m: &serde_json::Map<String, serde_json::Value>| {
        m.get("informational").and_then(|v| v.as_str()).filter(|s| !s.is_empty()).map(str::to_owned)
    };
    record
        .affected
        .iter()
        .find_map(|a| a.database_specific.as_ref().and_then(from))
        .or_else(|| record.database_specific.as_ref().and_then(from))
}

impl DatabaseBuilder {
    /// An empty database.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a record: every `affected` entry that names a package, unless it is withdrawn or
    /// its id was added before (the first one stays).
    pub fn add(&mut self, record: &Record) -> Added {
        if record.withdrawn.is_some() {
            self.counts.withdrawn += 1;
            return Added::Withdrawn;
        }
        if !self.ids.insert(record.id.to_string()) {
            self.counts.duplicates += 1;
            return Added::Duplicate;
        }
        let index = u32::try_from(self.advisories.len()).expect("fewer than 4 billion advisories");
        self.advisories.push(Advisory {
            id: record.id.to_string(),
            aliases: record.aliases.clone(),
            summary: record.summary.clone().filter(|s| !s.is_empty()),
            severity: osv::record_severity(record).map(|s| s.as_str().to_owned()),
            informational: informational(record),
            modified: record.modified.to_string(),
        });
        for affected in &record.affected {
            let Some(package) = &affected.package else { continue };
            let ranges = affected.version_ranges();
            if let Some(eco) = affected.ecosystem()
                && accord_version::Affected::compile(eco, &ranges, &affected.versions).is_err()
            {
                self.counts.unreadable_ranges += 1;
            }
            self.packages.entry(package_key(&package.ecosystem, &package.name)).or_default().push(
                OwnedEntry {
                    advisory: index,
                    ecosystem: package.ecosystem.clone(),
                    ranges,
                    versions: affected.versions.clone(),
                },
            );
            self.counts.entries += 1;
        }
        self.counts.indexed += 1;
        Added::Indexed
    }

    /// What was added so far.
    pub fn counts(&self) -> BuildCounts {
        self.counts
    }

    /// Writes the database.
    pub fn finish(self) -> Result<Database, DbError> {
        let mut w = Writer::default();
        w.bytes.extend_from_slice(MAGIC);
        w.u32(FORMAT_VERSION);
        w.len(self.advisories.len())?;
        w.len(self.packages.len())?;
        w.len(self.counts.indexed)?;
        w.u32(0); // the directory's offset, written below
        let mut advisory_at = Vec::with_capacity(self.advisories.len());
        for a in &self.advisories {
            advisory_at.push(w.position()?);
            w.str(&a.id)?;
            w.strs(&a.aliases)?;
            w.str(a.summary.as_deref().unwrap_or(""))?;
            w.str(a.severity.as_deref().unwrap_or(""))?;
            w.str(a.informational.as_deref().unwrap_or(""))?;
            w.str(&a.modified)?;
        }
        let mut slots = Vec::with_capacity(self.packages.len());
        for (key, entries) in &self.packages {
            let key_at = w.position()?;
            w.bytes.extend_from_slice(key.as_bytes());
            let blob_at = w.position()?;
            w.len(entries.len())?;
            for e in entries {
                w.u32(e.advisory);
                w.str(&e.ecosystem)?;
                w.len(e.ranges.len())?;
                for r in &e.ranges {
                    w.u8(match r.kind {
                        RangeKind::Semver => 0,
                        RangeKind::Ecosystem => 1,
                        RangeKind::Git => 2,
                    });
                    w.len(r.events.len())?;
                    for ev in &r.events {
                        let (tag, v) = match ev {
                            Event::Introduced(v) => (0, v),
                            Event::Fixed(v) => (1, v),
                            Event::LastAffected(v) => (2, v),
                            Event::Limit(v) => (3, v),
                        };
                        w.u8(tag);
                        w.str(v)?;
                    }
                }
                w.strs(&e.versions)?;
            }
            let end = w.position()?;
            slots.push((key_at, blob_at - key_at, blob_at, end - blob_at));
        }
        let dir = w.position()?;
        for at in advisory_at {
            w.u32(at);
        }
        for (key_at, key_len, blob_at, blob_len) in slots {
            w.u32(key_at);
            w.u32(key_len);
            w.u32(blob_at);
            w.u32(blob_len);
        }
        w.bytes[HEADER - 4..HEADER].copy_from_slice(&dir.to_le_bytes());
        Database::from_bytes(w.bytes)
    }
}

/// Where a database's bytes are: in memory, or a file mapped by the caller.
pub type Storage = Arc<dyn AsRef<[u8]> + Send + Sync>;

/// A database, read from its bytes on demand.
#[derive(Clone)]
pub struct Database {
    bytes: Storage,
    advisories: usize,
    packages: usize,
    records: usize,
    dir: usize,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("bytes", &self.data().len())
            .field("advisories", &self.advisories)
            .field("packages", &self.packages)
            .finish()
    }
}

impl Database {
    /// Opens a database's bytes: checks the header and that the directory lies in the file.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Database, DbError> {
        Database::from_storage(Arc::new(bytes))
    }

    /// [`Database::from_bytes`] for bytes held elsewhere (a memory-mapped file: only the pages a
    /// scan reads are ever loaded).
    pub fn from_storage(storage: Storage) -> Result<Database, DbError> {
        let bytes: &[u8] = (*storage).as_ref();
        if !bytes.starts_with(MAGIC) {
            return Err(DbError::NotADatabase);
        }
        let mut r = Reader::new(bytes, MAGIC.len());
        let version = r.u32()?;
        if version != FORMAT_VERSION {
            return Err(DbError::Format { found: version });
        }
        let advisories = r.u32()? as usize;
        let packages = r.u32()? as usize;
        let records = r.u32()? as usize;
        let dir = r.u32()? as usize;
        let end = advisories
            .checked_mul(4)
            .and_then(|a| packages.checked_mul(KEY_SLOT).and_then(|p| p.checked_add(a)))
            .and_then(|n| n.checked_add(dir));
        if dir < HEADER || end != Some(bytes.len()) {
            return Err(DbError::Damaged { at: HEADER - 4 });
        }
        Ok(Database { bytes: storage, advisories, packages, records, dir })
    }

    fn data(&self) -> &[u8] {
        (*self.bytes).as_ref()
    }

    /// The bytes to write to a file.
    pub fn to_bytes(&self) -> &[u8] {
        self.data()
    }

    /// How many advisories are indexed.
    pub fn advisory_count(&self) -> usize {
        self.advisories
    }

    /// How many packages have advisories.
    pub fn package_count(&self) -> usize {
        self.packages
    }

    /// How many records were indexed.
    pub fn record_count(&self) -> usize {
        self.records
    }

    fn u32_at(&self, at: usize) -> Result<usize, DbError> {
        Ok(Reader::new(self.data(), at).u32()? as usize)
    }

    /// The advisory numbered `index` (0 to [`advisory_count`](Self::advisory_count)).
    pub fn advisory(&self, index: u32) -> Result<Advisory, DbError> {
        if index as usize >= self.advisories {
            return Err(DbError::Damaged { at: self.dir });
        }
        let at = self.u32_at(self.dir + 4 * index as usize)?;
        let mut r = Reader::new(&self.data()[..self.dir], at);
        let id = r.str()?.to_owned();
        let aliases = r.strs()?.into_iter().map(str::to_owned).collect();
        let text = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        let summary = text(r.str()?);
        let severity = text(r.str()?);
        let informational = text(r.str()?);
        let modified = r.str()?.to_owned();
        Ok(Advisory { id, aliases, summary, severity, informational, modified })
    }

    fn key_slot(&self, i: usize) -> Result<(&[u8], usize, usize), DbError> {
        let slot = self.dir + 4 * self.advisories + KEY_SLOT * i;
        let mut r = Reader::new(self.data(), slot);
        let (key_at, key_len, blob_at, blob_len) =
            (r.u32()? as usize, r.u32()? as usize, r.u32()? as usize, r.u32()? as usize);
        let key =
            self.data()[..self.dir].get(key_at..key_at + key_len).ok_or(DbError::Damaged { at: slot })?;
        Ok((key, blob_at, blob_len))
    }

    /// The entries of a package key, in the order they were added; none for an unknown key.
    pub(crate) fn entries(&self, key: &str) -> Result<Vec<Entry<'_>>, DbError> {
        let (mut lo, mut hi) = (0, self.packages);
        let mut found = None;
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let (k, at, len) = self.key_slot(mid)?;
            match k.cmp(key.as_bytes()) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => {
                    found = Some((at, len));
                    break;
                }
            }
        }
        let Some((at, len)) = found else { return Ok(Vec::new()) };
        let blob = self.data()[..self.dir].get(..at + len).ok_or(DbError::Damaged { at })?;
        let mut r = Reader::new(blob, at);
        let n = r.count(12)?;
        let mut entries = Vec::with_capacity(n);
        for _ in 0..n {
            let advisory = r.u32()?;
            let ecosystem = r.str()?;
            let n_ranges = r.count(5)?;
            let mut ranges = Vec::with_capacity(n_ranges);
            for _ in 0..n_ranges {
                let at = at + len;
                let kind = match r.u8()? {
                    0 => RangeKind::Semver,
                    1 => RangeKind::Ecosystem,
                    2 => RangeKind::Git,
                    _ => return Err(DbError::Damaged { at }),
                };
                let n_events = r.count(5)?;
                let mut events = Vec::with_capacity(n_events);
                for _ in 0..n_events {
                    let tag = r.u8()?;
                    let v = r.str()?.to_owned();
                    events.push(match tag {
                        0 => Event::Introduced(v),
                        1 => Event::Fixed(v),
                        2 => Event::LastAffected(v),
                        3 => Event::Limit(v),
                        _ => return Err(DbError::Damaged { at }),
                    });
                }
                ranges.push(Range { kind, events });
            }
            let versions = r.strs()?;
            if advisory as usize >= self.advisories {
                return Err(DbError::Damaged { at });
            }
            entries.push(Entry { advisory, ecosystem, ranges, versions });
        }
        Ok(entries)
    }
}
