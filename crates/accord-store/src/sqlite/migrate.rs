//! A small migration runner: numbered SQL scripts embedded in the binary, each applied once and
//! recorded in `schema_migrations`; the scripts a store lacks are applied in one transaction.
//!
//! Every script not yet recorded is applied, in order, even one numbered below the newest
//! recorded: numbers are reserved by changes made in parallel, so a store may meet a lower number
//! after a higher one. A script must therefore not rely on the scripts of another change under
//! way. A store that recorded a script this binary does not know is refused.

use rusqlite::{Connection, OptionalExtension, Transaction};

use super::backend;
use crate::StoreError;

/// A step of a migration that SQL alone cannot do, run after its script in the same transaction.
type Finish = fn(&Transaction<'_>) -> rusqlite::Result<()>;

/// (version, name, SQL), in order. Never edit a released script: add a new one.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "registry", include_str!("../../migrations/sqlite/0001_registry.sql")),
    (2, "taxii_collections", include_str!("../../migrations/sqlite/0002_taxii_collections.sql")),
    (3, "stix_objects", include_str!("../../migrations/sqlite/0003_stix_objects.sql")),
    (4, "taxii_status", include_str!("../../migrations/sqlite/0004_taxii_status.sql")),
    (5, "object_sharing", include_str!("../../migrations/sqlite/0005_object_sharing.sql")),
    (6, "taxii_pull_points", include_str!("../../migrations/sqlite/0006_taxii_pull_points.sql")),
    (7, "cvd", include_str!("../../migrations/sqlite/0007_cvd.sql")),
    (8, "outbox", include_str!("../../migrations/sqlite/0008_outbox.sql")),
    (9, "stix_objects_by_date", include_str!("../../migrations/sqlite/0009_stix_objects_by_date.sql")),
    (10, "cvd_messages", include_str!("../../migrations/sqlite/0010_cvd_messages.sql")),
    (11, "cvd_attachments", include_str!("../../migrations/sqlite/0011_cvd_attachments.sql")),
    (12, "cvd_advisory_details", include_str!("../../migrations/sqlite/0012_cvd_advisory_details.sql")),
    (13, "stix_object_keys", include_str!("../../migrations/sqlite/0013_stix_object_keys.sql")),
    (
        14,
        "outbox_sealed_destination",
        include_str!("../../migrations/sqlite/0014_outbox_sealed_destination.sql"),
    ),
    (15, "osv_advisories", include_str!("../../migrations/sqlite/0015_osv_advisories.sql")),
    (16, "webhook_secret_sealed", include_str!("../../migrations/sqlite/0016_webhook_secret_sealed.sql")),
    (17, "osv_generation", include_str!("../../migrations/sqlite/0017_osv_generation.sql")),
    (18, "osv_severity_and_search", include_str!("../../migrations/sqlite/0018_osv_severity_and_search.sql")),
    (19, "transparency_log", include_str!("../../migrations/sqlite/0019_transparency_log.sql")),
    (20, "osv_advisory_changes", include_str!("../../migrations/sqlite/0020_osv_advisory_changes.sql")),
    (21, "log_cosignatures", include_str!("../../migrations/sqlite/0021_log_cosignatures.sql")),
    (
        22,
        "osv_documents_compressed",
        include_str!("../../migrations/sqlite/0022_osv_documents_compressed.sql"),
    ),
];

/// The Rust steps, by migration version.
const FINISHES: &[(i64, Finish)] = &[
    (13, super::objects::fill_object_keys),
    (18, super::advisories::fill_severity_and_search),
    (22, super::advisories::compress_documents),
];

pub(super) fn run(conn: &mut Connection) -> Result<(), StoreError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    INTEGER PRIMARY KEY,
             name       TEXT NOT NULL,
             applied_at TEXT NOT NULL
         ) STRICT;",
    )
    .map_err(backend)?;
    let applied: Vec<i64> = conn
        .prepare("SELECT version FROM schema_migrations ORDER BY version")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .map_err(backend)?;
    let newest = MIGRATIONS.last().map_or(0, |m| m.0);
    if let Some(unknown) = applied.iter().find(|v| !MIGRATIONS.iter().any(|m| m.0 == **v)) {
        return Err(StoreError::Backend(format!(
            "the store's schema has migration {unknown}, which this accord binary does not know \
             (it knows up to {newest}); upgrade accord"
        )));
    }
    let pending: Vec<_> = MIGRATIONS.iter().filter(|m| !applied.contains(&m.0)).collect();
    if pending.is_empty() {
        return Ok(());
    }
    // Foreign keys are off while scripts run, so that a script may rebuild a table (SQLite's
    // way to change a constraint) without the drop cascading; each script is then checked for
    // dangling references before it commits.
    conn.execute_batch("PRAGMA foreign_keys = OFF").map_err(backend)?;
    let outcome = apply(conn, &pending);
    conn.execute_batch("PRAGMA foreign_keys = ON").map_err(backend)?;
    outcome
}

