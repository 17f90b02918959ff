//! SQL of imported OSV advisories: the import (one transaction, prepared statements, a digest
//! comparison per record) and the reads by id, alias, filter and package.

use accord_formats::osv::{self, SeverityLevel};
use jiff::Timestamp;
use std::sync::Arc;

use rusqlite::{Connection, OptionalExtension, Row, Transaction};
use serde_json::json;

use super::backend;
use accord_model::time::parse_timestamp;

use super::rows::text;
use super::write::audit;
use crate::StoreError;
use crate::advisories::{
    ImportCounts, ImportStopped, ImportStream, OsvAdvisory, OsvCursor, OsvDictionary, OsvFilter, OsvSummary,
    compress_document, search_text,
};

pub(super) fn import(
    conn: &mut Connection,
    actor: &str,
    records: ImportStream,
    at: Timestamp,
) -> Result<ImportCounts, StoreError> {
    let tx = conn.transaction().map_err(backend)?;
    let imported_at = text(at);
    let mut counts = ImportCounts::default();
    // The dictionaries this import made sure the store has.
    let mut dictionaries: Vec<u32> = Vec::new();
    {
        let prepare = |sql: &str| tx.prepare_cached(sql).map_err(backend);
        let mut stored_digest =
            prepare("SELECT sha256, modified_us, published_us FROM osv_advisories WHERE id = $1")?;
        let mut changes_so_far = prepare(
            "SELECT COALESCE(MAX(seq), 0), MAX(modified_us) FROM osv_advisory_changes WHERE id = $1",
        )?;
        let mut insert_change =
            prepare("INSERT INTO osv_advisory_changes (id, seq, modified_us) VALUES ($1, $2, $3)")?;
        let mut insert = prepare(
            "INSERT INTO osv_advisories
                 (id, modified, modified_us, published, withdrawn, summary, document, sha256, imported_at,
                  severity, published_us, search)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )?;
        let mut update = prepare(
            // `?N`, not `$N`: SQLite numbers `$N` parameters by first appearance.
            "UPDATE osv_advisories SET modified = ?2, modified_us = ?3, published = ?4, withdrawn = ?5,
                 summary = ?6, document = ?7, sha256 = ?8, imported_at = ?9, severity = ?10,
                 published_us = ?11, search = ?12
             WHERE id = ?1",
        )?;
        let mut delete_aliases = prepare("DELETE FROM osv_advisory_aliases WHERE id = $1")?;
        let mut delete_packages = prepare("DELETE FROM osv_advisory_packages WHERE id = $1")?;
        let mut insert_alias =
            prepare("INSERT OR IGNORE INTO osv_advisory_aliases (id, alias) VALUES ($1, $2)")?;
        let mut insert_package =
            prepare("INSERT OR IGNORE INTO osv_advisory_packages (ecosystem, name, id) VALUES ($1, $2, $3)")?;
        for batch in records {
            // Returning drops the transaction unfinished: it rolls back.
            let batch = batch.map_err(|ImportStopped(why)| StoreError::conflict(why))?;
            for prepared in &batch {
                let (r, digest, search) = (prepared.record(), prepared.digest(), prepared.search());
                if r.id.is_empty() || r.document.is_empty() {
                    return Err(StoreError::conflict("an OSV record needs an id and a document"));
                }
                if let Some(d) = prepared.dictionary()
                    && !dictionaries.contains(&d.id())
                {
                    store_dictionary(&tx, d, &imported_at)?;
                    dictionaries.push(d.id());
                }
                let stored: Option<(Vec<u8>, i64, Option<i64>)> = stored_digest
                    .query_row([&r.id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
                    .optional()
                    .map_err(backend)?;
                let values = rusqlite::params![
                    r.id,
                    r.modified,
                    r.modified_at.as_microsecond(),
                    r.published,
                    r.withdrawn,
                    r.summary,
                    prepared.compressed(),
                    digest.as_slice(),
                    imported_at,
                    r.severity.map(SeverityLevel::as_str),
                    r.published_at.map(|t| t.as_microsecond()),
                    search,
                ];
                match stored {
                    Some((d, _, _)) if d == digest => {
                        counts.unchanged += 1;
                        continue;
                    }
                    Some((_, old_modified, old_published)) => {
                        // The replaced revision is kept as a date: first the one the replaced
                        // document stood for (when it was a change), then the new one.
                        let (mut seq, last): (i64, Option<i64>) = changes_so_far
                            .query_row([&r.id], |row| Ok((row.get(0)?, row.get(1)?)))
                            .map_err(backend)?;
                        let mut last = last;
                        if seq == 0 && old_published.is_some_and(|p| p != old_modified) {
                            seq = 1;
                            insert_change.execute((&r.id, seq, old_modified)).map_err(backend)?;
                            last = Some(old_modified);
                        }
                        let new_modified = r.modified_at.as_microsecond();
                        insert_change
                            .execute((&r.id, seq + 1, last.map_or(new_modified, |l| l.max(new_modified))))
                            .map_err(backend)?;
                        update.execute(values).map_err(backend)?;
                        delete_aliases.execute([&r.id]).map_err(backend)?;
                        delete_packages.execute([&r.id]).map_err(backend)?;
                        counts.updated += 1;
                    }
                    None => {
                        insert.execute(values).map_err(backend)?;
                        counts.added += 1;
                    }
                }
                for alias in &r.aliases {
                    insert_alias.execute((&r.id, alias)).map_err(backend)?;
                }
                for (ecosystem, name) in &r.packages {
                    insert_package.execute((ecosystem, name, &r.id)).map_err(backend)?;
                }
            }
        }
    }
    if counts.added + counts.updated > 0 {
        let detail =
            json!({ "added": counts.added, "updated": counts.updated, "unchanged": counts.unchanged });
        audit(&tx, actor, at, "advisories.osv_imported", "osv", detail)?;
        tx.prepare_cached("UPDATE osv_generation SET generation = generation + 1 WHERE id = 1")
            .and_then(|mut s| s.execute([]))
            .map_err(backend)?;
    }
    tx.commit().map_err(backend)?;
    Ok(counts)
}

/// The `LIKE` pattern of a literal text, found anywhere in a lower-cased search text.
fn like_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// Migration 18's step: the severity, `published` instant and search text of the records
/// stored before it.
pub(super) fn fill_severity_and_search(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let rows: Vec<(String, Option<String>, Option<String>, String)> = tx
        .prepare("SELECT id, summary, published, document FROM osv_advisories")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut aliases = tx.prepare("SELECT alias FROM osv_advisory_aliases WHERE id = $1 ORDER BY alias")?;
    let mut names =
        tx.prepare("SELECT DISTINCT name FROM osv_advisory_packages WHERE id = $1 ORDER BY name")?;
    let mut update =
        tx.prepare("UPDATE osv_advisories SET severity = ?2, published_us = ?3, search = ?4 WHERE id = ?1")?;
    for (id, summary, published, document) in rows {
        // Every stored document passed the import's checks; one that no longer reads has no
        // severity rather than stopping the upgrade.
        let severity =
            serde_json::from_str::<osv::Record>(&document).ok().as_ref().and_then(osv::record_severity);
        let published_us =
            published.as_deref().and_then(|p| p.parse::<Timestamp>().ok()).map(|t| t.as_microsecond());
        let alias_list: Vec<String> =
            aliases.query_map([&id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        let name_list: Vec<String> =
            names.query_map([&id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        let search = search_text(&id, summary.as_deref(), &alias_list, name_list.iter().map(String::as_str));
        update.execute(rusqlite::params![id, severity.map(SeverityLevel::as_str), published_us, search])?;
    }
    Ok(())
}

fn severity_column(row: &Row<'_>, index: usize) -> rusqlite::Result<Option<SeverityLevel>> {
    let text: Option<String> = row.get(index)?;
    text.map(|t| {
        t.parse::<SeverityLevel>().map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(e))
        })
    })
    .transpose()
}

fn summary_row(row: &Row<'_>) -> rusqlite::Result<OsvSummary> {
    let micros: i64 = row.get(2)?;
    Ok(OsvSummary {
        id: row.get(0)?,
        modified: row.get(1)?,
        modified_at: Timestamp::from_microsecond(micros).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Integer, Box::new(e))
        })?,
        published: row.get(3)?,
        withdrawn: row.get(4)?,
        summary: row.get(5)?,
        aliases: Vec::new(),
        packages: Vec::new(),
        severity: severity_column(row, 6)?,
    })
}

