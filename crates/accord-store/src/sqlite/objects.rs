//! STIX object versions: adding, deleting, and finding an object's versions by key.
//!
//! An object's versions are found through `okey` (see migration 13): a lookup reads the keys
//! from `stix_object_keys` and `stix_object_keys_recent`, then checks the collection and the id
//! on each row, since two objects may share a key. New keys go to the small recent table; once
//! it holds a sixteenth of all versions (and at least [`MERGE_AT_LEAST`]), one sorted pass moves
//! them into the large one, so the writer rewrites each page of the large table once per merge
//! instead of once per version.

use accord_model::OrganizationId;
use rusqlite::{OptionalExtension, Transaction};
use sha2::{Digest, Sha256};

use super::backend;
use super::rows::text;
use crate::StoreError;

/// The recent keys are merged once there are this many, or a sixteenth of all versions stored.
pub(super) const MERGE_AT_LEAST: i64 = 32_768;

/// The lookup key of an object in a collection: the first 8 bytes of
/// SHA-256(collection id, 0x00, object id), big-endian, as a signed integer.
pub(super) fn object_key(collection: &str, object_id: &str) -> i64 {
    let mut h = Sha256::new();
    h.update(collection.as_bytes());
    h.update([0]);
    h.update(object_id.as_bytes());
    let digest = h.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(first)
}

/// The rows whose object has this key. (Queries name the other columns of such rows with a unary
/// `+`, so that SQLite reads these rows by `seq` rather than walking an index of the collection.)
macro_rules! seqs_by_key {
    () => {
        "SELECT seq FROM stix_object_keys WHERE okey = $1
         UNION ALL SELECT seq FROM stix_object_keys_recent WHERE okey = $1"
    };
}