fn apply(conn: &mut Connection, pending: &[&(i64, &str, &str)]) -> Result<(), StoreError> {
    // One transaction for all of them: a store is never left between two versions of the
    // schema (and a new store is made with one commit, not one per script).
    let tx = conn.transaction().map_err(backend)?;
    for (version, name, sql) in pending.iter().copied() {
        let failed =
            |e: rusqlite::Error| StoreError::Backend(format!("migration {version} ({name}) failed: {e}"));
        tx.execute_batch(sql).map_err(failed)?;
        if let Some((_, finish)) = FINISHES.iter().find(|f| f.0 == *version) {
            finish(&tx).map_err(failed)?;
        }
        let dangling: Option<String> = tx
            .prepare("PRAGMA foreign_key_check")
            .and_then(|mut s| s.query_row([], |r| r.get(0)).optional())
            .map_err(failed)?;
        if let Some(table) = dangling {
            return Err(StoreError::Backend(format!(
                "migration {version} ({name}) failed: it leaves rows of {table} referring to missing rows"
            )));
        }
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at)
             VALUES ($1, $2, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
            (version, name),
        )
        .map_err(backend)?;
    }
    tx.commit().map_err(backend)?;
    for (version, name, _) in pending {
        tracing::info!(version, name, "applied store migration");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store in `dir` made by the migrations up to `version` (as an older binary left it),
    /// foreign keys on.
    fn store_at(dir: &std::path::Path, version: i64) -> Connection {
        let conn = Connection::open(dir.join("store.db")).unwrap();
        conn.execute_batch("PRAGMA foreign_keys = ON").unwrap();
        for (_, _, sql) in MIGRATIONS.iter().filter(|m| m.0 <= version) {
            conn.execute_batch(sql).unwrap();
        }
        conn.execute_batch(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
                 applied_at TEXT NOT NULL) STRICT;",
        )
        .unwrap();
        conn.execute(
            "WITH RECURSIVE n (v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < $1)
             INSERT INTO schema_migrations SELECT v, 'old', 'then' FROM n",
            [version],
        )
        .unwrap();
        conn
    }

    /// A store made by migrations 1 to 12 with objects in it: migration 13 keeps every row, its
    /// recipients and links, the AUTOINCREMENT high-water mark, and finds each object by key.
    #[test]
    fn migration_13_keeps_the_objects_and_keys_them() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = store_at(dir.path(), 12);
        fill(&conn, "organizations", &[("id", "org")]);
        fill(&conn, "users", &[("id", "user")]);
        fill(&conn, "api_roots", &[("name", "root")]);
        fill(&conn, "collections", &[("id", "col"), ("api_root", "root")]);
        for (seq, object) in [(1, "indicator--a"), (2, "relationship--r"), (3, "indicator--gone")] {
            conn.execute(
                "INSERT INTO stix_objects (seq, collection_id, object_id, object_type, spec_version,
                     version, version_text, date_added, tlp, producer_org, producer_user, is_last,
                     is_first, is_latest_spec, raw)
                 VALUES ($1, 'col', $2, 'x', '2.1', 'v', 'v', 'd', 'amber', 'org', 'user', 1, 1, 1, '{}')",
                rusqlite::params![seq, object],
            )
            .unwrap();
        }
        conn.execute_batch(
            "INSERT INTO stix_object_recipients (seq, organization_id) VALUES (1, 'org');
             INSERT INTO stix_object_links (target_id, seq) VALUES ('indicator--a', 2);
             DELETE FROM stix_objects WHERE seq = 3;",
        )
        .unwrap();

        run(&mut conn).unwrap();

        let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
        assert_eq!(count("SELECT COUNT(*) FROM stix_objects"), 2);
        assert_eq!(count("SELECT COUNT(*) FROM stix_object_recipients WHERE seq = 1"), 1);
        assert_eq!(count("SELECT COUNT(*) FROM stix_object_links WHERE seq = 2"), 1);
        assert_eq!(
            count("SELECT seq FROM sqlite_sequence WHERE name = 'stix_objects'"),
            3,
            "seq 3 is never reused"
        );
        assert_eq!(count("SELECT COUNT(*) FROM sqlite_sequence WHERE name LIKE '%rebuilt%'"), 0);
        let keys: Vec<(i64, i64)> = conn
            .prepare("SELECT okey, seq FROM stix_object_keys ORDER BY seq")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        use super::super::objects::object_key;
        assert_eq!(keys, [(object_key("col", "indicator--a"), 1), (object_key("col", "relationship--r"), 2)]);
        // no unique index is left on the table, and foreign keys are on again
        assert_eq!(count("SELECT COUNT(*) FROM pragma_index_list('stix_objects') WHERE \"unique\""), 0);
        assert_eq!(count("PRAGMA foreign_keys"), 1);
        // deleting an object still takes its recipients and links with it
        conn.execute("DELETE FROM stix_objects WHERE seq = 1", []).unwrap();
        assert_eq!(count("SELECT COUNT(*) FROM stix_object_recipients"), 0);
    }

    /// A store made by migrations 1 to 17 with OSV records in it: migration 18 gives each its
    /// severity (from its document), its `published` instant and its search text.
    #[test]
    fn migration_18_fills_severity_publication_and_search() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = store_at(dir.path(), 17);
        let scored = r#"{"id":"GHSA-1","modified":"2024-01-01T00:00:00Z","severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"}]}"#;
        let rated = r#"{"id":"GHSA-2","modified":"2024-01-01T00:00:00Z","database_specific":{"severity":"MODERATE"}}"#;
        let plain = r#"{"id":"GHSA-3","modified":"2024-01-01T00:00:00Z"}"#;
        for (id, published, summary, document) in [
            ("GHSA-1", Some("2024-01-02T03:04:05.5Z"), Some("Ünicode Summary"), scored),
            ("GHSA-2", None, None, rated),
            ("GHSA-3", Some("2023-12-31T00:00:00Z"), Some("plain"), plain),
        ] {
            conn.execute(
                "INSERT INTO osv_advisories (id, modified, modified_us, published, summary, document,
                     sha256, imported_at)
                 VALUES ($1, '2024-01-01T00:00:00Z', 0, $2, $3, $4, x'00', 'then')",
                rusqlite::params![id, published, summary, document],
            )
            .unwrap();
        }
        conn.execute_batch(
            "INSERT INTO osv_advisory_aliases (id, alias) VALUES ('GHSA-1', 'CVE-2024-0001');
             INSERT INTO osv_advisory_packages (ecosystem, name, id) VALUES
                 ('npm', 'Left-Pad', 'GHSA-1'), ('Debian:11', 'zlib', 'GHSA-1'), ('Debian:12', 'zlib', 'GHSA-1');",
        )
        .unwrap();

        run(&mut conn).unwrap();

        let rows: Vec<(String, Option<String>, Option<i64>, String)> = conn
            .prepare("SELECT id, severity, published_us, search FROM osv_advisories ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let at = |t: &str| t.parse::<jiff::Timestamp>().unwrap().as_microsecond();
        assert_eq!(
            rows,
            [
                (
                    "GHSA-1".to_owned(),
                    Some("HIGH".to_owned()),
                    Some(at("2024-01-02T03:04:05.5Z")),
                    "ghsa-1\ncve-2024-0001\nünicode summary\nleft-pad\nzlib".to_owned()
                ),
                ("GHSA-2".to_owned(), Some("MEDIUM".to_owned()), None, "ghsa-2".to_owned()),
                ("GHSA-3".to_owned(), None, Some(at("2023-12-31T00:00:00Z")), "ghsa-3\nplain".to_owned()),
            ]
        );
    }

    /// The scripts a store lacks are applied together: one that fails leaves none applied, and
    /// the error names it.
    #[test]
    fn a_failing_script_leaves_the_store_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = Connection::open(dir.path().join("store.db")).unwrap();
        // in the way of migration 22's table
        conn.execute_batch("CREATE TABLE osv_dictionaries (x INTEGER)").unwrap();
        let error = run(&mut conn).unwrap_err().to_string();
        assert!(error.contains("migration 22 (osv_documents_compressed) failed"), "{error}");
        let recorded: i64 =
            conn.query_row("SELECT COUNT(*) FROM schema_migrations", [], |r| r.get(0)).unwrap();
        assert_eq!(recorded, 0);
        let tables: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM sqlite_schema WHERE name IN ('organizations', 'osv_advisories')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tables, 0, "the scripts before the failing one were kept");
    }

    /// An OSV-like document that varies from one record to the next as real ones do.
    fn osv_text(i: usize) -> String {
        let words = ["buffer", "overflow", "in", "parser", "allows", "remote", "attackers", "to", "crash"];
        let summary: Vec<&str> = (0..6).map(|k| words[(i * 7 + k * 3) % words.len()]).collect();
        format!(
            r#"{{"schema_version":"1.6.0","id":"TEST-{i}","modified":"2024-01-{:02}T00:00:00Z","summary":"{} {i}","affected":[{{"package":{{"ecosystem":"PyPI","name":"pkg-{}"}},"ranges":[{{"type":"ECOSYSTEM","events":[{{"introduced":"0"}},{{"fixed":"1.{}.{}"}}]}}]}}],"references":[{{"type":"WEB","url":"https://example.com/advisories/{i}"}}]}}"#,
            i % 28 + 1,
            summary.join(" "),
            i % 97,
            i % 13,
            i % 7
        )
    }

    /// A store made by migrations 1 to 21 with OSV records in it: migration 22 compresses
    /// every document (with a dictionary trained on them, as there are enough), keeps every
    /// other column and the rows that refer to the records, and each document reads back as
    /// the text it was.
    #[test]
    fn migration_22_compresses_the_documents_and_keeps_everything_else() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = store_at(dir.path(), 21);
        let count = crate::advisories::DICTIONARY_MIN_RECORDS + 200;
        let mut raw = 0;
        for i in 0..count {
            let text = osv_text(i);
            raw += text.len();
            conn.execute(
                "INSERT INTO osv_advisories (id, modified, modified_us, published, summary, document,
                     sha256, imported_at, severity, published_us, search)
                 VALUES ($1, 'm', $2, 'p', 's', $3, x'0102', 'then', 'HIGH', 7, 'test')",
                rusqlite::params![format!("TEST-{i}"), i as i64, text],
            )
            .unwrap();
        }
        conn.execute_batch(
            "INSERT INTO osv_advisory_aliases (id, alias) VALUES ('TEST-5', 'CVE-2024-0005');
             INSERT INTO osv_advisory_packages (ecosystem, name, id) VALUES ('PyPI', 'pkg-5', 'TEST-5');
             INSERT INTO osv_advisory_changes (id, seq, modified_us) VALUES ('TEST-5', 1, 9);",
        )
        .unwrap();

        run(&mut conn).unwrap();

        let dictionaries: i64 =
            conn.query_row("SELECT COUNT(*) FROM osv_dictionaries", [], |r| r.get(0)).unwrap();
        assert_eq!(dictionaries, 1);
        let documents = super::super::advisories::Documents::default();
        let mut stored = 0;
        for i in 0..count {
            let (frame, modified_us, digest, severity, search): (Vec<u8>, i64, Vec<u8>, String, String) = conn
                .query_row(
                    "SELECT document, modified_us, sha256, severity, search FROM osv_advisories WHERE id = $1",
                    [format!("TEST-{i}")],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
                )
                .unwrap();
            stored += frame.len();
            assert!(zstd::zstd_safe::get_dict_id_from_frame(&frame).is_some(), "TEST-{i} has no dictionary");
            assert_eq!(documents.text(&conn, &frame).unwrap(), osv_text(i));
            assert_eq!(
                (modified_us, digest, severity.as_str(), search.as_str()),
                (i as i64, vec![1, 2], "HIGH", "test")
            );
        }
        assert!(stored * 3 < raw, "{stored} bytes stored for {raw} of text");
        // the index is back, the referring rows still refer, and the foreign keys hold
        let index: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM pragma_index_list('osv_advisories') WHERE name = 'osv_advisories_by_modified'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(index, 1);
        let dangling: i64 =
            conn.query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).unwrap();
        assert_eq!(dangling, 0);
        let alias: String = conn
            .query_row("SELECT a.id FROM osv_advisory_aliases l JOIN osv_advisories a USING (id)", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(alias, "TEST-5");
        // the dictionaries never change
        assert!(conn.execute("DELETE FROM osv_dictionaries", []).is_err());
        assert!(conn.execute("UPDATE osv_dictionaries SET dictionary = x'00'", []).is_err());
    }

    /// Inserts a row with the given values and any value of the right type in the other
    /// required columns.
    fn fill(conn: &Connection, table: &str, given: &[(&str, &str)]) {
        let required: Vec<(String, String)> = conn
            .prepare("SELECT name, type FROM pragma_table_info($1) WHERE \"notnull\" AND dflt_value IS NULL")
            .unwrap()
            .query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let (mut columns, mut values) = (vec![], vec![]);
        for (name, kind) in required {
            let value = match given.iter().find(|g| g.0 == name) {
                Some((_, v)) => format!("'{v}'"),
                None if kind == "INTEGER" => "0".to_owned(),
                None => format!("'{table}-{name}'"),
            };
            columns.push(name);
            values.push(value);
        }
        conn.execute(
            &format!("INSERT INTO {table} ({}) VALUES ({})", columns.join(", "), values.join(", ")),
            [],
        )
        .unwrap();
    }
}