/// Fills in the aliases and packages of summaries.
fn with_lists(c: &Connection, mut list: Vec<OsvSummary>) -> Result<Vec<OsvSummary>, StoreError> {
    let mut aliases = c
        .prepare_cached("SELECT alias FROM osv_advisory_aliases WHERE id = $1 ORDER BY alias")
        .map_err(backend)?;
    let mut packages = c
        .prepare_cached(
            "SELECT ecosystem, name FROM osv_advisory_packages WHERE id = $1 ORDER BY ecosystem, name",
        )
        .map_err(backend)?;
    for s in &mut list {
        s.aliases = aliases.query_map([&s.id], |r| r.get(0)).and_then(Iterator::collect).map_err(backend)?;
        s.packages = packages
            .query_map([&s.id], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(Iterator::collect)
            .map_err(backend)?;
    }
    Ok(list)
}

pub(super) fn advisory(
    c: &Connection,
    documents: &Documents,
    id_or_alias: &str,
) -> Result<Option<OsvAdvisory>, StoreError> {
    let row = c
        .prepare_cached(
            "SELECT a.id, a.modified, a.modified_us, a.published, a.withdrawn, a.summary, a.severity,
                    a.document, a.sha256, a.imported_at
             FROM osv_advisories a
             WHERE a.id = coalesce(
                 (SELECT id FROM osv_advisories WHERE id = $1),
                 (SELECT id FROM osv_advisory_aliases WHERE alias = $1 ORDER BY id LIMIT 1))",
        )
        .and_then(|mut s| {
            s.query_row([id_or_alias], |r| {
                let digest: Vec<u8> = r.get(8)?;
                let imported_at: String = r.get(9)?;
                Ok((summary_row(r)?, r.get::<_, Vec<u8>>(7)?, digest, imported_at))
            })
            .optional()
        })
        .map_err(backend)?;
    let Some((summary, document, digest, imported_at)) = row else { return Ok(None) };
    let document = documents.text(c, &document)?;
    let changes = c
        .prepare_cached("SELECT modified_us FROM osv_advisory_changes WHERE id = $1 ORDER BY seq")
        .and_then(|mut s| s.query_map([&summary.id], |r| r.get::<_, i64>(0))?.collect::<Result<Vec<_>, _>>())
        .map_err(backend)?
        .into_iter()
        .map(|us| Timestamp::from_microsecond(us).map_err(|e| StoreError::Backend(e.to_string())))
        .collect::<Result<Vec<_>, _>>()?;
    let mut summary = with_lists(c, vec![summary])?;
    Ok(Some(OsvAdvisory {
        summary: summary.remove(0),
        changes,
        document,
        sha256: digest.iter().map(|b| format!("{b:02x}")).collect(),
        imported_at: parse_timestamp(&imported_at).map_err(|e| StoreError::Backend(e.to_string()))?,
    }))
}

/// The conditions of a list besides packages (`?3` to `?15`, the same in both statements).
macro_rules! list_conditions {
    () => {
        "a.modified_us >= ?3 AND (a.modified_us < ?4 OR (a.modified_us = ?4 AND a.id < ?5))
           AND (?7 IS NULL OR a.search LIKE ?7 ESCAPE '\\')
           AND (?8 IS NULL OR a.published_us >= ?8)
           AND (?9 IS NULL OR a.published_us <= ?9)
           AND (?10 = 0 OR a.severity IN (?11, ?12, ?13, ?14, ?15))
         ORDER BY a.modified_us DESC, a.id DESC LIMIT ?6"
    };
}

pub(super) fn advisories(
    c: &Connection,
    filter: &OsvFilter,
    after: Option<&OsvCursor>,
    limit: u32,
) -> Result<Vec<OsvSummary>, StoreError> {
    const ALL: &str = concat!(
        "SELECT a.id, a.modified, a.modified_us, a.published, a.withdrawn, a.summary, a.severity
         FROM osv_advisories a
         WHERE ?1 IS NULL AND ?2 IS NULL AND ", // (bound, so that both statements number alike)
        list_conditions!()
    );
    const BY_PACKAGE: &str = concat!(
        "SELECT a.id, a.modified, a.modified_us, a.published, a.withdrawn, a.summary, a.severity
         FROM osv_advisories a
         WHERE a.id IN (
             SELECT p.id FROM osv_advisory_packages p
             WHERE (?1 IS NULL OR p.ecosystem = ?1 OR (p.ecosystem > ?1 || ':' AND p.ecosystem < ?1 || ';'))
               AND (?2 IS NULL OR p.name = ?2))
           AND ",
        list_conditions!()
    );
    let since = filter.since.map_or(i64::MIN, |t| t.as_microsecond());
    let (before_us, before_id) =
        after.map_or((i64::MAX, String::new()), |a| (a.modified_at.as_microsecond(), a.id.clone()));
    let mut levels = filter.severities.clone();
    levels.sort_unstable();
    levels.dedup();
    let mut severities = [None::<&str>; 5];
    for (slot, level) in severities.iter_mut().zip(&levels) {
        *slot = Some(level.as_str());
    }
    let any_severity = i64::from(!filter.severities.is_empty());
    let sql = if filter.ecosystem.is_none() && filter.package.is_none() { ALL } else { BY_PACKAGE };
    let list = c
        .prepare_cached(sql)
        .and_then(|mut s| {
            s.query_map(
                rusqlite::params![
                    filter.ecosystem,
                    filter.package,
                    since,
                    before_us,
                    before_id,
                    limit,
                    filter.text.as_deref().map(like_pattern),
                    filter.published_since.map(|t| t.as_microsecond()),
                    filter.published_until.map(|t| t.as_microsecond()),
                    any_severity,
                    severities[0],
                    severities[1],
                    severities[2],
                    severities[3],
                    severities[4],
                ],
                summary_row,
            )?
            .collect()
        })
        .map_err(backend)?;
    with_lists(c, list)
}

pub(super) fn by_package(
    c: &Connection,
    documents: &Documents,
    ecosystem: &str,
    name: &str,
) -> Result<Vec<(String, String)>, StoreError> {
    let rows: Vec<(String, Vec<u8>)> = c
        .prepare_cached(
            "SELECT a.id, a.document FROM osv_advisories a
             WHERE a.id IN (
                 SELECT p.id FROM osv_advisory_packages p WHERE p.ecosystem = $1 AND p.name = $2
                 UNION
                 SELECT p.id FROM osv_advisory_packages p
                 WHERE p.ecosystem > $1 || ':' AND p.ecosystem < $1 || ';' AND p.name = $2)
             ORDER BY a.id",
        )
        .and_then(|mut s| s.query_map((ecosystem, name), |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .map_err(backend)?;
    documents.texts(c, rows)
}

/// The `(id, document)` of imported records with ids after `after`, by id, at most `limit`.
pub(super) fn documents_after(
    c: &Connection,
    documents: &Documents,
    after: &str,
    limit: u32,
) -> Result<Vec<(String, String)>, StoreError> {
    let rows: Vec<(String, Vec<u8>)> = c
        .prepare_cached("SELECT id, document FROM osv_advisories WHERE id > $1 ORDER BY id LIMIT $2")
        .and_then(|mut s| s.query_map((after, limit), |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .map_err(backend)?;
    documents.texts(c, rows)
}

pub(super) fn published(c: &Connection) -> Result<Vec<(String, String)>, StoreError> {
    c.prepare_cached("SELECT id, document FROM advisories ORDER BY published_at DESC, id DESC")
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .map_err(backend)
}

/// Stores the dictionary an import compressed its documents with, unless the store has it.
/// Two dictionaries with one id (zstd's ids are random 32-bit numbers) cannot both be kept:
/// the import is refused rather than mislabelling documents.
fn store_dictionary(tx: &Transaction<'_>, d: &OsvDictionary, at: &str) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO osv_dictionaries (dict_id, dictionary, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (dict_id) DO NOTHING",
    )
    .and_then(|mut s| s.execute((d.id(), d.bytes(), at)))
    .map_err(backend)?;
    let stored: Vec<u8> = tx
        .prepare_cached("SELECT dictionary FROM osv_dictionaries WHERE dict_id = $1")
        .and_then(|mut s| s.query_row([d.id()], |r| r.get(0)))
        .map_err(backend)?;
    if stored != d.bytes() {
        return Err(StoreError::conflict(format!(
            "the store has another compression dictionary with the id {}; import again",
            d.id()
        )));
    }
    Ok(())
}

/// The newest dictionary.
pub(super) fn latest_dictionary(c: &Connection) -> Result<Option<OsvDictionary>, StoreError> {
    let bytes: Option<Vec<u8>> = c
        .prepare_cached("SELECT dictionary FROM osv_dictionaries ORDER BY seq DESC LIMIT 1")
        .and_then(|mut s| s.query_row([], |r| r.get(0)).optional())
        .map_err(backend)?;
    match bytes {
        None => Ok(None),
        Some(b) => OsvDictionary::from_bytes(b)
            .map(Some)
            .ok_or_else(|| StoreError::Backend("a stored OSV dictionary is not a zstd dictionary".into())),
    }
}

/// Largest document a stored frame may claim to hold (the import reads no larger files).
const DOCUMENT_MAX: u64 = 256 << 20;

/// Turns stored documents (zstd frames) back into their text. The decoding dictionaries of a
/// store are read once and kept: a dictionary row never changes (the table is append-only and
/// its ids unique), and a reader only sees committed rows.
#[derive(Default)]
pub(super) struct Documents {
    dictionaries: std::sync::RwLock<std::collections::HashMap<u32, Arc<zstd::zstd_safe::DDict<'static>>>>,
}

thread_local! {
    static DECOMPRESSOR: std::cell::RefCell<zstd::zstd_safe::DCtx<'static>> =
        std::cell::RefCell::new(zstd::zstd_safe::DCtx::create());
}

impl Documents {
    fn dictionary(
        &self,
        c: &Connection,
        id: u32,
    ) -> Result<Arc<zstd::zstd_safe::DDict<'static>>, StoreError> {
        if let Some(d) = self.dictionaries.read().unwrap_or_else(|p| p.into_inner()).get(&id) {
            return Ok(d.clone());
        }
        let bytes: Vec<u8> = c
            .prepare_cached("SELECT dictionary FROM osv_dictionaries WHERE dict_id = $1")
            .and_then(|mut s| s.query_row([id], |r| r.get(0)).optional())
            .map_err(backend)?
            .ok_or_else(|| {
                StoreError::Backend(format!("a stored OSV document needs the missing dictionary {id}"))
            })?;
        let d =
            Arc::new(zstd::zstd_safe::DDict::try_create(&bytes).ok_or_else(|| {
                StoreError::Backend(format!("the stored OSV dictionary {id} does not load"))
            })?);
        self.dictionaries.write().unwrap_or_else(|p| p.into_inner()).insert(id, d.clone());
        Ok(d)
    }

    /// The text of one stored document.
    pub(super) fn text(&self, c: &Connection, frame: &[u8]) -> Result<String, StoreError> {
        let broken =
            |why: &str| StoreError::Backend(format!("a stored OSV document does not decompress: {why}"));
        let size = match zstd::zstd_safe::get_frame_content_size(frame) {
            Ok(Some(n)) if n <= DOCUMENT_MAX => n as usize,
            Ok(Some(_)) => return Err(broken("it claims to be larger than any import")),
            Ok(None) | Err(_) => return Err(broken("no zstd frame with its size")),
        };
        let dictionary = match zstd::zstd_safe::get_dict_id_from_frame(frame) {
            Some(id) => Some(self.dictionary(c, id.get())?),
            None => None,
        };
        let mut out: Vec<u8> = Vec::with_capacity(size);
        DECOMPRESSOR
            .with(|d| {
                let mut d = d.borrow_mut();
                match &dictionary {
                    Some(dict) => d.decompress_using_ddict(&mut out, frame, dict),
                    None => d.decompress(&mut out, frame),
                }
            })
            .map_err(|code| broken(zstd::zstd_safe::get_error_name(code)))?;
        String::from_utf8(out).map_err(|_| broken("not UTF-8"))
    }

    /// The texts of `(id, stored document)` rows.
    pub(super) fn texts(
        &self,
        c: &Connection,
        rows: Vec<(String, Vec<u8>)>,
    ) -> Result<Vec<(String, String)>, StoreError> {
        rows.into_iter().map(|(id, frame)| Ok((id, self.text(c, &frame)?))).collect()
    }
}

/// Migration 22's step: every stored document compressed into the rebuilt table, with a
/// dictionary trained on them when there are enough.
pub(super) fn compress_documents(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let count: i64 = tx.query_row("SELECT COUNT(*) FROM osv_advisories", [], |r| r.get(0))?;
    let dictionary = if count as usize >= crate::advisories::DICTIONARY_MIN_RECORDS {
        let step = (count as usize / crate::advisories::DICTIONARY_SAMPLES).max(1) as i64;
        let samples: Vec<String> = tx
            .prepare("SELECT document FROM osv_advisories WHERE rowid % $1 = 0 LIMIT $2")?
            .query_map((step, crate::advisories::DICTIONARY_SAMPLES as i64), |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        OsvDictionary::train(&samples)
    } else {
        None
    };
    if let Some(d) = &dictionary {
        tx.execute(
            "INSERT INTO osv_dictionaries (dict_id, dictionary, created_at)
             VALUES ($1, $2, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
            (d.id(), d.bytes()),
        )?;
    }
    {
        let mut read = tx.prepare(
            "SELECT rowid, id, modified, modified_us, published, withdrawn, summary, document, sha256,
                    imported_at, severity, published_us, search
             FROM osv_advisories ORDER BY rowid",
        )?;
        let mut write = tx.prepare(
            "INSERT INTO osv_advisories_compressed (rowid, id, modified, modified_us, published, withdrawn,
                 summary, document, sha256, imported_at, severity, published_us, search)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )?;
        let mut rows = read.query([])?;
        while let Some(r) = rows.next()? {
            let document: String = r.get(7)?;
            let frame = compress_document(&document, dictionary.as_ref());
            write.execute(rusqlite::params![
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<String>>(6)?,
                frame,
                r.get::<_, Vec<u8>>(8)?,
                r.get::<_, String>(9)?,
                r.get::<_, Option<String>>(10)?,
                r.get::<_, Option<i64>>(11)?,
                r.get::<_, String>(12)?,
            ])?;
        }
    }
    tx.execute_batch(
        "DROP TABLE osv_advisories;
         ALTER TABLE osv_advisories_compressed RENAME TO osv_advisories;
         CREATE INDEX osv_advisories_by_modified ON osv_advisories (modified_us, id);",
    )
}