/// An object's versions (`$1` its key, `$2` the collection, `$3` the object id).
const VERSIONS_OF: &str = concat!(
    "SELECT seq, spec_version, version, is_last, is_first, is_latest_spec FROM stix_objects
     WHERE seq IN (",
    seqs_by_key!(),
    ") AND +collection_id = $2 AND +object_id = $3"
);

/// One stored version of an object and its flags.
#[derive(Debug)]
struct VersionRow {
    /// `None` for the version being added
    seq: Option<i64>,
    spec_version: String,
    version: String,
    flags: Flags,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Flags {
    is_last: bool,
    is_first: bool,
    is_latest_spec: bool,
}

fn versions_of(
    tx: &Transaction<'_>,
    okey: i64,
    collection: &str,
    object_id: &str,
) -> Result<Vec<VersionRow>, StoreError> {
    let mut stmt = tx.prepare_cached(VERSIONS_OF).map_err(backend)?;
    let rows = stmt
        .query_map(rusqlite::params![okey, collection, object_id], |r| {
            Ok(VersionRow {
                seq: Some(r.get(0)?),
                spec_version: r.get(1)?,
                version: r.get(2)?,
                flags: Flags { is_last: r.get(3)?, is_first: r.get(4)?, is_latest_spec: r.get(5)? },
            })
        })
        .map_err(backend)?;
    rows.collect::<Result<_, _>>().map_err(backend)
}

/// The flags every version of one object should carry: `is_last` / `is_first` for the newest /
/// oldest `version` of its spec version, `is_latest_spec` for the newest spec version. (Text
/// order, as SQLite's MAX and MIN compare them.)
fn flags_of(rows: &[VersionRow]) -> Vec<Flags> {
    let latest_spec = rows.iter().map(|r| r.spec_version.as_str()).max();
    rows.iter()
        .map(|row| {
            let same_spec = rows.iter().filter(|o| o.spec_version == row.spec_version);
            let (newest, oldest) = same_spec
                .fold((row.version.as_str(), row.version.as_str()), |(n, o), r| {
                    (n.max(r.version.as_str()), o.min(r.version.as_str()))
                });
            Flags {
                is_last: row.version == newest,
                is_first: row.version == oldest,
                is_latest_spec: Some(row.spec_version.as_str()) == latest_spec,
            }
        })
        .collect()
}

/// Writes the flags of stored versions that changed.
fn update_flags(tx: &Transaction<'_>, rows: &[VersionRow], flags: &[Flags]) -> Result<(), StoreError> {
    for (row, want) in rows.iter().zip(flags) {
        let Some(seq) = row.seq else { continue };
        if row.flags != *want {
            tx.prepare_cached(
                "UPDATE stix_objects SET is_last = $1, is_first = $2, is_latest_spec = $3 WHERE seq = $4",
            )
            .and_then(|mut s| {
                s.execute(rusqlite::params![want.is_last, want.is_first, want.is_latest_spec, seq])
            })
            .map_err(backend)?;
        }
    }
    Ok(())
}

pub(super) fn add_objects(
    tx: &Transaction<'_>,
    collection: &str,
    producer_org: Option<OrganizationId>,
    producer_user: accord_model::UserId,
    versions: &[crate::NewObjectVersion],
    at: jiff::Timestamp,
) -> Result<usize, StoreError> {
    let latest: Option<Option<String>> = tx
        .prepare_cached(
            "SELECT (SELECT date_added FROM stix_objects WHERE collection_id = $1 ORDER BY seq DESC LIMIT 1)
             FROM collections WHERE id = $1",
        )
        .and_then(|mut s| s.query_row([collection], |r| r.get(0)).optional())
        .map_err(backend)?;
    let Some(latest) = latest else { return Err(StoreError::NotFound { what: "collection" }) };
    // Never earlier than what the collection already holds, so that date_added follows seq.
    let date_added = latest.filter(|l| *l > text(at)).unwrap_or_else(|| text(at));
    let (org, user) = (producer_org.map(|o| o.to_string()), producer_user.to_string());
    // Prepared once for the whole envelope (looking a statement up by its text costs a hash of
    // the text per use).
    let mut keyed_query =
        tx.prepare_cached(concat!("SELECT EXISTS (", seqs_by_key!(), ")")).map_err(backend)?;
    let mut insert_version = tx
        .prepare_cached(
            "INSERT INTO stix_objects (collection_id, object_id, object_type, spec_version, version,
                 version_text, date_added, tlp, producer_org, producer_user, raw, is_last, is_first,
                 is_latest_spec)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .map_err(backend)?;
    let mut insert_key = tx
        .prepare_cached("INSERT INTO stix_object_keys_recent (okey, seq) VALUES ($1, $2)")
        .map_err(backend)?;
    let mut stored = 0;
    for v in versions {
        let (key, written) = v.version.clone().unwrap_or_else(|| (date_added.clone(), date_added.clone()));
        let okey = object_key(collection, &v.object_id);
        // Most objects are new: when no row has the key, there are no versions to read.
        let keyed: bool = keyed_query.query_row([okey], |r| r.get(0)).map_err(backend)?;
        let mut rows = if keyed { versions_of(tx, okey, collection, &v.object_id)? } else { Vec::new() };
        if rows.iter().any(|r| r.spec_version == v.spec_version && r.version == key) {
            continue; // the same version again: already stored
        }
        rows.push(VersionRow {
            seq: None,
            spec_version: v.spec_version.clone(),
            version: key.clone(),
            flags: Flags::default(),
        });
        let flags = flags_of(&rows);
        let mine = flags[rows.len() - 1];
        insert_version
            .execute(rusqlite::params![
                collection,
                v.object_id,
                v.object_type,
                v.spec_version,
                key,
                written,
                date_added,
                v.tlp.as_str(),
                org,
                user,
                v.raw,
                mine.is_last,
                mine.is_first,
                mine.is_latest_spec,
            ])
            .map_err(backend)?;
        let seq = tx.last_insert_rowid();
        insert_key.execute(rusqlite::params![okey, seq]).map_err(backend)?;
        update_flags(tx, &rows, &flags)?;
        for target in &v.links {
            tx.prepare_cached(
                "INSERT INTO stix_object_links (target_id, seq) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )
            .and_then(|mut s| s.execute(rusqlite::params![target, seq]))
            .map_err(backend)?;
        }
        for organization in &v.recipients {
            tx.prepare_cached(
                "INSERT INTO stix_object_recipients (seq, organization_id) VALUES ($1, $2)
                 ON CONFLICT DO NOTHING",
            )
            .and_then(|mut s| s.execute(rusqlite::params![seq, organization.to_string()]))
            .map_err(backend)?;
        }
        stored += 1;
    }
    drop((keyed_query, insert_version, insert_key));
    if stored > 0 {
        merge_keys_when_due(tx, MERGE_AT_LEAST)?;
    }
    Ok(stored)
}

/// Merges the recent keys into the large table once there are `at_least` of them and a
/// sixteenth of all versions stored.
pub(super) fn merge_keys_when_due(tx: &Transaction<'_>, at_least: i64) -> Result<bool, StoreError> {
    let (recent, all): (i64, i64) = tx
        .prepare_cached(
            "SELECT (SELECT COALESCE(MAX(id), 0) FROM stix_object_keys_recent),
                    (SELECT COALESCE(MAX(seq), 0) FROM stix_objects)",
        )
        .and_then(|mut s| s.query_row([], |r| Ok((r.get(0)?, r.get(1)?))))
        .map_err(backend)?;
    if recent < at_least.max(all / 16) {
        return Ok(false);
    }
    tx.prepare_cached(
        "INSERT INTO stix_object_keys (okey, seq)
         SELECT okey, seq FROM stix_object_keys_recent ORDER BY okey, seq",
    )
    .and_then(|mut s| s.execute([]))
    .map_err(backend)?;
    tx.prepare_cached("DELETE FROM stix_object_keys_recent")
        .and_then(|mut s| s.execute([]))
        .map_err(backend)?;
    Ok(true)
}

pub(super) fn delete_objects(
    tx: &Transaction<'_>,
    collection: &str,
    object_id: &str,
    spec_versions: &[String],
    versions: &crate::VersionChoice,
    producer: &Option<(Option<OrganizationId>, accord_model::UserId)>,
) -> Result<usize, StoreError> {
    let list = |v: &[String]| serde_json::Value::from(v.to_vec()).to_string();
    let (limited, org, user) = match producer {
        Some((org, user)) => (true, org.map(|o| o.to_string()), Some(user.to_string())),
        None => (false, None, None),
    };
    let okey = object_key(collection, object_id);
    let sql = concat!(
        "DELETE FROM stix_objects
         WHERE seq IN (",
        seqs_by_key!(),
        ") AND +collection_id = $2 AND +object_id = $3
           AND ($4 = '[]' OR spec_version IN (SELECT value FROM json_each($4)))
           AND ($5 OR ($6 AND is_last) OR ($7 AND is_first)
                OR version IN (SELECT value FROM json_each($8)))
           AND (NOT $9 OR producer_org = $10 OR producer_user = $11)
         RETURNING seq"
    );
    let deleted: Vec<i64> = tx
        .prepare_cached(sql)
        .and_then(|mut s| {
            s.query_map(
                rusqlite::params![
                    okey,
                    collection,
                    object_id,
                    list(spec_versions),
                    versions.all,
                    versions.last,
                    versions.first,
                    list(&versions.at),
                    limited,
                    org,
                    user
                ],
                |r| r.get(0),
            )?
            .collect()
        })
        .map_err(backend)?;
    if deleted.is_empty() {
        return Err(StoreError::NotFound { what: "object" });
    }
    for seq in &deleted {
        for sql in [
            "DELETE FROM stix_object_keys WHERE okey = $1 AND seq = $2",
            "DELETE FROM stix_object_keys_recent WHERE okey = $1 AND seq = $2",
        ] {
            tx.prepare_cached(sql)
                .and_then(|mut s| s.execute(rusqlite::params![okey, seq]))
                .map_err(backend)?;
        }
    }
    let rows = versions_of(tx, okey, collection, object_id)?;
    update_flags(tx, &rows, &flags_of(&rows))?;
    Ok(deleted.len())
}

/// Migration 13's step: the keys of every stored version, in key order.
pub(super) fn fill_object_keys(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let mut keys: Vec<(i64, i64)> = tx
        .prepare("SELECT seq, collection_id, object_id FROM stix_objects")?
        .query_map([], |r| {
            let (seq, collection, object): (i64, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
            Ok((object_key(&collection, &object), seq))
        })?
        .collect::<Result<_, _>>()?;
    keys.sort_unstable();
    let mut insert = tx.prepare("INSERT INTO stix_object_keys (okey, seq) VALUES ($1, $2)")?;
    for (okey, seq) in keys {
        insert.execute([okey, seq])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_the_first_eight_bytes_of_the_digest() {
        // `printf 'c\0o' | sha256sum` starts 705b6757c484e07a
        assert_eq!(object_key("c", "o"), 0x705b_6757_c484_e07a);
        assert_ne!(object_key("c", "o"), object_key("co", ""), "the separator keeps the parts apart");
    }

    /// A store with one collection, and a connection to it with foreign keys off (so the test
    /// needs no organisations or users).
    fn store() -> (tempfile::TempDir, rusqlite::Connection) {
        let dir = tempfile::tempdir().unwrap();
        drop(super::super::SqliteStore::open(dir.path()).unwrap());
        let conn = rusqlite::Connection::open(dir.path().join(super::super::DATABASE_FILE)).unwrap();
        conn.execute_batch(
            "PRAGMA foreign_keys = OFF;
             INSERT INTO collections (id, api_root, title, description, default_tlp, public, created_at)
             VALUES ('col', 'root', 'c', '', 'clear', 0, '2026-01-01T00:00:00Z');",
        )
        .unwrap();
        (dir, conn)
    }

    fn version(id: &str, modified: &str) -> crate::NewObjectVersion {
        crate::NewObjectVersion {
            object_id: id.to_owned(),
            object_type: "indicator".to_owned(),
            spec_version: "2.1".to_owned(),
            version: Some((modified.to_owned(), modified.to_owned())),
            tlp: accord_stix::TlpLevel::Clear,
            recipients: vec![],
            links: vec![],
            raw: format!(r#"{{"id":"{id}","modified":"{modified}"}}"#),
        }
    }

    fn add(conn: &mut rusqlite::Connection, versions: &[crate::NewObjectVersion]) -> usize {
        let tx = conn.transaction().unwrap();
        let user: accord_model::UserId = "00000000-0000-4000-8000-000000000001".parse().unwrap();
        let n = add_objects(&tx, "col", None, user, versions, jiff::Timestamp::now()).unwrap();
        tx.commit().unwrap();
        n
    }

    /// (object_id, version, is_last, is_first) of every row, in seq order.
    fn rows(conn: &rusqlite::Connection) -> Vec<(String, String, bool, bool)> {
        let mut s = conn
            .prepare("SELECT object_id, version, is_last, is_first FROM stix_objects ORDER BY seq")
            .unwrap();
        s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    fn keys(conn: &rusqlite::Connection, table: &str) -> Vec<(i64, i64)> {
        let mut s = conn.prepare(&format!("SELECT okey, seq FROM {table} ORDER BY okey, seq")).unwrap();
        s.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
    }

    fn row(id: &str, version: &str, last: bool, first: bool) -> (String, String, bool, bool) {
        (id.to_owned(), version.to_owned(), last, first)
    }

    const T1: &str = "2026-01-01T00:00:00.000Z";
    const T2: &str = "2026-02-01T00:00:00.000Z";
    const T3: &str = "2026-03-01T00:00:00.000Z";

    #[test]
    fn two_objects_sharing_a_key_stay_apart() {
        let (_dir, mut conn) = store();
        assert_eq!(add(&mut conn, &[version("indicator--a", T2)]), 1);
        // Pretend that b's key is also a's: b's lookups now meet a's row.
        conn.execute(
            "INSERT INTO stix_object_keys (okey, seq) VALUES ($1, 1)",
            [object_key("col", "indicator--b")],
        )
        .unwrap();
        assert_eq!(add(&mut conn, &[version("indicator--b", T2)]), 1, "a's version is not b's");
        assert_eq!(add(&mut conn, &[version("indicator--b", T1)]), 1);
        assert_eq!(
            rows(&conn),
            [
                row("indicator--a", T2, true, true),
                row("indicator--b", T2, true, false),
                row("indicator--b", T1, false, true)
            ]
        );
        // …and the query by id finds only b's rows.
        let found: Vec<String> = conn
            .prepare(super::super::read::OBJECTS_BY_KEY_SQL)
            .unwrap()
            .query_map(
                rusqlite::params![
                    "col",
                    true,
                    None::<String>,
                    None::<String>,
                    None::<String>,
                    0,
                    r#"["indicator--b"]"#,
                    "[]",
                    "[]",
                    true,
                    false,
                    false,
                    "[]",
                    None::<String>,
                    100,
                    format!("[{}]", object_key("col", "indicator--b"))
                ],
                |r| r.get(1),
            )
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(found, ["indicator--b", "indicator--b"]);
    }

    #[test]
    fn merged_keys_still_find_versions_and_duplicates() {
        let (_dir, mut conn) = store();
        add(&mut conn, &[version("indicator--a", T1), version("indicator--b", T1)]);
        let recent = keys(&conn, "stix_object_keys_recent");
        assert_eq!(recent.len(), 2);
        let tx = conn.transaction().unwrap();
        assert!(!merge_keys_when_due(&tx, 3).unwrap(), "two keys are fewer than three");
        assert!(merge_keys_when_due(&tx, 2).unwrap());
        tx.commit().unwrap();
        assert_eq!(keys(&conn, "stix_object_keys"), recent);
        assert!(keys(&conn, "stix_object_keys_recent").is_empty());

        assert_eq!(add(&mut conn, &[version("indicator--a", T1)]), 0, "a duplicate of a merged version");
        assert_eq!(add(&mut conn, &[version("indicator--a", T3), version("indicator--a", T2)]), 2);
        assert_eq!(
            rows(&conn),
            [
                row("indicator--a", T1, false, true),
                row("indicator--b", T1, true, true),
                row("indicator--a", T3, true, false),
                row("indicator--a", T2, false, false),
            ]
        );
        // The next merge starts the recent ids from 1 again.
        let ids: Vec<i64> = conn
            .prepare("SELECT id FROM stix_object_keys_recent ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(ids, [1, 2]);
    }

    #[test]
    fn deleting_versions_removes_their_keys_and_fixes_the_flags() {
        let (_dir, mut conn) = store();
        add(&mut conn, &[version("indicator--a", T1), version("indicator--a", T2)]);
        let tx = conn.transaction().unwrap();
        assert!(merge_keys_when_due(&tx, 1).unwrap());
        tx.commit().unwrap();
        add(&mut conn, &[version("indicator--a", T3)]);
        let newest = crate::VersionChoice { all: false, last: true, first: false, at: vec![] };
        let tx = conn.transaction().unwrap();
        assert_eq!(delete_objects(&tx, "col", "indicator--a", &[], &newest, &None).unwrap(), 1);
        tx.commit().unwrap();
        assert_eq!(rows(&conn), [row("indicator--a", T1, false, true), row("indicator--a", T2, true, false)]);
        assert!(keys(&conn, "stix_object_keys_recent").is_empty(), "T3's key went with it");
        let oldest = crate::VersionChoice { all: false, last: false, first: true, at: vec![] };
        let tx = conn.transaction().unwrap();
        assert_eq!(delete_objects(&tx, "col", "indicator--a", &[], &oldest, &None).unwrap(), 1);
        tx.commit().unwrap();
        assert_eq!(rows(&conn), [row("indicator--a", T2, true, true)]);
        assert_eq!(keys(&conn, "stix_object_keys"), [(object_key("col", "indicator--a"), 2)]);
        let tx = conn.transaction().unwrap();
        assert!(matches!(
            delete_objects(&tx, "col", "indicator--z", &[], &oldest, &None),
            Err(StoreError::NotFound { what: "object" })
        ));
    }

    /// Reads by key go from the keys to the rows, never along the collection's index (which
    /// would read every row of the collection).
    #[test]
    fn reads_by_key_go_through_the_keys() {
        let (_dir, conn) = store();
        let plan = |sql: &str| -> String {
            let mut s = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
            let n = s.parameter_count();
            let rows: Vec<String> = s
                .query_map(rusqlite::params_from_iter(std::iter::repeat_n(None::<i64>, n)), |r| r.get(3))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            rows.join("\n")
        };
        for (name, sql) in
            [("versions_of", VERSIONS_OF), ("objects by id", super::super::read::OBJECTS_BY_KEY_SQL)]
        {
            let plan = plan(sql);
            assert!(plan.contains("SEARCH stix_objects USING INTEGER PRIMARY KEY"), "{name}:\n{plan}");
            assert!(!plan.contains("stix_objects_by_"), "{name}:\n{plan}");
        }
    }
}
